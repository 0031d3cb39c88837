"""Render Huawei Cloud IAM custom policies (``"Version": "1.1"``) canonically. Pure, no Pulumi.

A rendered document has a fixed key order (``Version``, ``Statement``; ``Effect``, ``Action``), sorted and
de-duplicated actions and no whitespace, so the same selection always yields the same string and a second
preview shows no diff.

Limits (Huawei Cloud IAM "Notes and Constraints", productdesc-iam/iam_01_0305, checked 2025-07 revision):
a custom policy holds at most **6,144 characters**; policy names at most 128 characters. The older IAM API page
("Creating a Custom Policy for Cloud Services", api-iam/iam_02_0013) also capped a statement at 100 actions and
a policy at 8 statements; the current limits page says "unlimited", but we keep the 100-action cap because it
costs nothing and keeps us valid under both. When a selection does not fit, it is split into numbered policies
instead of failing.
"""

from __future__ import annotations

import json
import re
from typing import Mapping, Iterable

POLICY_VERSION = "1.1"
MAX_POLICY_CHARS = 6144
MAX_ACTIONS_PER_STATEMENT = 100
MAX_POLICY_NAME_CHARS = 128

#: Custom policy "type" per scope (Huawei IAM API iam_02_0013: "Global services: AX, Region-specific
#: projects: XA"; provider docs for huaweicloud_identity_role: "AX: Account level and XA: Project level").
ROLE_TYPE_GLOBAL = "AX"
ROLE_TYPE_PROJECT = "XA"

# service:resource:action. Huawei allows "*" wildcards in the resource and action parts
# (the seed itself uses "modelarts:*:*delete*" and "modelarts:trainJob:*"); some actions use underscores
# ("dli:jobs:list_all").
_ACTION = re.compile(r"^[a-z][a-z0-9]*:(?:\*|[A-Za-z0-9_*]+):[A-Za-z0-9_*]+$")
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def validate_action(action: str, path: str = "action") -> str:
    """Return ``action`` if it has the shape ``service:resource:action``; raise ``ValueError`` otherwise."""
    if not isinstance(action, str) or not _ACTION.match(action):
        raise ValueError(
            f"{path}: {action!r} is not an IAM action of the form service:resource:action "
            "(letters, digits, '_' and '*' wildcards; lowercase service)"
        )
    return action


def canonical_actions(actions: Iterable[str]) -> list[str]:
    """Validated, de-duplicated, sorted actions."""
    return sorted({validate_action(a, f"actions[{i}]") for i, a in enumerate(actions)})


def _document(actions: list[str]) -> dict:
    # Insertion order is the canonical key order; json.dumps keeps it (sort_keys=False).
    return {"Version": POLICY_VERSION, "Statement": [{"Effect": "Allow", "Action": actions}]}


def _dumps(document: dict) -> str:
    return json.dumps(document, separators=(",", ":"), sort_keys=False, ensure_ascii=True)


def render_policy(actions: Iterable[str]) -> str:
    """One canonical policy document allowing ``actions``; raise ``ValueError`` if it breaks a limit.

    Use :func:`render_policies` when the actions may not fit in one policy.
    """
    canonical = canonical_actions(actions)
    if not canonical:
        raise ValueError("a custom policy needs at least one action")
    if len(canonical) > MAX_ACTIONS_PER_STATEMENT:
        raise ValueError(f"{len(canonical)} actions exceed {MAX_ACTIONS_PER_STATEMENT} per statement")
    text = _dumps(_document(canonical))
    if len(text) > MAX_POLICY_CHARS:
        raise ValueError(f"policy of {len(text)} characters exceeds Huawei's {MAX_POLICY_CHARS}-character limit")
    return text


def render_policies(actions: Iterable[str], max_chars: int = MAX_POLICY_CHARS,
                    max_actions: int = MAX_ACTIONS_PER_STATEMENT) -> list[str]:
    """Canonical policy documents covering ``actions``, split in sorted order so each fits the limits.

    Returns ``[]`` for no actions. The split is deterministic: the same actions always give the same list.
    """
    canonical = canonical_actions(actions)
    empty = len(_dumps(_document([])))
    documents: list[str] = []
    chunk: list[str] = []
    size = empty
    for action in canonical:
        # Each action adds its JSON string plus a comma separator once the list is non-empty.
        cost = len(json.dumps(action)) + (1 if chunk else 0)
        if empty + len(json.dumps(action)) > max_chars:
            raise ValueError(f"action {action!r} alone does not fit in a {max_chars}-character policy")
        if chunk and (size + cost > max_chars or len(chunk) >= max_actions):
            documents.append(_dumps(_document(chunk)))
            chunk, size = [], empty
            cost = len(json.dumps(action))
        chunk.append(action)
        size += cost
    if chunk:
        documents.append(_dumps(_document(chunk)))
    for text in documents:  # the arithmetic above is the fast path; this is the guarantee
        assert len(text) <= max_chars, len(text)
    return documents


def policy_actions(document: str) -> list[str]:
    """The allowed actions of a rendered document (for tests and reviews)."""
    parsed = json.loads(document)
    if parsed.get("Version") != POLICY_VERSION:
        raise ValueError(f"not a Huawei 1.1 policy: Version={parsed.get('Version')!r}")
    return [a for s in parsed["Statement"] if s["Effect"] == "Allow" for a in s["Action"]]


def policy_names(prefix: str, count: int) -> list[str]:
    """Numbered custom-policy names ``<prefix>-1`` .. ``<prefix>-<count>``, validated.

    Always numbered (even for one policy) so that a later split adds ``-2`` instead of renaming ``-1``.
    """
    names = [f"{prefix}-{i}" for i in range(1, count + 1)]
    for name in names:
        if not _NAME.match(name) or len(name) > MAX_POLICY_NAME_CHARS:
            raise ValueError(
                f"custom policy name {name!r}: use letters, digits, '-' and '_', at most {MAX_POLICY_NAME_CHARS}"
            )
    return names


def scoped_policies(prefix: str, stem: str, by_scope: Mapping[str, Iterable[str]]) -> list[tuple[str, str, str, str]]:
    """``(key, name, role type, document)`` for each custom policy holding `by_scope`'s actions.

    Global actions become ``AX`` policies, project actions ``XA``; OBS actions get policies of their own, rendered
    once as ``AX`` and once as ``XA`` (Huawei's rule for custom OBS policies; see ``catalogue``). A scope that
    needs several documents gets numbered names.
    """
    from . import catalogue  # local: the catalogue is data, this module is rendering

    types = {
        catalogue.GLOBAL: (ROLE_TYPE_GLOBAL,),
        catalogue.PROJECT: (ROLE_TYPE_PROJECT,),
        catalogue.OBS: (ROLE_TYPE_GLOBAL, ROLE_TYPE_PROJECT),
    }
    out = []
    for scope, actions in by_scope.items():
        documents = render_policies(actions)
        for role_type in types[scope]:
            key = f"{stem}{scope}-{role_type.lower()}"
            names = policy_names(f"{prefix}-{key}", len(documents))
            out += [(f"{key}-{i}", name, role_type, doc) for i, (name, doc) in enumerate(zip(names, documents), 1)]
    return out
