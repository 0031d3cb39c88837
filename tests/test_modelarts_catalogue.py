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


# --- per function: which seed rows each function key stands for, written out here (the project's choice of keys),
# the rows themselves (actions, in order) taken from the seed data only ----------------------------------------------

# function key -> (table, scenario[, service]) selectors of seed rows, in the seed's order.
USER_FUNCTION_ROWS = {
    "basic": [(1, "Basic function", "IAM")],
    "global-configuration": [(1, "Global configuration")],
    "account-balance": [(1, "Basic function", "BSS")],
    "workspaces": [(2, "Workspace")],
    "notebooks": [(3, "Lifecycle management of development environment instances")],
    "notebook-storage-mount": [(3, "Dynamically mounting storage")],
    "notebook-images": [(3, "Image management")],
    "notebook-image-saving": [(3, "Saving an image")],
    "notebook-ssh": [(3, "Using the SSH function")],
    "notebook-sfs-turbo": [(3, "Mounting an SFS Turbo file system")],
    "notebook-admin": [(3, "Viewing all Instances")],
    "notebook-local-ide": [(3, "Local VS Code plug-in or PyCharm Toolkit")],
    "training-jobs": [(4, "Training management")],
    "workflows": [(5, "Using a dataset"), (5, "Managing AI applications"), (5, "Deploying a service"),
                  (5, "Training jobs"), (5, "Workspace"), (5, "Managing data"), (5, "Executing a workflow")],
    "workflow-dli": [(5, "Integrating DLI")],
    "workflow-mrs": [(5, "Integrating MRS")],
    "ai-applications": [(6, "Managing AI applications")],
    "real-time-services": [(7, "Real-time services")],
    "batch-services": [(7, "Batch services")],
    "edge-services": [(7, "Edge services")],
    "datasets": [(8, "Managing datasets and labels")],
    "table-datasets-dli": [(8, "Managing table datasets", "DLI")],
    "table-datasets-dws": [(8, "Managing table datasets", "DWS")],
    "table-datasets-mrs": [(8, "Managing table datasets", "MRS")],
    "auto-labeling": [(8, "Auto labeling")],
    "team-labeling": [(8, "Team labeling")],
    "resource-pools": [(9, "Managing resource pools")],
    "network-management": [(9, "Network management")],
    "edge-resource-pools": [(9, "Edge resource pool")],
}
AGENCY_FUNCTION_ROWS = {
    "notebooks": [(10, "JupyterLab"), (10, "Development environment monitoring")],
    "training-jobs": [(11, "Training jobs")],
    "real-time-services": [(12, "Real-time services")],
    "batch-services": [(12, "Batch services")],
    "edge-services": [(12, "Edge services")],
    "datasets": [(13, "Dataset and data labeling")],
    "auto-labeling": [(13, "Labeling data")],
    "network-management": [(14, "Network management (New version)")],
    "resource-pools": [(14, "Managing resource pools")],
}
# Seed rows a general function must not hold: the seed says only an administrator needs them.
ADMIN_FUNCTIONS = {"global-configuration", "notebook-admin"}


def _selected(selector, table: int, row: dict) -> bool:
    return (table, row["scenario"]) == selector[:2] and (len(selector) == 2 or row["service"] == selector[2])


def seed_function_rows(selectors) -> list[tuple]:
    """The seed rows a function stands for, in the seed's order, each as (table, scenario, service, actions,
    system policies, mandatory)."""
    return [(t["table"], r["scenario"], r["service"], tuple(r["actions"]), tuple(r["system_policies"]), r["mandatory"])
            for t in SEED["tables"] for r in t["rows"] if any(_selected(s, t["table"], r) for s in selectors)]


def seed_function_actions(*functions: str, agency: bool = False) -> set[str]:
    """Every action of the seed rows of `functions` (user rows, or agency rows)."""
    table = AGENCY_FUNCTION_ROWS if agency else USER_FUNCTION_ROWS
    return {a for f in functions for row in seed_function_rows(table.get(f, [])) for a in row[3]}


