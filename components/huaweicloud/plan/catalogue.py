"""ModelArts permission catalogue: which IAM actions each ModelArts function needs.

Pure data, no Pulumi. Transcribed from Huawei Cloud's "Agencies and Dependencies" page for ModelArts
(seed ``004``, updated 2024-01-09): tables 1-9 list, per function and scenario, the dependent services and
the IAM actions a *user* needs; tables 10-14 list the minimal actions ModelArts' *agency* needs to act on the
user's behalf. Every entry cites its table and scenario so a reviewer can check it against the source.

Function keys are short kebab-case ids chosen from the tables' titles and scenarios. A team selects keys; the
catalogue turns them into actions, grouped by the scope the custom policy must be assigned at.

Scopes (why each service lands where it does):

* ``project`` -- region-specific projects (policy type ``XA``, assigned with a ``project_id``). ModelArts is a
  project-level service ("ModelArts is a project-level service deployed for specific regions", Huawei ModelArts
  best practice modelarts_24_0080), and the seed says the resource-pool and network dependencies (BSS, ECS, VPC,
  VPCEP, SFS Turbo) "must be configured in the IAM project view". Every service that is neither IAM nor OBS is
  put here.
* ``global`` -- global services (policy type ``AX``, assigned with the account's ``domain_id``). IAM is a global
  service.
* ``obs`` -- OBS-only policies. Huawei's IAM API ("Creating a Custom Policy for Cloud Services", iam_02_0013)
  says: to assign a custom policy that contains OBS operations, create two custom policies, one for global
  services and one for region-specific projects, and do not mix other services' actions into custom OBS
  policies. The identity component therefore renders this scope twice (``AX`` and ``XA``).

System policies: two seed rows name a system policy instead of actions (``SWR Admin``, ``SFS Turbo FullAccess``,
table 3). They are kept apart (:func:`user_system_policies`), never turned into actions.

Seed spellings: the catalogue stores actions in their canonical spelling. Where the seed's text differs, the
mapping is recorded in :data:`SEED_SPELLING_FIXES` with the reason, and the seed's explanatory parentheses
(e.g. "(Obtaining a bucket list)") are not part of an action.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

GLOBAL = "global"
PROJECT = "project"
OBS = "obs"
SCOPES: tuple[str, ...] = (GLOBAL, OBS, PROJECT)

#: Seed text -> action as written in the catalogue, and why.
SEED_SPELLING_FIXES: Mapping[str, tuple[str, str]] = {
    "obs:bucket:ListAllMybuckets": (
        "obs:bucket:ListAllMyBuckets",
        "tables 3-6 write 'Mybuckets'; tables 3, 7, 10 and OBS's action list spell it 'ListAllMyBuckets'",
    ),
    "ces:metricData:list:": (
        "ces:metricData:list",
        "table 7 has a stray trailing colon before its description",
    ),
}


@dataclass(frozen=True)
class Entry:
    """One row group of a seed table: a scenario's actions on one dependent service."""

    table: int
    """Seed table number (1-14)."""
    scenario: str
    """The table's "Application Scenario" cell, verbatim."""
    service: str
    """The "Dependent Service" cell, verbatim (e.g. ``OBS``, ``ModelArts``, ``SFS Turbo``)."""
    actions: tuple[str, ...]
    """IAM actions (canonical spelling), in the seed's order."""
    note: str
    """The seed's "Supported Function"/"Description" text, abridged."""
    scope: str
    """``global``, ``project`` or ``obs`` (see the module docstring for the rule)."""
    mandatory: bool = False
    """The seed marks the row "(Mandatory)": every selection includes it."""
    system_policies: tuple[str, ...] = ()
    """System policy display names the seed asks for instead of actions."""


def _scope(service: str) -> str:
    if service == "IAM":
        return GLOBAL
    if service == "OBS":
        return OBS
    return PROJECT


