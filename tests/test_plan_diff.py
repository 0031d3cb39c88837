"""`make preview BASE=<ref>` (offline/diff.py): the plan at a git ref against the working tree, per resource.

A tiny git repository is built from this project's tracked files (`git archive HEAD`); each test edits the dev stack
file in its working tree (or commits a base) and reads the JSON form of the diff. Expected replacements are written
here as the provider sources state them, not read from offline/replacements.py:
- terraform-provider-alicloud alicloud/resource_alicloud_oss_bucket.go: `bucket` and `storage_class` ForceNew;
- alicloud/resource_alicloud_pai_workspace_workspace.go: `workspace_name` ForceNew, `display_name` updated in place.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from offline import diff
from offline import tokens as T

ROOT = Path(__file__).resolve().parent.parent
BUCKET = T.ALI_BUCKET
FILE_SYSTEM = T.ALI_NAS
WORKSPACE = T.ALI_WORKSPACE
MEMBER = T.ALI_MEMBER
GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run([*GIT, "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """This project's tracked files (as committed) in a fresh repository with one commit."""
    path = tmp_path_factory.mktemp("plan-diff") / "repo"
    path.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "HEAD"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(path)], input=archive, check=True)
    git(path, "init", "-q")
    git(path, "add", ".")
    git(path, "commit", "-q", "-m", "base")
    return path


@pytest.fixture
def dev(repo: Path):
    """The dev stack file of the repository's working tree; restored after the test."""
    path = repo / "stacks" / "Pulumi.dev.yaml"
    original = path.read_text()
    yield path
    path.write_text(original)
    git(repo, "reset", "-q", "--hard", "HEAD")


def run_json(repo: Path, capsys, base: str = "HEAD", stack: str = "dev") -> tuple[int, dict]:
    code = diff.run(base, stack, repo, fmt="json")
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def by_type(result: dict, type_: str) -> list[dict]:
    return [s for s in result["steps"] if s["type"] == type_]


@pytest.mark.parametrize("new_name", ["nlp_team", "NLP_dev"], ids=["rename", "case-only"])
def test_renaming_a_workspace_deletes_its_protected_data_holders(repo, dev, capsys, new_name):
    dev.write_text(dev.read_text().replace("- name: nlp_dev", f"- name: {new_name}"))
    code, result = run_json(repo, capsys)
    assert code == 3
    flagged = result["protectedReplacedOrDeleted"]
    # The workspace, both buckets and the file system are protected in the base plan and their URNs change.
    for type_, count in ((WORKSPACE, 1), (BUCKET, 2), (FILE_SYSTEM, 1)):
        gone = [s for s in by_type(result, type_) if s["op"] == "delete"]
        assert len(gone) == count, type_
        assert all(s["protected"] and s["urn"] in flagged for s in gone)
    assert len(flagged) == 4
    assert {s["op"] for s in result["steps"]} == {"create", "delete"}


def test_changing_the_name_prefix_replaces_every_bucket(repo, dev, capsys):
    dev.write_text(dev.read_text().replace("namePrefix: acme-dev", "namePrefix: acme-sandbox"))
    code, result = run_json(repo, capsys)
    assert code == 3
    buckets = by_type(result, BUCKET)
    assert len(buckets) == 2 + 1  # the two workspace buckets and the access-log bucket <prefix>-access-logs
    for step in buckets:
        # resource_alicloud_oss_bucket.go: "bucket" ForceNew, and the URN (logical name) is unchanged.
        assert step["op"] == "replace" and step["protected"] and "bucket" in step["replaceKeys"]
        assert step["urn"] in result["protectedReplacedOrDeleted"]


def test_a_member_added_and_a_display_name_changed_is_create_and_update(repo, dev, capsys):
    text = dev.read_text().replace("displayName: NLP team (dev)", "displayName: NLP team (sandbox)")
    text += "        - name: carol\n          roles: [PAI.AlgoDeveloper]\n"
    dev.write_text(text)
    code, result = run_json(repo, capsys)
    assert code == 0, result
    assert result["protectedReplacedOrDeleted"] == []
    assert [s["urn"].rsplit("::", 1)[1] for s in by_type(result, MEMBER)] == ["nlp_dev-carol"]
    assert by_type(result, MEMBER)[0]["op"] == "create"
    (ws,) = by_type(result, WORKSPACE)
    assert ws["op"] == "update" and ws["changed"] == ["displayName"] and ws["replaceKeys"] == []
    assert {s["op"] for s in result["steps"]} <= {"create", "update"}


