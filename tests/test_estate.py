"""Estates split into an identity stack and team stacks (README, "Estates"), against the monolithic stack.

Expected values come from the monolithic `prod` plan (another code path: one stack, no StackReference), from the
stack files themselves, and from the README's migration commands; never from the split code under test.
"""

from __future__ import annotations

import collections
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pulumi
import pytest
import yaml

from components.core.errors import ConfigError
from conftest import ROOT
from offline import preview
from offline.runtime import STACK_REFERENCE_TYPE, RecordingMocks, StackOutputs, run

IDENTITY, TEAMS = "prod-identity", ("prod-recsys", "prod-labeling")
REFERENCE = "organization/pai-platform/prod-identity"


@pytest.fixture(scope="module")
def plans():
    return {s: preview.plan_stack(s) for s in ("prod", IDENTITY, *TEAMS)}


def _without_stack(urn: str) -> str:
    return urn.split("::", 1)[1]


def _fingerprint(plan) -> collections.Counter:
    return collections.Counter(
        (_without_stack(r.urn), r.type, json.dumps(r.plain_inputs(), sort_keys=True, default=str),
         r.protect, tuple(sorted(r.additional_secret_outputs)))
        for r in plan.resources)


def test_the_split_example_holds_the_monolithic_prods_resources_with_the_same_types_and_inputs(plans):
    split = sum((_fingerprint(plans[s]) for s in (IDENTITY, *TEAMS)), collections.Counter())
    assert split == _fingerprint(plans["prod"])
    assert sum(len(plans[s].resources) for s in (IDENTITY, *TEAMS)) == len(plans["prod"].resources)


def test_team_stacks_read_the_identity_stack_and_use_its_user_ids(plans):
    # Each membership gets the user id the monolith gives the same membership (created users' ids, and the id
    # looked up for an existing one), now read from the identity stack.
    mono = {_without_stack(m.urn): m.plain_inputs()["userId"] for m in plans["prod"].of("ALI_MEMBER")}
    for team in TEAMS:
        plan = plans[team]
        assert plan.reads == [REFERENCE]
        assert plan.of("ALI_USER") == [] and plan.of("ALI_LOGIN_PROFILE") == []  # users live in the identity stack
        members = plan.of("ALI_MEMBER")
        assert members and {_without_stack(m.urn): m.plain_inputs()["userId"] for m in members} == {
            k: v for k, v in mono.items() if k in {_without_stack(m.urn) for m in members}}
        assert not [i for i in plan.invokes if i.token.endswith("getUsers")]  # no lookup by name in a team stack


def test_the_identity_stack_exports_the_users_its_stack_file_declares():
    declared = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{IDENTITY}.yaml").read_text())["config"]["pai-platform:users"]
    plan = preview.plan_stack(IDENTITY)
    users = json.loads(plan.plain_outputs()["users"])  # one JSON text (plan/identity.py JSON_OUTPUTS)
    assert sorted(users) == sorted(u["name"] for u in declared)
    for u in declared:
        assert users[u["name"]]["consoleLogin"] == u.get("consoleLogin", False)
        assert users[u["name"]]["resourceAdmin"] == u.get("resourceAdmin", False)
        assert users[u["name"]]["existing"] == u.get("existing", False)
    assert plan.plain_outputs()["accessLogBucket"] == "acme-prod-access-logs"  # <namePrefix>-access-logs
    assert plan.plain_outputs()["activatedModules"] == ["eas", "itag"]
    assert "workspaces" not in plan.outputs
    assert plan.redacted_outputs()["initialPasswords"] == "[secret]"  # one JSON text, and still a secret
    assert json.loads(plan.plain_outputs()["initialPasswords"]).keys() == {
        u["name"] for u in declared if u.get("consoleLogin")}


def test_a_team_stack_exports_only_its_workspaces(plans):
    assert set(plans["prod-recsys"].outputs) == {"workspaces"}
    assert set(plans["prod-recsys"].plain_outputs()["workspaces"]) == {"recsys_serving"}


