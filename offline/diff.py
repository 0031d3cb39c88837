"""Plan diff: `make preview BASE=<git ref>` plans the stack at the ref and in the working tree and prints, per resource,
what `pulumi up` would do to a stack deployed from the ref, shaped like `pulumi preview --diff`.

- Resources are matched by URN; a new resource whose `aliases` resolve to an old URN is the same resource (a rename
  without an alias is a delete and a create, as in the engine).
- For a matched resource the changed inputs are listed; a change to an input the provider marks ForceNew
  (`offline/replacements.py`, with sources) replaces the resource, otherwise it is updated in place.
- Replacing or deleting a resource that is protected in the base plan is flagged `[protected]` and the exit status
  is 3 (the real `pulumi up` would refuse, or destroy data after an unprotect). Exit 2: the diff could not be made.

Both plans run the current offline runtime in a subprocess (`python -m offline.diff --plan ...`) on a project
directory: the working tree, and the ref exported with `git archive` into a temporary directory. Each subprocess
imports the program's own packages (`components`) from its project directory and checks that it did.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from .replacements import force_new

ROOT = Path(__file__).resolve().parent.parent
STACK_TYPE = "pulumi:pulumi:Stack"
EXIT_PROTECTED = 3


class DiffError(Exception):
    """The diff cannot be made (bad ref, base stack invalid, plan failed): one line for the user."""


# --- planning in a subprocess ----------------------------------------------------------------------------------


def _plan_record(project_dir: Path, stack: str) -> dict[str, Any]:
    """Run in the subprocess: plan `stack` of `project_dir` and return plan_json plus aliases and delete options."""
    from .preview import plan_json, plan_stack

    plan = plan_stack(stack, project_dir, dry_run=True)  # as `pulumi preview`, like the preview CLI
    mod = sys.modules.get("components")
    if mod is not None and (project_dir / "components").is_dir():
        origin = Path(getattr(mod, "__file__", "") or "").resolve()
        if project_dir.resolve() not in origin.parents:
            raise RuntimeError(f"components imported from {origin}, not from {project_dir}")
    record = plan_json(plan)
    extra = {r.urn: r for r in plan.resources}
    for res in record["resources"]:
        reg = extra[res["urn"]]
        res["custom"] = reg.custom
        res["aliases"] = reg.aliases
        res["retainOnDelete"] = reg.retain_on_delete
        res["deleteBeforeReplace"] = reg.delete_before_replace
    return record


def _spawn(project_dir: Path, stack: str, workdir: Path) -> subprocess.Popen:
    env = dict(os.environ)
    # The offline package comes from this tree (PYTHONPATH); cwd is an empty directory so nothing else on sys.path
    # shadows the program's own packages, which the runtime puts first (preview.program_for).
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return subprocess.Popen(
        [sys.executable, "-m", "offline.diff", "--plan", "--project-dir", str(project_dir), "--stack", stack],
        cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _collect(proc: subprocess.Popen, what: str) -> dict[str, Any]:
    out, err = proc.communicate()
    if proc.returncode != 0:
        lines = [line for line in err.strip().splitlines() if line.strip()]
        last = lines[-1] if lines else f"exit status {proc.returncode}"
        raise DiffError(f"{what}: {last.removeprefix('error: ')}")
    return json.loads(out)


def _git(repo: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=not binary)


def _export(repo_top: Path, commit: str, dest: Path) -> None:
    archive = _git(repo_top, "archive", "--format=tar", commit, binary=True)
    if archive.returncode != 0:
        raise DiffError(f"git archive {commit}: {archive.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:  # pragma: no cover - Python without extraction filters
            tar.extractall(dest)


def _stack_file(project_dir: Path, stack: str) -> Optional[Path]:
    """The stack file of `project_dir`, or None if the project or the stack does not exist there."""
    meta_path = project_dir / "Pulumi.yaml"
    if not meta_path.is_file():
        return None
    try:
        meta = yaml.safe_load(meta_path.read_text()) or {}
    except yaml.YAMLError:
        return None
    path = project_dir / meta.get("stackConfigDir", ".") / f"Pulumi.{stack}.yaml"
    return path if path.is_file() else None


@dataclass
class Plans:
    base: dict[str, Any]
    head: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def plan_both(base_ref: str, stack: str, project_dir: Path) -> Plans:
    """Plan `stack` at `base_ref` and in the working tree of `project_dir`, in two subprocesses run side by side."""
    project_dir = project_dir.resolve()
    top = _git(project_dir, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise DiffError(f"--base {base_ref}: {project_dir} is not in a git repository")
    repo_top = Path(top.stdout.strip()).resolve()
    commit = _git(repo_top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{base_ref}^{{commit}}")
    if commit.returncode != 0:
        raise DiffError(f"--base {base_ref}: not a commit in {repo_top}")
    sha = commit.stdout.strip()
    rel = project_dir.relative_to(repo_top)
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="plan-diff-") as tmp:
        tmp_path = Path(tmp)
        export, workdir = tmp_path / "base", tmp_path / "cwd"
        export.mkdir()
        workdir.mkdir()
        _export(repo_top, sha, export)
        base_dir = export / rel
        head_proc = _spawn(project_dir, stack, workdir)
        base_proc = None
        if _stack_file(base_dir, stack) is None:
            shown = f"{rel / 'Pulumi.yaml'}" if not (base_dir / "Pulumi.yaml").is_file() else f"stack {stack!r}"
            notes.append(f"note: {shown} does not exist at {base_ref} ({sha[:8]}): every resource is a create")
        else:
            base_proc = _spawn(base_dir, stack, workdir)
        try:
            head = _collect(head_proc, f"working tree: stack {stack!r}")
            if base_proc is None:
                base: dict[str, Any] = {"stack": stack, "project": head["project"], "resources": [], "outputs": {}}
            else:
                base = _collect(base_proc, f"--base {base_ref}: stack {stack!r} fails validation at that ref")
        finally:
            for proc in (head_proc, base_proc):
                if proc is not None and proc.poll() is None:
                    proc.kill()
                    proc.wait()
    return Plans(base, head, notes)


# --- the diff itself (pure) ------------------------------------------------------------------------------------


@dataclass
class Step:
    op: str
    """"create", "update", "replace", "delete" or "same"."""
    urn: str
    type: str
    old_urn: str = ""
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    replace_keys: list[str] = field(default_factory=list)
    protected: bool = False
    """Protected in the base plan."""
    unknown: bool = False
    """The provider's ForceNew facts for this type are not verified: the update may be a replacement."""
    reason: str = ""


