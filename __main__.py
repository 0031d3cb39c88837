"""pai-platform: PAI workspaces with their dependencies, from one validated stack file.

Thin on purpose: read and validate the stack config (nothing is registered if it is wrong), build, export.
The stack's `cloud` key picks the builder; each is imported only when its cloud is used.
"""

import importlib

import pulumi

from components import config

BUILDERS = {"alicloud": "components.stack", "huaweicloud": "components.modelarts.stack"}

cfg = config.load_from_pulumi()
build = importlib.import_module(BUILDERS[getattr(cfg, "cloud", "alicloud")]).build

for key, value in build(cfg).items():
    pulumi.export(key, value)
