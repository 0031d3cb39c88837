"""The bundles as a multi-language component package (issue 13, item 3): `package/`.

What the Pulumi CLI would do with the package is done here in-process, without the CLI:
- the schema is produced by the SDK's own code path (`ComponentProvider.__init__`: the analyzer, then
  `generate_schema`), exactly what `component_provider_host` serves to `pulumi package add` / `gen-sdk`;
- a component is constructed through `ComponentProvider.construct` (what the host does on a Construct request) with
  camelCase inputs as the engine sends them, under the project's recording mock runtime.
"""

from __future__ import annotations

import json
import runpy
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.server import ComponentInitError

from conftest import ROOT
from huawei_tokens import AGENCY, BUCKET as OBS_BUCKET, GROUP as IAM_GROUP, USER as IAM_USER
from offline import tokens as T
from offline.runtime import Plan, RecordingMocks, run
from package import COMPONENTS, NAME, VERSION
from package.plain import RULE

PACKAGE = ROOT / "package"
ALI = "pai:index:AlibabaWorkspace"
HW = "pai:index:ModelArtsWorkspace"
WORKSPACE = T.ALI_WORKSPACE
MEMBER = T.ALI_MEMBER
RAM_USER = T.ALI_USER


def schema() -> dict[str, Any]:
    return json.loads(ComponentProvider(COMPONENTS, NAME, None, VERSION).schema)


def sig(p: dict[str, Any]) -> str:
    """A property's type in one word: string, integer, boolean, Any, Name (a type of the package), array<...>,
    map<...>."""
    if "$ref" in p:
        return "Any" if p["$ref"] == "pulumi.json#/Any" else p["$ref"].split(":")[-1]
    if p["type"] == "array":
        return f"array<{sig(p['items'])}>"
    if p["type"] == "object" and "additionalProperties" in p:
        return f"map<{sig(p['additionalProperties'])}>"
    return p["type"]


def table(props: dict[str, Any]) -> dict[str, str]:
    """name -> type, with `!` for an input that may be an output (not plain)."""
    return {k: sig(p) + ("" if p.get("plain") else "!") for k, p in props.items()}


