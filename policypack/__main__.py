"""Entry point of the pai-platform policy pack: `pulumi preview --policy-pack policypack`.

The Pulumi CLI runs this folder with `python -m pulumi.policy <engine> .` (pulumi/pulumi
sdk/python/dist/pulumi-analyzer-policy-python), i.e. `runpy.run_path` on the folder, so sibling modules are
imported as top-level modules here. `PolicyPack(...)` starts the analyzer's gRPC server and never returns.
"""

try:
    from .policies import PACK_NAME, build_policies, install_secret_tracking
except ImportError:  # run as a folder by the Pulumi CLI
    from policies import PACK_NAME, build_policies, install_secret_tracking  # type: ignore[no-redef]

from pulumi_policy import EnforcementLevel, PolicyPack

install_secret_tracking()

PolicyPack(
    name=PACK_NAME,
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=build_policies(EnforcementLevel.MANDATORY),
)
