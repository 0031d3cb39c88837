"""Affected stacks: which stacks a change can alter, in deployment waves (identity stacks first, then team stacks).

    python -m offline.affected (--base REF | --changed FILE... | --all) [--format json|github|gitlab-child]
                               [--project-dir .] [--pipeline merge-request|deploy|drift] [--templates FILE]
                               [--manual GLOBS]

Every stack file (`<stackConfigDir>/Pulumi.<stack>.yaml`) is read with the project's own reader
(offline/stackfile.py) for its cloud (`pai-platform:cloud`, default alicloud) and its identity stack
(`pai-platform:identityStack: <org>/<project>/<stack>`). The rules (docs/deploying.md, "Which stacks a change
affects"):

- `stacks/Pulumi.<s>.yaml` changed: s; when team stacks name s as their identity stack, those teams too.
- A file the program or its checks read (`__main__.py`, `Pulumi.yaml`, `requirements.txt`, `Makefile`,
  `components/`, `offline/`, `policypack/`, `package/`): every stack.
- A file that cannot change a plan (`*.md`, `docs/`, `tests/`, `benchmarks/`, `examples/`, `bootstrap/` (a
  project of its own), `stacks/stack.schema.json`, `pytest.ini`, dotfiles such as `.ci/` and `.github/`): nothing.
- Any other file: every stack, to be safe (the reason says so).
- A deleted stack file is listed under `removed`: never deployed, never destroyed.

Waves: 1 = identity and standalone stacks, 2 = team stacks (each waits for its identity stack). `--base REF` takes
the files of `git diff --name-only REF...HEAD` (from the merge base), `--changed` takes paths relative to the
project directory, `--all` every stack (scheduled and manual runs). A mistake is one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import posixpath
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from .stackfile import StackFileError, one_line, read_project_file, read_stack_file

FORMATS = ("json", "github", "gitlab-child")
PIPELINES = ("merge-request", "deploy", "drift")
DEFAULT_CLOUD = "alicloud"
"""A stack file without `pai-platform:cloud` is Alibaba Cloud's (components/core/clouds.py)."""
CREDENTIALED_CLOUD = "alicloud"
"""The one cloud the example pipelines hold credentials for; other clouds' stacks get the offline jobs only."""

STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
"""Pulumi's stack names: letters, digits, '-', '_' and '.' (pulumi/pulumi sdk/go/common/tokens, ValidateStackName).
Checked because a name becomes a job name, an environment and a shell variable in the pipelines."""

CODE_FILES = ("__main__.py", "Pulumi.yaml", "requirements.txt", "Makefile")
CODE_DIRS = ("components", "offline", "policypack", "package")
INERT_DIRS = ("docs", "tests", "benchmarks", "examples", "bootstrap")
INERT_FILES = ("pytest.ini",)
SCHEMA_FILE = "stack.schema.json"

EMPTY_MATRIX = '{"include":[]}'
"""The `github` format's matrix when a wave has no stack (the workflow compares against this text)."""

# Reasons rank: the most specific one names the entry.
_OWN, _IDENTITY, _CODE, _UNKNOWN, _ALL = range(5)


