"""RAM identities: users (created or existing), groups per PAI role, policies attached to groups.

- One `ram.UserGroupAttachment` per user and group, never `ram.GroupMembership`, which owns the whole member list:
  deleting it removes every member of the group (pulumi/pulumi-alicloud#715).
- Policies are attached to groups, once per group, never per user; the only per-user attachments are the extra
  system policies a member is explicitly given in config.
- Console passwords are generated (`random.RandomPassword`) and handed to RAM as Pulumi secrets: the SDK does not
  mark a login profile's password secret by itself. Access keys only when asked; their secret is a secret output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
import pulumi_alicloud as alicloud
import pulumi_random as random

from ..plan.grants import GroupSpec, PolicySpec


@dataclass(frozen=True)
class UserArgs:
    name: str
    """RAM user name."""
    display_name: Optional[str] = None
    existing: bool = False
    """Use an existing user instead of creating it: its `id` was looked up beforehand (`components.lookups`)."""
    console_login: bool = False
    access_key: bool = False
    id: Optional[str] = None
    """RAM UserId of an existing user."""


@dataclass(frozen=True)
class UsersArgs:
    users: Sequence[UserArgs]
    resource_admin_group: str
    """Name of the one group allowed to hold AliyunPAIFullAccess."""
    resource_admins: Sequence[str] = ()
    """User names that join it."""
    resource_admin_policies: Sequence[str] = ()
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class UserRef:
    """What workspaces need of a user: its name (for RAM attachments) and id (for PAI membership)."""

    name: pulumi.Output[str]
    id: pulumi.Output[str]
    password: Optional[pulumi.Output[str]] = None
    access_key_id: Optional[pulumi.Output[str]] = None
    access_key_secret: Optional[pulumi.Output[str]] = None


class Users(pulumi.ComponentResource):
    """The stack's RAM users, shared by every workspace they are members of, and the resource-admin group."""

    users: dict[str, UserRef]

    def __init__(self, name: str, args: UsersArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("pai:identity:Users", name, None, opts)
        self.users = {u.name: self._user(u, args.tags) for u in args.users}
        if args.resource_admins:
            group = alicloud.ram.Group(
                f"{name}-resource-admins",
                group_name=args.resource_admin_group,
                comments="PAI resource administrators: AliyunPAIFullAccess (can buy and delete every PAI resource)",
                force=True,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for policy_name in args.resource_admin_policies:
                alicloud.ram.GroupPolicyAttachment(
                    f"{name}-resource-admins-{policy_name}",
                    group_name=group.group_name,
                    policy_name=policy_name,
                    policy_type="System",
                    opts=pulumi.ResourceOptions(parent=group),
                )
            for user in args.resource_admins:
                alicloud.ram.UserGroupAttachment(
                    f"{name}-resource-admins-{user}",
                    group_name=group.group_name,
                    user_name=self.users[user].name,
                    opts=pulumi.ResourceOptions(parent=group),
                )
        self.register_outputs({"users": {k: u.name for k, u in self.users.items()}})

    def _user(self, u: UserArgs, tags: dict[str, str]) -> UserRef:
        if u.existing:
            if u.id is None:
                raise ValueError(f"existing user {u.name!r} has no id: look it up first (components.lookups.resolve)")
            return UserRef(name=pulumi.Output.from_input(u.name), id=pulumi.Output.from_input(u.id))
        user = alicloud.ram.User(
            f"user-{u.name}",
            name=u.name,
            display_name=u.display_name or u.name,
            comments="Managed by pai-platform",
            # Removing a member deletes the user even if someone bound an MFA device or added keys by hand.
            force=True,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        ref = UserRef(name=user.name, id=user.id)
        child = pulumi.ResourceOptions(parent=user)
        if u.console_login:
            password = random.RandomPassword(
                f"user-{u.name}-password",
                length=24,
                special=True,
                override_special="!#%*-_=+",
                min_lower=2,
                min_upper=2,
                min_numeric=2,
                min_special=2,
                opts=child,
            )
            ref.password = pulumi.Output.secret(password.result)
            alicloud.ram.LoginProfile(
                f"user-{u.name}-login",
                user_name=user.name,
                password=ref.password,
                password_reset_required=True,
                mfa_bind_required=True,
                opts=pulumi.ResourceOptions(parent=user, additional_secret_outputs=["password"]),
            )
        if u.access_key:
            key = alicloud.ram.AccessKey(
                f"user-{u.name}-access-key",
                user_name=user.name,
                status="Active",
                opts=pulumi.ResourceOptions(parent=user, additional_secret_outputs=["secret"]),
            )
            ref.access_key_id = key.id
            ref.access_key_secret = pulumi.Output.secret(key.secret)
        return ref


@dataclass(frozen=True)
class WorkspaceAccessArgs:
    groups: Sequence[GroupSpec]
    policies: Sequence[PolicySpec]
    users: dict[str, UserRef]
    """Every user of the stack, by name."""
    member_system_policies: dict[str, Sequence[str]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


class WorkspaceAccess(pulumi.ComponentResource):
    """One workspace's RAM groups, their members, and the policies attached to them."""

    groups: dict[str, alicloud.ram.Group]
    policies: dict[str, alicloud.ram.Policy]

    def __init__(self, name: str, args: WorkspaceAccessArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("pai:identity:WorkspaceAccess", name, None, opts)
        self.groups = {}
        for g in args.groups:
            group = alicloud.ram.Group(
                f"{name}-{g.key}",
                group_name=g.name,
                comments=g.comment[:128],
                force=True,  # detach members and policies on removal; data is never in a group
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.groups[g.key] = group
            in_group = pulumi.ResourceOptions(parent=group)
            for user in g.members:
                alicloud.ram.UserGroupAttachment(
                    f"{name}-{g.key}-{user}", group_name=group.group_name, user_name=args.users[user].name, opts=in_group
                )
            for policy_name in g.system_policies:
                alicloud.ram.GroupPolicyAttachment(
                    f"{name}-{g.key}-{policy_name}",
                    group_name=group.group_name,
                    policy_name=policy_name,
                    policy_type="System",
                    opts=in_group,
                )
        self.policies = {}
        for spec in args.policies:
            for policy_name, document in spec.documents():
                suffix = policy_name[len(spec.name):]  # "" or "-2", "-3" for split parts
                policy = alicloud.ram.Policy(
                    f"{name}-{spec.key}{suffix}",
                    policy_name=policy_name,
                    policy_document=document,
                    description=spec.description[:1024],
                    # RAM keeps at most 5 versions per policy; prune the oldest instead of failing an update.
                    rotate_strategy="DeleteOldestNonDefaultVersionWhenLimitExceeded",
                    force=True,
                    tags=args.tags,
                    opts=pulumi.ResourceOptions(parent=self),
                )
                self.policies[f"{spec.key}{suffix}"] = policy
                for gkey in spec.groups:
                    alicloud.ram.GroupPolicyAttachment(
                        f"{name}-{gkey}-{spec.key}{suffix}",
                        group_name=self.groups[gkey].group_name,
                        policy_name=policy.policy_name,
                        policy_type="Custom",
                        opts=pulumi.ResourceOptions(parent=policy),
                    )
        for user, names in sorted(args.member_system_policies.items()):
            for policy_name in names:
                alicloud.ram.UserPolicyAttachment(
                    f"{name}-{user}-{policy_name}",
                    user_name=args.users[user].name,
                    policy_name=policy_name,
                    policy_type="System",
                    opts=pulumi.ResourceOptions(parent=self),
                )
        self.register_outputs({"groups": {k: g.group_name for k, g in self.groups.items()}})