SYMBOL = {"create": "+", "update": "~", "replace": "+-", "delete": "-"}


def _qualified_type(urn: str) -> str:
    return urn.split("::")[2]


def _make_urn(stack: str, project: str, parent: str, type_: str, name: str) -> str:
    if parent and _qualified_type(parent) != STACK_TYPE:
        type_ = f"{_qualified_type(parent)}${type_}"
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


def _alias_urns(res: dict[str, Any], old_parent: Optional[str], stack: str, project: str) -> list[str]:
    """URNs this resource may have had: its aliases, resolved as the engine does, and the URN it inherits when its
    parent matched an older URN (children follow an aliased parent)."""
    found: list[str] = []
    parents = [res["parent"]] + ([old_parent] if old_parent and old_parent != res["parent"] else [])
    for alias in res.get("aliases") or []:
        if "urn" in alias:
            found.append(alias["urn"])
            continue
        a_stack, a_project = alias.get("stack", stack), alias.get("project", project)
        if alias.get("noParent"):
            alias_parents = [""]
        elif "parentUrn" in alias:
            alias_parents = [alias["parentUrn"]]
        else:
            alias_parents = parents
        for parent in alias_parents:
            found.append(_make_urn(a_stack, a_project, parent, alias.get("type", res["type"]),
                                   alias.get("name", res["name"])))
    if old_parent and old_parent != res["parent"]:
        found.append(_make_urn(stack, project, old_parent, res["type"], res["name"]))
    return found


