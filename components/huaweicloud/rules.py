"""The rules of a ModelArts stack's names and values, each written once, and the names this project derives.

Pure Python, no Pulumi: the contract (`contract.py`, the stack file) and the components' `validate_*` functions
(`resources/`) call the same functions, so a value refused in one is refused in the other with the same words.

A `check_*` function returns nothing for a good value and raises `ValueError(rule)` for a bad one; the rule text
starts with "is"/"must" and names neither the key nor the value: the caller puts them in front
(`workspaces[0].buckets[1].key: 'x' is not a key ...` from the contract, `workspace.buckets[1].key: 'x' is not a
key ...` from a component).

Sources of the limits:
- keys (bucket, file-system and role keys, workspace names): the project's key rule shared with PAI
  (`components.core.naming.KEY_RE`, 1-24 characters: they become parts of logical names and physical names);
- IAM user names: 1-32 letters, digits, spaces, '-' and '_', not starting with a digit (pulumi_huaweicloud 0.0.12,
  iam.User `name`); spaces left out, the name is a logical-name key;
- IAM user groups: at most 64 bytes (iam.Group `name`): a group is `<qualified>-<role key>`, 32 + 1 + 24 = 57;
- agency: name 1-64 characters (iam.Agency `name`), description 0-255 characters without @#$%^&*<>\\
  (iam.Agency `description`), duration FOREVER, ONEDAY or a number of days (iam.Agency `duration`);
- OBS buckets: 3-63 lowercase letters, digits, '-' and '.', not starting or ending with '.' or '-', no '..' and no
  '.' next to '-', not an IP address (obs.Bucket `bucket`);
- SFS Turbo: name 4-64 characters starting with a letter (sfs.Turbo `name`); size 500-32,768 GB for STANDARD and
  PERFORMANCE (sfs.Turbo `size`);
- VPC: block within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 with a mask of at most /24 (vpc.Vpc `cidr`);
  subnet inside the VPC's block, mask at most /28 (vpc.Subnet `cidr`).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Iterable, Literal, Optional, Sequence, get_args

from ..core import naming as core_naming
from .plan import catalogue

# --- names this project derives (one place: the contract's checks and the adapter's Args both use them) ---------

MAX_QUALIFIED_NAME = 32
"""A workspace's qualified name (`<namePrefix>-<workspace>`) prefixes its groups, custom policies, network and
agency: at most 32 characters, so `<qualified>-<role key>` (at most 57) fits an IAM group name (64)."""


def qualified_name(prefix: str, workspace: str) -> str:
    """The bundle's name: `<namePrefix>-<workspace>`."""
    return f"{prefix}-{workspace}"


def bucket_name(qualified: str, key: str, name: Optional[str] = None) -> str:
    """The physical OBS bucket name: `name` when given, else `<qualified>-<key>`."""
    return name or f"{qualified}-{key}"


def file_system_name(qualified: str, key: str, name: Optional[str] = None) -> str:
    """The physical SFS Turbo name: `name` when given, else `<qualified>-<key>`."""
    return name or f"{qualified}-{key}"


def agency_name(qualified: str, name: Optional[str] = None) -> str:
    """The agency's name: `name` when given, else `<qualified>-agency`."""
    return name or agency_policy_prefix(qualified)


def agency_policy_prefix(qualified: str) -> str:
    """The prefix of the agency's custom policies' names (the default agency name, even when it is renamed)."""
    return f"{qualified}-agency"


def user_key(name: str) -> str:
    """An IAM user name as IAM compares it: IAM user names ignore case."""
    return name.lower()


# --- rules --------------------------------------------------------------------------------------------------------


def _match(value: object, regex: str, rule: str) -> None:
    if not isinstance(value, str) or not re.fullmatch(regex, value):
        raise ValueError(rule)


KEY_RULE = core_naming.KEY_RULE


def check_key(value: str) -> None:
    """A stable key (workspace name, bucket, file-system and role keys): core's key rule, 1-24 characters."""
    _match(value, core_naming.KEY_RE, KEY_RULE)


QUALIFIED_RE = rf"[a-z][a-z0-9-]{{0,{MAX_QUALIFIED_NAME - 1}}}"
QUALIFIED_RULE = f"is not a qualified name (1-{MAX_QUALIFIED_NAME} lowercase letters, digits or '-', starting with a letter)"


def check_qualified_name(value: str) -> None:
    """The bundle's name (`qualified_name`), which prefixes groups, policies, network and agency."""
    _match(value, QUALIFIED_RE, QUALIFIED_RULE)


