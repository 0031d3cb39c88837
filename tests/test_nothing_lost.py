"""Nothing lost: data-holding resources are protected, removals only take away access, and logical names are
keyed by stable config keys, so editing a list touches only what was edited. Diffs are taken between offline
plans, by URN, the way the engine matches resources between two deployments.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Callable

import pytest

from conftest import base_config, minimal_workspace, stack_config
from offline import preview
from offline.preview import plan_json, render_json

BUCKET = "alicloud:oss/bucket:Bucket"
FILE_SYSTEM = "alicloud:nas/fileSystem:FileSystem"
WORKSPACE = "alicloud:pai/workspaceWorkspace:WorkspaceWorkspace"
DATA_HOLDERS = {BUCKET, FILE_SYSTEM, WORKSPACE}
# What a member is made of: their RAM identity, their memberships, and (if they were a role's only member) the
# role's group and the policies attached to it. None of it holds data.
ACCESS_TYPES = {
    "alicloud:ram/user:User",
    "alicloud:ram/loginProfile:LoginProfile",
    "random:index/randomPassword:RandomPassword",
    "alicloud:ram/accessKey:AccessKey",
    "alicloud:ram/userGroupAttachment:UserGroupAttachment",
    "alicloud:ram/userPolicyAttachment:UserPolicyAttachment",
    "alicloud:ram/groupPolicyAttachment:GroupPolicyAttachment",
    "alicloud:ram/group:Group",
    "alicloud:ram/policy:Policy",
    "alicloud:pai/workspaceMember:WorkspaceMember",
}

NETWORK = {
    "cidr": "10.30.0.0/16",
    "vswitches": [
        {"zoneId": "cn-hangzhou-h", "cidr": "10.30.1.0/24"},
        {"zoneId": "cn-hangzhou-i", "cidr": "10.30.2.0/24"},
        {"zoneId": "cn-hangzhou-j", "cidr": "10.30.3.0/24"},
    ],
}
POLICY_DOC = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["eas:ListServices"], "Resource": "*"}]}
CAROL = {"consoleLogin": True, "activator": True, "resourceAdmin": True}

RICH = base_config(
    minimal_workspace(
        name="nlp",
        description="NLP team",
        modules=["dsw", "eas"],
        envTypes=["dev", "prod"],
        network=NETWORK,
        buckets=[{"key": "datasets"}, {"key": "checkpoints", "storageClass": "IA"}, {"key": "models", "redundancyType": "ZRS"}],
        fileSystems=[
            {"key": "shared", "description": "Shared home"},
            {"key": "fast", "fileSystemType": "extreme", "storageType": "standard", "capacity": 100, "zoneId": "cn-hangzhou-i"},
        ],
        members=[
            {"name": "alice", "roles": ["PAI.AlgoDeveloper"], "consoleLogin": True, "accessKey": True,
             "systemPolicies": ["AliyunPAIEASReadOnlyAccess"]},
            {"name": "bob", "roles": ["PAI.AlgoDeveloper", "PAI.AlgoOperator"]},
            {"name": "carol", "roles": ["PAI.WorkspaceAdmin"], **CAROL},
            {"name": "dave", "roles": ["PAI.WorkspaceGuest"], "consoleLogin": True},
        ],
        policies=[
            {"name": "eas-read", "roles": ["PAI.AlgoOperator"], "document": POLICY_DOC},
            {"name": "eas-read-all", "document": POLICY_DOC},
        ],
    ),
    minimal_workspace(
        name="labels",
        description="Labelling",
        modules=["itag"],
        buckets=[{"key": "raw"}, {"key": "labelled"}],
        members=[{"name": "carol", "roles": ["PAI.LabelManager"], **CAROL}, {"name": "erin", "roles": ["PAI.LabelManager"]}],
    ),
    tags={"env": "test", "team": "ml"},
)


_PLANS: dict[str, str] = {}


@pytest.fixture
def resources(plan_for) -> Callable[[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The plan of a config as the JSON preview shows it, by URN (each distinct config, in its key order, is run
    once per session: the base config is compared in most tests)."""

    def _run(cfg: dict[str, Any], *, text: bool = False) -> Any:
        key = json.dumps(cfg)
        if key not in _PLANS:
            _PLANS[key] = json.dumps(plan_json(plan_for(cfg))["resources"])
        return _PLANS[key] if text else {r["urn"]: r for r in json.loads(_PLANS[key])}

    return _run


def edited(cfg: dict[str, Any], edit: Callable[[list[dict[str, Any]]], Any]) -> dict[str, Any]:
    cfg = copy.deepcopy(cfg)
    edit(cfg["pai-platform:workspaces"])
    return cfg


