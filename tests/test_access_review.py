"""`make preview FORMAT=access` / `FORMAT=access-csv` (offline/access.py): per RAM user, what the plan grants.

Expected values come from the prod stack file and seed 002's facts, with the project's bucket action lists and
role group names written out here, never computed by the code under test.
"""

from __future__ import annotations

import csv
import io
import subprocess

import yaml

from conftest import DSW_NETWORK, ROOT, base_config, minimal_workspace
from offline import preview
from offline.access import render_access, render_access_csv
from seed_data import load as load_seed

PROD = yaml.safe_load((ROOT / "stacks" / "Pulumi.prod.yaml").read_text())["config"]
PREFIX = PROD["pai-platform:namePrefix"]
SEED_002 = load_seed("002_pai_permissions.json")

# Role group suffixes (one RAM group per PAI role used) and which roles write the workspace's data.
ROLE_SLUG = {"PAI.WorkspaceOwner": "owner", "PAI.WorkspaceAdmin": "admin", "PAI.AlgoDeveloper": "algo-developer",
             "PAI.AlgoOperator": "algo-operator", "PAI.LabelManager": "label-manager", "PAI.WorkspaceGuest": "guest",
             "PAI.MaxComputeDeveloper": "maxcompute-developer"}
READ_ONLY_ROLES = {"PAI.WorkspaceGuest"}
OSS_RW = "oss:AbortMultipartUpload, oss:DeleteObject, oss:GetBucketInfo, oss:GetObject, oss:ListMultipartUploads, " \
         "oss:ListObjects, oss:ListParts, oss:PutObject"
OSS_RO = "oss:GetBucketInfo, oss:GetObject, oss:ListObjects"
VPC_READ = {"vpc:DescribeVpcs", "vpc:DescribeVSwitches", "ecs:DescribeSecurityGroups"}  # seed 003's VPC statement


def slug(ws: str) -> str:
    return ws.lower().replace("_", "-")


def sections(text: str) -> dict[str, list[str]]:
    """The report's lines per user (`== <user> (...)` opens a section)."""
    out: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("== "):
            current = line[3:].split(" (", 1)[0]
            out[current] = [line]
        elif current is not None and line:
            out[current].append(line)
    return out


def expected_members() -> dict[str, dict]:
    """Per user, from the stack file: roles per workspace, groups, custom policies, bucket access, admin."""
    users: dict[str, dict] = {}
    for ws in PROD["pai-platform:workspaces"]:
        buckets = [f"{PREFIX}-{slug(ws['name'])}-{b['key']}" for b in ws.get("buckets", [])]
        for m in ws["members"]:
            u = users.setdefault(m["name"], {"roles": {}, "groups": set(), "custom": set(), "oss": {}, "admin": False,
                                             "existing": bool(m.get("existing")), "star": set()})
            u["roles"][ws["name"]] = sorted(m["roles"])
            u["admin"] |= bool(m.get("resourceAdmin"))
            for r in m["roles"]:
                u["groups"].add(f"{PREFIX}-{slug(ws['name'])}-{ROLE_SLUG[r]}")
                writes = r not in READ_ONLY_ROLES
                u["custom"].add(f"{PREFIX}-{slug(ws['name'])}-access-{'rw' if writes else 'ro'}")
                for b in buckets:
                    u["oss"][b] = OSS_RW if writes or u["oss"].get(b) == OSS_RW else OSS_RO
                if ws.get("network"):  # a workspace with a VPC lets its members pick it (on every resource)
                    u["star"].update(VPC_READ)
            for p in ws.get("policies", []):
                if set(p.get("roles", m["roles"])) & set(m["roles"]):
                    u["custom"].add(f"{PREFIX}-{slug(ws['name'])}-{p['name']}")
                    for st in p["document"]["Statement"]:
                        if st["Resource"] == "*":
                            u["star"].update(st["Action"])
            for q in ws.get("quotaAccess", []):
                if set(q["roles"]) & set(m["roles"]):
                    u["custom"].add(f"{PREFIX}-{slug(ws['name'])}-quota-{q['name']}")
            if m.get("resourceAdmin"):
                u["groups"].add(f"{PREFIX}-pai-resource-admins")
    return users


