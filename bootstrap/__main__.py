"""pai-platform-bootstrap: the team's Pulumi state bucket and the pipeline's OIDC roles.

Thin on purpose: read and validate config, register the components, export what the team needs next.
"""

import pulumi

from backend_config import load_settings
from state_backend import build

for _key, _value in build(load_settings()).items():
    pulumi.export(_key, _value)
