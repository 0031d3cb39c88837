"""One measurement, in a process of its own so that runs never share memory, caches or garbage.

    python -m benchmarks.measure project <workspaces> <members> [--repeat N] [--tracemalloc]
    python -m benchmarks.measure baseline <workspaces> <members> --counts '<json type->count>' [...]
    python -m benchmarks.measure team <workspaces> <members> [--team W] [--repeat N]
    python -m benchmarks.measure identity <workspaces> <members> [--repeat N]

*team* and *identity* plan the same estate split (`estate.split`): *identity* times the identity stack's plan;
*team* times team `W`'s stack (default `estate.MEASURED_TEAM`) with its identity stack's outputs already known,
as the CLI reads them from the identity stack's state: the identity plan is computed once, untimed, before the
warm-up, and its `StackOutputs` answer the team stack's `pulumi.StackReference` in every timed run.

Prints one JSON object on stdout. Imports and a small warm-up run happen before anything is timed, so both sides
pay for loading `pulumi_alicloud` outside the measurement. Wall time (and CPU time, less sensitive to other
processes on the machine) is the best of `--repeat` runs. Peak memory
is how far the process's peak resident set grew during the first timed run (`ru_maxrss`), or, with
`--tracemalloc`, also the peak of Python allocations traced during one extra run (slower, so kept apart from
timing). The plan of the last run is kept for the counts; earlier ones are dropped before the next run starts.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pulumi_alicloud as alicloud  # noqa: E402
import pulumi_random  # noqa: E402,F401

from benchmarks import baseline, estate  # noqa: E402
from offline import graph  # noqa: E402
from offline.preview import program_for  # noqa: E402
from offline.runtime import Plan, RecordingMonitor, StackOutputs, config_from_stack_yaml, run  # noqa: E402
from offline import tokens as T  # noqa: E402

for _module in ("ecs", "nas", "oss", "pai", "ram", "vpc"):
    getattr(alicloud, _module)  # submodules load lazily: load them before any clock starts


def _maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _timed(program: Callable[[], Any], config: dict[str, str], repeat: int, trace: bool,
           stack: str = "bench", references: Optional[Mapping[str, StackOutputs]] = None) -> tuple[Plan, dict]:
    kwargs: dict[str, Any] = {"project": estate.PROJECT, "stack": stack, "config": config, "references": references}
    out: dict[str, Any] = {}
    times, cpu = [], []
    plan = None
    for i in range(repeat):
        plan = None  # a plan kept alive from an earlier run would slow the collector in this one
        gc.collect()
        before = _maxrss_kib()
        start, start_cpu = time.perf_counter(), time.process_time()
        plan = run(program, **kwargs)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if i == 0:
            out["rss_peak_mib"] = (_maxrss_kib() - before) / 1024
    out["seconds"] = min(times)
    out["cpu_seconds"] = min(cpu)
    out["all_seconds"] = times
    if trace:
        kept, plan = plan, None
        gc.collect()
        tracemalloc.start()
        run(program, **kwargs)
        out["traced_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        plan = kept
    assert plan is not None
    return plan, out


def project(workspaces: int, members: int, repeat: int, trace: bool) -> dict[str, Any]:
    program = program_for(ROOT)
    run(program, project=estate.PROJECT, stack="bench", config=config_from_stack_yaml(estate.PROJECT, estate.estate(1, 5)))
    config = config_from_stack_yaml(estate.PROJECT, estate.estate(workspaces, members))
    plan, out = _timed(program, config, repeat, trace)
    per_member = graph.resources_per_member(plan)
    owned = sum(per_member.values())
    ws_count = len(plan.by_type(T.ALI_WORKSPACE))
    chain = graph.longest_chain(plan)
    out.update(
        resources=len(plan.resources),
        custom=len(plan.custom_resources),
        components=len(plan.resources) - len(plan.custom_resources),
        workspaces=ws_count,
        memberships=len(plan.by_type(T.ALI_MEMBER)),
        users=len(per_member),
        per_member=owned / len(per_member) if per_member else 0.0,
        per_workspace=(len(plan.custom_resources) - owned) / ws_count if ws_count else 0.0,
        chain=len(chain),
        chain_types=[r.type.rsplit(":", 1)[-1] for r in chain],
        counts=graph.type_counts(plan.resources),
    )
    return out


def flat(counts: dict[str, int], repeat: int, trace: bool) -> dict[str, Any]:
    run(baseline.flat_program({t: 2 for t in counts}), project=estate.PROJECT, stack="bench", config={})
    plan, out = _timed(baseline.flat_program(counts), {}, repeat, trace)
    got = graph.type_counts(plan.resources)
    if got != dict(sorted(counts.items())):
        raise AssertionError(f"the baseline registered {got}, expected {counts}")
    out.update(resources=len(plan.resources), custom=len(plan.custom_resources))
    return out


# --- the same estate, split (README "Estates") -----------------------------------------------------------------------


def _cfg(raw: dict[str, Any]) -> dict[str, str]:
    return config_from_stack_yaml(estate.PROJECT, raw)


def _identity_outputs(program: Callable[[], Any], identity_raw: dict[str, Any]) -> dict[str, StackOutputs]:
    """The identity stack's outputs as a team stack's StackReference reads them (its plan, run once, untimed)."""
    plan = run(program, project=estate.PROJECT, stack=estate.IDENTITY_STACK, config=_cfg(identity_raw))
    return {estate.identity_reference(): StackOutputs.of(plan)}


def _sizes_of(plan: Plan) -> dict[str, Any]:
    return dict(resources=len(plan.resources), custom=len(plan.custom_resources),
                components=len(plan.resources) - len(plan.custom_resources), counts=graph.type_counts(plan.resources))


class _Stopwatch:
    """Adds up the wall time spent in one function of a module while it is installed (instrumentation only: the
    function is called unchanged). A function that is not there (renamed) is simply not timed."""

    def __init__(self, module: Any, name: str) -> None:
        self.module, self.name, self.seconds = module, name, []
        self.original = getattr(module, name, None)

    def __enter__(self) -> "_Stopwatch":
        if self.original is not None:
            def timed(*args: Any, **kwargs: Any) -> Any:
                start = time.perf_counter()
                try:
                    return self.original(*args, **kwargs)
                finally:
                    self.seconds.append(time.perf_counter() - start)

            setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.original is not None:
            setattr(self.module, self.name, self.original)


def team(workspaces: int, members: int, which: int, repeat: int, trace: bool) -> dict[str, Any]:
    """Team `which`'s stack of the split estate, its identity stack's outputs known."""
    if not 0 <= which < workspaces:
        raise ValueError(f"team {which} is not one of the estate's {workspaces} teams")
    from components.alicloud.resources import lookups  # the team stack's read of its identity stack
    from components.alicloud.plan import identity  # what the identity stack exports

    program = program_for(ROOT)
    small_identity, small_teams = estate.split_estate(1, 5)
    run(program, project=estate.PROJECT, stack=estate.team_stack(0), config=_cfg(small_teams[0]),
        references=_identity_outputs(program, small_identity))
    identity_raw, teams = estate.split_estate(workspaces, members)
    references = _identity_outputs(program, identity_raw)
    exported = next(iter(references.values()))
    with _Stopwatch(lookups, "identity_exports") as read, _Stopwatch(RecordingMonitor, "ReadResource") as mock:
        plan, out = _timed(program, _cfg(teams[which]), repeat, trace, stack=estate.team_stack(which),
                           references=references)
    if plan.reads != [estate.identity_reference()]:
        raise AssertionError(f"the team stack read {plan.reads}, expected its identity stack only")
    out.update(_sizes_of(plan), team=which, workspaces=len(plan.by_type(T.ALI_WORKSPACE)),
               exported_users=len(identity.parse("identity", exported.outputs).users),
               exported_kib=len(json.dumps(exported.outputs, default=str)) / 1024)
    best = out["all_seconds"].index(out["seconds"])  # one read per run: the best timed run's (not --tracemalloc's)
    runs = (repeat, repeat + int(trace))  # one read per run, else the times would not line up with the runs
    if len(read.seconds) in runs:
        out["read_seconds"] = read.seconds[best]
    if len(mock.seconds) in runs:  # the mock monitor serializing the outputs, as the engine does in a real preview
        out["mock_read_seconds"] = mock.seconds[best]
    return out


def identity(workspaces: int, members: int, repeat: int, trace: bool) -> dict[str, Any]:
    """The identity stack of the split estate."""
    program = program_for(ROOT)
    run(program, project=estate.PROJECT, stack=estate.IDENTITY_STACK, config=_cfg(estate.split_estate(1, 5)[0]))
    identity_raw, _ = estate.split_estate(workspaces, members)
    plan, out = _timed(program, _cfg(identity_raw), repeat, trace, stack=estate.IDENTITY_STACK)
    out.update(_sizes_of(plan), users=len(plan.by_type(T.ALI_USER)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.measure")
    parser.add_argument("side", choices=("project", "baseline", "team", "identity"))
    parser.add_argument("workspaces", type=int)
    parser.add_argument("members", type=int)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--counts", help="baseline: JSON map of type token to count (from the project's plan)")
    parser.add_argument("--team", type=int, default=estate.MEASURED_TEAM, help="team: which workspace's stack")
    args = parser.parse_args(argv)
    if args.side == "project":
        out = project(args.workspaces, args.members, args.repeat, args.tracemalloc)
    elif args.side == "team":
        out = team(args.workspaces, args.members, args.team, args.repeat, args.tracemalloc)
    elif args.side == "identity":
        out = identity(args.workspaces, args.members, args.repeat, args.tracemalloc)
    else:
        out = flat(json.loads(args.counts), args.repeat, args.tracemalloc)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
