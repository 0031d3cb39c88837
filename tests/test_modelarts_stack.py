"""A ModelArts stack (`cloud: huaweicloud`) through the real program: `make preview STACK=modelarts`, the seed's
exact actions when only training jobs are selected, and one-line errors for bad ModelArts configs."""

from __future__ import annotations

import copy
import json

import pytest

from conftest import ROOT, stack_config
from offline import preview
from offline.runtime import Plan

from components.huaweicloud.plan import policy
from test_modelarts_catalogue import seed_function_actions, seed_table

from huawei_tokens import AGENCY, ASSIGNMENT, BUCKET, GROUP, MEMBERSHIP, ROLE, SUBNET, TURBO, USER, VPC
from offline import tokens as T

PASSWORD = T.RANDOM_PASSWORD

PROJECT_ID = "0123456789abcdef0123456789abcdef"
DOMAIN_ID = "fedcba9876543210fedcba9876543210"


def modelarts_config(*workspaces: dict, **settings) -> dict:
    cfg = {
        "huaweicloud:region": "cn-north-4",
        "pai-platform:cloud": "huaweicloud",
        "pai-platform:projectId": PROJECT_ID,
        "pai-platform:domainId": DOMAIN_ID,
        "pai-platform:namePrefix": "acme",
        "pai-platform:workspaces": list(workspaces) or [ws()],
    }
    cfg.update({(k if ":" in k else f"pai-platform:{k}"): v for k, v in settings.items()})
    return cfg


def ws(**over) -> dict:
    w = {
        "name": "team",
        "description": "A ModelArts team",
        "functions": ["training-jobs"],
        "roles": [{"key": "trainer"}],
        "members": [{"name": "alice", "roles": ["trainer"], "consoleLogin": True}],
    }
    w.update(over)
    return w


@pytest.fixture(scope="module")
def example() -> Plan:
    return preview.plan_stack("modelarts")


# --- the example stack renders the bundle ---------------------------------------------------------------------------


def test_example_registers_the_bundle_and_nothing_of_alibaba_cloud(example):
    types = {r.type for r in example.resources}
    assert {USER, GROUP, ROLE, ASSIGNMENT, MEMBERSHIP, AGENCY, BUCKET, VPC, SUBNET, PASSWORD} <= types
    assert not any(t.startswith("alicloud:") for t in types)
    assert not any(i.token.startswith("alicloud:") for i in example.invokes)
    assert example.one("modelarts:bundle:Workspace", "vision").parent.endswith("::pulumi:pulumi:Stack::pai-platform-modelarts")


def test_example_groups_users_and_memberships(example):
    groups = {r.plain_inputs()["name"]: r for r in example.by_type(GROUP)}
    assert set(groups) == {"acme-ma-vision-developer", "acme-ma-vision-trainer"}
    users = {r.plain_inputs()["name"]: r for r in example.by_type(USER)}
    assert set(users) == {"vision-lead", "erin"}
    for u in users.values():
        assert u.secret_paths == {"password"} and u.plain_inputs()["accessType"] == "console"
        assert u.plain_inputs()["pwdReset"] is True
    memberships = {r.plain_inputs()["group"]: r.plain_inputs()["users"] for r in example.by_type(MEMBERSHIP)}
    assert memberships == {groups["acme-ma-vision-trainer"].id: [users["erin"].id],
                           groups["acme-ma-vision-developer"].id: [users["vision-lead"].id]}


def test_example_policies_are_assigned_at_the_configured_project_and_domain(example):
    roles = {r.id: r.plain_inputs() for r in example.by_type(ROLE)}
    for a in example.by_type(ASSIGNMENT):
        inp = a.plain_inputs()
        role = roles[inp["roleId"]]
        if role["type"] == policy.ROLE_TYPE_GLOBAL:
            assert inp.get("domainId") == DOMAIN_ID and not inp.get("projectId")
        else:
            assert inp.get("projectId") == PROJECT_ID and not inp.get("domainId")
        assert json.loads(role["policy"])["Version"] == "1.1"


def test_example_developer_holds_exactly_its_functions_actions(example):
    actions = _group_actions(example, "acme-ma-vision-developer")
    # Seed rows: table 3 "Lifecycle management..." and "Dynamically mounting storage", table 4, table 1 (mandatory).
    assert actions == seed_function_actions("notebooks", "notebook-storage-mount", "training-jobs", "basic")


