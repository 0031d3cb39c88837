#!/usr/bin/env python3
"""Re-derive tests/seed_facts/*.json from the source documents and fail on any difference.

The tests check the catalogues against the seed facts kept in the repository (tests/seed_facts/), never against
the source documents themselves, which live outside the repository (../shared/seeds/, on development machines and
in CI only). This script is the bridge: it parses the seeds with the parsing logic that used to live in the tests
and compares the result with the checked-in JSON.

    venv/bin/python .ci/check_seed_facts.py                 # compare; exit 1 with a diff on any difference
    venv/bin/python .ci/check_seed_facts.py --write         # regenerate the JSON from the seeds
    venv/bin/python .ci/check_seed_facts.py --seeds DIR     # seeds somewhere else

`.ci/run` runs it after `make test`, only when ../shared/seeds exists. The script itself fails if the seeds are
missing: a check that silently passes without its input would prove nothing.

Hand-kept knowledge (which lines are section headings, which names are dependent services, the two seed typos the
project corrected and why) is written below as constants; every one of them is checked against the seed text, so a
changed seed fails here rather than producing quietly different data.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "tests" / "seed_facts"
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"


class SeedError(Exception):
    """The seed text does not have the shape this parser expects."""


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise SeedError(message)


def seed_path(seeds: Path, prefix: str) -> Path:
    found = sorted(seeds.glob(f"{prefix}_*.txt"))
    _expect(len(found) == 1, f"expected exactly one {prefix}_*.txt in {seeds}, found {[p.name for p in found]}")
    return found[0]


def seed_lines(path: Path) -> list[str]:
    """The seed's non-blank lines, stripped."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def section_of(lines: list[str], headings: list[str]) -> list[str | None]:
    """For each line, the last heading (from `headings`) at or before it. Headings must appear in order."""
    positions = []
    start = 0
    for heading in headings:
        _expect(heading in lines[start:], f"section heading not found (in order): {heading!r}")
        start = lines.index(heading, start)
        positions.append(start)
        start += 1
    out: list[str | None] = []
    current = None
    marks = dict(zip(positions, headings))
    for i in range(len(lines)):
        current = marks.get(i, current)
        out.append(current)
    return out


def _one(pattern: str, text: str, what: str) -> re.Match:
    found = list(re.finditer(pattern, text))
    _expect(len(found) == 1, f"{what}: expected one match of {pattern!r}, found {len(found)}")
    return found[0]


# --- 000: Alibaba Cloud services each PAI module depends on (English) ---------------------------------------------

SECTIONS_000 = [
    "Authorization object: service-linked role of PAI and Alibaba Cloud account",
    "PAI modules and dependent Alibaba Cloud services",
    "Activate PAI and purchase PAI resources",
    "Manage AI workspaces",
    "AI development: iTAG",
    "AI development: Machine Learning Designer",
    "AI development: Data Science Workshop (DSW)",
    "AI development: DLC",
    "AI development: Elastic Algorithm Service (EAS)",
    "AI Computing Asset Management",
    "AI acceleration",
]


def derive_000(seeds: Path) -> dict[str, Any]:
    path = seed_path(seeds, "000")
    lines = seed_lines(path)
    sections = section_of(lines, SECTIONS_000)
    modules: list[dict[str, Any]] = []
    for i, line in enumerate(lines):
        if line.startswith("PAI module: "):
            name = line.removeprefix("PAI module: ")
            current = modules[-1] if modules else None
            if current and current["section"] == sections[i]:
                # A second "PAI module:" heading in the same section (Designer's "general computing resources")
                # is a sub-section of that section's module, not a module of its own.
                current["subsections"].append(name)
            else:
                modules.append({"module": name, "section": sections[i], "subsections": [], "services": []})
        elif modules and sections[i] == modules[-1]["section"]:
            if line.startswith("Dependent cloud service: "):
                modules[-1]["services"].append(
                    {"service": line.removeprefix("Dependent cloud service: "), "heading": line})
            elif line == "Activate MaxCompute":
                modules[-1]["services"].append({"service": "MaxCompute", "heading": line})
    text = " ".join(lines)
    found = _one(r"grant the (\w+) and (\w+) permissions to the RAM user", text, "000 MaxCompute activation")
    mc_line = next(i for i, l in enumerate(lines) if found.group(0) in l)
    return {
        "source": {
            "seed": path.name,
            "title": None,
            "title_note": "the seed has no title line; it opens with the topic's introduction (001 is the same "
                          "topic in Japanese)",
            "opening": lines[0],
            "language": "en",
            "sections": SECTIONS_000,
        },
        "modules": modules,
        "maxcompute_activation": {
            "section": sections[mc_line],
            "heading": "Activate MaxCompute",
            "sentence": found.group(0),
            "policies": list(found.groups()),
        },
    }


