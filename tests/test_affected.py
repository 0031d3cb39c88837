"""`python -m offline.affected`: the stacks a change affects, in waves (docs/deploying.md, "Which stacks a change
affects"). Each test builds a small project in tmp_path (Pulumi.yaml with `stackConfigDir: stacks` and stack
files) and states the expected stacks from the rules:

- `stacks/Pulumi.<s>.yaml` changed: s; if s is the identity stack of team stacks: s and each of those teams.
- program code (`__main__.py`, `Pulumi.yaml`, `requirements.txt`, `Makefile`, `components/`, `offline/`,
  `policypack/`, `package/`): every stack.
- files that cannot change a plan (`*.md`, `docs/`, `tests/`, `benchmarks/`, `examples/`, `bootstrap/`,
  `stacks/stack.schema.json`, dotfiles): nothing; anything else: every stack, and the reason says so.
- a deleted stack file: `removed`. Wave 1: identity and standalone stacks; wave 2: team stacks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

from offline import affected as A

GITLAB = ROOT / "examples" / "pipelines" / "gitlab-ci.yml"

PULUMI_YAML = "name: pai-platform\nruntime: python\nstackConfigDir: stacks\n"

IDENTITY = """\
config:
  alicloud:region: cn-shanghai
  pai-platform:namePrefix: acme-id
  pai-platform:users:
    - name: alice
    - name: bob
"""


def team(identity: str = "acme/pai-platform/prod-identity", ws: str = "recsys") -> str:
    return f"""\
config:
  alicloud:region: cn-shanghai
  pai-platform:namePrefix: acme-{ws}
  pai-platform:identityStack: {identity}
  pai-platform:workspaces:
    - name: {ws}
      description: team {ws}
      modules: [itag]
      members: [{{name: alice, roles: [PAI.AlgoDeveloper]}}]
"""


MONOLITH = """\
config:
  alicloud:region: cn-hangzhou
  pai-platform:namePrefix: acme-dev
  pai-platform:workspaces:
    - name: nlp_dev
      description: NLP
      modules: [itag]
      members: [{name: carol, roles: [PAI.AlgoDeveloper]}]
"""

HUAWEI = """\
config:
  huaweicloud:region: cn-north-4
  pai-platform:cloud: huaweicloud
  pai-platform:namePrefix: acme-ma