IAM_USER_RE = r"[A-Za-z_-][A-Za-z0-9_-]{0,31}"
IAM_USER_RULE = "is not an IAM user name (1-32 letters, digits, '-' or '_', not starting with a digit)"


def check_user_name(value: str) -> None:
    _match(value, IAM_USER_RE, IAM_USER_RULE)


def check_function(value: str) -> None:
    """A ModelArts function key of the catalogue (seed 004's tables)."""
    catalogue.check_function(value)


def check_role_of_workspace(value: str, role_keys: Sequence[str]) -> None:
    """A member's role: one of the workspace's role keys."""
    if value not in role_keys:
        raise ValueError(f"is not a role of this workspace (expected one of: {', '.join(role_keys)})")


GROUP_DESCRIPTION_RULE = "group description must be 1-255 characters"


def check_group_description(value: str) -> None:
    """A role's user-group description (iam.Group `description`)."""
    if not isinstance(value, str) or not 1 <= len(value) <= 255:
        raise ValueError(GROUP_DESCRIPTION_RULE)


DUPLICATE_USER = "user is listed twice in this workspace (IAM user names ignore case)"
FILE_SYSTEMS_NEED_NETWORK = "is required: SFS Turbo file systems live in the workspace's subnet"


def duplicate(what: str) -> str:
    """The rule of a key listed twice in one workspace, e.g. `duplicate("bucket key")`."""
    return f"{what} is used twice in this workspace"


BUCKET_RE = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
BUCKET_RULE = ("is not an OBS bucket name (3-63 lowercase letters, digits, '-', '.'; letter or digit at both ends; "
               "no '..', '.-', '-.'; not an IP)")


StorageClass = Literal["STANDARD", "WARM", "COLD"]
"""OBS storage classes (obs.Bucket `storage_class`)."""
STORAGE_CLASSES: tuple[str, ...] = get_args(StorageClass)


def check_bucket_name(value: str) -> None:
    _match(value, BUCKET_RE, BUCKET_RULE)
    if ".." in value or ".-" in value or "-." in value or _is_ip(value):
        raise ValueError(BUCKET_RULE)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


TURBO_NAME_RE = r"[A-Za-z][A-Za-z0-9_-]{3,63}"
TURBO_NAME_RULE = "is not an SFS Turbo name (4-64 letters, digits, '-' or '_', starting with a letter)"
ShareType = Literal["STANDARD", "PERFORMANCE", "HPC", "HPC_CACHE"]
"""SFS Turbo share types (sfs.Turbo `share_type`)."""
TURBO_SHARE_TYPES: tuple[str, ...] = get_args(ShareType)
TURBO_SIZES = {"STANDARD": (500, 32768), "PERFORMANCE": (500, 32768)}
"""GB per share type with a documented range (sfs.Turbo `size`); the HPC types have none in the provider docs."""


def check_file_system_name(value: str) -> None:
    _match(value, TURBO_NAME_RE, TURBO_NAME_RULE)


def check_file_system_size(size: int, share_type: str) -> None:
    """The capacity in GB for the share type."""
    low, high = TURBO_SIZES.get(share_type, (1, 10**9))
    if isinstance(size, bool) or not isinstance(size, int) or not low <= size <= high:
        raise ValueError(f"is outside {low}-{high} GB for {share_type} SFS Turbo")


ZONE_RE = r"[a-z]{2}(-[a-z]+)+-\d+[a-z]"
ZONE_RULE = "is not an availability zone such as cn-north-4a"


def check_zone(value: str) -> None:
    """An availability zone id: its region and a letter (cn-north-4a)."""
    _match(value, ZONE_RE, ZONE_RULE)


def check_zone_in_region(value: str, region: str) -> None:
    if not value.startswith(region):
        raise ValueError(f"is not a zone of region {region}")


AGENCY_NAME_RE = r"[A-Za-z0-9_-]{1,64}"
AGENCY_NAME_RULE = "is not an agency name (1-64 letters, digits, '-' or '_')"
AGENCY_DURATION_RULE = "must be FOREVER, ONEDAY or a number of days"
AGENCY_DESCRIPTION_RULE = "must be at most 255 characters without any of @#$%^&*<>\\"


def check_agency_name(value: str) -> None:
    _match(value, AGENCY_NAME_RE, AGENCY_NAME_RULE)


def check_agency_duration(value: str) -> None:
    if not isinstance(value, str) or not (value in ("FOREVER", "ONEDAY") or value.isdigit()):
        raise ValueError(AGENCY_DURATION_RULE)


def check_agency_description(value: str) -> None:
    if not isinstance(value, str) or len(value) > 255 or re.search(r"[@#$%^&*<>\\]", value):
        raise ValueError(AGENCY_DESCRIPTION_RULE)


