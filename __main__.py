"""pai-platform: PAI workspaces with their dependencies, from one validated stack file.

Thin on purpose: read and validate the stack config (nothing is registered if it is wrong), build, export.
"""

import pulumi

from components import config
from components.stack import build

for key, value in build(config.load_from_pulumi()).items():
    pulumi.export(key, value)
