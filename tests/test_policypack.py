"""The policy pack (policypack/): every rule on passing and failing resources, the pulumi-policy wiring, and the
pack run as the Pulumi CLI runs it (a gRPC analyzer), all without the Pulumi CLI or a cloud account."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from google.protobuf import empty_pb2, struct_pb2

import pulumi_policy
from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Secret,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import proxy as sdk_proxy
from pulumi_policy.policy import PolicyCustomTimeouts, _PolicyAnalyzerServicer
from pulumi.runtime.proto import analyzer_pb2 as proto
from pulumi.runtime.proto import analyzer_pb2_grpc

from policypack import escalation as esc
from policypack import hygiene, policies, rules, storage
from policypack.rules import Violation, check_preview

ROOT = Path(__file__).resolve().parent.parent
PACK_DIR = ROOT / "policypack"

# The engine's wire encoding of a secret (pulumi_policy/deserialize.py SPECIAL_SIG_KEY / SPECIAL_SECRET_SIG).
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = sdk_proxy.UNKNOWN_STRING_VALUE


def wire_secret(value):
    return {SIG_KEY: SECRET_SIG, "value": value}


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::pai-platform::{type_}::{name}"


def res(type_: str, name: str, **inputs) -> dict:
    """A resource as the offline preview hands it over."""
    return {"urn": urn(type_, name), "type": type_, "name": name, "parent": "", "inputs": inputs}


def doc(*statements) -> str:
    return json.dumps({"Version": "1", "Statement": list(statements)})


def https_only(bucket: str, effect: str = "Deny", secure: str = "false", **changes) -> str:
    """A bucket policy denying non-HTTPS requests to `bucket`, as the project renders it; `changes` override the
    statement's elements."""
    statement = {"Effect": effect, "Action": ["oss:*"], "Principal": ["*"],
                 "Resource": [f"acs:oss:*:*:{bucket}", f"acs:oss:*:*:{bucket}/*"],
                 "Condition": {"Bool": {"acs:SecureTransport": [secure]}}} | changes
    return json.dumps({"Version": "1", "Statement": [statement]})


def names(violations) -> set[str]:
    return {v.policy for v in violations}


USERS = "urn:pulumi:dev::pai-platform::pai:identity:Users::users"
ADMIN_GROUP = f"urn:pulumi:dev::pai-platform::pai:identity:Users${rules.RAM_GROUP_TOKEN}::users-resource-admins"


def admin_group(policy: str) -> list[dict]:
    """The resource-admins group as the `pai:identity:Users` component creates it, and `policy` attached to it
    (the attachment depends on the group, as the engine records)."""
    attach = res(rules.RAM_GROUP_POLICY_ATTACHMENT, "admins-pai", groupName="pai-resource-admins",
                 policyName=policy, policyType="System")
    attach["propertyDependencies"] = {"groupName": [ADMIN_GROUP]}
    return [{"urn": USERS, "type": "pai:identity:Users", "name": "users", "parent": "", "inputs": {}},
            {"urn": ADMIN_GROUP, "type": rules.RAM_GROUP_TOKEN, "name": "users-resource-admins", "parent": USERS,
             "inputs": {"groupName": "pai-resource-admins"}},
            attach]


# --- a compliant stack: one bucket with every guard, and one of each other resource done right -----------------

def good_stack() -> list[dict]:
    return [
        res(rules.OSS_BUCKET, "data", bucket="pai-data-1",
            serverSideEncryptionRule={"sseAlgorithm": "AES256"}, versioning={"status": "Enabled"}),
        res(rules.OSS_BUCKET_ACL, "data-acl", bucket="pai-data-1", acl="private"),
        res(rules.OSS_BUCKET_PUBLIC_ACCESS_BLOCK, "data-pab", bucket="pai-data-1", blockPublicAccess=True),
        res(rules.OSS_BUCKET, "logs", bucket="pai-logs-1"),
        res(rules.OSS_BUCKET_SSE, "logs-sse", bucket="pai-logs-1", sseAlgorithm="KMS"),
        res(rules.OSS_BUCKET_PUBLIC_ACCESS_BLOCK, "logs-pab", bucket="pai-logs-1", blockPublicAccess=True),
        res(hygiene.OSS_BUCKET_VERSIONING, "logs-versioning", bucket="pai-logs-1", status="Enabled"),
        res(hygiene.NAS_FILE_SYSTEM, "fs", description="pai-platform:ws:shared", encryptType=1),
        res(hygiene.NAS_MOUNT_TARGET, "fs-mt", fileSystemId="fs-1", accessGroupName="ws"),
        # pai-logs-1 is the log bucket: it receives pai-data-1's access logs and is not logged itself.
        res(storage.OSS_BUCKET_LOGGING, "data-logging", bucket="pai-data-1", targetBucket="pai-logs-1",
            targetPrefix="pai-data-1/"),
        res(storage.OSS_BUCKET_POLICY, "data-https", bucket="pai-data-1", policy=https_only("pai-data-1")),
        res(storage.OSS_BUCKET_POLICY, "logs-https", bucket="pai-logs-1", policy=https_only("pai-logs-1")),
        res(rules.NAS_ACCESS_RULE, "nas-rule", accessGroupName="ws", sourceCidrIp="10.0.0.0/16"),
        res(rules.ECS_SECURITY_GROUP_RULE, "ssh", type="ingress", ipProtocol="tcp", portRange="22/22",
            cidrIp="10.0.0.0/8", securityGroupId="sg-1"),
        res(rules.ECS_SECURITY_GROUP_RULE, "egress", type="egress", ipProtocol="all", portRange="-1/-1",
            cidrIp="0.0.0.0/0", securityGroupId="sg-1"),
        res(rules.RAM_POLICY, "oss-ro", policyName="oss-ro",
            policyDocument=doc({"Effect": "Allow", "Action": ["oss:GetObject"], "Resource": ["acs:oss:*:*:b/*"]},
                               {"Effect": "Deny", "Action": "*", "Resource": "*"})),
        *admin_group("AliyunPAIFullAccess"),
        res(rules.RAM_USER_POLICY_ATTACHMENT, "alice-dev", userName="alice",
            policyName="AliyunPAIDevelopAccess", policyType="System"),
        res(rules.RAM_LOGIN_PROFILE, "alice-login", userName="alice", password="[secret]", mfaBindRequired=True),
        res(rules.RAM_ACCESS_KEY, "ci-key", userName="ci"),
    ]


