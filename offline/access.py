"""Access review: who can do what, per RAM user, read from the plan the program registers (`make preview
FORMAT=access`, or `FORMAT=access-csv`).

Everything comes from the recorded registrations, so the review cannot drift from what is deployed:
- users: `ram.User` (created) and the users the other records name (existing ones, looked up by the program);
- workspaces and PAI roles: `pai.WorkspaceMember`, its workspace and user resolved through its property
  dependencies (the `pai.WorkspaceWorkspace` and `ram.User` it was given), an existing user through the program's
  `ram.get_users` lookup;
- groups: `ram.UserGroupAttachment` (user, group), `ram.Group`;
- policies: `ram.GroupPolicyAttachment` and `ram.UserPolicyAttachment` (name and type), `ram.Policy` (the custom
  policy documents);
- effective actions: the union of the reached custom policies' statements, per effect, resource pattern and
  condition. System policies are shown by name and kind (FullAccess, ReadOnly) only: their documents are Alibaba
  Cloud's, not in the plan, and are not guessed here.

Broad grants are flagged: wildcard actions, `*` resources, FullAccess system policies and admin-only policies
(`catalogue.ADMIN_ONLY_POLICIES`). Output is sorted, so two runs of one plan print the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any, Optional

from . import fakes, tokens
from .runtime import Plan, Registration

CSV_COLUMNS = ("user", "kind", "workspace", "role", "group", "via", "policy", "policy_type", "policy_kind",
               "effect", "resource", "condition", "actions", "flags")
"""One row per fact: kind is workspace-role, group, system-policy, custom-policy or effective."""


@dataclass(frozen=True)
class Grant:
    """A policy reaching a user: its name, System or Custom, and through which group (None: attached directly)."""

    policy: str
    policy_type: str
    group: Optional[str]


@dataclass
class UserAccess:
    name: str
    existing: bool
    identity_stack: Optional[str] = None
    """The identity stack that holds the user, for a team stack's members (README, "Estates")."""
    console_login: bool = False
    access_key: bool = False
    roles: dict[str, list[str]] = field(default_factory=dict)
    """PAI roles by workspace name."""
    groups: set[str] = field(default_factory=set)
    grants: set[Grant] = field(default_factory=set)


@dataclass(frozen=True)
class Effective:
    effect: str
    resource: str
    condition: str
    """The statement's Condition as canonical JSON, "" when unconditional."""
    actions: tuple[str, ...]
    policies: tuple[str, ...]
    flags: tuple[str, ...]


def _admin_only() -> frozenset[str]:
    from components.alicloud.plan import catalogue  # pure Python; imported here so `offline` loads without it

    return catalogue.ADMIN_ONLY_POLICIES


def policy_kind(name: str) -> str:
    """The kind a system policy's name states (Alibaba Cloud names them `...FullAccess`, `...ReadOnlyAccess`)."""
    if name.endswith("FullAccess"):
        return "FullAccess"
    if name.endswith("ReadOnlyAccess"):
        return "ReadOnly"
    return "other"


def system_policy_flags(name: str) -> tuple[str, ...]:
    flags = []
    if name in _admin_only():
        flags.append("admin-only policy")
    if policy_kind(name) == "FullAccess":
        flags.append("FullAccess system policy")
    return tuple(flags)


def statement_flags(actions: list[str], resource: str) -> tuple[str, ...]:
    flags = []
    if any("*" in a for a in actions):
        flags.append("wildcard action")
    if resource == "*":
        flags.append("* resource")
    return tuple(flags)


def _by_urn(plan: Plan) -> dict[str, Registration]:
    return {r.urn: r for r in plan.resources}


def _input(reg: Registration, key: str, by_urn: dict[str, Registration], attr: str) -> Optional[str]:
    """`reg`'s input `key`; when it is not a known string, the input `attr` of the resource it came from (its
    property dependency), e.g. a member's `userId` from its `ram.User`'s `name`."""
    value = reg.plain_inputs().get(key)
    if isinstance(value, str) and value:
        return value
    return _via(reg, key, by_urn, attr)


def _via(reg: Registration, key: str, by_urn: dict[str, Registration], attr: str) -> Optional[str]:
    """The input `attr` of the resource `reg`'s input `key` depends on (ids are placeholders: names are not)."""
    for urn in reg.property_dependencies.get(key, []):
        dep = by_urn.get(urn)
        found = dep.plain_inputs().get(attr) if dep is not None else None
        if isinstance(found, str) and found:
            return found
    return None


def _looked_up_users(plan: Plan) -> dict[str, str]:
    """User id -> name of the existing users the program looked up (`ram.get_users`), as the lookup answered."""
    out: dict[str, str] = {}
    for inv in plan.invokes:
        if tokens.name_of(inv.token) == "ALI_GET_USERS":
            for u in fakes.invoke(inv.token, inv.args).get("users") or []:
                out[str(u["id"])] = u["name"]
    return out


