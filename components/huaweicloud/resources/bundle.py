"""One ModelArts workspace's resources from one typed argument object: network, storage, IAM and agency.

Everything is validated before the first resource is registered. The ModelArts workspace itself and the
agency's registration in ModelArts have no resource in pulumi-huaweicloud 0.0.12: see docs/modelarts.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Optional, Sequence

import pulumi

from ..plan import catalogue
from .agency import AgencyArgs, ModelArtsAgency, validate_agency
from .iam import Identity, IdentityArgs, MemberArgs, RoleArgs, validate_identity
from .network import Network, NetworkArgs, validate_network
from .storage import BucketArgs, FileSystemArgs, Storage, StorageArgs, validate_storage

_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")


@dataclass
class WorkspaceArgs:
    """Everything one ModelArts workspace needs on Huawei Cloud."""

    name: str
    """Workspace key (lowercase letters, digits, '-'): prefix of physical and logical names."""
    project_name: str
    """Region project name, e.g. ``cn-north-4`` (the agency's project roles are granted by name)."""
    project_id: pulumi.Input[str]
    """Id of that region project: project-scope policies are assigned to it."""
    domain_id: pulumi.Input[str]
    """Account (domain) id: global-scope policies are assigned to it."""
    roles: Sequence[RoleArgs]
    """Roles, each with its ModelArts functions; one user group each."""
    members: Sequence[MemberArgs] = field(default_factory=list)
    """Members and their roles."""
    buckets: Sequence[BucketArgs] = field(default_factory=list)
    """OBS buckets."""
    file_systems: Sequence[FileSystemArgs] = field(default_factory=list)
    """SFS Turbo file systems (need ``network``)."""
    network: Optional[NetworkArgs] = None
    """VPC, subnet and security group (created or existing). Required when there are file systems."""
    create_agency: bool = True
    """Create the ModelArts agency with minimal custom authorization."""
    agency: Optional[AgencyArgs] = None
    """Agency settings; by default named ``<name>-modelarts-agency`` with the union of the roles' functions."""
    include_mandatory: bool = True
    """Add the seed's mandatory user actions (table 1) to every role."""


def resolved_agency(args: WorkspaceArgs) -> Optional[AgencyArgs]:
    """The agency the bundle will create, or ``None`` (disabled, or derived and nothing to grant)."""
    if not args.create_agency:
        return None
    if args.agency is not None:
        return args.agency
    functions = sorted({f for role in args.roles for f in role.functions})
    if not catalogue.agency_actions(functions):
        return None
    return AgencyArgs(name=f"{args.name}-modelarts-agency", functions=functions, project_name=args.project_name)


def validate_workspace(args: WorkspaceArgs, path: str = "workspace") -> None:
    """Validate every part; raise ``ValueError`` naming the config path of the first problem."""
    if not _NAME.match(args.name or ""):
        raise ValueError(f"{path}.name: {args.name!r} must be lowercase letters, digits, '-', letter first "
                         "(at most 32)")
    if not args.project_name:
        raise ValueError(f"{path}.project_name: required, e.g. cn-north-4")
    validate_identity(_identity_args(args), path)
    if args.network is not None:
        validate_network(args.network, f"{path}.network")
    if args.file_systems and args.network is None:
        raise ValueError(f"{path}.file_systems: SFS Turbo needs {path}.network")
    validate_storage(StorageArgs(buckets=args.buckets, file_systems=args.file_systems), path, check_network=False)
    agency = resolved_agency(args)
    if agency is not None:
        validate_agency(agency, f"{path}.agency")


def _identity_args(args: WorkspaceArgs) -> IdentityArgs:
    return IdentityArgs(prefix=args.name, domain_id=args.domain_id, project_id=args.project_id, roles=args.roles,
                        members=args.members, include_mandatory=args.include_mandatory)


class ModelArtsWorkspace(pulumi.ComponentResource):
    """The Huawei Cloud resources of one ModelArts workspace."""

    identity: Identity
    """Users, groups, custom policies."""
    storage: Storage
    """Buckets and file systems."""
    network: Optional[Network]
    """VPC, subnet, security group (when configured)."""
    agency: Optional[ModelArtsAgency]
    """The ModelArts agency (when created)."""

    def __init__(self, name: str, args: WorkspaceArgs, opts: Optional[pulumi.ResourceOptions] = None):
        validate_workspace(args)
        super().__init__("modelarts:bundle:Workspace", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.network = Network(f"{name}-network", args.network, child) if args.network is not None else None
        storage_args = StorageArgs(buckets=args.buckets, file_systems=args.file_systems)
        if self.network is not None:
            storage_args = replace(storage_args, vpc_id=self.network.vpc_id, subnet_id=self.network.subnet_id,
                                   security_group_id=self.network.security_group_id)
        self.storage = Storage(f"{name}-storage", storage_args, child)
        self.identity = Identity(f"{name}-iam", _identity_args(args), child)
        agency = resolved_agency(args)
        self.agency = ModelArtsAgency(f"{name}-agency", agency, child) if agency is not None else None

        self.register_outputs({
            "users": self.identity.users,
            "buckets": {k: b.bucket for k, b in self.storage.buckets.items()},
            "file_systems": {k: f.id for k, f in self.storage.file_systems.items()},
            "agency_name": self.agency.agency.name if self.agency else None,
            "policies": self.identity.policies,
        })
