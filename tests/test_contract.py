"""The stack-file contract (issue 11): every mistake at once, namespaces, regions and zones, and the cloud limits a
real `pulumi up` would hit halfway through. Each refusal asserts the rule's text; limits are written here as their
source states them, never read from the code under test."""

from __future__ import annotations

import copy

import pytest

from components.alicloud import naming
from components.core.config import load
from components.core.errors import ConfigError
from conftest import DSW_NETWORK, ROOT, base_config, minimal_workspace
from offline import preview
from test_config import raw
from offline import tokens as T


def errors_of(cfg: dict, **kw) -> list[str]:
    with pytest.raises(ConfigError) as e:
        load(raw(cfg), **kw)
    return str(e.value).split("\n")


def error_of(cfg: dict, **kw) -> str:
    (line,) = errors_of(cfg, **kw)
    return line


def ws_with(**over) -> dict:
    return minimal_workspace(**over)


# --- every mistake at once ----------------------------------------------------------------------------------------


FIVE_MISTAKES = base_config(
    minimal_workspace(name="a_ws", members=[{"name": "alice", "roles": ["PAI.Nobody"]}]),
    minimal_workspace(name="b_ws", description="x" * 81),
    minimal_workspace(name="c_ws", modules=["dsw"]),  # needs a network
    minimal_workspace(name="d_ws", buckets=[{"key": "data", "storageClass": "ColdArchive", "redundancyType": "ZRS"}]),
    tags={"ALIYUN-team": "x"},
)


def test_five_mistakes_give_five_lines_sorted_by_key_path():
    lines = errors_of(FIVE_MISTAKES)
    assert [line.split(": ", 1)[0] for line in lines] == [
        "tags",
        "workspaces[0].members[0].roles[0]",
        "workspaces[1].description",
        "workspaces[2].network",
        "workspaces[3].buckets[0]",
    ]
    assert lines[2].startswith("workspaces[1].description: 'xxx") and lines[2].endswith("' is 81 characters; PAI allows 1-80")
    assert lines[3] == "workspaces[2].network: is required: dsw need a VPC"


def test_shape_and_meaning_mistakes_of_different_workspaces_show_together():
    # workspaces[0] is malformed (shape); workspaces[2] reuses workspaces[1]'s name (meaning): both are shown.
    cfg = base_config(minimal_workspace(name="a_ws", modules="itag"), minimal_workspace(name="b_ws"),
                      minimal_workspace(name="B_WS"))
    assert errors_of(cfg) == [
        "workspaces[0].modules: 'itag' is not a list",
        "workspaces[2].name: 'B_WS' workspace name is used twice (PAI names ignore case) (first at workspaces[1].name)",
    ]


def test_many_mistakes_are_capped_at_twenty_lines_and_counted():
    cfg = base_config(*[minimal_workspace(name=f"ws_{i:02}", description="") for i in range(25)])
    lines = errors_of(cfg)
    assert len(lines) == 21 and lines[-1] == "... and 5 more"
    assert lines[0].startswith("workspaces[0].description") and lines[1].startswith("workspaces[1].description")
    assert lines[9].startswith("workspaces[9].") and lines[10].startswith("workspaces[10].")  # natural order


def test_a_long_line_is_elided_to_200_characters_keeping_its_key():
    cfg = base_config(minimal_workspace(**{"x" * 150: 1}))
    line = error_of(cfg)
    assert len(line) <= 190 and line.startswith("workspaces[0]." + "x" * 100) and " ... " in line


def test_the_preview_prints_one_error_line_per_mistake_and_exits_2(project_with, capsys):
    project = project_with(FIVE_MISTAKES)
    assert preview.main(["--stack", "bad"], project_dir=project) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 5 and all(l.startswith("error: ") for l in err.splitlines())
    assert all(len(l) <= 200 for l in err.splitlines()) and "Traceback" not in err


