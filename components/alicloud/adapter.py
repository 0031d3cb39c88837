"""Build a whole stack from its validated config: the users, then one bundle per workspace; return the outputs."""

from __future__ import annotations

from typing import Any, Optional

import pulumi
import pulumi_alicloud as alicloud

from . import contract as config, naming
from .plan import grants, identity
from .resources import lookups
from .resources.account import (
    AccountBootstrap,
    AccountBootstrapArgs,
    PasswordPolicyArgs,
    TrailArgs,
    manual_steps_as_data,
)
from .resources.audit import LogBucket, LogBucketArgs
from .resources.bundle import (
    BundleBucket,
    BundleFileSystem,
    BundleMember,
    BundlePolicy,
    BundleQuotaGrant,
    NewNetworkArgs,
    WorkspaceBundle,
    WorkspaceBundleArgs,
)
from .resources.identity import UserRef
from .resources.lookups import ExistingNetwork
from .resources.network import FlowLogArgs, VSwitchArgs
from .resources.tagging import register_stack_tags
from .resources.identity import UserArgs, Users, UsersArgs

CONSOLE = "https://pai.console.aliyun.com/?regionId={region}&workspaceId={id}#/workspace/overview"


def build(cfg: config.StackConfig) -> dict[str, Any]:
    """Register every resource of the stack and return the stack outputs (secrets stay secret).

    Three kinds of stack, one contract (README, "Estates"): a monolithic stack builds everything; an identity stack
    the account-wide part (access-log bucket, account bootstrap, users and the resource-admins group); a team stack
    its workspaces, with the identity stack's users read through a `pulumi.StackReference`. The identity stack's
    part and a team's workspaces are registered under the same names as in a monolithic stack, so a split keeps
    every URN but the stack's (`pulumi state move`)."""
    # What the stack uses but does not create is looked up before anything is registered: a missing user or
    # vSwitch, or a member the identity stack does not export, is one ConfigError line naming its key.
    exports = lookups.identity_exports(cfg.identity_stack) if cfg.is_team else None
    if exports is not None:
        cfg = config.with_identity(cfg, exports)
    register_stack_tags(cfg.tags)  # before the first resource: every taggable one gets the stack's tags
    for line in config.warnings(cfg, exports):  # allowed, but probably not meant: shown by `pulumi preview` and offline
        pulumi.log.warn(line)
    found = lookups.resolve(cfg)
    if cfg.is_team:
        bundles = _bundles(cfg, _referenced_users(cfg, exports), found, exports.access_log_bucket)
        return {"workspaces": _workspace_outputs(cfg, bundles)}
    logs = _log_bucket(cfg)
    if cfg.is_identity:
        declared = {u.name: u for u in cfg.users}
        admins = {n for n, u in declared.items() if u.resource_admin}
        modules = tuple(cfg.account_bootstrap.modules or ())
    else:
        declared = {}
        for ws in cfg.workspaces:
            for m in ws.members:
                declared.setdefault(m.name, m)  # validation made the user's attributes agree across workspaces
        # resourceAdmin is per membership in a monolithic stack (it also picks each workspace's dataset-acceleration
        # members): a user is a resource admin of the stack if any membership says so.
        admins = {m.name for ws in cfg.workspaces for m in ws.members if m.resource_admin}
        modules = tuple(dict.fromkeys(m for ws in cfg.workspaces for m in ws.modules))
    boot = _account_bootstrap(cfg, modules, logs)
    users = _users(cfg, declared, admins, found)
    outputs: dict[str, Any] = {}
    if cfg.is_identity:
        outputs[identity.USERS] = {
            n: identity.user_output(u, users.users[n].name, users.users[n].id) for n, u in declared.items()
        }
        outputs[identity.ACTIVATED_MODULES] = (list(modules) if boot is not None and
                                               cfg.account_bootstrap.activate_services else [])
        outputs[identity.REGION] = cfg.region
    else:
        bundles = _bundles(cfg, users.users, found, logs.bucket.bucket)
        outputs["workspaces"] = _workspace_outputs(cfg, bundles)
    account = alicloud.get_account_output()
    outputs["consoleLogins"] = {
        n: pulumi.Output.concat(n, "@", account.id, ".onaliyun.com")
        for n, m in declared.items()
        if m.console_login
    }
    outputs[identity.ACCESS_LOG_BUCKET] = logs.bucket.bucket
    if boot is not None:
        outputs["accountBootstrap"] = {
            "activated": boot.activated,
            "serviceLinkedRoles": {k: r.role_name for k, r in boot.linked_roles.items()},
            "manualSteps": manual_steps_as_data(boot.manual_steps),
        }
    outputs["initialPasswords"] = {n: u.password for n, u in users.users.items() if u.password is not None}
    outputs["accessKeys"] = {
        n: {"id": u.access_key_id, "secret": u.access_key_secret}
        for n, u in users.users.items()
        if u.access_key_id is not None
    }
    if cfg.is_identity:
        # Every team stack's StackReference reads all of the identity stack's outputs, and the SDK deserializes them
        # value by value: per-user maps would make one team's plan grow with the estate's users. One JSON text per
        # output is one value, whatever the estate's size (benchmarks/results.md, "Estates"); secrets stay secret.
        for key in identity.JSON_OUTPUTS:
            if key in outputs:
                outputs[key] = pulumi.Output.json_dumps(outputs[key])
    return outputs


