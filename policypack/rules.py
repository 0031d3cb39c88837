"""The mandatory rules of the pai-platform policy pack, as pure functions over plain data.

Nothing here runs Pulumi (the SDK classes are imported only for their type tokens): the same functions run inside
the Pulumi policy pack (`__main__.py`, through `policies.py`) and over the offline preview (`check_preview`), and
are tested without either.

Data shapes
-----------
- A resource rule is called as ``rule.check(type_token, inputs, secret_paths, config=None)`` and returns a list of
  messages (empty: compliant). ``inputs`` uses the engine's camelCase input names (``sourceCidrIp``,
  ``policyDocument``). ``secret_paths`` names the inputs that are Pulumi secrets: dotted paths, where a path also
  covers everything below it (``{"password"}``).
- A stack rule is called as ``rule.check(resources, config=None)`` with ``resources`` a list of
  ``{"urn", "type", "name", "parent", "inputs"}`` dicts (optionally ``"propertyDependencies"``:
  ``{input name: [urn, ...]}``, which the policy pack fills in from the engine) and returns ``(urn, message)`` pairs.

Values a rule cannot read are never judged: an input still unknown during a preview (the engine re-runs the
resource checks with resolved inputs before each create or update), and a value shown as ``"[secret]"`` by the
offline preview.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

from pulumi.type_token import get_type_token
from pulumi_alicloud import ecs, nas, oss, ram, resourcemanager


def _token(cls: type) -> str:
    token = get_type_token(cls)
    if not token:  # a rule matching no type would pass everything: refuse to load instead
        raise ImportError(f"{cls.__module__}.{cls.__name__} carries no type token")
    return token


# --- type tokens, read from the pulumi-alicloud classes (their `@pulumi.type_token(...)` attribute), never written
# here: the pack runs in the project's virtualenv (PulumiPolicy.yaml), which has the SDK. Importing the SDK's modules
# registers nothing; `tests/test_tokens.py` checks these equal `offline.tokens`. -------------------------------------
OSS_BUCKET: str = _token(oss.Bucket)
OSS_BUCKET_ACL: str = _token(oss.BucketAcl)
OSS_BUCKET_PUBLIC_ACCESS_BLOCK: str = _token(oss.BucketPublicAccessBlock)
OSS_BUCKET_SSE: str = _token(oss.BucketServerSideEncryption)
NAS_ACCESS_RULE: str = _token(nas.AccessRule)
ECS_SECURITY_GROUP_RULE: str = _token(ecs.SecurityGroupRule)
RAM_POLICY: str = _token(ram.Policy)
RAM_GROUP_TOKEN: str = _token(ram.Group)
RAM_GROUP_POLICY_ATTACHMENT: str = _token(ram.GroupPolicyAttachment)
RAM_USER_POLICY_ATTACHMENT: str = _token(ram.UserPolicyAttachment)
RAM_ROLE_POLICY_ATTACHMENT: str = _token(ram.RolePolicyAttachment)
RM_POLICY_ATTACHMENT: str = _token(resourcemanager.PolicyAttachment)
RAM_LOGIN_PROFILE: str = _token(ram.LoginProfile)
RAM_ACCESS_KEY: str = _token(ram.AccessKey)

# How the offline preview shows a secret value.
SECRET_MARKER = "[secret]"

# The sentinels the engine sends for values unknown during a preview (pulumi_policy/proxy.py, UNKNOWN_*_VALUE;
# a test checks they still match the installed SDK).
UNKNOWN_SENTINELS = frozenset({
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
    "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
    "e48ece36-62e2-4504-bad9-02848725956a",  # archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
})


# RAM custom policy documents: at most 6,144 characters (CreatePolicy / CreatePolicyVersion error
# InvalidParameter.PolicyDocument.Length; ../shared/ALICLOUD-FACTS.md section 5).
MAX_POLICY_DOCUMENT_CHARS = 6144

PUBLIC_ACLS = frozenset({"public-read", "public-read-write"})
# OSS server-side encryption algorithms (SDK oss/bucket_server_side_encryption.py: KMS, AES256; the OSS API also
# accepts SM4).
SSE_ALGORITHMS = frozenset({"AES256", "KMS", "SM4"})


# --- small helpers ---------------------------------------------------------------------------------------------

def is_unknown(value: Any) -> bool:
    """True for a value the engine does not know yet (preview)."""
    return isinstance(value, str) and value in UNKNOWN_SENTINELS


def is_unreadable(value: Any) -> bool:
    """True for a value no rule can judge: unknown during preview, or redacted by the offline preview."""
    return is_unknown(value) or value == SECRET_MARKER


def is_secret(path: str, secret_paths: Iterable[str]) -> bool:
    """True if `path` or any object above it is a secret (``"a.b"`` is covered by ``"a"``)."""
    for p in secret_paths:
        if path == p or path.startswith(p + "."):
            return True
    return False


def secret_marker_paths(value: Any, prefix: str = "") -> set[str]:
    """Paths of every ``"[secret]"`` value in an offline-preview input tree."""
    found: set[str] = set()
    if value == SECRET_MARKER:
        found.add(prefix)
    elif isinstance(value, Mapping):
        for k, v in value.items():
            found |= secret_marker_paths(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            found |= secret_marker_paths(v, f"{prefix}.{i}" if prefix else str(i))
    return found


def _is_open_cidr(value: Any) -> bool:
    """True for a CIDR that admits every address (``0.0.0.0/0``, ``::/0`` and their spellings)."""
    if not isinstance(value, str) or not value.strip() or is_unreadable(value):
        return False
    try:
        return ipaddress.ip_network(value.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _present(value: Any) -> bool:
    return value is not None and value != ""


# --- rule records ----------------------------------------------------------------------------------------------

MANDATORY, ADVISORY = "mandatory", "advisory"

ResourceCheck = Callable[..., list]
StackCheck = Callable[..., list]


@dataclass(frozen=True)
class Rule:
    """One mandatory rule: its policy name, what it requires, and the check that finds violations."""

    name: str
    """Policy name as Pulumi reports it (unique in the pack)."""
    description: str
    """One sentence: what the rule requires."""
    kind: str
    """``"resource"`` (checked per resource) or ``"stack"`` (checked over all resources)."""
    check: Callable[..., list]
    """Resource rules: ``(type, inputs, secret_paths, config=None) -> [message]``;
    stack rules: ``(resources, config=None) -> [(urn, message)]``."""
    types: tuple[str, ...] = ()
    """Type tokens a resource rule looks at (informational; the check ignores other types itself)."""
    config_schema: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """JSON-schema properties of the rule's configuration (with defaults)."""
    level: str = "mandatory"
    """``"mandatory"`` (a violation fails the preview or update) or ``"advisory"`` (printed; broad grants that can
    be legitimate in some program)."""


