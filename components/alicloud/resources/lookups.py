"""Look up what a stack uses but does not create (existing RAM users, a bring-your-own VPC and its vSwitches).

The stack builder calls `resolve` first, before any resource is registered, and hands the ids and CIDRs it returns
to the components, which never see a config path. Lookups are the provider's data sources, invoked synchronously
(the plain `get_*` form, not `get_*_output`), so a missing user or vSwitch stops the program with one
`ConfigError` line naming the config key: the Pulumi CLI prints a `pulumi.RunError` without a traceback, and the
offline preview prints `error: <line>` and exits 2. A failing invoke (no permission, no network) becomes one such
line as well, naming the key whose lookup failed.

Data sources, as declared in the installed SDK (pulumi-alicloud 4.0.0):

- `alicloud.ram.get_users(name_regex=...)` (`pulumi_alicloud/ram/get_users.py`: argument `name_regex`, sent as
  `nameRegex`; result `users`, a list of `GetUsersUserResult` with `id` and `name`, `ram/outputs.py`).
  `name_regex` is a regular expression (the provider filters the account's users by it), so the name is escaped
  and anchored. RAM user names ignore case (the config rejects two members whose names differ only in case), so the
  regex carries `(?i)`: an existing user written `Carol` in RAM is found as `carol`. An exact match is preferred if
  the regex matches more than one user.
- `alicloud.vpc.get_networks(ids=[vpc_id])` (`pulumi_alicloud/vpc/get_networks.py`: argument `ids`, "A list of VPC
  IDs"; result `vpcs`, a list of `GetNetworksVpcResult` with `id`, `vpc_id`, `cidr_block`, `vpc/outputs.py`).
- `alicloud.vpc.get_switches(vpc_id=..., ids=[...])` (`pulumi_alicloud/vpc/get_switches.py`: arguments `vpc_id`,
  "ID of the VPC that owns the vSwitch", and `ids`, "A list of vSwitch IDs"; result `vswitches`, a list of
  `GetSwitchesVswitchResult` with `id`, `vpc_id`, `cidr_block`, `vpc/outputs.py`). The vSwitches are asked for
  within the VPC; only when some are missing is a second call made without `vpc_id`, to tell a vSwitch that does
  not exist from one that belongs to another VPC.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

import pulumi
import pulumi_alicloud as alicloud
from pulumi.runtime.sync_await import _sync_await

from ...core.errors import ConfigError
from ..plan import identity

T = TypeVar("T")


@dataclass(frozen=True)
class ExistingVSwitch:
    id: str
    cidr: str
    """CIDR block as the cloud reports it (NAS access rules admit exactly it)."""


@dataclass(frozen=True)
class ExistingNetwork:
    vpc_id: str
    vswitches: tuple[ExistingVSwitch, ...]
    """In the order of the config's `vswitchIds`."""


@dataclass(frozen=True)
class Resolved:
    user_ids: dict[str, str] = field(default_factory=dict)
    """RAM UserId of each existing member, by the name written in the config."""
    networks: dict[str, ExistingNetwork] = field(default_factory=dict)
    """The bring-your-own network of each workspace that has one, by workspace name."""


def user_name_regex(name: str) -> str:
    """The `name_regex` that matches exactly the RAM user `name`, ignoring case (RAM user names ignore case)."""
    return f"(?i)^{re.escape(name)}$"


def resolve(cfg: Any) -> Resolved:
    """Look up every existing user and bring-your-own network of a validated PAI stack config.

    Raises `ConfigError` (one line, the first problem in config order) if one is not there.
    """
    resolved = Resolved()
    for ui, u in enumerate(getattr(cfg, "users", None) or ()):  # an identity stack's users
        if u.existing:
            resolved.user_ids[u.name] = _user_id(u.name, f"users[{ui}].name")
    team = getattr(cfg, "identity_stack", None) is not None  # its users' ids come from the identity stack
    for wi, ws in enumerate(cfg.workspaces):
        for mi, m in enumerate(ws.members):
            if m.existing and not team and m.name not in resolved.user_ids:
                resolved.user_ids[m.name] = _user_id(m.name, f"workspaces[{wi}].members[{mi}].name")
        if getattr(ws.network, "vpc_id", None):
            resolved.networks[ws.name] = _network(
                ws.network.vpc_id, list(ws.network.vswitch_ids), f"workspaces[{wi}].network", cfg.region
            )
    return resolved


def _invoke(path: str, value: str, data_source: str, call: Callable[[], T]) -> T:
    try:
        return call()
    except ConfigError:
        raise
    except Exception as e:  # noqa: BLE001 - any failed invoke is reported as one line naming the key
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        first = re.sub(r"^invoke of \S+ failed: ", "", first)  # the SDK's wrapping (pulumi/runtime/invoke.py)
        raise ConfigError(path, f"{value!r} could not be looked up ({data_source} failed: {first})") from None


def _user_id(name: str, path: str) -> str:
    found = _invoke(path, name, "ram.get_users", lambda: alicloud.ram.get_users(name_regex=user_name_regex(name)))
    users = list(found.users or [])
    exact = [u for u in users if u.name == name]
    same = exact or [u for u in users if str(u.name).lower() == name.lower()]
    if not same:
        raise ConfigError(path, f"{name!r} existing RAM user not found (ram.get_users found no user of that name)")
    return same[0].id


