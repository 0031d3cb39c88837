"""Unit tests of the bootstrap program (bootstrap/): config validation, policy rendering, and the resources it
registers, checked under the project's one mock harness (`offline.runtime.run`), fresh for each test."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pulumi
import pytest
import yaml

BOOTSTRAP = Path(__file__).resolve().parent.parent / "bootstrap"
sys.path.insert(0, str(BOOTSTRAP))

import backend_config  # noqa: E402
import backend_policies as policies  # noqa: E402
from offline import tokens as T  # noqa: E402
from offline.runtime import Invoke, Plan, RecordingMocks, Registration, run  # noqa: E402

FINGERPRINT = "0BBFAB97059595E8D1EC48E89EB8657C0E5AAE71"
BASE = {
    "region": "cn-hangzhou",
    "stateBucketName": "acme-pulumi-state",
    "oidcFingerprints": json.dumps([FINGERPRINT]),
    "deployerSubjects": json.dumps(["repo:acme/pai:environment:prod", "repo:acme/pai:environment:dev"]),
    "previewerSubjects": json.dumps(["repo:acme/pai:pull_request"]),
}


def settings(**overrides):
    raw = dict(BASE)
    raw.update(overrides)
    return backend_config.parse_settings(raw)


# --------------------------------------------------------------------------------------------- mocks


class BootstrapMocks(RecordingMocks):
    """The offline runtime's mocks, answering with inputs as outputs plus a fake ARN (ids `<name>_id`)."""

    def new_resource(self, args):
        outputs = dict(args.inputs)
        outputs.setdefault("arn", f"acs:ram::1234567890123456:x/{args.name}")
        return f"{args.name}_id", outputs

    def call(self, args):
        self.invokes.append(Invoke(args.token, dict(args.args)))
        return {}


def build(**overrides) -> Plan:
    """Build the bootstrap components under `offline.runtime.run` (the harness of the offline preview: parents,
    options and engine-shaped URNs recorded), exporting what `state_backend.build` returns."""
    import state_backend

    def program():
        for key, value in state_backend.build(settings(**overrides)).items():
            pulumi.export(key, value)

    return run(program, project="project", stack="stack", mocks=BootstrapMocks())


def parent_type(plan: Plan, resource: Registration) -> str:
    """The type token of the resource's parent (a component's type or a provider resource's)."""
    [parent] = [r for r in plan.resources if r.urn == resource.parent]
    return parent.type


# --------------------------------------------------------------------------------------------- config


def test_example_stack_file_validates():
    stack = yaml.safe_load((BOOTSTRAP / "stacks" / "Pulumi.shared.yaml").read_text())["config"]
    prefix = f"{backend_config.NAMESPACE}:"
    raw = {
        key[len(prefix):]: value if isinstance(value, str) else json.dumps(value)
        for key, value in stack.items()
        if key.startswith(prefix)
    }
    parsed = backend_config.parse_settings(raw)
    assert parsed.state_bucket_name == "acme-pai-platform-pulumi-state"
    assert parsed.previewer_subjects


def test_project_file_names_the_bootstrap_project():
    project = yaml.safe_load((BOOTSTRAP / "Pulumi.yaml").read_text())
    assert project["name"] == "pai-platform-bootstrap"
    assert project["runtime"]["name"] == "python"
    assert project["runtime"]["options"]["virtualenv"] == "../venv"
    assert project["stackConfigDir"] == "stacks"


