"""One team's PAI workspace with its dependencies, composed from one workspace's validated config.

Which dependencies exist follows from the workspace's modules through the catalogue (seed 002): a VPC only when
a module needs one (DSW, DLC, EAS, LangStudio), NAS only for DSW and DLC, OSS for almost all; iTAG alone gets a
bucket and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pulumi

from .. import contract as config, naming
from ..plan import grants
from .identity import UserRef, WorkspaceAccess, WorkspaceAccessArgs
from .lookups import ExistingNetwork
from .network import Network, NetworkArgs, VSwitchArgs
from .storage import BucketArgs, FileSystemArgs, Storage, StorageArgs
from .workspace import MemberArgs, Workspace, WorkspaceArgs


@dataclass(frozen=True)
class WorkspaceBundleArgs:
    workspace: config.Workspace
    """The workspace's validated config."""
    name_prefix: str
    """Stack-wide prefix of physical names."""
    users: dict[str, UserRef]
    """Every RAM user of the stack, by name (users are shared by the workspaces they belong to)."""
    stack_tags: dict[str, str] = field(default_factory=dict)
    existing_network: Optional[ExistingNetwork] = None
    """The workspace's bring-your-own VPC and vSwitches as looked up (`components.lookups.resolve`)."""


class WorkspaceBundle(pulumi.ComponentResource):
    """Network, storage, RAM access and the PAI workspace of one team."""

    network: Optional[Network]
    storage: Storage
    access: WorkspaceAccess
    workspace: Workspace

    def __init__(self, name: str, args: WorkspaceBundleArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("pai:bundle:WorkspaceBundle", name, None, opts)
        ws, prefix = args.workspace, args.name_prefix
        tags = naming.tags_for(args.stack_tags, ws.name)
        child = pulumi.ResourceOptions(parent=self)
        stem = f"{prefix}-{naming.slug(ws.name)}"

        self.network = None
        if ws.network is not None:
            net = ws.network
            if getattr(net, "vpc_id", None) and args.existing_network is None:
                raise ValueError(f"workspace {ws.name!r}: its existing network was not looked up (components.lookups)")
            self.network = Network(
                f"{name}-network",
                NetworkArgs(
                    name=stem,
                    description=f"PAI workspace {ws.name}",
                    cidr=getattr(net, "cidr", None),
                    vswitches=tuple(VSwitchArgs(v.zone_id, v.cidr) for v in getattr(net, "vswitches", ())),
                    vpc_id=args.existing_network.vpc_id if args.existing_network else None,
                    existing_vswitches=args.existing_network.vswitches if args.existing_network else (),
                    tags=tags,
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
            ),
            child,
        )

        wg = grants.workspace_grants(prefix, ws)
        self.access = WorkspaceAccess(
            f"{name}-access",
            WorkspaceAccessArgs(wg.groups, wg.policies, args.users, wg.member_system_policies, tags),
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