def test_no_change_says_so_in_the_preview_format(repo, dev, capsys):
    assert diff.run("HEAD", "dev", repo) == 0
    out = capsys.readouterr().out
    assert "no changes" in out and "unchanged" in out


def test_text_output_is_shaped_like_pulumi_preview_diff(repo, dev, capsys):
    # resource_alicloud_oss_bucket.go: storage_class ForceNew.
    dev.write_text(dev.read_text().replace("storageClass: Standard", "storageClass: IA"))
    assert diff.run("HEAD", "dev", repo) == 3
    out = capsys.readouterr().out
    assert f"    +- {BUCKET}: (replace) [protected]" in out
    assert '~ storageClass: "Standard" => "IA" (forces replacement)' in out
    assert "Resources:" in out and "to replace" in out
    # The bucket's ACL, public access block, HTTPS-only bucket policy and access logging read its name, which is
    # unknown until the new bucket exists, and `bucket` is ForceNew on all four (terraform-provider-alicloud
    # website/docs/r/oss_bucket_acl, ..._public_access_block, ..._policy, ..._logging .html.markdown).
    assert out.count("(reads an output of a replaced resource)") == 4
    assert "error: " in out and "protected resource(s) would be replaced or deleted" in out


def test_a_bad_ref_is_one_line(repo, capsys):
    assert diff.run("no-such-ref", "dev", repo) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no-such-ref" in err and "not a commit" in err


def test_a_stack_missing_at_the_ref_is_all_creates(repo, dev, capsys):
    extra = dev.with_name("Pulumi.extra.yaml")
    extra.write_text(dev.read_text())
    try:
        code = diff.run("HEAD", "extra", repo)
    finally:
        extra.unlink()
    out = capsys.readouterr().out
    assert code == 0
    assert "does not exist at HEAD" in out and "every resource is a create" in out
    assert "to delete" not in out and "to create" in out


def test_a_base_whose_stack_file_fails_validation_is_one_line(repo, dev, capsys):
    good = dev.read_text()
    dev.write_text(good.replace("envTypes: [prod]", "envTypes: [staging]"))
    git(repo, "commit", "-q", "-am", "bad stack")
    dev.write_text(good)
    code = diff.run("HEAD", "dev", repo)
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0 and "fails validation at that ref" in err


# --- pure matching rules (no subprocess) ---------------------------------------------------------------------------


def _res(urn: str, inputs: dict, protect: bool = False, aliases=None, parent: str = "") -> dict:
    type_, name = urn.split("::")[2].split("$")[-1], urn.split("::")[3]
    return {"urn": urn, "type": type_, "name": name, "parent": parent, "inputs": inputs, "protect": protect,
            "custom": True, "aliases": aliases or [], "ignoreChanges": [], "propertyDependencies": {}}


def _plan(*resources: dict) -> dict:
    return {"stack": "dev", "project": "p", "resources": list(resources), "outputs": {}}


def test_an_alias_to_the_old_urn_makes_a_rename_the_same_resource():
    old = _res(f"urn:pulumi:dev::p::{BUCKET}::old", {"bucket": "b"}, protect=True)
    by_urn = _res(f"urn:pulumi:dev::p::{BUCKET}::new", {"bucket": "b"}, aliases=[{"urn": old["urn"]}])
    by_name = _res(f"urn:pulumi:dev::p::{BUCKET}::new", {"bucket": "b"}, aliases=[{"name": "old"}])
    for new in (by_urn, by_name):
        steps = diff.diff_plans(_plan(old), _plan(new))
        assert [(s.op, s.old_urn) for s in steps] == [("same", old["urn"])]
    unaliased = _res(f"urn:pulumi:dev::p::{BUCKET}::new", {"bucket": "b"})
    steps = diff.diff_plans(_plan(old), _plan(unaliased))
    assert sorted(s.op for s in steps) == ["create", "delete"] and diff.flagged(steps)[0].op == "delete"


def test_ignored_inputs_are_not_a_change():
    old = _res(f"urn:pulumi:dev::p::{BUCKET}::b", {"bucket": "b", "acl": "private"})
    new = _res(f"urn:pulumi:dev::p::{BUCKET}::b", {"bucket": "b", "acl": "public-read"})
    new["ignoreChanges"] = ["acl"]
    assert [s.op for s in diff.diff_plans(_plan(old), _plan(new))] == ["same"]
