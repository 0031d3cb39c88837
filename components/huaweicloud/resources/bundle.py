"""One ModelArts workspace's resources from one typed argument object: network, storage, IAM and agency.

Everything is validated before the first resource is registered. The ModelArts workspace itself and the
agency's registration in ModelArts have no resource in pulumi-huaweicloud 0.0.12: see docs/modelarts.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping, Optional, Sequence

import pulumi

from .. import rules
from ..plan import catalogue
from .agency import AgencyArgs, ModelArtsAgency, check_agency
from .checks import Refusals
from .iam import Identity, IdentityArgs, MemberArgs, RoleArgs, check_identity
from .network import Network, NetworkArgs, check_network
from .storage import BucketArgs, FileSystemArgs, Storage, StorageArgs, check_storage


@dataclass
class WorkspaceArgs:
    """Everything one ModelArts workspace needs on Huawei Cloud."""

    name: str
    """The workspace's qualified name (``rules.qualified_name``: ``<namePrefix>-<workspace>``; checked by
    ``rules.check_qualified_name``, 1-32 lowercase letters, digits, '-'): prefix of its groups, policies, network
    and default agency name."""
    project_name: str
    """Region project name, e.g. ``cn-north-4`` (the agency's project roles are granted by name)."""
    project_id: pulumi.Input[str]
    """Id of that region project: project-scope policies are assigned to it."""
    domain_id: pulumi.Input[str]
    """Account (domain) id: global-scope policies are assigned to it."""
    roles: Sequence[RoleArgs]
    """Roles, each with its ModelArts functions; one user group each (at least one)."""
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
    """Agency settings; by default named ``rules.agency_name(name)`` (``<name>-agency``) with the union of the
    roles' functions, and none when those functions have no agency actions."""
    include_mandatory: bool = True
    """Add the seed's mandatory user actions (table 1) to every role."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """The workspace's own tags for its taggable resources (the adapter passes ``modelarts-workspace``); the
    stack's tags come from the transform of ``tagging.register_stack_tags``."""


def resolved_agency(args: WorkspaceArgs) -> Optional[AgencyArgs]:
    """The agency the bundle will create, or ``None`` (disabled, or derived and nothing to grant)."""
    if not args.create_agency:
        return None
    if args.agency is not None:
        return args.agency
    functions = sorted({f for role in args.roles for f in role.functions})
    if not catalogue.agency_actions(functions):
        return None
    return AgencyArgs(name=rules.agency_name(args.name), functions=functions, project_name=args.project_name,
                      policy_prefix=rules.agency_policy_prefix(args.name))


def validate_workspace(args: WorkspaceArgs, path: str = "workspace") -> None:
    """Validate every part in one place; raise one ``ValueError`` naming the config path and rule of every problem
    (one line each, sorted by path; see ``checks.Refusals``)."""
    out = Refusals()
    out.check(f"{path}.name", args.name, rules.check_qualified_name)
    if not args.project_name:
        out.add(f"{path}.project_name", None, "is required: the region project name, e.g. cn-north-4")
    check_identity(out, _identity_args(args), path, check_prefix=False)
    if args.network is not None:
        check_network(out, args.network, f"{path}.network")
    elif args.file_systems:
        out.add(f"{path}.network", None, rules.FILE_SYSTEMS_NEED_NETWORK)
    check_storage(out, StorageArgs(buckets=args.buckets, file_systems=args.file_systems), path, check_network=False)
    if not any(isinstance(role.functions, str) for role in args.roles):  # else the identity says so
        try:
            agency = resolved_agency(args)
        except ValueError:  # an unknown function: the identity's check names it
            agency = None
        if agency is not None:
            check_agency(out, agency, f"{path}.agency")
    out.done()


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

        network = replace(args.network, tags=args.tags) if args.network is not None else None
        self.network = Network(f"{name}-network", network, child) if network is not None else None
        storage_args = StorageArgs(buckets=args.buckets, file_systems=args.file_systems, tags=args.tags)
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
