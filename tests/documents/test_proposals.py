"""«Forslag til investeringskataloget»: the budget format, the same completeness as the rule, and the lint."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from docx import Document as open_docx

from kksync.checks import check_portfolio, load_governance
from kksync.checks.budget_calendar import BudgetCalendar
from kksync.core.model import BudgetCategory, DocumentType, FundingSource, Portfolio
from kksync.core.snapshots import Snapshot, snapshot_of
from kksync.documents import render, render_proposals
from kksync.documents.api import build_document
from kksync.documents.content.model import Document, Paragraph, Section, Table
from kksync.documents.content.proposals import plan_proposals
from kksync.documents.word.lint import lint_docx
from kksync.sample import sample_portfolio
from kksync.texts.proposals import P
from testkit.portfolios import make_bundle, make_funding, make_plan, make_portfolio


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u2060", "")


def _report(snap: Snapshot):  # type: ignore[no-untyped-def]
    return check_portfolio(snap.portfolio, today=snap.status_date, now=datetime.combine(snap.status_date, time(12), UTC))


@pytest.fixture(scope="module")
def sample() -> Portfolio:
    return sample_portfolio()


@pytest.fixture(scope="module")
def joint(sample: Portfolio) -> Snapshot:
    return snapshot_of(sample, "FHP-2013-2014", date(2014, 6, 30))


def _tables(doc: Document) -> list[Table]:
    out: list[Table] = []

    def walk(sections: list[Section]) -> None:
        for s in sections:
            out.extend(b for b in s.blocks if isinstance(b, Table))
            walk(s.sections)
    walk(doc.sections)
    return out


def _paragraphs(doc: Document) -> list[str]:
    out: list[str] = []

    def walk(sections: list[Section]) -> None:
        for s in sections:
            out.extend(_plain(b.text) for b in s.blocks if isinstance(b, Paragraph))
            walk(s.sections)
    walk(doc.sections)
    return out


def _number(text: str) -> Decimal:
    return Decimal(_plain(text).replace(".", "").replace(",", "."))


def test_the_sample_proposals_are_lint_clean_with_one_section_per_asking_initiative(joint: Snapshot) -> None:
    report = _report(joint)
    data = render_proposals(joint, report)
    assert lint_docx(data) == []
    proposals = plan_proposals(joint)
    asking = [i for i in joint.initiatives
              if any(f.source is FundingSource.INVESTERINGSPULJE for f in joint.portfolio.funding_lines if f.initiative_id == i.id)]
    assert [p.initiative.key for p in proposals] == [i.key for i in sorted(asking, key=lambda i: (i.rank or 0, i.key))]
    doc = build_document(joint, report, DocumentType.PROPOSALS)
    top = next(s for s in doc.sections if s.title == P.proposals_heading)
    assert [_plain(s.title).split(" ")[0] for s in top.sections] == [p.initiative.key for p in proposals]
    headings = [p.text for p in open_docx(io.BytesIO(data)).paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert len(headings) == 3 + len(proposals)


def test_amounts_are_in_thousands_per_year_and_styringsomraade_at_the_calendars_price_level(joint: Snapshot) -> None:
    doc = build_document(joint, _report(joint), DocumentType.PROPOSALS)
    proposals = plan_proposals(joint)
    tables = {_plain(t.caption): t for t in _tables(doc)}
    for proposal in proposals:
        name = _plain(f"{proposal.initiative.key} {proposal.initiative.title}")
        # Each proposal at its own budget year's price level (F13-11's earliest catalogue line is 2014).
        own = load_governance().budget_calendar.year(proposal.budget_year or 2013)
        assert own is not None
        table = tables[f"{name}: beløb i 1.000 kr., {own.price_level}"]
        header = [c.header for c in table.columns]
        assert header == ["Styringsområde", *(str(y) for y in proposal.years), "I alt", "Varig ændring"]
        rows = {row[0]: row for row in table.rows}
        for category in (BudgetCategory.SERVICE, BudgetCategory.ANLAEG):
            for n, year in enumerate(proposal.years, 1):
                assert _number(rows[category.value][n]) == (proposal.total(category, year) / 1000).quantize(Decimal(1))
        assert _number(rows["I alt"][len(proposal.years) + 1]) == (proposal.total() / 1000).quantize(Decimal(1))
    overview = tables["Forslag til investeringskataloget, budget 2013 og 2014 (1.000 kr.)"]  # F13-11 asks for 2014
    assert _number(overview.rows[-1][5]) == (sum((p.total() for p in proposals), Decimal(0)) / 1000).quantize(Decimal(1))
    assert any("Budgetkalenderen beder om dem i 2013-pl og 2014-pl" in p for p in _paragraphs(doc))


def test_completeness_is_the_rules_and_an_incomplete_plan_is_marked_a_draft(joint: Snapshot) -> None:
    doc = build_document(joint, _report(joint), DocumentType.PROPOSALS)
    incomplete = [p for p in plan_proposals(joint) if not p.complete]
    assert [p.initiative.key for p in incomplete] == ["F13-05", "F13-07"]  # as FUND-PROPOSAL-* finds them in the spring
    assert doc.marking is not None and "2 forslag er ikke komplette" in doc.marking
    overview = next(t for t in _tables(doc) if t.caption.startswith("Forslag til investeringskataloget"))
    flags = {row[1].split(" ")[0]: row[6] for row in overview.rows[:-1]}
    assert {k for k, v in flags.items() if v == P.no} == {"F13-05", "F13-07"}
    texts = _paragraphs(doc)
    assert "Forslaget er ikke komplet: diskonteringsrente mangler." in texts


def test_a_plan_without_catalogue_money_says_so_and_passes_the_lint() -> None:
    plan = make_plan(1, start_year=2013)
    snap = snapshot_of(make_portfolio([plan], [make_bundle(plan, 1)]), "P-1", date(2013, 6, 1))
    doc = build_document(snap, _report(snap), DocumentType.PROPOSALS)
    assert doc.marking is None
    assert any(P.none.format(source=FundingSource.INVESTERINGSPULJE.value) in t for t in _paragraphs(doc))
    assert lint_docx(render(snap, _report(snap), DocumentType.PROPOSALS).data) == []


def test_without_a_calendar_for_the_year_the_document_says_it_and_states_no_price_level() -> None:
    plan = make_plan(1, start_year=2013)
    bundle = make_bundle(plan, 1)
    bundle.funding = [make_funding(1, year=2013, source=FundingSource.INVESTERINGSPULJE)]
    snap = snapshot_of(make_portfolio([plan], [bundle]), "P-1", date(2013, 6, 1))
    doc = build_document(snap, _report(snap), DocumentType.PROPOSALS, calendar=BudgetCalendar())
    texts = _paragraphs(doc)
    assert any("ingen budgetkalender for budget 2013" in t for t in texts)
    assert not any("-pl" in t for t in texts) and not any("-pl" in t.caption for t in _tables(doc))
    assert lint_docx(render(snap, _report(snap), DocumentType.PROPOSALS, calendar=BudgetCalendar()).data) == []


def test_the_governance_calendar_is_what_the_document_shows() -> None:
    plan = make_plan(1, start_year=2013)
    bundle = make_bundle(plan, 1)
    bundle.funding = [make_funding(1, year=2013, source=FundingSource.INVESTERINGSPULJE)]
    snap = snapshot_of(make_portfolio([plan], [bundle]), "P-1", date(2012, 3, 1))
    shipped = load_governance().budget_calendar
    entry = shipped.years[2013].model_copy(update={"price_level": "PL 2013"})
    calendar = shipped.model_copy(update={"years": {2013: entry}})
    doc = build_document(snap, _report(snap), DocumentType.PROPOSALS, calendar=calendar)
    calendar_table = next(t for t in _tables(doc) if t.caption.startswith("Budgetprocessens datoer"))
    assert [_plain(r[1]) for r in calendar_table.rows] == ["13. april 2012", "5. juni 2012", "11. september 2012", "4. oktober 2012"]
    assert any(t.caption.endswith(", PL 2013") for t in _tables(doc))
    assert "fristen for forslag er 13. april 2012" in " ".join(_paragraphs(doc))
    assert doc.marking is not None  # make_bundle names no benefit owner and no risks