def test_defaults_apply():
    parsed = settings()
    assert parsed.oidc_issuer_url == "https://token.actions.githubusercontent.com"
    assert parsed.oidc_audience == "sts.aliyuncs.com"
    assert parsed.deployer_system_policies == backend_config.DEFAULT_DEPLOYER_POLICIES


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"stateBucket": "x"}, "pai-platform-bootstrap:stateBucket: unknown key"),
        ({"stateBucketName": "Acme_State"}, "pai-platform-bootstrap:stateBucketName: expected 3-63"),
        ({"stateBucketName": "ab"}, "pai-platform-bootstrap:stateBucketName: expected 3-63"),
        ({"stateBucketName": "-abc"}, "pai-platform-bootstrap:stateBucketName: expected 3-63"),
        ({"stateBucketName": "abc-"}, "pai-platform-bootstrap:stateBucketName: expected 3-63"),
        ({"stateBucketName": "a" * 64}, "pai-platform-bootstrap:stateBucketName: expected 3-63"),
        ({"region": "Hangzhou"}, "pai-platform-bootstrap:region: expected a region id"),
        ({"oidcIssuerUrl": "http://token.example.com"}, "pai-platform-bootstrap:oidcIssuerUrl: expected an https://"),
        ({"oidcFingerprints": json.dumps(["abc"])}, "pai-platform-bootstrap:oidcFingerprints: 'abc' is not 40 hex"),
        ({"deployerSubjects": json.dumps(["repo:acme/*"])}, "pai-platform-bootstrap:deployerSubjects: 'repo:acme/*'"),
        ({"deployerSubjects": "[]"}, "pai-platform-bootstrap:deployerSubjects:"),
        ({"deployerRoleName": "bad name"}, "pai-platform-bootstrap:deployerRoleName: expected 1-64"),
        (
            {"deployerSystemPolicies": json.dumps(["AdministratorAccess"])},
            "pai-platform-bootstrap:deployerSystemPolicies: AdministratorAccess is not allowed",
        ),
        (
            {"deployerSystemPolicies": json.dumps(["AliyunPAIFullAccess"])},
            "pai-platform-bootstrap:deployerSystemPolicies: AliyunPAIFullAccess is not allowed",
        ),
        (
            {"stateBucketName": "s" * 60},  # OSS bucket names: 3-63 characters; '-logs' makes it 65
            f"pai-platform-bootstrap:accessLogBucketName: '{'s' * 60}-logs' (derived from stateBucketName) is longer "
            "than 63 characters; set it explicitly",
        ),
        (
            {"accessLogRetentionDays": "10"},
            "pai-platform-bootstrap:accessLogRetentionDays: Input should be greater than or equal to 30",
        ),
    ],
)
def test_invalid_config_is_one_line_naming_the_key(overrides, message):
    with pytest.raises(backend_config.ConfigError) as caught:
        settings(**overrides)
    text = str(caught.value)
    assert text.startswith(message), text
    assert "\n" not in text
    assert isinstance(caught.value, pulumi.RunError)


def test_missing_required_key():
    raw = dict(BASE)
    del raw["stateBucketName"]
    with pytest.raises(backend_config.ConfigError, match=r"^pai-platform-bootstrap:stateBucketName: required"):
        backend_config.parse_settings(raw)


# --------------------------------------------------------------------------------------------- policies


def test_render_is_canonical():
    a = policies.render({"Version": "1", "Statement": [{"Action": ["b", "a"], "Effect": "Allow"}]})
    b = policies.render({"Statement": [{"Effect": "Allow", "Action": ["a", "b", "a"]}], "Version": "1"})
    assert a == b == '{"Statement":[{"Action":["a","b"],"Effect":"Allow"}],"Version":"1"}'


def test_trust_policy_conditions():
    doc = json.loads(
        policies.render(
            policies.oidc_trust_policy(
                "acs:ram::1:oidc-provider/ci",
                "https://token.actions.githubusercontent.com",
                "sts.aliyuncs.com",
                ["repo:a/b:environment:prod", "repo:a/b:environment:dev"],
            )
        )
    )
    (statement,) = doc["Statement"]
    assert doc["Version"] == "1"
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Principal"] == {"Federated": ["acs:ram::1:oidc-provider/ci"]}
    equals = statement["Condition"]["StringEquals"]
    assert equals["oidc:aud"] == ["sts.aliyuncs.com"]
    assert equals["oidc:iss"] == ["https://token.actions.githubusercontent.com"]
    assert equals["oidc:sub"] == ["repo:a/b:environment:dev", "repo:a/b:environment:prod"]
    assert set(statement["Condition"]) == {"StringEquals"}