def _log_bucket(cfg: config.StackConfig) -> LogBucket:
    """One access-log bucket per stack, in the stack's region and account (OSS requires both of a log target)."""
    return LogBucket(
        "access-logs",
        LogBucketArgs(
            name=naming.access_log_bucket_name(cfg.name_prefix, cfg.access_logs.name),
            retention_days=cfg.access_logs.retention_days,
            encryption=cfg.access_logs.encryption,
            kms_key_id=cfg.access_logs.kms_key_id,
            protect=cfg.access_logs.protect,
        ),
    )


def _account_bootstrap(cfg: config.StackConfig, modules: tuple[str, ...], logs: LogBucket) -> Optional[AccountBootstrap]:
    """Account-wide setup, when enabled: activation, service-linked roles, the password policy, a trail. The bundles
    do not depend on it explicitly; activation takes effect account-wide, and PAI creates missing roles on first use."""
    if not cfg.account_bootstrap.enabled:
        return None
    ab = cfg.account_bootstrap
    pp, at = ab.password_policy, ab.action_trail
    return AccountBootstrap(
        "account",
        AccountBootstrapArgs(
            modules=modules,
            activate_services=ab.activate_services,
            service_linked_roles=ab.service_linked_roles,
            password_policy=PasswordPolicyArgs(
                pp.minimum_length, pp.require_lowercase, pp.require_uppercase, pp.require_numbers,
                pp.require_symbols, pp.reuse_prevention, pp.max_age_days, pp.max_login_attempts,
            ) if pp.enabled else None,
            trail=TrailArgs(f"{cfg.name_prefix}-trail",
                            at.bucket or naming.access_log_bucket_name(cfg.name_prefix, cfg.access_logs.name),
                            at.key_prefix)
            if at.enabled else None,
        ),
        depends_on=[logs] if at.enabled and not at.bucket else (),
    )


def _users(cfg: config.StackConfig, declared: dict[str, Any], admins: set[str], found: lookups.Resolved) -> Users:
    """The stack's RAM users (members of a monolithic stack, or an identity stack's `users`) and resource admins."""
    return Users(
        "users",
        UsersArgs(
            users=tuple(
                UserArgs(u.name, u.display_name, u.existing, u.console_login, u.access_key, found.user_ids.get(u.name))
                for u in declared.values()
            ),
            resource_admin_group=naming.resource_admin_group(cfg.name_prefix),
            resource_admins=tuple(sorted(admins)),
            resource_admin_policies=grants.resource_admin_policies(),
        ),
    )


