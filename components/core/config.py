"""Reading a stack's config at the edge: the values the CLI hands the program, split by namespace, checked for near
misses of the project's namespaces, and validated by the contract of the stack's cloud (`clouds.py`).

Every mistake is a `ConfigError` line, all of them at once, before anything is registered.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

import pulumi

from . import clouds
from .errors import ConfigError, raise_all, show

PROJECT = "pai-platform"
PROVIDER_NAMESPACES = ("alicloud", "huaweicloud", "random")
"""Config namespaces of the providers this project uses; any other namespace is someone else's, unless it is a
near miss of one of these or of the project's own (see `check_namespaces`)."""


def check_namespaces(keys, project: str = PROJECT) -> list[ConfigError]:
    """A key whose namespace is a near miss of the project's or a provider's (`pai-platfrom:tags`, `pai_platform:`,
    `alicoud:region`) is a mistake: Pulumi would hand it to nobody, and the setting would silently vanish."""
    known = (project, *PROVIDER_NAMESPACES)
    out = []
    for key in sorted(keys):
        ns = key.partition(":")[0]
        if ns in known:
            continue
        folded = ns.lower().replace("_", "-")
        close = [k for k in known if folded == k or _distance(folded, k) <= 2]
        if close:
            out.append(ConfigError(key if key.isprintable() else repr(key),
                                   f"namespace {ns!r} is not this project's (did you mean: {close[0]}:?); "
                                   "a key in another namespace reaches no setting"))
    return out


def _distance(a: str, b: str) -> int:
    """Levenshtein edit distance."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def load(raw: Mapping[str, Any], foreign_keys=(), project: str = PROJECT) -> Any:
    """Validate a raw config mapping (camelCase keys, the provider's region key whole) with the contract of its
    cloud, and return that contract's StackConfig. Raises ConfigError only: one line per mistake, every mistake at
    once (`ConfigErrors`), before anything is registered.

    `foreign_keys` are the stack's config keys in other namespaces (full `ns:key` form), checked for near misses of
    the project's namespace. The stack-wide key `cloud` picks the contract (`clouds.CLOUDS`; default alicloud).
    """
    if not isinstance(raw, Mapping):
        raise ConfigError("", "the stack config must be a mapping")
    errors = check_namespaces(foreign_keys, project)
    cloud = raw.get("cloud", clouds.DEFAULT)
    if not isinstance(cloud, str) or cloud not in clouds.CLOUDS:
        raise_all([*errors, ConfigError("cloud", f"{show(cloud)} is not one of: {', '.join(clouds.CLOUDS)}")])
    try:
        cfg = clouds.contract(cloud).load(raw)
    except ConfigError as e:
        raise_all([*errors, e])
        raise
    raise_all(errors)
    return cfg


def config_from_pulumi() -> tuple[str, dict[str, str]]:
    """The project's name and every config key (full `ns:key` form) with its value, as the running program sees
    them: the CLI hands every value over as a string, objects JSON-encoded."""
    from pulumi.runtime import config as rc

    return pulumi.get_project(), {**rc.get_config_env(), **rc.CONFIG.get()}


def raw_from_values(project: str, values: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Split config values into this project's keys (namespace dropped, objects decoded; `alicloud:region` and
    `huaweicloud:region` kept whole) and the full keys of every other namespace."""
    raw: dict[str, Any] = {}
    foreign: list[str] = []
    for key, value in values.items():
        ns, _, name = key.partition(":")
        if ns == project:
            raw[name.split(":", 1)[-1]] = _decode(value)
        elif key in ("alicloud:region", "huaweicloud:region"):
            raw[key] = value
        else:
            foreign.append(key)
    return raw, foreign


def _decode(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def load_from_pulumi() -> Any:
    """The stack's config as the running program sees it, validated (see `load`)."""
    project, values = config_from_pulumi()
    raw, foreign = raw_from_values(project, values)
    return load(raw, foreign_keys=foreign, project=project)
