"""pai-platform: PAI workspaces with their dependencies, from one validated stack file.

Thin on purpose: read and validate the stack config (nothing is registered if it is wrong), build, export.
The stack's `cloud` key picks the contract and the adapter from one registry (`components/core/clouds.py`); each
cloud's package is imported only when its cloud is used.
"""

import pulumi

from components.core import clouds, config

cfg = config.load_from_pulumi()

for key, value in clouds.adapter(cfg.cloud).build(cfg).items():
    pulumi.export(key, value)
