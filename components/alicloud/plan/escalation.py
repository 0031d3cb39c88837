"""Privilege escalation in RAM policies: the actions that grant or assume privileges, the administrator system
policies, and whether a statement's action patterns reach them. Pure Python, no Pulumi.

The stack-file contract refuses these in custom policies (`rules.check_workspace` calls `statement_problems`;
the contract calls `cross_workspace_problems` across workspaces). The policy pack (`policypack/escalation.py`)
applies the same list to any program's resources; it keeps its own copy (the pack imports nothing of
`components`), and a test checks the two lists are equal.

Sources (Alibaba Cloud RAM API reference, "RAM authorization" table of each page, action `ram:<ApiName>`):
- AttachPolicyToUser / ...ToGroup / ...ToRole: https://alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-attachpolicytouser
  (and its siblings); ROS ALIYUN::RAM::AttachPolicyToUser https://help.aliyun.com/en/ros/developer-reference/aliyun-ram-attachpolicytouser
- SetDefaultPolicyVersion: https://alibabacloud.com/help/en/ram/api-setdefaultpolicyversion (CreatePolicyVersion is
  the sibling page of the same API group)
- sts:AssumeRole and the system policy AliyunSTSAssumeRoleAccess ({"Action": "sts:AssumeRole", "Resource": "*"}):
  https://alibabacloud.com/help/en/ram/developer-reference/aliyunstsassumeroleaccess, https://alibabacloud.com/help/en/ram/api-assumerole
- Wildcards: `*` matches zero or more characters, `?` one character (https://www.alibabacloud.com/help/en/ram/policy-structure-and-syntax).
  Action names are matched here case-insensitively: no RAM page found states either way, and matching without case
  can only refuse more, never let a mis-cased spelling through.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .policy import Statement, any_action, any_resource

ESCALATION_ACTIONS: tuple[str, ...] = (
    # attach or detach policies: grant oneself or anyone any policy
    "ram:AttachPolicyToUser", "ram:AttachPolicyToGroup", "ram:AttachPolicyToRole",
    "ram:DetachPolicyFromUser", "ram:DetachPolicyFromGroup", "ram:DetachPolicyFromRole",
    # rewrite a policy already attached to oneself
    "ram:CreatePolicy", "ram:CreatePolicyVersion", "ram:SetDefaultPolicyVersion",
    # act as somebody else: their keys, their console password
    "ram:CreateAccessKey", "ram:UpdateAccessKey", "ram:CreateLoginProfile", "ram:UpdateLoginProfile",
    # widen a role's trust, hand a role to a service, join a more privileged group
    "ram:UpdateRole", "ram:CreateRole", "ram:PassRole", "ram:AddUserToGroup",
)
"""RAM write actions that grant or assume privileges (whatever the resource: a named user or role is enough)."""

ASSUME_ROLE = "sts:AssumeRole"
"""Refused on any role (`*`); on a named role ARN it is how roles are meant to be used."""

SENSITIVE_SERVICES: tuple[str, ...] = ("ram", "sts", "resourcemanager", "ims")
"""Services whose every action on every resource (`<service>:*` on `*`) is identity administration."""

BROAD_DATA_SERVICES: tuple[str, ...] = ("oss", "pai", "paiworkspace", "nas")
"""Data services whose every action on every resource reaches every team's data in the account."""

BUCKET_ADMIN_ACTIONS: tuple[str, ...] = (
    "oss:PutBucketAcl", "oss:PutBucketPolicy", "oss:DeleteBucketPolicy", "oss:DeleteBucket", "oss:PutBucketCors",
)
"""Actions that change who may read a bucket, or remove it: never for another team's bucket."""

ADMIN_POLICIES: tuple[str, ...] = (
    "AdministratorAccess", "AliyunRAMFullAccess", "AliyunSTSAssumeRoleAccess", "AliyunResourceManagerFullAccess",
)
"""System policies that administer identities (AliyunSTSAssumeRoleAccess: sts:AssumeRole on `*`, page above).
No stack file may name them: the project creates no group for them."""