def test_good_stack_passes_every_rule():
    assert check_preview(good_stack()) == []


# --- the hand-written bad stack: one resource (or one omission) per rule ---------------------------------------

BAD_STACK_CASES = {
    # policy name -> (resources added to the good stack or replacing one of its resources by name)
    "oss-bucket-private": [res(rules.OSS_BUCKET_ACL, "data-acl", bucket="pai-data-1", acl="public-read")],
    "oss-bucket-encrypted": [res(rules.OSS_BUCKET, "logs", bucket="pai-logs-1"),
                             res(rules.OSS_BUCKET_SSE, "logs-sse", bucket="some-other-bucket", sseAlgorithm="KMS")],
    "oss-bucket-public-access-blocked": [res(rules.OSS_BUCKET_PUBLIC_ACCESS_BLOCK, "logs-pab",
                                             bucket="pai-logs-1", blockPublicAccess=False)],
    "nas-access-rule-not-open": [res(rules.NAS_ACCESS_RULE, "nas-rule", accessGroupName="ws",
                                     sourceCidrIp="0.0.0.0/0")],
    "ecs-no-public-ingress": [res(rules.ECS_SECURITY_GROUP_RULE, "ssh", type="ingress", ipProtocol="tcp",
                                  portRange="22/22", cidrIp="0.0.0.0/0", securityGroupId="sg-1")],
    "ram-no-admin-wildcard": [res(rules.RAM_POLICY, "oss-ro", policyName="oss-ro",
                                  policyDocument=doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))],
    "ram-pai-full-access-admins-only": [res(rules.RAM_USER_POLICY_ATTACHMENT, "alice-dev", userName="alice",
                                            policyName="AliyunPAIFullAccess", policyType="System")],
    "ram-policy-document-size": [res(rules.RAM_POLICY, "big", policyName="big", policyDocument=doc(
        {"Effect": "Allow", "Action": ["oss:GetObject"],
         "Resource": [f"acs:oss:*:*:bucket-{i:04d}/*" for i in range(300)]}))],
    "ram-credentials-secret": [res(rules.RAM_LOGIN_PROFILE, "alice-login", userName="alice",
                                   password="Plain-Text-1", mfaBindRequired=True)],
    # policypack/hygiene.py
    "ram-login-mfa-required": [res(rules.RAM_LOGIN_PROFILE, "bob-login", userName="bob", password="[secret]")],
    "ram-one-access-key-per-user": [res(rules.RAM_ACCESS_KEY, "ci-key-2", userName="ci")],
    "nas-encrypted": [res(hygiene.NAS_FILE_SYSTEM, "fs", description="pai-platform:ws:shared", encryptType=0)],
    "nas-own-access-group": [res(hygiene.NAS_MOUNT_TARGET, "fs-mt", fileSystemId="fs-1",
                                 accessGroupName="DEFAULT_VPC_GROUP_NAME")],
    "oss-bucket-versioned": [res(hygiene.OSS_BUCKET_VERSIONING, "logs-versioning", bucket="pai-logs-1",
                                 status="Suspended")],
    "oss-bucket-access-logging": [res(storage.OSS_BUCKET_LOGGING, "data-logging", bucket="some-other-bucket",
                                      targetBucket="pai-logs-1", targetPrefix="some-other-bucket/")],
    "oss-bucket-https-only": [res(storage.OSS_BUCKET_POLICY, "data-https", bucket="pai-data-1",
                                  policy=https_only("pai-data-1", effect="Allow", secure="true"))],
    # policypack/escalation.py (more cases in tests/test_escalation.py)
    "ram-no-privilege-escalation": [res(rules.RAM_POLICY, "escalating", policyName="escalating", policyDocument=doc(
        {"Effect": "Allow", "Action": ["ram:AttachPolicyToUser", "ram:CreateAccessKey", "sts:AssumeRole"],
         "Resource": "*"}))],
    "ram-broad-data-access": [res(rules.RAM_POLICY, "broad", policyName="broad", policyDocument=doc(
        {"Effect": "Allow", "Action": ["pai:*", "oss:*"], "Resource": "*"}))],
    "ram-no-admin-system-policy": [res(rules.RAM_USER_POLICY_ATTACHMENT, "bob-admin", userName="bob",
                                       policyName="AdministratorAccess", policyType="System")],
    "ram-activation-policies-activators-only": [res(rules.RAM_USER_POLICY_ATTACHMENT, "carol-oss", userName="carol",
                                                    policyName="AliyunOSSFullAccess", policyType="System")],
    "oss-bucket-policy-not-public": [res(esc.OSS_BUCKET_POLICY, "data-policy", bucket="pai-data-1", policy=json.dumps(
        {"Version": "1", "Statement": [{"Effect": "Allow", "Principal": ["*"], "Action": ["oss:GetObject"],
                                        "Resource": ["acs:oss:*:*:pai-data-1/*"]}]}))],
    "ram-role-trust-not-wildcard": [res(esc.RAM_ROLE, "job-role", roleName="job", assumeRolePolicyDocument=json.dumps(
        {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                        "Principal": {"RAM": ["*"]}}]}))],
    "network-sources-not-wide": [
        # private (unique local) halves whose union is a /7: wider than a /32 of IPv6
        res(rules.NAS_ACCESS_RULE, "nas-rule-6a", accessGroupName="ws", ipv6SourceCidrIp="fc00::/8"),
        res(rules.NAS_ACCESS_RULE, "nas-rule-6b", accessGroupName="ws", ipv6SourceCidrIp="fd00::/8")],
    "network-sources-public": [res(rules.ECS_SECURITY_GROUP_RULE, "https", type="ingress", ipProtocol="tcp",
                                   portRange="22/22", cidrIp="8.8.8.0/24", securityGroupId="sg-2")],
    "huaweicloud-iam-no-admin-roles": [
        {**res(esc.HW_AGENCY, "agency", delegatedServiceName="op_svc_x",
               projectRoles=[{"project": "cn-north-4", "roles": ["Tenant Administrator"]}])}],
    "huaweicloud-obs-bucket-private": [res(esc.HW_BUCKET, "obs", bucket="ma-data", acl="public-read")],
}


