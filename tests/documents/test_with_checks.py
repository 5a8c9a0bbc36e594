"""The documents with a report from the real check engine (not a hand-made one)."""

from __future__ import annotations

from datetime import UTC, datetime

from kksync.core.model import DocumentType
from kksync.core.snapshots import snapshot_of
from kksync.documents import render
from kksync.documents.word.lint import lint_docx
from testkit.scenarios import JOINT, LOCAL, STATUS_DATE, TRANSITION, documents_portfolio


def test_documents_from_check_portfolio() -> None:
    from kksync.checks import check_portfolio

    portfolio = documents_portfolio(15)
    report = check_portfolio(portfolio, today=STATUS_DATE, now=datetime(2012, 11, 27, 9, tzinfo=UTC))
    for key in (JOINT, LOCAL, TRANSITION):
        snapshot = snapshot_of(portfolio, key, STATUS_DATE)
        for doc_type in DocumentType:
            first = render(snapshot, report, doc_type, year=2012)
            assert lint_docx(first.data) == [], (key, doc_type)
            assert render(snapshot, report, doc_type, year=2012).data == first.data
