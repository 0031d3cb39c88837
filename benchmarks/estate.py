"""Synthetic estates: stack config maps of growing size, valid under `components.core.config.load`.

An estate is `workspaces` PAI workspaces of `members` member slots each. The mix repeats every five workspaces so
every size holds the same kinds of things:

    w % 5 == 0  dsw + dlc     new VPC (2 vSwitches), 2 buckets, 1 NAS file system, 1 custom policy
    w % 5 == 1  eas           new VPC (2 vSwitches), 1 bucket
    w % 5 == 2  itag          2 buckets
    w % 5 == 3  designer      the default `data` bucket, 1 custom policy
    w % 5 == 4  dsw + eas     new VPC (3 vSwitches), 1 bucket, 1 extreme NAS file system

NAS allows 20 permission groups per account and region and a workspace needs one per file-system type it uses,
so at the largest size (40 workspaces: 16 of them with NAS) each NAS workspace uses one file-system type.

Every new VPC gets its own 10.<w>.0.0/16 (and 10.<w>.<n>.0/24 vSwitches), so no two networks overlap.
Member slot 0 of every workspace is an admin shared by a block of four workspaces (console login, activator; the
first is the stack's resource administrator), slot 1 an auditor shared by a block of five; the other slots are
the workspace's own users, whose profile (role, console login, access key, extra system policy in the EAS
workspaces) follows the slot number. Shared blocks keep every user within RAM's 10 groups per user.
"""

from __future__ import annotations

from typing import Any

from pydantic.alias_generators import to_camel

from components.alicloud.plan import identity as identity_plan

PROJECT = "pai-platform"
IDENTITY_STACK = "bench-identity"
ORGANIZATION = "organization"  # what a DIY backend (and the offline runtime) calls the organization
REGION = "cn-hangzhou"
ZONES = ("cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j")
ADMIN_BLOCK = 4
AUDITOR_BLOCK = 5

# (workspace count, member slots per workspace): the grid `make bench` measures.
SIZES: tuple[tuple[int, int], ...] = tuple((w, m) for w in (1, 10, 40) for m in (5, 20, 50))

_ROLES = ("PAI.AlgoDeveloper", "PAI.AlgoOperator", "PAI.AlgoDeveloper", "PAI.WorkspaceGuest", "PAI.LabelManager")


def _network(w: int, zones: int) -> dict[str, Any]:
    return {
        "cidr": f"10.{w}.0.0/16",
        "vswitches": [{"zoneId": ZONES[z], "cidr": f"10.{w}.{z + 1}.0/24"} for z in range(zones)],
    }


def _custom_policy(w: int) -> dict[str, Any]:
    return {
        "name": "eas-read" if w % 5 == 0 else "mc-read",
        "description": "Read-only listing for the team",
        "roles": ["PAI.AlgoDeveloper"],
        "document": {
            "Version": "1",
            "Statement": [{"Effect": "Allow", "Action": ["eas:ListServices", "eas:DescribeService"], "Resource": "*"}],
        },
    }


def member(w: int, slot: int) -> dict[str, Any]:
    """Member slot `slot` of workspace `w`."""
    if slot == 0:
        block = w // ADMIN_BLOCK
        out: dict[str, Any] = {"name": f"admin-{block:02d}", "roles": ["PAI.WorkspaceAdmin"], "consoleLogin": True,
                               "activator": True}
        if block == 0:
            out["resourceAdmin"] = True
        return out
    if slot == 1:
        return {"name": f"auditor-{w // AUDITOR_BLOCK:02d}", "roles": ["PAI.WorkspaceGuest"]}
    out = {"name": f"w{w:03d}-u{slot:03d}", "roles": [_ROLES[(slot - 2) % len(_ROLES)]]}
    if slot % 2 == 0:
        out["consoleLogin"] = True
    if slot % 5 == 0:
        out["accessKey"] = True
    if slot % 10 == 7 and w % 5 in (1, 4):  # EAS read-only fits only a workspace that uses eas
        out["systemPolicies"] = ["AliyunPAIEASReadOnlyAccess"]
    return out


def workspace(w: int, members: int) -> dict[str, Any]:
    """Workspace `w` of an estate, with `members` member slots."""
    kind = w % 5
    ws: dict[str, Any] = {
        "name": f"team_{w:03d}",
        "description": f"Benchmark team {w}",
        "members": [member(w, s) for s in range(members)],
    }
    if kind == 0:
        ws.update(modules=["dsw", "dlc"], network=_network(w, 2), buckets=[{"key": "datasets"}, {"key": "checkpoints"}],
                  fileSystems=[{"key": "shared"}], policies=[_custom_policy(w)])
    elif kind == 1:
        ws.update(modules=["eas"], network=_network(w, 2), buckets=[{"key": "models", "redundancyType": "ZRS"}])
    elif kind == 2:
        ws.update(modules=["itag"], buckets=[{"key": "raw"}, {"key": "labelled"}])
    elif kind == 3:
        ws.update(modules=["designer"], policies=[_custom_policy(w)])
    else:
        ws.update(
            modules=["dsw", "eas"],
            network=_network(w, 3),
            buckets=[{"key": "features"}],
            fileSystems=[
                {"key": "fast", "fileSystemType": "extreme", "storageType": "standard", "capacity": 100,
                 "zoneId": ZONES[0]},
            ],
        )
    return ws


