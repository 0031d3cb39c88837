"""One rule, one function (components/huaweicloud/rules.py): the stack-file contract and the components' validate_*
refuse the same value with the same words; and the contract reports every mistake at once, one line each, sorted,
without a mistake's consequences as extra lines."""

from __future__ import annotations

import subprocess
import sys

import pytest

from components.core.errors import ConfigError
from components.huaweicloud import contract
from components.huaweicloud.resources.agency import AgencyArgs, validate_agency
from components.huaweicloud.resources.bundle import validate_workspace
from components.huaweicloud.resources.iam import IdentityArgs, MemberArgs, RoleArgs, validate_identity
from components.huaweicloud.resources.network import NetworkArgs, validate_network
from components.huaweicloud.resources.storage import BucketArgs, FileSystemArgs, StorageArgs, validate_storage

from conftest import ROOT
from test_modelarts_components import workspace_args
from test_modelarts_stack import modelarts_config, ws

KEY_RULE = "is not a key (1-24 lowercase letters, digits or '-', starting with a letter, not ending with '-')"
KEY_24 = "k" * 24
KEY_25 = "k" * 25


def contract_lines(cfg: dict) -> list[str]:
    """The contract's lines for a stack config (as `pai-platform:` keys, the namespace taken off)."""
    raw = {k.split(":", 1)[1] if k.startswith("pai-platform:") else k: v for k, v in cfg.items()}
    with pytest.raises(ConfigError) as e:
        contract.load(raw)
    return [str(x) for x in e.value.errors]


def component_lines(validate, args, path: str) -> list[str]:
    with pytest.raises(ValueError) as e:
        validate(args, path)
    return str(e.value).splitlines()


def _contract_ok(cfg: dict) -> None:
    contract.load({k.split(":", 1)[1] if k.startswith("pai-platform:") else k: v for k, v in cfg.items()})


# --- (1) one rule: the same value refused by both, with the same words --------------------------------------------


def test_a_25_character_bucket_key_is_refused_by_the_contract_and_by_storage_alike():
    assert contract_lines(modelarts_config(ws(buckets=[{"key": KEY_25}]))) == [
        f"workspaces[0].buckets[0].key: '{KEY_25}' {KEY_RULE}"]
    assert component_lines(validate_storage, StorageArgs(buckets=[BucketArgs(KEY_25, "acme-team-data")]), "storage") == [
        f"storage.buckets[0].key: '{KEY_25}' {KEY_RULE}"]


def test_a_25_character_file_system_key_is_refused_by_both_alike():
    fs = {"key": KEY_25, "name": "acme-shared", "capacity": 500, "zoneId": "cn-north-4a"}
    net = {"cidr": "10.1.0.0/16", "subnet": {"cidr": "10.1.1.0/24"}}
    assert contract_lines(modelarts_config(ws(fileSystems=[fs], network=net))) == [
        f"workspaces[0].fileSystems[0].key: '{KEY_25}' {KEY_RULE}"]
    args = StorageArgs(file_systems=[FileSystemArgs(KEY_25, "acme-shared", 500, "cn-north-4a")])
    assert component_lines(lambda a, p: validate_storage(a, p, check_network=False), args, "storage") == [
        f"storage.file_systems[0].key: '{KEY_25}' {KEY_RULE}"]


def test_a_25_character_role_key_is_refused_by_the_contract_and_by_identity_alike():
    cfg = modelarts_config(ws(roles=[{"key": KEY_25}], members=[]))
    assert contract_lines(cfg) == [f"workspaces[0].roles[0].key: '{KEY_25}' {KEY_RULE}"]
    args = IdentityArgs(prefix="acme-team", domain_id="d", project_id="p", roles=[RoleArgs(KEY_25, ["training-jobs"])])
    assert component_lines(validate_identity, args, "identity") == [f"identity.roles[0].key: '{KEY_25}' {KEY_RULE}"]


