"""`make bench`: the offline plan of growing estates against a flat baseline, and monolith against split, in one run.

Part *scale*: for each size of `estate.SIZES` (workspaces x member slots per workspace), two measurements, each in
a fresh process (`benchmarks.measure`):
- project: the real `__main__.py` under the recording mock runtime (config validation, components, registration);
- baseline: the same number of resources of the same types (the project plan's custom-resource type counts),
  registered flat with plain `pulumi_alicloud` calls under the same mocks.

Part *estate*: for each team count of `estate.SPLIT_TEAMS` (teams of `estate.SPLIT_MEMBERS` members), the plan of
the stack one team's change touches: the whole monolithic stack, or, the same estate split (`estate.split`), that
team's stack with its identity stack's outputs known; and the identity stack's own plan.

Writes `benchmarks/results.md` (both tables; the before/after of the profiling work when `before.json` is there),
`benchmarks/results.png` (time against resource count) and `benchmarks/estate.png` (monolith against split), and
prints the tables. A run of one part (`--part`) only prints, unless `--out-dir` says where to write. Nothing here is
asserted: timing belongs to a benchmark, not to a test.

    python -m benchmarks.run [--part all|scale|estate] [--sizes 1x5,10x20] [--teams 1,10,40] [--team-members 50]
                             [--repeat N] [--team-repeat N] [--tracemalloc] [--record FILE] [--out-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

from . import estate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS_MD = HERE / "results.md"
RESULTS_PNG = HERE / "results.png"
ESTATE_PNG = HERE / "estate.png"
BEFORE = HERE / "before.json"


def _measure(side: str, w: int, m: int, repeat: int, trace: bool, counts: Optional[dict] = None,
             extra: tuple[str, ...] = ()) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.measure", side, str(w), str(m), "--repeat", str(repeat), *extra]
    if trace:
        cmd.append("--tracemalloc")
    if counts is not None:
        cmd += ["--counts", json.dumps(counts)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:6])} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_size(w: int, m: int, repeat: int, trace: bool) -> dict[str, Any]:
    project = _measure("project", w, m, repeat, trace)
    base = _measure("baseline", w, m, repeat, trace, counts=project["counts"])
    row = {
        "workspaces": w,
        "members_per_workspace": m,
        "project": project,
        "baseline": base,
        "ratio": project["seconds"] / base["seconds"],
        "cpu_ratio": project["cpu_seconds"] / base["cpu_seconds"],
    }
    return row


# --- reporting ------------------------------------------------------------------------------------------------------

COLUMNS = (
    ("ws", lambda r: f"{r['workspaces']}"),
    ("members/ws", lambda r: f"{r['members_per_workspace']}"),
    ("users", lambda r: f"{r['project']['users']}"),
    ("resources (custom + comp.)", lambda r: f"{r['project']['custom']} + {r['project']['components']}"),
    ("project s", lambda r: f"{r['project']['seconds']:.2f}"),
    ("baseline s", lambda r: f"{r['baseline']['seconds']:.2f}"),
    ("ratio (wall)", lambda r: f"{r['ratio']:.2f}"),
    ("ratio (CPU)", lambda r: f"{r['cpu_ratio']:.2f}"),
    ("project ms/res", lambda r: f"{1000 * r['project']['seconds'] / r['project']['custom']:.2f}"),
    ("baseline ms/res", lambda r: f"{1000 * r['baseline']['seconds'] / r['baseline']['custom']:.2f}"),
    ("project peak MiB", lambda r: _mem(r["project"])),
    ("baseline peak MiB", lambda r: _mem(r["baseline"])),
    ("res/member", lambda r: f"{r['project']['per_member']:.2f}"),
    ("res/workspace", lambda r: f"{r['project']['per_workspace']:.1f}"),
    ("longest chain", lambda r: f"{r['project']['chain']}"),
)


def _mem(side: dict[str, Any]) -> str:
    out = f"{side['rss_peak_mib']:.0f}"
    if "traced_peak_mib" in side:
        out += f" ({side['traced_peak_mib']:.0f} traced)"
    return out


def table(rows: list[dict[str, Any]]) -> str:
    head = "| " + " | ".join(c for c, _ in COLUMNS) + " |"
    sep = "|" + "|".join("---:" for _ in COLUMNS) + "|"
    body = ["| " + " | ".join(f(r) for _, f in COLUMNS) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def before_after(before: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    old = {(r["workspaces"], r["members_per_workspace"]): r for r in before["rows"]}
    lines = [
        "## Before / after (issue 5, step 4)",
        "",
        f"Before: {before['note']}",
        "",
        "| ws | members/ws | resources | project s before | project s after | ratio before | ratio after "
        "| CPU ratio before | CPU ratio after | peak MiB before | peak MiB after |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        b = old.get((r["workspaces"], r["members_per_workspace"]))
        if b is None:
            continue
        lines.append(
            f"| {r['workspaces']} | {r['members_per_workspace']} | {r['project']['custom']} "
            f"| {b['project']['seconds']:.2f} | {r['project']['seconds']:.2f} | {b['ratio']:.2f} | {r['ratio']:.2f} "
            f"| {b['cpu_ratio']:.2f} | {r['cpu_ratio']:.2f} "
            f"| {b['project']['rss_peak_mib']:.0f} | {r['project']['rss_peak_mib']:.0f} |"
        )
    return "\n".join(lines)


def _linear_fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least squares y = a x + b and R^2."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return 0.0, my, 1.0
    a = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    b = my - a * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - (a * x + b)) ** 2 for x, y in zip(xs, ys))
    return a, b, 1.0 - ss_res / ss_tot if ss_tot else 1.0


def summary(rows: list[dict[str, Any]]) -> str:
    big = max(rows, key=lambda r: r["project"]["custom"])
    xs = [float(r["project"]["custom"]) for r in rows]
    a, _, r2 = _linear_fit(xs, [r["project"]["rss_peak_mib"] for r in rows])
    ab, _, r2b = _linear_fit(xs, [r["baseline"]["rss_peak_mib"] for r in rows])
    chains = sorted({r["project"]["chain"] for r in rows})
    return "\n".join(
        [
            f"- Largest estate ({big['workspaces']} workspaces x {big['members_per_workspace']} members, "
            f"{big['project']['custom']} resources): project/baseline wall-time ratio **{big['ratio']:.2f}** "
            f"(CPU {big['cpu_ratio']:.2f}; target at most 1.3).",
            f"- Peak memory against resources, least squares: project {1024 * a:.1f} KiB per resource (R^2 {r2:.3f}), "
            f"baseline {1024 * ab:.1f} KiB per resource (R^2 {r2b:.3f}).",
            f"- Longest creation chain over all sizes: {', '.join(map(str, chains))} "
            f"({' -> '.join(big['project']['chain_types'])} at the largest size).",
        ]
    )


# --- monolith against split (issue 14) ---------------------------------------------------------------------------


def measure_split(teams: int, members: int, repeat: int, team_repeat: int, trace: bool) -> dict[str, Any]:
    """The stack one team's change touches in an estate of `teams` teams: the monolith, or (split) the team's stack;
    and the split estate's identity stack."""
    which = ("--team", str(estate.MEASURED_TEAM))
    return {
        "teams": teams,
        "members_per_team": members,
        "monolith": _measure("project", teams, members, repeat, trace),
        "team": _measure("team", teams, members, team_repeat, trace, extra=which),
        "identity": _measure("identity", teams, members, repeat, trace),
    }


