"""The dependency graph of a plan: what `pulumi up` must create one after another, and what each member costs.

Pure functions of a `runtime.Plan`, no Pulumi engine. A resource waits, before it is even registered, for
- every resource in its `dependencies` and `property_dependencies` (explicit `depends_on` plus inputs taken from
  other resources' outputs);
- its parent: the SDK awaits the parent's URN, which for a custom resource resolves only once it is created
  (`pulumi/runtime/resource.py`, `_prepare_resource`).
A component resource is never created: it costs nothing on a chain, and a dependency on it is a dependency on its
children, components among them expanded in turn (the SDK's `rpc._add_dependency`: custom children count, their
own children do not, as waiting for a custom child already covers what it waits for). The current SDK expands
components before it sends the request, so recorded plans rarely name one; plans from elsewhere may.
"""

from __future__ import annotations

from typing import Callable, Iterable

from .runtime import Plan, Registration


def _children(plan: Plan) -> dict[str, list[Registration]]:
    kids: dict[str, list[Registration]] = {}
    for r in plan.resources:
        kids.setdefault(r.parent, []).append(r)
    return kids


def prerequisites(plan: Plan) -> dict[str, set[str]]:
    """URN -> URNs of the resources in the plan it waits for (parent included; components expanded)."""
    by_urn = {r.urn: r for r in plan.resources}
    kids = _children(plan)
    expanded: dict[str, set[str]] = {}

    def expand(urn: str) -> set[str]:
        if urn in expanded:
            return expanded[urn]
        out: set[str] = set()
        todo, seen = [urn], {urn}
        while todo:  # iterative: deep component trees must not hit the recursion limit
            for child in kids.get(todo.pop(), ()):
                if child.custom:
                    out.add(child.urn)
                elif child.urn not in seen:
                    seen.add(child.urn)
                    todo.append(child.urn)
        expanded[urn] = out
        return out

    graph: dict[str, set[str]] = {}
    for r in plan.resources:
        deps = set(r.dependencies)
        for urns in r.property_dependencies.values():
            deps.update(urns)
        waits: set[str] = set()
        for d in deps:
            dep = by_urn.get(d)
            if dep is None:
                continue  # outside the plan (e.g. the stack): nothing to create
            if dep.custom:
                waits.add(d)
            else:
                waits.add(d)  # its own registration (zero cost) ...
                waits |= expand(d)  # ... and every child it stands for
        if r.parent in by_urn:
            waits.add(r.parent)
        waits.discard(r.urn)
        graph[r.urn] = waits
    return graph


def _topological(graph: dict[str, set[str]]) -> list[str]:
    order: list[str] = []
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    for root in graph:
        if state.get(root):
            continue
        stack = [(root, iter(sorted(graph[root])))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                state[node] = 2
                order.append(node)
            elif state.get(nxt) == 1:
                raise ValueError(f"dependency cycle through {nxt}")
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(sorted(graph.get(nxt, ())))))
    return order


def longest_chain(plan: Plan) -> list[Registration]:
    """The longest sequence of custom resources that must be created one after another, first created first."""
    by_urn = {r.urn: r for r in plan.resources}
    graph = prerequisites(plan)
    depth: dict[str, int] = {}
    via: dict[str, str] = {}
    for urn in _topological(graph):
        best, best_from = 0, ""
        for p in sorted(graph[urn]):
            if depth[p] > best:
                best, best_from = depth[p], p
        depth[urn] = best + (1 if by_urn[urn].custom else 0)
        if best_from:
            via[urn] = best_from
    if not depth:
        return []
    end = max(sorted(depth), key=lambda u: depth[u])
    chain: list[Registration] = []
    node = end
    while node:
        if by_urn[node].custom:
            chain.append(by_urn[node])
        node = via.get(node, "")
    return list(reversed(chain))


def chain_length(plan: Plan) -> int:
    """How many custom resources the longest creation chain holds (the depth `pulumi up` cannot parallelise)."""
    return len(longest_chain(plan))


def waits_for(plan: Plan, target: Callable[[Registration], bool], source: Callable[[Registration], bool]) -> list[tuple[str, str]]:
    """(target URN, source URN) pairs where a `target` resource waits, directly or transitively, for a `source`."""
    graph = prerequisites(plan)
    by_urn = {r.urn: r for r in plan.resources}
    found: list[tuple[str, str]] = []
    for r in plan.resources:
        if not target(r):
            continue
        seen: set[str] = set()
        todo = list(graph[r.urn])
        while todo:
            u = todo.pop()
            if u in seen:
                continue
            seen.add(u)
            if source(by_urn[u]):
                found.append((r.urn, u))
            todo.extend(graph[u])
    return found


def resources_per_member(plan: Plan) -> dict[str, int]:
    """RAM user name -> the custom resources that exist because of that member.

    The user itself, everything under it (login profile, its password, access key) and every resource taking one
    of its outputs directly (group attachments, extra system-policy attachments, workspace memberships). Users the
    stack only looks up (`existing: true`) create nothing of their own and are not counted.
    """
    kids = _children(plan)
    users = {r.urn: str(r.inputs.get("name", r.name)) for r in plan.of("ALI_USER")}
    owned: dict[str, set[str]] = {urn: {urn} for urn in users}
    for urn in users:
        todo = [urn]
        while todo:
            for child in kids.get(todo.pop(), ()):
                owned[urn].add(child.urn)
                todo.append(child.urn)
    for r in plan.resources:
        deps = set(r.dependencies)
        for urns in r.property_dependencies.values():
            deps.update(urns)
        for d in deps & users.keys():
            owned[d].add(r.urn)
    custom = {r.urn for r in plan.resources if r.custom}
    return {users[u]: len(owned[u] & custom) for u in users}


def type_counts(resources: Iterable[Registration], *, custom_only: bool = True) -> dict[str, int]:
    """Type token -> how many resources of it (custom resources only unless asked)."""
    out: dict[str, int] = {}
    for r in resources:
        if r.custom or not custom_only:
            out[r.type] = out.get(r.type, 0) + 1
    return dict(sorted(out.items()))
