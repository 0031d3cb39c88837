"""Storage for a ModelArts workspace: OBS buckets (private, encrypted, versioned, protected) and SFS Turbo.

Secure by default; every opt-out is an explicit field. Argument names checked against pulumi_huaweicloud 0.0.12
(``obs.Bucket``: acl, encryption, sse_algorithm, kms_key_id, versioning, force_destroy; ``sfs.Turbo``:
availability_zone, security_group_id, size, subnet_id, vpc_id, share_type, crypt_key_id).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_huaweicloud as huaweicloud

# OBS bucket names: 3-63 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit,
# not an IP address, no '..' (Huawei OBS naming rules).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_KEY = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
# sfs.Turbo `name`: 4-64 characters starting with a letter.
_TURBO_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{3,63}$")
_SSE = ("kms", "AES256")
_TURBO_TYPES = ("STANDARD", "PERFORMANCE", "HPC", "HPC_CACHE")


@dataclass
class BucketArgs:
    """An OBS bucket for the workspace (datasets, code, outputs, logs...)."""

    key: str
    """Stable key (lowercase letters, digits, '-'), e.g. ``datasets``. Names the Pulumi resource."""
    name: str
    """Physical bucket name, globally unique: 3-63 lowercase letters, digits, '-', '.'."""
    encryption: bool = True
    """Default server-side encryption. Opt out only for data that must be readable without KMS."""
    sse_algorithm: str = "kms"
    """``kms`` (KMS-managed keys) or ``AES256`` (OBS-managed keys)."""
    kms_key_id: Optional[str] = None
    """KMS key for ``kms``; the account's default OBS master key when unset."""
    versioning: bool = True
    """Keep object versions (an enabled bucket can only be suspended, never unversioned again)."""
    storage_class: str = "STANDARD"
    """``STANDARD``, ``WARM`` or ``COLD``."""
    protect: bool = True
    """Pulumi ``protect``: the bucket cannot be deleted by ``pulumi destroy`` until this is turned off."""
    force_destroy: bool = False
    """Delete all objects when the bucket is deleted. Off: a bucket with data is never emptied silently."""


@dataclass
class FileSystemArgs:
    """An SFS Turbo file system, only when the team asks for one."""

    key: str
    """Stable key, e.g. ``shared``."""
    name: str
    """Physical name: 4-64 characters starting with a letter."""
    size: int
    """Capacity in GB: 500-32,768 for STANDARD and PERFORMANCE (provider docs)."""
    availability_zone: str
    """AZ of the file system, e.g. ``cn-north-4a``."""
    share_type: str = "STANDARD"
    """``STANDARD``, ``PERFORMANCE``, ``HPC`` or ``HPC_CACHE``."""
    crypt_key_id: Optional[str] = None
    """KMS key to encrypt the file system (set it to encrypt at rest; changing it replaces the file system)."""
    protect: bool = True
    """Pulumi ``protect``."""


@dataclass
class StorageArgs:
    """Inputs of :class:`Storage`."""

    buckets: Sequence[BucketArgs] = field(default_factory=list)
    """OBS buckets."""
    file_systems: Sequence[FileSystemArgs] = field(default_factory=list)
    """SFS Turbo file systems (need the network ids below)."""
    vpc_id: Optional[pulumi.Input[str]] = None
    """VPC of the file systems."""
    subnet_id: Optional[pulumi.Input[str]] = None
    """Subnet network id of the file systems."""
    security_group_id: Optional[pulumi.Input[str]] = None
    """Security group of the file systems."""


