"""Lookups of what a stack uses but does not create: existing RAM users, a bring-your-own VPC and its vSwitches.

A lookup that finds nothing (or a vSwitch of another VPC) is one `ConfigError` line naming the config key, raised
before any resource is registered; the offline preview prints it as `error: <line>` and exits 2, no traceback.
The cloud is played by `Cloud`, the preview's recording mocks answering from a small inventory.
"""

from __future__ import annotations

import functools
import re
import sys
from typing import Any, Optional

import grpc
import pulumi
import pytest

from components.core.errors import ConfigError
from conftest import DSW_NETWORK, PROJECT, ROOT, base_config, minimal_workspace
from offline import fakes, preview
from offline.runtime import Plan, RecordingMocks, config_from_stack_yaml, run
from offline import tokens as T

GET_USERS = T.ALI_GET_USERS
GET_NETWORKS = T.ALI_GET_NETWORKS
GET_SWITCHES = T.ALI_GET_SWITCHES
T_USER = T.ALI_USER
T_MEMBER = T.ALI_MEMBER
T_AR = T.ALI_NAS_ACCESS_RULE
T_MT = T.ALI_MOUNT

VPC = "vpc-abc123456"
BYO = {"vpcId": VPC, "vswitchIds": ["vsw-aaa111111", "vsw-bbb222222"]}


class DeniedByTheEngine(grpc.RpcError):
    """How the engine reports a provider's failed invoke to the program: a gRPC error with the provider's text."""

    def code(self):
        return grpc.StatusCode.UNKNOWN

    def details(self):
        return "Forbidden.RAM: User not authorized to operate on the specified resource.\nRequestId: 0000"


class Cloud(RecordingMocks):
    """The preview's mocks, answering lookups from an inventory (None: the placeholder answers of `offline.fakes`)
    and remembering every resource the monitor was asked to register."""

    def __init__(
        self,
        users: Optional[dict[str, str]] = None,
        vpcs: Optional[set[str]] = None,
        vswitches: Optional[dict[str, tuple[str, str]]] = None,
        fail: Optional[str] = None,
    ) -> None:
        super().__init__()
        self.users = users  # RAM user name -> UserId
        self.vpcs = vpcs
        self.vswitches = vswitches  # vSwitch id -> (VPC id, CIDR)
        self.fail = fail  # a token whose invoke fails, as without permission
        self.registered: list[str] = []

    def new_resource(self, args):
        self.registered.append(f"{args.typ}::{args.name}")
        return super().new_resource(args)

    def call(self, args):
        if args.token == self.fail:
            raise DeniedByTheEngine()
        answer = super().call(args)  # records the invoke
        asked = self.invokes[-1].args
        if args.token == GET_USERS and self.users is not None:
            regex = re.compile(asked["nameRegex"])  # `(?i)^...$` means the same to Python's re as to Go's regexp
            found = [{"id": uid, "name": n} for n, uid in self.users.items() if regex.search(n)]
            return {"id": "users", "ids": [u["id"] for u in found], "names": [u["name"] for u in found], "users": found}
        if args.token == GET_NETWORKS and self.vpcs is not None:
            found = [{"id": v, "vpcId": v} for v in asked.get("ids") or [] if v in self.vpcs]
            return {"id": "vpcs", "ids": [v["id"] for v in found], "vpcs": found}
        if args.token == GET_SWITCHES and self.vswitches is not None:
            found = [
                {"id": i, "vswitchId": i, "vpcId": self.vswitches[i][0], "cidrBlock": self.vswitches[i][1]}
                for i in asked.get("ids") or []
                if i in self.vswitches and asked.get("vpcId") in (None, self.vswitches[i][0])
            ]
            return {"id": "vswitches", "ids": [s["id"] for s in found], "vswitches": found}
        return answer


def plan_with(cloud: Cloud, cfg: dict[str, Any]) -> Plan:
    return run(preview.program_for(ROOT), project=PROJECT, stack="test", config=config_from_stack_yaml(PROJECT, cfg),
               mocks=cloud)


def refused(cloud: Cloud, cfg: dict[str, Any]) -> str:
    """Run the program; it must stop with one ConfigError line before registering anything. Return the line."""
    with pytest.raises(pulumi.RunError) as raised:
        plan_with(cloud, cfg)
    assert isinstance(raised.value, ConfigError)
    assert cloud.registered == [], f"registered before the error: {cloud.registered}"
    line = str(raised.value)
    assert "\n" not in line
    return line


