"""Privilege escalation, refused at config time (components/alicloud/plan/escalation.py, huaweicloud/rules.py) and in
the policy pack (policypack/escalation.py). The bad stack files `tests/bad_stacks/Pulumi.escalation-*.yaml` run
the config cases through the preview CLI; here: the pure rules and the pack."""

from __future__ import annotations

import pytest

from components.alicloud.plan import escalation as esc
from components.alicloud.plan.policy import statement
from components.huaweicloud import rules as hw_rules


@pytest.mark.parametrize("pattern,action,hit", [
    ("ram:AttachPolicyToUser", "ram:AttachPolicyToUser", True),
    ("RAM:attachpolicytouser", "ram:AttachPolicyToUser", True),  # matched without case
    ("ram:Attach*", "ram:AttachPolicyToRole", True),
    ("ram:*Policy*", "ram:CreatePolicyVersion", True),
    ("ram:?ttachPolicyToUser", "ram:AttachPolicyToUser", True),
    ("*", "ram:PassRole", True),
    ("*:*", "ram:PassRole", True),
    ("ram:Get*", "ram:AttachPolicyToUser", False),
    ("ram:AttachPolicyToUserX", "ram:AttachPolicyToUser", False),
])
def test_ram_wildcards_cover_actions(pattern, action, hit):
    assert esc.covers(pattern, action) is hit


@pytest.mark.parametrize("actions,resources,problem", [
    (["ram:*"], "*", "escalates privileges (ram:AttachPolicyToUser and 16 more)"),
    (["ram:AttachPolicyToUser", "ram:CreateAccessKey", "sts:AssumeRole"], "*",
     "escalates privileges (ram:AttachPolicyToUser and 2 more)"),
    (["sts:AssumeRole"], "*", "escalates privileges (sts:AssumeRole on '*')"),
    (["ims:*"], "acs:*:*:*:*", "allows ims:* on '*': identity administration"),
    (["pai:*", "oss:*"], "*", "allows oss:*, pai:* on '*' (every team's data)"),
    (["ram:PassRole"], "acs:ram:*:*:role/x", "escalates privileges (ram:PassRole)"),
])
def test_statement_problems_refuse_escalations(actions, resources, problem):
    found = [rule for _, _, rule in esc.statement_problems([statement(actions, resources)])]
    assert any(r.startswith(problem) for r in found), found


@pytest.mark.parametrize("actions,resources", [
    (["sts:AssumeRole"], "acs:ram::123:role/pipeline"),  # a named role: how roles are meant to be used
    (["ram:ListUsers", "ram:GetUser"], "*"),
    (["oss:GetObject"], "*"),
    (["oss:*"], "acs:oss:*:*:own-bucket/*"),
    (["ram:*"], "*"),  # as a Deny
])
def test_statement_problems_pass_clean_statements(actions, resources):
    effect = "Deny" if actions == ["ram:*"] else "Allow"
    assert list(esc.statement_problems([statement(actions, resources, effect=effect)])) == []


def test_cross_bucket_admin_refused_and_access_warned():
    owners = {"acme-a-data": "a", "acme-b-data": "b"}
    admin = list(esc.cross_bucket_problems([statement("oss:*", "acs:oss:*:*:acme-b-data/*")], "a", owners))
    read = list(esc.cross_bucket_problems([statement("oss:GetObject", "acs:oss:*:*:acme-b-data/*")], "a", owners))
    own = list(esc.cross_bucket_problems([statement("oss:*", "acs:oss:*:*:acme-a-data")], "a", owners))
    assert [(r, refused) for _, _, r, refused in admin] == [
        ("may change access to or delete bucket acme-b-data of workspace b (oss:PutBucketAcl and 4 more)", True)]
    assert [refused for *_, refused in read] == [False] and own == []


@pytest.mark.parametrize("name", ["AdministratorAccess", "administratoraccess", "AliyunRAMFullAccess",
                                  "AliyunSTSAssumeRoleAccess", "AliyunResourceManagerFullAccess"])
def test_admin_system_policies_refused(name):
    with pytest.raises(ValueError, match="is an administrator policy"):
        esc.check_not_admin_policy(name)
    esc.check_not_admin_policy("AliyunPAIReadOnlyAccess")


@pytest.mark.parametrize("role", ["Tenant Administrator", "security administrator", "Agent Operator"])
def test_huawei_admin_roles_refused(role):
    with pytest.raises(ValueError, match="is an IAM administrator role"):
        hw_rules.check_not_admin_role(role)
    hw_rules.check_not_admin_role("ModelArts FullAccess")


def test_cross_workspace_read_is_a_warning_not_an_error():
    from components.alicloud import contract

    ws = lambda name, **kw: {"name": name, "description": "d", "modules": ["itag"], **kw}
    raw = {"alicloud:region": "cn-hangzhou", "namePrefix": "acme", "workspaces": [
        ws("team_a", members=[{"name": "al", "roles": ["PAI.AlgoDeveloper"]}], policies=[{"name": "peek", "document": {
            "Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject",
                                           "Resource": "acs:oss:*:*:acme-team-b-data/*"}]}}]),
        ws("team_b")]}
    cfg = contract.load(raw)
    assert ("workspaces[0].policies[0].document.Statement[0].Resource: reaches bucket acme-team-b-data of workspace "
            "team_b: check that this is meant") in contract.warnings(cfg)


