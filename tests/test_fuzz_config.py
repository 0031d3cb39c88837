"""Fuzzing the config loader: whatever a stack file holds, `load` returns a config or raises `ConfigError`.

Two sources of input: random JSON-like structures (None, booleans, numbers, strings, lists, mappings, nested,
keys drawn partly from the real schema so the loader gets past its first check), and the valid example stacks
with a few random mutations (a value replaced, a key dropped or misspelt, an item repeated, a type changed).
Whatever the input, the loader must not crash with anything but `ConfigError`, and the message must be one line:
the preview prints it as the one line a user sees. Kept CI-fast: a few hundred examples, no deadline.
"""

from __future__ import annotations

import copy
import math
from typing import Any, Union

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from components.alicloud import contract
from components.alicloud.plan import policy
from components.core.config import load
from components.core.errors import ConfigError
from conftest import DSW_NETWORK, base_config, minimal_workspace, stack_config


def _aliases(model: type[BaseModel], seen: set) -> set[str]:
    if model in seen:
        return set()
    seen.add(model)
    out = set()
    for name, f in model.model_fields.items():
        out.add(f.alias or name)
        for arg in _models_in(f.annotation):
            out |= _aliases(arg, seen)
    return out


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for a in getattr(annotation, "__args__", ()) for m in _models_in(a)]


SCHEMA_KEYS = sorted(
    _aliases(contract.StackConfig, set())
    | {"Version", "Statement", "Effect", "Action", "Resource", "Condition"}
    | set(policy.CONDITION_OPERATORS)
)
SCHEMA_VALUES = ["cn-hangzhou", "cn-hangzhou-h", "10.0.0.0/16", "10.0.1.0/24", "dsw", "itag", "eas", "extreme",
                 "standard", "Capacity", "PAI.AlgoDeveloper", "Allow", "oss:GetObject", "*", "1", "prod", "vpc-abc123456",
                 "vsw-abc123456", "AliyunOSSFullAccess", "KMS", "team_ws", "alice"]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.sampled_from(SCHEMA_VALUES)
)
# Keys are mostly the schema's own or random text; sometimes not strings at all (a YAML file can have `1:` or `~:`
# keys; the CLI turns them into strings, a direct caller of `load` might not).
keys = st.sampled_from(SCHEMA_KEYS) | st.text(max_size=16) | st.integers(-5, 5) | st.none() | st.booleans()
json_like = st.recursive(
    scalars,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(keys, kids, max_size=5),
    max_leaves=25,
)


def raw(cfg: dict) -> dict:
    """A stack `config:` map as `load` receives it (project namespace stripped, `alicloud:region` kept)."""
    return {(k if k.startswith("alicloud:") else k.partition(":")[2] or k): v for k, v in copy.deepcopy(cfg).items()}


RICH = base_config(
    minimal_workspace(
        name="rich_ws",
        modules=["dsw", "eas"],
        envTypes=["dev", "prod"],
        network=DSW_NETWORK,
        buckets=[{"key": "data", "storageClass": "IA", "encryption": "KMS", "kmsKeyId": "key-1", "protect": False}],
        fileSystems=[
            {"key": "fast", "fileSystemType": "extreme", "storageType": "standard", "capacity": 100, "zoneId": "cn-hangzhou-h"},
            {"key": "shared", "description": "shared-files"},
        ],
        members=[
            {"name": "alice", "roles": ["PAI.AlgoDeveloper", "PAI.WorkspaceAdmin"], "consoleLogin": True, "activator": True},
            {"name": "bot", "roles": ["PAI.AlgoOperator"], "accessKey": True, "systemPolicies": ["AliyunPAIEASReadOnlyAccess"]},
            {"name": "root", "roles": ["PAI.WorkspaceGuest"], "resourceAdmin": True},
        ],
        policies=[{"name": "eas-read", "roles": ["PAI.AlgoOperator"], "document": {"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": ["eas:ListServices"], "Resource": "*",
             "Condition": {"StringEquals": {"acs:SourceVpc": ["vpc-abc123456"]}}}]}}],
    ),
    minimal_workspace(name="other", modules=["designer"], network=None),
    tags={"env": "test"},
)
EXAMPLES = [raw(stack_config("dev")), raw(stack_config("prod")), raw(RICH)]
# The seeds of the mutations must be valid themselves, or the test would only ever exercise the first error.
for _example in EXAMPLES:
    _example.setdefault("workspaces", [])
    _example["workspaces"] = [w for w in _example["workspaces"] if w.get("network", 0) is not None or w.pop("network")]
    load(_example)