# --- 002: PAI permission management ----------------------------------------------------------------------------------

SECTIONS_002 = [
    "Authorize RAM users",
    "Authorize RAM users to activate PAI and purchase PAI resources",
    "Authorize RAM users to use PAI sub-services",
    "Authorize RAM users to activate/use other cloud services",
    "Authorize PAI to access other cloud services",
    "Appendix",
    "Add a policy to a RAM user (such as AliyunPAIFullAccess)",
    "Create a custom policy",
]


def derive_002(seeds: Path) -> dict[str, Any]:
    path = seed_path(seeds, "002")
    lines = seed_lines(path)
    sections = section_of(lines, SECTIONS_002)
    text = " ".join(lines)
    title = next(l for l in lines if l.startswith("Platform For AI:"))
    updated = next(l for l in lines if l.startswith("Last Updated:")).removeprefix("Last Updated:")

    # "The following table lists other services that PAI depends on": PAI sub-service | Dependent cloud service.
    start = lines.index("PAI sub-service")
    _expect(lines[start + 1] == "Dependent cloud service", "002 dependency table header")
    dependencies = []
    i = start + 2
    while lines[i] != "Note":
        dependencies.append({"sub_service": lines[i], "services": [s.strip() for s in lines[i + 1].split(",")],
                             "section": sections[i]})
        i += 2
    caption = next(l for l in lines if l.startswith("The following table lists other services that PAI depends on"))

    # Dependent cloud service | Policy required for activation | RAM account usage authorization | Operation guide.
    services = {s for row in dependencies for s in row["services"]}
    start = lines.index("Policy required for activation")
    _expect(lines[start - 1] == "Dependent cloud service", "002 activation table header")
    end = lines.index("Authorize PAI to access other cloud services")
    activation = []
    for i in range(start, end):
        if lines[i] in services and lines[i] not in {row["service"] for row in activation}:
            activation.append({"service": lines[i], "policies": [p.strip() for p in lines[i + 1].split(",")],
                               "usage_authorization": lines[i + 2], "section": sections[i]})
    _expect({row["service"] for row in activation} == services,
            "002: every dependent cloud service has an activation row")
    mc = next(row for row in activation if row["service"] == "MaxCompute")
    usage_role = _one(r"Add the (.+?) role for RAM accounts in the workspace", mc["usage_authorization"],
                      "002 MaxCompute usage role").group(1)

    roles = _one(r"permissions of (.+?) member roles\.", text, "002 member roles")
    role_names = re.split(r",\s*(?:and\s+)?", roles.group(1))
    mgmt = _one(r"EAS management permissions: (\w+)\.", text, "002 EAS management")
    ro = _one(r"EAS read-only permissions: (\w+)\.", text, "002 EAS read-only")
    dsacc = _one(r"When using dataset acceleration only, RAM accounts need the (\w+) and (\w+) permissions", text,
                 "002 dataset acceleration")
    warning = _one(r"A RAM user with this system policy [^.]*\.", text, "002 AliyunPAIFullAccess warning")
    warning_line = next(i for i, l in enumerate(lines) if l.startswith(warning.group(0)))
    full = _one(r"To activate PAI and purchase PAI resources, you need to add the (\w+) policy", text,
                "002 activation policy")

    def line_of(fragment: str) -> int:
        return next(i for i, l in enumerate(lines) if fragment in l)

    raw = path.read_text(encoding="utf-8")
    brace = _one(r"\n\s*\{\s*\n\s*\"Version\"", raw, "002 custom policy example")
    example, _ = json.JSONDecoder().raw_decode(raw, brace.start() + brace.group(0).index("{"))

    return {
        "source": {"seed": path.name, "title": title, "last_updated": updated, "language": "en",
                   "sections": SECTIONS_002},
        "activate_and_purchase": {
            "section": sections[line_of(full.group(0))], "policy": full.group(1)},
        "member_roles": {
            "section": sections[line_of(roles.group(0))], "sentence": roles.group(0), "roles": role_names},
        "eas_policies": {
            "section": sections[line_of(mgmt.group(0))], "management": mgmt.group(1), "read-only": ro.group(1)},
        "dataset_acceleration": {
            "section": sections[line_of(dsacc.group(0))], "sentence": dsacc.group(0),
            "policies": list(dsacc.groups())},
        "dependencies": {
            "section": sections[start], "caption": caption, "columns": ["PAI sub-service", "Dependent cloud service"],
            "rows": dependencies},
        "activation": {
            "section": sections[start],
            "columns": ["Dependent cloud service", "Policy required for activation", "RAM account usage authorization",
                        "Operation guide"],
            "rows": activation,
            "maxcompute_usage_role": usage_role},
        "full_access_warning": {
            "section": sections[warning_line], "policy": "AliyunPAIFullAccess", "warning": warning.group(0)},
        "custom_policy_example": {"section": sections[line_of("Click Create Policy")], "policy": example},
    }