"""

ESTATE = {
    "prod-identity": IDENTITY,
    "prod-recsys": team(ws="recsys"),
    "prod-labeling": team(ws="labeling"),
    "dev": MONOLITH,
    "modelarts": HUAWEI,
}
EVERY = ["dev", "modelarts", "prod-identity", "prod-labeling", "prod-recsys"]


def make_project(root: Path, stacks: dict[str, str] = ESTATE) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text(PULUMI_YAML)
    (root / "stacks").mkdir(exist_ok=True)
    for name, text in stacks.items():
        (root / "stacks" / f"Pulumi.{name}.yaml").write_text(text)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "repo")


def run(project: Path, *args: str, capsys) -> tuple[int, str, str]:
    code = A.main([*args, "--project-dir", str(project)])
    out, err = capsys.readouterr()
    return code, out, err


def affected(project: Path, *changed: str, capsys) -> dict:
    code, out, err = run(project, "--changed", *changed, capsys=capsys)
    assert code == 0, err
    return json.loads(out)


def names(entries: list[dict]) -> list[str]:
    return [e["stack"] for e in entries]


# --------------------------------------------------------------------------------------------- the rules


def test_a_team_stack_file_affects_that_team_only(project, capsys):
    result = affected(project, "stacks/Pulumi.prod-recsys.yaml", capsys=capsys)
    assert result == {
        "identity": [],
        "teams": [{
            "stack": "prod-recsys",
            "cloud": "alicloud",
            "kind": "team",
            "reason": "stacks/Pulumi.prod-recsys.yaml changed",
            "identity": "prod-identity",
            "identityStack": "acme/pai-platform/prod-identity",
        }],
        "removed": [],
    }


def test_the_identity_stack_file_affects_it_first_then_every_team_naming_it(project, capsys):
    result = affected(project, "stacks/Pulumi.prod-identity.yaml", capsys=capsys)
    assert result["identity"] == [{
        "stack": "prod-identity",
        "cloud": "alicloud",
        "kind": "identity",
        "reason": "stacks/Pulumi.prod-identity.yaml changed",
    }]
    assert names(result["teams"]) == ["prod-labeling", "prod-recsys"]
    for entry in result["teams"]:
        assert entry["kind"] == "team" and entry["identity"] == "prod-identity"
        assert entry["reason"] == "stacks/Pulumi.prod-identity.yaml changed (its identity stack)"
    assert result["removed"] == []


def test_a_team_and_its_identity_together_name_the_teams_own_file_first(project, capsys):
    result = affected(project, "stacks/Pulumi.prod-identity.yaml", "stacks/Pulumi.prod-recsys.yaml", capsys=capsys)
    assert names(result["identity"]) == ["prod-identity"]
    reasons = {e["stack"]: e["reason"] for e in result["teams"]}
    assert reasons == {
        "prod-labeling": "stacks/Pulumi.prod-identity.yaml changed (its identity stack)",
        "prod-recsys": "stacks/Pulumi.prod-recsys.yaml changed, and 1 more changed file",
    }


def test_a_monolithic_stack_is_standalone_in_the_first_wave(project, capsys):
    result = affected(project, "stacks/Pulumi.dev.yaml", capsys=capsys)
    assert result["identity"] == [
        {"stack": "dev", "cloud": "alicloud", "kind": "standalone", "reason": "stacks/Pulumi.dev.yaml changed"}]
    assert result["teams"] == []


@pytest.mark.parametrize("path", [
    "__main__.py", "Pulumi.yaml", "requirements.txt", "Makefile", "components/alicloud/contract.py",
    "components/core/tags.py", "offline/preview.py", "policypack/rules.py", "package/alibaba.py",
])
def test_program_code_affects_every_stack_identity_first(project, path, capsys):
    result = affected(project, path, capsys=capsys)
    assert names(result["identity"]) == ["dev", "modelarts", "prod-identity"]
    assert names(result["teams"]) == ["prod-labeling", "prod-recsys"]
    for entry in result["identity"] + result["teams"]:
        assert entry["reason"] == f"{path} changed (program code: every stack)"
    assert result["removed"] == []


@pytest.mark.parametrize("path", [
    "README.md", "docs/deploying.md", "components/alicloud/NOTES.md", "tests/test_stacks.py",
    "tests/bad_stacks/x.yaml", "benchmarks/run.py", "examples/pipelines/github-actions.yml",
    "examples/library/__main__.py", "stacks/stack.schema.json", "bootstrap/__main__.py",
    "bootstrap/stacks/Pulumi.shared.yaml", ".ci/run", ".github/workflows/pai-platform.yml", ".gitignore",
])
def test_files_that_cannot_change_a_plan_affect_nothing(project, path, capsys):
    assert affected(project, path, capsys=capsys) == {"identity": [], "teams": [], "removed": []}


def test_docs_only_change_affects_nothing(project, capsys):
    result = affected(project, "README.md", "docs/deploying.md", "docs/stack-file.md", capsys=capsys)
    assert result == {"identity": [], "teams": [], "removed": []}


@pytest.mark.parametrize("path", ["LICENSE", "scripts/release.sh", "stacks/notes.txt", "Pulumi.dev.yaml"])
def test_an_unknown_file_affects_every_stack_and_says_why(project, path, capsys):
    result = affected(project, path, capsys=capsys)
    assert names(result["identity"]) + names(result["teams"]) == [
        "dev", "modelarts", "prod-identity", "prod-labeling", "prod-recsys"]
    for entry in result["identity"] + result["teams"]:
        assert entry["reason"] == f"{path} changed (unknown file: every stack, to be safe)"


def test_the_most_specific_reason_names_an_entry(project, capsys):
    result = affected(project, "LICENSE", "components/alicloud/adapter.py", "stacks/Pulumi.dev.yaml", capsys=capsys)
    reasons = {e["stack"]: e["reason"] for e in result["identity"] + result["teams"]}
    assert reasons["dev"] == "stacks/Pulumi.dev.yaml changed, and 2 more changed files"
    assert reasons["prod-recsys"] == ("components/alicloud/adapter.py changed (program code: every stack), "
                                      "and 1 more changed file")


def test_a_deleted_stack_file_is_removed_not_deployed(project, capsys):
    (project / "stacks" / "Pulumi.prod-recsys.yaml").unlink()
    result = affected(project, "stacks/Pulumi.prod-recsys.yaml", capsys=capsys)
    assert result == {
        "identity": [],
        "teams": [],
        "removed": [{"stack": "prod-recsys", "file": "stacks/Pulumi.prod-recsys.yaml",
                     "reason": "stacks/Pulumi.prod-recsys.yaml deleted"}],
    }


def test_a_deleted_identity_stack_file_is_removed_and_its_teams_are_affected(project, capsys):
    (project / "stacks" / "Pulumi.prod-identity.yaml").unlink()
    code, out, err = run(project, "--changed", "stacks/Pulumi.prod-identity.yaml", capsys=capsys)
    assert code == 0
    result = json.loads(out)
    assert names(result["removed"]) == ["prod-identity"]
    assert result["identity"] == []
    assert names(result["teams"]) == ["prod-labeling", "prod-recsys"]
    assert all(e["reason"] == "stacks/Pulumi.prod-identity.yaml deleted (its identity stack)" for e in result["teams"])
    # Each team now names a stack that has no file: said once per team, on stderr.
    assert err.count("warning:") == 2 and "stacks/Pulumi.prod-identity.yaml" in err


def test_a_huawei_stack_carries_its_cloud(project, capsys):
    result = affected(project, "stacks/Pulumi.modelarts.yaml", capsys=capsys)
    assert result["identity"] == [{"stack": "modelarts", "cloud": "huaweicloud", "kind": "standalone",
                                   "reason": "stacks/Pulumi.modelarts.yaml changed"}]


def test_an_identity_stack_of_another_project_is_not_in_this_repository(tmp_path, capsys):
    stacks = dict(ESTATE, **{"prod-search": team("acme/other-platform/prod-identity", ws="search")})
    project = make_project(tmp_path / "repo", stacks)
    result = affected(project, "stacks/Pulumi.prod-identity.yaml", capsys=capsys)
    assert names(result["teams"]) == ["prod-labeling", "prod-recsys"]  # not prod-search
    result = affected(project, "stacks/Pulumi.prod-search.yaml", capsys=capsys)
    assert result["teams"] == [{"stack": "prod-search", "cloud": "alicloud", "kind": "team",
                                "reason": "stacks/Pulumi.prod-search.yaml changed",
                                "identityStack": "acme/other-platform/prod-identity"}]


def test_an_identity_stack_is_named_by_its_users_even_without_teams(tmp_path, capsys):
    project = make_project(tmp_path / "repo", {"prod-identity": IDENTITY})
    assert affected(project, "stacks/Pulumi.prod-identity.yaml", capsys=capsys)["identity"][0]["kind"] == "identity"


def test_all_takes_every_stack(project, capsys):
    code, out, _ = run(project, "--all", capsys=capsys)
    result = json.loads(out)
    assert code == 0
    assert names(result["identity"]) == ["dev", "modelarts", "prod-identity"]
    assert names(result["teams"]) == ["prod-labeling", "prod-recsys"]


# --------------------------------------------------------------------------------------------- --base (git)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(project: Path) -> Path:
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.email", "ci@example.com")
    git(project, "config", "user.name", "ci")
    git(project, "add", ".")
    git(project, "commit", "-qm", "base")
    return project


def test_base_takes_the_changes_since_the_merge_base(repo, capsys):
    git(repo, "checkout", "-qb", "topic")
    with (repo / "stacks" / "Pulumi.prod-recsys.yaml").open("a") as f:
        f.write("# a comment\n")
    (repo / "stacks" / "Pulumi.prod-labeling.yaml").unlink()
    git(repo, "commit", "-qam", "recsys; drop labeling")
    # main moves on after the fork: its own changes are not the branch's.
    git(repo, "checkout", "-q", "main")
    (repo / "__main__.py").write_text("# main moved\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "code on main")
    git(repo, "checkout", "-q", "topic")
    code, out, err = run(repo, "--base", "main", capsys=capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["identity"] == []
    assert names(result["teams"]) == ["prod-recsys"]
    assert result["removed"] == [{"stack": "prod-labeling", "file": "stacks/Pulumi.prod-labeling.yaml",
                                  "reason": "stacks/Pulumi.prod-labeling.yaml deleted"}]


def test_a_renamed_stack_file_is_one_removed_and_one_changed(repo, capsys):
    git(repo, "mv", "stacks/Pulumi.dev.yaml", "stacks/Pulumi.sandbox.yaml")
    git(repo, "commit", "-qm", "rename")
    code, out, err = run(repo, "--base", "HEAD~1", capsys=capsys)
    result = json.loads(out)
    assert names(result["identity"]) == ["sandbox"] and names(result["removed"]) == ["dev"]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "offline.affected", *args], cwd=cwd, capture_output=True,
                          text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))


@pytest.mark.parametrize("ref", ["no-such-branch", "HEAD~5", "--output={tmp}/out", "main..HEAD", ""])
def test_a_bad_base_ref_is_one_line_and_exit_2(repo, tmp_path, ref):
    ref = ref.format(tmp=tmp_path)
    result = cli(f"--base={ref}", "--project-dir", str(repo), cwd=repo)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --base ") and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()  # a ref is never read as a git option


@pytest.mark.parametrize("args, says", [
    ([], "--base REF, --changed FILE... or --all"),
    (["--all", "--format", "yaml"], "invalid choice"),
    (["--all", "--base", "main"], "not allowed with"),
    (["--all", "--format", "gitlab-child"], "--pipeline"),
])
def test_a_bad_command_line_is_one_line_and_exit_2(repo, args, says):
    result = cli(*args, "--project-dir", str(repo), cwd=repo)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and says in result.stderr


def test_a_base_outside_a_git_repository_is_one_line(project):
    result = cli("--base", "main", "--project-dir", str(project), cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: --base main: {project} is not in a git repository"]


def test_a_stack_file_the_reader_refuses_is_one_line_naming_it(project):
    (project / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  a: [1,\n")
    result = cli("--all", "--project-dir", str(project), cwd=project)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: stacks/Pulumi.dev.yaml:")


def test_a_team_naming_a_team_as_its_identity_is_refused(tmp_path):
    stacks = dict(ESTATE, **{"prod-sub": team("acme/pai-platform/prod-recsys", ws="sub")})
    project = make_project(tmp_path / "repo", stacks)
    result = cli("--all", "--project-dir", str(project), cwd=project)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: stacks/Pulumi.prod-sub.yaml: pai-platform:identityStack names 'prod-recsys'")


def test_a_malformed_identity_reference_is_refused(tmp_path):
    project = make_project(tmp_path / "repo", {"t": team("prod-identity")})
    result = cli("--all", "--project-dir", str(project), cwd=project)
    assert result.returncode == 2
    assert "is not <org>/<project>/<stack>" in result.stderr and len(result.stderr.splitlines()) == 1


# --------------------------------------------------------------------------------------------- github format


def github(project: Path, *args: str, capsys) -> dict[str, str]:
    code, out, err = run(project, *args, "--format", "github", capsys=capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert all("=" in line for line in lines)
    return dict(line.split("=", 1) for line in lines)


def test_github_format_is_one_matrix_per_wave_and_per_cloud(project, capsys):
    out = github(project, "--all", capsys=capsys)
    assert set(out) == {"identity", "teams", "any", "alicloud-identity", "alicloud-teams", "alicloud", "removed"}
    m = {k: json.loads(v) for k, v in out.items() if k not in ("any",)}
    assert names(m["identity"]["include"]) == ["dev", "modelarts", "prod-identity"]
    assert names(m["teams"]["include"]) == ["prod-labeling", "prod-recsys"]
    assert names(m["alicloud-identity"]["include"]) == ["dev", "prod-identity"]  # no Huawei stack
    assert names(m["alicloud-teams"]["include"]) == ["prod-labeling", "prod-recsys"]
    assert names(m["alicloud"]["include"]) == ["dev", "prod-identity", "prod-labeling", "prod-recsys"]
    assert out["any"] == "true" and m["removed"] == []
    recsys = m["teams"]["include"][1]
    assert recsys["stack"] == "prod-recsys" and recsys["cloud"] == "alicloud" and recsys["identity"] == "prod-identity"


def test_github_format_when_nothing_is_affected(project, capsys):
    out = github(project, "--changed", "docs/deploying.md", capsys=capsys)
    assert out == {"identity": '{"include":[]}', "teams": '{"include":[]}', "any": "false",
                   "alicloud-identity": '{"include":[]}', "alicloud-teams": '{"include":[]}',
                   "alicloud": '{"include":[]}', "removed": "[]"}


def test_github_format_huawei_only(project, capsys):
    out = github(project, "--changed", "stacks/Pulumi.modelarts.yaml", capsys=capsys)
    assert names(json.loads(out["identity"])["include"]) == ["modelarts"]
    assert out["alicloud-identity"] == out["alicloud"] == '{"include":[]}' and out["any"] == "true"


def test_github_format_lists_removed_stacks(project, capsys):
    (project / "stacks" / "Pulumi.dev.yaml").unlink()
    out = github(project, "--changed", "stacks/Pulumi.dev.yaml", capsys=capsys)
    assert out["removed"] == '["dev"]' and out["any"] == "false"


# --------------------------------------------------------------------------------------------- gitlab-child format


def child(project: Path, pipeline: str, *args: str, capsys, manual: str = "prod prod-*") -> dict:
    code, out, err = run(project, *args, "--format", "gitlab-child", "--pipeline", pipeline,
                         "--templates", str(GITLAB), "--manual", manual, capsys=capsys)
    assert code == 0, err
    doc = yaml.safe_load(out)
    check_child(doc)
    return doc


def check_child(doc: dict) -> None:
    """What GitLab would refuse or stall on: a job in an unknown stage, a `needs` or `extends` of nothing, a job
    with no script once its `extends` are followed."""
    assert doc["stages"] == ["identity", "teams"]
    assert doc["workflow"] == {"rules": [{"if": '$CI_PIPELINE_SOURCE == "parent_pipeline"'}]}

    def resolved(job: dict, key: str):
        while key not in job and "extends" in job:
            job = doc[job["extends"]]
        return job.get(key)

    for name, job in jobs(doc).items():
        assert job["stage"] in doc["stages"], name
        assert resolved(job, "script"), name
        for need in job.get("needs", []):
            assert need in doc and not need.startswith("."), (name, need)
    for name, job in doc.items():
        if isinstance(job, dict) and "extends" in job:
            assert job["extends"] in doc, (name, job["extends"])


def jobs(doc: dict) -> dict[str, dict]:
    reserved = {"stages", "workflow", "variables", "default"}
    return {k: v for k, v in doc.items() if k not in reserved and not k.startswith(".")}


def test_gitlab_child_for_a_merge_request_is_offline_jobs_per_stack_per_wave(project, capsys):
    doc = child(project, "merge-request", "--changed", "stacks/Pulumi.prod-identity.yaml", "stacks/Pulumi.modelarts.yaml",
                capsys=capsys)
    assert {n: (j["stage"], j["extends"], j["variables"]) for n, j in jobs(doc).items()} == {
        "offline-modelarts": ("identity", ".stack-offline", {"STACK": "modelarts"}),  # Huawei: offline, like any
        "offline-prod-identity": ("identity", ".stack-offline", {"STACK": "prod-identity"}),
        "offline-prod-labeling": ("teams", ".stack-offline", {"STACK": "prod-labeling", "IDENTITY_STACK": "prod-identity"}),
        "offline-prod-recsys": ("teams", ".stack-offline", {"STACK": "prod-recsys", "IDENTITY_STACK": "prod-identity"}),
    }
    # Nothing that holds credentials is in a merge request's child.
    text = json.dumps(doc)
    for word in ("id_tokens", "ALIBABA_CLOUD_ROLE_ARN", "PULUMI_CONFIG_PASSPHRASE", ".alibaba-cloud", "pulumi up",
                 "environment"):
        assert word not in text, word
    assert "AFFECTED_BASE" not in doc["variables"]  # --changed: no base to diff against


def test_gitlab_child_for_a_merge_request_diffs_against_the_merge_base(repo, capsys):
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-qb", "topic")
    with (repo / "stacks" / "Pulumi.dev.yaml").open("a") as f:
        f.write("# a comment\n")
    git(repo, "commit", "-qam", "dev")
    doc = child(repo, "merge-request", "--base", "main", capsys=capsys)
    assert doc["variables"]["AFFECTED_BASE"] == base
    assert list(jobs(doc)) == ["offline-dev"]


def test_gitlab_child_on_the_default_branch_previews_then_deploys_alibaba_stacks(project, capsys):
    doc = child(project, "deploy", "--all", capsys=capsys)
    expected = {}
    for stack, stage in (("dev", "identity"), ("prod-identity", "identity"), ("prod-labeling", "teams"),
                         ("prod-recsys", "teams")):
        expected[f"preview-{stack}"] = (stage, ".stack-preview", None)
        expected[f"up-{stack}"] = (stage, ".stack-up", [f"preview-{stack}"])
    assert {n: (j["stage"], j["extends"], j.get("needs")) for n, j in jobs(doc).items()} == expected
    for stack in ("dev", "prod-identity", "prod-labeling", "prod-recsys"):
        up = doc[f"up-{stack}"]
        assert up["environment"] == {"name": stack}
        assert up["resource_group"] == f"stack-{stack}"
        assert up["variables"]["STACK"] == stack
    # A manual `up` for the production stacks (MANUAL_UP_STACKS), which holds the teams wave until it has run.
    assert [n for n, j in jobs(doc).items() if j.get("when") == "manual"] == ["up-prod-identity", "up-prod-labeling",
                                                                          "up-prod-recsys"]
    assert all(doc[n]["allow_failure"] is False for n in ("up-prod-identity", "up-prod-labeling", "up-prod-recsys"))
    # The templates the jobs extend came along, with their credentials.
    assert doc[".alibaba-cloud"]["id_tokens"]["ALIBABA_CLOUD_ID_TOKEN"]["aud"] == "sts.aliyuncs.com"
    assert "pulumi up --stack \"$STACK\"" in "\n".join(doc[".stack-up"]["script"])
    assert "modelarts" not in json.dumps(jobs(doc))  # Huawei: never handed Alibaba credentials


def test_gitlab_child_on_a_schedule_checks_drift_of_every_alibaba_stack_at_once(project, capsys):
    doc = child(project, "drift", "--all", capsys=capsys)
    assert {n: (j["stage"], j["extends"], j["needs"]) for n, j in jobs(doc).items()} == {
        "drift-dev": ("identity", ".stack-drift", []),
        "drift-prod-identity": ("identity", ".stack-drift", []),
        "drift-prod-labeling": ("teams", ".stack-drift", []),
        "drift-prod-recsys": ("teams", ".stack-drift", []),
    }
    assert ".stack-up" not in doc and ".stack-offline" not in doc


@pytest.mark.parametrize("pipeline", ["merge-request", "deploy", "drift"])
def test_gitlab_child_with_nothing_to_do_still_has_a_job(project, pipeline, capsys):
    doc = child(project, pipeline, "--changed", "docs/deploying.md", capsys=capsys)
    assert list(jobs(doc)) == ["nothing-to-do"]
    assert not [k for k in doc if k.startswith(".")]  # no template, no credentials


def test_gitlab_child_deploys_nothing_for_a_huawei_only_change(project, capsys):
    doc = child(project, "deploy", "--changed", "stacks/Pulumi.modelarts.yaml", capsys=capsys)
    assert list(jobs(doc)) == ["nothing-to-do"]


def test_gitlab_child_warns_about_a_removed_stack(project, capsys):
    (project / "stacks" / "Pulumi.dev.yaml").unlink()
    doc = child(project, "deploy", "--changed", "stacks/Pulumi.dev.yaml", capsys=capsys)
    assert set(jobs(doc)) == {"removed-dev", "nothing-to-do"}
    removed = doc["removed-dev"]
    assert removed["allow_failure"] is True and removed["script"][-1] == "exit 1"
    assert "stacks/Pulumi.dev.yaml" in removed["script"][0]


def test_gitlab_child_needs_its_templates(project, tmp_path, capsys):
    (tmp_path / "ci.yml").write_text("test:\n  script: [make test]\n")
    code, out, err = run(project, "--all", "--format", "gitlab-child", "--pipeline", "deploy",
                         "--templates", str(tmp_path / "ci.yml"), capsys=capsys)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [f"error: --templates {tmp_path / 'ci.yml'}: no hidden job .stack-preview "
                                        "(the gitlab-child format uses it)"]
