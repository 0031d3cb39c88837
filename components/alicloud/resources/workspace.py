"""The PAI workspace and its members.

`pai.WorkspaceWorkspace`: `workspace_name` and `env_types` force replacement, `description` is required
(SDK pai/workspace_workspace.py). A deleted workspace keeps its name for 14 days and names are shared with
DataWorks (aliyun/terraform-provider-alicloud#10658), so the workspace is protected by default.
`pai.WorkspaceMember.user_id` is the RAM user's id (`ram.User.id`), not its name; role changes are applied in
place, a different user replaces the member (ALICLOUD-FACTS §1.2-1.3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
import pulumi_alicloud as alicloud


@dataclass(frozen=True)
class MemberArgs:
    user: str
    """RAM user name: the stable key of the membership."""
    user_id: pulumi.Input[str]
    """RAM user id."""
    roles: Sequence[str]
    """PAI role ids (e.g. PAI.AlgoDeveloper)."""


@dataclass(frozen=True)
class WorkspaceArgs:
    name: str
    """PAI workspace name (3-23 letters, digits, '_')."""
    description: str
    env_types: Sequence[str]
    display_name: Optional[str] = None
    members: Sequence[MemberArgs] = field(default_factory=tuple)
    protect: bool = True


class Workspace(pulumi.ComponentResource):
    """A PAI workspace with one member per user."""

    workspace: alicloud.pai.WorkspaceWorkspace
    members: dict[str, alicloud.pai.WorkspaceMember]

    def __init__(self, name: str, args: WorkspaceArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("pai:workspace:Workspace", name, None, opts)
        self.workspace = alicloud.pai.WorkspaceWorkspace(
            name,
            workspace_name=args.name,
            display_name=args.display_name or args.name,
            description=args.description,
            env_types=list(args.env_types),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.members = {
            m.user: alicloud.pai.WorkspaceMember(
                f"{name}-{m.user}",
                workspace_id=self.workspace.id,
                user_id=m.user_id,
                roles=sorted(m.roles),
                # Explicitly unprotected: children inherit `protect`, and removing a member must not need an unprotect.
                opts=pulumi.ResourceOptions(parent=self.workspace, protect=False),
            )
            for m in args.members
        }
        self.register_outputs({"workspaceId": self.workspace.id})