@pytest.mark.parametrize("read_write", [True, False])
def test_state_policy_is_scoped_to_the_bucket(read_write):
    doc = policies.state_access_policy("acme-state", read_write=read_write)
    actions = set()
    for statement in doc["Statement"]:
        resources = statement["Resource"]
        assert "*" not in resources
        for resource in resources:
            assert resource in ("acs:oss:*:*:acme-state", "acs:oss:*:*:acme-state/*")
        actions.update(statement["Action"])
    assert "oss:GetObject" in actions and "oss:ListObjects" in actions
    assert ("oss:PutObject" in actions) is read_write
    assert ("oss:DeleteObject" in actions) is read_write


def test_login_line_uses_the_s3_compatible_virtual_hosted_endpoint():
    line = policies.login_command("acme-state", "cn-shanghai")
    assert line == "pulumi login 's3://acme-state?endpoint=https://s3.oss-cn-shanghai.aliyuncs.com&region=cn-shanghai'"
    assert "s3ForcePathStyle" not in line


def test_state_policy_name_has_only_letters_digits_hyphens():
    assert policies.state_policy_name("team.deployer") == "team-deployer-state"


# --------------------------------------------------------------------------------------------- resources


def _of(plan, token, bucket):
    (found,) = [r for r in plan.by_type(token) if r.inputs.get("bucket") == bucket]
    return found


def test_state_bucket_is_private_versioned_encrypted_protected():
    plan = build()
    bucket = _of(plan, T.ALI_BUCKET, "acme-pulumi-state")
    assert bucket.inputs["versioning"] == {"status": "Enabled"}
    assert bucket.inputs["serverSideEncryptionRule"] == {"sseAlgorithm": "AES256"}
    assert bucket.inputs.get("forceDestroy") in (False, None)
    assert "acl" not in bucket.inputs
    assert bucket.protect is True
    # BucketAcl, BucketPolicy and BucketLogging manage them (drift trap)
    assert bucket.ignore_changes == ["acl", "policy", "logging"]
    policy = _of(plan, T.ALI_BUCKET_POLICY, "acme-pulumi-state")
    assert json.loads(policy.inputs["policy"])["Statement"] == [{
        "Action": ["oss:*"], "Condition": {"Bool": {"acs:SecureTransport": ["false"]}}, "Effect": "Deny",
        "Principal": ["*"], "Resource": ["acs:oss:*:*:acme-pulumi-state", "acs:oss:*:*:acme-pulumi-state/*"]}]
    assert parent_type(plan, policy) == T.ALI_BUCKET
    acl = _of(plan, T.ALI_BUCKET_ACL, "acme-pulumi-state")
    assert acl.inputs == {"bucket": "acme-pulumi-state", "acl": "private"}
    block = _of(plan, T.ALI_BUCKET_PUBLIC_ACCESS_BLOCK, "acme-pulumi-state")
    assert block.inputs == {"bucket": "acme-pulumi-state", "blockPublicAccess": True}
    assert parent_type(plan, acl) == T.ALI_BUCKET


def test_state_bucket_access_is_logged_to_a_guarded_bucket_of_its_own():
    plan = build()
    assert sorted(b.inputs["bucket"] for b in plan.by_type(T.ALI_BUCKET)) == ["acme-pulumi-state", "acme-pulumi-state-logs"]
    (logging,) = plan.by_type(T.ALI_BUCKET_LOGGING)
    assert logging.inputs == {"bucket": "acme-pulumi-state", "targetBucket": "acme-pulumi-state-logs",
                              "targetPrefix": "acme-pulumi-state/"}
    logs = _of(plan, T.ALI_BUCKET, "acme-pulumi-state-logs")
    assert logs.protect and logs.inputs["versioning"] == {"status": "Enabled"}
    assert logs.inputs["lifecycleRules"][0]["expirations"] == [{"days": 365}]
    assert _of(plan, T.ALI_BUCKET_ACL, "acme-pulumi-state-logs").inputs["acl"] == "private"
    assert _of(plan, T.ALI_BUCKET_POLICY, "acme-pulumi-state-logs")