class AffectedError(Exception):
    """A mistake the command reports as one line (exit 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message, 400))


# --- the project's stacks --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stack:
    name: str
    file: str  # relative to the project directory, '/'-separated
    cloud: str
    identity_ref: Optional[str]  # `pai-platform:identityStack` as written
    identity: Optional[str]  # the identity stack's name when it is a stack of this project
    users_only: bool  # sets `users` and no `workspaces`: an identity stack by its content
    name_prefix: Optional[str] = None  # `pai-platform:namePrefix`
    region: Optional[str] = None  # `alicloud:region`


@dataclass
class Project:
    name: str
    directory: Path
    stack_dir: str  # relative to the project directory ('.' for the project directory itself)
    stacks: dict[str, Stack]

    def stack_file(self, stack: str) -> str:
        return posixpath.normpath(posixpath.join(self.stack_dir, f"Pulumi.{stack}.yaml"))

    def teams_of(self, identity: str) -> list[str]:
        return sorted(s.name for s in self.stacks.values() if s.identity == identity)

    def kind(self, stack: Stack) -> str:
        if stack.identity_ref is not None:
            return "team"
        if stack.users_only or self.teams_of(stack.name):
            return "identity"
        return "standalone"


def _parse_identity_ref(value: str, project: str, where: str) -> Optional[str]:
    """`<org>/<project>/<stack>` -> the stack's name when the project is this one, else None (not in this repo)."""
    parts = value.split("/")
    if len(parts) != 3 or not all(parts):
        raise AffectedError(f"{where}: {project}:identityStack: {value!r} is not <org>/<project>/<stack>")
    if parts[1] != project:
        return None
    if not STACK_NAME.match(parts[2]):
        raise AffectedError(f"{where}: {project}:identityStack: {parts[2]!r} is not a stack name "
                            "(letters, digits, '-', '_', '.')")
    return parts[2]


def read_project(project_dir: Path) -> Project:
    """The project's name, its stack directory and every stack file in it (as offline/preview.py finds them)."""
    try:
        meta = read_project_file(project_dir / "Pulumi.yaml")
    except StackFileError as e:
        raise AffectedError(str(e)) from None
    name = meta["name"]
    stack_dir = meta.get("stackConfigDir")
    stack_rel = posixpath.normpath(stack_dir) if isinstance(stack_dir, str) and stack_dir else "."
    project = Project(name, project_dir, stack_rel, {})
    for path in sorted((project_dir / stack_rel).glob("Pulumi.*.yaml")):
        stack = path.name[len("Pulumi."):-len(".yaml")]
        rel = project.stack_file(stack)
        if not STACK_NAME.match(stack):
            raise AffectedError(f"{rel}: {stack!r} is not a stack name (letters, digits, '-', '_', '.')")
        try:
            config = read_stack_file(path, name, require_config=False)
        except StackFileError as e:  # "<file name>:<line>:<column>: <rule>": named by its path here
            message = str(e)
            message = message[len(path.name):] if message.startswith(path.name) else f": {message}"
            raise AffectedError(rel + message) from None
        ref = config.get(f"{name}:identityStack")
        project.stacks[stack] = Stack(
            name=stack,
            file=rel,
            cloud=config.get(f"{name}:cloud") or DEFAULT_CLOUD,
            identity_ref=ref,
            identity=_parse_identity_ref(ref, name, rel) if ref is not None else None,
            users_only=f"{name}:users" in config and f"{name}:workspaces" not in config,
            name_prefix=config.get(f"{name}:namePrefix"),
            region=config.get("alicloud:region"),
        )
    for stack in project.stacks.values():
        identity = project.stacks.get(stack.identity or "")
        if identity is not None and identity.identity_ref is not None:
            raise AffectedError(f"{stack.file}: {name}:identityStack names {identity.name!r}, a team stack itself "
                                f"({identity.file} sets {name}:identityStack); an identity stack names none")
    return project


def same_names(project: Project, result: "Result") -> list[str]:
    """Affected stacks that would create the same physical names: two stacks that are not one estate (a team stack
    shares its identity stack's prefix on purpose) with one namePrefix in one region both own
    `<prefix>-access-logs` and every derived name after it, e.g. a monolithic stack and the estate split from it
    (README, "Estates": deploy one layout)."""
    roots: dict[tuple[str, str], list[Stack]] = {}
    for s in project.stacks.values():
        if s.identity_ref is None and s.cloud == DEFAULT_CLOUD and s.name_prefix and s.region:
            roots.setdefault((s.name_prefix, s.region), []).append(s)
    lines = []
    for (prefix, region), stacks in sorted(roots.items()):
        if len(stacks) > 1 and any(s.name in result.reasons for s in stacks):
            names = " and ".join(s.file for s in stacks)
            lines.append(f"{names}: the same namePrefix {prefix!r} in {region}, so the same physical names (the "
                         "access-log bucket first); deploy only one of them (README, Estates)")
    return lines


