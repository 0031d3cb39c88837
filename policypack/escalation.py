"""Privilege-escalation and administrator rules of the policy pack, for any program's resources (Alibaba Cloud and
Huawei Cloud). Pure functions over plain data, in the shapes `rules.py` describes.

Standalone on purpose: the pack imports nothing of `components`. The lists below are the pack's copies of the
project's (`components/alicloud/plan/escalation.py`, `components/alicloud/plan/catalogue.py`,
`components/huaweicloud/rules.py`); `tests/test_escalation.py` checks they are equal. Sources are cited there.

Levels: escalations are MANDATORY (the preview or update fails); grants that are broad but can be legitimate in
some other program (`pai:*` on `*` for a platform team, a public source address in a security group) are ADVISORY
(printed, exit 0).
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any, Iterable, Mapping, Optional, Sequence

import pulumi_huaweicloud as huaweicloud
from pulumi_alicloud import ecs, nas, oss, ram, resourcemanager

try:
    from . import rules as base
except ImportError:  # run by the Pulumi CLI as a folder: sibling modules are top-level
    import rules as base  # type: ignore[no-redef]

Rule, _token, ADVISORY = base.Rule, base._token, base.ADVISORY


def _hw_token(cls: type) -> str:
    """The token of a pulumi-huaweicloud 0.0.12 class: it has no `@pulumi.type_token` decorator, so it is the one
    token-shaped constant its `_internal_init` passes on whose last part is the class name (the reading of
    `components/core/tokens.py`, repeated here because the pack imports nothing of `components`)."""
    code = cls._internal_init.__code__
    found = {c for c in code.co_consts if isinstance(c, str)
             and re.fullmatch(r"[a-z][a-z0-9]*:[A-Za-z0-9_]+/[A-Za-z0-9_]+:[A-Za-z0-9_]+", c)
             and c.rsplit(":", 1)[1] == cls.__name__}
    if len(found) != 1:
        raise ImportError(f"{cls.__module__}.{cls.__name__}: expected one type token, found {found}")
    return found.pop()


RAM_POLICY = _token(ram.Policy)
RAM_ROLE = _token(ram.Role)
RAM_GROUP = _token(ram.Group)
OSS_BUCKET = _token(oss.Bucket)
OSS_BUCKET_POLICY = _token(oss.BucketPolicy)
ECS_SECURITY_GROUP_RULE = _token(ecs.SecurityGroupRule)
NAS_ACCESS_RULE = _token(nas.AccessRule)
ATTACHMENTS = {  # attachment type -> (input naming the principal, kind)
    _token(ram.GroupPolicyAttachment): ("groupName", "group"),
    _token(ram.UserPolicyAttachment): ("userName", "user"),
    _token(ram.RolePolicyAttachment): ("roleName", "role"),
    _token(resourcemanager.PolicyAttachment): ("principalName", "principal"),
}
HW_AGENCY = _hw_token(huaweicloud.iam.Agency)
HW_ROLE = _hw_token(huaweicloud.iam.Role)
HW_ROLE_ASSIGNMENT = _hw_token(huaweicloud.iam.RoleAssignment)
HW_SECGROUP_RULE = _hw_token(huaweicloud.vpc.SecgroupRule)
HW_BUCKET = _hw_token(huaweicloud.obs.Bucket)

# The project's components, by their type tokens (components/alicloud/resources/identity.py, bootstrap/).
USERS_COMPONENT = "pai:identity:Users"
WORKSPACE_ACCESS_COMPONENT = "pai:identity:WorkspaceAccess"
DEPLOYER_COMPONENT = "bootstrap:state_backend:PipelineRole"
"""The bootstrap's pipeline role: the deployer creates the stacks' RAM users, groups and storage, so it holds
AliyunRAMFullAccess and the NAS/OSS/VPC FullAccess policies by design (bootstrap/backend_config.py)."""
DEPLOYER_POLICIES = ("AliyunRAMFullAccess",)

# --- the lists (copies; see the module docstring) ---------------------------------------------------------------

ESCALATION_ACTIONS: tuple[str, ...] = (
    "ram:AttachPolicyToUser", "ram:AttachPolicyToGroup", "ram:AttachPolicyToRole",
    "ram:DetachPolicyFromUser", "ram:DetachPolicyFromGroup", "ram:DetachPolicyFromRole",
    "ram:CreatePolicy", "ram:CreatePolicyVersion", "ram:SetDefaultPolicyVersion",
    "ram:CreateAccessKey", "ram:UpdateAccessKey", "ram:CreateLoginProfile", "ram:UpdateLoginProfile",
    "ram:UpdateRole", "ram:CreateRole", "ram:PassRole", "ram:AddUserToGroup",
)
ASSUME_ROLE = "sts:AssumeRole"
SENSITIVE_SERVICES: tuple[str, ...] = ("ram", "sts", "resourcemanager", "ims")
BROAD_DATA_SERVICES: tuple[str, ...] = ("oss", "pai", "paiworkspace", "nas")
ADMIN_POLICIES: tuple[str, ...] = (
    "AdministratorAccess", "AliyunRAMFullAccess", "AliyunSTSAssumeRoleAccess", "AliyunResourceManagerFullAccess",
)
PAI_FULL_ACCESS = "AliyunPAIFullAccess"
ACTIVATION_POLICIES: tuple[str, ...] = (
    "AliyunOSSFullAccess", "AliyunBSSOrderAccess", "AliyunDataWorksFullAccess", "AliyunStreamFullAccess",
    "AliyunNASFullAccess", "AliyunApiGatewayFullAccess", "AliyunLogFullAccess", "AliyunVPCFullAccess",
    "AliyunCloudMonitorFullAccess", "AliyunARMSFullAccess", "AliyunContainerRegistryFullAccess",
    "AliyunEventBridgeFullAccess",
)
HW_ADMIN_ROLES: tuple[str, ...] = ("Tenant Administrator", "Security Administrator", "Agent Operator")
HW_PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "public-read-delivered", "public-read-write-delivered"})

WIDEST_IPV4_PREFIX = 8
WIDEST_IPV6_PREFIX = 32
"""A source set (the union of a security group's accepting ingress rules, or of a NAS access group's rules) may
admit at most as many addresses as one /8 (IPv4) or one /32 (IPv6)."""


# --- helpers ----------------------------------------------------------------------------------------------------

def _regex(pattern: str) -> re.Pattern:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.I | re.S)


def covers(pattern: Any, action: str) -> bool:
    """RAM wildcards (`*`, `?`), case ignored."""
    return isinstance(pattern, str) and _regex(pattern.strip()).fullmatch(action) is not None


def covers_service(pattern: Any, service: str) -> bool:
    if not isinstance(pattern, str):
        return False
    p = pattern.strip()
    if p and set(p) <= {"*", ":"}:
        return True
    svc, sep, name = p.partition(":")
    return bool(sep) and set(name) == {"*"} and covers(svc, service)


def _any_resource(r: Any) -> bool:
    return isinstance(r, str) and (set(r.strip()) == {"*"} or bool(re.fullmatch(r"acs:\*+(:\*+){0,3}", r.strip())))


def _document(value: Any) -> Optional[Any]:
    if base.is_unreadable(value) or not base._present(value):
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _allow_statements(doc: Any) -> list[Mapping[str, Any]]:
    stmts = base._statements_of(doc) or []
    return [s for s in stmts if isinstance(s, Mapping) and str(s.get("Effect", "")).lower() == "allow"]


def _by_urn(resources: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {r.get("urn", ""): r for r in resources}


def _type_of_urn(urn: str) -> str:
    """The resource type a URN names (`urn:pulumi:stack::project::parent$type::name`)."""
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else ""


def _few(items: Sequence[str], n: int = 2) -> str:
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


# --- RAM policy documents ---------------------------------------------------------------------------------------

def _policy_findings(inputs: Mapping[str, Any]) -> tuple[str, list[tuple[int, list[str], list[str], list[str]]]]:
    """(policy name, [(statement index, escalations, sensitive services, broad data services)])."""
    name = inputs.get("policyName") or inputs.get("name") or "?"
    out = []
    for _key, text in base._documents(inputs):
        for i, s in enumerate(_allow_statements(_document(text))):
            actions = [a for a in base._as_list(s.get("Action")) if isinstance(a, str)]
            resources = base._as_list(s.get("Resource"))
            everything = any(_any_resource(r) for r in resources)
            if everything and any(base._is_any_action(a) for a in actions):
                continue  # `ram-no-admin-wildcard` says so
            found = [a for a in ESCALATION_ACTIONS if any(covers(p, a) for p in actions)]
            if everything and any(covers(p, ASSUME_ROLE) for p in actions):
                found.append(f"{ASSUME_ROLE} on '*'")
            sensitive = [f"{x}:*" for x in SENSITIVE_SERVICES if everything and any(covers_service(p, x) for p in actions)]
            broad = [f"{x}:*" for x in BROAD_DATA_SERVICES if everything and any(covers_service(p, x) for p in actions)]
            if found or sensitive or broad:
                out.append((i, found, sensitive, broad))
    return str(name), out


def check_ram_no_privilege_escalation(type_: str, inputs: Mapping[str, Any], secret_paths: Iterable[str] = (),
                                      config: Optional[Mapping[str, Any]] = None) -> list[str]:
    """No custom RAM policy allows an action that grants or assumes privileges (by RAM's wildcards, any case), nor
    every action of ram, sts, resourcemanager or ims on every resource."""
    if type_ != RAM_POLICY:
        return []
    name, findings = _policy_findings(inputs)
    out = []
    for i, found, sensitive, _ in findings:
        if found:
            out.append(f"RAM policy {name}: Statement[{i}] escalates privileges ({_few(found)}); grant no RAM "
                       f"write actions and sts:AssumeRole only on named roles")
        elif sensitive:
            out.append(f"RAM policy {name}: Statement[{i}] allows {', '.join(sensitive)} on '*' "
                       f"(identity administration)")
    return out


def check_ram_broad_data_access(type_: str, inputs: Mapping[str, Any], secret_paths: Iterable[str] = (),
                                config: Optional[Mapping[str, Any]] = None) -> list[str]:
    """Advisory: a custom policy allowing every action of oss, pai, paiworkspace or nas on every resource."""
    if type_ != RAM_POLICY:
        return []
    name, findings = _policy_findings(inputs)
    return [f"RAM policy {name}: Statement[{i}] allows {', '.join(broad)} on '*' (every team's data in the "
            f"account); name the buckets and workspaces instead" for i, _, _, broad in findings if broad]


# --- system policies on principals ------------------------------------------------------------------------------

def _attachment(type_: str, inputs: Mapping[str, Any]) -> Optional[tuple[str, str, Any]]:
    """(policy name, principal kind, principal) of a policy attachment, or None."""
    if type_ not in ATTACHMENTS:
        return None
    key, kind = ATTACHMENTS[type_]
    policy = inputs.get("policyName")
    if not isinstance(policy, str) or base.is_unreadable(policy):
        return None
    if kind == "principal":
        kind = {"IMSGroup": "group", "IMSUser": "user", "ServiceRole": "role"}.get(str(inputs.get("principalType")),
                                                                                  "principal")
    return policy.strip(), kind, inputs.get(key)


def _holder_of(attachment: Mapping[str, Any], resources: Sequence[Mapping[str, Any]],
               by_urn: Mapping[str, Mapping[str, Any]], key: str, type_: str) -> Optional[Mapping[str, Any]]:
    """The `ram.Group` (key `groupName`) or `ram.Role` (key `roleName`) an attachment attaches to: by the engine's
    property dependency on `key`, else by a resource of the stack whose `key` input is the same."""
    for urn in (attachment.get("propertyDependencies") or {}).get(key) or []:
        if by_urn.get(urn, {}).get("type") == type_ or _type_of_urn(urn) == type_:
            return by_urn.get(urn, {"urn": urn, "type": type_, "inputs": {}, "parent": ""})
    name = (attachment.get("inputs") or {}).get(key)
    if isinstance(name, str) and not base.is_unreadable(name):
        for r in resources:
            if r.get("type") == type_ and (r.get("inputs") or {}).get(key) == name:
                return r
    return None


def _parent_type(resource: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]]) -> str:
    parent = resource.get("parent") or ""
    if not parent:  # a group found by its URN alone: its parent's type is in the URN's type chain
        chain = resource.get("urn", "").split("::")
        types = chain[2].split("$") if len(chain) >= 4 else []
        return types[-2] if len(types) >= 2 else ""
    return by_urn.get(parent, {}).get("type") or _type_of_urn(parent)


Holder = tuple[str, str, str]
"""(principal kind, parent component type, logical-name suffix) of a project-created group or role."""


def _reserved_check(resources: Sequence[Mapping[str, Any]], policies: Iterable[str], holders: Sequence[Holder],
                    what: str) -> list[tuple[str, str]]:
    """Attachments of `policies` to anything but a holder: a `ram.Group`/`ram.Role` that is the child of the named
    component with a logical name ending in the suffix (identity, not name)."""
    wanted = {p.lower() for p in policies}
    by_urn = _by_urn(resources)
    out = []
    for r in resources:
        found = _attachment(r.get("type", ""), r.get("inputs") or {})
        if found is None or found[0].lower() not in wanted:
            continue
        policy, kind, principal = found
        ok, unknown = False, False
        for hkind, component, suffix in holders:
            if hkind != kind:
                continue
            key, type_ = ("groupName", RAM_GROUP) if kind == "group" else ("roleName", RAM_ROLE)
            holder = _holder_of(r, resources, by_urn, key, type_)
            if holder is not None:
                logical = holder.get("urn", "").rsplit("::", 1)[-1]
                ok |= _parent_type(holder, by_urn) == component and logical.endswith(suffix)
            else:
                unknown |= base.is_unreadable(principal)  # not known yet: the engine checks again when it is
        if ok or unknown:
            continue
        out.append((r.get("urn", ""), f"{policy} is attached to {kind} {principal!s}, which is not {what}; a "
                                      f"principal with a look-alike name is not it"))
    return out


def check_ram_admin_system_policy(resources: Sequence[Mapping[str, Any]],
                                  config: Optional[Mapping[str, Any]] = None) -> list[tuple[str, str]]:
    """No administrator system policy (AdministratorAccess, AliyunRAMFullAccess, AliyunSTSAssumeRoleAccess,
    AliyunResourceManagerFullAccess) on any user, group or role; the one exception is AliyunRAMFullAccess on the
    bootstrap's deployer role (the child `ram.Role` of `bootstrap:state_backend:PipelineRole`), which creates the
    stacks' RAM users and groups."""
    deployer = [("role", DEPLOYER_COMPONENT, "")]
    never = [p for p in ADMIN_POLICIES if p not in DEPLOYER_POLICIES]
    return (_reserved_check(resources, never, [], "allowed: administrator policies are granted by hand to "
                                                  "break-glass identities, never by a stack")
            + _reserved_check(resources, DEPLOYER_POLICIES, deployer, f"the deployer role of {DEPLOYER_COMPONENT}"))


def check_pai_full_access_admins_only(resources: Sequence[Mapping[str, Any]],
                                      config: Optional[Mapping[str, Any]] = None) -> list[tuple[str, str]]:
    """AliyunPAIFullAccess only on the resource-admins `ram.Group` that the `pai:identity:Users` component created
    (its child, found through the attachment's dependency on the group), never by a name alone."""
    return _reserved_check(resources, [PAI_FULL_ACCESS], [("group", USERS_COMPONENT, "-resource-admins")],
                           f"the resource-admins group created by {USERS_COMPONENT}")


def check_activation_policies_activators_only(resources: Sequence[Mapping[str, Any]],
                                              config: Optional[Mapping[str, Any]] = None) -> list[tuple[str, str]]:
    """Service activation FullAccess policies only on a workspace's activators group (the child `ram.Group` of a
    `pai:identity:WorkspaceAccess` component, logical name ending in `-activators`)."""
    return _reserved_check(resources, ACTIVATION_POLICIES, [("group", WORKSPACE_ACCESS_COMPONENT, "-activators"),
                                                            ("role", DEPLOYER_COMPONENT, "")],
                           f"a workspace's activators group ({WORKSPACE_ACCESS_COMPONENT}) or the deployer role")


# --- resource policies: buckets and role trust ------------------------------------------------------------------

def _principals(principal: Any) -> list[Any]:
    if isinstance(principal, Mapping):
        return [v for values in principal.values() for v in base._as_list(values)]
    return base._as_list(principal)


def _wildcard_principal(value: Any) -> bool:
    return isinstance(value, str) and (value.strip() in ("*", "") or bool(re.fullmatch(r"acs:ram::\*:.*", value.strip())))


def check_oss_bucket_policy_not_public(type_: str, inputs: Mapping[str, Any], secret_paths: Iterable[str] = (),
                                       config: Optional[Mapping[str, Any]] = None) -> list[str]:
    """No bucket policy allows the `*` principal (anyone) without a Condition narrowing it."""
    if type_ not in (OSS_BUCKET, OSS_BUCKET_POLICY):
        return []
    out = []
    for i, s in enumerate(_allow_statements(_document(inputs.get("policy")))):
        if any(_wildcard_principal(p) for p in _principals(s.get("Principal"))) and not s.get("Condition"):
            out.append(f"bucket {inputs.get('bucket', '?')!s}: policy Statement[{i}] allows Principal '*' with no "
                       f"Condition (anyone on the internet); name the accounts or add a Condition")
    return out


def check_ram_role_trust_not_wildcard(type_: str, inputs: Mapping[str, Any], secret_paths: Iterable[str] = (),
                                      config: Optional[Mapping[str, Any]] = None) -> list[str]:
    """No RAM role trusts every principal (`{"RAM": ["*"]}`, `{"Service": "*"}`, any account `acs:ram::*:...`)."""
    if type_ != RAM_ROLE:
        return []
    name = inputs.get("roleName") or inputs.get("name") or "?"
    out = []
    for key in ("assumeRolePolicyDocument", "document"):
        for i, s in enumerate(_allow_statements(_document(inputs.get(key)))):
            bad = [p for p in _principals(s.get("Principal")) if _wildcard_principal(p)]
            if bad:
                out.append(f"RAM role {name!s}: {key} Statement[{i}] trusts principal {bad[0]!r} (anyone may assume "
                           f"it); name the account, service or identity provider")
    return out


# --- network: the union of a group's sources --------------------------------------------------------------------

def _networks(values: Iterable[Any]) -> list:
    out = []
    for v in values:
        if isinstance(v, str) and v.strip() and not base.is_unreadable(v):
            try:
                out.append(ipaddress.ip_network(v.strip(), strict=False))
            except ValueError:
                pass
    return out


def _sources(resources: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], list[tuple[str, Any]]]:
    """(kind, group) -> [(urn, source CIDR)] for accepting ingress security-group rules and NAS access rules."""
    groups: dict[tuple[str, str], list[tuple[str, Any]]] = {}

    def add(kind: str, r: Mapping[str, Any], key: str, cidrs: Iterable[Any]) -> None:
        inputs = r.get("inputs") or {}
        group = inputs.get(key)
        if not isinstance(group, str) or base.is_unreadable(group):
            group = ",".join((r.get("propertyDependencies") or {}).get(key) or []) or None
        if group:
            groups.setdefault((kind, group), []).extend((r.get("urn", ""), c) for c in cidrs)

    for r in resources:
        t, inputs = r.get("type"), r.get("inputs") or {}
        if t == ECS_SECURITY_GROUP_RULE and str(inputs.get("type", "")).lower() == "ingress" \
                and str(inputs.get("policy") or "accept").lower() != "drop":
            add("security group", r, "securityGroupId", [inputs.get("cidrIp"), inputs.get("ipv6CidrIp")])
        elif t == NAS_ACCESS_RULE:
            add("NAS access group", r, "accessGroupName", [inputs.get("sourceCidrIp"), inputs.get("ipv6SourceCidrIp")])
        elif t == HW_SECGROUP_RULE and str(inputs.get("direction", "")).lower() == "ingress" \
                and str(inputs.get("action") or "allow").lower() != "deny":
            add("security group", r, "securityGroupId", [inputs.get("remoteIpPrefix")])
    return groups


