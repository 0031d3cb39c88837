"""Per-component behaviour through the real program: which resources are created, with which arguments."""

from __future__ import annotations

import json

import pytest

from conftest import DSW_NETWORK, base_config, minimal_workspace
from offline import tokens as T

T_VPC = T.ALI_VPC
T_VSW = T.ALI_VSWITCH
T_SG = T.ALI_SECURITY_GROUP
T_SGR = T.ALI_SECURITY_GROUP_RULE
T_BUCKET = T.ALI_BUCKET
T_ACL = T.ALI_BUCKET_ACL
T_PAB = T.ALI_BUCKET_PUBLIC_ACCESS_BLOCK
T_FS = T.ALI_NAS
T_AG = T.ALI_NAS_ACCESS_GROUP
T_AR = T.ALI_NAS_ACCESS_RULE
T_MT = T.ALI_MOUNT
T_USER = T.ALI_USER
T_GROUP = T.ALI_GROUP
T_UGA = T.ALI_USER_GROUP
T_GM = T.ALI_GROUP_MEMBERSHIP
T_POLICY = T.ALI_POLICY
T_GPA = T.ALI_GROUP_POLICY
T_UPA = T.ALI_USER_POLICY
T_LOGIN = T.ALI_LOGIN_PROFILE
T_KEY = T.ALI_ACCESS_KEY
T_WS = T.ALI_WORKSPACE
T_MEMBER = T.ALI_MEMBER

DSW = minimal_workspace(
    modules=["dsw"],
    network=DSW_NETWORK,
    buckets=[{"key": "data"}],
    fileSystems=[{"key": "home", "storageType": "Performance"}],
    members=[
        {"name": "alice", "roles": ["PAI.AlgoDeveloper"], "consoleLogin": True},
        {"name": "bob", "roles": ["PAI.AlgoDeveloper", "PAI.WorkspaceAdmin"]},
        {"name": "eve", "roles": ["PAI.WorkspaceGuest"], "accessKey": True},
    ],
)


def test_network_vpc_one_vswitch_per_zone_and_sg_without_ingress(plan_for):
    plan = plan_for(base_config(DSW))
    vpc = plan.one(T_VPC, "team_ws-network-vpc").plain_inputs()
    assert vpc["vpcName"] == "acme-team-ws" and vpc["cidrBlock"] == "10.0.0.0/16"
    switches = {r.plain_inputs()["zoneId"]: r.plain_inputs() for r in plan.by_type(T_VSW)}
    assert switches == {
        "cn-hangzhou-h": switches["cn-hangzhou-h"] | {"cidrBlock": "10.0.1.0/24"},
        "cn-hangzhou-i": switches["cn-hangzhou-i"] | {"cidrBlock": "10.0.2.0/24"},
    }
    assert all(s["vpcId"] == plan.one(T_VPC, "team_ws-network-vpc").id for s in switches.values())
    assert len(plan.by_type(T_SG)) == 1 and plan.by_type(T_SGR) == []
    assert "name" not in vpc  # deprecated, conflicts with vpc_name


def test_existing_network_creates_no_network_and_reads_vswitch_cidrs(plan_for):
    ws = dict(DSW, network={"vpcId": "vpc-abc123456", "vswitchIds": ["vsw-aaa111111", "vsw-bbb222222"]})
    plan = plan_for(base_config(ws))
    assert plan.by_type(T_VPC) == [] and plan.by_type(T_VSW) == [] and plan.by_type(T_SG) == []
    assert [i.args["ids"] for i in plan.invokes if i.token == T.ALI_GET_SWITCHES] == [
        ["vsw-aaa111111", "vsw-bbb222222"]
    ]
    rules = sorted(r.plain_inputs()["sourceCidrIp"] for r in plan.by_type(T_AR))
    assert rules == ["172.31.0.0/24", "172.31.1.0/24"]  # the CIDRs the (mock) cloud reported
    assert sorted(m.plain_inputs()["vswitchId"] for m in plan.by_type(T_MT)) == ["vsw-aaa111111", "vsw-bbb222222"]


