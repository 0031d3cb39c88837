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

from . import catalogue, grants, naming, policy, quota

PROJECT = "pai-platform"


class ConfigError(pulumi.RunError):
    """A user mistake in the stack config: one line naming the key, the value and the rule.

    A `pulumi.RunError`, so the real CLI prints the message without a traceback.
    """

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


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
ModuleKey = StrictStr
RoleId = StrictStr


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


def _cidr(v: str, shortest: int, longest: int, what: str) -> str:
    """A CIDR block with no host bits set and a mask the cloud accepts for `what` (VPC /8-/28, vSwitch /16-/29:
    SDK vpc/network.py, vpc/switch.py)."""
    try:
        net = ipaddress.IPv4Network(v, strict=True)
    except ValueError:
        raise ValueError("is not an IPv4 network in CIDR form with no host bits set (e.g. 10.0.0.0/16)") from None
    if not shortest <= net.prefixlen <= longest:
        raise ValueError(f"{what} CIDR mask must be between /{shortest} and /{longest}")
    return v


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
    system_policies: list[StrictStr] = Field(default_factory=list, description="Extra system policies (exact names).")

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

    region: StrictStr = Field(alias="alicloud:region")
    name_prefix: StrictStr = Field(description="Prefix of every physical name (lowercase letters, digits, '-').")
    tags: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    account_bootstrap: AccountBootstrap = Field(default_factory=AccountBootstrap)
    workspaces: list[Workspace] = Field(min_length=1)

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        return _pattern(v, r"[a-z]{2}-[a-z0-9]+(-[a-z0-9]+)*", "is not a region id such as cn-hangzhou")

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


