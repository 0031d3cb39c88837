"""Account-hygiene rules of the policy pack: what the README promises about logins, keys, NAS and buckets, checked.

- every console login requires MFA (`ram.LoginProfile.mfaBindRequired` true);
- at most one access key per RAM user in a stack (`ram.AccessKey` counted per `userName`);
- NAS file systems are encrypted (`nas.FileSystem.encryptType` 1, NAS-managed key, or 2, KMS; 0 or unset is none:
  SDK nas/file_system.py, ../shared/ALICLOUD-FACTS.md section 7.1);
- NAS mount targets use the workspace's own permission group, never `DEFAULT_VPC_GROUP_NAME` (the default group
  admits the whole VPC read/write with no_squash: ALICLOUD-FACTS section 7.2);
- OSS buckets are versioned (`oss.Bucket.versioning.status` Enabled, or an `oss.BucketVersioning` with status
  Enabled for the bucket).

Same conventions as `rules.py` (pure functions over plain data, unreadable values never judged). `rules.py` appends
`SPECS` to its `RULES` as `Rule(*spec)`; this module imports nothing from `rules.py` at import time (its helpers are
looked up when a check runs), so either module can be imported first.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from pulumi.type_token import get_type_token
from pulumi_alicloud import nas, oss, ram


def _token(cls: type) -> str:
    token = get_type_token(cls)
    if not token:  # a rule matching no type would pass everything: refuse to load instead
        raise ImportError(f"{cls.__module__}.{cls.__name__} carries no type token")
    return token


def _rules():
    """rules.py, imported when a check runs (it imports this module while it loads)."""
    try:
        from . import rules
    except ImportError:  # run as a folder by the Pulumi CLI (see policies.py)
        import rules  # type: ignore[no-redef]
    return rules


def is_unreadable(value: Any) -> bool:
    return _rules().is_unreadable(value)


def _present(value: Any) -> bool:
    return value is not None and value != ""


RAM_LOGIN_PROFILE: str = _token(ram.LoginProfile)
RAM_ACCESS_KEY: str = _token(ram.AccessKey)
NAS_FILE_SYSTEM: str = _token(nas.FileSystem)
NAS_MOUNT_TARGET: str = _token(nas.MountTarget)
OSS_BUCKET: str = _token(oss.Bucket)
OSS_BUCKET_VERSIONING: str = _token(oss.BucketVersioning)

DEFAULT_NAS_GROUP = "DEFAULT_VPC_GROUP_NAME"
NAS_ENCRYPTED = frozenset({1, 2})
"""encryptType values that encrypt: 1 NAS-managed key, 2 customer KMS key (SDK nas/file_system.py)."""
MAX_ACCESS_KEYS_PER_USER = 1


def check_login_mfa(type_: str, inputs: Mapping[str, Any], secret_paths=(), config=None) -> list[str]:
    """Every console login profile requires an MFA device."""
    if type_ != RAM_LOGIN_PROFILE:
        return []
    flag = inputs.get("mfaBindRequired")
    if flag is True or is_unreadable(flag):
        return []
    return [f"login profile of user {inputs.get('userName', '?')!s}: mfaBindRequired is {flag!r}; console logins "
            f"must require MFA (mfa_bind_required=True)"]


def check_one_access_key_per_user(resources: Sequence[Mapping[str, Any]], config=None) -> list[tuple[str, str]]:
    """At most one access key per RAM user in the stack (a second key is a rotation left half done)."""
    by_user: dict[str, list[Mapping[str, Any]]] = {}
    for r in resources:
        if r.get("type") != RAM_ACCESS_KEY:
            continue
        user = (r.get("inputs") or {}).get("userName")
        if not _present(user) or is_unreadable(user):
            continue
        by_user.setdefault(str(user), []).append(r)
    out = []
    for user, keys in sorted(by_user.items()):
        if len(keys) > MAX_ACCESS_KEYS_PER_USER:
            for extra in keys[MAX_ACCESS_KEYS_PER_USER:]:
                out.append((extra.get("urn", ""), f"user {user} has {len(keys)} access keys in this stack; at most "
                                                  f"{MAX_ACCESS_KEYS_PER_USER} active key per user"))
    return out


def check_nas_encrypted(type_: str, inputs: Mapping[str, Any], secret_paths=(), config=None) -> list[str]:
    """NAS file systems are encrypted at rest."""
    if type_ != NAS_FILE_SYSTEM:
        return []
    value = inputs.get("encryptType")
    if is_unreadable(value):
        return []
    try:
        encrypted = value is not None and int(value) in NAS_ENCRYPTED
    except (TypeError, ValueError):
        encrypted = False
    if encrypted:
        return []
    return [f"NAS file system {inputs.get('description', '?')!s}: encryptType is {value!r}; set 1 (NAS-managed key) "
            f"or 2 (KMS key, extreme NAS)"]


def check_nas_own_access_group(type_: str, inputs: Mapping[str, Any], secret_paths=(), config=None) -> list[str]:
    """NAS mount targets name a permission group of their own, not the account's default VPC group."""
    if type_ != NAS_MOUNT_TARGET:
        return []
    group = inputs.get("accessGroupName")
    if is_unreadable(group):
        return []
    if not _present(group) or str(group).strip() == DEFAULT_NAS_GROUP:
        return [f"NAS mount target of file system {inputs.get('fileSystemId', '?')!s}: accessGroupName is "
                f"{group!r}; use the workspace's own nas.AccessGroup ({DEFAULT_NAS_GROUP} admits the whole VPC "
                f"read/write)"]
    return []


