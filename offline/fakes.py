"""Placeholder answers for the mock runtime: what the provider would compute, with obviously fake values.

Only outputs this project reads are filled in; everything else echoes the inputs, as the mock runtime does.
Ids are placeholders (`mock-...`), never real cloud ids.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from . import tokens

MOCK_ACCOUNT_ID = "1000000000000000"
MOCK_REGION = "cn-hangzhou"
MOCK_HW_REGION = "cn-north-4"


def _short(type_token: str) -> str:
    return type_token.rsplit(":", 1)[-1]


def _digest(text: str, n: int = 8) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def new_resource(
    type_token: str, name: str, inputs: dict[str, Any], region: str = MOCK_REGION
) -> tuple[str, dict[str, Any]]:
    """Return (id, state) for a resource registration in `region` (the stack's `alicloud:region`)."""
    rid = f"mock-{_short(type_token).lower()}-{_digest(type_token + name)}"
    state = dict(inputs)
    kind = tokens.name_of(type_token)
    if kind == "ALI_USER":
        rid = str(int(_digest("user" + name, 12), 16))  # RAM user ids are numeric UserIds
    elif kind == "ALI_BUCKET":
        state.setdefault("extranetEndpoint", f"oss-{region}.aliyuncs.com")
        state.setdefault("intranetEndpoint", f"oss-{region}-internal.aliyuncs.com")
        rid = str(inputs.get("bucket", rid))
    elif kind == "ALI_NAS":
        rid = f"{_digest(name, 10)}"
    elif kind == "ALI_NAS_ACCESS_GROUP":
        rid = f"{inputs.get('accessGroupName')}:{inputs.get('fileSystemType', 'standard')}"
    elif kind == "ALI_MOUNT":
        domain = f"{inputs.get('fileSystemId', 'fs')}-{_digest(name, 5)}.{region}.nas.aliyuncs.com"
        state["mountTargetDomain"] = domain
        rid = f"{inputs.get('fileSystemId')}:{domain}"
    elif kind == "ALI_WORKSPACE":
        rid = str(int(_digest("ws" + name, 6), 16))
        state.setdefault("status", "ENABLED")
    elif kind == "ALI_MEMBER":
        state["memberId"] = f"mock-member-{_digest(name)}"
        rid = f"{inputs.get('workspaceId')}:{state['memberId']}"
    elif kind == "ALI_ACCESS_KEY":
        state["secret"] = "mock-access-key-secret"
    elif kind == "RANDOM_PASSWORD":
        state["result"] = "Mock-Passw0rd-" + _digest(name, 10)
    elif kind == "ALI_SERVICE_LINKED_ROLE":
        state.setdefault("roleName", f"AliyunServiceRoleFor{_digest(name, 6)}")
        state["arn"] = f"acs:ram::{MOCK_ACCOUNT_ID}:role/{state['roleName'].lower()}"
        rid = f"{inputs.get('serviceName')}:{state['roleName']}"
    elif kind == "HW_BUCKET":
        rid = str(inputs.get("bucket", rid))
        state.setdefault("bucketDomainName", f"{rid}.obs.{inputs.get('region') or MOCK_HW_REGION}.myhuaweicloud.com")
    elif kind == "HW_TURBO":
        state.setdefault("exportLocation", f"{_digest(name, 8)}.sfsturbo.internal:/")
    elif kind == "ALI_ROLE":
        role = inputs.get("roleName") or name
        state["arn"] = f"acs:ram::{MOCK_ACCOUNT_ID}:role/{str(role).lower()}"
    return rid, state


def invoke(token: str, args: dict[str, Any], region: str = MOCK_REGION) -> dict[str, Any]:
    """Return the result of a data-source call in `region`."""
    kind = tokens.name_of(token)
    if kind == "ALI_GET_ACCOUNT":
        return {"id": MOCK_ACCOUNT_ID}
    if kind == "ALI_GET_USERS":  # the one user the anchored, escaped `nameRegex` names
        pattern = str(args.get("nameRegex", ""))
        name = re.sub(r"^(\(\?i\))?\^|\$$", "", pattern).replace("\\", "")
        uid = str(int(_digest("existing" + name, 12), 16))
        return {"id": uid, "ids": [uid], "names": [name], "nameRegex": pattern, "users": [{"id": uid, "name": name}]}
    if kind == "ALI_GET_NETWORKS":  # every asked VPC exists
        ids = list(args.get("ids") or [])
        vpcs = [{"id": v, "vpcId": v, "cidrBlock": "172.31.0.0/16", "regionId": region, "status": "Available"} for v in ids]
        return {"id": "mock-networks", "ids": ids, "vpcs": vpcs}
    if kind == "ALI_GET_SWITCHES":  # every asked vSwitch exists, in the asked VPC
        ids = list(args.get("ids") or [])
        vpc_id = args.get("vpcId") or "mock-vpc-" + _digest(",".join(ids))
        switches = [
            {"id": vid, "vswitchId": vid, "vpcId": vpc_id, "cidrBlock": f"172.31.{i}.0/24",
             "zoneId": f"{region}-{'hijk'[i % 4]}", "status": "Available"}
            for i, vid in enumerate(ids)
        ]
        return {"id": "mock-switches", "ids": ids, "vpcId": args.get("vpcId"), "vswitches": switches}
    if kind == "HW_GET_ROLE":  # a system policy, looked up by its display name
        display = str(args.get("displayName") or args.get("name") or "")
        return {"id": f"mock-system-role-{_digest(display)}", "displayName": display, "name": display,
                "catalog": "mock", "description": "", "policy": "{}", "type": "XA"}
    if token.endswith("/getService:getService"):
        return {"id": "mock-service", "enable": args.get("enable", "Off"), "status": "Opened"}
    return {}