def _entries(entries) -> list[tuple]:
    return [(e.table, e.scenario, e.service, e.actions, e.system_policies, e.mandatory) for e in entries]


@pytest.mark.parametrize("function", sorted(USER_FUNCTION_ROWS))
def test_each_user_function_holds_its_seed_rows_in_order(function):
    assert _entries(catalogue.USER_FUNCTIONS[function]) == seed_function_rows(USER_FUNCTION_ROWS[function])


@pytest.mark.parametrize("function", sorted(AGENCY_FUNCTION_ROWS))
def test_each_agency_function_holds_its_seed_rows_in_order(function):
    assert _entries(catalogue.AGENCY_FUNCTIONS[function]) == seed_function_rows(AGENCY_FUNCTION_ROWS[function])


def test_the_functions_are_exactly_those_and_cover_every_seed_row_once():
    assert sorted(catalogue.USER_FUNCTIONS) == sorted(USER_FUNCTION_ROWS)
    assert sorted(catalogue.AGENCY_FUNCTIONS) == sorted(AGENCY_FUNCTION_ROWS)
    for table, kinds in ((USER_FUNCTION_ROWS, range(1, 10)), (AGENCY_FUNCTION_ROWS, range(10, 15))):
        claimed = [row for selectors in table.values() for row in seed_function_rows(selectors)]
        assert sorted(claimed) == sorted(seed_entry_rows(kinds))  # every row, and none twice


def test_administrator_only_rows_stay_out_of_the_general_functions():
    admin_rows = [r for t in SEED["tables"] for r in t["rows"] if "administrator" in " ".join(r["description"])]
    assert {r["scenario"] for r in admin_rows} == {"Global configuration", "Viewing all Instances"}
    notebooks = {a for acts in catalogue.user_actions(["notebooks"]).values() for a in acts}
    assert "modelarts:notebook:listAllNotebooks" not in notebooks
    assert notebooks == seed_function_actions("notebooks", "basic")
    admin = {a for acts in catalogue.user_actions(["notebook-admin"], include_mandatory=False).values() for a in acts}
    assert admin == seed_function_actions("notebook-admin") == {"modelarts:notebook:listAllNotebooks",
                                                                 "iam:users:listUsers"}


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
    seed_policies = sorted(p for t in SEED["tables"] for r in t["rows"] for p in r["system_policies"])
    assert catalogue.user_system_policies(catalogue.function_keys()) == seed_policies
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
    actions = ",".join(f'"{a}"' for a in sorted(seed_table(11)))
    assert policy.render_policy(catalogue.agency_actions(["training-jobs"])) == (
        '{"Version":"1.1","Statement":[{"Effect":"Allow","Action":[' + actions + ']}]}'
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
    mandatory = [(t["table"], r["service"], a) for t in SEED["tables"] for r in t["rows"] if r["mandatory"]
                 for a in r["actions"]]
    assert mandatory == [(1, "IAM", "iam:tokens:assume")]
    assert catalogue.MANDATORY_FUNCTIONS == ("basic",)
    assert catalogue.user_actions([]) == {"global": [a for *_, a in mandatory]}
    assert catalogue.user_actions([], include_mandatory=False) == {}


def test_unknown_function_is_rejected_with_its_path():
    with pytest.raises(ValueError, match=r"^roles\[0\].functions\[1\]: 'training' is not a ModelArts function \(expected one of: account-balance, "):
        catalogue.validate_functions(["notebooks", "training"], "roles[0].functions")
    with pytest.raises(ValueError, match="^functions: expected a list of function keys, got the string 'notebooks'$"):
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
    with pytest.raises(ValueError, match=r"is not an IAM action of the form service:resource:action \(letters, "):
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
    with pytest.raises(ValueError, match="^custom policy name 'bad name-1': use letters, digits, '-' and '_', at most 128$"):
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
