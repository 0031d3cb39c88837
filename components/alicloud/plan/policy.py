"""RAM policy documents: built from statements, validated, rendered canonically, split to fit RAM's size limit.

Pure Python, no Pulumi. Canonical rendering matters: RAM hands documents back reformatted, and a document whose
text changes between runs shows a diff on every preview (pulumi/pulumi-alicloud#1176).

Grammar: https://www.alibabacloud.com/help/en/ram/policy-structure-and-syntax and
https://www.alibabacloud.com/help/en/ram/policy-elements ("Version" is "1"; Effect Allow/Deny; Action
`service:Action` with `*`/`?` wildcards; Resource `*` or `acs:service:region:account:relative-id`; Condition
`{Operator: {Key: value}}`). Size: a custom policy document holds at most 6,144 characters
(https://www.alibabacloud.com/help/doc-detail/28753.htm; error InvalidParameter.PolicyDocument.Length).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence, Union

MAX_DOCUMENT_CHARS = 6144
EFFECTS = ("Allow", "Deny")
CONDITION_OPERATORS = frozenset(
    {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
        "StringLike", "StringNotLike",
        "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
        "NumericGreaterThan", "NumericGreaterThanEquals",
        "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
        "DateGreaterThanEquals",
        "Bool", "IpAddress", "NotIpAddress",
    }
)  # https://www.alibabacloud.com/help/en/ram/conditional-operator

# Patterns are matched whole (`fullmatch`): with `match` and `$`, a value with a trailing line break (a YAML block
# scalar) would pass, and RAM would refuse it at `pulumi up`.
ACTION_RE = re.compile(r"\*|[a-z0-9*?][a-z0-9\-*?]*:[A-Za-z0-9*?]+")
ARN_RE = re.compile(r"acs:[a-z0-9*\-]+:[a-z0-9*\-]*:[0-9*]*:\S+")
POLICY_NAME_RE = re.compile(r"[A-Za-z0-9-]{1,128}")
# Every spelling of "any action" and "any resource": in RAM's wildcards `*` matches any run of characters, so `**`,
# `*:*` and `acs:*:*:*:**` mean the same as `*` (https://www.alibabacloud.com/help/en/ram/policy-elements).
ALL_ACTIONS_RE = re.compile(r"\*+(:\*+)?")
ALL_RESOURCES_RE = re.compile(r"\*+|acs:\*+(:\*+){0,3}")


def any_action(action: str) -> bool:
    """Whether an Action pattern matches every action (`*`, `**`, `*:*`)."""
    return ALL_ACTIONS_RE.fullmatch(action) is not None


def any_resource(resource: str) -> bool:
    """Whether a Resource pattern matches every resource (`*`, `**`, `acs:*:*:*:*`, `acs:*:*:*:**`)."""
    return ALL_RESOURCES_RE.fullmatch(resource) is not None


class PolicyError(ValueError):
    """A statement or document that RAM would reject."""


@dataclass(frozen=True)
class Statement:
    """One RAM policy statement."""

    actions: tuple[str, ...]
    resources: tuple[str, ...] = ("*",)
    effect: str = "Allow"
    condition: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "actions", tuple(sorted(set(self.actions))))
        object.__setattr__(self, "resources", tuple(sorted(set(self.resources))))

    def to_json(self) -> dict[str, Any]:
        """Canonical form: fixed key order; single resource `*` written as a string, as RAM's own examples do."""
        out: dict[str, Any] = {"Effect": self.effect, "Action": list(self.actions)}
        out["Resource"] = "*" if self.resources == ("*",) else list(self.resources)
        if self.condition:
            out["Condition"] = {
                op: {k: (sorted(v, key=str) if isinstance(v, (list, tuple)) else v) for k, v in sorted(keys.items())}
                for op, keys in sorted(self.condition.items())
            }
        return out

    def sort_key(self) -> tuple:
        return (self.effect != "Allow", self.resources, self.actions, json.dumps(self.to_json(), sort_keys=True))

    @property
    def grants_everything(self) -> bool:
        """Allow every action on every resource, in any spelling of `*` (see `any_action`, `any_resource`)."""
        return (
            self.effect == "Allow"
            and any(any_action(a) for a in self.actions)
            and any(any_resource(r) for r in self.resources)
        )


def statement(actions: Union[str, Iterable[str]], resources: Union[str, Iterable[str]] = "*", **kw: Any) -> Statement:
    """Build a statement from a string or list of actions and resources."""
    acts = (actions,) if isinstance(actions, str) else tuple(actions)
    res = (resources,) if isinstance(resources, str) else tuple(resources)
    return Statement(actions=acts, resources=res, **kw)


def validate_statement(s: Statement) -> None:
    """Raise PolicyError naming the first rule `s` breaks."""
    if s.effect not in EFFECTS:
        raise PolicyError(f"Effect {s.effect!r} is not one of {', '.join(EFFECTS)}")
    if not s.actions:
        raise PolicyError("a statement needs at least one Action")
    if s.grants_everything:  # before the grammar: every spelling of it is refused with this rule
        raise PolicyError("a custom policy must not allow '*' on '*'")
    for a in s.actions:
        if not ACTION_RE.fullmatch(a):
            raise PolicyError(f"Action {a!r} is not shaped 'service:Action' (wildcards * and ? allowed)")
    if not s.resources:
        raise PolicyError("a statement needs at least one Resource")
    for r in s.resources:
        if r != "*" and not ARN_RE.fullmatch(r):
            raise PolicyError(f"Resource {r!r} is neither '*' nor an ARN 'acs:service:region:account:relative-id'")
    for op, keys in s.condition.items():
        if op not in CONDITION_OPERATORS:
            raise PolicyError(f"Condition operator {op!r} is not a RAM condition operator")
        if not isinstance(keys, Mapping) or not keys:
            raise PolicyError(f"Condition {op!r} must map condition keys to values")
        for key, value in keys.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            if not isinstance(key, str) or not values or not all(_condition_value(v) for v in values):
                raise PolicyError(
                    f"Condition {op!r} key {key!r} must be a string mapped to a string, number or boolean, or a list of them"
                )