def with_replacements(stack: list[dict], replacements: list[dict]) -> list[dict]:
    by_name = {r["name"]: r for r in replacements}
    out = [by_name.pop(r["name"], r) for r in stack]
    return out + list(by_name.values())


def test_bad_stack_cases_cover_every_rule():
    assert set(BAD_STACK_CASES) == {r.name for r in rules.RULES}


@pytest.mark.parametrize("policy", sorted(BAD_STACK_CASES))
def test_bad_stack_is_rejected_rule_by_rule(policy):
    violations = check_preview(with_replacements(good_stack(), BAD_STACK_CASES[policy]))
    assert names(violations) == {policy}, violations


def test_bad_stack_breaking_every_rule_reports_each_rule():
    stack = good_stack()
    for replacements in BAD_STACK_CASES.values():
        stack = with_replacements(stack, replacements)
    assert names(check_preview(stack)) == {r.name for r in rules.RULES}


def test_check_preview_returns_sorted_violations_with_urns():
    stack = with_replacements(good_stack(), BAD_STACK_CASES["nas-access-rule-not-open"]
                              + BAD_STACK_CASES["ecs-no-public-ingress"])
    violations = check_preview(stack)
    assert violations == sorted(violations)
    assert {v.urn for v in violations} == {urn(rules.NAS_ACCESS_RULE, "nas-rule"),
                                           urn(rules.ECS_SECURITY_GROUP_RULE, "ssh")}
    assert all(isinstance(v, Violation) and v.message for v in violations)


# --- rule by rule ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("type_,acl,bad", [
    (rules.OSS_BUCKET, "public-read", True),
    (rules.OSS_BUCKET, "public-read-write", True),
    (rules.OSS_BUCKET, "PUBLIC-READ", True),
    (rules.OSS_BUCKET, "private", False),
    (rules.OSS_BUCKET, None, False),
    (rules.OSS_BUCKET_ACL, "public-read-write", True),
    (rules.OSS_BUCKET_ACL, "private", False),
    (rules.OSS_BUCKET_ACL, UNKNOWN, False),
])
def test_oss_bucket_private(type_, acl, bad):
    inputs = {"bucket": "b"} | ({"acl": acl} if acl is not None else {})
    assert bool(rules.check_oss_bucket_private(type_, inputs)) is bad


def _bucket_stack(*extra, bucket_inputs=None):
    return [res(rules.OSS_BUCKET, "b", **(bucket_inputs or {"bucket": "b1"})), *extra]


@pytest.mark.parametrize("stack,bad", [
    (_bucket_stack(bucket_inputs={"bucket": "b1", "serverSideEncryptionRule": {"sseAlgorithm": "KMS"}}), False),
    (_bucket_stack(bucket_inputs={"bucket": "b1", "serverSideEncryptionRule": [{"sseAlgorithm": "AES256"}]}),
     False),
    (_bucket_stack(bucket_inputs={"bucket": "b1", "serverSideEncryptionRule": {"sseAlgorithm": ""}}), True),
    (_bucket_stack(res(rules.OSS_BUCKET_SSE, "s", bucket="b1", sseAlgorithm="AES256")), False),
    (_bucket_stack(res(rules.OSS_BUCKET_SSE, "s", bucket="b1", sseAlgorithm="NONE")), True),
    (_bucket_stack(res(rules.OSS_BUCKET_SSE, "s", bucket="b2", sseAlgorithm="AES256")), True),
    (_bucket_stack(), True),
    # During preview the sub-resource's bucket may be unknown: judged again at `pulumi up`, not guessed now.
    (_bucket_stack(res(rules.OSS_BUCKET_SSE, "s", bucket=UNKNOWN, sseAlgorithm="AES256")), False),
    # The engine's property dependency ties a sub-resource to its bucket even when names are unknown.
    (_bucket_stack(dict(res(rules.OSS_BUCKET_SSE, "s", bucket=UNKNOWN, sseAlgorithm="AES256"),
                        propertyDependencies={"bucket": [urn(rules.OSS_BUCKET, "b")]}),
                   bucket_inputs={"bucket": UNKNOWN}), False),
    (_bucket_stack(dict(res(rules.OSS_BUCKET_SSE, "s", bucket=UNKNOWN, sseAlgorithm="AES256"),
                        propertyDependencies={"bucket": [urn(rules.OSS_BUCKET, "other")]})), True),
])
def test_oss_bucket_encrypted(stack, bad):
    assert bool(rules.check_oss_bucket_encrypted(stack)) is bad


