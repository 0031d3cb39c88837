"""IAM for a ModelArts workspace: users, a user group per role, custom policies from the catalogue, assignments.

The policy plan (:func:`plan_policies`) is pure and tested without the engine; :class:`Identity` only registers
what the plan says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, Mapping, Optional, Sequence, get_args

import pulumi
import pulumi_random as random
import pulumi_huaweicloud as huaweicloud

from .. import rules
from ..plan import catalogue, policy
from .checks import Refusals

AccessType = Literal["console", "programmatic", "default"]
"""IAM user access (iam.User `access_type`): console, programmatic (access keys) or both."""
_ACCESS_TYPES: tuple[str, ...] = get_args(AccessType)


@dataclass
class RoleArgs:
    """A team role: one IAM user group whose custom policies grant the role's ModelArts functions."""

    key: str
    """Stable role key (``rules.check_key``: 1-24 lowercase letters, digits, '-'), e.g. ``trainer``. Names the group
    (``<prefix>-<key>``) and its policies."""
    functions: Sequence[str]
    """Catalogue function keys (``rules.check_function``), e.g. ``["training-jobs", "notebooks"]``."""
    description: str = ""
    """Free text for the group's description (at most 255 characters); empty: generated from the functions."""


# Huawei IAM passwords: 6-32 characters with at least two kinds of characters; these specials are accepted.
PASSWORD_SPECIALS = "!@#%^*-_=+"


@dataclass
class MemberArgs:
    """A person in the workspace: an IAM user created here, or an existing one brought by id."""

    name: str
    """IAM user name (``rules.check_user_name``: 1-32 letters, digits, '-', '_', not starting with a digit). The
    stable key; two members whose names differ only in case are one IAM user."""
    roles: Sequence[str]
    """Role keys this member belongs to (at least one, each a key of ``IdentityArgs.roles``)."""
    existing_user_id: Optional[str] = None
    """Bring your own user: its IAM user **id**. We take an id rather than looking the name up because a
    lookup (``iam.get_users``) runs at every preview, needs IAM read credentials even offline, and would
    silently follow a rename; the id is stable and is what group membership needs anyway."""
    password: Optional[pulumi.Input[str]] = None
    """Initial console password (created users only). Wrapped as a Pulumi secret; pass it from a secret
    config value. Without it the user has no console password until an administrator sets one."""
    generate_password: bool = False
    """Generate the initial console password (`random.RandomPassword`, a secret) when `password` is not given."""
    email: Optional[str] = None
    """Optional e-mail address (created users only)."""
    access_type: AccessType = "console"
    """``console``, ``programmatic`` or ``default`` (both). Console by default: people use the ModelArts console."""
    pwd_reset: bool = True
    """Ask for a new password at first login (created users only)."""


@dataclass
class IdentityArgs:
    """Inputs of :class:`Identity`."""

    prefix: str
    """Physical-name prefix for groups and custom policies: the bundle's qualified name
    (``rules.check_qualified_name``: 1-32 lowercase letters, digits, '-', letter first)."""
    domain_id: pulumi.Input[str]
    """Account (domain) id: global-scope (``AX``) policies are assigned here."""
    project_id: pulumi.Input[str]
    """Region project id: project-scope (``XA``) policies and system policies are assigned here."""
    roles: Sequence[RoleArgs]
    """The team's roles; one user group each."""
    members: Sequence[MemberArgs] = field(default_factory=list)
    """The team's members."""
    include_mandatory: bool = True
    """Add the seed's mandatory actions (table 1: ``iam:tokens:assume``) to every role."""


@dataclass(frozen=True)
class PolicySpec:
    """One custom policy to create and where to assign it."""

    role: str
    """Role key the policy belongs to."""
    key: str
    """Stable logical key, e.g. ``trainer-obs-ax-1``."""
    name: str
    """Physical custom-policy name."""
    type: Literal["AX", "XA"]
    """``AX`` (global services) or ``XA`` (region-specific projects)."""
    document: str
    """Canonical policy JSON."""


def validate_identity(args: IdentityArgs, path: str = "identity") -> None:
    """Raise one ``ValueError`` naming the config path and rule of every problem (see ``checks.Refusals``)."""
    out = Refusals()
    check_identity(out, args, path)
    out.done()


def check_identity(out: Refusals, args: IdentityArgs, path: str, check_prefix: bool = True) -> None:
    """Add every problem of ``args`` to ``out``; the one place :class:`Identity` checks its arguments.
    ``check_prefix=False`` when the caller checked the prefix already (the bundle: it is the bundle's name)."""
    if check_prefix:
        out.check(f"{path}.prefix", args.prefix, rules.check_qualified_name)
    if not args.roles:
        out.add(f"{path}.roles", None, "needs at least 1 role")
    role_keys: list[str] = []
    for i, role in enumerate(args.roles):
        where = f"{path}.roles[{i}]"
        if role.key in role_keys:
            out.add(f"{where}.key", role.key, rules.duplicate("role key"))
        else:
            out.check(f"{where}.key", role.key, rules.check_key)
            role_keys.append(role.key)  # even a malformed key: members naming it are not a second mistake
        if isinstance(role.functions, str):
            out.add(f"{where}.functions", role.functions, "is not a list of function keys")
        else:
            for j, f in enumerate(role.functions):
                out.check(f"{where}.functions[{j}]", f, rules.check_function)
        if role.description:
            out.check(f"{where}.description", role.description, rules.check_group_description)
    names: set[str] = set()
    for i, member in enumerate(args.members):
        where = f"{path}.members[{i}]"
        if rules.user_key(member.name or "") in names:
            out.add(f"{where}.name", member.name, rules.DUPLICATE_USER)
        elif out.check(f"{where}.name", member.name, rules.check_user_name):
            names.add(rules.user_key(member.name))
        if not member.roles:
            out.add(f"{where}.roles", None, f"needs at least 1 role (expected some of: {', '.join(role_keys)})")
        for j, role_key in enumerate(member.roles):
            out.check(f"{where}.roles[{j}]", role_key, rules.check_role_of_workspace, role_keys)
        if member.access_type not in _ACCESS_TYPES:
            out.add(f"{where}.access_type", member.access_type, f"is not one of: {', '.join(_ACCESS_TYPES)}")
        if member.existing_user_id is not None and (member.password is not None or member.email is not None):
            out.add(where, None, "password and email only apply to users created here, not to existing_user_id")


