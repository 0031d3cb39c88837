"""Storage rules of the policy pack: every OSS bucket is audited (access logging) and reachable over HTTPS only.

Stack rules, pure functions over the resource dicts `rules.py` describes; `rules.py` imports this module last and
registers its `RULES`.

- `oss-bucket-access-logging`: every `oss.Bucket` has an `oss.BucketLogging` whose `bucket` is it, matched by the
  engine's property dependency on the bucket or by the bucket's name. A bucket that receives another bucket's logs
  is a log bucket and is exempt: logging it into itself would log its own log deliveries in a loop, and OSS
  recommends a different target (https://www.alibabacloud.com/help/en/oss/user-guide/logging). A BucketLogging
  whose target is its own bucket is that loop, and is refused. The bucket of the project's own `pai:audit:LogBucket`
  component is a log bucket by construction, and exempt too: in an estate (README, "Estates") the identity stack's
  log bucket receives the team stacks' logs, none of its own stack's. checkov CKV_ALI_12 and Cloud Config
  `oss-bucket-logging-enabled` check the same.
- `oss-bucket-https-only`: every `oss.Bucket` has an `oss.BucketPolicy` (or the deprecated inline `policy`) with a
  statement that denies every action (`oss:*`) to every principal (`*`) on the bucket and its objects when
  `acs:SecureTransport` is false (Cloud Config `oss-bucket-only-https-enabled`; policy elements:
  https://www.alibabacloud.com/help/en/oss/user-guide/authorization-syntax-and-elements).

Values unknown during a preview are not judged (the engine checks again with resolved inputs).
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any, Mapping, Optional, Sequence

from pulumi_alicloud import oss

try:
    from . import rules
except ImportError:  # run by the Pulumi CLI as a folder: sibling modules are top-level modules
    import rules  # type: ignore[no-redef]

OSS_BUCKET_LOGGING: str = rules._token(oss.BucketLogging)
OSS_BUCKET_POLICY: str = rules._token(oss.BucketPolicy)

LOG_BUCKET_COMPONENT = "pai:audit:LogBucket"
"""The project's log-bucket component (components/alicloud/resources/audit.py): its bucket is a log bucket."""
ACCESS_LOGGING = "oss-bucket-access-logging"
HTTPS_ONLY = "oss-bucket-https-only"


def _label(bucket: Mapping[str, Any]) -> str:
    return str((bucket.get("inputs") or {}).get("bucket") or bucket.get("name"))


def _targets(sub: Mapping[str, Any], bucket: Mapping[str, Any], key: str) -> Optional[bool]:
    """Does `sub`'s input `key` name `bucket`? True/False, or None when it cannot be told yet (unknown, no deps)."""
    target = (sub.get("inputs") or {}).get(key)
    deps = (sub.get("propertyDependencies") or {}).get(key) or []
    if bucket.get("urn") in deps:
        return True
    name = (bucket.get("inputs") or {}).get("bucket")
    if rules._present(name) and not rules.is_unreadable(name) and target == name:
        return True
    if deps:
        return False
    return None if rules.is_unreadable(target) else False


def check_oss_bucket_access_logging(resources: Sequence[Mapping[str, Any]],
                                    config: Optional[Mapping[str, Any]] = None) -> list[tuple[str, str]]:
    """Every bucket's access logs go to another bucket of the stack; the buckets that receive them are exempt."""
    buckets = [r for r in resources if r.get("type") == rules.OSS_BUCKET]
    loggings = [r for r in resources if r.get("type") == OSS_BUCKET_LOGGING]
    out: list[tuple[str, str]] = []
    for log in loggings:
        for bucket in buckets:
            if _targets(log, bucket, "bucket") and _targets(log, bucket, "targetBucket"):
                out.append((log.get("urn", ""), f"BucketLogging for bucket {_label(bucket)}: targetBucket is the "
                                                f"bucket itself, which logs its own log deliveries in a loop; send "
                                                f"the logs to the stack's log bucket"))
    for bucket in buckets:
        if _created_by_log_bucket_component(bucket):
            continue  # a log bucket, whichever stack's buckets log to it
        if any(_targets(log, bucket, "targetBucket") and not _targets(log, bucket, "bucket") for log in loggings):
            continue  # a log bucket
        if any(_targets(log, bucket, "bucket") is not False for log in loggings):
            continue  # logged (or perhaps, while a target is unknown)
        out.append((bucket.get("urn", ""), f"bucket {_label(bucket)} has no oss.BucketLogging sending its access "
                                           f"logs to a log bucket in this stack (CKV_ALI_12, Cloud Config "
                                           f"oss-bucket-logging-enabled)"))
    return out


