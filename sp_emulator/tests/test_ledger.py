"""FIDELITY.md keeps its promises: every row has a source or says unverified, and names tests that exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

HERE = Path(__file__).parent
LEDGER = HERE.parent / "FIDELITY.md"
_TEST_REF = re.compile(r"`(test_\w+\.py)::(test_\w+)`")


def _rows() -> list[list[str]]:
    rows = []
    for line in LEDGER.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\| \d+ \|", line):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
            rows.append(cells)
    return rows


def _test_names(file: str) -> set[str]:
    tree = ast.parse((HERE / file).read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_rows_are_numbered_and_complete() -> None:
    rows = _rows()
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    assert all(len(r) == 6 for r in rows), [r[0] for r in rows if len(r) != 6]


def test_every_row_has_a_source_or_says_unverified() -> None:
    for number, _behaviour, sharepoint, source, _emulator, _tests in _rows():
        sourced = any(mark in source for mark in ("http", "SHAREPOINT.md", "/", "`"))
        assert sourced or "unverified" in sharepoint, f"row {number} has neither a source nor 'unverified'"


def test_every_row_names_tests_that_exist() -> None:
    for row in _rows():
        refs = _TEST_REF.findall(row[5])
        assert refs, f"row {row[0]} names no test"
        for file, name in refs:
            assert name in _test_names(file), f"row {row[0]}: {file}::{name} does not exist"


def test_the_summary_counts_the_unverified_rows() -> None:
    rows = _rows()
    unverified = [int(r[0]) for r in rows if "unverified" in " ".join(r[1:5])]
    text = LEDGER.read_text(encoding="utf-8")
    summary = re.search(r"(\d+) rows; (\d+) of them are wholly or partly \*\*unverified\*\*: ([\d,\s]+)\.", text)
    assert summary is not None
    assert int(summary.group(1)) == len(rows) and int(summary.group(2)) == len(unverified)
    assert [int(n) for n in re.findall(r"\d+", summary.group(3))] == unverified