# --- namespaces ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key,meant", [
    ("pai-platfrom:tags", "pai-platform"),
    ("pai_platform:accountBootstrap", "pai-platform"),
    ("Pai-Platform:namePrefix", "pai-platform"),
    ("alicoud:region", "alicloud"),
    ("huaweiclod:region", "huaweicloud"),
])
def test_a_near_miss_of_a_namespace_is_refused_with_did_you_mean(plan_for, key, meant):
    cfg = {**base_config(), key: "x"}
    with pytest.raises(ConfigError) as e:
        plan_for(cfg)  # as the program sees config under the CLI: every key, in every namespace
    assert str(e.value) == (f"{key}: namespace {key.partition(':')[0]!r} is not this project's "
                            f"(did you mean: {meant}:?); a key in another namespace reaches no setting")


def test_other_namespaces_are_someone_elses_and_pass(plan_for):
    plan_for({**base_config(), "aws:region": "us-east-1", "alicloud:profile": "ci", "kubernetes:context": "x"})


# --- regions and zones --------------------------------------------------------------------------------------------


def test_a_misspelt_region_is_refused_with_did_you_mean():
    assert error_of(base_config(**{"alicloud:region": "cn-hangzou"})) == (
        "alicloud:region: 'cn-hangzou' is not an Alibaba Cloud region id (did you mean: cn-hangzhou?)")


@pytest.mark.parametrize("region,zones", [
    ("ap-southeast-1", ["ap-southeast-1a", "ap-southeast-1b"]),  # Singapore
    ("eu-central-1", ["eu-central-1a", "eu-central-1b"]),  # Frankfurt
    ("us-west-1", ["us-west-1a", "us-west-1b"]),  # Silicon Valley
    ("cn-hongkong", ["cn-hongkong-b", "cn-hongkong-c"]),
])
def test_international_regions_and_their_zone_ids_preview(plan_for, region, zones):
    net = copy.deepcopy(DSW_NETWORK)
    for v, z in zip(net["vswitches"], zones):
        v["zoneId"] = z
    plan = plan_for(base_config(minimal_workspace(modules=["dsw"], network=net), **{"alicloud:region": region}))
    assert sorted(s.inputs["zoneId"] for s in plan.by_type(T.ALI_VSWITCH)) == zones


def test_a_zone_of_another_region_is_refused_with_an_example_of_the_right_form():
    net = copy.deepcopy(DSW_NETWORK)
    net["vswitches"][0]["zoneId"], net["vswitches"][1]["zoneId"] = "ap-southeast-2a", "ap-southeast-1b"
    cfg = base_config(minimal_workspace(modules=["dsw"], network=net), **{"alicloud:region": "ap-southeast-1"})
    assert error_of(cfg) == ("workspaces[0].network.vswitches[0].zoneId: 'ap-southeast-2a' is not a zone of region "
                             "ap-southeast-1 (e.g. ap-southeast-1a)")


# --- RAM limits over the whole stack ------------------------------------------------------------------------------


def test_one_user_spelt_two_ways_across_workspaces_is_refused():
    # RAM user names ignore case (CreateUser): 'Alice' and 'alice' are one user, which the program would create twice.
    cfg = base_config(minimal_workspace(name="a_ws", members=[{"name": "Alice", "roles": ["PAI.AlgoDeveloper"]}]),
                      minimal_workspace(name="b_ws", members=[{"name": "alice", "roles": ["PAI.AlgoDeveloper"]}]))
    assert error_of(cfg) == ("workspaces[1].members[0].name: 'alice' is spelt 'Alice' at workspaces[0].members[0]: "
                             "RAM user names ignore case, so both are one user; spell them the same")


def _in_workspaces(n: int, **member) -> dict:
    return base_config(*[minimal_workspace(name=f"ws_{i:02}", members=[{"name": "carol", "roles": ["PAI.AlgoDeveloper"],
                                                                        **member}]) for i in range(n)])


