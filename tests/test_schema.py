"""The editor schema of a stack file, stacks/stack.schema.json (offline/schema.py, `make schema`).

It is generated from the pydantic contract, so it must be current; every example stack must satisfy it; and bad
stacks whose mistake is one of shape (an unknown key, a wrong type) must not. Stacks are read as an editor reads
them (YAML 1.2, ruamel.yaml's safe loader): yaml-language-server parses YAML 1.2 by default.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from conftest import ROOT
from offline import schema

BAD_STACKS = Path(__file__).resolve().parent / "bad_stacks"
EXAMPLES = sorted(p.name for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


@lru_cache(maxsize=None)
def validator() -> jsonschema.Draft7Validator:
    doc = json.loads(schema.SCHEMA_PATH.read_text())
    jsonschema.Draft7Validator.check_schema(doc)
    return jsonschema.Draft7Validator(doc)


def load(path: Path):
    return YAML(typ="safe", pure=True).load(path.read_text())


def errors(doc) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(doc)]


def test_the_checked_in_schema_is_what_the_contract_generates():
    assert schema.SCHEMA_PATH.read_text() == schema.render(), "stacks/stack.schema.json is out of date: run `make schema`"
    assert schema.main(["--check"]) == 0


def test_the_schema_is_draft_07_and_carries_the_models_descriptions():
    doc = json.loads(schema.SCHEMA_PATH.read_text())
    assert doc["$schema"] == "http://json-schema.org/draft-07/schema#"
    alibaba = doc["properties"]["config"]["else"]["properties"]
    huawei = doc["properties"]["config"]["then"]["properties"]
    assert alibaba["pai-platform:namePrefix"]["description"].startswith("Prefix of every physical name")
    assert huawei["pai-platform:projectId"]["description"].startswith("Id of the region's IAM project")
    assert "alicloud:region" in alibaba and "huaweicloud:region" in huawei


@pytest.mark.parametrize("stack", EXAMPLES)
def test_every_example_stack_validates_and_names_the_schema_on_its_first_line(stack):
    path = ROOT / "stacks" / stack
    assert path.read_text().splitlines()[0] == schema.MODELINE
    assert errors(load(path)) == []


SHAPE_MISTAKES = {
    "unknown-key-top-level": "'pai-platform:tagz' does not match",
    "unknown-key-workspace": "'membrs' was unexpected",
    "unknown-key-bucket": "'versioning' was unexpected",
    "type-console-login-string": "'yes' is not of type 'boolean'",
    "type-tags-list": "is not of type 'object'",
    "type-workspaces-mapping": "is not of type 'array'",
    "type-description-number": "42 is not of type 'string'",
    "workspaces-missing": "is not valid under any of the given schemas",
}


@pytest.mark.parametrize("case", sorted(SHAPE_MISTAKES))
def test_bad_stacks_with_a_shape_mistake_are_rejected(case):
    found = errors(load(BAD_STACKS / f"Pulumi.{case}.yaml"))
    assert any(SHAPE_MISTAKES[case] in e for e in found), found


def test_a_boolean_name_prefix_is_flagged_in_the_editor_though_the_cli_passes_it():
    doc = load(ROOT / "stacks" / "Pulumi.dev.yaml")
    doc["config"]["pai-platform:namePrefix"] = True
    assert errors(doc) == ["config/pai-platform:namePrefix: True is not of type 'string'"]


def test_the_cloud_key_picks_the_contract():
    doc = load(ROOT / "stacks" / "Pulumi.modelarts.yaml")
    assert errors(doc) == []
    del doc["config"]["pai-platform:cloud"]  # without it the stack is a PAI stack: ModelArts keys are unknown
    assert any("huaweicloud:region" in e or "'alicloud:region' is a required property" in e for e in errors(doc))
    dev = load(ROOT / "stacks" / "Pulumi.dev.yaml")
    dev["config"]["pai-platform:cloud"] = "alicloud"  # accepted by components/alicloud/contract.py load, then dropped
    assert errors(dev) == []
    dev["config"]["pai-platform:cloud"] = "aws"
    assert errors(dev)


def test_other_top_level_keys_and_other_namespaces():
    doc = load(ROOT / "stacks" / "Pulumi.dev.yaml")
    doc.update(secretsprovider="passphrase", encryptionsalt="v1:abc", mainEnvironment="proj/env")
    doc["config"]["random:seed"] = "x"  # another provider's key
    assert errors(doc) == []
    doc["confg"] = {}
    assert any("'confg' was unexpected" in e for e in errors(doc))