# --- which files affect what -----------------------------------------------------------------------------------------


def _normalize(path: str, project_dir: Path) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(project_dir.resolve())
        except ValueError:
            raise AffectedError(f"--changed {path}: not inside the project directory {project_dir}") from None
    text = posixpath.normpath(p.as_posix())
    if text == ".." or text.startswith("../"):
        raise AffectedError(f"--changed {path}: not inside the project directory")
    return text


def classify(path: str, project: Project) -> tuple[str, Optional[str], str]:
    """(kind, stack, why) for one changed path: kind is 'stack' (the stack's file), 'code' (every stack), 'inert'
    (nothing) or 'unknown' (every stack, to be safe)."""
    directory, base = posixpath.split(path)
    directory = directory or "."
    top = path.split("/", 1)[0]
    if directory == project.stack_dir:
        m = re.match(r"^Pulumi\.(.+)\.yaml$", base)
        if m:
            return "stack", m.group(1), "a stack file"
        if base == SCHEMA_FILE:
            return "inert", None, "the stack files' editor schema"
    if base.endswith(".md"):
        return "inert", None, "documentation"
    if top.startswith("."):
        return "inert", None, "repository tooling (a dotfile)"
    if path in CODE_FILES or top in CODE_DIRS:
        return "code", None, "program code"
    if top in INERT_DIRS or path in INERT_FILES:
        return "inert", None, f"{top}/ cannot change a plan" if top in INERT_DIRS else "test configuration"
    return "unknown", None, "unknown file"


