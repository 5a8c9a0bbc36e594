"""The pure builders: structure by construction, without python-docx."""

from __future__ import annotations

import subprocess
import sys

from kksync.checks.findings import CheckReport
from kksync.core.model import DocumentType, Portfolio
from kksync.core.snapshots import Snapshot, snapshot_of
from kksync.documents.api import build_document
from kksync.documents.content.model import (
    BulletList,
    Chart,
    Document,
    Paragraph,
    Section,
    Table,
    clean,
    rich_text_blocks,
)
from kksync.texts import T
from kksync.texts.portfolio import PF
from testkit.scenarios import JOINT, STATUS_DATE, TRANSITION, documents_portfolio, documents_report


def _walk(sections: list[Section]) -> list[object]:
    out: list[object] = []
    for s in sections:
        out.extend(s.blocks)
        out.extend(_walk(s.sections))
    return out


def test_content_model_imports_without_docx() -> None:
    code = "import sys, kksync.documents, kksync.documents.content.status; print('docx' in sys.modules or 'pptx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_status_has_every_part(snapshot: Snapshot, report: CheckReport) -> None:
    doc = build_document(snapshot, report, DocumentType.STATUS, year=2012)
    titles = [s.title for s in doc.sections]
    assert titles[:6] == [T.indstilling, T.resume, T.by_focus_area, T.by_administration, T.lights_over_time,
                          T.changes.format(year=2011)]
    groups = doc.sections[6:9]
    assert [g.title.split(" (")[0] for g in groups] == [
        t.split(" (")[0] for t in (T.running, T.not_started, T.completed)]
    assert titles[9:] == [PF.section]  # the larger IT projects, last (tests/documents/test_portfolio_workbook.py)
    charts = [b for b in _walk(doc.sections) if isinstance(b, Chart)]
    assert len(charts) == 3
    for chart in charts:
        assert chart.alt_text and len(chart.table.rows) == len(chart.categories)
    assert sum(len(g.sections) for g in groups) == 12  # every initiative in exactly one group


def test_status_changes_since_previous(portfolio: Portfolio, snapshot: Snapshot, report: CheckReport) -> None:
    before = documents_portfolio(12)
    old = before.initiatives[0].model_copy(update={"rank": 5})
    before = before.model_copy(update={"initiatives": [old, *before.initiatives[1:3], *before.initiatives[4:]]})
    previous = snapshot_of(before, JOINT, STATUS_DATE.replace(year=2011))
    doc = build_document(snapshot, report, DocumentType.STATUS, year=2012, previous=previous)
    changes = next(s for s in doc.sections if s.title == T.changes.format(year=2011))
    records = next(s for s in changes.sections if s.title == T.changes_records_title)
    names = [s.title for s in records.sections]
    assert T.added.format(count=1) in names and T.reranked.format(count=1) in names
    added = next(s for s in records.sections if s.title == T.added.format(count=1)).blocks[0]
    assert isinstance(added, BulletList) and added.items == ("FI-004 Initiativ nummer 4",)


def test_plan_is_marked_as_draft_until_ready(portfolio: Portfolio, snapshot: Snapshot) -> None:
    assert build_document(snapshot, documents_report(portfolio), DocumentType.PLAN).marking == T.draft_marking
    assert build_document(snapshot, documents_report(portfolio, ready=True), DocumentType.PLAN).marking is None
    unchecked = CheckReport(checked_at=documents_report(portfolio).checked_at)
    assert build_document(snapshot, unchecked, DocumentType.PLAN).marking == T.draft_marking
    transition = snapshot_of(portfolio, TRANSITION, STATUS_DATE)
    assert build_document(transition, documents_report(portfolio), DocumentType.PLAN).marking is None


def test_readiness_lists_every_initiative(snapshot: Snapshot, report: CheckReport) -> None:
    doc = build_document(snapshot, report, DocumentType.READINESS)
    per_admin = next(s for s in doc.sections if s.title == T.missing_items)
    rows = [row for sub in per_admin.sections for b in sub.blocks if isinstance(b, Table) for row in b.rows]
    keys = {row[0].split()[0] for row in rows}
    assert {i.key for i in snapshot.initiatives} <= keys
    assert any("Prioritet" in row[3] for row in rows)


def test_rich_text_becomes_paragraphs_and_bullets() -> None:
    blocks = rich_text_blocks("<p>Indledning</p><script>alert(1)</script><ul><li>en</li><li>to</li></ul><p>Slut</p>", missing="x")
    assert blocks == [Paragraph("Indledning"), BulletList(("en", "to")), Paragraph("Slut")]
    assert rich_text_blocks(None, missing="ikke angivet") == [Paragraph("ikke angivet")]


def test_clean_strips_what_xml_cannot_hold() -> None:
    assert clean("a\x00b\x0bc\uffffd\ufffe") == "abcd"
    assert clean("x" * 300_000).endswith("[…]")
    assert Paragraph("a\x07b").text == "ab"


def test_document_is_plain_data() -> None:
    doc = Document(title="t", subtitle="s", cover_lines=[])
    doc.section("A").sub("B").add(Paragraph("x"))
    assert doc.sections[0].sections[0].blocks == [Paragraph("x")]
