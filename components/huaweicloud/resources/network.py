"""Network for a ModelArts workspace: a VPC, a subnet and a security group (SFS Turbo needs one), or existing ids.

ModelArts' own dedicated-pool network is created and interconnected in the ModelArts console (the provider has
no resource for it); this VPC is what the team's SFS Turbo file systems live in and what that network peers with.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_huaweicloud as huaweicloud

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
# pulumi_huaweicloud 0.0.12 vpc.Vpc `cidr`: within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, at most /24;
# vpc.Subnet `cidr`: inside the VPC's block, mask not greater than 28.
_PRIVATE = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]


@dataclass
class NetworkArgs:
    """Inputs of :class:`Network`: create a VPC and subnet, or bring existing ones."""

    name: str
    """VPC name; the subnet and security group take it as their prefix (1-64 letters, digits, '-', '_', '.')."""
    vpc_cidr: str = "192.168.0.0/16"
    """VPC block: private (10/8, 172.16/12, 192.168/16), prefix length at most 24."""
    subnet_cidr: str = "192.168.0.0/24"
    """Subnet block inside ``vpc_cidr``, prefix length at most 28."""
    gateway_ip: Optional[str] = None
    """Subnet gateway; defaults to the first host address of ``subnet_cidr``."""
    availability_zone: Optional[str] = None
    """Optional AZ for the subnet."""
    existing_vpc_id: Optional[str] = None
    """Bring your own VPC (then ``existing_subnet_id`` and ``existing_security_group_id`` are required too)."""
    existing_subnet_id: Optional[str] = None
    """Bring your own subnet: its **network id** (what SFS Turbo's ``subnet_id`` expects)."""
    existing_security_group_id: Optional[str] = None
    """Bring your own security group."""


def validate_network(args: NetworkArgs, path: str = "network") -> None:
    """Raise ``ValueError`` naming the config path of the first problem."""
    existing = [args.existing_vpc_id, args.existing_subnet_id, args.existing_security_group_id]
    if any(existing):
        if not all(existing):
            raise ValueError(f"{path}: existing_vpc_id, existing_subnet_id and existing_security_group_id go "
                             "together; give all three or none")
        return
    if not _NAME.match(args.name or ""):
        raise ValueError(f"{path}.name: {args.name!r} must be 1-64 letters, digits, '-', '_', '.'")
    try:
        vpc = ipaddress.ip_network(args.vpc_cidr)
    except ValueError:
        raise ValueError(f"{path}.vpc_cidr: {args.vpc_cidr!r} is not a CIDR block like 192.168.0.0/16") from None
    if vpc.version != 4 or not any(vpc.subnet_of(p) for p in _PRIVATE) or vpc.prefixlen > 24:
        raise ValueError(f"{path}.vpc_cidr: {args.vpc_cidr!r} must lie in 10.0.0.0/8, 172.16.0.0/12 or "
                         "192.168.0.0/16 with a prefix of at most /24")
    try:
        subnet = ipaddress.ip_network(args.subnet_cidr)
    except ValueError:
        raise ValueError(f"{path}.subnet_cidr: {args.subnet_cidr!r} is not a CIDR block") from None
    if subnet.version != 4 or not subnet.subnet_of(vpc) or subnet.prefixlen > 28:
        raise ValueError(f"{path}.subnet_cidr: {args.subnet_cidr!r} must lie inside {args.vpc_cidr} with a "
                         "prefix of at most /28")
    if args.gateway_ip is not None:
        try:
            gateway = ipaddress.ip_address(args.gateway_ip)
        except ValueError:
            raise ValueError(f"{path}.gateway_ip: {args.gateway_ip!r} is not an IP address") from None
        if gateway not in subnet:
            raise ValueError(f"{path}.gateway_ip: {args.gateway_ip} is outside {args.subnet_cidr}")


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
            vpc = huaweicloud.vpc.Vpc(f"{name}-vpc", name=args.name, cidr=args.vpc_cidr,
                                      opts=pulumi.ResourceOptions(parent=self))
            subnet = huaweicloud.vpc.Subnet(
                f"{name}-subnet",
                name=f"{args.name}-subnet",
                vpc_id=vpc.id,
                cidr=args.subnet_cidr,
                gateway_ip=args.gateway_ip or default_gateway(args.subnet_cidr),
                availability_zone=args.availability_zone,
                opts=pulumi.ResourceOptions(parent=vpc),
            )
            # Huawei's default rules allow traffic only between members of the group (plus all egress): enough for
            # NFS from notebooks and pools placed in the same group, closed to everything else.
            group = huaweicloud.vpc.Secgroup(f"{name}-sg", name=f"{args.name}-sg",
                                             description="ModelArts workspace file systems",
                                             opts=pulumi.ResourceOptions(parent=self))
            self.vpc_id, self.subnet_id, self.security_group_id = vpc.id, subnet.id, group.id
        self.register_outputs({"vpc_id": self.vpc_id, "subnet_id": self.subnet_id,
                               "security_group_id": self.security_group_id})
