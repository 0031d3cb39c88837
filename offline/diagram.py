"""A picture of a stack: its workspaces, members, users, groups, policies, storage and network, with relations.

    python -m offline.preview --stack prod --format mermaid|dot

Pure functions of a `Plan` (what the offline run registered). Relations come from the registrations themselves,
never from naming conventions:
- which workspace a resource belongs to: its top-level ancestor (the per-workspace bundle component);
- user -> group, group -> policy, workspace -> member -> user, mount target -> vSwitch, ...: the names and ids
  in their inputs (`UserGroupAttachment.userName`/`groupName`, `WorkspaceMember.userId`, `MountTarget.vswitchId`,
  `RoleAssignment.groupId`/`roleId`, `GroupMembership.users`).

Users who exist already are not registered: their ids come from lookups, which the mock runtime answered with
placeholders (`offline.fakes.invoke`); the same pure function names them here.

Both formats are drawn from one graph model (`build_graph`), so they always show the same things.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from . import fakes, tokens
from .access import referenced_users
from .runtime import Plan, Registration

# --- the graph model ----------------------------------------------------------------------------------------------

#: Node kinds, in legend order, with how each format draws them: (mermaid open, mermaid close, dot shape, colour).
KINDS: dict[str, tuple[str, str, str, str]] = {
    "workspace": ('[["', '"]]', "box3d", "#dbe9ff"),
    "member": ('("', '")', "box", "#eef5ff"),
    "user": ('(["', '"])', "ellipse", "#e6f7e6"),
    "group": ('{{"', '"}}', "hexagon", "#fff4d6"),
    "role": ('>"', '"]', "cds", "#fff4d6"),
    "agency": ('>"', '"]', "cds", "#fde2e2"),
    "policy": ('[/"', '"/]', "parallelogram", "#fde2e2"),
    "system-policy": ('[/"', '"/]', "parallelogram", "#f0f0f0"),
    "bucket": ('[("', '")]', "cylinder", "#e8e0f8"),
    "filesystem": ('[("', '")]', "cylinder", "#e8e0f8"),
    "mount": ('["', '"]', "box", "#f3eefc"),
    "vpc": ('["', '"]', "box", "#e0f4f4"),
    "subnet": ('["', '"]', "box", "#eefafa"),
}


@dataclass(frozen=True)
class Node:
    id: str
    kind: str
    lines: tuple[str, ...]
    """Label lines: the first says what it is, the next ones details."""
    cluster: str = ""
    """Id of the cluster (workspace or shared component) it is drawn in; "" for the top level."""


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str


@dataclass
class Graph:
    title: str
    clusters: dict[str, str] = field(default_factory=dict)
    """Cluster id -> title, in drawing order."""
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def sorted_nodes(self) -> list[Node]:
        order = {c: i for i, c in enumerate(["", *self.clusters])}
        return sorted(self.nodes.values(), key=lambda n: (order[n.cluster], list(KINDS).index(n.kind), n.id))

    def sorted_edges(self) -> list[Edge]:
        return sorted(set(self.edges), key=lambda e: (e.src, e.dst, e.label))


# Provider resources are named by their `offline.tokens` short names (`Plan.of("ALI_USER")`), tokens read from the
# SDK classes; the ModelArts bundle is this project's own component type.
HW_WORKSPACE = "modelarts:bundle:Workspace"

_ID_PREFIX = {"workspace": "ws", "system-policy": "syspol", "filesystem": "fs"}
_ID_PREFIX.update({k: k for k in KINDS if k not in _ID_PREFIX})

#: Resources that belong to the workspace of their scope (drawn with a workspace -> resource edge).
_OWNED = {"bucket": "stores in", "filesystem": "mounts", "vpc": "runs in", "agency": "delegates to"}


class _Builder:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.graph = Graph(title=f"{plan.project} / {plan.stack}")
        self.by_urn = {r.urn: r for r in plan.resources}
        self.node_of: dict[str, str] = {}  # resource URN or synthetic key -> node id
        self.workspace_of_scope: dict[str, str] = {}  # scope URN -> workspace node id
        self._ids: set[str] = set()

    # -- helpers --

    def scope(self, r: Registration) -> str:
        """The top-level ancestor's URN (the component directly under the stack)."""
        cur = r
        while cur.parent in self.by_urn:
            cur = self.by_urn[cur.parent]
        return cur.urn

    def cluster_for(self, r: Registration) -> str:
        scope = self.scope(r)
        if _cid(scope) not in self.graph.clusters:
            root = self.by_urn[scope]
            self.graph.clusters[_cid(scope)] = root.name if root.custom else f"{root.name} ({root.type})"
        return _cid(scope)

    def add(self, key: str, kind: str, lines: Iterable[str], cluster: str = "", ident: str = "") -> str:
        """A node for `key` (a URN or a synthetic key), created once; its id is `<kind>_<ident>`, made safe."""
        if key in self.node_of:
            return self.node_of[key]
        ident = ident or key.split(":", 1)[-1]
        base = re.sub(r"[^A-Za-z0-9]+", "_", f"{_ID_PREFIX[kind]}_{ident}").strip("_")
        nid, n = base, 2
        while nid in self._ids:
            nid, n = f"{base}_{n}", n + 1
        self._ids.add(nid)
        self.node_of[key] = nid
        self.graph.nodes[nid] = Node(nid, kind, tuple(lines), cluster)
        return nid

    def add_resource(self, r: Registration, kind: str, *lines: str) -> str:
        return self.add(r.urn, kind, lines, self.cluster_for(r), ident=r.name)

    def edge(self, src: Optional[str], dst: Optional[str], label: str) -> None:
        if src and dst and src != dst:
            self.graph.edges.append(Edge(src, dst, label))

    def by_input(self, kind: str, key: str) -> dict[Any, Registration]:
        """Resources of the `offline.tokens` short name `kind`, by one plain input."""
        return {r.plain_inputs().get(key): r for r in self.plan.of(kind)}

    def by_id(self, *kinds: str) -> dict[str, Registration]:
        return {r.id: r for k in kinds for r in self.plan.of(k)}

    # -- the picture --

    def build(self) -> Graph:
        p = self.plan
        # Workspaces first, so clusters follow the workspaces' order.
        for r in p.of("ALI_WORKSPACE"):
            inp = r.plain_inputs()
            nid = self.add_resource(r, "workspace", f"PAI workspace {inp.get('workspaceName', r.name)}",
                                    ", ".join(inp.get("envTypes") or []))
            self.graph.clusters[_cid(self.scope(r))] = f"workspace {inp.get('workspaceName', r.name)}"
            self.workspace_of_scope[self.scope(r)] = nid
        for r in p.by_type(HW_WORKSPACE):
            nid = self.add_resource(r, "workspace", f"ModelArts workspace {r.name}", "created in the console")
            self.graph.clusters[_cid(r.urn)] = f"workspace {r.name}"
            self.workspace_of_scope[self.scope(r)] = nid
        self._alicloud()
        self._huaweicloud()
        return self.graph

    def _network(self, vpc_kind: str, subnet_kind: str, name_key: str, cidr_key: str, subnet_label) -> dict:
        """VPCs and their subnets (vSwitches) of either cloud, each subnet inside its VPC; returns subnets by id."""
        vpcs = self.by_id(vpc_kind)
        for r in vpcs.values():
            inp = r.plain_inputs()
            nid = self.add_resource(r, "vpc", f"VPC {inp.get(name_key, r.name)}", str(inp.get(cidr_key, "")))
            self._owned(r, nid, "vpc")
        subnets = self.by_id(subnet_kind)
        for r in subnets.values():
            inp = r.plain_inputs()
            nid = self.add_resource(r, "subnet", subnet_label(inp, r), str(inp.get(cidr_key, "")))
            vpc = vpcs.get(str(inp.get("vpcId")))
            self.edge(self.node_of.get(vpc.urn) if vpc else None, nid, "contains")
        return subnets

    def _owned(self, r: Registration, nid: str, kind: str) -> None:
        ws = self.workspace_of_scope.get(self.scope(r))
        self.edge(ws, nid, _OWNED[kind])

    def _alicloud(self) -> None:
        p = self.plan
        users = self.by_input("ALI_USER", "name")
        for name, r in sorted(users.items()):
            self.add_resource(r, "user", f"RAM user {name}")
        existing = {}
        for inv in p.invokes:
            if tokens.name_of(inv.token) == "ALI_GET_USERS":
                found = fakes.invoke(inv.token, inv.args)
                for uid, name in zip(found.get("ids", []), found.get("names", [])):
                    existing[uid] = name
        # A team stack's users, read from its identity stack (README, "Estates").
        from_identity = referenced_users(p)
        referenced = {u.name: stack for stack, u in from_identity.values()}
        existing.update({uid: u.name for uid, (_, u) in from_identity.items()})
        groups = self.by_input("ALI_GROUP", "groupName")
        for name, r in sorted(groups.items()):
            self.add_resource(r, "group", f"RAM group {name}")
        roles = self.by_input("ALI_ROLE", "roleName")
        for r in p.of("ALI_ROLE"):
            self.add_resource(r, "role", f"RAM role {r.plain_inputs().get('roleName') or r.name}")
        policies = self.by_input("ALI_POLICY", "policyName")
        for name, r in sorted(policies.items()):
            self.add_resource(r, "policy", f"custom policy {name}")

        def user_node(name: str) -> str:
            if name in users:
                return self.node_of[users[name].urn]
            if name in referenced:
                return self.add(f"user:{name}", "user", [f"RAM user {name}", f"from {referenced[name].rsplit('/', 1)[-1]}"])
            return self.add(f"user:{name}", "user", [f"RAM user {name}", "existing"])

        def policy_node(name: str, kind: str) -> str:
            if name in policies and kind != "System":
                return self.node_of[policies[name].urn]
            return self.add(f"system-policy:{name}", "system-policy", [f"system policy {name}"])

        for a in p.of("ALI_USER_GROUP"):
            inp = a.plain_inputs()
            if inp.get("groupName") in groups:
                self.edge(user_node(inp["userName"]), self.node_of[groups[inp["groupName"]].urn], "member of")
        for a in p.of("ALI_GROUP_POLICY"):
            inp = a.plain_inputs()
            if inp.get("groupName") in groups:
                self.edge(self.node_of[groups[inp["groupName"]].urn], policy_node(inp["policyName"], inp.get("policyType", "")), "attached")
        for a in p.of("ALI_USER_POLICY"):
            inp = a.plain_inputs()
            self.edge(user_node(inp["userName"]), policy_node(inp["policyName"], inp.get("policyType", "")), "attached")
        for a in p.of("ALI_ROLE_POLICY"):
            inp = a.plain_inputs()
            if inp.get("roleName") in roles:
                self.edge(self.node_of[roles[inp["roleName"]].urn], policy_node(inp["policyName"], inp.get("policyType", "")), "attached")

        workspaces = self.by_id("ALI_WORKSPACE")
        users_by_id = {r.id: r for r in users.values()}
        for m in p.of("ALI_MEMBER"):
            inp = m.plain_inputs()
            uid = str(inp.get("userId", ""))
            name = users_by_id[uid].plain_inputs()["name"] if uid in users_by_id else existing.get(uid, f"id {uid}")
            nid = self.add_resource(m, "member", f"member {name}", ", ".join(inp.get("roles") or []))
            ws = workspaces.get(str(inp.get("workspaceId")))
            self.edge(self.node_of.get(ws.urn) if ws else None, nid, "member")
            self.edge(nid, user_node(name), "is")

        for r in p.of("ALI_BUCKET"):
            inp = r.plain_inputs()
            nid = self.add_resource(r, "bucket", f"OSS bucket {inp.get('bucket', r.name)}",
                                    f"{inp.get('storageClass', '')} {inp.get('redundancyType', '')}".strip())
            self._owned(r, nid, "bucket")
        file_systems = self.by_id("ALI_NAS")
        for r in file_systems.values():
            inp = r.plain_inputs()
            nid = self.add_resource(r, "filesystem", f"NAS {r.name}",
                                    f"{inp.get('fileSystemType', '')} {inp.get('storageType', '')}".strip())
            self._owned(r, nid, "filesystem")
        switches = self._network("ALI_VPC", "ALI_VSWITCH", "vpcName", "cidrBlock", lambda inp, r: f"vSwitch {inp.get('zoneId', r.name)}")
        for r in p.of("ALI_MOUNT"):
            inp = r.plain_inputs()
            vsw = switches.get(str(inp.get("vswitchId")))
            where = vsw.plain_inputs().get("zoneId", "") if vsw else str(inp.get("vswitchId", ""))
            nid = self.add_resource(r, "mount", f"mount target {where}")
            fs = file_systems.get(str(inp.get("fileSystemId")))
            self.edge(self.node_of.get(fs.urn) if fs else None, nid, "mount target")
            self.edge(nid, self.node_of.get(vsw.urn) if vsw else None, "in")

    def _huaweicloud(self) -> None:
        p = self.plan
        users = self.by_id("HW_USER")
        for r in users.values():
            nid = self.add_resource(r, "user", f"IAM user {r.plain_inputs().get('name', r.name)}")
            self.edge(self.workspace_of_scope.get(self.scope(r)), nid, "member")
        groups = self.by_id("HW_GROUP")
        for r in groups.values():
            self.add_resource(r, "group", f"IAM group {r.plain_inputs().get('name', r.name)}")
        roles = self.by_id("HW_ROLE")
        roles_by_name = {r.plain_inputs().get("name"): r for r in roles.values()}
        for r in roles.values():
            inp = r.plain_inputs()
            self.add_resource(r, "policy", f"custom policy {inp.get('name', r.name)}", f"type {inp.get('type', '')}")
        system = {}
        for inv in p.invokes:
            if tokens.name_of(inv.token) == "HW_GET_ROLE":
                found = fakes.invoke(inv.token, inv.args)
                if found.get("id"):
                    system[found["id"]] = inv.args.get("displayName") or inv.args.get("name") or found["id"]

        def role_node(role_id: str = "", name: str = "") -> Optional[str]:
            if role_id in roles:
                return self.node_of[roles[role_id].urn]
            if name in roles_by_name:
                return self.node_of[roles_by_name[name].urn]
            label = system.get(role_id) or name or role_id
            return self.add(f"system-policy:{label}", "system-policy", [f"system policy {label}"]) if label else None

        for a in p.of("HW_ASSIGNMENT"):
            inp = a.plain_inputs()
            group = groups.get(str(inp.get("groupId")))
            where = "in project" if inp.get("projectId") else "in domain" if inp.get("domainId") else "attached"
            self.edge(self.node_of.get(group.urn) if group else None, role_node(str(inp.get("roleId", ""))), where)
        for m in p.of("HW_MEMBERSHIP"):
            inp = m.plain_inputs()
            group = groups.get(str(inp.get("group")))
            for uid in inp.get("users") or []:
                uid = str(uid)
                if uid in users:
                    unode = self.node_of[users[uid].urn]
                else:
                    unode = self.add(f"user:{uid}", "user", [f"IAM user id {uid}", "existing"], self.cluster_for(m))
                    self.edge(self.workspace_of_scope.get(self.scope(m)), unode, "member")
                self.edge(unode, self.node_of.get(group.urn) if group else None, "member of")
        for r in p.of("HW_AGENCY"):
            inp = r.plain_inputs()
            nid = self.add_resource(r, "agency", f"agency {inp.get('name', r.name)}",
                                    f"for {inp.get('delegatedServiceName', '')}")
            self._owned(r, nid, "agency")
            for name in inp.get("domainRoles") or []:
                self.edge(nid, role_node(name=str(name)), "in domain")
            for pr in inp.get("projectRoles") or []:
                for name in pr.get("roles") or []:
                    self.edge(nid, role_node(name=str(name)), "in project")
        for r in p.of("HW_BUCKET"):
            inp = r.plain_inputs()
            nid = self.add_resource(r, "bucket", f"OBS bucket {inp.get('bucket', r.name)}",
                                    str(inp.get("storageClass", "")))
            self._owned(r, nid, "bucket")
        subnets = self._network("HW_VPC", "HW_SUBNET", "name", "cidr", lambda inp, r: f"subnet {inp.get('name', r.name)}")
        for r in p.of("HW_TURBO"):
            inp = r.plain_inputs()
            nid = self.add_resource(r, "filesystem", f"SFS Turbo {inp.get('name', r.name)}",
                                    f"{inp.get('shareType', '')} {inp.get('size', '')} GB".strip())
            self._owned(r, nid, "filesystem")
            subnet = subnets.get(str(inp.get("subnetId")))
            self.edge(nid, self.node_of.get(subnet.urn) if subnet else None, "in")