def test_a_24_character_key_is_accepted_by_both():
    _contract_ok(modelarts_config(ws(buckets=[{"key": KEY_24}], roles=[{"key": KEY_24}], members=[])))
    validate_storage(StorageArgs(buckets=[BucketArgs(KEY_24, f"acme-team-{KEY_24}")]))
    validate_identity(IdentityArgs(prefix="acme-team", domain_id="d", project_id="p",
                                   roles=[RoleArgs(KEY_24, ["training-jobs"])]))


@pytest.mark.parametrize("name", ["my-.bucket", "my.-bucket", "my..bucket", "192.168.1.1", "Bad_Name", "ab"])
def test_a_bad_bucket_name_is_refused_by_both_alike(name):
    rule = ("is not an OBS bucket name (3-63 lowercase letters, digits, '-', '.'; letter or digit at both ends; "
            "no '..', '.-', '-.'; not an IP)")
    assert contract_lines(modelarts_config(ws(buckets=[{"key": "data", "name": name}]))) == [
        f"workspaces[0].buckets[0].name: '{name}' (bucket name) {rule}"]
    assert component_lines(validate_storage, StorageArgs(buckets=[BucketArgs("data", name)]), "storage") == [
        f"storage.buckets[0].name: '{name}' {rule}"]


def test_a_bad_file_system_name_is_refused_by_both_alike():
    rule = "is not an SFS Turbo name (4-64 letters, digits, '-' or '_', starting with a letter)"
    fs = {"key": "shared", "name": "1abc", "capacity": 500, "zoneId": "cn-north-4a"}
    net = {"cidr": "10.1.0.0/16", "subnet": {"cidr": "10.1.1.0/24"}}
    assert contract_lines(modelarts_config(ws(fileSystems=[fs], network=net))) == [
        f"workspaces[0].fileSystems[0].name: '1abc' (file system name) {rule}"]
    args = StorageArgs(file_systems=[FileSystemArgs("shared", "1abc", 500, "cn-north-4a")])
    assert component_lines(lambda a, p: validate_storage(a, p, check_network=False), args, "storage") == [
        f"storage.file_systems[0].name: '1abc' {rule}"]


def test_a_bad_user_name_and_a_bad_agency_name_are_refused_by_both_alike():
    user_rule = "is not an IAM user name (1-32 letters, digits, '-' or '_', not starting with a digit)"
    assert contract_lines(modelarts_config(ws(members=[{"name": "9lives", "roles": ["trainer"]}]))) == [
        f"workspaces[0].members[0].name: '9lives' {user_rule}"]
    args = IdentityArgs(prefix="acme-team", domain_id="d", project_id="p", roles=[RoleArgs("trainer", [])],
                        members=[MemberArgs("9lives", ["trainer"])])
    assert component_lines(validate_identity, args, "identity") == [f"identity.members[0].name: '9lives' {user_rule}"]
    agency_rule = "is not an agency name (1-64 letters, digits, '-' or '_')"
    assert contract_lines(modelarts_config(ws(agency={"name": "my agency"}))) == [
        f"workspaces[0].agency.name: 'my agency' {agency_rule}"]
    args = AgencyArgs(name="my agency", functions=["training-jobs"], project_name="cn-north-4")
    assert component_lines(validate_agency, args, "agency") == [f"agency.name: 'my agency' {agency_rule}"]


