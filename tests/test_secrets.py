"""Secrets: generated console passwords and access key secrets never appear in plain text anywhere the project
prints or exports.

The mocks hand out recognisable values (`Mock-Passw0rd-...` for `random.RandomPassword`, `mock-access-key-secret`
for `ram.AccessKey`), so a leak cannot hide. The checks:
- the values really are generated (they are in the recorded state), so "absent from the output" means something;
- the login profile's password input is a Pulumi secret in the registration (pulumi-alicloud does not mark it);
  generated values are secret outputs of the resources that produce them;
- no other input of any resource carries a secret value in plain text (a password in a tag or description);
- stack outputs hold the passwords and keys only as secrets, and print as "[secret]";
- every offline preview format (tree, json, policies, and the policy pack run) prints none of them, on stdout,
  stderr or the log.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from pulumi.runtime import rpc

from conftest import DSW_NETWORK, ROOT, base_config, minimal_workspace
from offline import preview
from offline.runtime import Plan
from offline import tokens as T

MOCK_PASSWORD = "Mock-Passw0rd-"
MOCK_KEY_SECRET = "mock-access-key-secret"
LOGIN = T.ALI_LOGIN_PROFILE
ACCESS_KEY = T.ALI_ACCESS_KEY
PASSWORD = T.RANDOM_PASSWORD

SECRETS_STACK = base_config(
    minimal_workspace(
        modules=["dsw", "eas"],
        network=DSW_NETWORK,
        members=[
            {"name": "alice", "roles": ["PAI.AlgoDeveloper"], "consoleLogin": True, "displayName": "Alice"},
            {"name": "ci-bot", "roles": ["PAI.AlgoOperator"], "accessKey": True},
            {"name": "carol", "roles": ["PAI.WorkspaceAdmin"], "consoleLogin": True, "accessKey": True, "activator": True,
             "resourceAdmin": True},
            {"name": "auditor", "roles": ["PAI.WorkspaceGuest"], "existing": True},
        ],
    ),
    minimal_workspace(name="labels", members=[{"name": "carol", "roles": ["PAI.LabelManager"], "consoleLogin": True,
                                               "accessKey": True, "activator": True, "resourceAdmin": True}]),
    tags={"env": "test"},
)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A throwaway project: the real program, the example stacks and the `secrets` stack above."""
    monkeypatch.setattr("sys.path", list(__import__("sys").path))
    for name in ("Pulumi.yaml", "__main__.py", "components"):
        os.symlink(ROOT / name, tmp_path / name)
    (tmp_path / "stacks").mkdir()
    for stack in ("dev", "prod"):
        os.symlink(ROOT / "stacks" / f"Pulumi.{stack}.yaml", tmp_path / "stacks" / f"Pulumi.{stack}.yaml")
    (tmp_path / "stacks" / "Pulumi.secrets.yaml").write_text(yaml.safe_dump({"config": SECRETS_STACK}))
    return tmp_path


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _unwrap(value: Any) -> Any:
    if rpc.is_rpc_secret(value):
        return _unwrap(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def _plain_leaves(value: Any, secret: bool = False) -> Iterator[tuple[bool, str]]:
    """(inside a secret?, string) for every string leaf of a recorded output tree."""
    if rpc.is_rpc_secret(value):
        yield from _plain_leaves(rpc.unwrap_rpc_secret(value), True)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _plain_leaves(v, secret)
    elif isinstance(value, list):
        for v in value:
            yield from _plain_leaves(v, secret)
    elif isinstance(value, str):
        yield secret, value


def secret_values(plan: Plan) -> set[str]:
    """Every generated or secret value of a plan: secret inputs, secret outputs of resources, secret stack outputs."""
    found: set[str] = set()
    for r in plan.resources:
        plain = r.plain_inputs()
        for key in r.secret_paths:
            found.update(_strings(plain[key]))
        for key in r.additional_secret_outputs:
            found.update(_strings(r.state.get(key)))
    found.update(s for inside, s in _plain_leaves(plan.outputs) if inside)
    return found


STACKS = ["secrets", "dev", "prod"]


@pytest.mark.parametrize("stack", STACKS)
def test_generated_secrets_exist_so_their_absence_from_the_output_means_something(project, stack):
    plan = preview.plan_stack(stack, project)
    secrets = secret_values(plan)
    assert any(s.startswith(MOCK_PASSWORD) for s in secrets)
    if stack in ("secrets", "prod"):
        assert MOCK_KEY_SECRET in secrets
    outputs = _unwrap(plan.outputs)
    assert all(p.startswith(MOCK_PASSWORD) for p in outputs["initialPasswords"].values())
    assert outputs["initialPasswords"]
    assert all(k["secret"] == MOCK_KEY_SECRET for k in outputs["accessKeys"].values())


def test_login_password_is_a_secret_input_and_generated_values_are_secret_outputs(project):
    plan = preview.plan_stack("secrets", project)
    logins = plan.by_type(LOGIN)
    assert sorted(r.name for r in logins) == ["user-alice-login", "user-carol-login"]
    for r in logins:
        assert r.secret_paths == {"password"}, r.name
        assert r.plain_inputs()["password"].startswith(MOCK_PASSWORD)
        assert r.redacted_inputs()["password"] == "[secret]"
        assert "password" in r.additional_secret_outputs
    passwords = plan.by_type(PASSWORD)
    assert len(passwords) == 2 and all("result" in r.additional_secret_outputs for r in passwords)
    keys = plan.by_type(ACCESS_KEY)
    assert sorted(r.name for r in keys) == ["user-carol-access-key", "user-ci-bot-access-key"]
    assert all("secret" in r.additional_secret_outputs and r.state["secret"] == MOCK_KEY_SECRET for r in keys)


@pytest.mark.parametrize("stack", STACKS)
def test_no_input_carries_a_secret_value_outside_a_secret(project, stack):
    plan = preview.plan_stack(stack, project)
    secrets = secret_values(plan)
    for r in plan.resources:
        plain = r.plain_inputs()
        for key, value in plain.items():
            if key in r.secret_paths:
                continue
            leaked = [s for s in _strings(value) for secret in secrets if secret in s]
            assert not leaked, f"{r.urn}: input {key} holds a secret in plain text"


@pytest.mark.parametrize("stack", STACKS)
def test_stack_outputs_hold_passwords_and_keys_only_as_secrets(project, stack):
    plan = preview.plan_stack(stack, project)
    secrets = secret_values(plan)
    outside = [s for inside, s in _plain_leaves(plan.outputs) if not inside]
    assert not [s for s in outside for secret in secrets if secret in s]
    assert rpc.is_rpc_secret(plan.outputs["initialPasswords"]) or all(
        rpc.is_rpc_secret(v) for v in plan.outputs["initialPasswords"].values()
    )
    redacted = plan.redacted_outputs()
    assert redacted["initialPasswords"] == "[secret]"
    assert redacted["accessKeys"] == ({} if stack == "dev" else "[secret]")  # dev has no access keys
    assert not [s for s in _strings(redacted) for secret in secrets if secret in s]


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("argv", [["--format", "tree"], ["--format", "json"], ["--format", "policies"],
                                  ["--format", "access"], ["--format", "access-csv"],
                                  ["--format", "json", "--policy-pack"]],
                         ids=["tree", "json", "policies", "access", "access-csv", "policy-pack"])
def test_no_preview_format_prints_a_secret(project, capsys, caplog, stack, argv):
    secrets = secret_values(preview.plan_stack(stack, project))
    with caplog.at_level(logging.DEBUG):
        code = preview.main(["--stack", stack, *argv], project_dir=project)
    out, err = capsys.readouterr()
    assert code in (0, 1) and out  # 1: the policy pack found a violation; printing is what is checked here
    printed = "\n".join([out, err, caplog.text])
    assert MOCK_PASSWORD not in printed and MOCK_KEY_SECRET not in printed
    assert not [s for s in secrets if s in printed]
    if argv[1] == "json":
        assert '"password": "[secret]"' in out  # the login profiles are there, their passwords redacted