FULL_SET_ROLES_RULE = "are granted only with useFullSet: true (broad one-click permissions are opt-in)"
USE_FULL_SET_RULE = "needs fullSetRoles: the system policy names to grant"


def check_full_set_roles(roles: Sequence[str], use_full_set: bool) -> None:
    """The broad one-click system policies: only when the full set is switched on."""
    if roles and not use_full_set:
        raise ValueError(FULL_SET_ROLES_RULE)


ADMIN_ROLES: tuple[str, ...] = ("Tenant Administrator", "Security Administrator", "Agent Operator")
"""IAM system roles that administer the account, its identities or its agencies: `Tenant Administrator` (every
service but IAM), `Security Administrator` (IAM itself), `Agent Operator` (switch into agencies). No stack file may
grant them; the policy pack refuses them on any user group, agency or role assignment too."""
ADMIN_ROLE_RULE = "is an IAM administrator role (account, identity or agency administration): no stack file may grant it"


def check_not_admin_role(value: str) -> None:
    """A system role named in a stack file (an agency's `fullSetRoles`): never an administrator role, in any case."""
    if isinstance(value, str) and value.strip().lower() in {r.lower() for r in ADMIN_ROLES}:
        raise ValueError(ADMIN_ROLE_RULE)


def check_use_full_set(use_full_set: bool, roles: Sequence[str]) -> None:
    """The full set switched on: only with the names of the system policies to grant."""
    if use_full_set and not roles:
        raise ValueError(USE_FULL_SET_RULE)


def check_agency_functions(functions: Iterable[str]) -> None:
    """An agency with minimal authorization needs a selected function with agency actions (tables 10-14)."""
    if not catalogue.agency_actions(functions):
        raise ValueError("no selected function needs agency actions (tables 10-14 cover: "
                         f"{', '.join(catalogue.agency_function_keys())})")


PRIVATE_NETS = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
CIDR_RULE = "is not an IPv4 network in CIDR form with no host bits set (e.g. 192.168.0.0/16)"
VPC_CIDR_RULE = "VPC CIDR must lie in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 with a mask of /24 or shorter"
SUBNET_MASK_RULE = "subnet CIDR mask must be /28 or shorter"
VPC_ID_RE = r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
VPC_ID_RULE = "is not a Huawei Cloud VPC resource id (a UUID)"
EXISTING_NETWORK_RULE = "the existing VPC, subnet and security group ids go together: give all three"


NETWORK_NAME_RE = r"[A-Za-z0-9_.-]{1,64}"
NETWORK_NAME_RULE = "is not a VPC name (1-64 letters, digits, '-', '_' or '.')"


def check_network_name(value: str) -> None:
    """The VPC's name, which also prefixes its subnet and security group (VPC names: 1-64 characters)."""
    _match(value, NETWORK_NAME_RE, NETWORK_NAME_RULE)


def cidr(value: str) -> ipaddress.IPv4Network:
    """The IPv4 network `value` names, or ValueError."""
    try:
        return ipaddress.IPv4Network(value, strict=True)
    except (ValueError, TypeError):
        raise ValueError(CIDR_RULE) from None


def check_vpc_cidr(value: str) -> None:
    net = cidr(value)
    if not any(net.subnet_of(p) for p in PRIVATE_NETS) or net.prefixlen > 24:
        raise ValueError(VPC_CIDR_RULE)


def check_subnet_cidr(value: str) -> None:
    if cidr(value).prefixlen > 28:
        raise ValueError(SUBNET_MASK_RULE)


def check_subnet_in_vpc(subnet: str, vpc: str) -> None:
    """Both valid CIDRs (checked first by the caller)."""
    if not ipaddress.IPv4Network(subnet).subnet_of(ipaddress.IPv4Network(vpc)):
        raise ValueError(f"is not inside the VPC CIDR {vpc}")


def check_gateway(value: str, subnet: str) -> None:
    """The subnet's gateway: an IP address inside the (valid) subnet CIDR."""
    try:
        gateway = ipaddress.ip_address(value)
    except ValueError:
        raise ValueError("is not an IP address") from None
    if gateway not in ipaddress.IPv4Network(subnet):
        raise ValueError(f"is outside {subnet}")


def check_vpc_resource_id(value: str) -> None:
    _match(value, VPC_ID_RE, VPC_ID_RULE)


def check_existing_network(ids: Sequence[Optional[str]]) -> None:
    """Existing VPC, subnet and security group ids: all three or none."""
    if any(ids) and not all(ids):
        raise ValueError(EXISTING_NETWORK_RULE)
