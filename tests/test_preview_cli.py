"""`make preview`: the offline preview's formats, and its refusal of bad stack files (exit 2, one line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, base_config, minimal_workspace
from offline import preview
from offline import tokens as T


def run_main(argv, project_dir=ROOT, capsys=None):
    code = preview.main(argv, project_dir=project_dir)
    out, err = capsys.readouterr()
    return code, out, err


def test_tree_is_offline_nested_and_counts(capsys):
    code, out, err = run_main(["--stack", "dev"], capsys=capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("Offline preview of stack 'dev'") and "no cloud calls, ids are placeholders" in lines[0]
    assert any(f"├─ {T.ALI_BUCKET}" in l or f"└─ {T.ALI_BUCKET}" in l for l in lines)
    count = int(lines[-1].split("+ ")[1].split()[0])
    plan = preview.plan_stack("dev")
    assert count == len(plan.resources) + 1  # + the stack itself, as `pulumi preview` counts


def test_json_has_stack_resources_and_outputs_with_secrets_redacted(capsys):
    code, out, _ = run_main(["--stack", "dev", "--format", "json"], capsys=capsys)
    doc = json.loads(out)
    assert code == 0 and doc["stack"] == "dev"
    assert {"urn", "type", "name", "parent", "inputs"} <= set(doc["resources"][0])
    logins = [r for r in doc["resources"] if r["type"] == T.ALI_LOGIN_PROFILE]
    assert logins and all(r["inputs"]["password"] == "[secret]" for r in logins)
    assert doc["outputs"]["initialPasswords"] == "[secret]"
    assert "Mock-Passw0rd" not in out


def test_policies_lists_every_document_with_name_and_size(capsys):
    code, out, _ = run_main(["--stack", "prod", "--format", "policies"], capsys=capsys)
    assert code == 0
    plan = preview.plan_stack("prod")
    for p in plan.by_type(T.ALI_POLICY):
        inp = p.plain_inputs()
        assert f"== {inp['policyName']} (custom, {len(inp['policyDocument'])} of 6144 characters)" in out
    assert "AliyunPAIFullAccess: group acme-prod-pai-resource-admins" in out


BAD = [
    (minimal_workspace(membrs=[]), "workspaces[0].membrs: unknown key"),
    (minimal_workspace(name="x"), "workspaces[0].name: 'x' is not a PAI workspace name"),
    (minimal_workspace(modules=["dsw2"]), "workspaces[0].modules[0]: 'dsw2' is not a PAI module"),
    (minimal_workspace(members=[{"name": "a", "roles": ["admin"]}]), "workspaces[0].members[0].roles[0]: 'admin'"),
    (
        minimal_workspace(modules=["dsw"], network={"cidr": "10.0.0.0/16", "vswitches": [
            {"zoneId": "cn-hangzhou-h", "cidr": "10.0.1.0/24"}, {"zoneId": "cn-hangzhou-i", "cidr": "10.0.1.128/25"}]}),
        "workspaces[0].network.vswitches[1].cidr: '10.0.1.128/25' overlaps",
    ),
]


@pytest.mark.parametrize("ws,expected", BAD, ids=[b[1].split(":")[0] for b in BAD])
def test_bad_stack_file_exits_2_with_one_line_naming_the_key(project_with, capsys, ws, expected):
    project = project_with(base_config(ws))
    code, out, err = run_main(["--stack", "bad"], project_dir=project, capsys=capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"error: {expected}")


def test_unknown_stack_exits_2_end_to_end():
    proc = subprocess.run([sys.executable, "-m", "offline.preview", "--stack", "bad"], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2  # the repo has no stack "bad": a one-line error, no traceback
    assert proc.stderr.startswith("error: stack 'bad': no file stacks/Pulumi.bad.yaml") and proc.stderr.count("\n") == 1


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_policy_pack_passes_both_example_stacks(capsys, stack):
    code, out, err = run_main(["--stack", stack, "--policy-pack"], capsys=capsys)
    assert code == 0, err
    assert out.rstrip().endswith("Policy pack: 0 violation(s)")


HAND_WRITTEN = '''
import json
import pulumi_alicloud as alicloud

bucket = alicloud.oss.Bucket("public", bucket="someone-public-bucket")
alicloud.oss.BucketAcl("public-acl", bucket=bucket.bucket, acl="public-read")
alicloud.ecs.SecurityGroupRule("ssh", type="ingress", ip_protocol="tcp", port_range="22/22",
                               security_group_id="sg-123", cidr_ip="0.0.0.0/0")
alicloud.ram.Policy("admin", policy_name="admin-all", policy_document=json.dumps(
    {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
alicloud.ram.UserPolicyAttachment("full", user_name="bob", policy_name="AliyunPAIFullAccess", policy_type="System")
'''


def test_policy_pack_rejects_a_hand_written_stack_through_the_preview(tmp_path, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: handwritten\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(HAND_WRITTEN)
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  alicloud:region: cn-hangzhou\n")
    code, out, err = run_main(["--stack", "dev", "--policy-pack"], project_dir=tmp_path, capsys=capsys)
    assert code == 1
    broken = {line.split(": ")[1] for line in err.splitlines() if line.startswith("policy violation: ")}
    assert broken == {
        "oss-bucket-private",
        "oss-bucket-encrypted",
        "oss-bucket-public-access-blocked",
        "oss-bucket-versioned",  # policypack/hygiene.py: the bare bucket is not versioned either
        "ecs-no-public-ingress",
        "ram-no-admin-wildcard",
        "ram-pai-full-access-admins-only",
        "oss-bucket-access-logging",
        "oss-bucket-https-only",
    }
