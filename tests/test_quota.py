"""Resource pool and quota access (components/alicloud/plan/quota.py, config `quotaAccess`) against seed 003.

The five example policies are the seed's own, kept as data in tests/seed_facts/003_quota_policies.json (parsed from
the seed text by .ci/check_seed_facts.py, which CI runs against the seeds); each builder must produce the same document:
the same statements (as parsed JSON, compared as sets of actions and resources, since canonical rendering sorts
actions and statements and writes a lone "*" resource as a string) and the same canonical bytes.
"""

from __future__ import annotations

import json
import re

import pytest

from components.alicloud.plan import policy, quota
from components.core import config
from conftest import base_config, minimal_workspace
from seed_data import load
from offline import tokens as T

SEED = load("003_quota_policies.json")
T_POLICY = T.ALI_POLICY
T_GPA = T.ALI_GROUP_POLICY


EXAMPLES = [example["policy"] for example in SEED["examples"]]


def test_the_seed_has_five_examples():
    assert len(EXAMPLES) == 5
    assert [example["example"] for example in SEED["examples"]] == [
        "Manage the resource pool",
        "Create, scale, and delete root resource quotas",
        "Manage a root resource quota",
        "Manage a child resource quota",
        "Add VPC permissions for Lingjun resource quotas",
    ]


def as_set(doc: dict) -> list[tuple]:
    """A document's meaning as data: each statement's effect, action set, resource set and condition."""
    def strings(v):
        return frozenset([v] if isinstance(v, str) else v)

    return sorted(
        (s["Effect"], tuple(sorted(strings(s["Action"]))), tuple(sorted(strings(s["Resource"]))),
         json.dumps(s.get("Condition", {}), sort_keys=True))
        for s in doc["Statement"]
    )


def assert_same(statements, seed_doc):
    ours = json.loads(policy.render(statements))
    assert ours["Version"] == seed_doc["Version"] == "1"
    assert as_set(ours) == as_set(seed_doc)
    assert len(ours["Statement"]) == len(seed_doc["Statement"])
    assert policy.render(statements) == policy.render(policy.parse_document(seed_doc))


# --- the five seed examples ---------------------------------------------------------------------------------------


def test_manage_the_resource_pool():
    assert_same(quota.statements_for("resource-pool"), EXAMPLES[0])


def test_create_scale_delete_root_quotas_on_named_resource_groups():
    groups = ["resourcegroup1", "resourcegroup2", "resourcegroup3"]
    assert_same(quota.statements_for("root-quotas", resource_groups=groups), EXAMPLES[1])


def test_manage_a_root_quota():
    assert_same(quota.statements_for("root-quota", quota_id="quota1"), EXAMPLES[2])


def test_manage_a_child_quota():
    assert_same(quota.statements_for("child-quota", quota_id="quota1.2"), EXAMPLES[3])


def test_lingjun_vpc_statement_alone_and_appended():
    assert_same(quota.vpc_read_statements(), EXAMPLES[4])
    combined = {"Version": "1", "Statement": EXAMPLES[2]["Statement"] + EXAMPLES[4]["Statement"]}
    assert_same(quota.statements_for("root-quota", quota_id="quota1", lingjun_vpc=True), combined)


def test_a_different_id_gives_a_different_document():
    with pytest.raises(AssertionError):
        assert_same(quota.statements_for("root-quota", quota_id="quota2"), EXAMPLES[2])


# --- ARN builders (seed 003 "ARN reference") ----------------------------------------------------------------------


ARN_ROWS = {row["resource_type"]: row for row in SEED["arn_patterns"]["rows"]}


