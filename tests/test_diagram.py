"""`make preview FORMAT=mermaid|dot`: a picture of each stack, syntactically valid, with the relations it must show.

No Mermaid or Graphviz is installed offline, so each format is checked by a small structural validator below
(header, safe ids, declared endpoints, balanced blocks, quoted and escaped labels). The validators are themselves
tested against broken inputs, so a validator that accepts anything cannot pass unnoticed.
"""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from offline import diagram, preview
from offline.runtime import Plan, Registration
from offline import tokens as T

STACKS = ("dev", "prod", "modelarts")

# --- validators ---------------------------------------------------------------------------------------------------

MERMAID_ID = r"[A-Za-z][A-Za-z0-9_]*"
MERMAID_RESERVED = {"end", "graph", "subgraph", "flowchart", "class", "classDef", "style", "click", "direction"}
# Node shapes the renderer uses: opening, closing. The label between is a double-quoted string.
MERMAID_SHAPES = [('[["', '"]]'), ('(["', '"])'), ('[("', '")]'), ('[/"', '"/]'), ('{{"', '"}}'), ('("', '")'),
                  ('>"', '"]'), ('["', '"]')]
MERMAID_LABEL = r'[^"<>]*(?:<br/>[^"<>]*)*'  # no raw quote or angle bracket except the line breaks we emit


def validate_mermaid(text: str) -> list[str]:
    """Problems in a Mermaid flowchart as this project writes it (empty list: valid)."""
    problems: list[str] = []
    lines = [line for line in text.splitlines() if line.strip() and not line.strip().startswith("%%")]
    if not lines or not re.fullmatch(r"(flowchart|graph) (LR|RL|TD|TB|BT)", lines[0].strip()):
        return ["first line must be 'flowchart LR' (or graph TD, ...)"]
    declared: set[str] = set()
    subgraphs: set[str] = set()
    edges: list[tuple[int, str, str]] = []
    classes: list[tuple[int, list[str]]] = []
    class_defs: set[str] = set()
    depth = 0

    def check_id(n: int, ident: str) -> None:
        if not re.fullmatch(MERMAID_ID, ident) or ident in MERMAID_RESERVED:
            problems.append(f"line {n}: unsafe id {ident!r}")

    for n, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if m := re.fullmatch(r'subgraph (\S+)\["(' + MERMAID_LABEL + r')"\]', line):
            check_id(n, m.group(1))
            if m.group(1) in declared | subgraphs:
                problems.append(f"line {n}: subgraph id {m.group(1)!r} reused")
            subgraphs.add(m.group(1))
            depth += 1
            continue
        if line == "end":
            depth -= 1
            if depth < 0:
                problems.append(f"line {n}: 'end' without subgraph")
            continue
        if m := re.fullmatch(r"(\S+) -->\|([A-Za-z ]+)\| (\S+)", line):
            edges.append((n, m.group(1), m.group(3)))
            continue
        if m := re.fullmatch(r"classDef (\S+) ([a-z-]+:#[0-9a-fA-F]{6})(,[a-z-]+:#[0-9a-fA-F]{6})*", line):
            class_defs.add(m.group(1))
            continue
        if m := re.fullmatch(r"class (\S+) (\S+)", line):
            classes.append((n, m.group(1).split(",")))
            if m.group(2) not in class_defs:
                problems.append(f"line {n}: class {m.group(2)!r} used before classDef")
            continue
        for opening, closing in MERMAID_SHAPES:
            m = re.fullmatch(r"(\S+?)" + re.escape(opening) + "(" + MERMAID_LABEL + ")" + re.escape(closing), line)
            if m:
                check_id(n, m.group(1))
                if m.group(1) in declared:
                    problems.append(f"line {n}: node {m.group(1)!r} declared twice")
                declared.add(m.group(1))
                break
        else:
            problems.append(f"line {n}: not a node, edge, subgraph or class statement: {line!r}")
    if depth != 0:
        problems.append(f"{depth} subgraph(s) not closed with 'end'")
    for n, src, dst in edges:
        for end_ in (src, dst):
            if end_ not in declared:
                problems.append(f"line {n}: edge endpoint {end_!r} is not a declared node")
    for n, ids in classes:
        for ident in ids:
            if ident not in declared:
                problems.append(f"line {n}: class applied to undeclared node {ident!r}")
    return problems


