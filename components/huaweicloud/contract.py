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
Every failure is the same one-line `ConfigError` (config path, bad value, rule).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Literal, Mapping, Optional

from pydantic import Field, StrictBool, StrictInt, StrictStr, ValidationError, field_validator, model_validator

from ..core import naming
from ..core.contract import Key, Model as _Model, one_line as _one_line, pattern as _pattern, unique as _unique
from ..core.errors import ConfigError, fail as _fail
from .plan import catalogue
from .resources.storage import _is_ip

CLOUD = "huaweicloud"

# Huawei ids (project, domain, IAM user) are 32 lowercase hex characters.
HW_ID_RE = r"[0-9a-f]{32}"
HW_REGION_RE = r"[a-z]{2}(-[a-z]+)+-\d+"
HW_REGION_RULE = "is not a Huawei Cloud region id such as cn-north-4"
# An availability zone is its region plus a letter (cn-north-4a).
HW_ZONE_RE = r"[a-z]{2}(-[a-z]+)+-\d+[a-z]"
IAM_USER_RE = r"[A-Za-z_-][A-Za-z0-9_-]{0,31}"
IAM_USER_RULE = "is not an IAM user name (1-32 letters, digits, '-' or '_', not starting with a digit)"
EMAIL_RE = r"[^@\s]+@[^@\s]+\.[^@\s]+"
# The bundle's name (<namePrefix>-<workspace>) prefixes groups, policies and the agency: at most 32 characters.
MAX_QUALIFIED_NAME = 32
# OBS bucket tags (the tightest of the taggable resources): at most 10 per bucket; key at most 128 characters,
# value at most 255, neither containing , * | / < > = \ or control characters (OBS setBucketTagging constraints).
OBS_MAX_TAGS = 10
AUTO_TAG_KEYS = ("managed-by", "modelarts-workspace")
MAX_USER_TAGS = OBS_MAX_TAGS - len(AUTO_TAG_KEYS)
_TAG_FORBIDDEN = re.compile(r"[,*|/<>=\\\x00-\x1f]")
# sfs.Turbo size for STANDARD and PERFORMANCE (pulumi_huaweicloud 0.0.12 docs): 500-32,768 GB.
TURBO_SIZES = {"STANDARD": (500, 32768), "PERFORMANCE": (500, 32768)}
PRIVATE_NETS = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]


