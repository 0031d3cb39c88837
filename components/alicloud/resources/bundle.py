"""One team's PAI workspace with its dependencies, composed from one workspace's validated config.

Which dependencies exist follows from the workspace's modules through the catalogue (seed 002): a VPC only when
a module needs one (DSW, DLC, EAS, LangStudio), NAS only for DSW and DLC, OSS for almost all; iTAG alone gets a
bucket and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence

import pulumi

from ...core.errors import ConfigError, Problems, raise_all
from .. import naming, rules
from ..plan import catalogue, grants, policy, quota
from .identity import UserRef, WorkspaceAccess, WorkspaceAccessArgs
from .lookups import ExistingNetwork
from .network import FlowLogArgs, Network, NetworkArgs, VSwitchArgs
from .storage import BucketArgs, FileSystemArgs, Storage, StorageArgs
from .workspace import MemberArgs, Workspace, WorkspaceArgs


@dataclass(frozen=True)
class BundleBucket:
    """An OSS bucket of the workspace: private, encrypted, versioned, public access blocked."""

    key: str
    """Stable key: the logical name and the default physical-name suffix (`naming.KEY_RULE`)."""
    name: Optional[str] = None
    """Physical bucket name; default `<prefix>-<workspace>-<key>`."""
    storage_class: rules.StorageClass = "Standard"
    """OSS storage class."""
    redundancy_type: rules.RedundancyType = "LRS"
    """LRS, or ZRS (zone-redundant: Standard, IA and Archive only)."""
    encryption: rules.Encryption = "AES256"
    """Server-side encryption: AES256 (OSS-managed keys) or KMS."""
    kms_key_id: Optional[str] = None
    """KMS key id, with encryption KMS."""
    protect: bool = True
    """Protect the bucket (and its data) from deletion."""


@dataclass(frozen=True)
class BundleFileSystem:
    """A NAS file system of the workspace: encrypted, in the workspace's permission group, mounted in each vSwitch."""

    key: str
    """Stable key: the logical name."""
    file_system_type: rules.FileSystemType = "standard"
    """standard or extreme NAS."""
    protocol_type: str = "NFS"
    """NFS or SMB (standard), NFS (extreme): `rules.NAS_PROTOCOLS`."""
    storage_type: str = "Capacity"
    """Performance, Capacity or Premium (standard); standard or advance (extreme): `rules.NAS_STORAGE_TYPES`."""
    capacity: Optional[int] = None
    """GiB, extreme NAS only (100-262144)."""
    zone_id: Optional[str] = None
    """Extreme NAS only: one of the workspace's zones."""
    description: Optional[str] = None
    """NAS description (no spaces); default `pai-platform:<workspace>:<key>`."""
    protect: bool = True
    """Protect the file system (and its data) from deletion."""


@dataclass(frozen=True)
class BundleMember:
    """A member of the workspace: a RAM user of the stack (`users`) and its PAI workspace roles."""

    name: str
    """RAM user name; a key of `WorkspaceBundleArgs.users`."""
    roles: Sequence[str]
    """PAI role ids (`catalogue.ROLES`, e.g. PAI.AlgoDeveloper)."""
    activator: bool = False
    """May activate the cloud services the workspace's modules need (the workspace's activators group)."""
    system_policies: Sequence[str] = ()
    """Extra system policies attached to the user: only those that fit the member (`rules.check_member_system_policy`)."""
    resource_admin: bool = False
    """A resource administrator: holds AliyunPAIFullAccess through the stack's resource-admins group (`Users`, made
    by the program that owns the users), and joins this workspace's dataset-acceleration group when it uses that
    module."""


@dataclass(frozen=True)
class BundlePolicy:
    """An extra custom RAM policy of the workspace, attached to the groups of the roles it names."""

    name: str
    """Stable key; the RAM policy is `<prefix>-<workspace>-<name>`."""
    statements: Sequence[policy.Statement]
    """Its statements (`policy.statement(...)`), validated like a stack file's document."""
    roles: Optional[Sequence[str]] = None
    """Role groups it is attached to; None: every role used in the workspace."""
    description: Optional[str] = None
    """RAM policy description (at most 1024 characters)."""


@dataclass(frozen=True)
class BundleQuotaGrant:
    """Access to PAI resource pools or quotas (seed 003) for the RAM groups of the roles it names."""

    name: str
    """Stable key; the RAM policy is `<prefix>-<workspace>-quota-<name>`."""
    scenario: str
    """resource-pool, root-quotas, root-quota or child-quota (`quota.SCENARIOS`)."""
    roles: Sequence[str]
    """Role groups it is attached to."""
    resource_groups: Sequence[str] = ()
    """root-quotas only: the dedicated resource groups quotas may draw on."""
    quota_id: Optional[str] = None
    """root-quota and child-quota only: the quota managed."""
    lingjun_vpc: bool = False
    """Add the VPC read statement Lingjun quotas need."""

    @property
    def statements(self) -> list[policy.Statement]:
        return quota.statements_for(self.scenario, resource_groups=self.resource_groups, quota_id=self.quota_id,
                                    lingjun_vpc=self.lingjun_vpc)