def _cid(urn: str) -> str:
    """A cluster id from a scope URN: its name part, made safe."""
    return "cluster_" + re.sub(r"[^A-Za-z0-9]+", "_", urn.split("::")[-1]).strip("_")


def build_graph(plan: Plan) -> Graph:
    """The stack's picture as nodes, clusters and labelled edges (pure)."""
    graph = _Builder(plan).build()
    used = {n.cluster for n in graph.nodes.values()}
    graph.clusters = {c: t for c, t in graph.clusters.items() if c in used}
    return graph


# --- Mermaid ------------------------------------------------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    """Text for inside a double-quoted Mermaid label: entity codes for the characters Mermaid would parse."""
    return text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _mermaid_label(lines: Iterable[str]) -> str:
    return "<br/>".join(_mermaid_text(line) for line in lines if line)


def render_mermaid(plan: Plan) -> str:
    """A Mermaid flowchart (`flowchart LR`): one subgraph per workspace (and per shared component)."""
    graph = build_graph(plan)
    out = ["flowchart LR"]
    nodes = graph.sorted_nodes()

    def node_line(n: Node, indent: str) -> str:
        opening, closing, _shape, _colour = KINDS[n.kind]
        return f"{indent}{n.id}{opening}{_mermaid_label(n.lines)}{closing}"

    for n in nodes:
        if not n.cluster:
            out.append(node_line(n, "  "))
    for cid, title in graph.clusters.items():
        out.append(f'  subgraph {cid}["{_mermaid_text(title)}"]')
        out += [node_line(n, "    ") for n in nodes if n.cluster == cid]
        out.append("  end")
    for e in graph.sorted_edges():
        out.append(f"  {e.src} -->|{e.label}| {e.dst}")
    for kind, (_o, _c, _s, colour) in KINDS.items():
        members = [n.id for n in nodes if n.kind == kind]
        if members:
            cls = kind.replace("-", "_")
            out.append(f"  classDef {cls} fill:{colour},stroke:#555555")
            out.append(f"  class {','.join(members)} {cls}")
    return "\n".join(out)


