"""Components of the bootstrap program: the Pulumi state bucket and the pipeline's OIDC identity.

Components take typed arguments, never read config, and never configure a provider: pass one through `opts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
import pulumi_alicloud as alicloud

import backend_policies as policies
from backend_config import BootstrapSettings


@dataclass(frozen=True)
class StateBucketArgs:
    """Inputs of a StateBucket."""

    bucket_name: str
    """Globally unique OSS bucket name (validated by backend_config)."""

    region: str
    """Region the bucket lives in; used only to render the `pulumi login` line."""

    log_bucket_name: str
    """The bucket that receives the state bucket's access logs (same region and account, as OSS requires)."""

    log_retention_days: int = 365
    """Days the access logs are kept."""


class StateBucket(pulumi.ComponentResource):
    """A private, versioned, encrypted OSS bucket for Pulumi state, with public access blocked.

    The bucket is protected: deleting it would orphan every stack's state.
    """

    bucket: alicloud.oss.Bucket
    """The OSS bucket."""

    bucket_name: pulumi.Output[str]
    """Name of the bucket."""

    login_url: pulumi.Output[str]
    """Backend URL for `pulumi login`."""

    def __init__(self, name: str, args: StateBucketArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("bootstrap:state_backend:StateBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        # SSE and versioning stay inline (not deprecated in 4.x); the ACL is a resource of its own since
        # oss.Bucket.acl is deprecated, so the bucket ignores `acl` to avoid a perpetual diff (PITFALLS: OSS drift).
        self.bucket = alicloud.oss.Bucket(
            f"{name}-bucket",
            bucket=args.bucket_name,
            force_destroy=False,
            server_side_encryption_rule=alicloud.oss.BucketServerSideEncryptionRuleArgs(sse_algorithm="AES256"),
            versioning=alicloud.oss.BucketVersioningArgs(status="Enabled"),
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=True, ignore_changes=["acl", "policy", "logging"])),
        )
        bucket_child = pulumi.ResourceOptions(parent=self.bucket)
        self.acl = alicloud.oss.BucketAcl(f"{name}-acl", bucket=self.bucket.bucket, acl="private", opts=bucket_child)
        self.public_access_block = alicloud.oss.BucketPublicAccessBlock(
            f"{name}-public-access-block",
            bucket=self.bucket.bucket,
            block_public_access=True,
            opts=bucket_child,
        )

        self.https_only = alicloud.oss.BucketPolicy(
            f"{name}-https-only",
            bucket=self.bucket.bucket,
            policy=policies.render(policies.https_only_policy(args.bucket_name)),
            opts=bucket_child,
        )

        # Who read or wrote state is audited: the state bucket's access logs go to a bucket of their own, guarded
        # like it, whose logs expire (it does not log itself: OSS warns a self-logging bucket logs its own deliveries).
        self.log_bucket = alicloud.oss.Bucket(
            f"{name}-logs",
            bucket=args.log_bucket_name,
            force_destroy=False,
            server_side_encryption_rule=alicloud.oss.BucketServerSideEncryptionRuleArgs(sse_algorithm="AES256"),
            versioning=alicloud.oss.BucketVersioningArgs(status="Enabled"),
            lifecycle_rules=[{"id": "expire-access-logs", "enabled": True, "prefix": "",
                              "expirations": [{"days": args.log_retention_days}],
                              "noncurrent_version_expirations": [{"days": 7}]}],
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=True, ignore_changes=["acl", "policy", "logging"])),
        )
        log_child = pulumi.ResourceOptions(parent=self.log_bucket)
        alicloud.oss.BucketAcl(f"{name}-logs-acl", bucket=self.log_bucket.bucket, acl="private", opts=log_child)
        alicloud.oss.BucketPublicAccessBlock(f"{name}-logs-public-access-block", bucket=self.log_bucket.bucket,
                                             block_public_access=True, opts=log_child)
        alicloud.oss.BucketPolicy(f"{name}-logs-https-only", bucket=self.log_bucket.bucket,
                                  policy=policies.render(policies.https_only_policy(args.log_bucket_name)), opts=log_child)
        alicloud.oss.BucketLogging(f"{name}-access-logging", bucket=self.bucket.bucket,
                                   target_bucket=self.log_bucket.bucket, target_prefix=f"{args.bucket_name}/",
                                   opts=bucket_child)

        self.bucket_name = self.bucket.bucket
        self.login_url = self.bucket.bucket.apply(lambda bucket: policies.login_url(bucket, args.region))
        self.register_outputs({"bucketName": self.bucket_name, "loginUrl": self.login_url})