def _changed(old: dict[str, Any], new: dict[str, Any], ignore: list[str]) -> dict[str, tuple[Any, Any]]:
    ignored = {path.split(".")[0].split("[")[0] for path in ignore}
    return {k: (old.get(k), new.get(k)) for k in sorted(set(old) | set(new))
            if k not in ignored and old.get(k) != new.get(k)}


def diff_plans(base: dict[str, Any], head: dict[str, Any]) -> list[Step]:
    """One step per resource of either plan (unchanged ones as "same"), in URN order."""
    old = {r["urn"]: r for r in base["resources"]}
    new = {r["urn"]: r for r in head["resources"]}
    stack, project = head["stack"], head["project"]
    matched: dict[str, str] = {}  # new URN -> old URN
    taken: set[str] = set()
    # Parents before children, so a child can follow its parent's alias.
    for urn in sorted(new, key=lambda u: (u.count("$"), u)):
        res = new[urn]
        if urn in old and urn not in taken:
            matched[urn] = urn
            taken.add(urn)
            continue
        old_parent = matched.get(res["parent"])
        for candidate in _alias_urns(res, old_parent, stack, project):
            if candidate in old and candidate not in taken and candidate not in new:
                matched[urn] = candidate
                taken.add(candidate)
                break
    steps: list[Step] = []
    for urn in sorted(new):
        res = new[urn]
        if urn not in matched:
            steps.append(Step("create", urn, res["type"]))
            continue
        before = old[matched[urn]]
        changed = _changed(before["inputs"], res["inputs"], res.get("ignoreChanges") or [])
        step = Step("same", urn, res["type"], old_urn=matched[urn], changed=changed, protected=before["protect"])
        if changed:
            step.op = "update"
            facts = force_new(res["type"]) if res.get("custom", True) else None
            if facts is not None:
                step.replace_keys = sorted(k for k in changed if k in facts.fields)
                step.unknown = not facts.verified
            elif res.get("custom", True):
                step.unknown = True
            if step.replace_keys:
                step.op = "replace"
        steps.append(step)
    for urn in sorted(set(old) - taken):
        steps.append(Step("delete", urn, old[urn]["type"], old_urn=urn, protected=old[urn]["protect"]))
    _propagate(steps, old, new)
    return steps


def _propagate(steps: list[Step], old: dict[str, Any], new: dict[str, Any]) -> None:
    """A resource that reads an output of a replaced resource sees it unknown at preview: if that input forces
    replacement, it is replaced too (mock ids do not change with a replacement, so this is not seen as a change)."""
    by_urn = {s.urn: s for s in steps if s.op != "delete"}
    replaced = {s.urn for s in steps if s.op == "replace"}
    grew = True
    while grew:
        grew = False
        for step in by_urn.values():
            if step.op not in ("same", "update"):
                continue
            res = new[step.urn]
            facts = force_new(res["type"]) if res.get("custom", True) else None
            if facts is None:
                continue
            hit = sorted(k for k, deps in (res.get("propertyDependencies") or {}).items()
                         if k in facts.fields and replaced.intersection(deps))
            if hit:
                step.op, step.replace_keys = "replace", hit
                step.reason = "reads an output of a replaced resource"
                for k in hit:
                    step.changed.setdefault(k, (old[step.old_urn]["inputs"].get(k), "[output of a replaced resource]"))
                replaced.add(step.urn)
                grew = True


# --- rendering ---------------------------------------------------------------------------------------------------


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True) if not isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 120 else text[:117] + "..."


def flagged(steps: list[Step]) -> list[Step]:
    return [s for s in steps if s.protected and s.op in ("replace", "delete")]


