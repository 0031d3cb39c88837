"""Member grants (config `activator`, `resourceAdmin`, `systemPolicies`) as the program registers them.

The expected policy sets are written out from seed 002's activation table (not computed from the catalogue), so a
wrong catalogue row or a wrong wiring both fail here.
"""

from __future__ import annotations

from conftest import DSW_NETWORK, base_config, minimal_workspace
from offline import tokens as T

T_GROUP = T.ALI_GROUP
T_GPA = T.ALI_GROUP_POLICY
T_UPA = T.ALI_USER_POLICY
T_UGA = T.ALI_USER_GROUP


def system_policies_of_group(plan, group: str) -> set[str]:
    return {a.plain_inputs()["policyName"] for a in plan.by_type(T_GPA)
            if a.plain_inputs()["groupName"] == group and a.plain_inputs()["policyType"] == "System"}


def members_of(plan, group: str) -> set[str]:
    return {a.plain_inputs()["userName"] for a in plan.by_type(T_UGA) if a.plain_inputs()["groupName"] == group}


def holders_of(plan, policy_name: str) -> set[str]:
    groups = {f"group {a.plain_inputs()['groupName']}" for a in plan.by_type(T_GPA)
              if a.plain_inputs()["policyName"] == policy_name}
    users = {f"user {a.plain_inputs()['userName']}" for a in plan.by_type(T_UPA)
             if a.plain_inputs()["policyName"] == policy_name}
    return groups | users


def test_activator_gets_exactly_the_activation_policies_of_its_workspace_services(plan_for):
    dsw = minimal_workspace(name="nlp", modules=["dsw"], network=DSW_NETWORK, members=[
        {"name": "admin", "roles": ["PAI.WorkspaceAdmin"], "activator": True},
        {"name": "alice", "roles": ["PAI.AlgoDeveloper"]},
    ])
    labels = minimal_workspace(name="labels", members=[
        {"name": "lab-admin", "roles": ["PAI.LabelManager"], "activator": True},
    ])
    plan = plan_for(base_config(dsw, labels))
    # DSW: OSS, NAS, VPC (002 table) + EventBridge for the workspace (000).
    assert system_policies_of_group(plan, "acme-nlp-activators") == {
        "AliyunOSSFullAccess", "AliyunNASFullAccess", "AliyunVPCFullAccess", "AliyunEventBridgeFullAccess"}
    assert members_of(plan, "acme-nlp-activators") == {"admin"}
    # iTAG: OSS only + EventBridge; nothing of the other workspace's services leaks in.
    assert system_policies_of_group(plan, "acme-labels-activators") == {
        "AliyunOSSFullAccess", "AliyunEventBridgeFullAccess"}
    assert members_of(plan, "acme-labels-activators") == {"lab-admin"}


def test_designer_activator_gets_the_maxcompute_pair_and_flink(plan_for):
    ws = minimal_workspace(modules=["designer"], members=[
        {"name": "alice", "roles": ["PAI.AlgoDeveloper", "PAI.MaxComputeDeveloper"], "activator": True}])
    plan = plan_for(base_config(ws))
    assert system_policies_of_group(plan, "acme-team-ws-activators") == {
        "AliyunOSSFullAccess", "AliyunBSSOrderAccess", "AliyunDataWorksFullAccess", "AliyunStreamFullAccess",
        "AliyunEventBridgeFullAccess"}


def test_no_activator_means_no_activators_group_and_no_activation_policy(plan_for):
    plan = plan_for(base_config(minimal_workspace()))
    assert not [g for g in plan.by_type(T_GROUP) if g.plain_inputs()["groupName"].endswith("-activators")]
    assert holders_of(plan, "AliyunOSSFullAccess") == set()
    assert holders_of(plan, "AliyunEventBridgeFullAccess") == set()


def test_pai_full_access_goes_only_to_the_resource_admins_group_when_asked(plan_for):
    ws = minimal_workspace(members=[
        {"name": "boss", "roles": ["PAI.WorkspaceAdmin"], "resourceAdmin": True},
        {"name": "alice", "roles": ["PAI.AlgoDeveloper"]},
    ])
    plan = plan_for(base_config(ws))
    assert holders_of(plan, "AliyunPAIFullAccess") == {"group acme-pai-resource-admins"}
    assert members_of(plan, "acme-pai-resource-admins") == {"boss"}
    # itag has no dataset acceleration: the group holds AliyunPAIFullAccess and nothing else.
    assert system_policies_of_group(plan, "acme-pai-resource-admins") == {"AliyunPAIFullAccess"}


