"""The six demo documents (status, readiness and plan of both joint sample plans, as ``make demo`` makes
them: snapshots at the demo's dates, checked as of the status date) read as their readers read them."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from docx import Document as open_docx

from kksync.checks import CheckReport, check_portfolio
from kksync.core.model import DocumentType, Light, Portfolio
from kksync.core.schema import LISTS
from kksync.core.snapshots import Snapshot, snapshot_of
from kksync.documents import render
from kksync.documents.api import build_document
from kksync.documents.content.model import Table
from kksync.documents.content.readiness import readiness_counts
from kksync.documents.content.status import status_rows
from kksync.documents.word.lint import lint_docx
from kksync.sample import sample_portfolio
from kksync.texts import LIST_NAMES, T

# (plan, previous snapshot, status snapshot, status year) as demo/run.py freezes and publishes them
DEMO = (("FHP-2011-2012", date(2011, 12, 31), date(2012, 12, 31), 2012),
        ("FHP-2013-2014", date(2013, 12, 31), date(2014, 6, 30), 2014))
_MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
_OTHER_DATES = re.compile(r"\b\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")
_LONG_DATE = re.compile(rf"\b\d{{1,2}}\. (?:{_MONTHS}) \d{{4}}\b")
_MONTH_WITHOUT_DAY = re.compile(rf"(?<!\d\. )\b(?:{_MONTHS}) \d{{4}}\b")
_DOUBLED_UNIT = re.compile(r"\((%|kr\.|år|mio\. kr\.)\):\s*[^\n]*?\d\s*\1")


def _check(snapshot: Snapshot) -> CheckReport:
    as_of = datetime.combine(snapshot.status_date, time(12), UTC)
    return check_portfolio(snapshot.portfolio, today=snapshot.status_date, now=as_of)


@pytest.fixture(scope="module")
def sample() -> Portfolio:
    return sample_portfolio()


@pytest.fixture(scope="module")
def demo(sample: Portfolio) -> dict[tuple[str, DocumentType], tuple[Snapshot, CheckReport, list[str], bytes]]:
    out = {}
    for key, before, on, year in DEMO:
        snap, previous = snapshot_of(sample, key, on), snapshot_of(sample, key, before)
        report = _check(snap)
        for doc_type in DocumentType:
            data = render(snap, report, doc_type, year=year, previous=previous).data
            out[(key, doc_type)] = (snap, report, _texts(data), data)
    return out


def _texts(data: bytes) -> list[str]:
    """Every paragraph and every table cell, in body order (cells of nested tables included)."""
    doc = open_docx(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return [t for t in texts if t.strip()]


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u2060", "")


def test_six_documents_read_clean(demo: dict[tuple[str, DocumentType], tuple[Snapshot, CheckReport, list[str], bytes]]) -> None:
    internal = {schema.title for schema in LISTS} - set(LIST_NAMES.values())
    assert {"Milepaele", "BusinessCaseTal"} <= internal
    assert len(demo) == 2 * len(DocumentType) == 8  # status, readiness, plan and proposals of both plans
    for (key, doc_type), (_, _, texts, data) in demo.items():
        assert lint_docx(data) == [], (key, doc_type)
        dated = 0
        for raw in texts:
            text = _plain(raw)
            where = (key, doc_type.value, text[:120])
            assert "kr.." not in text and ".." not in text.replace("…", ""), where
            assert not _DOUBLED_UNIT.search(text), where
            assert not any(re.search(rf"\b{re.escape(name)}\b", text) for name in internal), where
            assert not _OTHER_DATES.search(text), where
            assert not _MONTH_WITHOUT_DAY.search(_LONG_DATE.sub("", text)), where
            dated += len(_LONG_DATE.findall(text))
            # a number and its unit never part: the space before kr., %, mio. is a non-breaking one
            assert not re.search(r"\d (?:kr\.|%|mio\.)", raw), where
        assert dated > 0, (key, doc_type)  # the dates that are shown are in the long format


def test_plan_title_range_does_not_break(demo: dict[tuple[str, DocumentType], tuple[Snapshot, CheckReport, list[str], bytes]]) -> None:
    texts = demo[("FHP-2011-2012", DocumentType.STATUS)][2]
    assert any("2011\u2060–\u20602012" in t for t in texts)
    assert not any(re.search(r"\d–\d", t) for t in texts)


def test_change_section_lists_phase_and_light_changes_between_status_years(sample: Portfolio) -> None:
    key, before, on, year = DEMO[0]
    snap = snapshot_of(sample, key, on)
    doc = build_document(snap, _check(snap), DocumentType.STATUS, year=year, previous=snapshot_of(sample, key, before))
    changes = next(s for s in doc.sections if s.title == T.changes.format(year=year - 1))
    years = changes.sections[0]
    items = {s.title.split(" (")[0]: [i for b in s.blocks for i in getattr(b, "items", ())] for s in years.sections}
    children = snap.portfolio.children()
    expected_phase, expected_light = set(), set()
    for ini in snap.initiatives:
        entries = {e.year: e for e in children.statuses[ini.id or 0]}
        now, old = entries[year], entries[year - 1]
        name = f"{ini.key} {ini.title}"
        if now.phase != old.phase:
            expected_phase.add(f"{name}: {old.phase.value if old.phase else ''} → {now.phase.value if now.phase else ''}")
        if now.reported_light != old.reported_light:
            expected_light.add(f"{name}: {old.reported_light.value if old.reported_light else ''} → "
                               f"{now.reported_light.value if now.reported_light else ''}")
    assert expected_phase and expected_light  # the sample moves between its status years
    assert set(items[T.phase_changed.split(" (")[0]]) == {i.replace("\u00a0", " ") for i in expected_phase}
    assert set(items[T.light_changed.split(" (")[0]]) == expected_light


def test_zero_baseline_gives_no_computed_cost_light_with_the_reason(sample: Portfolio) -> None:
    key, _, on, year = DEMO[0]
    first = next(i for i in sample.initiatives if i.key == "F11-03")
    statuses = [s.model_copy(update={"baseline_cost": Decimal(0)}) if s.initiative_id == first.id else s
                for s in sample.statuses]
    snap = snapshot_of(sample.model_copy(update={"statuses": statuses}), key, on)
    report = _check(snap)
    light = report.lights[first.id or 0]
    assert light.cost is None and "Budget (baseline) er 0 kr." in light.cost_reason
    doc = build_document(snap, report, DocumentType.STATUS, year=year)
    section = next(s for g in doc.sections for s in g.sections if s.title.startswith("F11-03"))
    measures = next(b for b in section.blocks if isinstance(b, Table) and b.caption == T.measures_caption)
    cost = next(row for row in measures.rows if row[0] == T.measure_cost)
    assert cost[2] == T.no_computed_light and "intet beregnet trafiklys for økonomi" in cost[3]
    assert any(cost[3] in t for t in _texts(render(snap, report, DocumentType.STATUS, year=year).data))


def test_passed_forecast_end_on_unfinished_work_is_red(demo: dict[tuple[str, DocumentType], tuple[Snapshot, CheckReport, list[str], bytes]]) -> None:
    snap, report, texts, _ = demo[("FHP-2011-2012", DocumentType.STATUS)]
    ini = next(i for i in snap.initiatives if i.key == "F11-05")
    entry = max((s for s in snap.portfolio.statuses if s.initiative_id == ini.id and s.year == 2012), key=lambda s: s.id or 0)
    assert entry.forecast_end is not None and entry.forecast_end < snap.status_date and (entry.progress or 0) < 100
    light = report.lights[ini.id or 0]
    assert light.light is Light.ROED and light.schedule is Light.ROED
    assert any("F11-05" in t and "er passeret" in _plain(t) for t in texts)  # named in the resumé with the reason


def test_overdue_milestone_is_a_finding_and_marked(demo: dict[tuple[str, DocumentType], tuple[Snapshot, CheckReport, list[str], bytes]]) -> None:
    for key in ("FHP-2011-2012", "FHP-2013-2014"):
        snap, report, texts, _ = demo[(key, DocumentType.STATUS)]
        overdue = [f for f in report.findings if f.rule == "DEL-MILESTONE-OVERDUE"]
        assert len(overdue) == 1, key
        rows = status_rows(snap, report, snap.status_date.year)
        late = [(r.initiative.id, m.title) for r in rows for m in r.overdue(snap.status_date)]
        assert late == [(overdue[0].initiative_id, "Løsningen sat i drift")]
        assert "«Løsningen sat i drift»" in overdue[0].message
        assert texts.count(T.milestone_overdue) == 1
        readiness = demo[(key, DocumentType.READINESS)][2]
        assert any("Løsningen sat i drift" in t for t in readiness)


def test_every_risk_text_appears_in_the_status_document(demo: dict[tuple[str, DocumentType], tuple[Snapshot, CheckReport, list[str], bytes]]) -> None:
    for key, *_ in DEMO:
        snap, _, texts, _ = demo[(key, DocumentType.STATUS)]
        body = "\n".join(_plain(t) for t in texts)
        risks = [i.risks for i in snap.initiatives if i.risks]
        assert len(risks) == len(snap.initiatives)
        for risk in risks:
            assert _plain(risk) in body, risk


def test_readiness_totals_agree(demo: dict[tuple[str, DocumentType], tuple[Snapshot, CheckReport, list[str], bytes]]) -> None:
    snap, report, texts, _ = demo[("FHP-2013-2014", DocumentType.READINESS)]
    counts = readiness_counts(snap, report)
    verdict = report.verdicts[snap.plan.id or 0]
    assert counts.failing and not verdict.ready
    assert sum(counts.by_admin_failing.values()) == len(counts.failing) == sum(verdict.by_administration.values())
    assert sum(counts.by_requirement.values()) == len(counts.pairs) == sum(verdict.by_requirement.values())
    assert counts.findings == verdict.errors
    assert sum(counts.by_admin_findings.values()) + counts.plan_level == counts.findings
    total = texts.index(T.total)
    assert texts[total + 1:total + 4] == [str(len(snap.initiatives)), str(len(counts.failing)),
                                          str(counts.findings - counts.plan_level)]
    pairs = texts.index(T.total_pairs)
    assert texts[pairs + 1] == str(len(counts.pairs))
    assert any(T.decision_passed.split("{")[0] in _plain(t) for t in texts)  # "Klar" with a decision date passed


def test_phase_is_the_same_in_every_document(demo: dict[tuple[str, DocumentType], tuple[Snapshot, CheckReport, list[str], bytes]]) -> None:
    snap, report, _, _ = demo[("FHP-2011-2012", DocumentType.STATUS)]
    status = build_document(snap, report, DocumentType.STATUS, year=2012)
    plan = build_document(snap, report, DocumentType.PLAN)
    ranked = next(s for s in plan.sections if s.title == T.ranked_initiatives).blocks[0]
    phases_in_plan = {row[1]: row[4] for row in getattr(ranked, "rows", ())}
    rows = status_rows(snap, report, 2012)
    assert phases_in_plan == {r.initiative.key: r.status.phase.value for r in rows if r.status.phase}
    assert _plain(status.title).endswith(snap.plan.title)