def test_make_preview_passes_the_access_formats_through():
    for fmt in ("access", "access-csv"):
        dry = subprocess.run(["make", "-n", "preview", "STACK=prod", f"FORMAT={fmt}"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
        assert f"--stack prod --format {fmt}" in dry


def test_prod_access_shows_every_members_effective_access(capsys):
    assert preview.main(["--stack", "prod", "--format", "access"]) == 0
    out, _ = capsys.readouterr()
    report = sections(out)
    want = expected_members()
    assert set(report) == set(want)
    admin_policy = SEED_002["activate_and_purchase"]["policy"]  # AliyunPAIFullAccess
    for name, u in want.items():
        lines = report[name]
        text = "\n".join(lines)
        assert ("existing user" in lines[0]) == u["existing"], name
        roles = "; ".join(f"{ws} {', '.join(r)}" for ws, r in sorted(u["roles"].items()))
        assert f"   workspaces: {roles}" in lines, name
        assert f"   groups: {', '.join(sorted(u['groups']))}" in lines, name
        shown_custom = {l.split()[0] for l in lines if l.startswith("     ") and " via group " in l
                        and "(" not in l.split()[1]}
        assert shown_custom == u["custom"], name
        for bucket, actions in u["oss"].items():
            assert f"     Allow acs:oss:*:*:{bucket}: {actions}" in lines, (name, bucket)
            assert f"     Allow acs:oss:*:*:{bucket}/*: {actions}" in lines, (name, bucket)
        buckets_shown = {l.split("acs:oss:*:*:")[1].split(":")[0].removesuffix("/*") for l in lines
                         if "Allow acs:oss:*:*:" in l and "oss:ListBuckets" not in l}
        assert buckets_shown == set(u["oss"]), name  # no other workspace's bucket
        star = [l for l in lines if l.startswith("     Allow *: ")]
        if u["star"]:
            (line,) = star
            assert set(line.split(": ", 1)[1].split("  !")[0].split(", ")) == u["star"], name
            assert line.endswith("! * resource"), name
        else:
            assert star == [], name
        if u["admin"]:
            assert (f"     {admin_policy} (FullAccess) via group {PREFIX}-pai-resource-admins  "
                    "! admin-only policy, FullAccess system policy") in lines
        else:
            assert admin_policy not in text and "   system policies: none" in lines, name


def test_prod_access_csv_parses_with_a_header_and_flags_the_admin_policy(capsys):
    assert preview.main(["--stack", "prod", "--format", "access-csv"]) == 0
    out, _ = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0].startswith("user,kind,workspace,role,group,via,policy")
    want = expected_members()
    assert {r["user"] for r in rows} == set(want)
    roles = {(r["user"], r["workspace"], r["role"]) for r in rows if r["kind"] == "workspace-role"}
    assert roles == {(n, ws, role) for n, u in want.items() for ws, rs in u["roles"].items() for role in rs}
    (full,) = [r for r in rows if r["policy"] == SEED_002["activate_and_purchase"]["policy"]]
    assert (full["user"], full["kind"], full["policy_kind"]) == ("platform-admin", "system-policy", "FullAccess")
    assert full["via"] == f"group {PREFIX}-pai-resource-admins" and "admin-only policy" in full["flags"]
    assert all(r["flags"] == "* resource" for r in rows if r["kind"] == "effective" and r["resource"] == "*")


def test_output_is_deterministic(example_plan):
    plan = example_plan("prod")
    assert render_access(plan) == render_access(example_plan("prod"))
    assert render_access_csv(plan) == render_access_csv(example_plan("prod"))


def test_wildcard_actions_direct_system_policies_and_dataset_acceleration_are_shown(plan_for):
    eas_all = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["eas:*"], "Resource": "*"}]}
    ws = minimal_workspace(modules=["eas", "dataset-acceleration"], network=DSW_NETWORK, members=[
        {"name": "boss", "roles": ["PAI.WorkspaceAdmin"], "resourceAdmin": True},
        {"name": "bot", "roles": ["PAI.AlgoOperator"], "systemPolicies": ["AliyunPAIEASReadOnlyAccess"]}],
        policies=[{"name": "eas-all", "roles": ["PAI.AlgoOperator"], "document": eas_all}])
    report = sections(render_access(plan_for(base_config(ws))))
    (star,) = [l for l in report["bot"] if l.startswith("     Allow *: ")]
    assert "eas:*" in star.split(": ", 1)[1].split(", ") and star.endswith("  ! wildcard action, * resource")
    assert "     AliyunPAIEASReadOnlyAccess (ReadOnly) via direct" in report["bot"]
    assert ("     AliyunDatasetAccFullAccess (FullAccess) via group acme-team-ws-dataset-acceleration  "
            "! FullAccess system policy") in report["boss"]
    assert not any("DatasetAcc" in l for l in report["bot"])