@pytest.mark.parametrize("stack,bad", [
    (_bucket_stack(res(rules.OSS_BUCKET_PUBLIC_ACCESS_BLOCK, "p", bucket="b1", blockPublicAccess=True)), False),
    (_bucket_stack(res(rules.OSS_BUCKET_PUBLIC_ACCESS_BLOCK, "p", bucket="b1", blockPublicAccess=False)), True),
    (_bucket_stack(res(rules.OSS_BUCKET_PUBLIC_ACCESS_BLOCK, "p", bucket="b1")), True),
    (_bucket_stack(res(rules.OSS_BUCKET_PUBLIC_ACCESS_BLOCK, "p", bucket="b1", blockPublicAccess="true")), True),
    (_bucket_stack(res(rules.OSS_BUCKET_PUBLIC_ACCESS_BLOCK, "p", bucket="other", blockPublicAccess=True)), True),
    (_bucket_stack(), True),
    # A stray block set to false is a violation even with no bucket in the stack.
    ([res(rules.OSS_BUCKET_PUBLIC_ACCESS_BLOCK, "p", bucket="x", blockPublicAccess=False)], True),
    ([], False),
])
def test_oss_public_access_blocked(stack, bad):
    assert bool(rules.check_oss_public_access_blocked(stack)) is bad


def test_oss_stack_rules_name_the_bucket_and_its_urn():
    [(u, msg)] = rules.check_oss_public_access_blocked(_bucket_stack())
    assert u == urn(rules.OSS_BUCKET, "b") and "b1" in msg


# --- storage.py: access logging and HTTPS only -----------------------------------------------------------------

def _logging(name, bucket, target, **extra):
    return dict(res(storage.OSS_BUCKET_LOGGING, name, bucket=bucket, targetBucket=target), **extra)


LOG_BUCKET = res(rules.OSS_BUCKET, "logs", bucket="logs1")


@pytest.mark.parametrize("stack,flagged", [
    # b1 logs into the log bucket, which is exempt (it receives logs; logging it into itself would loop).
    (_bucket_stack(LOG_BUCKET, _logging("l", "b1", "logs1")), set()),
    # No logging at all: both buckets are flagged (nothing marks logs1 as a log bucket).
    (_bucket_stack(LOG_BUCKET), {"b", "logs"}),
    # Logging for another bucket does not count for b1.
    (_bucket_stack(LOG_BUCKET, _logging("l", "b2", "logs1")), {"b"}),
    # By identity: the engine's property dependencies tie the logging to both buckets though names are unknown.
    (_bucket_stack(dict(LOG_BUCKET, inputs={"bucket": UNKNOWN}),
                   _logging("l", UNKNOWN, UNKNOWN, propertyDependencies={
                       "bucket": [urn(rules.OSS_BUCKET, "b")], "targetBucket": [urn(rules.OSS_BUCKET, "logs")]}),
                   bucket_inputs={"bucket": UNKNOWN}), set()),
    (_bucket_stack(_logging("l", UNKNOWN, "logs1", propertyDependencies={"bucket": [urn(rules.OSS_BUCKET, "x")]}),
                   LOG_BUCKET), {"b"}),
    # A target still unknown during a preview is not judged now.
    (_bucket_stack(_logging("l", UNKNOWN, UNKNOWN)), set()),
    # A bucket logging into itself is the loop OSS warns about.
    (_bucket_stack(_logging("l", "b1", "b1")), {"l"}),
    ([], set()),
])
def test_oss_bucket_access_logging(stack, flagged):
    got = storage.check_oss_bucket_access_logging(stack)
    assert {u.rsplit("::", 1)[1] for u, _ in got} == flagged


def test_oss_bucket_access_logging_messages():
    [(u, msg)] = storage.check_oss_bucket_access_logging(_bucket_stack(LOG_BUCKET, _logging("l", "b2", "logs1")))
    assert u == urn(rules.OSS_BUCKET, "b")
    assert msg == ("bucket b1 has no oss.BucketLogging sending its access logs to a log bucket in this stack "
                   "(CKV_ALI_12, Cloud Config oss-bucket-logging-enabled)")
    [(u, msg)] = storage.check_oss_bucket_access_logging(_bucket_stack(_logging("l", "b1", "b1")))
    assert u == urn(storage.OSS_BUCKET_LOGGING, "l")
    assert msg == ("BucketLogging for bucket b1: targetBucket is the bucket itself, which logs its own log "
                   "deliveries in a loop; send the logs to the stack's log bucket")


def _policy_res(policy, bucket="b1", **extra):
    return dict(res(storage.OSS_BUCKET_POLICY, "p", bucket=bucket, policy=policy), **extra)