def test_ten_groups_per_user_count_the_resource_admins_group():
    # RAM: "Groups per user: 10" (https://www.alibabacloud.com/help/en/ram/product-overview/limits).
    load(raw(_in_workspaces(10)))
    assert error_of(_in_workspaces(10, resourceAdmin=True)) == (
        "workspaces[9].members[0].roles: 'carol' user would join 11 RAM groups over the stack (role, activators, "
        "dataset-acceleration and resource-admins groups); RAM allows 10 per user")


def test_ten_groups_per_user_count_each_dataset_acceleration_group():
    # A resource admin of a workspace with dataset acceleration joins its dataset-acceleration group: 1 resource-admins
    # group + 5 x (role group + dataset-acceleration group) = 11.
    accel = dict(modules=["itag", "dataset-acceleration"])
    five = [minimal_workspace(name=f"ws_{i:02}", **accel, members=[
        {"name": "carol", "roles": ["PAI.AlgoDeveloper"], "resourceAdmin": True}]) for i in range(5)]
    load(raw(base_config(*five[:4])))
    assert error_of(base_config(*five)) == (
        "workspaces[4].members[0].roles: 'carol' user would join 11 RAM groups over the stack (role, activators, "
        "dataset-acceleration and resource-admins groups); RAM allows 10 per user")


def test_ten_groups_per_user_count_the_activators_groups():
    assert error_of(_in_workspaces(6, activator=True)).startswith(
        "workspaces[5].members[0].roles: 'carol' user would join 12 RAM groups over the stack")


def test_system_policies_per_user_are_counted_over_the_stack(monkeypatch):
    # RAM allows 20 system policies per user; the catalogue holds fewer than that, so the rule is shown at 2.
    monkeypatch.setattr(naming, "MAX_SYSTEM_POLICIES_PER_USER", 2)
    eas = dict(modules=["eas"], network=DSW_NETWORK)
    cfg = base_config(
        minimal_workspace(name="a_ws", **eas, members=[{"name": "dan", "roles": ["PAI.AlgoDeveloper"], "systemPolicies": [
            "AliyunPAIEASReadOnlyAccess", "AliyunPAIReadOnlyAccess"]}]),
        minimal_workspace(name="b_ws", **eas, members=[{"name": "dan", "roles": ["PAI.AlgoDeveloper"],
                                                        "systemPolicies": ["AliyunPAIEASFullAccess"]}]))
    assert error_of(cfg) == ("workspaces[1].members[0].systemPolicies: 'dan' user would hold 3 system policies "
                             "directly; RAM allows 2 per user")


# --- system policies that fit the member --------------------------------------------------------------------------


@pytest.mark.parametrize("member,modules,rule", [
    ({"systemPolicies": ["AliyunOSSFullAccess"], "activator": True}, ["itag"],
     "'AliyunOSSFullAccess' is never given to a member: it reaches every bucket of the account, the Pulumi state "
     "bucket included"),
    ({"systemPolicies": ["AliyunNASFullAccess"]}, ["dsw"],
     "'AliyunNASFullAccess' is an activation policy (seed 002 activation table): only for a member with activator: true"),
    ({"systemPolicies": ["AliyunNASFullAccess"], "activator": True}, ["eas"],
     "'AliyunNASFullAccess' activates no service this workspace's modules need (modules: eas)"),
    ({"systemPolicies": ["AliyunPAIEASFullAccess"]}, ["dsw"],
     "'AliyunPAIEASFullAccess' is an EAS policy (seed 002): only in a workspace that uses eas (modules: dsw)"),
    ({"systemPolicies": ["AliyunPAIEASReadOnlyAccess"]}, ["itag"],
     "'AliyunPAIEASReadOnlyAccess' is an EAS policy (seed 002): only in a workspace that uses eas (modules: itag)"),
    ({"systemPolicies": ["AliyunDatasetAccFullAccess"], "resourceAdmin": True}, ["itag", "dataset-acceleration"],
     "'AliyunDatasetAccFullAccess' is not given by name: the workspace's dataset-acceleration group gives it to its "
     "resourceAdmin members"),
])
def test_a_system_policy_that_does_not_fit_the_member_is_refused(member, modules, rule):
    net = {"network": DSW_NETWORK} if {"dsw", "eas"} & set(modules) else {}
    ws = minimal_workspace(modules=modules, **net, members=[{"name": "dan", "roles": ["PAI.AlgoDeveloper"], **member}])
    assert error_of(base_config(ws)) == f"workspaces[0].members[0].systemPolicies[0]: {rule}"