def _check_meaning(cfg: StackConfig) -> None:
    seen_ws: dict[str, str] = {}
    seen_buckets: dict[str, str] = {}
    seen_policy_names: dict[str, str] = {}
    users: dict[str, tuple[str, Member]] = {}
    groups_per_user: dict[str, int] = {}
    nas_groups = 0
    for wi, ws in enumerate(cfg.workspaces):
        wp = f"workspaces[{wi}]"
        _first(seen_ws, ws.name.lower(), f"{wp}.name", ws.name, "workspace name is used twice (PAI names ignore case)")
        for mi, m in enumerate(ws.modules):
            if m not in catalogue.MODULES:
                _fail(f"{wp}.modules[{mi}]", m, f"is not a PAI module (expected one of: {', '.join(catalogue.MODULES)})")
        _check_network(cfg, ws, wp)
        for bi, b in enumerate(ws.buckets):
            bp = f"{wp}.buckets[{bi}]"
            _dup_key(ws.buckets[:bi], b.key, f"{bp}.key", "bucket")
            physical = naming.bucket_name(cfg.name_prefix, ws.name, b)
            try:
                naming.check_bucket_name(physical)
            except ValueError as e:
                _fail(f"{bp}.name" if b.name else f"{bp}.key", physical, f"(derived bucket name) {e}")
            _first(seen_buckets, physical, f"{bp}.name" if b.name else f"{bp}.key", physical, "bucket name is used twice")
        if ws.buckets and not ws.needs("oss"):
            _fail(f"{wp}.buckets", len(ws.buckets), f"no chosen module needs OSS (modules: {', '.join(ws.modules)})")
        for fi, fs in enumerate(ws.file_systems):
            _dup_key(ws.file_systems[:fi], fs.key, f"{wp}.fileSystems[{fi}].key", "file system")
            if fs.zone_id is not None and isinstance(ws.network, NewNetwork):
                zones = [v.zone_id for v in ws.network.vswitches]
                if fs.zone_id not in zones:
                    _fail(f"{wp}.fileSystems[{fi}].zoneId", fs.zone_id, f"is not one of the workspace's zones ({', '.join(zones)})")
        if ws.file_systems and not ws.needs("nas"):
            _fail(f"{wp}.fileSystems", len(ws.file_systems), f"no chosen module needs NAS (modules: {', '.join(ws.modules)})")
        nas_groups += len({f.file_system_type for f in grants.effective_file_systems(ws)})
        if nas_groups > naming.MAX_NAS_ACCESS_GROUPS:
            _fail(f"{wp}.fileSystems", None, f"the stack would need {nas_groups} NAS permission groups (one per workspace "
                  f"and file-system type); NAS allows {naming.MAX_NAS_ACCESS_GROUPS} per account and region")
        names: list[str] = []
        for mi, m in enumerate(ws.members):
            mp = f"{wp}.members[{mi}]"
            if m.name.lower() in names:
                _fail(f"{mp}.name", m.name, "user is listed twice in this workspace (RAM user names ignore case)")
            names.append(m.name.lower())
            for ri, r in enumerate(m.roles):
                if r not in catalogue.ROLES:
                    _fail(f"{mp}.roles[{ri}]", r, f"is not a PAI workspace role (expected one of: {', '.join(catalogue.ROLES)})")
            for pi, p in enumerate(m.system_policies):
                if p not in catalogue.SYSTEM_POLICIES:
                    _fail(f"{mp}.systemPolicies[{pi}]", p, "is not a system policy this project knows (names are case-sensitive)")
                if p in catalogue.ADMIN_ONLY_POLICIES:
                    _fail(f"{mp}.systemPolicies[{pi}]", p, "is admin-only: set resourceAdmin: true instead")
            prev = users.get(m.name.lower())
            if prev is not None:
                ppath, pm = prev
                for attr in ("existing", "console_login", "access_key", "display_name"):
                    if getattr(pm, attr) != getattr(m, attr):
                        _fail(f"{mp}.{to_camel(attr)}", getattr(m, attr), f"differs from the same user at {ppath}")
            else:
                users[m.name.lower()] = (mp, m)
            groups_per_user[m.name.lower()] = groups_per_user.get(m.name.lower(), 0) + len(m.roles) + int(m.activator)
            if groups_per_user[m.name.lower()] > naming.MAX_GROUPS_PER_USER:
                _fail(f"{mp}.roles", m.name, f"user would join more than {naming.MAX_GROUPS_PER_USER} RAM groups (RAM limit)")
        role_ids = {r for m in ws.members for r in m.roles}
        for pi, p in enumerate(ws.policies):
            pp = f"{wp}.policies[{pi}]"
            _dup_key(ws.policies[:pi], p.name, f"{pp}.name", "policy", attr="name")
            for ri, r in enumerate(p.roles or []):
                if r not in catalogue.ROLES:
                    _fail(f"{pp}.roles[{ri}]", r, f"is not a PAI workspace role (expected one of: {', '.join(catalogue.ROLES)})")
                elif r not in role_ids:
                    _fail(f"{pp}.roles[{ri}]", r, "no member of this workspace has this role")
            try:
                policy.split(p.statements())
            except policy.PolicyError as e:
                _fail(f"{pp}.document", p.name, str(e))
        for qi, q in enumerate(ws.quota_access):
            qp = f"{wp}.quotaAccess[{qi}]"
            _dup_key(ws.quota_access[:qi], q.name, f"{qp}.name", "quota grant", attr="name")
            broken = quota.requirement_error(q.scenario, q.resource_groups, q.quota_id, q.lingjun_vpc)
            if broken:
                _fail(f"{qp}.{broken[0]}", broken[1], broken[2])
            for ri, r in enumerate(q.roles):
                if r not in catalogue.ROLES:
                    _fail(f"{qp}.roles[{ri}]", r, f"is not a PAI workspace role (expected one of: {', '.join(catalogue.ROLES)})")
                elif r not in role_ids:
                    _fail(f"{qp}.roles[{ri}]", r, "no member of this workspace has this role")
        wg = grants.workspace_grants(cfg.name_prefix, ws)
        custom_per_group: dict[str, int] = {}
        for spec in wg.policies:
            where = f"{wp}.{spec.source}"
            docs = spec.documents()
            for full, _doc in docs:
                _first(seen_policy_names, full.lower(), where, full, "derived RAM policy name collides with another")
            for group in spec.groups:
                custom_per_group[group] = custom_per_group.get(group, 0) + len(docs)
        for group, count in custom_per_group.items():
            if count > naming.MAX_CUSTOM_POLICIES_PER_GROUP:
                _fail(f"{wp}.policies", group, f"group would hold {count} custom policies (RAM allows {naming.MAX_CUSTOM_POLICIES_PER_GROUP})")


