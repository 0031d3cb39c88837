"""Mistakes in a stack's config, as the user sees them: one line each, naming the key, the value and the rule.

Shared by every cloud's contract and by the components (which validate their own arguments with the same rule
functions). `ConfigError` is a `pulumi.RunError`, so the real CLI prints it without a traceback.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi


class ConfigError(pulumi.RunError):
    """A user mistake in the stack config: one line naming the key, the value and the rule.

    A `pulumi.RunError`, so the real CLI prints the message without a traceback.
    """

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)

    @property
    def errors(self) -> list["ConfigError"]:
        """Every mistake this error reports (itself, or each one of a `ConfigErrors`)."""
        return [self]


MAX_ERRORS = 20
"""How many mistakes one run reports; the rest are counted ("and N more")."""
MAX_LINE = 190
"""The longest error line (200 with the preview's `error: ` in front); longer ones are elided in the middle, never
at the key."""


class ConfigErrors(ConfigError):
    """Several mistakes at once: one line each, sorted by key path, at most `MAX_ERRORS` lines, then a count."""

    def __init__(self, errors: list[ConfigError]) -> None:
        unique = {(e.path, e.message): e for e in errors}
        self._errors = sorted(unique.values(), key=lambda e: (path_key(e.path), e.message))
        lines = [clip(str(e)) for e in self._errors[:MAX_ERRORS]]
        if len(self._errors) > MAX_ERRORS:
            lines.append(f"... and {len(self._errors) - MAX_ERRORS} more")
        super().__init__("", "\n".join(lines))

    @property
    def errors(self) -> list[ConfigError]:
        return list(self._errors)


def raise_all(errors: list[ConfigError]) -> None:
    """Raise nothing, the one error, or all of them as `ConfigErrors`."""
    errors = [one for e in errors for one in e.errors]
    if len(errors) == 1:
        raise ConfigError(errors[0].path, clip(errors[0].message, MAX_LINE - len(errors[0].path) - 2))
    if errors:
        raise ConfigErrors(errors)


def clip(line: str, limit: int = MAX_LINE) -> str:
    """A line cut to `limit` characters, keeping its start (the key) and its end."""
    if len(line) <= limit:
        return line
    keep = limit - 5
    return f"{line[: keep - keep // 3]} ... {line[len(line) - keep // 3:]}"


def path_key(path: str) -> tuple:
    """Key paths sorted as a reader expects: `workspaces[2]` before `workspaces[10]`."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\[\]]+", path) if p)


def show(value: Any) -> str:
    """A value as an error shows it: its repr, shortened so the error stays one readable line."""
    text = repr(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:56] + "...'"


def fail(path: str, value: Any, rule: str) -> None:
    """Raise the one mistake `path: value rule` (for checks that cannot go on after it)."""
    shown = "" if value is None else f"{show(value)} "
    raise ConfigError(path, f"{shown}{rule}")


class Problems:
    """The mistakes found so far; checks go on after each one, so a stack file's mistakes are all shown at once."""

    def __init__(self) -> None:
        self.errors: list[ConfigError] = []

    def add(self, path: str, value: Any, rule: str) -> None:
        shown = "" if value is None else f"{show(value)} "
        self.errors.append(ConfigError(path, f"{shown}{rule}"))

    def first(self, seen: dict[str, str], key: str, path: str, value: Any, rule: str) -> None:
        """Record `path` as the first use of `key`, or add the mistake of using it again."""
        if key in seen:
            self.add(path, value, f"{rule} (first at {seen[key]})")
        else:
            seen[key] = path
