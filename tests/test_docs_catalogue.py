"""docs/catalogue.md stays in step with the catalogue: the module table's first four columns are generated here."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.alicloud.plan import catalogue
from components.alicloud.resources import account

DOC = (Path(__file__).resolve().parents[1] / "docs" / "catalogue.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", sorted(catalogue.MODULES))
def test_module_row_matches_the_catalogue(key):
    m = catalogue.MODULES[key]
    policies = ", ".join(f"`{p}`" for p in catalogue.activation_policies_for(m.services)) or "none"
    row = f"| `{key}` | {m.title} | {', '.join(m.services) or '—'} | {policies} |"
    assert row in DOC


def test_every_created_role_and_every_manual_role_is_documented():
    for role in catalogue.LINKED_ROLES.values():
        assert role.role_name in DOC
        if role.service_name:
            assert f"`{role.service_name}`" in DOC
    for srole in catalogue.SERVICE_ROLES:
        assert srole.role_name in DOC and srole.policy in DOC


SHORT = {"oss": "OSS", "nas": "NAS", "apigateway": "API Gateway", "eventbridge": "EventBridge", "maxcompute": "MaxCompute",
         "flink": "Flink", "arms": "ARMS", "acr": "Container Registry", "sls": "Simple Log Service",
         "cloudmonitor": "CloudMonitor", "vpc": "VPC"}


def test_every_activation_path_is_documented():
    names = [SHORT[s] for s in account.ACTIVATION_INVOKES]
    assert f"activates {', '.join(names[:-1])} and {names[-1]} through" in DOC
    manual = DOC[DOC.index("## Manual steps"):]
    for svc in account.NO_ACTIVATION_CALL:
        assert SHORT[svc] in manual, svc