# --- OSS -------------------------------------------------------------------------------------------------------

def check_oss_bucket_private(type_: str, inputs: Mapping[str, Any], secret_paths: Iterable[str] = (),
                             config: Optional[Mapping[str, Any]] = None) -> list[str]:
    """No public ACL, inline on the bucket (deprecated `acl`) or through `oss.BucketAcl`."""
    if type_ not in (OSS_BUCKET, OSS_BUCKET_ACL):
        return []
    acl = inputs.get("acl")
    if isinstance(acl, str) and acl.strip().lower() in PUBLIC_ACLS:
        where = "bucket" if type_ == OSS_BUCKET else "BucketAcl for bucket"
        return [f"{where} {inputs.get('bucket', '?')!s}: acl is {acl!r}; OSS buckets must be private "
                f"(acl 'private')"]
    return []


def _sse_rule_ok(rule: Any) -> bool:
    if isinstance(rule, list):  # some SDK/engine versions carry a max-1 block as a one-element list
        rule = rule[0] if rule else None
    if not isinstance(rule, Mapping):
        return False
    alg = rule.get("sseAlgorithm")
    return isinstance(alg, str) and (is_unreadable(alg) or alg.upper() in SSE_ALGORITHMS)


def _bucket_key(resource: Mapping[str, Any]) -> Any:
    return (resource.get("inputs") or {}).get("bucket")


def _sub_resources_for(bucket: Mapping[str, Any], subs: Sequence[Mapping[str, Any]]) -> tuple[list, bool]:
    """The sub-resources that target `bucket`, by `bucket` input or by the engine's property dependency.

    Also returns whether some sub-resource's target is unknown (preview), so that it might be this bucket.
    """
    name = _bucket_key(bucket)
    matched, ambiguous = [], False
    for sub in subs:
        target = _bucket_key(sub)
        deps = (sub.get("propertyDependencies") or {}).get("bucket") or []
        if bucket.get("urn") in deps:
            matched.append(sub)
        elif _present(name) and not is_unreadable(name) and target == name:
            matched.append(sub)
        elif is_unreadable(target) and not deps:
            ambiguous = True
    return matched, ambiguous


