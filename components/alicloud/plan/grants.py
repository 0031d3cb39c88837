"""Who gets what in a workspace: RAM groups and the policies attached to them, derived from config. Pure Python.

Least privilege, in this order of preference:
1. PAI permissions come from PAI workspace roles (the member resource), not from RAM policies (seed 002
   "Authorize RAM users to use PAI sub-services ... through workspaces").
2. Each role group gets one custom "access" policy scoped to the workspace's own buckets (bucket- and
   object-level ARNs), read-write for roles that write data and read-only for visitors, plus read-only listing
   of the NAS file systems and the VPC the workspace's modules need to pick when creating DSW/DLC/EAS instances
   (the same VPC read statement seed 003 documents for resource pools).
3. Account-wide system policies only where the seeds require them and only for members who are marked for it:
   activators get the activation policies of exactly their workspace's dependent services (seed 002 table);
   resource administrators get AliyunPAIFullAccess (seed 002: admin-only), in one stack-wide group; in a workspace
   that uses dataset acceleration, that workspace's resource administrators (and nobody else) also join its
   `dataset-acceleration` group, which holds AliyunDatasetAccFullAccess, the other half of seed 002's pair ("When
   using dataset acceleration only, RAM accounts need the AliyunPAIFullAccess and AliyunDatasetAccFullAccess
   permissions"). AliyunPAIFullAccess stays in the one resource-admins group (the policy pack allows it nowhere
   else), so the pair is complete for exactly those members.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from .. import naming
from . import catalogue, policy, quota
from .policy import Statement, statement

OSS_RW = ("oss:GetBucketInfo", "oss:ListObjects", "oss:GetObject", "oss:PutObject", "oss:DeleteObject",
          "oss:AbortMultipartUpload", "oss:ListParts", "oss:ListMultipartUploads")
OSS_RO = ("oss:GetBucketInfo", "oss:ListObjects", "oss:GetObject")
NAS_READ = ("nas:DescribeFileSystems", "nas:DescribeMountTargets")
VPC_READ = ("vpc:DescribeVpcs", "vpc:DescribeVSwitches", "ecs:DescribeSecurityGroups")  # seed 003 VPC statement

ACTIVATORS = "activators"
DATASET_ACCELERATION = catalogue.DATASET_ACCELERATION
"""Group key (and RAM group name suffix) of a workspace's dataset-acceleration group."""


@dataclass(frozen=True)
class PolicySpec:
    """A custom RAM policy to create: its stable key, RAM name, statements and the group keys it is attached to."""

    key: str
    name: str
    description: str
    statements: tuple[Statement, ...]
    groups: tuple[str, ...]
    source: str = "name"
    """Where in the workspace's config the policy comes from (for error messages), e.g. `policies[0].name`."""

    def documents(self) -> list[tuple[str, str]]:
        """(policy name, canonical document) pairs: split into numbered policies when over RAM's size limit; the
        first part keeps the plain name so a policy that grows does not rename its first part."""
        docs = policy.split(self.statements)
        return [(self.name if i == 0 else f"{self.name}-{i + 1}", d) for i, d in enumerate(docs)]


@dataclass(frozen=True)
class GroupSpec:
    """A RAM group of a workspace: one per PAI role used, plus the activators group when asked for, plus the
    dataset-acceleration group when the module is used."""

    key: str
    name: str
    role: Optional[str]
    members: tuple[str, ...]
    system_policies: tuple[str, ...] = ()
    comment: str = ""


@dataclass(frozen=True)
class WorkspaceGrants:
    groups: tuple[GroupSpec, ...]
    policies: tuple[PolicySpec, ...]
    member_system_policies: dict[str, tuple[str, ...]] = field(default_factory=dict)


def access_statements(bucket_names: Sequence[str], *, writes: bool, nas: bool, vpc: bool) -> list[Statement]:
    out: list[Statement] = []
    if bucket_names:
        arns = [a for b in bucket_names for a in (f"acs:oss:*:*:{b}", f"acs:oss:*:*:{b}/*")]
        out.append(statement(OSS_RW if writes else OSS_RO, arns))
        # Listing bucket names lets the PAI console's OSS path picker work; it reveals names, not data.
        out.append(statement("oss:ListBuckets", "acs:oss:*:*:*"))
    if nas:
        out.append(statement(NAS_READ, "*"))
    if vpc:
        out.append(statement(VPC_READ, "*"))
    return out


