"""ModelArts components under the project's one mock harness (`offline.runtime.run`): resource types, inputs,
secrets, protection, parents.

Each test builds the components under test in a small program and runs it the way the offline preview runs a
stack: a fresh Pulumi context, event loop and `RecordingMonitor`, which keeps each resource's parent and options,
builds URNs with the whole parent-type chain like the engine, and refuses duplicate URNs. `run` returns once every
registration is done, so the assertions read a complete recording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from pulumi.runtime import rpc

from components.huaweicloud.plan import policy
from components.huaweicloud.resources.agency import AgencyArgs, ModelArtsAgency
from components.huaweicloud.resources.bundle import ModelArtsWorkspace, WorkspaceArgs, validate_workspace
from components.huaweicloud.resources.iam import Identity, IdentityArgs, MemberArgs, RoleArgs
from components.huaweicloud.resources.network import NetworkArgs
from components.huaweicloud.resources.storage import BucketArgs, FileSystemArgs
from offline.runtime import Invoke, RecordingMocks, Registration, run

from test_modelarts_catalogue import seed_table
from huawei_tokens import AGENCY, ASSIGNMENT, BUCKET, GET_ROLE, GROUP, MEMBERSHIP, ROLE, SECGROUP, SUBNET, TURBO, USER, VPC


@dataclass
class Registered:
    """One registration as these tests read it: inputs in the SDK's snake_case names (secrets still wrapped)."""

    typ: str
    name: str
    inputs: dict
    urn: str
    parent: str
    protect: bool
    secret_outputs: list[str]

    @classmethod
    def of(cls, r: Registration) -> "Registered":
        return cls(r.type, r.name, _snake(r.inputs), r.urn, r.parent, r.protect, list(r.additional_secret_outputs))


class Mocks(RecordingMocks):
    """The offline runtime's mocks with the values these tests read: ids `<name>-id`, inputs echoed as outputs, and
    system roles found as `system-<display name>`. Every registration reaches `new_resource`, so `registered` also
    counts those of a program that fails half-way."""

    def __init__(self) -> None:
        super().__init__()
        self.registered: list[str] = []

    def new_resource(self, args):
        self.registered.append(args.name)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args):
        self.invokes.append(Invoke(args.token, dict(args.args)))
        if args.token == GET_ROLE:
            display_name = args.args["displayName"]
            return {"id": f"system-{display_name}", "displayName": display_name,
                    "name": "x", "catalog": "x", "description": "", "policy": "{}", "type": "XA"}
        return {}


@dataclass
class Harness:
    resources: list[Registered] = field(default_factory=list)
    calls: list[tuple[str, dict]] = field(default_factory=list)
    mocks: Mocks = field(default_factory=Mocks)

    def run(self, program) -> None:
        """Run `program` under `offline.runtime.run` and keep what it registered and invoked."""
        plan = run(program, project="project", stack="stack", mocks=self.mocks)
        self.resources = [Registered.of(r) for r in plan.resources]
        self.calls = [(i.token, i.args) for i in plan.invokes]

    def of_type(self, typ: str) -> list[Registered]:
        return [r for r in self.resources if r.typ == typ]

    def named(self, typ: str, name: str) -> Registered:
        [found] = [r for r in self.resources if r.typ == typ and r.name == name]
        return found


