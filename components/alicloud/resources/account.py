"""Once-per-account setup for PAI: service activation, PAI's service-linked roles, and the steps left to a human.

Enabled by the stack-wide `accountBootstrap` setting (off by default): several stacks can share one account, and
activation is an account-wide side effect. get_service calls are invokes, and invokes run on preview (ALICLOUD-FACTS
§4), so `activate` skips them when `pulumi.runtime.is_dry_run()` and reports "would activate" instead: a preview
changes nothing in the account and runs under the read-only previewer role.

What pulumi-alicloud 4.0.0 can do, and so what this component does (SDK `<module>/get_service.py`, ALICLOUD-FACTS §4):
- activate OSS, NAS, API Gateway and EventBridge with `get_service(enable="On")`;
- create a service-linked role from its service name (`resourcemanager.ServiceLinkedRole`), only for the roles whose
  service name an Alibaba Cloud page states (catalogue.LINKED_ROLES), kept on destroy (`retain_on_delete`): they
  are shared by everything in the account, and deleting one in use fails anyway (ALICLOUD-FACTS §10.1).
What it cannot do is returned as data (`manual_steps`) with the console path, never faked:
- PAI itself, Flink and ARMS have no activation call; MaxCompute's only checks (and fails where inactive);
  CloudMonitor's is obsolete and SLS's is a no-op;
- ACR's activation call also sets the registry login password (`cr.get_service(password=...)`): a secret that would
  be re-sent on every preview; a one-time console step is safer than keeping that password in stack config;
- service-linked roles with no documented service name (EAS, DLC, DSW) and the default service roles (DLC, DSW),
  whose trusted principal is not documented: the console's one-click authorization creates them correctly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence

import pulumi
import pulumi_alicloud as alicloud

from ..plan import catalogue

PAI_AUTHORIZE = "PAI console > Activation & Authorization > Dependent Services"  # seed 002, 'Authorize PAI to access'

ACTIVATION_INVOKES: dict[str, Callable[..., pulumi.Output]] = {
    "oss": alicloud.oss.get_service_output,  # OpenOssService
    "nas": alicloud.nas.get_service_output,  # OpenNASService
    "apigateway": alicloud.apigateway.get_service_output,  # OpenApiGatewayService
    "eventbridge": alicloud.eventbridge.get_service_output,
}
"""Dependent services pulumi-alicloud 4.0.0 can activate, by catalogue key."""

# Services with no working activation call, and why (SDK docstrings; ALICLOUD-FACTS §4). Console names are the
# seeds' own ("Activation: Activate MaxCompute and DataWorks", "Activate Realtime Compute for Apache Flink", ...).
NO_ACTIVATION_CALL: dict[str, tuple[str, str]] = {
    "maxcompute": ("MaxCompute console: activate MaxCompute and DataWorks (seed 000 'Activate MaxCompute')",
                   "maxcompute.get_service can no longer activate (deprecated since 1.228.0); it only fails where "
                   "MaxCompute is inactive"),
    "flink": ("Realtime Compute for Apache Flink console: activate the service (seed 000 'Activate Flink')",
              "pulumi-alicloud 4.0.0 has no Flink activation call (realtimecompute only buys instances)"),
    "arms": ("ARMS console: activate Application Real-Time Monitoring Service for OpenTelemetry (seed 002)",
             "pulumi-alicloud 4.0.0 has no ARMS activation call"),
    "acr": ("Container Registry console: activate and set the registry login password (seed 000 'Activate "
            "Container Registry')",
            "cr.get_service also sets the registry password; this project keeps no registry password in config"),
    "sls": ("Simple Log Service console, only if it asks: SLS is activated when the first project is created",
            "log.get_service is a no-op in 4.0.0 ('retained for compatibility and no longer calls service APIs')"),
    "cloudmonitor": ("CloudMonitor console, only if it asks: no activation step is documented any more",
                     "cms.get_service is obsolete since 1.219.0 ('OpenAPI has been taken offline')"),
    "vpc": ("VPC console, only if it asks to activate VPC",
            "pulumi-alicloud 4.0.0 has no VPC activation call"),
}


@dataclass(frozen=True)
class ManualStep:
    """Something the Alibaba Cloud account owner does by hand, once per account, and why it is not automated."""

    key: str
    title: str
    console: str
    """Where to do it."""
    why: str
    """Why this project does not do it."""


@dataclass(frozen=True)
class BootstrapPlan:
    """What the bootstrap does for a set of modules, and what it leaves to a human. Pure data."""

    services: tuple[str, ...]
    """Dependent services of the modules (and of the workspace itself)."""
    activate: tuple[str, ...]
    """Services activated through get_service invokes."""
    linked_roles: tuple[catalogue.LinkedRole, ...]
    """Service-linked roles created (verified service names only)."""
    manual_steps: tuple[ManualStep, ...]


def plan_bootstrap(modules: Iterable[str], activate_services: bool = True, service_linked_roles: bool = True) -> BootstrapPlan:
    """Split the account setup a set of PAI modules needs into automated parts and manual steps."""
    modules = tuple(modules)
    services = catalogue.services_for(modules)
    steps: list[ManualStep] = [
        ManualStep("activate-pai", "Activate PAI and authorize its service-linked role",
                   "PAI console: activate (pay-as-you-go), then click Authorize on the activation page",
                   "pulumi-alicloud 4.0.0 has no PAI activation call; seed 000 'Authorization object'"),
    ]
    activate: list[str] = []
    for svc in services:
        title = f"Activate {catalogue.SERVICES[svc].title}"
        if svc in ACTIVATION_INVOKES:
            if activate_services:
                activate.append(svc)
            else:
                steps.append(ManualStep(f"activate-{svc}", title, f"{catalogue.SERVICES[svc].title} console",
                                        "accountBootstrap.activateServices is false"))
        else:
            console, why = NO_ACTIVATION_CALL[svc]
            steps.append(ManualStep(f"activate-{svc}", title, console, why))
    created: list[catalogue.LinkedRole] = []
    for role in catalogue.linked_roles_for(modules):
        if role.service_name and service_linked_roles:
            created.append(role)
            continue
        why = ("accountBootstrap.serviceLinkedRoles is false" if role.service_name
               else f"no Alibaba Cloud page states its service name ({role.source})")
        steps.append(ManualStep(f"role-{role.key}", f"Create the service-linked role {role.role_name}",
                                f"{PAI_AUTHORIZE}: Authorize", why))
    for srole in catalogue.service_roles_for(modules):
        steps.append(ManualStep(
            f"role-{srole.role_name}", f"Create the service role {srole.role_name} ({srole.policy})",
            f"{PAI_AUTHORIZE}: Authorize, signed in as the Alibaba Cloud account",
            f"its trusted principal is not documented, so it is not hand-written here ({srole.source})"))
    if created:
        steps.append(ManualStep(
            "import-linked-roles", "If a service-linked role already exists, import it instead of creating it",
            "; ".join(f"pulumi import alicloud:resourcemanager/serviceLinkedRole:ServiceLinkedRole "
                      f"<name> {r.service_name}:{r.role_name}" for r in created),
            "CreateServiceLinkedRole fails when the role exists (consoles create them implicitly)"))
    return BootstrapPlan(services, tuple(activate), tuple(created), tuple(steps))


@dataclass(frozen=True)
class PasswordPolicyArgs:
    """The account's RAM password policy (`ram.PasswordPolicy`); limits: `rules.PASSWORD_POLICY_RANGES`."""

    minimum_length: int = 14
    """8-32 characters."""
    require_lowercase: bool = True
    """Require a lowercase letter."""
    require_uppercase: bool = True
    """Require an uppercase letter."""
    require_numbers: bool = True
    """Require a digit."""
    require_symbols: bool = True
    """Require a symbol."""
    reuse_prevention: int = 5
    """Refuse the last N passwords (0-24)."""
    max_age_days: int = 90
    """Days a password is valid (0-1095; 0: never expires)."""
    max_login_attempts: int = 5
    """Failed logins in an hour before a one-hour lockout (0-32; 0: off)."""