# --- the policy pack --------------------------------------------------------------------------------------------

import json  # noqa: E402

from policypack import escalation as pack  # noqa: E402
from policypack import rules as pack_rules  # noqa: E402


def _r(type_, name, parent="", deps=None, **inputs):
    urn = f"urn:pulumi:dev::p::{type_}::{name}"
    return {"urn": urn, "type": type_, "name": name, "parent": parent, "inputs": inputs,
            "propertyDependencies": deps or {}}


def _found(resources):
    return {(v.policy, v.level) for v in pack_rules.check_preview(resources)}


def test_pack_lists_equal_the_projects():
    from components.alicloud.plan import catalogue
    assert pack.ESCALATION_ACTIONS == esc.ESCALATION_ACTIONS and pack.ADMIN_POLICIES == esc.ADMIN_POLICIES
    assert pack.SENSITIVE_SERVICES == esc.SENSITIVE_SERVICES and pack.BROAD_DATA_SERVICES == esc.BROAD_DATA_SERVICES
    assert set(pack.ACTIVATION_POLICIES) == {p for s in catalogue.SERVICES.values() for p in s.activation_policies}
    assert pack.HW_ADMIN_ROLES == hw_rules.ADMIN_ROLES and pack.PAI_FULL_ACCESS == catalogue.PAI_FULL_ACCESS


def test_pack_tokens_are_the_sdks():
    from offline import tokens as T
    assert (pack.HW_AGENCY, pack.HW_ROLE, pack.HW_ROLE_ASSIGNMENT, pack.HW_BUCKET) == (
        T.HW_AGENCY, T.HW_ROLE, T.HW_ASSIGNMENT, T.HW_BUCKET)
    import pulumi_huaweicloud
    from components.core.tokens import token_of
    assert pack.HW_SECGROUP_RULE == token_of(pulumi_huaweicloud.vpc.SecgroupRule)


def test_pai_full_access_on_a_hand_made_resource_admins_group_fails():
    group = _r(pack.RAM_GROUP, "x-resource-admins", groupName="x-resource-admins")
    attach = _r(pack_rules.RAM_GROUP_POLICY_ATTACHMENT, "a", deps={"groupName": [group["urn"]]},
                groupName="x-resource-admins", policyName="AliyunPAIFullAccess", policyType="System")
    [(urn, msg)] = pack.check_pai_full_access_admins_only([group, attach])
    assert urn == attach["urn"] and msg.startswith(
        "AliyunPAIFullAccess is attached to group x-resource-admins, which is not the resource-admins group created "
        "by pai:identity:Users")
    # the same group as the component's child passes; by name alone (no dependency) it is still found
    users = _r("pai:identity:Users", "users")
    child = {**_r(pack.RAM_GROUP, "users-resource-admins", groupName="x-resource-admins"),
             "urn": f"urn:pulumi:dev::p::pai:identity:Users${pack.RAM_GROUP}::users-resource-admins",
             "parent": users["urn"]}
    by_name = {**attach, "propertyDependencies": {}}
    assert pack.check_pai_full_access_admins_only([users, child, by_name]) == []


def test_activation_policies_only_on_a_workspace_activators_group():
    access = _r("pai:identity:WorkspaceAccess", "ws-access")
    group = {**_r(pack.RAM_GROUP, "ws-access-activators", groupName="g"), "parent": access["urn"]}
    ok = _r(pack_rules.RAM_GROUP_POLICY_ATTACHMENT, "ok", deps={"groupName": [group["urn"]]}, groupName="g",
            policyName="AliyunNASFullAccess")
    bad = _r(pack_rules.RAM_USER_POLICY_ATTACHMENT, "bad", userName="eve", policyName="AliyunNASFullAccess")
    assert [u for u, _ in pack.check_activation_policies_activators_only([access, group, ok, bad])] == [bad["urn"]]