@pytest.mark.parametrize("member,modules", [
    ({"systemPolicies": ["AliyunNASFullAccess", "AliyunVPCFullAccess"], "activator": True}, ["dsw"]),  # 002 row DSW
    ({"systemPolicies": ["AliyunEventBridgeFullAccess"], "activator": True}, ["itag"]),  # every workspace's service
    ({"systemPolicies": ["AliyunPAIEASFullAccess", "AliyunPAIEASReadOnlyAccess"]}, ["eas"]),
    ({"systemPolicies": ["AliyunPAIReadOnlyAccess"]}, ["itag"]),
])
def test_a_system_policy_that_fits_the_member_is_accepted(member, modules):
    net = {"network": DSW_NETWORK} if {"dsw", "eas"} & set(modules) else {}
    load(raw(base_config(minimal_workspace(modules=modules, **net, members=[
        {"name": "dan", "roles": ["PAI.AlgoDeveloper"], **member}]))))


# --- network, storage, tags ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("cidr,block", [
    ("100.64.0.0/10", "100.64.0.0/10"), ("100.100.0.0/16", "100.64.0.0/10"), ("224.0.0.0/8", "224.0.0.0/4"),
    ("127.0.0.0/8", "127.0.0.0/8"), ("169.254.0.0/16", "169.254.0.0/16"),
])
def test_reserved_vpc_blocks_and_their_subnets_are_refused(cidr, block):
    # alicloud_vpc cidr_block: "cannot use 100.64.0.0/10, 224.0.0.0/4, 127.0.0.0/8, 169.254.0.0/16 and their subnets".
    net = {"cidr": cidr, "vswitches": [{"zoneId": "cn-hangzhou-h", "cidr": cidr.rsplit("/", 1)[0] + "/24"}]}
    lines = errors_of(base_config(minimal_workspace(modules=["dsw"], network=net)))
    assert f"workspaces[0].network.cidr: '{cidr}' lies in the reserved block {block}, which Alibaba Cloud refuses for a VPC" in lines


def test_a_block_starting_with_0_is_refused():
    net = {"cidr": "0.0.0.0/8", "vswitches": [{"zoneId": "cn-hangzhou-h", "cidr": "0.0.1.0/24"}]}
    assert ("workspaces[0].network.cidr: '0.0.0.0/8' starts with 0, which Alibaba Cloud refuses for a VPC"
            in errors_of(base_config(minimal_workspace(modules=["dsw"], network=net))))


def test_cold_archive_cannot_be_zone_redundant():
    # OSS: "ZRS supports the following storage classes: Standard, Infrequent Access (IA), and Archive".
    bad = minimal_workspace(buckets=[{"key": "cold", "storageClass": "ColdArchive", "redundancyType": "ZRS"}])
    assert error_of(base_config(bad)) == ("workspaces[0].buckets[0]: storageClass ColdArchive cannot be ZRS "
                                          "(ZRS supports Standard, IA, Archive); use redundancyType: LRS")
    for cls in ("Standard", "IA", "Archive"):
        load(raw(base_config(minimal_workspace(buckets=[{"key": "b", "storageClass": cls, "redundancyType": "ZRS"}]))))


