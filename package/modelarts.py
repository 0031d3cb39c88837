"""`pai:index:ModelArtsWorkspace`: one team's ModelArts workspace resources on Huawei Cloud, for any Pulumi language.

A thin wrapper over the library's `ModelArtsWorkspace` bundle (components/huaweicloud/resources/bundle.py): the
schema's plain inputs become its `WorkspaceArgs`; the bundle validates them before registering anything and builds
the network, OBS buckets, SFS Turbo, IAM users, groups and policies, and the ModelArts agency. The ModelArts
workspace itself has no resource in pulumi-huaweicloud 0.0.12 (docs/modelarts.md), so there is no workspace id.

No `from __future__ import annotations` here: the SDK's analyzer reads the annotations as evaluated types.
"""

from typing import NotRequired, Optional, TypedDict

import pulumi

from components.core.errors import ConfigError, raise_all
from components.huaweicloud.resources.agency import AgencyArgs
from components.huaweicloud.resources.bundle import ModelArtsWorkspace as WorkspaceBundle
from components.huaweicloud.resources.bundle import WorkspaceArgs, validate_workspace
from components.huaweicloud.resources.iam import MemberArgs, RoleArgs
from components.huaweicloud.resources.network import NetworkArgs
from components.huaweicloud.resources.storage import BucketArgs, FileSystemArgs

from .plain import require_plain

TOKEN = "pai:index:ModelArtsWorkspace"


class ModelArtsRole(TypedDict):
    """A team role: one IAM user group whose custom policies grant the role's ModelArts functions."""

    key: str
    """Stable role key (lowercase letters, digits, '-'), e.g. trainer. Names the group and its policies."""
    functions: list[str]
    """ModelArts catalogue function keys, e.g. [training-jobs, notebooks]."""
    description: NotRequired[str]
    """Free text for the group's description."""


class ModelArtsMember(TypedDict):
    """A person in the workspace: an IAM user created here, or an existing one brought by id."""

    name: str
    """IAM user name (1-32 letters, digits, '-', '_', not starting with a digit): the stable key."""
    roles: list[str]
    """Role keys this member belongs to."""
    existing_user_id: NotRequired[pulumi.Input[str]]
    """Bring your own user: its IAM user id (e.g. another workspace's userIds output)."""
    password: NotRequired[pulumi.Input[str]]
    """Initial console password of a created user, kept secret (pass a secret)."""
    generate_password: NotRequired[bool]
    """Generate the initial console password when password is not given (see the output initialPasswords)."""
    email: NotRequired[str]
    """E-mail address (created users only)."""
    access_type: NotRequired[str]
    """console (default), programmatic or default (both)."""
    pwd_reset: NotRequired[bool]
    """Ask for a new password at first login (created users only); default true."""


class ModelArtsBucket(TypedDict):
    """An OBS bucket for the workspace (datasets, code, outputs, logs...)."""

    key: str
    """Stable key (lowercase letters, digits, '-'), e.g. datasets. Names the Pulumi resource."""
    name: str
    """Physical bucket name, globally unique: 3-63 lowercase letters, digits, '-', '.'."""
    encryption: NotRequired[bool]
    """Default server-side encryption; default true."""
    sse_algorithm: NotRequired[str]
    """kms (default, KMS-managed keys) or AES256 (OBS-managed keys)."""
    kms_key_id: NotRequired[str]
    """KMS key for kms; the account's default OBS master key when unset."""
    versioning: NotRequired[bool]
    """Keep object versions; default true."""
    storage_class: NotRequired[str]
    """STANDARD (default), WARM or COLD."""
    protect: NotRequired[bool]
    """Protect the bucket from deletion; default true."""
    force_destroy: NotRequired[bool]
    """Delete all objects when the bucket is deleted; default false."""


class ModelArtsFileSystem(TypedDict):
    """An SFS Turbo file system (needs network)."""

    key: str
    """Stable key, e.g. shared."""
    name: str
    """Physical name: 4-64 characters starting with a letter."""
    size: int
    """Capacity in GB: 500-32768 for STANDARD and PERFORMANCE."""
    availability_zone: str
    """AZ of the file system, e.g. cn-north-4a."""
    share_type: NotRequired[str]
    """STANDARD (default), PERFORMANCE, HPC or HPC_CACHE."""
    crypt_key_id: NotRequired[str]
    """KMS key to encrypt the file system at rest (changing it replaces the file system)."""
    protect: NotRequired[bool]
    """Protect the file system from deletion; default true."""