def check_bucket_setting(resources: Sequence[Mapping[str, Any]], sub_type: str,
                         sub_problem: Callable[[Mapping[str, Any], Any], Optional[str]],
                         inline_ok: Callable[[Mapping[str, Any]], bool],
                         missing: Callable[[str], str]) -> list[tuple[str, str]]:
    """A bucket setting that is met inline on the `oss.Bucket` or by a split-out resource of `sub_type` for it
    (encryption, versioning, ...): each sub-resource whose `sub_problem(inputs, bucket)` is a message is reported; each
    bucket with neither a good inline value (`inline_ok(inputs)`) nor a good sub-resource gets `missing(name)`."""
    out: list[tuple[str, str]] = []
    good = []
    for sub in (r for r in resources if r.get("type") == sub_type):
        problem = sub_problem(sub.get("inputs") or {}, _bucket_key(sub))
        if problem is None:
            good.append(sub)
        else:
            out.append((sub.get("urn", ""), problem))
    for bucket in (r for r in resources if r.get("type") == OSS_BUCKET):
        inputs = bucket.get("inputs") or {}
        if inline_ok(inputs):
            continue
        matched, ambiguous = _sub_resources_for(bucket, good)
        if not (matched or ambiguous):
            out.append((bucket.get("urn", ""), missing(str(inputs.get("bucket", bucket.get("name"))))))
    return out


def check_oss_bucket_encrypted(resources: Sequence[Mapping[str, Any]],
                               config: Optional[Mapping[str, Any]] = None) -> list[tuple[str, str]]:
    """Every bucket has server-side encryption: inline `serverSideEncryptionRule` or a BucketServerSideEncryption."""

    def sse_problem(inputs: Mapping[str, Any], bucket: Any) -> Optional[str]:
        alg = inputs.get("sseAlgorithm")
        if isinstance(alg, str) and (is_unreadable(alg) or alg.upper() in SSE_ALGORITHMS):
            return None
        return f"BucketServerSideEncryption for bucket {bucket!s}: sseAlgorithm {alg!r} is not one of {sorted(SSE_ALGORITHMS)}"

    return check_bucket_setting(
        resources, OSS_BUCKET_SSE, sse_problem, lambda inputs: _sse_rule_ok(inputs.get("serverSideEncryptionRule")),
        lambda name: f"bucket {name} is not encrypted: set serverSideEncryptionRule (sseAlgorithm AES256 or KMS) or "
                     "add an oss.BucketServerSideEncryption for it")


def check_oss_public_access_blocked(resources: Sequence[Mapping[str, Any]],
                                    config: Optional[Mapping[str, Any]] = None) -> list[tuple[str, str]]:
    """Every bucket has a BucketPublicAccessBlock with blockPublicAccess true; none sets it false."""
    blocks = [r for r in resources if r.get("type") == OSS_BUCKET_PUBLIC_ACCESS_BLOCK]
    out: list[tuple[str, str]] = []
    good = []
    for block in blocks:
        flag = (block.get("inputs") or {}).get("blockPublicAccess")
        if flag is True or is_unreadable(flag):
            good.append(block)
        else:
            out.append((block.get("urn", ""), f"BucketPublicAccessBlock for bucket {_bucket_key(block)!s}: "
                                              f"blockPublicAccess is {flag!r}, must be true"))
    for bucket in (r for r in resources if r.get("type") == OSS_BUCKET):
        matched, ambiguous = _sub_resources_for(bucket, good)
        if matched or ambiguous:
            continue
        inputs = bucket.get("inputs") or {}
        out.append((bucket.get("urn", ""),
                    f"bucket {inputs.get('bucket', bucket.get('name'))!s} has no oss.BucketPublicAccessBlock "
                    f"with blockPublicAccess true in this stack"))
    return out


# --- NAS and security groups -----------------------------------------------------------------------------------