Path = tuple[Union[str, int], ...]


def _paths(value: Any, here: Path = ()) -> list[Path]:
    out = [here]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, here + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, here + (i,))
    return out


def _get(value: Any, path: Path) -> Any:
    for p in path:
        value = value[p]
    return value


@st.composite
def mutated_examples(draw) -> dict:
    cfg = copy.deepcopy(draw(st.sampled_from(EXAMPLES)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_paths(cfg)[1:]))
        parent, last = _get(cfg, path[:-1]), path[-1]
        node = parent[last]
        op = draw(st.sampled_from(["replace", "delete", "unknown-key", "repeat", "retype", "string", "empty"]))
        if op == "replace":
            parent[last] = draw(json_like)
        elif op == "delete":
            del parent[last]
        elif op == "unknown-key" and isinstance(node, dict):
            node[draw(keys)] = draw(json_like)
        elif op == "repeat" and isinstance(node, list) and node:
            node.append(copy.deepcopy(node[draw(st.integers(0, len(node) - 1))]))
        elif op == "retype":
            parent[last] = draw(st.sampled_from([str(node), [node], {"value": node}, None, 0, True, 1.5]))
        elif op == "string" and isinstance(node, str):
            parent[last] = draw(st.sampled_from([node.upper(), node + "\n", node + "_", "-" + node, "", node * 12,
                                                 node + "\u2028x", node.replace("-", "_")]))
        elif op == "empty" and isinstance(node, (list, dict, str)):
            parent[last] = type(node)()
    return cfg


def _assert_loads_or_one_line_config_error(value: Any) -> None:
    """Loaded, or refused with one line per mistake: each line `path: message`, at most 190 characters (200 with "error: "), at most 20
    mistakes listed and the rest counted."""
    try:
        load(value)
    except ConfigError as e:
        msg = str(e)
        assert msg and msg.splitlines() == msg.split("\n"), repr(msg)
        lines = msg.split("\n")
        assert len(e.errors) >= 1 and len(lines) == min(len(e.errors), 20) + (len(e.errors) > 20), repr(msg)
        for line, err in zip(lines, e.errors):
            assert "\n" not in err.message and len(line) <= 190, repr(line)
            assert line == (f"{err.path}: {err.message}" if err.path else err.message) or "..." in line, repr(line)


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FAST
@given(json_like)
def test_any_structure_is_loaded_or_refused_with_a_config_error(value):
    _assert_loads_or_one_line_config_error(value)


@FAST
@given(st.dictionaries(st.sampled_from(["alicloud:region", "namePrefix", "tags", "workspaces"]) | keys, json_like, max_size=5))
def test_any_top_level_mapping_is_loaded_or_refused_with_a_config_error(value):
    _assert_loads_or_one_line_config_error(value)


@FAST
@given(mutated_examples())
def test_mutated_example_stacks_are_loaded_or_refused_with_a_config_error(value):
    _assert_loads_or_one_line_config_error(value)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["name", "description", "modules", "members"]), unique=True),
       st.dictionaries(st.sampled_from(["name", "description", "modules", "members", "buckets", "network"]), json_like))
def test_workspace_shaped_mappings_are_loaded_or_refused_with_a_config_error(drop, over):
    ws = minimal_workspace()
    for k in drop:
        del ws[k]
    ws.update(over)
    _assert_loads_or_one_line_config_error(raw(base_config(ws)))