def test_itag_only_creates_no_vpc_and_no_nas(plan_for):
    plan = plan_for(base_config(minimal_workspace(modules=["itag"])))
    assert [r.type for r in plan.custom_resources if r.type.startswith(("alicloud:vpc", "alicloud:nas", "alicloud:ecs"))] == []
    # iTAG needs OSS: a default bucket keyed "data" (besides the stack's access-log bucket)
    assert [b.name for b in plan.by_type(T_BUCKET)] == ["access-logs", "team_ws-storage-data"]


def test_buckets_private_encrypted_versioned_public_access_blocked_protected(plan_for):
    plan = plan_for(base_config(DSW))
    bucket = plan.one(T_BUCKET, "team_ws-storage-data")
    inputs = bucket.plain_inputs()
    assert inputs["bucket"] == "acme-team-ws-data"
    assert inputs["serverSideEncryptionRule"] == {"sseAlgorithm": "AES256"}
    assert inputs["versioning"] == {"status": "Enabled"}
    assert "acl" not in inputs and inputs["forceDestroy"] is False
    assert bucket.protect is True
    # BucketAcl, BucketPolicy and BucketLogging manage these inline fields (the drift trap)
    assert bucket.ignore_changes == ["acl", "policy", "logging"]
    acl = plan.one(T_ACL, "team_ws-storage-data-acl")
    assert acl.plain_inputs() == {"bucket": "acme-team-ws-data", "acl": "private"} and acl.parent == bucket.urn
    assert plan.one(T_PAB, "team_ws-storage-data-public-access-block").plain_inputs()["blockPublicAccess"] is True
    assert not acl.protect


def test_every_bucket_is_https_only_and_logged_into_the_stack_log_bucket(plan_for):
    plan = plan_for(base_config(dict(DSW, buckets=[{"key": "data"}, {"key": "scratch", "name": "my-scratch"}])))
    logs = plan.one(T_BUCKET, "access-logs")
    for key, physical in (("data", "acme-team-ws-data"), ("scratch", "my-scratch")):
        bucket = plan.one(T_BUCKET, f"team_ws-storage-{key}")
        policy = plan.one(T.ALI_BUCKET_POLICY, f"team_ws-storage-{key}-https-only")
        assert policy.parent == bucket.urn and not policy.protect
        assert json.loads(policy.plain_inputs()["policy"]) == {"Version": "1", "Statement": [{
            "Effect": "Deny", "Action": ["oss:*"], "Principal": ["*"],
            "Resource": [f"acs:oss:*:*:{physical}", f"acs:oss:*:*:{physical}/*"],
            "Condition": {"Bool": {"acs:SecureTransport": ["false"]}}}]}
        logging = plan.one(T.ALI_BUCKET_LOGGING, f"team_ws-storage-{key}-access-logging")
        assert logging.parent == bucket.urn and not logging.protect
        assert logging.plain_inputs() == {"bucket": physical, "targetBucket": "acme-access-logs",
                                          "targetPrefix": f"{physical}/"}
        assert logs.urn in logging.property_dependencies["targetBucket"]
    # The log bucket itself: HTTPS only, not logged (into itself it would loop).
    assert plan.one(T.ALI_BUCKET_POLICY, "access-logs-https-only").parent == logs.urn
    assert [r.name for r in plan.by_type(T.ALI_BUCKET_LOGGING)] == [
        "team_ws-storage-data-access-logging", "team_ws-storage-scratch-access-logging"]


def test_the_log_bucket_is_private_encrypted_versioned_protected_and_expires_logs(plan_for):
    plan = plan_for(base_config(DSW))
    [component] = [r for r in plan.resources if r.type == "pai:audit:LogBucket"]
    logs = plan.one(T_BUCKET, "access-logs")
    assert logs.parent == component.urn and logs.protect
    assert logs.ignore_changes == ["acl", "policy", "logging"]
    inputs = logs.plain_inputs()
    assert inputs["bucket"] == "acme-access-logs" and inputs["forceDestroy"] is False
    assert inputs["serverSideEncryptionRule"] == {"sseAlgorithm": "AES256"}
    assert inputs["versioning"] == {"status": "Enabled"}
    assert inputs["lifecycleRules"] == [{"id": "expire-access-logs", "enabled": True, "prefix": "",
                                         "expirations": [{"days": 180}],
                                         "noncurrentVersionExpirations": [{"days": 7}]}]
    assert plan.one(T_ACL, "access-logs-acl").plain_inputs() == {"bucket": "acme-access-logs", "acl": "private"}
    assert plan.one(T_PAB, "access-logs-public-access-block").plain_inputs()["blockPublicAccess"] is True


