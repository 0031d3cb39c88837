"""Storage for a ModelArts workspace: OBS buckets (private, encrypted, versioned, protected) and SFS Turbo.

Secure by default; every opt-out is an explicit field. Argument names checked against pulumi_huaweicloud 0.0.12
(``obs.Bucket``: acl, encryption, sse_algorithm, kms_key_id, versioning, force_destroy; ``sfs.Turbo``:
availability_zone, security_group_id, size, subnet_id, vpc_id, share_type, crypt_key_id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Mapping, Optional, Sequence, get_args

import pulumi
import pulumi_huaweicloud as huaweicloud

from .. import rules
from .checks import Refusals

SseAlgorithm = Literal["kms", "AES256"]
"""OBS server-side encryption (obs.Bucket `sse_algorithm`): KMS-managed or OBS-managed keys."""
_SSE: tuple[str, ...] = get_args(SseAlgorithm)
StorageClass = rules.StorageClass
ShareType = rules.ShareType


@dataclass
class BucketArgs:
    """An OBS bucket for the workspace (datasets, code, outputs, logs...)."""

    key: str
    """Stable key (``rules.check_key``: 1-24 lowercase letters, digits, '-'), e.g. ``datasets``. Names the Pulumi
    resource."""
    name: str
    """Physical bucket name, globally unique (``rules.check_bucket_name``: 3-63 lowercase letters, digits, '-', '.');
    the adapter derives it with ``rules.bucket_name``."""
    encryption: bool = True
    """Default server-side encryption. Opt out only for data that must be readable without KMS."""
    sse_algorithm: SseAlgorithm = "kms"
    """``kms`` (KMS-managed keys) or ``AES256`` (OBS-managed keys)."""
    kms_key_id: Optional[str] = None
    """KMS key for ``kms``; the account's default OBS master key when unset."""
    versioning: bool = True
    """Keep object versions (an enabled bucket can only be suspended, never unversioned again)."""
    storage_class: StorageClass = "STANDARD"
    """``STANDARD``, ``WARM`` or ``COLD``."""
    protect: bool = True
    """Pulumi ``protect``: the bucket cannot be deleted by ``pulumi destroy`` until this is turned off."""
    force_destroy: bool = False
    """Delete all objects when the bucket is deleted. Off: a bucket with data is never emptied silently."""


@dataclass
class FileSystemArgs:
    """An SFS Turbo file system, only when the team asks for one."""

    key: str
    """Stable key (``rules.check_key``), e.g. ``shared``. Names the Pulumi resource."""
    name: str
    """Physical name (``rules.check_file_system_name``: 4-64 characters starting with a letter)."""
    size: int
    """Capacity in GB (``rules.check_file_system_size``: 500-32,768 for STANDARD and PERFORMANCE, provider docs)."""
    availability_zone: str
    """AZ of the file system (``rules.check_zone``), e.g. ``cn-north-4a``."""
    share_type: ShareType = "STANDARD"
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
    tags: Mapping[str, str] = field(default_factory=dict)
    """The storage's own tags (the bundle passes ``modelarts-workspace``); the stack's tags come from the
    transform of ``tagging.register_stack_tags``."""


def validate_storage(args: StorageArgs, path: str = "storage", check_network: bool = True) -> None:
    """Raise one ``ValueError`` naming the config path and rule of every problem (see ``checks.Refusals``)."""
    out = Refusals()
    check_storage(out, args, path, check_network)
    out.done()


def check_storage(out: Refusals, args: StorageArgs, path: str, check_network: bool = True) -> None:
    """Add every problem of ``args`` to ``out``; the one place :class:`Storage` checks its arguments."""
    names: set[str] = set()
    for i, bucket in enumerate(args.buckets):
        where = f"{path}.buckets[{i}]"
        if any(o.key == bucket.key for o in args.buckets[:i]):
            out.add(f"{where}.key", bucket.key, rules.duplicate("bucket key"))
        else:
            out.check(f"{where}.key", bucket.key, rules.check_key)
        if out.check(f"{where}.name", bucket.name, rules.check_bucket_name):
            if bucket.name in names:
                out.add(f"{where}.name", bucket.name, "bucket name is used twice")
            names.add(bucket.name)
        if bucket.sse_algorithm not in _SSE:
            out.add(f"{where}.sse_algorithm", bucket.sse_algorithm, f"is not one of: {', '.join(_SSE)}")
        if bucket.kms_key_id and (not bucket.encryption or bucket.sse_algorithm != "kms"):
            out.add(f"{where}.kms_key_id", None, "is only used with encryption: true and sse_algorithm: kms")
        if bucket.storage_class not in rules.STORAGE_CLASSES:
            out.add(f"{where}.storage_class", bucket.storage_class, f"is not one of: {', '.join(rules.STORAGE_CLASSES)}")
    for i, fs in enumerate(args.file_systems):
        where = f"{path}.file_systems[{i}]"
        if any(o.key == fs.key for o in args.file_systems[:i]):
            out.add(f"{where}.key", fs.key, rules.duplicate("file system key"))
        else:
            out.check(f"{where}.key", fs.key, rules.check_key)
        out.check(f"{where}.name", fs.name, rules.check_file_system_name)
        if fs.share_type not in rules.TURBO_SHARE_TYPES:
            out.add(f"{where}.share_type", fs.share_type, f"is not one of: {', '.join(rules.TURBO_SHARE_TYPES)}")
        else:
            out.check(f"{where}.size", fs.size, rules.check_file_system_size, fs.share_type)
        out.check(f"{where}.availability_zone", fs.availability_zone, rules.check_zone)
    if check_network and args.file_systems and not (args.vpc_id and args.subnet_id and args.security_group_id):
        out.add(f"{path}.file_systems", None, "SFS Turbo needs vpc_id, subnet_id and security_group_id "
                "(configure the workspace network)")


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
                tags=dict(args.tags),
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
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(parent=self, protect=fs.protect),
            )
        self.register_outputs({
            "buckets": {k: b.bucket for k, b in self.buckets.items()},
            "file_systems": {k: f.id for k, f in self.file_systems.items()},
        })