# --- 003: custom RAM policies for resource pools and resource quotas --------------------------------------------------

SECTIONS_003 = [
    "Resource hierarchy",
    "Prerequisites",
    "Procedure",
    "ARN reference",
    "API action reference",
    "Policy examples",
]
EXAMPLES_003 = [
    "Manage the resource pool",
    "Create, scale, and delete root resource quotas",
    "Manage a root resource quota",
    "Manage a child resource quota",
    "Add VPC permissions for Lingjun resource quotas",
]


def _pipe_cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def derive_003(seeds: Path) -> dict[str, Any]:
    path = seed_path(seeds, "003")
    text = path.read_text(encoding="utf-8")
    lines = seed_lines(path)
    sections = section_of(lines, SECTIONS_003 + EXAMPLES_003)

    # ARN reference: "| type | pattern |" then "example |" on the next line ("-- |" when there is none).
    start, end = lines.index("ARN reference"), lines.index("API action reference")
    header = lines.index("| Resource type | ARN pattern | Example |", start)
    arns = []
    i = header + 2  # skip the |---| line
    while i < end:
        kind, pattern = _pipe_cells(lines[i])[:2]
        example = _pipe_cells(lines[i + 1])[0]
        arns.append({"resource_type": kind, "pattern": pattern, "example": None if example == "--" else example,
                     "section": sections[i]})
        i += 2

    # API action reference: "action |" then "| description |".
    start = lines.index("| Action | Description |")
    actions = []
    i = start + 2
    while lines[i] != "Policy examples":
        actions.append({"action": _pipe_cells(lines[i])[0], "description": _pipe_cells(lines[i + 1])[0],
                        "section": sections[i]})
        i += 2

    # Policy examples: every JSON document in the seed, in order, under its example heading.
    decoder, docs, pos = json.JSONDecoder(), [], 0
    while (pos := text.find('{\n"Version"', pos)) != -1:
        doc, end_pos = decoder.raw_decode(text, pos)
        docs.append((text.count("\n", 0, pos), doc))
        pos = end_pos
    raw_lines = text.splitlines()
    examples = []
    for line_no, doc in docs:
        heading = None
        for raw in raw_lines[:line_no]:
            if raw.strip() in EXAMPLES_003:
                heading = raw.strip()
        _expect(heading is not None, "003: a policy example before any example heading")
        scenario = next(l for l in lines[lines.index(heading):] if l.startswith("Scenario: "))
        examples.append({"section": "Policy examples", "example": heading,
                         "scenario": scenario.removeprefix("Scenario: "), "policy": doc})
    _expect([e["example"] for e in examples] == EXAMPLES_003, "003: one policy example under each example heading")

    return {
        "source": {
            "seed": path.name,
            "title": None,
            "title_note": "the seed has no title line; it opens with the topic's one-sentence summary",
            "opening": lines[0],
            "language": "en",
            "sections": SECTIONS_003,
            "examples": EXAMPLES_003,
        },
        "arn_patterns": {"section": "ARN reference", "columns": ["Resource type", "ARN pattern", "Example"],
                         "rows": arns},
        "actions": {"section": "API action reference", "columns": ["Action", "Description"], "rows": actions},
        "examples": examples,
    }