def test_network_rules_are_the_same_in_both():
    assert contract_lines(modelarts_config(ws(network={"cidr": "10.0.0.0/16", "subnet": {"cidr": "10.1.0.0/24"}}))) == [
        "workspaces[0].network.subnet.cidr: '10.1.0.0/24' is not inside the VPC CIDR 10.0.0.0/16"]
    assert component_lines(validate_network, NetworkArgs("v", vpc_cidr="10.0.0.0/16", subnet_cidr="10.1.0.0/24"),
                           "network") == ["network.subnet_cidr: '10.1.0.0/24' is not inside the VPC CIDR 10.0.0.0/16"]
    rule = "VPC CIDR must lie in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 with a mask of /24 or shorter"
    assert contract_lines(modelarts_config(ws(network={"cidr": "10.0.0.0/25", "subnet": {"cidr": "10.0.0.0/28"}}))) == [
        f"workspaces[0].network.cidr: '10.0.0.0/25' {rule}"]
    assert component_lines(validate_network, NetworkArgs("v", vpc_cidr="10.0.0.0/25", subnet_cidr="10.0.0.0/28"),
                           "network") == [f"network.vpc_cidr: '10.0.0.0/25' {rule}"]


def test_derived_names_are_made_in_one_place_for_the_contract_and_the_adapter():
    from components.huaweicloud import adapter, rules

    raw = {k.split(":", 1)[1] if k.startswith("pai-platform:") else k: v for k, v in modelarts_config(ws(
        buckets=[{"key": "data"}, {"key": "logs", "name": "my-logs"}],
        fileSystems=[{"key": "shared", "capacity": 500, "zoneId": "cn-north-4a"}],
        network={"cidr": "10.1.0.0/16", "subnet": {"cidr": "10.1.1.0/24"}})).items()}
    cfg = contract.load(raw)
    args = adapter.workspace_args(cfg, cfg.workspaces[0])
    assert args.name == rules.qualified_name("acme", "team") == "acme-team"
    assert [b.name for b in args.buckets] == ["acme-team-data", "my-logs"]
    assert [f.name for f in args.file_systems] == ["acme-team-shared"]
    assert args.agency is not None and args.agency.name == "acme-team-agency"
    assert args.agency.policy_prefix == "acme-team-agency"


