"""Run a Pulumi program in-process under Pulumi's mock runtime and record what it registers.

This is the engine of the offline preview (`make preview`) and of the tests: the very program the Pulumi CLI runs
(`__main__.py`) is executed inside a stack, the way the CLI's language host runs it, but every resource
registration and every invoke goes to a recording mock monitor instead of the cloud.

Why not `pulumi.runtime.set_mocks`: it finishes the root stack at once, so `pulumi.export` never reaches the
monitor, and its monitor forgets each resource's parent and options (see ../shared/PITFALLS.md). Here each run gets
a fresh `contextvars.Context` (Pulumi keeps its settings, config and root resource in context variables), a fresh
event loop and a fresh monitor, so runs never leak into one another.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import inspect
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

import pulumi
from pulumi.runtime import mocks as _mocks
from pulumi.runtime import rpc
from pulumi.runtime.proto import engine_pb2
from pulumi.runtime.config import set_all_config
from pulumi.runtime.settings import configure
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from . import fakes, tokens
from .stackfile import config_from_mapping as config_from_stack_yaml  # noqa: F401  (the one reader's rules)

SECRET = "[secret]"
STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass
class Registration:
    """One resource as the engine would see it: identity, inputs and the options that matter to a reviewer."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    """Inputs as registered; secret values are kept wrapped (see `plain_inputs` and `redacted_inputs`)."""
    id: str = ""
    state: dict[str, Any] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    ignore_changes: list[str] = field(default_factory=list)
    additional_secret_outputs: list[str] = field(default_factory=list)
    aliases: list[dict[str, Any]] = field(default_factory=list)
    delete_before_replace: bool = False

    @property
    def secret_paths(self) -> set[str]:
        """Top-level input names whose value is (or contains) a Pulumi secret."""
        return {k for k, v in self.inputs.items() if _contains_secret(v)}

    def plain_inputs(self) -> dict[str, Any]:
        """Inputs with secrets unwrapped: for assertions in tests, never for printing."""
        return _walk(self.inputs, lambda v: _walk(rpc.unwrap_rpc_secret(v), None))

    def redacted_inputs(self) -> dict[str, Any]:
        """Inputs with every secret value replaced by "[secret]": safe to print."""
        return _walk(self.inputs, lambda _v: SECRET)


@dataclass
class Invoke:
    token: str
    args: dict[str, Any]


@dataclass
class Plan:
    """What one offline run of a program registered: resources ordered by URN, invokes by token and arguments."""

    project: str
    stack: str
    resources: list[Registration]
    invokes: list[Invoke]
    outputs: dict[str, Any]
    """Stack outputs, secrets kept wrapped (use `redacted_outputs`)."""
    warnings: list[str] = field(default_factory=list)
    """What the program logged as warnings (`pulumi.log.warn`), in order: `pulumi preview` shows them too."""
    reads: list[str] = field(default_factory=list)
    """The stacks the program read through a `pulumi.StackReference` (shown by `pulumi preview` as reads)."""
    references: dict[str, "StackOutputs"] = field(default_factory=dict)
    """What each of those reads returned, by stack name (for reviews: who a team stack's user ids are)."""

    def by_type(self, type_token: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_token]

    def of(self, name: str) -> list[Registration]:
        """Resources of the provider type `name` of `offline.tokens` (`"ALI_POLICY"`), importing only its SDK."""
        if name not in tokens.SOURCES:
            raise KeyError(f"not a short name of offline.tokens: {name!r}")
        return [r for r in self.resources if tokens.name_of(r.type) == name]

    def one(self, type_token: str, name: str) -> Registration:
        found = [r for r in self.resources if r.type == type_token and r.name == name]
        if len(found) != 1:
            names = sorted(r.name for r in self.by_type(type_token))
            raise KeyError(f"expected one {type_token} named {name!r}, found {len(found)} (have: {names})")
        return found[0]

    def plain_outputs(self) -> dict[str, Any]:
        """Stack outputs with secrets unwrapped: for assertions in tests, never for printing."""
        return _walk(self.outputs, None)

    def redacted_outputs(self) -> dict[str, Any]:
        return _walk(self.outputs, lambda _v: SECRET)

    @property
    def custom_resources(self) -> list[Registration]:
        return [r for r in self.resources if r.custom]


def _contains_secret(value: Any) -> bool:
    if rpc.is_rpc_secret(value):
        return True
    if isinstance(value, dict):
        return any(_contains_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_secret(v) for v in value)
    return False


def _walk(value: Any, on_secret: Optional[Callable[[Any], Any]]) -> Any:
    """Copy a deserialized property tree, mapping each secret through `on_secret` (None: keep it unwrapped)."""
    if rpc.is_rpc_secret(value):
        inner = rpc.unwrap_rpc_secret(value)
        return _walk(inner, None) if on_secret is None else on_secret(inner)
    if isinstance(value, dict):
        return {k: _walk(v, on_secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, on_secret) for v in value]
    if isinstance(value, pulumi.Resource):
        return str(getattr(value, "urn", ""))
    if type(value).__name__ == "Unknown":
        return "[unknown]"
    return value


STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"


@dataclass(frozen=True)
class StackOutputs:
    """Another stack's outputs as a StackReference reads them: plain values, and the names of the secret ones."""

    outputs: Mapping[str, Any]
    secret_names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, plan: "Plan") -> "StackOutputs":
        return cls(plan.plain_outputs(), frozenset(k for k, v in plan.outputs.items() if _contains_secret(v)))