def validate_storage(args: StorageArgs, path: str = "storage", check_network: bool = True) -> None:
    """Raise ``ValueError`` naming the config path of the first problem."""
    keys: set[str] = set()
    names: set[str] = set()
    for i, bucket in enumerate(args.buckets):
        where = f"{path}.buckets[{i}]"
        if not _KEY.match(bucket.key or ""):
            raise ValueError(f"{where}.key: {bucket.key!r} must be lowercase letters, digits, '-', letter first")
        if bucket.key in keys:
            raise ValueError(f"{where}.key: duplicate bucket key {bucket.key!r}")
        keys.add(bucket.key)
        if not _BUCKET.match(bucket.name or "") or ".." in bucket.name or _is_ip(bucket.name):
            raise ValueError(f"{where}.name: {bucket.name!r} must be 3-63 lowercase letters, digits, '-', '.', "
                             "start and end with a letter or digit, and not look like an IP address")
        if bucket.name in names:
            raise ValueError(f"{where}.name: duplicate bucket name {bucket.name!r}")
        names.add(bucket.name)
        if bucket.sse_algorithm not in _SSE:
            raise ValueError(f"{where}.sse_algorithm: {bucket.sse_algorithm!r}; allowed: {', '.join(_SSE)}")
        if bucket.kms_key_id and (not bucket.encryption or bucket.sse_algorithm != "kms"):
            raise ValueError(f"{where}.kms_key_id: only used with encryption: true and sse_algorithm: kms")
        if bucket.storage_class not in ("STANDARD", "WARM", "COLD"):
            raise ValueError(f"{where}.storage_class: {bucket.storage_class!r}; allowed: STANDARD, WARM, COLD")
    fs_keys: set[str] = set()
    for i, fs in enumerate(args.file_systems):
        where = f"{path}.file_systems[{i}]"
        if not _KEY.match(fs.key or ""):
            raise ValueError(f"{where}.key: {fs.key!r} must be lowercase letters, digits, '-', letter first")
        if fs.key in fs_keys:
            raise ValueError(f"{where}.key: duplicate file system key {fs.key!r}")
        fs_keys.add(fs.key)
        if not _TURBO_NAME.match(fs.name or ""):
            raise ValueError(f"{where}.name: {fs.name!r} must be 4-64 letters, digits, '-', '_', letter first")
        if fs.share_type not in _TURBO_TYPES:
            raise ValueError(f"{where}.share_type: {fs.share_type!r}; allowed: {', '.join(_TURBO_TYPES)}")
        if fs.share_type in ("STANDARD", "PERFORMANCE") and not 500 <= fs.size <= 32768:
            raise ValueError(f"{where}.size: {fs.size} GB; {fs.share_type} allows 500-32768")
        if not fs.availability_zone:
            raise ValueError(f"{where}.availability_zone: required, e.g. cn-north-4a")
    if check_network and args.file_systems and not (args.vpc_id and args.subnet_id and args.security_group_id):
        raise ValueError(f"{path}.file_systems: SFS Turbo needs vpc_id, subnet_id and security_group_id "
                         "(configure the workspace network)")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


class Storage(pulumi.ComponentResource):
    """The workspace's OBS buckets and SFS Turbo file systems."""

    buckets: Mapping[str, huaweicloud.obs.Bucket]
    """Bucket key -> bucket."""
    file_systems: Mapping[str, huaweicloud.sfs.Turbo]
    """File system key -> SFS Turbo."""

    def __init__(self, name: str, args: StorageArgs, opts: Optional[pulumi.ResourceOptions] = None):
        validate_storage(args)
        super().__init__("modelarts:storage:Storage", name, None, opts)
        self.buckets = {}
        for bucket in args.buckets:
            self.buckets[bucket.key] = huaweicloud.obs.Bucket(
                f"{name}-{bucket.key}",
                bucket=bucket.name,
                acl="private",
                encryption=bucket.encryption,
                sse_algorithm=bucket.sse_algorithm if bucket.encryption else None,
                kms_key_id=bucket.kms_key_id,
                versioning=bucket.versioning,
                storage_class=bucket.storage_class,
                force_destroy=bucket.force_destroy,
                opts=pulumi.ResourceOptions(parent=self, protect=bucket.protect),
            )
        self.file_systems = {}
        for fs in args.file_systems:
            self.file_systems[fs.key] = huaweicloud.sfs.Turbo(
                f"{name}-{fs.key}",
                name=fs.name,
                size=fs.size,
                share_type=fs.share_type,
                share_proto="NFS",
                availability_zone=fs.availability_zone,
                vpc_id=args.vpc_id,
                subnet_id=args.subnet_id,
                security_group_id=args.security_group_id,
                crypt_key_id=fs.crypt_key_id,
                opts=pulumi.ResourceOptions(parent=self, protect=fs.protect),
            )
        self.register_outputs({
            "buckets": {k: b.bucket for k, b in self.buckets.items()},
            "file_systems": {k: f.id for k, f in self.file_systems.items()},
        })