def members(*names: str, existing: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [{"name": n, "roles": ["PAI.WorkspaceGuest"], **({"existing": True} if n in existing else {})} for n in names]


def dsw(network: dict[str, Any], **over: Any) -> dict[str, Any]:
    return minimal_workspace(modules=["dsw"], network=network, fileSystems=[{"key": "home"}], **over)


MISSING = [
    pytest.param(
        dict(users={"alice": "1001"}),
        base_config(minimal_workspace(members=members("alice", "bob", "carol", existing=("alice", "carol")))),
        "workspaces[0].members[2].name: 'carol' existing RAM user not found (ram.get_users found no user of that name)",
        id="user-missing",
    ),
    pytest.param(
        dict(users={}),  # the account bootstrap, registered first of all, waits for the lookups too
        base_config(minimal_workspace(members=members("carol", existing=("carol",))), accountBootstrap={"enabled": True}),
        "workspaces[0].members[0].name: 'carol' existing RAM user not found (ram.get_users found no user of that name)",
        id="user-missing-with-account-bootstrap",
    ),
    pytest.param(
        dict(users={"legacyXuser": "1002"}),  # the name is escaped: '.' is not "any character"
        base_config(minimal_workspace(members=members("legacy.user", existing=("legacy.user",)))),
        "workspaces[0].members[0].name: 'legacy.user' existing RAM user not found (ram.get_users found no user of that name)",
        id="user-regex-escaped",
    ),
    pytest.param(
        dict(users={"carol.admin": "1003"}),  # the name is anchored: no prefix match
        base_config(minimal_workspace(members=members("carol", existing=("carol",)))),
        "workspaces[0].members[0].name: 'carol' existing RAM user not found (ram.get_users found no user of that name)",
        id="user-regex-anchored",
    ),
    pytest.param(
        dict(users={}),  # the second workspace's member is the first existing one looked up
        base_config(minimal_workspace(), minimal_workspace(name="other_ws", members=members("alice", "dave", existing=("dave",)))),
        "workspaces[1].members[1].name: 'dave' existing RAM user not found (ram.get_users found no user of that name)",
        id="user-missing-second-workspace",
    ),
    pytest.param(
        dict(vpcs=set()),
        base_config(dsw(BYO)),
        "workspaces[0].network.vpcId: 'vpc-abc123456' VPC not found in region cn-hangzhou "
        "(vpc.get_networks found no VPC of that id)",
        id="vpc-missing",
    ),
    pytest.param(
        dict(vpcs={VPC}, vswitches={"vsw-aaa111111": (VPC, "192.168.1.0/24")}),
        base_config(dsw(BYO)),
        "workspaces[0].network.vswitchIds[1]: 'vsw-bbb222222' vSwitch not found in region cn-hangzhou "
        "(vpc.get_switches found no vSwitch of that id)",
        id="vswitch-missing",
    ),
    pytest.param(
        dict(vpcs={VPC, "vpc-other12345"}, vswitches={"vsw-aaa111111": ("vpc-other12345", "192.168.1.0/24"),
                                                       "vsw-bbb222222": (VPC, "192.168.2.0/24")}),
        base_config(dsw(BYO)),
        "workspaces[0].network.vswitchIds[0]: 'vsw-aaa111111' vSwitch belongs to VPC 'vpc-other12345', "
        "not to network.vpcId 'vpc-abc123456'",
        id="vswitch-other-vpc",
    ),
    pytest.param(
        dict(fail=GET_USERS),
        base_config(minimal_workspace(members=members("carol", existing=("carol",)))),
        "workspaces[0].members[0].name: 'carol' could not be looked up (ram.get_users failed: ",
        id="lookup-fails",
    ),
]


@pytest.mark.parametrize("inventory,cfg,expect", MISSING)
def test_a_failed_lookup_is_one_line_naming_the_key_before_anything_is_registered(inventory, cfg, expect):
    line = refused(Cloud(**inventory), cfg)
    assert line == expect or (expect.endswith("failed: ") and line.startswith(expect)), line


def test_a_failed_invoke_keeps_only_the_first_line_of_the_provider_error():
    line = refused(Cloud(fail=GET_USERS), base_config(minimal_workspace(members=members("carol", existing=("carol",)))))
    assert line.endswith("failed: Forbidden.RAM: User not authorized to operate on the specified resource.)"), line


@pytest.fixture
def _keep_sys_path(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))


