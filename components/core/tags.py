"""Stack tags, applied by one resource transform for every cloud (`pulumi.runtime.register_resource_transform`).

Components tag only with what they alone know (`pai-workspace`, `modelarts-workspace`); the stack's own tags and
`managed-by` reach every resource of a taggable type through this transform, so no component passes them by hand
and a resource added later cannot forget them. A tag a component sets wins over a stack tag of the same key (the
contracts refuse stack tags with the project's keys anyway).
"""

from __future__ import annotations

from typing import Iterable, Mapping, Optional

import pulumi

MANAGED_BY = {"managed-by": "pai-platform"}


def stack_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """What every taggable resource of the stack carries: the stack's tags (sorted) and who manages it."""
    return {**dict(sorted(tags.items())), **MANAGED_BY}


def transform(tags: Mapping[str, str], taggable: Iterable[str]):
    """The resource transform: `stack_tags(tags)` under the tags a resource already has, for the given types."""
    types = frozenset(taggable)
    base = stack_tags(tags)

    def add_stack_tags(args: pulumi.ResourceTransformArgs) -> Optional[pulumi.ResourceTransformResult]:
        if args.type_ not in types:
            return None
        own = args.props.get("tags") or {}
        return pulumi.ResourceTransformResult(props={**args.props, "tags": {**base, **own}}, opts=args.opts)

    return add_stack_tags


def register(tags: Mapping[str, str], taggable: Iterable[str]) -> None:
    """Register the stack-tags transform; call it before the first resource of the stack is created."""
    pulumi.runtime.register_resource_transform(transform(tags, taggable))
