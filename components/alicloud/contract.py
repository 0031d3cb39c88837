"""The Alibaba Cloud PAI stack-config contract: the shape of a stack file and the rules across its fields, checked
completely before any resource is registered.

Two passes, both pure:
1. shape: pydantic models (camelCase keys, unknown keys rejected, strict types, per-field cloud limits);
2. meaning: rules across fields and workspaces (CIDR containment and overlap, zones in the region, modules that
   need a VPC, users shared between workspaces, derived RAM names that must not collide, RAM limits).
Every failure is one `ConfigError` line: the config path, the bad value, the rule; every mistake at once.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Iterator, Literal, Mapping, Optional, Union

from pydantic import AfterValidator, Field, StrictBool, StrictInt, StrictStr, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

from ..core import naming as core_naming
from ..core.contract import Key, Model, errors_of, pattern, unique
from ..core.errors import ConfigError, Problems, raise_all, show
from . import naming, regions, rules
from .plan import catalogue, escalation, grants, identity, policy, quota


# --- shape --------------------------------------------------------------------------------------------------------
# Each field rule is a function of `rules.py` (or `naming.py`), shared with the components: `_rule` makes a pydantic
# validator of it.


def _rule(check):
    """A pydantic after-validator from a rule function that raises ValueError(rule) and may return a new value."""

    def validate(v: Any) -> Any:
        out = check(v)
        return v if out is None else out

    return AfterValidator(validate)


def _optional(check):
    return lambda v: v if v is None else check(v)


Zone = Annotated[StrictStr, _rule(rules.check_zone_id)]
ModuleKey = Annotated[StrictStr, _rule(rules.check_module)]
RoleId = Annotated[StrictStr, _rule(rules.check_role)]
SystemPolicy = Annotated[StrictStr, _rule(rules.check_system_policy)]


class VSwitchSpec(Model):
    zone_id: Zone = Field(description="Zone of the vSwitch, e.g. cn-hangzhou-h or ap-southeast-1a.")
    cidr: Annotated[StrictStr, _rule(lambda v: rules.check_cidr(v, "vSwitch"))] = Field(
        description="vSwitch CIDR block, inside the VPC CIDR (mask 16-29).")


class FlowLogs(Model):
    """VPC flow logs of the workspace's new VPC, into an existing Simple Log Service project and logstore (the
    project creates neither: SLS retention and cost are the log owner's choice)."""

    project: Annotated[StrictStr, _rule(rules.check_sls_project)] = Field(description="SLS project (same region).")
    log_store: Annotated[StrictStr, _rule(rules.check_sls_logstore)] = Field(description="SLS logstore of the project.")


class NewNetwork(Model):
    """A new VPC for the workspace, with one vSwitch per zone."""

    cidr: Annotated[StrictStr, _rule(lambda v: rules.check_cidr(v, "VPC"))] = Field(
        description="VPC CIDR block, e.g. 10.10.0.0/16 (mask 8-28).")
    vswitches: list[VSwitchSpec] = Field(min_length=1, description="One vSwitch per zone, inside `cidr`.")
    flow_logs: Optional[FlowLogs] = Field(None, description="VPC flow logs to an existing SLS logstore (off).")


class ExistingNetwork(Model):
    """An existing VPC and vSwitches the workspace uses (nothing network-related is created)."""

    vpc_id: Annotated[StrictStr, _rule(rules.check_vpc_id)] = Field(description="Id of the existing VPC (vpc-...).")
    vswitch_ids: list[StrictStr] = Field(min_length=1, description="Ids of its vSwitches the workspace uses (vsw-...).")

    @field_validator("vswitch_ids")
    @classmethod
    def _vsw(cls, v: list[str]) -> list[str]:
        for s in v:
            rules.check_vswitch_id(s)
        return unique(v, "vSwitch")


class Bucket(Model):
    """An OSS bucket of the workspace: private, server-side encrypted, versioned, public access blocked."""

    key: Key = Field(description="Stable key: the logical name and the default physical-name suffix.")
    name: Annotated[Optional[StrictStr], _rule(_optional(naming.check_bucket_name))] = Field(
        None, description="Physical bucket name; default <prefix>-<workspace>-<key>.")
    storage_class: rules.StorageClass = Field("Standard", description="OSS storage class.")
    redundancy_type: rules.RedundancyType = Field("LRS", description="LRS, or ZRS (zone-redundant).")
    encryption: rules.Encryption = Field("AES256", description="Server-side encryption: AES256 or KMS.")
    kms_key_id: Optional[StrictStr] = Field(None, description="KMS key id, with encryption: KMS.")
    protect: StrictBool = Field(True, description="Protect from deletion (set false only to allow removal).")

    @model_validator(mode="after")
    def _settings(self) -> "Bucket":
        rules.check_bucket(self.storage_class, self.redundancy_type, self.encryption, self.kms_key_id)
        return self


