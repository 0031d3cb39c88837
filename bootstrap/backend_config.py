"""Configuration of the bootstrap program: read once, validated before any resource is registered.

Every key lives under the `pai-platform-bootstrap` namespace and is camelCase. Unknown keys are rejected, so a
typo (`stateBucket` for `stateBucketName`) fails loudly instead of silently falling back to a default.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping, Optional

import pulumi
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

NAMESPACE = "pai-platform-bootstrap"

# OSS bucket names: 3-63 characters, lowercase letters, digits and hyphens, starting and ending with a lowercase
# letter or digit. Source: https://www.alibabacloud.com/help/en/oss/user-guide/bucket-naming-conventions
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
# RAM role names: 1-64 characters, letters, digits, '.' and '-'.
# Source: ROS ALIYUN::RAM::Role, https://alibabacloud.com/help/en/ros/developer-reference/aliyun-ram-role
ROLE_NAME = re.compile(r"^[A-Za-z0-9.-]{1,64}$")
# Region ids look like cn-hangzhou, ap-southeast-1, eu-central-1.
REGION = re.compile(r"^[a-z]{2}(-[a-z0-9]+)+$")
# The RAM console asks for the SHA-1 fingerprint of the issuer's HTTPS certificate (40 hex digits).
# Source: SDK pulumi_alicloud/ims/oidc_provider.py (`fingerprints`, example "0BBFAB97059595E8D1EC48E89EB8657C0E5AAE71").
FINGERPRINT = re.compile(r"^[0-9A-Fa-f]{40}$")
# System policy names are case-sensitive (aliyun/terraform-provider-alicloud#3829); they are ASCII words.
POLICY_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{2,127}$")

# What the project's stacks create: RAM users/groups/policies, PAI workspaces, OSS buckets, NAS file systems and
# VPC networking (PAI workspaces and security groups through the custom deploy policy, not AliyunPAIFullAccess).
# Names are exact (case-sensitive). Sources: AliyunPAIReadOnlyAccess:
# https://www.alibabacloud.com/help/en/pai/pai-system-policy ; the others: RAM docs "Services that work with RAM"
# (system-policy column of the OSS, NAS, VPC and RAM rows) and the NAS page
# https://www.alibabacloud.com/help/en/nas/security-and-compliance/nas
DEFAULT_DEPLOYER_POLICIES = (
    "AliyunNASFullAccess",
    "AliyunOSSFullAccess",
    "AliyunRAMFullAccess",
    "AliyunVPCFullAccess",
)
DEFAULT_PREVIEWER_POLICIES = (
    "AliyunNASReadOnlyAccess",
    "AliyunOSSReadOnlyAccess",
    "AliyunPAIReadOnlyAccess",
    "AliyunRAMReadOnlyAccess",
    "AliyunVPCReadOnlyAccess",
)
# Never handed to a pipeline role: full control of the account, or the power to mint further credentials.
# AliyunPAIFullAccess belongs to the resource-administrator group only (the policy pack's rule); the deployer gets
# the narrower custom deploy policy instead (backend_policies.deploy_policy).
FORBIDDEN_POLICIES = frozenset({"AdministratorAccess", "AliyunSTSAssumeRoleAccess", "AliyunPAIFullAccess"})


class ConfigError(pulumi.RunError):
    """A configuration value is missing or invalid. The message is one line naming the key."""


class BootstrapSettings(BaseModel):
    """Validated settings of one bootstrap stack."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    region: str = Field(alias="region")
    """Region of the state bucket, e.g. `cn-hangzhou`; it picks the S3-compatible endpoint of the login line."""

    state_bucket_name: str = Field(alias="stateBucketName")
    """Globally unique name of the OSS bucket that holds Pulumi state."""

    access_log_bucket_name: Optional[str] = Field(None, alias="accessLogBucketName")
    """The bucket that receives the state bucket's access logs; default `<stateBucketName>-logs`."""

    access_log_retention_days: int = Field(365, alias="accessLogRetentionDays", ge=30, le=3650)
    """Days the state bucket's access logs are kept (30-3650)."""

    oidc_issuer_url: str = Field("https://token.actions.githubusercontent.com", alias="oidcIssuerUrl")
    """Issuer of the pipeline's OIDC tokens (GitHub Actions by default; `https://gitlab.com` for GitLab)."""

    oidc_audience: str = Field("sts.aliyuncs.com", alias="oidcAudience")
    """Audience (client id) the pipeline requests; GitHub's guide for Alibaba Cloud recommends sts.aliyuncs.com."""

    oidc_fingerprints: tuple[str, ...] = Field(alias="oidcFingerprints", min_length=1)
    """SHA-1 fingerprints of the issuer's HTTPS certificate chain, as RAM's OIDC provider requires."""

    oidc_provider_name: str = Field("pai-platform-pipeline", alias="oidcProviderName")
    """Name of the RAM OIDC identity provider."""

    deployer_role_name: str = Field("pai-platform-deployer", alias="deployerRoleName")
    """Name of the RAM role that runs `pulumi up`."""

    deployer_subjects: tuple[str, ...] = Field(alias="deployerSubjects", min_length=1)
    """Exact token subjects allowed to assume the deployer role (e.g. `repo:org/repo:environment:prod`)."""

    deployer_system_policies: tuple[str, ...] = Field(DEFAULT_DEPLOYER_POLICIES, alias="deployerSystemPolicies")
    """System policies attached to the deployer role."""

    previewer_role_name: str = Field("pai-platform-previewer", alias="previewerRoleName")
    """Name of the read-only RAM role for pull-request previews and drift checks."""

    previewer_subjects: tuple[str, ...] = Field((), alias="previewerSubjects")
    """Exact token subjects allowed to assume the previewer role; empty means no previewer role."""

    previewer_system_policies: tuple[str, ...] = Field(DEFAULT_PREVIEWER_POLICIES, alias="previewerSystemPolicies")
    """System policies attached to the previewer role."""

    max_session_duration: int = Field(3600, alias="maxSessionDuration", ge=3600, le=43200)
    """MaxSessionDuration of both roles, in seconds: the longest STS session a pipeline job may ask for
    (AssumeRoleWithOIDC DurationSeconds: 900 up to this). RAM CreateRole: 3600-43200, default 3600
    (https://www.alibabacloud.com/help/doc-detail/159988.htm). The example pipelines ask for 3600."""

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not REGION.match(value):
            raise ValueError("expected a region id such as cn-hangzhou")
        return value

    @field_validator("state_bucket_name", "access_log_bucket_name")
    @classmethod
    def _bucket(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not BUCKET_NAME.match(value):
            raise ValueError(
                "expected 3-63 lowercase letters, digits or hyphens, starting and ending with a letter or digit"
            )
        return value

    @property
    def log_bucket_name(self) -> str:
        """The access-log bucket's name: explicit, or `<stateBucketName>-logs` (checked like any bucket name)."""
        name = self.access_log_bucket_name or f"{self.state_bucket_name}-logs"
        if not BUCKET_NAME.match(name):
            raise ValueError(f"{name!r} (derived from stateBucketName) is longer than 63 characters; set it explicitly")
        return name

    @field_validator("oidc_issuer_url")
    @classmethod
    def _issuer(cls, value: str) -> str:
        if not re.match(r"^https://[^\s/?#]+(/[^\s?#]*)?$", value) or value.endswith("/"):
            raise ValueError("expected an https:// URL without a trailing slash, query or fragment")
        return value

    @field_validator("oidc_audience", "oidc_provider_name")
    @classmethod
    def _non_empty(cls, value: str) -> str:
        if not value.strip() or len(value) > 128:
            raise ValueError("expected 1-128 characters")
        return value

    @field_validator("oidc_fingerprints")
    @classmethod
    def _fingerprints(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not FINGERPRINT.match(item):
                raise ValueError(f"{item!r} is not 40 hex digits")
        return value

    @field_validator("deployer_role_name", "previewer_role_name")
    @classmethod
    def _role_name(cls, value: str) -> str:
        if not ROLE_NAME.match(value):
            raise ValueError("expected 1-64 letters, digits, '.' or '-'")
        return value

    @field_validator("deployer_subjects", "previewer_subjects")
    @classmethod
    def _subjects(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            # Exact subjects only: a wildcard would let any branch or fork-built ref assume the role.
            if not item.strip() or any(c in item for c in "*?") or item != item.strip():
                raise ValueError(f"{item!r} must be an exact subject without wildcards or spaces")
        if len(set(value)) != len(value):
            raise ValueError("subjects must be unique")
        return value

    @field_validator("deployer_system_policies", "previewer_system_policies")
    @classmethod
    def _policies(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not POLICY_NAME.match(item):
                raise ValueError(f"{item!r} is not a system policy name")
            if item in FORBIDDEN_POLICIES:
                raise ValueError(f"{item} is not allowed on a pipeline role")
        if len(set(value)) != len(value):
            raise ValueError("policy names must be unique")
        # RAM allows at most 20 system policies per role (https://www.alibabacloud.com/help/en/ram/product-overview/limits).
        if len(value) > 20:
            raise ValueError("at most 20 system policies can be attached to a role")
        return value


def _decode(raw: str) -> Any:
    """Config arrives as strings; lists are JSON-encoded (as the CLI does). Scalars stay strings."""
    stripped = raw.strip()
    if stripped.startswith("[") or stripped.startswith("{"):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError:
            return raw
    return raw


def parse_settings(raw: Mapping[str, str]) -> BootstrapSettings:
    """Validate the namespace's raw config (key without namespace -> string value).

    Raises ConfigError with one line: `pai-platform-bootstrap:<key>: <problem>`.
    """
    decoded = {key: _decode(value) for key, value in raw.items()}
    try:
        settings = BootstrapSettings.model_validate(decoded)
        try:
            settings.log_bucket_name
        except ValueError as e:
            raise ConfigError(f"{NAMESPACE}:accessLogBucketName: {e}") from None
        return settings
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"]) or "?"
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "required key is missing"
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{NAMESPACE}:{key}: {message}") from None


def raw_namespace_config() -> dict[str, str]:
    """All config values of this namespace, as the engine passed them (strings)."""
    from pulumi.runtime import config as runtime_config

    merged: dict[str, Any] = dict(runtime_config.get_config_env())
    merged.update(runtime_config.CONFIG.get())
    prefix = f"{NAMESPACE}:"
    return {key[len(prefix):]: str(value) for key, value in merged.items() if key.startswith(prefix)}


def load_settings() -> BootstrapSettings:
    """Read and validate this stack's settings from the Pulumi config."""
    return parse_settings(raw_namespace_config())
