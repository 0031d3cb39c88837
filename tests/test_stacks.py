"""The example stacks render, with the inputs the real provider requires, the same way every time."""

from __future__ import annotations

import copy
import json

import pytest

from conftest import stack_config
from offline.preview import plan_json

# Required arguments per type in pulumi-alicloud 4.0.0 (the SDK's *Args __init__ signatures), plus the arguments
# this project relies on where the provider would otherwise pick an insecure or random default.
REQUIRED = {
    "alicloud:pai/workspaceWorkspace:WorkspaceWorkspace": {"workspaceName", "description", "envTypes"},
    "alicloud:pai/workspaceMember:WorkspaceMember": {"workspaceId", "userId", "roles"},
    "alicloud:ram/user:User": {"name"},
    "alicloud:ram/group:Group": {"groupName"},
    "alicloud:ram/userGroupAttachment:UserGroupAttachment": {"groupName", "userName"},
    "alicloud:ram/policy:Policy": {"policyName", "policyDocument"},
    "alicloud:ram/groupPolicyAttachment:GroupPolicyAttachment": {"groupName", "policyName", "policyType"},
    "alicloud:ram/loginProfile:LoginProfile": {"userName", "password"},
    "alicloud:ram/accessKey:AccessKey": {"userName"},
    "alicloud:oss/bucket:Bucket": {"bucket", "serverSideEncryptionRule", "versioning"},
    "alicloud:oss/bucketAcl:BucketAcl": {"bucket", "acl"},
    "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock": {"bucket", "blockPublicAccess"},
    "alicloud:nas/fileSystem:FileSystem": {"protocolType", "storageType", "encryptType"},
    "alicloud:nas/accessGroup:AccessGroup": {"accessGroupName", "accessGroupType"},
    "alicloud:nas/accessRule:AccessRule": {"accessGroupName", "sourceCidrIp"},
    "alicloud:nas/mountTarget:MountTarget": {"fileSystemId", "accessGroupName", "vswitchId"},
    "alicloud:vpc/network:Network": {"vpcName", "cidrBlock"},
    "alicloud:vpc/switch:Switch": {"vpcId", "cidrBlock", "zoneId"},
    "alicloud:ecs/securityGroup:SecurityGroup": {"vpcId"},
    "random:index/randomPassword:RandomPassword": {"length"},
    "alicloud:resourcemanager/serviceLinkedRole:ServiceLinkedRole": {"serviceName"},  # prod's account bootstrap
}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_example_stack_renders_every_resource_with_required_inputs(example_plan, stack):
    plan = example_plan(stack)
    custom = plan.custom_resources
    assert custom
    for r in custom:
        assert r.type in REQUIRED, f"no required-input check for {r.type}"
        missing = REQUIRED[r.type] - set(r.plain_inputs())
        assert not missing, f"{r.name}: missing {missing}"


def test_dev_stack_is_one_nlp_workspace_with_dsw_dlc_two_developers_and_an_admin(example_plan):
    plan = example_plan("dev")
    [ws] = plan.by_type("alicloud:pai/workspaceWorkspace:WorkspaceWorkspace")
    assert ws.plain_inputs()["workspaceName"] == "nlp_dev"
    roles = sorted(tuple(m.plain_inputs()["roles"]) for m in plan.by_type("alicloud:pai/workspaceMember:WorkspaceMember"))
    assert roles == [("PAI.AlgoDeveloper",), ("PAI.AlgoDeveloper",), ("PAI.WorkspaceAdmin",)]
    assert plan.by_type("alicloud:nas/fileSystem:FileSystem") and plan.by_type("alicloud:vpc/network:Network")


def test_prod_stack_has_an_eas_and_an_itag_workspace(example_plan):
    plan = example_plan("prod")
    names = sorted(w.plain_inputs()["workspaceName"] for w in plan.by_type("alicloud:pai/workspaceWorkspace:WorkspaceWorkspace"))
    assert names == ["labeling", "recsys_serving"]
    env = {w.plain_inputs()["workspaceName"]: w.plain_inputs()["envTypes"] for w in plan.by_type("alicloud:pai/workspaceWorkspace:WorkspaceWorkspace")}
    assert env["recsys_serving"] == ["dev", "prod"]
    # iTAG needs OSS only: no NAS anywhere in prod (EAS needs no NAS either), one VPC for EAS.
    assert plan.by_type("alicloud:nas/fileSystem:FileSystem") == []
    assert len(plan.by_type("alicloud:vpc/network:Network")) == 1


def test_same_stack_twice_gives_identical_plans(example_plan):
    first = json.dumps(plan_json(example_plan("prod")), sort_keys=True)
    second = json.dumps(plan_json(example_plan("prod")), sort_keys=True)
    assert first == second


def _reversed_lists(cfg: dict) -> dict:
    cfg = copy.deepcopy(cfg)
    wss = cfg["pai-platform:workspaces"]
    for ws in wss:
        for key in ("members", "buckets", "fileSystems", "policies"):
            if key in ws:
                ws[key].reverse()
    wss.reverse()
    return cfg


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_reordering_members_buckets_and_workspaces_changes_nothing(plan_for, stack):
    cfg = stack_config(stack)
    before = {r["urn"]: r["inputs"] for r in plan_json(plan_for(cfg, stack))["resources"]}
    after = {r["urn"]: r["inputs"] for r in plan_json(plan_for(_reversed_lists(cfg), stack))["resources"]}
    assert before == after


def test_outputs_give_bucket_endpoints_in_the_stack_region_and_console_links(example_plan):
    out = example_plan("prod").plain_outputs()["workspaces"]["labeling"]
    assert out["buckets"]["raw"]["endpoint"] == "acme-prod-labeling-raw.oss-cn-shanghai.aliyuncs.com"
    assert out["consoleUrl"].startswith("https://pai.console.aliyun.com/?regionId=cn-shanghai&workspaceId=")