def _check_network(cfg: StackConfig, ws: Workspace, wp: str) -> None:
    net = ws.network
    if ws.needs("vpc") and net is None:
        needing = [m for m in ws.modules if "vpc" in catalogue.MODULES[m].services]
        _fail(f"{wp}.network", None, f"is required: {', '.join(needing)} need a VPC")
    if net is not None and not ws.needs("vpc") and not ws.needs("nas"):
        _fail(f"{wp}.network", "network", f"no chosen module needs a VPC (modules: {', '.join(ws.modules)})")
    if isinstance(net, NewNetwork):
        vpc = ipaddress.IPv4Network(net.cidr)
        placed: list[tuple[ipaddress.IPv4Network, int]] = []
        zones: dict[str, int] = {}
        for vi, v in enumerate(net.vswitches):
            vp = f"{wp}.network.vswitches[{vi}]"
            if v.zone_id in zones:
                _fail(f"{vp}.zoneId", v.zone_id, f"zone repeated (already vswitches[{zones[v.zone_id]}]); one vSwitch per zone")
            zones[v.zone_id] = vi
            if not v.zone_id.startswith(cfg.region + "-"):
                _fail(f"{vp}.zoneId", v.zone_id, f"is not a zone of region {cfg.region}")
            sub = ipaddress.IPv4Network(v.cidr)
            if not sub.subnet_of(vpc):
                _fail(f"{vp}.cidr", v.cidr, f"is not inside the VPC CIDR {net.cidr}")
            for other, oi in placed:
                if sub.overlaps(other):
                    _fail(f"{vp}.cidr", v.cidr, f"overlaps vswitches[{oi}].cidr {other}")
            placed.append((sub, vi))


def _dup_key(previous: list, key: str, path: str, what: str, attr: str = "key") -> None:
    if any(getattr(p, attr) == key for p in previous):
        _fail(path, key, f"{what} {attr} is used twice in this workspace")


def _first(seen: dict[str, str], key: str, path: str, value: Any, rule: str) -> None:
    if key in seen:
        _fail(path, value, f"{rule} (first at {seen[key]})")
    seen[key] = path


def _fail(path: str, value: Any, rule: str) -> None:
    shown = "" if value is None else f"{_show(value)} "
    raise ConfigError(path, f"{shown}{rule}")


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


def load(raw: Mapping[str, Any]) -> StackConfig:
    """Validate a raw config mapping (camelCase keys, `alicloud:region` included). Raises ConfigError only.

    The stack-wide key `cloud` picks the contract: `alicloud` (PAI, the default) or `huaweicloud` (ModelArts, see
    `components.modelarts.config`, which returns its own StackConfig).
    """
    if not isinstance(raw, Mapping):
        raise ConfigError("", "the stack config must be a mapping")
    cloud = raw.get("cloud", "alicloud")
    if cloud not in CLOUDS:
        raise ConfigError("cloud", f"{_show(cloud)} is not one of: {', '.join(CLOUDS)}")
    if cloud == "huaweicloud":
        from .modelarts.config import load as load_modelarts  # lazy: PAI stacks never need it

        return load_modelarts(raw)  # type: ignore[return-value]
    raw = {k: v for k, v in raw.items() if k != "cloud"}
    try:
        cfg = StackConfig.model_validate(dict(raw))
    except ValidationError as e:
        errors = e.errors()
        raise _one_line(errors[0]) from None
    except ConfigError:
        raise
    except (TypeError, ValueError, policy.PolicyError) as e:  # defensive: never a traceback for user input
        raise ConfigError("", f"invalid stack config ({e})") from None
    _check_meaning(cfg)
    return cfg


def raw_from_pulumi() -> dict[str, Any]:
    """Collect this project's config keys (and `alicloud:region`) as the running program sees them.

    The CLI hands every value over as a string, objects JSON-encoded; strings are kept as they are.
    """
    from pulumi.runtime import config as rc

    values = {**rc.get_config_env(), **rc.CONFIG.get()}
    project = pulumi.get_project()
    raw: dict[str, Any] = {}
    for key, value in values.items():
        ns, _, name = key.partition(":")
        if ns == project:
            raw[name.split(":", 1)[-1]] = _decode(value)
        elif key in ("alicloud:region", "huaweicloud:region"):
            raw[key] = value
    return raw


def _decode(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def load_from_pulumi() -> StackConfig:
    return load(raw_from_pulumi())