def by_name(resources: dict[str, dict[str, Any]], type_: str) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in resources.values() if r["type"] == type_}


# --- protection ---------------------------------------------------------------------------------------------------


def test_buckets_file_systems_and_workspaces_are_protected_and_nothing_else_is(resources):
    plan = resources(RICH)
    holders = [r for r in plan.values() if r["type"] in DATA_HOLDERS]
    assert len(holders) == 5 + 2 + 2 and all(r["protect"] for r in holders)
    # Children would inherit protection; they must not, or removing a member or a rule would need an unprotect.
    others = sorted(r["name"] for r in plan.values() if r["protect"] and r["type"] not in DATA_HOLDERS)
    assert others == []


def test_protection_is_opted_out_per_resource_and_only_there(resources):
    def opt_out(wss):
        wss[0]["buckets"][1]["protect"] = False
        wss[0]["fileSystems"][0]["protect"] = False
        wss[1]["protect"] = False

    before, after = resources(RICH), resources(edited(RICH, opt_out))
    unprotected = sorted(r["name"] for r in after.values() if r["type"] in DATA_HOLDERS and not r["protect"])
    assert unprotected == ["labels", "nlp-storage-checkpoints", "nlp-storage-shared"]
    # Protection is an option, not an input: opting out changes no URN and no input, so it never replaces anything.
    assert before.keys() == after.keys()
    assert all(before[u]["inputs"] == after[u]["inputs"] for u in before)
    assert [u for u in before if before[u]["protect"] != after[u]["protect"]] == [
        u for u in before if before[u]["name"] in unprotected and before[u]["type"] in DATA_HOLDERS
    ]


# --- removing a member --------------------------------------------------------------------------------------------


def test_removing_a_member_removes_their_access_and_nothing_that_holds_data(resources):
    before = resources(RICH)
    after = resources(edited(RICH, lambda wss: wss[0]["members"].pop(0)))  # alice
    gone = sorted((before[u]["type"], before[u]["name"]) for u in before.keys() - after.keys())
    assert gone == [
        ("alicloud:pai/workspaceMember:WorkspaceMember", "nlp-alice"),
        ("alicloud:ram/accessKey:AccessKey", "user-alice-access-key"),
        ("alicloud:ram/loginProfile:LoginProfile", "user-alice-login"),
        ("alicloud:ram/user:User", "user-alice"),
        ("alicloud:ram/userGroupAttachment:UserGroupAttachment", "nlp-access-algo-developer-alice"),
        ("alicloud:ram/userPolicyAttachment:UserPolicyAttachment", "nlp-access-alice-AliyunPAIEASReadOnlyAccess"),
        ("random:index/randomPassword:RandomPassword", "user-alice-password"),
    ]
    assert after.keys() <= before.keys()
    assert [u for u in after if after[u] != before[u]] == []  # every other resource exactly as it was


def test_removing_a_roles_last_member_also_removes_the_roles_group_but_still_no_data(resources):
    before = resources(RICH)
    after = resources(edited(RICH, lambda wss: wss[0]["members"].pop(3)))  # dave, the only guest
    gone = {u: before[u] for u in before.keys() - after.keys()}
    assert {r["type"] for r in gone.values()} <= ACCESS_TYPES
    assert not any(r["protect"] for r in gone.values())
    groups = sorted(r["name"] for r in gone.values() if r["type"] == "alicloud:ram/group:Group")
    assert groups == ["nlp-access-guest"]
    # The read-only access policy existed only for the guest group; the eas-read custom policy stays (operators).
    assert sorted(r["name"] for r in gone.values() if r["type"] == "alicloud:ram/policy:Policy") == ["nlp-access-access-ro"]
    assert [u for u in after if after[u] != before[u]] == []


def test_removing_a_shared_member_from_one_workspace_keeps_their_user_and_other_membership(resources):
    before = resources(RICH)
    after = resources(edited(RICH, lambda wss: wss[1]["members"].pop(0)))  # carol leaves labels, stays in nlp
    gone = sorted(before[u]["name"] for u in before.keys() - after.keys())
    # She was the workspace's only activator: that group goes with her (it exists only for its members).
    assert gone == [
        "labels-access-activators",
        "labels-access-activators-AliyunEventBridgeFullAccess",
        "labels-access-activators-AliyunOSSFullAccess",
        "labels-access-activators-carol",
        "labels-access-label-manager-carol",
        "labels-carol",
    ]
    assert "user-carol" in by_name(after, "alicloud:ram/user:User")
    assert "users-resource-admins-carol" in by_name(after, "alicloud:ram/userGroupAttachment:UserGroupAttachment")
    assert [u for u in after if after[u] != before[u]] == []


