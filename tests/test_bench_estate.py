"""The monolith-against-split benchmark (issue 14): is the comparison fair, and does its machinery run? No timing is
asserted here.

Fair: `benchmarks/estate.py`'s `split` cuts a monolithic estate into an identity stack and one team stack per
workspace; planned together (each team stack reading the identity stack's outputs through its StackReference, as
`make bench` plans it), they must register exactly the monolith's resources. Every expected value comes from the
monolithic plan (another code path): its resources, and which of them each workspace's bundle holds.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from benchmarks import estate
from benchmarks import run as bench
from offline.preview import program_for
from offline.runtime import STACK_TYPE, Plan, Registration, StackOutputs, config_from_stack_yaml, run

ROOT = Path(__file__).resolve().parent.parent
NS = f"{estate.PROJECT}:"
BUNDLE = "pai:bundle:WorkspaceBundle"
TEAMS, MEMBERS = 3, 5


def _plan(raw: dict[str, Any], stack: str, references: dict[str, StackOutputs] | None = None) -> Plan:
    return run(program_for(ROOT), project=estate.PROJECT, stack=stack,
               config=config_from_stack_yaml(estate.PROJECT, copy.deepcopy(raw)), references=references)


def _stackless(urn: str) -> str:
    """A URN without its stack part: `urn:pulumi:<stack>::<project>::<type>::<name>` -> `<project>::<type>::<name>`."""
    return urn.split("::", 1)[1] if urn else ""


def _parent(urn: str) -> str:
    """The parent's stackless URN; the root stack resource (named <project>-<stack>) as one name for all stacks."""
    return "the stack" if urn.split("::")[2:3] == [STACK_TYPE] else _stackless(urn)


def _resource(r: Registration) -> dict[str, Any]:
    return {"type": r.type, "custom": r.custom, "parent": _parent(r.parent), "protect": r.protect,
            "inputs": r.plain_inputs()}


def _resources(plan: Plan) -> dict[str, dict[str, Any]]:
    return {_stackless(r.urn): _resource(r) for r in plan.resources}


def _with_bootstrap(raw: dict[str, Any]) -> dict[str, Any]:
    """The estate with the account bootstrap on (and a trail), and its own access-log settings."""
    return {**raw, f"{NS}accountBootstrap": {"enabled": True, "actionTrail": {"enabled": True}},
            f"{NS}accessLogs": {"retentionDays": 30}}


ESTATES = {
    "bootstrap off": estate.estate(TEAMS, MEMBERS),
    "bootstrap on": _with_bootstrap(estate.estate(TEAMS, MEMBERS)),
}


@pytest.fixture(scope="module", params=sorted(ESTATES))
def planned(request) -> tuple[Plan, Plan, list[Plan]]:
    """(monolith, identity stack, team stacks) of one small estate."""
    monolith_raw = ESTATES[request.param]
    identity_raw, teams_raw = estate.split(monolith_raw)
    monolith = _plan(monolith_raw, "bench")
    identity = _plan(identity_raw, estate.IDENTITY_STACK)
    references = {estate.identity_reference(): StackOutputs.of(identity)}
    teams = [_plan(t, estate.team_stack(w), references) for w, t in enumerate(teams_raw)]
    return monolith, identity, teams


def _bundle_holds(monolith: Plan) -> dict[str, set[str]]:
    """Stackless URNs of every resource under each workspace bundle of the monolith, by workspace name."""
    children: dict[str, list[Registration]] = {}
    for r in monolith.resources:
        children.setdefault(r.parent, []).append(r)
    out = {}
    for bundle in monolith.by_type(BUNDLE):
        seen, todo = set(), [bundle]
        while todo:
            r = todo.pop()
            seen.add(_stackless(r.urn))
            todo += children.get(r.urn, [])
        out[bundle.name] = seen
    return out


def test_the_split_stacks_register_exactly_the_monoliths_resources(planned):
    monolith, identity, teams = planned
    union: dict[str, dict[str, Any]] = {}
    for plan in (identity, *teams):
        mine = _resources(plan)
        assert not set(mine) & set(union), "a resource is in two split stacks"
        union.update(mine)
    expected = _resources(monolith)
    assert set(union) == set(expected)
    assert union == expected  # type, parent, protect and plain inputs of each


def test_each_team_stack_is_one_bundle_of_the_monolith_and_the_identity_stack_the_rest(planned):
    monolith, identity, teams = planned
    holds = _bundle_holds(monolith)
    assert len(holds) == len(teams) == TEAMS
    for team in teams:
        (workspace,) = team.by_type(BUNDLE)
        assert set(_resources(team)) == holds[workspace.name]
    everything = set(_resources(monolith))
    assert set(_resources(identity)) == everything - set().union(*holds.values())
    assert len(monolith.custom_resources) == len(identity.custom_resources) + sum(
        len(t.custom_resources) for t in teams)


def test_team_stacks_read_their_identity_stack_and_nothing_else(planned):
    monolith, identity, teams = planned
    assert monolith.reads == [] and identity.reads == []
    assert all(t.reads == [estate.identity_reference()] for t in teams)
    assert not identity.by_type(BUNDLE)