def _read(side: dict[str, Any], key: str = "read_seconds") -> str:
    return f"{side[key]:.3f}" if key in side else "n/a"


ESTATE_COLUMNS = (
    ("teams", lambda r: f"{r['teams']}"),
    ("members/team", lambda r: f"{r['members_per_team']}"),
    ("users", lambda r: f"{r['identity']['users']}"),
    ("monolith resources", lambda r: f"{r['monolith']['custom']}"),
    ("monolith s", lambda r: f"{r['monolith']['seconds']:.2f}"),
    ("team resources", lambda r: f"{r['team']['custom']}"),
    ("team s", lambda r: f"{r['team']['seconds']:.3f}"),
    ("team CPU s", lambda r: f"{r['team']['cpu_seconds']:.3f}"),
    ("of which reading identity s", lambda r: _read(r["team"])),
    ("of which the mock answering s", lambda r: _read(r["team"], "mock_read_seconds")),
    ("identity export read (users, KiB)", lambda r: f"{r['team']['exported_users']}, {r['team']['exported_kib']:.0f}"),
    ("identity resources", lambda r: f"{r['identity']['custom']}"),
    ("identity s", lambda r: f"{r['identity']['seconds']:.2f}"),
    ("monolith / team (time)", lambda r: f"{r['monolith']['seconds'] / r['team']['seconds']:.1f}"),
)


