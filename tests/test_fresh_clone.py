"""A clone with nothing beside it must collect its tests: nothing the project runs may read ../shared.

`../shared` (the seeds, the style guide) exists on development machines and in CI only; a user's clone has nothing
there. Only CI tooling (.ci/, which checks tests/seed_facts/ against the seeds when they exist) may look for it.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# "../shared" or "shared/seeds", written so that this file's own strings do not match.
SHARED_PATH = re.compile(r"(^|[^.])\.\./shared\b|\bshared[/\\]seeds\b")
TEXT_FILES = re.compile(r"(^|/)(Makefile|[^/]+\.(mk|ini|cfg|toml|ya?ml|sh|txt))$")
ALLOWED = ("docs/", ".ci/")  # documentation may point at ../shared; CI tooling is the one reader of the seeds


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def _in_git_checkout() -> bool:
    if shutil.which("git") is None:
        return False
    try:
        return Path(_git("rev-parse", "--show-toplevel")).resolve() == ROOT
    except (subprocess.CalledProcessError, OSError):
        return False


IN_GIT = _in_git_checkout()


def tracked_files() -> list[str]:
    if IN_GIT:
        return _git("ls-files").splitlines()
    skip = {"venv", ".git", "__pycache__", ".hypothesis", ".pytest_cache", "build"}
    return [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


def python_violations(source: str) -> list[str]:
    """Code (not comments, not docstrings) that builds a path reaching ../shared."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))

    def is_str(node: ast.AST, *values: str) -> bool:
        return isinstance(node, ast.Constant) and isinstance(node.value, str) and (
            not values or node.value.strip("/") in values)

    found = []
    for node in ast.walk(tree):
        if is_str(node) and id(node) not in docstrings and SHARED_PATH.search(node.value):
            found.append(f"line {node.lineno}: {node.value!r}")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and (
                is_str(node.left, "shared") or is_str(node.right, "shared")):
            found.append(f"line {node.lineno}: a path through 'shared'")
        elif isinstance(node, ast.Call):
            args = node.args
            if any(is_str(a, "shared") for a in args) and any(is_str(a, "seeds", "..") for a in args):
                found.append(f"line {node.lineno}: a path joined through 'shared'")
    return found


def text_violations(source: str) -> list[str]:
    """Non-comment lines of a Makefile or config file that name ../shared or shared/seeds."""
    return [f"line {n}: {line.strip()}" for n, line in enumerate(source.splitlines(), 1)
            if SHARED_PATH.search(line.split("#", 1)[0])]


# The samples below name the folder through a placeholder, so that this file passes its own scan.
S = "../" + "shared"


def test_the_detector_bites():
    def sample(text: str) -> str:
        return text.replace("<S>", S)

    assert python_violations('SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"\n')
    assert python_violations('p = os.path.join(ROOT, "..", "shared", "seeds")\n')
    assert python_violations(sample('SEED = next(Path("<S>/seeds").glob("003_*.txt"))\n'))
    assert python_violations(sample('SEED = f"{root}/<S>/seeds/004.txt"\n'))
    assert not python_violations(sample('"""Seeds (<S>/seeds/)."""\n# see <S>/PITFALLS.md\nx = "shared"\n'))
    assert text_violations(sample("test:\n\tcat <S>/seeds/000_x.txt\n"))
    assert not text_violations(sample("# see <S>/STYLE.md\n"))


def test_nothing_the_project_runs_reaches_shared():
    bad = {}
    for rel in tracked_files():
        if rel.startswith(ALLOWED) or rel.endswith(".md"):
            continue
        path = ROOT / rel
        if rel.endswith(".py"):
            found = python_violations(path.read_text(encoding="utf-8"))
        elif TEXT_FILES.search(rel):
            found = text_violations(path.read_text(encoding="utf-8", errors="replace"))
        else:
            continue
        if found:
            bad[rel] = found
    assert not bad, f"files that reach the shared folder beside the repository (only .ci/ may): {bad}"


@pytest.mark.skipif(not IN_GIT, reason="the tests do not run inside a git checkout of the project")
def test_a_fresh_clone_with_nothing_beside_it_collects_without_errors(tmp_path):
    clone = tmp_path / "pai-platform"  # tmp_path holds nothing else: ../shared does not exist for the clone
    _git("clone", "--quiet", "--no-checkout", str(ROOT), str(clone), cwd=tmp_path)
    _git("fetch", "--quiet", str(ROOT), "HEAD", cwd=clone)  # the committed HEAD of this checkout
    _git("checkout", "--quiet", "--detach", "FETCH_HEAD", cwd=clone)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pai-platform"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                          cwd=clone, env=env, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    summary = out.strip().splitlines()[-1] if out.strip() else ""
    assert proc.returncode == 0, out[-3000:]
    assert re.fullmatch(r"\d+ tests? collected in [\d.]+s", summary), out[-3000:]
    assert "error" not in summary.lower() and "ERROR" not in out, out[-3000:]