def _e(table: int, scenario: str, service: str, actions: Iterable[str], note: str, *,
       mandatory: bool = False, system_policies: Iterable[str] = ()) -> Entry:
    return Entry(table, scenario, service, tuple(actions), note, _scope(service), mandatory,
                 tuple(system_policies))


# OBS action lists that several tables repeat word for word.
_OBS_DATA_15 = (
    "obs:bucket:ListAllMyBuckets",
    "obs:bucket:HeadBucket",
    "obs:bucket:ListBucket",
    "obs:bucket:GetBucketLocation",
    "obs:object:GetObject",
    "obs:object:GetObjectVersion",
    "obs:object:PutObject",
    "obs:object:DeleteObject",
    "obs:object:DeleteObjectVersion",
    "obs:object:ListMultipartUploadParts",
    "obs:object:AbortMultipartUpload",
    "obs:object:GetObjectAcl",
    "obs:object:GetObjectVersionAcl",
    "obs:bucket:PutBucketAcl",
    "obs:object:PutObjectAcl",
)
# Tables 3 (local IDE) and 4 add ModifyObjectMetaData; tables 5 and 6 do not.
_OBS_DATA_16 = _OBS_DATA_15 + ("obs:object:ModifyObjectMetaData",)

_PROJECT_VIEW = "Dependent permissions must be configured in the IAM project view."

_VPC_NETWORK = (
    "vpc:routes:create", "vpc:routes:list", "vpc:routes:get", "vpc:routes:delete",
    "vpc:peerings:create", "vpc:peerings:accept", "vpc:peerings:get", "vpc:peerings:delete",
    "vpc:routeTables:update", "vpc:routeTables:get", "vpc:routeTables:list",
    "vpc:vpcs:create", "vpc:vpcs:list", "vpc:vpcs:get", "vpc:vpcs:delete",
    "vpc:subnets:create", "vpc:subnets:get", "vpc:subnets:delete",
    "vpcep:endpoints:list", "vpcep:endpoints:create", "vpcep:endpoints:delete", "vpcep:endpoints:get",
    "vpc:ports:create", "vpc:ports:get", "vpc:ports:update", "vpc:ports:delete",
    "vpc:networks:create", "vpc:networks:get", "vpc:networks:update", "vpc:networks:delete",
)
_SFS_TURBO_NIC = (
    "sfsturbo:shares:addShareNic", "sfsturbo:shares:deleteShareNic",
    "sfsturbo:shares:showShareNic", "sfsturbo:shares:listShareNics",
)
_BSS_POOL = (
    "bss:coupon:view", "bss:order:view", "bss:balance:view", "bss:discount:view", "bss:renewal:view",
    "bss:bill:view", "bss:contract:update", "bss:order:pay", "bss:unsubscribe:update",
    "bss:renewal:update", "bss:order:update",
)

