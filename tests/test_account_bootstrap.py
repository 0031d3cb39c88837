"""Account bootstrap (components/alicloud/resources/account.py, config `accountBootstrap`): what is automated, what is left by hand."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.alicloud.plan import catalogue
from components.alicloud.resources import account
from components.core import config
from conftest import DSW_NETWORK, base_config, minimal_workspace, stack_config
from offline import tokens as T

T_BOOT = "pai:account:Bootstrap"
T_SLR = T.ALI_SERVICE_LINKED_ROLE
T_BUNDLE = "pai:bundle:WorkspaceBundle"
# The only activation calls that work in pulumi-alicloud 4.0.0 (ALICLOUD-FACTS §4), written out here.
WORKING = {"oss", "nas", "apigateway", "eventbridge"}


def invoked_services(plan) -> dict[str, dict]:
    return {i.token.split(":")[1].split("/")[0]: i.args for i in plan.invokes if i.token.endswith("/getService:getService")}


def keys(steps) -> list[str]:
    return [s.key for s in steps]


# --- the pure plan ------------------------------------------------------------------------------------------------


def test_itag_activates_oss_and_eventbridge_and_creates_the_workspace_role():
    p = account.plan_bootstrap(["itag"])
    assert p.activate == ("oss", "eventbridge")
    assert [(r.role_name, r.service_name) for r in p.linked_roles] == [
        ("AliyunServiceRoleForPAIWorkspace", "aiworkspace.pai.aliyuncs.com")]
    assert keys(p.manual_steps) == ["activate-pai", "import-linked-roles"]


def test_dsw_dlc_leave_their_roles_to_the_console():
    p = account.plan_bootstrap(["dsw", "dlc"])
    assert p.activate == ("oss", "nas", "eventbridge")
    assert [r.key for r in p.linked_roles] == ["workspace"]
    steps = {s.key: s for s in p.manual_steps}
    assert {"role-dsw", "role-dlc", "role-AliyunPAIDLCDefaultRole", "role-AliyunPAIDSWDefaultRole",
            "activate-vpc"} <= set(steps)
    assert "Activation & Authorization > Dependent Services" in steps["role-dlc"].console
    assert "trusted principal is not documented" in steps["role-AliyunPAIDLCDefaultRole"].why


def test_designer_and_automl_maxcompute_and_flink_are_manual_automl_role_is_created():
    p = account.plan_bootstrap(["designer", "automl"])
    assert p.activate == ("oss", "eventbridge")
    assert [r.key for r in p.linked_roles] == ["workspace", "automl"]
    steps = {s.key: s for s in p.manual_steps}
    assert "can no longer activate" in steps["activate-maxcompute"].why
    assert "activate-flink" in steps


def test_eas_activates_api_gateway_but_its_role_and_sls_cloudmonitor_are_manual():
    p = account.plan_bootstrap(["eas"])
    assert p.activate == ("oss", "apigateway", "eventbridge")
    steps = {s.key: s for s in p.manual_steps}
    assert "no Alibaba Cloud page states its service name" in steps["role-eas"].why
    assert "no-op" in steps["activate-sls"].why and "obsolete" in steps["activate-cloudmonitor"].why


def test_acr_is_manual_because_its_call_needs_a_password():
    p = account.plan_bootstrap(["assets"])
    assert "acr" not in p.activate
    assert "password" in {s.key: s for s in p.manual_steps}["activate-acr"].why


def test_langstudio_creates_its_verified_role_and_leaves_arms_by_hand():
    p = account.plan_bootstrap(["langstudio"])
    assert [r.service_name for r in p.linked_roles] == ["aiworkspace.pai.aliyuncs.com", "langstudio.pai.aliyuncs.com"]
    assert "activate-arms" in keys(p.manual_steps)


def test_switches_turn_automation_into_manual_steps():
    p = account.plan_bootstrap(["dsw"], activate_services=False, service_linked_roles=False)
    assert p.activate == () and p.linked_roles == ()
    assert {"activate-oss", "activate-nas", "activate-eventbridge", "role-workspace"} <= set(keys(p.manual_steps))
    assert "import-linked-roles" not in keys(p.manual_steps)


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(sorted(catalogue.MODULES))), st.booleans(), st.booleans())
def test_never_calls_a_no_op_or_missing_activation_and_never_guesses_a_role(modules, activate, roles):
    p = account.plan_bootstrap(sorted(modules), activate, roles)
    assert set(p.activate) <= WORKING
    assert all(r.service_name for r in p.linked_roles)
    assert all(r.service_name.endswith(".pai.aliyuncs.com") for r in p.linked_roles)
    # every needed service is either activated or a manual step; every needed role is created or a manual step
    step_keys = set(keys(p.manual_steps))
    for svc in p.services:
        assert (svc in p.activate) != (f"activate-{svc}" in step_keys)
    for role in catalogue.linked_roles_for(modules):
        assert (role in p.linked_roles) != (f"role-{role.key}" in step_keys)
    assert step_keys  # PAI itself is always activated by hand
    assert all(s.console and s.why for s in p.manual_steps)


# --- config -------------------------------------------------------------------------------------------------------


def raw(cfg):
    return {k.removeprefix("pai-platform:"): v for k, v in cfg.items()}


def test_off_by_default():
    cfg = config.load(raw(base_config(minimal_workspace())))
    assert cfg.account_bootstrap.enabled is False


@pytest.mark.parametrize(
    "setting, message",
    [
        ({"enabled": "yes"}, "accountBootstrap.enabled: 'yes' is not true or false"),
        ({"enabled": True, "activate": True}, "accountBootstrap.activate: unknown key"),
        (True, "accountBootstrap: True is not a mapping"),
    ],
)
def test_bad_settings_are_one_line_errors(setting, message):
    with pytest.raises(config.ConfigError) as e:
        config.load(raw(base_config(minimal_workspace(), accountBootstrap=setting)))
    assert "\n" not in str(e.value) and str(e.value).startswith(message)


def test_dev_example_leaves_it_off_prod_turns_it_on():
    assert "pai-platform:accountBootstrap" not in stack_config("dev")
    assert config.load(raw(stack_config("prod"))).account_bootstrap.enabled is True


# --- under the engine ---------------------------------------------------------------------------------------------


def test_disabled_registers_nothing_and_calls_nothing(plan_for):
    plan = plan_for(base_config(minimal_workspace()))
    assert plan.by_type(T_BOOT) == [] and plan.by_type(T_SLR) == []
    assert invoked_services(plan) == {}
    assert "accountBootstrap" not in plan.outputs


def test_enabled_activates_creates_roles_and_exports_manual_steps(plan_for):
    ws = minimal_workspace(modules=["dsw", "automl"], network=DSW_NETWORK)
    plan = plan_for(base_config(ws, accountBootstrap={"enabled": True}))
    (boot,) = plan.by_type(T_BOOT)
    assert invoked_services(plan) == {s: {"enable": "On"} for s in ("oss", "nas", "eventbridge")}
    roles = plan.by_type(T_SLR)
    assert sorted(r.plain_inputs()["serviceName"] for r in roles) == [
        "aiworkspace.pai.aliyuncs.com", "automl.pai.aliyuncs.com"]
    assert all(r.retain_on_delete and r.parent == boot.urn and not r.protect for r in roles)
    out = plan.outputs["accountBootstrap"]
    assert set(out["activated"]) == {"oss", "nas", "eventbridge"}
    steps = {s["key"]: s for s in out["manualSteps"]}
    assert {"activate-pai", "role-dsw", "role-AliyunPAIDSWDefaultRole", "import-linked-roles"} <= set(steps)


def test_account_wide_component_without_artificial_dependencies(plan_for):
    ws = minimal_workspace(modules=["eas"], network=DSW_NETWORK)
    plan = plan_for(base_config(ws, accountBootstrap={"enabled": True}))
    (boot,) = plan.by_type(T_BOOT)
    assert boot.parent.endswith("::pulumi:pulumi:Stack::pai-platform-test")  # not inside any workspace bundle
    boot_urns = {r.urn for r in plan.resources if r.type in (T_BOOT, T_SLR)}
    for r in plan.resources:
        if r.type not in (T_BOOT, T_SLR):
            assert not boot_urns.intersection(r.dependencies), r.urn


def test_switches_reach_the_component(plan_for):
    plan = plan_for(base_config(minimal_workspace(), accountBootstrap={
        "enabled": True, "activateServices": False, "serviceLinkedRoles": False}))
    assert len(plan.by_type(T_BOOT)) == 1
    assert invoked_services(plan) == {} and plan.by_type(T_SLR) == []
    assert {"activate-oss", "role-workspace"} <= {s["key"] for s in plan.outputs["accountBootstrap"]["manualSteps"]}


# --- preview (dry run) and up -------------------------------------------------------------------------------------


def _plan(cfg, dry_run):
    import copy

    from conftest import PROJECT, ROOT
    from offline.preview import plan_stack
    from offline.runtime import config_from_stack_yaml

    return plan_stack("test", ROOT, config_from_stack_yaml(PROJECT, copy.deepcopy(cfg)), dry_run=dry_run)


def test_preview_makes_no_activation_call_and_reports_would_activate():
    ws = minimal_workspace(modules=["dsw"], network=DSW_NETWORK)
    plan = _plan(base_config(ws, accountBootstrap={"enabled": True}), dry_run=True)
    assert invoked_services(plan) == {}
    assert plan.outputs["accountBootstrap"]["activated"] == {s: account.WOULD_ACTIVATE for s in ("oss", "nas", "eventbridge")}
    # the service-linked roles are resources: the preview shows them as creates, as `pulumi preview` would
    assert len(plan.by_type(T_SLR)) == 1


def test_up_still_activates():
    ws = minimal_workspace(modules=["dsw"], network=DSW_NETWORK)
    plan = _plan(base_config(ws, accountBootstrap={"enabled": True}), dry_run=False)
    assert invoked_services(plan) == {s: {"enable": "On"} for s in ("oss", "nas", "eventbridge")}
    assert plan.outputs["accountBootstrap"]["activated"] == {s: "Opened" for s in ("oss", "nas", "eventbridge")}


def test_offline_preview_cli_runs_as_pulumi_preview(capsys):
    """`make preview STACK=prod` (prod has accountBootstrap on) shows the preview behaviour: would activate."""
    import json

    from offline import preview

    assert preview.main(["--stack", "prod", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    activated = out["outputs"]["accountBootstrap"]["activated"]
    assert activated and set(activated.values()) == {account.WOULD_ACTIVATE}
