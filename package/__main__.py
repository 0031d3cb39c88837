"""The plugin's entry point: the Python language host runs this file when a program uses the `pai` package.

It serves the wrapper components over gRPC with the SDK's component host, which infers the package schema from
their type annotations and docstrings (pulumi.provider.experimental.analyzer).
"""

import sys
from pathlib import Path

# The wrappers import the library (components/) from the repository this folder sits in.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pulumi.provider.experimental import component_provider_host  # noqa: E402

from package import COMPONENTS, NAME, VERSION  # noqa: E402

if __name__ == "__main__":
    component_provider_host(COMPONENTS, name=NAME, version=VERSION)
