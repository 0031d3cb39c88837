"""Stack tags come from one resource transform (issue 13): every taggable resource gets the stack's tags and
managed-by, a component's own tag (pai-workspace) wins, and the offline runtime applies the transform as the
engine does, so plans are the same as when components passed tags by hand."""

from __future__ import annotations

import inspect

import pulumi_alicloud as alicloud

from components.alicloud.resources.tagging import TAGGABLE, register_stack_tags
from components.core.errors import ConfigError
from offline import tokens as T
from offline.runtime import run

import pytest


def test_taggable_is_every_alibaba_class_of_the_project_that_takes_tags():
    takes_tags = {
        T.token_of(obj)
        for name in T.SOURCES
        if name.startswith("ALI_") and not name.startswith("ALI_GET")
        for obj in [T.sdk_object(name)]
        if "tags" in inspect.signature(obj._internal_init).parameters
    }
    assert takes_tags == set(TAGGABLE)


def _plan(program):
    return run(program, project="tags", stack="test")


def test_a_resource_created_after_registration_carries_the_stack_tags_and_its_own_win():
    def program():
        register_stack_tags({"env": "dev", "team": "nlp"})
        alicloud.oss.Bucket("plain", bucket="plain-bucket")
        alicloud.vpc.Network("own", vpc_name="own", cidr_block="10.0.0.0/16", tags={"pai-workspace": "ws", "team": "own"})
        alicloud.ram.Group("untaggable", group_name="g")

    plan = _plan(program)
    assert plan.one(T.ALI_BUCKET, "plain").inputs["tags"] == {"env": "dev", "team": "nlp", "managed-by": "pai-platform"}
    assert plan.one(T.ALI_VPC, "own").inputs["tags"] == {"env": "dev", "team": "own", "managed-by": "pai-platform",
                                                          "pai-workspace": "ws"}
    assert "tags" not in plan.one(T.ALI_GROUP, "untaggable").inputs


def test_the_transform_reaches_what_the_program_reads_back():
    seen = {}

    def program():
        register_stack_tags({"env": "dev"})
        b = alicloud.oss.Bucket("b", bucket="b-bucket")
        b.tags.apply(lambda t: seen.setdefault("tags", t))

    _plan(program)
    assert seen["tags"] == {"env": "dev", "managed-by": "pai-platform"}


def test_stack_tags_are_checked_before_registration():
    with pytest.raises(ConfigError) as e:
        _plan(lambda: register_stack_tags({"ALIYUN-x": "y"}))
    assert str(e.value) == "tags: tag key 'ALIYUN-x' must not start with 'aliyun' (any case) or 'acs:' nor contain http(s)://"


def test_example_stacks_tag_every_taggable_resource(example_plan):
    for stack in ("dev", "prod"):
        plan = example_plan(stack)
        tagged = [r for r in plan.resources if r.type in TAGGABLE]
        assert tagged and all(r.inputs["tags"]["managed-by"] == "pai-platform" and "cost-center" in r.inputs["tags"]
                              for r in tagged)