def _created_by_log_bucket_component(bucket: Mapping[str, Any]) -> bool:
    """Is `bucket` the direct child of a `pai:audit:LogBucket` component (its URN's parent type chain says so)?"""
    parts = str(bucket.get("urn", "")).split("::")
    chain = parts[2].split("$") if len(parts) >= 4 else []
    return len(chain) >= 2 and chain[-2] == LOG_BUCKET_COMPONENT


# --- HTTPS only ----------------------------------------------------------------------------------------------

def _resource_covers(pattern: Any, arn: str) -> bool:
    """An OSS resource pattern (`acs:oss:<region>:<account>:<path>`, `*` wildcards) covers `arn` whatever the
    region and account."""
    if not isinstance(pattern, str):
        return False
    parts, want = pattern.strip().split(":", 4), arn.split(":", 4)
    if pattern.strip() == "*":
        return True
    if len(parts) != 5 or parts[0] != "acs" or parts[1] not in ("oss", "*"):
        return False
    return fnmatchcase(want[4], parts[4])


def _is_false(value: Any) -> bool:
    values = rules._as_list(value)
    return bool(values) and all(v is False or (isinstance(v, str) and v.strip().lower() == "false") for v in values)


def _denies_http(statement: Any, bucket_name: Optional[str]) -> bool:
    if not isinstance(statement, Mapping) or str(statement.get("Effect", "")).lower() != "deny":
        return False
    principals = rules._as_list(statement.get("Principal"))
    if principals and "*" not in principals:  # an empty Principal is everyone in a bucket policy
        return False
    if not any(isinstance(a, str) and a.strip() in ("*", "oss:*") for a in rules._as_list(statement.get("Action"))):
        return False
    condition = statement.get("Condition")
    bools = condition.get("Bool") if isinstance(condition, Mapping) else None
    if not isinstance(bools, Mapping) or not _is_false(bools.get("acs:SecureTransport")):
        return False
    if bucket_name is None:  # the name is not known yet: the shape is what can be judged
        return True
    resources = rules._as_list(statement.get("Resource"))
    return all(any(_resource_covers(p, arn) for p in resources)
               for arn in (f"acs:oss:*:*:{bucket_name}", f"acs:oss:*:*:{bucket_name}/x"))


def _policy_denies_http(text: Any, bucket_name: Optional[str]) -> Optional[bool]:
    """True/False, or None when the document cannot be read yet."""
    if text is None or rules.is_unreadable(text):
        return None
    try:
        doc = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return False
    stmts = rules._statements_of(doc)
    return bool(stmts) and any(_denies_http(s, bucket_name) for s in stmts)


def check_oss_bucket_https_only(resources: Sequence[Mapping[str, Any]],
                                config: Optional[Mapping[str, Any]] = None) -> list[tuple[str, str]]:
    """Every bucket has a bucket policy denying requests not made over HTTPS."""
    policies = [r for r in resources if r.get("type") == OSS_BUCKET_POLICY]
    out: list[tuple[str, str]] = []
    for bucket in (r for r in resources if r.get("type") == rules.OSS_BUCKET):
        inputs = bucket.get("inputs") or {}
        name = inputs.get("bucket")
        name = name if isinstance(name, str) and name and not rules.is_unreadable(name) else None
        verdicts = [_policy_denies_http(inputs.get("policy"), name)] if rules._present(inputs.get("policy")) else []
        for policy in policies:
            match = _targets(policy, bucket, "bucket")
            if match is None:
                verdicts.append(None)
            elif match:
                verdicts.append(_policy_denies_http((policy.get("inputs") or {}).get("policy"), name))
        if any(v is not False for v in verdicts):
            continue
        out.append((bucket.get("urn", ""), f"bucket {_label(bucket)} has no oss.BucketPolicy denying non-HTTPS "
                                           f"requests (Effect Deny, Principal *, Action oss:*, Resource the bucket "
                                           f"and its objects, Condition Bool acs:SecureTransport false)"))
    return out


RULES = (
    rules.Rule(ACCESS_LOGGING,
               "Every OSS bucket sends its access logs to a log bucket of the stack (oss.BucketLogging); log "
               "buckets themselves are exempt.",
               "stack", check_oss_bucket_access_logging, (rules.OSS_BUCKET, OSS_BUCKET_LOGGING)),
    rules.Rule(HTTPS_ONLY,
               "Every OSS bucket has a bucket policy denying all requests not made over HTTPS "
               "(acs:SecureTransport false).",
               "stack", check_oss_bucket_https_only, (rules.OSS_BUCKET, OSS_BUCKET_POLICY)),
)

