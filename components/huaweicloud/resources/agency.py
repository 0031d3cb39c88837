"""The ModelArts agency: lets the ModelArts service act on the team's resources with minimal permissions.

Custom authorization (the seed's "minimal agency authorization"): one custom policy per scope holding only the
tables 10-14 actions of the selected functions. ModelArts' one-click authorization grants "almost all
permissions of dependent services"; it is used only when ``use_full_set`` says so, with system-policy names the
caller lists (the seed does not enumerate the one-click set).

Registering the agency in ModelArts (Settings / Global Configuration > Add Authorization) has no resource in
pulumi-huaweicloud 0.0.12: it is a manual step, see docs/modelarts.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_huaweicloud as huaweicloud

from .. import rules
from ..plan import catalogue, policy
from .checks import Refusals

#: Delegated service for a cloud-service agency. Huawei names services ``op_svc_<service>`` (seen for
#: op_svc_ecs, op_svc_cce, op_svc_obs, op_svc_cff, op_svc_eps in public configurations); ``op_svc_modelarts``
#: follows that pattern but we found no public source stating it. Override if IAM shows another name
#: (IAM console > Agencies > an agency ModelArts created > "Delegated Party").
DEFAULT_DELEGATED_SERVICE = "op_svc_modelarts"


@dataclass
class AgencyArgs:
    """Inputs of :class:`ModelArtsAgency`."""

    name: str
    """Agency name (``rules.check_agency_name``: 1-64 letters, digits, '-', '_'); the adapter derives it with
    ``rules.agency_name``. ModelArts' own API names agencies ``ma_agency[_suffix]``."""
    functions: Sequence[str]
    """Catalogue function keys (``rules.check_function``); the agency gets the tables 10-14 actions of these and
    nothing else. Without ``use_full_set``, at least one of them must have agency actions."""
    project_name: str
    """Region project **name** (e.g. ``cn-north-4``): the agency's project roles are granted by project name."""
    policy_prefix: Optional[str] = None
    """Prefix of the custom policies' physical names; defaults to the agency name."""
    delegated_service_name: str = DEFAULT_DELEGATED_SERVICE
    """Cloud service the agency is delegated to (see ``DEFAULT_DELEGATED_SERVICE``)."""
    duration: str = "FOREVER"
    """Validity (``rules.check_agency_duration``): ``FOREVER``, ``ONEDAY`` or a number of days such as ``"20"``
    (a string: the provider takes days as text, so this is no ``Literal``)."""
    use_full_set: bool = False
    """Grant ``full_set_roles`` (one-click style, broad) in addition to the minimal custom policies."""
    full_set_roles: Sequence[str] = field(default_factory=list)
    """System policy names for ``use_full_set``, e.g. ``["ModelArts CommonOperation", "OBS OperateAccess"]``."""
    description: str = "ModelArts agency with minimal custom authorization (generated)"
    """Agency description (``rules.check_agency_description``: at most 255 characters, none of @#$%^&*<>\\)."""


def validate_agency(args: AgencyArgs, path: str = "agency") -> None:
    """Raise one ``ValueError`` naming the config path and rule of every problem (see ``checks.Refusals``)."""
    out = Refusals()
    check_agency(out, args, path)
    out.done()


def check_agency(out: Refusals, args: AgencyArgs, path: str) -> None:
    """Add every problem of ``args`` to ``out``; the one place :class:`ModelArtsAgency` checks its arguments."""
    out.check(f"{path}.name", args.name, rules.check_agency_name)
    known = not isinstance(args.functions, str)
    if not known:
        out.add(f"{path}.functions", args.functions, "is not a list of function keys")
    else:
        for i, f in enumerate(args.functions):
            known &= out.check(f"{path}.functions[{i}]", f, rules.check_function)
    if not args.project_name:
        out.add(f"{path}.project_name", None, "is required: the region project name, e.g. cn-north-4")
    out.check(f"{path}.full_set_roles", args.full_set_roles, rules.check_full_set_roles, args.use_full_set,
              shown=None)
    out.check(f"{path}.use_full_set", args.use_full_set, rules.check_use_full_set, args.full_set_roles, shown=None)
    out.check(f"{path}.duration", args.duration, rules.check_agency_duration)
    out.check(f"{path}.description", args.description, rules.check_agency_description)
    if known and not args.use_full_set:
        out.check(f"{path}.functions", list(args.functions), rules.check_agency_functions)


def plan_agency_policies(prefix: str, functions: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """``(key, name, type, document)`` per custom policy of the agency; OBS is rendered as AX and XA."""
    return policy.scoped_policies(prefix, "", catalogue.agency_actions_by_scope(functions))


class ModelArtsAgency(pulumi.ComponentResource):
    """An IAM agency delegated to ModelArts holding only the selected functions' agency actions."""

    agency: huaweicloud.iam.Agency
    """The agency."""
    policies: Mapping[str, str]
    """Logical key -> rendered custom policy JSON, for review."""

    def __init__(self, name: str, args: AgencyArgs, opts: Optional[pulumi.ResourceOptions] = None):
        validate_agency(args)
        super().__init__("modelarts:agency:Agency", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        prefix = args.policy_prefix or args.name
        domain_roles: list[pulumi.Input[str]] = []
        project_roles: list[pulumi.Input[str]] = []
        self.policies = {}
        for key, policy_name, role_type, document in plan_agency_policies(prefix, args.functions):
            custom = huaweicloud.iam.Role(
                f"{name}-{key}",
                name=policy_name,
                type=role_type,
                policy=document,
                description="ModelArts agency minimal authorization, generated from the ModelArts catalogue",
                opts=child,
            )
            self.policies[key] = document
            # Agencies are granted roles by name: referencing the Role's output also orders creation.
            (domain_roles if role_type == policy.ROLE_TYPE_GLOBAL else project_roles).append(custom.name)
        if args.use_full_set:
            project_roles.extend(sorted(args.full_set_roles))

        self.agency = huaweicloud.iam.Agency(
            name,
            name=args.name,
            delegated_service_name=args.delegated_service_name,
            description=args.description,
            duration=args.duration,
            domain_roles=domain_roles or None,
            project_roles=[huaweicloud.iam.AgencyProjectRoleArgs(project=args.project_name, roles=project_roles)]
            if project_roles else None,
            opts=child,
        )
        self.register_outputs({"agency_id": self.agency.id, "agency_name": self.agency.name,
                               "policies": self.policies})
