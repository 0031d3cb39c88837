"""The PAI permission catalogue (components/alicloud/plan/catalogue.py), checked row by row against the seed facts.

Each seed table is written out here by hand AND kept as data in tests/seed_facts/ (parsed from the seed text by
.ci/check_seed_facts.py, which CI runs against the seeds): the data guards the transcription, the transcription
guards the data, and the catalogue must equal both. Dropping or changing a catalogue row fails.
"""

from __future__ import annotations

import re

import pytest

from components.alicloud.plan import catalogue
from components.core import config
from components.core.errors import ConfigError
from conftest import base_config, minimal_workspace
from seed_data import load

SEED_000 = load("000_pai_dependencies.json")
SEED_002 = load("002_pai_permissions.json")

# Seed names -> catalogue keys (the mapping is ours; the rows are the seed's).
SEED_MODULES = {"iTAG": "itag", "Designer": "designer", "DSW": "dsw", "DLC": "dlc", "AutoML": "automl", "EAS": "eas",
                "LangStudio": "langstudio", "AI asset management": "assets"}
SEED_SERVICES = {"OSS": "oss", "MaxCompute": "maxcompute", "Flink": "flink", "NAS": "nas", "API Gateway": "apigateway",
                 "SLS": "sls", "VPC": "vpc", "Cloud Monitor": "cloudmonitor", "OpenTelemetry": "arms", "ACR": "acr"}

# 002 "The following table lists other services that PAI depends on", transcribed.
TABLE_002_DEPENDENCIES = {
    "iTAG": ["OSS"],
    "Designer": ["OSS", "MaxCompute", "Flink"],
    "DSW": ["OSS", "NAS", "VPC"],
    "DLC": ["OSS", "NAS", "VPC"],
    "AutoML": ["OSS", "MaxCompute"],
    "EAS": ["OSS", "API Gateway", "SLS", "VPC", "Cloud Monitor"],
    "LangStudio": ["OSS", "SLS", "VPC", "OpenTelemetry"],
    "AI asset management": ["ACR"],
}
# 002 "Dependent cloud service | Policy required for activation", transcribed.
TABLE_002_ACTIVATION = {
    "OSS": ["AliyunOSSFullAccess"],
    "MaxCompute": ["AliyunBSSOrderAccess", "AliyunDataWorksFullAccess"],
    "Flink": ["AliyunStreamFullAccess"],
    "NAS": ["AliyunNASFullAccess"],
    "API Gateway": ["AliyunApiGatewayFullAccess"],
    "SLS": ["AliyunLogFullAccess"],
    "VPC": ["AliyunVPCFullAccess"],
    "Cloud Monitor": ["AliyunCloudMonitorFullAccess"],
    "OpenTelemetry": ["AliyunARMSFullAccess"],
    "ACR": ["AliyunContainerRegistryFullAccess"],
}
# 000: "PAI module: X" sections and the "Dependent cloud service: Y" (or "Activate MaxCompute") headings in them.
TABLE_000 = {
    "workspace": {"eventbridge"},
    "itag": {"oss"},
    "designer": {"maxcompute", "oss", "flink"},
    "dsw": {"nas"},
    "dlc": {"nas", "oss"},
    "eas": {"apigateway", "oss", "sls", "vpc", "cloudmonitor"},
    "assets": {"acr"},
}
SEED_000_MODULES = {"AI workspace": "workspace", "iTAG": "itag", "Machine Learning Designer": "designer", "DSW": "dsw",
                    "DLC": "dlc", "EAS": "eas", "AI Computing Asset Management": "assets"}
SEED_000_SERVICES = {"EventBridge": "eventbridge", "OSS": "oss", "MaxCompute": "maxcompute", "Flink": "flink",
                     "File Storage NAS": "nas", "API Gateway": "apigateway", "Simple Log Service": "sls",
                     "Virtual Private Cloud (VPC)": "vpc", "CloudMonitor": "cloudmonitor", "Container Registry": "acr"}


def data_002_dependencies() -> dict[str, list[str]]:
    return {row["sub_service"]: row["services"] for row in SEED_002["dependencies"]["rows"]}


def data_002_activation() -> dict[str, list[str]]:
    return {row["service"]: row["policies"] for row in SEED_002["activation"]["rows"]}


def data_000() -> dict[str, set[str]]:
    return {SEED_000_MODULES[m["module"]]: {SEED_000_SERVICES[s["service"]] for s in m["services"]}
            for m in SEED_000["modules"]}


# --- the data and the transcription agree --------------------------------------------------------------------------