def test_the_readme_migration_moves_exactly_prods_resources_into_the_three_stacks(plans):
    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index("### Moving a monolithic stack"):readme.index("## Scale")]
    commands = re.findall(r"pulumi state move --source (\S+) --dest (\S+) --yes((?: \\\n\s+'[^']+')+)", block)
    assert [(src, dest) for src, dest, _ in commands] == [("prod", IDENTITY), ("prod", TEAMS[0]), ("prod", TEAMS[1])]
    mono = plans["prod"].resources
    parent_of = {r.urn: r.parent for r in mono}

    def moved_with(top: str) -> set[str]:  # the URN and every resource whose parent chain reaches it
        out = set()
        for r in mono:
            u = r.urn
            while u:
                if u == top:
                    out.add(r.urn)
                    break
                u = parent_of.get(u, "")
        return out

    moved: dict[str, set[str]] = {}
    for _src, dest, urns in commands:
        for top in re.findall(r"'([^']+)'", urns):
            assert top in parent_of, f"README names {top}, which is not in prod's plan"
            moved.setdefault(dest, set()).update(_without_stack(u) for u in moved_with(top))
    for dest, urns in moved.items():
        assert urns == {_without_stack(r.urn) for r in plans[dest].resources}, dest
    assert set().union(*moved.values()) == {_without_stack(r.urn) for r in mono}  # prod is left empty


def _team_config(**changes) -> dict[str, str]:
    _, config = preview.load_stack_config(ROOT, "prod-labeling")
    config = dict(config)
    for key, value in changes.items():
        config[f"pai-platform:{key}"] = value if isinstance(value, str) else json.dumps(value)
    return config


def _refused(config: dict[str, str], references=None) -> list[str]:
    mocks = _Counting()
    with pytest.raises(pulumi.RunError) as e:
        run(preview.program_for(ROOT), project="pai-platform", stack="prod-labeling", config=config, mocks=mocks,
            references=references)
    assert isinstance(e.value, ConfigError)
    assert mocks.registered == [], "nothing may be registered before a reference error"
    return str(e.value).splitlines()


class _Counting(RecordingMocks):
    def __init__(self) -> None:
        super().__init__()
        self.registered: list[str] = []

    def new_resource(self, args):
        if args.typ != STACK_REFERENCE_TYPE:
            self.registered.append(args.name)
        return super().new_resource(args)


@pytest.fixture(scope="module")
def identity_outputs():
    return {REFERENCE: StackOutputs.of(preview.plan_stack(IDENTITY))}


def test_under_the_cli_an_unreadable_identity_stack_is_one_line_naming_the_key():
    # No references given: the StackReference read fails, as the engine fails it for a stack that does not exist.
    assert _refused(_team_config()) == [
        f"identityStack: '{REFERENCE}' could not be read (StackReference failed: unknown stack '{REFERENCE}')"]


def test_an_unknown_member_and_a_near_miss_are_one_line_each(identity_outputs):
    ws = json.loads(_team_config()["pai-platform:workspaces"])
    ws[0]["members"] = [{"name": "zed", "roles": ["PAI.LabelManager"]}, {"name": "DAVE", "roles": ["PAI.LabelManager"]}]
    assert _refused(_team_config(workspaces=ws), identity_outputs) == [
        f"workspaces[0].members[0].name: 'zed' is not a user of the identity stack {REFERENCE}; add it to users[] "
        "there (it exports 5 users)",
        f"workspaces[0].members[1].name: 'DAVE' is not a user of the identity stack {REFERENCE}; it exports 'dave' "
        "(RAM user names ignore case: spell it the same)",
    ]


def test_a_stack_that_is_not_an_identity_stack_is_refused_by_what_it_does_not_export():
    # dev is a monolithic stack: it exports workspaces, not users.
    config = _team_config(identityStack="organization/pai-platform/dev")
    references = preview.identity_references(ROOT, "pai-platform", "prod-labeling", config)
    assert _refused(config, references) == [
        "identityStack: stack 'organization/pai-platform/dev' exports no `users` map: is it an identity stack of this "
        "project (it declares users:), and has it been deployed (pulumi up --stack dev)?"]