class FileSystem(Model):
    """A NAS file system of the workspace: encrypted, in the workspace's permission group, mounted in each vSwitch."""

    key: Key = Field(description="Stable key: the logical name.")
    file_system_type: rules.FileSystemType = Field("standard", description="standard or extreme NAS.")
    protocol_type: StrictStr = Field("NFS", description="NFS or SMB (standard), NFS (extreme).")
    storage_type: StrictStr = Field("Capacity", description="Performance/Capacity/Premium (standard), standard/advance (extreme).")
    capacity: Optional[StrictInt] = Field(None, description="GiB; required for extreme (100-262144).")
    zone_id: Optional[Zone] = Field(None, description="Required for extreme; one of the workspace's zones.")
    description: Annotated[Optional[StrictStr], _rule(_optional(rules.check_nas_description))] = Field(
        None, description="NAS description (no spaces); default pai-platform:<workspace>:<key>.")
    protect: StrictBool = Field(True, description="Protect from deletion (set false only to allow removal).")

    @model_validator(mode="after")
    def _kinds(self) -> "FileSystem":
        rules.check_file_system(self.file_system_type, self.protocol_type, self.storage_type, self.capacity, self.zone_id)
        return self


class _UserFields(Model):
    """What belongs to a RAM user, wherever it is declared: a member of a monolithic stack, or `users[]` of an
    identity stack (`plan/identity.py` USER_ATTRIBUTES; a team stack's members take them from its identity stack)."""

    name: Annotated[StrictStr, _rule(rules.check_ram_user_name)] = Field(
        description="RAM user name (1-64: letters, digits, '.', '-', '_'; no leading '-').")
    display_name: Annotated[Optional[StrictStr], _rule(_optional(rules.check_display_name))] = Field(
        None, description="RAM display name (1-128 characters).")
    existing: StrictBool = Field(False, description="Use an existing RAM user of that name instead of creating it.")
    console_login: StrictBool = Field(False, description="Create a console login profile (generated secret password).")
    access_key: StrictBool = Field(False, description="Create an API access key (secret).")
    resource_admin: StrictBool = Field(False, description=(
        "Gets AliyunPAIFullAccess (buy and delete all PAI resources); with the dataset-acceleration module, also "
        "AliyunDatasetAccFullAccess, through this workspace's dataset-acceleration group."))

    @model_validator(mode="after")
    def _existing(self) -> "_UserFields":
        rules.check_existing_user(self.existing, self.console_login, self.access_key, self.display_name)
        return self


class User(_UserFields):
    """A RAM user of an identity stack: team stacks name it in their members' `name`."""


class Member(_UserFields):
    """A workspace member: a RAM user (created, or existing by name) and its PAI workspace roles. In a team stack
    only name, roles, activator and systemPolicies: the rest belongs to the user, in the identity stack."""

    roles: list[RoleId] = Field(min_length=1, description="PAI role ids, e.g. PAI.AlgoDeveloper.")
    activator: StrictBool = Field(False, description="May activate the cloud services the workspace's modules need.")
    system_policies: list[SystemPolicy] = Field(default_factory=list, description=(
        "Extra system policies (exact names) that fit the member: activation policies only with activator: true "
        "and for the workspace's services, EAS policies only with eas, never AliyunOSSFullAccess."))

    @field_validator("roles")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        return unique(v, "role")

    @field_validator("system_policies")
    @classmethod
    def _system(cls, v: list[str]) -> list[str]:
        return unique(v, "system policy")


class CustomPolicy(Model):
    """An extra custom RAM policy for the workspace, attached to the groups of the roles it names."""

    name: Key = Field(description="Short name; the RAM policy is <prefix>-<workspace>-<name>.")
    description: Annotated[Optional[StrictStr], _rule(_optional(rules.check_policy_description))] = Field(
        None, description="RAM policy description (at most 1024 characters).")
    roles: Optional[list[RoleId]] = Field(None, description="Role groups it is attached to (default: every role used).")
    document: dict[str, Any] = Field(description="The policy document: {Version: '1', Statement: [...]}.")

    @field_validator("roles")
    @classmethod
    def _roles(cls, v: Optional[list[str]]) -> Optional[list[str]]:
        rules.check_policy_roles(v)
        return None if v is None else unique(v, "role")

    @field_validator("document")
    @classmethod
    def _doc(cls, v: dict[str, Any]) -> dict[str, Any]:
        try:
            policy.parse_document(v)
        except policy.PolicyError as e:
            raise ValueError(str(e)) from None
        return v

    @property
    def statements(self) -> list[policy.Statement]:
        return policy.parse_document(self.document)