def check_nas_access_rule_not_open(type_: str, inputs: Mapping[str, Any], secret_paths: Iterable[str] = (),
                                   config: Optional[Mapping[str, Any]] = None) -> list[str]:
    """NAS access rules never admit every address."""
    if type_ != NAS_ACCESS_RULE:
        return []
    out = []
    for key in ("sourceCidrIp", "ipv6SourceCidrIp"):
        if _is_open_cidr(inputs.get(key)):
            out.append(f"NAS access rule in group {inputs.get('accessGroupName', '?')!s}: {key} is "
                       f"{inputs[key]!r}; allow only the VPC or vSwitch CIDRs that mount the file system")
    return out


def check_no_public_ingress(type_: str, inputs: Mapping[str, Any], secret_paths: Iterable[str] = (),
                            config: Optional[Mapping[str, Any]] = None) -> list[str]:
    """No security-group rule accepts ingress from every address.

    `ecs.SecurityGroup` has no inline rules in pulumi-alicloud 4.0.0 (SDK ecs/security_group.py), so
    `ecs.SecurityGroupRule` is the only place such a rule can be.
    """
    if type_ != ECS_SECURITY_GROUP_RULE:
        return []
    if str(inputs.get("type", "")).lower() != "ingress":
        return []
    # `policy` defaults to accept (SDK ecs/security_group_rule.py); a drop rule from anywhere only closes.
    if str(inputs.get("policy") or "accept").lower() == "drop":
        return []
    out = []
    for key in ("cidrIp", "ipv6CidrIp"):
        if _is_open_cidr(inputs.get(key)):
            out.append(f"security group {inputs.get('securityGroupId', '?')!s} ingress "
                       f"{inputs.get('ipProtocol', '?')!s} {inputs.get('portRange', '')!s}: {key} is "
                       f"{inputs[key]!r}; restrict the source to known CIDRs or a security group")
    return out


# --- RAM policy documents --------------------------------------------------------------------------------------

def _documents(inputs: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(k, inputs.get(k)) for k in ("policyDocument", "document") if _present(inputs.get(k))]


def _is_any_action(action: Any) -> bool:
    # "*" and "*:*" both mean every action of every service.
    return isinstance(action, str) and action.strip() != "" and set(action.strip()) <= {"*", ":"}


def _is_any_resource(resource: Any) -> bool:
    # "*" and "acs:*:*:*:*" (every service, region, account and resource) both mean everything.
    if not isinstance(resource, str):
        return False
    r = resource.strip()
    return r == "*" or (r.startswith("acs:") and all(seg == "*" for seg in r.split(":")[1:]))


def _statements_of(doc: Any) -> Optional[list]:
    """The statements of a parsed document, or None if it does not look like a policy document."""
    if not isinstance(doc, Mapping):
        return None
    stmts = doc.get("Statement")
    if isinstance(stmts, Mapping):
        return [stmts]
    if isinstance(stmts, list):
        return stmts
    return None


def _wildcard_statements(stmts: list) -> list[str]:
    found = []
    for i, s in enumerate(stmts):
        if not isinstance(s, Mapping) or str(s.get("Effect", "")).lower() != "allow":
            continue
        any_resource = any(_is_any_resource(r) for r in _as_list(s.get("Resource")))
        if not any_resource:
            continue
        if any(_is_any_action(a) for a in _as_list(s.get("Action"))):
            found.append(f"Statement[{i}] allows Action '*' on Resource '*'")
        elif "NotAction" in s:
            found.append(f"Statement[{i}] allows NotAction {s.get('NotAction')!r} on Resource '*' "
                         f"(everything but a few actions)")
    return found


def check_ram_no_admin_wildcard(type_: str, inputs: Mapping[str, Any], secret_paths: Iterable[str] = (),
                                config: Optional[Mapping[str, Any]] = None) -> list[str]:
    """No custom RAM policy allows every action on every resource (Action or NotAction)."""
    if type_ != RAM_POLICY:
        return []
    name = inputs.get("policyName") or inputs.get("name") or "?"
    out = []
    for key, text in _documents(inputs):
        if is_unreadable(text):
            continue
        try:
            doc = json.loads(text) if isinstance(text, str) else text
        except ValueError as e:
            out.append(f"RAM policy {name!s}: {key} is not valid JSON ({e}), so it cannot be checked")
            continue
        stmts = _statements_of(doc)
        if stmts is None:
            out.append(f"RAM policy {name!s}: {key} has no Statement list, so it cannot be checked")
            continue
        out += [f"RAM policy {name!s}: {key} {m}; grant named actions on named resources"
                for m in _wildcard_statements(stmts)]
    # The deprecated `statements` blocks ({effect, actions, resources}), rendered by the provider.
    legacy = [{"Effect": s.get("effect"), "Action": s.get("actions"), "Resource": s.get("resources")}
              for s in _as_list(inputs.get("statements")) if isinstance(s, Mapping)]
    out += [f"RAM policy {name!s}: statements {m.replace('Statement', '')}; grant named actions on named resources"
            for m in _wildcard_statements(legacy)]
    return out


