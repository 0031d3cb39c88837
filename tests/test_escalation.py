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
