"""Shared test fixtures: run the real program under recording mocks, fresh for each test.

`plan_for(config)` runs `__main__.py` exactly as the offline preview does (a fresh Pulumi context, event loop and
recording monitor per call) and returns the plan: every registered resource with its parent, options and inputs,
every invoke, and the stack outputs.
"""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from offline.preview import plan_stack  # noqa: E402
from offline.runtime import Plan, config_from_stack_yaml  # noqa: E402

PROJECT = "pai-platform"


def stack_config(stack: str) -> dict[str, Any]:
    """An example stack's `config:` map, as written in its file (namespaced keys, objects as data)."""
    return yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]


def minimal_workspace(**over: Any) -> dict[str, Any]:
    ws = {
        "name": "team_ws",
        "description": "A team workspace",
        "modules": ["itag"],
        "members": [{"name": "alice", "roles": ["PAI.AlgoDeveloper"]}],
    }
    ws.update(over)
    return ws


def base_config(*workspaces: dict[str, Any], **settings: Any) -> dict[str, Any]:
    cfg = {
        "alicloud:region": "cn-hangzhou",
        "pai-platform:namePrefix": "acme",
        "pai-platform:workspaces": list(workspaces) or [minimal_workspace()],
    }
    cfg.update({(k if ":" in k else f"pai-platform:{k}"): v for k, v in settings.items()})
    return cfg


DSW_NETWORK = {
    "cidr": "10.0.0.0/16",
    "vswitches": [{"zoneId": "cn-hangzhou-h", "cidr": "10.0.1.0/24"}, {"zoneId": "cn-hangzhou-i", "cidr": "10.0.2.0/24"}],
}


@pytest.fixture
def plan_for() -> Callable[[dict[str, Any]], Plan]:
    """Run the program for a stack `config:` map (namespaced keys) and return the plan."""

    def _run(cfg: dict[str, Any], stack: str = "test") -> Plan:
        return plan_stack(stack, ROOT, config_from_stack_yaml(PROJECT, copy.deepcopy(cfg)))

    return _run


@pytest.fixture
def example_plan() -> Callable[[str], Plan]:
    return lambda stack: plan_stack(stack, ROOT)


@pytest.fixture
def project_with(tmp_path):
    """A copy of the project whose stack `bad` holds the given config."""

    def make(cfg: dict):
        for name in ("Pulumi.yaml", "__main__.py", "components"):
            os.symlink(ROOT / name, tmp_path / name)
        (tmp_path / "stacks").mkdir(exist_ok=True)
        (tmp_path / "stacks" / "Pulumi.bad.yaml").write_text(yaml.safe_dump({"config": cfg}))
        return tmp_path

    return make
