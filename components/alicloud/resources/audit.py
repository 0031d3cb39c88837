"""Audited, HTTPS-only storage: the stack's access-log bucket, and the two guards every bucket gets.

- `LogBucket` (`pai:audit:LogBucket`): one private, encrypted, versioned, protected bucket per stack that receives
  every bucket's OSS access logs and expires them after `retention_days` (a lifecycle rule).
- `https_only(...)`: an `oss.BucketPolicy` denying every request not made over HTTPS
  (`Bool: {acs:SecureTransport: ["false"]}`, every principal, the bucket and its objects).
- `access_logging(...)`: an `oss.BucketLogging` sending one bucket's access logs to the log bucket, under the
  prefix `<bucket>/`.

OSS facts (Alibaba Cloud docs):
- The log target must be in the same region and belong to the same account as the source bucket
  (PutBucketLogging, https://www.alibabacloud.com/help/en/oss/developer-reference/putbucketlogging; error
  0032-00000010). No bucket ACL or bucket policy on the target is needed for delivery: the caller of
  PutBucketLogging needs oss:PutObject on a different target bucket (ossutil put-bucket-logging permissions).
- A bucket logging into itself logs its own log deliveries, a loop; OSS recommends a different target
  (https://www.alibabacloud.com/help/en/oss/user-guide/logging). So the log bucket's own access is not logged.
- Bucket policy: Version "1"; a statement has Effect, Action, Principal (required in a bucket policy; `["*"]` is
  everyone), Resource (`acs:oss:*:*:<bucket>` and `acs:oss:*:*:<bucket>/*`) and Condition
  (https://www.alibabacloud.com/help/en/oss/user-guide/authorization-syntax-and-elements). With Principal `*` and a
  Condition the statement applies to everyone, the bucket owner included
  (https://help.aliyun.com/en/oss/user-guide/bucket-policy/). The condition `Bool: {acs:SecureTransport: ["false"]}`
  is Alibaba's own HTTP-deny example (tutorial "Use a RAM policy to allow a user to access OSS resources only over
  HTTPS"), and Cloud Config's `oss-bucket-only-https-enabled` checks for such a deny.
- Drift: `oss.Bucket` has deprecated inline `policy` and `logging` fields; with `oss.BucketPolicy` and
  `oss.BucketLogging` managing them, the bucket ignores both (SDK oss/bucket_logging.py NOTE: otherwise the bucket
  "will keep disabling the logging configuration set by this resource on every apply").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_alicloud as alicloud

from .. import naming, rules

BUCKET_IGNORE_CHANGES = ["acl", "policy", "logging"]
"""Inline `oss.Bucket` fields managed by split-out resources (BucketAcl, BucketPolicy, BucketLogging)."""


def https_only_policy(bucket_name: str) -> str:
    """The bucket policy denying non-HTTPS requests to `bucket_name` and its objects, rendered canonically
    (compact, keys sorted, lists in a fixed order): the same bucket gives the same bytes, so a second preview shows
    no diff."""
    doc = {
        "Version": "1",
        "Statement": [{
            "Effect": "Deny",
            "Action": ["oss:*"],
            "Principal": ["*"],
            "Resource": [f"acs:oss:*:*:{bucket_name}", f"acs:oss:*:*:{bucket_name}/*"],
            "Condition": {"Bool": {"acs:SecureTransport": ["false"]}},
        }],
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def https_only(name: str, bucket: alicloud.oss.Bucket, bucket_name: str) -> alicloud.oss.BucketPolicy:
    """`<name>-https-only`: the HTTPS-only bucket policy, a child of the bucket (unprotected, like its ACL)."""
    return alicloud.oss.BucketPolicy(
        f"{name}-https-only", bucket=bucket.bucket, policy=https_only_policy(bucket_name),
        opts=pulumi.ResourceOptions(parent=bucket, protect=False),
    )


def access_logging(name: str, bucket: alicloud.oss.Bucket, bucket_name: str,
                   target_bucket: pulumi.Input[str]) -> alicloud.oss.BucketLogging:
    """`<name>-access-logging`: the bucket's access logs into `target_bucket`, under `<bucket>/`."""
    return alicloud.oss.BucketLogging(
        f"{name}-access-logging", bucket=bucket.bucket, target_bucket=target_bucket,
        target_prefix=naming.access_log_prefix(bucket_name),
        opts=pulumi.ResourceOptions(parent=bucket, protect=False),
    )


@dataclass(frozen=True)
class LogBucketArgs:
    name: str
    """Physical bucket name (globally unique); `naming.access_log_bucket_name`."""
    retention_days: int = rules.LOG_RETENTION_DEFAULT_DAYS
    """Days a log object is kept (`rules.check_log_retention_days`)."""
    encryption: rules.Encryption = "AES256"
    """Server-side encryption: AES256 (OSS-managed keys) or KMS."""
    kms_key_id: Optional[str] = None
    """KMS key id, with encryption KMS (default: the OSS-managed KMS key)."""
    protect: bool = True
    """Protect the bucket (and the audit trail) from deletion."""


class LogBucket(pulumi.ComponentResource):
    """The stack's access-log bucket: private, encrypted, versioned, HTTPS-only, protected, logs expiring."""

    bucket: alicloud.oss.Bucket

    def __init__(self, name: str, args: LogBucketArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        rules.check_log_retention_days(args.retention_days)
        rules.check_bucket("Standard", "LRS", args.encryption, args.kms_key_id)
        naming.check_bucket_name(args.name)
        super().__init__("pai:audit:LogBucket", name, None, opts)
        sse = {"sse_algorithm": args.encryption}
        if args.kms_key_id:
            sse["kms_master_key_id"] = args.kms_key_id
        self.bucket = alicloud.oss.Bucket(
            name,
            bucket=args.name,
            storage_class="Standard",
            redundancy_type="LRS",
            server_side_encryption_rule=sse,
            versioning={"status": "Enabled"},
            lifecycle_rules=[{
                "id": "expire-access-logs",
                "enabled": True,
                "prefix": "",
                "expirations": [{"days": args.retention_days}],
                "noncurrent_version_expirations": [{"days": rules.LOG_NONCURRENT_DAYS}],
            }],
            force_destroy=False,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, ignore_changes=BUCKET_IGNORE_CHANGES),
        )
        child = pulumi.ResourceOptions(parent=self.bucket, protect=False)
        alicloud.oss.BucketAcl(f"{name}-acl", bucket=self.bucket.bucket, acl="private", opts=child)
        alicloud.oss.BucketPublicAccessBlock(
            f"{name}-public-access-block", bucket=self.bucket.bucket, block_public_access=True, opts=child
        )
        https_only(name, self.bucket, args.name)
        # No BucketLogging here: a bucket logging into itself loops (OSS logging docs); its own access is not logged.
        self.register_outputs({"bucket": self.bucket.bucket})
