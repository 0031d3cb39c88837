"""Plain inputs: what the library needs to know when a component is constructed.

The library's components validate their arguments and derive names and resource counts from them *before* they
register anything, so they need plain values: a bucket key, a member list, a CIDR. A wrapper must not wait for an
output with `.apply` and build resources inside it: resources created in an apply are not seen by `pulumi preview`
(and not at all when the output is unknown). So the schema declares these inputs plain (`plain: true`, typed
`string` rather than `Input<string>` in the generated SDKs), and `require_plain` refuses, with one line per input,
any output, unknown or secret the engine still sends there (Pulumi YAML, for instance, does not check plainness).

Only the inputs a wrapper lists may be outputs: the library passes them straight to a resource (an existing
user's id, a project id, a password). A secret sent inside a plain object is turned back into a secret Output.
"""

from typing import Any, Iterable, Iterator

import pulumi
from pulumi.output import Unknown
from pulumi.provider.experimental.util import camel_case
from pulumi.runtime import rpc

from components.core.errors import ConfigError

RULE = ("must be known when the component is constructed, not an output or a secret: the component checks it "
        "before it registers anything")


def _not_plain(value: Any) -> bool:
    return (isinstance(value, (pulumi.Output, Unknown)) or value == rpc.UNKNOWN
            or rpc.is_rpc_secret(value))


def _walk(value: Any, path: str, pattern: str) -> Iterator[tuple[str, str, Any, Any]]:
    """(schema path, pattern path, container, key) of every value under `value`."""
    if isinstance(value, dict) and not rpc.is_rpc_secret(value):
        for k, v in value.items():
            yield from _leaf(v, f"{path}.{camel_case(k)}" if path else camel_case(k),
                             f"{pattern}.{k}" if pattern else k, value, k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaf(v, f"{path}[{i}]", f"{pattern}[*]", value, i)


def _leaf(v: Any, path: str, pattern: str, container: Any, key: Any) -> Iterator[tuple[str, str, Any, Any]]:
    yield path, pattern, container, key
    if not _not_plain(v):
        yield from _walk(v, path, pattern)


def require_plain(name: str, args: Any, may_be_output: Iterable[str] = ()) -> list[ConfigError]:
    """Every input of `args` (snake_case keys, as the host maps them) that is not plain, one error each, except
    at the `may_be_output` paths (`members[*].existing_user_id`), where an rpc secret becomes a secret Output."""
    allowed = set(may_be_output)
    errors = []
    if _not_plain(args):
        return [ConfigError(name, RULE)]
    for path, pattern, container, key in list(_walk(args, "", "")):
        value = container[key]
        if not _not_plain(value):
            continue
        if pattern in allowed:
            if rpc.is_rpc_secret(value):
                container[key] = pulumi.Output.secret(rpc.unwrap_rpc_secret(value))
            continue
        errors.append(ConfigError(f"{name}.{path}", RULE))
    return errors

