"""The workspace's storage: OSS buckets and NAS file systems, secure by default and protected from deletion.

OSS (pulumi-alicloud 4.x): the inline `acl` is deprecated, so privacy is its own `oss.BucketAcl` and the bucket
ignores the inline field (the drift trap in ../shared/PITFALLS.md); encryption and versioning stay inline (not
deprecated) so no sub-resource fights the bucket over them; public access is blocked per bucket. Every bucket denies
non-HTTPS requests (`oss.BucketPolicy`) and, given the stack's log bucket, sends its access logs there
(`oss.BucketLogging`); the bucket ignores the matching inline `policy` and `logging` fields (`audit.py`).
NAS: every file system gets its own permission group admitting only the workspace's vSwitch CIDRs (the default
group, DEFAULT_VPC_GROUP_NAME, admits the whole VPC and cannot be changed), and a mount target per vSwitch.
`vpc_id`/`vswitch_id` are left unset on the file system itself: they are for CPFS and caused spurious
replacement on standard NAS (aliyun/terraform-provider-alicloud#8712).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
import pulumi_alicloud as alicloud

from .audit import BUCKET_IGNORE_CHANGES, access_logging, https_only
from .network import Subnet


@dataclass(frozen=True)
class BucketArgs:
    key: str
    """Stable key from config: the logical name, never a list index."""
    name: str
    """Physical bucket name (globally unique, cannot be renamed)."""
    storage_class: str = "Standard"
    redundancy_type: str = "LRS"
    encryption: str = "AES256"
    """Server-side encryption: AES256 (OSS-managed keys) or KMS."""
    kms_key_id: Optional[str] = None
    protect: bool = True
    """Protect the bucket (and its data) from deletion."""


@dataclass(frozen=True)
class FileSystemArgs:
    key: str
    """Stable key from config."""
    description: str
    file_system_type: str = "standard"
    protocol_type: str = "NFS"
    storage_type: str = "Capacity"
    capacity: Optional[int] = None
    zone_id: Optional[str] = None
    protect: bool = True


@dataclass(frozen=True)
class StorageArgs:
    buckets: Sequence[BucketArgs] = ()
    file_systems: Sequence[FileSystemArgs] = ()
    subnets: Sequence[Subnet] = ()
    """vSwitches the file systems are mounted in and whose CIDRs their access rules admit."""
    vpc_id: Optional[pulumi.Input[str]] = None
    access_group_names: dict[str, str] = field(default_factory=dict)
    """The workspace's own NAS permission group name per file-system type used (`standard`, `extreme`)."""
    tags: dict[str, str] = field(default_factory=dict)
    access_log_bucket: Optional[pulumi.Input[str]] = None
    """The stack's access-log bucket (`audit.LogBucket`): every bucket's access logs go there. None: not logged."""