class ModelArtsNetwork(TypedDict):
    """VPC, subnet and security group: created, or existing ones brought by id."""

    name: str
    """VPC name; the subnet and security group take it as their prefix (1-64 letters, digits, '-', '_', '.')."""
    vpc_cidr: NotRequired[str]
    """VPC block (private, prefix at most /24); default 192.168.0.0/16."""
    subnet_cidr: NotRequired[str]
    """Subnet block inside vpcCidr (prefix at most /28); default 192.168.0.0/24."""
    gateway_ip: NotRequired[str]
    """Subnet gateway; default the first host address of subnetCidr."""
    availability_zone: NotRequired[str]
    """AZ of the subnet."""
    existing_vpc_id: NotRequired[str]
    """Bring your own VPC (with existingSubnetId and existingSecurityGroupId)."""
    existing_subnet_id: NotRequired[str]
    """Bring your own subnet: its network id."""
    existing_security_group_id: NotRequired[str]
    """Bring your own security group."""


class ModelArtsAgencySettings(TypedDict):
    """Settings of the ModelArts agency, when the derived one does not fit."""

    name: str
    """Agency name (1-64 letters, digits, '-', '_')."""
    functions: list[str]
    """Catalogue function keys; the agency gets these functions' agency actions and nothing else."""
    policy_prefix: NotRequired[str]
    """Prefix of the custom policies' physical names; default the agency name."""
    delegated_service_name: NotRequired[str]
    """Cloud service the agency is delegated to; default op_svc_modelarts."""
    duration: NotRequired[str]
    """Validity: FOREVER (default), ONEDAY or a number of days."""
    use_full_set: NotRequired[bool]
    """Also grant fullSetRoles (broad system policies)."""
    full_set_roles: NotRequired[list[str]]
    """System policy names for useFullSet, e.g. [ModelArts CommonOperation]."""
    description: NotRequired[str]
    """Agency description (none of @#$%^&*<>\\)."""


class ModelArtsWorkspaceArgs(TypedDict):
    ("The arguments of a ModelArtsWorkspace. Every input is plain (known when the component is constructed), "
     "except projectId, domainId, members[].existingUserId and members[].password.")

    name: str
    """Workspace key (lowercase letters, digits, '-', letter first, at most 32): prefix of physical names."""
    project_name: str
    """Region project name, e.g. cn-north-4."""
    project_id: pulumi.Input[str]
    """Id of that region project: project-scope policies are assigned to it."""
    domain_id: pulumi.Input[str]
    """Account (domain) id: global-scope policies are assigned to it."""
    roles: list[ModelArtsRole]
    """Roles, each with its ModelArts functions; one user group each."""
    members: NotRequired[list[ModelArtsMember]]
    """Members and their roles."""
    buckets: NotRequired[list[ModelArtsBucket]]
    """OBS buckets."""
    file_systems: NotRequired[list[ModelArtsFileSystem]]
    """SFS Turbo file systems (need network)."""
    network: NotRequired[ModelArtsNetwork]
    """VPC, subnet and security group; required when there are file systems."""
    create_agency: NotRequired[bool]
    """Create the ModelArts agency with minimal custom authorization; default true."""
    agency: NotRequired[ModelArtsAgencySettings]
    """Agency settings; default <name>-modelarts-agency with the union of the roles' functions."""
    include_mandatory: NotRequired[bool]
    """Add the mandatory user actions (iam:tokens:assume) to every role; default true."""
    tags: NotRequired[dict[str, str]]
    """Tags added to every child resource that takes tags (OBS, SFS Turbo, VPC)."""


_MAY_BE_OUTPUT = ("project_id", "domain_id", "members[*].existing_user_id", "members[*].password")