@pytest.mark.parametrize("stack,bad", [
    (_bucket_stack(_policy_res(https_only("b1"))), False),
    # The project's own rendering (components/alicloud/resources/audit.py) passes.
    (_bucket_stack(_policy_res(__import__("components.alicloud.resources.audit", fromlist=["x"])
                               .https_only_policy("b1"))), False),
    # Spellings OSS accepts: a plain string, a boolean false, Principal [] (everyone), Action "*", wildcards.
    (_bucket_stack(_policy_res(https_only("b1", Condition={"Bool": {"acs:SecureTransport": "false"}}))), False),
    (_bucket_stack(_policy_res(https_only("b1", Condition={"Bool": {"acs:SecureTransport": False}}))), False),
    (_bucket_stack(_policy_res(https_only("b1", Principal=[], Action="*"))), False),
    (_bucket_stack(_policy_res(https_only("b1", Resource=["acs:oss:*:*:*"]))), False),
    (_bucket_stack(_policy_res(https_only("b1", Resource=["acs:oss:*:123:b1", "acs:oss:*:123:b1/*"]))), False),
    # The deprecated inline policy on the bucket counts too.
    (_bucket_stack(bucket_inputs={"bucket": "b1", "policy": https_only("b1")}), False),
    # No policy; another bucket's; an allow over HTTPS only (it does not deny HTTP); a deny over HTTPS.
    (_bucket_stack(), True),
    (_bucket_stack(_policy_res(https_only("b2"), bucket="b2")), True),
    (_bucket_stack(_policy_res(https_only("b1", effect="Allow", secure="true"))), True),
    (_bucket_stack(_policy_res(https_only("b1", secure="true"))), True),
    # Too narrow: one principal, one action, the objects only, another bucket's resources.
    (_bucket_stack(_policy_res(https_only("b1", Principal=["1234567890"]))), True),
    (_bucket_stack(_policy_res(https_only("b1", Action=["oss:GetObject"]))), True),
    (_bucket_stack(_policy_res(https_only("b1", Resource=["acs:oss:*:*:b1/*"]))), True),
    (_bucket_stack(_policy_res(https_only("b1", Resource=["acs:oss:*:*:b2", "acs:oss:*:*:b2/*"]))), True),
    (_bucket_stack(_policy_res("{not json")), True),
    # Unknown during a preview: not judged now.
    (_bucket_stack(_policy_res(UNKNOWN)), False),
    (_bucket_stack(_policy_res(https_only("b1"), bucket=UNKNOWN)), False),
    (_bucket_stack(_policy_res(https_only("b1"), bucket=UNKNOWN,
                               propertyDependencies={"bucket": [urn(rules.OSS_BUCKET, "b")]}),
                   bucket_inputs={"bucket": UNKNOWN}), False),
    (_bucket_stack(_policy_res(https_only("b1"), bucket=UNKNOWN,
                               propertyDependencies={"bucket": [urn(rules.OSS_BUCKET, "other")]})), True),
])
def test_oss_bucket_https_only(stack, bad):
    assert bool(storage.check_oss_bucket_https_only(stack)) is bad


def test_oss_bucket_https_only_message():
    [(u, msg)] = storage.check_oss_bucket_https_only(_bucket_stack())
    assert u == urn(rules.OSS_BUCKET, "b")
    assert msg == ("bucket b1 has no oss.BucketPolicy denying non-HTTPS requests (Effect Deny, Principal *, "
                   "Action oss:*, Resource the bucket and its objects, Condition Bool acs:SecureTransport false)")


def test_storage_rules_are_registered_once_in_the_pack():
    assert [r.name for r in rules.RULES][-2:] == [storage.ACCESS_LOGGING, storage.HTTPS_ONLY]
    rules.register(*storage.RULES)  # importing twice (package and folder) adds nothing
    assert len(rules.RULES) == len(rules.RULES_BY_NAME)


@pytest.mark.parametrize("key,cidr,bad", [
    ("sourceCidrIp", "0.0.0.0/0", True),
    ("sourceCidrIp", "0.0.0.0/00", True),  # another spelling of /0
    ("sourceCidrIp", " 0.0.0.0/0 ", True),
    ("sourceCidrIp", "10.0.0.0/8", False),
    ("sourceCidrIp", "192.168.1.10", False),
    ("ipv6SourceCidrIp", "::/0", True),
    ("ipv6SourceCidrIp", "0::/0", True),
    ("ipv6SourceCidrIp", "2001:db8::/32", False),
    ("sourceCidrIp", UNKNOWN, False),
])
def test_nas_access_rule_not_open(key, cidr, bad):
    assert bool(rules.check_nas_access_rule_not_open(rules.NAS_ACCESS_RULE, {key: cidr})) is bad


@pytest.mark.parametrize("inputs,bad", [
    ({"type": "ingress", "cidrIp": "0.0.0.0/0"}, True),
    ({"type": "ingress", "cidrIp": "0.0.0.0/0", "policy": "accept"}, True),
    ({"type": "ingress", "ipv6CidrIp": "::/0"}, True),
    ({"type": "ingress", "cidrIp": "0.0.0.0/0", "policy": "drop"}, False),
    ({"type": "ingress", "cidrIp": "172.16.0.0/12"}, False),
    ({"type": "ingress", "sourceSecurityGroupId": "sg-2"}, False),
    ({"type": "egress", "cidrIp": "0.0.0.0/0"}, False),
])
def test_no_public_ingress(inputs, bad):
    assert bool(rules.check_no_public_ingress(rules.ECS_SECURITY_GROUP_RULE, inputs)) is bad


def test_security_group_has_no_inline_rules_in_this_sdk():
    # Documented assumption of check_no_public_ingress: ecs.SecurityGroup takes no rules inline.
    from pulumi_alicloud.ecs import SecurityGroupArgs
    import inspect
    params = set(inspect.signature(SecurityGroupArgs.__init__).parameters)
    assert not {p for p in params if "rule" in p or "ingress" in p or "cidr" in p}


