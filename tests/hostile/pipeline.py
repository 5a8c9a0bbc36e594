"""The product's promise, as helpers the hostile tests share.

``run_pipeline`` takes the SharePoint item JSON of a small portfolio, lets a test put hostile values
into it, and runs what the sync does with items (map every list with the site's users and items as
references, assemble the portfolio), then the checks, a snapshot, and all three documents. Pure and
in memory: about 0.15 s per run, so every field case can afford the whole way to the documents.

``assert_sound_docx`` is "never a corrupt document": python-docx opens it, the product's linter
passes it, and no department text became a live formula in a chart's embedded workbook.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import docx

from kksync.checks import CheckReport, check_portfolio
from kksync.core import model as m
from kksync.core.mapping import Refs, from_item, to_item
from kksync.core.schema import list_schema
from kksync.core.snapshots import snapshot_of
from kksync.documents import render
from kksync.documents.word.lint import lint_docx
from kksync.services.records import DATA_LISTS, load_portfolio_lists
from testkit.scenarios import JOINT, STATUS_DATE, documents_portfolio

__all__ = [
    "ABSENT",
    "BASE",
    "JOINT",
    "NOW",
    "STATUS_DATE",
    "USERS",
    "Outcome",
    "assert_printable",
    "assert_sound_docx",
    "base_items",
    "document_text",
    "run_pipeline",
]

BASE = documents_portfolio(3)
NOW = datetime(2012, 11, 27, 12, tzinfo=UTC)
ABSENT = object()
"""As a raw value: the property is missing from the item JSON altogether."""

_FORMULA = re.compile(rb"<f[ >]")
# Newlines and tabs are fine in a message; other control characters and lone surrogates are not.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def base_items() -> dict[str, list[dict[str, Any]]]:
    """The base portfolio as SharePoint returns it (``$expand`` of person fields), per list key.

    The portfolio's fields are named like the list keys.
    """
    return {schema.key: [to_item(record) for record in getattr(BASE, schema.key)] for schema in DATA_LISTS}


USERS = frozenset(p.id for i in BASE.initiatives for p in (i.project_owner, i.project_manager, i.ranked_by) if p)
"""The site's current users: everyone the base portfolio names."""


@dataclass
class Outcome:
    portfolio: m.Portfolio
    report: CheckReport
    documents: dict[m.DocumentType, bytes]

    def problems(self, list_key: str, item_id: int) -> list[m.FieldProblem]:
        return list(self.portfolio.problems.get(f"{list_key}/{item_id}", []))

    def record(self, list_key: str, item_id: int) -> Any:
        records = getattr(self.portfolio, list_key)
        return next(r for r in records if r.id == item_id)

    def finding_texts(self) -> list[str]:
        return [f.message for f in self.report.findings]


def run_pipeline(
    edits: Iterable[tuple[str, int, str, object]] = (), *, plan_key: str = JOINT, documents: bool = True,
    doc_types: Iterable[m.DocumentType] = tuple(m.DocumentType),
) -> Outcome:
    """Map the base items with ``edits`` applied (list key, item id, property, raw value), check, render."""
    items = base_items()
    for list_key, item_id, prop, raw in edits:
        item = next(i for i in items[list_key] if i["Id"] == item_id)
        if raw is ABSENT:
            item.pop(prop, None)
        else:
            item[prop] = raw
    refs = Refs(users=USERS, items={key: {int(i["Id"]) for i in rows} for key, rows in items.items()})
    lists: dict[str, list[tuple[m.Record, list[m.FieldProblem]]]] = {}
    for key, rows in items.items():
        schema = list_schema(key)
        mapped = [from_item(schema, row, refs=refs) for row in rows]
        lists[key] = [(one.record, list(one.problems)) for one in mapped]
    portfolio = load_portfolio_lists(lists)
    report = check_portfolio(portfolio, today=STATUS_DATE, now=NOW)
    rendered: dict[m.DocumentType, bytes] = {}
    if documents and portfolio.plan_by_key(plan_key) is not None:
        snapshot = snapshot_of(portfolio, plan_key, STATUS_DATE)
        for doc_type in doc_types:
            rendered[doc_type] = render(snapshot, report, doc_type, year=STATUS_DATE.year).data
            assert_sound_docx(rendered[doc_type])
    return Outcome(portfolio, report, rendered)


def assert_sound_docx(data: bytes) -> docx.document.Document:
    """Opens with python-docx, passes the product's linter, and carries no formula in chart workbooks."""
    document = docx.Document(io.BytesIO(data))
    assert lint_docx(data) == []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            if name.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(archive.read(name))) as workbook:
                    for sheet in workbook.namelist():
                        if sheet.startswith("xl/worksheets/"):
                            assert not _FORMULA.search(workbook.read(sheet)), f"a formula in {name}/{sheet}"
    return document


def assert_printable(text: str) -> None:
    """A message a person reads: no control characters, no lone surrogates (would break UTF-8 logs and XML)."""
    assert not _UNPRINTABLE.search(text), repr(text)
    text.encode("utf-8")


def document_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)
