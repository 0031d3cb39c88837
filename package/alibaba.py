"""`pai:index:AlibabaWorkspace`: one team's PAI workspace on Alibaba Cloud, served to any Pulumi language.

A thin wrapper: it maps the schema's plain inputs onto the library's typed arguments (`UsersArgs`,
`WorkspaceBundleArgs`), lets the library validate them (`validate_bundle`, the rules a stack file is checked
with) and build every resource (`Users`, `WorkspaceBundle`), and exposes a few outputs.

No `from __future__ import annotations` here: the SDK's analyzer reads the annotations as evaluated types.
"""

import dataclasses
from typing import Any, NotRequired, Optional, TypedDict

import pulumi

from components.alicloud import naming
from components.alicloud.plan.policy import Statement
from components.alicloud.resources.bundle import (
    BundleBucket,
    BundleFileSystem,
    BundleMember,
    BundlePolicy,
    BundleQuotaGrant,
    NewNetworkArgs,
    WorkspaceBundle,
    WorkspaceBundleArgs,
    validate_bundle,
)
from components.alicloud.resources.identity import UserArgs, UserRef, Users, UsersArgs
from components.alicloud.resources.lookups import ExistingNetwork, ExistingVSwitch
from components.alicloud.resources.network import VSwitchArgs
from components.core import tags as core_tags
from components.core.errors import ConfigError, raise_all

from .plain import require_plain

TOKEN = "pai:index:AlibabaWorkspace"


class AlibabaMember(TypedDict):
    """A member of the workspace: a RAM user created by this component (or an existing one) and its PAI roles."""

    name: str
    """RAM user name (1-64 letters, digits, '.', '_', '-'): the stable key of the member."""
    roles: list[str]
    """PAI role ids, e.g. PAI.AlgoDeveloper, PAI.WorkspaceAdmin."""
    display_name: NotRequired[str]
    """Display name of a created user; default: its name."""
    console_login: NotRequired[bool]
    """Give a created user a console login with a generated password (see the output initialPasswords)."""
    access_key: NotRequired[bool]
    """Create an access key for a created user (see the outputs accessKeyIds and accessKeySecrets)."""
    existing_user_id: NotRequired[pulumi.Input[str]]
    ("Use an existing RAM user with this UserId instead of creating one (e.g. another workspace's userIds output: "
     "a RAM user name is account-wide, so a person in two workspaces is created by one of them only).")
    activator: NotRequired[bool]
    """May activate the cloud services the workspace's modules need (the workspace's activators group)."""
    system_policies: NotRequired[list[str]]
    """Extra system policies attached to the user (not admin-only ones such as AliyunPAIFullAccess)."""


class AlibabaVSwitch(TypedDict):
    """A vSwitch of a new VPC."""

    zone_id: str
    """Zone of the vSwitch, e.g. cn-hangzhou-h (one of the region's zones)."""
    cidr: str
    """CIDR block of the vSwitch, inside the VPC's (mask /16-/29), not overlapping another vSwitch."""


class AlibabaNetwork(TypedDict):
    """A new VPC for the workspace, with one vSwitch per zone and a security group with no ingress rules."""

    cidr: str
    """VPC CIDR block (mask /8-/28, outside the reserved blocks)."""
    vswitches: list[AlibabaVSwitch]
    """One vSwitch per zone."""


class AlibabaExistingVSwitch(TypedDict):
    """A vSwitch of an existing VPC, as the cloud reports it."""

    id: str
    """vSwitch id (vsw-...)."""
    cidr: str
    """Its CIDR block, exactly as the cloud reports it: NAS access rules admit exactly it."""


class AlibabaExistingNetwork(TypedDict):
    """A bring-your-own VPC and vSwitches, looked up beforehand."""

    vpc_id: str
    """VPC id (vpc-...)."""
    vswitches: list[AlibabaExistingVSwitch]
    """The vSwitches the workspace uses."""


