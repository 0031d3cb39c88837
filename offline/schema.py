"""The JSON Schema of a stack file, `stacks/stack.schema.json`, generated from the config contract.

    python -m offline.schema --write    # (re)write stacks/stack.schema.json   (`make schema`)
    python -m offline.schema --check    # exit 1 if the checked-in file is not what the contract generates

For editors: each stack file's first line, `# yaml-language-server: $schema=./stack.schema.json`, gives
completion, hover text (the models' Field descriptions) and shape errors (unknown keys, wrong types) while typing.
It is JSON Schema draft-07, the newest draft yaml-language-server supports ("Supports JSON Schema 7 and below",
its README). The pydantic models stay the contract: the schema covers shape only (keys, types, enums, required
keys), not meaning (names, CIDRs, duplicates), which `make preview` checks.

The whole file: `config:` (namespaced keys `pai-platform:<key>`, `alicloud:region`, `huaweicloud:region`, other
providers' keys) and the other top-level keys the CLI reads (docs/stack-file.md, ProjectStack). `pai-platform:cloud`
picks the contract: `huaweicloud` -> ModelArts (`then`), otherwise PAI (`else`).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

# The contract. One place: repoint these imports if the modules move.
from components.alicloud.contract import StackConfig as AlibabaStackConfig
from components.core.clouds import CLOUDS
from components.core.config import PROJECT
from components.huaweicloud.contract import StackConfig as HuaweiStackConfig

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "stacks" / "stack.schema.json"
MODELINE = "# yaml-language-server: $schema=./stack.schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"

# Keys of the config map that keep their provider namespace (components/alicloud/contract.py, raw_from_values).
PROVIDER_KEYS = ("alicloud:region", "huaweicloud:region")

# Top-level keys of a stack file besides `config` (pulumi/pulumi sdk/go/common/workspace/project.go, ProjectStack;
# offline/stackfile.py KNOWN_TOP_LEVEL).
TOP_LEVEL = {
    "secretsprovider": {"type": "string", "description": "Secrets provider of the stack (pulumi stack init --secrets-provider)."},
    "encryptedkey": {"type": "string", "description": "The stack's data key, encrypted by the secrets provider."},
    "encryptionsalt": {"type": "string", "description": "Salt of the passphrase secrets provider."},
    "environment": {"description": "Pulumi ESC environments imported by the stack."},
    "mainEnvironment": {"type": "string", "description": "<project>/<env>[@<version>]: the stack's main ESC environment."},
}


def _closed(node: Any) -> None:
    """Every object of the contract refuses unknown keys (components/core/contract.py, Model._known_keys): say so."""
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _closed(value)
    elif isinstance(node, list):
        for value in node:
            _closed(value)


def _config_schema(model: type, prefix: str, extra: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """One contract as a `config:` map: its keys namespaced, its definitions renamed `<prefix>.<Model>`."""
    schema = model.model_json_schema(by_alias=True, ref_template=f"#/definitions/{prefix}.{{model}}")
    defs = {f"{prefix}.{name}": d for name, d in schema.pop("$defs", {}).items()}
    properties: dict[str, Any] = {}
    for key, prop in {**schema["properties"], **extra}.items():
        properties[key if key in PROVIDER_KEYS else f"{PROJECT}:{key}"] = prop
    required = [key if key in PROVIDER_KEYS else f"{PROJECT}:{key}" for key in schema.get("required", [])]
    config = {
        "type": "object",
        "description": schema.get("description", ""),
        "properties": properties,
        "required": required,
        # Keys of other namespaces go to other providers (the program only checks them for near misses).
        "patternProperties": {f"^(?!{PROJECT}:)[^:]+:[^:]+$": {}},
        "additionalProperties": False,
    }
    _closed(config)
    _closed(defs)
    return config, defs


def generate() -> dict[str, Any]:
    """The stack-file schema, as a dict (deterministic: the same contract gives the same schema)."""
    cloud_doc = f"The cloud of this stack: one of {', '.join(CLOUDS)} (default alicloud)."
    alibaba, alibaba_defs = _config_schema(
        AlibabaStackConfig, "alicloud", {"cloud": {"const": "alicloud", "description": cloud_doc}})
    huawei, huawei_defs = _config_schema(HuaweiStackConfig, "huaweicloud", {})
    # Workspaces, or users (an identity stack): the contract's layout rule, as far as a schema can say it.
    alibaba["anyOf"] = [{"required": [f"{PROJECT}:workspaces"]}, {"required": [f"{PROJECT}:users"]}]
    cloud_key = f"{PROJECT}:cloud"
    config = {
        "description": "The stack's configuration: keys `pai-platform:<key>` and provider keys such as alicloud:region.",
        "type": "object",
        "properties": {cloud_key: {"enum": list(CLOUDS), "description": cloud_doc}},
        "if": {"properties": {cloud_key: {"const": "huaweicloud"}}, "required": [cloud_key]},
        "then": huawei,
        "else": alibaba,
    }
    return {
        "$schema": DRAFT,
        "$id": "https://pai-platform.invalid/stacks/stack.schema.json",
        "title": "pai-platform stack file (Pulumi.<stack>.yaml)",
        "description": "Generated by `make schema` (offline/schema.py) from components/alicloud/contract.py and "
                       "components/huaweicloud/contract.py; do not edit by hand.",
        "type": "object",
        "properties": {"config": config, **copy.deepcopy(TOP_LEVEL)},
        "required": ["config"],
        # The CLI ignores other top-level keys (yaml.v3 into ProjectStack); in an editor they are almost always a
        # misspelt `config`, so they are flagged here.
        "additionalProperties": False,
        "definitions": {**alibaba_defs, **huawei_defs},
    }


def render() -> str:
    return json.dumps(generate(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline.schema", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help=f"write {SCHEMA_PATH.relative_to(ROOT)}")
    mode.add_argument("--check", action="store_true", help="exit 1 if the checked-in schema is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        SCHEMA_PATH.write_text(text)
        print(f"wrote {SCHEMA_PATH.relative_to(ROOT)}")
        return 0
    if not SCHEMA_PATH.is_file() or SCHEMA_PATH.read_text() != text:
        print(f"error: {SCHEMA_PATH.relative_to(ROOT)} is out of date: run `make schema`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