def test_the_log_bucket_takes_its_retention_name_and_kms_key_from_the_stack(plan_for):
    cfg = base_config(DSW)
    cfg["pai-platform:accessLogs"] = {"name": "acme-audit", "retentionDays": 400, "encryption": "KMS",
                                      "kmsKeyId": "key-123", "protect": False}
    plan = plan_for(cfg)
    logs = plan.one(T_BUCKET, "access-logs")
    inputs = logs.plain_inputs()
    assert inputs["bucket"] == "acme-audit" and not logs.protect
    assert inputs["serverSideEncryptionRule"] == {"sseAlgorithm": "KMS", "kmsMasterKeyId": "key-123"}
    assert inputs["lifecycleRules"][0]["expirations"] == [{"days": 400}]
    assert plan.one(T.ALI_BUCKET_LOGGING, "team_ws-storage-data-access-logging").plain_inputs()[
        "targetBucket"] == "acme-audit"


def test_bucket_protection_can_be_turned_off_per_bucket(plan_for):
    ws = dict(DSW, buckets=[{"key": "data"}, {"key": "scratch", "protect": False}])
    plan = plan_for(base_config(ws))
    assert plan.one(T_BUCKET, "team_ws-storage-data").protect
    assert not plan.one(T_BUCKET, "team_ws-storage-scratch").protect


def test_nas_encrypted_own_access_group_rules_only_vswitch_cidrs_mount_per_vswitch(plan_for):
    plan = plan_for(base_config(DSW))
    fs = plan.one(T_FS, "team_ws-storage-home")
    inputs = fs.plain_inputs()
    assert inputs["encryptType"] == 1 and inputs["fileSystemType"] == "standard"
    assert inputs["storageType"] == "Performance" and inputs["protocolType"] == "NFS"
    assert "vpcId" not in inputs and "vswitchId" not in inputs
    assert fs.protect
    group = plan.one(T_AG, "team_ws-storage-standard-access-group").plain_inputs()
    assert group["accessGroupName"] == "acme-team-ws" and group["accessGroupType"] == "Vpc"
    assert group["fileSystemType"] == "standard"
    rules = [r.plain_inputs() for r in plan.by_type(T_AR)]
    assert sorted(r["sourceCidrIp"] for r in rules) == ["10.0.1.0/24", "10.0.2.0/24"]
    assert all(r["accessGroupName"] == "acme-team-ws" for r in rules)
    mounts = [m.plain_inputs() for m in plan.by_type(T_MT)]
    assert len(mounts) == 2
    assert {m["accessGroupName"] for m in mounts} == {"acme-team-ws"}  # never DEFAULT_VPC_GROUP_NAME
    assert {m["fileSystemId"] for m in mounts} == {fs.id}


def test_file_systems_of_a_workspace_share_one_permission_group_per_type(plan_for):
    ws = dict(DSW, fileSystems=[{"key": "home"}, {"key": "data"},
                                {"key": "fast", "fileSystemType": "extreme", "storageType": "standard",
                                 "capacity": 100, "zoneId": "cn-hangzhou-h"}])
    plan = plan_for(base_config(ws))
    groups = {g.plain_inputs()["fileSystemType"]: g.plain_inputs()["accessGroupName"] for g in plan.by_type(T_AG)}
    assert groups == {"standard": "acme-team-ws", "extreme": "acme-team-ws-extreme"}
    by_fs = {f.id: f.plain_inputs()["fileSystemType"] for f in plan.by_type(T_FS)}
    for m in plan.by_type(T_MT):
        inp = m.plain_inputs()
        assert inp["accessGroupName"] == groups[by_fs[inp["fileSystemId"]]]
    assert len(plan.by_type(T_AR)) == 4  # two vSwitches x two groups, not x three file systems