class QuotaGrant(Model):
    """Access to PAI resource pools or resource quotas (seed 003) for the RAM groups of the roles it names."""

    name: Key = Field(description="Stable key; the RAM policy is <prefix>-<workspace>-quota-<name>.")
    scenario: StrictStr = Field(description="resource-pool, root-quotas, root-quota or child-quota (seed 003).")
    resource_groups: list[StrictStr] = Field(
        default_factory=list, description="root-quotas only: the dedicated resource groups quotas may draw on."
    )
    quota_id: Optional[StrictStr] = Field(None, description="root-quota / child-quota only: the quota managed.")
    roles: list[RoleId] = Field(min_length=1, description="Role groups it is attached to, e.g. PAI.WorkspaceAdmin.")
    lingjun_vpc: StrictBool = Field(False, description="Add the VPC read statement Lingjun quotas need (seed 003).")

    @field_validator("scenario")
    @classmethod
    def _scenario(cls, v: str) -> str:
        return quota.check_scenario(v)

    @field_validator("resource_groups")
    @classmethod
    def _groups(cls, v: list[str]) -> list[str]:
        for g in v:
            quota.check_id(g, "resource group name")
        return unique(v, "resource group")

    @field_validator("quota_id")
    @classmethod
    def _quota(cls, v: Optional[str]) -> Optional[str]:
        return None if v is None else quota.check_id(v, "quota id")

    @field_validator("roles")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        return unique(v, "role")

    @property
    def statements(self) -> list[policy.Statement]:
        return quota.statements_for(self.scenario, resource_groups=self.resource_groups, quota_id=self.quota_id,
                                    lingjun_vpc=self.lingjun_vpc)


class Workspace(Model, catalogue.UsesModules):
    """One team's PAI workspace and everything it depends on."""

    name: Annotated[StrictStr, _rule(rules.check_workspace_name)] = Field(
        description="PAI workspace name: 3-23 letters, digits, '_', starting with a letter.")
    display_name: Optional[StrictStr] = Field(None, description="Display name in the PAI console.")
    description: Annotated[StrictStr, _rule(rules.check_workspace_description)] = Field(
        description="Required by PAI; at most 80 characters.")
    env_types: Annotated[list[rules.EnvType], _rule(rules.check_env_types)] = Field(
        default_factory=lambda: ["prod"], description="[prod] simple mode, [dev, prod] standard mode.")
    modules: list[ModuleKey] = Field(min_length=1, description="PAI modules the team uses (the catalogue's keys).")
    network: Optional[Union[NewNetwork, ExistingNetwork]] = Field(
        None, description="A new VPC (cidr, vswitches) or an existing one (vpcId, vswitchIds).")
    buckets: list[Bucket] = Field(default_factory=list, description="OSS buckets; default one keyed data when needed.")
    file_systems: list[FileSystem] = Field(default_factory=list, description="NAS file systems; default one keyed shared.")
    members: list[Member] = Field(default_factory=list, description="Members: RAM users and their PAI roles.")
    policies: list[CustomPolicy] = Field(default_factory=list, description="Extra custom RAM policies per role group.")
    quota_access: list[QuotaGrant] = Field(default_factory=list, description="Resource pool / quota grants (seed 003).")
    protect: StrictBool = Field(True, description="Protect the workspace from deletion.")

    @field_validator("modules")
    @classmethod
    def _modules(cls, v: list[str]) -> list[str]:
        return unique(v, "module")

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        """The storage the modules need and the stack file leaves out: one bucket keyed `data` when a module needs
        OSS, one file system keyed `shared` when a module needs NAS (filled in here, so every reader of the
        contract, the planning layer and the adapter see the same list)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("modules"), list):
            return data
        services = catalogue.services_for(m for m in data["modules"] if isinstance(m, str) and m in catalogue.MODULES)
        filled = dict(data)
        for key, service, default in (("buckets", "oss", {"key": "data"}), ("fileSystems", "nas", {"key": "shared"})):
            if not data.get(key) and service in services:
                filled[key] = [default]
        return filled

    @field_validator("network", mode="before")
    @classmethod
    def _network_kind(cls, v: Any) -> Any:
        if isinstance(v, Mapping):
            if "vpcId" in v and "cidr" in v:
                raise ValueError("give either cidr + vswitches (new VPC) or vpcId + vswitchIds (existing), not both")
            if "vpcId" in v or "vswitchIds" in v:
                return ExistingNetwork.model_validate(v)
            return NewNetwork.model_validate(v)
        return v

    @property
    def has_network(self) -> bool:
        return self.network is not None


def _password(key: str):
    return _rule(lambda v: rules.check_password_setting(key, v))


class PasswordPolicy(Model):
    """The account's RAM password policy for console logins: secure by default when the bootstrap is on (the
    account is the stack's alone: see `accountBootstrap`)."""

    enabled: StrictBool = Field(True, description="Set the account password policy.")
    minimum_length: Annotated[StrictInt, _password("minimumLength")] = Field(14, description="8-32 characters.")
    require_lowercase: StrictBool = Field(True, description="Require a lowercase letter.")
    require_uppercase: StrictBool = Field(True, description="Require an uppercase letter.")
    require_numbers: StrictBool = Field(True, description="Require a digit.")
    require_symbols: StrictBool = Field(True, description="Require a symbol.")
    reuse_prevention: Annotated[StrictInt, _password("reusePrevention")] = Field(
        5, description="Refuse the last N passwords (0-24).")
    max_age_days: Annotated[StrictInt, _password("maxAgeDays")] = Field(
        90, description="Days a password is valid (0-1095; 0: never expires).")
    max_login_attempts: Annotated[StrictInt, _password("maxLoginAttempts")] = Field(
        5, description="Failed logins in an hour before the user is locked out for an hour (0-32; 0: off).")


