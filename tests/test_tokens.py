"""Type tokens are written once: `offline/tokens.py` reads each from its SDK class or function, and nothing else in
the project spells one out. The table is checked against what the SDK really sends to the engine."""

from __future__ import annotations

import re
import subprocess
import sys
import types

import pytest

from conftest import ROOT
from offline import tokens as T
from offline.runtime import RecordingMocks, run
from policypack import rules

# A provider type token (`<provider>:<module>/<lowerName>:<Name>`), anywhere in a line of Python source.
TOKEN_TEXT = re.compile(r"\b(?:alicloud|huaweicloud|random):[A-Za-z0-9_]+/[A-Za-z0-9_]+:[A-Za-z0-9_]+\b")
OURS = ("offline", "policypack", "tests", "benchmarks", "bootstrap")


def _python_files():
    skip = {"venv", ".git", "node_modules", "__pycache__"}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if not (skip & set(rel.parts)) and not any(p.startswith(".") for p in rel.parts):
            yield rel, path.read_text(encoding="utf-8")


def _literals():
    return [(str(rel), n, m.group(0)) for rel, text in _python_files()
            for n, line in enumerate(text.splitlines(), 1) for m in TOKEN_TEXT.finditer(line)]


def test_every_token_left_in_the_repository_is_in_the_table():
    table = set(T.all_tokens().values())
    assert [hit for hit in _literals() if hit[2] not in table] == []


def test_no_token_is_written_out_in_our_code():
    assert [hit for hit in _literals() if hit[0].split("/", 1)[0] in OURS] == []


class _Recording(RecordingMocks):
    def __init__(self) -> None:
        super().__init__()
        self.types: list[str] = []

    def new_resource(self, args):
        self.types.append(args.typ)
        return f"{args.name}-id", dict(args.inputs)


def test_the_table_is_what_the_sdk_sends_to_the_engine():
    """Read every class (`Cls.get`, which needs no inputs) and call every data source under the offline runtime:
    the engine sees exactly the table's token."""
    names = list(T.SOURCES)
    mocks = _Recording()

    def program():
        for i, name in enumerate(names):
            obj = T.sdk_object(name)
            if isinstance(obj, type):
                obj.get(f"r{i}", f"id-{i}")
            else:
                obj(display_name="x") if name == "HW_GET_ROLE" else obj()

    run(program, project="p", stack="s", mocks=mocks)
    classes = [n for n in names if isinstance(T.sdk_object(n), type)]
    functions = [n for n in names if isinstance(T.sdk_object(n), types.FunctionType)]
    assert len(classes) + len(functions) == len(names)
    assert sorted(mocks.types) == sorted(getattr(T, n) for n in classes)
    assert sorted(i.token for i in mocks.invokes) == sorted(getattr(T, n) for n in functions)


@pytest.mark.parametrize("name", list(T.SOURCES))
def test_each_token_names_its_class(name):
    module, attribute = T.SOURCES[name]
    token = getattr(T, name)
    provider = module.split(".", 1)[0].removeprefix("pulumi_")
    last = attribute if attribute[0].isupper() else re.sub(r"_(\w)", lambda m: m.group(1).upper(), attribute)
    assert token.startswith(f"{provider}:") and token.endswith(f":{last}")
    assert T.name_of(token) == name


def test_policy_pack_tokens_are_the_tables():
    pack = {k: v for k, v in vars(rules).items() if isinstance(v, str) and TOKEN_TEXT.fullmatch(v)}
    assert len(pack) == 14 and set(pack.values()) <= set(T.all_tokens().values())
    assert rules.RAM_POLICY == T.ALI_POLICY and rules.OSS_BUCKET_SSE == T.ALI_BUCKET_SSE


def test_unknown_names_and_tokens():
    assert T.name_of("modelarts:bundle:Workspace") is None and T.name_of("pulumi:pulumi:Stack") is None
    with pytest.raises(AttributeError):
        T.ALI_NO_SUCH_THING  # noqa: B018
    with pytest.raises(TypeError):
        T.token_of("alicloud")


def test_an_alibaba_cloud_preview_never_imports_the_huawei_sdk():
    code = ("import sys\n"
            "from offline import diagram, preview\n"
            "plan = preview.plan_stack('dev')\n"
            "preview.render_policies(plan); diagram.render_mermaid(plan); preview.render_json(plan)\n"
            "assert 'pulumi_huaweicloud' not in sys.modules, 'imported'\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