# The schema, as documented in docs/package.md. `!`: may be another resource's output (every other input must be
# known when the component is constructed). Outputs are never plain; the marker is left off there.
ALI_INPUTS = {
    "name": "string", "description": "string", "modules": "array<string>", "namePrefix": "string",
    "members": "array<AlibabaMember>", "displayName": "string", "envTypes": "array<string>",
    "network": "AlibabaNetwork", "existingNetwork": "AlibabaExistingNetwork", "buckets": "array<AlibabaBucket>",
    "fileSystems": "array<AlibabaFileSystem>", "policies": "array<AlibabaPolicy>",
    "quotaAccess": "array<AlibabaQuotaGrant>", "protect": "boolean", "tags": "map<string>", "region": "string",
}
ALI_OUTPUTS = {
    "workspaceId": "string", "workspaceName": "string", "bucketNames": "map<string>", "fileSystemIds": "map<string>",
    "groupNames": "map<string>", "userIds": "map<string>", "vpcId": "string", "vswitchIds": "array<string>",
    "initialPasswords": "map<string>", "accessKeyIds": "map<string>", "accessKeySecrets": "map<string>",
}
HW_INPUTS = {
    "name": "string", "projectName": "string", "projectId": "string!", "domainId": "string!",
    "roles": "array<ModelArtsRole>", "members": "array<ModelArtsMember>", "buckets": "array<ModelArtsBucket>",
    "fileSystems": "array<ModelArtsFileSystem>", "network": "ModelArtsNetwork", "createAgency": "boolean",
    "agency": "ModelArtsAgencySettings", "includeMandatory": "boolean", "tags": "map<string>",
}
HW_OUTPUTS = {
    "bucketNames": "map<string>", "bucketEndpoints": "map<string>", "fileSystemIds": "map<string>",
    "fileSystemExportLocations": "map<string>", "groupNames": "map<string>", "groupIds": "map<string>",
    "userIds": "map<string>", "agencyName": "string", "vpcId": "string", "policies": "map<string>",
    "initialPasswords": "map<string>",
}
TYPES = {
    "AlibabaMember": ({"name": "string", "roles": "array<string>", "displayName": "string",
                       "consoleLogin": "boolean", "accessKey": "boolean", "existingUserId": "string!",
                       "activator": "boolean", "systemPolicies": "array<string>"}, ["name", "roles"]),
    "AlibabaNetwork": ({"cidr": "string", "vswitches": "array<AlibabaVSwitch>"}, ["cidr", "vswitches"]),
    "AlibabaVSwitch": ({"zoneId": "string", "cidr": "string"}, ["cidr", "zoneId"]),
    "AlibabaExistingNetwork": ({"vpcId": "string", "vswitches": "array<AlibabaExistingVSwitch>"},
                               ["vpcId", "vswitches"]),
    "AlibabaExistingVSwitch": ({"id": "string", "cidr": "string"}, ["cidr", "id"]),
    "AlibabaBucket": ({"key": "string", "name": "string", "storageClass": "string", "redundancyType": "string",
                       "encryption": "string", "kmsKeyId": "string", "protect": "boolean"}, ["key"]),
    "AlibabaFileSystem": ({"key": "string", "fileSystemType": "string", "protocolType": "string",
                           "storageType": "string", "capacity": "integer", "zoneId": "string",
                           "description": "string", "protect": "boolean"}, ["key"]),
    "AlibabaPolicy": ({"name": "string", "statements": "array<AlibabaPolicyStatement>", "roles": "array<string>",
                       "description": "string"}, ["name", "statements"]),
    "AlibabaPolicyStatement": ({"actions": "array<string>", "resources": "array<string>", "effect": "string",
                                "condition": "map<map<Any>>"}, ["actions"]),
    "AlibabaQuotaGrant": ({"name": "string", "scenario": "string", "roles": "array<string>",
                           "resourceGroups": "array<string>", "quotaId": "string", "lingjunVpc": "boolean"},
                          ["name", "roles", "scenario"]),
    "ModelArtsRole": ({"key": "string", "functions": "array<string>", "description": "string"}, ["functions", "key"]),
    "ModelArtsMember": ({"name": "string", "roles": "array<string>", "existingUserId": "string!",
                         "password": "string!", "generatePassword": "boolean", "email": "string",
                         "accessType": "string", "pwdReset": "boolean"}, ["name", "roles"]),
    "ModelArtsBucket": ({"key": "string", "name": "string", "encryption": "boolean", "sseAlgorithm": "string",
                         "kmsKeyId": "string", "versioning": "boolean", "storageClass": "string",
                         "protect": "boolean", "forceDestroy": "boolean"}, ["key", "name"]),
    "ModelArtsFileSystem": ({"key": "string", "name": "string", "size": "integer", "availabilityZone": "string",
                             "shareType": "string", "cryptKeyId": "string", "protect": "boolean"},
                            ["availabilityZone", "key", "name", "size"]),
    "ModelArtsNetwork": ({"name": "string", "vpcCidr": "string", "subnetCidr": "string", "gatewayIp": "string",
                          "availabilityZone": "string", "existingVpcId": "string", "existingSubnetId": "string",
                          "existingSecurityGroupId": "string"}, ["name"]),
    "ModelArtsAgencySettings": ({"name": "string", "functions": "array<string>", "policyPrefix": "string",
                                 "delegatedServiceName": "string", "duration": "string", "useFullSet": "boolean",
                                 "fullSetRoles": "array<string>", "description": "string"}, ["functions", "name"]),
}


def test_the_schema_has_the_two_components_and_their_types():
    s = schema()
    assert (s["name"], s["version"]) == ("pai", VERSION)
    assert sorted(s["resources"]) == [ALI, HW]
    assert sorted(s["types"]) == sorted(f"pai:index:{t}" for t in TYPES)
    assert all(r["isComponent"] for r in s["resources"].values())


@pytest.mark.parametrize("token,inputs,required,outputs", [
    (ALI, ALI_INPUTS, ["description", "modules", "name", "namePrefix"], ALI_OUTPUTS),
    (HW, HW_INPUTS, ["domainId", "name", "projectId", "projectName", "roles"], HW_OUTPUTS),
])
def test_every_input_and_output_with_its_type_and_required_inputs(token, inputs, required, outputs):
    r = schema()["resources"][token]
    assert table(r["inputProperties"]) == inputs
    assert sorted(r["requiredInputs"]) == required
    assert {k: v.rstrip("!") for k, v in table(r["properties"]).items()} == outputs
    assert sorted(r["required"]) == sorted(outputs)  # every output is always set (empty map / string when none)


@pytest.mark.parametrize("name", sorted(TYPES))
def test_every_type_property_with_its_type_and_required_ones(name):
    t = schema()["types"][f"pai:index:{name}"]
    props, required = TYPES[name]
    assert t["type"] == "object"
    assert table(t["properties"]) == props
    assert sorted(t.get("required", [])) == sorted(required)


