"""The baseline: the same number of resources of the same types, registered flat with plain `pulumi_alicloud` calls.

No components, no config, no validation: what a hand-written program creating the same estate would at least cost
under the same mocks. Resources are wired the way any real program wires them (an attachment takes its group's
name output, a member its workspace's and user's ids, a mount target its file system, access group and vSwitch),
round-robin over the resources they hang off, so the baseline pays for outputs and dependencies like the project.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Mapping

import pulumi
import pulumi_alicloud as alicloud
import pulumi_random as random

from offline import tokens as T

TAGS = {"env": "bench", "managed-by": "pai-platform", "pai-workspace": "team_000"}
DOCUMENT = json.dumps(
    {
        "Version": "1",
        "Statement": [
            {"Effect": "Allow", "Action": ["oss:GetBucketInfo", "oss:GetObject", "oss:ListObjects", "oss:PutObject"],
             "Resource": ["acs:oss:*:*:bench-team-000-data", "acs:oss:*:*:bench-team-000-data/*"]},
            {"Effect": "Allow", "Action": ["oss:ListBuckets"], "Resource": "acs:oss:*:*:*"},
        ],
    },
    separators=(",", ":"),
)
HTTPS_ONLY = json.dumps(
    {"Version": "1", "Statement": [{"Effect": "Deny", "Action": ["oss:*"], "Principal": ["*"],
                                    "Resource": ["acs:oss:*:*:bench-flat-0", "acs:oss:*:*:bench-flat-0/*"],
                                    "Condition": {"Bool": {"acs:SecureTransport": ["false"]}}}]},
    sort_keys=True, separators=(",", ":"),
)


def _register(counts: Mapping[str, int]) -> None:
    made: dict[str, list] = {}

    def many(token: str, make: Callable[[int], Any]) -> list:
        made[token] = [make(i) for i in range(counts.get(token, 0))]
        return made[token]

    vpcs = many(T.ALI_VPC, lambda i: alicloud.vpc.Network(
        f"vpc-{i}", vpc_name=f"bench-{i}", cidr_block=f"10.{i % 250}.0.0/16", description="flat", tags=TAGS))
    switches = many(T.ALI_VSWITCH, lambda i: alicloud.vpc.Switch(
        f"vsw-{i}", vswitch_name=f"bench-{i}", vpc_id=vpcs[i % len(vpcs)].id if vpcs else "vpc-x", cidr_block=f"10.{i % 250}.{i % 3 + 1}.0/24", zone_id="cn-hangzhou-h",
        description="flat", tags=TAGS))
    many(T.ALI_SECURITY_GROUP, lambda i: alicloud.ecs.SecurityGroup(
        f"sg-{i}", security_group_name=f"bench-{i}-sg", vpc_id=vpcs[i % len(vpcs)].id if vpcs else "vpc-x",
        description="flat", inner_access_policy="Accept", tags=TAGS))
    buckets = many(T.ALI_BUCKET, lambda i: alicloud.oss.Bucket(
        f"bucket-{i}", bucket=f"bench-flat-{i}", storage_class="Standard", redundancy_type="LRS",
        server_side_encryption_rule={"sse_algorithm": "AES256"}, versioning={"status": "Enabled"},
        force_destroy=False, tags=TAGS))
    bucket_name = lambda i: buckets[i % len(buckets)].bucket if buckets else f"bench-flat-{i}"  # noqa: E731
    many(T.ALI_BUCKET_ACL, lambda i: alicloud.oss.BucketAcl(
        f"bucket-acl-{i}", bucket=bucket_name(i), acl="private"))
    many(T.ALI_BUCKET_PUBLIC_ACCESS_BLOCK, lambda i: alicloud.oss.BucketPublicAccessBlock(
        f"bucket-pab-{i}", bucket=bucket_name(i), block_public_access=True))
    many(T.ALI_BUCKET_POLICY, lambda i: alicloud.oss.BucketPolicy(
        f"bucket-policy-{i}", bucket=bucket_name(i), policy=HTTPS_ONLY))
    many(T.ALI_BUCKET_LOGGING, lambda i: alicloud.oss.BucketLogging(
        f"bucket-logging-{i}", bucket=bucket_name(i), target_bucket=bucket_name(i + 1), target_prefix=f"bench-flat-{i}/"))
    filesystems = many(T.ALI_NAS, lambda i: alicloud.nas.FileSystem(
        f"fs-{i}", file_system_type="standard", protocol_type="NFS", storage_type="Capacity", encrypt_type=1,
        description="flat", tags=TAGS))
    groups_nas = many(T.ALI_NAS_ACCESS_GROUP, lambda i: alicloud.nas.AccessGroup(
        f"nas-group-{i}", access_group_name=f"bench-{i}", access_group_type="Vpc", file_system_type="standard",
        description="flat"))
    nas_group = lambda i: groups_nas[i % len(groups_nas)].access_group_name if groups_nas else f"bench-{i}"  # noqa: E731
    many(T.ALI_NAS_ACCESS_RULE, lambda i: alicloud.nas.AccessRule(
        f"nas-rule-{i}", access_group_name=nas_group(i), file_system_type="standard",
        source_cidr_ip=f"10.{i % 250}.1.0/24", rw_access_type="RDWR", user_access_type="no_squash", priority=1))
    many(T.ALI_MOUNT, lambda i: alicloud.nas.MountTarget(
        f"mount-{i}", file_system_id=filesystems[i % len(filesystems)].id if filesystems else "fs-x",
        access_group_name=nas_group(i), network_type="Vpc", vpc_id=vpcs[i % len(vpcs)].id if vpcs else "vpc-x",
        vswitch_id=switches[i % len(switches)].id if switches else "vsw-x"))

    users = many(T.ALI_USER, lambda i: alicloud.ram.User(
        f"user-{i}", name=f"flat-user-{i}", display_name=f"flat-user-{i}", comments="flat", force=True, tags=TAGS))
    user_name = lambda i: users[i % len(users)].name if users else f"flat-user-{i}"  # noqa: E731
    passwords = many(T.RANDOM_PASSWORD, lambda i: random.RandomPassword(
        f"password-{i}", length=24, special=True, override_special="!#%*-_=+", min_lower=2, min_upper=2,
        min_numeric=2, min_special=2))
    many(T.ALI_LOGIN_PROFILE, lambda i: alicloud.ram.LoginProfile(
        f"login-{i}", user_name=user_name(i),
        password=pulumi.Output.secret(passwords[i % len(passwords)].result) if passwords else "x",
        password_reset_required=True, mfa_bind_required=True,
        opts=pulumi.ResourceOptions(additional_secret_outputs=["password"])))
    many(T.ALI_ACCESS_KEY, lambda i: alicloud.ram.AccessKey(
        f"access-key-{i}", user_name=user_name(i), status="Active",
        opts=pulumi.ResourceOptions(additional_secret_outputs=["secret"])))
    groups = many(T.ALI_GROUP, lambda i: alicloud.ram.Group(
        f"group-{i}", group_name=f"flat-group-{i}", comments="flat", force=True))
    group_name = lambda i: groups[i % len(groups)].group_name if groups else f"flat-group-{i}"  # noqa: E731
    policies = many(T.ALI_POLICY, lambda i: alicloud.ram.Policy(
        f"policy-{i}", policy_name=f"flat-policy-{i}", policy_document=DOCUMENT, description="flat",
        rotate_strategy="DeleteOldestNonDefaultVersionWhenLimitExceeded", force=True, tags=TAGS))
    many(T.ALI_GROUP_POLICY, lambda i: alicloud.ram.GroupPolicyAttachment(
        f"group-policy-{i}", group_name=group_name(i),
        policy_name=policies[i % len(policies)].policy_name if policies else "AliyunOSSFullAccess",
        policy_type="Custom" if policies else "System"))
    many(T.ALI_USER_GROUP, lambda i: alicloud.ram.UserGroupAttachment(
        f"user-group-{i}", group_name=group_name(i), user_name=user_name(i)))
    many(T.ALI_USER_POLICY, lambda i: alicloud.ram.UserPolicyAttachment(
        f"user-policy-{i}", user_name=user_name(i), policy_name="AliyunPAIEASReadOnlyAccess", policy_type="System"))

    workspaces = many(T.ALI_WORKSPACE, lambda i: alicloud.pai.WorkspaceWorkspace(
        f"workspace-{i}", workspace_name=f"flat_{i}", display_name=f"flat_{i}", description="flat",
        env_types=["prod"]))
    many(T.ALI_MEMBER, lambda i: alicloud.pai.WorkspaceMember(
        f"member-{i}", workspace_id=workspaces[i % len(workspaces)].id if workspaces else "1",
        user_id=users[i % len(users)].id if users else "1", roles=["PAI.AlgoDeveloper"]))


SUPPORTED = (
    T.ALI_VPC, T.ALI_VSWITCH, T.ALI_SECURITY_GROUP,
    T.ALI_BUCKET, T.ALI_BUCKET_ACL,
    T.ALI_BUCKET_PUBLIC_ACCESS_BLOCK, T.ALI_BUCKET_POLICY, T.ALI_BUCKET_LOGGING, T.ALI_NAS,
    T.ALI_NAS_ACCESS_GROUP, T.ALI_NAS_ACCESS_RULE, T.ALI_MOUNT,
    T.ALI_USER, T.RANDOM_PASSWORD, T.ALI_LOGIN_PROFILE,
    T.ALI_ACCESS_KEY, T.ALI_GROUP, T.ALI_POLICY,
    T.ALI_GROUP_POLICY, T.ALI_USER_GROUP,
    T.ALI_USER_POLICY, T.ALI_WORKSPACE,
    T.ALI_MEMBER,
)


def flat_program(counts: Mapping[str, int]) -> Callable[[], None]:
    """A program registering `counts[type]` resources of each type, flat under the stack."""
    unknown = sorted(set(counts) - set(SUPPORTED))
    if unknown:
        raise KeyError(f"the baseline has no flat recipe for {', '.join(unknown)}")
    return lambda: _register(counts)