def test_non_finite_numbers_and_huge_integers_are_refused_not_crashed():
    # Spot checks of inputs YAML produces and the random search reaches only rarely.
    for value in (math.nan, math.inf, 2**80):
        for key in ("capacity", "storageType"):
            fs = {"key": "fast", "fileSystemType": "extreme", "storageType": "standard", "zoneId": "cn-hangzhou-h", "capacity": 100}
            fs[key] = value
            ws = minimal_workspace(modules=["dsw"], network=DSW_NETWORK, fileSystems=[fs])
            _assert_loads_or_one_line_config_error(raw(base_config(ws)))


def test_condition_keys_and_values_of_any_type_are_refused_not_crashed():
    # Found by the fuzzer: a condition whose keys mix types crashed the canonical rendering with a TypeError, and
    # nested or NaN values passed validation and would have reached RAM as a rejected (or non-JSON) document.
    for cond in ({"StringEquals": {1: "a", "b": "c"}}, {"StringEquals": {"a": {"x": 1}}},
                 {"StringEquals": {"a": [{"x": 1}]}}, {"NumericLessThan": {"a": math.nan}}, {"StringEquals": {"a": []}}):
        doc = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject", "Resource": "*", "Condition": cond}]}
        ws = minimal_workspace(policies=[{"name": "x", "document": doc}])
        try:
            load(raw(base_config(ws)))
        except ConfigError as e:
            assert str(e).startswith("workspaces[0].policies[0].document: Statement[0]: Condition ")
        else:
            raise AssertionError(f"accepted {cond}")


# --- YAML text: the stack-file reader (offline/stackfile.py) in front of the loader -------------------------------
# Random YAML-ish text and mutated example stack files: the reader returns the CLI's config map or raises
# StackFileError (one line, at most 200 characters); a map it returns is then loaded or refused with a ConfigError.

import json as _json  # noqa: E402

from conftest import ROOT  # noqa: E402
from offline.stackfile import StackFileError, read_stack_file  # noqa: E402

YAML_PIECES = ["config:\n", "  ", "    ", "- ", ": ", "pai-platform:", "alicloud:region", "namePrefix", "workspaces",
               "yes", "no", "~", "007", "0x1F", ".nan", ".inf", "2024-01-01", "&a ", "*a", "<<: ", "!!str ", "!!int ",
               "'", '"', "[", "]", "{", "}", ",", "\n", "---\n", "#", "secure: v1:x", "\t", "\\", "%YAML 1.2\n", "?"]
yaml_text = st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=8), max_size=40).map("".join)


def _example_text_mutations():
    texts = [(ROOT / "stacks" / f"Pulumi.{s}.yaml").read_text() for s in ("dev", "prod", "modelarts")]
    return st.tuples(st.sampled_from(texts), st.integers(min_value=0, max_value=10_000), st.integers(0, 40),
                     st.sampled_from(YAML_PIECES) | st.text(max_size=6)).map(
        lambda t: t[0][: t[1] % (len(t[0]) + 1)] + t[3] + t[0][t[1] % (len(t[0]) + 1) + t[2]:])


def _read_or_one_line(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("y") / "Pulumi.f.yaml"
    path.write_bytes(text.encode("utf-8", errors="replace"))
    try:
        cfg = read_stack_file(path, "pai-platform")
    except StackFileError as e:
        msg = str(e)
        assert "\n" not in msg and len(msg) <= 200 and msg.startswith("Pulumi.f.yaml"), repr(msg)
        return
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in cfg.items())
    raw_cfg = {}
    for k, v in cfg.items():
        try:
            raw_cfg[k.split(":", 1)[1] if k.startswith("pai-platform:") else k] = _json.loads(v) if v[:1] in "[{" else v
        except ValueError:
            raw_cfg[k] = v
    _assert_loads_or_one_line_config_error(raw_cfg)


@FAST
@given(yaml_text)
def test_random_yaml_text_is_read_or_refused_in_one_line(tmp_path_factory, text):
    _read_or_one_line(tmp_path_factory, text)


@FAST
@given(_example_text_mutations())
def test_mutated_example_stack_files_are_read_or_refused_in_one_line(tmp_path_factory, text):
    _read_or_one_line(tmp_path_factory, text)
