"""The rings of ARCHITECTURE.md hold: import-linter's contracts pass, catch planted violations, and no cycles exist.

The contracts live in ``.importlinter`` and run in ``make lint`` too; here they also run against a copy of
the tree with one forbidden import planted, so a contract that silently stopped checking would fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kksync", "sp_emulator", "demo", "functions")
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run([str(LINT), "--no-cache"], cwd=where, env=env, capture_output=True, text=True, timeout=120)


def test_the_contracts_hold() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    shutil.copy(ROOT / ".importlinter", target / ".importlinter")
    return target


PLANTED = [
    # (file, import line, what the contract must name)
    ("kksync/core/model.py", "import kksync.sharepoint.transport", "kksync.core.model"),
    ("kksync/core/mapping.py", "import kksync.settings", "kksync.core.mapping"),
    ("kksync/checks/engine.py", "import kksync.services.sync", "kksync.checks.engine"),
    ("kksync/state/sqlite.py", "import kksync.services.sync", "kksync.state.sqlite"),
    ("kksync/sharepoint/transport.py", "import kksync.app", "kksync.sharepoint.transport"),
    ("kksync/services/sync.py", "import kksync.cli", "kksync.services.sync"),
    ("kksync/documents/content/model.py", "import kksync.documents.word.writer", "kksync.documents.content.model"),
    ("kksync/documents/content/status.py", "import docx", "kksync.documents.content.status"),
    ("kksync/app.py", "import sp_emulator", "kksync.app"),
    ("kksync/services/sync.py", "import demo.run", "kksync.services.sync"),
    ("kksync/cli.py", "import functions.common", "kksync.cli"),
    ("sp_emulator/store.py", "import kksync.core.model", "sp_emulator.store"),
]


@pytest.mark.parametrize(("path", "line", "culprit"), PLANTED, ids=[f"{p}:{line}" for p, line, _ in PLANTED])
def test_a_planted_violation_breaks_a_contract(tree_copy: Path, path: str, line: str, culprit: str) -> None:
    source = tree_copy / path
    original = source.read_text(encoding="utf-8")
    try:
        source.write_text(original + f"\n{line}  # planted by the test\n", encoding="utf-8")
        result = _lint(tree_copy)
    finally:
        source.write_text(original, encoding="utf-8")
    assert result.returncode != 0, result.stdout[-2000:]
    assert "BROKEN" in result.stdout
    assert culprit in result.stdout


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start) & modules)))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child) & modules))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


@pytest.mark.parametrize("package", ["kksync", "sp_emulator"])
def test_no_import_cycle(package: str) -> None:
    graph = grimp.build_graph(package, exclude_type_checking_imports=True)
    # A package's __init__ re-exporting its children is not a cycle of design; leave packages out.
    modules = {m for m in graph.modules if not (ROOT / m.replace(".", "/")).is_dir()}
    assert _cycles(graph, modules) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    class Fake:
        @staticmethod
        def find_modules_directly_imported_by(module: str) -> set[str]:
            return {"a": {"b"}, "b": {"c"}, "c": {"a"}}[module]

    assert _cycles(Fake(), {"a", "b", "c"}) == [["a", "b", "c"]]  # type: ignore[arg-type]


def test_bench_does_not_import_tests() -> None:
    offenders = [
        f"{path.name}:{number}"
        for path in sorted((ROOT / "bench").glob("*.py"))
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if text.lstrip().startswith(("from tests", "import tests"))
    ]
    assert offenders == []