def test_a_team_stacks_meaning_checks_use_the_identity_stacks_attributes(identity_outputs):
    # dataset-acceleration needs a resource admin (seed 002). platform-admin is one in prod-identity (its stack file
    # says resourceAdmin: true), dave is not: the team stack knows only through the identity stack's export.
    ws = json.loads(_team_config()["pai-platform:workspaces"])
    ws[0]["modules"] = ["itag", "dataset-acceleration"]
    plan = run(preview.program_for(ROOT), project="pai-platform", stack="prod-labeling",
               config=_team_config(workspaces=ws), references=identity_outputs)
    accel = [a.plain_inputs()["userName"] for a in plan.of("ALI_USER_GROUP") if "dataset-acceleration" in a.name]
    assert accel == ["platform-admin"]
    ws[0]["members"] = [m for m in ws[0]["members"] if m["name"] != "platform-admin"]
    assert _refused(_team_config(workspaces=ws), identity_outputs) == [
        "workspaces[0].modules[1]: 'dataset-acceleration' needs a member with resourceAdmin: true (seed 002: "
        "AliyunPAIFullAccess + AliyunDatasetAccFullAccess, for its resource admins only)"]


def test_modules_the_identity_stack_does_not_activate_are_a_warning(identity_outputs):
    outputs = dict(identity_outputs[REFERENCE].outputs)
    outputs["activatedModules"] = ["eas"]  # as if prod-identity's accountBootstrap.modules were [eas]
    refs = {REFERENCE: StackOutputs(outputs, identity_outputs[REFERENCE].secret_names)}
    plan = run(preview.program_for(ROOT), project="pai-platform", stack="prod-labeling", config=_team_config(),
               references=refs)
    assert plan.warnings == [f"workspaces[0].modules: itag not in the accountBootstrap.modules of the identity "
                             f"stack {REFERENCE}, so their services are not activated by it"]


def test_the_identity_stacks_log_bucket_passes_the_pack_though_no_bucket_of_its_own_stack_logs_to_it(plans):
    from policypack import rules, storage

    resources = preview.plan_json(plans[IDENTITY])["resources"]
    assert rules.check_preview(resources) == []
    bucket = next(r for r in plans[IDENTITY].of("ALI_BUCKET"))
    parent = next(r for r in plans[IDENTITY].resources if r.urn == bucket.parent)
    assert parent.type == storage.LOG_BUCKET_COMPONENT  # the pack's constant is the component's type
    # The same bucket anywhere else, not logged, is a violation.
    elsewhere = [dict(r) for r in resources if r["type"] != storage.OSS_BUCKET_LOGGING]
    for r in elsewhere:
        r["urn"] = r["urn"].replace(storage.LOG_BUCKET_COMPONENT + "$", "pai:bundle:WorkspaceBundle$")
    assert [v.policy for v in rules.check_preview(elsewhere)] == [storage.ACCESS_LOGGING]


def test_every_split_stack_passes_the_policy_pack(plans):
    from policypack import rules

    for stack in (IDENTITY, *TEAMS):
        mandatory = [v for v in rules.check_preview(preview.plan_json(plans[stack])["resources"])
                     if v.level != rules.ADVISORY]
        assert mandatory == [], stack