def check_network_sources_not_wide(resources: Sequence[Mapping[str, Any]],
                                   config: Optional[Mapping[str, Any]] = None) -> list[tuple[str, str]]:
    """The union of a security group's accepting ingress sources (Alibaba and Huawei) and of a NAS access group's
    sources admits at most a /8 of IPv4 (a /32 of IPv6): `0.0.0.0/1` + `128.0.0.0/1` is everything."""
    out = []
    for (kind, group), items in sorted(_sources(resources).items()):
        nets = [n for n in _networks(c for _, c in items) if n.prefixlen > 0]  # /0 alone: the per-rule checks
        for version, widest in ((4, WIDEST_IPV4_PREFIX), (6, WIDEST_IPV6_PREFIX)):
            merged = list(ipaddress.collapse_addresses(n for n in nets if n.version == version))
            total = sum(n.num_addresses for n in merged)
            if total > 2 ** ((32 if version == 4 else 128) - widest):
                shown = ", ".join(str(n) for n in merged[:3]) + (" ..." if len(merged) > 3 else "")
                out.append((items[0][0], f"{kind} {group}: its rules together admit {shown} ({total} addresses), "
                                         f"wider than a /{widest}; allow only the CIDRs that need access"))
    return out


def check_network_sources_public(resources: Sequence[Mapping[str, Any]],
                                 config: Optional[Mapping[str, Any]] = None) -> list[tuple[str, str]]:
    """Advisory: a security group or NAS access group admitting public (global) addresses."""
    out = []
    for (kind, group), items in sorted(_sources(resources).items()):
        for urn, cidr in items:
            nets = _networks([cidr])
            if nets and nets[0].prefixlen > 0 and any(_is_public(n) for n in nets):
                out.append((urn, f"{kind} {group}: source {cidr} holds public addresses; make sure internet "
                                 f"access is meant"))
    return out


