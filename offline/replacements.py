"""Which input changes make the provider replace a resource (Terraform `ForceNew`), per resource type this project uses.

Data only, read by `offline/diff.py` (`make preview BASE=<ref>`). Field names are the SDK's camelCase input names as
they appear in a plan. Every type carries its source; a type whose facts were not checked against the provider says
so (`verified=False`) and the diff reports its changes as "replacement not known" rather than guessing.

Sources (read in Dec 2026):
- TF: github.com/aliyun/terraform-provider-alicloud, the schema in `alicloud/resource_alicloud_<name>.go`
  (`ForceNew: true`) or, where the Go file read was older than the 4.0.0 field names, the generated argument list in
  `website/docs/r/<name>.html.markdown` ("(Required, ForceNew)"). pulumi-alicloud 4.0.0 bridges about v1.295.
- HW SDK: the installed pulumi_huaweicloud 0.0.12 docstrings ("Changing this ... creates a new ...").
A field absent from a type's set is updated in place (or not sent at all); component resources (`pai:*`,
`modelarts:*`) have no provider and are never replaced by an input change.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import tokens


@dataclass(frozen=True)
class ForceNew:
    fields: frozenset[str]
    """Inputs whose change replaces the resource."""
    source: str
    """Where the fact was read."""
    verified: bool = True
    """False: not checked against the provider; the diff does not claim an in-place update for this type."""


def _f(*fields: str, source: str, verified: bool = True) -> ForceNew:
    return ForceNew(frozenset(fields), source, verified)


_TF = "aliyun/terraform-provider-alicloud"

# Keyed by the short names of `offline.tokens` (the tokens themselves are read from the SDK classes).
FORCE_NEW: dict[str, ForceNew] = {
    # --- PAI
    "ALI_WORKSPACE": _f(
        "workspaceName", "envTypes",
        source=f"{_TF} alicloud/resource_alicloud_pai_workspace_workspace.go (commit 14d0dc68): workspace_name, "
               "env_types ForceNew; update sends only display_name and description"),
    "ALI_MEMBER": _f(
        "userId", "workspaceId",
        source=f"{_TF} alicloud/resource_alicloud_pai_workspace_member.go (commit 32223e21): user_id, workspace_id "
               "ForceNew; roles updated by AddMemberRole/RemoveMemberRole"),
    # --- OSS
    "ALI_BUCKET": _f(
        "bucket", "storageClass", "redundancyType",
        source=f"{_TF} alicloud/resource_alicloud_oss_bucket.go (commit 034e4b71): bucket, storage_class, "
               "redundancy_type ForceNew"),
    "ALI_BUCKET_ACL": _f(
        "bucket", source=f"{_TF} website/docs/r/oss_bucket_acl.html.markdown: bucket (Required, ForceNew)"),
    "ALI_BUCKET_PUBLIC_ACCESS_BLOCK": _f(
        "bucket", source=f"{_TF} website/docs/r/oss_bucket_public_access_block.html.markdown: bucket (Required, ForceNew)"),
    "ALI_BUCKET_POLICY": _f(
        "bucket", source=f"{_TF} website/docs/r/oss_bucket_policy.html.markdown (commit 30d11df4): bucket (Required, "
                         "ForceNew); policy updatable"),
    "ALI_BUCKET_LOGGING": _f(
        "bucket", source=f"{_TF} website/docs/r/oss_bucket_logging.html.markdown (commit 09afe1a5): bucket (Required, "
                         "ForceNew); target_bucket, target_prefix updatable"),
    # --- NAS
    "ALI_NAS": _f(
        "encryptType", "fileSystemType", "kmsKeyId", "protocolType", "storageType", "vswitchId", "vpcId", "zoneId",
        source=f"{_TF} alicloud/resource_alicloud_nas_file_system.go (commit 02c01f7a): encrypt_type, "
               "file_system_type, kms_key_id, protocol_type, storage_type, vswitch_id, vpc_id, zone_id ForceNew"),
    "ALI_NAS_ACCESS_GROUP": _f(
        "accessGroupName", "accessGroupType", "fileSystemType",
        source=f"{_TF} website/docs/r/nas_access_group.html.markdown: access_group_name, access_group_type "
               "(Optional, ForceNew), file_system_type (Optional, ForceNew, Computed)"),
    "ALI_NAS_ACCESS_RULE": _f(
        "accessGroupName",
        source=f"{_TF} alicloud/resource_alicloud_nas_access_rule.go (commit 03d9b31f): access_group_name ForceNew; "
               "source_cidr_ip, rw/user access type and priority by ModifyAccessRule. file_system_type is not "
               "ForceNew in that version but is part of the id: treat a change of it with care"),
    "ALI_MOUNT": _f(
        "fileSystemId", "vswitchId",
        source=f"{_TF} website/docs/r/nas_mount_target.html.markdown: file_system_id (Required, ForceNew); "
               "vswitch_id ForceNew in alicloud/resource_alicloud_nas_mount_target.go (commit 052de6f8, older). "
               "Not verified for vpc_id and network_type (added later)",
        verified=False),
    # --- RAM
    "ALI_USER": _f(
        source=f"{_TF} alicloud/resource_alicloud_ram_user.go (commit 0612d756): no ForceNew field; a name change "
               "is an UpdateUser (NewUserName)"),
    "ALI_GROUP": _f(
        "groupName",
        source=f"{_TF} alicloud/resource_alicloud_ram_group.go (commit 0612d756): name ForceNew (group_name in "
               "4.0.0, the renamed field)"),
    "ALI_POLICY": _f(
        "policyName", "description",
        source=f"{_TF} alicloud/resource_alicloud_ram_policy.go (commit 00a88c61): policy_name, description "
               "ForceNew; policy_document by CreatePolicyVersion"),
    "ALI_LOGIN_PROFILE": _f(
        "userName", source=f"{_TF} website/docs/r/ram_login_profile.html.markdown: user_name (Required, ForceNew)"),
    "ALI_ACCESS_KEY": _f(
        "userName", "secretFile", "pgpKey",
        source=f"{_TF} website/docs/r/ram_access_key.html.markdown: user_name, secret_file, pgp_key ForceNew"),
    "ALI_GROUP_POLICY": _f(
        "groupName", "policyName", "policyType",
        source=f"{_TF} website/docs/r/ram_group_policy_attachment.html.markdown: group_name, policy_name, "
               "policy_type (Required, ForceNew)"),
    "ALI_USER_GROUP": _f(
        "groupName", "userName",
        source=f"{_TF} website/docs/r/ram_user_group_attachment.html.markdown: group_name, user_name (Required, ForceNew)"),
    "ALI_SERVICE_LINKED_ROLE": _f(
        "serviceName", "customSuffix", "description",
        source=f"{_TF} website/docs/r/resource_manager_service_linked_role.html.markdown: service_name, "
               "custom_suffix, description ForceNew"),
    "ALI_PASSWORD_POLICY": _f(
        source=f"{_TF} website/docs/r/ram_account_password_policy.html.markdown (commit 0c03f9fb): one per account, "
               "every argument Optional and none ForceNew"),
    "ALI_TRAIL": _f(
        "trailName", "name", "isOrganizationTrail",
        source=f"{_TF} website/docs/r/actiontrail_trail.html.markdown (commit 165edf33): trail_name, name, "
               "is_organization_trail ForceNew; the OSS target, event_rw, trail_region, status updatable"),
    # --- VPC / ECS
    "ALI_FLOW_LOG": _f(
        "logStoreName", "projectName", "resourceId", "resourceType", "trafficType", "trafficPath",
        source=f"{_TF} alicloud/resource_alicloud_vpc_flow_log.go (commit 30c7bd7e): log_store_name, project_name, "
               "resource_id, resource_type, traffic_type, traffic_path ForceNew; name, description, tags updatable"),
    "ALI_VPC": _f(
        "dryRun", "userCidrs",
        source=f"{_TF} website/docs/r/vpc.html.markdown: only dry_run and user_cidrs ForceNew; cidr_block, "
               "vpc_name, description are updatable"),
    "ALI_VSWITCH": _f(
        "vpcId", "cidrBlock", "zoneId",
        source=f"{_TF} website/docs/r/vswitch.html.markdown (commit 07477993, older): vpc_id, cidr_block, "
               "availability_zone 'Forces new resource' (zone_id is availability_zone's successor)"),
    "ALI_SECURITY_GROUP": _f(
        "vpcId", "securityGroupType",
        source=f"{_TF} website/docs/r/security_group.html.markdown: vpc_id, security_group_type (Optional, ForceNew)"),
    # --- pulumi-random
    "RANDOM_PASSWORD": _f(
        "keepers",
        source="pulumi_random 4.21.4 SDK docstring: keepers 'when changed, will trigger recreation'. Not verified "
               "for the other inputs (terraform-provider-random plans them as replace, unchecked here)",
        verified=False),
    # --- Huawei Cloud (pulumi-huaweicloud 0.0.12 docstrings)
    "HW_BUCKET": _f(
        "bucket", "region",
        source="HW SDK obs/bucket.py: bucket 'Changing this parameter will create a new resource', region "
               "'Changing this will create a new bucket'"),
    "HW_AGENCY": _f(
        "name", source="HW SDK iam/agency.py: name 'Changing this will create a new agency'"),
    "HW_ASSIGNMENT": _f(
        "groupId", "roleId", "domainId", "projectId",
        source="HW SDK iam/role_assignment.py: group_id, role_id, domain_id, project_id 'Changing this parameter "
               "will create a new resource'"),
    "HW_SUBNET": _f(
        "cidr", "gatewayIp", "vpcId", "availabilityZone",
        source="HW SDK vpc/subnet.py: cidr, gateway_ip, vpc_id, availability_zone 'Changing this creates a new subnet'"),
    "HW_VPC": _f(
        "region", source="HW SDK vpc/vpc.py: only region 'creates a new VPC resource'; cidr and name not marked"),
    "HW_SECGROUP": _f(
        "enterpriseProjectId", "region",
        source="HW SDK vpc/secgroup.py: enterprise_project_id, region 'creates a new security group'"),
    "HW_USER": _f(
        source="HW SDK iam/user.py docstrings mark no field; not checked against "
               "huaweicloud/terraform-provider-huaweicloud", verified=False),
    "HW_GROUP": _f(
        source="HW SDK iam/group.py docstrings mark no field; not checked against the provider", verified=False),
    "HW_ROLE": _f(
        source="HW SDK iam/role.py docstrings mark no field; not checked against the provider", verified=False),
    "HW_MEMBERSHIP": _f(
        source="HW SDK iam/group_membership.py docstrings mark no field; not checked against the provider",
        verified=False),
}


def force_new(type_token: str) -> ForceNew | None:
    """The facts for a provider resource type, or None when the table does not know it."""
    name = tokens.name_of(type_token)
    return FORCE_NEW.get(name) if name else None
