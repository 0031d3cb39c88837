"""The one stack-file reader: `Pulumi.<stack>.yaml` -> the config map the Pulumi CLI hands a program.

    read_stack_file(path, project) -> dict[str, str]      # raises StackFileError (one line, never a traceback)
    config_from_mapping(project, mapping) -> dict[str, str] # the same rules for a `config:` map built in Python

The real `pulumi preview` reads the file in Go; this module reproduces what it does, step by step, and refuses
(one line naming file, line and column) whatever the CLI refuses or the offline preview cannot do. Each rule cites
its source; docs/stack-file.md lists them. The path through the CLI (pulumi/pulumi
sdk/go/common/workspace/loaders.go, LoadProjectStack -> LoadProjectStackBytes):

  1. readFileStripUTF8BOM: the bytes, a leading UTF-8 BOM dropped.
  2. marshaller.Unmarshal(b, &projectStackRaw): gopkg.in/yaml.v3 decodes the first document into interface{}
     (go-yaml/yaml v3 decode.go, decoder.unmarshal / scalar / mapping; resolve.go, resolve).
  3. SimplifyMarshalledProject (sdk/go/common/workspace/project.go): every mapping key must be a string.
  4. stackConfigNamespacedWithProject (loaders.go): a config key without ':' gets the project's namespace.
  5. marshaller.Marshal then Unmarshal into ProjectStack: config.Map.UnmarshalYAML parses each key
     (sdk/go/common/resource/config/key.go, ParseKey) and config.Value.unmarshalValue (config/value.go) keeps a
     scalar as its re-encoded text (yaml.v3 encode.go: intv/floatv/boolv/timev; decode.go scalar: a string
     target gets n.Value) and JSON-encodes a mapping or sequence with encoding/json (json.Marshal).

ruamel.yaml (YAML 1.2) only parses: its event stream is turned into nodes here, without its constructor, and the
nodes are converted with yaml.v3's resolution rules, not ruamel's.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Union

from ruamel.yaml import YAML
from ruamel.yaml import events as ev
from ruamel.yaml.error import MarkedYAMLError, YAMLError

MAX_LINE = 200
"""An error line is at most this long; long values are elided."""

MAX_DEPTH = 200
"""Nesting bound (mappings/sequences, aliases expanded). A documented bound, lower than yaml.v3's own: its scanner
refuses flow nesting above 10000 ("exceeded max depth of 10000"). No real stack file nests beyond a dozen levels;
the bound keeps the reader's recursion far from Python's stack limit."""

# yaml.v3 decode.go, allowedAliasRatio and decoder.unmarshal: "document contains excessive aliasing".
_ALIAS_RATIO_LOW = 400_000
_ALIAS_RATIO_HIGH = 4_000_000

KNOWN_TOP_LEVEL = ("secretsprovider", "encryptedkey", "encryptionsalt", "config", "environment", "mainEnvironment")
"""The fields of ProjectStack (pulumi/pulumi sdk/go/common/workspace/project.go, type ProjectStack). Other top-level
keys are ignored: yaml.v3 Unmarshal into a struct without KnownFields skips unknown keys (decode.go, mappingStruct)."""

_STR, _BOOL, _INT, _FLOAT, _NULL, _TIMESTAMP, _BINARY, _MERGE = (
    "!!str", "!!bool", "!!int", "!!float", "!!null", "!!timestamp", "!!binary", "!!merge")
_RESOLVABLE = {"", _STR, _BOOL, _INT, _FLOAT, _NULL, _TIMESTAMP}
_LONG_PREFIX = "tag:yaml.org,2002:"


class StackFileError(ValueError):
    """A stack file the CLI refuses, or the offline preview cannot read. `str(e)` is one line, at most MAX_LINE."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


def one_line(text: str, limit: int = MAX_LINE) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _show(value: str, limit: int = 40) -> str:
    """A value quoted for an error line, elided when long."""
    value = value if len(value) <= limit else value[: limit - 3] + "..."
    return repr(value)


# --- nodes: ruamel's event stream, composed here (no ruamel constructor) --------------------------------------------


@dataclass(eq=False)
class Node:
    kind: str  # "scalar" | "map" | "seq" | "alias"
    line: int  # 1-based, as yaml.v3 reports
    column: int
    tag: str = ""
    value: str = ""
    plain: bool = True  # a plain (unquoted, non-block) scalar
    anchor: Optional[str] = None
    content: list["Node"] = field(default_factory=list)
    target: Optional["Node"] = None


