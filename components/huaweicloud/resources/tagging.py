"""The stack's tags on every taggable Huawei Cloud resource, through the one resource transform (`core.tags`).

Taggable means: the pulumi-huaweicloud class takes a `tags` input (OBS buckets, SFS Turbo, VPC, subnet, security
group; IAM resources take none). Tokens come from the SDK classes (`core.tokens.token_of`).
"""

from __future__ import annotations

from typing import Mapping

import pulumi_huaweicloud as huaweicloud

from ...core import tags as core_tags
from ...core.tokens import token_of

TAGGABLE: frozenset[str] = frozenset(
    token_of(cls)
    for cls in (huaweicloud.obs.Bucket, huaweicloud.sfs.Turbo, huaweicloud.vpc.Vpc, huaweicloud.vpc.Subnet,
                huaweicloud.vpc.Secgroup)
)


def register_stack_tags(tags: Mapping[str, str]) -> None:
    """Register the transform that puts the stack's tags and managed-by on every taggable resource created after
    this call (the contract has checked the tags against OBS's rules)."""
    core_tags.register(tags, TAGGABLE)
