"""How a component refuses its arguments: every problem at once, one line each (`path: value rule`), in one
`ValueError`, with the rule texts of `components.huaweicloud.rules` (the contract's, word for word)."""

from __future__ import annotations

from typing import Any, Callable

from ...core.errors import path_key, show


class Refusals:
    """The problems found so far in a component's arguments; `done()` raises them all, sorted by path."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def add(self, path: str, value: Any, rule: str) -> None:
        """Record `path: value rule` (the value left out when it is None)."""
        shown = "" if value is None else f"{show(value)} "
        self.lines.append((path, f"{path}: {shown}{rule}"))

    def check(self, path: str, value: Any, check: Callable[..., None], *args: Any, shown: Any = ...) -> bool:
        """Record the problem when `check` (a `rules.check_*` function) refuses `value`; whether it accepted it.
        The line shows `shown` instead of the value when given (None: no value)."""
        try:
            check(value, *args)
        except ValueError as e:
            self.add(path, value if shown is ... else shown, str(e))
            return False
        return True

    def done(self) -> None:
        """Raise one `ValueError` with a line per problem, sorted by path; nothing when there is none."""
        if self.lines:
            lines = sorted(dict.fromkeys(self.lines), key=lambda p: (path_key(p[0]), p[1]))
            raise ValueError("\n".join(line for _, line in lines))
