"""The type token of an SDK class or data-source function, read from the SDK itself (never written by hand).

pulumi-alicloud and pulumi-random declare it with `@pulumi.type_token`; pulumi-huaweicloud 0.0.12 only passes it
as a string in the class's `_internal_init` (a data source, in its `invoke` call): there it is the one token-shaped
constant whose last part is the class's (or function's camelCased) name.
"""

from __future__ import annotations

import re
import types
from typing import Any

_TOKEN = re.compile(r"^[a-z][a-z0-9]*:[A-Za-z0-9_]+/[A-Za-z0-9_]+:[A-Za-z0-9_]+$")


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def token_of(obj: Any) -> str:
    """The type token an SDK resource class registers with, or the token an SDK data-source function invokes."""
    if isinstance(obj, type):
        from pulumi.type_token import get_type_token

        declared = get_type_token(obj)
        if declared:
            return declared
        code, last = obj._internal_init.__code__, obj.__name__
    elif isinstance(obj, types.FunctionType):
        code, last = obj.__code__, _camel(obj.__name__)
    else:
        raise TypeError(f"not an SDK resource class or data-source function: {obj!r}")
    found = {c for c in code.co_consts if isinstance(c, str) and _TOKEN.match(c) and c.rsplit(":", 1)[1] == last}
    if len(found) != 1:
        raise LookupError(f"{obj.__module__}.{obj.__qualname__}: expected one type token in its code, found {found}")
    return found.pop()