def workspace_grants(prefix: str, ws) -> WorkspaceGrants:
    """Groups and policies of one workspace (a `config.Workspace`)."""
    groups: list[GroupSpec] = []
    for role_id, role in catalogue.ROLES.items():
        members = tuple(m.name for m in ws.members if role_id in m.roles)
        if members:
            groups.append(GroupSpec(role.slug, naming.group_name(prefix, ws.name, role.slug), role_id, members,
                                    comment=f"PAI workspace {ws.name}: {role.console_name}"))
    activators = tuple(m.name for m in ws.members if m.activator)
    if activators:
        groups.append(GroupSpec(ACTIVATORS, naming.group_name(prefix, ws.name, ACTIVATORS), None, activators,
                                catalogue.activation_policies_for(ws.services),
                                comment=f"PAI workspace {ws.name}: may activate {', '.join(ws.services)}"))
    accelerators = tuple(m.name for m in ws.members if m.resource_admin)
    if DATASET_ACCELERATION in ws.modules and accelerators:  # none: a config error (rules.check_workspace)
        groups.append(GroupSpec(DATASET_ACCELERATION, naming.group_name(prefix, ws.name, DATASET_ACCELERATION), None,
                                accelerators, (catalogue.DATASET_ACC_FULL_ACCESS,),
                                comment=f"PAI workspace {ws.name}: dataset acceleration for its resource admins"))

    buckets = [naming.bucket_name(prefix, ws.name, b) for b in ws.buckets]
    has_nas, has_vpc = ws.needs("nas"), ws.has_network
    policies: list[PolicySpec] = []
    for writes, key in ((True, "access-rw"), (False, "access-ro")):
        attached = tuple(g.key for g in groups if g.role and catalogue.ROLES[g.role].writes_data == writes)
        stmts = access_statements(buckets, writes=writes, nas=has_nas, vpc=has_vpc)
        if attached and stmts:
            mode = "read-write" if writes else "read-only"
            policies.append(PolicySpec(key, naming.ws_policy_name(prefix, ws.name, key),
                                       f"PAI workspace {ws.name}: {mode} access to its storage and network",
                                       tuple(stmts), attached))
    role_groups = {g.role: g.key for g in groups if g.role}
    for i, p in enumerate(ws.policies):
        targets = tuple(role_groups[r] for r in (p.roles or role_groups) if r in role_groups)
        policies.append(PolicySpec(f"custom-{p.name}", naming.ws_policy_name(prefix, ws.name, p.name),
                                   p.description or f"PAI workspace {ws.name}: {p.name}", tuple(p.statements),
                                   targets, f"policies[{i}].name"))
    for i, q in enumerate(ws.quota_access):
        # Seed 003: resource pool / quota rights, attached to the groups of the roles the grant names.
        ids = ", ".join([*q.resource_groups, *([q.quota_id] if q.quota_id else [])])
        policies.append(PolicySpec(f"quota-{q.name}", naming.ws_policy_name(prefix, ws.name, f"quota-{q.name}"),
                                   f"PAI workspace {ws.name}: {q.scenario} access{f' ({ids})' if ids else ''}",
                                   tuple(q.statements), tuple(role_groups[r] for r in q.roles if r in role_groups),
                                   f"quotaAccess[{i}].name"))
    member_sys = {m.name: tuple(m.system_policies) for m in ws.members if m.system_policies}
    return WorkspaceGrants(tuple(groups), tuple(policies), member_sys)


def resource_admin_policies() -> tuple[str, ...]:
    """System policies of the stack-wide resource-administrator group (seed 002): AliyunPAIFullAccess only, whatever
    the workspaces use; dataset acceleration's AliyunDatasetAccFullAccess is per workspace (`workspace_grants`)."""
    return (catalogue.PAI_FULL_ACCESS,)