@dataclass(frozen=True)
class PipelineRoleArgs:
    """Inputs of a PipelineRole."""

    role_name: str
    """RAM role name."""

    description: str
    """Human description shown in the RAM console."""

    oidc_provider_arn: pulumi.Input[str]
    """ARN of the RAM OIDC provider whose tokens may assume the role."""

    issuer_url: str
    """Expected `iss` of the tokens."""

    audience: str
    """Expected `aud` of the tokens."""

    subjects: Sequence[str]
    """Exact `sub` values allowed to assume the role."""

    state_bucket: pulumi.Input[str]
    """State bucket the role may read (and write, when `state_read_write`)."""

    state_read_write: bool
    """Whether the role may write state and so apply stacks (deployer: it also gets the custom deploy policy for PAI
    workspaces and security groups, in place of AliyunPAIFullAccess) or only read it (previewer)."""

    system_policies: Sequence[str] = field(default_factory=tuple)
    """System policies attached to the role, by exact name."""

    max_session_duration: int = 3600
    """Longest STS session of the role, in seconds (RAM: 3600-43200, default 3600)."""


class PipelineRole(pulumi.ComponentResource):
    """A RAM role assumed by the pipeline through OIDC, with state-bucket access and system policies."""

    role: alicloud.ram.Role
    """The RAM role."""

    arn: pulumi.Output[str]
    """ARN of the role, for the pipeline's `role-to-assume` / ALIBABA_CLOUD_ROLE_ARN."""

    def __init__(self, name: str, args: PipelineRoleArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("bootstrap:state_backend:PipelineRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        trust = pulumi.Output.from_input(args.oidc_provider_arn).apply(
            lambda arn: policies.render(
                policies.oidc_trust_policy(arn, args.issuer_url, args.audience, args.subjects)
            )
        )
        self.role = alicloud.ram.Role(
            f"{name}-role",
            role_name=args.role_name,
            description=args.description,
            assume_role_policy_document=trust,
            # The longest session a job may ask for (role-session-expiration / DurationSeconds); the example
            # pipelines ask for 3600 s and time their jobs out sooner.
            max_session_duration=args.max_session_duration,
            opts=child,
        )
        role_child = pulumi.ResourceOptions(parent=self.role)

        self.state_policy = alicloud.ram.Policy(
            f"{name}-state-policy",
            policy_name=policies.state_policy_name(args.role_name),
            description=f"Pulumi state access for {args.role_name}",
            policy_document=pulumi.Output.from_input(args.state_bucket).apply(
                lambda bucket: policies.render(policies.state_access_policy(bucket, read_write=args.state_read_write))
            ),
            # Prune old versions instead of failing at RAM's limit of 5 versions per policy.
            rotate_strategy="DeleteOldestNonDefaultVersionWhenLimitExceeded",
            opts=role_child,
        )
        self.state_attachment = alicloud.ram.RolePolicyAttachment(
            f"{name}-state",
            role_name=self.role.role_name,
            policy_name=self.state_policy.policy_name,
            policy_type="Custom",
            opts=role_child,
        )
        self.deploy_policy = None
        if args.state_read_write:
            self.deploy_policy = alicloud.ram.Policy(
                f"{name}-deploy-policy",
                policy_name=policies.deploy_policy_name(args.role_name),
                description=f"PAI workspaces and security groups for {args.role_name}",
                policy_document=policies.render(policies.deploy_policy()),
                rotate_strategy="DeleteOldestNonDefaultVersionWhenLimitExceeded",
                opts=role_child,
            )
            alicloud.ram.RolePolicyAttachment(
                f"{name}-deploy",
                role_name=self.role.role_name,
                policy_name=self.deploy_policy.policy_name,
                policy_type="Custom",
                opts=role_child,
            )
        # Logical names carry the policy name, not a list index, so reordering config changes nothing.
        self.system_attachments = [
            alicloud.ram.RolePolicyAttachment(
                f"{name}-{policy}",
                role_name=self.role.role_name,
                policy_name=policy,
                policy_type="System",
                opts=role_child,
            )
            for policy in sorted(args.system_policies)
        ]

        self.arn = self.role.arn
        self.register_outputs({"arn": self.arn})


@dataclass(frozen=True)
class PipelineIdentityArgs:
    """Inputs of a PipelineIdentity."""

    provider_name: str
    """Name of the RAM OIDC provider."""

    issuer_url: str
    """Issuer URL of the CI system's tokens."""

    audience: str
    """Client id / audience the pipeline requests."""

    fingerprints: Sequence[str]
    """SHA-1 fingerprints of the issuer's certificate."""

    state_bucket: pulumi.Input[str]
    """Name of the state bucket."""

    deployer_role_name: str
    """Name of the deployer role."""

    deployer_subjects: Sequence[str]
    """Subjects allowed to deploy."""

    deployer_system_policies: Sequence[str]
    """System policies of the deployer."""

    previewer_role_name: str
    """Name of the previewer role."""

    previewer_subjects: Sequence[str]
    """Subjects allowed to preview; empty skips the previewer role."""

    previewer_system_policies: Sequence[str]
    """System policies of the previewer."""

    max_session_duration: int = 3600
    """MaxSessionDuration of both roles, in seconds."""


class PipelineIdentity(pulumi.ComponentResource):
    """The CI system as an OIDC identity provider in RAM, and the roles its jobs assume."""

    provider: alicloud.ims.OidcProvider
    """The RAM OIDC identity provider."""

    deployer: PipelineRole
    """Role for `pulumi up`."""

    previewer: Optional[PipelineRole]
    """Read-only role for previews and drift checks, if any subjects were given."""

    def __init__(self, name: str, args: PipelineIdentityArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("bootstrap:state_backend:PipelineIdentity", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        # pulumi-alicloud 4.0.0 has no ram.OidcProvider; the IMS module carries it (SDK ims/oidc_provider.py).
        self.provider = alicloud.ims.OidcProvider(
            f"{name}-oidc",
            oidc_provider_name=args.provider_name,
            issuer_url=args.issuer_url,
            client_ids=[args.audience],
            fingerprints=list(args.fingerprints),
            description="CI pipeline identity for pai-platform",
            opts=child,
        )
        self.deployer = PipelineRole(
            f"{name}-deployer",
            PipelineRoleArgs(
                role_name=args.deployer_role_name,
                description="Runs pulumi up for pai-platform from the CI pipeline",
                oidc_provider_arn=self.provider.arn,
                issuer_url=args.issuer_url,
                audience=args.audience,
                subjects=tuple(args.deployer_subjects),
                state_bucket=args.state_bucket,
                state_read_write=True,
                system_policies=tuple(args.deployer_system_policies),
                max_session_duration=args.max_session_duration,
            ),
            opts=child,
        )
        self.previewer = None
        if args.previewer_subjects:
            self.previewer = PipelineRole(
                f"{name}-previewer",
                PipelineRoleArgs(
                    role_name=args.previewer_role_name,
                    description="Runs pulumi preview for pai-platform from the CI pipeline (read-only)",
                    oidc_provider_arn=self.provider.arn,
                    issuer_url=args.issuer_url,
                    audience=args.audience,
                    subjects=tuple(args.previewer_subjects),
                    state_bucket=args.state_bucket,
                    state_read_write=False,
                    system_policies=tuple(args.previewer_system_policies),
                    max_session_duration=args.max_session_duration,
                ),
                opts=child,
            )
        self.register_outputs(
            {
                "oidcProviderArn": self.provider.arn,
                "deployerRoleArn": self.deployer.arn,
                "previewerRoleArn": self.previewer.arn if self.previewer else None,
            }
        )


def build(settings: BootstrapSettings, opts: Optional[pulumi.ResourceOptions] = None) -> dict[str, pulumi.Input]:
    """Register the bootstrap resources and return the stack outputs to export."""
    state = StateBucket("state", StateBucketArgs(bucket_name=settings.state_bucket_name, region=settings.region,
                                                 log_bucket_name=settings.log_bucket_name,
                                                 log_retention_days=settings.access_log_retention_days), opts)
    identity = PipelineIdentity(
        "pipeline",
        PipelineIdentityArgs(
            provider_name=settings.oidc_provider_name,
            issuer_url=settings.oidc_issuer_url,
            audience=settings.oidc_audience,
            fingerprints=settings.oidc_fingerprints,
            state_bucket=state.bucket_name,
            deployer_role_name=settings.deployer_role_name,
            deployer_subjects=settings.deployer_subjects,
            deployer_system_policies=settings.deployer_system_policies,
            previewer_role_name=settings.previewer_role_name,
            previewer_subjects=settings.previewer_subjects,
            previewer_system_policies=settings.previewer_system_policies,
            max_session_duration=settings.max_session_duration,
        ),
        opts,
    )
    outputs: dict[str, pulumi.Input] = {
        "stateBucketName": state.bucket_name,
        "backendUrl": state.login_url,
        "pulumiLogin": state.login_url.apply(lambda url: f"pulumi login '{url}'"),
        "oidcProviderArn": identity.provider.arn,
        "deployerRoleArn": identity.deployer.arn,
    }
    if identity.previewer is not None:
        outputs["previewerRoleArn"] = identity.previewer.arn
    return outputs