class DuplicateUrnError(Exception):
    """Two resources registered under one URN: the real engine refuses this, the stock mock monitor does not."""


class RecordingMonitor(_mocks.MockMonitor):
    """A mock monitor that keeps each resource's parent and options, checks URNs, and captures stack outputs."""

    def __init__(self, mocks: _mocks.Mocks):
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.stack_outputs: dict[str, Any] = {}
        self._urns: set[str] = set()
        self.thread_loops: set[asyncio.AbstractEventLoop] = set()

    def _track_loop(self) -> None:
        """The stock monitor makes an event loop in each executor thread it runs in and never closes it; left to
        the garbage collector at exit it prints 'Exception ignored ... Invalid file descriptor'. Keep them to
        close when the run ends."""
        self.thread_loops.add(_ensure_event_loop())

    def Invoke(self, request):  # noqa: N802
        self._track_loop()
        return super().Invoke(request)

    def ReadResource(self, request):  # noqa: N802
        self._track_loop()
        return super().ReadResource(request)

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """URNs as the engine builds them: the whole chain of parent types, not only the nearest one."""
        if parent:
            qualified = parent.split("::")[2]
            if qualified != STACK_TYPE:
                type_ = f"{qualified}${type_}"
        return "urn:pulumi:" + "::".join([pulumi.get_stack(), pulumi.get_project(), type_, name])

    def RegisterResource(self, request):  # noqa: N802 (gRPC method name)
        self._track_loop()
        self._apply_stack_transforms(request)
        response = super().RegisterResource(request)
        if request.type == STACK_TYPE:
            return response
        urn = response.urn
        if urn in self._urns:
            raise DuplicateUrnError(f"duplicate resource URN {urn}")
        self._urns.add(urn)
        reg = Registration(
            urn=urn,
            type=request.type,
            name=request.name,
            parent=request.parent,
            custom=bool(request.custom),
            inputs=rpc.deserialize_properties(request.object),
            id=response.id,
            state=self.resources[urn].state,
            protect=bool(request.protect),
            retain_on_delete=bool(request.retainOnDelete),
            dependencies=list(request.dependencies),
            property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
            ignore_changes=list(request.ignoreChanges),
            additional_secret_outputs=list(request.additionalSecretOutputs),
            aliases=[_alias_to_dict(a) for a in request.aliases],
            delete_before_replace=bool(request.deleteBeforeReplace),
        )
        self.registrations.append(reg)
        return response

    def _apply_stack_transforms(self, request) -> None:
        """Run the program's stack transforms (`register_resource_transform`) on a registration's inputs, as the
        engine does through its callbacks before it registers the resource; the stock mock monitor only records
        them. Changes to the inputs are applied; changes to resource options are not (none of ours makes any)."""
        if not self._stack_transforms or request.type == STACK_TYPE:
            return
        props = rpc.deserialize_properties(request.object)
        changed = False
        for transform in self._stack_transforms:
            args = pulumi.ResourceTransformArgs(custom=bool(request.custom), type_=request.type, name=request.name,
                                                props=props, opts=pulumi.ResourceOptions())
            result = transform(args)
            if inspect.isawaitable(result):
                result = _sync_await(result)
            if result is not None:
                props, changed = dict(result.props), True
        if changed:
            request.object.CopyFrom(_sync_await(rpc.serialize_properties(props, {})))

    def RegisterResourceOutputs(self, request):  # noqa: N802
        if request.urn.split("::")[2] == STACK_TYPE:
            self.stack_outputs = rpc.deserialize_properties(request.outputs)
        return super().RegisterResourceOutputs(request)


def _alias_to_dict(alias) -> dict[str, Any]:
    kind = alias.WhichOneof("alias")
    if kind == "urn":
        return {"urn": alias.urn}
    spec = alias.spec
    out: dict[str, Any] = {}
    for key in ("name", "type", "stack", "project"):
        if getattr(spec, key):
            out[key] = getattr(spec, key)
    parent = spec.WhichOneof("parent")
    if parent == "parentUrn":
        out["parentUrn"] = spec.parentUrn
    elif parent == "noParent":
        out["noParent"] = spec.noParent
    return out