@pytest.mark.parametrize("key,value,rule", [
    ("k" * 65, "v", "tag key 'kkkk"),  # OSS: a tag key "can be up to 64 bytes"
    ("é" * 33, "v", "is 66 bytes; allowed 1-64"),  # bytes, not characters
    ("ALIYUN-team", "v", "must not start with 'aliyun' (any case)"),  # "This check is case-insensitive"
    ("acs:team", "v", "must not start with 'aliyun' (any case) or 'acs:'"),
    ("team@x", "v", "may hold letters, digits, spaces and + - = . _ : / only"),  # OSS 0010-00000213
    ("team", "v" * 129, "is 129 bytes; allowed 0-128"),
])
def test_tags_follow_oss_bucket_tag_rules(key, value, rule):
    line = error_of(base_config(tags={key: value}))
    assert line.startswith("tags: ") and rule in line


def test_a_tag_of_64_bytes_with_every_allowed_character_passes():
    load(raw(base_config(tags={"a" * 56 + " +-=._:/": "x"})))


# --- policies -----------------------------------------------------------------------------------------------------


def _with_policy(**policy) -> dict:
    doc = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject", "Resource": "*"}]}
    return base_config(minimal_workspace(policies=[{"name": "extra", "document": doc, **policy}]))


def test_an_action_written_as_a_block_scalar_keeps_its_line_break_and_is_refused():
    cfg = _with_policy()
    cfg["pai-platform:workspaces"][0]["policies"][0]["document"]["Statement"][0]["Action"] = "oss:GetObject\n"
    assert error_of(cfg) == ("workspaces[0].policies[0].document: Statement[0]: Action 'oss:GetObject\\n' is not "
                             "shaped 'service:Action' (wildcards * and ? allowed)")


def test_roles_empty_is_refused_not_read_as_every_role():
    assert error_of(_with_policy(roles=[])) == (
        "workspaces[0].policies[0].roles: is empty: the policy would reach nobody; name roles, or drop the key for "
        "every role used")


@pytest.mark.parametrize("action,resource", [
    ("*", "*"), ("**", "*"), ("*:*", "acs:*:*:*:*"), ("*", "acs:*:*:*:**"), ("*", "**"), ("*", "acs:*"),
])
def test_every_spelling_of_star_on_star_is_refused(action, resource):
    cfg = _with_policy()
    cfg["pai-platform:workspaces"][0]["policies"][0]["document"]["Statement"][0].update(Action=action, Resource=resource)
    assert error_of(cfg) == "workspaces[0].policies[0].document: Statement[0]: a custom policy must not allow '*' on '*'"


def test_a_wildcard_within_a_service_or_a_bucket_is_not_star_on_star():
    cfg = _with_policy()
    cfg["pai-platform:workspaces"][0]["policies"][0]["document"]["Statement"][0].update(
        Action="oss:*", Resource=["acs:oss:*:*:bucket", "acs:oss:*:*:bucket/*"])
    load(raw(cfg))


# --- Designer and MaxCompute (seed 002) ---------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["designer", "automl"])
def test_a_maxcompute_module_without_a_maxcompute_developer_is_warned_about(plan_for, module):
    # Seed 002, dependent-service table, MaxCompute row: "Add the MaxCompute Developer role for RAM accounts in the
    # workspace." Designer and AutoML depend on MaxCompute (same table).
    plan = plan_for(base_config(minimal_workspace(modules=[module])))
    assert plan.warnings == [f"workspaces[0].members: no member has PAI.MaxComputeDeveloper; {module} use MaxCompute, "
                             "and seed 002 asks for that role for its RAM users"]
    members = [{"name": "alice", "roles": ["PAI.AlgoDeveloper", "PAI.MaxComputeDeveloper"]}]
    assert plan_for(base_config(minimal_workspace(modules=[module], members=members))).warnings == []


def test_the_preview_shows_warnings_on_stderr(project_with, capsys):
    project = project_with(base_config(minimal_workspace(modules=["designer"])))
    assert preview.main(["--stack", "bad"], project_dir=project) == 0
    err = capsys.readouterr().err
    assert err.startswith("warning: workspaces[0].members: no member has PAI.MaxComputeDeveloper")


def test_the_example_stacks_warn_about_nothing(example_plan):
    assert example_plan("dev").warnings == [] and example_plan("prod").warnings == []