def _described(where: str, p: dict[str, Any]) -> list[str]:
    missing = [] if (p.get("description") or "").strip() else [where]
    for sub in ("items", "additionalProperties"):
        if sub in p:
            missing += _described(f"{where}.{sub}", p[sub])
    return missing


def test_everything_is_described_and_no_description_carries_source_indentation():
    s = schema()
    missing, indented = [], []
    for token, r in s["resources"].items():
        for kind in ("inputProperties", "properties"):
            for k, p in r[kind].items():
                missing += _described(f"{token}.{kind}.{k}", p)
        missing += [] if r.get("description") else [token]
    for token, t in s["types"].items():
        missing += [] if (t.get("description") or "").strip() else [token]
        for k, p in t["properties"].items():
            missing += _described(f"{token}.{k}", p)
    assert missing == []

    def walk(v: Any, where: str) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{where}.{k}")
        elif isinstance(v, str) and "\n " in v:  # markdown would render an indented line as code
            indented.append(where)

    walk(s, "schema")
    assert indented == []


def test_the_plugin_manifest_and_entry_point():
    assert yaml.safe_load((PACKAGE / "PulumiPlugin.yaml").read_text()) == {"runtime": "python"}
    seen: dict[str, Any] = {}
    import pulumi.provider.experimental as experimental

    original = experimental.component_provider_host
    experimental.component_provider_host = lambda components, **kw: seen.update(components=components, **kw)
    try:
        runpy.run_path(str(PACKAGE / "__main__.py"), run_name="__main__")
    finally:
        experimental.component_provider_host = original
    assert seen == {"components": COMPONENTS, "name": "pai", "version": VERSION}
    assert [c.__name__ for c in COMPONENTS] == ["AlibabaWorkspace", "ModelArtsWorkspace"]



