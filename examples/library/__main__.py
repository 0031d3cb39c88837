"""pai-platform's Alibaba Cloud components used as a library: a program with its own arguments, no stack file.

The components check their own arguments with the rules a stack file is checked with (`components/alicloud/
rules.py`): a mistake is one `ConfigError` line per field, raised before the component registers anything.

    make preview PROJECT=examples/library STACK=demo
"""

import sys
from pathlib import Path

import pulumi

# In this repository the components sit two folders up; a program of your own would install or vendor them.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from components.alicloud.plan.policy import statement  # noqa: E402
from components.alicloud.resources.bundle import (  # noqa: E402
    BundleBucket,
    BundleFileSystem,
    BundleMember,
    BundlePolicy,
    NewNetworkArgs,
    WorkspaceBundle,
    WorkspaceBundleArgs,
)
from components.alicloud.resources.identity import UserArgs, Users, UsersArgs  # noqa: E402
from components.alicloud.resources.network import VSwitchArgs  # noqa: E402
from components.alicloud.resources.tagging import register_stack_tags  # noqa: E402

region = pulumi.Config("alicloud").require("region")
register_stack_tags({"team": "vision"})  # first: every taggable resource created after it carries them

users = Users(
    "users",
    UsersArgs(
        users=(UserArgs("mei", console_login=True), UserArgs("ravi")),
        resource_admin_group="lib-pai-resource-admins",
    ),
)

bundle = WorkspaceBundle(
    "vision",
    WorkspaceBundleArgs(
        name="vision_lab",
        description="Vision lab, built from a program",
        modules=("dsw", "designer"),
        name_prefix="lib",
        users=users.users,
        region=region,
        network=NewNetworkArgs(
            cidr="10.40.0.0/16",
            vswitches=(VSwitchArgs("ap-southeast-1a", "10.40.1.0/24"), VSwitchArgs("ap-southeast-1b", "10.40.2.0/24")),
        ),
        buckets=(BundleBucket("datasets", storage_class="IA"),),
        file_systems=(BundleFileSystem("home", description="vision-home"),),
        members=(
            BundleMember("mei", ("PAI.WorkspaceAdmin", "PAI.MaxComputeDeveloper")),
            BundleMember("ravi", ("PAI.AlgoDeveloper",)),
        ),
        policies=(BundlePolicy("eas-read", (statement("eas:ListServices"),), roles=("PAI.AlgoDeveloper",)),),
    ),
)

pulumi.export("workspaceId", bundle.workspace.workspace.id)
pulumi.export("buckets", {k: b.bucket for k, b in bundle.storage.buckets.items()})