def render_text(steps: list[Step], base_ref: str, stack: str, notes: list[str]) -> str:
    lines = [f"Previewing changes to stack {stack!r} from {base_ref} to the working tree "
             "(offline: no cloud calls, ids are placeholders)", *notes, ""]
    shown = [s for s in steps if s.op != "same"]
    for s in shown:
        mark = " [protected]" if s.protected and s.op in ("replace", "delete") else ""
        lines.append(f"    {SYMBOL[s.op]} {s.type}: ({s.op}){mark}")
        lines.append(f"        [urn={s.urn}]")
        if s.old_urn and s.old_urn != s.urn:
            lines.append(f"        [was urn={s.old_urn} (aliased)]")
        for key, (before, after) in s.changed.items():
            forces = " (forces replacement)" if key in s.replace_keys else ""
            if before is None:
                lines.append(f"      + {key}: {_show(after)}")
            elif after is None:
                lines.append(f"      - {key}: {_show(before)}")
            else:
                lines.append(f"      ~ {key}: {_show(before)} => {_show(after)}{forces}")
        if s.reason:
            lines.append(f"        ({s.reason})")
        if s.op == "update" and s.unknown:
            lines.append("        (provider ForceNew facts for this type not verified: may be a replacement)")
    if not shown:
        lines.append("    no changes")
    counts = {op: sum(1 for s in steps if s.op == op) for op in ("create", "update", "replace", "delete", "same")}
    lines += ["", "Resources:"]
    for op in ("create", "update", "replace", "delete"):
        if counts[op]:
            lines.append(f"    {SYMBOL[op]} {counts[op]} to {op}")
    changes = counts["create"] + counts["update"] + counts["replace"] + counts["delete"]
    lines.append(f"    {changes} changes. {counts['same']} unchanged" if changes else f"    {counts['same']} unchanged")
    bad = flagged(steps)
    if bad:
        lines += ["", f"error: {len(bad)} protected resource(s) would be replaced or deleted:"]
        lines += [f"    {s.op} {s.old_urn or s.urn}" for s in bad]
    return "\n".join(lines)


def render_json(steps: list[Step]) -> str:
    return json.dumps({
        "steps": [{"op": s.op, "urn": s.urn, "type": s.type, "oldUrn": s.old_urn,
                   "changed": sorted(s.changed), "replaceKeys": s.replace_keys, "protected": s.protected}
                  for s in steps if s.op != "same"],
        "protectedReplacedOrDeleted": [s.old_urn or s.urn for s in flagged(steps)],
    }, indent=2)


def run(base_ref: str, stack: str, project_dir: Path = ROOT, fmt: str = "tree") -> int:
    """Print the diff of `stack` from `base_ref` to the working tree; 0, 3 (protected replaced/deleted) or 2."""
    try:
        plans = plan_both(base_ref, stack, project_dir)
    except DiffError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    steps = diff_plans(plans.base, plans.head)
    print(render_json(steps) if fmt == "json" else render_text(steps, base_ref, stack, plans.notes))
    return EXIT_PROTECTED if flagged(steps) else 0


def main(argv: Optional[list[str]] = None) -> int:
    """`python -m offline.diff --plan --project-dir D --stack S`: the subprocess side, one plan as JSON."""
    parser = argparse.ArgumentParser(prog="offline.diff")
    parser.add_argument("--plan", action="store_true", required=True)
    parser.add_argument("--project-dir", required=True)
    parser.add_argument("--stack", required=True)
    args = parser.parse_args(argv)
    import pulumi

    from .preview import StackFileError

    try:
        record = _plan_record(Path(args.project_dir).resolve(), args.stack)
    except (StackFileError, pulumi.RunError, RuntimeError) as e:
        print(f"error: {str(e).splitlines()[0] if str(e) else type(e).__name__}", file=sys.stderr)
        return 2
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