#: User permissions (tables 1-9): function key -> entries.
USER_FUNCTIONS: Mapping[str, tuple[Entry, ...]] = {
    # Table 1 Basic configuration
    "basic": (
        _e(1, "Basic function", "IAM", ["iam:tokens:assume"],
           "(Mandatory) Use an agency to obtain temporary authentication credentials.", mandatory=True),
    ),
    "global-configuration": (
        _e(1, "Global configuration", "IAM", ["iam:users:listUsers"],
           "Obtain a user list. Required by the administrator only."),
    ),
    "account-balance": (
        _e(1, "Basic function", "BSS", ["bss:balance:view"],
           "Show the account balance on the console after resources are created."),
    ),
    # Table 2 Managing workspaces
    "workspaces": (
        _e(2, "Workspace", "IAM", ["iam:users:listUsers"], "Authorize an IAM user to use a workspace."),
        _e(2, "Workspace", "ModelArts", ["modelarts:*:*delete*"],
           "Clear resources in a workspace when deleting it."),
    ),
    # Table 3 Managing notebook instances
    "notebooks": (
        _e(3, "Lifecycle management of development environment instances", "ModelArts", [
            "modelarts:notebook:create", "modelarts:notebook:list", "modelarts:notebook:get",
            "modelarts:notebook:update", "modelarts:notebook:delete", "modelarts:notebook:start",
            "modelarts:notebook:stop", "modelarts:notebook:updateStopPolicy",
            "modelarts:image:delete", "modelarts:image:list", "modelarts:image:create", "modelarts:image:get",
            "modelarts:pool:list", "modelarts:tag:list", "modelarts:network:get",
            "aom:metric:get", "aom:metric:list", "aom:alarm:list",
        ], "Start, stop, create, delete, and update an instance."),
    ),
    "notebook-storage-mount": (
        _e(3, "Dynamically mounting storage", "ModelArts", [
            "modelarts:notebook:listMountedStorages", "modelarts:notebook:mountStorage",
            "modelarts:notebook:getMountedStorage", "modelarts:notebook:umountStorage",
        ], "Dynamically mount storage."),
        _e(3, "Dynamically mounting storage", "OBS", ["obs:bucket:ListAllMyBuckets", "obs:bucket:ListBucket"],
           "Dynamically mount storage."),
    ),
    "notebook-images": (
        _e(3, "Image management", "ModelArts", ["modelarts:image:register", "modelarts:image:listGroup"],
           "Register and view an image on the Image Management page."),
    ),
    "notebook-image-saving": (
        _e(3, "Saving an image", "SWR", [],
           "Save a running instance as an image; create a notebook from a custom image.",
           system_policies=["SWR Admin"]),
    ),
    "notebook-ssh": (
        _e(3, "Using the SSH function", "ECS", [
            "ecs:serverKeypairs:list", "ecs:serverKeypairs:get",
            "ecs:serverKeypairs:delete", "ecs:serverKeypairs:create",
        ], "Configure a login key for a notebook instance."),
    ),
    "notebook-sfs-turbo": (
        _e(3, "Mounting an SFS Turbo file system", "SFS Turbo", [],
           "Read and write an SFS directory; mount an SFS file system not created by you to a notebook.",
           system_policies=["SFS Turbo FullAccess"]),
    ),
    "notebook-admin": (
        _e(3, "Viewing all Instances", "ModelArts", ["modelarts:notebook:listAllNotebooks"],
           "View all users' instances. Required by the development environment administrator."),
        _e(3, "Viewing all Instances", "IAM", ["iam:users:listUsers"],
           "View all users' instances. Required by the development environment administrator."),
    ),
    "notebook-local-ide": (
        _e(3, "Local VS Code plug-in or PyCharm Toolkit", "ModelArts", [
            "modelarts:notebook:listAllNotebooks", "modelarts:trainJob:create", "modelarts:trainJob:list",
            "modelarts:trainJob:update", "modelarts:trainJobVersion:delete", "modelarts:trainJob:get",
            "modelarts:trainJob:logExport", "modelarts:workspace:getQuotas",
        ], "Access a notebook from local VS Code and submit training jobs (getQuotas: if workspaces are on)."),
        _e(3, "Local VS Code plug-in or PyCharm Toolkit", "OBS", _OBS_DATA_16,
           "Access a notebook from local VS Code and submit training jobs."),
        _e(3, "Local VS Code plug-in or PyCharm Toolkit", "IAM", ["iam:projects:listProjects"],
           "Obtain an IAM project list through local PyCharm for access configurations."),
    ),
    # Table 4 Managing training jobs (one function: every row is "Training management")
    "training-jobs": (
        _e(4, "Training management", "ModelArts", [
            "modelarts:trainJob:*", "modelarts:trainJobLog:*", "modelarts:aiAlgorithm:*", "modelarts:image:list",
        ], "Create a training job and view training logs."),
        _e(4, "Training management", "ModelArts", ["modelarts:workspace:getQuotas"],
           "Obtain a workspace quota (required if the workspace function is enabled)."),
        _e(4, "Training management", "ModelArts", ["modelarts:tag:list"], "Use TMS in a training job."),
        _e(4, "Training management", "IAM", ["iam:credentials:listCredentials", "iam:agencies:listAgencies"],
           "Use the configured agency authorization."),
        _e(4, "Training management", "SFS Turbo", ["sfsturbo:shares:getShare", "sfsturbo:shares:getAllShares"],
           "Use SFS Turbo in a training job."),
        _e(4, "Training management", "SWR", [
            "swr:repository:listTags", "swr:repository:getRepository", "swr:repository:listRepositories",
        ], "Use a custom image to create a training job."),
        _e(4, "Training management", "SMN", ["smn:topic:publish", "smn:topic:list"],
           "Notify training job status changes through SMN."),
        _e(4, "Training management", "OBS", _OBS_DATA_16, "Run a training job using a dataset in an OBS bucket."),
    ),
    # Table 5 Using workflows
    "workflows": (
        _e(5, "Using a dataset", "ModelArts", [
            "modelarts:dataset:getDataset", "modelarts:dataset:createDataset",
            "modelarts:dataset:createDatasetVersion", "modelarts:dataset:createImportTask",
            "modelarts:dataset:updateDataset", "modelarts:processTask:createProcessTask",
            "modelarts:processTask:getProcessTask", "modelarts:dataset:listDatasets",
        ], "Use ModelArts datasets in a workflow."),
        _e(5, "Managing AI applications", "ModelArts", [
            "modelarts:model:list", "modelarts:model:get", "modelarts:model:create",
            "modelarts:model:delete", "modelarts:model:update",
        ], "Manage ModelArts AI applications in a workflow."),
        _e(5, "Deploying a service", "ModelArts", [
            "modelarts:service:get", "modelarts:service:create", "modelarts:service:update",
            "modelarts:service:delete", "modelarts:service:getLogs",
        ], "Manage ModelArts real-time services in a workflow."),
        _e(5, "Training jobs", "ModelArts", [
            "modelarts:trainJob:get", "modelarts:trainJob:create", "modelarts:trainJob:list",
            "modelarts:trainJobVersion:list", "modelarts:trainJobVersion:create", "modelarts:trainJob:delete",
            "modelarts:trainJobVersion:delete", "modelarts:trainJobVersion:stop",
        ], "Manage ModelArts training jobs in a workflow."),
        _e(5, "Workspace", "ModelArts", ["modelarts:workspace:get", "modelarts:workspace:getQuotas"],
           "Use ModelArts workspaces in a workflow."),
        _e(5, "Managing data", "OBS", _OBS_DATA_15, "Use OBS data in a workflow."),
        _e(5, "Executing a workflow", "IAM", [
            "iam:users:listUsers", "iam:agencies:getAgency", "iam:tokens:assume",
        ], "Call other ModelArts services when the workflow is running."),
    ),
    "workflow-dli": (
        _e(5, "Integrating DLI", "DLI", ["dli:jobs:get", "dli:jobs:list_all", "dli:jobs:create"],
           "Integrate DLI into a workflow."),
    ),
    "workflow-mrs": (
        _e(5, "Integrating MRS", "MRS", [
            "mrs:job:get", "mrs:job:submit", "mrs:job:list", "mrs:job:stop", "mrs:job:batchDelete",
            "mrs:file:list",
        ], "Integrate MRS into a workflow."),
    ),
    # Table 6 Managing AI applications
    "ai-applications": (
        _e(6, "Managing AI applications", "SWR", [
            "swr:repository:deleteRepository", "swr:repository:deleteTag",
            "swr:repository:getRepository", "swr:repository:listTags",
        ], "Import a model from a custom image; use a custom engine when importing a model from OBS."),
        _e(6, "Managing AI applications", "OBS", _OBS_DATA_15,
           "Import a model from a template; specify an OBS path for model conversion."),
    ),
    # Table 7 Managing service deployment
    "real-time-services": (
        _e(7, "Real-time services", "LTS", ["lts:logs:list"], "Show LTS logs."),
        _e(7, "Real-time services", "OBS", [
            "obs:bucket:GetBucketPolicy", "obs:bucket:HeadBucket", "obs:bucket:ListAllMyBuckets",
            "obs:bucket:PutBucketPolicy", "obs:bucket:DeleteBucketPolicy",
        ], "Mount external volumes to a container when services are running."),
    ),
    "batch-services": (
        _e(7, "Batch services", "OBS", [
            "obs:object:GetObject", "obs:object:PutObject", "obs:bucket:CreateBucket",
            "obs:bucket:ListBucket", "obs:bucket:ListAllMyBuckets",
        ], "Create batch services and perform batch inference."),
    ),
    "edge-services": (
        _e(7, "Edge services", "CES", ["ces:metricData:list"], "View monitoring metrics."),
        _e(7, "Edge services", "IEF", ["ief:deployment:delete"], "Manage edge services."),
    ),
    # Table 8 Managing datasets
    "datasets": (
        _e(8, "Managing datasets and labels", "OBS", [
            "obs:bucket:ListBucket", "obs:object:GetObject", "obs:object:PutObject", "obs:object:DeleteObject",
            "obs:bucket:HeadBucket", "obs:bucket:GetBucketAcl", "obs:bucket:PutBucketAcl",
            "obs:bucket:GetBucketPolicy", "obs:bucket:PutBucketPolicy", "obs:bucket:DeleteBucketPolicy",
            "obs:bucket:PutBucketCORS", "obs:bucket:GetBucketCORS", "obs:object:PutObjectAcl",
        ], "Manage datasets in OBS; label OBS data; create a data management job."),
    ),
    "table-datasets-dli": (
        _e(8, "Managing table datasets", "DLI", [
            "dli:database:displayAllDatabases", "dli:database:displayAllTables", "dli:table:describe_table",
        ], "Manage DLI data in a dataset."),
    ),
    "table-datasets-dws": (
        _e(8, "Managing table datasets", "DWS", ["dws:openAPICluster:list", "dws:openAPICluster:getDetail"],
           "Manage DWS data in a dataset."),
    ),
    "table-datasets-mrs": (
        _e(8, "Managing table datasets", "MRS", [
            "mrs:job:submit", "mrs:job:list", "mrs:cluster:list", "mrs:cluster:get",
        ], "Manage MRS data in a dataset."),
    ),
    "auto-labeling": (
        _e(8, "Auto labeling", "ModelArts", [
            "modelarts:service:list", "modelarts:model:list", "modelarts:model:get", "modelarts:model:create",
            "modelarts:trainJobInnerModel:list", "modelarts:workspace:get", "modelarts:workspace:list",
        ], "Enable auto labeling."),
    ),
    "team-labeling": (
        _e(8, "Team labeling", "IAM", [
            "iam:projects:listProjects", "iam:users:listUsers", "iam:agencies:createAgency",
            "iam:quotas:listQuotasForProject",
        ], "Manage labeling teams."),
    ),
    # Table 9 Managing resources
    "resource-pools": (
        _e(9, "Managing resource pools", "BSS", _BSS_POOL,
           "Create, renew, and unsubscribe from a resource pool. " + _PROJECT_VIEW),
        _e(9, "Managing resource pools", "ECS", ["ecs:availabilityZones:list"], "Show AZs. " + _PROJECT_VIEW),
    ),
    "network-management": (
        _e(9, "Network management", "VPC", _VPC_NETWORK,
           "Create and delete ModelArts networks, and interconnect VPCs. " + _PROJECT_VIEW),
        _e(9, "Network management", "SFS Turbo", _SFS_TURBO_NIC,
           "Interconnect your network with SFS Turbo. " + _PROJECT_VIEW),
    ),
    "edge-resource-pools": (
        _e(9, "Edge resource pool", "IEF", [
            "ief:node:list", "ief:group:get", "ief:application:list", "ief:application:get",
            "ief:node:listNodeCert", "ief:node:get", "ief:IEFInstance:get", "ief:deployment:list",
            "ief:group:listGroupInstanceState", "ief:IEFInstance:list", "ief:deployment:get", "ief:group:list",
        ], "Add, delete, modify, and search for edge pools."),
    ),
}

