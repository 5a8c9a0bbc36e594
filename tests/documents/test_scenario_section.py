"""The readiness document's budget-frame section: accessible, and saying what the scenario says."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import docx

from kksync.checks import check_portfolio
from kksync.checks.governance import load_governance
from kksync.checks.scenario_words import summary_lines
from kksync.core import fmt
from kksync.core.model import DocumentType
from kksync.core.snapshots import snapshot_of
from kksync.documents import render
from kksync.documents.api import build_document
from kksync.documents.content.model import Table
from kksync.documents.word.lint import lint_docx
from kksync.services.scenarios import scenario_for
from kksync.texts.scenarios import scenario_text
from testkit.budget_scenarios import SCENARIO_PLAN, scenario_frames, scenario_portfolio

DAY = date(2013, 11, 27)


def _parts(n: int = 40, frames: dict[int, Decimal] | None = None):  # type: ignore[no-untyped-def]
    portfolio = scenario_portfolio(n)
    snapshot = snapshot_of(portfolio, SCENARIO_PLAN, DAY)
    report = check_portfolio(snapshot.portfolio, today=DAY, now=datetime(2013, 11, 27, 12, tzinfo=UTC))
    scenario = scenario_for(snapshot.portfolio, SCENARIO_PLAN, frames or scenario_frames(n), load_governance())
    return snapshot, report, scenario


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_section_is_lint_clean_and_reproducible() -> None:
    snapshot, report, scenario = _parts()
    first = render(snapshot, report, DocumentType.READINESS, scenario=scenario)
    assert lint_docx(first.data) == []
    assert render(snapshot, report, DocumentType.READINESS, scenario=scenario).data == first.data
    text = _text(first.data).replace("\u00a0", " ").replace("\u2060", "")
    assert scenario_text("doc_heading") in text
    for line in summary_lines(scenario):
        assert line.replace("\u00a0", " ") in text
    assert scenario_text("doc_outside_heading") in text and scenario_text("doc_notes_heading") in text


def test_the_tables_carry_the_scenarios_figures() -> None:
    snapshot, report, scenario = _parts(25)
    doc = build_document(snapshot, report, DocumentType.READINESS, scenario=scenario)
    section = next(s for s in doc.sections if s.title == scenario_text("doc_heading"))
    tables = [b for b in section.blocks if isinstance(b, Table)]
    years, choices = tables
    assert scenario.optimum is not None
    best = scenario.optimum.selection

    def plain(text: str) -> str:
        return text.replace("\u00a0", " ").replace("\u2060", "")

    for row, year in zip(years.rows, scenario.years, strict=True):
        assert [plain(c) for c in row] == [str(year), fmt.kr(scenario.frames[year]), fmt.kr(scenario.by_rank.use[year]),
                                           fmt.kr(best.use[year])]
    chosen_rank = {c.key for c in scenario.by_rank.chosen}
    for row, candidate in zip(choices.rows, scenario.candidates, strict=False):
        assert row[0].startswith(candidate.key)
        assert row[4] == (scenario_text("chosen") if candidate.key in chosen_rank else scenario_text("displaced"))
        if candidate.key not in chosen_rank:
            assert "passer ikke i rammen" in row[6]
    assert plain(choices.rows[-1][4]) == fmt.kr(scenario.by_rank.npv) and plain(choices.rows[-1][5]) == fmt.kr(best.npv)


def test_without_a_scenario_the_document_has_no_such_section() -> None:
    snapshot, report, _ = _parts(5)
    doc = build_document(snapshot, report, DocumentType.READINESS)
    assert scenario_text("doc_heading") not in [s.title for s in doc.sections]


def test_a_frame_of_zero_every_year_is_said_plainly() -> None:
    snapshot, report, scenario = _parts(8, {2013: Decimal(0), 2014: Decimal(0), 2015: Decimal(0), 2016: Decimal(0)})
    assert scenario.by_rank.chosen == () and scenario.optimum is not None and scenario.optimum.selection.chosen == ()
    data = render(snapshot, report, DocumentType.READINESS, scenario=scenario).data
    assert lint_docx(data) == []
    assert "At følge prioriteringen koster intet" in _text(data).replace("\u00a0", " ")


def test_hostile_titles_are_printed_as_typed_and_the_document_stays_clean() -> None:
    portfolio = scenario_portfolio(6)
    hostile = ["<w:p>]]></w:p>", "{title}", "&amp; ' \" <script>", "‮omvendt", "[bold]x[/]", "a" * 250]
    portfolio = portfolio.model_copy(update={"initiatives": [
        i.model_copy(update={"title": hostile[k]}) for k, i in enumerate(portfolio.initiatives)]})
    snapshot = snapshot_of(portfolio, SCENARIO_PLAN, DAY)
    report = check_portfolio(snapshot.portfolio, today=DAY, now=datetime(2013, 11, 27, 12, tzinfo=UTC))
    scenario = scenario_for(snapshot.portfolio, SCENARIO_PLAN, scenario_frames(6), load_governance())
    data = render(snapshot, report, DocumentType.READINESS, scenario=scenario).data
    assert lint_docx(data) == []
    text = _text(data)
    for title in hostile[:3]:
        assert title in text