def referenced_users(plan: Plan) -> dict[str, tuple[str, Any]]:
    """User id -> (identity stack, the user as it exported it: `components/alicloud/plan/identity.py` ExportedUser),
    for the users a team stack read through its `pulumi.StackReference` (`Plan.references`). Outputs that are not
    an identity stack's are skipped (the program refused the reference already)."""
    if not plan.references:
        return {}
    # Imported here, not at the top: the plan diff runs this runtime over an older ref's `components` too.
    from components.alicloud.plan import identity

    out: dict[str, tuple[str, Any]] = {}
    for stack, ref in plan.references.items():
        try:
            exported = identity.parse(stack, ref.outputs).users.values()
        except ValueError:
            continue
        out.update({u.id: (stack, u) for u in exported})
    return out


def _resource_admin_policies() -> list[str]:
    from components.alicloud.plan import grants  # see referenced_users

    return list(grants.resource_admin_policies())


def collect(plan: Plan) -> dict[str, UserAccess]:
    """Every RAM user the plan names, with its workspaces, roles, groups and the policies that reach it."""
    by_urn = _by_urn(plan)
    users: dict[str, UserAccess] = {}

    referenced = referenced_users(plan)  # a team stack's users, as its identity stack declares them
    declared = {u.name: (stack, u) for stack, u in referenced.values()}

    def user(name: str) -> UserAccess:
        if name not in users and name in declared:
            stack, u = declared[name]
            users[name] = UserAccess(name, existing=u.existing, identity_stack=stack,
                                     console_login=u.console_login, access_key=u.access_key)
            if u.resource_admin:  # granted in the identity stack, through its resource-admins group
                users[name].grants.update(Grant(p, "System", f"resource-admins (identity stack {stack})")
                                          for p in _resource_admin_policies())
        return users.setdefault(name, UserAccess(name, existing=True))

    created = {r.urn: r.plain_inputs().get("name") for r in plan.of("ALI_USER")}
    for name in created.values():
        users[name] = UserAccess(name, existing=False)
    ids = {r.id: r.plain_inputs().get("name") for r in plan.of("ALI_USER") if r.id}
    ids.update(_looked_up_users(plan))
    ids.update({uid: u.name for uid, (_, u) in referenced.items()})
    for r in plan.of("ALI_LOGIN_PROFILE"):
        user(_input(r, "userName", by_urn, "name")).console_login = True
    for r in plan.of("ALI_ACCESS_KEY"):
        user(_input(r, "userName", by_urn, "name")).access_key = True
    for r in plan.of("ALI_MEMBER"):
        inp = r.plain_inputs()
        name = _via(r, "userId", by_urn, "name") or ids.get(str(inp.get("userId"))) or f"user id {inp.get('userId')}"
        ws = _via(r, "workspaceId", by_urn, "workspaceName") or f"workspace id {inp.get('workspaceId')}"
        user(name).roles[ws] = sorted(inp.get("roles") or [])
    group_policies: dict[str, set[tuple[str, str]]] = {}
    for r in plan.of("ALI_GROUP_POLICY"):
        inp = r.plain_inputs()
        group = _input(r, "groupName", by_urn, "groupName")
        policy = _input(r, "policyName", by_urn, "policyName")
        group_policies.setdefault(group, set()).add((policy, inp.get("policyType", "")))
    for r in plan.of("ALI_USER_GROUP"):
        u = user(_input(r, "userName", by_urn, "name"))
        group = _input(r, "groupName", by_urn, "groupName")
        u.groups.add(group)
    for u in users.values():
        for group in u.groups:
            u.grants.update(Grant(p, t, group) for p, t in group_policies.get(group, ()))
    for r in plan.of("ALI_USER_POLICY"):
        inp = r.plain_inputs()
        user(_input(r, "userName", by_urn, "name")).grants.add(
            Grant(_input(r, "policyName", by_urn, "policyName"), inp.get("policyType", ""), None))
    return users


def _documents(plan: Plan) -> dict[str, dict[str, Any]]:
    out = {}
    for r in plan.of("ALI_POLICY"):
        inp = r.plain_inputs()
        doc = inp.get("policyDocument")
        out[inp.get("policyName")] = json.loads(doc) if isinstance(doc, str) else (doc or {})
    return out


def _as_list(v: Any) -> list[str]:
    return [v] if isinstance(v, str) else [str(x) for x in v or []]