#: Agency permissions (tables 10-14): function key -> entries. Keys are a subset of USER_FUNCTIONS' keys,
#: so one selection drives both the users' policies and the agency's.
AGENCY_FUNCTIONS: Mapping[str, tuple[Entry, ...]] = {
    # Table 10 Basic agency authorization for a development environment (both rows "Recommended")
    "notebooks": (
        _e(10, "JupyterLab", "OBS", [
            "obs:object:DeleteObject", "obs:object:GetObject", "obs:object:GetObjectVersion",
            "obs:bucket:CreateBucket", "obs:bucket:ListBucket", "obs:bucket:ListAllMyBuckets",
            "obs:object:PutObject", "obs:bucket:GetBucketAcl", "obs:bucket:PutBucketAcl", "obs:bucket:PutBucketCORS",
        ], "Use OBS to upload and download data in JupyterLab through ModelArts notebook. Recommended."),
        _e(10, "Development environment monitoring", "AOM", ["aom:alarm:put"],
           "Obtain monitoring data and events of notebook instances. Recommended."),
    ),
    # Table 11 Basic agency authorization for training jobs
    "training-jobs": (
        _e(11, "Training jobs", "OBS", ["obs:bucket:ListBucket", "obs:object:GetObject", "obs:object:PutObject"],
           "Download data, models and code before a job starts; upload logs and models while it runs."),
    ),
    # Table 12 Basic agency authorization for deploying services
    "real-time-services": (
        _e(12, "Real-time services", "LTS", [
            "lts:groups:create", "lts:groups:list", "lts:topics:create", "lts:topics:delete", "lts:topics:list",
        ], "Configure LTS for reporting logs of real-time services."),
    ),
    "batch-services": (
        _e(12, "Batch services", "OBS", ["obs:bucket:ListBucket", "obs:object:GetObject", "obs:object:PutObject"],
           "Run a batch service."),
    ),
    "edge-services": (
        _e(12, "Edge services", "IEF", [
            "ief:deployment:list", "ief:deployment:create", "ief:deployment:update", "ief:deployment:delete",
            "ief:node:createNodeCert", "ief:iefInstance:list", "ief:node:list",
        ], "Deploy an edge service using IEF."),
    ),
    # Table 13 Basic agency authorization for managing data
    "datasets": (
        _e(13, "Dataset and data labeling", "OBS", [
            "obs:object:GetObject", "obs:object:PutObject", "obs:object:DeleteObject", "obs:object:PutObjectAcl",
            "obs:bucket:ListBucket", "obs:bucket:HeadBucket", "obs:bucket:GetBucketAcl", "obs:bucket:PutBucketAcl",
            "obs:bucket:GetBucketPolicy", "obs:bucket:PutBucketPolicy", "obs:bucket:DeleteBucketPolicy",
            "obs:bucket:PutBucketCORS", "obs:bucket:GetBucketCORS",
        ], "Manage datasets in an OBS bucket."),
    ),
    "auto-labeling": (
        _e(13, "Labeling data", "ModelArts inference", [
            "modelarts:service:get", "modelarts:service:create", "modelarts:service:update",
        ], "Perform auto labeling based on ModelArts inference."),
    ),
    # Table 14 Basic agency authorization for managing dedicated resource pools
    "network-management": (
        _e(14, "Network management (New version)", "VPC", _VPC_NETWORK,
           "Create and delete ModelArts networks, and interconnect VPCs. " + _PROJECT_VIEW),
        _e(14, "Network management (New version)", "SFS Turbo", _SFS_TURBO_NIC,
           "Interconnect your network with SFS Turbo. " + _PROJECT_VIEW),
    ),
    "resource-pools": (
        _e(14, "Managing resource pools", "BSS", _BSS_POOL,
           "Create, renew, and unsubscribe from a resource pool. " + _PROJECT_VIEW),
        _e(14, "Managing resource pools", "ECS", ["ecs:availabilityZones:list"], "Show AZs. " + _PROJECT_VIEW),
    ),
}