class ActionTrail(Model):
    """An ActionTrail trail recording every region's management events to an OSS bucket. Off by default: an
    account has few trails and usually one owner of them."""

    enabled: StrictBool = Field(False, description="Create the trail.")
    bucket: Annotated[Optional[StrictStr], _rule(_optional(naming.check_bucket_name))] = Field(
        None, description="Target bucket; default the stack's access-log bucket.")
    key_prefix: StrictStr = Field("actiontrail", description="Object key prefix of the trail's files.")


class AccountBootstrap(Model):
    """Once-per-account setup (components/alicloud/resources/account.py). Off by default: stacks sharing an account must not fight
    over it, and service activation happens during `pulumi preview` too (invokes run on preview)."""

    enabled: StrictBool = Field(False, description="Build the pai:account:Bootstrap component.")
    activate_services: StrictBool = Field(True, description="Activate dependent services that have an API call.")
    service_linked_roles: StrictBool = Field(True, description="Create PAI's verified service-linked roles.")
    password_policy: PasswordPolicy = Field(default_factory=lambda: PasswordPolicy(),
                                            description="The account's RAM password policy (on, secure defaults).")
    action_trail: ActionTrail = Field(default_factory=lambda: ActionTrail(),
                                      description="An ActionTrail trail of every region's events to OSS (off).")
    modules: Optional[list[ModuleKey]] = Field(None, description=(
        "Identity stack only: the PAI modules its team stacks use, whose services it activates (a stack with "
        "workspaces activates its workspaces' modules)."))

    @field_validator("modules")
    @classmethod
    def _modules(cls, v: Optional[list[str]]) -> Optional[list[str]]:
        return None if v is None else unique(v, "module")


class AccessLogs(Model):
    """The stack's access-log bucket (`pai:audit:LogBucket`): every bucket's OSS access logs, kept `retentionDays`."""

    name: Annotated[Optional[StrictStr], _rule(_optional(naming.check_bucket_name))] = Field(
        None, description="Physical bucket name; default <prefix>-access-logs.")
    retention_days: Annotated[StrictInt, _rule(rules.check_log_retention_days)] = Field(
        rules.LOG_RETENTION_DEFAULT_DAYS,
        description=f"Days access logs are kept ({rules.LOG_RETENTION_DAYS[0]}-{rules.LOG_RETENTION_DAYS[1]}).")
    encryption: rules.Encryption = Field("AES256", description="Server-side encryption: AES256 or KMS.")
    kms_key_id: Optional[StrictStr] = Field(None, description="KMS key id, with encryption: KMS.")
    protect: StrictBool = Field(True, description="Protect from deletion (set false only to allow removal).")

    @model_validator(mode="after")
    def _settings(self) -> "AccessLogs":
        rules.check_bucket("Standard", "LRS", self.encryption, self.kms_key_id)
        return self