def plan_policies(prefix: str, roles: Sequence[RoleArgs], include_mandatory: bool = True) -> list[PolicySpec]:
    """The custom policies for ``roles``: per role, per scope, numbered if a scope needs several.

    OBS actions get their own policies, rendered once as ``AX`` and once as ``XA`` (Huawei's rule for custom
    OBS policies; see ``catalogue``).
    """
    return [
        PolicySpec(role.key, key, name, role_type, document)
        for role in roles
        for key, name, role_type, document in policy.scoped_policies(
            prefix, f"{role.key}-", catalogue.user_actions(role.functions, include_mandatory=include_mandatory)
        )
    ]


class Identity(pulumi.ComponentResource):
    """Users, one user group per role, the roles' custom policies and their assignments."""

    users: Mapping[str, pulumi.Output[str]]
    """Member name -> IAM user id (created or existing)."""
    groups: Mapping[str, huaweicloud.iam.Group]
    """Role key -> user group."""
    policies: Mapping[str, str]
    """Logical key (``<role>-<scope>-<type>-<n>``) -> rendered policy JSON, for review."""

    def __init__(self, name: str, args: IdentityArgs, opts: Optional[pulumi.ResourceOptions] = None):
        validate_identity(args)
        super().__init__("modelarts:iam:Identity", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.groups = {}
        for role in args.roles:
            self.groups[role.key] = huaweicloud.iam.Group(
                f"{name}-{role.key}",
                name=f"{args.prefix}-{role.key}",
                description=role.description or f"ModelArts role {role.key}: {', '.join(sorted(role.functions))}",
                opts=child,
            )

        specs = plan_policies(args.prefix, args.roles, args.include_mandatory)
        self.policies = {s.key: s.document for s in specs}
        for spec in specs:
            custom = huaweicloud.iam.Role(
                f"{name}-{spec.key}",
                name=spec.name,
                type=spec.type,
                policy=spec.document,
                description=f"ModelArts {spec.role} ({spec.type}), generated from the ModelArts catalogue",
                opts=child,
            )
            scope = ({"domain_id": args.domain_id} if spec.type == policy.ROLE_TYPE_GLOBAL
                     else {"project_id": args.project_id})
            huaweicloud.iam.RoleAssignment(
                f"{name}-{spec.key}",
                group_id=self.groups[spec.role].id,
                role_id=custom.id,
                opts=child,
                **scope,
            )

        # System policies named by the seed instead of actions (table 3: SWR Admin, SFS Turbo FullAccess).
        # SWR and SFS Turbo are region-specific services: assigned in the project.
        system_ids: dict[str, pulumi.Output[str]] = {}
        for role in args.roles:
            for display_name in catalogue.user_system_policies(role.functions):
                if display_name not in system_ids:
                    system_ids[display_name] = huaweicloud.iam.get_role_output(
                        display_name=display_name, opts=pulumi.InvokeOptions(parent=self)).id
                slug = re.sub(r"[^a-z0-9]+", "-", display_name.lower()).strip("-")
                huaweicloud.iam.RoleAssignment(
                    f"{name}-{role.key}-system-{slug}",
                    group_id=self.groups[role.key].id,
                    role_id=system_ids[display_name],
                    project_id=args.project_id,
                    opts=child,
                )

        self.users = {}
        self.passwords: dict[str, pulumi.Output[str]] = {}
        for member in args.members:
            if member.existing_user_id is not None:
                self.users[member.name] = pulumi.Output.from_input(member.existing_user_id)
                continue
            password = member.password
            if password is None and member.generate_password:
                password = random.RandomPassword(
                    f"{name}-{member.name}-password", length=20, special=True, override_special=PASSWORD_SPECIALS,
                    min_lower=1, min_upper=1, min_numeric=1, min_special=1,
                    opts=pulumi.ResourceOptions(parent=self),
                ).result
            if password is not None:
                self.passwords[member.name] = pulumi.Output.secret(password)
            user = huaweicloud.iam.User(
                f"{name}-{member.name}",
                name=member.name,
                password=self.passwords.get(member.name),
                email=member.email,
                access_type=member.access_type,
                pwd_reset=member.pwd_reset,
                description="ModelArts workspace member",
                opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["password"]),
            )
            self.users[member.name] = user.id

        # One membership per group: the provider's membership resource is keyed by the group id and its read
        # returns every user of the group (terraform-provider-huaweicloud
        # resource_huaweicloud_identity_group_membership.go), so two of them on one group would fight.
        for role in args.roles:
            members = [m.name for m in args.members if role.key in m.roles]
            if members:
                huaweicloud.iam.GroupMembership(
                    f"{name}-{role.key}-members",
                    group=self.groups[role.key].id,
                    users=[self.users[m] for m in sorted(members)],
                    opts=child,
                )

        self.register_outputs({
            "users": self.users,
            "groups": {k: g.id for k, g in self.groups.items()},
            "policies": self.policies,
        })