@pytest.mark.parametrize("statement,bad", [
    ({"Effect": "Allow", "Action": "*", "Resource": "*"}, True),
    ({"Effect": "Allow", "Action": ["oss:GetObject", "*"], "Resource": ["acs:oss:*:*:b", "*"]}, True),
    ({"Effect": "Allow", "Action": "*:*", "Resource": "acs:*:*:*:*"}, True),
    ({"Effect": "Allow", "NotAction": "ram:*", "Resource": "*"}, True),
    ({"Effect": "Allow", "NotAction": "ram:*", "Resource": "acs:oss:*:*:b"}, False),
    ({"Effect": "Deny", "Action": "*", "Resource": "*"}, False),
    ({"Effect": "Allow", "Action": "oss:*", "Resource": "*"}, False),
    ({"Effect": "Allow", "Action": "*", "Resource": "acs:oss:*:*:b/*"}, False),
])
@pytest.mark.parametrize("key", ["policyDocument", "document"])
def test_ram_no_admin_wildcard(statement, bad, key):
    inputs = {"policyName": "p", key: doc(statement)}
    assert bool(rules.check_ram_no_admin_wildcard(rules.RAM_POLICY, inputs)) is bad


def test_ram_no_admin_wildcard_single_statement_object_and_legacy_statements():
    single = json.dumps({"Version": "1", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
    assert rules.check_ram_no_admin_wildcard(rules.RAM_POLICY, {"policyDocument": single})
    legacy = {"statements": [{"effect": "Allow", "actions": ["*"], "resources": ["*"]}]}
    assert rules.check_ram_no_admin_wildcard(rules.RAM_POLICY, legacy)
    legacy_ok = {"statements": [{"effect": "Allow", "actions": ["oss:GetObject"], "resources": ["*"]}]}
    assert not rules.check_ram_no_admin_wildcard(rules.RAM_POLICY, legacy_ok)


@pytest.mark.parametrize("text,bad", [
    ("{not json", True),
    (json.dumps({"Version": "1"}), True),
    (UNKNOWN, False),
    ("[secret]", False),
])
def test_ram_no_admin_wildcard_unreadable_documents(text, bad):
    assert bool(rules.check_ram_no_admin_wildcard(rules.RAM_POLICY, {"policyDocument": text})) is bad


@pytest.mark.parametrize("length,bad", [(6144, False), (6145, True), (200, False)])
def test_ram_policy_document_size(length, bad):
    base = doc({"Effect": "Allow", "Action": "oss:GetObject", "Resource": "acs:oss:*:*:b/"})
    text = base[:-4] + "x" * (length - len(base)) + base[-4:]
    assert len(text) == length
    for key in ("policyDocument", "document"):
        assert bool(rules.check_ram_policy_document_size(rules.RAM_POLICY, {key: text})) is bad


@pytest.mark.parametrize("inputs,secret_paths,bad", [
    ({"userName": "a", "password": "Plain-1"}, set(), True),
    ({"userName": "a", "password": "Plain-1"}, {"password"}, False),
    ({"userName": "a", "password": UNKNOWN}, set(), True),  # unknown but not secret: will be plain text
    ({"userName": "a", "password": UNKNOWN}, {"password"}, False),
    ({"userName": "a"}, set(), False),  # no password, no login profile secret to leak
    ({"userName": "a", "password": "Plain-1"}, {"userName"}, True),
])
def test_login_profile_password_must_be_secret(inputs, secret_paths, bad):
    assert bool(rules.check_credentials_secret(rules.RAM_LOGIN_PROFILE, inputs, secret_paths)) is bad


@pytest.mark.parametrize("inputs,secret_outputs,bad", [
    ({"userName": "ci"}, None, False),
    ({"userName": "ci"}, ["secret"], False),
    ({"userName": "ci"}, [], True),
    ({"userName": "ci", "pgpKey": "mQENBF..."}, [], False),
    ({"userName": "ci", "secretFile": "/tmp/ak.txt"}, ["secret"], True),
    ({"userName": "ci", "secretFile": "/tmp/ak.txt", "pgpKey": "mQENBF..."}, None, True),
])
def test_access_key_secret_only_as_secret(inputs, secret_outputs, bad):
    got = rules.check_credentials_secret(rules.RAM_ACCESS_KEY, inputs, set(), secret_outputs=secret_outputs)
    assert bool(got) is bad


def test_offline_secret_markers_become_secret_paths():
    assert rules.secret_marker_paths({"a": "[secret]", "b": {"c": ["x", "[secret]"]}, "d": "x"}) == {"a", "b.c.1"}
    assert rules.is_secret("b.c.1", {"b"}) and not rules.is_secret("bc", {"b"})
    profile = res(rules.RAM_LOGIN_PROFILE, "p", userName="a", password="[secret]", mfaBindRequired=True)
    assert check_preview([profile]) == []
    assert check_preview([dict(profile, inputs={"userName": "a", "password": "x", "mfaBindRequired": True})])


def test_access_key_additional_secret_outputs_read_from_preview_dict():
    key = res(rules.RAM_ACCESS_KEY, "k", userName="ci")
    assert check_preview([dict(key, additionalSecretOutputs=["secret"])]) == []
    assert names(check_preview([dict(key, additionalSecretOutputs=[])])) == {"ram-credentials-secret"}


def test_unknown_sentinels_match_the_installed_sdk():
    sdk = {getattr(sdk_proxy, n) for n in dir(sdk_proxy) if n.startswith("UNKNOWN_") and n.endswith("_VALUE")}
    assert rules.UNKNOWN_SENTINELS == sdk


def test_type_tokens_exist_in_the_installed_sdk():
    import pulumi_alicloud
    sdk_root = Path(pulumi_alicloud.__file__).parent
    tokens = {v for k, v in vars(rules).items() if isinstance(v, str) and v.startswith("alicloud:")}
    text = "\n".join(p.read_text() for mod in ("oss", "nas", "ecs", "ram", "resourcemanager")
                     for p in (sdk_root / mod).glob("*.py"))
    missing = {t for t in tokens if f"'{t}'" not in text}
    assert len(tokens) >= 13 and not missing


def test_rules_are_unique_and_described():
    assert len({r.name for r in rules.RULES}) == len(rules.RULES)
    assert all(r.kind in ("resource", "stack") and r.description for r in rules.RULES)


# --- the pulumi-policy wiring, called the way the SDK calls it -------------------------------------------------

def _opts(additional_secret_outputs=()):
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0),
                                 list(additional_secret_outputs), None)


