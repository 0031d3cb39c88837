"""The Alibaba components as a library (issue 13): `examples/library/` builds a bundle from a program's own
arguments, and the components refuse what the stack-file contract refuses, with the same rule text, before they
register anything."""

from __future__ import annotations

import dataclasses

import pytest

from components.alicloud.resources.bundle import BundleBucket, BundleMember, WorkspaceBundle, WorkspaceBundleArgs
from components.alicloud.resources.identity import UserRef
from components.core.config import load
from components.core.errors import ConfigError
from conftest import ROOT, base_config, minimal_workspace
from offline import tokens as T
from offline.preview import plan_stack
from offline.runtime import RecordingMocks, run
from test_config import raw

LIBRARY = ROOT / "examples" / "library"


def test_the_library_example_previews_from_its_own_arguments():
    plan = plan_stack("demo", LIBRARY)
    assert len(plan.by_type("pai:bundle:WorkspaceBundle")) == 1
    ws = plan.one(T.ALI_WORKSPACE, "vision")
    assert ws.inputs["workspaceName"] == "vision_lab" and ws.protect
    assert sorted(s.inputs["zoneId"] for s in plan.by_type(T.ALI_VSWITCH)) == ["ap-southeast-1a", "ap-southeast-1b"]
    assert plan.plain_outputs()["buckets"] == {"datasets": "lib-vision-lab-datasets"}


def _args(**over) -> WorkspaceBundleArgs:
    user = UserRef(name="mei", id="1")  # plain values stand in for outputs: the checks run before registration
    base = WorkspaceBundleArgs(name="team_ws", description="A team workspace", modules=("itag",), name_prefix="acme",
                               users={"mei": user}, members=(BundleMember("mei", ("PAI.AlgoDeveloper",)),),
                               buckets=(BundleBucket("data"),))
    return dataclasses.replace(base, **over)


def _refusal(args: WorkspaceBundleArgs) -> tuple[list[str], list]:
    mocks = RecordingMocks()
    registered: list = []
    mocks.new_resource = lambda a: registered.append(a.typ) or ("id", {})  # type: ignore[method-assign]
    with pytest.raises(ConfigError) as e:
        run(lambda: WorkspaceBundle("team", args), project="lib", stack="test", mocks=mocks)
    return str(e.value).split("\n"), registered


@pytest.mark.parametrize("over,path,contract_over", [
    (dict(buckets=(BundleBucket("cold", storage_class="ColdArchive", redundancy_type="ZRS"),)),
     "buckets[0]", dict(buckets=[{"key": "cold", "storageClass": "ColdArchive", "redundancyType": "ZRS"}])),
    (dict(description="x" * 81), "description", dict(description="x" * 81)),
    (dict(name="9lives"), "name", dict(name="9lives")),
    (dict(modules=("dsw",)), "network", dict(modules=["dsw"])),
    (dict(members=(BundleMember("mei", ("PAI.AlgoDeveloper",), system_policies=("AliyunPAIFullAccess",)),)),
     "members[0].systemPolicies[0]",
     dict(members=[{"name": "mei", "roles": ["PAI.AlgoDeveloper"], "systemPolicies": ["AliyunPAIFullAccess"]}])),
    # system policies must fit the member (rules.check_member_system_policy), bundle and stack file alike
    (dict(members=(BundleMember("mei", ("PAI.AlgoDeveloper",), True, ("AliyunOSSFullAccess",)),)),
     "members[0].systemPolicies[0]", dict(members=[{"name": "mei", "roles": ["PAI.AlgoDeveloper"], "activator": True,
                                                    "systemPolicies": ["AliyunOSSFullAccess"]}])),
    (dict(members=(BundleMember("mei", ("PAI.AlgoDeveloper",), system_policies=("AliyunPAIEASReadOnlyAccess",)),)),
     "members[0].systemPolicies[0]", dict(members=[{"name": "mei", "roles": ["PAI.AlgoDeveloper"],
                                                    "systemPolicies": ["AliyunPAIEASReadOnlyAccess"]}])),
    (dict(modules=("itag", "dataset-acceleration")), "modules[1]", dict(modules=["itag", "dataset-acceleration"])),
])
def test_a_component_refuses_what_the_contract_refuses_with_the_same_rule(over, path, contract_over):
    lines, registered = _refusal(_args(**over))
    assert registered == [], "the bundle registered resources before refusing its arguments"
    (line,) = lines
    assert line.startswith(f"team.{path}: ")
    with pytest.raises(ConfigError) as e:
        load(raw(base_config(minimal_workspace(**contract_over))))
    (contract_line,) = [l for l in str(e.value).split("\n") if l.startswith(f"workspaces[0].{path}: ")]
    assert line.split(": ", 1)[1] == contract_line.split(": ", 1)[1]


def test_every_mistake_of_the_arguments_at_once():
    lines, _ = _refusal(_args(name="9lives", description="", buckets=(BundleBucket("Bad_Key"),)))
    assert [l.split(": ", 1)[0] for l in lines] == ["team.buckets[0].key", "team.description", "team.name"]


def test_a_member_needs_a_user_given_to_the_bundle():
    lines, _ = _refusal(_args(members=(BundleMember("zoe", ("PAI.AlgoDeveloper",)),)))
    assert lines == ["team.members[0].name: 'zoe' is not one of the users given to the bundle"]