def test_make_preview_of_a_team_stack_plans_its_identity_stack_first_end_to_end():
    python = ROOT / "venv" / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PULUMI_CONFIG")}
    proc = subprocess.run([str(python if python.exists() else sys.executable), "-m", "offline.preview",
                           "--stack", "prod-recsys"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^ >   ├─ pulumi:pulumi:StackReference +organization/pai-platform/prod-identity \[read\]$",
                     proc.stdout, re.M)
    assert "user-" not in proc.stdout  # no RAM user is created by a team stack


def test_a_saved_json_plan_of_the_identity_stack_answers_the_reference_as_planning_it_does(tmp_path, capsys):
    assert preview.main(["--stack", IDENTITY, "--format", "json"]) == 0
    saved = tmp_path / "identity.json"
    saved.write_text(capsys.readouterr().out)
    assert preview.main(["--stack", "prod-recsys", "--format", "json", "--identity-plan", str(saved)]) == 0
    from_file = capsys.readouterr().out
    assert preview.main(["--stack", "prod-recsys", "--format", "json"]) == 0
    assert from_file == capsys.readouterr().out
    # Another stack's plan is refused, naming the key.
    other = tmp_path / "recsys.json"
    other.write_text(from_file)
    assert preview.main(["--stack", "prod-labeling", "--identity-plan", str(other)]) == 2
    assert capsys.readouterr().err == (f"error: identityStack: --identity-plan {other} is the plan of "
                                       "pai-platform/prod-recsys, not of pai-platform/prod-identity\n")


def test_the_user_attributes_a_team_stack_takes_from_its_identity_stack_are_the_contracts_user_fields():
    # One list (plan/identity.py) names what belongs to the user; the contract's user fields must be exactly those.
    from components.alicloud import contract
    from components.alicloud.plan import identity

    assert set(identity.USER_ATTRIBUTES) == set(contract.User.model_fields) - {"name"}
    assert set(contract.Member.model_fields) - set(contract.User.model_fields) == {"roles", "activator", "system_policies"}


def test_a_monolithic_user_who_is_resource_admin_in_a_later_workspace_only_stays_in_the_resource_admins_group():
    # Before the split (c349421) the resource-admins group held every user with resourceAdmin on any membership.
    _, config = preview.load_stack_config(ROOT, "prod")
    ws = json.loads(config["pai-platform:workspaces"])
    ws[1]["members"].append({"name": "carol", "roles": ["PAI.WorkspaceGuest"], "consoleLogin": True,
                             "resourceAdmin": True})  # carol: no resourceAdmin in workspace 0, yes in workspace 1
    config = {**config, "pai-platform:workspaces": json.dumps(ws)}
    plan = run(preview.program_for(ROOT), project="pai-platform", stack="prod", config=config)
    admins = sorted(a.plain_inputs()["userName"] for a in plan.of("ALI_USER_GROUP")
                    if a.plain_inputs()["groupName"] == "acme-prod-pai-resource-admins")
    assert admins == ["carol", "platform-admin"]


def test_a_team_stack_in_another_region_than_its_identity_stack_is_refused(identity_outputs):
    lines = _refused({**_team_config(), "alicloud:region": "cn-beijing"}, identity_outputs)
    assert lines == [f"alicloud:region: 'cn-beijing' is not the region of {REFERENCE} (cn-shanghai): its "
                     "access-log bucket takes this stack's logs, and OSS logs within a region only"]


def test_an_identity_stack_exporting_users_as_a_secret_is_refused(identity_outputs):
    ref = identity_outputs[REFERENCE]
    secret = {REFERENCE: StackOutputs(ref.outputs, ref.secret_names | {"users"})}
    assert _refused(_team_config(), secret) == [
        f"identityStack: '{REFERENCE}' exports users as a secret: a team stack reads them as plain names and ids"]


def test_a_team_bucket_may_not_take_the_identity_stacks_log_bucket_name(identity_outputs):
    ws = json.loads(_team_config()["pai-platform:workspaces"])
    ws[0]["buckets"] = [{"key": "raw", "name": "acme-prod-access-logs"}, {"key": "labelled"}]
    assert _refused(_team_config(workspaces=ws), identity_outputs) == [
        "workspaces[0].buckets[0].name: 'acme-prod-access-logs' bucket name is used twice (first at the identity "
        "stack's access-log bucket)"]


def test_the_access_review_of_a_team_stack_shows_what_the_identity_stack_grants(plans):
    from offline.access import render_access

    text = render_access(plans["prod-recsys"])
    block = text[text.index("== platform-admin"):text.index("custom policies", text.index("== platform-admin"))]
    assert f"AliyunPAIFullAccess (FullAccess) via group resource-admins (identity stack {REFERENCE})" in block


def test_two_layouts_of_one_estate_in_one_repository_are_flagged_when_affected(capsys):
    from offline import affected

    assert affected.main(["--changed", "components/alicloud/adapter.py"]) == 0
    err = capsys.readouterr().err
    assert ("warning: stacks/Pulumi.prod-identity.yaml and stacks/Pulumi.prod.yaml: the same namePrefix 'acme-prod' "
            "in cn-shanghai") in err
    assert affected.main(["--changed", "stacks/Pulumi.dev.yaml"]) == 0
    assert "warning" not in capsys.readouterr().err