class AlibabaBucket(TypedDict):
    """An OSS bucket of the workspace: private, encrypted, versioned, public access blocked."""

    key: str
    """Stable key: the logical name and the default physical-name suffix (lowercase letters, digits, '-')."""
    name: NotRequired[str]
    """Physical bucket name; default <namePrefix>-<workspace>-<key>."""
    storage_class: NotRequired[str]
    """Standard (default), IA, Archive or ColdArchive."""
    redundancy_type: NotRequired[str]
    """LRS (default) or ZRS (zone-redundant: Standard, IA and Archive only)."""
    encryption: NotRequired[str]
    """Server-side encryption: AES256 (default, OSS-managed keys) or KMS."""
    kms_key_id: NotRequired[str]
    """KMS key id, with encryption KMS."""
    protect: NotRequired[bool]
    """Protect the bucket (and its data) from deletion; default true."""


class AlibabaFileSystem(TypedDict):
    """A NAS file system of the workspace: encrypted, in the workspace's permission group, mounted in each vSwitch."""

    key: str
    """Stable key: the logical name."""
    file_system_type: NotRequired[str]
    """standard (default) or extreme."""
    protocol_type: NotRequired[str]
    """NFS (default) or SMB (standard only)."""
    storage_type: NotRequired[str]
    """Performance, Capacity (default) or Premium for standard NAS; standard or advance for extreme NAS."""
    capacity: NotRequired[int]
    """GiB, extreme NAS only (100-262144)."""
    zone_id: NotRequired[str]
    """Extreme NAS only: one of the workspace's zones."""
    description: NotRequired[str]
    """NAS description (no spaces); default pai-platform:<workspace>:<key>."""
    protect: NotRequired[bool]
    """Protect the file system (and its data) from deletion; default true."""


class AlibabaPolicyStatement(TypedDict):
    """One RAM policy statement."""

    actions: list[str]
    """Actions, service:Action with * and ? wildcards."""
    resources: NotRequired[list[str]]
    """Resources: * (default) or acs:service:region:account:relative-id."""
    effect: NotRequired[str]
    """Allow (default) or Deny."""
    condition: NotRequired[dict[str, dict[str, Any]]]
    """Conditions, {operator: {key: value}}."""


class AlibabaPolicy(TypedDict):
    """An extra custom RAM policy of the workspace, attached to the groups of the roles it names."""

    name: str
    """Stable key; the RAM policy is <namePrefix>-<workspace>-<name>."""
    statements: list[AlibabaPolicyStatement]
    """Its statements, validated like a stack file's policy document."""
    roles: NotRequired[list[str]]
    """Role groups it is attached to; default: every role used in the workspace."""
    description: NotRequired[str]
    """RAM policy description (at most 1024 characters)."""


class AlibabaQuotaGrant(TypedDict):
    """Access to PAI resource pools or quotas for the RAM groups of the roles it names."""

    name: str
    """Stable key; the RAM policy is <namePrefix>-<workspace>-quota-<name>."""
    scenario: str
    """resource-pool, root-quotas, root-quota or child-quota."""
    roles: list[str]
    """Role groups it is attached to."""
    resource_groups: NotRequired[list[str]]
    """root-quotas only: the dedicated resource groups quotas may draw on."""
    quota_id: NotRequired[str]
    """root-quota and child-quota only: the quota managed."""
    lingjun_vpc: NotRequired[bool]
    """Add the VPC read statement Lingjun quotas need."""


class AlibabaWorkspaceArgs(TypedDict):
    ("The arguments of an AlibabaWorkspace. Every input is plain (known when the component is constructed), except"
     " members[].existingUserId: the library validates the arguments and derives names before it registers "
     "anything.")

    name: str
    """PAI workspace name: 3-23 letters, digits, '_', starting with a letter; unique per region."""
    description: str
    """Workspace description, required by PAI: 1-80 characters."""
    modules: list[str]
    ("PAI modules the team uses (e.g. dsw, dlc, eas, designer, itag); they decide the network, storage and grants "
     "needed.")
    name_prefix: str
    """Prefix of every physical name (RAM groups and policies, buckets, VPC)."""
    members: NotRequired[list[AlibabaMember]]
    """The workspace's members; a RAM user is created for each (unless existingUserId is given)."""
    display_name: NotRequired[str]
    """Display name in the PAI console."""
    env_types: NotRequired[list[str]]
    """[prod] simple mode (default), [dev, prod] standard mode (changing it replaces the workspace)."""
    network: NotRequired[AlibabaNetwork]
    """A new VPC, when a module needs one (DSW, DLC, EAS, LangStudio) and existingNetwork is not given."""
    existing_network: NotRequired[AlibabaExistingNetwork]
    """A bring-your-own VPC and vSwitches."""
    buckets: NotRequired[list[AlibabaBucket]]
    """OSS buckets (give one when a module needs OSS)."""
    file_systems: NotRequired[list[AlibabaFileSystem]]
    """NAS file systems (give one when a module needs NAS)."""
    policies: NotRequired[list[AlibabaPolicy]]
    """Extra custom RAM policies."""
    quota_access: NotRequired[list[AlibabaQuotaGrant]]
    """Resource pool and quota grants."""
    protect: NotRequired[bool]
    """Protect the workspace from deletion; default true."""
    tags: NotRequired[dict[str, str]]
    """Tags for every taggable resource (managed-by and pai-workspace are added)."""
    region: NotRequired[str]
    """The provider's region, when known: the vSwitch zones must belong to it."""


