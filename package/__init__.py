"""pai-platform's bundles as a multi-language Pulumi component package (docs/package.md).

`AlibabaWorkspace` (pai:index:AlibabaWorkspace) and `ModelArtsWorkspace` (pai:index:ModelArtsWorkspace) are thin
wrappers: their arguments are plain TypedDicts the SDK's analyzer turns into the package schema, mapped onto the
library's typed arguments; the library validates them and registers the resources.
"""

from .alibaba import AlibabaWorkspace
from .modelarts import ModelArtsWorkspace

NAME = "pai"
"""The package name: resource tokens are `pai:index:<class name>` (the host only serves the index module)."""
VERSION = "0.1.0"
"""The package version written in the schema (the host's default, 0.0.0, confuses SDK generation less than none)."""
COMPONENTS = [AlibabaWorkspace, ModelArtsWorkspace]
"""The components the package serves."""
