"""Pure rendering of the bootstrap's RAM documents: trust policies and state-bucket access.

Documents are rendered canonically (sorted keys, sorted action and value lists, compact separators) so RAM's
reformatted copy never shows as a diff (pulumi/pulumi-alicloud#1176). Grammar: `{"Version": "1", "Statement": [...]}`,
https://www.alibabacloud.com/help/en/ram/policy-structure-and-syntax
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

def render(document: Mapping[str, Any]) -> str:
    """Canonical JSON of a policy document."""
    return json.dumps(_canonical(document), sort_keys=True, separators=(",", ":"))


def _canonical(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        items = [_canonical(item) for item in value]
        # Lists of strings (actions, resources, condition values) are sets to RAM: sort them. Statement lists
        # keep the order the renderer chose, which is itself fixed.
        if all(isinstance(item, str) for item in items):
            return sorted(set(items))
        return items
    return value


def oidc_trust_policy(provider_arn: str, issuer_url: str, audience: str, subjects: Iterable[str]) -> dict[str, Any]:
    """Trust policy letting tokens from one OIDC provider assume a role, for the given exact subjects only.

    Condition keys oidc:iss, oidc:aud and oidc:sub with StringEquals; the principal is `Federated` with the
    provider's ARN. Sources: https://www.alibabacloud.com/help/en/ram/user-guide/create-a-ram-role-for-a-trusted-idp
    (oidc:iss must be the IdP's issuer URL, with StringEquals) and GitHub's "Configuring OpenID Connect in
    Alibaba Cloud" (github/docs, `oidc:aud` = sts.aliyuncs.com, `oidc:sub` = repo:ORG/REPO:...). Note: GitHub's
    page writes oidc:iss without the https:// scheme; RAM's own page says the issuer URL, which we follow.
    """
    subjects = list(subjects)
    if not subjects:
        raise ValueError("a trust policy needs at least one subject")
    return {
        "Statement": [
            {
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {
                        "oidc:aud": [audience],
                        "oidc:iss": [issuer_url],
                        "oidc:sub": subjects,
                    }
                },
                "Effect": "Allow",
                "Principal": {"Federated": [provider_arn]},
            }
        ],
        "Version": "1",
    }


def bucket_arn(bucket: str) -> str:
    """ARN of a bucket: acs:oss:*:*:<bucket> (https://www.alibabacloud.com/help/doc-detail/93738.htm)."""
    return f"acs:oss:*:*:{bucket}"


def state_access_policy(bucket: str, *, read_write: bool) -> dict[str, Any]:
    """Access to the Pulumi state bucket, scoped to that bucket by ARN.

    Read-write: list the bucket; get, put and delete any object in it (Pulumi's DIY backend reads, writes,
    copies and deletes checkpoint, history and lock objects). Read-only: list and get only; a DIY-backend
    preview takes no lock (pulumi/pulumi#8642, #13948), so it writes nothing. Action names follow alibabacloud-automation/terraform-alicloud-ram-policy
    (`oss:ListObjects` on the bucket ARN, `oss:GetObject` on `<bucket>/*`).
    """
    objects = f"{bucket_arn(bucket)}/*"
    statements: list[dict[str, Any]] = [
        {"Action": ["oss:ListObjects"], "Effect": "Allow", "Resource": [bucket_arn(bucket)]},
    ]
    if read_write:
        statements.append(
            {
                "Action": ["oss:DeleteObject", "oss:GetObject", "oss:PutObject"],
                "Effect": "Allow",
                "Resource": [objects],
            }
        )
    else:
        statements.append({"Action": ["oss:GetObject"], "Effect": "Allow", "Resource": [objects]})
    return {"Statement": statements, "Version": "1"}


def deploy_policy() -> dict[str, Any]:
    """What the deployer needs beyond system policies to apply the project's stacks, without AliyunPAIFullAccess
    (the project's guardrail keeps that for the resource-administrator group; it can also buy and delete every
    PAI resource, seed 002):
    - the PAI workspace API (workspaces and members): `PaiWorkspace:*` (RAM code of the AIWorkSpace API, as PAI's
      "Appendix: roles and permissions" lists `PaiWorkspace:CreateWorkspace`, `PaiWorkspace:DeleteWorkspace`, ...);
    - security groups of the workspaces' VPCs (create, describe, modify, delete, tag), not the rest of ECS.
    """
    return {
        "Statement": [
            {"Action": ["paiworkspace:*"], "Effect": "Allow", "Resource": ["*"]},
            {
                "Action": ["ecs:*SecurityGroup*", "ecs:ListTagResources", "ecs:TagResources", "ecs:UntagResources"],
                "Effect": "Allow",
                "Resource": ["*"],
            },
        ],
        "Version": "1",
    }


def deploy_policy_name(role_name: str) -> str:
    """Custom policy name for the deployer's extra rights (letters, digits and '-' only)."""
    return f"{role_name.replace('.', '-')}-deploy"


def state_policy_name(role_name: str) -> str:
    """Custom policy name for a role's state access: policy names allow letters, digits and '-' only."""
    return f"{role_name.replace('.', '-')}-state"


def https_only_policy(bucket: str) -> dict[str, Any]:
    """The state bucket's bucket policy: deny every request not made over HTTPS, to everyone (the owner included:
    a `*` principal with a condition applies to all, https://help.aliyun.com/en/oss/user-guide/bucket-policy/).
    The backend's endpoint is https (`login_url`), so state access is unaffected."""
    return {"Version": "1", "Statement": [{
        "Effect": "Deny", "Action": ["oss:*"], "Principal": ["*"],
        "Resource": [f"acs:oss:*:*:{bucket}", f"acs:oss:*:*:{bucket}/*"],
        "Condition": {"Bool": {"acs:SecureTransport": ["false"]}},
    }]}


def login_url(bucket: str, region: str) -> str:
    """Backend URL for `pulumi login`: OSS through Pulumi's S3-compatible (DIY) backend.

    - OSS answers S3 calls on https://s3.oss-<region>.aliyuncs.com and only in virtual-hosted style
      (https://help.aliyun.com/en/oss/developer-reference/use-aws-sdks-to-access-oss; path style fails with
      SecondLevelDomainForbidden, Altinity/clickhouse-backup#877), so no `s3ForcePathStyle`.
    - Current Pulumi CLIs open s3:// URLs with AWS SDK v2, which rejects `s3ForcePathStyle` anyway
      (pulumi/pulumi#18645) and wants a full endpoint URL.
    """
    return f"s3://{bucket}?endpoint=https://s3.oss-{region}.aliyuncs.com&region={region}"


def login_command(bucket: str, region: str) -> str:
    """The shell line a person or pipeline runs to use the state bucket."""
    return f"pulumi login '{login_url(bucket, region)}'"