# --- 004: Huawei ModelArts per-function permissions ---------------------------------------------------------------------

SECTIONS_004 = [
    "Agencies and Dependencies",
    "Function Dependency",
    "Function Dependency Policies",
    "Agency authorization",
    "One-click authorization",
    "Custom authorization",
    "Risks in Unauthorized Operations",
    "Minimal Agency Authorization",
    "Basic Agency Authorization Scope",
]
# Dependent-service names as they appear on their own line in the tables' "Dependent Service" column.
SERVICES_004 = ["IAM", "BSS", "ModelArts", "ModelArts inference", "OBS", "SWR", "ECS", "SFS Turbo", "SMN", "DLI",
                "MRS", "LTS", "CES", "IEF", "DWS", "VPC", "AOM"]
# The seed's typos the project corrects: seed spelling -> (corrected spelling, why).
CORRECTIONS_004 = {
    "obs:bucket:ListAllMybuckets": (
        "obs:bucket:ListAllMyBuckets",
        "OBS's action is ListAllMyBuckets: tables 3, 7 and 10 of the same seed spell it so; the lower-case 'b' "
        "is a typo",
    ),
    "ces:metricData:list:": (
        "ces:metricData:list",
        "a stray trailing colon before the description in parentheses; an IAM action has exactly three parts",
    ),
}
ACTION_LINE = re.compile(r"^([a-z]+:[A-Za-z*]+:[A-Za-z_*]+:?)(?:\s+\((.*)\))?(?:\s|$)")
TABLE_LINE = re.compile(r"^Table (\d+) (.+)$")
COLUMN_NAMES_004 = {"Application Scenario", "Dependent Service", "Dependent Policy", "Agency Authorization",
                    "Supported Function", "Description", "Configuration Suggestion"}