def _policy(name):
    [p] = [p for p in policies.build_policies() if p.name == name]
    return p


def _run_resource(policy, type_, props, config=None, secret_outputs=()):
    reported = []
    args = ResourceValidationArgs(type_, props, urn(type_, "r"), "r", _opts(secret_outputs), None, config)
    policy.validate(args, lambda msg, u=None: reported.append((msg, u)))
    return reported


def _run_stack(policy, resources, config=None):
    reported = []
    prs = [PolicyResource(r["type"], r["inputs"], r["urn"], r["name"], _opts(), None, None, [], {})
           for r in resources]
    policy.validate(StackValidationArgs(prs, config), lambda msg, u=None: reported.append((msg, u)))
    return reported


def test_build_policies_one_per_rule_at_its_level():
    built = policies.build_policies()
    assert [p.name for p in built] == [r.name for r in rules.RULES]
    for p, r in zip(built, rules.RULES):
        assert isinstance(p, ResourceValidationPolicy if r.kind == "resource" else StackValidationPolicy)
        want = EnforcementLevel.ADVISORY if r.level == rules.ADVISORY else EnforcementLevel.MANDATORY
        assert p.enforcement_level == want, r.name
    assert {r.level for r in rules.RULES} == {rules.MANDATORY, rules.ADVISORY}
    assert all(p.enforcement_level == EnforcementLevel.DISABLED
               for p in policies.build_policies(EnforcementLevel.DISABLED))


@pytest.mark.parametrize("policy", sorted(n for n, c in BAD_STACK_CASES.items()
                                          if rules.RULES_BY_NAME[n].kind == "resource"))
def test_resource_policies_report_through_pulumi_policy(policy):
    [bad] = BAD_STACK_CASES[policy]
    reported = _run_resource(_policy(policy), bad["type"], bad["inputs"])
    assert reported and all(u is None for _, u in reported)
    # Every resource of the compliant stack passes, its "[secret]" markers given as the SDK's Secret marks.
    for good in good_stack():
        props = {k: Secret("x") if v == "[secret]" else v for k, v in good["inputs"].items()}
        # ("secret" is what the pulumi-alicloud SDK adds to an AccessKey's additional_secret_outputs.)
        assert _run_resource(_policy(policy), good["type"], props, secret_outputs=["secret"]) == [], good["name"]


def test_resource_policy_reads_secret_marks_and_config():
    p = _policy("ram-credentials-secret")
    assert _run_resource(p, rules.RAM_LOGIN_PROFILE, {"userName": "a", "password": "pw"})
    assert not _run_resource(p, rules.RAM_LOGIN_PROFILE, {"userName": "a", "password": Secret("pw")})
    # Props as the SDK hands them over: wrapped in its unknown-checking and secret-preserving proxies.
    from pulumi_policy.secret import secrets_preserving_proxy
    wrapped = sdk_proxy.unknown_checking_proxy(
        secrets_preserving_proxy({"userName": "a", "password": Secret("pw")})["__target"])
    assert not _run_resource(p, rules.RAM_LOGIN_PROFILE, wrapped)
    assert _run_resource(p, rules.RAM_ACCESS_KEY, {"userName": "ci"}, secret_outputs=[])
    assert not _run_resource(p, rules.RAM_ACCESS_KEY, {"userName": "ci"}, secret_outputs=["secret"])


@pytest.mark.parametrize("policy", ["oss-bucket-encrypted", "oss-bucket-public-access-blocked"])
def test_stack_policies_report_through_pulumi_policy(policy):
    assert _run_stack(_policy(policy), good_stack()) == []
    bad = with_replacements(good_stack(), BAD_STACK_CASES[policy])
    reported = _run_stack(_policy(policy), bad)
    assert reported and all(u and u.startswith("urn:pulumi:") for _, u in reported)


def test_to_plain_unwraps_proxies_and_collects_secret_paths():
    from pulumi_policy.secret import secrets_preserving_proxy
    raw = {"a": Secret("x"), "b": {"c": [1, Secret({"d": 2})]}, "e": "plain"}
    for props in (raw, sdk_proxy.unknown_checking_proxy(raw), secrets_preserving_proxy(raw)):
        plain, paths = policies.to_plain(props)
        assert plain == {"a": "x", "b": {"c": [1, {"d": 2}]}, "e": "plain"}
        assert paths == {"a", "b.c.1"}


# --- the SDK's own analyzer servicer, fed protobuf requests as the engine sends them ---------------------------

