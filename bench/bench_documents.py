"""Benchmark: the status document for a plan with 500 initiatives in 7 administrations.

Measures time (best of three) and peak Python memory (tracemalloc, a separate run) of
``render_status`` — content model, charts, writer, snapshot digest, deterministic zip — and
compares the time with writing the same tables (same rows, columns and cell texts) with bare
python-docx in the same run; the goal is a ratio of at most 3, and a peak of at most 64 MiB.
Writes ``bench/results/documents.json``.

    .venv/bin/python bench/bench_documents.py [--initiatives 500]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402

from kksync.core.model import DocumentType  # noqa: E402
from kksync.core.snapshots import snapshot_of  # noqa: E402
from kksync.documents import render_status  # noqa: E402
from kksync.documents.api import build_document  # noqa: E402
from kksync.documents.content.model import Chart, Section, Table  # noqa: E402
from testkit.scenarios import JOINT, STATUS_DATE, documents_portfolio, documents_report  # noqa: E402

GOAL_RATIO = 3.0
GOAL_PEAK_MIB = 64.0


def _tables(sections: list[Section]) -> list[Table]:
    found: list[Table] = []
    for section in sections:
        for block in section.blocks:
            if isinstance(block, Table):
                found.append(block)
            elif isinstance(block, Chart):
                found.append(block.table)
        found.extend(_tables(section.sections))
    return found


def _bare_python_docx(tables: list[Table]) -> bytes:
    document = docx.Document()
    for table in tables:
        grid = document.add_table(rows=1, cols=len(table.columns))
        for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
            cell.text = column.header
        for row in table.rows:
            cells = grid.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--initiatives", type=int, default=500)
    args = parser.parse_args()
    portfolio = documents_portfolio(args.initiatives)
    snapshot = snapshot_of(portfolio, JOINT, STATUS_DATE)
    report = documents_report(portfolio)
    render_status(snapshot, report, year=2012)  # warm-up: imports, template

    # time without tracemalloc (it slows Python code several-fold), best of three each
    seconds = min(_timed(lambda: render_status(snapshot, report, year=2012)) for _ in range(3))
    tables = _tables(build_document(snapshot, report, DocumentType.STATUS, year=2012).sections)
    rows = sum(len(t.rows) + 1 for t in tables)
    bare_seconds = min(_timed(lambda: _bare_python_docx(tables)) for _ in range(3))

    tracemalloc.start()
    data = render_status(snapshot, report, year=2012)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    administrations = len({i.administration for i in snapshot.initiatives})
    results = {
        "initiatives": len(snapshot.initiatives),
        "administrations": administrations,
        "tables": len(tables),
        "table_rows": rows,
        "bytes": len(data),
        "seconds": round(seconds, 3),
        "peak_mib": round(peak / 2**20, 1),
        "goal_peak_mib": GOAL_PEAK_MIB,
        "bare_python_docx_seconds": round(bare_seconds, 3),
        "ratio_to_bare_python_docx": round(seconds / bare_seconds, 2),
        "goal_ratio": GOAL_RATIO,
    }
    target = ROOT / "bench" / "results" / "documents.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