def _pattern(pattern: str) -> re.Pattern:
    """A RAM wildcard pattern as a regex: `*` any run, `?` one character, case ignored."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.I | re.S)


def covers(pattern: str, action: str) -> bool:
    """Whether an Action pattern (RAM wildcards) matches `action`, case-insensitively."""
    return isinstance(pattern, str) and _pattern(pattern.strip()).fullmatch(action) is not None


def covers_service(pattern: str, service: str) -> bool:
    """Whether a pattern matches every action of `service` (`*`, `ram:*`, `r*:*`; not `ram:Get*`)."""
    if not isinstance(pattern, str):
        return False
    p = pattern.strip()
    if any_action(p):
        return True
    svc, sep, name = p.partition(":")
    return bool(sep) and set(name) == {"*"} and covers(svc, service)


def escalations(patterns: Iterable[str], resources: Iterable[str]) -> list[str]:
    """The escalation actions an Allow statement with these Action patterns and Resources grants, in list order."""
    patterns = [p for p in patterns if isinstance(p, str)]
    found = [a for a in ESCALATION_ACTIONS if any(covers(p, a) for p in patterns)]
    if any(any_resource(r) for r in resources if isinstance(r, str)) and any(covers(p, ASSUME_ROLE) for p in patterns):
        found.append(f"{ASSUME_ROLE} on '*'")
    return found


def full_services(patterns: Iterable[str], services: Sequence[str]) -> list[str]:
    """The services of `services` whose every action the patterns match (`<service>:*`)."""
    return [s for s in services if any(covers_service(p, s) for p in patterns)]


def few(items: Sequence[str], n: int = 2) -> str:
    """The first `n` items and how many more: error lines stay short."""
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


# --- the contract's rules -----------------------------------------------------------------------------------------

ESCALATION_RULE = "escalates privileges ({}): custom policies may not grant or assume RAM rights"
SENSITIVE_RULE = "allows {} on '*': identity administration is not a workspace grant"
BROAD_DATA_RULE = "allows {} on '*' (every team's data): name the workspace's own resources"
CROSS_BUCKET_ADMIN_RULE = "may change access to or delete bucket {} of workspace {} ({})"
CROSS_BUCKET_RULE = "reaches bucket {} of workspace {}: check that this is meant"
ADMIN_POLICY_RULE = "is an administrator policy (identity administration): no stack file may grant it"


def check_not_admin_policy(name: str) -> None:
    """A system policy named in a stack file: never an administrator policy (any case)."""
    if isinstance(name, str) and name.lower() in {p.lower() for p in ADMIN_POLICIES}:
        raise ValueError(ADMIN_POLICY_RULE)


def statement_problems(statements: Sequence[Statement]) -> Iterator[tuple[str, Any, str]]:
    """(path inside the document, value, rule) for each escalation an Allow statement of a custom policy grants:
    escalation actions, `<sensitive service>:*` on `*`, and `<broad data service>:*` on `*`. A statement allowing
    everything is the policy module's own rule, not repeated here."""
    for i, s in enumerate(statements):
        if s.effect != "Allow" or s.grants_everything:
            continue
        where = f"Statement[{i}].Action"
        on_everything = any(any_resource(r) for r in s.resources)
        found = escalations(s.actions, s.resources)
        if found:
            yield where, None, ESCALATION_RULE.format(few(found, 1))
        if on_everything:
            sensitive = [f"{x}:*" for x in full_services(s.actions, SENSITIVE_SERVICES)]
            if sensitive and not found:
                yield where, None, SENSITIVE_RULE.format(", ".join(sensitive))
            broad = [f"{x}:*" for x in full_services(s.actions, BROAD_DATA_SERVICES)]
            if broad:
                yield where, None, BROAD_DATA_RULE.format(", ".join(broad))


def bucket_of(resource: str) -> str | None:
    """The bucket an OSS ARN names (`acs:oss:*:*:bucket` or `.../bucket/key`), None for other ARNs and wildcards."""
    m = re.fullmatch(r"acs:oss:[^:]*:[^:]*:([^/*?]+)(/.*)?", resource.strip()) if isinstance(resource, str) else None
    return m.group(1).lower() if m else None


def cross_bucket_problems(statements: Sequence[Statement], own: str,
                          owners: Mapping[str, str]) -> Iterator[tuple[str, Any, str, bool]]:
    """(path, value, rule, refused) for each Allow statement naming a bucket that `owners` (physical bucket name ->
    workspace) gives to another workspace than `own`: refused when it may change the bucket's access or delete
    it (`BUCKET_ADMIN_ACTIONS`, `oss:*`), else a warning."""
    for i, s in enumerate(statements):
        if s.effect != "Allow":
            continue
        for r in s.resources:
            bucket = bucket_of(r)
            owner = owners.get(bucket) if bucket else None
            if owner is None or owner == own:
                continue
            admin = [a for a in BUCKET_ADMIN_ACTIONS if any(covers(p, a) for p in s.actions)]
            if admin:
                yield f"Statement[{i}].Resource", None, CROSS_BUCKET_ADMIN_RULE.format(bucket, owner, few(admin, 1)), True
            else:
                yield f"Statement[{i}].Resource", None, CROSS_BUCKET_RULE.format(bucket, owner), False
