"""The ModelArts catalogue and policy rendering, checked against the seed's tables.

The seed's tables are kept as data in tests/seed_facts/004_modelarts_permissions.json (parsed from the seed text by
.ci/check_seed_facts.py, which CI runs against the seed), independently of the catalogue: every action of tables
1-14 must be in the catalogue under the same table, scenario and dependent service, in the seed's order, and
nothing else may be there.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.huaweicloud.plan import catalogue, policy
from components.huaweicloud.resources.agency import plan_agency_policies
from components.huaweicloud.resources.iam import RoleArgs, plan_policies
from seed_data import load

SEED = load("004_modelarts_permissions.json")

# Service names as they appear on their own line in the seed's tables.
SERVICES = {"IAM", "BSS", "ModelArts", "ModelArts inference", "OBS", "SWR", "ECS", "SFS Turbo", "SMN", "DLI", "MRS",
            "LTS", "CES", "IEF", "DWS", "VPC", "AOM"}
# The seed's own typos, written out here (not imported) so a wrong fix in the catalogue fails the test.
TYPOS = {"obs:bucket:ListAllMybuckets": "obs:bucket:ListAllMyBuckets", "ces:metricData:list:": "ces:metricData:list"}


def seed_rows() -> dict[tuple[int, str], set[str]]:
    """(table, dependent service) -> actions, as the seed lists them (typos fixed as the data records)."""
    rows: dict[tuple[int, str], set[str]] = defaultdict(set)
    for table in SEED["tables"]:
        for row in table["rows"]:
            if row["actions"]:
                rows[(table["table"], row["service"])].update(row["actions"])
    return dict(rows)


SEED_ROWS = seed_rows()


def seed_table(table: int) -> set[str]:
    return {a for (t, _), actions in SEED_ROWS.items() if t == table for a in actions}


def catalogue_rows(functions) -> dict[tuple[int, str], set[str]]:
    rows: dict[tuple[int, str], set[str]] = defaultdict(set)
    for entries in functions.values():
        for entry in entries:
            if entry.actions:
                rows[(entry.table, entry.service)].update(entry.actions)
    return dict(rows)


def test_the_data_has_all_fourteen_tables():
    assert [t["table"] for t in SEED["tables"]] == list(range(1, 15))
    assert {t for t, _ in SEED_ROWS} == set(range(1, 15))
    assert sum(len(v) for v in SEED_ROWS.values()) > 300
    assert [t["kind"] for t in SEED["tables"]] == ["user"] * 9 + ["agency"] * 5
    assert set(SEED["dependent_services"]) == SERVICES


def test_the_seed_typos_are_corrected_explicitly():
    corrections = {c["seed"]: c["corrected"] for c in SEED["corrections"]}
    assert corrections == TYPOS
    assert all(c["reason"] and c["tables"] for c in SEED["corrections"])
    assert {k: fixed for k, (fixed, _) in catalogue.SEED_SPELLING_FIXES.items()} == TYPOS
    every = {a for t in SEED["tables"] for r in t["rows"] for a in r["actions"]}
    assert not set(TYPOS) & every and set(TYPOS.values()) <= every


def catalogue_entry_rows(functions) -> list[tuple]:
    return sorted((e.table, e.scenario, e.service, e.actions, e.system_policies, e.mandatory)
                  for entries in functions.values() for e in entries)


def seed_entry_rows(tables) -> list[tuple]:
    return sorted((t["table"], r["scenario"], r["service"], tuple(r["actions"]), tuple(r["system_policies"]),
                   r["mandatory"]) for t in SEED["tables"] if t["table"] in tables for r in t["rows"])


def test_user_tables_row_by_row_per_scenario_in_seed_order():
    assert catalogue_entry_rows(catalogue.USER_FUNCTIONS) == seed_entry_rows(range(1, 10))


def test_agency_tables_row_by_row_per_scenario_in_seed_order():
    assert catalogue_entry_rows(catalogue.AGENCY_FUNCTIONS) == seed_entry_rows(range(10, 15))


@pytest.mark.parametrize("table", range(1, 10))
def test_user_tables_row_by_row(table):
    ours = {k: v for k, v in catalogue_rows(catalogue.USER_FUNCTIONS).items() if k[0] == table}
    theirs = {k: v for k, v in SEED_ROWS.items() if k[0] == table}
    assert ours == theirs


@pytest.mark.parametrize("table", range(10, 15))
def test_agency_tables_row_by_row(table):
    ours = {k: v for k, v in catalogue_rows(catalogue.AGENCY_FUNCTIONS).items() if k[0] == table}
    theirs = {k: v for k, v in SEED_ROWS.items() if k[0] == table}
    assert ours == theirs


def test_every_seed_action_is_reachable_through_the_public_functions():
    every = catalogue.function_keys()
    user = {a for actions in catalogue.user_actions(every).values() for a in actions}
    assert set().union(*(seed_table(t) for t in range(1, 10))) == user
    assert set().union(*(seed_table(t) for t in range(10, 15))) == set(catalogue.agency_actions(every))


def test_system_policies_are_the_seeds_two_and_never_actions():
    assert catalogue.user_system_policies(catalogue.function_keys()) == ["SFS Turbo FullAccess", "SWR Admin"]
    in_seed = [(t["table"], r["scenario"], r["service"], p, r["actions"])
               for t in SEED["tables"] for r in t["rows"] for p in r["system_policies"]]
    assert in_seed == [(3, "Saving an image", "SWR", "SWR Admin", []),
                       (3, "Mounting an SFS Turbo file system", "SFS Turbo", "SFS Turbo FullAccess", [])]


def test_training_jobs_user_actions_are_exactly_table_4():
    flat = {a for actions in catalogue.user_actions(["training-jobs"], include_mandatory=False).values()
            for a in actions}
    assert flat == seed_table(4)
    with_mandatory = {a for actions in catalogue.user_actions(["training-jobs"]).values() for a in actions}
    assert with_mandatory == seed_table(4) | {"iam:tokens:assume"}


def test_training_jobs_rendered_policies_hold_exactly_the_seed_actions():
    user_docs = plan_policies("ws", [RoleArgs("trainer", ["training-jobs"])], include_mandatory=False)
    rendered = {a for spec in user_docs for a in policy.policy_actions(spec.document)}
    assert rendered == seed_table(4)
    agency_docs = plan_agency_policies("ag", ["training-jobs"])
    assert {a for *_, doc in agency_docs for a in policy.policy_actions(doc)} == seed_table(11)
    # OBS is the only agency service for training jobs: one AX and one XA copy, nothing else.
    assert [(key, kind) for key, _, kind, _ in agency_docs] == [("obs-ax-1", "AX"), ("obs-xa-1", "XA")]


def test_training_jobs_agency_policy_snapshot():
    assert catalogue.agency_actions(["training-jobs"]) == sorted(seed_table(11))
    assert policy.render_policy(catalogue.agency_actions(["training-jobs"])) == (
        '{"Version":"1.1","Statement":[{"Effect":"Allow","Action":'
        '["obs:bucket:ListBucket","obs:object:GetObject","obs:object:PutObject"]}]}'
    )


def test_scopes_follow_the_rule():
    actions = catalogue.user_actions(catalogue.function_keys())
    assert all(a.startswith("iam:") for a in actions["global"])
    assert all(a.startswith("obs:") for a in actions["obs"])
    assert not any(a.startswith(("iam:", "obs:")) for a in actions["project"])
    # Table 9's "must be configured in the IAM project view" rows land in project scope.
    for entry in catalogue.USER_FUNCTIONS["resource-pools"] + catalogue.USER_FUNCTIONS["network-management"]:
        assert entry.scope == "project" and "project view" in entry.note


def test_every_entry_cites_a_table_and_scenario_and_actions_are_valid():
    for functions, tables in ((catalogue.USER_FUNCTIONS, range(1, 10)), (catalogue.AGENCY_FUNCTIONS, range(10, 15))):
        for key, entries in functions.items():
            assert re.fullmatch(r"[a-z][a-z0-9-]*", key)
            for entry in entries:
                assert entry.table in tables and entry.scenario and entry.service in SERVICES
                assert entry.actions or entry.system_policies
                for action in entry.actions:
                    policy.validate_action(action)
    assert set(catalogue.agency_function_keys()) <= set(catalogue.function_keys())


def test_only_iam_tokens_assume_is_mandatory():
    assert catalogue.MANDATORY_FUNCTIONS == ("basic",)
    assert catalogue.user_actions([]) == {"global": ["iam:tokens:assume"]}
    assert catalogue.user_actions([], include_mandatory=False) == {}


def test_unknown_function_is_rejected_with_its_path():
    with pytest.raises(ValueError, match=r"^roles\[0\].functions\[1\]: 'training' is not a ModelArts function \(expected one of: account-balance, "):
        catalogue.validate_functions(["notebooks", "training"], "roles[0].functions")
    with pytest.raises(ValueError, match="expected a list"):
        catalogue.validate_functions("notebooks")


# --- policy rendering -------------------------------------------------------------------------------------------

def test_render_is_canonical_and_deterministic():
    a = policy.render_policy(["obs:object:PutObject", "obs:bucket:ListBucket", "obs:object:PutObject"])
    b = policy.render_policy(["obs:bucket:ListBucket", "obs:object:PutObject"])
    assert a == b
    assert list(json.loads(a)) == ["Version", "Statement"]
    assert list(json.loads(a)["Statement"][0]) == ["Effect", "Action"]
    assert " " not in a


@pytest.mark.parametrize("bad", ["obs", "obs:bucket", "OBS:bucket:List", "obs:bucket:List Bucket", "obs::x",
                                 "obs:bucket:ListBucket:", "obs:bucket:x (note)"])
def test_bad_actions_are_rejected(bad):
    with pytest.raises(ValueError):
        policy.render_policies([bad])


def test_wildcards_from_the_seed_are_accepted():
    assert policy.policy_actions(policy.render_policy(["modelarts:*:*delete*", "modelarts:trainJob:*"])) == [
        "modelarts:*:*delete*", "modelarts:trainJob:*"]


def test_everything_selected_is_split_within_huawei_limits():
    for actions in catalogue.user_actions(catalogue.function_keys()).values():
        documents = policy.render_policies(actions)
        assert all(len(d) <= policy.MAX_POLICY_CHARS for d in documents)
        assert [a for d in documents for a in policy.policy_actions(d)] == actions


def test_render_policy_refuses_oversize_documents():
    actions = [f"svc:res:action{i:04d}" for i in range(99)]
    with pytest.raises(ValueError, match="100 per statement"):
        policy.render_policy(actions + ["svc:res:z1", "svc:res:z2"])
    big = [f"svc:resource:{'a' * 80}{i:03d}" for i in range(90)]
    with pytest.raises(ValueError, match="6144"):
        policy.render_policy(big)
    assert len(policy.render_policies(big)) == 2


@settings(max_examples=60, deadline=None)
@given(st.sets(st.from_regex(r"[a-z]{2,6}:[A-Za-z]{1,12}:[A-Za-z*]{1,30}", fullmatch=True), max_size=300),
       st.integers(min_value=200, max_value=6144))
def test_split_covers_every_action_once_within_limits(actions, max_chars):
    documents = policy.render_policies(actions, max_chars=max_chars)
    flat = [a for d in documents for a in policy.policy_actions(d)]
    assert flat == sorted(actions)
    assert all(len(d) <= max_chars for d in documents)
    assert all(len(policy.policy_actions(d)) <= policy.MAX_ACTIONS_PER_STATEMENT for d in documents)


def test_policy_names_are_numbered_and_checked():
    assert policy.policy_names("ws-trainer-project-xa", 2) == ["ws-trainer-project-xa-1", "ws-trainer-project-xa-2"]
    with pytest.raises(ValueError, match="custom policy name"):
        policy.policy_names("bad name", 1)


def test_docs_name_only_actions_the_seed_lists():
    """docs/modelarts.md quotes IAM actions (e.g. the IEF spellings); each one it quotes is in the seed as written."""
    from conftest import ROOT

    doc = (ROOT / "docs" / "modelarts.md").read_text(encoding="utf-8")
    every = {a for t in SEED["tables"] for r in t["rows"] for a in r["actions"]}
    components = r"modelarts:(?:agency|bundle|iam|network|storage):[A-Z][a-z]+"  # Pulumi type tokens, not actions
    quoted = {a for a in re.findall(r"`([a-z]+:[A-Za-z*]+:[A-Za-z*]+)`", doc) if not re.fullmatch(components, a)}
    typos = {c["seed"] for c in SEED["corrections"]} | {"ces:metricData:list"}
    assert "ief:IEFInstance:get" in quoted and "ief:iefInstance:list" in quoted
    assert quoted - typos <= every, sorted(quoted - typos - every)