@pytest.mark.parametrize("inventory,cfg,expect", MISSING)
def test_the_offline_preview_prints_the_line_and_exits_2_without_a_traceback(
    inventory, cfg, expect, project_with, monkeypatch, capsys, _keep_sys_path
):
    cloud = Cloud(**inventory)
    project = project_with(cfg)
    monkeypatch.setattr(preview, "run", functools.partial(run, mocks=cloud))
    code = preview.main(["--stack", "bad"], project_dir=project)
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(f"error: {expect}") and "Traceback" not in err
    assert cloud.registered == []


def test_lookups_run_first_and_once_per_user():
    cloud = Cloud(users={"carol": "1003"})
    ws = minimal_workspace(members=members("carol", existing=("carol",)))
    plan = plan_with(cloud, base_config(ws, dict(ws, name="other_ws")))
    assert [i.args for i in plan.invokes if i.token == GET_USERS] == [{"nameRegex": "(?i)^carol$"}]


def test_a_found_user_is_a_member_by_its_id_and_case_is_ignored():
    cloud = Cloud(users={"Carol": "2001", "carol.admin": "2002", "alice": "2003"})
    plan = plan_with(cloud, base_config(minimal_workspace(members=members("alice", "carol", existing=("carol",)))))
    assert [u.plain_inputs()["name"] for u in plan.by_type(T_USER)] == ["alice"]  # carol is not created
    ids = {m.name: m.plain_inputs()["userId"] for m in plan.by_type(T_MEMBER)}
    assert ids["team_ws-carol"] == "2001"  # RAM user names ignore case: 'Carol' in RAM is the config's 'carol'


def test_an_exact_match_wins_over_a_match_that_differs_in_case():
    cloud = Cloud(users={"Carol": "2001", "carol": "2004"})
    plan = plan_with(cloud, base_config(minimal_workspace(members=members("carol", existing=("carol",)))))
    assert [m.plain_inputs()["userId"] for m in plan.by_type(T_MEMBER)] == ["2004"]


def test_found_vswitches_give_their_cidrs_to_nas():
    cloud = Cloud(vpcs={VPC}, vswitches={"vsw-aaa111111": (VPC, "192.168.1.0/24"),
                                         "vsw-bbb222222": (VPC, "192.168.2.0/24"),
                                         "vsw-ccc333333": (VPC, "192.168.3.0/24")})
    plan = plan_with(cloud, base_config(dsw(BYO)))
    assert sorted(r.plain_inputs()["sourceCidrIp"] for r in plan.by_type(T_AR)) == ["192.168.1.0/24", "192.168.2.0/24"]
    assert sorted(m.plain_inputs()["vswitchId"] for m in plan.by_type(T_MT)) == BYO["vswitchIds"]
    lookups = sorted((i.token, i.args.get("vpcId"), tuple(i.args.get("ids") or ())) for i in plan.invokes
                     if i.token in (GET_NETWORKS, GET_SWITCHES))
    # one call for the VPC, one for its vSwitches; the call without vpcId is made only when one is missing
    assert lookups == [(GET_NETWORKS, None, (VPC,)), (GET_SWITCHES, VPC, tuple(BYO["vswitchIds"]))]


def test_a_new_network_needs_no_lookup():
    cloud = Cloud(users={}, vpcs=set(), vswitches={})
    plan = plan_with(cloud, base_config(dsw(DSW_NETWORK)))
    assert [i.token for i in plan.invokes if i.token in (GET_USERS, GET_NETWORKS, GET_SWITCHES)] == []


def test_the_placeholder_answers_are_coherent():
    ids = ["vsw-aaa111111", "vsw-bbb222222"]
    switches = fakes.invoke(GET_SWITCHES, {"vpcId": VPC, "ids": ids})["vswitches"]
    assert [(s["id"], s["vpcId"]) for s in switches] == [(i, VPC) for i in ids]
    assert [v["id"] for v in fakes.invoke(GET_NETWORKS, {"ids": [VPC]})["vpcs"]] == [VPC]
    users = fakes.invoke(GET_USERS, {"nameRegex": "(?i)^legacy\\.user$"})["users"]
    assert [u["name"] for u in users] == ["legacy.user"]