@dataclass(frozen=True)
class TrailArgs:
    """An ActionTrail trail of every region's management events to an OSS bucket (`actiontrail.Trail`)."""

    name: str
    """Trail name."""
    bucket: str
    """Target OSS bucket (same account)."""
    key_prefix: str = "actiontrail"
    """Object key prefix of the trail's files."""


@dataclass(frozen=True)
class AccountBootstrapArgs:
    modules: tuple[str, ...]
    """Every PAI module used by the stack's workspaces."""
    activate_services: bool = True
    """Activate the dependent services that have an activation call."""
    service_linked_roles: bool = True
    """Create the service-linked roles whose service name is verified."""
    password_policy: Optional[PasswordPolicyArgs] = None
    """Set the account's password policy (None: leave it as it is)."""
    trail: Optional[TrailArgs] = None
    """Record the account's events with ActionTrail (None: no trail)."""


class AccountBootstrap(pulumi.ComponentResource):
    """Activation invokes and PAI's service-linked roles for one account; the rest as `manual_steps`."""

    plan: BootstrapPlan
    activated: dict[str, pulumi.Output[str]]
    """Activation status per service key: "Opened" on `pulumi up`, WOULD_ACTIVATE during `pulumi preview`."""
    linked_roles: dict[str, alicloud.resourcemanager.ServiceLinkedRole]
    manual_steps: tuple[ManualStep, ...]

    password_policy: Optional[alicloud.ram.PasswordPolicy]
    trail: Optional[alicloud.actiontrail.Trail]

    def __init__(self, name: str, args: AccountBootstrapArgs, opts: Optional[pulumi.ResourceOptions] = None,
                 depends_on: Sequence[pulumi.Resource] = ()) -> None:
        """`depends_on`: what the trail needs first (its target bucket, when this stack creates it)."""
        super().__init__("pai:account:Bootstrap", name, None, opts)
        self.plan = plan_bootstrap(args.modules, args.activate_services, args.service_linked_roles)
        self.activated = activate(self.plan.activate, self)
        self.linked_roles = {
            role.key: alicloud.resourcemanager.ServiceLinkedRole(
                f"{name}-{role.key}",
                service_name=role.service_name,
                # Shared by the whole account: destroying this stack must not delete a role others use.
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
            )
            for role in self.plan.linked_roles
        }
        self.manual_steps = self.plan.manual_steps
        self.password_policy = None
        if args.password_policy is not None:
            p = args.password_policy
            self.password_policy = alicloud.ram.PasswordPolicy(
                f"{name}-password-policy",
                minimum_password_length=p.minimum_length,
                require_lowercase_characters=p.require_lowercase,
                require_uppercase_characters=p.require_uppercase,
                require_numbers=p.require_numbers,
                require_symbols=p.require_symbols,
                password_reuse_prevention=p.reuse_prevention,
                max_password_age=p.max_age_days,
                max_login_attemps=p.max_login_attempts,  # sic: the provider's spelling
                # The account keeps a password policy whatever happens to this stack.
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
            )
        self.trail = None
        if args.trail is not None:
            self.trail = alicloud.actiontrail.Trail(
                f"{name}-trail",
                trail_name=args.trail.name,
                oss_bucket_name=args.trail.bucket,
                oss_key_prefix=args.trail.key_prefix,
                event_rw="All",
                trail_region="All",
                status="Enable",
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(depends_on)),
            )
        self.register_outputs({
            "activated": self.activated,
            "serviceLinkedRoles": {k: r.role_name for k, r in self.linked_roles.items()},
        })


