"""`make bench`: the offline plan of growing estates against a flat baseline, in one run.

For each size of `estate.SIZES` (workspaces x member slots per workspace), two measurements, each in a fresh
process (`benchmarks.measure`):
- project: the real `__main__.py` under the recording mock runtime (config validation, components, registration);
- baseline: the same number of resources of the same types (the project plan's custom-resource type counts),
  registered flat with plain `pulumi_alicloud` calls under the same mocks.
Writes `benchmarks/results.md` (the table; the before/after of the profiling work when `before.json` is there) and
`benchmarks/results.png` (time against resource count), and prints the table. Nothing here is asserted: timing
belongs to a benchmark, not to a test.

    python -m benchmarks.run [--sizes 1x5,10x20] [--repeat N] [--tracemalloc] [--record FILE]
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
BEFORE = HERE / "before.json"


def _measure(side: str, w: int, m: int, repeat: int, trace: bool, counts: Optional[dict] = None) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.measure", side, str(w), str(m), "--repeat", str(repeat)]
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


def write_markdown(rows: list[dict[str, Any]], meta: dict[str, Any], before: Optional[dict[str, Any]]) -> str:
    parts = [
        "# Benchmark: offline plan of growing estates (issue 5)",
        "",
        f"Generated by `make bench` ({meta['when']}, Python {meta['python']}, {meta['cpus']} CPUs, "
        f"best of {meta['repeat']} run(s) per measurement, {meta['total_s']:.0f} s in all).",
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


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="comma-separated WORKSPACESxMEMBERS (default: the full grid)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per measurement, best kept (default 2)")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    parser.add_argument("--record", type=Path, help="also save the raw rows as JSON to this file (e.g. before.json)")
    parser.add_argument("--note", default="", help="with --record: what the recorded code was")
    parser.add_argument("--no-write", action="store_true", help="print only; leave results.md and results.png alone")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    rows = []
    for w, m in _sizes(args.sizes):
        row = measure_size(w, m, args.repeat, args.tracemalloc)
        rows.append(row)
        p, b = row["project"], row["baseline"]
        print(f"  {w:>3} ws x {m:>3} members: {p['custom']:>6} resources, project {p['seconds']:6.2f} s, "
              f"baseline {b['seconds']:6.2f} s, ratio {row['ratio']:.2f}", file=sys.stderr, flush=True)
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "repeat": args.repeat,
        "total_s": time.perf_counter() - start,
    }
    before = json.loads(BEFORE.read_text()) if BEFORE.is_file() else None
    print(table(rows))
    print()
    print(summary(rows))
    if args.record:
        args.record.write_text(json.dumps({"note": args.note, "meta": meta, "rows": rows}, indent=1) + "\n")
    if not args.no_write:
        RESULTS_MD.write_text(write_markdown(rows, meta, before))
        plot(rows, RESULTS_PNG)
        print(f"\nwrote {RESULTS_MD.relative_to(ROOT)} and {RESULTS_PNG.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
