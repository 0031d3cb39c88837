"""The stack-config contract for a Huawei Cloud ModelArts stack (`cloud: huaweicloud`). Pure: no Pulumi resources.

The same shape as the PAI contract (`components.alicloud.contract`) wherever the concept is the same: `namePrefix`, `tags`,
`workspaces[].name/description/members[].name/roles/consoleLogin/existing`, `buckets[].key`,
`fileSystems[].key/zoneId/capacity`, `network.cidr`. ModelArts-specific keys where it differs:

- `huaweicloud:region`, `projectId` and `domainId` (policies are assigned to the region project or the account;
  ids rather than lookups, which would need IAM read rights at every preview);
- `workspaces[].functions` (ModelArts functions from the seed's tables) instead of PAI `modules`;
- `workspaces[].roles`: the team's own roles (one IAM user group each) with the functions they may use; members
  name these role keys instead of PAI role ids;
- `members[].userId` for an existing IAM user, `programmaticAccess`, `email`;
- `network.subnet` (one subnet) instead of PAI `vswitches`, or `vpcId` + `subnetId` + `securityGroupId`;
- `workspaces[].agency`: the ModelArts agency's settings (minimal custom authorization by default).

Two passes as for PAI: shape (pydantic; camelCase keys, unknown keys rejected) then meaning (cross-field rules).
Every mistake is a one-line `ConfigError` (config path, bad value, rule), all of them at once. The rules of names and
values are `rules.check_*` functions, which the components' `validate_*` call too; derived names are `rules`'.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Mapping, Optional

from pydantic import Field, StrictBool, StrictInt, StrictStr, ValidationError, field_validator, model_validator

from ..core import naming
from ..core.contract import Key, Model, errors_of, pattern, unique
from ..core.errors import ConfigError, Problems, raise_all
from . import rules
from .plan import catalogue

CLOUD = "huaweicloud"

# Huawei ids (project, domain, IAM user) are 32 lowercase hex characters.
HW_ID_RE = r"[0-9a-f]{32}"
HW_REGION_RE = r"[a-z]{2}(-[a-z]+)+-\d+"
HW_REGION_RULE = "is not a Huawei Cloud region id such as cn-north-4"
EMAIL_RE = r"[^@\s]+@[^@\s]+\.[^@\s]+"
# OBS bucket tags (the tightest of the taggable resources): at most 10 per bucket; key at most 128 characters,
# value at most 255, neither containing , * | / < > = \ or control characters (OBS setBucketTagging constraints).
OBS_MAX_TAGS = 10
AUTO_TAG_KEYS = ("managed-by", "modelarts-workspace")
MAX_USER_TAGS = OBS_MAX_TAGS - len(AUTO_TAG_KEYS)
_TAG_FORBIDDEN = re.compile(r"[,*|/<>=\\\x00-\x1f]")


def _rule(check, value, *args):
    """`value` if `check` accepts it (a `rules.check_*` function); its ValueError(rule) goes to pydantic."""
    if value is not None:
        check(value, *args)
    return value


class Role(Model):
    """A team role: one IAM user group whose custom policies grant exactly the seed's actions for its functions."""

    key: Key = Field(description="Stable role key (lowercase letters, digits, '-'), e.g. trainer.")
    functions: Optional[list[StrictStr]] = Field(
        None, description="ModelArts functions of this role, among the workspace's (default: all of them)."
    )
    description: Optional[StrictStr] = Field(None, description="Group description.")

    @field_validator("functions")
    @classmethod
    def _f(cls, v: Optional[list[str]]) -> Optional[list[str]]:
        if v is not None:
            if not v:
                raise ValueError("needs at least 1 function (or leave it out for all of the workspace's)")
            unique(v, "function")
        return v

    @field_validator("description")
    @classmethod
    def _d(cls, v: Optional[str]) -> Optional[str]:
        return _rule(rules.check_group_description, v)