def effective(grants: set[Grant], documents: dict[str, dict[str, Any]]) -> list[Effective]:
    """The union of the custom policies' statements: actions per (effect, resource pattern, condition)."""
    acc: dict[tuple[str, str, str], tuple[set[str], set[str]]] = {}
    for g in grants:
        if g.policy_type != "Custom" or g.policy not in documents:
            continue
        for st in _as_list_of_statements(documents[g.policy]):
            cond = json.dumps(st["Condition"], sort_keys=True, separators=(",", ":")) if st.get("Condition") else ""
            for resource in _as_list(st.get("Resource")):
                actions, policies = acc.setdefault((st.get("Effect", "Allow"), resource, cond), (set(), set()))
                actions.update(_as_list(st.get("Action")))
                policies.add(g.policy)
    return [Effective(e, r, c, tuple(sorted(a)), tuple(sorted(p)), statement_flags(sorted(a), r))
            for (e, r, c), (a, p) in sorted(acc.items())]


def _as_list_of_statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    st = doc.get("Statement") or []
    return [st] if isinstance(st, dict) else list(st)


def _via_text(g: Grant) -> str:
    return f"group {g.group}" if g.group else "direct"


def _sorted_grants(grants: set[Grant]) -> list[Grant]:
    return sorted(grants, key=lambda g: (g.policy_type, g.policy, g.group or ""))


def render_access(plan: Plan) -> str:
    users, documents = collect(plan), _documents(plan)
    lines = [f"Access review of stack {plan.stack!r} ({plan.project}, offline preview): per RAM user, from the plan's "
             "members, groups, attachments and policy documents.",
             "System policies by name and kind only (their documents are Alibaba Cloud's). "
             "'!' marks a broad grant.", ""]
    if not users:
        lines.append("No RAM user in this plan (the review reads Alibaba Cloud RAM and PAI; Huawei IAM is not covered).")
    for name in sorted(users):
        u = users[name]
        login = [w for w, on in (("console login", u.console_login), ("access key", u.access_key)) if on]
        kind = "existing user" if u.existing else "created"
        if u.identity_stack:
            kind = f"{'an existing' if u.existing else 'a'} user of identity stack {u.identity_stack}"
        lines.append(f"== {name} ({kind}"
                     f"{', ' + ', '.join(login) if login else ''})")
        lines.append("   workspaces: " + ("; ".join(f"{ws} {', '.join(r)}" for ws, r in sorted(u.roles.items()))
                                          or "none"))
        lines.append("   groups: " + (", ".join(sorted(u.groups)) or "none"))
        system = [g for g in _sorted_grants(u.grants) if g.policy_type == "System"]
        custom = [g for g in _sorted_grants(u.grants) if g.policy_type != "System"]
        lines.append("   system policies:" + ("" if system else " none"))
        for g in system:
            flags = system_policy_flags(g.policy)
            lines.append(f"     {g.policy} ({policy_kind(g.policy)}) via {_via_text(g)}"
                         f"{'  ! ' + ', '.join(flags) if flags else ''}")
        lines.append("   custom policies:" + ("" if custom else " none"))
        for g in custom:
            lines.append(f"     {g.policy} via {_via_text(g)}")
        eff = effective(u.grants, documents)
        lines.append("   effective actions (custom policies):" + ("" if eff else " none"))
        for e in eff:
            cond = f" if {e.condition}" if e.condition else ""
            lines.append(f"     {e.effect} {e.resource}{cond}: {', '.join(e.actions)}"
                         f"{'  ! ' + ', '.join(e.flags) if e.flags else ''}")
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def access_rows(plan: Plan) -> list[dict[str, str]]:
    users, documents = collect(plan), _documents(plan)
    rows: list[dict[str, str]] = []

    def row(**values: str) -> None:
        rows.append({c: values.get(c, "") for c in CSV_COLUMNS})

    for name in sorted(users):
        u = users[name]
        for ws, roles in sorted(u.roles.items()):
            for role in roles:
                row(user=name, kind="workspace-role", workspace=ws, role=role)
        for group in sorted(u.groups):
            row(user=name, kind="group", group=group)
        for g in _sorted_grants(u.grants):
            system = g.policy_type == "System"
            row(user=name, kind="system-policy" if system else "custom-policy", group=g.group or "",
                via=_via_text(g), policy=g.policy, policy_type=g.policy_type,
                policy_kind=policy_kind(g.policy) if system else "", flags="; ".join(system_policy_flags(g.policy))
                if system else "")
        for e in effective(u.grants, documents):
            row(user=name, kind="effective", policy=" ".join(e.policies), policy_type="Custom", effect=e.effect,
                resource=e.resource, condition=e.condition, actions=" ".join(e.actions), flags="; ".join(e.flags))
    return rows


def render_access_csv(plan: Plan) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(access_rows(plan))
    return out.getvalue().rstrip("\n")
