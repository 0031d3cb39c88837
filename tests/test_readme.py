"""The README's promises: its annotated example is a valid stack, its picture is the current prod stack."""

from __future__ import annotations

import re

import yaml

from components.config import load
from conftest import ROOT

README = (ROOT / "README.md").read_text()


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def test_quickstart_is_exactly_the_two_commands():
    quick = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    commands = [line.split("#")[0].strip() for line in _blocks(quick, "sh")[0].splitlines() if line.strip()]
    assert commands == ["make preview", "make test"]


def test_annotated_example_is_a_valid_stack_config():
    example = yaml.safe_load(_blocks(README, "yaml")[0])["config"]
    raw = {(k if k.startswith("alicloud:") else k.split(":", 1)[1]): v for k, v in example.items()}
    cfg = load(raw)
    assert cfg.workspaces[0].name == "nlp_dev"


def test_embedded_prod_picture_is_the_current_one():
    doc = (ROOT / "docs" / "prod-stack.md").read_text()
    assert _blocks(README, "mermaid") == _blocks(doc, "mermaid")


def test_module_table_is_the_catalogue_table():
    doc = (ROOT / "docs" / "catalogue.md").read_text().split("## Modules", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in doc.splitlines() if line.startswith("| `")]
    assert len(rows) == 9 and all(row in README for row in rows)