def test_outputs_name_bucket_login_line_and_role_arns():
    result = build().plain_outputs()
    assert result["stateBucketName"] == "acme-pulumi-state"
    assert result["pulumiLogin"] == (
        "pulumi login 's3://acme-pulumi-state?endpoint=https://s3.oss-cn-hangzhou.aliyuncs.com&region=cn-hangzhou'"
    )
    assert result["deployerRoleArn"].startswith("acs:ram::")
    assert result["previewerRoleArn"].startswith("acs:ram::")
    assert result["oidcProviderArn"].startswith("acs:ram::")


def test_oidc_provider_and_trust_conditions():
    plan = build()
    (provider,) = plan.by_type(T.ALI_OIDC_PROVIDER)
    assert provider.inputs["issuerUrl"] == "https://token.actions.githubusercontent.com"
    assert provider.inputs["clientIds"] == ["sts.aliyuncs.com"]
    assert provider.inputs["fingerprints"] == [FINGERPRINT]
    roles = {r.inputs["roleName"]: r for r in plan.by_type(T.ALI_ROLE)}
    assert set(roles) == {"pai-platform-deployer", "pai-platform-previewer"}
    expected_subjects = {
        "pai-platform-deployer": ["repo:acme/pai:environment:dev", "repo:acme/pai:environment:prod"],
        "pai-platform-previewer": ["repo:acme/pai:pull_request"],
    }
    for name, role in roles.items():
        document = role.inputs["assumeRolePolicyDocument"]
        assert document == policies.render(json.loads(document)), "trust policy is not canonical"
        (statement,) = json.loads(document)["Statement"]
        assert statement["Principal"]["Federated"] == ["acs:ram::1234567890123456:x/pipeline-oidc"]
        condition = statement["Condition"]["StringEquals"]
        assert condition["oidc:aud"] == ["sts.aliyuncs.com"]
        assert condition["oidc:iss"] == ["https://token.actions.githubusercontent.com"]
        assert condition["oidc:sub"] == expected_subjects[name]