def test_example_buckets_network_and_agency(example):
    buckets = {r.plain_inputs()["bucket"]: r for r in example.by_type(BUCKET)}
    assert set(buckets) == {"acme-ma-vision-datasets", "acme-ma-vision-outputs"}
    for b in buckets.values():
        inp = b.plain_inputs()
        assert (inp["acl"], inp["encryption"], inp["sseAlgorithm"], inp["versioning"], inp["forceDestroy"]) == (
            "private", True, "kms", True, False)
        assert b.protect
        assert inp["tags"] == {"cost-center": "ml-platform", "env": "dev", "managed-by": "pai-platform",
                               "modelarts-workspace": "vision"}
    assert buckets["acme-ma-vision-outputs"].plain_inputs()["storageClass"] == "WARM"
    [vpc] = example.by_type(VPC)
    [subnet] = example.by_type(SUBNET)
    assert vpc.plain_inputs()["cidr"] == "192.168.0.0/16"
    assert (subnet.plain_inputs()["cidr"], subnet.plain_inputs()["availabilityZone"]) == ("192.168.10.0/24", "cn-north-4a")
    assert (subnet.plain_inputs()["vpcId"], subnet.plain_inputs()["gatewayIp"]) == (vpc.id, "192.168.10.1")
    [agency] = example.by_type(AGENCY)
    inp = agency.plain_inputs()
    assert inp["name"] == "acme-ma-vision-agency" and inp["delegatedServiceName"] == "op_svc_modelarts"
    assert inp["projectRoles"][0]["project"] == "cn-north-4"
    granted = set(inp["domainRoles"]) | set(inp["projectRoles"][0]["roles"])
    docs = {r.plain_inputs()["name"]: r.plain_inputs()["policy"] for r in example.by_type(ROLE)}
    # Tables 10 (notebooks) and 11 (training jobs); dynamically mounting storage has no agency table.
    assert {a for n in granted for a in policy.policy_actions(docs[n])} == seed_table(10) | seed_table(11)


def test_example_outputs_keep_passwords_secret(example):
    out = example.redacted_outputs()
    assert out["cloud"] == "huaweicloud" and out["initialPasswords"] == "[secret]"
    vision = out["workspaces"]["vision"]
    assert vision["groups"] == {"developer": "acme-ma-vision-developer", "trainer": "acme-ma-vision-trainer"}
    assert vision["buckets"]["datasets"] == {
        "name": "acme-ma-vision-datasets", "endpoint": "acme-ma-vision-datasets.obs.cn-north-4.myhuaweicloud.com"}
    assert vision["agency"] == "acme-ma-vision-agency"
    assert set(out["consoleLogins"]) == {"vision-lead", "erin"}


def test_generated_passwords_belong_to_the_identity_component_and_reach_users_as_secrets(example):
    identity = [r for r in example.resources if r.type == "modelarts:iam:Identity"][0]
    passwords = example.by_type(T.RANDOM_PASSWORD)
    assert sorted(p.name for p in passwords) == ["vision-iam-erin-password", "vision-iam-vision-lead-password"]
    assert all(p.parent == identity.urn for p in passwords)
    users = example.by_type(T.HW_USER)
    assert users and all("password" in u.secret_paths for u in users)
    plain = example.plain_outputs()["initialPasswords"]
    assert plain["erin"] == [u for u in users if u.plain_inputs()["name"] == "erin"][0].plain_inputs()["password"]