def _condition_value(v: Any) -> bool:
    """A condition value RAM accepts and JSON can carry: a string, boolean or finite number (no NaN, no nesting)."""
    return isinstance(v, (str, bool, int)) or (isinstance(v, float) and math.isfinite(v))


def canonical_statements(statements: Iterable[Statement]) -> list[Statement]:
    """Drop exact duplicates and order statements stably (Allow before Deny, then by resources and actions).

    Statements are not merged with one another: a document keeps the statements its author wrote (seed 003's
    examples keep the VPC read statement apart from the PAI one), so it can be compared with its source.
    """
    unique: dict[str, Statement] = {}
    for s in statements:
        unique.setdefault(json.dumps(s.to_json(), sort_keys=True), s)
    return sorted(unique.values(), key=Statement.sort_key)


def render(statements: Sequence[Statement]) -> str:
    """The canonical JSON text of a policy document (compact, fixed key order). Same input, same bytes.

    Every statement is validated first (PolicyError names the broken rule), so no code path renders a document
    RAM would reject or one that allows everything.
    """
    for s in statements:
        validate_statement(s)
    doc = {"Version": "1", "Statement": [s.to_json() for s in canonical_statements(statements)]}
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def split(statements: Sequence[Statement], limit: int = MAX_DOCUMENT_CHARS) -> list[str]:
    """Render into as few documents as fit `limit` characters each, keeping the canonical statement order; a
    statement too large for a document of its own is halved by its actions, then by its resources. Raises
    PolicyError for an invalid statement, or if one action on one resource cannot fit."""
    pending = list(canonical_statements(statements))
    docs: list[list[Statement]] = [[]]
    while pending:
        s = pending.pop(0)
        if len(render(docs[-1] + [s])) <= limit:
            docs[-1].append(s)
            continue
        if docs[-1]:
            docs.append([])
            pending.insert(0, s)
            continue
        if len(s.actions) > 1:
            half = len(s.actions) // 2
            pending[:0] = [
                Statement(s.actions[:half], s.resources, s.effect, s.condition),
                Statement(s.actions[half:], s.resources, s.effect, s.condition),
            ]
        elif len(s.resources) > 1:
            half = len(s.resources) // 2
            pending[:0] = [
                Statement(s.actions, s.resources[:half], s.effect, s.condition),
                Statement(s.actions, s.resources[half:], s.effect, s.condition),
            ]
        else:
            raise PolicyError(f"statement for {s.actions[0]} on {s.resources[0]} alone exceeds {limit} characters")
    return [render(d) for d in docs if d]


def parse_document(doc: Mapping[str, Any]) -> list[Statement]:
    """Read a policy document given as data (e.g. from a stack file) into statements, validating its grammar."""
    if not isinstance(doc, Mapping):
        raise PolicyError("a policy document must be a mapping with Version and Statement")
    unknown = set(doc) - {"Version", "Statement"}
    if unknown:
        raise PolicyError(f"unknown policy document key {sorted(unknown)[0]!r} (expected Version, Statement)")
    if str(doc.get("Version", "1")) != "1":
        raise PolicyError(f"Version {doc.get('Version')!r} is not \"1\"")
    raw = doc.get("Statement")
    if not isinstance(raw, list) or not raw:
        raise PolicyError("Statement must be a non-empty list")
    out = []
    for i, st in enumerate(raw):
        out.append(_parse_statement(st, i))
    return out


def _parse_statement(st: Any, i: int) -> Statement:
    where = f"Statement[{i}]"
    if not isinstance(st, Mapping):
        raise PolicyError(f"{where} must be a mapping")
    unknown = set(st) - {"Effect", "Action", "Resource", "Condition"}
    if unknown:
        raise PolicyError(f"{where}: unknown key {sorted(unknown)[0]!r} (expected Effect, Action, Resource, Condition)")
    for key in ("Effect", "Action", "Resource"):
        if key not in st:
            raise PolicyError(f"{where}: {key} is required")

    def _strings(key: str) -> tuple[str, ...]:
        v = st[key]
        vals = [v] if isinstance(v, str) else v
        if not isinstance(vals, list) or not all(isinstance(x, str) for x in vals):
            raise PolicyError(f"{where}.{key} must be a string or a list of strings")
        return tuple(vals)

    cond = st.get("Condition", {})
    if not isinstance(cond, Mapping):
        raise PolicyError(f"{where}.Condition must be a mapping")
    s = Statement(_strings("Action"), _strings("Resource"), str(st["Effect"]), dict(cond))
    try:
        validate_statement(s)
    except PolicyError as e:
        raise PolicyError(f"{where}: {e}") from None
    return s


def policy_name(*parts: str) -> str:
    """A RAM policy name from parts: RAM allows letters, digits and hyphens only (no underscores), 1-128 chars.

    PAI workspace names allow underscores, so they are turned into hyphens here.
    """
    name = "-".join(p for p in parts if p)
    name = re.sub(r"[^A-Za-z0-9-]+", "-", name).strip("-")
    name = re.sub(r"-{2,}", "-", name)
    if not POLICY_NAME_RE.fullmatch(name):
        raise PolicyError(f"policy name {name!r} is not 1-128 letters, digits and hyphens")
    return name
