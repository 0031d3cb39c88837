"""The stack-file reader (offline/stackfile.py): the config map `pulumi preview` hands the program, or one line.

Each case is a small stack file in tmp_path; the expected map or error is the CLI's rule (docs/stack-file.md).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT
from offline.stackfile import MAX_DEPTH, StackFileError, config_from_mapping, read_stack_file

P = "pai-platform"


def read(tmp_path, text, *, raw: bytes | None = None, **kw):
    path = tmp_path / "Pulumi.t.yaml"
    path.write_bytes(raw if raw is not None else text.encode())
    return read_stack_file(path, P, **kw)


def refused(tmp_path, text, *, raw: bytes | None = None, **kw) -> str:
    with pytest.raises(StackFileError) as e:
        read(tmp_path, text, raw=raw, **kw)
    msg = str(e.value)
    assert "\n" not in msg and len(msg) <= 200 and msg.startswith("Pulumi.t.yaml:"), msg
    return msg


# --- scalars: yaml.v3 (YAML 1.2 core) resolution, then the text yaml.v3 re-encodes them to -------------------------

SCALARS = [
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"), ("Yes", "Yes"),
    ("true", "true"), ("True", "true"), ("TRUE", "true"), ("false", "false"),
    ("007", "7"), ("0o17", "15"), ("0x1F", "31"), ("0b101", "5"), ("1_000", "1000"), ("+5", "5"), ("08", "8"),
    ("1.50", "1.5"), ("1e3", "1000"), ("1e6", "1e+06"), ("1.", "1"), (".5", "0.5"),
    (".inf", ".inf"), ("-.inf", "-.inf"), (".nan", ".nan"),
    ("'007'", "007"), ('"yes"', "yes"), ("~", ""), ("null", ""), ("", ""),
    ("2024-01-05", "2024-01-05T00:00:00Z"), ("2024-1-5", "2024-01-05T00:00:00Z"),
    ("2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43.1-05:00"), ("2024-13-01", "2024-13-01"),
    ("99999999999999999999", "1e+20"), ("!!str 12", "12"), ("!!float 1", "1"), ("!foo bar", "bar"),
    ("!!binary aGVsbG8=", "hello"), ("acme", "acme"),
]


@pytest.mark.parametrize("src,expected", SCALARS, ids=[s[0] or "empty" for s in SCALARS])
def test_top_level_scalars_are_handed_over_as_yaml_v3_re_encodes_them(tmp_path, src, expected):
    assert read(tmp_path, f"config:\n  pai-platform:namePrefix: {src}\n") == {f"{P}:namePrefix": expected}


OBJECTS = [
    ("{a: yes, b: true, c: 007, d: 0x10, e: 1.0, f: 2.5, g: ~, h: '1'}",
     '{"a":"yes","b":true,"c":7,"d":16,"e":1,"f":2.5,"g":null,"h":"1"}'),
    ("[1e21, 1e-7, 0.000001]", "[1e+21,1e-7,0.000001]"),
    ("{z: 1, a: 2}", '{"a":2,"z":1}'),
    ("{when: 2024-01-05}", '{"when":"2024-01-05T00:00:00Z"}'),
    ("{html: '<a&b>'}", '{"html":"\\u003ca\\u0026b\\u003e"}'),
    ("[a, [b, {c: d}]]", '["a",["b",{"c":"d"}]]'),
]


@pytest.mark.parametrize("src,expected", OBJECTS)
def test_objects_are_json_encoded_as_go_json_marshal_does(tmp_path, src, expected):
    assert read(tmp_path, f"config:\n  pai-platform:x: {src}\n") == {f"{P}:x": expected}


@pytest.mark.parametrize("src", ["{a: .nan}", "[.inf]", "{a: {b: -.inf}}"])
def test_non_finite_numbers_in_objects_are_refused_as_json_marshal_refuses_them(tmp_path, src):
    msg = refused(tmp_path, f"config:\n  pai-platform:x: {src}\n")
    assert "json: unsupported value" in msg and msg.startswith("Pulumi.t.yaml:2:")


def test_consolelogin_yes_stays_a_string_inside_an_object(tmp_path):
    cfg = read(tmp_path, "config:\n  pai-platform:workspaces:\n  - members:\n    - consoleLogin: yes\n      protect: no\n")
    assert cfg == {f"{P}:workspaces": '[{"members":[{"consoleLogin":"yes","protect":"no"}]}]'}


# --- keys -----------------------------------------------------------------------------------------------------------


def test_keys_without_a_namespace_get_the_projects_and_the_old_config_form_is_accepted(tmp_path):
    cfg = read(tmp_path, "config:\n  namePrefix: acme\n  aws:config:region: x\n  alicloud:region: cn-hangzhou\n")
    assert cfg == {f"{P}:namePrefix": "acme", "aws:region": "x", "alicloud:region": "cn-hangzhou"}


def test_a_key_with_too_many_colons_is_refused_as_parse_key_refuses_it(tmp_path):
    msg = refused(tmp_path, "config:\n  a:b:c:d: x\n")
    assert msg == ("Pulumi.t.yaml:2:3: could not parse 'a:b:c:d' as a configuration key "
                   "(configuration keys should be of the form `<namespace>:<name>`)")


def test_the_same_key_twice_after_namespacing_is_refused(tmp_path):
    msg = refused(tmp_path, "config:\n  namePrefix: a\n  pai-platform:namePrefix: b\n")
    assert "are both pai-platform:namePrefix" in msg


def test_a_duplicated_key_names_both_lines(tmp_path):
    msg = refused(tmp_path, "config:\n  alicloud:region: a\n  pai-platform:x: 1\n  alicloud:region: b\n")
    assert msg == 'Pulumi.t.yaml:4:3: mapping key "alicloud:region" already defined at line 2'


def test_a_duplicated_key_inside_an_object_is_refused_too(tmp_path):
    msg = refused(tmp_path, "config:\n  pai-platform:x:\n    a: 1\n    'a': 2\n")
    assert msg == 'Pulumi.t.yaml:4:5: mapping key "a" already defined at line 3'


@pytest.mark.parametrize("key", ["1", "true", "~", "2024-01-01"])
def test_non_string_mapping_keys_are_refused(tmp_path, key):
    msg = refused(tmp_path, f"config:\n  pai-platform:x:\n    {key}: v\n")
    assert msg.startswith("Pulumi.t.yaml:3:5: mapping key ") and "not a string" in msg


# --- merges, anchors, tags ------------------------------------------------------------------------------------------


def test_merge_keys_merge_and_explicit_keys_win(tmp_path):
    src = "base: &b {a: 1, b: 2}\nconfig:\n  pai-platform:x:\n    <<: *b\n    b: 3\n"
    assert read(tmp_path, src) == {f"{P}:x": '{"a":1,"b":3}'}


def test_a_merge_of_a_scalar_is_refused(tmp_path):
    msg = refused(tmp_path, "config:\n  pai-platform:x:\n    <<: 1\n")
    assert "map merge requires map or sequence of maps" in msg


@pytest.mark.parametrize("src,rule", [("!!int abc", "cannot decode !!str 'abc' as a !!int"),
                                      ("!!bool yes", "cannot decode !!str 'yes' as a !!bool")])
def test_an_explicit_tag_that_does_not_fit_is_refused(tmp_path, src, rule):
    assert refused(tmp_path, f"config:\n  pai-platform:x: {src}\n") == f"Pulumi.t.yaml:2:19: {rule}"


def test_billion_laughs_is_refused_as_excessive_aliasing(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 10)}]")
    lines.append("config:\n  pai-platform:x: *i")
    msg = refused(tmp_path, "\n".join(lines) + "\n")
    assert "excessive aliasing" in msg


def test_an_unknown_anchor_is_refused(tmp_path):
    assert "unknown anchor 'nope' referenced" in refused(tmp_path, "config:\n  pai-platform:x: *nope\n")


# --- the file -------------------------------------------------------------------------------------------------------


def test_a_utf8_bom_is_dropped_as_the_cli_does(tmp_path):
    assert read(tmp_path, "", raw=b"\xef\xbb\xbfconfig:\n  pai-platform:x: y\n") == {f"{P}:x": "y"}


def test_a_file_that_is_not_utf8_is_refused_naming_the_byte(tmp_path):
    msg = refused(tmp_path, "", raw=b"config:\n  pai-platform:x: caf\xe9\n")
    assert msg == "Pulumi.t.yaml:2:22: not valid UTF-8 (byte 0xe9); save the file as UTF-8"


def test_deep_nesting_is_refused_in_one_line(tmp_path):
    depth = MAX_DEPTH + 50
    msg = refused(tmp_path, "config:\n  pai-platform:x: " + "[" * depth + "]" * depth + "\n")
    assert f"nested more than {MAX_DEPTH} levels deep" in msg


def test_a_second_document_is_refused(tmp_path):
    assert "a second YAML document" in refused(tmp_path, "config:\n  a:b: c\n---\nconfig: {}\n")


def test_secure_values_cannot_be_read_offline(tmp_path):
    msg = refused(tmp_path, "config:\n  pai-platform:pw:\n    secure: v1:abc\n")
    assert msg == ("Pulumi.t.yaml:3:5: pai-platform:pw: encrypted secrets cannot be read offline; "
                   "use a plain placeholder value")
    assert "encrypted secret" in refused(tmp_path, "config:\n  pai-platform:x: [{secure: v1:abc}]\n")


def test_known_top_level_keys_are_accepted_and_unknown_ones_ignored_as_the_cli_does(tmp_path):
    src = ("secretsprovider: passphrase\nencryptionsalt: v1:abc\nencryptedkey: xyz\nenvironment: [a/b]\n"
           "mainEnvironment: proj/env@3\nsomethingElse: {a: 1}\nconfig:\n  pai-platform:x: y\n")
    assert read(tmp_path, src) == {f"{P}:x": "y"}


def test_a_bad_main_environment_is_refused(tmp_path):
    assert "invalid mainEnvironment 'nope'" in refused(tmp_path, "mainEnvironment: nope\nconfig: {}\n")


def test_config_missing_is_an_empty_map_for_the_cli_and_one_line_for_the_preview(tmp_path):
    assert read(tmp_path, "secretsprovider: passphrase\n") == {}
    assert read(tmp_path, "") == {}
    assert "no 'config:' mapping" in refused(tmp_path, "secretsprovider: passphrase\n", require_config=True)


@pytest.mark.parametrize("src,rule", [("- a\n- b\n", "1:1: expected a mapping"),
                                      ("config: [a]\n", "1:9: 'config' must be a mapping"),
                                      ("config:\n  a: [1\n", "not valid YAML")])
def test_the_wrong_shape_is_refused(tmp_path, src, rule):
    assert rule in refused(tmp_path, src)


def test_config_from_mapping_applies_the_same_rules_to_python_data():
    assert config_from_mapping(P, {"namePrefix": "a", "alicloud:region": "r", "n": 1.0, "b": True, "o": {"z": 1, "a": [None]}}) == {
        f"{P}:namePrefix": "a", "alicloud:region": "r", f"{P}:n": "1", f"{P}:b": "true", f"{P}:o": '{"a":[null],"z":1}'}
    with pytest.raises(StackFileError):
        config_from_mapping(P, {"x": {"secure": "v1:x"}})


# --- end to end: `python -m offline.preview` gives one line, no traceback ------------------------------------------

CLI_CASES = {
    "duplicate": "config:\n  alicloud:region: a\n  alicloud:region: b\n",
    "bad-utf8": None,
    "deep": "config:\n  pai-platform:x: " + "[" * 5000 + "]" * 5000 + "\n",
    "laughs": "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
              "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
              "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\nconfig:\n  pai-platform:x: *f\n",
    "nan": "config:\n  pai-platform:x: {a: .nan}\n",
    "no-config": "secretsprovider: passphrase\n",
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_the_preview_refuses_in_one_line_without_a_traceback(tmp_path, case):
    (tmp_path / "Pulumi.yaml").write_text("name: pai-platform\nruntime: python\nstackConfigDir: stacks\n")
    os.symlink(ROOT / "__main__.py", tmp_path / "__main__.py")
    os.symlink(ROOT / "components", tmp_path / "components")
    (tmp_path / "stacks").mkdir()
    body = CLI_CASES[case]
    data = b"config:\n  pai-platform:namePrefix: \xff\n" if body is None else body.encode()
    (tmp_path / "stacks" / f"Pulumi.{case}.yaml").write_bytes(data)
    proc = subprocess.run([sys.executable, "-m", "offline.preview", "--project-dir", str(tmp_path), "--stack", case],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    line = proc.stderr.rstrip("\n")
    assert line.startswith(f"error: Pulumi.{case}.yaml:") and len(line) <= 200 + len("error: ")


# --- Pulumi.yaml `config:` declarations, checked as the CLI checks them ------------------------------------------
# pulumi/pulumi sdk/go/common/workspace/config.go (ValidateStackConfigAndApplyProjectConfig, validateStackConfigValue)
# and project.go (Project.Validate, ValidateConfigValue); docs/stack-file.md, "Declared config keys".

from offline.stackfile import config_value_fits, project_config_declarations, read_project_file  # noqa: E402

DECLARED = project_config_declarations(P, read_project_file(ROOT / "Pulumi.yaml"))
BASE = "config:\n  alicloud:region: cn-hangzhou\n  pai-platform:workspaces: []\n"


def test_a_boolean_name_prefix_passes_type_string_as_in_the_cli_its_text_is_a_string(tmp_path):
    # validateStackConfigValue checks a scalar's text (config.Value holds a string): `true` reaches the program as
    # "true" and `type: string` cannot tell it from "true". The editor schema does (tests/test_schema.py).
    assert read(tmp_path, BASE + "  pai-platform:namePrefix: true\n", declared=DECLARED)[f"{P}:namePrefix"] == "true"


@pytest.mark.parametrize("value", ["[acme]", "{a: 1}"])
def test_a_name_prefix_that_is_an_object_is_refused_with_the_clis_rule(tmp_path, value):
    msg = refused(tmp_path, BASE + f"  pai-platform:namePrefix: {value}\n", declared=DECLARED)
    assert msg == "Pulumi.t.yaml:4:28: Stack 't' with configuration key 'namePrefix' must be of type 'string'"


def test_a_declared_key_without_default_is_required_with_the_clis_message(tmp_path):
    assert refused(tmp_path, "config:\n  alicloud:region: x\n", declared=DECLARED) == (
        "Pulumi.t.yaml:1:1: Stack 't' is missing configuration value 'namePrefix'")
    # Two keys missing: the CLI's plural form (config.go, formatMissingKeys), with a declaration of two keys.
    two = project_config_declarations(P, {"name": P, "config": {"namePrefix": {"type": "string"}, "workspaces": {}}})
    assert refused(tmp_path, "config:\n  alicloud:region: x\n", declared=two) == (
        "Pulumi.t.yaml:1:1: Stack 't' is missing configuration values 'namePrefix' and 'workspaces'")
    assert refused(tmp_path, "config:\n  namePrefix: a\n", declared=two) == (
        "Pulumi.t.yaml:1:1: Stack 't' is missing configuration value 'workspaces'")


@pytest.mark.parametrize("stack", sorted(p.name for p in (ROOT / "stacks").glob("Pulumi.*.yaml")))
def test_the_example_stacks_read_the_same_with_the_declarations(stack):
    path = ROOT / "stacks" / stack
    assert read_stack_file(path, P, declared=DECLARED) == read_stack_file(path, P)


def test_defaults_and_values_are_applied_and_types_checked_as_the_cli_does(tmp_path):
    declared = {"n": {"type": "integer", "default": 3}, "b": {"type": "boolean"}, "l": {"type": "array", "items": {"type": "string"}},
                "aws:region": {"value": "us-east-1"}}
    got = read(tmp_path, "config:\n  b: 'false'\n  l: [x, y]\n", declared=declared)
    assert got == {f"{P}:b": "false", f"{P}:l": '["x","y"]', f"{P}:n": "3", "aws:region": "us-east-1"}
    assert "must be of type 'array<string>'" in refused(tmp_path, "config:\n  b: true\n  l: [1]\n", declared=declared)
    assert "'b' must be of type 'boolean'" in refused(tmp_path, "config:\n  b: yes\n  l: []\n", declared=declared)
    assert "'n' must be of type 'integer'" in refused(tmp_path, "config:\n  n: 1.5\n  b: true\n  l: []\n", declared=declared)


@pytest.mark.parametrize("type_name,value,fits", [
    ("string", "true", True), ("string", ["a"], False), ("integer", "007", True), ("integer", "1_000", False),
    ("integer", 2.0, True), ("integer", True, False), ("boolean", "True", False), ("boolean", True, True),
    ("array", [], False)])  # `array` without `items` never fits (ValidateConfigValue)
def test_config_value_fits_follows_validate_config_value(type_name, value, fits):
    assert config_value_fits(type_name, None, value) is fits


@pytest.mark.parametrize("decl,rule", [
    ({"alicloud:region": {"type": "string"}}, "Configuration key 'alicloud:region' is not namespaced by the project and should not define a type"),
    ({"alicloud:region": {"description": "x"}}, "Configuration key 'alicloud:region' is namespaced and must provide an attribute 'value'"),
    ({"x": {"type": "array"}}, "The configuration key 'x' declares an array but does not specify the underlying type via the 'items' attribute"),
    ({"x": {"type": "integer", "default": "a"}}, "The default value specified for configuration key 'x' is not of the expected type 'integer'"),
    ({"x": {"type": "object"}}, "config.x.type: 'object' is not one of string, integer, boolean, array (project.json, simpleConfigType)"),
])
def test_bad_declarations_are_refused_as_project_validate_refuses_them(decl, rule):
    with pytest.raises(StackFileError) as e:
        project_config_declarations(P, {"name": P, "config": decl})
    assert str(e.value) == f"Pulumi.yaml: {rule}"


def _contract_keys():
    from components.alicloud.contract import StackConfig as Alibaba
    from components.huaweicloud.contract import StackConfig as Huawei

    return [{f.alias or name: f for name, f in model.model_fields.items()} for model in (Alibaba, Huawei)]


def test_pulumi_yaml_declares_exactly_the_keys_every_contract_requires_and_no_other():
    # Only a key of this project that both contracts require can be declared without changing behaviour: a
    # declaration without `default` makes it required in every stack, and a provider key may carry only a `value`.
    alibaba, huawei = _contract_keys()
    required_everywhere = {k for k in alibaba.keys() & huawei.keys()
                           if ":" not in k and alibaba[k].is_required() and huawei[k].is_required()}
    # `workspaces` is not: an identity stack (`users:`) has none (README, "Estates").
    assert set(DECLARED) == required_everywhere == {"namePrefix"}
    for key, decl in DECLARED.items():
        assert decl["description"] == alibaba[key].description == huawei[key].description, key
        assert "default" not in decl and "value" not in decl, key
    assert DECLARED["namePrefix"]["type"] == "string" and alibaba["namePrefix"].annotation is str
    not_declared = (alibaba.keys() | huawei.keys()) - DECLARED.keys()
    assert not_declared == {"alicloud:region", "huaweicloud:region", "cloud", "projectId", "domainId", "tags",
                            "accountBootstrap", "accessLogs", "workspaces", "users", "identityStack"}, "a contract key was added or removed: review Pulumi.yaml `config:`"