@dataclass
class Result:
    project: Project
    reasons: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)  # stack -> (rank, file, text)
    removed: dict[str, str] = field(default_factory=dict)  # stack -> file
    base: Optional[str] = None  # the merge base the change list was taken from

    def add(self, stack: str, rank: int, file: str, text: str) -> None:
        self.reasons.setdefault(stack, []).append((rank, file, text))

    def entry(self, stack: Stack) -> dict[str, Any]:
        reasons = sorted(self.reasons[stack.name])
        rank, file, text = reasons[0]
        others = len({f for _, f, _ in reasons} - {file})
        if others:
            text += f", and {others} more changed file{'s' if others > 1 else ''}"
        out: dict[str, Any] = {"stack": stack.name, "cloud": stack.cloud, "kind": self.project.kind(stack),
                               "reason": text}
        if stack.identity_ref is not None:
            if stack.identity is not None:  # a stack of this project (else another project's, deployed elsewhere)
                out["identity"] = stack.identity
            out["identityStack"] = stack.identity_ref
        return out

    def waves(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        entries = [self.entry(self.project.stacks[s]) for s in sorted(self.reasons)]
        return ([e for e in entries if e["kind"] != "team"], [e for e in entries if e["kind"] == "team"])

    def removed_entries(self) -> list[dict[str, Any]]:
        return [{"stack": s, "file": f, "reason": f"{f} deleted"} for s, f in sorted(self.removed.items())]


def affected(project: Project, changed: Optional[Iterable[str]]) -> Result:
    """The stacks `changed` (paths relative to the project directory) affects; None: every stack (--all)."""
    result = Result(project)
    every = sorted(project.stacks)
    if changed is None:
        for s in every:
            result.add(s, _ALL, "", "every stack (--all)")
        return result
    for path in sorted(set(changed)):
        kind, stack, why = classify(path, project)
        if kind == "stack":
            assert stack is not None
            if not STACK_NAME.match(stack):
                raise AffectedError(f"{path}: {stack!r} is not a stack name (letters, digits, '-', '_', '.')")
            gone = not (project.directory / path).exists()
            if gone:
                result.removed[stack] = path
            else:
                result.add(stack, _OWN, path, f"{path} changed")
            for team in project.teams_of(stack):
                result.add(team, _IDENTITY, path, f"{path} {'deleted' if gone else 'changed'} (its identity stack)")
        elif kind == "code":
            for s in every:
                result.add(s, _CODE, path, f"{path} changed ({why}: every stack)")
        elif kind == "unknown":
            for s in every:
                result.add(s, _UNKNOWN, path, f"{path} changed ({why}: every stack, to be safe)")
    return result


def changed_since(base: str, project_dir: Path) -> tuple[str, list[str]]:
    """(merge base, changed paths relative to the project directory) of `git diff --name-only base...HEAD`."""

    def git(*args: str) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(["git", "-C", str(project_dir), *args], capture_output=True, text=True)
        except OSError as e:
            raise AffectedError(f"--base {base}: cannot run git ({e.strerror or e})") from None

    def first_line(proc: subprocess.CompletedProcess) -> str:
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        return lines[0] if lines else f"git exited {proc.returncode}"

    top = git("rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise AffectedError(f"--base {base}: {project_dir} is not in a git repository")
    for ref in (base, "HEAD"):
        found = git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        if found.returncode != 0:
            hint = " (fetch it first, e.g. actions/checkout with fetch-depth: 0)" if ref == base else ""
            raise AffectedError(f"--base {base}: {ref!r} is not a commit of this repository{hint}")
    merge_base = git("merge-base", "--end-of-options", base, "HEAD")
    if merge_base.returncode != 0:
        raise AffectedError(f"--base {base}: no common ancestor with HEAD (a shallow clone? fetch the full history)")
    diff = git("-c", "core.quotePath=false", "diff", "--name-only", "--no-renames", "--relative",
               f"{base}...HEAD", "--")
    if diff.returncode != 0:
        raise AffectedError(f"--base {base}: git diff: {first_line(diff)}")
    return merge_base.stdout.strip(), [line for line in diff.stdout.splitlines() if line]


# --- formats -------------------------------------------------------------------------------------------------------


def render_json(result: Result) -> str:
    identity, teams = result.waves()
    return json.dumps({"identity": identity, "teams": teams, "removed": result.removed_entries()}, indent=2)


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def render_github(result: Result) -> str:
    """Lines for $GITHUB_OUTPUT: a matrix per wave ({"include": [...]}) of every cloud (offline jobs) and of the
    credentialed cloud alone (Alibaba's preview, up and drift), `any`, and the removed stacks."""
    identity, teams = result.waves()
    ali = [[e for e in wave if e["cloud"] == CREDENTIALED_CLOUD] for wave in (identity, teams)]
    lines = {
        "identity": _compact({"include": identity}),
        "teams": _compact({"include": teams}),
        "any": "true" if identity or teams else "false",
        f"{CREDENTIALED_CLOUD}-identity": _compact({"include": ali[0]}),
        f"{CREDENTIALED_CLOUD}-teams": _compact({"include": ali[1]}),
        CREDENTIALED_CLOUD: _compact({"include": ali[0] + ali[1]}),
        "removed": _compact([e["stack"] for e in result.removed_entries()]),
    }
    return "\n".join(f"{k}={v}" for k, v in lines.items())


# --- gitlab-child ----------------------------------------------------------------------------------------------------
#
# The child pipeline the parent (examples/pipelines/gitlab-ci.yml) triggers with `trigger: include: artifact:`. A
# child's CI_PIPELINE_SOURCE is always `parent_pipeline`, so which jobs it holds is decided here (--pipeline), and
# its `workflow: rules` admit it whatever the parent was (GitLab docs, downstream pipelines: "Run child pipelines
# with merge request pipelines"). The jobs' scripts are the parent file's hidden jobs (--templates), copied in:
# `.stack-offline` (merge requests), `.stack-preview` and `.stack-up` (the default branch), `.stack-drift`
# (schedules), with whatever they extend. Stages `identity` then `teams`: a team's jobs start once every job of
# the identity wave has passed (or when it has none).

STAGES = ("identity", "teams")
TEMPLATES = {
    "merge-request": (".stack-offline",),
    "deploy": (".stack-preview", ".stack-up"),
    "drift": (".stack-drift",),
}


class _Reference(list):
    """GitLab's `!reference [.job, key]`, kept as written."""


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!reference", lambda loader, node: _Reference(loader.construct_sequence(node)))


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: Any, value: str) -> Any:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Reference, lambda d, v: d.represent_sequence("!reference", list(v), flow_style=True))