def test_seed_tables_data_is_the_transcription():
    assert data_002_dependencies() == TABLE_002_DEPENDENCIES
    assert data_002_activation() == TABLE_002_ACTIVATION
    assert data_000() == TABLE_000
    assert [m["module"] for m in SEED_000["modules"]] == list(SEED_000_MODULES)
    # "PAI module: general computing resources" is a sub-section of Designer's, not a module of its own.
    assert {m["module"]: m["subsections"] for m in SEED_000["modules"] if m["subsections"]} == {
        "Machine Learning Designer": ["general computing resources"]}
    # MaxCompute is the one 000 service without a "Dependent cloud service:" heading.
    assert [(m["module"], s["heading"]) for m in SEED_000["modules"] for s in m["services"]
            if not s["heading"].startswith("Dependent cloud service: ")] == [
        ("Machine Learning Designer", "Activate MaxCompute")]


# --- modules -> services ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed_module", sorted(TABLE_002_DEPENDENCIES))
def test_each_002_dependency_row_is_in_the_catalogue(seed_module):
    module = catalogue.MODULES[SEED_MODULES[seed_module]]
    assert set(module.services) == {SEED_SERVICES[s] for s in TABLE_002_DEPENDENCIES[seed_module]}
    assert "002" in module.source


@pytest.mark.parametrize("module", sorted(k for k in TABLE_000 if k != "workspace"))
def test_each_000_module_section_is_covered(module):
    assert TABLE_000[module] <= set(catalogue.MODULES[module].services)


def test_the_workspace_itself_needs_eventbridge_000():
    assert catalogue.WORKSPACE_SERVICES == ("eventbridge",)
    assert catalogue.services_for([]) == ("eventbridge",)
    assert catalogue.services_for(["itag"], include_workspace=False) == ("oss",)


def test_catalogue_modules_are_exactly_the_seed_modules_plus_dataset_acceleration():
    assert set(catalogue.MODULES) == set(SEED_MODULES.values()) | {"dataset-acceleration"}
    assert catalogue.MODULES["dataset-acceleration"].services == ()


# --- services -> activation policies ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed_service", sorted(TABLE_002_ACTIVATION))
def test_each_002_activation_row_is_in_the_catalogue(seed_service):
    service = catalogue.SERVICES[SEED_SERVICES[seed_service]]
    assert list(service.activation_policies) == TABLE_002_ACTIVATION[seed_service]
    assert "002" in service.source


def test_catalogue_services_are_exactly_the_seed_services_plus_eventbridge():
    assert set(catalogue.SERVICES) == set(SEED_SERVICES.values()) | {"eventbridge"}


def test_maxcompute_activation_policies_also_in_000_and_usage_needs_the_maxcompute_developer_role():
    found = SEED_000["maxcompute_activation"]
    assert found["heading"] == "Activate MaxCompute" and found["section"] == "AI development: Machine Learning Designer"
    assert catalogue.SERVICES["maxcompute"].activation_policies == tuple(found["policies"])
    assert found["sentence"] == "grant the {} and {} permissions to the RAM user".format(*found["policies"])
    usage = next(r for r in SEED_002["activation"]["rows"] if r["service"] == "MaxCompute")["usage_authorization"]
    assert "MaxCompute Developer role" in usage
    assert SEED_002["activation"]["maxcompute_usage_role"] == "MaxCompute Developer"
    assert catalogue.SERVICES["maxcompute"].usage_role == "PAI.MaxComputeDeveloper"
    assert catalogue.ROLES["PAI.MaxComputeDeveloper"].console_name == SEED_002["activation"]["maxcompute_usage_role"]


def test_eventbridge_activation_policy_is_the_verified_exact_name():
    eb = catalogue.SERVICES["eventbridge"]
    assert eb.activation_policies == ("AliyunEventBridgeFullAccess",)
    assert "000" in eb.source and "aliyuneventbridgefullaccess" in eb.source


def test_activation_policies_for_a_module_set_follow_the_tables():
    assert catalogue.activation_policies_for(catalogue.services_for(["itag"])) == (
        "AliyunOSSFullAccess", "AliyunEventBridgeFullAccess")
    assert catalogue.activation_policies_for(catalogue.services_for(["designer", "automl"])) == (
        "AliyunOSSFullAccess", "AliyunBSSOrderAccess", "AliyunDataWorksFullAccess", "AliyunStreamFullAccess",
        "AliyunEventBridgeFullAccess")


# --- roles --------------------------------------------------------------------------------------------------------

# CreateMember / AddMemberRole / RemoveMemberRole list these seven role names (verified with the search tool).
API_ROLE_IDS = {"PAI.WorkspaceOwner", "PAI.WorkspaceAdmin", "PAI.AlgoDeveloper", "PAI.AlgoOperator",
                "PAI.LabelManager", "PAI.WorkspaceGuest", "PAI.MaxComputeDeveloper"}
CONSOLE_NAMES = {"PAI.AlgoDeveloper": "Algorithm Developer", "PAI.AlgoOperator": "Algorithm O&M Engineer",
                 "PAI.LabelManager": "Labeling Administrator", "PAI.WorkspaceGuest": "Visitor",
                 "PAI.MaxComputeDeveloper": "MaxCompute Developer"}