def test_split_configs_keep_user_attributes_in_the_identity_stack_only():
    monolith = _with_bootstrap(estate.estate(TEAMS, MEMBERS))
    identity_raw, teams_raw = estate.split(monolith)
    members = [m for ws in monolith[f"{NS}workspaces"] for m in ws["members"]]
    users = {u["name"]: u for u in identity_raw[f"{NS}users"]}
    assert len(users) == len(identity_raw[f"{NS}users"]) == len({m["name"] for m in members})
    for m in members:
        assert {k: v for k, v in m.items() if k in estate.USER_KEYS} == users[m["name"]]
    assert identity_raw[f"{NS}accountBootstrap"]["modules"] == ["dsw", "dlc", "eas", "itag"]
    assert f"{NS}workspaces" not in identity_raw
    for w, team in enumerate(teams_raw):
        assert team[f"{NS}identityStack"] == f"organization/{estate.PROJECT}/{estate.IDENTITY_STACK}"
        assert f"{NS}accountBootstrap" not in team and f"{NS}accessLogs" not in team
        (ws,) = team[f"{NS}workspaces"]
        original = monolith[f"{NS}workspaces"][w]
        assert {k: v for k, v in ws.items() if k != "members"} == {k: v for k, v in original.items() if k != "members"}
        assert all(set(m) <= set(estate.MEMBERSHIP_KEYS) for m in ws["members"])
    assert monolith == _with_bootstrap(estate.estate(TEAMS, MEMBERS)), "split changed its input"


def test_the_measured_team_is_the_same_workspace_at_every_size():
    assert estate.MEASURED_TEAM == 0
    team0 = {n: estate.split_estate(n, estate.SPLIT_MEMBERS)[1][estate.MEASURED_TEAM][f"{NS}workspaces"]
             for n in estate.SPLIT_TEAMS}
    assert all(ws == team0[estate.SPLIT_TEAMS[0]] for ws in team0.values())


# --- the machinery ------------------------------------------------------------------------------------------------


def test_the_estate_part_runs_and_writes_its_table_and_plot(tmp_path):
    assert bench.main(["--part", "estate", "--teams", "1,2", "--team-members", "3", "--repeat", "1",
                       "--team-repeat", "1", "--out-dir", str(tmp_path)]) == 0
    text = (tmp_path / "results.md").read_text()
    assert "## Monolith against split: the stack one team's change touches (issue 14)" in text
    assert "| teams | members/team | users | monolith resources |" in text
    rows = [line for line in text.splitlines() if line.startswith(("| 1 | 3 |", "| 2 | 3 |"))]
    assert len(rows) == 2 and "2 teams / 1 team plan-time ratio" in text
    assert "![monolith against split](estate.png)" in text
    assert (tmp_path / "estate.png").stat().st_size > 0
    assert not (tmp_path / "results.png").exists()  # the scale part did not run


def _fake_side(custom: int, seconds: float, **extra: Any) -> dict[str, Any]:
    return {"custom": custom, "seconds": seconds, "cpu_seconds": seconds, **extra}


def _fake_estate_row(teams: int) -> dict[str, Any]:
    return {"teams": teams, "members_per_team": 50,
            "monolith": _fake_side(240 * teams, 0.3 * teams),
            "team": _fake_side(200, 0.2, read_seconds=0.01, exported_users=50 * teams, exported_kib=10.0 * teams),
            "identity": _fake_side(4 * teams, 0.1 * teams, users=48 * teams)}


def test_a_run_of_one_part_writes_nothing_unless_told_where(monkeypatch, tmp_path):
    monkeypatch.setattr(bench, "measure_split", lambda n, *a: _fake_estate_row(n))
    monkeypatch.setattr(bench, "HERE", tmp_path)  # were it to write by default, it would write here
    monkeypatch.setattr(bench, "RESULTS_MD", tmp_path / "results.md")
    assert bench.main(["--part", "estate"]) == 0
    assert list(tmp_path.iterdir()) == []


def test_the_estate_section_leaves_the_scale_part_of_the_document_as_it_was():
    side = {"custom": 100, "components": 5, "seconds": 1.0, "cpu_seconds": 1.0, "rss_peak_mib": 10.0,
            "users": 10, "per_member": 4.0, "per_workspace": 30.0, "chain": 3, "chain_types": ["A", "B", "C"]}
    rows = [{"workspaces": 1, "members_per_workspace": 5, "project": side, "baseline": side, "ratio": 1.0,
             "cpu_ratio": 1.0}]
    meta = {"when": "now", "python": "3", "cpus": 2, "repeat": 2, "team_repeat": 7, "total_s": 1.0}
    alone = bench.write_markdown(rows, meta, None)
    both = bench.write_markdown(rows, meta, None, [_fake_estate_row(1), _fake_estate_row(40)])
    scale_part = alone.split("\n\n", 2)[2].split("\n## ")[0]  # after the title and the "Generated by" line
    assert "| ws | members/ws |" in scale_part and scale_part in both and bench.table(rows) in both and "![time against resource count](results.png)" in both
    assert both.index("![time against resource count]") < both.index("## Monolith against split")
    assert "40 teams / 1 team plan-time ratio **1.00**" in both
