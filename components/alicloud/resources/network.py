"""The workspace's network: create a VPC with one vSwitch per zone and a security group, or use an existing VPC.

"Create, bring your own, or skip" (pulumi-awsx `ec2/vpc.ts`): the bundle builds this component only when one of
the workspace's modules needs a VPC (DSW, DLC, EAS, LangStudio, per seed 002) or NAS needs mount targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
import pulumi_alicloud as alicloud

from .lookups import ExistingVSwitch


@dataclass(frozen=True)
class VSwitchArgs:
    zone_id: str
    """Zone of the vSwitch (e.g. cn-hangzhou-h)."""
    cidr: str
    """CIDR block of the vSwitch, inside the VPC's."""


@dataclass(frozen=True)
class FlowLogArgs:
    """Where a VPC's flow logs go: an existing Simple Log Service project and logstore (`rules.check_sls_project`,
    `rules.check_sls_logstore`)."""

    project: str
    """SLS project, in the VPC's region."""
    log_store: str
    """SLS logstore of that project."""


@dataclass(frozen=True)
class NetworkArgs:
    """Either `cidr` + `vswitches` (a new VPC) or `vpc_id` + `existing_vswitches` (an existing one, looked up
    beforehand: `components.lookups.resolve`)."""

    name: str
    """Physical name stem for the VPC, vSwitches and security group."""
    description: str
    """Description put on the created resources."""
    cidr: Optional[str] = None
    """CIDR block of a new VPC."""
    vswitches: Sequence[VSwitchArgs] = ()
    """One vSwitch per zone for a new VPC."""
    vpc_id: Optional[str] = None
    """Id of an existing VPC."""
    existing_vswitches: Sequence[ExistingVSwitch] = ()
    """Existing vSwitches of that VPC, with the CIDR blocks the cloud reported for them."""
    tags: dict[str, str] = field(default_factory=dict)
    """Tags for every taggable resource."""
    flow_logs: Optional[FlowLogArgs] = None
    """VPC flow logs of a new VPC (None: none)."""


@dataclass(frozen=True)
class Subnet:
    """One vSwitch as the rest of the bundle sees it."""

    key: str
    """Stable key: the zone for a created vSwitch, the vSwitch id for an existing one."""
    id: pulumi.Input[str]
    cidr: pulumi.Input[str]
    zone_id: Optional[str]
    """Known for created vSwitches; None for existing ones (read from the cloud)."""


class Network(pulumi.ComponentResource):
    """A VPC, its vSwitches (keyed by zone) and a security group with no ingress rules at all."""

    vpc_id: pulumi.Output[str]
    subnets: list[Subnet]
    security_group_id: Optional[pulumi.Output[str]]

    def __init__(self, name: str, args: NetworkArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("pai:network:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if args.vpc_id:
            self.vpc_id = pulumi.Output.from_input(args.vpc_id)
            # The CIDRs of existing vSwitches were read from the cloud: NAS access rules admit exactly them.
            self.subnets = [Subnet(v.id, v.id, v.cidr, None) for v in args.existing_vswitches]
            self.security_group_id = None
        else:
            vpc = alicloud.vpc.Network(
                f"{name}-vpc",
                vpc_name=args.name,
                cidr_block=args.cidr,
                description=args.description,
                tags=args.tags,
                opts=child,
            )
            switches = [
                alicloud.vpc.Switch(
                    f"{name}-{vs.zone_id}",
                    vswitch_name=f"{args.name}-{vs.zone_id}",
                    vpc_id=vpc.id,
                    cidr_block=vs.cidr,
                    zone_id=vs.zone_id,
                    description=args.description,
                    tags=args.tags,
                    opts=pulumi.ResourceOptions(parent=vpc),
                )
                for vs in args.vswitches
            ]
            # No rules are added: a new security group admits no ingress, so nothing is reachable from the
            # internet; instances in the group reach each other (inner_access_policy Accept).
            sg = alicloud.ecs.SecurityGroup(
                f"{name}-sg",
                security_group_name=f"{args.name}-sg",
                vpc_id=vpc.id,
                description=f"{args.description} (no ingress from outside the group)",
                inner_access_policy="Accept",
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=vpc),
            )
            self.vpc_id = vpc.id
            self.subnets = [Subnet(vs.zone_id, sw.id, vs.cidr, vs.zone_id) for vs, sw in zip(args.vswitches, switches)]
            self.security_group_id = sg.id
            if args.flow_logs is not None:
                alicloud.vpc.FlowLog(
                    f"{name}-flow-log",
                    flow_log_name=f"{args.name}-flow-log",
                    description=f"{args.description}: all traffic of the VPC",
                    resource_type="VPC",
                    resource_id=vpc.id,
                    traffic_type="All",
                    project_name=args.flow_logs.project,
                    log_store_name=args.flow_logs.log_store,
                    tags=args.tags,
                    opts=pulumi.ResourceOptions(parent=vpc),
                )
        self.register_outputs({"vpcId": self.vpc_id, "vswitchIds": [s.id for s in self.subnets]})
