"""The stack-config contract: read once at the edge, validated completely before any resource is registered.

Two passes, both pure:
1. shape: pydantic models (camelCase keys, unknown keys rejected, strict types, per-field cloud limits);
2. meaning: rules across fields and workspaces (CIDR containment and overlap, zones in the region, modules that
   need a VPC, users shared between workspaces, derived RAM names that must not collide, RAM limits).
Every failure is one `ConfigError` line: the config path, the bad value, the rule.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Annotated, Any, Literal, Mapping, Optional, Union

import pulumi
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from . import catalogue, grants, naming, policy, quota, regions

PROJECT = "pai-platform"


class ConfigError(pulumi.RunError):
    """A user mistake in the stack config: one line naming the key, the value and the rule.

    A `pulumi.RunError`, so the real CLI prints the message without a traceback.
    """

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)

    @property
    def errors(self) -> list["ConfigError"]:
        """Every mistake this error reports (itself, or each one of a `ConfigErrors`)."""
        return [self]


MAX_ERRORS = 20
"""How many mistakes one run reports; the rest are counted ("and N more")."""
MAX_LINE = 190
"""The longest error line (200 with the preview's `error: ` in front); longer ones are elided in the middle, never
at the key."""


class ConfigErrors(ConfigError):
    """Several mistakes at once: one line each, sorted by key path, at most `MAX_ERRORS` lines, then a count."""

    def __init__(self, errors: list[ConfigError]) -> None:
        unique = {(e.path, e.message): e for e in errors}
        self._errors = sorted(unique.values(), key=lambda e: (_path_key(e.path), e.message))
        lines = [clip(str(e)) for e in self._errors[:MAX_ERRORS]]
        if len(self._errors) > MAX_ERRORS:
            lines.append(f"... and {len(self._errors) - MAX_ERRORS} more")
        super().__init__("", "\n".join(lines))

    @property
    def errors(self) -> list[ConfigError]:
        return list(self._errors)


def raise_all(errors: list[ConfigError]) -> None:
    """Raise nothing, the one error, or all of them as `ConfigErrors`."""
    errors = [one for e in errors for one in e.errors]
    if len(errors) == 1:
        raise ConfigError(errors[0].path, clip(errors[0].message, MAX_LINE - len(errors[0].path) - 2))
    if errors:
        raise ConfigErrors(errors)


def clip(line: str, limit: int = MAX_LINE) -> str:
    """A line cut to `limit` characters, keeping its start (the key) and its end."""
    if len(line) <= limit:
        return line
    keep = limit - 5
    return f"{line[: keep - keep // 3]} ... {line[len(line) - keep // 3:]}"


def _path_key(path: str) -> tuple:
    """Key paths sorted as a reader expects: `workspaces[2]` before `workspaces[10]`."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\[\]]+", path) if p)


# --- shape --------------------------------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            allowed = [f.alias or n for n, f in cls.model_fields.items()]
            for key in data:
                if key not in allowed:
                    raise PydanticCustomError(
                        "unknown_key",
                        "unknown key (expected one of: {allowed})",
                        {"key": str(key), "allowed": ", ".join(allowed)},
                    )
        return data


def _pattern(value: str, regex: str, rule: str) -> str:
    if not re.fullmatch(regex, value):
        raise ValueError(rule)
    return value


def _unique(values: list, what: str) -> list:
    seen = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{what} {v!r} is listed twice")
        seen.add(v)
    return values


Key = Annotated[StrictStr, AfterValidator(lambda v: _pattern(v, naming.KEY_RE, naming.KEY_RULE))]
"""A stable key from config (bucket and file-system keys, policy and grant names): it becomes part of logical and
physical names, so it has one rule everywhere."""
Zone = StrictStr


def _module(v: str) -> str:
    if v not in catalogue.MODULES:
        raise ValueError(f"is not a PAI module (expected one of: {', '.join(catalogue.MODULES)})")
    return v


def _role(v: str) -> str:
    if v not in catalogue.ROLES:
        raise ValueError(f"is not a PAI workspace role (expected one of: {', '.join(catalogue.ROLES)})")
    return v


def _system_policy(v: str) -> str:
    if v not in catalogue.SYSTEM_POLICIES:
        raise ValueError(f"is not a system policy this project knows (names are case-sensitive)"
                         f"{regions.did_you_mean(v, catalogue.SYSTEM_POLICIES, n=1)}")
    if v in catalogue.ADMIN_ONLY_POLICIES:
        raise ValueError("is admin-only: set resourceAdmin: true instead")
    return v


ModuleKey = Annotated[StrictStr, AfterValidator(_module)]
RoleId = Annotated[StrictStr, AfterValidator(_role)]
SystemPolicy = Annotated[StrictStr, AfterValidator(_system_policy)]