def test_nas_permission_groups_are_counted_against_the_region_limit(plan_for):
    from components.core.config import load
    from components.core.errors import ConfigError

    def ws(i):
        return dict(DSW, name=f"team_{i:02d}", network={"cidr": f"10.{i}.0.0/16", "vswitches": [
            {"zoneId": "cn-hangzhou-h", "cidr": f"10.{i}.1.0/24"}]}, buckets=[{"key": "data"}],
            members=[{"name": f"dev{i}", "roles": ["PAI.AlgoDeveloper"]}])

    raw = {"alicloud:region": "cn-hangzhou", "namePrefix": "acme", "workspaces": [ws(i) for i in range(20)]}
    assert len(load(raw).workspaces) == 20
    raw["workspaces"].append(ws(20))
    with pytest.raises(ConfigError) as e:
        load(raw)
    assert str(e.value) == ("workspaces[20].fileSystems: the stack would need 21 NAS permission groups (one per "
                            "workspace and file-system type); NAS allows 20 per account and region")


def test_extreme_nas_is_mounted_only_in_its_zone(plan_for):
    ws = dict(DSW, fileSystems=[{"key": "fast", "fileSystemType": "extreme", "storageType": "standard",
                                 "capacity": 100, "zoneId": "cn-hangzhou-i"}])
    plan = plan_for(base_config(ws))
    mounts = plan.by_type(T_MT)
    assert [m.name for m in mounts] == ["team_ws-storage-fast-mount-cn-hangzhou-i"]
    assert plan.by_type(T_FS)[0].plain_inputs()["capacity"] == 100


def test_identity_users_groups_per_role_one_attachment_per_user(plan_for):
    plan = plan_for(base_config(DSW))
    assert sorted(u.plain_inputs()["name"] for u in plan.by_type(T_USER)) == ["alice", "bob", "eve"]
    groups = sorted(g.plain_inputs()["groupName"] for g in plan.by_type(T_GROUP))
    assert groups == ["acme-team-ws-admin", "acme-team-ws-algo-developer", "acme-team-ws-guest"]
    pairs = sorted((a.plain_inputs()["groupName"], a.plain_inputs()["userName"]) for a in plan.by_type(T_UGA))
    assert pairs == [
        ("acme-team-ws-admin", "bob"),
        ("acme-team-ws-algo-developer", "alice"),
        ("acme-team-ws-algo-developer", "bob"),
        ("acme-team-ws-guest", "eve"),
    ]
    assert plan.by_type(T_GM) == []


def test_policies_attached_to_groups_scoped_to_workspace_buckets(plan_for):
    import json

    plan = plan_for(base_config(DSW))
    assert plan.by_type(T_UPA) == []
    policies = {p.plain_inputs()["policyName"]: json.loads(p.plain_inputs()["policyDocument"]) for p in plan.by_type(T_POLICY)}
    assert set(policies) == {"acme-team-ws-access-rw", "acme-team-ws-access-ro"}
    rw_resources = {r for s in policies["acme-team-ws-access-rw"]["Statement"] for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])}
    assert {"acs:oss:*:*:acme-team-ws-data", "acs:oss:*:*:acme-team-ws-data/*"} <= rw_resources
    ro_actions = {a for s in policies["acme-team-ws-access-ro"]["Statement"] for a in s["Action"]}
    assert "oss:PutObject" not in ro_actions and "oss:GetObject" in ro_actions
    attached = sorted((a.plain_inputs()["groupName"], a.plain_inputs()["policyName"], a.plain_inputs()["policyType"])
                      for a in plan.by_type(T_GPA))
    assert attached == [
        ("acme-team-ws-admin", "acme-team-ws-access-rw", "Custom"),
        ("acme-team-ws-algo-developer", "acme-team-ws-access-rw", "Custom"),
        ("acme-team-ws-guest", "acme-team-ws-access-ro", "Custom"),
    ]


def test_console_login_only_when_asked_with_secret_password(plan_for):
    plan = plan_for(base_config(DSW))
    logins = plan.by_type(T_LOGIN)
    assert [l.plain_inputs()["userName"] for l in logins] == ["alice"]
    assert "password" in logins[0].secret_paths
    assert logins[0].plain_inputs()["passwordResetRequired"] is True