class Storage(pulumi.ComponentResource):
    """OSS buckets and NAS file systems of one workspace."""

    buckets: dict[str, alicloud.oss.Bucket]
    file_systems: dict[str, alicloud.nas.FileSystem]
    mount_targets: dict[str, list[alicloud.nas.MountTarget]]

    def __init__(self, name: str, args: StorageArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("pai:storage:Storage", name, None, opts)
        self.buckets = {b.key: self._bucket(name, b, args.tags, args.access_log_bucket) for b in args.buckets}
        self.file_systems = {}
        self.mount_targets = {}
        # One permission group per file-system type for the whole workspace: every file system of the workspace
        # admits exactly the same vSwitches, and NAS allows only 20 permission groups per account and region
        # (CreateAccessGroup API reference), so a group per file system would run out fast.
        groups = {
            fs_type: self._access_group(name, fs_type, group_name, args)
            for fs_type, group_name in sorted(args.access_group_names.items())
            if any(fs.file_system_type == fs_type for fs in args.file_systems)
        }
        for fs in args.file_systems:
            self.file_systems[fs.key], self.mount_targets[fs.key] = self._nas(name, fs, groups[fs.file_system_type], args)
        self.register_outputs(
            {
                "buckets": {k: b.bucket for k, b in self.buckets.items()},
                "fileSystems": {k: f.id for k, f in self.file_systems.items()},
            }
        )

    def _bucket(self, name: str, b: BucketArgs, tags: dict[str, str],
                log_bucket: Optional[pulumi.Input[str]]) -> alicloud.oss.Bucket:
        sse = {"sse_algorithm": b.encryption}
        if b.kms_key_id:
            sse["kms_master_key_id"] = b.kms_key_id
        bucket = alicloud.oss.Bucket(
            f"{name}-{b.key}",
            bucket=b.name,
            storage_class=b.storage_class,
            redundancy_type=b.redundancy_type,
            server_side_encryption_rule=sse,
            versioning={"status": "Enabled"},
            force_destroy=False,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=b.protect, ignore_changes=BUCKET_IGNORE_CHANGES),
        )
        # Children would inherit `protect` from their parent; only the data-holding resource itself is protected.
        child = pulumi.ResourceOptions(parent=bucket, protect=False)
        alicloud.oss.BucketAcl(f"{name}-{b.key}-acl", bucket=bucket.bucket, acl="private", opts=child)
        alicloud.oss.BucketPublicAccessBlock(
            f"{name}-{b.key}-public-access-block", bucket=bucket.bucket, block_public_access=True, opts=child
        )
        https_only(f"{name}-{b.key}", bucket, b.name)
        if log_bucket is not None:
            access_logging(f"{name}-{b.key}", bucket, b.name, log_bucket)
        return bucket

    def _access_group(self, name: str, fs_type: str, group_name: str, args: StorageArgs) -> alicloud.nas.AccessGroup:
        group = alicloud.nas.AccessGroup(
            f"{name}-{fs_type}-access-group",
            access_group_name=group_name,
            access_group_type="Vpc",
            file_system_type=fs_type,
            # The description defaults to the name; NAS descriptions allow no spaces (CreateAccessGroup).
            opts=pulumi.ResourceOptions(parent=self),
        )
        for subnet in args.subnets:
            # PAI's DSW/DLC containers write as root, so root is not squashed; the rule admits one vSwitch only.
            alicloud.nas.AccessRule(
                f"{name}-{fs_type}-rule-{subnet.key}",
                access_group_name=group.access_group_name,
                file_system_type=fs_type,
                source_cidr_ip=subnet.cidr,
                rw_access_type="RDWR",
                user_access_type="no_squash",
                priority=1,
                opts=pulumi.ResourceOptions(parent=group),
            )
        return group

    def _nas(self, name: str, fs: FileSystemArgs, group: alicloud.nas.AccessGroup, args: StorageArgs):
        file_system = alicloud.nas.FileSystem(
            f"{name}-{fs.key}",
            file_system_type=fs.file_system_type,
            protocol_type=fs.protocol_type,
            storage_type=fs.storage_type,
            capacity=fs.capacity,
            zone_id=fs.zone_id,
            encrypt_type=1,  # NAS-managed key; the only at-rest option for both standard and extreme NAS
            description=fs.description,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=fs.protect),
        )
        child = pulumi.ResourceOptions(parent=file_system, protect=False)
        mounts = [
            alicloud.nas.MountTarget(
                f"{name}-{fs.key}-mount-{subnet.key}",
                file_system_id=file_system.id,
                access_group_name=group.access_group_name,
                network_type="Vpc",
                vpc_id=args.vpc_id,
                vswitch_id=subnet.id,
                opts=child,
            )
            for subnet in args.subnets
            # Extreme NAS is zonal: mount it only in its own zone (zones of existing vSwitches are not known
            # before the cloud is read, so those are all used).
            if fs.file_system_type != "extreme" or subnet.zone_id in (None, fs.zone_id)
        ]
        return file_system, mounts