@pytest.mark.parametrize(
    "resource_type, builder, ident, expected",
    [
        ("Specific dedicated resource group", quota.resource_group_arn, "resourcegroup1",
         "acs:pai:*:*:resourcegroup/resourcegroup1"),
        ("All resource quotas", quota.all_quotas_arn, None, "acs:pai:*:*:quota/*"),
        ("Specific root resource quota", quota.root_quota_arn, "quota1", "acs:pai:*:*:quota/quota1"),
        ("Children of a root resource quota", quota.root_quota_children_arn, "quota1", "acs:pai:*:*:quota/quota1/*"),
        ("Specific child resource quota (any parent)", quota.child_quota_arn, "quota1.2",
         "acs:pai:*:*:quota/*/quota1.2"),
        ("Children of a child resource quota (any parent)", quota.child_quota_children_arn, "quota1.2",
         "acs:pai:*:*:quota/*/quota1.2/*"),
    ],
)
def test_arn_builders_match_the_seed_table(resource_type, builder, ident, expected):
    built = builder(ident) if ident else builder()
    assert built == expected
    row = ARN_ROWS[resource_type]
    # The table's example column ("--" where the pattern has no placeholder: the pattern is its own example).
    assert expected == (row["example"] or row["pattern"])
    # The pattern column, its placeholder filled with the example's id, is the same ARN.
    assert re.sub(r"\{(name|quotaId)\}", str(ident), row["pattern"]) == expected


def test_the_arn_table_has_the_six_rows_the_builders_cover():
    assert len(SEED["arn_patterns"]["rows"]) == 6 == len(ARN_ROWS)


@pytest.mark.parametrize("bad", ["", "*", "quota/*", "a:b", "q 1", "-q", "q?"])
def test_ids_that_would_widen_an_arn_are_refused(bad):
    with pytest.raises(ValueError, match="no wildcards"):
        quota.root_quota_arn(bad)


# --- config -------------------------------------------------------------------------------------------------------


def load(*grants, members=None):
    ws = minimal_workspace(
        members=members or [{"name": "boss", "roles": ["PAI.WorkspaceAdmin"]},
                            {"name": "alice", "roles": ["PAI.AlgoDeveloper"]}],
        quotaAccess=list(grants),
    )
    return config.load({k.removeprefix("pai-platform:"): v for k, v in base_config(ws).items()})


def error(*grants) -> str:
    with pytest.raises(config.ConfigError) as e:
        load(*grants)
    assert "\n" not in str(e.value)
    return str(e.value)


OK = {"name": "pool", "scenario": "resource-pool", "roles": ["PAI.WorkspaceAdmin"]}