class StackConfig(Model):
    """The whole stack: settings shared by every workspace, and the workspaces."""

    cloud: Literal["alicloud"] = Field("alicloud", description="The cloud of this stack (the default).")
    region: StrictStr = Field(alias="alicloud:region", description="Alibaba Cloud region of every resource, e.g. cn-hangzhou.")
    name_prefix: StrictStr = Field(description="Prefix of every physical name (lowercase letters, digits, '-').")
    tags: dict[StrictStr, StrictStr] = Field(default_factory=dict, description="Tags added to every taggable resource (key: value).")
    account_bootstrap: AccountBootstrap = Field(default_factory=AccountBootstrap,
                                                description="Account-wide service activation and PAI service roles.")
    access_logs: AccessLogs = Field(default_factory=AccessLogs,
                                    description="The access-log bucket every bucket logs to (retentionDays, encryption).")
    workspaces: list[Workspace] = Field(default_factory=list, description=(
        "The workspaces of the stack (at least one, except in an identity stack, which has none)."))
    users: Optional[Annotated[list[User], Field(min_length=1)]] = Field(None, description=(
        "Makes this an identity stack: the RAM users that team stacks name in their members (then no workspaces)."))
    identity_stack: Annotated[Optional[StrictStr], _rule(_optional(rules.check_stack_reference))] = Field(
        None, description=("Makes this a team stack: its identity stack, <org>/<project>/<stack>, whose users the "
                           "members name (organization/<project>/<stack> on a DIY backend such as OSS)."))

    @property
    def is_identity(self) -> bool:
        """An identity stack: users, the resource-admins group, the access-log bucket, the account bootstrap."""
        return self.users is not None

    @property
    def is_team(self) -> bool:
        """A team stack: workspaces whose members are the identity stack's users."""
        return self.identity_stack is not None

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        return regions.check_region(v)

    @field_validator("name_prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        return pattern(v, core_naming.PREFIX_RE, core_naming.PREFIX_RULE)

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        return rules.check_tags(v)


# --- meaning ------------------------------------------------------------------------------------------------------
# The rules of one workspace are `rules.check_workspace` (the bundle component runs them too); what is left here
# spans the stack: names unique across workspaces, users shared between them, RAM and NAS limits per account.


def _check_meaning(cfg: StackConfig, identity_log_bucket: Optional[str] = None) -> list[ConfigError]:
    """Rules across fields, workspaces and the stack; every mistake found, none raised. A team stack's buckets log
    to its identity stack's access-log bucket (`identity_log_bucket`), so that is the name no bucket may take."""
    out = Problems()
    seen_ws: dict[str, str] = {}
    if identity_log_bucket is not None:
        seen_buckets = {identity_log_bucket: "the identity stack's access-log bucket"}
    else:
        seen_buckets = {naming.access_log_bucket_name(cfg.name_prefix, cfg.access_logs.name):
                        "accessLogs.name" if cfg.access_logs.name else "accessLogs (derived name)"}
    seen_policy_names: dict[str, str] = {}
    nas_groups = 0
    for wi, ws in enumerate(cfg.workspaces):
        wp = f"workspaces[{wi}]"
        if ws.name.lower() in seen_ws:  # its derived names collide too: one mistake, one line
            out.first(seen_ws, ws.name.lower(), f"{wp}.name", ws.name, "workspace name is used twice (PAI names ignore case)")
            continue
        seen_ws[ws.name.lower()] = f"{wp}.name"
        problems = rules.check_workspace(ws, cfg.region)
        for path, value, rule in problems:
            out.add(f"{wp}.{path}", value, rule)
        _check_bucket_names(out, cfg, ws, wp, seen_buckets)
        nas_groups += len({f.file_system_type for f in ws.file_systems})
        if nas_groups > naming.MAX_NAS_ACCESS_GROUPS:
            out.add(f"{wp}.fileSystems", None, f"the stack would need {nas_groups} NAS permission groups (one per "
                    f"workspace and file-system type); NAS allows {naming.MAX_NAS_ACCESS_GROUPS} per account and region")
        if not any(p.startswith(("policies", "quotaAccess")) for p, _, _ in problems):  # else: a policy repeats itself
            _check_policy_limits(out, cfg, ws, wp, seen_policy_names)
    _check_users(out, cfg)
    for path, value, rule in _cross_workspace(cfg, refused=True):
        out.add(path, value, rule)
    return out.errors


def _check_layout(cfg: StackConfig) -> list[ConfigError]:
    """What each kind of stack may declare. A monolithic stack has workspaces whose members carry their user's
    attributes (today's layout); an identity stack (`users:`) has users and no workspaces; a team stack
    (`identityStack:`) has workspaces whose members name the identity stack's users, and leaves the account-wide
    settings (bootstrap, access-log bucket) to it."""
    out = Problems()
    ab = cfg.account_bootstrap
    if cfg.is_identity:
        if cfg.is_team:
            out.add("users", None, f"a team stack (identityStack: {cfg.identity_stack}) declares no users: they "
                    "belong to its identity stack")
        elif cfg.workspaces:  # (a team stack with users: one mistake, said above)
            out.add("workspaces", None, "an identity stack (it declares users) has no workspaces: they go in team "
                    "stacks that name it in identityStack")
        seen: dict[str, str] = {}
        for ui, u in enumerate(cfg.users or ()):
            out.first(seen, u.name.lower(), f"users[{ui}].name", u.name, "user is listed twice (RAM user names ignore case)")
        if ab.enabled and ab.modules is None:
            out.add("accountBootstrap.modules", None, "is required in an identity stack with the bootstrap on: the "
                    "modules its team stacks use (it has no workspaces to take them from)")
    else:
        if not cfg.workspaces:
            given = "workspaces" in cfg.model_fields_set
            out.add("workspaces", None, f"{'needs at least 1 item(s)' if given else 'is required'} (an identity "
                    "stack declares users: instead)")
        if ab.modules is not None:
            out.add("accountBootstrap.modules", None, "is for an identity stack only: a stack with workspaces "
                    "activates its workspaces' modules")
    if cfg.is_team:
        where = f"the identity stack {cfg.identity_stack}"
        if ab.enabled:
            out.add("accountBootstrap.enabled", None, f"is account-wide: turn it on in {where} (two team stacks "
                    "would fight over one password policy)")
        if "access_logs" in cfg.model_fields_set:
            out.add("accessLogs", None, f"a team stack's buckets log to the access-log bucket of {where}: set "
                    "accessLogs there")
        for wi, ws in enumerate(cfg.workspaces):
            for mi, m in enumerate(ws.members):
                for attr in identity.USER_ATTRIBUTES:
                    if attr in m.model_fields_set:
                        out.add(f"workspaces[{wi}].members[{mi}].{to_camel(attr)}", None,
                                f"belongs to the user, not the membership: set it on users[] of {where}")
    return out.errors


def with_identity(cfg: StackConfig, exports: identity.IdentityExports) -> StackConfig:
    """A team stack's config with each member's user attributes taken from its identity stack's exports, then
    checked as a monolithic stack's is (`_check_meaning`: the dataset-acceleration group needs a resource admin,
    RAM's per-user limits, ...). Raises every mistake at once, each member the identity stack does not export among
    them. A team stack is checked only once its identity stack is known: `load` does its layout and shape."""
    errors: list[ConfigError] = []
    folded = {k.lower(): k for k in exports.users}
    workspaces = []
    for wi, ws in enumerate(cfg.workspaces):
        members = []
        for mi, m in enumerate(ws.members):
            user = exports.users.get(m.name)
            if user is not None:
                members.append(m.model_copy(update=user.attributes()))
                continue
            near = folded.get(m.name.lower())
            hint = (f"; it exports {near!r} (RAM user names ignore case: spell it the same)" if near else
                    f"; add it to users[] there (it exports {len(exports.users)} users)")
            errors.append(ConfigError(f"workspaces[{wi}].members[{mi}].name",
                                      f"{show(m.name)} is not a user of the identity stack {exports.stack}{hint}"))
            members.append(m)
        workspaces.append(ws.model_copy(update={"members": members}))
    if exports.region is not None and exports.region != cfg.region:
        errors.append(ConfigError("alicloud:region", f"{show(cfg.region)} is not the region of {exports.stack} "
                                  f"({exports.region}): its access-log bucket takes this stack's logs, and OSS logs "
                                  "within a region only"))
    filled = cfg.model_copy(update={"workspaces": workspaces})
    raise_all(errors + _check_meaning(filled, exports.access_log_bucket))
    return filled


def _cross_workspace(cfg: StackConfig, refused: bool) -> Iterator[tuple[str, Any, str]]:
    """Custom policies naming another workspace's bucket (`escalation.cross_bucket_problems`): the refused ones, or
    the ones only worth a warning."""
    owners: dict[str, str] = {}
    for ws in cfg.workspaces:
        for b in ws.buckets:
            owners.setdefault(naming.bucket_name(cfg.name_prefix, ws.name, b).lower(), ws.name)
    for wi, ws in enumerate(cfg.workspaces):
        for pi, p in enumerate(ws.policies):
            try:
                statements = p.statements
            except policy.PolicyError:
                continue
            for path, value, rule, refuse in escalation.cross_bucket_problems(statements, ws.name, owners):
                if refuse == refused:
                    yield f"workspaces[{wi}].policies[{pi}].document.{path}", value, rule


def _check_bucket_names(out: Problems, cfg: StackConfig, ws: Workspace, wp: str, seen: dict[str, str]) -> None:
    """Physical bucket names are global: valid once derived, and unique across the stack."""
    repeated = rules.repeated_keys(ws.buckets, "key")  # a repeated key is already one mistake
    for bi, b in enumerate(ws.buckets):
        if bi in repeated:
            continue
        physical = naming.bucket_name(cfg.name_prefix, ws.name, b)
        where = f"{wp}.buckets[{bi}].{'name' if b.name else 'key'}"
        try:
            naming.check_bucket_name(physical)
        except ValueError as e:
            out.add(where, physical, f"(derived bucket name) {e}")
        out.first(seen, physical, where, physical, "bucket name is used twice")


def _check_policy_limits(out: Problems, cfg: StackConfig, ws: Workspace, wp: str, seen_policy_names: dict[str, str]) -> None:
    """Derived RAM policy names unique in the account; RAM's per-group limits on custom and system policies."""
    wg = grants.workspace_grants(cfg.name_prefix, ws)
    custom_per_group: dict[str, int] = {}
    for spec in wg.policies:
        docs = spec.documents()
        for full, _doc in docs:
            out.first(seen_policy_names, full.lower(), f"{wp}.{spec.source}", full, "derived RAM policy name collides with another")
        for group in spec.groups:
            custom_per_group[group] = custom_per_group.get(group, 0) + len(docs)
    for group, count in custom_per_group.items():
        if count > naming.MAX_CUSTOM_POLICIES_PER_GROUP:
            out.add(f"{wp}.policies", group, f"group would hold {count} custom policies (RAM allows {naming.MAX_CUSTOM_POLICIES_PER_GROUP})")
    for g in wg.groups:
        if len(g.system_policies) > naming.MAX_SYSTEM_POLICIES_PER_GROUP:
            out.add(f"{wp}.modules", g.name, f"group would hold {len(g.system_policies)} system policies "
                    f"(RAM allows {naming.MAX_SYSTEM_POLICIES_PER_GROUP})")


def _check_users(out: Problems, cfg: StackConfig) -> None:
    """A user named in several workspaces is one RAM user: one spelling (RAM names ignore case), the same
    attributes, and RAM's limits counted over every group and policy the stack gives it."""
    first: dict[str, tuple[str, Member]] = {}
    groups: dict[str, int] = {}
    system: dict[str, set[str]] = {}
    admins = {m.name.lower() for ws in cfg.workspaces for m in ws.members if m.resource_admin}
    for wi, ws in enumerate(cfg.workspaces):
        listed: set[str] = set()
        for mi, m in enumerate(ws.members):
            mp, key = f"workspaces[{wi}].members[{mi}]", m.name.lower()
            if key in listed:
                continue  # listed twice in one workspace: `_check_meaning` says so
            listed.add(key)
            prev = first.get(key)
            if prev is None:
                first[key] = (mp, m)
                groups[key] = int(key in admins)  # the stack-wide resource-admins group
            elif prev[1].name != m.name:
                out.add(f"{mp}.name", m.name, f"is spelt {prev[1].name!r} at {prev[0]}: RAM user names ignore case, "
                        "so both are one user; spell them the same")
            else:
                # The user's attributes, but resourceAdmin: per membership here (plan/identity.py USER_ATTRIBUTES).
                for attr in (a for a in identity.USER_ATTRIBUTES if a != "resource_admin"):
                    if getattr(prev[1], attr) != getattr(m, attr):
                        out.add(f"{mp}.{to_camel(attr)}", getattr(m, attr), f"differs from the same user at {prev[0]}")
            before = groups[key]
            # a group per role, the workspace's activators group, and its dataset-acceleration group (resource admins)
            accelerates = m.resource_admin and catalogue.DATASET_ACCELERATION in ws.modules
            groups[key] += len(m.roles) + int(m.activator) + int(accelerates)
            if before <= naming.MAX_GROUPS_PER_USER < groups[key]:
                out.add(f"{mp}.roles", m.name, f"user would join {groups[key]} RAM groups over the stack (role, "
                        f"activators, dataset-acceleration and resource-admins groups); RAM allows "
                        f"{naming.MAX_GROUPS_PER_USER} per user")
            before = len(system.setdefault(key, set()))
            system[key].update(m.system_policies)
            if before <= naming.MAX_SYSTEM_POLICIES_PER_USER < len(system[key]):
                out.add(f"{mp}.systemPolicies", m.name, f"user would hold {len(system[key])} system policies "
                        f"directly; RAM allows {naming.MAX_SYSTEM_POLICIES_PER_USER} per user")


def warnings(cfg: StackConfig, exports: Optional[identity.IdentityExports] = None) -> list[str]:
    """Things that are allowed but probably not meant, one line each, for the preview to show.

    Seed 002's dependent-service table, MaxCompute row: "Add the MaxCompute Developer role for RAM accounts in the
    workspace". The project does not add the role by itself (it is a grant a reviewer should see in the stack file),
    so a workspace whose modules use MaxCompute (Designer, AutoML) and where no member holds it gets a warning.
    """
    lines = [f"{path}: {rule}" for path, _, rule in _cross_workspace(cfg, refused=False)]
    for wi, ws in enumerate(cfg.workspaces):
        for service in ws.services:
            role = catalogue.SERVICES[service].usage_role
            if role and not any(role in m.roles for m in ws.members):
                users = [m for m in ws.modules if service in catalogue.MODULES[m].services]
                lines.append(f"workspaces[{wi}].members: no member has {role}; {', '.join(users)} use "
                             f"{catalogue.SERVICES[service].title}, and seed 002 asks for that role for its RAM users")
        if exports is not None and exports.activated_modules:  # the identity stack activates for the estate
            missing = [m for m in ws.modules if m not in exports.activated_modules]
            if missing:
                lines.append(f"workspaces[{wi}].modules: {', '.join(missing)} not in the accountBootstrap.modules of "
                             f"the identity stack {exports.stack}, so their services are not activated by it")
    return lines


# --- errors -------------------------------------------------------------------------------------------------------

def load(raw: Mapping[str, Any]) -> StackConfig:
    """Validate a raw PAI config mapping (camelCase keys, `alicloud:region` whole). Raises ConfigError only: every
    mistake at once, one line each."""
    try:
        cfg = StackConfig.model_validate(raw)
    except ValidationError as e:
        raise_all(errors_of(e) + _meaning_of_valid_workspaces(raw, e))
        raise AssertionError("unreachable: a ValidationError holds at least one error") from None
    except (TypeError, ValueError, policy.PolicyError) as e:  # defensive: never a traceback for user input
        raise ConfigError("", f"invalid stack config ({e})") from None
    # A team stack's members are checked once the identity stack's users are known (`with_identity`).
    raise_all(_check_layout(cfg) + ([] if cfg.is_team else _check_meaning(cfg)))
    return cfg


def _meaning_of_valid_workspaces(raw: Mapping[str, Any], e: ValidationError) -> list[ConfigError]:
    """When only some workspaces are malformed, the others still get the meaning checks, so one run shows both
    kinds of mistakes. Paths are numbered as in the stack file."""
    bad, bad_keys = set(), set()
    for err in e.errors():
        loc = tuple(err["loc"])
        if len(loc) >= 2 and loc[0] == "workspaces" and isinstance(loc[1], int):
            bad.add(loc[1])
        elif loc and loc[0] in ("tags", "accountBootstrap", "accessLogs"):
            bad_keys.add(loc[0])  # no workspace rule reads them: judge the workspaces without them
        else:
            return []  # the region, the prefix or the list itself is wrong: workspace rules would judge wrongly
    given = raw.get("workspaces")
    keep = [i for i in range(len(given)) if i not in bad] if isinstance(given, list) else []
    if not keep:
        return []
    rest = {k: v for k, v in raw.items() if k not in bad_keys}
    try:
        partial = StackConfig.model_validate({**rest, "workspaces": [given[i] for i in keep]})
    except ValidationError:
        return []

    def renumber(text: str) -> str:
        return re.sub(r"workspaces\[(\d+)\]", lambda m: f"workspaces[{keep[int(m.group(1))]}]", text)

    return [ConfigError(renumber(x.path), renumber(x.message)) for x in _check_meaning(partial)]