def test_the_plugin_process_serves_the_schema_over_grpc():
    """What `pulumi package add` does first: start the plugin (the language host runs `python <dir> <engine>`)
    and ask it for its schema. The engine address is only used for logs; none is needed for GetSchema."""
    import subprocess
    import sys

    import grpc
    from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

    plugin = subprocess.Popen([sys.executable, str(PACKAGE), "127.0.0.1:1"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=str(ROOT.parent))
    try:
        port = int(plugin.stdout.readline().strip())  # type: ignore[union-attr]  # the provider prints its port
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            reply = stub.GetSchema(provider_pb2.GetSchemaRequest(), timeout=30)
        assert json.loads(reply.schema) == schema()
    finally:
        plugin.kill()
        plugin.communicate(timeout=10)

# --- constructing the components as the host does -------------------------------------------------------------


def construct(token: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """What the host does on a Construct request: map the camelCase inputs, call the class, read its state."""
    result = ComponentProvider(COMPONENTS, NAME, None, VERSION).construct(name, token, inputs, None)
    return dict(result.state)


def plan(program) -> Plan:
    return run(program, project="pai-package", stack="test", config={"alicloud:region": "ap-southeast-1"})


ALI_INPUT = {
    "name": "vision_lab",
    "description": "Vision lab, from the pai package",
    "modules": ["dsw", "designer"],
    "namePrefix": "pkg",
    "network": {"cidr": "10.40.0.0/16", "vswitches": [{"zoneId": "ap-southeast-1a", "cidr": "10.40.1.0/24"},
                                                      {"zoneId": "ap-southeast-1b", "cidr": "10.40.2.0/24"}]},
    "buckets": [{"key": "datasets", "storageClass": "IA"}],
    "fileSystems": [{"key": "home", "description": "vision-home"}],
    "members": [{"name": "mei", "roles": ["PAI.WorkspaceAdmin"], "consoleLogin": True},
                {"name": "ravi", "roles": ["PAI.AlgoDeveloper"], "accessKey": True}],
    "policies": [{"name": "eas-read", "statements": [{"actions": ["eas:ListServices"]}],
                  "roles": ["PAI.AlgoDeveloper"]}],
    "tags": {"team": "vision"},
    "region": "ap-southeast-1",
}


def test_the_alibaba_workspace_builds_the_library_bundle_and_its_users():
    def program():
        state = construct(ALI, "vision", ALI_INPUT)
        for k, v in state.items():
            pulumi.export(k, v)

    p = plan(program)
    (wrapper,) = p.by_type(ALI)
    children = {r.type for r in p.resources if r.parent == wrapper.urn}
    assert children == {"pai:identity:Users", "pai:bundle:WorkspaceBundle"}
    ws = p.one(WORKSPACE, "vision")
    assert ws.inputs["workspaceName"] == "vision_lab" and ws.protect
    assert sorted(r.inputs["name"] for r in p.by_type(RAM_USER)) == ["mei", "ravi"]
    assert sorted(s.inputs["zoneId"] for s in p.by_type(T.ALI_VSWITCH)) == ["ap-southeast-1a",
                                                                                            "ap-southeast-1b"]
    assert len(p.by_type(T.ALI_NAS)) == 1
    members = {m.inputs["userId"] for m in p.by_type(MEMBER)}
    assert members == {r.id for r in p.by_type(RAM_USER)}

    out = p.plain_outputs()
    assert out["bucketNames"] == {"datasets": "pkg-vision-lab-datasets"}
    assert out["workspaceName"] == "vision_lab" and out["workspaceId"] == ws.id
    assert set(out["userIds"]) == {"mei", "ravi"} and out["vpcId"] and len(out["vswitchIds"]) == 2
    assert set(out["groupNames"]) and all(g.startswith("pkg-") for g in out["groupNames"].values())
    assert set(out["fileSystemIds"]) == {"home"}
    assert set(out["initialPasswords"]) == {"mei"} and set(out["accessKeySecrets"]) == {"ravi"}
    redacted = p.redacted_outputs()
    assert redacted["initialPasswords"] == "[secret]" and redacted["accessKeySecrets"] == "[secret]"


def test_a_person_in_two_workspaces_is_created_once_and_referenced_by_id():
    def program():
        first = construct(ALI, "vision", ALI_INPUT)
        mei = first["userIds"].apply(lambda ids: ids["mei"])  # an output: what the engine sends for ${...}
        construct(ALI, "speech", {**ALI_INPUT, "name": "speech_lab", "modules": ["designer"], "network": None,
                                  "fileSystems": [], "members": [{"name": "mei", "roles": ["PAI.AlgoDeveloper"],
                                                                  "existingUserId": mei}]})

    p = plan(program)
    user = p.one(RAM_USER, "user-mei")
    speech_members = [m for m in p.by_type(MEMBER) if m.name.startswith("speech")]
    assert [m.inputs["userId"] for m in speech_members] == [user.id]
    assert len(p.by_type(WORKSPACE)) == 2


def _refused(token: str, inputs: dict[str, Any]) -> tuple[list[str], list[str]]:
    mocks = RecordingMocks()
    registered: list[str] = []
    mocks.new_resource = lambda a: registered.append(a.typ) or ("id", {})  # type: ignore[method-assign]
    with pytest.raises(ComponentInitError) as e:
        run(lambda: construct(token, "team", inputs), project="pai-package", stack="test", mocks=mocks)
    return str(e.value.inner).split("\n"), registered


def test_an_output_where_a_plain_value_is_needed_is_refused_before_anything_is_registered():
    def program():
        unknown = pulumi.Output.from_input("10.40.0.0/16").apply(lambda v: v)
        lines, registered = [], []
        try:
            construct(ALI, "team", {**ALI_INPUT, "network": {**ALI_INPUT["network"], "cidr": unknown},
                                    "tags": pulumi.Output.secret({"team": "vision"})})
        except ComponentInitError as e:
            lines = str(e.inner).split("\n")
        assert lines == [f"team.network.cidr: {RULE}", f"team.tags: {RULE}"]

    p = plan(program)
    assert p.resources == []


def test_the_library_refuses_bad_arguments_every_mistake_at_once_before_the_users_are_created():
    lines, registered = _refused(ALI, {**ALI_INPUT, "name": "9lives", "buckets": [{"key": "Bad_Key"}],
                                       "members": [{"name": "mei", "roles": ["PAI.Nobody"]}]})
    assert registered == []
    assert [line.split(": ", 1)[0] for line in lines] == ["team.buckets[0].key", "team.members[0].roles[0]",
                                                         "team.name"]


def test_a_missing_required_input_is_refused_by_the_host():
    from pulumi.errors import InputPropertyError

    with pytest.raises(InputPropertyError, match="Missing required input 'namePrefix'"):
        ComponentProvider(COMPONENTS, NAME, None, VERSION).construct(
            "team", ALI, {k: v for k, v in ALI_INPUT.items() if k != "namePrefix"}, None)


HW_INPUT = {
    "name": "vision",
    "projectName": "cn-north-4",
    "projectId": "0123456789abcdef0123456789abcdef",
    "domainId": "fedcba9876543210fedcba9876543210",
    "roles": [{"key": "trainer", "functions": ["training-jobs", "notebooks"]}],
    "members": [{"name": "mei", "roles": ["trainer"], "generatePassword": True},
                {"name": "ravi", "roles": ["trainer"], "existingUserId": "ravi-user-id"}],
    "buckets": [{"key": "datasets", "name": "pkg-vision-datasets"}],
    "fileSystems": [{"key": "shared", "name": "vision-shared", "size": 500.0, "availabilityZone": "cn-north-4a"}],
    "network": {"name": "vision", "vpcCidr": "192.168.0.0/16", "subnetCidr": "192.168.1.0/24"},
    "tags": {"team": "vision"},
}


def test_the_modelarts_workspace_builds_the_library_bundle():
    def program():
        state = construct(HW, "vision", {**HW_INPUT, "projectId": pulumi.Output.from_input(HW_INPUT["projectId"])})
        for k, v in state.items():
            pulumi.export(k, v)

    p = plan(program)
    (wrapper,) = p.by_type(HW)
    assert {r.type for r in p.resources if r.parent == wrapper.urn} == {"modelarts:bundle:Workspace"}
    assert [u.inputs["name"] for u in p.by_type(IAM_USER)] == ["mei"]  # ravi is an existing user
    assert [g.inputs["name"] for g in p.by_type(IAM_GROUP)] == ["vision-trainer"]
    assert len(p.by_type(AGENCY)) == 1
    (bucket,) = p.by_type(OBS_BUCKET)
    assert bucket.inputs["tags"] == {"team": "vision"}
    (turbo,) = p.by_type(T.HW_TURBO)
    assert turbo.inputs["size"] == 500  # integers arrive as floats: the host turns them back into ints

    out = p.plain_outputs()
    assert out["bucketNames"] == {"datasets": "pkg-vision-datasets"}
    assert out["groupNames"] == {"trainer": "vision-trainer"}
    assert out["userIds"]["ravi"] == "ravi-user-id" and set(out["userIds"]) == {"mei", "ravi"}
    assert out["agencyName"] and set(out["fileSystemIds"]) == {"shared"} and out["vpcId"]
    assert set(out["initialPasswords"]) == {"mei"} and p.redacted_outputs()["initialPasswords"] == "[secret]"
    assert out["policies"] and all(json.loads(doc) for doc in out["policies"].values())


def test_the_modelarts_workspace_refuses_what_the_library_refuses_before_registering():
    members = [{**m, "roles": ["Trainer"]} for m in HW_INPUT["members"]]
    lines, registered = _refused(HW, {**HW_INPUT, "roles": [{"key": "Trainer", "functions": ["notebooks"]}],
                                      "members": members})
    assert registered == []
    assert lines == ["team.roles[0].key: 'Trainer' is not a key (1-24 lowercase letters, digits or '-', starting with "
                     "a letter, not ending with '-')"]


# --- docs/package.md -------------------------------------------------------------------------------------------


def _rows(props: dict[str, Any], required: list[str], inputs: bool) -> str:
    if inputs:
        out = ["| Input | Type | Required | Plain | Description |", "|---|---|---|---|---|"]
    else:
        out = ["| Output | Type | Description |", "|---|---|---|"]
    for k, p in props.items():
        d = p["description"].replace("|", "\\|")
        if inputs:
            plain = "yes" if p.get("plain") else "**no: may be an output**"
            out.append(f"| `{k}` | `{sig(p)}` | {'yes' if k in required else 'no'} | {plain} | {d} |")
        else:
            out.append(f"| `{k}` | `{sig(p)}` | {d} |")
    return "\n".join(out)


def doc_tables() -> str:
    """The input and output tables of docs/package.md, rendered from the schema."""
    s = schema()
    parts = []
    for token, r in s["resources"].items():
        parts.append(f"### `{token}`\n\n{r['description']}\n\n{_rows(r['inputProperties'], r['requiredInputs'], True)}"
                     f"\n\n{_rows(r['properties'], [], False)}\n")
    parts.append("### Types\n")
    for token, t in sorted(s["types"].items()):
        parts.append(f"#### `{token.split(':')[-1]}`\n\n{t['description']}\n\n"
                     f"{_rows(t['properties'], t.get('required', []), True)}\n")
    return "\n".join(parts)


def test_the_docs_tables_are_the_schema():
    doc = (ROOT / "docs" / "package.md").read_text()
    assert doc_tables() in doc, "docs/package.md is out of date: paste tests/test_package.py doc_tables() into it"
