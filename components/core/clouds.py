"""The cloud registry: which contract reads a stack's config and which adapter builds it, per stack-wide `cloud` key.

The one place a cloud is chosen (`core.config.load` and `__main__.py` both ask here). Each cloud's package is
imported only when a stack uses it, so a PAI stack never imports pulumi-huaweicloud.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Cloud:
    """A cloud this project builds for: its package's contract and adapter modules."""

    key: str
    """The value of the stack's `cloud` key."""
    title: str
    contract: str
    """Module with `load(raw) -> StackConfig` (shape and stack-wide rules, defaults filled in)."""
    adapter: str
    """Module with `build(cfg) -> outputs` (contract to component Args, then the components)."""
    region_key: str
    """The provider's region config key, handed to the contract whole."""


CLOUDS: dict[str, Cloud] = {
    c.key: c
    for c in (
        Cloud("alicloud", "Alibaba Cloud PAI", "components.alicloud.contract", "components.alicloud.adapter", "alicloud:region"),
        Cloud("huaweicloud", "Huawei Cloud ModelArts", "components.huaweicloud.contract", "components.huaweicloud.adapter",
              "huaweicloud:region"),
    )
}
DEFAULT = "alicloud"


def contract(cloud: str) -> ModuleType:
    return importlib.import_module(CLOUDS[cloud].contract)


def adapter(cloud: str) -> ModuleType:
    return importlib.import_module(CLOUDS[cloud].adapter)