class VSwitchSpec(_Model):
    zone_id: Zone = Field(description="Zone of the vSwitch, e.g. cn-hangzhou-h.")
    cidr: StrictStr = Field(description="vSwitch CIDR block, inside the VPC CIDR (mask 16-29).")

    @field_validator("zone_id")
    @classmethod
    def _zone(cls, v: str) -> str:
        return _pattern(v, r"[a-z]{2}-[a-z0-9-]+-[a-z0-9]+", "is not a zone id such as cn-hangzhou-h")

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, v: str) -> str:
        return _cidr(v, 16, 29, "vSwitch")


class NewNetwork(_Model):
    """A new VPC for the workspace, with one vSwitch per zone."""

    cidr: StrictStr = Field(description="VPC CIDR block, e.g. 10.10.0.0/16 (mask 8-28).")
    vswitches: list[VSwitchSpec] = Field(min_length=1, description="One vSwitch per zone, inside `cidr`.")

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, v: str) -> str:
        return _cidr(v, 8, 28, "VPC")


class ExistingNetwork(_Model):
    """An existing VPC and vSwitches the workspace uses (nothing network-related is created)."""

    vpc_id: StrictStr
    vswitch_ids: list[StrictStr] = Field(min_length=1)

    @field_validator("vpc_id")
    @classmethod
    def _vpc(cls, v: str) -> str:
        return _pattern(v, r"vpc-[a-z0-9]{6,40}", "is not a VPC id (vpc-...)")

    @field_validator("vswitch_ids")
    @classmethod
    def _vsw(cls, v: list[str]) -> list[str]:
        for s in v:
            _pattern(s, r"vsw-[a-z0-9]{6,40}", f"{s!r} is not a vSwitch id (vsw-...)")
        return _unique(v, "vSwitch")


RESERVED_CIDRS = tuple(ipaddress.IPv4Network(c) for c in ("100.64.0.0/10", "224.0.0.0/4", "127.0.0.0/8", "169.254.0.0/16"))
"""Blocks a VPC or vSwitch may not use, nor any block inside them (alicloud_vpc `cidr_block`: "cannot use
100.64.0.0/10, 224.0.0.0/4, 127.0.0.0/8, 169.254.0.0/16 and their subnets"; blocks starting with 0 are refused too)."""


def _cidr(v: str, shortest: int, longest: int, what: str) -> str:
    """A CIDR block with no host bits set and a mask the cloud accepts for `what` (VPC /8-/28, vSwitch /16-/29:
    SDK vpc/network.py, vpc/switch.py), outside the reserved blocks."""
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


ZRS_STORAGE_CLASSES = ("Standard", "IA", "Archive")
"""Storage classes zone-redundant storage supports ("ZRS supports the following storage classes: Standard,
Infrequent Access (IA), and Archive": https://www.alibabacloud.com/help/en/doc-detail/90589.htm)."""