def test_access_key_only_when_asked_and_its_secret_is_secret(plan_for):
    plan = plan_for(base_config(DSW))
    keys = plan.by_type(T_KEY)
    assert [k.plain_inputs()["userName"] for k in keys] == ["eve"]
    assert "secret" in keys[0].additional_secret_outputs
    plain = plan.plain_outputs()
    assert plain["accessKeys"]["eve"]["secret"] == "mock-access-key-secret"
    assert "mock-access-key-secret" not in repr(plan.redacted_outputs())


def test_existing_user_is_looked_up_not_created(plan_for):
    ws = minimal_workspace(members=[{"name": "legacy.user", "roles": ["PAI.WorkspaceGuest"], "existing": True}])
    plan = plan_for(base_config(ws))
    assert plan.by_type(T_USER) == []
    lookups = [i.args for i in plan.invokes if i.token == T.ALI_GET_USERS]
    assert lookups == [{"nameRegex": "(?i)^legacy\\.user$"}]  # escaped, anchored; RAM user names ignore case
    member = plan.by_type(T_MEMBER)[0].plain_inputs()
    from offline.fakes import invoke

    assert member["userId"] == invoke(T.ALI_GET_USERS, lookups[0])["users"][0]["id"]


def test_workspace_and_members_with_role_ids_and_user_ids(plan_for):
    plan = plan_for(base_config(DSW))
    ws = plan.one(T_WS, "team_ws")
    assert ws.plain_inputs() == {
        "workspaceName": "team_ws",
        "displayName": "team_ws",
        "description": "A team workspace",
        "envTypes": ["prod"],
    }
    assert ws.protect
    users = {u.plain_inputs()["name"]: u.id for u in plan.by_type(T_USER)}
    members = {m.name: m.plain_inputs() for m in plan.by_type(T_MEMBER)}
    assert members["team_ws-bob"] == {"workspaceId": ws.id, "userId": users["bob"],
                                      "roles": ["PAI.AlgoDeveloper", "PAI.WorkspaceAdmin"]}
    assert not any(m.protect for m in plan.by_type(T_MEMBER))


def test_children_are_parented_to_their_components(plan_for):
    plan = plan_for(base_config(DSW))
    comps = {r.urn: r.type for r in plan.resources if not r.custom}
    assert set(comps.values()) >= {"pai:bundle:WorkspaceBundle", "pai:network:Network", "pai:storage:Storage",
                                   "pai:identity:WorkspaceAccess", "pai:identity:Users", "pai:workspace:Workspace"}
    stack_level = [r for r in plan.resources if r.parent not in comps and r.parent not in {x.urn for x in plan.resources}]
    assert sorted(r.type for r in stack_level) == ["pai:audit:LogBucket", "pai:bundle:WorkspaceBundle", "pai:identity:Users"]


def test_tags_on_taggable_resources(plan_for):
    plan = plan_for(base_config(DSW, tags={"env": "test"}))
    for t in (T_BUCKET, T_FS, T_VPC, T_VSW, T_SG, T_POLICY, T_USER):
        for r in plan.by_type(t):
            tags = r.plain_inputs()["tags"]
            assert tags["env"] == "test" and tags["managed-by"] == "pai-platform", (t, tags)


def test_resource_admin_group_holds_pai_full_access_only_when_asked(plan_for):
    plan = plan_for(base_config(DSW))
    assert not [a for a in plan.by_type(T_GPA) if a.plain_inputs()["policyName"] == "AliyunPAIFullAccess"]
    ws = dict(DSW, members=DSW["members"] + [{"name": "root-ish", "roles": ["PAI.WorkspaceAdmin"], "resourceAdmin": True}])
    plan = plan_for(base_config(ws))
    full = [a.plain_inputs() for a in plan.by_type(T_GPA) if a.plain_inputs()["policyName"] == "AliyunPAIFullAccess"]
    assert full == [{"groupName": "acme-pai-resource-admins", "policyName": "AliyunPAIFullAccess", "policyType": "System"}]
