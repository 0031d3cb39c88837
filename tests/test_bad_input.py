"""Bad stack files, table-driven: every file in tests/bad_stacks/ is refused before anything is registered.

Each file names what is wrong and the key path the error must name (see tests/bad_stacks/README.md). For each one
the real CLI path runs against a temporary project holding only that stack file, and must give exit status 2,
nothing on stdout and exactly one stderr line `error: <key path>: ...`. The same program, run under the recording
runtime, must fail before a single resource is registered or a single data source is read. A sample also runs in
a subprocess, `python -m offline.preview`, to prove the exit status end to end.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pulumi
import pytest
import yaml

from components.core.errors import ConfigError
from conftest import ROOT
from offline import preview
from offline.runtime import STACK_REFERENCE_TYPE, RecordingMocks, run
from offline import tokens as T

BAD_STACKS = Path(__file__).resolve().parent / "bad_stacks"
HEADER = re.compile(r"\A# Wrong: (?P<what>.+)\n# Expect: (?P<expect>\S.*)\n# Rule: (?P<rule>\S.*)\n")
MAX_LINE = 200  # an error line is meant to be read: values are shortened, long lists elided
UNFORMATTED = re.compile(r"\{\w+(![rsa])?\}")  # a message template whose placeholders were never filled in


def _cases() -> list[tuple[str, str, str]]:
    out = []
    for path in sorted(BAD_STACKS.glob("Pulumi.*.yaml")):
        m = HEADER.match(path.read_text())
        case = path.name[len("Pulumi."):-len(".yaml")]
        out.append((case, m.group("what") if m else "", m.group("expect") if m else ""))
        RULES[case] = m.group("rule") if m else ""
    return out


RULES: dict[str, str] = {}
"""The rule each case must be refused with: the rest of the error line after the key path (`# Rule:`)."""


CASES = _cases()
IDS = [c[0] for c in CASES]


IDENTITY = "prod-identity"
"""The example identity stack, beside every bad stack: a bad team stack names it (README, "Estates")."""


def _project(tmp_path: Path, case: str, *, copy_offline: bool = False) -> Path:
    """A throwaway project: the real program and components, one stack file, the bad one, and the example identity
    stack its team stacks may name."""
    for name in ("Pulumi.yaml", "__main__.py", "components"):
        os.symlink(ROOT / name, tmp_path / name)
    if copy_offline:
        # Copied, not linked: `python -m offline.preview` takes its project dir from its own file's location.
        shutil.copytree(ROOT / "offline", tmp_path / "offline", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "stacks").mkdir()
    shutil.copy(BAD_STACKS / f"Pulumi.{case}.yaml", tmp_path / "stacks")
    shutil.copy(ROOT / "stacks" / f"Pulumi.{IDENTITY}.yaml", tmp_path / "stacks")
    return tmp_path


@pytest.fixture(autouse=True)
def _keep_sys_path(monkeypatch):
    # The preview puts the project dir on sys.path, as the language host does; keep temporary dirs off it.
    monkeypatch.setattr(sys, "path", list(sys.path))


def test_the_table_has_at_least_40_distinct_cases_each_saying_what_is_wrong_and_where():
    assert len(CASES) >= 40
    missing = [case for case, what, expect in CASES if not (what and expect and RULES[case])]
    assert missing == [], f"bad stack files without '# Wrong:', '# Expect:' and '# Rule:' lines: {missing}"
    bodies: dict[str, str] = {}
    for case in IDS:
        body = "\n".join(l for l in (BAD_STACKS / f"Pulumi.{case}.yaml").read_text().splitlines() if not l.startswith("#"))
        assert body not in bodies, f"{case} is the same stack as {bodies.get(body)}"
        bodies[body] = case
    families = {case.split("-")[0] for case in IDS}
    assert {"type", "unknown", "name", "duplicate", "cidr", "zone", "role", "module", "workspaces", "policy", "yaml",
            "region", "description", "nas", "identity"} <= families


@pytest.mark.parametrize("case,what,expect", CASES, ids=IDS)
def test_bad_stack_exits_2_with_one_line_naming_the_key(tmp_path, capsys, case, what, expect):
    project = _project(tmp_path, case)
    code = preview.main(["--stack", case], project_dir=project)
    out, err = capsys.readouterr()
    assert (code, out) == (2, ""), f"{case} ({what}): exit {code}, stdout {out[:200]!r}"
    assert err.endswith("\n") and err.count("\n") == 1, f"{case}: not one line: {err!r}"
    line = err[:-1]
    assert line.startswith(f"error: {expect}: "), f"{case} ({what}): expected the key {expect!r}, got {line!r}"
    assert line == f"error: {expect}: {RULES[case]}", f"{case} ({what}): expected the rule {RULES[case]!r}"
    assert len(line) <= MAX_LINE, f"{case}: {len(line)} characters"
    assert not UNFORMATTED.search(line), f"{case}: unformatted placeholder in {line!r}"
    assert "Traceback" not in err


@pytest.mark.parametrize("case,what,expect", CASES, ids=IDS)
def test_nothing_is_registered_or_read_before_the_error(tmp_path, case, what, expect):
    project = _project(tmp_path, case)
    try:
        project_name, config = preview.load_stack_config(project, case)
    except preview.StackFileError as e:
        # Refused while reading the file: the program never started, so nothing can have been registered.
        assert str(e).startswith(f"{expect}: ")
        return
    try:  # a team stack reads its identity stack (planned offline beforehand, as `make preview` does)
        references = preview.identity_references(project, project_name, case, config)
    except preview.StackFileError as e:
        assert str(e).startswith(f"{expect}: ")
        return
    mocks = _CountingMocks()
    with pytest.raises(pulumi.RunError) as raised:
        run(preview.program_for(project), project=project_name, stack=case, config=config, mocks=mocks,
            references=references)
    assert isinstance(raised.value, ConfigError) and str(raised.value).startswith(f"{expect}: ")
    assert mocks.registered == [] and mocks.invokes == [], f"{case}: touched {mocks.registered} {mocks.invokes}"


class _CountingMocks(RecordingMocks):
    """The preview's mocks, also remembering every resource the monitor was asked to register."""

    def __init__(self) -> None:
        super().__init__()
        self.registered: list[str] = []

    def new_resource(self, args):
        if args.typ != STACK_REFERENCE_TYPE:  # reading the identity stack is how a team stack learns its users
            self.registered.append(f"{args.typ}::{args.name}")
        return super().new_resource(args)