class ModelArtsWorkspace(pulumi.ComponentResource):
    ("The Huawei Cloud resources of one ModelArts workspace: IAM users, one user group per role with custom "
     "policies, OBS buckets, SFS Turbo file systems, the network and the ModelArts agency. Built by pai-platform's"
     " ModelArtsWorkspace bundle, which validates the arguments before registering anything.")

    bucket_names: pulumi.Output[dict[str, str]]
    """Physical OBS bucket name, by bucket key."""
    bucket_endpoints: pulumi.Output[dict[str, str]]
    """OBS bucket domain name, by bucket key."""
    file_system_ids: pulumi.Output[dict[str, str]]
    """SFS Turbo id, by file system key."""
    file_system_export_locations: pulumi.Output[dict[str, str]]
    """SFS Turbo export location (mount address), by file system key."""
    group_names: pulumi.Output[dict[str, str]]
    """IAM user group name, by role key."""
    group_ids: pulumi.Output[dict[str, str]]
    """IAM user group id, by role key."""
    user_ids: pulumi.Output[dict[str, str]]
    """IAM user id, by member name (created or existing)."""
    agency_name: pulumi.Output[str]
    """Name of the ModelArts agency; empty when none is created."""
    vpc_id: pulumi.Output[str]
    """Id of the VPC (created or existing); empty without network."""
    policies: pulumi.Output[dict[str, str]]
    """Rendered custom IAM policy JSON, by logical key, for review."""
    initial_passwords: pulumi.Output[dict[str, str]]
    """Secret: the initial console password, by member name (members with password or generatePassword)."""

    def __init__(self, name: str, args: ModelArtsWorkspaceArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        raise_all(require_plain(name, args, _MAY_BE_OUTPUT))  # before registering anything
        workspace_args = workspace_args_for(args)
        try:  # the library's own check, here too so that not even this component is registered on a mistake
            validate_workspace(workspace_args, name)
        except ValueError as e:
            raise ConfigError("", str(e)) from None
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        bundle = WorkspaceBundle(name, workspace_args, child)

        buckets, file_systems = bundle.storage.buckets, bundle.storage.file_systems
        self.bucket_names = pulumi.Output.from_input({k: b.bucket for k, b in buckets.items()})
        self.bucket_endpoints = pulumi.Output.from_input({k: b.bucket_domain_name for k, b in buckets.items()})
        self.file_system_ids = pulumi.Output.from_input({k: f.id for k, f in file_systems.items()})
        self.file_system_export_locations = pulumi.Output.from_input(
            {k: f.export_location for k, f in file_systems.items()})
        self.group_names = pulumi.Output.from_input({k: g.name for k, g in bundle.identity.groups.items()})
        self.group_ids = pulumi.Output.from_input({k: g.id for k, g in bundle.identity.groups.items()})
        self.user_ids = pulumi.Output.from_input(dict(bundle.identity.users))
        self.agency_name = bundle.agency.agency.name if bundle.agency else pulumi.Output.from_input("")
        self.vpc_id = bundle.network.vpc_id if bundle.network else pulumi.Output.from_input("")
        self.policies = pulumi.Output.from_input(dict(bundle.identity.policies))
        self.initial_passwords = pulumi.Output.secret(dict(bundle.identity.passwords))
        self.register_outputs({
            "bucketNames": self.bucket_names,
            "bucketEndpoints": self.bucket_endpoints,
            "fileSystemIds": self.file_system_ids,
            "fileSystemExportLocations": self.file_system_export_locations,
            "groupNames": self.group_names,
            "groupIds": self.group_ids,
            "userIds": self.user_ids,
            "agencyName": self.agency_name,
            "vpcId": self.vpc_id,
            "policies": self.policies,
            "initialPasswords": self.initial_passwords,
        })


def workspace_args_for(args: ModelArtsWorkspaceArgs) -> WorkspaceArgs:
    """The library's arguments from the schema's (plain dicts, snake_case keys: the library's own field names)."""
    net = args.get("network")
    agency = args.get("agency")
    return WorkspaceArgs(
        name=args["name"],
        project_name=args["project_name"],
        project_id=args["project_id"],
        domain_id=args["domain_id"],
        roles=[RoleArgs(**r) for r in args["roles"]],
        members=[MemberArgs(**m) for m in args.get("members", [])],  # type: ignore[arg-type]
        buckets=[BucketArgs(**b) for b in args.get("buckets", [])],
        file_systems=[FileSystemArgs(**{**f, **({"size": _whole(f["size"])} if "size" in f else {})})
                      for f in args.get("file_systems", [])],
        network=NetworkArgs(**net) if net is not None else None,
        create_agency=bool(args.get("create_agency", True)),
        agency=AgencyArgs(project_name=args["project_name"], **agency) if agency is not None else None,  # type: ignore
        include_mandatory=bool(args.get("include_mandatory", True)),
        tags=dict(args.get("tags", {})),
    )


def _whole(n):
    """An integer input as the engine hands it over: a number, a float when it crossed the wire (protobuf Struct
    numbers are doubles); a whole float becomes the int the library's rules expect."""
    return int(n) if isinstance(n, float) and n.is_integer() else n
