"""Config validation, case by case: each mistake is refused with one line naming the key, the value and the rule."""

from __future__ import annotations

import copy

import pytest

from components.core.config import load
from components.core.errors import ConfigError
from conftest import DSW_NETWORK, base_config, minimal_workspace, stack_config


def raw(cfg: dict) -> dict:
    """A stack `config:` map as the program sees it (project namespace stripped, region kept)."""
    out = {}
    for k, v in cfg.items():
        ns, _, name = k.partition(":")
        out[k if ns == "alicloud" else name] = copy.deepcopy(v)
    return out


def error_of(cfg: dict) -> str:
    with pytest.raises(ConfigError) as e:
        load(raw(cfg))
    msg = str(e.value)
    assert "\n" not in msg
    return msg


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_example_stacks_are_valid(stack):
    cfg = load(raw(stack_config(stack)))
    assert cfg.workspaces


def test_misspelt_key_is_refused_naming_it():
    ws = minimal_workspace(membrs=[])
    assert error_of(base_config(ws)).startswith("workspaces[0].membrs: unknown key (expected one of: name, displayName")


def test_misspelt_top_level_key_is_refused():
    assert error_of(base_config(namePrefx="x")).startswith("namePrefx: unknown key")


def test_bad_workspace_name():
    msg = error_of(base_config(minimal_workspace(name="9lives")))
    assert msg == "workspaces[0].name: '9lives' is not a PAI workspace name (3-23 letters, digits or '_', starting with a letter)"


def test_unknown_module():
    msg = error_of(base_config(minimal_workspace(modules=["itag", "notebooks"])))
    assert msg.startswith("workspaces[0].modules[1]: 'notebooks' is not a PAI module (expected one of: itag, designer, dsw")


def test_unknown_role_matches_the_documented_example():
    ws = minimal_workspace(members=[{"name": "a", "roles": ["PAI.AlgoDeveloper"]}, {"name": "b", "roles": ["PAI.WorkspaceGuest"]},
                                    {"name": "c", "roles": ["admin"]}])
    assert error_of(base_config(ws)).startswith(
        "workspaces[0].members[2].roles[0]: 'admin' is not a PAI workspace role (expected one of: PAI.WorkspaceOwner, "
    )


def test_overlapping_vswitch_cidrs():
    net = {"cidr": "10.0.0.0/16", "vswitches": [{"zoneId": "cn-hangzhou-h", "cidr": "10.0.0.0/20"},
                                                {"zoneId": "cn-hangzhou-i", "cidr": "10.0.8.0/24"}]}
    msg = error_of(base_config(minimal_workspace(modules=["dsw"], network=net)))
    assert msg == "workspaces[0].network.vswitches[1].cidr: '10.0.8.0/24' overlaps vswitches[0].cidr 10.0.0.0/20"


def test_vswitch_outside_vpc():
    net = {"cidr": "10.0.0.0/16", "vswitches": [{"zoneId": "cn-hangzhou-h", "cidr": "10.1.0.0/24"}]}
    msg = error_of(base_config(minimal_workspace(modules=["dsw"], network=net)))
    assert msg == "workspaces[0].network.vswitches[0].cidr: '10.1.0.0/24' is not inside the VPC CIDR 10.0.0.0/16"


def test_zone_repeated_and_zone_of_other_region():
    net = copy.deepcopy(DSW_NETWORK)
    net["vswitches"][1]["zoneId"] = "cn-hangzhou-h"
    assert "vswitches[1].zoneId: 'cn-hangzhou-h' zone repeated" in error_of(base_config(minimal_workspace(modules=["dsw"], network=net)))
    net = copy.deepcopy(DSW_NETWORK)
    net["vswitches"][0]["zoneId"] = "cn-beijing-h"
    assert error_of(base_config(minimal_workspace(modules=["dsw"], network=net))) == (
        "workspaces[0].network.vswitches[0].zoneId: 'cn-beijing-h' is not a zone of region cn-hangzhou (e.g. cn-hangzhou-h)"
    )


def test_module_needing_vpc_requires_network():
    assert error_of(base_config(minimal_workspace(modules=["dlc"]))) == "workspaces[0].network: is required: dlc need a VPC"


def test_network_refused_when_no_module_needs_it():
    msg = error_of(base_config(minimal_workspace(modules=["itag"], network=DSW_NETWORK)))
    assert msg.startswith("workspaces[0].network: is given, but no chosen module needs a VPC")


def test_description_length_is_pai_limit():
    msg = error_of(base_config(minimal_workspace(description="x" * 81)))
    assert msg.startswith("workspaces[0].description: 'xxxx") and msg.endswith("...' is 81 characters; PAI allows 1-80")


def test_duplicate_bucket_keys_and_names():
    ws = minimal_workspace(buckets=[{"key": "data"}, {"key": "data"}])
    assert error_of(base_config(ws)) == "workspaces[0].buckets[1].key: 'data' bucket key is used twice in this workspace"
    ws1 = minimal_workspace(buckets=[{"key": "a", "name": "shared-bucket"}])
    ws2 = minimal_workspace(name="other_ws", buckets=[{"key": "b", "name": "shared-bucket"}])
    assert error_of(base_config(ws1, ws2)).startswith("workspaces[1].buckets[0].name: 'shared-bucket' bucket name is used twice")


def test_bad_bucket_name():
    msg = error_of(base_config(minimal_workspace(buckets=[{"key": "a", "name": "Bad_Name"}])))
    assert msg.startswith("workspaces[0].buckets[0].name: 'Bad_Name' is not an OSS bucket name")


def test_shared_user_must_agree_across_workspaces():
    ws1 = minimal_workspace(members=[{"name": "alice", "roles": ["PAI.AlgoDeveloper"], "consoleLogin": True}])
    ws2 = minimal_workspace(name="other_ws", members=[{"name": "alice", "roles": ["PAI.AlgoDeveloper"]}])
    assert error_of(base_config(ws1, ws2)) == (
        "workspaces[1].members[0].consoleLogin: False differs from the same user at workspaces[0].members[0]"
    )


def test_types_are_strict():
    ws = minimal_workspace(members=[{"name": "alice", "roles": ["PAI.AlgoDeveloper"], "consoleLogin": "yes"}])
    assert error_of(base_config(ws)) == "workspaces[0].members[0].consoleLogin: 'yes' is not true or false"


def test_policy_document_grammar_and_wildcard():
    bad = {"name": "x", "document": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}
    msg = error_of(base_config(minimal_workspace(policies=[bad])))
    assert msg == "workspaces[0].policies[0].document: Statement[0]: a custom policy must not allow '*' on '*'"
    bad["document"]["Statement"][0] = {"Effect": "Permit", "Action": "oss:GetObject", "Resource": "*"}
    assert "Effect 'Permit' is not one of Allow, Deny" in error_of(base_config(minimal_workspace(policies=[bad])))


def test_derived_policy_names_must_not_collide():
    # "team_ws" and "TEAM_WS" are one PAI name; "a_b" policy keys collide only after '_' becomes '-'.
    ws1 = minimal_workspace()
    ws2 = minimal_workspace(name="TEAM_WS")
    assert "workspace name is used twice" in error_of(base_config(ws1, ws2))


def test_empty_workspaces_refused():
    assert error_of(base_config() | {"pai-platform:workspaces": []}) == "workspaces: needs at least 1 item(s) (an identity stack declares users: instead)"