@pytest.mark.parametrize("fmt", ["tree", "json", "policies", "mermaid", "dot"])
def test_make_preview_stack_modelarts_every_format(capsys, fmt):
    assert preview.main(["--stack", "modelarts", "--format", fmt]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "Mock-Passw0rd" not in out
    if fmt == "tree":
        assert "modelarts:bundle:Workspace" in out and T.HW_AGENCY in out
    if fmt == "policies":
        assert "== acme-ma-vision-trainer-obs-xa-1 (custom, type XA," in out
        assert "granted to: group acme-ma-vision-trainer (project)" in out
        assert "granted to: agency acme-ma-vision-agency (domain)" in out
        assert "RAM policies" not in out


# --- selecting only training jobs: exactly the seed's actions, through the stack ---------------------------------


def _group_actions(plan: Plan, group_name: str) -> set[str]:
    group = next(g for g in plan.by_type(GROUP) if g.plain_inputs()["name"] == group_name)
    roles = {r.id: r.plain_inputs()["policy"] for r in plan.by_type(ROLE)}
    assigned = [a.plain_inputs()["roleId"] for a in plan.by_type(ASSIGNMENT) if a.plain_inputs()["groupId"] == group.id]
    return {a for rid in assigned for a in policy.policy_actions(roles[rid])}


def test_only_training_jobs_yields_exactly_the_seeds_actions(plan_for):
    plan = plan_for(modelarts_config(ws()))
    # User policy: table 4, plus table 1's mandatory iam:tokens:assume (the seed: every user needs it).
    assert _group_actions(plan, "acme-team-trainer") == seed_table(4) | {"iam:tokens:assume"}
    # Agency policy: table 11, nothing else.
    [agency] = plan.by_type(AGENCY)
    inp = agency.plain_inputs()
    names = set(inp.get("domainRoles") or []) | {n for pr in inp.get("projectRoles") or [] for n in pr["roles"]}
    docs = {r.plain_inputs()["name"]: r.plain_inputs()["policy"] for r in plan.by_type(ROLE)}
    assert {a for n in names for a in policy.policy_actions(docs[n])} == seed_table(11)
    # and no other custom policy exists in the stack
    assert set(docs) == names | {n for n in docs if n.startswith("acme-team-trainer-")}
    # No system policy is needed for training jobs (table 4 names none).
    assert not [i for i in plan.invokes if i.token == T.HW_GET_ROLE]


def test_roles_subset_and_existing_member_and_sfs_turbo(plan_for):
    cfg = modelarts_config(ws(
        functions=["training-jobs", "notebooks", "notebook-sfs-turbo"],
        roles=[{"key": "trainer", "functions": ["training-jobs"]}, {"key": "dev"}],
        members=[{"name": "alice", "roles": ["dev"]},
                 {"name": "bob", "roles": ["trainer"], "existing": True, "userId": "a" * 32}],
        fileSystems=[{"key": "shared", "capacity": 500, "zoneId": "cn-north-4a"}],
        network={"cidr": "10.1.0.0/16", "subnet": {"cidr": "10.1.1.0/24"}},
        agency={"create": False},
    ))
    plan = plan_for(cfg)
    assert _group_actions(plan, "acme-team-trainer") == seed_table(4) | {"iam:tokens:assume"}
    assert [u.plain_inputs()["name"] for u in plan.by_type(USER)] == ["alice"]  # bob exists
    trainer_group = next(g for g in plan.by_type(GROUP) if g.plain_inputs()["name"] == "acme-team-trainer")
    [m] = [m for m in plan.by_type(MEMBERSHIP) if m.plain_inputs()["group"] == trainer_group.id]
    assert m.plain_inputs()["users"] == ["a" * 32]
    [turbo] = plan.by_type(TURBO)
    [subnet] = plan.by_type(SUBNET)
    assert turbo.plain_inputs()["subnetId"] == subnet.id and turbo.plain_inputs()["name"] == "acme-team-shared"
    assert turbo.protect and turbo.plain_inputs()["size"] == 500
    assert not plan.by_type(AGENCY)
    # notebook-sfs-turbo names a system policy (SFS Turbo FullAccess): looked up, assigned in the project
    assert [i.args["displayName"] for i in plan.invokes if i.token.endswith("getRole:getRole")] == ["SFS Turbo FullAccess"]
    assert not plan.by_type(PASSWORD)  # nobody asked for a console login


# --- guardrails: bad ModelArts configs fail before anything is registered, in one line ---------------------------


BAD = [
    (modelarts_config(ws(modules=["dsw"])), "workspaces[0].modules: unknown key (expected one of: name, description, "),
    (modelarts_config(ws(functions=["training"])),
     "workspaces[0].functions[0]: 'training' is not a ModelArts function (expected one of: account-balance, "),
    (modelarts_config(ws(roles=[{"key": "trainer", "functions": ["notebooks"]}])),
     "workspaces[0].roles[0].functions[0]: 'notebooks' is not one of the workspace's functions (training-jobs)\n"),
    (modelarts_config(ws(members=[{"name": "alice", "roles": ["admin"]}])),
     "workspaces[0].members[0].roles[0]: 'admin' is not a role of this workspace (expected one of: trainer)\n"),
    (modelarts_config(ws(members=[{"name": "alice", "roles": ["trainer"], "existing": True}])),
     "workspaces[0].members[0]: an existing user needs userId (IAM console > Users > the user's ID)\n"),
    (modelarts_config(ws(members=[{"name": "alice", "roles": ["trainer"], "displayName": "A"}])),
     "workspaces[0].members[0].displayName: unknown key (expected one of: name, roles, existing, userId, "),
    (modelarts_config(ws(fileSystems=[{"key": "shared", "capacity": 500, "zoneId": "cn-north-4a"}])),
     "workspaces[0].network: is required: SFS Turbo file systems live in the workspace's subnet\n"),
    (modelarts_config(ws(fileSystems=[{"key": "shared", "capacity": 100, "zoneId": "cn-north-4a"}],
                         network={"cidr": "10.1.0.0/16", "subnet": {"cidr": "10.1.1.0/24"}})),
     "workspaces[0].fileSystems[0].capacity: 100 is outside 500-32768 GB for STANDARD SFS Turbo\n"),
    (modelarts_config(ws(network={"cidr": "10.0.0.0/16", "subnet": {"cidr": "10.1.0.0/24"}})),
     "workspaces[0].network.subnet.cidr: '10.1.0.0/24' is not inside the VPC CIDR 10.0.0.0/16\n"),
    (modelarts_config(ws(network={"cidr": "8.8.0.0/16", "subnet": {"cidr": "8.8.1.0/24"}})),
     "workspaces[0].network.cidr: '8.8.0.0/16' VPC CIDR must lie in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 "
     "with a mask of /24 or shorter\n"),
    (modelarts_config(ws(buckets=[{"key": "data", "name": "Bad_Name"}])),
     "workspaces[0].buckets[0].name: 'Bad_Name' (bucket name) is not an OBS bucket name (3-63 lowercase letters, "
     "digits, '-', '.'; letter or digit at both ends; no '..', '.-', '-.'; not an IP)\n"),
    (modelarts_config(ws(buckets=[{"key": "data", "name": "my-.bucket"}])),
     "workspaces[0].buckets[0].name: 'my-.bucket' (bucket name) is not an OBS bucket name"),
    (modelarts_config(ws(agency={"useFullSet": True})),
     "workspaces[0].agency.useFullSet: needs fullSetRoles: the system policy names to grant\n"),
    (modelarts_config(ws(), projectId="nope"), "projectId: 'nope' is not a Huawei Cloud id (32 lowercase hex characters)\n"),
    (modelarts_config(ws(), **{"huaweicloud:region": "cn-hangzhou"}),
     "huaweicloud:region: 'cn-hangzhou' is not a Huawei Cloud region id such as cn-north-4\n"),
    (modelarts_config(ws(), cloud="aws"), "cloud: 'aws' is not one of: alicloud, huaweicloud\n"),
    (modelarts_config(ws(), **{"alicloud:region": "cn-hangzhou"}), "alicloud:region: unknown key (expected one of: "),
    (modelarts_config(ws(name="x" * 24), namePrefix="acme-platform-ml"),
     "workspaces[0].name: 'acme-platform-ml-xxxxxxxxxxxxxxxxxxxxxxxx' (namePrefix-name) is not a qualified name "
     "(1-32 lowercase letters, digits or '-', starting with a letter)\n"),
    (modelarts_config(ws(), ws(description="again")),
     "workspaces[1].name: 'team' workspace name is used twice (first at workspaces[0].name)\n"),
    (modelarts_config(ws(), ws(name="other")),
     "workspaces[1].members[0].name: 'alice' IAM user names are account-wide and it is created at "
     "workspaces[0].members[0]: list it here with existing: true and its userId\n"),
    (modelarts_config(ws(), tags={"a=b": "c"}), "tags: tag key 'a=b' must be 1-128 characters without , * | / < > = \\\n"),
]


@pytest.mark.parametrize("cfg,expected", BAD, ids=[b[1].split(":")[0] + f"-{i}" for i, b in enumerate(BAD)])
def test_bad_modelarts_stack_exits_2_with_one_line_naming_the_key(project_with, capsys, cfg, expected):
    project = project_with(cfg)
    code = preview.main(["--stack", "bad"], project_dir=project)
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"error: {expected}"), err


def test_bad_config_registers_nothing(plan_for):
    from components.core.errors import ConfigError

    with pytest.raises(ConfigError, match=r"^workspaces\[0\]\.functions\[0\]: 'nope' is not a ModelArts function \(expected"):
        plan_for(modelarts_config(ws(functions=["nope"])))


def test_pai_stacks_are_unchanged_by_the_cloud_key(plan_for):
    cfg = copy.deepcopy(stack_config("dev"))
    explicit = plan_for({**cfg, "pai-platform:cloud": "alicloud"})
    default = preview.plan_stack("dev")
    assert sorted((r.type, r.name) for r in explicit.resources) == sorted((r.type, r.name) for r in default.resources)
