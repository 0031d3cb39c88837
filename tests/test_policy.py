"""The RAM policy model (components/alicloud/plan/policy.py): canonical rendering, grammar, size-limit splitting, policy names.

Pure: no Pulumi engine. Property tests (Hypothesis) check render and split on generated statements.
"""

from __future__ import annotations

import json
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.alicloud import naming
from components.alicloud.plan import grants, policy
from components.core import config
from components.alicloud.plan.policy import PolicyError, Statement, statement

from conftest import base_config, minimal_workspace
from offline import tokens as T


def _doc(text: str) -> dict:
    return json.loads(text)


# --- canonical rendering ------------------------------------------------------------------------------------------


def test_render_fixed_key_order_compact_and_version_1():
    text = policy.render([statement(["oss:GetObject"], ["acs:oss:*:*:b/*"],
                                    condition={"IpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}})])
    assert text == (
        '{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],'
        '"Resource":["acs:oss:*:*:b/*"],"Condition":{"IpAddress":{"acs:SourceIp":["10.0.0.0/8"]}}}]}'
    )
    doc = _doc(text)
    assert list(doc) == ["Version", "Statement"]
    assert list(doc["Statement"][0]) == ["Effect", "Action", "Resource", "Condition"]


def test_render_sorts_and_deduplicates_actions_and_resources():
    s = statement(["oss:PutObject", "oss:GetObject", "oss:PutObject"], ["acs:oss:*:*:b/*", "acs:oss:*:*:a/*", "acs:oss:*:*:b/*"])
    st0 = _doc(policy.render([s]))["Statement"][0]
    assert st0["Action"] == ["oss:GetObject", "oss:PutObject"]
    assert st0["Resource"] == ["acs:oss:*:*:a/*", "acs:oss:*:*:b/*"]


def test_single_star_resource_is_written_as_a_string():
    assert _doc(policy.render([statement("eas:ListServices")]))["Statement"][0]["Resource"] == "*"


def test_statement_order_is_stable_allow_first_and_independent_of_input_order():
    stmts = [
        statement("oss:GetObject", "acs:oss:*:*:z/*"),
        statement("ecs:DeleteInstance", "*", effect="Deny"),
        statement("oss:GetObject", "acs:oss:*:*:a/*"),
        statement("vpc:DescribeVpcs", "*"),
    ]
    first = policy.render(stmts)
    for seed in range(10):
        shuffled = stmts[:]
        random.Random(seed).shuffle(shuffled)
        assert policy.render(shuffled) == first
    effects = [s["Effect"] for s in _doc(first)["Statement"]]
    assert effects == ["Allow", "Allow", "Allow", "Deny"]


def test_identical_statements_are_dropped_but_distinct_ones_are_not_merged():
    a = statement(["pai:*ResourceGroup*"], "*")
    b = statement(["vpc:DescribeVpcs"], "*")
    doc = _doc(policy.render([a, b, a]))
    assert len(doc["Statement"]) == 2  # seed 003 keeps these two apart; so do we


def test_rendering_the_same_stack_twice_is_byte_identical():
    cfg = config.load({
        "alicloud:region": "cn-hangzhou",
        "namePrefix": "acme",
        "workspaces": [minimal_workspace(modules=["itag"], buckets=[{"key": "raw"}, {"key": "labelled"}])],
    })
    once = [d for p in grants.workspace_grants("acme", cfg.workspaces[0]).policies for d in p.documents()]
    twice = [d for p in grants.workspace_grants("acme", cfg.workspaces[0]).policies for d in p.documents()]
    assert once and once == twice


# --- grammar ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, message",
    [
        (Statement(("oss:GetObject",), ("*",), "allow"), "Effect 'allow'"),
        (Statement(("GetObject",), ("*",)), "not shaped 'service:Action'"),
        (Statement(("oss:Get Object",), ("*",)), "not shaped"),
        (Statement(("oss:GetObject",), ("mybucket",)), "neither '*' nor an ARN"),
        (Statement(("oss:GetObject",), ("arn:aws:s3:::b",)), "neither '*' nor an ARN"),
        (Statement(("oss:GetObject",), ("*",), condition={"StringEqual": {"k": "v"}}), "not a RAM condition operator"),
        (Statement(("oss:GetObject",), ("*",), condition={"StringEquals": {}}), "must map condition keys"),
        (Statement(("*",), ("*",)), "must not allow '*' on '*'"),
        (Statement(("*:*",), ("acs:*:*:*:*",)), "must not allow '*' on '*'"),
        (Statement((), ("*",)), "at least one Action"),
    ],
)
def test_invalid_statements_are_rejected_by_validate_and_by_render(bad, message):
    for check in (policy.validate_statement, lambda s: policy.render([s]), lambda s: policy.split([s])):
        with pytest.raises(PolicyError, match=re.escape(message)):
            check(bad)


@pytest.mark.parametrize(
    "good",
    [
        Statement(("oss:Get*", "oss:List?bjects"), ("acs:oss:*:*:b", "acs:oss:*:*:b/*")),
        Statement(("*",), ("acs:oss:*:*:b/*",)),  # every action, but on one bucket's objects
        Statement(("ecs:*",), ("*",), "Deny"),
        Statement(("*",), ("*",), "Deny"),  # denying everything is fine
        Statement(("ram:GetRole",), ("acs:ram::1234567890:role/x",)),
        Statement(("pai:GetQuota",), ("acs:pai:*:*:quota/*/quota1.2/*",)),
        Statement(("oss:GetObject",), ("*",), condition={"Bool": {"acs:SecureTransport": "true"}}),
    ],
)
def test_valid_statements_pass(good):
    policy.validate_statement(good)
    assert policy.parse_document(_doc(policy.render([good]))) == [good]


@pytest.mark.parametrize(
    "doc, message",
    [
        ({"Version": "2", "Statement": [{"Effect": "Allow", "Action": "a:B", "Resource": "*"}]}, "Version '2'"),
        ({"Version": "1"}, "Statement must be a non-empty list"),
        ({"Version": "1", "Statement": []}, "Statement must be a non-empty list"),
        ({"Version": "1", "Statement": [], "Id": "x"}, "unknown policy document key 'Id'"),
        ({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "a:B"}]}, r"Statement\[0\]: Resource is required"),
        ({"Version": "1", "Statement": [{"Effect": "Allow", "NotAction": "a:B", "Resource": "*"}]}, "unknown key 'NotAction'"),
        ({"Version": "1", "Statement": [{"Effect": "Allow", "Action": [1], "Resource": "*"}]}, "Action must be a string or a list"),
        ({"Version": "1", "Statement": ["x"]}, r"Statement\[0\] must be a mapping"),
        ("not a mapping", "must be a mapping"),
    ],
)
def test_parse_document_rejects_bad_grammar_with_a_path(doc, message):
    with pytest.raises(PolicyError, match=message):
        policy.parse_document(doc)


def test_bad_custom_policy_in_config_is_one_config_error_line():
    ws = minimal_workspace(policies=[{"name": "wide", "document": {"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}}])
    with pytest.raises(config.ConfigError) as e:
        config.load({k.removeprefix("pai-platform:"): v for k, v in base_config(ws).items()})
    assert "\n" not in str(e.value)
    assert str(e.value).startswith("workspaces[0].policies[0].document")
    assert "must not allow '*' on '*'" in str(e.value)


# --- size limit ---------------------------------------------------------------------------------------------------


def _big_statements(n_buckets: int) -> list[Statement]:
    return [statement(grants.OSS_RW, [f"acs:oss:*:*:bucket-number-{i:04d}", f"acs:oss:*:*:bucket-number-{i:04d}/*"])
            for i in range(n_buckets)]


def _pairs(docs: list[str]) -> set[tuple[str, str, str]]:
    out = set()
    for d in docs:
        for s in policy.parse_document(_doc(d)):
            out |= {(s.effect, a, r) for a in s.actions for r in s.resources}
    return out


def test_small_documents_are_not_split():
    assert len(policy.split(_big_statements(2))) == 1


def test_documents_over_6144_characters_are_split_and_lose_nothing():
    stmts = _big_statements(40)
    assert len(policy.render(stmts)) > policy.MAX_DOCUMENT_CHARS
    docs = policy.split(stmts)
    assert len(docs) > 1
    assert all(len(d) <= policy.MAX_DOCUMENT_CHARS for d in docs)
    assert _pairs(docs) == _pairs([policy.render(stmts)])
    assert policy.split(list(reversed(stmts))) == docs  # deterministic whatever the input order


def test_one_huge_statement_is_halved_by_actions_then_resources():
    many_actions = statement([f"oss:Action{i:04d}" for i in range(600)], "acs:oss:*:*:b/*")
    docs = policy.split([many_actions])
    assert len(docs) > 1 and all(len(d) <= policy.MAX_DOCUMENT_CHARS for d in docs)
    assert _pairs(docs) == {("Allow", f"oss:Action{i:04d}", "acs:oss:*:*:b/*") for i in range(600)}
    many_resources = statement("oss:GetObject", [f"acs:oss:*:*:bucket-{i:04d}/*" for i in range(400)])
    docs = policy.split([many_resources])
    assert len(docs) > 1 and all(len(d) <= policy.MAX_DOCUMENT_CHARS for d in docs)
    assert len(_pairs(docs)) == 400


def test_one_action_on_one_resource_too_long_fails_clearly():
    with pytest.raises(PolicyError, match="alone exceeds 100 characters"):
        policy.split([statement("oss:GetObject", "acs:oss:*:*:" + "b" * 200)], limit=100)


def test_split_policies_are_numbered_and_the_first_keeps_its_name():
    spec = grants.PolicySpec("access-rw", "acme-nlp-dev-access-rw", "d", tuple(_big_statements(40)), ("g",))
    names = [n for n, _ in spec.documents()]
    assert names[0] == "acme-nlp-dev-access-rw"
    assert names[1:] == [f"acme-nlp-dev-access-rw-{i}" for i in range(2, len(names) + 1)]
    assert all(policy.POLICY_NAME_RE.fullmatch(n) for n in names)


# --- policy names -------------------------------------------------------------------------------------------------


def test_policy_names_from_workspace_names_replace_underscores():
    assert policy.policy_name("acme", "nlp_dev_Team", "access-rw") == "acme-nlp-dev-Team-access-rw"
    assert policy.policy_name("a__b", "", "-c-") == "a-b-c"
    assert naming.ws_policy_name("acme", "nlp_dev", "access-rw") == "acme-nlp-dev-access-rw"


@pytest.mark.parametrize("parts", [("",), ("___",), ("x" * 129,)])
def test_policy_names_ram_rejects_raise(parts):
    with pytest.raises(PolicyError, match="1-128 letters, digits and hyphens"):
        policy.policy_name(*parts)


def test_every_generated_policy_name_of_a_stack_is_a_valid_ram_name():
    cfg = config.load({
        "alicloud:region": "cn-hangzhou",
        "namePrefix": "acme",
        "workspaces": [minimal_workspace(name="Nlp_Team_2", members=[
            {"name": "a", "roles": ["PAI.AlgoDeveloper"]}, {"name": "g", "roles": ["PAI.WorkspaceGuest"]}])],
    })
    names = [n for p in grants.workspace_grants("acme", cfg.workspaces[0]).policies for n, _ in p.documents()]
    assert names and all(policy.POLICY_NAME_RE.fullmatch(n) and "_" not in n for n in names)


# --- properties ---------------------------------------------------------------------------------------------------

_service = st.sampled_from(["oss", "ecs", "vpc", "pai", "eas", "nas", "log"])
_api = st.from_regex(r"[A-Z][A-Za-z]{2,30}", fullmatch=True)
_action = st.builds(lambda s, a: f"{s}:{a}", _service, _api)
_resource = st.one_of(
    st.just("*"),
    st.from_regex(r"acs:oss:\*:\*:[a-z0-9][a-z0-9-]{2,40}(/\*)?", fullmatch=True),
)
_statement = st.builds(
    lambda acts, res, eff: statement(acts, res, effect=eff),
    st.lists(_action, min_size=1, max_size=40),
    st.lists(_resource, min_size=1, max_size=30),
    st.sampled_from(["Allow", "Deny"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_statement, min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_render_is_canonical_under_any_input_order(stmts, rnd):
    shuffled = stmts[:]
    rnd.shuffle(shuffled)
    assert policy.render(shuffled) == policy.render(stmts)
    doc = _doc(policy.render(stmts))
    for s in doc["Statement"]:
        acts = s["Action"]
        assert acts == sorted(set(acts))


@settings(max_examples=40, deadline=None)
@given(st.lists(_statement, min_size=1, max_size=40), st.integers(min_value=400, max_value=policy.MAX_DOCUMENT_CHARS))
def test_split_fits_the_limit_and_keeps_every_grant(stmts, limit):
    docs = policy.split(stmts, limit=limit)
    assert docs
    assert all(len(d) <= limit for d in docs)
    assert _pairs(docs) == _pairs([policy.render(stmts)])
    assert policy.split(stmts, limit=limit) == docs


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_example_stacks_custom_policies_fit_never_allow_everything_and_render_identically(example_plan, stack):
    first, second = example_plan(stack), example_plan(stack)
    docs = {p.plain_inputs()["policyName"]: p.plain_inputs()["policyDocument"]
            for p in first.by_type(T.ALI_POLICY)}
    again = {p.plain_inputs()["policyName"]: p.plain_inputs()["policyDocument"]
             for p in second.by_type(T.ALI_POLICY)}
    assert docs and docs == again
    for name, text in docs.items():
        assert len(text) <= policy.MAX_DOCUMENT_CHARS, name
        assert policy.POLICY_NAME_RE.fullmatch(name)
        for s in policy.parse_document(json.loads(text)):
            assert not s.grants_everything, name