def _network(vpc_id: str, vswitch_ids: list[str], path: str, region: str) -> ExistingNetwork:
    vpc_path = f"{path}.vpcId"
    vpcs = _invoke(vpc_path, vpc_id, "vpc.get_networks", lambda: alicloud.vpc.get_networks(ids=[vpc_id])).vpcs
    if not any(v.id == vpc_id for v in vpcs or []):
        raise ConfigError(vpc_path, f"{vpc_id!r} VPC not found in region {region} (vpc.get_networks found no VPC of that id)")
    first = _invoke(
        f"{path}.vswitchIds", vpc_id, "vpc.get_switches",
        lambda: alicloud.vpc.get_switches(vpc_id=vpc_id, ids=list(vswitch_ids)),
    )
    inside = {s.id: s for s in first.vswitches or [] if s.vpc_id == vpc_id}
    missing = [i for i in vswitch_ids if i not in inside]
    elsewhere = {}
    if missing:
        again = _invoke(
            f"{path}.vswitchIds[{vswitch_ids.index(missing[0])}]", missing[0], "vpc.get_switches",
            lambda: alicloud.vpc.get_switches(ids=missing),
        )
        elsewhere = {s.id: s for s in again.vswitches or []}
    for j, vid in enumerate(vswitch_ids):
        if vid in inside:
            continue
        where = f"{path}.vswitchIds[{j}]"
        other = elsewhere.get(vid)
        if other is not None:
            raise ConfigError(where, f"{vid!r} vSwitch belongs to VPC {other.vpc_id!r}, not to network.vpcId {vpc_id!r}")
        raise ConfigError(where, f"{vid!r} vSwitch not found in region {region} (vpc.get_switches found no vSwitch of that id)")
    return ExistingNetwork(vpc_id, tuple(ExistingVSwitch(i, inside[i].cidr_block) for i in vswitch_ids))


def identity_exports(reference: str, path: str = "identityStack") -> identity.IdentityExports:
    """A team stack's identity stack, read through a `pulumi.StackReference` (its outputs `plan/identity.py` names),
    before any resource of the team stack is registered: the reference is a read, not a managed resource.

    The outputs are awaited synchronously, as the SDK awaits the plain `get_*` invokes (`_sync_await`, the SDK's own
    helper for a blocking call inside the program's event loop). A stack that cannot be read (no such stack, no
    access) or does not export what a team stack needs is one `ConfigError` line naming `identityStack`."""
    try:
        ref = pulumi.StackReference(reference)
        details = {name: _sync_await(ref.get_output_details(name)) for name in identity.OUTPUTS}
    except Exception as e:  # noqa: BLE001 - an unreadable stack is one line naming the key
        try:
            _forget_failed_read(e)
        except Exception:  # noqa: BLE001 - SDK internals changed: the SDK then also reports the read itself
            pass
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise ConfigError(path, f"{reference!r} could not be read (StackReference failed: {first})") from None
    secret = sorted(name for name, d in details.items() if d.secret_value is not None)
    if secret:  # user ids and bucket names are not secrets; a secret one would lose its secrecy in this stack
        raise ConfigError(path, f"{reference!r} exports {', '.join(secret)} as a secret: a team stack reads them "
                                "as plain names and ids")
    outputs = {name: d.value for name, d in details.items() if d.value is not None}
    try:
        return identity.parse(reference, outputs)
    except ValueError as e:
        raise ConfigError(path, str(e)) from None


def _forget_failed_read(error: Exception) -> None:
    """The SDK keeps every RPC and the first one that failed, and raises that failure when the program ends, before
    the program's own exception (`pulumi/runtime/stack.py`, `run_pulumi_func` and `wait_for_rpcs`): the failed
    read would replace the one-line error with its own traceback. The failure is reported here, so the read's RPC
    is let finish and then forgotten by the SDK's RPC manager (`settings._get_rpc_manager`). Only an RPC that
    failed with this very error is dropped.

    Verified against the SDK's mock monitor (tests/test_estate.py), with pulumi 3.272.0's internals; under the CLI
    the engine also reports the failed read itself (pulumi/pulumi#2407: `StackReference ... read error`), and
    what else it prints was not seen here (no CLI)."""
    from pulumi.runtime.settings import SETTINGS, _get_rpc_manager

    manager = _get_rpc_manager()
    for _ in range(1000):  # the read's RPC ends right after it resolved the outputs with its error
        if all(r.done() for r in [*manager.rpcs, *SETTINGS.outputs] if isinstance(r, asyncio.Future)):
            break
        _sync_await(asyncio.sleep(0))
    manager.rpcs = [r for r in manager.rpcs if not _failed_with(r, error)]
    if manager.unhandled_exception is error:
        manager.unhandled_exception = None
        manager.exception_traceback = None
    with SETTINGS.lock:  # the reference's outputs, computed from the failed read: awaited when the program ends
        failed = {t for t in SETTINGS.outputs if _failed_with(t, error)}
        SETTINGS.outputs.difference_update(failed)
    # The read's other futures (the reference's output properties) hold the same error; asyncio would print each as
    # "Future exception was never retrieved" when it is collected. It is reported: keep the loop quiet about it.
    loop = asyncio.get_event_loop()
    previous = loop.get_exception_handler()

    def quiet(lp: asyncio.AbstractEventLoop, context: dict) -> None:
        if context.get("exception") is error:
            return
        if previous is not None:
            previous(lp, context)
        else:
            lp.default_exception_handler(context)

    loop.set_exception_handler(quiet)


def _failed_with(rpc: Any, error: Exception) -> bool:
    return isinstance(rpc, asyncio.Future) and rpc.done() and not rpc.cancelled() and rpc.exception() is error