def _is_public(net) -> bool:
    return not (net.is_private or net.is_loopback or net.is_link_local or net.is_reserved)


# --- Huawei Cloud -----------------------------------------------------------------------------------------------

def _hw_admin(name: Any) -> bool:
    return isinstance(name, str) and name.strip().lower() in {r.lower() for r in HW_ADMIN_ROLES}


def _hw_any_action(action: Any) -> bool:
    return isinstance(action, str) and bool(re.fullmatch(r"\*+(:\*+){0,2}|iam:\*+(:\*+)?", action.strip()))


def check_huawei_no_admin_roles(resources: Sequence[Mapping[str, Any]],
                                config: Optional[Mapping[str, Any]] = None) -> list[tuple[str, str]]:
    """No agency holds an IAM administrator role (Tenant Administrator, Security Administrator, Agent Operator) in
    domainRoles or projectRoles; no custom IAM role allows `*:*:*` (or every IAM action); no role assignment gives
    a custom role that does."""
    out = []
    wide_roles: dict[str, str] = {}
    for r in resources:
        t, inputs = r.get("type"), r.get("inputs") or {}
        if t == HW_ROLE:
            doc = _document(inputs.get("policy"))
            if any(_hw_any_action(a) for s in _allow_statements(doc) for a in base._as_list(s.get("Action"))):
                wide_roles[r.get("urn", "")] = str(inputs.get("name", "?"))
                out.append((r.get("urn", ""), f"IAM custom role {inputs.get('name', '?')!s} allows every action "
                                              f"('*:*:*' or 'iam:*'): that is an administrator role"))
        elif t == HW_AGENCY:
            roles = list(base._as_list(inputs.get("domainRoles")))
            for pr in base._as_list(inputs.get("projectRoles")):
                roles += base._as_list(pr.get("roles")) if isinstance(pr, Mapping) else []
            for role in roles:
                if _hw_admin(role):
                    out.append((r.get("urn", ""), f"agency {inputs.get('name', '?')!s} holds {role}: an IAM "
                                                  f"administrator role; grant the service's own actions instead"))
    for r in resources:
        if r.get("type") == HW_ROLE_ASSIGNMENT:
            for urn in (r.get("propertyDependencies") or {}).get("roleId") or []:
                if urn in wide_roles:
                    out.append((r.get("urn", ""), f"role assignment gives IAM custom role {wide_roles[urn]}, which "
                                                  f"allows every action"))
    return out