@pytest.mark.parametrize("resources,policy", [
    ([_r(pack_rules.RAM_POLICY, "p", policyName="p", policyDocument=json.dumps({"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "ram:*", "Resource": "*"}]}))], "ram-no-privilege-escalation"),
    ([_r(pack_rules.RAM_POLICY, "p", policyName="p", policyDocument=json.dumps({"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": ["ram:AttachPolicyToUser", "ram:CreateAccessKey", "sts:AssumeRole"],
         "Resource": "*"}]}))], "ram-no-privilege-escalation"),
    ([_r(pack_rules.RAM_USER_POLICY_ATTACHMENT, "u", userName="eve", policyName="AdministratorAccess")],
     "ram-no-admin-system-policy"),
    ([_r(pack.OSS_BUCKET_POLICY, "bp", bucket="b", policy=json.dumps({"Version": "1", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "oss:GetObject", "Resource": "acs:oss:*:*:b/*"}]}))],
     "oss-bucket-policy-not-public"),
    ([_r(pack.RAM_ROLE, "r", roleName="r", assumeRolePolicyDocument=json.dumps({"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": ["*"]}}]}))],
     "ram-role-trust-not-wildcard"),
    ([_r(pack_rules.ECS_SECURITY_GROUP_RULE, "a", type="ingress", cidrIp="0.0.0.0/1", securityGroupId="sg-1"),
      _r(pack_rules.ECS_SECURITY_GROUP_RULE, "b", type="ingress", cidrIp="128.0.0.0/1", securityGroupId="sg-1")],
     "network-sources-not-wide"),
    ([_r(pack.HW_SECGROUP_RULE, "a", direction="ingress", remoteIpPrefix="0.0.0.0/1", securityGroupId="s"),
      _r(pack.HW_SECGROUP_RULE, "b", direction="ingress", remoteIpPrefix="128.0.0.0/1", securityGroupId="s")],
     "network-sources-not-wide"),
    ([_r(pack.HW_AGENCY, "ag", domainRoles=["Security Administrator"])], "huaweicloud-iam-no-admin-roles"),
    ([_r(pack.HW_ROLE, "role", policy=json.dumps({"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["*:*:*"]}]}))], "huaweicloud-iam-no-admin-roles"),
    ([_r(pack.HW_BUCKET, "obs", bucket="b", acl="public-read-write")], "huaweicloud-obs-bucket-private"),
])
def test_issue_cases_are_mandatory_in_the_pack(resources, policy):
    assert (policy, pack_rules.MANDATORY) in _found(resources)


def test_role_assignment_of_a_wide_custom_role_is_named():
    role = _r(pack.HW_ROLE, "role", policy=json.dumps({"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["iam:*:*"]}]}))
    role["inputs"]["name"] = "god"
    assign = _r(pack.HW_ROLE_ASSIGNMENT, "as", deps={"roleId": [role["urn"]]}, roleId="x", groupId="g")
    assert assign["urn"] in {u for u, _ in pack.check_huawei_no_admin_roles([role, assign])}


@pytest.mark.parametrize("resources", [
    [_r(pack.OSS_BUCKET_POLICY, "bp", bucket="b", policy=json.dumps({"Version": "1", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "oss:GetObject", "Resource": "acs:oss:*:*:b/*",
         "Condition": {"IpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}}}]}))],
    [_r(pack.RAM_ROLE, "r", roleName="r", assumeRolePolicyDocument=json.dumps({"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["ecs.aliyuncs.com"]}}]}))],
    [_r(pack_rules.ECS_SECURITY_GROUP_RULE, "a", type="ingress", cidrIp="10.0.0.0/9", securityGroupId="sg-1"),
     _r(pack_rules.ECS_SECURITY_GROUP_RULE, "b", type="ingress", cidrIp="10.128.0.0/9", securityGroupId="sg-1")],
    [_r(pack.HW_AGENCY, "ag", domainRoles=["OBS OperateAccess"])],
    [_r(pack.HW_BUCKET, "obs", bucket="b", acl="private")],
])
def test_clean_resources_pass_the_pack(resources):
    assert _found(resources) == set()


def test_broad_data_access_is_advisory_and_the_preview_shows_both_levels(tmp_path, capsys):
    from offline import preview

    doc = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["pai:*", "oss:*"], "Resource": "*"}]}
    assert _found([_r(pack_rules.RAM_POLICY, "p", policyName="p", policyDocument=json.dumps(doc))]) == {
        ("ram-broad-data-access", pack_rules.ADVISORY)}
    for stack in ("dev", "prod", "modelarts"):  # the example stacks: neither mandatory nor advisory lines
        assert preview.main(["--stack", stack, "--policy-pack", "--format", "json"]) == 0
        assert "policy violation" not in capsys.readouterr().err


def test_ram_full_access_only_on_the_bootstraps_deployer_role_and_administrator_access_nowhere():
    pipeline = _r("bootstrap:state_backend:PipelineRole", "deployer")
    role = {**_r(pack.RAM_ROLE, "deployer-role", roleName="pai-platform-deployer"), "parent": pipeline["urn"]}
    fake = _r(pack.RAM_ROLE, "fake", roleName="my-deployer")
    attach = lambda name, role_res, policy: _r(pack_rules.RAM_ROLE_POLICY_ATTACHMENT, name,
                                               deps={"roleName": [role_res["urn"]]},
                                               roleName=role_res["inputs"]["roleName"], policyName=policy)
    ok = attach("ok", role, "AliyunRAMFullAccess")
    bad = [attach("fake-ram", fake, "AliyunRAMFullAccess"), attach("admin", role, "AdministratorAccess")]
    found = pack.check_ram_admin_system_policy([pipeline, role, fake, ok, *bad])
    assert [u for u, _ in found] == [bad[1]["urn"], bad[0]["urn"]] or {u for u, _ in found} == {b["urn"] for b in bad}