def _short_tag(tag: Optional[str]) -> str:
    """yaml.v3 resolve.go, shortTag; the non-specific tag `!` counts as none (decode.go, parser.node)."""
    if not tag or tag == "!":
        return ""
    return "!!" + tag[len(_LONG_PREFIX):] if tag.startswith(_LONG_PREFIX) else tag


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, line: int, column: int, message: str) -> StackFileError:
        return StackFileError(f"{self.name}:{line}:{column}: {message}")

    # -- text -------------------------------------------------------------------------------------------------------

    def text(self, data: bytes) -> str:
        # pulumi/pulumi loaders.go, readFileStripUTF8BOM: a UTF-8 BOM is dropped before parsing.
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            # yaml.v3's reader (readerc.go) would decode UTF-16 with a BOM; the offline reader does not.
            raise self.fail(1, 1, "UTF-16 text; the offline preview reads UTF-8 stack files only")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
            # yaml.v3 readerc.go, yaml_parser_update_buffer: "invalid leading UTF-8 octet" and kin.
            raise self.fail(line, column, f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8") from None

    # -- compose ----------------------------------------------------------------------------------------------------

    def compose(self, text: str) -> Optional[Node]:
        """The first (and only) document's root node, or None for an empty document."""
        yaml = YAML(typ="safe", pure=True)
        anchors: dict[str, Node] = {}
        stack: list[Node] = []
        root: Optional[Node] = None
        documents = 0
        try:
            for event in yaml.parse(text):
                if isinstance(event, ev.DocumentStartEvent):
                    documents += 1
                    if documents > 1:
                        # yaml.v3's Unmarshal decodes the first document only (yaml.go, unmarshal: one p.parse()).
                        # Refused rather than silently ignored: a second document is almost always a mistake.
                        raise self.fail(event.start_mark.line + 1, event.start_mark.column + 1,
                                        "a second YAML document ('---'); a stack file is one document")
                    continue
                if isinstance(event, (ev.MappingEndEvent, ev.SequenceEndEvent)):
                    stack.pop()
                    continue
                if not isinstance(event, (ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent,
                                          ev.AliasEvent)):
                    continue
                line, column = event.start_mark.line + 1, event.start_mark.column + 1
                if isinstance(event, ev.AliasEvent):
                    target = anchors.get(event.anchor)
                    if target is None:
                        # yaml.v3 decode.go, parser.alias: "unknown anchor '%s' referenced".
                        raise self.fail(line, column, f"unknown anchor '{event.anchor}' referenced")
                    node = Node("alias", line, column, value=event.anchor, target=target)
                elif isinstance(event, ev.ScalarEvent):
                    style = event.style
                    node = Node("scalar", line, column, tag=_short_tag(event.tag), value=event.value,
                                plain=not style)
                else:
                    kind = "map" if isinstance(event, ev.MappingStartEvent) else "seq"
                    node = Node(kind, line, column, tag=_short_tag(event.tag))
                    if len(stack) >= MAX_DEPTH:
                        raise self.fail(line, column, f"nested more than {MAX_DEPTH} levels deep")
                if getattr(event, "anchor", None) and not isinstance(event, ev.AliasEvent):
                    node.anchor = event.anchor
                    anchors[event.anchor] = node  # registered at the start, as yaml.v3's parser.anchor does
                if stack:
                    stack[-1].content.append(node)
                else:
                    root = node
                if node.kind in ("map", "seq"):
                    stack.append(node)
        except StackFileError:
            raise
        except MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            problem = e.problem or e.context or "not valid YAML"
            where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            raise self.fail(*where, f"not valid YAML ({problem})") from None
        except YAMLError as e:  # reader errors (control characters) carry no mark
            raise self.fail(1, 1, f"not valid YAML ({str(e).splitlines()[0]})") from None
        except RecursionError:
            raise self.fail(1, 1, f"nested too deeply to read (more than {MAX_DEPTH} levels)") from None
        return root


# --- yaml.v3 scalar resolution (go-yaml/yaml v3 resolve.go, resolve; decode.go, decoder.scalar) ---------------------


class GoTime(str):
    """A YAML timestamp as yaml.v3 decodes it into interface{}: a time.Time, re-encoded as RFC 3339 (encode.go, timev;
    encoding/json, Time.MarshalJSON). Kept as that text."""


_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")  # resolve.go, yamlStyleFloat
_INT_DIGITS = {2: re.compile(r"^[01]+$"), 8: re.compile(r"^[0-7]+$"), 10: re.compile(r"^[0-9]+$"),
               16: re.compile(r"^[0-9a-fA-F]+$")}
_TS_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TS_T = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$")
_TS_SPACE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?$")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = {"", "~", "null", "Null", "NULL"}
_SPECIAL_FLOATS = {".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan}
for _s in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"):
    _SPECIAL_FLOATS[_s] = math.inf
for _s in ("-.inf", "-.Inf", "-.INF"):
    _SPECIAL_FLOATS[_s] = -math.inf
_INT64 = (-(2**63), 2**63 - 1)
_UINT64_MAX = 2**64 - 1


def _go_parse_int(s: str, *, signed: bool) -> Optional[int]:
    """strconv.ParseInt(s, 0, 64) / strconv.ParseUint(s, 0, 64): prefixes 0x 0o 0b, a leading 0 is octal."""
    sign, t = 1, s
    if t[:1] in ("+", "-"):
        if not signed:
            return None
        sign, t = (-1 if t[0] == "-" else 1), t[1:]
    base = 10
    if len(t) > 1 and t[0] == "0":
        prefix = t[1].lower()
        base, t = {"x": (16, t[2:]), "o": (8, t[2:]), "b": (2, t[2:])}.get(prefix, (8, t[1:]))
    if not t or not _INT_DIGITS[base].match(t):
        return None
    n = sign * int(t, base)
    if signed:
        return n if _INT64[0] <= n <= _INT64[1] else None
    return n if n <= _UINT64_MAX else None


def _go_parse_float(s: str) -> Optional[float]:
    """strconv.ParseFloat(s, 64) for the YAML float syntax; out of range is an error (ErrRange), not infinity."""
    try:
        f = float(s)
    except ValueError:
        return None
    return None if math.isinf(f) else f


def _parse_timestamp(s: str) -> Optional[GoTime]:
    """resolve.go, parseTimestamp with allowedTimestampFormats, re-encoded as time.RFC3339Nano."""
    m = _TS_T.match(s) or _TS_SPACE.match(s) or _TS_DATE.match(s)
    if not m:
        return None
    g = m.groups() + (None,) * (8 - len(m.groups()))
    try:
        y, mo, d = int(g[0]), int(g[1]), int(g[2])
        hh, mm, ss = (int(g[3]), int(g[4]), int(g[5])) if g[3] is not None else (0, 0, 0)
        _dt.datetime(y, mo, d, hh, mm, ss)
    except ValueError:
        return None
    frac = (g[6] or "").rstrip("0")
    zone = g[7] or "Z"
    if zone in ("+00:00", "-00:00"):
        zone = "Z"
    return GoTime(f"{y:04d}-{mo:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}{'.' + frac if frac else ''}{zone}")


_UNRESOLVED = object()


def _resolve_plain(value: str, tag: str) -> tuple[str, Any]:
    """resolve.go, resolve(tag, in) for a resolvable tag: the tag the text resolves to and its value."""
    hint = value[:1]
    if value == "" or hint in "+-0123456789yYnNtTfFoO~.":
        if value in _BOOLS:
            return _BOOL, _BOOLS[value]
        if value in _NULLS:
            return _NULL, None
        if value in _SPECIAL_FLOATS:
            return _FLOAT, _SPECIAL_FLOATS[value]
        if value == "<<":
            return _MERGE, value
        if hint == ".":
            f = _go_parse_float(value) if _YAML_FLOAT.match(value) else None
            if f is not None:
                return _FLOAT, f
        elif hint and hint in "+-0123456789":
            if tag in ("", _TIMESTAMP):
                t = _parse_timestamp(value)
                if t is not None:
                    return _TIMESTAMP, t
            plain = value.replace("_", "")
            for signed in (True, False):
                n = _go_parse_int(plain, signed=signed)
                if n is not None:
                    return _INT, n
            if _YAML_FLOAT.match(plain):
                f = _go_parse_float(plain)
                if f is not None:
                    return _FLOAT, f
    return _STR, value


def resolve_scalar(node: Node) -> tuple[str, Any]:
    """What yaml.v3 decodes a scalar node to in an interface{}: (tag, value). Raises ValueError on a bad tag."""
    tag = node.tag
    if tag == _STR or (tag == "" and not node.plain):  # decode.go, Node.indicatedString
        return _STR, node.value
    if tag == _BINARY:
        try:
            data = base64.b64decode(node.value.replace("\n", "").replace(" ", ""), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("!!binary value contains invalid base64 data") from None
        return _STR, data.decode("utf-8", errors="replace")
    if tag not in _RESOLVABLE:
        if tag == _MERGE:
            return _MERGE, node.value
        return _STR, node.value  # resolve.go: an unknown tag leaves the text as it is
    rtag, out = _resolve_plain(node.value, tag)
    if tag in ("", rtag, _STR):
        return rtag, out
    if tag == _FLOAT and rtag == _INT:
        return _FLOAT, float(out)
    # resolve.go, resolve (deferred check): "cannot decode %s `%s` as a %s".
    raise ValueError(f"cannot decode {rtag} {_show(node.value)} as a {tag}")


# --- decoding into interface{} (decode.go) --------------------------------------------------------------------------


class _Decoder:
    """yaml.v3's decoder.unmarshal into interface{}: duplicate keys, merges, aliases (bounded), string-only keys."""

    def __init__(self, reader: _Reader) -> None:
        self.r = reader
        self.decode_count = 0
        self.alias_count = 0
        self.alias_depth = 0
        self.active: set[int] = set()

    def _count(self, node: Node) -> None:
        self.decode_count += 1
        if self.alias_depth > 0:
            self.alias_count += 1
        if self.alias_count > 100 and self.decode_count > 1000:
            ratio = self.alias_count / self.decode_count
            if ratio > _allowed_alias_ratio(self.decode_count):
                raise self.r.fail(node.line, node.column, "document contains excessive aliasing (yaml.v3 refuses it)")

    def value(self, node: Node, depth: int = 0) -> Any:
        self._count(node)
        if depth > MAX_DEPTH:
            raise self.r.fail(node.line, node.column, f"nested more than {MAX_DEPTH} levels deep (aliases expanded)")
        if node.kind == "alias":
            assert node.target is not None
            if id(node) in self.active:
                raise self.r.fail(node.line, node.column, f"anchor '{node.value}' value contains itself")
            self.active.add(id(node))
            self.alias_depth += 1
            try:
                return self.value(node.target, depth)
            finally:
                self.alias_depth -= 1
                self.active.discard(id(node))
        if node.kind == "scalar":
            try:
                tag, out = resolve_scalar(node)
            except ValueError as e:
                raise self.r.fail(node.line, node.column, str(e)) from None
            return out
        if node.kind == "seq":
            return [self.value(child, depth + 1) for child in node.content]
        return self.mapping(node, depth)

    def mapping(self, node: Node, depth: int) -> dict[str, Any]:
        pairs = list(zip(node.content[0::2], node.content[1::2]))
        # decode.go, decoder.mapping (uniqueKeys is on for Unmarshal): keys compared by kind and source text.
        seen: dict[tuple[str, str], Node] = {}
        for key, _ in pairs:
            earlier = seen.get((key.kind, key.value))
            if earlier is not None:
                raise self.r.fail(key.line, key.column,
                                  f"mapping key {_go_quote(key.value)} already defined at line {earlier.line}")
            seen[(key.kind, key.value)] = key
        out: dict[str, Any] = {}
        merges: list[Node] = []
        for key, val in pairs:
            if key.kind == "scalar" and key.value == "<<" and (key.tag in ("", _MERGE)) and key.plain:
                merges.append(val)  # decode.go, isMerge
                continue
            k = self.value(key, depth + 1)
            if isinstance(k, (dict, list)):
                raise self.r.fail(key.line, key.column, "invalid map key: a mapping or sequence")
            if not isinstance(k, str) or isinstance(k, GoTime):
                # pulumi/pulumi project.go, SimplifyMarshalledValue: "expected only string keys, got '%s'".
                shown = "null" if k is None else _go_scalar_text(k)
                raise self.r.fail(key.line, key.column,
                                  f"mapping key {shown} is not a string (the CLI expects only string keys); quote it")
            out[k] = self.value(val, depth + 1)
        for merge in merges:  # decode.go, decoder.merge: explicit keys win, then the first merged source
            self._merge(merge, out, depth)
        return out

    def _merge(self, merge: Node, out: dict[str, Any], depth: int) -> None:
        sources = merge.content if merge.kind == "seq" else [merge]
        for src in sources:
            target = src.target if src.kind == "alias" else src
            if target is None or target.kind != "map":
                raise self.r.fail(merge.line, merge.column, "map merge requires map or sequence of maps as the value")
            merged = self.value(src, depth + 1)
            for k, v in merged.items():
                out.setdefault(k, v)


def _allowed_alias_ratio(count: int) -> float:
    """decode.go, allowedAliasRatio."""
    if count <= _ALIAS_RATIO_LOW:
        return 0.99
    if count >= _ALIAS_RATIO_HIGH:
        return 0.10
    return 0.99 - 0.89 * ((count - _ALIAS_RATIO_LOW) / (_ALIAS_RATIO_HIGH - _ALIAS_RATIO_LOW))


def _go_quote(s: str) -> str:
    """Go's %#v of a string, near enough for an error line."""
    return '"' + _show(s)[1:-1].replace('"', '\\"') + '"'


# --- values as the CLI hands them to the program ---------------------------------------------------------------------


def go_format_float(f: float) -> str:
    """yaml.v3 encode.go, floatv: strconv.FormatFloat(f, 'g', -1, 64), with .inf/-.inf/.nan."""
    if math.isnan(f):
        return ".nan"
    if math.isinf(f):
        return ".inf" if f > 0 else "-.inf"
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    digits, exp = _shortest_digits(f)
    x = exp + len(digits) - 1  # decimal exponent of the first digit
    sign = "-" if f < 0 else ""
    # strconv/ftoa.go, formatDigits 'g': %e when exp < -4 || exp >= eprec; eprec is 6 for the shortest form.
    if x < -4 or x >= 6:
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mant}e{'-' if x < 0 else '+'}{abs(x):02d}"
    return sign + _fixed(digits, x)


def _shortest_digits(f: float) -> tuple[str, int]:
    """The shortest round-trip decimal digits of |f| and the exponent of the last digit."""
    r = repr(abs(f))
    if "e" in r:
        mant, ex = r.split("e")
        ex_i = int(ex)
    else:
        mant, ex_i = r, 0
    if "." in mant:
        whole, frac = mant.split(".")
    else:
        whole, frac = mant, ""
    if frac == "0":
        frac = ""
    digits = (whole + frac).lstrip("0")
    exp = ex_i - len(frac)
    stripped = digits.rstrip("0")
    exp += len(digits) - len(stripped)
    return stripped or "0", exp


def _fixed(digits: str, x: int) -> str:
    """Digits with first-digit exponent x, as plain decimal (no exponent)."""
    if x < 0:
        return "0." + "0" * (-x - 1) + digits
    if x + 1 >= len(digits):
        return digits + "0" * (x + 1 - len(digits))
    return digits[: x + 1] + "." + digits[x + 1:]


def _go_scalar_text(v: Any) -> str:
    """A top-level scalar as config.Value holds it: the text yaml.v3 re-encodes it to (encode.go), then n.Value."""
    if isinstance(v, str):
        return str(v)
    if v is None:
        return ""  # loaders.go, checkForEmptyConfig: "currently treated as an empty string"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return go_format_float(v)
    raise TypeError(type(v).__name__)


class _JSONError(ValueError):
    pass


def go_json(value: Any) -> str:
    """encoding/json.Marshal of the decoded object: sorted keys, no spaces, HTML-safe escapes, Go float format."""
    out: list[str] = []
    _go_json(value, out)
    return "".join(out)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f",
            "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _go_json_string(s: str) -> str:
    parts = []
    for ch in s:
        if ch in _ESCAPES:
            parts.append(_ESCAPES[ch])
        elif ord(ch) < 0x20:
            parts.append(f"\\u{ord(ch):04x}")
        else:
            parts.append(ch)
    return '"' + "".join(parts) + '"'


def _go_json_float(f: float) -> str:
    """encoding/json floatEncoder: 'f' format, 'e' below 1e-6 or from 1e21, e-09 cleaned to e-9."""
    if math.isnan(f) or math.isinf(f):
        raise _JSONError(f"json: unsupported value: {go_format_float(f).lstrip('.').replace('nan', 'NaN')}")
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        digits, exp = _shortest_digits(f)
        x = exp + len(digits) - 1
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{'-' if f < 0 else ''}{mant}e{'-' if x < 0 else '+'}{abs(x)}"
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    digits, exp = _shortest_digits(f)
    return ("-" if f < 0 else "") + _fixed(digits, exp + len(digits) - 1)


def _go_json(v: Any, out: list[str]) -> None:
    if isinstance(v, str):
        out.append(_go_json_string(v))
    elif v is None:
        out.append("null")
    elif isinstance(v, bool):
        out.append("true" if v else "false")
    elif isinstance(v, int):
        out.append(str(v))
    elif isinstance(v, float):
        out.append(_go_json_float(v))
    elif isinstance(v, Mapping):
        out.append("{")
        for i, k in enumerate(sorted(v)):
            if i:
                out.append(",")
            out.append(_go_json_string(k))
            out.append(":")
            _go_json(v[k], out)
        out.append("}")
    elif isinstance(v, (list, tuple)):
        out.append("[")
        for i, item in enumerate(v):
            if i:
                out.append(",")
            _go_json(item, out)
        out.append("]")
    else:
        raise _JSONError(f"json: unsupported type: {type(v).__name__}")


def _is_secure(v: Any) -> bool:
    """config/value.go, isSecureValue: a mapping of exactly {secure: <string>}."""
    return isinstance(v, Mapping) and len(v) == 1 and isinstance(v.get("secure"), str)


def _has_secure(v: Any) -> bool:
    """config/value.go, hasSecureValue."""
    if _is_secure(v):
        return True
    if isinstance(v, Mapping):
        return any(_has_secure(x) for x in v.values())
    if isinstance(v, (list, tuple)):
        return any(_has_secure(x) for x in v)
    return False


def _roundtrip_object(v: Any) -> Any:
    """Objects pass through yaml.v3 Marshal and Unmarshal again (loaders.go, LoadProjectStackBytes) before
    json.Marshal: a float re-encoded by floatv may re-resolve as an int (1.0 -> "1" -> 1); nothing else changes."""
    if isinstance(v, Mapping):
        return {k: _roundtrip_object(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_roundtrip_object(x) for x in v]
    if isinstance(v, float) and not isinstance(v, bool):
        tag, out = _resolve_plain(go_format_float(v), "")
        return out
    return v


def parse_key(key: str, project: str) -> str:
    """The key as the CLI stores it: loaders.go stackConfigNamespacedWithProject, then config/key.go ParseKey."""
    if ":" not in key:
        return f"{project}:{key}"
    parts = key.split(":")
    if len(parts) == 2:
        return key
    if len(parts) == 3 and parts[1] == "config" and parts[0] and parts[2]:
        return f"{parts[0]}:{parts[2]}"  # key.go: the old `<namespace>:config:<name>` form
    raise ValueError(f"could not parse {_show(key)} as a configuration key "
                     "(configuration keys should be of the form `<namespace>:<name>`)")


def config_value(value: Any) -> str:
    """config/value.go, unmarshalValue: a scalar as its text, a mapping or sequence JSON-encoded (json.Marshal)."""
    if _is_secure(value):
        raise ValueError("encrypted secrets cannot be read offline; use a plain placeholder value")
    if isinstance(value, (Mapping, list, tuple)):
        if _has_secure(value):
            raise ValueError("holds an encrypted secret ({secure: ...}), which cannot be read offline")
        try:
            return go_json(_roundtrip_object(value))
        except _JSONError as e:
            # value.go, unmarshalValue: "marshalling obj: json: unsupported value: NaN".
            raise ValueError(f"cannot be JSON-encoded by the CLI ({e}); .nan and .inf are not allowed in objects") from None
    return _go_scalar_text(value)


def config_from_mapping(project: str, stack_config: Mapping[Any, Any]) -> dict[str, str]:
    """A `config:` mapping (as decoded data) -> the CLI's config map. Raises StackFileError (one line)."""
    out: dict[str, str] = {}
    origin: dict[str, str] = {}
    for key, value in (stack_config or {}).items():
        if not isinstance(key, str):
            raise StackFileError(f"config key {key!r} is not a string (the CLI expects only string keys)")
        try:
            full = parse_key(key, project)
            text = config_value(value)
        except ValueError as e:
            raise StackFileError(f"{key if ':' in key else project + ':' + key}: {e}") from None
        if full in out:
            raise StackFileError(f"{key}: the same key as {origin[full]} ({full}); the CLI would keep either one")
        out[full], origin[full] = text, key
    return out


# --- the file -------------------------------------------------------------------------------------------------------


def read_stack_file(path: Union[str, Path], project: str, *, require_config: bool = False,
                    declared: Optional[Mapping[str, Mapping[str, Any]]] = None) -> dict[str, str]:
    """`Pulumi.<stack>.yaml` -> exactly the config map `pulumi preview` hands the program (key -> string).

    Raises StackFileError, one line `<file>:<line>:<column>: <rule>`, for what the CLI refuses and what the offline
    preview cannot do (encrypted values). With `require_config`, a file without a `config:` mapping is refused too
    (the CLI would run the program with no configuration at all). `declared` is the project's `config:`
    declarations (`project_config_declarations`): their defaults are applied and the stack is checked against
    them as the CLI does (config.go, ValidateStackConfigAndApplyProjectConfig).
    """
    path = Path(path)
    name = path.name
    reader = _Reader(name)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise StackFileError(f"{name}: cannot read ({e.strerror or e})") from None
    root = reader.compose(reader.text(data))
    decoder = _Decoder(reader)
    if root is None:
        doc = None  # loaders.go, LoadProjectStackBytes: an empty file is an empty config
    else:
        doc = decoder.value(root)
    if doc is None or (root is not None and root.kind == "scalar" and doc is None):
        if require_config:
            raise StackFileError(f"{name}:1:1: no 'config:' mapping; the program would get no configuration")
        return _declared(reader, path, project, declared, {}, set(), {}, root or Node("map", 1, 1))
    if not isinstance(doc, dict):
        # project.go, SimplifyMarshalledProject: "expected project to be an object".
        raise reader.fail(root.line, root.column, "expected a mapping with a 'config:' mapping at the top level")
    top = {key.value: (key, val) for key, val in zip(root.content[0::2], root.content[1::2])
           if key.kind == "scalar"}
    for field_name in ("secretsprovider", "encryptedkey", "encryptionsalt", "mainEnvironment"):
        value = doc.get(field_name)
        key_node, val_node = top.get(field_name, (root, root))
        if isinstance(value, (dict, list)):
            # yaml.v3 decode into a string field: "cannot unmarshal !!map into string".
            raise reader.fail(val_node.line, val_node.column, f"{field_name}: expected a string, not a "
                              f"{'mapping' if isinstance(value, dict) else 'sequence'}")
    main_env = doc.get("mainEnvironment")
    if main_env is not None and not re.match(r"^[^/@]+/[^/@]+(@[^/@]+)?$", _go_scalar_text(main_env)):
        # project.go, ParseMainEnvironment.
        key_node, val_node = top["mainEnvironment"]
        raise reader.fail(val_node.line, val_node.column,
                          f"invalid mainEnvironment {_show(_go_scalar_text(main_env))}: expected <project>/<env>[@<version-or-tag>]")
    if "config" not in doc or doc["config"] is None:
        if require_config:
            where = top["config"][1] if "config" in top else root
            raise reader.fail(where.line, where.column, "no 'config:' mapping; the program would get no configuration")
        return _declared(reader, path, project, declared, {}, set(), {}, root)
    config = doc["config"]
    key_node, config_node = top["config"]
    if config_node.kind == "alias" and config_node.target is not None:
        config_node = config_node.target
    if not isinstance(config, dict):
        # config/map.go, Map.UnmarshalYAML: "could not unmarshal map".
        raise reader.fail(config_node.line, config_node.column, "'config' must be a mapping of keys to values")
    nodes = {k.value: (k, v) for k, v in zip(config_node.content[0::2], config_node.content[1::2])
             if config_node.kind == "map" and k.kind == "scalar"}
    out: dict[str, str] = {}
    origin: dict[str, str] = {}
    objects: set[str] = set()
    for key, value in config.items():
        k_node, v_node = nodes.get(key, (config_node, config_node))
        try:
            full = parse_key(key, project)
        except ValueError as e:
            raise reader.fail(k_node.line, k_node.column, str(e)) from None
        try:
            text = config_value(value)
        except ValueError as e:
            where = _non_finite(v_node) if "JSON" in str(e) else None
            where = where or v_node
            raise reader.fail(where.line, where.column, f"{full}: {e}") from None
        if full in out:
            # Two keys naming one config key (`foo` and `<project>:foo`): the CLI's Go map keeps either one.
            raise reader.fail(k_node.line, k_node.column,
                              f"{_show(key)} and {_show(origin[full])} are both {full}; the CLI would keep either one")
        out[full], origin[full] = text, key
        if isinstance(value, (Mapping, list)):
            objects.add(full)
    where = {full: nodes.get(key, (config_node, config_node))[1] for full, key in origin.items()}
    return _declared(reader, path, project, declared, out, objects, where, key_node)


def _declared(reader: _Reader, path: Path, project: str, declared: Optional[Mapping[str, Mapping[str, Any]]],
              out: dict[str, str], objects: set[str], where: Mapping[str, Node], config_node: Node) -> dict[str, str]:
    """The project's declarations applied (apply_project_config); a refusal points at the value, or at `config:`."""
    if not declared:
        return out
    stack = path.name[len("Pulumi."):-len(".yaml")] if path.name.startswith("Pulumi.") else path.stem
    refused = apply_project_config(stack, project, declared, out, objects)
    if refused is not None:
        full, message = refused
        node = where.get(full, config_node) if full else config_node
        raise reader.fail(node.line, node.column, message)
    return out


def _non_finite(node: Node) -> Optional[Node]:
    """The first scalar under `node` that resolves to .nan or .inf (to point the error at it)."""
    todo, seen = [node], 0
    while todo and seen < 100_000:
        n = todo.pop(0)
        seen += 1
        if n.kind == "alias" and n.target is not None:
            todo.insert(0, n.target)
        elif n.kind == "scalar":
            try:
                _, v = resolve_scalar(n)
            except ValueError:
                continue
            if isinstance(v, float) and not math.isfinite(v):
                return n
        else:
            todo[0:0] = n.content
    return None


def read_project_file(path: Union[str, Path]) -> dict[str, Any]:
    """Pulumi.yaml, decoded with the same rules (`name`, `stackConfigDir` and the `config:` declarations are used
    offline; see project_config_declarations)."""
    path = Path(path)
    reader = _Reader(path.name)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise StackFileError(f"{path.name}: cannot read ({e.strerror or e})") from None
    root = reader.compose(reader.text(data))
    doc = _Decoder(reader).value(root) if root is not None else None
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str) or not doc["name"]:
        # project.go, ValidateProject: "project is missing a non-empty string 'name' attribute".
        raise StackFileError(f"{path.name}: project is missing a non-empty string 'name' attribute")
    project_config_declarations(doc["name"], doc, path.name)  # a bad declaration is refused as the CLI does
    return doc


# --- the project's config declarations (Pulumi.yaml `config:`) ------------------------------------------------------
#
# pulumi/pulumi sdk/go/common/workspace: project.go (ProjectConfigType, RewriteShorthandConfigValues,
# Project.Validate, ValidateConfigValue, InferFullTypeName), project.json ($defs simpleConfigType,
# configTypeDeclaration) and config.go (ValidateStackConfigAndApplyProjectConfig -> mergeConfig ->
# validateStackConfigValues -> validateStackConfigValue). A key of this project declared without `default` is
# required in every stack; a declared `type` is checked against the value as the program will get it: a scalar is
# checked as its text (config.Value holds a string), so `namePrefix: true` passes `type: string` exactly as in the
# CLI; a mapping or sequence is checked as the decoded JSON.

CONFIG_TYPES = ("string", "integer", "boolean", "array")
"""project.json, $defs.simpleConfigType: the `type`s a declaration may have (ValidateConfigValue also knows
"object", but the project schema refuses it)."""

_DECLARATION_ATTRIBUTES = ("type", "items", "description", "secret", "default", "value")
"""project.json, $defs.configTypeDeclaration (additionalProperties: false)."""


def _is_project_key(project: str, key: str) -> bool:
    """project.go, configKeyIsNamespacedByProject."""
    return ":" not in key or key.startswith(project + ":")


def _full_type_name(type_name: str, items: Any) -> str:
    """project.go, InferFullTypeName: `array<string>`, `array<array<integer>>`."""
    if isinstance(items, Mapping):
        return f"array<{_full_type_name(str(items.get('type', '')), items.get('items'))}>"
    return type_name


def _go_atoi_ok(text: str) -> bool:
    """strconv.Atoi(s) succeeds: base 10, an optional sign, digits only, within int64."""
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        return False
    return _INT64[0] <= int(text) <= _INT64[1]


def config_value_fits(type_name: str, items: Any, value: Any) -> bool:
    """project.go, ValidateConfigValue(typeName, itemsType, value)."""
    if type_name == "string":
        return isinstance(value, str)
    if type_name == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        if isinstance(value, float):  # whole float64s are allowed ("Config values come from YAML ...")
            return math.isfinite(value) and value == math.trunc(value)
        return isinstance(value, str) and _go_atoi_ok(value)
    if type_name == "boolean":
        return value in ("true", "false") if isinstance(value, str) else isinstance(value, bool)
    if type_name == "object":
        return isinstance(value, Mapping)
    if not isinstance(value, list) or not isinstance(items, Mapping):
        return False
    return all(config_value_fits(str(items.get("type", "")), items.get("items"), item) for item in value)


def project_config_declarations(project: str, doc: Mapping[str, Any], file_name: str = "Pulumi.yaml") -> dict[str, dict]:
    """Pulumi.yaml's `config:` as the CLI reads it, checked as the CLI checks it. Raises StackFileError (one line).

    project.go: RewriteConfigPathIntoStackConfigDir (a string `config:` is the old stackConfigDir),
    RewriteShorthandConfigValues (`key: <scalar or list>` is a `default` for this project's keys, a `value` for
    others), the project.json schema (attributes and types), then Project.Validate, whose messages are kept.
    """
    raw = doc.get("config")
    if raw is None or isinstance(raw, str):
        return {}
    if not isinstance(raw, Mapping):
        raise StackFileError(f"{file_name}: config: expected a mapping of config keys to declarations")
    out: dict[str, dict] = {}
    for key, decl in raw.items():
        if not isinstance(decl, Mapping):
            if decl is not None and not isinstance(decl, (str, int, float, bool, list)):
                raise StackFileError(f"{file_name}: config.{key}: expected a declaration or a value")
            decl = {"default" if _is_project_key(project, key) else "value": decl} if decl is not None else {}
        unknown = [a for a in decl if a not in _DECLARATION_ATTRIBUTES]
        if unknown:
            raise StackFileError(f"{file_name}: config.{key}: '{unknown[0]}' not allowed "
                                 f"(allowed: {', '.join(_DECLARATION_ATTRIBUTES)})")
        type_name = decl.get("type")
        if type_name is not None and type_name not in CONFIG_TYPES:
            raise StackFileError(f"{file_name}: config.{key}.type: {_show(str(type_name))} is not one of "
                                 f"{', '.join(CONFIG_TYPES)} (project.json, simpleConfigType)")
        msg = _validate_declaration(project, key, decl)
        if msg:
            raise StackFileError(f"{file_name}: {msg}")
        out[key] = dict(decl)
    return out


def _validate_declaration(project: str, key: str, decl: Mapping[str, Any]) -> Optional[str]:
    """project.go, Project.Validate, one declaration: its error text, or None."""
    has_default, has_value = decl.get("default") is not None, decl.get("value") is not None
    type_name = decl.get("type")
    if has_default and has_value:
        return f"project config '{key}' cannot have both a 'default' and 'value' attribute"
    if _is_project_key(project, key):
        if type_name == "array" and decl.get("items") is None:
            return (f"The configuration key '{key}' declares an array but does not specify the underlying type "
                    "via the 'items' attribute")
        if type_name is not None and has_default and not config_value_fits(type_name, decl.get("items"), decl["default"]):
            return (f"The default value specified for configuration key '{key}' is not of the expected type "
                    f"'{_full_type_name(type_name, decl.get('items'))}'")
        return None
    if type_name is not None:
        return f"Configuration key '{key}' is not namespaced by the project and should not define a type"
    if has_default:
        return (f"Configuration key '{key}' is not namespaced by the project and should not define a default value. "
                "Did you mean to use the 'value' attribute instead of 'default'?")
    if not has_value:
        return f"Configuration key '{key}' is namespaced and must provide an attribute 'value'"
    return None


def _missing_keys_text(keys: list[str]) -> str:
    """config.go, formatMissingKeys."""
    keys = sorted(keys)
    if len(keys) == 1:
        return f"'{keys[0]}'"
    return "".join(f"and '{k}'" if i == len(keys) - 1 else f"'{k}' " if i == len(keys) - 2 else f"'{k}', "
                   for i, k in enumerate(keys))


def apply_project_config(stack: str, project: str, declared: Mapping[str, Mapping[str, Any]],
                         values: dict[str, str], objects: set[str]) -> Optional[tuple[Optional[str], str]]:
    """config.go, mergeConfig with validation: defaults and values of `declared` are added to `values` (in place);
    the first refusal is returned as (the full key it concerns or None, the CLI's message), else None.

    `objects` holds the full keys whose value is a mapping or sequence (config.Value.Object()).
    """
    missing: list[str] = []
    for key in sorted(declared):
        decl = declared[key]
        full = parse_key(key, project)
        if full in values:
            continue
        default = decl.get("default") if decl.get("default") is not None else decl.get("value")
        if default is None:
            if full.split(":", 1)[0] == project:
                missing.append(key)
            continue
        # config.go, createConfigValue: a string, int or bool as its text (%v), anything else JSON-encoded.
        if isinstance(default, (dict, list, float)) and not isinstance(default, bool):
            values[full] = go_json(default)
            objects.add(full)
        else:
            values[full] = _go_scalar_text(default)
    if missing:
        return None, f"Stack '{stack}' is missing configuration {'values' if len(missing) > 1 else 'value'} " + \
            _missing_keys_text(missing)
    for key in sorted(declared):  # config.go, validateStackConfigValues -> validateStackConfigValue
        decl = declared[key]
        type_name = decl.get("type")
        full = parse_key(key, project)
        if full not in values:
            continue
        if decl.get("secret"):
            # Offline every value is plaintext (encrypted ones are refused above), so a declared secret never is.
            return full, f"Stack '{stack}' with configuration key '{key}' must be encrypted as it's secret"
        if type_name is None:
            continue
        content: Any = json.loads(values[full]) if full in objects else values[full]
        if not config_value_fits(type_name, decl.get("items"), content):
            return full, (f"Stack '{stack}' with configuration key '{key}' must be of type "
                          f"'{_full_type_name(type_name, decl.get('items'))}'")
    return None