# Inputs that may be outputs of other resources; every other input must be known at construction.
_MAY_BE_OUTPUT = ("members[*].existing_user_id",)


class AlibabaWorkspace(pulumi.ComponentResource):
    ("One team's PAI workspace on Alibaba Cloud: its members' RAM users, RAM groups per role and policies, the "
     "network, OSS buckets, NAS file systems and the PAI workspace with its members. Built by pai-platform's Users"
     " and WorkspaceBundle components, which validate the arguments before registering anything.")

    workspace_id: pulumi.Output[str]
    """Id of the PAI workspace."""
    workspace_name: pulumi.Output[str]
    """Name of the PAI workspace."""
    bucket_names: pulumi.Output[dict[str, str]]
    """Physical OSS bucket name, by bucket key."""
    file_system_ids: pulumi.Output[dict[str, str]]
    """NAS file system id, by file system key."""
    group_names: pulumi.Output[dict[str, str]]
    """RAM group name, by group key (one group per PAI role, plus activators when needed)."""
    user_ids: pulumi.Output[dict[str, str]]
    """RAM UserId, by member name (created or existing users)."""
    vpc_id: pulumi.Output[str]
    """Id of the workspace's VPC (created or existing); empty when the workspace has no network."""
    vswitch_ids: pulumi.Output[list[str]]
    """Ids of the workspace's vSwitches; empty when the workspace has no network."""
    initial_passwords: pulumi.Output[dict[str, str]]
    """Secret: the generated initial console password, by member name (members with consoleLogin)."""
    access_key_ids: pulumi.Output[dict[str, str]]
    """AccessKey id, by member name (members with accessKey)."""
    access_key_secrets: pulumi.Output[dict[str, str]]
    """Secret: AccessKey secret, by member name (members with accessKey)."""

    def __init__(self, name: str, args: AlibabaWorkspaceArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        raise_all(require_plain(name, args, _MAY_BE_OUTPUT))  # before registering anything
        bundle_args = bundle_args_for(args)
        # The library's own rules, every mistake at once, before the first registration (Users would register
        # the RAM users before the bundle's own check runs).
        placeholders = {m.name: UserRef(name=m.name, id="") for m in bundle_args.members}  # type: ignore[arg-type]
        raise_all([ConfigError(f"{name}.{e.path}", e.message)
                   for e in validate_bundle(dataclasses.replace(bundle_args, users=placeholders))])
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        users = Users(f"{name}-users", users_args_for(args), child)
        bundle = WorkspaceBundle(name, dataclasses.replace(bundle_args, users=users.users), child)

        refs = users.users
        network = bundle.network
        self.workspace_id = bundle.workspace.workspace.id
        self.workspace_name = bundle.workspace.workspace.workspace_name
        self.bucket_names = pulumi.Output.from_input({k: b.bucket for k, b in bundle.storage.buckets.items()})
        self.file_system_ids = pulumi.Output.from_input({k: f.id for k, f in bundle.storage.file_systems.items()})
        self.group_names = pulumi.Output.from_input({k: g.group_name for k, g in bundle.access.groups.items()})
        self.user_ids = pulumi.Output.from_input({k: u.id for k, u in refs.items()})
        self.vpc_id = network.vpc_id if network else pulumi.Output.from_input("")
        self.vswitch_ids = pulumi.Output.from_input([s.id for s in network.subnets] if network else [])
        self.initial_passwords = pulumi.Output.secret({k: u.password for k, u in refs.items() if u.password})
        self.access_key_ids = pulumi.Output.from_input({k: u.access_key_id for k, u in refs.items() if u.access_key_id})
        self.access_key_secrets = pulumi.Output.secret(
            {k: u.access_key_secret for k, u in refs.items() if u.access_key_secret})
        self.register_outputs({
            "workspaceId": self.workspace_id,
            "workspaceName": self.workspace_name,
            "bucketNames": self.bucket_names,
            "fileSystemIds": self.file_system_ids,
            "groupNames": self.group_names,
            "userIds": self.user_ids,
            "vpcId": self.vpc_id,
            "vswitchIds": self.vswitch_ids,
            "initialPasswords": self.initial_passwords,
            "accessKeyIds": self.access_key_ids,
            "accessKeySecrets": self.access_key_secrets,
        })


def users_args_for(args: AlibabaWorkspaceArgs) -> UsersArgs:
    """The RAM users of the members: created, or existing by id. No resource admins: that group is stack-wide."""
    return UsersArgs(
        users=tuple(
            UserArgs(
                m["name"],
                display_name=m.get("display_name"),
                existing="existing_user_id" in m,
                console_login=bool(m.get("console_login", False)),
                access_key=bool(m.get("access_key", False)),
                id=m.get("existing_user_id"),  # type: ignore[arg-type]  # an Input: Users wraps it in an Output
            )
            for m in args.get("members", [])
        ),
        resource_admin_group=naming.resource_admin_group(args["name_prefix"]),
        tags=core_tags.stack_tags(dict(args.get("tags", {}))),
    )


def bundle_args_for(args: AlibabaWorkspaceArgs) -> WorkspaceBundleArgs:
    """The library's arguments from the schema's (plain dicts, snake_case keys); `users` is filled in later."""
    net = args.get("network")
    existing = args.get("existing_network")
    return WorkspaceBundleArgs(
        name=args["name"],
        description=args["description"],
        modules=tuple(args["modules"]),
        name_prefix=args["name_prefix"],
        users={},
        members=tuple(
            BundleMember(m["name"], tuple(m["roles"]), bool(m.get("activator", False)),
                         tuple(m.get("system_policies", ())))
            for m in args.get("members", [])
        ),
        display_name=args.get("display_name"),
        env_types=tuple(args.get("env_types", ("prod",))),  # type: ignore[arg-type]
        network=NewNetworkArgs(net["cidr"], tuple(VSwitchArgs(v["zone_id"], v["cidr"]) for v in net["vswitches"]))
        if net is not None else None,
        existing_network=ExistingNetwork(
            existing["vpc_id"], tuple(ExistingVSwitch(v["id"], v["cidr"]) for v in existing["vswitches"]))
        if existing is not None else None,
        buckets=tuple(BundleBucket(**_known(b)) for b in args.get("buckets", [])),
        file_systems=tuple(BundleFileSystem(**_known(f)) for f in args.get("file_systems", [])),
        policies=tuple(
            BundlePolicy(
                p["name"],
                tuple(Statement(actions=tuple(s["actions"]), resources=tuple(s.get("resources", ("*",))),
                                effect=s.get("effect", "Allow"), condition=dict(s.get("condition", {})))
                      for s in p["statements"]),
                roles=tuple(p["roles"]) if "roles" in p else None,
                description=p.get("description"),
            )
            for p in args.get("policies", [])
        ),
        quota_access=tuple(
            BundleQuotaGrant(q["name"], q["scenario"], tuple(q["roles"]), tuple(q.get("resource_groups", ())),
                             q.get("quota_id"), bool(q.get("lingjun_vpc", False)))
            for q in args.get("quota_access", [])
        ),
        protect=bool(args.get("protect", True)),
        tags=core_tags.stack_tags(dict(args.get("tags", {}))),
        region=args.get("region"),
    )


def _known(d: Any) -> dict[str, Any]:
    """A nested input object as keyword arguments: the keys the caller gave (the library's defaults otherwise)."""
    return dict(d)