def test_without_a_resource_admin_nobody_gets_pai_full_access(plan_for):
    plan = plan_for(base_config(minimal_workspace(members=[
        {"name": "boss", "roles": ["PAI.WorkspaceAdmin", "PAI.WorkspaceOwner"], "activator": True}])))
    assert holders_of(plan, "AliyunPAIFullAccess") == set()
    assert not [g for g in plan.by_type(T_GROUP) if g.plain_inputs()["groupName"] == "acme-pai-resource-admins"]


def test_dataset_acceleration_goes_to_the_resource_admins_of_the_workspace_that_uses_it_only(plan_for):
    # Seed 002 "AI Acceleration": dataset acceleration needs AliyunPAIFullAccess and AliyunDatasetAccFullAccess.
    # boss (resource admin of `accel`) gets both; root is a resource admin of another workspace only, and gets
    # AliyunPAIFullAccess but not dataset acceleration; alice (no resourceAdmin) gets neither.
    accel = minimal_workspace(name="accel", modules=["itag", "dataset-acceleration"], members=[
        {"name": "boss", "roles": ["PAI.WorkspaceAdmin"], "resourceAdmin": True},
        {"name": "alice", "roles": ["PAI.AlgoDeveloper"]}])
    other = minimal_workspace(name="other", members=[
        {"name": "root", "roles": ["PAI.WorkspaceAdmin"], "resourceAdmin": True}])
    plan = plan_for(base_config(accel, other))
    assert system_policies_of_group(plan, "acme-pai-resource-admins") == {"AliyunPAIFullAccess"}
    assert members_of(plan, "acme-pai-resource-admins") == {"boss", "root"}
    assert holders_of(plan, "AliyunDatasetAccFullAccess") == {"group acme-accel-dataset-acceleration"}
    assert system_policies_of_group(plan, "acme-accel-dataset-acceleration") == {"AliyunDatasetAccFullAccess"}
    assert members_of(plan, "acme-accel-dataset-acceleration") == {"boss"}
    # no custom policy reaches the group: it is not a role group
    assert not [a for a in plan.by_type(T_GPA) if a.plain_inputs()["groupName"] == "acme-accel-dataset-acceleration"
                and a.plain_inputs()["policyType"] != "System"]
    # AliyunPAIFullAccess stays in the resource-admins group: the policy pack finds nothing to refuse
    from offline.preview import plan_json
    from policypack import rules as pack

    assert pack.check_preview(plan_json(plan)["resources"]) == []


def test_dataset_acceleration_without_a_resource_admin_is_refused(plan_for):
    import pulumi
    import pytest

    ws = minimal_workspace(modules=["itag", "dataset-acceleration"], members=[
        {"name": "boss", "roles": ["PAI.WorkspaceAdmin"], "activator": True}])
    with pytest.raises(pulumi.RunError) as e:
        plan_for(base_config(ws))
    assert ("workspaces[0].modules[1]: 'dataset-acceleration' needs a member with resourceAdmin: true (seed 002: "
            "AliyunPAIFullAccess + AliyunDatasetAccFullAccess, for its resource admins only)" in str(e.value))


def test_extra_system_policies_are_attached_to_that_user_only(plan_for):
    ws = minimal_workspace(modules=["eas"], network=DSW_NETWORK, members=[
        {"name": "alice", "roles": ["PAI.AlgoDeveloper"], "systemPolicies": ["AliyunPAIEASReadOnlyAccess"]},
        {"name": "bob", "roles": ["PAI.AlgoDeveloper"]},
    ])
    plan = plan_for(base_config(ws))
    assert holders_of(plan, "AliyunPAIEASReadOnlyAccess") == {"user alice"}
    (att,) = [a for a in plan.by_type(T_UPA) if a.plain_inputs()["policyName"] == "AliyunPAIEASReadOnlyAccess"]
    assert att.plain_inputs()["policyType"] == "System"