def _load_templates(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except OSError as e:
        raise AffectedError(f"--templates {path}: cannot read ({e.strerror or e})") from None
    except yaml.YAMLError as e:
        raise AffectedError(f"--templates {path}: not valid YAML ({str(e).splitlines()[0]})") from None
    if not isinstance(doc, dict):
        raise AffectedError(f"--templates {path}: expected a GitLab CI file (a mapping)")
    return doc


def _references(value: Any) -> Iterable[str]:
    if isinstance(value, _Reference):
        if value and isinstance(value[0], str):
            yield value[0]
    elif isinstance(value, dict):
        for v in value.values():
            yield from _references(v)
    elif isinstance(value, list):
        for v in value:
            yield from _references(v)


def _closure(doc: dict[str, Any], wanted: Iterable[str], path: Path) -> list[str]:
    """The hidden jobs `wanted` needs, in the file's order: each one, what it extends and what it !references."""
    seen: set[str] = set()
    todo = list(wanted)
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        job = doc.get(name)
        if not isinstance(job, dict):
            raise AffectedError(f"--templates {path}: no hidden job {name} (the gitlab-child format uses it)")
        seen.add(name)
        extends = job.get("extends", [])
        todo += [extends] if isinstance(extends, str) else list(extends)
        todo += list(_references(job))
    return [k for k in doc if k in seen]


def render_gitlab_child(result: Result, pipeline: str, templates: Path, manual: Iterable[str] = ()) -> str:
    doc = _load_templates(templates)
    identity, teams = result.waves()
    if pipeline != "merge-request":  # credentials: the one cloud the pipeline holds them for
        identity, teams = ([e for e in w if e["cloud"] == CREDENTIALED_CLOUD] for w in (identity, teams))
    manual = [glob for value in manual for glob in value.split()]
    jobs: dict[str, Any] = {}
    for stage, wave in zip(STAGES, (identity, teams)):
        for e in wave:
            stack = e["stack"]
            variables = {"STACK": stack}
            if e.get("identity"):
                variables["IDENTITY_STACK"] = e["identity"]
            if pipeline == "merge-request":
                jobs[f"offline-{stack}"] = {"extends": ".stack-offline", "stage": stage, "variables": variables}
            elif pipeline == "drift":
                jobs[f"drift-{stack}"] = {"extends": ".stack-drift", "stage": stage, "needs": [],
                                          "variables": variables}
            else:
                jobs[f"preview-{stack}"] = {"extends": ".stack-preview", "stage": stage, "variables": variables}
                up: dict[str, Any] = {
                    "extends": ".stack-up",
                    "stage": stage,
                    "needs": [f"preview-{stack}"],
                    "variables": dict(variables),
                    "environment": {"name": stack},
                    "resource_group": f"stack-{stack}",  # one deployment of a stack at a time, queued in order
                }
                if any(fnmatch.fnmatchcase(stack, glob) for glob in manual):
                    up["when"] = "manual"
                    up["allow_failure"] = False  # blocks the teams wave until someone runs it
                jobs[f"up-{stack}"] = up
    for e in result.removed_entries():
        jobs[f"removed-{e['stack']}"] = {
            "stage": STAGES[0],
            "needs": [],
            "variables": {"GIT_STRATEGY": "none"},
            "before_script": [],
            "script": [f"echo '{e['file']} was deleted: stack {e['stack']} is neither deployed nor destroyed by the "
                       "pipeline; destroy it by hand if that is meant (docs/deploying.md)'", "exit 1"],
            "allow_failure": True,  # a warning, not a failure
        }
    if not [name for name in jobs if not name.startswith("removed-")]:
        what = {"merge-request": "no stack is affected by this change",
                "deploy": "no Alibaba Cloud stack is affected by this change",
                "drift": "no Alibaba Cloud stack to check"}[pipeline]
        jobs["nothing-to-do"] = {"stage": STAGES[0], "variables": {"GIT_STRATEGY": "none"}, "before_script": [],
                                 "script": [f"echo '{what} (see the affected job of the parent pipeline)'"]}
    child: dict[str, Any] = {
        "stages": list(STAGES),
        "workflow": {"rules": [{"if": '$CI_PIPELINE_SOURCE == "parent_pipeline"'}]},
    }
    variables = dict(doc.get("variables") or {})
    if pipeline == "merge-request" and result.base:
        variables["AFFECTED_BASE"] = result.base  # the merge base the change list came from: the plan diff's BASE
    if variables:
        child["variables"] = variables
    if isinstance(doc.get("default"), dict):
        child["default"] = doc["default"]
    wanted = TEMPLATES[pipeline] if any(not n.startswith(("removed-", "nothing-")) for n in jobs) else ()
    for name in _closure(doc, wanted, templates):
        child[name] = doc[name]
    child.update(jobs)
    header = (f"# Generated by `python -m offline.affected --format gitlab-child --pipeline {pipeline}`: one job per\n"
              "# stack this change affects, identity wave then teams wave. Do not edit: edit the hidden jobs of "
              f"{templates.name}.\n")
    return header + yaml.dump(child, Dumper=_Dumper, sort_keys=False, width=120, allow_unicode=True)


# --- command line ----------------------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise AffectedError(message)


def main(argv: Optional[list[str]] = None) -> int:
    parser = _Parser(prog="python -m offline.affected", description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--base", metavar="REF", help="the files of `git diff --name-only REF...HEAD`")
    source.add_argument("--changed", metavar="FILE", nargs="+", help="changed files, relative to the project directory")
    source.add_argument("--all", action="store_true", help="every stack (scheduled and manual runs)")
    parser.add_argument("--format", default="json", choices=FORMATS)
    parser.add_argument("--project-dir", default=".", help="the Pulumi project (default: the current directory)")
    parser.add_argument("--pipeline", choices=PIPELINES,
                        help="gitlab-child: the jobs of a merge request (offline), the default branch (preview, up) "
                             "or a schedule (drift)")
    parser.add_argument("--templates", default=None,
                        help="gitlab-child: the GitLab CI file with the hidden jobs to copy (default: .gitlab-ci.yml "
                             "of the project directory)")
    parser.add_argument("--manual", metavar="GLOBS", action="append", default=[],
                        help="gitlab-child, deploy: stacks matching one of these shell globs (space-separated; "
                             "repeatable) get a manual `up`")
    try:
        args = parser.parse_args(argv)
        if args.base is None and args.changed is None and not args.all:
            raise AffectedError("say what changed: --base REF, --changed FILE... or --all")
        if args.format == "gitlab-child" and args.pipeline is None:
            raise AffectedError("--format gitlab-child needs --pipeline (merge-request, deploy or drift)")
        project_dir = Path(args.project_dir).resolve()
        if not (project_dir / "Pulumi.yaml").is_file():
            raise AffectedError(f"--project-dir {args.project_dir}: no Pulumi.yaml there")
        project = read_project(project_dir)
        base = None
        if args.base is not None:
            base, changed = changed_since(args.base, project_dir)
        elif args.changed is not None:
            changed = [_normalize(p, project_dir) for p in args.changed]
        else:
            changed = None
        result = affected(project, changed)
        result.base = base
        for stack in project.stacks.values():
            if stack.identity is not None and stack.identity not in project.stacks and stack.name in result.reasons:
                print(f"warning: {stack.file}: identity stack {stack.identity!r} has no "
                      f"{project.stack_file(stack.identity)}", file=sys.stderr)
        for line in same_names(project, result):
            print(f"warning: {line}", file=sys.stderr)
        if args.format == "json":
            print(render_json(result))
        elif args.format == "github":
            print(render_github(result))
        else:
            templates = Path(args.templates) if args.templates else project_dir / ".gitlab-ci.yml"
            print(render_gitlab_child(result, args.pipeline, templates, args.manual), end="")
    except AffectedError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