# --- Graphviz DOT -------------------------------------------------------------------------------------------------


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def render_dot(plan: Plan) -> str:
    """A Graphviz digraph: one `cluster_` subgraph per workspace (and per shared component)."""
    graph = build_graph(plan)
    nodes = graph.sorted_nodes()
    out = [
        f"digraph {_dot_string(graph.title)} {{",
        f"  graph [rankdir=LR, fontname=\"Helvetica\", label={_dot_string(graph.title)}, labelloc=t];",
        '  node [fontname="Helvetica", fontsize=10, style=filled];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]

    def node_line(n: Node, indent: str) -> str:
        _o, _c, shape, colour = KINDS[n.kind]
        label = "\\n".join(_dot_string(line)[1:-1] for line in n.lines if line)
        return f'{indent}{n.id} [label="{label}", shape={shape}, fillcolor="{colour}"];'

    for n in nodes:
        if not n.cluster:
            out.append(node_line(n, "  "))
    for cid, title in graph.clusters.items():
        out.append(f"  subgraph {cid} {{")
        out.append(f"    label={_dot_string(title)};")
        out.append('    style=rounded;')
        out += [node_line(n, "    ") for n in nodes if n.cluster == cid]
        out.append("  }")
    for e in graph.sorted_edges():
        out.append(f"  {e.src} -> {e.dst} [label={_dot_string(e.label)}];")
    out.append("}")
    return "\n".join(out)