def test_role_permissions():
    plan = build()
    attachments = plan.by_type(T.ALI_ROLE_POLICY)
    by_role: dict[str, set[tuple[str, str]]] = {}
    for attachment in attachments:
        by_role.setdefault(attachment.inputs["roleName"], set()).add(
            (attachment.inputs["policyName"], attachment.inputs["policyType"])
        )
    assert by_role["pai-platform-deployer"] == {
        ("pai-platform-deployer-state", "Custom"),
        ("pai-platform-deployer-deploy", "Custom"),
        ("AliyunNASFullAccess", "System"),
        ("AliyunOSSFullAccess", "System"),
        ("AliyunRAMFullAccess", "System"),
        ("AliyunVPCFullAccess", "System"),
    }
    assert by_role["pai-platform-previewer"] == {
        ("pai-platform-previewer-state", "Custom"),
        ("AliyunNASReadOnlyAccess", "System"),
        ("AliyunOSSReadOnlyAccess", "System"),
        ("AliyunPAIReadOnlyAccess", "System"),
        ("AliyunRAMReadOnlyAccess", "System"),
        ("AliyunVPCReadOnlyAccess", "System"),
    }
    for policy in plan.by_type(T.ALI_POLICY):
        document = json.loads(policy.inputs["policyDocument"])
        assert policy.inputs["policyDocument"] == policies.render(document)
        for statement in document["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            assert not ("*" in actions and "*" in resources), "no * on *"
            if policy.inputs["policyName"].endswith("-deploy"):
                continue  # checked in test_deployer_gets_pai_workspaces_and_security_groups_not_pai_full_access
            assert all(r.startswith("acs:oss:*:*:acme-pulumi-state") for r in resources)
            assert actions == sorted(actions)


def test_children_are_parented_and_names_are_unique():
    plan = build()
    names = [r.name for r in plan.resources]
    assert len(names) == len(set(names)), "duplicate logical names"
    parents = {r.name: parent_type(plan, r) for r in plan.resources if r.parent and "::pulumi:pulumi:Stack::" not in r.parent}
    assert parents["state-bucket"] == "bootstrap:state_backend:StateBucket"
    assert parents["pipeline-oidc"] == "bootstrap:state_backend:PipelineIdentity"
    assert parents["pipeline-deployer"] == "bootstrap:state_backend:PipelineIdentity"
    assert parents["pipeline-deployer-role"] == "bootstrap:state_backend:PipelineRole"
    assert parents["pipeline-deployer-state-policy"] == T.ALI_ROLE
    assert parents["pipeline-deployer-AliyunRAMFullAccess"] == T.ALI_ROLE
    assert parents["pipeline-deployer-deploy-policy"] == T.ALI_ROLE
    components = {r.type for r in plan.resources if r.type.startswith("bootstrap:")}
    assert components == {
        "bootstrap:state_backend:StateBucket",
        "bootstrap:state_backend:PipelineIdentity",
        "bootstrap:state_backend:PipelineRole",
    }
    # Engine-shaped URNs: the whole chain of parent types, as in the offline preview of the bootstrap stack.
    [deploy] = [r for r in plan.resources if r.name == "pipeline-deployer-deploy-policy"]
    assert deploy.urn == ("urn:pulumi:stack::project::bootstrap:state_backend:PipelineIdentity$"
                          f"bootstrap:state_backend:PipelineRole${T.ALI_ROLE}${T.ALI_POLICY}::pipeline-deployer-deploy-policy")


def test_no_previewer_without_subjects():
    plan = build(previewerSubjects="[]")
    assert "previewerRoleArn" not in plan.outputs
    roles = [r.inputs["roleName"] for r in plan.by_type(T.ALI_ROLE)]
    assert roles == ["pai-platform-deployer"]


def test_deployer_gets_pai_workspaces_and_security_groups_not_pai_full_access():
    document = json.loads(policies.render(policies.deploy_policy()))
    granted = {(a, r) for st in document["Statement"] for a in st["Action"] for r in st["Resource"]}
    assert granted == {
        ("paiworkspace:*", "*"),
        ("ecs:*SecurityGroup*", "*"),
        ("ecs:ListTagResources", "*"),
        ("ecs:TagResources", "*"),
        ("ecs:UntagResources", "*"),
    }
    assert "AliyunPAIFullAccess" not in backend_config.DEFAULT_DEPLOYER_POLICIES


def test_max_session_duration_defaults_to_an_hour_and_stays_in_rams_range():
    """RAM CreateRole MaxSessionDuration: 3600-43200 s, default 3600 (alibabacloud.com/help/doc-detail/159988.htm)."""
    from backend_config import ConfigError, parse_settings

    base = {"region": "cn-hangzhou", "stateBucketName": "acme-state", "oidcFingerprints": '["' + "0" * 40 + '"]',
            "deployerSubjects": '["repo:acme/pai-platform:environment:prod"]'}
    assert parse_settings(base).max_session_duration == 3600
    assert parse_settings({**base, "maxSessionDuration": "7200"}).max_session_duration == 7200
    for bad in ("900", "43201"):
        with pytest.raises(ConfigError, match="maxSessionDuration"):
            parse_settings({**base, "maxSessionDuration": bad})
