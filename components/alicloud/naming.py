"""Name rules of the cloud, and how this project derives physical names from stable config keys. Pure Python.

Sources (see also ../shared/ALICLOUD-FACTS.md §2, §5, §6):
- PAI workspace: 3-23 letters, digits, '_', starting with a letter (ROS ALIYUN::PAI::Workspace AllowedPattern
  `^[a-zA-Z][_a-zA-Z0-9]{2,22}$`; CreateWorkspace API).
- RAM user: 1-64 letters, digits, '.', '-', '_', not starting with '-' (CreateUser; SDK ram/user.py).
- RAM group: 1-64 letters, digits, '.', '_', '-' (SDK ram/group.py).
- RAM policy: 1-128 letters, digits, '-' (SDK ram/policy.py; CreatePolicy InvalidParameter.PolicyName.InvalidChars).
- OSS bucket: 3-63 lowercase letters, digits, '-', starting and ending with a letter or digit
  (https://www.alibabacloud.com/help/en/oss/user-guide/bucket-naming-conventions).
- Tags: at most 10 on an OSS bucket (SDK oss/bucket.py "no more than 10 for a bucket"). Stack tags go on every
  taggable resource, so they obey the strictest rule of those resources, OSS bucket tags': keys 1-64 bytes, not
  starting with 'http://', 'https://' or 'Aliyun' in any case (OSS errors 0010-00000207, 0010-00000211,
  https://help.aliyun.com/en/oss/user-guide/0010-00000211) nor 'acs:' (0010-00000002); keys and values of letters,
  digits, spaces and + - = . _ : / only (0010-00000213, https://help.aliyun.com/en/oss/user-guide/0010-00000213);
  values up to 128 bytes, neither starting with 'aliyun' or 'acs:' nor containing 'http://' or 'https://'
  (https://www.alibabacloud.com/help/en/resource-management/tag/user-guide/limits).
- RAM limits: 10 groups per user; 10 custom and 20 system policies per group, and per user
  (https://www.alibabacloud.com/help/en/ram/product-overview/limits).
"""

from __future__ import annotations

import re


WORKSPACE_RE = r"[A-Za-z][_A-Za-z0-9]{2,22}"
WORKSPACE_RULE = "is not a PAI workspace name (3-23 letters, digits or '_', starting with a letter)"
RAM_USER_RE = r"[A-Za-z0-9._][A-Za-z0-9._-]{0,63}"
RAM_USER_RULE = "is not a RAM user name (1-64 letters, digits, '.', '-' or '_', not starting with '-')"
RAM_GROUP_RE = r"[A-Za-z0-9._-]{1,64}"
BUCKET_RE = r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]"

OSS_MAX_TAGS = 10
AUTO_TAG_KEYS = ("managed-by", "pai-workspace")
MAX_USER_TAGS = OSS_MAX_TAGS - len(AUTO_TAG_KEYS)
MAX_GROUPS_PER_USER = 10
MAX_CUSTOM_POLICIES_PER_GROUP = 10
MAX_SYSTEM_POLICIES_PER_GROUP = 20
MAX_SYSTEM_POLICIES_PER_USER = 20


def slug(workspace_name: str) -> str:
    """A workspace name as it appears in other names: lowercase, '_' turned into '-' (OSS and RAM policy names
    allow no underscores). Workspace names are compared case-insensitively, so slugs do not collide."""
    return workspace_name.lower().replace("_", "-")


def check_bucket_name(name: str) -> None:
    if not re.fullmatch(BUCKET_RE, name):
        raise ValueError(
            "is not an OSS bucket name (3-63 lowercase letters, digits or '-', starting and ending with a letter or digit)"
        )


def bucket_name(prefix: str, workspace_name: str, bucket) -> str:
    """The physical bucket name: explicit, or `<prefix>-<workspace>-<key>`."""
    return bucket.name or f"{prefix}-{slug(workspace_name)}-{bucket.key}"


def access_log_bucket_name(prefix: str, name=None) -> str:
    """The stack's access-log bucket: explicit, or `<prefix>-access-logs` (at most 16 + 12 = 28 characters)."""
    return name or f"{prefix}-access-logs"


def access_log_prefix(bucket_name: str) -> str:
    """Where a bucket's access logs go in the log bucket: `<bucket>/` (OSS TargetPrefix: at most 256 characters,
    error 0032-00000006; a bucket name has at most 63)."""
    return f"{bucket_name}/"


def group_name(prefix: str, workspace_name: str, suffix: str) -> str:
    return f"{prefix}-{slug(workspace_name)}-{suffix}"


def resource_admin_group(prefix: str) -> str:
    """The one group allowed to hold AliyunPAIFullAccess (the policy pack checks the `resource-admins` suffix)."""
    return f"{prefix}-pai-resource-admins"


def ws_policy_name(prefix: str, workspace_name: str, name: str) -> str:
    return f"{prefix}-{slug(workspace_name)}-{name}"


def nas_group_name(prefix: str, workspace_name: str, file_system_type: str) -> str:
    """The workspace's NAS permission group for one file-system type: 3-64 letters, digits, '_' and '-', starting
    with a letter (CreateAccessGroup); never the default group (DEFAULT_VPC_GROUP_NAME), which admits the whole
    VPC. At most 16 + 1 + 23 + 8 = 48 characters."""
    stem = f"{prefix}-{slug(workspace_name)}"
    return stem if file_system_type == "standard" else f"{stem}-{file_system_type}"


NAS_DESCRIPTION_RE = r"[A-Za-z\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff:_-]{1,127}"
NAS_DESCRIPTION_RULE = (
    "is not a NAS description (2-128 letters, digits, ':', '_' or '-', starting with a letter; no spaces)"
)
MAX_NAS_ACCESS_GROUPS = 20
"""Permission groups per account and region (CreateAccessGroup: "最多可以创建 20 个权限组")."""


TAG_KEY_MAX_BYTES = 64
TAG_VALUE_MAX_BYTES = 128
TAG_CHARS_RE = r"[A-Za-z0-9 +=._:/-]*"
TAG_RULE_CHARS = "letters, digits, spaces and + - = . _ : / only"


def check_tag(key: str, value: str) -> None:
    """Raise ValueError naming the first tag rule `key: value` breaks (see the module docstring for sources)."""
    for what, text, limit in (("tag key", key, TAG_KEY_MAX_BYTES), ("tag value", value, TAG_VALUE_MAX_BYTES)):
        size = len(text.encode("utf-8"))
        if size > limit or (what == "tag key" and not text):
            raise ValueError(f"{what} {text!r} is {size} bytes; allowed {'1' if what == 'tag key' else '0'}-{limit}")
        if not re.fullmatch(TAG_CHARS_RE, text):
            raise ValueError(f"{what} {text!r} may hold {TAG_RULE_CHARS}")
        if text.lower().startswith(("aliyun", "acs:")) or "http://" in text or "https://" in text:
            raise ValueError(f"{what} {text!r} must not start with 'aliyun' (any case) or 'acs:' nor contain http(s)://")
    if key in AUTO_TAG_KEYS:
        raise ValueError(f"tag key {key!r} is set by the project")


def workspace_tags(workspace_name: str) -> dict[str, str]:
    """The tag that says which workspace a resource belongs to (the stack's own tags come from the transform in
    `resources/tagging.py`)."""
    return {"pai-workspace": workspace_name}
