"""The provider type tokens this project reads, each taken from its SDK class or function, never written by hand.

Use `from offline import tokens as T` and `T.ALI_POLICY`, `T.HW_ROLE`, ...: each short name below names the SDK object
that carries the token; the token is read from it on first use (and cached). Code that reads plans of either cloud
asks the other way round, `T.name_of(token)` (or `Plan.of(name)`), which imports only the SDK of that token's
provider: a preview of an Alibaba Cloud stack never imports pulumi_huaweicloud (about 0.3 s) and vice versa.

Where the token is read from:
- pulumi-alicloud 4.0.0 and pulumi-random 4.x resources: the `@pulumi.type_token(...)` decorator's class attribute
  (`pulumi.type_token.get_type_token(cls)`, i.e. `cls.pulumi_type`).
- pulumi-huaweicloud 0.0.12 resources (no decorator yet): the one token constant their `_internal_init` passes to
  `super().__init__(...)`.
- data sources (invokes) of every SDK: the one token constant the function passes to `pulumi.runtime.invoke`.
`tests/test_tokens.py` registers every resource class under the offline runtime and checks the recorded type is this
table's token, and checks no other file in the project writes a token as a string literal.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any, Optional


def _load_core_tokens():
    """`components/core/tokens.py` of this checkout, loaded by path under a private name: the one reader of SDK
    tokens, shared with the components, without importing the `components` package, which `make preview BASE=`
    imports from the base ref's tree (where this module may not exist yet)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "components" / "core" / "tokens.py"
    spec = importlib.util.spec_from_file_location("_pai_offline_core_tokens", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


token_of = _load_core_tokens().token_of

# short name -> (module, attribute) of the SDK object carrying the token. No token literal here on purpose.
SOURCES: dict[str, tuple[str, str]] = {
    # --- Alibaba Cloud resources
    "ALI_VPC": ("pulumi_alicloud.vpc", "Network"),
    "ALI_VSWITCH": ("pulumi_alicloud.vpc", "Switch"),
    "ALI_SECURITY_GROUP": ("pulumi_alicloud.ecs", "SecurityGroup"),
    "ALI_SECURITY_GROUP_RULE": ("pulumi_alicloud.ecs", "SecurityGroupRule"),
    "ALI_BUCKET": ("pulumi_alicloud.oss", "Bucket"),
    "ALI_BUCKET_ACL": ("pulumi_alicloud.oss", "BucketAcl"),
    "ALI_BUCKET_PUBLIC_ACCESS_BLOCK": ("pulumi_alicloud.oss", "BucketPublicAccessBlock"),
    "ALI_BUCKET_SSE": ("pulumi_alicloud.oss", "BucketServerSideEncryption"),
    "ALI_BUCKET_POLICY": ("pulumi_alicloud.oss", "BucketPolicy"),
    "ALI_BUCKET_LOGGING": ("pulumi_alicloud.oss", "BucketLogging"),
    "ALI_NAS": ("pulumi_alicloud.nas", "FileSystem"),
    "ALI_NAS_ACCESS_GROUP": ("pulumi_alicloud.nas", "AccessGroup"),
    "ALI_NAS_ACCESS_RULE": ("pulumi_alicloud.nas", "AccessRule"),
    "ALI_MOUNT": ("pulumi_alicloud.nas", "MountTarget"),
    "ALI_USER": ("pulumi_alicloud.ram", "User"),
    "ALI_GROUP": ("pulumi_alicloud.ram", "Group"),
    "ALI_ROLE": ("pulumi_alicloud.ram", "Role"),
    "ALI_POLICY": ("pulumi_alicloud.ram", "Policy"),
    "ALI_USER_GROUP": ("pulumi_alicloud.ram", "UserGroupAttachment"),
    "ALI_GROUP_MEMBERSHIP": ("pulumi_alicloud.ram", "GroupMembership"),
    "ALI_GROUP_POLICY": ("pulumi_alicloud.ram", "GroupPolicyAttachment"),
    "ALI_USER_POLICY": ("pulumi_alicloud.ram", "UserPolicyAttachment"),
    "ALI_ROLE_POLICY": ("pulumi_alicloud.ram", "RolePolicyAttachment"),
    "ALI_LOGIN_PROFILE": ("pulumi_alicloud.ram", "LoginProfile"),
    "ALI_ACCESS_KEY": ("pulumi_alicloud.ram", "AccessKey"),
    "ALI_OIDC_PROVIDER": ("pulumi_alicloud.ims", "OidcProvider"),
    "ALI_WORKSPACE": ("pulumi_alicloud.pai", "WorkspaceWorkspace"),
    "ALI_MEMBER": ("pulumi_alicloud.pai", "WorkspaceMember"),
    "ALI_SERVICE_LINKED_ROLE": ("pulumi_alicloud.resourcemanager", "ServiceLinkedRole"),
    "ALI_PASSWORD_POLICY": ("pulumi_alicloud.ram", "PasswordPolicy"),
    "ALI_TRAIL": ("pulumi_alicloud.actiontrail", "Trail"),
    "ALI_FLOW_LOG": ("pulumi_alicloud.vpc", "FlowLog"),
    "ALI_RM_POLICY_ATTACHMENT": ("pulumi_alicloud.resourcemanager", "PolicyAttachment"),
    # --- Alibaba Cloud data sources
    "ALI_GET_ACCOUNT": ("pulumi_alicloud", "get_account"),
    "ALI_GET_USERS": ("pulumi_alicloud.ram", "get_users"),
    "ALI_GET_NETWORKS": ("pulumi_alicloud.vpc", "get_networks"),
    "ALI_GET_SWITCHES": ("pulumi_alicloud.vpc", "get_switches"),
    # --- random
    "RANDOM_PASSWORD": ("pulumi_random", "RandomPassword"),
    # --- Huawei Cloud resources
    "HW_USER": ("pulumi_huaweicloud.iam", "User"),
    "HW_GROUP": ("pulumi_huaweicloud.iam", "Group"),
    "HW_ROLE": ("pulumi_huaweicloud.iam", "Role"),
    "HW_ASSIGNMENT": ("pulumi_huaweicloud.iam", "RoleAssignment"),
    "HW_MEMBERSHIP": ("pulumi_huaweicloud.iam", "GroupMembership"),
    "HW_AGENCY": ("pulumi_huaweicloud.iam", "Agency"),
    "HW_BUCKET": ("pulumi_huaweicloud.obs", "Bucket"),
    "HW_TURBO": ("pulumi_huaweicloud.sfs", "Turbo"),
    "HW_VPC": ("pulumi_huaweicloud.vpc", "Vpc"),
    "HW_SUBNET": ("pulumi_huaweicloud.vpc", "Subnet"),
    "HW_SECGROUP": ("pulumi_huaweicloud.vpc", "Secgroup"),
    # --- Huawei Cloud data sources
    "HW_GET_ROLE": ("pulumi_huaweicloud.iam", "get_role"),
}

_cache: dict[str, str] = {}
_by_token: dict[str, str] = {}
_providers_loaded: set[str] = set()
_lock = threading.RLock()


def sdk_object(name: str) -> Any:
    """The SDK class or function that `name` reads its token from."""
    module, attribute = SOURCES[name]
    return getattr(importlib.import_module(module), attribute)


def __getattr__(name: str) -> str:
    if name not in SOURCES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name not in _cache:
        _cache[name] = token_of(sdk_object(name))
    return _cache[name]


def __dir__() -> list[str]:
    return sorted([*globals(), *SOURCES])


def name_of(token: str) -> Optional[str]:
    """The short name of a provider type token (resource or data source), None if the table does not list it.

    Resolves only the entries of that token's provider (`<provider>:...` comes from the package `pulumi_<provider>`),
    so component tokens (`pai:...`, `modelarts:...`) and other clouds import nothing."""
    provider = token.split(":", 1)[0]
    if provider not in _providers_loaded:  # the mock monitor calls this from several threads at once
        with _lock:
            if provider not in _providers_loaded:
                for name, (module, _attr) in SOURCES.items():
                    if module.split(".", 1)[0] == f"pulumi_{provider}":
                        _by_token[__getattr__(name)] = name
                _providers_loaded.add(provider)
    return _by_token.get(token)


def all_tokens() -> dict[str, str]:
    """Every short name with its token (imports every SDK used)."""
    return {name: __getattr__(name) for name in SOURCES}