def estate(workspaces: int, members: int) -> dict[str, Any]:
    """A stack `config:` map (namespaced keys, objects as data), as a stack file would hold it."""
    if not 1 <= workspaces <= 250:
        raise ValueError("workspaces must be 1-250 (one 10.<w>.0.0/16 network each)")
    if members < 2:
        raise ValueError("members must be at least 2 (the shared admin and auditor slots)")
    return {
        "alicloud:region": REGION,
        f"{PROJECT}:namePrefix": "bench",
        f"{PROJECT}:tags": {"env": "bench"},
        f"{PROJECT}:workspaces": [workspace(w, members) for w in range(workspaces)],
    }


# --- the same estate, split -----------------------------------------------------------------------------------------

USER_KEYS = ("name", *(to_camel(a) for a in identity_plan.USER_ATTRIBUTES))
"""A member's keys that belong to its RAM user (the contract's `plan/identity.py` USER_ATTRIBUTES, camelCase)."""
MEMBERSHIP_KEYS = ("name", "roles", "activator", "systemPolicies")
"""What a team stack's member may say: the membership, not the user."""

# Sizes of the monolith-against-split measurement: teams (workspaces) of `SPLIT_MEMBERS` member slots each.
SPLIT_TEAMS: tuple[int, ...] = (1, 10, 40)
SPLIT_MEMBERS = 50
MEASURED_TEAM = 0
"""The team whose change is measured: workspace 0 at every size (dsw + dlc, a new VPC, 2 buckets, a NAS file
system, a custom policy; its admin slot is the stack's resource administrator), so every size times the same team."""


def team_stack(w: int) -> str:
    """The stack name of team (workspace) `w` in a split estate."""
    return f"bench-team-{w:03d}"


def identity_reference(identity_stack: str = IDENTITY_STACK) -> str:
    """The `identityStack:` value naming the identity stack (`<org>/<project>/<stack>`)."""
    return f"{ORGANIZATION}/{PROJECT}/{identity_stack}"


def split(monolith: dict[str, Any], identity_stack: str = IDENTITY_STACK) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A monolithic stack `config:` map cut into (identity stack config, one team stack config per workspace).

    The identity stack gets the stack-wide settings (region, prefix, tags, and the account bootstrap and access-log
    settings if the monolith has them: with the bootstrap on, `modules` lists every workspace's modules) and every
    member's user attributes, once per user (the first listing, which the contract makes agree with the others, and
    resourceAdmin if any listing has it, as the monolith's resource-admins group has). Each team
    stack gets region, prefix and tags, `identityStack`, and its one workspace with members reduced to
    `MEMBERSHIP_KEYS`."""
    ns = f"{PROJECT}:"
    workspaces = monolith[f"{ns}workspaces"]
    shared = {k: v for k, v in monolith.items() if k in ("alicloud:region", f"{ns}namePrefix", f"{ns}tags")}
    users: dict[str, dict[str, Any]] = {}
    for ws in workspaces:
        for m in ws["members"]:
            user = users.setdefault(m["name"], {k: m[k] for k in USER_KEYS if k in m})
            if m.get("resourceAdmin"):  # per membership in a monolith: a resource admin if any membership says so
                user["resourceAdmin"] = True
    identity = {**shared, f"{ns}users": list(users.values())}
    if f"{ns}accessLogs" in monolith:
        identity[f"{ns}accessLogs"] = monolith[f"{ns}accessLogs"]
    bootstrap = monolith.get(f"{ns}accountBootstrap")
    if bootstrap is not None:
        identity[f"{ns}accountBootstrap"] = dict(bootstrap)
        if bootstrap.get("enabled"):
            identity[f"{ns}accountBootstrap"]["modules"] = list(dict.fromkeys(m for ws in workspaces for m in ws["modules"]))
    teams = []
    for ws in workspaces:
        members = [{k: m[k] for k in MEMBERSHIP_KEYS if k in m} for m in ws["members"]]
        teams.append({**shared, f"{ns}identityStack": identity_reference(identity_stack),
                      f"{ns}workspaces": [{**ws, "members": members}]})
    return identity, teams


def split_estate(workspaces: int, members: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """`estate(workspaces, members)` as an identity stack config and one team stack config per workspace."""
    return split(estate(workspaces, members))