def test_no_component_or_contract_writes_its_own_key_or_name_pattern():
    """The drift this file guards against: a second copy of a rule. Patterns live in rules.py (and core) only."""
    pkg = ROOT / "components" / "huaweicloud"
    for path in [pkg / "contract.py", *sorted((pkg / "resources").glob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        for copy in ("{0,31}", "{1,61}", "{3,63}", "{1,64}", "_is_ip", "re.compile(r\"^[a-z]"):
            assert copy not in text, (path.name, copy)


def test_the_contract_imports_no_pulumi_provider():
    code = ("import sys; import components.huaweicloud.contract, components.huaweicloud.rules; "
            "print(sorted(m for m in sys.modules if m.startswith(('pulumi_huaweicloud', 'pulumi_random'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- (2) every mistake at once, one line each, sorted; one mistake, one line ------------------------------------


def test_several_mistakes_in_several_workspaces_are_all_reported_sorted():
    cfg = modelarts_config(
        ws(buckets=[{"key": KEY_25}]),  # a shape mistake in workspaces[0]
        ws(name="other", functions=["training-jobs", "nope"], members=[{"name": "bob", "roles": ["admin"]}],
           network={"cidr": "10.0.0.0/16", "subnet": {"cidr": "10.1.0.0/24"}}),  # three meaning mistakes
    )
    lines = contract_lines(cfg)
    assert lines == [
        f"workspaces[0].buckets[0].key: '{KEY_25}' {KEY_RULE}",
        "workspaces[1].functions[1]: 'nope' is not a ModelArts function (expected one of: account-balance, "
        "ai-applications, auto-labeling, basic, batch-services, datasets, edge-resource-pools, edge-services, "
        "global-configuration, network-management, notebook-admin, notebook-image-saving, notebook-images, "
        "notebook-local-ide, notebook-sfs-turbo, notebook-ssh, notebook-storage-mount, notebooks, real-time-services, "
        "resource-pools, table-datasets-dli, table-datasets-dws, table-datasets-mrs, team-labeling, training-jobs, "
        "workflow-dli, workflow-mrs, workflows, workspaces)",
        "workspaces[1].members[0].roles[0]: 'admin' is not a role of this workspace (expected one of: trainer)",
        "workspaces[1].network.subnet.cidr: '10.1.0.0/24' is not inside the VPC CIDR 10.0.0.0/16",
    ]


def test_several_meaning_mistakes_in_one_workspace_are_all_reported():
    cfg = modelarts_config(ws(
        fileSystems=[{"key": "shared", "capacity": 100, "zoneId": "cn-south-1a"}],
        agency={"useFullSet": True},
        roles=[{"key": "trainer", "functions": ["notebooks"]}],
    ))
    assert contract_lines(cfg) == [
        "workspaces[0].agency.useFullSet: needs fullSetRoles: the system policy names to grant",
        "workspaces[0].fileSystems[0].capacity: 100 is outside 500-32768 GB for STANDARD SFS Turbo",
        "workspaces[0].fileSystems[0].zoneId: 'cn-south-1a' is not a zone of region cn-north-4",
        "workspaces[0].network: is required: SFS Turbo file systems live in the workspace's subnet",
        "workspaces[0].roles[0].functions[0]: 'notebooks' is not one of the workspace's functions (training-jobs)",
    ]


@pytest.mark.parametrize("over, line", [
    (dict(buckets=[{"key": "data"}, {"key": "data"}]),
     "workspaces[0].buckets[1].key: 'data' bucket key is used twice in this workspace"),
    (dict(fileSystems=[{"key": "fs", "name": "x", "capacity": 500, "zoneId": "cn-north-4a"}] * 2,
          network={"cidr": "10.1.0.0/16", "subnet": {"cidr": "10.1.1.0/24"}}),
     "workspaces[0].fileSystems[0].name: 'x' (file system name) is not an SFS Turbo name (4-64 letters, digits, '-' or "
     "'_', starting with a letter)\nworkspaces[0].fileSystems[1].key: 'fs' file system key is used twice in this "
     "workspace"),
    (dict(roles=[{"key": "trainer"}, {"key": "trainer", "functions": ["notebooks"]}]),
     "workspaces[0].roles[1].key: 'trainer' role key is used twice in this workspace"),
    (dict(members=[{"name": "alice", "roles": ["trainer"]}, {"name": "Alice", "roles": ["trainer"]}]),
     "workspaces[0].members[1].name: 'Alice' user is listed twice in this workspace (IAM user names ignore case)"),
])
def test_one_mistake_one_line(over, line):
    """A repeated key's derived names (bucket name, file-system name, role functions, the account-wide user) are not
    judged again: the repeat is the one mistake."""
    assert "\n".join(contract_lines(modelarts_config(ws(**over)))) == line


def test_a_repeated_workspace_is_one_line_however_much_it_holds():
    assert contract_lines(modelarts_config(ws(buckets=[{"key": "data"}]), ws(buckets=[{"key": "data"}]))) == [
        "workspaces[1].name: 'team' workspace name is used twice (first at workspaces[0].name)"]


def test_a_component_reports_every_problem_of_its_args_sorted_by_path():
    lines = component_lines(validate_workspace, workspace_args(
        buckets=[BucketArgs(KEY_25, "Bad_Bucket")],
        members=[MemberArgs("carol", ["admin"])],
        network=NetworkArgs("v", subnet_cidr="10.0.0.0/24"),
    ), "workspace")
    assert lines == [
        f"workspace.buckets[0].key: '{KEY_25}' {KEY_RULE}",
        "workspace.buckets[0].name: 'Bad_Bucket' is not an OBS bucket name (3-63 lowercase letters, digits, '-', '.'; "
        "letter or digit at both ends; no '..', '.-', '-.'; not an IP)",
        "workspace.members[0].roles[0]: 'admin' is not a role of this workspace (expected one of: trainer, developer)",
        "workspace.network.subnet_cidr: '10.0.0.0/24' is not inside the VPC CIDR 192.168.0.0/16",
    ]
