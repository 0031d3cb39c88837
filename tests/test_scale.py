"""Scale: resource economy and dependency depth on small generated estates (issue 5). No timing is asserted here.

The estates come from `benchmarks/estate.py`, the generator `make bench` uses, at sizes small enough to keep this
file fast; the graph functions are `offline/graph.py`.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from benchmarks import baseline, estate
from components.core.config import load
from offline import graph
from offline.preview import program_for
from offline.runtime import Plan, Registration, config_from_stack_yaml, run
from offline import tokens as T

ROOT = Path(__file__).resolve().parent.parent
MEMBER = T.ALI_MEMBER
USER = T.ALI_USER
POLICY = T.ALI_POLICY
GROUP_POLICY = T.ALI_GROUP_POLICY
USER_POLICY = T.ALI_USER_POLICY
USER_GROUP = T.ALI_USER_GROUP
SIZES = ((1, 5), (5, 7), (10, 7), (5, 14))

_plans: dict[tuple[int, int], Plan] = {}


def plan(workspaces: int, members: int) -> Plan:
    if (workspaces, members) not in _plans:
        cfg = config_from_stack_yaml(estate.PROJECT, estate.estate(workspaces, members))
        _plans[workspaces, members] = run(program_for(ROOT), project=estate.PROJECT, stack="scale", config=cfg)
    return _plans[workspaces, members]


def raw(cfg: dict) -> dict:
    return {(k if k.startswith("alicloud:") else k.split(":", 1)[1]): v for k, v in cfg.items()}


def expected_per_member(workspaces: int, members: int) -> dict[str, int]:
    """What each created user should cost, from its config alone: user, login profile + password, access key, and
    per workspace a membership, one attachment per role group (plus activators) and per extra system policy."""
    cfg = estate.estate(workspaces, members)
    out: dict[str, int] = {}
    for ws in cfg[f"{estate.PROJECT}:workspaces"]:
        for m in ws["members"]:
            own = 1 + 2 * bool(m.get("consoleLogin")) + bool(m.get("accessKey")) + bool(m.get("resourceAdmin"))
            out.setdefault(m["name"], own)
            out[m["name"]] += 1 + len(m["roles"]) + bool(m.get("activator")) + len(m.get("systemPolicies", []))
    return out


# --- the estates themselves ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("workspaces,members", estate.SIZES)
def test_every_benchmark_estate_is_a_valid_stack(workspaces, members):
    cfg = load(raw(estate.estate(workspaces, members)))
    nets = [ipaddress.IPv4Network(ws.network.cidr) for ws in cfg.workspaces if ws.network is not None]
    assert all(not a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1:])
    names = [m.name for ws in cfg.workspaces for m in ws.members]
    if workspaces > 1:
        assert len(set(names)) < len(names), "some users are shared across workspaces"


def test_estates_mix_modules_storage_and_networks():
    cfg = load(raw(estate.estate(5, 5)))
    assert {m for ws in cfg.workspaces for m in ws.modules} >= {"dsw", "dlc", "eas", "itag", "designer"}
    # one standard (dsw + dlc) and one extreme (dsw + eas) NAS: NAS allows 20 permission groups per region, and a
    # workspace needs one per file-system type it uses
    assert sorted(fs.file_system_type for ws in cfg.workspaces for fs in ws.file_systems) == ["extreme", "standard"]
    assert sum(len(ws.buckets) for ws in cfg.workspaces) >= 5


# --- resource economy ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("workspaces,members", SIZES)
def test_each_member_costs_what_its_own_config_says(workspaces, members):
    assert graph.resources_per_member(plan(workspaces, members)) == expected_per_member(workspaces, members)


def test_resources_per_member_do_not_depend_on_estate_size():
    seen: dict[str, set[int]] = {}
    for size in SIZES:
        for user, count in graph.resources_per_member(plan(*size)).items():
            seen.setdefault(user, set()).add(count)
    unshared = {u: c for u, c in seen.items() if u.startswith("w000-")}  # the same slot profile at every size
    assert unshared and all(len(c) == 1 for c in unshared.values())
    # A workspace's own member (slot 2: developer with console login) costs 5 wherever it is.
    assert seen["w000-u002"] == {5}


@pytest.mark.parametrize("workspaces,members", SIZES)
def test_policies_are_attached_to_groups_never_to_users(workspaces, members):
    p = plan(workspaces, members)
    user_attached = [r.plain_inputs() for r in p.by_type(USER_POLICY)]
    assert all(a["policyType"] == "System" for a in user_attached)
    extra = sum(len(m.get("systemPolicies", [])) for ws in estate.estate(workspaces, members)[f"{estate.PROJECT}:workspaces"]
                for m in ws["members"])
    assert len(user_attached) == extra  # only the system policies members are explicitly given
    pairs = [(a["groupName"], a["policyName"]) for a in (r.plain_inputs() for r in p.by_type(GROUP_POLICY))]
    assert len(pairs) == len(set(pairs))


def test_more_members_add_no_policies_or_policy_attachments():
    few, many = plan(5, 7), plan(5, 14)  # both hold every role of the generator, so the same groups
    for kind in (POLICY, GROUP_POLICY, T.ALI_GROUP):
        assert len(few.by_type(kind)) == len(many.by_type(kind)), kind
    grown = {t for t, n in graph.type_counts(many.resources).items() if n != graph.type_counts(few.resources).get(t)}
    assert grown <= {USER, MEMBER, USER_GROUP, USER_POLICY, T.ALI_LOGIN_PROFILE,
                     T.ALI_ACCESS_KEY, T.RANDOM_PASSWORD}


# --- dependency depth ---------------------------------------------------------------------------------------------


def test_longest_chain_does_not_grow_with_workspaces_or_members():
    lengths = {size: graph.chain_length(plan(*size)) for size in SIZES}
    assert len(set(lengths.values())) == 1, lengths
    assert lengths[1, 5] >= 2


@pytest.mark.parametrize("workspaces,members", SIZES)
def test_members_do_not_wait_for_nas(workspaces, members):
    p = plan(workspaces, members)
    is_nas = lambda r: r.type.startswith("alicloud:nas/")  # noqa: E731
    assert p.by_type(T.ALI_NAS)
    assert graph.waits_for(p, lambda r: r.type == MEMBER, is_nas) == []
    assert graph.waits_for(p, lambda r: r.type in (USER, USER_GROUP), is_nas) == []
    # ... while a mount target does wait for its file system: the search itself works.
    assert graph.waits_for(p, lambda r: r.type == T.ALI_MOUNT, is_nas)


# --- the graph functions on hand-made plans -----------------------------------------------------------------------


def _reg(urn: str, *, custom: bool = True, parent: str = "", deps: tuple[str, ...] = (), props: dict | None = None) -> Registration:
    return Registration(urn=urn, type=f"t:m:{'C' if custom else 'Comp'}", name=urn, parent=parent, custom=custom,
                        inputs={}, dependencies=list(deps), property_dependencies=props or {})


def _plan(*regs: Registration) -> Plan:
    return Plan(project="p", stack="s", resources=list(regs), invokes=[], outputs={})


def test_a_dependency_on_a_component_is_one_on_its_children():
    p = _plan(
        _reg("a"),
        _reg("b", parent="a"),  # waits for its custom parent a
        _reg("comp", custom=False),
        _reg("inner", custom=False, parent="comp"),
        _reg("x", parent="comp", deps=("b",)),  # x waits for b (chain a, b, x)
        _reg("y", parent="inner"),
        _reg("z", props={"input": ["comp"]}),  # z depends on comp: on x and y, through the nested component
    )
    assert graph.prerequisites(p)["z"] >= {"comp", "x", "y"}
    assert [r.urn for r in graph.longest_chain(p)] == ["a", "b", "x", "z"]


def test_children_of_a_custom_child_are_not_part_of_a_component_dependency():
    # As the SDK's rpc._add_dependency: waiting for a custom child covers what its own children wait for.
    p = _plan(_reg("comp", custom=False), _reg("c", parent="comp"), _reg("gc", parent="c"), _reg("d", deps=("comp",)))
    assert graph.prerequisites(p)["d"] == {"comp", "c"}
    assert graph.chain_length(p) == 2


def test_components_cost_nothing_on_a_chain():
    p = _plan(_reg("c1", custom=False), _reg("c2", custom=False, parent="c1"), _reg("r", parent="c2"))
    assert graph.chain_length(p) == 1


def test_a_cycle_is_reported():
    with pytest.raises(ValueError, match="cycle"):
        graph.longest_chain(_plan(_reg("a", deps=("b",)), _reg("b", deps=("a",))))


@pytest.mark.parametrize("workspaces,members", SIZES)
def test_the_baseline_has_a_flat_recipe_for_every_type_the_project_registers(workspaces, members):
    assert set(graph.type_counts(plan(workspaces, members).resources)) <= set(baseline.SUPPORTED)


def test_the_baseline_registers_exactly_the_counts_it_is_given():
    counts = {t: 2 for t in baseline.SUPPORTED}
    flat = run(baseline.flat_program(counts), project=estate.PROJECT, stack="flat", config={})
    assert graph.type_counts(flat.resources) == dict(sorted(counts.items()))
    assert all(r.parent == "" or "pulumi:pulumi:Stack" in r.parent for r in flat.resources)
