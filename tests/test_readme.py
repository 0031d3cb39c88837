"""The README's promises: its annotated example is a valid stack, its picture is the current prod stack."""

from __future__ import annotations

import re

from components.core.config import load, raw_from_values
from conftest import PROJECT, ROOT
from offline.preview import plan_stack
from offline.stackfile import read_stack_file
from offline import tokens as T

README = (ROOT / "README.md").read_text()


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def test_quickstart_is_exactly_the_two_commands():
    quick = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    commands = [line.split("#")[0].strip() for line in _blocks(quick, "sh")[0].splitlines() if line.strip()]
    assert commands == ["make preview", "make test"]


def _stack_examples() -> list[str]:
    return [b for b in _blocks(README, "yaml") if b.startswith("config:")]


def _read_as_the_cli_does(block: str, tmp_path) -> dict[str, str]:
    path = tmp_path / "Pulumi.readme.yaml"
    path.write_text(block)
    return read_stack_file(path, PROJECT)


def test_annotated_example_is_a_valid_stack_config(tmp_path):
    values = _read_as_the_cli_does(_stack_examples()[0], tmp_path)
    cfg = load(*raw_from_values(PROJECT, values))
    assert cfg.workspaces[0].name == "nlp_dev"


def test_international_example_previews_with_its_zone_ids(tmp_path):
    (example,) = [b for b in _stack_examples() if "ap-southeast-1" in b]
    plan = plan_stack("readme", ROOT, _read_as_the_cli_does(example, tmp_path))
    zones = sorted(s.inputs["zoneId"] for s in plan.by_type(T.ALI_VSWITCH))
    assert zones == ["ap-southeast-1a", "ap-southeast-1b"] and plan.warnings == []


def test_embedded_prod_picture_is_the_current_one():
    doc = (ROOT / "docs" / "prod-stack.md").read_text()
    assert _blocks(README, "mermaid") == _blocks(doc, "mermaid")


def test_module_table_is_the_catalogue_table():
    doc = (ROOT / "docs" / "catalogue.md").read_text().split("## Modules", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in doc.splitlines() if line.startswith("| `")]
    assert len(rows) == 9 and all(row in README for row in rows)
