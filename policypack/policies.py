"""The rules of `rules.py` as pulumi-policy policies, and the hook that lets them see which inputs are secrets.

Importing this module has no side effect: `__main__.py` installs the hook and starts the pack; tests build the same
policies and call them directly.

Why a hook. The engine sends secret inputs to a policy pack still marked as secrets (pulumi/pulumi
sdk/go/common/resource/plugin/analyzer_plugin.go: `Analyze` and `AnalyzeStack` marshal with `KeepSecrets: true`),
but pulumi-policy 1.21.0 for Python unwraps them before a validation sees them: `_PolicyAnalyzerServicer.Analyze`
calls `deserialize_properties(...)` without `proxy_secrets` (pulumi_policy/policy.py), so `args.props` holds the
plain value and no trace of its secretness. Only `Remediate` keeps the marks (as `pulumi_policy.Secret`).
Upstream: "It's not currently possible to check if a stack config value or property is a secret from policies"
(pulumi/pulumi-policy#241, open); the docs say policies get secrets in plain text (Pulumi Policies FAQ, "How are
secrets handled in policies?"). `install_secret_tracking` makes `Analyze`/`AnalyzeStack` deserialize as `Remediate`
does, so `to_plain` can read the marks. If it cannot be installed, nothing looks secret and
`ram-credentials-secret` fails closed (every password reads as plain text), never open.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Callable, Optional

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Secret,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import policy as _sdk_policy

try:
    from . import rules
except ImportError:  # run by the Pulumi CLI: `python -m pulumi.policy <engine> .` runs the folder, not a package
    import rules  # type: ignore[no-redef]

PACK_NAME = "pai-platform-guardrails"

_HOOK_FLAG = "_pai_platform_tracks_secrets"


def install_secret_tracking() -> bool:
    """Make the pack's `Analyze`/`AnalyzeStack` keep secret marks (`pulumi_policy.Secret`) in `args.props`.

    Returns True when the hook is in place (idempotent), False if this pulumi-policy has no such seam.
    Only this policy-pack process is affected, and every policy in it reads props through `to_plain`.
    """
    original = getattr(_sdk_policy, "deserialize_properties", None)
    if original is None:
        return False
    if getattr(original, _HOOK_FLAG, False):
        return True

    def deserialize_keeping_secrets(props: Any, proxy_secrets: bool = False) -> Any:
        if proxy_secrets:  # Remediate asks for this itself; keep its behaviour
            return original(props, True)
        # With proxy_secrets the SDK wraps each secret in `Secret` and the whole map in a read-unwrapping proxy;
        # hand back the raw map so the servicer's unknown-value proxy wraps it as usual.
        return original(props, True)["__target"]

    setattr(deserialize_keeping_secrets, _HOOK_FLAG, True)
    setattr(deserialize_keeping_secrets, "original", original)
    _sdk_policy.deserialize_properties = deserialize_keeping_secrets
    return True


def uninstall_secret_tracking() -> None:
    """Undo `install_secret_tracking` (for tests)."""
    current = getattr(_sdk_policy, "deserialize_properties", None)
    if getattr(current, _HOOK_FLAG, False):
        _sdk_policy.deserialize_properties = current.original  # type: ignore[union-attr]


def _raw(value: Any) -> Any:
    """The container behind a pulumi-policy proxy (unknown-checking or secret-unwrapping), else the value."""
    if isinstance(value, (dict, list, str)) or not isinstance(value, (Mapping, Sequence)):
        return value
    try:
        return value["__target"]  # both proxy kinds expose their target under this key (pulumi_policy/proxy.py)
    except (KeyError, TypeError, IndexError):
        return value


def to_plain(value: Any, path: str = "", secret_paths: Optional[set[str]] = None) -> tuple[Any, set[str]]:
    """Copy props into plain dicts/lists, returning them and the dotted paths of the values marked secret.

    Unknown preview values stay as the engine's sentinel strings (see `rules.is_unknown`).
    """
    if secret_paths is None:
        secret_paths = set()
    if isinstance(value, Secret):
        secret_paths.add(path)
        return to_plain(value.value, path, secret_paths)[0], secret_paths
    value = _raw(value)
    if isinstance(value, Secret):
        return to_plain(value, path, secret_paths)
    if isinstance(value, Mapping):
        out = {}
        for k in value:
            out[k] = to_plain(_raw(value)[k], f"{path}.{k}" if path else str(k), secret_paths)[0]
        return out, secret_paths
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [to_plain(v, f"{path}.{i}" if path else str(i), secret_paths)[0]
                for i, v in enumerate(value)], secret_paths
    return value, secret_paths


def _config(get_config: Callable[[], Any]) -> dict:
    config = get_config()
    return dict(config) if config else {}


def _resource_validator(rule: rules.Rule):
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        inputs, secret_paths = to_plain(args.props)
        kwargs = {}
        if rule.check is rules.check_credentials_secret:
            opts = getattr(args, "opts", None)
            outputs = getattr(opts, "additional_secret_outputs", None)
            kwargs["secret_outputs"] = list(outputs) if outputs is not None else None
        for message in rule.check(args.resource_type, inputs, secret_paths, _config(args.get_config), **kwargs):
            report_violation(message, None)
    validate.__name__ = f"validate_{rule.name.replace('-', '_')}"
    return validate


def _stack_validator(rule: rules.Rule):
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = []
        for r in args.resources:
            inputs, _ = to_plain(r.props)
            deps = {k: [d.urn for d in v] for k, v in (getattr(r, "property_dependencies", None) or {}).items()}
            parent = getattr(r, "parent", None)
            resources.append({"urn": r.urn, "type": r.resource_type, "name": r.name,
                              "parent": parent.urn if parent is not None else "",
                              "inputs": inputs, "propertyDependencies": deps})
        for urn, message in rule.check(resources, _config(args.get_config)):
            report_violation(message, urn or None)
    validate.__name__ = f"validate_{rule.name.replace('-', '_')}"
    return validate


def level_of(rule: rules.Rule, enforcement_level: EnforcementLevel) -> EnforcementLevel:
    """A rule's level: `enforcement_level` for mandatory rules; advisory rules stay advisory (or disabled with it)."""
    if rule.level == rules.ADVISORY and enforcement_level != EnforcementLevel.DISABLED:
        return EnforcementLevel.ADVISORY
    return enforcement_level


def build_policies(enforcement_level: EnforcementLevel = EnforcementLevel.MANDATORY) -> list:
    """One pulumi-policy policy per rule in `rules.RULES`: mandatory rules at `enforcement_level`, advisory rules
    advisory (`level_of`)."""
    policies = []
    for rule in rules.RULES:
        level = level_of(rule, enforcement_level)
        schema = PolicyConfigSchema(properties={k: dict(v) for k, v in rule.config_schema.items()}) \
            if rule.config_schema else None
        if rule.kind == "resource":
            policies.append(ResourceValidationPolicy(
                name=rule.name, description=rule.description, validate=_resource_validator(rule),
                enforcement_level=level, config_schema=schema))
        else:
            policies.append(StackValidationPolicy(
                name=rule.name, description=rule.description, validate=_stack_validator(rule),
                enforcement_level=level, config_schema=schema))
    return policies
