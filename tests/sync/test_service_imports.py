"""The services orchestrate through ports: no composition root, no CLI, no rich, no Azure SDK among their imports."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "kksync" / "services"
FORBIDDEN = ("kksync.app", "kksync.cli", "kksync.cli_reports", "kksync.cli_render", "rich", "typer", "azure")


def _runtime_imports(tree: ast.AST) -> list[str]:
    """Every imported module name, at any depth, except under ``if TYPE_CHECKING:`` (annotations only)."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _forbidden(source: str) -> list[str]:
    names = _runtime_imports(ast.parse(source))
    return sorted({n for n in names for f in FORBIDDEN if n == f or n.startswith(f + ".")})


def test_services_import_no_entry_point_and_no_presentation_or_azure() -> None:
    offenders = {p.name: bad for p in sorted(SERVICES.glob("*.py")) if (bad := _forbidden(p.read_text(encoding="utf-8")))}
    assert offenders == {}


def test_the_scan_sees_lazy_imports_and_skips_annotations() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from kksync.app import Runtime\n"
        "def f():\n    from rich.table import Table\n    import azure.storage.queue\n"
        "from kksync import app\n"
    )
    assert _forbidden(source) == ["azure.storage.queue", "kksync.app", "rich.table", "rich.table.Table"]