DOT_ID = r"[A-Za-z_][A-Za-z0-9_]*"
DOT_STRING = r'"(?:[^"\\]|\\.)*"'
DOT_VALUE = rf"(?:{DOT_STRING}|[A-Za-z0-9_.#-]+)"
DOT_ATTRS = rf"\[\s*{DOT_ID}={DOT_VALUE}(?:\s*,\s*{DOT_ID}={DOT_VALUE})*\s*\]"


def validate_dot(text: str) -> list[str]:
    """Problems in a Graphviz digraph as this project writes it (empty list: valid)."""
    problems: list[str] = []
    # Braces must balance outside strings.
    depth = 0
    for token in re.findall(DOT_STRING + r"|[{}]", text):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                problems.append("'}' without '{'")
    if depth:
        problems.append(f"{depth} unclosed '{{'")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or not re.fullmatch(rf"digraph (?:{DOT_ID}|{DOT_STRING}) \{{", lines[0]):
        return problems + ["first line must open a digraph"]
    declared: set[str] = set()
    edges: list[tuple[int, str, str]] = []
    for n, line in enumerate(lines[1:], start=2):
        if line == "}" or re.fullmatch(rf"subgraph cluster_[A-Za-z0-9_]+ \{{", line):
            continue
        if re.fullmatch(rf"(graph|node|edge) {DOT_ATTRS};", line) or re.fullmatch(rf"{DOT_ID}={DOT_VALUE};", line):
            continue
        if m := re.fullmatch(rf"({DOT_ID}) -> ({DOT_ID}) {DOT_ATTRS};", line):
            edges.append((n, m.group(1), m.group(2)))
            continue
        if m := re.fullmatch(rf"({DOT_ID}) {DOT_ATTRS};", line):
            if m.group(1) in declared:
                problems.append(f"line {n}: node {m.group(1)!r} declared twice")
            declared.add(m.group(1))
            continue
        problems.append(f"line {n}: not a DOT statement this renderer writes: {line!r}")
    for n, src, dst in edges:
        for end_ in (src, dst):
            if end_ not in declared:
                problems.append(f"line {n}: edge endpoint {end_!r} is not a declared node")
    return problems


# --- the validators catch what they must ----------------------------------------------------------------------------


@pytest.mark.parametrize("text,problem", [
    ("graph XY\n  a[\"A\"]", "first line"),
    ('flowchart LR\n  a["A"]\n  a -->|x| b', "'b' is not a declared node"),
    ('flowchart LR\n  subgraph s["S"]\n    a["A"]', "not closed"),
    ('flowchart LR\n  a["A"]\n  end', "'end' without subgraph"),
    ('flowchart LR\n  end["A"]', "unsafe id 'end'"),
    ('flowchart LR\n  a-b["A"]', "unsafe id"),
    ('flowchart LR\n  a[A label]', "not a node"),
    ('flowchart LR\n  a["say "hi""]', "not a node"),
    ('flowchart LR\n  a["A"]\n  a["B"]', "declared twice"),
    ('flowchart LR\n  a["A"]\n  class a user', "before classDef"),
])
def test_mermaid_validator_rejects(text, problem):
    assert any(problem in p for p in validate_mermaid(text)), validate_mermaid(text)


@pytest.mark.parametrize("text,problem", [
    ('digraph g {\n  a [label="A"];\n', "unclosed"),
    ('digraph g {\n  a [label="A"];\n  a -> b [label="x"];\n}', "'b' is not a declared node"),
    ('digraph g {\n  a [label="say "hi""];\n}', "not a DOT statement"),
    ('graph g {\n}', "first line"),
    ('digraph g {\n  a [label="{"];\n}}', "without"),
])
def test_dot_validator_rejects(text, problem):
    assert any(problem in p for p in validate_dot(text)), validate_dot(text)