class RecordingEngine(_mocks.MockEngine):
    """The mock engine, also keeping the program's warnings and errors for the preview to show."""

    def __init__(self) -> None:
        super().__init__(None)
        self.warnings: list[str] = []

    def Log(self, request):  # noqa: N802 (gRPC method name)
        if request.severity == engine_pb2.WARNING:
            self.warnings.append(request.message)
            return None
        return super().Log(request)


class RecordingMocks(_mocks.Mocks):
    """Mocks that answer like the provider would for the outputs this project reads, and record every invoke."""

    def __init__(self, region: str = fakes.MOCK_REGION,
                 references: Optional[Mapping[str, "StackOutputs"]] = None) -> None:
        self.invokes: list[Invoke] = []
        self.region = region
        """Region the placeholder endpoints and zones are in; `run` sets it from `alicloud:region`."""
        self.references: dict[str, StackOutputs] = dict(references or {})
        """What a `pulumi.StackReference` reads, by the stack name it is given (`offline/preview.py`,
        `identity_references`, fills it from the referenced stack's own offline plan)."""
        self.reads: list[str] = []
        """The stacks the program read through a StackReference, in order."""

    def new_resource(self, args: _mocks.MockResourceArgs):
        if args.typ == STACK_REFERENCE_TYPE:
            return self._stack_reference(args.name)
        return fakes.new_resource(args.typ, args.name, args.inputs, self.region)

    def _stack_reference(self, name: str):
        """As the engine answers a StackReference read: the stack's outputs and which of them are secret. A stack
        the run was not given fails the read, as the engine fails it for a stack that does not exist."""
        self.reads.append(name)
        if name not in self.references:
            raise Exception(f"unknown stack {name!r}")  # noqa: TRY002 - what the engine's failed read carries
        ref = self.references[name]
        return name, {"name": name, "outputs": dict(ref.outputs), "secretOutputNames": sorted(ref.secret_names)}

    def call(self, args: _mocks.MockCallArgs):
        plain = _walk(args.args, None)
        self.invokes.append(Invoke(args.token, plain))
        return fakes.invoke(args.token, plain, self.region)


def run(
    program: Callable[[], Any],
    *,
    project: str,
    stack: str,
    config: Optional[Mapping[str, str]] = None,
    mocks: Optional[RecordingMocks] = None,
    dry_run: bool = False,
    references: Optional[Mapping[str, StackOutputs]] = None,
) -> Plan:
    """Run `program` as the Pulumi CLI would (inside a stack) against recording mocks, and return the plan.

    `dry_run` is what `pulumi.runtime.is_dry_run()` returns to the program: True as under `pulumi preview` (the
    offline preview CLI and plan diff run so), False as under `pulumi up` (the default, and the tests'). The mocks
    answer every output either way, so only code that asks `is_dry_run()` behaves differently (the account
    bootstrap's activation invokes, components/alicloud/resources/account.py).
    Exceptions raised by the program (for instance a configuration error) propagate unchanged.
    """
    mocks = mocks or RecordingMocks()
    mocks.references.update(references or {})
    mocks.region = (config or {}).get("alicloud:region") or mocks.region
    monitor = RecordingMonitor(mocks)
    engine = RecordingEngine()

    def _in_fresh_context() -> None:
        settings = _mocks.MockSettings(
            monitor=monitor,
            monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),
            engine=engine,
            project=project,
            stack=stack,
            dry_run=dry_run,
            organization="organization",
            callbacks=None,
            root_directory=None,
        )
        configure(settings)
        set_all_config(dict(config or {}), [])
        loop = asyncio.new_event_loop()
        try:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(run_in_stack(program))
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            asyncio.set_event_loop(None)
            loop.close()
            for other in monitor.thread_loops - {loop}:
                if not other.is_running():
                    other.close()

    # The cyclic collector is paused for the run: every resource, output and task of a plan stays alive until the
    # run ends, so each full collection rescanned a graph that only grows, and took about 70% of a large plan's
    # time (benchmarks/results.md). What a run frees is freed by reference counting; cycles wait for the next
    # collection after it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        contextvars.Context().run(_in_fresh_context)
    finally:
        if collecting:
            gc.enable()
    # Registration order follows the event loop (which output resolves first), so it can differ between two runs
    # of the same program: a plan is ordered by URN and invokes by their call, so every reader of a plan is
    # deterministic.
    return Plan(
        project=project,
        stack=stack,
        resources=sorted(monitor.registrations, key=lambda r: r.urn),
        invokes=sorted(mocks.invokes, key=lambda i: (i.token, json.dumps(i.args, sort_keys=True, default=str))),
        outputs=dict(monitor.stack_outputs),
        warnings=list(engine.warnings),
        reads=list(mocks.reads),
        references={n: mocks.references[n] for n in mocks.reads if n in mocks.references},
    )
