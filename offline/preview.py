"""Offline preview: run the project's real program under the mock runtime and print what it would create.

    python -m offline.preview --stack dev --format tree|json|policies|access|access-csv|mermaid|dot [--project-dir bootstrap]

No cloud call is made and no credentials are needed; ids are placeholders. The program runs as under `pulumi
preview` (`pulumi.runtime.is_dry_run()` is True), so the account bootstrap reports "would activate" instead of
calling its activation invokes. A bad stack file gives exit status 2
and one line on stderr. `pulumi preview` with the CLI is the real thing; this is for review without an account.
"""

from __future__ import annotations

import argparse
import json
import re
import runpy
import sys
from pathlib import Path
from typing import Any, Callable, Optional

import pulumi

from . import fakes, tokens
from .access import render_access, render_access_csv
from .diagram import render_dot, render_mermaid
from .runtime import SECRET, STACK_REFERENCE_TYPE, STACK_TYPE, Plan, Registration, StackOutputs, run
from .stackfile import StackFileError, project_config_declarations, read_project_file, read_stack_file

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("tree", "json", "policies", "access", "access-csv", "mermaid", "dot")


def read_project(project_dir: Path) -> tuple[str, Path]:
    meta = read_project_file(project_dir / "Pulumi.yaml")
    stack_dir = meta.get("stackConfigDir")
    return meta["name"], project_dir / (stack_dir if isinstance(stack_dir, str) and stack_dir else ".")


def load_stack_config(project_dir: Path, stack: str) -> tuple[str, dict[str, str]]:
    """The project name and the config map `pulumi preview` would hand the program (see offline/stackfile.py)."""
    project, stack_dir = read_project(project_dir)
    path = stack_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        known = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in stack_dir.glob("Pulumi.*.yaml"))
        raise StackFileError(f"stack {stack!r}: no file {path.relative_to(project_dir)} (stacks: {', '.join(known)})")
    # Pulumi.yaml's `config:` declarations: defaults applied and values checked, as the CLI does before the program.
    declared = project_config_declarations(project, read_project_file(project_dir / "Pulumi.yaml"))
    return project, read_stack_file(path, project, require_config=True, declared=declared)


def program_for(project_dir: Path) -> Callable[[], None]:
    """The project's `__main__.py`, run the way the CLI's language host runs it."""

    def program() -> None:
        if str(project_dir) not in sys.path:
            sys.path.insert(0, str(project_dir))
        runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")

    return program


def plan_stack(stack: str, project_dir: Path = ROOT, config: Optional[dict[str, str]] = None, *,
               dry_run: bool = False, references: Optional[dict[str, StackOutputs]] = None) -> Plan:
    """Run `project_dir`'s program for `stack` (or with an explicit config map) and return its plan.

    `dry_run=True` runs it as `pulumi preview` does (the CLI below), False as `pulumi up` (see runtime.run).
    A team stack's identity stack is planned first, from this repository, and its outputs answer the team stack's
    `pulumi.StackReference` (`identity_references`); `references` gives them instead."""
    project, stack_config = load_stack_config(project_dir, stack) if config is None else (read_project(project_dir)[0], config)
    if references is None:
        references = identity_references(project_dir, project, stack, stack_config, dry_run=dry_run)
    return run(program_for(project_dir), project=project, stack=stack, config=stack_config, dry_run=dry_run,
               references=references)