def check_ram_policy_document_size(type_: str, inputs: Mapping[str, Any], secret_paths: Iterable[str] = (),
                                   config: Optional[Mapping[str, Any]] = None) -> list[str]:
    """RAM custom policy documents are at most 6,144 characters, counted as sent (whitespace included)."""
    if type_ != RAM_POLICY:
        return []
    name = inputs.get("policyName") or inputs.get("name") or "?"
    return [f"RAM policy {name!s}: {key} is {len(text)} characters, over the RAM limit of "
            f"{MAX_POLICY_DOCUMENT_CHARS}; split it into several policies"
            for key, text in _documents(inputs)
            if isinstance(text, str) and not is_unreadable(text) and len(text) > MAX_POLICY_DOCUMENT_CHARS]


# --- credentials -----------------------------------------------------------------------------------------------

def check_credentials_secret(type_: str, inputs: Mapping[str, Any], secret_paths: Iterable[str] = (),
                             config: Optional[Mapping[str, Any]] = None, *,
                             secret_outputs: Optional[Iterable[str]] = None) -> list[str]:
    """Login passwords and access-key secrets exist only as Pulumi secrets.

    - `ram.LoginProfile.password` must be a secret input (the SDK does not mark it: ../shared/PITFALLS.md).
    - `ram.AccessKey` must not set `secretFile` (it writes the key id and secret to a plain-text local file), and
      its `secret` output must be secret or replaced by a PGP-encrypted one (`pgpKey`). The SDK marks `secret`
      as an additional secret output itself (SDK ram/access_key.py); `secret_outputs` (the resource's
      additionalSecretOutputs, None when not known) lets the pack confirm it.
    """
    secret_paths = set(secret_paths)
    if type_ == RAM_LOGIN_PROFILE:
        if "password" in inputs and inputs.get("password") is not None and not is_secret("password", secret_paths):
            return [f"login profile of user {inputs.get('userName', '?')!s}: password is a plain-text input; "
                    f"pass it as a Pulumi secret (pulumi.Output.secret / config --secret / random.RandomPassword)"]
        return []
    if type_ == RAM_ACCESS_KEY:
        out = []
        if _present(inputs.get("secretFile")):
            out.append(f"access key of user {inputs.get('userName', '?')!s}: secretFile writes the key secret "
                       f"to a plain-text file; remove it and read the secret output (a Pulumi secret)")
        if (secret_outputs is not None and "secret" not in set(secret_outputs)
                and not _present(inputs.get("pgpKey"))):
            out.append(f"access key of user {inputs.get('userName', '?')!s}: the secret output is not marked "
                       f"secret and no pgpKey is set; keep additional_secret_outputs=['secret'] or set pgpKey")
        return out
    return []