class Member(Model):
    """A workspace member: an IAM user created here, or an existing one brought by id, and its role keys."""

    name: StrictStr = Field(description="IAM user name (1-32 letters, digits, '-', '_', not starting with a digit).")
    roles: list[StrictStr] = Field(min_length=1, description="Role keys of this workspace's `roles`.")
    existing: StrictBool = Field(False, description="Use an existing IAM user (give its `userId`).")
    user_id: Optional[StrictStr] = Field(None, description="The existing IAM user's id (32 hex characters).")
    console_login: StrictBool = Field(False, description="Console access with a generated (secret) initial password.")
    programmatic_access: StrictBool = Field(False, description="Allow access keys (created later by the user).")
    email: Optional[StrictStr] = None

    @field_validator("name")
    @classmethod
    def _n(cls, v: str) -> str:
        return _rule(rules.check_user_name, v)

    @field_validator("roles")
    @classmethod
    def _r(cls, v: list[str]) -> list[str]:
        return unique(v, "role")

    @field_validator("user_id")
    @classmethod
    def _u(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            pattern(v, HW_ID_RE, "is not an IAM user id (32 lowercase hex characters)")
        return v

    @field_validator("email")
    @classmethod
    def _e(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            pattern(v, EMAIL_RE, "is not an e-mail address")
        return v

    @model_validator(mode="after")
    def _existing(self) -> "Member":
        if self.existing:
            if self.user_id is None:
                raise ValueError("an existing user needs userId (IAM console > Users > the user's ID)")
            if self.console_login or self.programmatic_access or self.email:
                raise ValueError("an existing user is not managed here: drop consoleLogin, programmaticAccess, email")
        elif self.user_id is not None:
            raise ValueError("userId is only for existing users: set existing: true")
        return self

    @property
    def access_type(self) -> Literal["console", "programmatic", "default"]:
        if self.console_login and self.programmatic_access:
            return "default"
        return "programmatic" if self.programmatic_access else "console"


class Bucket(Model):
    """An OBS bucket: private, server-side encrypted, versioned, protected."""

    key: Key = Field(description="Stable key: the logical name and the default physical-name suffix.")
    name: Optional[StrictStr] = Field(None, description="Physical bucket name; default <prefix>-<workspace>-<key>.")
    storage_class: rules.StorageClass = "STANDARD"
    encryption: Literal["KMS", "AES256"] = Field("KMS", description="KMS (default master key or kmsKeyId) or AES256.")
    kms_key_id: Optional[StrictStr] = None
    protect: StrictBool = Field(True, description="Protect from deletion (set false only to allow removal).")

    @model_validator(mode="after")
    def _kms(self) -> "Bucket":
        if self.kms_key_id and self.encryption != "KMS":
            raise ValueError("kmsKeyId is only used with encryption: KMS")
        return self


class FileSystem(Model):
    """An SFS Turbo file system in the workspace's subnet (needs `network`)."""

    key: Key
    name: Optional[StrictStr] = Field(None, description="Physical name; default <prefix>-<workspace>-<key>.")
    share_type: rules.ShareType = "STANDARD"
    capacity: StrictInt = Field(description="GB: 500-32768 for STANDARD and PERFORMANCE.")
    zone_id: StrictStr = Field(description="Availability zone of the region, e.g. cn-north-4a.")
    crypt_key_id: Optional[StrictStr] = Field(None, description="KMS key to encrypt the file system at rest.")
    protect: StrictBool = True

    @field_validator("zone_id")
    @classmethod
    def _z(cls, v: str) -> str:
        return _rule(rules.check_zone, v)


class Subnet(Model):
    cidr: StrictStr = Field(description="Subnet CIDR inside the VPC CIDR (mask at most /28).")
    zone_id: Optional[StrictStr] = Field(None, description="Optional availability zone, e.g. cn-north-4a.")
    gateway_ip: Optional[StrictStr] = Field(None, description="Default: the subnet's first host address.")

    @field_validator("cidr")
    @classmethod
    def _c(cls, v: str) -> str:
        return _rule(rules.check_subnet_cidr, v)

    @field_validator("zone_id")
    @classmethod
    def _z(cls, v: Optional[str]) -> Optional[str]:
        return _rule(rules.check_zone, v)


class Network(Model):
    """A new VPC with one subnet and a security group (`cidr` + `subnet`), or existing ids (all three)."""

    cidr: Optional[StrictStr] = Field(None, description="VPC CIDR in 10/8, 172.16/12 or 192.168/16, mask /24 or shorter.")
    subnet: Optional[Subnet] = None
    vpc_id: Optional[StrictStr] = None
    subnet_id: Optional[StrictStr] = Field(None, description="The existing subnet's network id.")
    security_group_id: Optional[StrictStr] = None

    @field_validator("cidr")
    @classmethod
    def _c(cls, v: Optional[str]) -> Optional[str]:
        return _rule(rules.check_vpc_cidr, v)

    @field_validator("vpc_id", "subnet_id", "security_group_id")
    @classmethod
    def _ids(cls, v: Optional[str]) -> Optional[str]:
        return _rule(rules.check_vpc_resource_id, v)

    @model_validator(mode="after")
    def _kind(self) -> "Network":
        existing = [self.vpc_id, self.subnet_id, self.security_group_id]
        if any(existing):
            if self.cidr or self.subnet:
                raise ValueError("give either cidr + subnet (new VPC) or vpcId + subnetId + securityGroupId (existing), not both")
            rules.check_existing_network(existing)
        elif not (self.cidr and self.subnet):
            raise ValueError("give cidr + subnet (new VPC) or vpcId + subnetId + securityGroupId (existing)")
        return self

    @property
    def is_new(self) -> bool:
        return self.vpc_id is None


class Agency(Model):
    """The ModelArts agency: minimal custom authorization (tables 10-14) for the workspace's functions."""

    create: StrictBool = Field(True, description="Create the agency (when the functions need agency actions).")
    name: Optional[StrictStr] = Field(None, description="Agency name; default <prefix>-<workspace>-agency.")
    delegated_service_name: StrictStr = Field("op_svc_modelarts", description="See docs/modelarts.md, manual step 2.")
    duration: StrictStr = Field("FOREVER", description="FOREVER, ONEDAY or a number of days.")
    use_full_set: StrictBool = Field(False, description="Also grant broad system policies (one-click style).")
    full_set_roles: list[StrictStr] = Field(default_factory=list, description="System policy names for useFullSet.")

    @field_validator("name")
    @classmethod
    def _n(cls, v: Optional[str]) -> Optional[str]:
        return _rule(rules.check_agency_name, v)

    @field_validator("duration")
    @classmethod
    def _d(cls, v: str) -> str:
        return _rule(rules.check_agency_duration, v)


class Workspace(Model):
    """One team's ModelArts workspace: its functions, roles, members, storage, network and agency."""

    name: Key = Field(description="Workspace key (lowercase letters, digits, '-'): names groups, buckets...")
    description: StrictStr = Field(description="What the workspace is for (1-255 characters).")
    functions: list[StrictStr] = Field(min_length=1, description="ModelArts functions the team uses.")
    roles: list[Role] = Field(min_length=1)
    members: list[Member] = Field(default_factory=list)
    buckets: list[Bucket] = Field(default_factory=list)
    file_systems: list[FileSystem] = Field(default_factory=list)
    network: Optional[Network] = None
    agency: Agency = Field(default_factory=Agency)

    @field_validator("description")
    @classmethod
    def _d(cls, v: str) -> str:
        if not 1 <= len(v) <= 255:
            raise ValueError(f"is {len(v)} characters; allowed 1-255")
        return v

    @field_validator("functions")
    @classmethod
    def _f(cls, v: list[str]) -> list[str]:
        return unique(v, "function")

    def role_functions(self, role: Role) -> list[str]:
        return sorted(role.functions if role.functions is not None else self.functions)


class StackConfig(Model):
    """A whole ModelArts stack: Huawei account settings shared by every workspace, and the workspaces."""

    cloud: Literal["huaweicloud"] = Field(description="The cloud of this stack.")
    region: StrictStr = Field(alias="huaweicloud:region", description="Huawei Cloud region of every resource, e.g. cn-north-4.")
    project_id: StrictStr = Field(description="Id of the region's IAM project (IAM console > My Credentials).")
    domain_id: StrictStr = Field(description="Account (domain) id (IAM console > My Credentials).")
    name_prefix: StrictStr = Field(description="Prefix of every physical name (lowercase letters, digits, '-').")
    tags: dict[StrictStr, StrictStr] = Field(default_factory=dict, description="Tags added to every taggable resource (key: value).")
    workspaces: list[Workspace] = Field(min_length=1, description="The workspaces of the stack (at least one).")

    @field_validator("region")
    @classmethod
    def _r(cls, v: str) -> str:
        return pattern(v, HW_REGION_RE, HW_REGION_RULE)

    @field_validator("project_id", "domain_id")
    @classmethod
    def _ids(cls, v: str) -> str:
        return pattern(v, HW_ID_RE, "is not a Huawei Cloud id (32 lowercase hex characters)")

    @field_validator("name_prefix")
    @classmethod
    def _p(cls, v: str) -> str:
        return pattern(v, naming.PREFIX_RE, naming.PREFIX_RULE)

    @field_validator("tags")
    @classmethod
    def _t(cls, v: dict[str, str]) -> dict[str, str]:
        if len(v) > MAX_USER_TAGS:
            raise ValueError(f"at most {MAX_USER_TAGS} tags (OBS allows {OBS_MAX_TAGS}; the project adds {len(AUTO_TAG_KEYS)})")
        for key, value in v.items():
            for what, text, low, high in (("tag key", key, 1, 128), ("tag value", value, 0, 255)):
                if not low <= len(text) <= high or _TAG_FORBIDDEN.search(text):
                    raise ValueError(f"{what} {text!r} must be {low}-{high} characters without , * | / < > = \\")
            if key in AUTO_TAG_KEYS:
                raise ValueError(f"tag key {key!r} is set by the project")
        return v

    # --- derived names (`rules`: one place, used by the meaning checks and by the adapter) ---

    def qualified(self, ws: Workspace) -> str:
        """The bundle's name: prefix of groups, custom policies and the default agency name."""
        return rules.qualified_name(self.name_prefix, ws.name)

    def bucket_name(self, ws: Workspace, b: Bucket) -> str:
        return rules.bucket_name(self.qualified(ws), b.key, b.name)

    def file_system_name(self, ws: Workspace, fs: FileSystem) -> str:
        return rules.file_system_name(self.qualified(ws), fs.key, fs.name)

    def agency_name(self, ws: Workspace) -> str:
        return rules.agency_name(self.qualified(ws), ws.agency.name)

    def workspace_tags(self, ws: Workspace) -> dict[str, str]:
        """The tag that says which workspace a resource belongs to (the stack's tags come from the transform)."""
        return {"modelarts-workspace": ws.name}


# --- meaning ------------------------------------------------------------------------------------------------------


def _check(out: Problems, path: str, value: Any, check, *args, shown: Any = ..., prefix: str = "") -> bool:
    """Add `path: value rule` when `check` (a `rules.check_*` function) refuses `value`; whether it accepted it."""
    try:
        check(value, *args)
    except ValueError as e:
        out.add(path, value if shown is ... else shown, f"{prefix}{e}")
        return False
    return True


def _check_meaning(cfg: StackConfig) -> list[ConfigError]:
    """Rules across fields, workspaces and the stack; every mistake found, none raised. One mistake, one line: a
    repeated key's derived names are not judged again."""
    out = Problems()
    seen_ws: dict[str, str] = {}
    seen_buckets: dict[str, str] = {}
    created_users: dict[str, str] = {}
    for wi, ws in enumerate(cfg.workspaces):
        wp = f"workspaces[{wi}]"
        if ws.name in seen_ws:  # its derived names collide too: one mistake, one line
            out.first(seen_ws, ws.name, f"{wp}.name", ws.name, "workspace name is used twice")
            continue
        seen_ws[ws.name] = f"{wp}.name"
        qualified = cfg.qualified(ws)
        _check(out, f"{wp}.name", qualified, rules.check_qualified_name, prefix="(namePrefix-name) ")
        known = True
        for fi, f in enumerate(ws.functions):
            known &= _check(out, f"{wp}.functions[{fi}]", f, rules.check_function)
        role_keys = _check_roles(out, ws, wp)
        _check_members(out, ws, wp, role_keys, created_users)
        _check_storage(out, cfg, ws, wp, seen_buckets)
        _check_network(out, cfg, ws, wp)
        _check_agency(out, ws, wp, known)
    return out.errors


def _check_roles(out: Problems, ws: Workspace, wp: str) -> list[str]:
    role_keys: list[str] = []
    for ri, role in enumerate(ws.roles):
        rp = f"{wp}.roles[{ri}]"
        if role.key in role_keys:
            out.add(f"{rp}.key", role.key, rules.duplicate("role key"))
            continue
        role_keys.append(role.key)
        for fi, f in enumerate(role.functions or []):
            if f not in ws.functions:
                out.add(f"{rp}.functions[{fi}]", f, f"is not one of the workspace's functions ({', '.join(ws.functions)})")
    return role_keys


def _check_members(out: Problems, ws: Workspace, wp: str, role_keys: list[str], created_users: dict[str, str]) -> None:
    names: list[str] = []
    for mi, m in enumerate(ws.members):
        mp = f"{wp}.members[{mi}]"
        for ri, r in enumerate(m.roles):
            _check(out, f"{mp}.roles[{ri}]", r, rules.check_role_of_workspace, role_keys)
        user = rules.user_key(m.name)
        if user in names:
            out.add(f"{mp}.name", m.name, rules.DUPLICATE_USER)
            continue
        names.append(user)
        if not m.existing:
            if user in created_users:
                out.add(f"{mp}.name", m.name, f"IAM user names are account-wide and it is created at {created_users[user]}: "
                        "list it here with existing: true and its userId")
            else:
                created_users[user] = mp


def _check_storage(out: Problems, cfg: StackConfig, ws: Workspace, wp: str, seen_buckets: dict[str, str]) -> None:
    for bi, b in enumerate(ws.buckets):
        bp = f"{wp}.buckets[{bi}]"
        if any(o.key == b.key for o in ws.buckets[:bi]):
            out.add(f"{bp}.key", b.key, rules.duplicate("bucket key"))
            continue  # its derived name is a duplicate too: one mistake, one line
        physical = cfg.bucket_name(ws, b)
        where = f"{bp}.name" if b.name else f"{bp}.key"
        if _check(out, where, physical, rules.check_bucket_name, prefix="(bucket name) "):
            out.first(seen_buckets, physical, where, physical, "bucket name is used twice")
    for fi, fs in enumerate(ws.file_systems):
        fp = f"{wp}.fileSystems[{fi}]"
        _check(out, f"{fp}.capacity", fs.capacity, rules.check_file_system_size, fs.share_type)
        _check(out, f"{fp}.zoneId", fs.zone_id, rules.check_zone_in_region, cfg.region)
        if any(o.key == fs.key for o in ws.file_systems[:fi]):
            out.add(f"{fp}.key", fs.key, rules.duplicate("file system key"))
            continue  # its derived name is a duplicate too
        _check(out, f"{fp}.name" if fs.name else f"{fp}.key", cfg.file_system_name(ws, fs), rules.check_file_system_name,
               prefix="(file system name) ")
    if ws.file_systems and ws.network is None:
        out.add(f"{wp}.network", None, rules.FILE_SYSTEMS_NEED_NETWORK)


def _check_network(out: Problems, cfg: StackConfig, ws: Workspace, wp: str) -> None:
    net = ws.network
    if net is None or not net.is_new:
        return
    assert net.cidr is not None and net.subnet is not None
    sp = f"{wp}.network.subnet"
    _check(out, f"{sp}.cidr", net.subnet.cidr, rules.check_subnet_in_vpc, net.cidr)
    if net.subnet.zone_id:
        _check(out, f"{sp}.zoneId", net.subnet.zone_id, rules.check_zone_in_region, cfg.region)
    if net.subnet.gateway_ip is not None:
        _check(out, f"{sp}.gatewayIp", net.subnet.gateway_ip, rules.check_gateway, net.subnet.cidr)


def _check_agency(out: Problems, ws: Workspace, wp: str, functions_known: bool) -> None:
    ag = ws.agency
    ap = f"{wp}.agency"
    _check(out, f"{ap}.fullSetRoles", ag.full_set_roles, rules.check_full_set_roles, ag.use_full_set, shown=None)
    _check(out, f"{ap}.useFullSet", ag.use_full_set, rules.check_use_full_set, ag.full_set_roles, shown=None)
    for ri, role in enumerate(ag.full_set_roles):
        _check(out, f"{ap}.fullSetRoles[{ri}]", role, rules.check_not_admin_role)
    if functions_known and ag.create and not ag.use_full_set and ag.name is not None:
        try:
            rules.check_agency_functions(ws.functions)
        except ValueError as e:
            out.add(f"{ap}.name", ag.name, f"{e}; drop the agency settings or set create: false")


# --- errors -------------------------------------------------------------------------------------------------------


def load(raw: Mapping[str, Any]) -> StackConfig:
    """Validate a raw ModelArts config mapping (camelCase keys, `huaweicloud:region`). Raises ConfigError only: every
    mistake at once, one line each."""
    if not isinstance(raw, Mapping):
        raise ConfigError("", "the stack config must be a mapping")
    try:
        cfg = StackConfig.model_validate(dict(raw))
    except ValidationError as e:
        raise_all(errors_of(e) + _meaning_of_valid_workspaces(raw, e))
        raise AssertionError("unreachable: a ValidationError holds at least one error") from None
    except (TypeError, ValueError) as e:  # defensive: never a traceback for user input
        raise ConfigError("", f"invalid stack config ({e})") from None
    raise_all(_check_meaning(cfg))
    return cfg


def _meaning_of_valid_workspaces(raw: Mapping[str, Any], e: ValidationError) -> list[ConfigError]:
    """When only some workspaces are malformed, the others still get the meaning checks, so one run shows both
    kinds of mistakes. Paths are numbered as in the stack file. (The same as the PAI contract's.)"""
    bad: set[int] = set()
    for err in e.errors():
        loc = tuple(err["loc"])
        if len(loc) >= 2 and loc[0] == "workspaces" and isinstance(loc[1], int):
            bad.add(loc[1])
        else:
            return []  # the region, the prefix, the tags or the list itself is wrong: judge nothing more
    given = raw.get("workspaces")
    keep = [i for i in range(len(given)) if i not in bad] if isinstance(given, list) else []
    if not keep:
        return []
    try:
        partial = StackConfig.model_validate({**dict(raw), "workspaces": [given[i] for i in keep]})
    except ValidationError:
        return []

    def renumber(text: str) -> str:
        return re.sub(r"workspaces\[(\d+)\]", lambda m: f"workspaces[{keep[int(m.group(1))]}]", text)

    return [ConfigError(renumber(x.path), renumber(x.message)) for x in _check_meaning(partial)]
