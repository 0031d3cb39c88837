"""The example stacks render, with the inputs the real provider requires, the same way every time."""

from __future__ import annotations

import copy
import json

import pytest

from conftest import stack_config
from offline.preview import plan_json
from offline import tokens as T

# Required arguments per type in pulumi-alicloud 4.0.0 (the SDK's *Args __init__ signatures), plus the arguments
# this project relies on where the provider would otherwise pick an insecure or random default.
REQUIRED = {
    T.ALI_WORKSPACE: {"workspaceName", "description", "envTypes"},
    T.ALI_MEMBER: {"workspaceId", "userId", "roles"},
    T.ALI_USER: {"name"},
    T.ALI_GROUP: {"groupName"},
    T.ALI_USER_GROUP: {"groupName", "userName"},
    T.ALI_POLICY: {"policyName", "policyDocument"},
    T.ALI_GROUP_POLICY: {"groupName", "policyName", "policyType"},
    T.ALI_LOGIN_PROFILE: {"userName", "password"},
    T.ALI_ACCESS_KEY: {"userName"},
    T.ALI_BUCKET: {"bucket", "serverSideEncryptionRule", "versioning"},
    T.ALI_BUCKET_ACL: {"bucket", "acl"},
    T.ALI_BUCKET_PUBLIC_ACCESS_BLOCK: {"bucket", "blockPublicAccess"},
    T.ALI_BUCKET_POLICY: {"bucket", "policy"},
    T.ALI_BUCKET_LOGGING: {"bucket", "targetBucket", "targetPrefix"},
    T.ALI_NAS: {"protocolType", "storageType", "encryptType"},
    T.ALI_NAS_ACCESS_GROUP: {"accessGroupName", "accessGroupType"},
    T.ALI_NAS_ACCESS_RULE: {"accessGroupName", "sourceCidrIp"},
    T.ALI_MOUNT: {"fileSystemId", "accessGroupName", "vswitchId"},
    T.ALI_VPC: {"vpcName", "cidrBlock"},
    T.ALI_VSWITCH: {"vpcId", "cidrBlock", "zoneId"},
    T.ALI_SECURITY_GROUP: {"vpcId"},
    T.RANDOM_PASSWORD: {"length"},
    T.ALI_SERVICE_LINKED_ROLE: {"serviceName"},  # prod's account bootstrap
    # No argument of these is required by the SDK; these are the ones that make them what the README promises.
    T.ALI_PASSWORD_POLICY: {"minimumPasswordLength", "requireSymbols", "passwordReusePrevention", "maxPasswordAge",
                            "maxLoginAttemps"},
    T.ALI_TRAIL: {"trailName", "ossBucketName", "trailRegion", "eventRw"},
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
    [ws] = plan.by_type(T.ALI_WORKSPACE)
    assert ws.plain_inputs()["workspaceName"] == "nlp_dev"
    roles = sorted(tuple(m.plain_inputs()["roles"]) for m in plan.by_type(T.ALI_MEMBER))
    assert roles == [("PAI.AlgoDeveloper",), ("PAI.AlgoDeveloper",), ("PAI.WorkspaceAdmin",)]
    assert plan.by_type(T.ALI_NAS) and plan.by_type(T.ALI_VPC)


def test_prod_stack_has_an_eas_and_an_itag_workspace(example_plan):
    plan = example_plan("prod")
    names = sorted(w.plain_inputs()["workspaceName"] for w in plan.by_type(T.ALI_WORKSPACE))
    assert names == ["labeling", "recsys_serving"]
    env = {w.plain_inputs()["workspaceName"]: w.plain_inputs()["envTypes"] for w in plan.by_type(T.ALI_WORKSPACE)}
    assert env["recsys_serving"] == ["dev", "prod"]
    # iTAG needs OSS only: no NAS anywhere in prod (EAS needs no NAS either), one VPC for EAS.
    assert plan.by_type(T.ALI_NAS) == []
    assert len(plan.by_type(T.ALI_VPC)) == 1


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