class Bucket(_Model):
    """An OSS bucket of the workspace: private, server-side encrypted, versioned, public access blocked."""

    key: Key = Field(description="Stable key: the logical name and the default physical-name suffix.")
    name: Optional[StrictStr] = Field(None, description="Physical bucket name; default <prefix>-<workspace>-<key>.")
    storage_class: Literal["Standard", "IA", "Archive", "ColdArchive"] = "Standard"
    redundancy_type: Literal["LRS", "ZRS"] = "LRS"
    encryption: Literal["AES256", "KMS"] = "AES256"
    kms_key_id: Optional[StrictStr] = None
    protect: StrictBool = Field(True, description="Protect from deletion (set false only to allow removal).")

    @field_validator("name")
    @classmethod
    def _name(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            naming.check_bucket_name(v)
        return v

    @model_validator(mode="after")
    def _kms(self) -> "Bucket":
        if self.kms_key_id and self.encryption != "KMS":
            raise ValueError("kmsKeyId is only used with encryption: KMS")
        if self.redundancy_type == "ZRS" and self.storage_class not in ZRS_STORAGE_CLASSES:
            raise ValueError(f"storageClass {self.storage_class} cannot be ZRS (ZRS supports "
                             f"{', '.join(ZRS_STORAGE_CLASSES)}); use redundancyType: LRS")
        return self


# NAS storage types per file system type (SDK nas/file_system.py; ALICLOUD-FACTS §7.1).
NAS_STORAGE_TYPES = {"standard": ("Performance", "Capacity", "Premium"), "extreme": ("standard", "advance")}
NAS_PROTOCOLS = {"standard": ("NFS", "SMB"), "extreme": ("NFS",)}


class FileSystem(_Model):
    """A NAS file system of the workspace: encrypted, in the workspace's permission group, mounted in each vSwitch."""

    key: Key
    file_system_type: Literal["standard", "extreme"] = "standard"
    protocol_type: StrictStr = "NFS"
    storage_type: StrictStr = "Capacity"
    capacity: Optional[StrictInt] = Field(None, description="GiB; required for extreme (100-262144).")
    zone_id: Optional[Zone] = Field(None, description="Required for extreme; one of the workspace's zones.")
    description: Optional[StrictStr] = None
    protect: StrictBool = True

    @field_validator("description")
    @classmethod
    def _desc(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            _pattern(v, naming.NAS_DESCRIPTION_RE, naming.NAS_DESCRIPTION_RULE)
        return v

    @model_validator(mode="after")
    def _kinds(self) -> "FileSystem":
        fs = self.file_system_type
        if self.storage_type not in NAS_STORAGE_TYPES[fs]:
            raise PydanticCustomError(
                "nas_storage",
                "storageType {value} is not valid for {fs} NAS (expected one of: {allowed})",
                {"value": _show(self.storage_type), "fs": fs, "allowed": ", ".join(NAS_STORAGE_TYPES[fs])},
            )
        if self.protocol_type not in NAS_PROTOCOLS[fs]:
            raise PydanticCustomError(
                "nas_protocol",
                "protocolType {value} is not valid for {fs} NAS (expected one of: {allowed})",
                {"value": _show(self.protocol_type), "fs": fs, "allowed": ", ".join(NAS_PROTOCOLS[fs])},
            )
        if fs == "extreme":
            if self.capacity is None or self.zone_id is None:
                raise ValueError("extreme NAS needs capacity and zoneId")
            if not 100 <= self.capacity <= 262144:
                raise ValueError(f"capacity {self.capacity} is outside 100-262144 GiB for extreme NAS")
        elif self.capacity is not None:
            raise ValueError("capacity applies to extreme NAS only")
        return self


class Member(_Model):
    """A workspace member: a RAM user (created, or existing by name) and its PAI workspace roles."""

    name: StrictStr = Field(description="RAM user name (1-64: letters, digits, '.', '-', '_'; no leading '-').")
    roles: list[RoleId] = Field(min_length=1, description="PAI role ids, e.g. PAI.AlgoDeveloper.")
    display_name: Optional[StrictStr] = None
    existing: StrictBool = Field(False, description="Use an existing RAM user of that name instead of creating it.")
    console_login: StrictBool = Field(False, description="Create a console login profile (generated secret password).")
    access_key: StrictBool = Field(False, description="Create an API access key (secret).")
    activator: StrictBool = Field(False, description="May activate the cloud services the workspace's modules need.")
    resource_admin: StrictBool = Field(False, description="Gets AliyunPAIFullAccess (buy and delete all PAI resources).")
    system_policies: list[SystemPolicy] = Field(default_factory=list, description="Extra system policies (exact names).")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _pattern(v, naming.RAM_USER_RE, naming.RAM_USER_RULE)

    @field_validator("display_name")
    @classmethod
    def _display(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not 1 <= len(v) <= 128:
            raise ValueError("display name must be 1-128 characters")
        return v

    @field_validator("roles")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        return _unique(v, "role")

    @field_validator("system_policies")
    @classmethod
    def _system(cls, v: list[str]) -> list[str]:
        return _unique(v, "system policy")

    @model_validator(mode="after")
    def _existing(self) -> "Member":
        if self.existing and (self.console_login or self.access_key or self.display_name):
            raise ValueError("an existing user is not managed here: drop consoleLogin, accessKey and displayName")
        return self


class CustomPolicy(_Model):
    """An extra custom RAM policy for the workspace, attached to the groups of the roles it names."""

    name: Key = Field(description="Short name; the RAM policy is <prefix>-<workspace>-<name>.")
    description: Optional[StrictStr] = None
    roles: Optional[list[RoleId]] = Field(None, description="Role groups it is attached to (default: every role used).")
    document: dict[str, Any] = Field(description="The policy document: {Version: '1', Statement: [...]}.")

    @field_validator("roles")
    @classmethod
    def _roles(cls, v: Optional[list[str]]) -> Optional[list[str]]:
        if v is not None and not v:
            raise ValueError("is empty: the policy would reach nobody; name roles, or drop the key for every role used")
        return None if v is None else _unique(v, "role")

    @field_validator("description")
    @classmethod
    def _desc(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and len(v) > 1024:
            raise ValueError("policy description must be at most 1024 characters")
        return v

    @field_validator("document")
    @classmethod
    def _doc(cls, v: dict[str, Any]) -> dict[str, Any]:
        try:
            policy.parse_document(v)
        except policy.PolicyError as e:
            raise ValueError(str(e)) from None
        return v

    def statements(self) -> list[policy.Statement]:
        return policy.parse_document(self.document)


class QuotaGrant(_Model):
    """Access to PAI resource pools or resource quotas (seed 003) for the RAM groups of the roles it names."""

    name: Key = Field(description="Stable key; the RAM policy is <prefix>-<workspace>-quota-<name>.")
    scenario: StrictStr = Field(description="resource-pool, root-quotas, root-quota or child-quota (seed 003).")
    resource_groups: list[StrictStr] = Field(
        default_factory=list, description="root-quotas only: the dedicated resource groups quotas may draw on."
    )
    quota_id: Optional[StrictStr] = Field(None, description="root-quota / child-quota only: the quota managed.")
    roles: list[RoleId] = Field(min_length=1, description="Role groups it is attached to, e.g. PAI.WorkspaceAdmin.")
    lingjun_vpc: StrictBool = Field(False, description="Add the VPC read statement Lingjun quotas need (seed 003).")

    @field_validator("scenario")
    @classmethod
    def _scenario(cls, v: str) -> str:
        if v not in quota.SCENARIOS:
            raise ValueError(f"is not a quota scenario (expected one of: {', '.join(quota.SCENARIOS)})")
        return v

    @field_validator("resource_groups")
    @classmethod
    def _groups(cls, v: list[str]) -> list[str]:
        for g in v:
            quota.check_id(g, "resource group name")
        return _unique(v, "resource group")

    @field_validator("quota_id")
    @classmethod
    def _quota(cls, v: Optional[str]) -> Optional[str]:
        return None if v is None else quota.check_id(v, "quota id")

    @field_validator("roles")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        return _unique(v, "role")

    def statements(self) -> list[policy.Statement]:
        return quota.statements_for(self.scenario, resource_groups=self.resource_groups, quota_id=self.quota_id,
                                    lingjun_vpc=self.lingjun_vpc)


class Workspace(_Model):
    """One team's PAI workspace and everything it depends on."""

    name: StrictStr = Field(description="PAI workspace name: 3-23 letters, digits, '_', starting with a letter.")
    display_name: Optional[StrictStr] = None
    description: StrictStr = Field(description="Required by PAI; at most 80 characters.")
    env_types: list[Literal["dev", "prod"]] = Field(default_factory=lambda: ["prod"])
    modules: list[ModuleKey] = Field(min_length=1)
    network: Optional[Union[NewNetwork, ExistingNetwork]] = None
    buckets: list[Bucket] = Field(default_factory=list)
    file_systems: list[FileSystem] = Field(default_factory=list)
    members: list[Member] = Field(default_factory=list)
    policies: list[CustomPolicy] = Field(default_factory=list)
    quota_access: list[QuotaGrant] = Field(default_factory=list, description="Resource pool / quota grants (seed 003).")
    protect: StrictBool = Field(True, description="Protect the workspace from deletion.")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _pattern(v, naming.WORKSPACE_RE, naming.WORKSPACE_RULE)

    @field_validator("description")
    @classmethod
    def _desc(cls, v: str) -> str:
        if not 1 <= len(v) <= 80:
            raise ValueError(f"is {len(v)} characters; PAI allows 1-80")
        return v

    @field_validator("env_types")
    @classmethod
    def _env(cls, v: list[str]) -> list[str]:
        _unique(v, "env type")
        if "prod" not in v:
            raise ValueError("envTypes must include 'prod' (['prod'] simple mode, ['dev', 'prod'] standard mode)")
        return sorted(v)

    @field_validator("modules")
    @classmethod
    def _modules(cls, v: list[str]) -> list[str]:
        return _unique(v, "module")

    @field_validator("network", mode="before")
    @classmethod
    def _network_kind(cls, v: Any) -> Any:
        if isinstance(v, Mapping):
            if "vpcId" in v and "cidr" in v:
                raise ValueError("give either cidr + vswitches (new VPC) or vpcId + vswitchIds (existing), not both")
            if "vpcId" in v or "vswitchIds" in v:
                return ExistingNetwork.model_validate(v)
            return NewNetwork.model_validate(v)
        return v

    @property
    def services(self) -> tuple[str, ...]:
        return catalogue.services_for(self.modules)

    def needs(self, service: str) -> bool:
        return service in self.services


class AccountBootstrap(_Model):
    """Once-per-account setup (components/account.py). Off by default: stacks sharing an account must not fight
    over it, and service activation happens during `pulumi preview` too (invokes run on preview)."""

    enabled: StrictBool = Field(False, description="Build the pai:account:Bootstrap component.")
    activate_services: StrictBool = Field(True, description="Activate dependent services that have an API call.")
    service_linked_roles: StrictBool = Field(True, description="Create PAI's verified service-linked roles.")


class StackConfig(_Model):
    """The whole stack: settings shared by every workspace, and the workspaces."""

    region: StrictStr = Field(alias="alicloud:region", description="Alibaba Cloud region of every resource, e.g. cn-hangzhou.")
    name_prefix: StrictStr = Field(description="Prefix of every physical name (lowercase letters, digits, '-').")
    tags: dict[StrictStr, StrictStr] = Field(default_factory=dict, description="Tags added to every taggable resource (key: value).")
    account_bootstrap: AccountBootstrap = Field(default_factory=AccountBootstrap,
                                                description="Account-wide service activation and PAI service roles.")
    workspaces: list[Workspace] = Field(min_length=1, description="The workspaces of the stack (at least one).")

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        return regions.check_region(v)

    @field_validator("name_prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        return _pattern(v, naming.PREFIX_RE, naming.PREFIX_RULE)

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        if len(v) > naming.MAX_USER_TAGS:
            raise ValueError(f"at most {naming.MAX_USER_TAGS} tags (the project adds {len(naming.AUTO_TAG_KEYS)})")
        for k, val in v.items():
            naming.check_tag(k, val)
        return v


# --- meaning ------------------------------------------------------------------------------------------------------


class _Problems:
    """The mistakes found so far; checks go on after each one, so a stack file's mistakes are all shown at once."""

    def __init__(self) -> None:
        self.errors: list[ConfigError] = []

    def add(self, path: str, value: Any, rule: str) -> None:
        shown = "" if value is None else f"{_show(value)} "
        self.errors.append(ConfigError(path, f"{shown}{rule}"))

    def first(self, seen: dict[str, str], key: str, path: str, value: Any, rule: str) -> None:
        """Record `path` as the first use of `key`, or add the mistake of using it again."""
        if key in seen:
            self.add(path, value, f"{rule} (first at {seen[key]})")
        else:
            seen[key] = path


def _check_meaning(cfg: StackConfig) -> list[ConfigError]:
    """Rules across fields, workspaces and the stack; every mistake found, none raised."""
    out = _Problems()
    seen_ws: dict[str, str] = {}
    seen_buckets: dict[str, str] = {}
    seen_policy_names: dict[str, str] = {}
    nas_groups = 0
    for wi, ws in enumerate(cfg.workspaces):
        wp = f"workspaces[{wi}]"
        if ws.name.lower() in seen_ws:  # its derived names collide too: one mistake, one line
            out.first(seen_ws, ws.name.lower(), f"{wp}.name", ws.name, "workspace name is used twice (PAI names ignore case)")
            continue
        seen_ws[ws.name.lower()] = f"{wp}.name"
        _check_network(out, cfg, ws, wp)
        _check_storage(out, cfg, ws, wp, seen_buckets)
        nas_groups += len({f.file_system_type for f in grants.effective_file_systems(ws)})
        if nas_groups > naming.MAX_NAS_ACCESS_GROUPS:
            out.add(f"{wp}.fileSystems", None, f"the stack would need {nas_groups} NAS permission groups (one per "
                    f"workspace and file-system type); NAS allows {naming.MAX_NAS_ACCESS_GROUPS} per account and region")
        names: set[str] = set()
        for mi, m in enumerate(ws.members):
            if m.name.lower() in names:
                out.add(f"{wp}.members[{mi}].name", m.name, "user is listed twice in this workspace (RAM user names ignore case)")
            names.add(m.name.lower())
        _check_grants(out, cfg, ws, wp, seen_policy_names)
    _check_users(out, cfg)
    return out.errors


def _check_storage(out: _Problems, cfg: StackConfig, ws: Workspace, wp: str, seen_buckets: dict[str, str]) -> None:
    for bi, b in enumerate(ws.buckets):
        bp = f"{wp}.buckets[{bi}]"
        if _dup_key(out, ws.buckets[:bi], b.key, f"{bp}.key", "bucket"):
            continue  # its derived name is a duplicate too: one mistake, one line
        physical = naming.bucket_name(cfg.name_prefix, ws.name, b)
        where = f"{bp}.name" if b.name else f"{bp}.key"
        try:
            naming.check_bucket_name(physical)
        except ValueError as e:
            out.add(where, physical, f"(derived bucket name) {e}")
        out.first(seen_buckets, physical, where, physical, "bucket name is used twice")
    if ws.buckets and not ws.needs("oss"):
        out.add(f"{wp}.buckets", len(ws.buckets), f"no chosen module needs OSS (modules: {', '.join(ws.modules)})")
    for fi, fs in enumerate(ws.file_systems):
        _dup_key(out, ws.file_systems[:fi], fs.key, f"{wp}.fileSystems[{fi}].key", "file system")
        if fs.zone_id is not None and isinstance(ws.network, NewNetwork):
            zones = [v.zone_id for v in ws.network.vswitches]
            if fs.zone_id not in zones:
                out.add(f"{wp}.fileSystems[{fi}].zoneId", fs.zone_id, f"is not one of the workspace's zones ({', '.join(zones)})")
    if ws.file_systems and not ws.needs("nas"):
        out.add(f"{wp}.fileSystems", len(ws.file_systems), f"no chosen module needs NAS (modules: {', '.join(ws.modules)})")


def _check_grants(out: _Problems, cfg: StackConfig, ws: Workspace, wp: str, seen_policy_names: dict[str, str]) -> None:
    """Custom policies and quota grants: unique names, roles that someone holds, RAM's per-group limits."""
    role_ids = {r for m in ws.members for r in m.roles}
    renderable = True  # the RAM limits below count rendered policies; a duplicate name would only repeat itself
    for kind, items in (("policies", ws.policies), ("quotaAccess", ws.quota_access)):
        for i, item in enumerate(items):
            ip = f"{wp}.{kind}[{i}]"
            if _dup_key(out, items[:i], item.name, f"{ip}.name", "policy" if kind == "policies" else "quota grant", attr="name"):
                renderable = False
            for ri, r in enumerate(item.roles or []):
                if r not in role_ids:
                    out.add(f"{ip}.roles[{ri}]", r, "no member of this workspace has this role")
    for pi, p in enumerate(ws.policies):
        try:
            policy.split(p.statements())
        except policy.PolicyError as e:
            out.add(f"{wp}.policies[{pi}].document", p.name, str(e))
            renderable = False
    for qi, q in enumerate(ws.quota_access):
        broken = quota.requirement_error(q.scenario, q.resource_groups, q.quota_id, q.lingjun_vpc)
        if broken:
            out.add(f"{wp}.quotaAccess[{qi}].{broken[0]}", broken[1], broken[2])
            renderable = False
    if not renderable:
        return
    wg = grants.workspace_grants(cfg.name_prefix, ws)
    custom_per_group: dict[str, int] = {}
    for spec in wg.policies:
        docs = spec.documents()
        for full, _doc in docs:
            out.first(seen_policy_names, full.lower(), f"{wp}.{spec.source}", full, "derived RAM policy name collides with another")
        for group in spec.groups:
            custom_per_group[group] = custom_per_group.get(group, 0) + len(docs)
    for group, count in custom_per_group.items():
        if count > naming.MAX_CUSTOM_POLICIES_PER_GROUP:
            out.add(f"{wp}.policies", group, f"group would hold {count} custom policies (RAM allows {naming.MAX_CUSTOM_POLICIES_PER_GROUP})")
    for g in wg.groups:
        if len(g.system_policies) > naming.MAX_SYSTEM_POLICIES_PER_GROUP:
            out.add(f"{wp}.modules", g.name, f"group would hold {len(g.system_policies)} system policies "
                    f"(RAM allows {naming.MAX_SYSTEM_POLICIES_PER_GROUP})")


def _check_users(out: _Problems, cfg: StackConfig) -> None:
    """A user named in several workspaces is one RAM user: one spelling (RAM names ignore case), the same
    attributes, and RAM's limits counted over every group and policy the stack gives it."""
    first: dict[str, tuple[str, Member]] = {}
    groups: dict[str, int] = {}
    system: dict[str, set[str]] = {}
    admins = {m.name.lower() for ws in cfg.workspaces for m in ws.members if m.resource_admin}
    for wi, ws in enumerate(cfg.workspaces):
        listed: set[str] = set()
        for mi, m in enumerate(ws.members):
            mp, key = f"workspaces[{wi}].members[{mi}]", m.name.lower()
            if key in listed:
                continue  # listed twice in one workspace: `_check_meaning` says so
            listed.add(key)
            prev = first.get(key)
            if prev is None:
                first[key] = (mp, m)
                groups[key] = int(key in admins)  # the stack-wide resource-admins group
            elif prev[1].name != m.name:
                out.add(f"{mp}.name", m.name, f"is spelt {prev[1].name!r} at {prev[0]}: RAM user names ignore case, "
                        "so both are one user; spell them the same")
            else:
                for attr in ("existing", "console_login", "access_key", "display_name"):
                    if getattr(prev[1], attr) != getattr(m, attr):
                        out.add(f"{mp}.{to_camel(attr)}", getattr(m, attr), f"differs from the same user at {prev[0]}")
            before = groups[key]
            groups[key] += len(m.roles) + int(m.activator)  # a group per role, and the workspace's activators group
            if before <= naming.MAX_GROUPS_PER_USER < groups[key]:
                out.add(f"{mp}.roles", m.name, f"user would join {groups[key]} RAM groups over the stack (role, "
                        f"activators and resource-admins groups); RAM allows {naming.MAX_GROUPS_PER_USER} per user")
            before = len(system.setdefault(key, set()))
            system[key].update(m.system_policies)
            if before <= naming.MAX_SYSTEM_POLICIES_PER_USER < len(system[key]):
                out.add(f"{mp}.systemPolicies", m.name, f"user would hold {len(system[key])} system policies "
                        f"directly; RAM allows {naming.MAX_SYSTEM_POLICIES_PER_USER} per user")


def _check_network(out: _Problems, cfg: StackConfig, ws: Workspace, wp: str) -> None:
    net = ws.network
    if ws.needs("vpc") and net is None:
        needing = [m for m in ws.modules if "vpc" in catalogue.MODULES[m].services]
        out.add(f"{wp}.network", None, f"is required: {', '.join(needing)} need a VPC")
    if net is not None and not ws.needs("vpc") and not ws.needs("nas"):
        out.add(f"{wp}.network", "network", f"no chosen module needs a VPC (modules: {', '.join(ws.modules)})")
    if isinstance(net, NewNetwork):
        vpc = ipaddress.IPv4Network(net.cidr)
        placed: list[tuple[ipaddress.IPv4Network, int]] = []
        zones: dict[str, int] = {}
        for vi, v in enumerate(net.vswitches):
            vp = f"{wp}.network.vswitches[{vi}]"
            if v.zone_id in zones:
                out.add(f"{vp}.zoneId", v.zone_id, f"zone repeated (already vswitches[{zones[v.zone_id]}]); one vSwitch per zone")
            zones[v.zone_id] = vi
            if not regions.zone_in_region(v.zone_id, cfg.region):
                out.add(f"{vp}.zoneId", v.zone_id, f"is not a zone of region {cfg.region} "
                        f"(e.g. {regions.zone_example(cfg.region)})")
            sub = ipaddress.IPv4Network(v.cidr)
            if not sub.subnet_of(vpc):
                out.add(f"{vp}.cidr", v.cidr, f"is not inside the VPC CIDR {net.cidr}")
            for other, oi in placed:
                if sub.overlaps(other):
                    out.add(f"{vp}.cidr", v.cidr, f"overlaps vswitches[{oi}].cidr {other}")
            placed.append((sub, vi))


def _dup_key(out: _Problems, previous: list, key: str, path: str, what: str, attr: str = "key") -> bool:
    """Add the mistake of reusing `key` among `previous`; whether it was reused."""
    if any(getattr(p, attr) == key for p in previous):
        out.add(path, key, f"{what} {attr} is used twice in this workspace")
        return True
    return False


def _fail(path: str, value: Any, rule: str) -> None:
    shown = "" if value is None else f"{_show(value)} "
    raise ConfigError(path, f"{shown}{rule}")


def warnings(cfg: StackConfig) -> list[str]:
    """Things that are allowed but probably not meant, one line each, for the preview to show.

    Seed 002's dependent-service table, MaxCompute row: "Add the MaxCompute Developer role for RAM accounts in the
    workspace". The project does not add the role by itself (it is a grant a reviewer should see in the stack file),
    so a workspace whose modules use MaxCompute (Designer, AutoML) and where no member holds it gets a warning.
    """
    lines = []
    for wi, ws in enumerate(cfg.workspaces):
        for service in ws.services:
            role = catalogue.SERVICES[service].usage_role
            if role and not any(role in m.roles for m in ws.members):
                users = [m for m in ws.modules if service in catalogue.MODULES[m].services]
                lines.append(f"workspaces[{wi}].members: no member has {role}; {', '.join(users)} use "
                             f"{catalogue.SERVICES[service].title}, and seed 002 asks for that role for its RAM users")
    return lines


# --- errors -------------------------------------------------------------------------------------------------------

_TYPE_NAMES = {
    "string_type": "a string",
    "bool_type": "true or false",
    "int_type": "an integer",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("NewNetwork", "ExistingNetwork") or str(part).startswith("function-"):
            continue
        else:
            # A key is shown as written unless it holds line breaks or other unprintables: the error stays one line.
            text = str(part)
            out += ("." if out else "") + (text if text.isprintable() else repr(text))
    return out


def _one_line(err: Mapping[str, Any]) -> ConfigError:
    loc = tuple(err["loc"])
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "unknown_key":
        return ConfigError(_path(loc + (ctx["key"],)), f"unknown key (expected one of: {ctx['allowed']})")
    if kind == "missing":
        return ConfigError(_path(loc), "is required")
    if kind in _TYPE_NAMES:
        return ConfigError(_path(loc), f"{_show(value)} is not {_TYPE_NAMES[kind]}")
    if kind == "literal_error":
        return ConfigError(_path(loc), f"{_show(value)} is not one of: {ctx.get('expected', '')}")
    if kind == "too_short":
        return ConfigError(_path(loc), f"needs at least {ctx.get('min_length')} item(s)")
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind == "value_error" and not msg.startswith("'") and isinstance(value, (str, int)) and not isinstance(value, bool):
        msg = f"{_show(value)} {msg}"
    return ConfigError(_path(loc), msg)


def _show(value: Any) -> str:
    """A value as an error shows it: its repr, shortened so the error stays one readable line."""
    text = repr(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:56] + "...'"


CLOUDS = ("alicloud", "huaweicloud")
PROVIDER_NAMESPACES = ("alicloud", "huaweicloud", "random")
"""Config namespaces of the providers this project uses; any other namespace is someone else's, unless it is a
near miss of one of these or of the project's own (see `check_namespaces`)."""


def check_namespaces(keys, project: str = PROJECT) -> list[ConfigError]:
    """A key whose namespace is a near miss of the project's or a provider's (`pai-platfrom:tags`, `pai_platform:`,
    `alicoud:region`) is a mistake: Pulumi would hand it to nobody, and the setting would silently vanish."""
    known = (project, *PROVIDER_NAMESPACES)
    out = []
    for key in sorted(keys):
        ns = key.partition(":")[0]
        if ns in known:
            continue
        folded = ns.lower().replace("_", "-")
        close = [k for k in known if folded == k or _distance(folded, k) <= 2]
        if close:
            out.append(ConfigError(key if key.isprintable() else repr(key),
                                   f"namespace {ns!r} is not this project's (did you mean: {close[0]}:?); "
                                   "a key in another namespace reaches no setting"))
    return out


def _distance(a: str, b: str) -> int:
    """Levenshtein edit distance."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def load(raw: Mapping[str, Any], foreign_keys=(), project: str = PROJECT) -> StackConfig:
    """Validate a raw config mapping (camelCase keys, `alicloud:region` included). Raises ConfigError only: one
    line per mistake, every mistake at once (`ConfigErrors`), before anything is registered.

    `foreign_keys` are the stack's config keys in other namespaces (full `ns:key` form), checked for near misses of
    the project's namespace. The stack-wide key `cloud` picks the contract: `alicloud` (PAI, the default) or
    `huaweicloud` (ModelArts, see `components.modelarts.config`, which returns its own StackConfig).
    """
    if not isinstance(raw, Mapping):
        raise ConfigError("", "the stack config must be a mapping")
    namespace_errors = check_namespaces(foreign_keys, project)
    cloud = raw.get("cloud", "alicloud")
    if cloud not in CLOUDS:
        raise_all([*namespace_errors, ConfigError("cloud", f"{_show(cloud)} is not one of: {', '.join(CLOUDS)}")])
    if cloud == "huaweicloud":
        from .modelarts.config import load as load_modelarts  # lazy: PAI stacks never need it

        raise_all(namespace_errors)
        return load_modelarts(raw)  # type: ignore[return-value]
    raw = {k: v for k, v in raw.items() if k != "cloud"}
    errors = list(namespace_errors)
    try:
        cfg = StackConfig.model_validate(raw)
    except ValidationError as e:
        errors += errors_of(e)
        errors += _meaning_of_valid_workspaces(raw, e)
        raise_all(errors)
        raise AssertionError("unreachable")  # raise_all raised: there was at least one error
    except (TypeError, ValueError, policy.PolicyError) as e:  # defensive: never a traceback for user input
        raise ConfigError("", f"invalid stack config ({e})") from None
    raise_all(errors + _check_meaning(cfg))
    return cfg


def errors_of(e: ValidationError) -> list[ConfigError]:
    """Every shape mistake pydantic found, one `ConfigError` each."""
    return [_one_line(err) for err in e.errors()]


def _meaning_of_valid_workspaces(raw: Mapping[str, Any], e: ValidationError) -> list[ConfigError]:
    """When only some workspaces are malformed, the others still get the meaning checks, so one run shows both
    kinds of mistakes. Paths are numbered as in the stack file."""
    bad, bad_keys = set(), set()
    for err in e.errors():
        loc = tuple(err["loc"])
        if len(loc) >= 2 and loc[0] == "workspaces" and isinstance(loc[1], int):
            bad.add(loc[1])
        elif loc and loc[0] in ("tags", "accountBootstrap"):
            bad_keys.add(loc[0])  # no workspace rule reads them: judge the workspaces without them
        else:
            return []  # the region, the prefix or the list itself is wrong: workspace rules would judge wrongly
    given = raw.get("workspaces")
    keep = [i for i in range(len(given)) if i not in bad] if isinstance(given, list) else []
    if not keep:
        return []
    rest = {k: v for k, v in raw.items() if k not in bad_keys}
    try:
        partial = StackConfig.model_validate({**rest, "workspaces": [given[i] for i in keep]})
    except ValidationError:
        return []

    def renumber(text: str) -> str:
        return re.sub(r"workspaces\[(\d+)\]", lambda m: f"workspaces[{keep[int(m.group(1))]}]", text)

    return [ConfigError(renumber(x.path), renumber(x.message)) for x in _check_meaning(partial)]


def config_from_pulumi() -> tuple[str, dict[str, str]]:
    """The project's name and every config key (full `ns:key` form) with its value, as the running program sees
    them: the CLI hands every value over as a string, objects JSON-encoded."""
    from pulumi.runtime import config as rc

    return pulumi.get_project(), {**rc.get_config_env(), **rc.CONFIG.get()}


def raw_from_values(project: str, values: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Split config values into this project's keys (namespace dropped, objects decoded; `alicloud:region` and
    `huaweicloud:region` kept whole) and the full keys of every other namespace."""
    raw: dict[str, Any] = {}
    foreign: list[str] = []
    for key, value in values.items():
        ns, _, name = key.partition(":")
        if ns == project:
            raw[name.split(":", 1)[-1]] = _decode(value)
        elif key in ("alicloud:region", "huaweicloud:region"):
            raw[key] = value
        else:
            foreign.append(key)
    return raw, foreign


def _decode(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def load_from_pulumi() -> StackConfig:
    """The stack's config as the running program sees it, validated (see `load`)."""
    project, values = config_from_pulumi()
    raw, foreign = raw_from_values(project, values)
    return load(raw, foreign_keys=foreign, project=project)