def _cidr(v: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(v, strict=True)
    except ValueError:
        raise ValueError("is not an IPv4 network in CIDR form with no host bits set (e.g. 192.168.0.0/16)") from None


class Role(_Model):
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
            _unique(v, "function")
        return v

    @field_validator("description")
    @classmethod
    def _d(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not 1 <= len(v) <= 255:
            raise ValueError("group description must be 1-255 characters")
        return v


class Member(_Model):
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
        return _pattern(v, IAM_USER_RE, IAM_USER_RULE)

    @field_validator("roles")
    @classmethod
    def _r(cls, v: list[str]) -> list[str]:
        return _unique(v, "role")

    @field_validator("user_id")
    @classmethod
    def _u(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            _pattern(v, HW_ID_RE, "is not an IAM user id (32 lowercase hex characters)")
        return v

    @field_validator("email")
    @classmethod
    def _e(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            _pattern(v, EMAIL_RE, "is not an e-mail address")
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
    def access_type(self) -> str:
        if self.console_login and self.programmatic_access:
            return "default"
        return "programmatic" if self.programmatic_access else "console"


class Bucket(_Model):
    """An OBS bucket: private, server-side encrypted, versioned, protected."""

    key: Key = Field(description="Stable key: the logical name and the default physical-name suffix.")
    name: Optional[StrictStr] = Field(None, description="Physical bucket name; default <prefix>-<workspace>-<key>.")
    storage_class: Literal["STANDARD", "WARM", "COLD"] = "STANDARD"
    encryption: Literal["KMS", "AES256"] = Field("KMS", description="KMS (default master key or kmsKeyId) or AES256.")
    kms_key_id: Optional[StrictStr] = None
    protect: StrictBool = Field(True, description="Protect from deletion (set false only to allow removal).")

    @model_validator(mode="after")
    def _kms(self) -> "Bucket":
        if self.kms_key_id and self.encryption != "KMS":
            raise ValueError("kmsKeyId is only used with encryption: KMS")
        return self


class FileSystem(_Model):
    """An SFS Turbo file system in the workspace's subnet (needs `network`)."""

    key: Key
    name: Optional[StrictStr] = Field(None, description="Physical name; default <prefix>-<workspace>-<key>.")
    share_type: Literal["STANDARD", "PERFORMANCE", "HPC", "HPC_CACHE"] = "STANDARD"
    capacity: StrictInt = Field(description="GB: 500-32768 for STANDARD and PERFORMANCE.")
    zone_id: StrictStr = Field(description="Availability zone of the region, e.g. cn-north-4a.")
    crypt_key_id: Optional[StrictStr] = Field(None, description="KMS key to encrypt the file system at rest.")
    protect: StrictBool = True

    @field_validator("zone_id")
    @classmethod
    def _z(cls, v: str) -> str:
        return _pattern(v, HW_ZONE_RE, "is not an availability zone such as cn-north-4a")

    @model_validator(mode="after")
    def _size(self) -> "FileSystem":
        low, high = TURBO_SIZES.get(self.share_type, (1, 10**9))
        if not low <= self.capacity <= high:
            raise ValueError(f"capacity {self.capacity} is outside {low}-{high} GB for {self.share_type} SFS Turbo")
        return self


class Subnet(_Model):
    cidr: StrictStr = Field(description="Subnet CIDR inside the VPC CIDR (mask at most /28).")
    zone_id: Optional[StrictStr] = Field(None, description="Optional availability zone, e.g. cn-north-4a.")
    gateway_ip: Optional[StrictStr] = Field(None, description="Default: the subnet's first host address.")

    @field_validator("cidr")
    @classmethod
    def _c(cls, v: str) -> str:
        if _cidr(v).prefixlen > 28:
            raise ValueError("subnet CIDR mask must be /28 or shorter")
        return v

    @field_validator("zone_id")
    @classmethod
    def _z(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            _pattern(v, HW_ZONE_RE, "is not an availability zone such as cn-north-4a")
        return v


class Network(_Model):
    """A new VPC with one subnet and a security group (`cidr` + `subnet`), or existing ids (all three)."""

    cidr: Optional[StrictStr] = Field(None, description="VPC CIDR in 10/8, 172.16/12 or 192.168/16, mask /24 or shorter.")
    subnet: Optional[Subnet] = None
    vpc_id: Optional[StrictStr] = None
    subnet_id: Optional[StrictStr] = Field(None, description="The existing subnet's network id.")
    security_group_id: Optional[StrictStr] = None

    @field_validator("cidr")
    @classmethod
    def _c(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            net = _cidr(v)
            if not any(net.subnet_of(p) for p in PRIVATE_NETS) or net.prefixlen > 24:
                raise ValueError("VPC CIDR must lie in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 with a mask of /24 or shorter")
        return v

    @field_validator("vpc_id", "subnet_id", "security_group_id")
    @classmethod
    def _ids(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            _pattern(v, r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "is not a Huawei Cloud VPC resource id (a UUID)")
        return v

    @model_validator(mode="after")
    def _kind(self) -> "Network":
        existing = [self.vpc_id, self.subnet_id, self.security_group_id]
        if any(existing):
            if self.cidr or self.subnet:
                raise ValueError("give either cidr + subnet (new VPC) or vpcId + subnetId + securityGroupId (existing), not both")
            if not all(existing):
                raise ValueError("vpcId, subnetId and securityGroupId go together: give all three")
        elif not (self.cidr and self.subnet):
            raise ValueError("give cidr + subnet (new VPC) or vpcId + subnetId + securityGroupId (existing)")
        return self

    @property
    def is_new(self) -> bool:
        return self.vpc_id is None


class Agency(_Model):
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
        if v is not None:
            _pattern(v, r"[A-Za-z0-9_-]{1,64}", "is not an agency name (1-64 letters, digits, '-', '_')")
        return v

    @field_validator("duration")
    @classmethod
    def _d(cls, v: str) -> str:
        if not (v in ("FOREVER", "ONEDAY") or v.isdigit()):
            raise ValueError("must be FOREVER, ONEDAY or a number of days")
        return v

    @model_validator(mode="after")
    def _full(self) -> "Agency":
        if self.full_set_roles and not self.use_full_set:
            raise ValueError("fullSetRoles needs useFullSet: true (broad one-click permissions are opt-in)")
        if self.use_full_set and not self.full_set_roles:
            raise ValueError("useFullSet needs fullSetRoles: the system policy names to grant")
        return self


class Workspace(_Model):
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
        return _unique(v, "function")

    def role_functions(self, role: Role) -> list[str]:
        return sorted(role.functions if role.functions is not None else self.functions)


class StackConfig(_Model):
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
        return _pattern(v, HW_REGION_RE, HW_REGION_RULE)

    @field_validator("project_id", "domain_id")
    @classmethod
    def _ids(cls, v: str) -> str:
        return _pattern(v, HW_ID_RE, "is not a Huawei Cloud id (32 lowercase hex characters)")

    @field_validator("name_prefix")
    @classmethod
    def _p(cls, v: str) -> str:
        return _pattern(v, naming.PREFIX_RE, naming.PREFIX_RULE)

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

    # --- derived names (one place, used by validation and by the builder) ---

    def qualified(self, ws: Workspace) -> str:
        """The bundle's name: prefix of groups, custom policies and the default agency name."""
        return f"{self.name_prefix}-{ws.name}"

    def bucket_name(self, ws: Workspace, b: Bucket) -> str:
        return b.name or f"{self.name_prefix}-{ws.name}-{b.key}"

    def file_system_name(self, ws: Workspace, fs: FileSystem) -> str:
        return fs.name or f"{self.name_prefix}-{ws.name}-{fs.key}"

    def agency_name(self, ws: Workspace) -> str:
        return ws.agency.name or f"{self.qualified(ws)}-agency"

    def tags_for(self, ws: Workspace) -> dict[str, str]:
        return {**dict(sorted(self.tags.items())), "managed-by": "pai-platform", "modelarts-workspace": ws.name}


# --- meaning ------------------------------------------------------------------------------------------------------

_BUCKET_RE = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
_TURBO_RE = r"[A-Za-z][A-Za-z0-9_-]{3,63}"


def _check_meaning(cfg: StackConfig) -> None:
    seen_ws: dict[str, str] = {}
    seen_buckets: dict[str, str] = {}
    created_users: dict[str, str] = {}
    for wi, ws in enumerate(cfg.workspaces):
        wp = f"workspaces[{wi}]"
        if ws.name in seen_ws:
            _fail(f"{wp}.name", ws.name, f"workspace name is used twice (first at {seen_ws[ws.name]})")
        seen_ws[ws.name] = f"{wp}.name"
        qualified = cfg.qualified(ws)
        if len(qualified) > MAX_QUALIFIED_NAME:
            _fail(f"{wp}.name", ws.name, f"namePrefix-name {qualified!r} is longer than {MAX_QUALIFIED_NAME} characters")
        for fi, f in enumerate(ws.functions):
            if f not in catalogue.USER_FUNCTIONS:
                _fail(f"{wp}.functions[{fi}]", f, f"is not a ModelArts function (expected one of: {', '.join(catalogue.function_keys())})")
        role_keys: list[str] = []
        for ri, role in enumerate(ws.roles):
            rp = f"{wp}.roles[{ri}]"
            if role.key in role_keys:
                _fail(f"{rp}.key", role.key, "role key is used twice in this workspace")
            role_keys.append(role.key)
            for fi, f in enumerate(role.functions or []):
                if f not in ws.functions:
                    _fail(f"{rp}.functions[{fi}]", f, f"is not one of the workspace's functions ({', '.join(ws.functions)})")
        names: list[str] = []
        for mi, m in enumerate(ws.members):
            mp = f"{wp}.members[{mi}]"
            if m.name.lower() in names:
                _fail(f"{mp}.name", m.name, "user is listed twice in this workspace (IAM user names ignore case)")
            names.append(m.name.lower())
            for ri, r in enumerate(m.roles):
                if r not in role_keys:
                    _fail(f"{mp}.roles[{ri}]", r, f"is not a role of this workspace (expected one of: {', '.join(role_keys)})")
            if not m.existing:
                if m.name.lower() in created_users:
                    _fail(f"{mp}.name", m.name, f"IAM user names are account-wide and it is created at {created_users[m.name.lower()]}: "
                          "list it here with existing: true and its userId")
                created_users[m.name.lower()] = mp
        for bi, b in enumerate(ws.buckets):
            bp = f"{wp}.buckets[{bi}]"
            if any(o.key == b.key for o in ws.buckets[:bi]):
                _fail(f"{bp}.key", b.key, "bucket key is used twice in this workspace")
            physical = cfg.bucket_name(ws, b)
            where = f"{bp}.name" if b.name else f"{bp}.key"
            if not re.fullmatch(_BUCKET_RE, physical) or ".." in physical or _is_ip(physical):
                _fail(where, physical, "(bucket name) is not an OBS bucket name (3-63 lowercase letters, digits, '-' or '.', "
                      "starting and ending with a letter or digit, not an IP address)")
            if physical in seen_buckets:
                _fail(where, physical, f"bucket name is used twice (first at {seen_buckets[physical]})")
            seen_buckets[physical] = where
        for fi, fs in enumerate(ws.file_systems):
            fp = f"{wp}.fileSystems[{fi}]"
            if any(o.key == fs.key for o in ws.file_systems[:fi]):
                _fail(f"{fp}.key", fs.key, "file system key is used twice in this workspace")
            physical = cfg.file_system_name(ws, fs)
            if not re.fullmatch(_TURBO_RE, physical):
                _fail(f"{fp}.name" if fs.name else f"{fp}.key", physical,
                      "(file system name) must be 4-64 letters, digits, '-' or '_', starting with a letter")
            if not fs.zone_id.startswith(cfg.region):
                _fail(f"{fp}.zoneId", fs.zone_id, f"is not a zone of region {cfg.region}")
        if ws.file_systems and ws.network is None:
            _fail(f"{wp}.network", None, "is required: SFS Turbo file systems live in the workspace's subnet")
        net = ws.network
        if net is not None and net.is_new:
            assert net.cidr is not None and net.subnet is not None
            vpc, sub = ipaddress.IPv4Network(net.cidr), ipaddress.IPv4Network(net.subnet.cidr)
            if not sub.subnet_of(vpc):
                _fail(f"{wp}.network.subnet.cidr", net.subnet.cidr, f"is not inside the VPC CIDR {net.cidr}")
            if net.subnet.zone_id and not net.subnet.zone_id.startswith(cfg.region):
                _fail(f"{wp}.network.subnet.zoneId", net.subnet.zone_id, f"is not a zone of region {cfg.region}")
            if net.subnet.gateway_ip is not None:
                try:
                    gateway = ipaddress.ip_address(net.subnet.gateway_ip)
                except ValueError:
                    _fail(f"{wp}.network.subnet.gatewayIp", net.subnet.gateway_ip, "is not an IP address")
                if gateway not in sub:
                    _fail(f"{wp}.network.subnet.gatewayIp", net.subnet.gateway_ip, f"is outside {net.subnet.cidr}")
        ag = ws.agency
        if ag.create and not ag.use_full_set and ag.name is not None and not catalogue.agency_actions(ws.functions):
            _fail(f"{wp}.agency.name", ag.name, "no selected function needs agency actions (tables 10-14 cover: "
                  f"{', '.join(catalogue.agency_function_keys())}); drop the agency settings or set create: false")


def load(raw: Mapping[str, Any]) -> StackConfig:
    """Validate a raw ModelArts config mapping (camelCase keys, `huaweicloud:region`). Raises ConfigError only."""
    if not isinstance(raw, Mapping):
        raise ConfigError("", "the stack config must be a mapping")
    try:
        cfg = StackConfig.model_validate(dict(raw))
    except ValidationError as e:
        raise _one_line(e.errors()[0]) from None
    except ConfigError:
        raise
    except (TypeError, ValueError) as e:  # defensive: never a traceback for user input
        raise ConfigError("", f"invalid stack config ({e})") from None
    _check_meaning(cfg)
    return cfg