#: Functions every selection includes because the seed marks a row of them "(Mandatory)".
MANDATORY_FUNCTIONS: tuple[str, ...] = tuple(
    sorted(key for key, entries in USER_FUNCTIONS.items() if any(e.mandatory for e in entries))
)


def function_keys() -> tuple[str, ...]:
    """Every valid function key, sorted."""
    return tuple(sorted(USER_FUNCTIONS))


def agency_function_keys() -> tuple[str, ...]:
    """The function keys for which the seed lists agency actions (tables 10-14), sorted."""
    return tuple(sorted(AGENCY_FUNCTIONS))


def check_function(key: str) -> None:
    """Raise ``ValueError(rule)`` unless ``key`` is a function key (the rule the contract and components share)."""
    if not isinstance(key, str) or key not in USER_FUNCTIONS:
        raise ValueError(f"is not a ModelArts function (expected one of: {', '.join(function_keys())})")


def validate_functions(functions: Iterable[str], path: str = "functions") -> tuple[str, ...]:
    """Return the selection, sorted and de-duplicated, or raise ``ValueError`` naming the bad key.

    ``path`` is the config path used in the message, e.g. ``workspaces[0].roles[1].functions``.
    """
    if isinstance(functions, str):
        raise ValueError(f"{path}: expected a list of function keys, got the string {functions!r}")
    selected = tuple(functions)
    for index, key in enumerate(selected):
        try:
            check_function(key)
        except ValueError as e:
            raise ValueError(f"{path}[{index}]: {key!r} {e}") from None
    return tuple(sorted(set(selected)))