@dataclass(frozen=True)
class NewNetworkArgs:
    """A new VPC for the workspace, with one vSwitch per zone."""

    cidr: str
    """VPC CIDR block (mask /8-/28, outside the reserved blocks)."""
    vswitches: Sequence[VSwitchArgs]
    """One vSwitch per zone, inside `cidr`, not overlapping (mask /16-/29)."""
    flow_logs: Optional[FlowLogArgs] = None
    """VPC flow logs to an existing SLS project and logstore (None: none)."""


@dataclass(frozen=True)
class WorkspaceBundleArgs(catalogue.UsesModules):
    """One team's PAI workspace and what it depends on. Checked by the bundle itself (`validate_bundle`) with the
    rules a stack file is checked with, so another Pulumi program can build it with its own arguments."""

    name: str
    """PAI workspace name: 3-23 letters, digits, '_', starting with a letter; unique per region."""
    description: str
    """Required by PAI: 1-80 characters."""
    modules: Sequence[str]
    """PAI modules the team uses (`catalogue.MODULES`); they decide the network, storage and grants needed."""
    name_prefix: str
    """Stack-wide prefix of physical names (`core.naming.PREFIX_RULE`)."""
    users: Mapping[str, UserRef]
    """Every RAM user the members name, by name (users are shared by the workspaces they belong to)."""
    members: Sequence[BundleMember] = ()
    """The workspace's members."""
    display_name: Optional[str] = None
    """Display name in the PAI console."""
    env_types: Sequence[rules.EnvType] = ("prod",)
    """("prod",) simple mode, ("dev", "prod") standard mode (changing it replaces the workspace)."""
    network: Optional[NewNetworkArgs] = None
    """A new VPC, when a module needs one (DSW, DLC, EAS, LangStudio) and `existing_network` is not given."""
    existing_network: Optional[ExistingNetwork] = None
    """A bring-your-own VPC and vSwitches, as looked up (`lookups.resolve`)."""
    buckets: Sequence[BundleBucket] = ()
    """OSS buckets (give one when a module needs OSS)."""
    file_systems: Sequence[BundleFileSystem] = ()
    """NAS file systems (give one when a module needs NAS)."""
    policies: Sequence[BundlePolicy] = ()
    """Extra custom RAM policies."""
    quota_access: Sequence[BundleQuotaGrant] = ()
    """Resource pool and quota grants (seed 003)."""
    protect: bool = True
    """Protect the workspace from deletion."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags on the workspace's taggable resources, beside `pai-workspace` (a stack's own tags reach every
    resource through `tagging.register_stack_tags`)."""
    region: Optional[str] = None
    """The provider's region, when known: the vSwitch zones must belong to it."""
    access_log_bucket: Optional[pulumi.Input[str]] = None
    """The stack's access-log bucket (`audit.LogBucket`, same region and account): every bucket of the workspace
    sends its access logs there. None: the buckets are not logged (the policy pack refuses that)."""

    @property
    def has_network(self) -> bool:
        return self.network is not None or self.existing_network is not None


def validate_bundle(args: WorkspaceBundleArgs) -> list[ConfigError]:
    """Every mistake in `args`, one `ConfigError` each (paths as in a stack file's workspace), by the same rule
    functions the stack-file contract calls (`rules.py`, `naming.py`)."""
    out = Problems()

    def check(path: str, value: Any, fn: Callable[[Any], Any]) -> bool:
        try:
            fn(value)
        except (ValueError, policy.PolicyError) as e:
            shown = isinstance(value, (str, int)) and not isinstance(value, bool) and not str(e).startswith("'")
            out.add(path, value if shown else None, str(e))
            return False
        return True

    check("name", args.name, rules.check_workspace_name)
    check("description", args.description, rules.check_workspace_description)
    check("envTypes", list(args.env_types), rules.check_env_types)
    check("namePrefix", args.name_prefix, rules.check_name_prefix)
    check("tags", {k: v for k, v in args.tags.items() if k not in naming.AUTO_TAG_KEYS}, rules.check_tags)
    for i, m in enumerate(args.modules):
        check(f"modules[{i}]", m, rules.check_module)
    if args.network is not None:
        check("network.cidr", args.network.cidr, lambda v: rules.check_cidr(v, "VPC"))
        if args.network.flow_logs is not None:
            check("network.flowLogs.project", args.network.flow_logs.project, rules.check_sls_project)
            check("network.flowLogs.logStore", args.network.flow_logs.log_store, rules.check_sls_logstore)
        for i, v in enumerate(args.network.vswitches):
            check(f"network.vswitches[{i}].zoneId", v.zone_id, rules.check_zone_id)
            check(f"network.vswitches[{i}].cidr", v.cidr, lambda v: rules.check_cidr(v, "vSwitch"))
        if args.existing_network is not None:
            out.add("network", None, "give either network (a new VPC) or existing_network, not both")
    for i, b in enumerate(args.buckets):
        if check(f"buckets[{i}].key", b.key, rules.check_key):  # else the derived name repeats the mistake
            check(f"buckets[{i}].name", naming.bucket_name(args.name_prefix, args.name, b), naming.check_bucket_name)
        check(f"buckets[{i}]", b, lambda b: rules.check_bucket(b.storage_class, b.redundancy_type, b.encryption, b.kms_key_id))
    for i, f in enumerate(args.file_systems):
        check(f"fileSystems[{i}].key", f.key, rules.check_key)
        check(f"fileSystems[{i}]", f, lambda f: rules.check_file_system(
            f.file_system_type, f.protocol_type, f.storage_type, f.capacity, f.zone_id))
        if f.description is not None:
            check(f"fileSystems[{i}].description", f.description, rules.check_nas_description)
    for i, m in enumerate(args.members):
        check(f"members[{i}].name", m.name, rules.check_ram_user_name)
        if m.name not in args.users:
            out.add(f"members[{i}].name", m.name, "is not one of the users given to the bundle")
        for j, r in enumerate(m.roles):
            check(f"members[{i}].roles[{j}]", r, rules.check_role)
        for j, p in enumerate(m.system_policies):
            check(f"members[{i}].systemPolicies[{j}]", p, rules.check_system_policy)
    for i, p in enumerate(args.policies):
        check(f"policies[{i}].name", p.name, rules.check_key)
        check(f"policies[{i}].roles", p.roles, rules.check_policy_roles)
        for j, st in enumerate(p.statements):
            check(f"policies[{i}].document.Statement[{j}]", st, policy.validate_statement)
    for i, q in enumerate(args.quota_access):
        check(f"quotaAccess[{i}].name", q.name, rules.check_key)
        check(f"quotaAccess[{i}].scenario", q.scenario, quota.check_scenario)
    if not out.errors:  # the rules across fields assume each field is valid
        for path, value, rule in rules.check_workspace(args, args.region):
            out.add(path, value, rule)
    return out.errors


