"""What every cloud's stack-config contract is built of: a strict pydantic base model (camelCase keys, unknown keys
refused), small rule helpers, and pydantic's errors turned into `ConfigError` lines."""

from __future__ import annotations

import re
from typing import Annotated, Any, Mapping

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictStr, ValidationError, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from . import naming
from .errors import ConfigError, show


class Model(BaseModel):
    """A contract model: camelCase keys, unknown keys refused (a typo is never silently ignored), frozen."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            allowed = [f.alias or n for n, f in cls.model_fields.items()]
            for key in data:
                if key not in allowed:
                    raise PydanticCustomError(
                        "unknown_key",
                        "unknown key (expected one of: {allowed})",
                        {"key": str(key), "allowed": ", ".join(allowed)},
                    )
        return data


def pattern(value: str, regex: str, rule: str) -> str:
    """`value` if it matches `regex` whole; else ValueError(rule)."""
    if not re.fullmatch(regex, value):
        raise ValueError(rule)
    return value


def unique(values: list, what: str) -> list:
    """`values` if none is listed twice; else ValueError naming the first repeat."""
    seen = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{what} {v!r} is listed twice")
        seen.add(v)
    return values


Key = Annotated[StrictStr, AfterValidator(lambda v: pattern(v, naming.KEY_RE, naming.KEY_RULE))]
"""A stable key from config (bucket and file-system keys, policy and grant names): it becomes part of logical and
physical names, so it has one rule everywhere."""


# --- pydantic errors as lines --------------------------------------------------------------------------------------

TYPE_NAMES = {
    "string_type": "a string",
    "bool_type": "true or false",
    "int_type": "an integer",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def key_path(loc: tuple) -> str:
    """A pydantic error location as a config path: `workspaces[0].members[1].roles`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("NewNetwork", "ExistingNetwork") or str(part).startswith("function-"):
            continue
        else:
            # A key is shown as written unless it holds line breaks or other unprintables: the error stays one line.
            text = str(part)
            out += ("." if out else "") + (text if text.isprintable() else repr(text))
    return out


def one_line(err: Mapping[str, Any]) -> ConfigError:
    """One pydantic error as a `ConfigError` line."""
    loc = tuple(err["loc"])
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "unknown_key":
        return ConfigError(key_path(loc + (ctx["key"],)), f"unknown key (expected one of: {ctx['allowed']})")
    if kind == "missing":
        return ConfigError(key_path(loc), "is required")
    if kind in TYPE_NAMES:
        return ConfigError(key_path(loc), f"{show(value)} is not {TYPE_NAMES[kind]}")
    if kind == "literal_error":
        return ConfigError(key_path(loc), f"{show(value)} is not one of: {ctx.get('expected', '')}")
    if kind == "too_short":
        return ConfigError(key_path(loc), f"needs at least {ctx.get('min_length')} item(s)")
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind == "value_error" and not msg.startswith("'") and isinstance(value, (str, int)) and not isinstance(value, bool):
        msg = f"{show(value)} {msg}"
    return ConfigError(key_path(loc), msg)


def errors_of(e: ValidationError) -> list[ConfigError]:
    """Every shape mistake pydantic found, one `ConfigError` each."""
    return [one_line(err) for err in e.errors()]