def _snake(value):
    """Wire names are camelCase (``sseAlgorithm``); assert with the SDK's snake_case argument names."""
    if isinstance(value, dict) and not rpc.is_rpc_secret(value):
        return {re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower(): _snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


@pytest.fixture
def mocks():
    return Harness()


def workspace_args(**overrides) -> WorkspaceArgs:
    base = dict(
        name="vision",
        project_name="cn-north-4",
        project_id="proj-123",
        domain_id="dom-456",
        roles=[RoleArgs("trainer", ["training-jobs"]), RoleArgs("developer", ["notebooks", "notebook-sfs-turbo"])],
        members=[
            MemberArgs("alice", ["trainer", "developer"], password="S3cret-pass!"),
            MemberArgs("bob", ["developer"], existing_user_id="user-bob-id"),
        ],
        buckets=[BucketArgs("datasets", "vision-datasets-example")],
        file_systems=[FileSystemArgs("shared", "vision-shared", 500, "cn-north-4a")],
        network=NetworkArgs("vision-vpc"),
    )
    base.update(overrides)
    return WorkspaceArgs(**base)


def _actions(records: list[Registered]) -> set[str]:
    return {a for r in records for a in policy.policy_actions(r.inputs["policy"])}


def test_bundle_registers_the_expected_resources(mocks):
    def program():
        ModelArtsWorkspace("ws", workspace_args())

    mocks.run(program)
    count = {t: len(mocks.of_type(t)) for t in (USER, GROUP, MEMBERSHIP, BUCKET, TURBO, VPC, SUBNET, SECGROUP,
                                               AGENCY)}
    assert count == {USER: 1, GROUP: 2, MEMBERSHIP: 2, BUCKET: 1, TURBO: 1, VPC: 1, SUBNET: 1, SECGROUP: 1,
                     AGENCY: 1}
    components = {r.typ for r in mocks.resources if r.typ.startswith("modelarts:")}
    assert components == {"modelarts:bundle:Workspace", "modelarts:iam:Identity", "modelarts:storage:Storage",
                          "modelarts:network:Network", "modelarts:agency:Agency"}
    # Every Huawei resource has a parent inside the bundle, never the stack.
    urns = {r.urn for r in mocks.resources}
    for record in mocks.resources:
        if record.typ != "modelarts:bundle:Workspace":
            assert record.parent in urns, (record.name, record.parent)


def test_trainer_policies_hold_exactly_the_seed_actions_at_the_right_scope(mocks):
    def program():
        Identity("iam", IdentityArgs(prefix="vision", domain_id="dom-456", project_id="proj-123",
                                                roles=[RoleArgs("trainer", ["training-jobs"])], include_mandatory=False))

    mocks.run(program)
    roles = mocks.of_type(ROLE)
    assert _actions(roles) == seed_table(4)  # training jobs: table 4, no mandatory row asked for
    by_type = {r.inputs["name"]: r.inputs["type"] for r in roles}
    assert by_type == {"vision-trainer-global-ax-1": "AX", "vision-trainer-obs-ax-1": "AX",
                       "vision-trainer-obs-xa-1": "XA", "vision-trainer-project-xa-1": "XA"}
    assert all(a.startswith("obs:") for a in _actions([r for r in roles if "-obs-" in r.inputs["name"]]))
    assignments = {r.name: r.inputs for r in mocks.of_type(ASSIGNMENT)}
    assert assignments["iam-trainer-global-ax-1"]["domain_id"] == "dom-456"
    assert "project_id" not in assignments["iam-trainer-global-ax-1"]
    assert assignments["iam-trainer-project-xa-1"]["project_id"] == "proj-123"
    assert assignments["iam-trainer-obs-xa-1"]["project_id"] == "proj-123"
    assert assignments["iam-trainer-obs-ax-1"]["domain_id"] == "dom-456"
    assert all(a["role_id"] == "iam-" + name.split("iam-", 1)[1] + "-id" for name, a in assignments.items())


def test_passwords_are_secret_and_existing_users_are_not_created(mocks):
    def program():
        ModelArtsWorkspace("ws", workspace_args())

    mocks.run(program)
    [alice] = mocks.of_type(USER)
    assert alice.inputs["name"] == "alice"
    assert rpc.is_rpc_secret(alice.inputs["password"])
    assert rpc.unwrap_rpc_secret(alice.inputs["password"]) == "S3cret-pass!"
    assert "password" in alice.secret_outputs
    assert alice.inputs["access_type"] == "console" and alice.inputs["pwd_reset"] is True
    members = {r.name: r.inputs["users"] for r in mocks.of_type(MEMBERSHIP)}
    assert members == {"ws-iam-developer-members": ["ws-iam-alice-id", "user-bob-id"],
                       "ws-iam-trainer-members": ["ws-iam-alice-id"]}


def test_system_policies_are_looked_up_and_assigned_in_the_project(mocks):
    def program():
        ModelArtsWorkspace("ws", workspace_args())

    mocks.run(program)
    assert (GET_ROLE, {"displayName": "SFS Turbo FullAccess"}) in mocks.calls
    assignment = mocks.named(ASSIGNMENT, "ws-iam-developer-system-sfs-turbo-fullaccess")
    assert assignment.inputs["role_id"] == "system-SFS Turbo FullAccess"
    assert assignment.inputs["project_id"] == "proj-123"
    assert not any("system" in r.name for r in mocks.of_type(ASSIGNMENT) if "trainer" in r.name)


def test_buckets_are_private_encrypted_versioned_and_protected(mocks):
    def program():
        ModelArtsWorkspace("ws", workspace_args(
            buckets=[BucketArgs("datasets", "vision-datasets-example"),
                     BucketArgs("scratch", "vision-scratch-example", protect=False, sse_algorithm="AES256")]))

    mocks.run(program)
    datasets = mocks.named(BUCKET, "ws-storage-datasets")
    assert datasets.inputs["bucket"] == "vision-datasets-example"
    assert datasets.inputs["acl"] == "private"
    assert datasets.inputs["encryption"] is True and datasets.inputs["sse_algorithm"] == "kms"
    assert datasets.inputs["versioning"] is True
    assert datasets.inputs["force_destroy"] is False
    assert datasets.protect is True
    scratch = mocks.named(BUCKET, "ws-storage-scratch")
    assert scratch.protect is False and scratch.inputs["sse_algorithm"] == "AES256"
    turbo = mocks.named(TURBO, "ws-storage-shared")
    assert turbo.protect is True
    assert turbo.inputs["vpc_id"] == "ws-network-vpc-id"
    assert turbo.inputs["subnet_id"] == "ws-network-subnet-id"
    assert turbo.inputs["security_group_id"] == "ws-network-sg-id"
    subnet = mocks.named(SUBNET, "ws-network-subnet")
    assert subnet.inputs["gateway_ip"] == "192.168.0.1"
    assert subnet.parent == mocks.named(VPC, "ws-network-vpc").urn


def test_no_file_system_and_no_network_unless_requested(mocks):
    def program():
        ModelArtsWorkspace("ws", workspace_args(file_systems=[], network=None))

    mocks.run(program)
    assert not mocks.of_type(TURBO) and not mocks.of_type(VPC) and not mocks.of_type(SUBNET)


def test_agency_gets_only_the_minimal_actions_of_the_selected_functions(mocks):
    def program():
        ModelArtsAgency("agency", AgencyArgs(name="vision-agency", functions=["training-jobs"],
                                                      project_name="cn-north-4"))

    mocks.run(program)
    [registered] = mocks.of_type(AGENCY)
    assert registered.inputs["delegated_service_name"] == "op_svc_modelarts"
    roles = mocks.of_type(ROLE)
    assert _actions(roles) == seed_table(11)  # training jobs' agency: table 11
    assert registered.inputs["domain_roles"] == ["vision-agency-obs-ax-1"]
    assert registered.inputs["project_roles"] == [{"project": "cn-north-4", "roles": ["vision-agency-obs-xa-1"]}]


def test_bundle_agency_covers_the_union_of_roles_and_no_full_set(mocks):
    def program():
        ModelArtsWorkspace("ws", workspace_args())

    mocks.run(program)
    [registered] = mocks.of_type(AGENCY)
    roles = [r for r in mocks.of_type(ROLE) if r.name.startswith("ws-agency-")]
    assert _actions(roles) == seed_table(10) | seed_table(11)  # notebooks (table 10) and training jobs (table 11)
    assert all(not name.startswith("ModelArts") and "Access" not in name
               for entry in registered.inputs["project_roles"] for name in entry["roles"])


def test_full_set_only_with_the_flag(mocks):
    def program():
        ModelArtsAgency("agency", AgencyArgs(name="vision-agency", functions=["training-jobs"],
                                                      project_name="cn-north-4", use_full_set=True,
                                                      full_set_roles=["OBS OperateAccess"]))

    mocks.run(program)
    [registered] = mocks.of_type(AGENCY)
    assert "OBS OperateAccess" in registered.inputs["project_roles"][0]["roles"]


def test_full_set_roles_without_flag_are_refused():
    with pytest.raises(ValueError, match=r"^workspace.agency.full_set_roles: are granted only with useFullSet: true \(broad "):
        validate_workspace(workspace_args(agency=AgencyArgs(name="a", functions=["training-jobs"],
                                                            project_name="cn-north-4",
                                                            full_set_roles=["OBS OperateAccess"])))


@pytest.mark.parametrize("overrides, message", [
    (dict(members=[MemberArgs("carol", ["admin"])]),
     r"workspace.members\[0\].roles\[0\]: 'admin' is not a role of this workspace \(expected one of: trainer, developer\)"),
    (dict(roles=[RoleArgs("trainer", ["training"]), RoleArgs("developer", ["notebooks"])]),
     r"workspace.roles\[0\].functions\[0\]: 'training' is not a ModelArts function"),
    (dict(network=None), r"workspace.network: is required: SFS Turbo file systems live in the workspace's subnet"),
    (dict(buckets=[BucketArgs("data", "Bad_Bucket")]),
     r"^workspace.buckets\[0\].name: 'Bad_Bucket' is not an OBS bucket name \(3-63 lowercase letters, digits, "),
    (dict(network=NetworkArgs("v", subnet_cidr="10.0.0.0/24")),
     r"^workspace.network.subnet_cidr: '10.0.0.0/24' is not inside the VPC CIDR 192.168.0.0/16$"),
    (dict(file_systems=[FileSystemArgs("fs", "vision-fs", 100, "cn-north-4a")]),
     r"^workspace.file_systems\[0\].size: 100 is outside 500-32768 GB for STANDARD SFS Turbo$"),
    (dict(members=[MemberArgs("bob", ["trainer"], existing_user_id="id", password="x")]),
     r"^workspace.members\[0\]: password and email only apply to users created here, not to existing_user_id$"),
])
def test_validation_names_the_config_path(overrides, message):
    with pytest.raises(ValueError, match=message):
        validate_workspace(workspace_args(**overrides))


def test_invalid_args_register_nothing(mocks):
    with pytest.raises(ValueError, match=r"^workspace.members\[0\].roles\[0\]: 'admin' is not a role of this workspace"):
        mocks.run(lambda: ModelArtsWorkspace("ws", workspace_args(members=[MemberArgs("carol", ["admin"])])))
    assert mocks.resources == [] and mocks.mocks.registered == []


def test_a_bundle_has_the_same_urns_from_the_stack_file_and_from_a_test_program():
    """The example ModelArts stack run as `pulumi preview` runs it (stack file, `__main__.py`, adapter), and the same
    bundles built directly in a test program from the adapter's typed arguments: one harness, so one URN per
    resource, with the whole chain of parent types as the engine builds it."""
    from components.core import config
    from components.huaweicloud.adapter import workspace_args as args_from_config
    from conftest import ROOT
    from offline.preview import load_stack_config, plan_stack

    stacked = plan_stack("modelarts", ROOT)
    project, values = load_stack_config(ROOT, "modelarts")
    raw, foreign = config.raw_from_values(project, values)
    cfg = config.load(raw, foreign_keys=foreign, project=project)
    direct = Harness()

    def program():
        for ws in cfg.workspaces:
            ModelArtsWorkspace(ws.name, args_from_config(cfg, ws))

    plan = run(program, project=project, stack="modelarts", mocks=direct.mocks)
    assert plan.resources and [r.urn for r in plan.resources] == [r.urn for r in stacked.resources]
    assert [r.parent for r in plan.resources] == [r.parent for r in stacked.resources]
    users = [r.urn for r in plan.by_type(USER)]
    assert users and all(f"::modelarts:bundle:Workspace$modelarts:iam:Identity${USER}::" in u for u in users)