def estate_table(rows: list[dict[str, Any]]) -> str:
    head = "| " + " | ".join(c for c, _ in ESTATE_COLUMNS) + " |"
    sep = "|" + "|".join("---:" for _ in ESTATE_COLUMNS) + "|"
    body = ["| " + " | ".join(f(r) for _, f in ESTATE_COLUMNS) + " |" for r in rows]
    return "\n".join([head, sep, *body])


SPLIT_TARGET = 1.2
"""The split team plan at the largest estate against the smallest: at most this (issue 14)."""


def estate_summary(rows: list[dict[str, Any]]) -> str:
    rows = sorted(rows, key=lambda r: r["teams"])
    small, big = rows[0], rows[-1]
    ts, tb = small["team"], big["team"]
    ms, mb = small["monolith"], big["monolith"]
    ratio = tb["seconds"] / ts["seconds"]
    cpu_ratio = tb["cpu_seconds"] / ts["cpu_seconds"]
    met = "met" if ratio <= SPLIT_TARGET else "**not met**"
    lines = [
        f"- Split, the stack of team {estate.MEASURED_TEAM} (the same workspace at every size): "
        f"{big['teams']} teams / {small['teams']} team{'s' if small['teams'] != 1 else ''} plan-time ratio "
        f"**{ratio:.2f}** (CPU {cpu_ratio:.2f}; target at most {SPLIT_TARGET}: {met}), "
        f"{ts['seconds']:.3f} s to {tb['seconds']:.3f} s, with {ts['custom']} and {tb['custom']} resources to diff.",
        f"- Monolith over the same range: **{mb['seconds'] / ms['seconds']:.1f}x** ({ms['seconds']:.2f} s to "
        f"{mb['seconds']:.2f} s; {ms['custom']} to {mb['custom']} resources to diff, "
        f"{mb['custom'] / ms['custom']:.1f}x).",
        f"- At {big['teams']} teams one team's change previews {tb['custom']} resources in {tb['seconds']:.2f} s "
        f"split, against {mb['custom']} resources in {mb['seconds']:.2f} s as one stack "
        f"({mb['seconds'] / tb['seconds']:.0f}x faster).",
    ]
    if "read_seconds" in ts and "read_seconds" in tb:
        grown = tb["seconds"] - ts["seconds"]
        read = tb["read_seconds"] - ts["read_seconds"]
        share = f", {100 * read / grown:.0f}% of the growth" if grown > 0 else ""
        mock = ""
        if "mock_read_seconds" in ts and "mock_read_seconds" in tb:
            mock = (f"; of that read, the offline mock serializing the outputs grows by "
                    f"{tb['mock_read_seconds'] - ts['mock_read_seconds']:+.3f} s (the engine's work in a real "
                    f"preview), the rest is the Python SDK deserializing them and the project parsing them")
        lines.append(
            f"- What grows in the team plan: reading the identity stack (its `pulumi.StackReference`, "
            f"`lookups.identity_exports`) takes {ts['read_seconds']:.3f} s at {small['teams']} team"
            f"{'s' if small['teams'] != 1 else ''} and {tb['read_seconds']:.3f} s at {big['teams']} "
            f"({read:+.3f} s{share}): the read returns every output of the identity stack, "
            f"{ts['exported_users']} to {tb['exported_users']} users ({ts['exported_kib']:.0f} to "
            f"{tb['exported_kib']:.0f} KiB of outputs), whatever the team uses{mock}.")
    ib = big["identity"]
    lines.append(
        f"- A change to the identity stack: its own plan is {ib['custom']} resources in {ib['seconds']:.2f} s at "
        f"{big['teams']} teams, and in the pipeline it touches every team stack too: {big['teams']} team plans "
        f"of about {tb['seconds']:.2f} s each (about {big['teams'] * tb['seconds']:.1f} s in sequence), against one "
        f"monolith plan of {mb['seconds']:.2f} s.")
    return "\n".join(lines)


