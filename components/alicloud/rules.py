"""The rules of Alibaba Cloud (and of PAI's seeds) that a workspace must satisfy, each written once. Pure Python.

The stack-file contract (`contract.py`) and the components (`resources/`) both call these functions, so a program
that builds a `WorkspaceBundle` with its own arguments gets the same checks, with the same words, as a stack file.
A field rule raises `ValueError(rule)`; `check_workspace` returns every mistake of one workspace as
`(path, value, rule)`, paths relative to the workspace and spelt as in a stack file.

Name rules live in `naming.py` and region rules in `regions.py`; both cite their sources.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Iterator, Literal, Optional, Sequence

from ..core import naming as core_naming
from ..core.contract import pattern, unique
from . import naming, regions
from .plan import catalogue, escalation, policy, quota

StorageClass = Literal["Standard", "IA", "Archive", "ColdArchive"]
RedundancyType = Literal["LRS", "ZRS"]
Encryption = Literal["AES256", "KMS"]
FileSystemType = Literal["standard", "extreme"]
EnvType = Literal["dev", "prod"]

Problem = tuple[str, Any, str]
"""A mistake: (path relative to the workspace, the value shown, or None, the rule)."""


# --- keys --------------------------------------------------------------------------------------------------------


def check_key(v: str) -> str:
    """A stable key (bucket, file system, policy, grant): part of logical and physical names."""
    return pattern(v, core_naming.KEY_RE, core_naming.KEY_RULE)


def check_name_prefix(v: str) -> str:
    return pattern(v, core_naming.PREFIX_RE, core_naming.PREFIX_RULE)


# --- network ------------------------------------------------------------------------------------------------------

VPC_MASKS = (8, 28)
VSWITCH_MASKS = (16, 29)
"""Masks the cloud accepts for a VPC and a vSwitch CIDR block (SDK vpc/network.py, vpc/switch.py)."""
RESERVED_CIDRS = tuple(ipaddress.IPv4Network(c) for c in ("100.64.0.0/10", "224.0.0.0/4", "127.0.0.0/8", "169.254.0.0/16"))
"""Blocks a VPC or vSwitch may not use, nor any block inside them (alicloud_vpc `cidr_block`: "cannot use
100.64.0.0/10, 224.0.0.0/4, 127.0.0.0/8, 169.254.0.0/16 and their subnets"; blocks starting with 0 are refused too)."""
ZONE_RE = r"[a-z]{2}-[a-z0-9-]+-[a-z0-9]+"
VPC_ID_RE = r"vpc-[a-z0-9]{6,40}"
VSWITCH_ID_RE = r"vsw-[a-z0-9]{6,40}"


def check_cidr(v: str, what: Literal["VPC", "vSwitch"]) -> str:
    """A CIDR block with no host bits set, a mask the cloud accepts for `what`, outside the reserved blocks."""
    shortest, longest = VPC_MASKS if what == "VPC" else VSWITCH_MASKS
    try:
        net = ipaddress.IPv4Network(v, strict=True)
    except ValueError:
        raise ValueError("is not an IPv4 network in CIDR form with no host bits set (e.g. 10.0.0.0/16)") from None
    if not shortest <= net.prefixlen <= longest:
        raise ValueError(f"{what} CIDR mask must be between /{shortest} and /{longest}")
    reserved = next((r for r in RESERVED_CIDRS if net.subnet_of(r)), None)
    if reserved is not None:
        raise ValueError(f"lies in the reserved block {reserved}, which Alibaba Cloud refuses for a {what}")
    if net.network_address.packed[0] == 0:
        raise ValueError(f"starts with 0, which Alibaba Cloud refuses for a {what}")
    return v


def check_zone_id(v: str) -> str:
    return pattern(v, ZONE_RE, "is not a zone id such as cn-hangzhou-h or ap-southeast-1a")


def check_vpc_id(v: str) -> str:
    return pattern(v, VPC_ID_RE, "is not a VPC id (vpc-...)")


def check_vswitch_id(v: str) -> str:
    return pattern(v, VSWITCH_ID_RE, f"{v!r} is not a vSwitch id (vsw-...)")


# --- storage ------------------------------------------------------------------------------------------------------

ZRS_STORAGE_CLASSES = ("Standard", "IA", "Archive")
"""Storage classes zone-redundant storage supports ("ZRS supports the following storage classes: Standard,
Infrequent Access (IA), and Archive": https://www.alibabacloud.com/help/en/doc-detail/90589.htm)."""
NAS_STORAGE_TYPES = {"standard": ("Performance", "Capacity", "Premium"), "extreme": ("standard", "advance")}
NAS_PROTOCOLS = {"standard": ("NFS", "SMB"), "extreme": ("NFS",)}
"""NAS storage types and protocols per file-system type (SDK nas/file_system.py; ALICLOUD-FACTS §7.1)."""
EXTREME_CAPACITY_GIB = (100, 262144)


def check_bucket(storage_class: str, redundancy_type: str, encryption: str, kms_key_id: Optional[str]) -> None:
    """An OSS bucket's settings fit together."""
    if kms_key_id and encryption != "KMS":
        raise ValueError("kmsKeyId is only used with encryption: KMS")
    if redundancy_type == "ZRS" and storage_class not in ZRS_STORAGE_CLASSES:
        raise ValueError(f"storageClass {storage_class} cannot be ZRS (ZRS supports {', '.join(ZRS_STORAGE_CLASSES)}); "
                         "use redundancyType: LRS")


LOG_RETENTION_DAYS = (30, 3650)
"""Bounds of `accessLogs.retentionDays`, the project's rule: OSS lifecycle `Days` is any positive integer, but an
audit trail kept under 30 days is too short to investigate with, and 10 years is where storage cost outweighs it."""
LOG_RETENTION_DEFAULT_DAYS = 180
LOG_NONCURRENT_DAYS = 7
"""The log bucket is versioned: a log deleted or overwritten (by a person, or by the retention rule's expiry)
stays recoverable as a noncurrent version for this many days, then goes."""


def check_log_retention_days(v: int) -> int:
    """How long the stack's access logs are kept (`accessLogs.retentionDays`)."""
    low, high = LOG_RETENTION_DAYS
    if not low <= v <= high:
        raise ValueError(f"log retention must be {low}-{high} days (an audit trail needs at least {low})")
    return v


def check_file_system(fs_type: str, protocol_type: str, storage_type: str, capacity: Optional[int],
                      zone_id: Optional[str]) -> None:
    """A NAS file system's settings fit its type."""
    if storage_type not in NAS_STORAGE_TYPES[fs_type]:
        raise ValueError(f"storageType {storage_type!r} is not valid for {fs_type} NAS "
                         f"(expected one of: {', '.join(NAS_STORAGE_TYPES[fs_type])})")
    if protocol_type not in NAS_PROTOCOLS[fs_type]:
        raise ValueError(f"protocolType {protocol_type!r} is not valid for {fs_type} NAS "
                         f"(expected one of: {', '.join(NAS_PROTOCOLS[fs_type])})")
    if fs_type == "extreme":
        low, high = EXTREME_CAPACITY_GIB
        if capacity is None or zone_id is None:
            raise ValueError("extreme NAS needs capacity and zoneId")
        if not low <= capacity <= high:
            raise ValueError(f"capacity {capacity} is outside {low}-{high} GiB for extreme NAS")
    elif capacity is not None:
        raise ValueError("capacity applies to extreme NAS only")


def check_nas_description(v: str) -> str:
    return pattern(v, naming.NAS_DESCRIPTION_RE, naming.NAS_DESCRIPTION_RULE)


# --- PAI and RAM --------------------------------------------------------------------------------------------------


def check_module(v: str) -> str:
    if v not in catalogue.MODULES:
        raise ValueError(f"is not a PAI module (expected one of: {', '.join(catalogue.MODULES)})")
    return v


def check_role(v: str) -> str:
    if v not in catalogue.ROLES:
        raise ValueError(f"is not a PAI workspace role (expected one of: {', '.join(catalogue.ROLES)})")
    return v


def check_system_policy(v: str) -> str:
    """A system policy a member may be given by name: never an administrator policy, known to the catalogue
    (exact case), not admin-only."""
    escalation.check_not_admin_policy(v)
    if v not in catalogue.SYSTEM_POLICIES:
        raise ValueError(f"is not a system policy this project knows (names are case-sensitive)"
                         f"{regions.did_you_mean(v, catalogue.SYSTEM_POLICIES, n=1)}")
    if v in catalogue.ADMIN_ONLY_POLICIES:
        raise ValueError("is admin-only: set resourceAdmin: true instead")
    return v


ACTIVATION_POLICIES: frozenset[str] = frozenset(p for s in catalogue.SERVICES.values() for p in s.activation_policies)
"""Every policy of seed 002's activation table (and EventBridge's): account-wide rights to activate a service."""
EAS_POLICIES: frozenset[str] = frozenset(catalogue.EAS_POLICIES.values())


def check_member_system_policy(v: str, *, modules: Sequence[str], activator: bool = False) -> str:
    """A system policy that fits the member it is given to (`members[].systemPolicies`), in a workspace with
    `modules`; the one rule, called for stack files (contract, through `check_workspace`) and bundles alike.

    - known to the catalogue and not admin-only (`check_system_policy`);
    - never AliyunOSSFullAccess: it reaches every bucket of the account, the Pulumi state bucket included; the
      workspace's access policy already covers its own buckets, and activators hold it through their group;
    - never AliyunDatasetAccFullAccess: the workspace's dataset-acceleration group gives it to its resource admins;
    - an activation policy (seed 002 activation table) only to an `activator: true` member, and only for a service
      the workspace's modules need;
    - an EAS policy (seed 002 EAS management / read-only) only where the workspace uses eas.
    """
    check_system_policy(v)
    if v == catalogue.OSS_FULL_ACCESS:
        raise ValueError("is never given to a member: it reaches every bucket of the account, the Pulumi state bucket "
                         "included")
    if v == catalogue.DATASET_ACC_FULL_ACCESS:
        raise ValueError("is not given by name: the workspace's dataset-acceleration group gives it to its "
                         "resourceAdmin members")
    if v in ACTIVATION_POLICIES:
        if not activator:
            raise ValueError("is an activation policy (seed 002 activation table): only for a member with activator: true")
        services = catalogue.services_for(modules)
        if v not in catalogue.activation_policies_for(services):
            raise ValueError(f"activates no service this workspace's modules need (modules: {', '.join(modules)})")
    if v in EAS_POLICIES and "eas" not in modules:
        raise ValueError(f"is an EAS policy (seed 002): only in a workspace that uses eas (modules: {', '.join(modules)})")
    return v


def check_workspace_name(v: str) -> str:
    return pattern(v, naming.WORKSPACE_RE, naming.WORKSPACE_RULE)


def check_workspace_description(v: str) -> str:
    if not 1 <= len(v) <= 80:
        raise ValueError(f"is {len(v)} characters; PAI allows 1-80")
    return v


def check_env_types(v: Sequence[str]) -> list[str]:
    """envTypes, sorted: 'prod' always ([prod] simple mode, [dev, prod] standard mode)."""
    unique(list(v), "env type")
    if "prod" not in v:
        raise ValueError("envTypes must include 'prod' (['prod'] simple mode, ['dev', 'prod'] standard mode)")
    return sorted(v)


def check_ram_user_name(v: str) -> str:
    return pattern(v, naming.RAM_USER_RE, naming.RAM_USER_RULE)


def check_display_name(v: str) -> str:
    if not 1 <= len(v) <= 128:
        raise ValueError("display name must be 1-128 characters")
    return v


def check_existing_user(existing: bool, console_login: bool, access_key: bool, display_name: Optional[str]) -> None:
    if existing and (console_login or access_key or display_name):
        raise ValueError("an existing user is not managed here: drop consoleLogin, accessKey and displayName")


def check_policy_roles(v: Optional[Sequence[str]]) -> None:
    if v is not None and not v:
        raise ValueError("is empty: the policy would reach nobody; name roles, or drop the key for every role used")


def check_policy_description(v: str) -> str:
    if len(v) > 1024:
        raise ValueError("policy description must be at most 1024 characters")
    return v


STACK_REFERENCE_RE = r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+"
STACK_REFERENCE_RULE = ("must be <org>/<project>/<stack>, each part letters, digits, '-', '_' or '.' (Pulumi docs, "
                        "Stacks; on a DIY backend such as OSS the org is 'organization')")


def check_stack_reference(v: str) -> str:
    """A team stack's `identityStack`: the fully qualified name a `pulumi.StackReference` takes. Stack names "may
    only contain alphanumeric characters, hyphens, underscores, or periods" and `orgName/projectName/stackName`
    names a stack of any project (https://www.pulumi.com/docs/iac/concepts/stacks/); non-legacy DIY backends take
    that form with the org `organization` (Pulumi automation API docs, fullyQualifiedStackName)."""
    return pattern(v, STACK_REFERENCE_RE, STACK_REFERENCE_RULE)


def check_tags(tags: dict[str, str]) -> dict[str, str]:
    """Stack tags: at most `naming.MAX_USER_TAGS`, each key and value by `naming.check_tag`."""
    if len(tags) > naming.MAX_USER_TAGS:
        raise ValueError(f"at most {naming.MAX_USER_TAGS} tags (the project adds {len(naming.AUTO_TAG_KEYS)})")
    for k, val in tags.items():
        naming.check_tag(k, val)
    return tags


# --- one workspace, across its fields -----------------------------------------------------------------------------


def check_workspace(ws: Any, region: Optional[str] = None) -> list[Problem]:
    """Every rule across one workspace's fields, in stack-file order: network, storage, members, policies.

    `ws` is a contract `Workspace` or a `WorkspaceBundleArgs` (same attribute names); `region`, when known, is
    the region its zones must belong to. One mistake gives one problem: a repeated key is not also reported as
    what follows from it.
    """
    return [*_network(ws, region), *_storage(ws), *_members(ws), *_grants(ws)]


def _network(ws: Any, region: Optional[str]) -> Iterator[Problem]:
    net = ws.network if ws.network is not None else getattr(ws, "existing_network", None)
    if ws.needs("vpc") and net is None:
        needing = [m for m in ws.modules if "vpc" in catalogue.MODULES[m].services]
        yield "network", None, f"is required: {', '.join(needing)} need a VPC"
    if net is not None and not ws.needs("vpc") and not ws.needs("nas"):
        yield "network", None, f"is given, but no chosen module needs a VPC (modules: {', '.join(ws.modules)})"
    if net is None or getattr(net, "cidr", None) is None:
        return
    vpc = ipaddress.IPv4Network(net.cidr)
    placed: list[tuple[ipaddress.IPv4Network, int]] = []
    zones: dict[str, int] = {}
    for vi, v in enumerate(net.vswitches):
        vp = f"network.vswitches[{vi}]"
        if v.zone_id in zones:
            yield f"{vp}.zoneId", v.zone_id, f"zone repeated (already vswitches[{zones[v.zone_id]}]); one vSwitch per zone"
        zones[v.zone_id] = vi
        if region is not None and not regions.zone_in_region(v.zone_id, region):
            yield f"{vp}.zoneId", v.zone_id, f"is not a zone of region {region} (e.g. {regions.zone_example(region)})"
        sub = ipaddress.IPv4Network(v.cidr)
        if not sub.subnet_of(vpc):
            yield f"{vp}.cidr", v.cidr, f"is not inside the VPC CIDR {net.cidr}"
        for other, oi in placed:
            if sub.overlaps(other):
                yield f"{vp}.cidr", v.cidr, f"overlaps vswitches[{oi}].cidr {other}"
        placed.append((sub, vi))


def _storage(ws: Any) -> Iterator[Problem]:
    yield from _repeated(ws.buckets, "key", "buckets", "bucket")
    if ws.buckets and not ws.needs("oss"):
        yield "buckets", None, f"are given, but no chosen module needs OSS (modules: {', '.join(ws.modules)})"
    yield from _repeated(ws.file_systems, "key", "fileSystems", "file system")
    zones = [v.zone_id for v in getattr(ws.network, "vswitches", None) or ()]
    for fi, fs in enumerate(ws.file_systems):
        if fs.zone_id is not None and zones and fs.zone_id not in zones:
            yield f"fileSystems[{fi}].zoneId", fs.zone_id, f"is not one of the workspace's zones ({', '.join(zones)})"
    if ws.file_systems and not ws.needs("nas"):
        yield "fileSystems", None, f"are given, but no chosen module needs NAS (modules: {', '.join(ws.modules)})"


def _members(ws: Any) -> Iterator[Problem]:
    names: set[str] = set()
    for mi, m in enumerate(ws.members):
        if m.name.lower() in names:
            yield f"members[{mi}].name", m.name, "user is listed twice in this workspace (RAM user names ignore case)"
        names.add(m.name.lower())
        for pi, p in enumerate(m.system_policies):
            try:
                check_member_system_policy(p, modules=ws.modules, activator=m.activator)
            except ValueError as e:
                yield f"members[{mi}].systemPolicies[{pi}]", p, str(e)
    if catalogue.DATASET_ACCELERATION in ws.modules and not any(m.resource_admin for m in ws.members):
        yield (f"modules[{list(ws.modules).index(catalogue.DATASET_ACCELERATION)}]", catalogue.DATASET_ACCELERATION,
               "needs a member with resourceAdmin: true (seed 002: AliyunPAIFullAccess + AliyunDatasetAccFullAccess, "
               "for its resource admins only)")


def _grants(ws: Any) -> Iterator[Problem]:
    role_ids = {r for m in ws.members for r in m.roles}
    for kind, items, what in (("policies", ws.policies, "policy"), ("quotaAccess", ws.quota_access, "quota grant")):
        yield from _repeated(items, "name", kind, what)
        for i, item in enumerate(items):
            for ri, r in enumerate(item.roles or []):
                if r not in role_ids:
                    yield f"{kind}[{i}].roles[{ri}]", r, "no member of this workspace has this role"
    for pi, p in enumerate(ws.policies):
        try:
            policy.split(p.statements)
        except policy.PolicyError as e:
            yield f"policies[{pi}].document", p.name, str(e)
            continue
        for path, value, rule in escalation.statement_problems(p.statements):
            yield f"policies[{pi}].document.{path}", value, rule
    for qi, q in enumerate(ws.quota_access):
        broken = quota.requirement_error(q.scenario, q.resource_groups, q.quota_id, q.lingjun_vpc)
        if broken:
            yield f"quotaAccess[{qi}].{broken[0]}", broken[1], broken[2]


def repeated_keys(items: Sequence[Any], attr: str) -> set[int]:
    """Indexes of the items whose `attr` an earlier item already has."""
    seen: set[Any] = set()
    out: set[int] = set()
    for i, item in enumerate(items):
        if getattr(item, attr) in seen:
            out.add(i)
        seen.add(getattr(item, attr))
    return out


def _repeated(items: Sequence[Any], attr: str, kind: str, what: str) -> Iterator[Problem]:
    for i in sorted(repeated_keys(items, attr)):
        yield f"{kind}[{i}].{attr}", getattr(items[i], attr), f"{what} {attr} is used twice in this workspace"


# --- account hygiene ----------------------------------------------------------------------------------------------

PASSWORD_POLICY_RANGES = {
    "minimumLength": (8, 32),
    "reusePrevention": (0, 24),
    "maxAgeDays": (0, 1095),
    "maxLoginAttempts": (0, 32),
}
"""What RAM's account password policy accepts (SDK ram/password_policy.py: minimum_password_length "8 to 32",
password_reuse_prevention "0 to 24", max_password_age "0~1095" days, max_login_attemps "0~32")."""


def check_password_setting(key: str, value: int) -> int:
    """A number of the account password policy, within what RAM accepts for `key`."""
    low, high = PASSWORD_POLICY_RANGES[key]
    if not low <= value <= high:
        raise ValueError(f"{key} {value} is outside {low}-{high} (RAM's account password policy)")
    return value


SLS_PROJECT_RE = r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]"
SLS_PROJECT_RULE = "is not an SLS project name (3-63 lowercase letters, digits or '-', starting and ending with a letter or digit)"
"""Simple Log Service project names follow the OSS bucket name rule (ALICLOUD-FACTS §6: 'The log project name rule
(log.Project.project_name) is identical')."""
SLS_LOGSTORE_RE = r"[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]"
SLS_LOGSTORE_RULE = "is not an SLS logstore name (3-63 lowercase letters, digits, '-' or '_', starting and ending with a letter or digit)"
"""Logstore naming rules (https://www.alibabacloud.com/help/en/sls/developer-reference/logstores)."""


def check_sls_project(v: str) -> str:
    return pattern(v, SLS_PROJECT_RE, SLS_PROJECT_RULE)


def check_sls_logstore(v: str) -> str:
    return pattern(v, SLS_LOGSTORE_RE, SLS_LOGSTORE_RULE)