def _referenced_users(cfg: config.StackConfig, exports: identity.IdentityExports) -> dict[str, UserRef]:
    """A team stack's members: the name and id its identity stack exported (read through the StackReference)."""
    members = {m.name for ws in cfg.workspaces for m in ws.members}
    return {n: UserRef(name=pulumi.Output.from_input(exports.users[n].name),
                       id=pulumi.Output.from_input(exports.users[n].id))
            for n in sorted(members)}


def _bundles(cfg: config.StackConfig, users: dict[str, UserRef], found: lookups.Resolved,
             access_log_bucket: pulumi.Input[str]) -> dict[str, WorkspaceBundle]:
    return {
        ws.name: WorkspaceBundle(ws.name, bundle_args(cfg, ws, users, found.networks.get(ws.name), access_log_bucket))
        for ws in cfg.workspaces
    }


def _workspace_outputs(cfg: config.StackConfig, bundles: dict[str, WorkspaceBundle]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, b in bundles.items():
        ws_id = b.workspace.workspace.id
        out[name] = {
            "id": ws_id,
            "consoleUrl": ws_id.apply(lambda i: CONSOLE.format(region=cfg.region, id=i)),
            "buckets": {
                k: {"name": bk.bucket, "endpoint": pulumi.Output.concat(bk.bucket, ".", bk.extranet_endpoint)}
                for k, bk in b.storage.buckets.items()
            },
            "fileSystems": {
                k: {"id": fs.id, "mountTargets": [mt.mount_target_domain for mt in b.storage.mount_targets[k]]}
                for k, fs in b.storage.file_systems.items()
            },
            "groups": {k: g.group_name for k, g in b.access.groups.items()},
        }
    return out


def bundle_args(cfg: config.StackConfig, ws: config.Workspace, users: dict[str, UserRef],
                existing_network: Optional[ExistingNetwork],
                access_log_bucket: Optional[pulumi.Input[str]] = None) -> WorkspaceBundleArgs:
    """One workspace of the stack file as the bundle component's arguments (the contract has filled in defaults)."""
    net = ws.network if isinstance(ws.network, config.NewNetwork) else None
    return WorkspaceBundleArgs(
        name=ws.name,
        description=ws.description,
        modules=tuple(ws.modules),
        name_prefix=cfg.name_prefix,
        users=users,
        members=tuple(BundleMember(m.name, tuple(m.roles), m.activator, tuple(m.system_policies), m.resource_admin)
                      for m in ws.members),
        display_name=ws.display_name,
        env_types=tuple(ws.env_types),
        network=NewNetworkArgs(
            net.cidr, tuple(VSwitchArgs(v.zone_id, v.cidr) for v in net.vswitches),
            FlowLogArgs(net.flow_logs.project, net.flow_logs.log_store) if net.flow_logs else None,
        ) if net else None,
        existing_network=existing_network,
        buckets=tuple(BundleBucket(b.key, b.name, b.storage_class, b.redundancy_type, b.encryption, b.kms_key_id, b.protect)
                      for b in ws.buckets),
        file_systems=tuple(BundleFileSystem(f.key, f.file_system_type, f.protocol_type, f.storage_type, f.capacity,
                                            f.zone_id, f.description, f.protect) for f in ws.file_systems),
        policies=tuple(BundlePolicy(p.name, tuple(p.statements), tuple(p.roles) if p.roles is not None else None,
                                    p.description) for p in ws.policies),
        quota_access=tuple(BundleQuotaGrant(q.name, q.scenario, tuple(q.roles), tuple(q.resource_groups), q.quota_id,
                                            q.lingjun_vpc) for q in ws.quota_access),
        protect=ws.protect,
        region=cfg.region,
        access_log_bucket=access_log_bucket,
    )