def _versioning_enabled(value: Any) -> bool:
    if isinstance(value, list):  # a max-1 block may arrive as a one-element list
        value = value[0] if value else None
    if not isinstance(value, Mapping):
        return False
    status = value.get("status")
    return status == "Enabled" or is_unreadable(status)


def check_bucket_versioned(resources: Sequence[Mapping[str, Any]], config=None) -> list[tuple[str, str]]:
    """Every OSS bucket is versioned: inline `versioning.status` Enabled, or an oss.BucketVersioning Enabled."""

    def versioning_problem(inputs: Mapping[str, Any], bucket: Any) -> Optional[str]:
        status = inputs.get("status")
        if status == "Enabled" or is_unreadable(status):
            return None
        return f"BucketVersioning for bucket {bucket!s}: status is {status!r}, must be 'Enabled'"

    return _rules().check_bucket_setting(
        resources, OSS_BUCKET_VERSIONING, versioning_problem, lambda inputs: _versioning_enabled(inputs.get("versioning")),
        lambda name: f"bucket {name} is not versioned: set versioning status 'Enabled' (or add an oss.BucketVersioning)")


SPECS: tuple[tuple, ...] = (
    ("ram-login-mfa-required",
         "Every RAM console login profile requires MFA (mfaBindRequired true).",
         "resource", check_login_mfa, (RAM_LOGIN_PROFILE,)),
    ("ram-one-access-key-per-user",
         f"At most {MAX_ACCESS_KEYS_PER_USER} access key per RAM user in a stack.",
         "stack", check_one_access_key_per_user, (RAM_ACCESS_KEY,)),
    ("nas-encrypted",
         "NAS file systems are encrypted (encryptType 1 or 2).",
         "resource", check_nas_encrypted, (NAS_FILE_SYSTEM,)),
    ("nas-own-access-group",
         f"NAS mount targets use their own permission group, never {DEFAULT_NAS_GROUP}.",
         "resource", check_nas_own_access_group, (NAS_MOUNT_TARGET,)),
    ("oss-bucket-versioned",
         "Every OSS bucket is versioned (versioning status Enabled, inline or via oss.BucketVersioning).",
         "stack", check_bucket_versioned, (OSS_BUCKET, OSS_BUCKET_VERSIONING)),
)
