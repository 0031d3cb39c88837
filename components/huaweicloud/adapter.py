"""Build a whole ModelArts stack from its validated config: one `ModelArtsWorkspace` bundle per workspace.

Every bundle's arguments are built and validated (the bundle's own validators, turned into one-line
`ConfigError`s) before the first resource is registered. Returns the stack outputs; passwords stay secret.
"""

from __future__ import annotations

from typing import Any

import pulumi

from ..core.errors import ConfigError, raise_all
from . import rules
from .contract import StackConfig, Workspace
from .plan import catalogue
from .resources.agency import AgencyArgs
from .resources.bundle import ModelArtsWorkspace, WorkspaceArgs, validate_workspace
from .resources.iam import MemberArgs, RoleArgs
from .resources.network import NetworkArgs
from .resources.storage import BucketArgs, FileSystemArgs
from .resources.tagging import register_stack_tags

CONSOLE = "https://console.huaweicloud.com/modelarts/?region={region}#/dashboard"
IAM_LOGIN = "https://auth.huaweicloud.com/authui/login.html#/login"


def workspace_args(cfg: StackConfig, ws: Workspace) -> WorkspaceArgs:
    """The bundle's typed arguments for one workspace (pure)."""
    qualified = cfg.qualified(ws)
    network = None
    if ws.network is not None:
        n = ws.network
        if n.is_new:
            assert n.cidr is not None and n.subnet is not None
            network = NetworkArgs(name=qualified, vpc_cidr=n.cidr, subnet_cidr=n.subnet.cidr,
                                  gateway_ip=n.subnet.gateway_ip, availability_zone=n.subnet.zone_id)
        else:
            network = NetworkArgs(name=qualified, existing_vpc_id=n.vpc_id, existing_subnet_id=n.subnet_id,
                                  existing_security_group_id=n.security_group_id)
    agency = None
    create_agency = ws.agency.create and (ws.agency.use_full_set or bool(catalogue.agency_actions(ws.functions)))
    if create_agency:
        agency = AgencyArgs(
            name=cfg.agency_name(ws),
            functions=sorted(ws.functions),
            project_name=cfg.region,
            policy_prefix=rules.agency_policy_prefix(qualified),
            delegated_service_name=ws.agency.delegated_service_name,
            duration=ws.agency.duration,
            use_full_set=ws.agency.use_full_set,
            full_set_roles=list(ws.agency.full_set_roles),
        )
    return WorkspaceArgs(
        name=qualified,
        project_name=cfg.region,
        project_id=cfg.project_id,
        domain_id=cfg.domain_id,
        roles=[RoleArgs(r.key, ws.role_functions(r), r.description or "") for r in ws.roles],
        members=[
            MemberArgs(
                name=m.name,
                roles=list(m.roles),
                existing_user_id=m.user_id,
                generate_password=m.console_login,
                email=m.email,
                access_type=m.access_type,
            )
            for m in ws.members
        ],
        buckets=[
            BucketArgs(key=b.key, name=cfg.bucket_name(ws, b), sse_algorithm="kms" if b.encryption == "KMS" else "AES256",
                       kms_key_id=b.kms_key_id, storage_class=b.storage_class, protect=b.protect)
            for b in ws.buckets
        ],
        file_systems=[
            FileSystemArgs(key=f.key, name=cfg.file_system_name(ws, f), size=f.capacity, availability_zone=f.zone_id,
                           share_type=f.share_type, crypt_key_id=f.crypt_key_id, protect=f.protect)
            for f in ws.file_systems
        ],
        network=network,
        create_agency=create_agency,
        agency=agency,
        tags=cfg.workspace_tags(ws),
    )


def build(cfg: StackConfig) -> dict[str, Any]:
    """Register every resource of the ModelArts stack and return the stack outputs (secrets stay secret)."""
    # Validate every bundle before anything is registered; every problem of every bundle, one line each.
    problems: list[ConfigError] = []
    for wi, ws in enumerate(cfg.workspaces):
        try:
            validate_workspace(workspace_args(cfg, ws), f"workspaces[{wi}]")
        except ValueError as e:
            problems += [ConfigError("", line) for line in str(e).splitlines()]
    raise_all(problems)

    register_stack_tags(cfg.tags)  # before the first resource: every taggable one gets the stack's tags
    outputs: dict[str, Any] = {"cloud": "huaweicloud", "workspaces": {}}
    initial_passwords: dict[str, Any] = {}
    logins: dict[str, Any] = {}
    for ws in cfg.workspaces:
        bundle = ModelArtsWorkspace(
            ws.name,
            workspace_args(cfg, ws),
        )
        initial_passwords.update(bundle.identity.passwords)
        for m in ws.members:
            if m.console_login:
                logins[m.name] = {"user": m.name, "domainId": cfg.domain_id, "url": IAM_LOGIN}
        outputs["workspaces"][ws.name] = {
            "description": ws.description,
            "consoleUrl": CONSOLE.format(region=cfg.region),
            "users": dict(bundle.identity.users),
            "groups": {k: g.name for k, g in bundle.identity.groups.items()},
            "buckets": {
                k: {"name": b.bucket, "endpoint": b.bucket_domain_name} for k, b in bundle.storage.buckets.items()
            },
            "fileSystems": {
                k: {"id": f.id, "exportLocation": f.export_location} for k, f in bundle.storage.file_systems.items()
            },
            "agency": bundle.agency.agency.name if bundle.agency else None,
        }
    outputs["consoleLogins"] = logins
    outputs["initialPasswords"] = pulumi.Output.secret(initial_passwords)
    return outputs
