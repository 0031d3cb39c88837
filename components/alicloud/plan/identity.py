"""What an identity stack exports and a team stack reads back: the stack outputs that join an estate's stacks.

An estate larger than one stack is split at its one natural seam (README, "Estates: one identity stack, one stack
per team"): the identity stack holds the RAM users, the stack-wide resource-admins group, the access-log bucket and
the account bootstrap; each team stack holds its workspaces and refers to the identity stack's users by name
through a `pulumi.StackReference`. These are the outputs it reads, as plain data with one parser, so the identity
stack's adapter writes and the team stack's reader checks the same shape (no name lookup in RAM: the ids come from
the identity stack's state).

Output names (stack outputs of the identity stack):
- `users`: JSON text of {name: {name, id, displayName, existing, consoleLogin, accessKey, resourceAdmin}}
- `accessLogBucket`: the bucket every team stack's buckets log to
- `activatedModules`: the modules the identity stack's account bootstrap activates ([] when it is off, or when it
  does not activate services)
- `region`: the identity stack's region; a team stack's buckets log to its log bucket, and OSS delivers access
  logs only to a bucket of the same region (components/alicloud/resources/audit.py)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from pydantic.alias_generators import to_camel

USERS = "users"
ACCESS_LOG_BUCKET = "accessLogBucket"
ACTIVATED_MODULES = "activatedModules"
REGION = "region"
OUTPUTS = (USERS, ACCESS_LOG_BUCKET, ACTIVATED_MODULES, REGION)
JSON_OUTPUTS = (USERS, "consoleLogins", "initialPasswords", "accessKeys")
"""The identity stack's per-user outputs, exported as one JSON text each (`pulumi stack output users | jq .`): a
team stack's StackReference reads every output of the identity stack, and one text costs the same to read at any
estate size, where a map costs per user (benchmarks/results.md)."""

USER_ATTRIBUTES = ("display_name", "existing", "console_login", "access_key", "resource_admin")
"""Member attributes that belong to the RAM user, not to one workspace membership: an identity stack sets them on
`users[]`, a monolithic stack on each member, a team stack never (its members take them from the identity stack).
In a monolithic stack `resource_admin` may differ between a user's memberships (a user is a resource admin if any
says so, and joins the dataset-acceleration group of those workspaces only); in an estate it is the user's, so
the user joins the dataset-acceleration group of every such workspace it is a member of."""
_CAMEL = {a: to_camel(a) for a in USER_ATTRIBUTES}
"""Their names in the export (the stack file's spelling), computed once: a team stack parses every user of the estate."""


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



def user_output(user: Any, name: Any, id: Any) -> dict[str, Any]:
    """One entry of the `users` output: `user`'s `USER_ATTRIBUTES` (a contract `User`), with the `name` and `id` of
    its RAM user (Outputs of the resource); `parse` reads it back as an `ExportedUser`."""
    return {"name": name, "id": id, **{_CAMEL[a]: getattr(user, a) for a in USER_ATTRIBUTES}}


@dataclass(frozen=True)
class IdentityExports:
    """What a team stack reads of its identity stack."""

    stack: str
    """The identity stack as the team stack names it (`<org>/<project>/<stack>`)."""
    users: Mapping[str, ExportedUser]
    access_log_bucket: str
    activated_modules: tuple[str, ...] = ()
    region: Optional[str] = None
    """None when the identity stack was deployed before it exported its region."""


def parse(stack: str, outputs: Mapping[str, Any]) -> IdentityExports:
    """The identity stack's outputs as typed data. Raises ValueError(rule) naming what is missing or malformed:
    a stack that is not (yet) an identity stack of this project, or one deployed by an older version."""
    users = outputs.get(USERS)
    if isinstance(users, str):
        try:
            users = json.loads(users)
        except ValueError:
            users = None
    if not isinstance(users, Mapping):
        raise ValueError(f"stack {stack!r} exports no `{USERS}` map: is it an identity stack of this project "
                         f"(it declares users:), and has it been deployed (pulumi up --stack {stack.rsplit('/', 1)[-1]})?")
    parsed = {}
    for key, u in users.items():
        if not (isinstance(u, Mapping) and isinstance(u.get("name"), str) and isinstance(u.get("id"), str)):
            raise ValueError(f"stack {stack!r} exports user {key!r} without a name and id")
        flags = {a: u.get(_CAMEL[a], False) for a in USER_ATTRIBUTES[1:]}
        display = u.get("displayName")
        if not all(isinstance(v, bool) for v in flags.values()) or not isinstance(display, (str, type(None))):
            raise ValueError(f"stack {stack!r} exports user {key!r} with attributes of the wrong type")
        parsed[str(key)] = ExportedUser(u["name"], u["id"], display, **flags)
    bucket = outputs.get(ACCESS_LOG_BUCKET)
    if not isinstance(bucket, str):
        raise ValueError(f"stack {stack!r} exports no `{ACCESS_LOG_BUCKET}`: every team stack's buckets log there")
    modules = outputs.get(ACTIVATED_MODULES) or []
    region = outputs.get(REGION)
    if not (isinstance(modules, list) and all(isinstance(m, str) for m in modules)) or \
            not isinstance(region, (str, type(None))):
        raise ValueError(f"stack {stack!r} exports `{ACTIVATED_MODULES}` or `{REGION}` of the wrong type")
    return IdentityExports(stack, parsed, bucket, tuple(modules), region)
