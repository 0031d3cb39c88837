"""`bootstrap/` previews offline like the main project: `python -m offline.preview --project-dir bootstrap --stack shared`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from offline import preview
from offline import tokens as T

BOOTSTRAP = ROOT / "bootstrap"


def test_tree_renders_the_state_bucket_and_pipeline_roles(capsys):
    code = preview.main(["--project-dir", str(BOOTSTRAP), "--stack", "shared"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert out.startswith("Offline preview of stack 'shared' (pai-platform-bootstrap)")
    for token in (T.ALI_BUCKET, T.ALI_ROLE, T.ALI_OIDC_PROVIDER):
        assert token in out
    assert "state-bucket [protected]" in out
    assert '"pulumiLogin": "pulumi login \'s3://acme-pai-platform-pulumi-state?endpoint=' in out


@pytest.mark.parametrize("fmt", ["json", "policies", "mermaid", "dot"])
def test_every_format_works_for_the_bootstrap_program(capsys, fmt):
    assert preview.main(["--project-dir", str(BOOTSTRAP), "--stack", "shared", "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        doc = json.loads(out)
        assert doc["project"] == "pai-platform-bootstrap"
        assert {r["type"] for r in doc["resources"]} >= {T.ALI_BUCKET, T.ALI_ROLE}
    elif fmt == "policies":
        assert "== pai-platform-deployer-state (custom" in out and "== pai-platform-previewer-state (custom" in out
    else:
        assert "RAM role pai-platform-deployer" in out


def test_relative_project_dir_from_anywhere(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # `bootstrap` is not here: it is taken relative to the repo root
    assert preview.main(["--project-dir", "bootstrap", "--stack", "shared", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["stack"] == "shared"


def test_missing_project_or_stack_exits_2_with_one_line(tmp_path, capsys):
    assert preview.main(["--project-dir", str(tmp_path), "--stack", "shared"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --project-dir") and err.count("\n") == 1
    assert preview.main(["--project-dir", str(BOOTSTRAP), "--stack", "dev"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: stack 'dev': no file stacks/Pulumi.dev.yaml (stacks: shared)") and err.count("\n") == 1


def test_end_to_end_as_make_would_run_it():
    proc = subprocess.run(
        [sys.executable, "-m", "offline.preview", "--project-dir", "bootstrap", "--stack", "shared"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "pai-platform-bootstrap-shared" in proc.stdout and "to create" in proc.stdout


def test_bootstrap_passes_the_projects_own_policy_pack(capsys):
    code = preview.main(["--project-dir", "bootstrap", "--stack", "shared", "--policy-pack"])
    out, err = capsys.readouterr()
    assert code == 0 and "policy violation: " not in err, err