def check_huawei_obs_private(type_: str, inputs: Mapping[str, Any], secret_paths: Iterable[str] = (),
                             config: Optional[Mapping[str, Any]] = None) -> list[str]:
    """No OBS bucket with a public-read* ACL."""
    if type_ != HW_BUCKET:
        return []
    acl = inputs.get("acl")
    if isinstance(acl, str) and acl.strip().lower() in HW_PUBLIC_ACLS:
        return [f"OBS bucket {inputs.get('bucket', '?')!s}: acl is {acl!r}; OBS buckets must be private"]
    return []


# --- the rules --------------------------------------------------------------------------------------------------

ATTACHMENT_TYPES = tuple(ATTACHMENTS)

RULES: tuple[Rule, ...] = (
    Rule("ram-no-privilege-escalation",
         "No custom RAM policy grants or assumes privileges (ram:Attach*/Detach*/CreatePolicyVersion/CreateAccessKey/"
         "PassRole/UpdateRole..., sts:AssumeRole on '*', ram/sts/resourcemanager/ims:* on '*'), by RAM wildcards.",
         "resource", check_ram_no_privilege_escalation, (RAM_POLICY,)),
    Rule("ram-broad-data-access",
         "Advisory: no custom RAM policy allows oss:*, pai:*, paiworkspace:* or nas:* on every resource.",
         "resource", check_ram_broad_data_access, (RAM_POLICY,), level=ADVISORY),
    Rule("ram-no-admin-system-policy",
         "No administrator system policy (AdministratorAccess, AliyunRAMFullAccess, AliyunSTSAssumeRoleAccess, "
         "AliyunResourceManagerFullAccess) is attached to a user, group or role (AliyunRAMFullAccess: only the "
         "bootstrap's deployer role).",
         "stack", check_ram_admin_system_policy, ATTACHMENT_TYPES + (RAM_ROLE,)),
    Rule("ram-pai-full-access-admins-only",
         "AliyunPAIFullAccess is attached only to the resource-admins RAM group the pai:identity:Users component "
         "created (by resource identity, not by name).",
         "stack", check_pai_full_access_admins_only, ATTACHMENT_TYPES + (RAM_GROUP,)),
    Rule("ram-activation-policies-activators-only",
         "Service activation FullAccess policies are attached only to a workspace's activators group "
         "(by resource identity).",
         "stack", check_activation_policies_activators_only, ATTACHMENT_TYPES + (RAM_GROUP,)),
    Rule("oss-bucket-policy-not-public",
         "No OSS bucket policy allows Principal '*' without a Condition.",
         "resource", check_oss_bucket_policy_not_public, (OSS_BUCKET, OSS_BUCKET_POLICY)),
    Rule("ram-role-trust-not-wildcard",
         "No RAM role trust policy trusts '*' (any RAM identity, service or account).",
         "resource", check_ram_role_trust_not_wildcard, (RAM_ROLE,)),
    Rule("network-sources-not-wide",
         "The union of a security group's ingress sources, or of a NAS access group's, is at most a /8 (IPv6 /32).",
         "stack", check_network_sources_not_wide, (ECS_SECURITY_GROUP_RULE, NAS_ACCESS_RULE, HW_SECGROUP_RULE)),
    Rule("network-sources-public",
         "Advisory: security-group and NAS sources with public addresses.",
         "stack", check_network_sources_public, (ECS_SECURITY_GROUP_RULE, NAS_ACCESS_RULE, HW_SECGROUP_RULE),
         level=ADVISORY),
    Rule("huaweicloud-iam-no-admin-roles",
         "No Huawei agency holds Tenant Administrator, Security Administrator or Agent Operator; no custom IAM role "
         "(or its assignment) allows '*:*:*'.",
         "stack", check_huawei_no_admin_roles, (HW_AGENCY, HW_ROLE, HW_ROLE_ASSIGNMENT)),
    Rule("huaweicloud-obs-bucket-private",
         "No Huawei OBS bucket has a public-read* ACL.",
         "resource", check_huawei_obs_private, (HW_BUCKET,)),
)