class WorkspaceBundle(pulumi.ComponentResource):
    """Network, storage, RAM access and the PAI workspace of one team."""

    network: Optional[Network]
    storage: Storage
    access: WorkspaceAccess
    workspace: Workspace

    def __init__(self, name: str, args: WorkspaceBundleArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        raise_all([ConfigError(f"{name}.{e.path}", e.message) for e in validate_bundle(args)])  # before registering
        super().__init__("pai:bundle:WorkspaceBundle", name, None, opts)
        ws, prefix = args, args.name_prefix
        tags = {**dict(args.tags), **naming.workspace_tags(ws.name)}  # the stack's: `tagging.register_stack_tags`
        child = pulumi.ResourceOptions(parent=self)
        stem = f"{prefix}-{naming.slug(ws.name)}"

        self.network = None
        if ws.network is not None or args.existing_network is not None:
            self.network = Network(
                f"{name}-network",
                NetworkArgs(
                    name=stem,
                    description=f"PAI workspace {ws.name}",
                    cidr=ws.network.cidr if ws.network else None,
                    vswitches=tuple(ws.network.vswitches) if ws.network else (),
                    vpc_id=args.existing_network.vpc_id if args.existing_network else None,
                    existing_vswitches=args.existing_network.vswitches if args.existing_network else (),
                    tags=tags,
                    flow_logs=ws.network.flow_logs if ws.network else None,
                ),
                child,
            )

        self.storage = Storage(
            f"{name}-storage",
            StorageArgs(
                buckets=tuple(
                    BucketArgs(b.key, naming.bucket_name(prefix, ws.name, b), b.storage_class, b.redundancy_type,
                               b.encryption, b.kms_key_id, b.protect)
                    for b in ws.buckets
                ),
                file_systems=tuple(
                    FileSystemArgs(
                        key=f.key,
                        description=f.description or f"pai-platform:{ws.name}:{f.key}",
                        file_system_type=f.file_system_type,
                        protocol_type=f.protocol_type,
                        storage_type=f.storage_type,
                        capacity=f.capacity,
                        zone_id=f.zone_id,
                        protect=f.protect,
                    )
                    for f in ws.file_systems
                ),
                subnets=tuple(self.network.subnets) if self.network else (),
                vpc_id=self.network.vpc_id if self.network else None,
                access_group_names={t: naming.nas_group_name(prefix, ws.name, t) for t in ("standard", "extreme")},
                tags=tags,
                access_log_bucket=args.access_log_bucket,
            ),
            child,
        )

        wg = grants.workspace_grants(prefix, ws)
        self.access = WorkspaceAccess(
            f"{name}-access",
            WorkspaceAccessArgs(wg.groups, wg.policies, dict(args.users), wg.member_system_policies, tags),
            child,
        )

        self.workspace = Workspace(
            name,
            WorkspaceArgs(
                name=ws.name,
                description=ws.description,
                env_types=tuple(ws.env_types),
                display_name=ws.display_name,
                members=tuple(MemberArgs(m.name, args.users[m.name].id, tuple(m.roles)) for m in ws.members),
                protect=ws.protect,
            ),
            child,
        )
        self.register_outputs({"workspaceId": self.workspace.workspace.id})