@pytest.mark.parametrize(
    "grant, message",
    [
        ({"name": "q", "scenario": "root-quota", "roles": ["PAI.WorkspaceAdmin"]},
         "workspaces[0].quotaAccess[1].quotaId: is required for scenario 'root-quota'"),
        ({"name": "q", "scenario": "child-quota", "roles": ["PAI.WorkspaceAdmin"]},
         "workspaces[0].quotaAccess[1].quotaId: is required for scenario 'child-quota'"),
        ({"name": "q", "scenario": "root-quotas", "roles": ["PAI.WorkspaceAdmin"]},
         "workspaces[0].quotaAccess[1].resourceGroups: is required for scenario 'root-quotas'"),
        ({"name": "q", "scenario": "pool", "roles": ["PAI.WorkspaceAdmin"]},
         "workspaces[0].quotaAccess[1].scenario: 'pool' is not a quota scenario (expected one of: resource-pool, "
         "root-quotas, root-quota, child-quota)"),
        ({"name": "q", "scenario": "root-quota", "quotaId": "quota/*", "roles": ["PAI.WorkspaceAdmin"]},
         "workspaces[0].quotaAccess[1].quotaId: 'quota/*' is not a quota id"),
        ({"name": "q", "scenario": "root-quotas", "resourceGroups": ["rg1", "rg*"], "roles": ["PAI.WorkspaceAdmin"]},
         "workspaces[0].quotaAccess[1].resourceGroups: 'rg*' is not a resource group name"),
        ({"name": "q", "scenario": "root-quota", "quotaId": "q1", "resourceGroups": ["rg1"], "roles": ["PAI.WorkspaceAdmin"]},
         "workspaces[0].quotaAccess[1].resourceGroups: ['rg1'] does not apply to scenario 'root-quota'"),
        ({"name": "q", "scenario": "resource-pool", "lingjunVpc": True, "roles": ["PAI.WorkspaceAdmin"]},
         "workspaces[0].quotaAccess[1].lingjunVpc: True does not apply to scenario 'resource-pool'"),
        ({"name": "q", "scenario": "child-quota", "quotaId": "q1", "roles": ["PAI.LabelManager"]},
         "workspaces[0].quotaAccess[1].roles[0]: 'PAI.LabelManager' no member of this workspace has this role"),
        ({"name": "q", "scenario": "child-quota", "quotaId": "q1", "roles": ["Admin"]},
         "workspaces[0].quotaAccess[1].roles[0]: 'Admin' is not a PAI workspace role"),
        ({"name": "q", "scenario": "child-quota", "quotaId": "q1", "roles": []},
         "workspaces[0].quotaAccess[1].roles: needs at least 1 item(s)"),
        ({"name": "pool", "scenario": "child-quota", "quotaId": "q1", "roles": ["PAI.WorkspaceAdmin"]},
         "workspaces[0].quotaAccess[1].name: 'pool' quota grant name is used twice in this workspace"),
        ({"name": "q", "scenario": "child-quota", "quotaId": "q1", "roles": ["PAI.WorkspaceAdmin"], "quota": "x"},
         "workspaces[0].quotaAccess[1].quota: unknown key"),
    ],
)
def test_bad_grants_are_one_line_errors_naming_path_value_and_rule(grant, message):
    assert error(OK, grant).startswith(message)


def test_good_grants_load():
    cfg = load(OK, {"name": "team-quota", "scenario": "child-quota", "quotaId": "quota1.2", "lingjunVpc": True,
                    "roles": ["PAI.WorkspaceAdmin", "PAI.AlgoDeveloper"]})
    assert [q.name for q in cfg.workspaces[0].quota_access] == ["pool", "team-quota"]


# --- wiring -------------------------------------------------------------------------------------------------------


def test_grants_become_policies_attached_to_the_named_role_groups(plan_for):
    ws = minimal_workspace(
        members=[{"name": "boss", "roles": ["PAI.WorkspaceAdmin"]}, {"name": "alice", "roles": ["PAI.AlgoDeveloper"]}],
        quotaAccess=[
            {"name": "rq", "scenario": "root-quota", "quotaId": "quota1", "roles": ["PAI.WorkspaceAdmin"]},
            {"name": "cq", "scenario": "child-quota", "quotaId": "quota1.2", "lingjunVpc": True,
             "roles": ["PAI.WorkspaceAdmin", "PAI.AlgoDeveloper"]},
        ],
    )
    plan = plan_for(base_config(ws))
    docs = {p.plain_inputs()["policyName"]: json.loads(p.plain_inputs()["policyDocument"]) for p in plan.by_type(T_POLICY)}
    assert as_set(docs["acme-team-ws-quota-rq"]) == as_set(EXAMPLES[2])
    assert as_set(docs["acme-team-ws-quota-cq"]) == as_set(
        {"Statement": EXAMPLES[3]["Statement"] + EXAMPLES[4]["Statement"]})
    attached: dict[str, set[str]] = {}
    for a in plan.by_type(T_GPA):
        attached.setdefault(a.plain_inputs()["policyName"], set()).add(a.plain_inputs()["groupName"])
    assert attached["acme-team-ws-quota-rq"] == {"acme-team-ws-admin"}
    assert attached["acme-team-ws-quota-cq"] == {"acme-team-ws-admin", "acme-team-ws-algo-developer"}


def test_no_quota_access_no_quota_policy(plan_for):
    plan = plan_for(base_config(minimal_workspace()))
    assert not [p for p in plan.by_type(T_POLICY) if "-quota-" in p.plain_inputs()["policyName"]]
