"""Account hygiene in the account bootstrap (issue 12 item 5): the RAM password policy (on with secure defaults when
the bootstrap is on) and an optional ActionTrail trail to the stack's access-log bucket. Limits are written here as
the SDK documents them (pulumi_alicloud/ram/password_policy.py), not read from the code."""

from __future__ import annotations

import pytest

from components.core.config import load
from components.core.errors import ConfigError
from conftest import base_config, minimal_workspace
from offline import tokens as T
from test_config import raw


def _boot(**bootstrap) -> dict:
    return base_config(minimal_workspace(), accountBootstrap={"enabled": True, **bootstrap})


def test_prod_sets_a_secure_password_policy_and_a_trail_to_its_log_bucket(example_plan):
    plan = example_plan("prod")
    (policy,) = plan.by_type(T.ALI_PASSWORD_POLICY)
    assert policy.plain_inputs() == {
        "minimumPasswordLength": 14, "requireLowercaseCharacters": True, "requireUppercaseCharacters": True,
        "requireNumbers": True, "requireSymbols": True, "passwordReusePrevention": 5, "maxPasswordAge": 90,
        "maxLoginAttemps": 5,
    }
    assert policy.retain_on_delete  # the account keeps a password policy whatever happens to the stack
    (trail,) = plan.by_type(T.ALI_TRAIL)
    assert trail.plain_inputs() == {"trailName": "acme-prod-trail", "ossBucketName": "acme-prod-access-logs",
                                    "ossKeyPrefix": "actiontrail", "eventRw": "All", "trailRegion": "All",
                                    "status": "Enable"}
    # It waits for the log bucket (the SDK expands a component dependency into the component's resources).
    assert plan.one(T.ALI_BUCKET, "access-logs").urn in trail.dependencies


def test_the_dev_stack_has_no_bootstrap_so_no_account_settings(example_plan):
    plan = example_plan("dev")
    assert plan.by_type(T.ALI_PASSWORD_POLICY) == [] and plan.by_type(T.ALI_TRAIL) == []


def test_the_password_policy_can_be_left_alone_and_the_trail_pointed_elsewhere(plan_for):
    plan = plan_for(_boot(passwordPolicy={"enabled": False},
                          actionTrail={"enabled": True, "bucket": "acme-audit-trail", "keyPrefix": "trail"}))
    assert plan.by_type(T.ALI_PASSWORD_POLICY) == []
    (trail,) = plan.by_type(T.ALI_TRAIL)
    assert trail.plain_inputs()["ossBucketName"] == "acme-audit-trail" and trail.plain_inputs()["ossKeyPrefix"] == "trail"


@pytest.mark.parametrize("key,value,rule", [
    ("minimumLength", 7, "minimumLength 7 is outside 8-32"),
    ("minimumLength", 33, "minimumLength 33 is outside 8-32"),
    ("reusePrevention", 25, "reusePrevention 25 is outside 0-24"),
    ("maxAgeDays", 1096, "maxAgeDays 1096 is outside 0-1095"),
    ("maxLoginAttempts", 33, "maxLoginAttempts 33 is outside 0-32"),
])
def test_password_policy_limits_are_ram_s(key, value, rule):
    with pytest.raises(ConfigError) as e:
        load(raw(_boot(passwordPolicy={key: value})))
    assert str(e.value) == f"accountBootstrap.passwordPolicy.{key}: {value} {rule} (RAM's account password policy)"


# --- VPC flow logs, per workspace network ---------------------------------------------------------------------------

from conftest import DSW_NETWORK  # noqa: E402


def test_a_new_vpc_can_send_its_flow_logs_to_an_existing_logstore(plan_for):
    net = {**DSW_NETWORK, "flowLogs": {"project": "acme-net-logs", "logStore": "vpc_flow"}}
    plan = plan_for(base_config(minimal_workspace(modules=["dsw"], network=net)))
    (flow,) = plan.by_type(T.ALI_FLOW_LOG)
    inputs = flow.plain_inputs()
    assert {k: inputs[k] for k in ("resourceType", "trafficType", "projectName", "logStoreName")} == {
        "resourceType": "VPC", "trafficType": "All", "projectName": "acme-net-logs", "logStoreName": "vpc_flow"}
    assert inputs["resourceId"] == plan.by_type(T.ALI_VPC)[0].id
    assert inputs["tags"]["pai-workspace"] == "team_ws"
    assert plan_for(base_config(minimal_workspace(modules=["dsw"], network=DSW_NETWORK))).by_type(T.ALI_FLOW_LOG) == []


@pytest.mark.parametrize("flow,path,rule", [
    ({"project": "Acme_Logs", "logStore": "vpc_flow"}, "project",
     "'Acme_Logs' is not an SLS project name (3-63 lowercase letters, digits or '-', starting and ending with a letter or digit)"),
    ({"project": "acme-logs", "logStore": "_flow"}, "logStore",
     "'_flow' is not an SLS logstore name (3-63 lowercase letters, digits, '-' or '_', starting and ending with a letter or digit)"),
])
def test_flow_log_targets_follow_sls_naming(flow, path, rule):
    with pytest.raises(ConfigError) as e:
        load(raw(base_config(minimal_workspace(modules=["dsw"], network={**DSW_NETWORK, "flowLogs": flow}))))
    assert str(e.value) == f"workspaces[0].network.flowLogs.{path}: {rule}"