def estate_section(rows: list[dict[str, Any]]) -> str:
    return "\n".join([
        "## Monolith against split: the stack one team's change touches (issue 14)",
        "",
        f"The same synthetic estate ({', '.join(str(r['teams']) for r in rows)} teams of "
        f"{rows[0]['members_per_team']} member slots, `benchmarks/estate.py`), planned as one monolithic stack or "
        "split (`estate.split`) into an identity stack (every user's attributes, `users:`) and one team stack per",
        "workspace (`identityStack:`, members reduced to name, roles, activator, systemPolicies). "
        "`tests/test_bench_estate.py` checks that both describe the same resources.",
        f"*monolith*: the whole monolithic stack, which every team's change re-plans. *team*: the stack of team "
        f"{estate.MEASURED_TEAM}",
        "(workspace 0: dsw + dlc, a new VPC, 2 buckets, a NAS file system, a custom policy; the same team at every",
        "size), with its identity stack's outputs already known, as the CLI reads them from state: the identity",
        "plan is computed once, untimed, and its outputs answer the team stack's `pulumi.StackReference`.",
        "*identity*: the identity stack's own plan (a change to it touches it and, in the pipeline, every team",
        "stack). *resources* are the custom resources the previewed stack registers, which its preview must diff.",
        "*of which reading identity s* is the part of the team plan spent in `lookups.identity_exports` (the",
        "StackReference read, deserialization of the identity stack's outputs included); *of which the mock",
        "answering s* is the part of that read spent in the mock monitor serializing the identity stack's outputs",
        "(an offline cost: in a real preview the engine does this, in Go). Each measurement runs in",
        "a fresh process after a warm-up; the team plan is the best of `--team-repeat` runs (it is short, so",
        "noisier), the others the best of `--repeat`.",
        "",
        estate_table(rows),
        "",
        estate_summary(rows),
        "",
        "![monolith against split](estate.png)",
    ])