WOULD_ACTIVATE = "would activate"
"""What `activated` holds for each service during `pulumi preview`: the activation invoke is not called."""


def activate(services: Iterable[str], parent: Optional[pulumi.Resource] = None) -> dict[str, pulumi.Output[str]]:
    """Activation status per service: the invoke's status ("Opened") on `pulumi up`; during `pulumi preview`
    (`pulumi.runtime.is_dry_run()`) no invoke is made and each service reads WOULD_ACTIVATE, with one log line.

    Invokes run on preview too (ALICLOUD-FACTS §4), so without this a preview would open services in the account,
    and a read-only previewer role would fail on the OpenXxxService call."""
    services = tuple(services)
    if pulumi.runtime.is_dry_run():
        if services:
            pulumi.log.info(f"preview: would activate {', '.join(services)} on `pulumi up` (no activation call made "
                            "during preview)", resource=parent)
        return {svc: pulumi.Output.from_input(WOULD_ACTIVATE) for svc in services}
    opts = pulumi.InvokeOptions(parent=parent) if parent is not None else None
    return {svc: ACTIVATION_INVOKES[svc](enable="On", opts=opts).status for svc in services}


def manual_steps_as_data(steps: Iterable[ManualStep]) -> list[dict[str, str]]:
    """Manual steps as plain data (stack outputs, docs)."""
    return [{"key": s.key, "title": s.title, "console": s.console, "why": s.why} for s in steps]


__all__ = ["AccountBootstrap", "AccountBootstrapArgs", "BootstrapPlan", "ManualStep", "manual_steps_as_data",
           "plan_bootstrap", "activate", "ACTIVATION_INVOKES", "NO_ACTIVATION_CALL", "WOULD_ACTIVATE"]
