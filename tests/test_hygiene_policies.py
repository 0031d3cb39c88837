"""policypack/hygiene.py: the README's account-hygiene claims enforced by the policy pack (MFA on console logins,
one access key per user, encrypted NAS in its own permission group, versioned buckets), on violating and clean
plans; the example stacks stay clean."""

from __future__ import annotations

import pytest

from offline.preview import plan_json
from policypack import hygiene, rules
from policypack.policies import build_policies

HYGIENE = ("ram-login-mfa-required", "ram-one-access-key-per-user", "nas-encrypted", "nas-own-access-group",
           "oss-bucket-versioned")


def res(type_, name, **inputs):
    return {"urn": f"urn:pulumi:t::p::{type_}::{name}", "type": type_, "name": name, "parent": "", "inputs": inputs}


def violations(resources, policy):
    return [v.message for v in rules.check_preview(resources) if v.policy == policy]


def test_registered_in_the_pack_and_its_policies():
    assert set(HYGIENE) <= set(rules.RULES_BY_NAME)
    assert set(HYGIENE) <= {p.name for p in build_policies()}
    assert len(rules.RULES_BY_NAME) == len(rules.RULES)  # names unique


def test_login_without_mfa_is_refused():
    bad = [res(hygiene.RAM_LOGIN_PROFILE, "carol-login", userName="carol", password="[secret]", mfaBindRequired=False),
           res(hygiene.RAM_LOGIN_PROFILE, "dave-login", userName="dave", password="[secret]")]
    assert violations(bad, "ram-login-mfa-required") == [
        "login profile of user carol: mfaBindRequired is False; console logins must require MFA (mfa_bind_required=True)",
        "login profile of user dave: mfaBindRequired is None; console logins must require MFA (mfa_bind_required=True)",
    ]
    good = [res(hygiene.RAM_LOGIN_PROFILE, "carol-login", userName="carol", password="[secret]", mfaBindRequired=True)]
    assert violations(good, "ram-login-mfa-required") == []


def test_second_access_key_of_a_user_is_refused():
    keys = [res(hygiene.RAM_ACCESS_KEY, "bot-key", userName="ops-bot"),
            res(hygiene.RAM_ACCESS_KEY, "bot-key-2", userName="ops-bot"),
            res(hygiene.RAM_ACCESS_KEY, "other-key", userName="other")]
    found = [v for v in rules.check_preview(keys) if v.policy == "ram-one-access-key-per-user"]
    assert [(v.urn.rsplit("::", 1)[1], v.message) for v in found] == [
        ("bot-key-2", "user ops-bot has 2 access keys in this stack; at most 1 active key per user")]
    assert violations(keys[::2], "ram-one-access-key-per-user") == []


@pytest.mark.parametrize("value, ok", [(1, True), (2, True), (1.0, True), (0, False), (None, False), ("x", False)])
def test_nas_must_be_encrypted(value, ok):
    fs = [res(hygiene.NAS_FILE_SYSTEM, "fs", description="pai-platform:ws:shared", encryptType=value)]
    found = violations(fs, "nas-encrypted")
    assert found == ([] if ok else [f"NAS file system pai-platform:ws:shared: encryptType is {value!r}; set 1 "
                                    f"(NAS-managed key) or 2 (KMS key, extreme NAS)"])


@pytest.mark.parametrize("group", ["DEFAULT_VPC_GROUP_NAME", None, ""])
def test_nas_mount_target_needs_its_own_group(group):
    mt = [res(hygiene.NAS_MOUNT_TARGET, "mt", fileSystemId="fs-1", accessGroupName=group)]
    assert violations(mt, "nas-own-access-group") == [
        f"NAS mount target of file system fs-1: accessGroupName is {group!r}; use the workspace's own "
        f"nas.AccessGroup (DEFAULT_VPC_GROUP_NAME admits the whole VPC read/write)"]
    mt[0]["inputs"]["accessGroupName"] = "acme-dev-nlp-dev"
    assert violations(mt, "nas-own-access-group") == []


def test_bucket_must_be_versioned_inline_or_by_a_sub_resource():
    bare = res(hygiene.OSS_BUCKET, "b", bucket="acme-data")
    assert violations([bare], "oss-bucket-versioned") == [
        "bucket acme-data is not versioned: set versioning status 'Enabled' (or add an oss.BucketVersioning)"]
    suspended = res(hygiene.OSS_BUCKET, "b", bucket="acme-data", versioning={"status": "Suspended"})
    assert len(violations([suspended], "oss-bucket-versioned")) == 1
    inline = res(hygiene.OSS_BUCKET, "b", bucket="acme-data", versioning={"status": "Enabled"})
    assert violations([inline], "oss-bucket-versioned") == []
    sub = res(hygiene.OSS_BUCKET_VERSIONING, "bv", bucket="acme-data", status="Enabled")
    assert violations([bare, sub], "oss-bucket-versioned") == []
    off = res(hygiene.OSS_BUCKET_VERSIONING, "bv", bucket="acme-data", status="Suspended")
    assert sorted(violations([bare, off], "oss-bucket-versioned")) == [
        "BucketVersioning for bucket acme-data: status is 'Suspended', must be 'Enabled'",
        "bucket acme-data is not versioned: set versioning status 'Enabled' (or add an oss.BucketVersioning)"]


def test_unknown_values_are_not_judged():
    unknown = next(iter(rules.UNKNOWN_SENTINELS))
    plan = [res(hygiene.RAM_LOGIN_PROFILE, "l", userName="u", mfaBindRequired=unknown),
            res(hygiene.NAS_FILE_SYSTEM, "fs", encryptType=unknown),
            res(hygiene.NAS_MOUNT_TARGET, "mt", accessGroupName=unknown),
            res(hygiene.OSS_BUCKET, "b", bucket="x", versioning={"status": unknown})]
    assert [v for v in rules.check_preview(plan) if v.policy in HYGIENE] == []


@pytest.mark.parametrize("stack", ["dev", "prod", "modelarts"])
def test_example_stacks_are_clean(example_plan, stack):
    found = [v for v in rules.check_preview(plan_json(example_plan(stack))["resources"]) if v.policy in HYGIENE]
    assert found == []


def test_example_stacks_exercise_the_rules(example_plan):
    """The clean result means something: prod has logins, an access key and buckets; dev has NAS."""
    types = {r.type for s in ("dev", "prod") for r in example_plan(s).resources}
    assert {hygiene.RAM_LOGIN_PROFILE, hygiene.RAM_ACCESS_KEY, hygiene.OSS_BUCKET, hygiene.NAS_FILE_SYSTEM,
            hygiene.NAS_MOUNT_TARGET} <= types