def estate_plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(rows, key=lambda r: r["teams"])
    xs = [r["teams"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for side, style, label in (("monolith", "o-", "monolith: the whole stack"),
                               ("team", "s-", f"split: team {estate.MEASURED_TEAM}'s stack"),
                               ("identity", "^--", "split: the identity stack")):
        left.plot(xs, [r[side]["seconds"] for r in rows], style, label=label)
        right.plot(xs, [r[side]["custom"] for r in rows], style, label=label)
    left.set_ylabel("offline plan wall time (s)")
    left.set_title("Plan time of the stack a change touches")
    right.set_ylabel("custom resources to diff")
    right.set_title("Resources the preview must diff")
    for ax in (left, right):
        ax.set_xlabel(f"teams in the estate ({rows[0]['members_per_team']} members each)")
        ax.set_yscale("log")
        ax.set_xticks(xs)
        ax.grid(True, alpha=0.3, which="both")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --- the document ---------------------------------------------------------------------------------------------------


def write_markdown(rows: list[dict[str, Any]], meta: dict[str, Any], before: Optional[dict[str, Any]],
                   estate_rows: Optional[list[dict[str, Any]]] = None) -> str:
    parts = [
        "# Benchmark: offline plan of growing estates (issue 5)",
        "",
        f"Generated by `make bench` ({meta['when']}, Python {meta['python']}, {meta['cpus']} CPUs, "
        f"best of {meta['repeat']} run(s) per measurement"
        + (f" ({meta.get('team_repeat', meta['repeat'])} for the split team plan)" if estate_rows else "")
        + f", {meta['total_s']:.0f} s in all).",
    ]
    if rows:
        parts += [
            "",
            "Each measurement runs in a fresh process after imports and a small warm-up run. *project*: the real",
            "`__main__.py` (config validation, components, registration) under `offline.runtime.run`; *baseline*: the",
            "same number of custom resources of the same types, registered flat with plain `pulumi_alicloud` calls under",
            "the same recording mocks (`benchmarks/baseline.py`). *ms/res* is per custom resource. *peak MiB* is how much",
            "the process's peak resident set grew during the run (`ru_maxrss`). *res/member* counts the custom resources",
            "that exist for one created RAM user (user, login profile and password, access key, group attachments,",
            "system-policy attachments, workspace memberships), averaged over users; *res/workspace* is everything else",
            "per workspace. *longest chain* is the most custom resources `pulumi up` must create one after another",
            "(`offline/graph.py`). Timings vary with the machine's load; they are never asserted in a test.",
            "",
            table(rows),
            "",
            summary(rows),
            "",
            "![time against resource count](results.png)",
        ]
        if before:
            parts += ["", before_after(before, rows)]
    if estate_rows:
        parts += ["", estate_section(estate_rows)]
    notes = HERE / "NOTES.md"
    if notes.is_file():
        parts += ["", notes.read_text().strip()]
    return "\n".join(parts) + "\n"


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(rows, key=lambda r: r["project"]["custom"])
    xs = [r["project"]["custom"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot(xs, [r["project"]["seconds"] for r in rows], "o-", label="project (components + validation)")
    left.plot(xs, [r["baseline"]["seconds"] for r in rows], "s--", label="baseline (flat pulumi_alicloud calls)")
    left.set_xlabel("custom resources")
    left.set_ylabel("offline plan wall time (s)")
    left.set_title("Time against resource count")
    left.grid(True, alpha=0.3)
    left.legend()
    right.plot(xs, [r["project"]["rss_peak_mib"] for r in rows], "o-", label="project")
    right.plot(xs, [r["baseline"]["rss_peak_mib"] for r in rows], "s--", label="baseline")
    right.set_xlabel("custom resources")
    right.set_ylabel("peak RSS growth (MiB)")
    right.set_title("Peak memory against resource count")
    right.grid(True, alpha=0.3)
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _sizes(text: Optional[str]) -> list[tuple[int, int]]:
    if not text:
        return list(estate.SIZES)
    return [tuple(int(n) for n in part.split("x")) for part in text.split(",")]  # type: ignore[misc]


def _teams(text: Optional[str]) -> list[int]:
    return list(estate.SPLIT_TEAMS) if not text else [int(n) for n in text.split(",")]


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("all", "scale", "estate"), default="all",
                        help="scale: project against baseline; estate: monolith against split (default: both)")
    parser.add_argument("--sizes", help="scale: comma-separated WORKSPACESxMEMBERS (default: the full grid)")
    parser.add_argument("--teams", help=f"estate: comma-separated team counts (default: "
                        f"{','.join(map(str, estate.SPLIT_TEAMS))})")
    parser.add_argument("--team-members", type=int, default=estate.SPLIT_MEMBERS,
                        help=f"estate: member slots per team (default {estate.SPLIT_MEMBERS})")
    parser.add_argument("--repeat", type=int, default=2, help="runs per measurement, best kept (default 2)")
    parser.add_argument("--team-repeat", type=int, default=7,
                        help="estate: runs of the (short) team plan, best kept (default 7)")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    parser.add_argument("--record", type=Path, help="also save the raw rows as JSON to this file (e.g. before.json)")
    parser.add_argument("--note", default="", help="with --record: what the recorded code was")
    parser.add_argument("--no-write", action="store_true", help="print only; leave results.md and the plots alone")
    parser.add_argument("--out-dir", type=Path, help="write results.md and the plots there (default: benchmarks/; "
                        "a run of one part writes only with --out-dir)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    rows: list[dict[str, Any]] = []
    if args.part in ("all", "scale"):
        for w, m in _sizes(args.sizes):
            row = measure_size(w, m, args.repeat, args.tracemalloc)
            rows.append(row)
            p, b = row["project"], row["baseline"]
            print(f"  {w:>3} ws x {m:>3} members: {p['custom']:>6} resources, project {p['seconds']:6.2f} s, "
                  f"baseline {b['seconds']:6.2f} s, ratio {row['ratio']:.2f}", file=sys.stderr, flush=True)
    estate_rows: list[dict[str, Any]] = []
    if args.part in ("all", "estate"):
        for n in _teams(args.teams):
            row = measure_split(n, args.team_members, args.repeat, args.team_repeat, args.tracemalloc)
            estate_rows.append(row)
            mono, team, ident = row["monolith"], row["team"], row["identity"]
            print(f"  {n:>3} teams x {args.team_members:>3} members: monolith {mono['custom']:>6} resources "
                  f"{mono['seconds']:6.2f} s, team {team['custom']:>4} resources {team['seconds']:6.3f} s, identity "
                  f"{ident['custom']:>5} resources {ident['seconds']:6.2f} s", file=sys.stderr, flush=True)
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "repeat": args.repeat,
        "team_repeat": args.team_repeat,
        "total_s": time.perf_counter() - start,
    }
    before = json.loads(BEFORE.read_text()) if BEFORE.is_file() else None
    if rows:
        print(table(rows))
        print()
        print(summary(rows))
    if estate_rows:
        print()
        print(estate_table(estate_rows))
        print()
        print(estate_summary(estate_rows))
    if args.record:
        args.record.write_text(json.dumps({"note": args.note, "meta": meta, "rows": rows, "estate": estate_rows},
                                          indent=1) + "\n")
    if args.no_write or (args.part != "all" and args.out_dir is None):
        return 0
    out = args.out_dir or HERE
    out.mkdir(parents=True, exist_ok=True)
    (out / RESULTS_MD.name).write_text(write_markdown(rows, meta, before, estate_rows))
    written = [out / RESULTS_MD.name]
    if rows:
        plot(rows, out / RESULTS_PNG.name)
        written.append(out / RESULTS_PNG.name)
    if estate_rows:
        estate_plot(estate_rows, out / ESTATE_PNG.name)
        written.append(out / ESTATE_PNG.name)
    print("\nwrote " + ", ".join(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
