"""The stack's tags on every taggable Alibaba Cloud resource, through one resource transform (`core.tags`).

Taggable means: the pulumi-alicloud class takes a `tags` input. The set is built from the SDK classes this project
creates (tokens from the classes, never written by hand); `tests/test_tags.py` checks that no class the project
uses takes `tags` without being in it.
"""

from __future__ import annotations

from typing import Mapping

import pulumi_alicloud as alicloud
from pulumi.type_token import get_type_token

from ...core import tags as core_tags
from ...core.errors import ConfigError
from .. import rules

TAGGABLE: frozenset[str] = frozenset(
    get_type_token(cls)
    for cls in (
        alicloud.oss.Bucket,
        alicloud.nas.FileSystem,
        alicloud.vpc.Network,
        alicloud.vpc.Switch,
        alicloud.vpc.FlowLog,
        alicloud.ecs.SecurityGroup,
        alicloud.ram.User,
        alicloud.ram.Policy,
        alicloud.ram.Role,
    )
)


def register_stack_tags(tags: Mapping[str, str]) -> None:
    """Check the stack's tags (`rules.check_tags`: OSS's rules, the strictest of the tagged resources) and register
    the transform that puts them, with managed-by, on every taggable resource created after this call."""
    try:
        rules.check_tags(dict(tags))
    except ValueError as e:
        raise ConfigError("tags", str(e)) from None
    core_tags.register(tags, TAGGABLE)