def test_removing_data_would_hit_a_protected_resource_first(resources):
    """Removing a bucket, a file system or a whole workspace plans deleting data-holding resources: each is
    protected, so `pulumi up` stops instead of deleting data until someone sets `protect: false` first."""
    before = resources(RICH)
    for edit in (lambda w: w[0]["buckets"].pop(0), lambda w: w[0]["fileSystems"].pop(1), lambda w: w.pop(1)):
        after = resources(edited(RICH, edit))
        gone = [before[u] for u in before.keys() - after.keys() if before[u]["type"] in DATA_HOLDERS]
        assert gone and all(r["protect"] for r in gone)


# --- reordering ---------------------------------------------------------------------------------------------------


def _reorder_everything(wss: list[dict[str, Any]]) -> None:
    wss.reverse()
    for ws in wss:
        for key in ("members", "buckets", "fileSystems", "policies", "modules", "envTypes"):
            ws.get(key, []).reverse()
        for m in ws["members"]:
            m["roles"].reverse()
        if "network" in ws:
            ws["network"]["vswitches"].reverse()
            ws["network"] = dict(reversed(list(ws["network"].items())))


@pytest.mark.parametrize("what", ["members", "buckets", "fileSystems", "workspaces", "vswitches", "everything"])
def test_reordering_changes_no_urn_and_no_input(resources, what):
    edits = {
        "members": lambda w: w[0]["members"].reverse(),
        "buckets": lambda w: w[0]["buckets"].reverse(),
        "fileSystems": lambda w: w[0]["fileSystems"].reverse(),
        "workspaces": lambda w: w.reverse(),
        "vswitches": lambda w: w[0]["network"]["vswitches"].reverse(),
        "everything": _reorder_everything,
    }
    cfg = edited(RICH, edits[what])
    if what == "everything":
        cfg["pai-platform:tags"] = dict(reversed(list(cfg["pai-platform:tags"].items())))
    # The whole JSON plan of every resource, byte for byte: URNs, parents, inputs, options, dependencies.
    assert resources(cfg, text=True) == resources(RICH, text=True)


# --- adding or removing one entry ---------------------------------------------------------------------------------

BUCKET_ADDED = {"key": "exports"}
ADDITIONS = {
    "member": lambda w: w[0]["members"].insert(1, {"name": "frank", "roles": ["PAI.AlgoDeveloper"], "consoleLogin": True}),
    "bucket": lambda w: w[0]["buckets"].insert(1, dict(BUCKET_ADDED)),
    "fileSystem": lambda w: w[0]["fileSystems"].insert(0, {"key": "scratch", "storageType": "Performance"}),
    "workspace": lambda w: w.insert(1, minimal_workspace(name="vision", members=[{"name": "gina", "roles": ["PAI.LabelManager"]}])),
    "vswitch": lambda w: w[0]["network"]["vswitches"].insert(1, {"zoneId": "cn-hangzhou-k", "cidr": "10.30.4.0/24"}),
    "policy": lambda w: w[0]["policies"].insert(0, {"name": "eas-read-more", "roles": ["PAI.AlgoDeveloper"], "document": POLICY_DOC}),
}


@pytest.mark.parametrize("what", sorted(ADDITIONS))
def test_adding_or_removing_one_entry_changes_no_other_resource(resources, what):
    smaller, larger = resources(RICH), resources(edited(RICH, ADDITIONS[what]))
    # Adding keeps every existing resource (and removing the entry again keeps every other one): no URN moves.
    assert smaller.keys() < larger.keys()
    changed = sorted(larger[u]["name"] for u in smaller if larger[u] != smaller[u])
    if what == "bucket":
        # The one exception, and an in-place update: the workspace's access policies list its buckets' ARNs.
        assert changed == ["nlp-access-access-ro", "nlp-access-access-rw"]
        for u in smaller:
            if larger[u]["name"] in changed:
                old, new = smaller[u]["inputs"], larger[u]["inputs"]
                assert {k for k in old if old[k] != new[k]} == {"policyDocument"}
                assert "acme-nlp-exports" in new["policyDocument"] and "acme-nlp-exports" not in old["policyDocument"]
    else:
        assert changed == []


# --- idempotency --------------------------------------------------------------------------------------------------


def test_rendering_the_same_config_twice_gives_byte_identical_json_plans(plan_for):
    assert render_json(plan_for(RICH)) == render_json(plan_for(copy.deepcopy(RICH)))


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_preview_cli_prints_byte_identical_json_twice(capsys, stack):
    outputs = []
    for _ in range(2):
        assert preview.main(["--stack", stack, "--format", "json"]) == 0
        outputs.append(capsys.readouterr().out.encode())
    assert outputs[0] == outputs[1] and len(outputs[0]) > 1000