def test_roles_are_exactly_the_api_role_ids():
    assert set(catalogue.ROLES) == API_ROLE_IDS


@pytest.mark.parametrize("role_id", sorted(API_ROLE_IDS))
def test_each_role_console_name_is_the_seed_name(role_id):
    name = catalogue.ROLES[role_id].console_name
    assert name.startswith(CONSOLE_NAMES.get(role_id, "Workspace Administrator/Owner"))
    # 002 lists the console roles by these names: the member roles, and the MaxCompute Developer role of its
    # activation table's MaxCompute row.
    seed_names = {*SEED_002["member_roles"]["roles"], SEED_002["activation"]["maxcompute_usage_role"]}
    assert name.split(" (")[0] in seed_names


def test_only_visitors_are_read_only():
    assert {r for r, v in catalogue.ROLES.items() if not v.writes_data} == {"PAI.WorkspaceGuest"}


# --- system policies for users ------------------------------------------------------------------------------------


def test_eas_policies_are_the_seed_pair():
    seed = SEED_002["eas_policies"]
    assert catalogue.EAS_POLICIES == {"management": seed["management"], "read-only": seed["read-only"]}
    assert (catalogue.EAS_FULL_ACCESS, catalogue.EAS_READ_ONLY) == ("AliyunPAIEASFullAccess", "AliyunPAIEASReadOnlyAccess")


def test_dataset_acceleration_pair_is_the_seed_pair():
    found = SEED_002["dataset_acceleration"]
    assert "dataset acceleration only, RAM accounts need the {} and {} permissions".format(*found["policies"]) in (
        found["sentence"])
    assert catalogue.DATASET_ACCELERATION_POLICIES == tuple(found["policies"])


def test_pai_full_access_is_admin_only_as_the_seed_warns():
    warning = SEED_002["full_access_warning"]
    assert "can purchase, create, and delete all types of resources" in warning["warning"]
    assert warning["policy"] == SEED_002["activate_and_purchase"]["policy"] == "AliyunPAIFullAccess"
    assert catalogue.PAI_FULL_ACCESS == "AliyunPAIFullAccess"
    assert catalogue.ADMIN_ONLY_POLICIES == {"AliyunPAIFullAccess"}
    ws = minimal_workspace(members=[{"name": "alice", "roles": ["PAI.AlgoDeveloper"],
                                     "systemPolicies": ["AliyunPAIFullAccess"]}])
    with pytest.raises(ConfigError, match=r"members\[0\]\.systemPolicies\[0\]: 'AliyunPAIFullAccess' is admin-only"):
        config.load({k.removeprefix("pai-platform:"): v for k, v in base_config(ws).items()})


def test_system_policy_names_are_exact_case_and_complete():
    expected = {p for ps in TABLE_002_ACTIVATION.values() for p in ps} | {
        "AliyunEventBridgeFullAccess", "AliyunPAIFullAccess", "AliyunPAIReadOnlyAccess", "AliyunPAIEASFullAccess",
        "AliyunPAIEASReadOnlyAccess", "AliyunDatasetAccFullAccess"}
    assert catalogue.SYSTEM_POLICIES == expected
    assert all(re.fullmatch(r"Aliyun[A-Z][A-Za-z]+", p) for p in catalogue.SYSTEM_POLICIES)


# --- service-linked and service roles -----------------------------------------------------------------------------


def test_only_verified_service_names_are_recorded():
    verified = {k: r.service_name for k, r in catalogue.LINKED_ROLES.items() if r.service_name}
    assert verified == {"workspace": "aiworkspace.pai.aliyuncs.com", "automl": "automl.pai.aliyuncs.com",
                        "langstudio": "langstudio.pai.aliyuncs.com"}
    assert {k for k, r in catalogue.LINKED_ROLES.items() if r.service_name is None} == {"eas", "dlc", "dsw"}
    assert all(r.source.startswith("https://") for r in catalogue.LINKED_ROLES.values())


def test_linked_roles_follow_the_modules():
    assert [r.key for r in catalogue.linked_roles_for(["itag"])] == ["workspace"]
    assert [r.key for r in catalogue.linked_roles_for(["dsw", "automl"])] == ["workspace", "automl", "dsw"]
    assert [r.role_name for r in catalogue.service_roles_for(["dlc", "dsw"])] == [
        "AliyunPAIDLCDefaultRole", "AliyunPAIDSWDefaultRole"]
    assert catalogue.service_roles_for(["eas"]) == ()


def test_every_entry_names_its_source():
    for entry in [*catalogue.SERVICES.values(), *catalogue.MODULES.values()]:
        assert re.search(r"\b00[0-3]\b", entry.source), entry