def derive_004(seeds: Path) -> dict[str, Any]:
    path = seed_path(seeds, "004")
    lines = [l.lstrip("•").strip() for l in seed_lines(path)]
    sections = section_of(lines, SECTIONS_004)
    services = set(SERVICES_004)
    updated = _one(r"^Updated on (.+)$", lines[0], "004 update date").group(1)

    tables: list[dict[str, Any]] = []
    table: dict[str, Any] | None = None
    row: dict[str, Any] | None = None
    scenario: str | None = None
    seen_services: list[str] = []
    applied: dict[str, set[int]] = {raw: set() for raw in CORRECTIONS_004}
    spelled_right: dict[str, set[int]] = {raw: set() for raw in CORRECTIONS_004}

    def new_row(service: str) -> dict[str, Any]:
        assert table is not None
        _expect(scenario is not None, f"table {table['table']}: a service before any scenario")
        r = {"section": table["section"], "scenario": scenario, "service": service, "actions": [],
             "system_policies": [], "description": []}
        table["rows"].append(r)
        return r

    for i, line in enumerate(lines):
        heading = TABLE_LINE.match(line)
        if heading:
            table = {"table": int(heading.group(1)), "title": heading.group(2), "section": sections[i],
                     "kind": None, "columns": [], "rows": []}
            tables.append(table)
            row, scenario = None, None
            continue
        if table is None:
            continue
        if line in SECTIONS_004:  # prose after the last table of a part
            table = None
            continue
        if line in COLUMN_NAMES_004 and not table["rows"] and scenario is None:
            table["columns"].append(line)
            continue
        if line in services:
            if line not in seen_services:
                seen_services.append(line)
            row = new_row(line)
            continue
        found = ACTION_LINE.match(line)
        if found:
            _expect(row is not None, f"table {table['table']}: action before any service: {line}")
            assert row is not None
            if row["description"]:  # an action after the description: the next row of the same service
                row = new_row(row["service"])
            raw = found.group(1)
            action = CORRECTIONS_004[raw][0] if raw in CORRECTIONS_004 else raw
            if raw in CORRECTIONS_004:
                applied[raw].add(table["table"])
            for typo, (fixed, _) in CORRECTIONS_004.items():
                if raw == fixed:
                    spelled_right[typo].add(table["table"])
            row["actions"].append(action)
            if found.group(2):
                row.setdefault("action_notes", {})[action] = found.group(2)
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if following in services and not line.endswith(".") and line != "Recommended":
            scenario, row = line, None
            continue
        _expect(row is not None, f"table {table['table']}: text before any service: {line}")
        assert row is not None
        if not row["actions"] and not row["system_policies"] and not row["description"]:
            row["system_policies"].append(line)  # the policy column names a system policy instead of actions
        elif line == "Recommended" and "Configuration Suggestion" in table["columns"]:
            row["configuration_suggestion"] = line
        else:
            row["description"].append(line)

    for t in tables:
        t["kind"] = "agency" if "Agency Authorization" in t["columns"] else "user"
        for r in t["rows"]:
            r["mandatory"] = any(d.startswith("(Mandatory)") for d in r["description"])
    _expect([t["table"] for t in tables] == list(range(1, 15)), "004: tables 1-14 in order")
    _expect(sorted(seen_services) == sorted(SERVICES_004), "004: every listed dependent service appears")
    for raw, where in applied.items():
        _expect(bool(where), f"004: correction {raw!r} no longer applies to any table")

    return {
        "source": {"seed": path.name, "title": "Agencies and Dependencies", "updated": updated, "language": "en",
                   "sections": SECTIONS_004},
        "dependent_services": seen_services,
        "corrections": [
            {"seed": raw, "corrected": fixed, "reason": reason, "tables": sorted(applied[raw]),
             "tables_with_the_corrected_spelling": sorted(spelled_right[raw])}
            for raw, (fixed, reason) in CORRECTIONS_004.items()
        ],
        "tables": tables,
    }


# --- driver ----------------------------------------------------------------------------------------------------------

DERIVERS: "OrderedDict[str, Callable[[Path], dict[str, Any]]]" = OrderedDict([
    ("000_pai_dependencies.json", derive_000),
    ("002_pai_permissions.json", derive_002),
    ("003_quota_policies.json", derive_003),
    ("004_modelarts_permissions.json", derive_004),
])


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS,
                        help=f"the seeds folder (default: {DEFAULT_SEEDS})")
    parser.add_argument("--write", action="store_true", help="regenerate tests/seed_facts/*.json from the seeds")
    parser.add_argument("--context", type=int, default=40, help="diff lines shown per file (default 40)")
    args = parser.parse_args(argv)

    if not args.seeds.is_dir():
        print(f"check_seed_facts: no seeds folder at {args.seeds} (give one with --seeds DIR)", file=sys.stderr)
        return 2
    failed = False
    for name, derive in DERIVERS.items():
        target = FACTS / name
        try:
            derived = render(derive(args.seeds))
        except SeedError as e:
            print(f"{name}: cannot derive from {args.seeds}: {e}", file=sys.stderr)
            failed = True
            continue
        if args.write:
            FACTS.mkdir(parents=True, exist_ok=True)
            target.write_text(derived, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
            continue
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current == derived:
            print(f"ok {target.relative_to(ROOT)}")
            continue
        failed = True
        diff = list(difflib.unified_diff(current.splitlines(), derived.splitlines(),
                                         f"{target.relative_to(ROOT)} (checked in)", f"{name} (derived from seeds)",
                                         lineterm="", n=2))
        print(f"DIFFERS {target.relative_to(ROOT)}: {sum(1 for l in diff if l[:1] in '+-') - 2} changed line(s);"
              f" first differences:")
        print("\n".join(diff[: args.context]))
        if len(diff) > args.context:
            print(f"... ({len(diff) - args.context} more diff lines)")
    if failed and not args.write:
        print("seed facts differ from the seeds: review the diff, then run "
              ".ci/check_seed_facts.py --write and commit the data (and fix the code it proves wrong)",
              file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