@pytest.fixture
def servicer():
    policies.uninstall_secret_tracking()
    assert policies.install_secret_tracking()
    yield _PolicyAnalyzerServicer(policies.PACK_NAME, "0.1.0", policies.build_policies(),
                                  EnforcementLevel.MANDATORY)
    policies.uninstall_secret_tracking()


def _struct(d):
    s = struct_pb2.Struct()
    s.update(d)
    return s


def _analyze(servicer_, type_, props):
    req = proto.AnalyzeRequest(urn=urn(type_, "r"), type=type_, name="r", properties=_struct(props))
    return [(d.policyName, d.message) for d in servicer_.Analyze(req, None).diagnostics]


def test_servicer_sees_secret_inputs_only_with_the_hook(servicer):
    plain = {"userName": "a", "password": "pw", "mfaBindRequired": True}
    secret = {"userName": "a", "password": wire_secret("pw"), "mfaBindRequired": True}
    assert [n for n, _ in _analyze(servicer, rules.RAM_LOGIN_PROFILE, plain)] == ["ram-credentials-secret"]
    assert _analyze(servicer, rules.RAM_LOGIN_PROFILE, secret) == []
    # Without the hook the SDK drops the mark, and the rule fails closed.
    policies.uninstall_secret_tracking()
    assert [n for n, _ in _analyze(servicer, rules.RAM_LOGIN_PROFILE, secret)] == ["ram-credentials-secret"]


def test_servicer_other_rules_still_read_values_and_secret_values(servicer):
    open_rule = {"accessGroupName": "g", "sourceCidrIp": wire_secret("0.0.0.0/0")}
    assert [n for n, _ in _analyze(servicer, rules.NAS_ACCESS_RULE, open_rule)] == ["nas-access-rule-not-open"]
    assert _analyze(servicer, rules.NAS_ACCESS_RULE, {"accessGroupName": "g", "sourceCidrIp": UNKNOWN}) == []


def test_servicer_analyze_stack_matches_sub_resources_by_dependency(servicer):
    bucket_urn = urn(rules.OSS_BUCKET, "b")
    resources = [
        proto.AnalyzerResource(urn=bucket_urn, type=rules.OSS_BUCKET, name="b",
                               properties=_struct({"bucket": UNKNOWN, "versioning": {"status": "Enabled"}})),
        proto.AnalyzerResource(urn=urn(rules.OSS_BUCKET_SSE, "s"), type=rules.OSS_BUCKET_SSE, name="s",
                               properties=_struct({"bucket": UNKNOWN, "sseAlgorithm": "AES256"}),
                               propertyDependencies={"bucket": proto.AnalyzerPropertyDependencies(
                                   urns=[bucket_urn])}),
        proto.AnalyzerResource(urn=urn(storage.OSS_BUCKET_LOGGING, "l"), type=storage.OSS_BUCKET_LOGGING, name="l",
                               properties=_struct({"bucket": UNKNOWN, "targetBucket": "logs1"}),
                               propertyDependencies={"bucket": proto.AnalyzerPropertyDependencies(
                                   urns=[bucket_urn])}),
        proto.AnalyzerResource(urn=urn(storage.OSS_BUCKET_POLICY, "p"), type=storage.OSS_BUCKET_POLICY, name="p",
                               properties=_struct({"bucket": UNKNOWN, "policy": https_only("b1")}),
                               propertyDependencies={"bucket": proto.AnalyzerPropertyDependencies(
                                   urns=[bucket_urn])}),
    ]
    diags = servicer.AnalyzeStack(proto.AnalyzeStackRequest(resources=resources), None).diagnostics
    assert [(d.policyName, d.urn) for d in diags] == [("oss-bucket-public-access-blocked", bucket_urn)]


# --- the pack as the Pulumi CLI runs it: `python -m pulumi.policy <engine> .` in policypack/ -------------------

def test_pulumipolicy_yaml_points_at_the_project_venv():
    import yaml
    project = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    venv = (PACK_DIR / project["runtime"]["options"]["virtualenv"]).resolve()
    assert venv == (ROOT / "venv").resolve()


@pytest.fixture
def pack_process():
    # The same command the CLI's pulumi-analyzer-policy-python script runs, from the pack folder.
    proc = subprocess.Popen([sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."], cwd=PACK_DIR,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def test_pack_serves_the_policies_over_grpc(pack_process):
    import grpc
    import select
    ready, _, _ = select.select([pack_process.stdout], [], [], 60)
    assert ready, "the policy pack printed no port within 60 s"
    port = pack_process.stdout.readline().strip()
    assert port.isdigit(), pack_process.stderr.read()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    grpc.channel_ready_future(channel).result(timeout=20)
    stub = analyzer_pb2_grpc.AnalyzerStub(channel)
    info = stub.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == policies.PACK_NAME
    assert sorted(p.name for p in info.policies) == sorted(r.name for r in rules.RULES)
    levels = {r.name: proto.ADVISORY if r.level == rules.ADVISORY else proto.MANDATORY for r in rules.RULES}
    assert all(p.enforcementLevel == levels[p.name] for p in info.policies)

    def analyze(props):
        req = proto.AnalyzeRequest(urn=urn(rules.RAM_LOGIN_PROFILE, "p"), type=rules.RAM_LOGIN_PROFILE,
                                   name="p", properties=_struct(props))
        return [d.policyName for d in stub.Analyze(req).diagnostics]

    assert analyze({"userName": "a", "password": "pw", "mfaBindRequired": True}) == ["ram-credentials-secret"]
    assert analyze({"userName": "a", "password": wire_secret("pw"), "mfaBindRequired": True}) == []
    channel.close()