def identity_references(project_dir: Path, project: str, stack: str, config: dict[str, str], *,
                        dry_run: bool = False, plan_file: Optional[Path] = None,
                        _seen: tuple[str, ...] = ()) -> dict[str, StackOutputs]:
    """What a team stack's `pulumi.StackReference` reads, offline: the outputs of its identity stack's own offline
    plan, when `<project>:identityStack` names a stack of this project in this repository, or of the JSON plan in
    `plan_file` (`make preview STACK=<identity> FORMAT=json`, saved once for many team stacks). A stack of another
    project, or one with no stack file here, is one error line naming the key (the CLI would read it from state)."""
    key = "identityStack"  # named as the contract names its keys (every error line of a stack file does)
    reference = config.get(f"{project}:{key}")
    if not isinstance(reference, str):
        return {}  # not a team stack
    # Imported here: the plan diff runs this module over older refs' `components`, which have no team stacks.
    from components.alicloud.rules import STACK_REFERENCE_RE

    if not re.fullmatch(STACK_REFERENCE_RE, reference):
        return {}  # a malformed name: the contract says so with its rule
    _org, ref_project, ref_stack = reference.split("/")
    if plan_file is not None:
        return {reference: _outputs_of_json_plan(plan_file, key, ref_project, ref_stack)}
    if ref_project != project:
        raise StackFileError(f"{key}: {reference!r} is a stack of project {ref_project!r}; the offline preview "
                             f"reads only this repository's stacks (project {project!r})")
    if ref_stack == stack or ref_stack in _seen:
        chain = " -> ".join((*_seen, stack, ref_stack))
        raise StackFileError(f"{key}: {reference!r} makes a loop ({chain}): an identity stack names no identityStack")
    _, stack_dir = read_project(project_dir)
    if not (stack_dir / f"Pulumi.{ref_stack}.yaml").is_file():
        known = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in stack_dir.glob("Pulumi.*.yaml"))
        raise StackFileError(f"{key}: {reference!r}: no stack {ref_stack!r} in this repository (stacks: "
                             f"{', '.join(known)})")
    ref_project_name, ref_config = load_stack_config(project_dir, ref_stack)
    try:
        inner = identity_references(project_dir, ref_project_name, ref_stack, ref_config, dry_run=dry_run,
                                    _seen=(*_seen, stack))
        plan = run(program_for(project_dir), project=ref_project_name, stack=ref_stack, config=ref_config,
                   dry_run=dry_run, references=inner)
    except pulumi.RunError as e:
        first = (str(e).splitlines() or [""])[0]
        raise StackFileError(f"{key}: the identity stack {ref_stack!r} does not preview ({first})") from None
    return {reference: StackOutputs.of(plan)}


