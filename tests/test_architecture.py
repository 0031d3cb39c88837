"""The layout keeps its promises (CONTRIBUTING.md, "Where things go"): the import graph of `components/` has no
circle, no module imports another's private name, and every import goes downhill:

    core  <-  <cloud>/naming, regions  <-  <cloud>/plan/  <-  <cloud>/rules  <-  <cloud>/contract    <-  <cloud>/adapter
                                                                        <-  <cloud>/resources/  <-/

`core` imports no cloud; `plan/` imports no Pulumi and nothing above it; `resources/` never reads the contract (a
component takes its own Args, so another program can use it); only an adapter joins contract and resources.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

COMPONENTS = ROOT / "components"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports() -> dict[str, list[tuple[str, str]]]:
    """module -> [(imported module, imported name or '')], project modules and third-party alike."""
    out: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(COMPONENTS.rglob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text())
        found: list[tuple[str, str]] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(a.name, "") for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(module, path.name == "__init__.py", node)
                for a in node.names:
                    sub = f"{target}.{a.name}"
                    is_module = (ROOT / Path(*sub.split("."))).with_suffix(".py").exists() or (ROOT / Path(*sub.split("."))).is_dir()
                    found.append((sub, "") if is_module else (target, a.name))
        out[module] = found
    return out


IMPORTS = _imports()
PROJECT = {m: [t for t, _ in deps if t.startswith("components")] for m, deps in IMPORTS.items()}


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) < 2:
        return "root"
    if parts[1] == "core":
        return "core"
    return parts[2] if len(parts) > 2 else "cloud"


def test_the_layout_has_a_core_and_one_package_per_cloud_with_the_same_shape():
    for cloud in ("alicloud", "huaweicloud"):
        for part in ("contract.py", "adapter.py", "plan/__init__.py", "resources/__init__.py"):
            assert (COMPONENTS / cloud / part).is_file(), f"{cloud}/{part}"
    assert {p.name for p in (COMPONENTS / "core").glob("*.py")} >= {"errors.py", "contract.py", "config.py", "clouds.py", "naming.py"}


def test_the_import_graph_has_no_circle():
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for dep in PROJECT.get(m, []):
            dep = dep if dep in PROJECT else ".".join(dep.split(".")[:-1]) if ".".join(dep.split(".")[:-1]) in PROJECT else dep
            if dep not in PROJECT:
                continue
            if state.get(dep) == 1:
                raise AssertionError("import circle: " + " -> ".join(stack[stack.index(dep):] + [dep]))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[m] = 2

    for m in PROJECT:
        if m not in state:
            visit(m)


def test_no_private_name_is_imported_across_modules():
    private = [(m, f"{t}.{n}") for m, deps in IMPORTS.items() for t, n in deps
               if t.startswith("components") and n.startswith("_")]
    assert private == []


@pytest.mark.parametrize("module", sorted(PROJECT))
def test_imports_go_downhill(module):
    layer = _layer(module)
    cloud = module.split(".")[1] if module.count(".") >= 1 else ""
    for dep in PROJECT[module]:
        dep_layer = _layer(dep)
        dep_cloud = dep.split(".")[1] if dep.count(".") >= 1 else ""
        if layer == "core":
            assert dep_layer == "core", f"core imports a cloud: {dep}"
            continue
        if dep_cloud not in ("core", cloud) and dep != "components":
            raise AssertionError(f"{module} imports another cloud: {dep}")
        if layer in ("naming", "regions"):
            assert dep_layer in ("core", "naming", "regions"), f"a name rule module imports {dep}"
        if layer == "plan":
            assert dep_layer in ("core", "plan", "naming", "regions"), f"the pure planning layer imports {dep}"
        if layer == "rules":
            assert dep_layer in ("core", "plan", "naming", "regions"), f"the rules module imports {dep}"
        if layer == "resources":
            assert dep_layer not in ("contract", "adapter"), f"a component reads the contract: {dep}"
        if layer == "contract":
            assert dep_layer not in ("resources", "adapter"), f"the contract imports {dep}"


@pytest.mark.parametrize("module", sorted(m for m in IMPORTS if _layer(m) in ("plan", "rules", "naming", "regions", "contract", "core")
                                          and not m.endswith("core.config")))
def test_pure_layers_import_no_pulumi_provider(module):
    providers = [t for t, _ in IMPORTS[module] if t.startswith(("pulumi_alicloud", "pulumi_huaweicloud", "pulumi_random"))]
    assert providers == [], f"{module} imports {providers}"


def test_main_picks_the_cloud_from_the_one_registry():
    main = (ROOT / "__main__.py").read_text()
    assert "clouds.adapter(cfg.cloud)" in main and "components.alicloud" not in main and "huaweicloud" not in main
