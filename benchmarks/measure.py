"""One measurement, in a process of its own so that runs never share memory, caches or garbage.

    python -m benchmarks.measure project <workspaces> <members> [--repeat N] [--tracemalloc]
    python -m benchmarks.measure baseline <workspaces> <members> --counts '<json type->count>' [...]

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
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pulumi_alicloud as alicloud  # noqa: E402
import pulumi_random  # noqa: E402,F401

from benchmarks import baseline, estate  # noqa: E402
from offline import graph  # noqa: E402
from offline.preview import program_for  # noqa: E402
from offline.runtime import Plan, config_from_stack_yaml, run  # noqa: E402
from offline import tokens as T  # noqa: E402

for _module in ("ecs", "nas", "oss", "pai", "ram", "vpc"):
    getattr(alicloud, _module)  # submodules load lazily: load them before any clock starts


def _maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _timed(program: Callable[[], Any], config: dict[str, str], repeat: int, trace: bool) -> tuple[Plan, dict]:
    out: dict[str, Any] = {}
    times, cpu = [], []
    plan = None
    for i in range(repeat):
        plan = None  # a plan kept alive from an earlier run would slow the collector in this one
        gc.collect()
        before = _maxrss_kib()
        start, start_cpu = time.perf_counter(), time.process_time()
        plan = run(program, project=estate.PROJECT, stack="bench", config=config)
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
        run(program, project=estate.PROJECT, stack="bench", config=config)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.measure")
    parser.add_argument("side", choices=("project", "baseline"))
    parser.add_argument("workspaces", type=int)
    parser.add_argument("members", type=int)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--counts", help="baseline: JSON map of type token to count (from the project's plan)")
    args = parser.parse_args(argv)
    if args.side == "project":
        out = project(args.workspaces, args.members, args.repeat, args.tracemalloc)
    else:
        out = flat(json.loads(args.counts), args.repeat, args.tracemalloc)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