def _outputs_of_json_plan(path: Path, key: str, project: str, stack: str) -> StackOutputs:
    """A saved JSON plan (`--format json`) as what a StackReference reads: its outputs, secrets as "[secret]"."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise StackFileError(f"{key}: --identity-plan {path}: not a readable JSON plan ({e})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("outputs"), dict):
        raise StackFileError(f"{key}: --identity-plan {path}: not a JSON plan of `make preview FORMAT=json`")
    if (doc.get("project"), doc.get("stack")) != (project, stack):
        raise StackFileError(f"{key}: --identity-plan {path} is the plan of {doc.get('project')}/{doc.get('stack')}, "
                             f"not of {project}/{stack}")
    outputs = doc["outputs"]
    return StackOutputs(outputs, frozenset(k for k, v in outputs.items() if SECRET in json.dumps(v)))


# --- formats ------------------------------------------------------------------------------------------------------


def _children(plan: Plan) -> dict[str, list[Registration]]:
    kids: dict[str, list[Registration]] = {}
    for r in plan.resources:
        kids.setdefault(r.parent, []).append(r)
    for v in kids.values():
        v.sort(key=lambda r: (r.type, r.name))
    return kids


def render_tree(plan: Plan) -> str:
    kids = _children(plan)
    urns = {r.urn for r in plan.resources}
    roots = sorted((r for r in plan.resources if r.parent not in urns), key=lambda r: (r.type, r.name))
    rows: list[tuple[str, str]] = [(f"{STACK_TYPE}", f"{plan.project}-{plan.stack}")]

    def walk(nodes: list[Registration], indent: str) -> None:
        for i, node in enumerate(nodes):
            last = i == len(nodes) - 1
            marks = " [protected]" if node.protect else ""
            rows.append((f"{indent}{'└─ ' if last else '├─ '}{node.type}", node.name + marks))
            walk(kids.get(node.urn, []), indent + ("   " if last else "│  "))

    walk(roots, "")
    # A team stack's read of its identity stack: not created, read (the CLI lists it as a read too).
    reads = [(f"{'├─ ' if roots or i < len(plan.reads) - 1 else '└─ '}{STACK_REFERENCE_TYPE}", f"{name} [read]")
             for i, name in enumerate(plan.reads)]
    width = max(len(t) for t, _ in rows + reads) + 2
    lines = [
        f"Offline preview of stack {plan.stack!r} ({plan.project}): no cloud calls, ids are placeholders.",
        "",
        f"     {'Type':<{width}}Name",
    ]
    lines += [f" +   {t:<{width}}{n}" for t, n in rows[:1]]
    lines += [f" >   {t:<{width}}{n}" for t, n in reads]
    lines += [f" +   {t:<{width}}{n}" for t, n in rows[1:]]
    counted = len(plan.resources) + 1
    protected = sum(1 for r in plan.resources if r.protect)
    lines += ["", "Outputs:"]
    lines += ["    " + line for line in json.dumps(plan.redacted_outputs(), indent=2, sort_keys=True).splitlines()]
    lines += ["", "Resources:", f"    + {counted} to create ({protected} protected)"]
    return "\n".join(lines)


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "stack": plan.stack,
        "project": plan.project,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "inputs": _sorted(r.redacted_inputs()),
                "protect": r.protect,
                "dependsOn": sorted(set(r.dependencies)),
                "ignoreChanges": sorted(r.ignore_changes),
                "additionalSecretOutputs": sorted(r.additional_secret_outputs),
                "propertyDependencies": {k: sorted(v) for k, v in sorted(r.property_dependencies.items())},
            }
            for r in sorted(plan.resources, key=lambda r: r.urn)
        ],
        "outputs": _sorted(plan.redacted_outputs()),
    }


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def render_json(plan: Plan) -> str:
    return json.dumps(plan_json(plan), indent=2)


def render_policies(plan: Plan) -> str:
    lines = [f"RAM policies of stack {plan.stack!r} (offline preview)", ""]
    policies = sorted(plan.of("ALI_POLICY"), key=lambda r: r.inputs.get("policyName", ""))
    attachments: dict[str, list[str]] = {}
    for kind, key in (("group", "groupName"), ("user", "userName"), ("role", "roleName")):
        for a in plan.of(f"ALI_{kind.upper()}_POLICY"):
            inp = a.plain_inputs()
            attachments.setdefault(inp["policyName"], []).append(f"{kind} {inp[key]}")
    for p in policies:
        inp = p.redacted_inputs()
        doc = inp["policyDocument"]
        lines.append(f"== {inp['policyName']} (custom, {len(doc)} of 6144 characters)")
        lines.append(f"   attached to: {', '.join(sorted(attachments.get(inp['policyName'], []))) or 'nothing'}")
        lines += ["   " + line for line in json.dumps(json.loads(doc), indent=2).splitlines()]
        lines.append("")
    custom = {p.inputs.get("policyName") for p in policies}
    lines.append("== System policies attached")
    for name in sorted(set(attachments) - custom):
        lines.append(f"   {name}: {', '.join(sorted(attachments[name]))}")
    if plan.of("HW_ROLE"):  # a ModelArts stack: Huawei IAM policies, after the RAM ones if there are any
        lines = [*lines, "", *_huawei_policies(plan)] if policies or attachments else _huawei_policies(plan)
    return "\n".join(lines)



def _huawei_policies(plan: Plan) -> list[str]:
    """Huawei Cloud IAM custom policies (`iam.Role`), with the groups and agencies they are granted to."""
    groups = {g.id: g.plain_inputs().get("name", g.name) for g in plan.of("HW_GROUP")}
    roles = sorted(plan.of("HW_ROLE"), key=lambda r: r.plain_inputs().get("name", ""))
    by_id = {r.id: r.plain_inputs().get("name") for r in roles}
    for inv in plan.invokes:  # system policies are looked up by display name; name them as the lookup did
        if tokens.name_of(inv.token) == "HW_GET_ROLE":
            by_id[fakes.invoke(inv.token, inv.args).get("id")] = f"system policy {inv.args.get('displayName')}"
    granted: dict[str, list[str]] = {}
    for a in plan.of("HW_ASSIGNMENT"):
        inp = a.plain_inputs()
        where = "project" if inp.get("projectId") else "domain"
        name = by_id.get(inp.get("roleId"), f"system role {inp.get('roleId')}")
        granted.setdefault(name, []).append(f"group {groups.get(inp.get('groupId'), inp.get('groupId'))} ({where})")
    for ag in plan.of("HW_AGENCY"):
        inp = ag.plain_inputs()
        for name in inp.get("domainRoles") or []:
            granted.setdefault(name, []).append(f"agency {inp.get('name')} (domain)")
        for pr in inp.get("projectRoles") or []:
            for name in pr.get("roles") or []:
                granted.setdefault(name, []).append(f"agency {inp.get('name')} (project {pr.get('project')})")
    lines = [f"Huawei Cloud IAM custom policies of stack {plan.stack!r} (offline preview)", ""]
    for r in roles:
        inp = r.plain_inputs()
        lines.append(f"== {inp['name']} (custom, type {inp.get('type')}, {len(inp['policy'])} of 6144 characters)")
        lines.append(f"   granted to: {', '.join(sorted(granted.pop(inp['name'], []))) or 'nothing'}")
        lines += ["   " + line for line in json.dumps(json.loads(inp["policy"]), indent=2).splitlines()]
        lines.append("")
    lines.append("== System policies granted")
    for name in sorted(granted):
        lines.append(f"   {name}: {', '.join(sorted(granted[name]))}")
    return lines


RENDERERS: dict[str, Callable[[Plan], str]] = {
    "tree": render_tree,
    "json": render_json,
    "policies": render_policies,
    "access": render_access,
    "access-csv": render_access_csv,
    "mermaid": render_mermaid,
    "dot": render_dot,
}


def main(argv: Optional[list[str]] = None, project_dir: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(prog="make preview", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--format", default="tree", choices=sorted(RENDERERS))
    parser.add_argument("--policy-pack", action="store_true", help="also run the policy pack's checks")
    parser.add_argument("--project-dir", default=None, help="Pulumi project to preview (default: the repo root)")
    parser.add_argument("--base", default=None, help="git ref: print the diff from that ref's plan (offline/diff.py)")
    parser.add_argument("--identity-plan", default=None, type=Path,
                        help="a team stack: read its identity stack's outputs from this JSON plan instead of planning it")
    args = parser.parse_args(argv)
    if args.project_dir is not None:
        given = Path(args.project_dir)
        project_dir = (given if given.is_absolute() or given.exists() else ROOT / given).resolve()
        if not (project_dir / "Pulumi.yaml").is_file():
            print(f"error: --project-dir {args.project_dir}: no Pulumi.yaml there", file=sys.stderr)
            return 2
    if args.identity_plan is not None and args.base is not None:
        print("error: --identity-plan: not with --base (the diff plans both sides from their own stack files)",
              file=sys.stderr)
        return 2
    if args.base is not None:
        from . import diff

        return diff.run(args.base, args.stack, project_dir, args.format)
    try:
        references = None
        if args.identity_plan is not None:
            project, config = load_stack_config(project_dir, args.stack)
            references = identity_references(project_dir, project, args.stack, config, plan_file=args.identity_plan)
            if not references:
                raise StackFileError(f"--identity-plan: stack {args.stack!r} is not a team stack (it names no "
                                     "identityStack)")
        plan = plan_stack(args.stack, project_dir, dry_run=True, references=references)  # as `pulumi preview`
    except (StackFileError, pulumi.RunError) as e:
        for line in str(e).splitlines():  # a ConfigErrors holds one mistake per line
            print(f"error: {line}", file=sys.stderr)
        return 2
    print(RENDERERS[args.format](plan))
    for line in plan.warnings:
        print(f"warning: {line}", file=sys.stderr)
    if args.policy_pack:
        return run_policy_pack(plan)
    return 0


def run_policy_pack(plan: Plan) -> int:
    from policypack import rules  # the pack's pure rules, shared with `pulumi preview --policy-pack policypack`

    violations = rules.check_preview(plan_json(plan)["resources"])
    mandatory = [v for v in violations if v.level != rules.ADVISORY]
    for v in violations:  # mandatory ones fail the run, advisory ones are only shown (as `pulumi preview` does)
        kind = "advisory" if v.level == rules.ADVISORY else "policy violation"
        print(f"{kind}: {v.policy}: {v.urn}: {v.message}", file=sys.stderr)
    advisory = len(violations) - len(mandatory)
    print(f"\nPolicy pack: {len(mandatory)} violation(s)" + (f", {advisory} advisory" if advisory else ""))
    return 1 if mandatory else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. `make preview | head`: the reader left, nothing is wrong
        sys.stderr.close()
        sys.exit(0)
