"""The PAI permission catalogue: the source documents' tables as data. Pure Python, no Pulumi.

Seeds (../shared/seeds/):
- 000 "PAI modules and dependent Alibaba Cloud services" (English; 001 is the same text in Japanese);
- 002 "Permission management" (the dependent-service table per PAI sub-service and the activation-policy table);
- 003 "Custom policies for resource pools and resource quotas" (see `components/alicloud/plan/quota.py`).
Every entry says where it comes from; where the seeds are silent the source is an Alibaba Cloud page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

# --- Dependent cloud services -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    """A cloud service PAI depends on, and the system policies a RAM user needs to activate it."""

    key: str
    title: str
    activation_policies: tuple[str, ...]
    source: str
    usage_role: Optional[str] = None
    """PAI workspace role a member also needs to use the service (002 MaxCompute row: 'Add the MaxCompute
    Developer role for RAM accounts in the workspace')."""


SERVICES: dict[str, Service] = {
    s.key: s
    for s in (
        Service("oss", "Object Storage Service (OSS)", ("AliyunOSSFullAccess",), "002 dependent-service table, row OSS"),
        Service(
            "maxcompute",
            "MaxCompute",
            ("AliyunBSSOrderAccess", "AliyunDataWorksFullAccess"),
            "002 dependent-service table, row MaxCompute; 000 'Activate MaxCompute'",
            usage_role="PAI.MaxComputeDeveloper",
        ),
        Service("flink", "Realtime Compute for Apache Flink", ("AliyunStreamFullAccess",), "002 table, row Flink"),
        Service("nas", "File Storage NAS", ("AliyunNASFullAccess",), "002 table, row NAS"),
        Service("apigateway", "API Gateway", ("AliyunApiGatewayFullAccess",), "002 table, row API Gateway"),
        Service("sls", "Simple Log Service (SLS)", ("AliyunLogFullAccess",), "002 table, row SLS"),
        Service("vpc", "Virtual Private Cloud (VPC)", ("AliyunVPCFullAccess",), "002 table, row VPC"),
        Service("cloudmonitor", "CloudMonitor", ("AliyunCloudMonitorFullAccess",), "002 table, row Cloud Monitor"),
        Service("arms", "OpenTelemetry (ARMS)", ("AliyunARMSFullAccess",), "002 table, row OpenTelemetry"),
        Service("acr", "Container Registry (ACR)", ("AliyunContainerRegistryFullAccess",), "002 table, row ACR"),
        # 000 "Manage AI workspaces / Dependent cloud service: EventBridge": job notifications go through EventBridge.
        # The seeds name no activation policy for it. AliyunEventBridgeFullAccess is EventBridge's full-management
        # system policy ("eventbridge:*" plus creating EventBridge's own service-linked roles), verified on
        # https://help.aliyun.com/zh/ram/developer-reference/aliyuneventbridgefullaccess and in the system-policy
        # table of https://alibabacloud.com/help/en/eventbridge/policies (alongside ...ReadOnlyAccess).
        Service(
            "eventbridge",
            "EventBridge",
            ("AliyunEventBridgeFullAccess",),
            "000 'Manage AI workspaces: Dependent cloud service: EventBridge'; policy: RAM reference "
            "aliyuneventbridgefullaccess",
        ),
    )
}

# --- PAI modules --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    """A PAI module a team can select, and the dependent services it pulls in."""

    key: str
    title: str
    services: tuple[str, ...]
    source: str


MODULES: dict[str, Module] = {
    m.key: m
    for m in (
        Module("itag", "iTAG (data labelling)", ("oss",), "002 table row iTAG; 000 'AI development: iTAG'"),
        Module(
            "designer",
            "Machine Learning Designer",
            ("oss", "maxcompute", "flink"),
            "002 table row Designer; 000 'AI development: Machine Learning Designer'",
        ),
        Module("dsw", "Data Science Workshop (DSW)", ("oss", "nas", "vpc"), "002 table row DSW; 000 'DSW'"),
        Module("dlc", "Deep Learning Containers (DLC)", ("oss", "nas", "vpc"), "002 table row DLC; 000 'DLC'"),
        Module("automl", "AutoML", ("oss", "maxcompute"), "002 table row AutoML"),
        Module(
            "eas",
            "Elastic Algorithm Service (EAS)",
            ("oss", "apigateway", "sls", "vpc", "cloudmonitor"),
            "002 table row EAS; 000 'AI development: EAS'",
        ),
        Module("langstudio", "LangStudio", ("oss", "sls", "vpc", "arms"), "002 table row LangStudio"),
        Module("assets", "AI asset management", ("acr",), "002 table row AI asset management; 000 'AI Computing Asset Management'"),
        # 000 "AI acceleration" and 002 "Most AI Acceleration features only require ... no additional authorization";
        # dataset acceleration needs its own instance and the policy pair below, but no dependent cloud service.
        Module("dataset-acceleration", "Dataset acceleration", (), "000 'AI acceleration'; 002 'AI Acceleration'"),
    )
}

WORKSPACE_SERVICES: tuple[str, ...] = ("eventbridge",)
"""Services the workspace itself depends on, whatever its modules (000 'Manage AI workspaces')."""


def services_for(modules: Iterable[str], *, include_workspace: bool = True) -> tuple[str, ...]:
    """The dependent services of a set of modules, in catalogue order (stable, so renders never reorder)."""
    wanted = {s for m in modules for s in MODULES[m].services}
    if include_workspace:
        wanted.update(WORKSPACE_SERVICES)
    return tuple(k for k in SERVICES if k in wanted)


class UsesModules:
    """What a workspace's modules pull in, for anything with a `modules` list (the contract's workspace, the bundle's
    Args): one definition, so both read the catalogue the same way. The class using it has `modules`, a sequence
    of module keys (not annotated here: pydantic would take the annotation for a field of the contract)."""

    @property
    def services(self) -> tuple[str, ...]:
        """The cloud services the modules depend on (seed 002), in catalogue order."""
        return services_for(self.modules)

    def needs(self, service: str) -> bool:
        return service in self.services


def activation_policies_for(services: Iterable[str]) -> tuple[str, ...]:
    """System policies that let a RAM user activate `services` (002 activation table), de-duplicated, ordered."""
    seen: dict[str, None] = {}
    for key in SERVICES:
        if key in set(services):
            for p in SERVICES[key].activation_policies:
                seen.setdefault(p, None)
    return tuple(seen)


# --- PAI workspace roles ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    """A PAI workspace member role: the id CreateMember takes and its console name."""

    id: str
    console_name: str
    slug: str
    """Short name used in RAM group names (letters, digits and hyphens)."""
    writes_data: bool
    """Whether members in this role write to the workspace's storage (read-write data policy) or only read."""


# Role ids: CreateMember, AddMemberRole and RemoveMemberRole API references list exactly these seven, each with its
# console name (https://help.aliyun.com/zh/pai/user-guide/api-aiworkspace-2021-02-04-createmember,
# https://help.aliyun.com/zh/pai/user-guide/api-aiworkspace-2021-02-04-addmemberrole,
# https://help.aliyun.com/zh/pai/developer-reference/api-aiworkspace-2021-02-04-removememberrole; ROS
# ALIYUN::PAI::Member https://help.aliyun.com/zh/document_detail/3029485.html in English); console names: "Appendix:
# Roles and permissions" (https://alibabacloud.com/help/en/pai/appendix-list-of-roles-and-permissions); seed 002
# "Authorize RAM users to use PAI sub-services" lists the same console roles.
ROLES: dict[str, Role] = {
    r.id: r
    for r in (
        Role("PAI.WorkspaceOwner", "Workspace Administrator/Owner (owner)", "owner", True),
        Role("PAI.WorkspaceAdmin", "Workspace Administrator/Owner (administrator)", "admin", True),
        Role("PAI.AlgoDeveloper", "Algorithm Developer", "algo-developer", True),
        Role("PAI.AlgoOperator", "Algorithm O&M Engineer", "algo-operator", True),
        Role("PAI.LabelManager", "Labeling Administrator", "label-manager", True),
        Role("PAI.WorkspaceGuest", "Visitor", "guest", False),
        Role("PAI.MaxComputeDeveloper", "MaxCompute Developer", "maxcompute-developer", True),
    )
}

# --- System policies for users ------------------------------------------------------------------------------------

PAI_FULL_ACCESS = "AliyunPAIFullAccess"
"""Admin-only: seed 002 'Add a policy to a RAM user': it 'can purchase, create, and delete all types of resources
and has administrator permissions on all workspaces. Proceed with caution.'"""

EAS_FULL_ACCESS = "AliyunPAIEASFullAccess"  # seed 002 "EAS management permissions"
EAS_READ_ONLY = "AliyunPAIEASReadOnlyAccess"  # seed 002 "EAS read-only permissions"
DATASET_ACC_FULL_ACCESS = "AliyunDatasetAccFullAccess"
DATASET_ACCELERATION_POLICIES = (PAI_FULL_ACCESS, DATASET_ACC_FULL_ACCESS)  # seed 002 "AI Acceleration"
DATASET_ACCELERATION = "dataset-acceleration"
"""The module key of dataset acceleration: its pair goes to the resource admins of the workspaces that use it."""
OSS_FULL_ACCESS = "AliyunOSSFullAccess"
"""Every bucket of the account, the Pulumi state bucket included: only the activators group holds it (002 activation
table, row OSS), never a member by name."""

ADMIN_ONLY_POLICIES = frozenset({PAI_FULL_ACCESS})

SYSTEM_POLICIES: frozenset[str] = frozenset(
    {p for s in SERVICES.values() for p in s.activation_policies}
    | {PAI_FULL_ACCESS, "AliyunPAIReadOnlyAccess", EAS_FULL_ACCESS, EAS_READ_ONLY, *DATASET_ACCELERATION_POLICIES}
)
"""System policy names this project knows (exact case: RAM treats them case-sensitively, see PITFALLS)."""

EAS_POLICIES = {"management": EAS_FULL_ACCESS, "read-only": EAS_READ_ONLY}
"""Seed 002 'EAS provides system policies to authorize RAM users': management and read-only."""

# --- Service-linked roles -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedRole:
    """A PAI service-linked role: RAM creates it from its service name (CreateServiceLinkedRole) with its own
    system policy attached; nobody writes its trust or permission policy."""

    key: str
    role_name: str
    service_name: Optional[str]
    """The `ram:ServiceName` to create it with; None where no Alibaba Cloud page states it (then it is a manual
    step: the console's Authorize button creates it)."""
    modules: tuple[str, ...]
    """Modules that need it; empty for the workspace itself."""
    source: str


# Verified service names come from the `ram:ServiceName` condition of the role's own policy, which lets the role
# delete itself (ram:DeleteServiceLinkedRole). Roles whose page states no service name are left to the console.
LINKED_ROLES: dict[str, LinkedRole] = {
    r.key: r
    for r in (
        LinkedRole(
            "workspace", "AliyunServiceRoleForPAIWorkspace", "aiworkspace.pai.aliyuncs.com", (),
            "https://alibabacloud.com/help/en/pai/user-guide/service-linked-role-aliyunserviceroleforpaiworkspace "
            "(policy AliyunServiceRolePolicyForPAIWorkspace: eventbridge:PutEvents; ram:ServiceName condition)",
        ),
        LinkedRole(
            "automl", "AliyunServiceRoleForPaiAutoml", "automl.pai.aliyuncs.com", ("automl",),
            "https://help.aliyun.com/zh/ram/developer-reference/aliyunservicerolepolicyforpaiautoml "
            "(ram:ServiceName condition); role name also in paiautoml GetServiceIdentityRole's sample",
        ),
        LinkedRole(
            "langstudio", "AliyunServiceRoleForPaiLangStudio", "langstudio.pai.aliyuncs.com", ("langstudio",),
            "https://www.alibabacloud.com/help/en/ram/developer-reference/aliyunservicerolepolicyforpailangstudio "
            "(ram:ServiceName condition; the role name follows the naming pattern and is not stated there)",
        ),
        # Unverified service names: the role pages state the role and its policy, not the ram:ServiceName.
        LinkedRole(
            "eas", "AliyunServiceRoleForPaiEas", None, ("eas",),
            "https://alibabacloud.com/help/en/pai/user-guide/service-linked-role-for-eas (no service name stated; "
            "eas.pai.aliyuncs.com is only inferred from other policies' conditions)",
        ),
        LinkedRole(
            "dlc", "AliyunServiceRoleForPaiDlc", None, ("dlc",),
            "https://help.aliyun.com/zh/ram/developer-reference/aliyunservicerolepolicyforpaidlc",
        ),
        LinkedRole(
            "dsw", "AliyunServiceRoleForPAIDSW", None, ("dsw",),
            "https://help.aliyun.com/zh/ram/developer-reference/aliyunservicerolepolicyforpaidsw",
        ),
    )
}


@dataclass(frozen=True)
class ServiceRole:
    """A regular service role (not service-linked) a PAI module assumes; the account creates it by one-click
    authorization in the console. Its trusted principal is not documented, so this project never writes it."""

    role_name: str
    policy: str
    modules: tuple[str, ...]
    source: str


SERVICE_ROLES: tuple[ServiceRole, ...] = (
    ServiceRole(
        "AliyunPAIDLCDefaultRole", "AliyunPAIDLCDefaultRolePolicy", ("dlc",),
        "https://www.alibabacloud.com/help/en/ram/developer-reference/aliyunpaidlcdefaultrolepolicy; "
        "https://alibabacloud.com/help/en/pai/user-guide/grant-the-permissions-that-are-required-to-use-dlc "
        "('Only a root account can grant permissions')",
    ),
    ServiceRole(
        "AliyunPAIDSWDefaultRole", "AliyunPAIDSWDefaultRolePolicy", ("dsw",),
        "https://www.alibabacloud.com/help/en/ram/developer-reference/aliyunpaidswdefaultrolepolicy",
    ),
)


def linked_roles_for(modules: Iterable[str]) -> tuple[LinkedRole, ...]:
    """The service-linked roles a set of modules needs (the workspace's always), in catalogue order."""
    wanted = set(modules)
    return tuple(r for r in LINKED_ROLES.values() if not r.modules or wanted.intersection(r.modules))


def service_roles_for(modules: Iterable[str]) -> tuple[ServiceRole, ...]:
    wanted = set(modules)
    return tuple(r for r in SERVICE_ROLES if wanted.intersection(r.modules))
