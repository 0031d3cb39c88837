"""The seed facts (tests/seed_facts/*.json) are self-describing: each names its source and each row its section.

Their content is checked against the seeds by .ci/check_seed_facts.py (CI, development machines); here only their
shape, so that a hand edit that drops a source or a section fails on any clone.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from seed_data import FACTS, load

FILES = {
    "000_pai_dependencies.json": ("000_", None),
    "002_pai_permissions.json": ("002_", "Platform For AI:Permission management"),
    "003_quota_policies.json": ("003_", None),
    "004_modelarts_permissions.json": ("004_", "Agencies and Dependencies"),
}


def sections_used(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "section":
                yield value
            elif key != "source":
                yield from sections_used(value)
    elif isinstance(node, list):
        for item in node:
            yield from sections_used(item)


def test_the_seed_facts_are_these_files():
    assert sorted(p.name for p in FACTS.glob("*.json")) == sorted(FILES)


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_file_names_its_seed_title_and_sections(name):
    prefix, title = FILES[name]
    data = load(name)
    source = data["source"]
    assert source["seed"].startswith(prefix) and source["seed"].endswith(".txt")
    assert source["title"] == title
    if title is None:
        assert source["title_note"] and source["opening"]
    assert source["sections"] and len(set(source["sections"])) == len(source["sections"])
    used = list(sections_used(data))
    assert used and set(used) <= set(source["sections"])


def test_every_modelarts_row_names_its_table_section_and_scenario():
    for table in load("004_modelarts_permissions.json")["tables"]:
        assert table["title"] and table["columns"][:2] == ["Application Scenario", "Dependent Service"]
        for row in table["rows"]:
            assert row["section"] == table["section"] and row["scenario"] and row["service"]
            assert row["actions"] or row["system_policies"]
