"""Access to PAI resource pools and resource quotas (seed 003), as policy statements. Pure Python, no Pulumi.

Seed 003 "Custom policies for resource pools and resource quotas" documents the ARN patterns, the actions and four
scenarios, plus a VPC read statement to append for Lingjun quotas (China (Ulanqab)). Each builder below returns
exactly the statements of the seed's example for that scenario; tests/test_quota.py compares them with the seed.

Scenarios (config `quotaAccess[].scenario`):
- `resource-pool`: manage the resource pool (every dedicated resource group) plus VPC/security-group reads;
- `root-quotas`: create, scale and delete root quotas drawing only on the named resource groups (`resourceGroups`);
- `root-quota`: manage one root quota (`quotaId`) and its child quotas, without resource-pool rights;
- `child-quota`: manage one child quota (`quotaId`, under any parent) and its own child quotas.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

from .policy import Statement, statement

_ARN = "acs:pai:*:*:"

# Resource group names and quota ids become part of an ARN: '*', '?', '/' or ':' would widen the grant to other
# resources, so only plain names pass (the seed's examples: resourcegroup1, quota1, quota1.2).
ID_RE = r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}"
ID_RULE = "letters, digits, '.', '_' or '-' (1-128, no wildcards, '/' or ':')"


def resource_group_arn(name: str) -> str:
    """A specific dedicated resource group (seed 003 ARN table)."""
    return _arn(f"resourcegroup/{_id(name)}")


def all_quotas_arn() -> str:
    """All resource quotas."""
    return _arn("quota/*")


def root_quota_arn(quota_id: str) -> str:
    """A specific root resource quota."""
    return _arn(f"quota/{_id(quota_id)}")


def root_quota_children_arn(quota_id: str) -> str:
    """The child quotas of a root quota."""
    return _arn(f"quota/{_id(quota_id)}/*")


def child_quota_arn(quota_id: str) -> str:
    """A specific child quota under any parent (the `*` matches any parent path)."""
    return _arn(f"quota/*/{_id(quota_id)}")


def child_quota_children_arn(quota_id: str) -> str:
    """The child quotas of a child quota under any parent."""
    return _arn(f"quota/*/{_id(quota_id)}/*")


# Actions (seed 003 "API action reference").
RESOURCE_GROUP_ALL = ("pai:*ResourceGroup*",)
RESOURCE_GROUP_USE = ("pai:GetResourceGroup", "pai:ListResourceGroups", "pai:UpdateResourceGroup")
QUOTA_MANAGE = ("pai:CreateQuota", "pai:UpdateQuota", "pai:ScaleQuota", "pai:DeleteQuota", "pai:GetQuota",
                "pai:ListQuotas")
QUOTA_SELF = ("pai:UpdateQuota", "pai:GetQuota", "pai:ListQuotas")
VPC_READ = ("vpc:DescribeVpcs", "vpc:DescribeVSwitches", "ecs:DescribeSecurityGroups")

SCENARIOS = ("resource-pool", "root-quotas", "root-quota", "child-quota")


def vpc_read_statements() -> list[Statement]:
    """Seed 003 'Add VPC permissions for Lingjun resource quotas' (also part of 'Manage the resource pool')."""
    return [statement(VPC_READ, "*")]


def resource_pool_statements() -> list[Statement]:
    """Seed 003 'Manage the resource pool'."""
    return [statement(RESOURCE_GROUP_ALL, "*"), *vpc_read_statements()]


def root_quotas_statements(resource_groups: Sequence[str]) -> list[Statement]:
    """Seed 003 'Create, scale, and delete root resource quotas' restricted to `resource_groups`."""
    if not resource_groups:
        raise ValueError("at least one resource group is required")
    return [
        statement(RESOURCE_GROUP_USE, [resource_group_arn(g) for g in resource_groups]),
        statement(QUOTA_MANAGE, all_quotas_arn()),
    ]


def root_quota_statements(quota_id: str) -> list[Statement]:
    """Seed 003 'Manage a root resource quota': everything on its children, read and update on itself."""
    return [statement(QUOTA_MANAGE, root_quota_children_arn(quota_id)), statement(QUOTA_SELF, root_quota_arn(quota_id))]


def child_quota_statements(quota_id: str) -> list[Statement]:
    """Seed 003 'Manage a child resource quota': everything on its children, read and update on itself."""
    return [
        statement(QUOTA_MANAGE, child_quota_children_arn(quota_id)),
        statement(QUOTA_SELF, child_quota_arn(quota_id)),
    ]


def requirement_error(
    scenario: str, resource_groups: Sequence[str], quota_id: Optional[str], lingjun_vpc: bool
) -> Optional[tuple[str, object, str]]:
    """The first rule a grant breaks as (field, value, rule), or None. Field names are the config's camelCase."""
    if scenario not in SCENARIOS:
        return "scenario", scenario, f"is not a quota scenario (expected one of: {', '.join(SCENARIOS)})"
    if scenario == "root-quotas":
        if not resource_groups:
            return "resourceGroups", None, "is required for scenario 'root-quotas' (the resource groups it draws on)"
        if quota_id is not None:
            return "quotaId", quota_id, "does not apply to scenario 'root-quotas' (it covers every quota it creates)"
    elif scenario in ("root-quota", "child-quota"):
        if quota_id is None:
            return "quotaId", None, f"is required for scenario {scenario!r}"
        if resource_groups:
            return "resourceGroups", list(resource_groups), f"does not apply to scenario {scenario!r}"
    else:  # resource-pool
        for field, value in (("quotaId", quota_id), ("resourceGroups", list(resource_groups) or None)):
            if value is not None:
                return field, value, "does not apply to scenario 'resource-pool' (it covers every resource group)"
        if lingjun_vpc:
            return "lingjunVpc", True, "does not apply to scenario 'resource-pool' (it already reads VPCs)"
    return None


def statements_for(
    scenario: str, *, resource_groups: Sequence[str] = (), quota_id: Optional[str] = None, lingjun_vpc: bool = False
) -> list[Statement]:
    """The statements of one quota-access grant. Raises ValueError on a grant `requirement_error` rejects."""
    broken = requirement_error(scenario, resource_groups, quota_id, lingjun_vpc)
    if broken:
        field, value, rule = broken
        raise ValueError(f"{field}: {'' if value is None else repr(value) + ' '}{rule}")
    if scenario == "resource-pool":
        out = resource_pool_statements()
    elif scenario == "root-quotas":
        out = root_quotas_statements(resource_groups)
    elif scenario == "root-quota":
        out = root_quota_statements(quota_id or "")
    else:
        out = child_quota_statements(quota_id or "")
    return out + (vpc_read_statements() if lingjun_vpc else [])


def check_scenario(v: str) -> str:
    """`v` if it is one of seed 003's scenarios."""
    if v not in SCENARIOS:
        raise ValueError(f"is not a quota scenario (expected one of: {', '.join(SCENARIOS)})")
    return v


def check_id(value: str, what: str) -> str:
    """Raise ValueError unless `value` is a plain resource group name or quota id."""
    if not re.fullmatch(ID_RE, value):
        raise ValueError(f"{value!r} is not a {what} ({ID_RULE})")
    return value


def _id(value: str) -> str:
    return check_id(value, "resource group name or quota id")


def _arn(relative: str) -> str:
    return _ARN + relative