# --- both example stacks (and the ModelArts one) draw valid pictures --------------------------------------------------


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {s: preview.plan_stack(s) for s in STACKS}


@pytest.mark.parametrize("stack", STACKS)
def test_mermaid_is_a_valid_flowchart(plans, stack):
    text = diagram.render_mermaid(plans[stack])
    assert text.startswith("flowchart LR\n")
    assert validate_mermaid(text) == []


@pytest.mark.parametrize("stack", STACKS)
def test_dot_is_a_valid_digraph(plans, stack):
    text = diagram.render_dot(plans[stack])
    assert validate_dot(text) == []


@pytest.mark.parametrize("stack", STACKS)
def test_both_formats_draw_the_same_graph(plans, stack):
    graph = diagram.build_graph(plans[stack])
    mermaid, dot = diagram.render_mermaid(plans[stack]), diagram.render_dot(plans[stack])
    for e in graph.edges:
        assert f"  {e.src} -->|{e.label}| {e.dst}" in mermaid
        assert f'  {e.src} -> {e.dst} [label="{e.label}"];' in dot
    assert len(graph.sorted_edges()) == mermaid.count(" -->|") == dot.count(" -> ")


def test_rendering_is_deterministic(plans):
    again = preview.plan_stack("prod")
    assert diagram.render_mermaid(again) == diagram.render_mermaid(plans["prod"])
    assert diagram.render_dot(again) == diagram.render_dot(plans["prod"])


# --- the relations the picture must show ----------------------------------------------------------------------------


def relations(plan: Plan) -> set[tuple[str, str, str]]:
    """(first label line of source, edge label, first label line of target) for every edge."""
    g = diagram.build_graph(plan)
    return {(g.nodes[e.src].lines[0], e.label, g.nodes[e.dst].lines[0]) for e in g.edges}


def test_prod_shows_members_users_groups_policies_storage_and_network(plans):
    rel = relations(plans["prod"])
    # workspace -> member -> user, for created and existing users
    assert ("PAI workspace recsys_serving", "member", "member carol") in rel
    assert ("member carol", "is", "RAM user carol") in rel
    assert ("member auditor", "is", "RAM user auditor") in rel  # existing user, named from its lookup
    # user -> group membership, from UserGroupAttachment userName/groupName
    assert ("RAM user carol", "member of", "RAM group acme-prod-recsys-serving-algo-developer") in rel
    assert ("RAM user platform-admin", "member of", "RAM group acme-prod-pai-resource-admins") in rel
    # group -> policy, custom and system
    assert ("RAM group acme-prod-recsys-serving-guest", "attached", "custom policy acme-prod-recsys-serving-eas-read") in rel
    assert ("RAM group acme-prod-pai-resource-admins", "attached", "system policy AliyunPAIFullAccess") in rel
    # storage and network belong to their workspace
    assert ("PAI workspace recsys_serving", "stores in", "OSS bucket acme-prod-recsys-serving-models") in rel
    assert ("PAI workspace labeling", "stores in", "OSS bucket acme-prod-labeling-raw") in rel
    assert ("PAI workspace recsys_serving", "runs in", "VPC acme-prod-recsys-serving") in rel
    assert ("VPC acme-prod-recsys-serving", "contains", "vSwitch cn-shanghai-l") in rel
    # nothing of one workspace is drawn as belonging to the other
    assert not any(s == "PAI workspace labeling" and "recsys" in t for s, _, t in rel)


