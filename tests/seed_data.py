"""The seed facts kept in the repository (tests/seed_facts/*.json): the tests' expected values.

The source documents (../shared/seeds/) are not part of the repository and a clone has nothing beside it, so the
tests never read them. `.ci/check_seed_facts.py` re-derives these files from the seeds (in CI and on development
machines, where the seeds exist) and fails on any difference; `--write` regenerates them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

FACTS = Path(__file__).resolve().parent / "seed_facts"


@lru_cache(maxsize=None)
def _load(name: str) -> str:
    return (FACTS / name).read_text(encoding="utf-8")


def load(name: str) -> dict[str, Any]:
    """A fresh copy of one seed-facts file, e.g. ``load("002_pai_permissions.json")``."""
    return json.loads(_load(name))
