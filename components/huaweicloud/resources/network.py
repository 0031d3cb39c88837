"""Network for a ModelArts workspace: a VPC, a subnet and a security group (SFS Turbo needs one), or existing ids.

ModelArts' own dedicated-pool network is created and interconnected in the ModelArts console (the provider has
no resource for it); this VPC is what the team's SFS Turbo file systems live in and what that network peers with.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Mapping, Optional

import pulumi
import pulumi_huaweicloud as huaweicloud

from .. import rules
from .checks import Refusals


@dataclass
class NetworkArgs:
    """Inputs of :class:`Network`: create a VPC and subnet, or bring existing ones."""

    name: str
    """VPC name; the subnet and security group take it as their prefix (``rules.check_network_name``: 1-64
    letters, digits, '-', '_', '.'). The bundle passes its qualified name."""
    vpc_cidr: str = "192.168.0.0/16"
    """VPC block (``rules.check_vpc_cidr``): private (10/8, 172.16/12, 192.168/16), prefix length at most 24."""
    subnet_cidr: str = "192.168.0.0/24"
    """Subnet block inside ``vpc_cidr`` (``rules.check_subnet_cidr``), prefix length at most 28."""
    gateway_ip: Optional[str] = None
    """Subnet gateway inside ``subnet_cidr``; defaults to its first host address."""
    availability_zone: Optional[str] = None
    """Optional AZ for the subnet (``rules.check_zone``), e.g. ``cn-north-4a``."""
    existing_vpc_id: Optional[str] = None
    """Bring your own VPC: its id, a UUID (then ``existing_subnet_id`` and ``existing_security_group_id`` are
    required too, and the fields above are not used)."""
    existing_subnet_id: Optional[str] = None
    """Bring your own subnet: its **network id** (what SFS Turbo's ``subnet_id`` expects), a UUID."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """The network's own tags (the bundle passes ``modelarts-workspace``); the stack's tags come from the
    transform of ``tagging.register_stack_tags``."""
    existing_security_group_id: Optional[str] = None
    """Bring your own security group: its id, a UUID."""


def validate_network(args: NetworkArgs, path: str = "network") -> None:
    """Raise one ``ValueError`` naming the config path and rule of every problem (see ``checks.Refusals``)."""
    out = Refusals()
    check_network(out, args, path)
    out.done()


def check_network(out: Refusals, args: NetworkArgs, path: str) -> None:
    """Add every problem of ``args`` to ``out``; the one place :class:`Network` checks its arguments."""
    existing = {"existing_vpc_id": args.existing_vpc_id, "existing_subnet_id": args.existing_subnet_id,
                "existing_security_group_id": args.existing_security_group_id}
    if any(existing.values()):
        try:
            rules.check_existing_network(list(existing.values()))
        except ValueError as e:
            out.add(path, None, str(e))
            return
        for key, value in existing.items():
            out.check(f"{path}.{key}", value, rules.check_vpc_resource_id)
        return
    out.check(f"{path}.name", args.name, rules.check_network_name)
    vpc_ok = out.check(f"{path}.vpc_cidr", args.vpc_cidr, rules.check_vpc_cidr)
    subnet_ok = out.check(f"{path}.subnet_cidr", args.subnet_cidr, rules.check_subnet_cidr)
    if vpc_ok and subnet_ok:
        out.check(f"{path}.subnet_cidr", args.subnet_cidr, rules.check_subnet_in_vpc, args.vpc_cidr)
    if subnet_ok and args.gateway_ip is not None:
        out.check(f"{path}.gateway_ip", args.gateway_ip, rules.check_gateway, args.subnet_cidr)
    if args.availability_zone is not None:
        out.check(f"{path}.availability_zone", args.availability_zone, rules.check_zone)


def default_gateway(subnet_cidr: str) -> str:
    """The first host address of the subnet (Huawei's console default)."""
    return str(next(ipaddress.ip_network(subnet_cidr).hosts()))


class Network(pulumi.ComponentResource):
    """VPC, subnet and security group for the workspace's file systems (created or existing)."""

    vpc_id: pulumi.Output[str]
    """VPC id."""
    subnet_id: pulumi.Output[str]
    """Subnet network id."""
    security_group_id: pulumi.Output[str]
    """Security group id."""

    def __init__(self, name: str, args: NetworkArgs, opts: Optional[pulumi.ResourceOptions] = None):
        validate_network(args)
        super().__init__("modelarts:network:Network", name, None, opts)
        if args.existing_vpc_id:
            self.vpc_id = pulumi.Output.from_input(args.existing_vpc_id)
            self.subnet_id = pulumi.Output.from_input(args.existing_subnet_id)
            self.security_group_id = pulumi.Output.from_input(args.existing_security_group_id)
        else:
            vpc = huaweicloud.vpc.Vpc(f"{name}-vpc", name=args.name, cidr=args.vpc_cidr, tags=dict(args.tags),
                                      opts=pulumi.ResourceOptions(parent=self))
            subnet = huaweicloud.vpc.Subnet(
                f"{name}-subnet",
                name=f"{args.name}-subnet",
                vpc_id=vpc.id,
                cidr=args.subnet_cidr,
                gateway_ip=args.gateway_ip or default_gateway(args.subnet_cidr),
                availability_zone=args.availability_zone,
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(parent=vpc),
            )
            # Huawei's default rules allow traffic only between members of the group (plus all egress): enough for
            # NFS from notebooks and pools placed in the same group, closed to everything else.
            group = huaweicloud.vpc.Secgroup(f"{name}-sg", name=f"{args.name}-sg",
                                             description="ModelArts workspace file systems", tags=dict(args.tags),
                                             opts=pulumi.ResourceOptions(parent=self))
            self.vpc_id, self.subnet_id, self.security_group_id = vpc.id, subnet.id, group.id
        self.register_outputs({"vpc_id": self.vpc_id, "subnet_id": self.subnet_id,
                               "security_group_id": self.security_group_id})