# One case of each family, run as a user runs it: a separate Python process, the module's own entry point.
SUBPROCESS_SAMPLE = ["type-console-login-string", "unknown-key-top-level", "cidr-vswitches-overlap", "region-missing",
                     "yaml-syntax-error", "policy-allow-star-on-star"]


@pytest.mark.parametrize("case", SUBPROCESS_SAMPLE)
def test_bad_stack_exits_2_end_to_end_in_a_subprocess(tmp_path, case):
    expect = dict((c, e) for c, _, e in CASES)[case]
    project = _project(tmp_path, case, copy_offline=True)
    python = ROOT / "venv" / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PULUMI_CONFIG")}
    proc = subprocess.run(
        [str(python if python.exists() else sys.executable), "-m", "offline.preview", "--stack", case],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(f"error: {expect}: "), proc.stderr


def test_the_base_the_bad_files_were_cut_from_is_valid(tmp_path, capsys):
    """Control: with its one mistake undone, a bad file previews fine, so each case fails for its stated reason."""
    doc = yaml.safe_load((BAD_STACKS / "Pulumi.zone-repeated.yaml").read_text())
    doc["config"]["pai-platform:workspaces"][0]["network"]["vswitches"][1]["zoneId"] = "cn-hangzhou-i"
    project = _project(tmp_path, "zone-repeated")
    (project / "stacks" / "Pulumi.fixed.yaml").write_text(yaml.safe_dump(doc))
    assert preview.main(["--stack", "fixed"], project_dir=project) == 0
    out, err = capsys.readouterr()
    assert err == "" and T.ALI_WORKSPACE in out