def test_prod_clusters_are_the_workspaces_and_the_shared_users(plans):
    g = diagram.build_graph(plans["prod"])
    assert set(g.clusters.values()) == {"workspace recsys_serving", "workspace labeling", "users (pai:identity:Users)",
                                        "access-logs (pai:audit:LogBucket)"}
    ws_nodes = {n.lines[0]: n.cluster for n in g.nodes.values()}
    assert g.clusters[ws_nodes["OSS bucket acme-prod-labeling-raw"]] == "workspace labeling"
    assert ws_nodes["RAM user auditor"] == ""  # existing: not managed by any component of the stack
    assert g.clusters[ws_nodes["OSS bucket acme-prod-access-logs"]] == "access-logs (pai:audit:LogBucket)"


def test_dev_shows_nas_mount_targets_in_their_vswitches(plans):
    rel = relations(plans["dev"])
    nas = [s for s, label, t in rel if label == "mounts"]
    assert nas == ["PAI workspace nlp_dev"]
    assert ("mount target cn-hangzhou-h", "in", "vSwitch cn-hangzhou-h") in rel
    assert ("mount target cn-hangzhou-i", "in", "vSwitch cn-hangzhou-i") in rel
    assert sum(1 for _, label, _ in rel if label == "mount target") == 2


def test_modelarts_shows_iam_groups_policies_agency_and_obs(plans):
    rel = relations(plans["modelarts"])
    assert ("ModelArts workspace vision", "member", "IAM user erin") in rel
    assert ("IAM user erin", "member of", "IAM group acme-ma-vision-trainer") in rel
    assert ("IAM group acme-ma-vision-trainer", "in project", "custom policy acme-ma-vision-trainer-obs-xa-1") in rel
    assert ("IAM group acme-ma-vision-trainer", "in domain", "custom policy acme-ma-vision-trainer-obs-ax-1") in rel
    assert ("ModelArts workspace vision", "delegates to", "agency acme-ma-vision-agency") in rel
    assert ("agency acme-ma-vision-agency", "in domain", "custom policy acme-ma-vision-agency-obs-ax-1") in rel
    assert ("ModelArts workspace vision", "stores in", "OBS bucket acme-ma-vision-datasets") in rel
    assert ("VPC acme-ma-vision", "contains", "subnet acme-ma-vision-subnet") in rel


# --- labels are escaped ---------------------------------------------------------------------------------------------


def test_labels_with_quotes_and_brackets_are_escaped():
    ws = Registration(urn="urn:pulumi:s::p::pai:bundle:WorkspaceBundle::end", type="pai:bundle:WorkspaceBundle",
                      name="end", parent="", custom=False, inputs={})
    odd = 'team "A" <b>#1</b>'
    bucket = Registration(urn=f"urn:pulumi:s::p::pai:bundle:WorkspaceBundle${T.ALI_BUCKET}::end",
                          type=T.ALI_BUCKET, name="end", parent=ws.urn, custom=True,
                          inputs={"bucket": odd, "storageClass": "Standard"})
    plan = Plan(project="p", stack="s", resources=[ws, bucket], invokes=[], outputs={})
    mermaid, dot = diagram.render_mermaid(plan), diagram.render_dot(plan)
    assert validate_mermaid(mermaid) == [] and validate_dot(dot) == []
    assert "team #quot;A#quot; #lt;b#gt;#35;1#lt;/b#gt;" in mermaid
    assert 'OSS bucket team \\"A\\" <b>#1</b>' in dot
    assert "subgraph cluster_end[" in mermaid  # never a bare `end` id


# --- the CLI and the README picture ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_make_preview_format(capsys, stack, fmt):
    assert preview.main(["--stack", stack, "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert (validate_mermaid if fmt == "mermaid" else validate_dot)(out.rstrip("\n")) == []


def test_docs_prod_stack_embeds_the_current_prod_picture(plans):
    doc = (ROOT / "docs" / "prod-stack.md").read_text()
    blocks = re.findall(r"```mermaid\n(.*?)```", doc, flags=re.S)
    assert blocks == [diagram.render_mermaid(plans["prod"]) + "\n"], (
        "docs/prod-stack.md is stale: regenerate it with `make preview STACK=prod FORMAT=mermaid`"
    )
