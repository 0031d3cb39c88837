"""What an identity stack exports and a team stack reads back: the stack outputs that join an estate's stacks.

An estate larger than one stack is split at its one natural seam (README, "Estates: one identity stack, one stack
per team"): the identity stack holds the RAM users, the stack-wide resource-admins group, the access-log bucket and
the account bootstrap; each team stack holds its workspaces and refers to the identity stack's users by name
through a `pulumi.StackReference`. These are the outputs it reads, as plain data with one parser, so the identity
stack's adapter writes and the team stack's reader checks the same shape (no name lookup in RAM: the ids come from
the identity stack's state).

Output names (stack outputs of the identity stack):
- `users`: {name: {name, id, displayName, existing, consoleLogin, accessKey, resourceAdmin}}
- `accessLogBucket`: the bucket every team stack's buckets log to
- `activatedModules`: the modules the identity stack's account bootstrap activates ([] when it is off)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

USERS = "users"
ACCESS_LOG_BUCKET = "accessLogBucket"
ACTIVATED_MODULES = "activatedModules"
OUTPUTS = (USERS, ACCESS_LOG_BUCKET, ACTIVATED_MODULES)

USER_ATTRIBUTES = ("display_name", "existing", "console_login", "access_key", "resource_admin")
"""Member attributes that belong to the RAM user, not to one workspace membership: an identity stack sets them on
`users[]`, a monolithic stack on each member, a team stack never (its members take them from the identity stack)."""

_KEYS = {"display_name": "displayName", "existing": "existing", "console_login": "consoleLogin",
         "access_key": "accessKey", "resource_admin": "resourceAdmin"}


@dataclass(frozen=True)
class ExportedUser:
    """One user as the identity stack exports it."""

    name: str
    id: str
    """RAM UserId (created by the identity stack, or looked up there for an existing user)."""
    display_name: Optional[str] = None
    existing: bool = False
    console_login: bool = False
    access_key: bool = False
    resource_admin: bool = False

    def attributes(self) -> dict[str, Any]:
        """The user's attributes under the contract's member field names (`USER_ATTRIBUTES`)."""
        return {a: getattr(self, a) for a in USER_ATTRIBUTES}

    def as_output(self, name: Any = None, id: Any = None) -> dict[str, Any]:
        """The stack-output value (`name` and `id` may be Outputs of the RAM user resource)."""
        return {"name": self.name if name is None else name, "id": self.id if id is None else id,
                **{_KEYS[a]: getattr(self, a) for a in USER_ATTRIBUTES}}


@dataclass(frozen=True)
class IdentityExports:
    """What a team stack reads of its identity stack."""

    stack: str
    """The identity stack as the team stack names it (`<org>/<project>/<stack>`)."""
    users: Mapping[str, ExportedUser]
    access_log_bucket: str
    activated_modules: tuple[str, ...] = ()


def parse(stack: str, outputs: Mapping[str, Any]) -> IdentityExports:
    """The identity stack's outputs as typed data. Raises ValueError(rule) naming what is missing or malformed:
    a stack that is not (yet) an identity stack of this project, or one deployed by an older version."""
    users = outputs.get(USERS)
    if not isinstance(users, Mapping):
        raise ValueError(f"stack {stack!r} exports no `{USERS}` map: is it an identity stack of this project "
                         f"(it declares users:), and has it been deployed (pulumi up --stack {stack.rsplit('/', 1)[-1]})?")
    parsed = {}
    for key, u in users.items():
        if not (isinstance(u, Mapping) and isinstance(u.get("name"), str) and isinstance(u.get("id"), str)):
            raise ValueError(f"stack {stack!r} exports user {key!r} without a name and id")
        parsed[str(key)] = ExportedUser(u["name"], u["id"], u.get("displayName"),
                                        **{a: bool(u.get(_KEYS[a])) for a in USER_ATTRIBUTES[1:]})
    bucket = outputs.get(ACCESS_LOG_BUCKET)
    if not isinstance(bucket, str):
        raise ValueError(f"stack {stack!r} exports no `{ACCESS_LOG_BUCKET}`: every team stack's buckets log there")
    modules = outputs.get(ACTIVATED_MODULES) or ()
    return IdentityExports(stack, parsed, bucket, tuple(str(m) for m in modules))