# --- the rule set ----------------------------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule("oss-bucket-private",
         "OSS buckets are private: no public-read or public-read-write ACL, inline or via oss.BucketAcl.",
         "resource", check_oss_bucket_private, (OSS_BUCKET, OSS_BUCKET_ACL)),
    Rule("oss-bucket-encrypted",
         "Every OSS bucket has server-side encryption (inline rule or oss.BucketServerSideEncryption).",
         "stack", check_oss_bucket_encrypted, (OSS_BUCKET, OSS_BUCKET_SSE)),
    Rule("oss-bucket-public-access-blocked",
         "Every OSS bucket has an oss.BucketPublicAccessBlock with blockPublicAccess true.",
         "stack", check_oss_public_access_blocked, (OSS_BUCKET, OSS_BUCKET_PUBLIC_ACCESS_BLOCK)),
    Rule("nas-access-rule-not-open",
         "NAS access rules never admit 0.0.0.0/0 or ::/0.",
         "resource", check_nas_access_rule_not_open, (NAS_ACCESS_RULE,)),
    Rule("ecs-no-public-ingress",
         "No security-group rule accepts ingress from 0.0.0.0/0 or ::/0.",
         "resource", check_no_public_ingress, (ECS_SECURITY_GROUP_RULE,)),
    Rule("ram-no-admin-wildcard",
         "No custom RAM policy allows Action '*' (or NotAction) on Resource '*'.",
         "resource", check_ram_no_admin_wildcard, (RAM_POLICY,)),
    Rule("ram-policy-document-size",
         f"RAM custom policy documents are at most {MAX_POLICY_DOCUMENT_CHARS} characters.",
         "resource", check_ram_policy_document_size, (RAM_POLICY,)),
    Rule("ram-credentials-secret",
         "RAM login passwords and access-key secrets exist only as Pulumi secrets.",
         "resource", check_credentials_secret, (RAM_LOGIN_PROFILE, RAM_ACCESS_KEY)),
)

RULES_BY_NAME: Mapping[str, Rule] = {r.name: r for r in RULES}


# --- offline use -----------------------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Violation:
    """One broken rule: the policy name, the resource it concerns, and what to change."""

    policy: str
    urn: str
    message: str
    level: str = MANDATORY


def check_resource(resource: Mapping[str, Any], secret_paths: Optional[Iterable[str]] = None,
                   config: Optional[Mapping[str, Mapping[str, Any]]] = None) -> list[Violation]:
    """Every resource rule over one resource dict; `secret_paths` defaults to its ``"[secret]"`` markers."""
    inputs = resource.get("inputs") or {}
    paths = set(secret_paths) if secret_paths is not None else secret_marker_paths(inputs)
    out = []
    for rule in RULES:
        if rule.kind != "resource":
            continue
        kwargs = {}
        if rule.check is check_credentials_secret:
            kwargs["secret_outputs"] = resource.get("additionalSecretOutputs")
        for msg in rule.check(resource.get("type", ""), inputs, paths, (config or {}).get(rule.name), **kwargs):
            out.append(Violation(rule.name, resource.get("urn", ""), msg, rule.level))
    return out


def check_stack(resources: Sequence[Mapping[str, Any]],
                config: Optional[Mapping[str, Mapping[str, Any]]] = None) -> list[Violation]:
    """Every stack rule over the whole resource list."""
    out = []
    for rule in RULES:
        if rule.kind == "stack":
            out += [Violation(rule.name, urn, msg, rule.level)
                    for urn, msg in rule.check(resources, (config or {}).get(rule.name))]
    return out


def check_preview(resources: Sequence[Mapping[str, Any]],
                  config: Optional[Mapping[str, Mapping[str, Any]]] = None) -> list[Violation]:
    """All rules over an offline preview: ``[{"urn", "type", "name", "parent", "inputs"}, ...]``.

    Secret values are expected as ``"[secret]"``; an optional ``"additionalSecretOutputs"`` list per resource is
    used when present. `config` maps a policy name to its configuration (as ``--policy-pack-config`` would).
    Returns the violations sorted by policy, URN and message; empty means compliant.
    """
    out = []
    for r in resources:
        out += check_resource(r, None, config)
    out += check_stack(resources, config)
    return sorted(out)


# --- rules kept in modules of their own (escalation.py, hygiene.py, storage.py), registered here, imported last:
# they build on the definitions above. ---------------------------------------------------------------------------

def register(*extra: Rule) -> None:
    """Add rules to `RULES` (and `RULES_BY_NAME`); a name already there is skipped, so importing twice is harmless."""
    global RULES, RULES_BY_NAME
    RULES = RULES + tuple(r for r in extra if r.name not in RULES_BY_NAME)
    RULES_BY_NAME = {r.name: r for r in RULES}


try:
    from . import escalation, hygiene, storage  # noqa: E402
except ImportError:  # run by the Pulumi CLI as a folder
    import escalation  # type: ignore[no-redef]  # noqa: E402
    import hygiene  # type: ignore[no-redef]  # noqa: E402
    import storage  # type: ignore[no-redef]  # noqa: E402
register(*(Rule(*spec) for spec in hygiene.SPECS), *escalation.RULES, *storage.RULES)