def _selection(functions: Iterable[str], include_mandatory: bool) -> tuple[str, ...]:
    selected = set(validate_functions(functions))
    if include_mandatory:
        selected.update(MANDATORY_FUNCTIONS)
    return tuple(sorted(selected))


def user_entries(functions: Iterable[str], include_mandatory: bool = True) -> tuple[Entry, ...]:
    """The user-permission entries of the selected functions (plus the mandatory ones), in key order."""
    return tuple(e for key in _selection(functions, include_mandatory) for e in USER_FUNCTIONS[key])


def agency_entries(functions: Iterable[str]) -> tuple[Entry, ...]:
    """The agency entries of the selected functions; functions without an agency table contribute nothing."""
    return tuple(e for key in validate_functions(functions) for e in AGENCY_FUNCTIONS.get(key, ()))


def _by_scope(entries: Iterable[Entry]) -> dict[str, list[str]]:
    grouped: dict[str, set[str]] = {}
    for entry in entries:
        if entry.actions:
            grouped.setdefault(entry.scope, set()).update(entry.actions)
    return {scope: sorted(grouped[scope]) for scope in SCOPES if scope in grouped}


def user_actions(functions: Iterable[str], include_mandatory: bool = True) -> dict[str, list[str]]:
    """Scope -> sorted, de-duplicated user actions for the selection. Empty scopes are left out.

    Mandatory rows (table 1, ``iam:tokens:assume``) are included unless ``include_mandatory`` is false.
    """
    return _by_scope(user_entries(functions, include_mandatory))


def user_system_policies(functions: Iterable[str]) -> list[str]:
    """Sorted system-policy display names the selection needs (table 3 rows that name no actions)."""
    return sorted({p for e in user_entries(functions, include_mandatory=False) for p in e.system_policies})


def agency_actions_by_scope(functions: Iterable[str]) -> dict[str, list[str]]:
    """Scope -> sorted agency actions for the selection (tables 10-14). Empty scopes are left out."""
    return _by_scope(agency_entries(functions))


def agency_actions(functions: Iterable[str]) -> list[str]:
    """Sorted, de-duplicated agency actions for the selection, all scopes together."""
    return sorted({a for e in agency_entries(functions) for a in e.actions})
