"""Plans that follow each other: an initiative of 2013–2014 continues one of 2011–2012 — linked, not duplicated,
checked, carried in the snapshot, and its status history read across both plans in the status document."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from kksync.checks import check_portfolio
from kksync.core.mapping import to_payload
from kksync.core.model import DocumentType, Light, Phase, PlanKind, PlanStage, Portfolio
from kksync.core.schema import list_schema
from kksync.core.snapshots import snapshot_of
from kksync.documents import render
from kksync.documents.api import build_document
from kksync.documents.content.model import Section, Table
from kksync.documents.content.status_history import history_rows
from kksync.documents.word.lint import lint_docx
from kksync.texts.proposals import P
from testkit.portfolios import make_bundle, make_plan, make_portfolio, make_status

OLD, NEW, LATER = 1, 2, 3


def _portfolio(links: dict[int, int | None]) -> Portfolio:
    """Plan 2011–2012 (initiative 1), plan 2013–2014 (initiatives 2 and 3), statuses 2011–2014; ``links``
    sets ``continues_from_id`` per initiative."""
    old = make_plan(OLD, start_year=2011, title="Fælles it-handlingsplan 2011–2012", stage=PlanStage.I_GANG)
    new = make_plan(NEW, start_year=2013, title="Fælles it-handlingsplan 2013–2014")
    first, second, third = make_bundle(old, 1), make_bundle(new, 2), make_bundle(new, 3, rank=2)
    for bundle in (first, second, third):
        bundle.initiative.continues_from_id = links.get(bundle.initiative.id or 0)
    statuses = [
        make_status(1, year=2011, phase=Phase.ANALYSE, reported_light=Light.GUL, progress=30),
        make_status(1, year=2012, phase=Phase.ANSKAFFELSE, reported_light=Light.GROEN, progress=60),
        make_status(2, year=2013, phase=Phase.GENNEMFOERELSE, reported_light=Light.GROEN, progress=80),
        make_status(2, year=2014, phase=Phase.REALISERING, reported_light=Light.ROED, progress=95),
    ]
    statuses = [s.model_copy(update={"id": n}) for n, s in enumerate(statuses, 1)]
    return make_portfolio([old, new], [first, second, third], statuses=statuses)


def _rules(portfolio: Portfolio, day: date = date(2014, 6, 30)) -> list[tuple[str | None, str]]:
    report = check_portfolio(portfolio, today=day, now=datetime.combine(day, time(12), UTC))
    return sorted((f.initiative_key, f.rule) for f in report.findings if f.rule.startswith("DATA-CONTINUATION-"))


def test_the_link_is_a_lookup_column_of_its_own_provisioned_like_every_column() -> None:
    column = next(c for c in list_schema("initiatives").columns if c.attr == "continues_from_id")
    assert (column.name, column.lookup, column.indexed) == ("KkContinuesFrom", "initiatives", True)
    assert column.title.startswith("Fortsætter initiativ")
    payload = to_payload(_portfolio({2: 1}).initiatives[1], columns=[column])
    assert payload == {column.wire_name: 1}


def test_a_continuation_across_two_plans_is_no_finding() -> None:
    assert _rules(_portfolio({2: 1})) == []


def test_a_link_to_a_later_or_the_same_plan_is_a_data_finding() -> None:
    later = _rules(_portfolio({1: 2}))
    assert later == [("I-1", "DATA-CONTINUATION-PLAN")]
    same = check_portfolio(_portfolio({3: 2}), today=date(2014, 6, 30), now=datetime(2014, 6, 30, tzinfo=UTC))
    [finding] = [f for f in same.findings if f.rule == "DATA-CONTINUATION-PLAN"]
    assert finding.initiative_key == "I-3"
    assert "«I-2 Initiativ 2» i «Fælles it-handlingsplan 2013–2014»" in finding.message
    assert "«Fortsætter initiativ" in finding.message


def test_a_ring_is_a_finding_on_every_member() -> None:
    assert _rules(_portfolio({1: 3, 2: 1, 3: 2})) == [
        ("I-1", "DATA-CONTINUATION-CYCLE"), ("I-2", "DATA-CONTINUATION-CYCLE"), ("I-3", "DATA-CONTINUATION-CYCLE")]
    report = check_portfolio(_portfolio({1: 3, 2: 1, 3: 2}), today=date(2014, 6, 30), now=datetime(2014, 6, 30, tzinfo=UTC))
    message = next(f.message for f in report.findings if f.initiative_key == "I-2" and "CYCLE" in f.rule)
    assert "«I-2» → «I-1» → «I-3» → «I-2»" in message


def test_two_continuations_of_one_initiative_are_a_duplicate() -> None:
    assert _rules(_portfolio({2: 1, 3: 1})) == [("I-2", "DATA-CONTINUATION-DUPLICATE"), ("I-3", "DATA-CONTINUATION-DUPLICATE")]


def test_a_link_to_no_initiative_is_a_finding() -> None:
    assert _rules(_portfolio({2: 99})) == [("I-2", "DATA-CONTINUATION-MISSING")]


def test_the_snapshot_carries_the_predecessor_and_its_statuses_not_the_successor_backwards() -> None:
    portfolio = _portfolio({2: 1})
    new = snapshot_of(portfolio, "P-2", date(2014, 6, 30))
    assert [i.key for i in new.initiatives] == ["I-2", "I-3"]  # the plan's own: the predecessor is context
    assert {i.key for i in new.portfolio.initiatives} == {"I-1", "I-2", "I-3"}
    assert {p.key for p in new.portfolio.plans} == {"P-1", "P-2"}
    assert sorted((s.initiative_id, s.year) for s in new.portfolio.statuses) == [(1, 2011), (1, 2012), (2, 2013), (2, 2014)]
    old = snapshot_of(portfolio, "P-1", date(2012, 12, 31))
    assert {i.key for i in old.portfolio.initiatives} == {"I-1"}
    without = snapshot_of(_portfolio({}), "P-2", date(2014, 6, 30))
    assert {i.key for i in without.portfolio.initiatives} == {"I-2", "I-3"}


def _history(section: Section) -> Table | None:
    for sub in section.sections:
        if sub.title == P.history:
            return next(b for b in sub.blocks if isinstance(b, Table))
    return None


@pytest.mark.parametrize("year", [2013, 2014])
def test_the_status_document_reads_the_history_across_both_plans(year: int) -> None:
    snap = snapshot_of(_portfolio({2: 1}), "P-2", date(2014, 6, 30))
    report = check_portfolio(snap.portfolio, today=snap.status_date, now=datetime(2014, 6, 30, 12, tzinfo=UTC))
    doc = build_document(snap, report, DocumentType.STATUS, year=year)
    sections = {s.title.replace("\u2060", ""): s for top in doc.sections for s in top.sections}
    table = _history(next(s for t, s in sections.items() if t.startswith("I-2")))
    assert table is not None
    plain = [tuple(c.replace("\u2060", "").replace("\u00a0", " ") for c in row) for row in table.rows]
    expected = [
        ("Fælles it-handlingsplan 2011–2012", "I-1", "2011", "Analyse", "Gul", "30 %"),
        ("Fælles it-handlingsplan 2011–2012", "I-1", "2012", "Anskaffelse", "Grøn", "60 %"),
        ("Fælles it-handlingsplan 2013–2014", "I-2", "2013", "Gennemførelse", "Grøn", "80 %"),
        ("Fælles it-handlingsplan 2013–2014", "I-2", "2014", "Realisering", "Rød", "95 %"),
    ]
    assert plain == [row for row in expected if int(row[2]) <= year]
    assert _history(next(s for t, s in sections.items() if t.startswith("I-3"))) is None  # continues nothing
    data = render(snap, report, DocumentType.STATUS, year=year).data
    assert lint_docx(data) == []


def test_history_rows_follow_a_chain_of_three_plans_oldest_first() -> None:
    portfolio = _portfolio({2: 1})
    transition = make_plan(9, start_year=2009, kind=PlanKind.OVERGANG, title="Overgangsplan",
                           period_start=date(2009, 7, 1), period_end=date(2010, 12, 31))
    older = make_bundle(transition, 9, rank=None)
    first = portfolio.initiatives[0].model_copy(update={"continues_from_id": 9})
    status = make_status(9, year=2010, phase=Phase.IDE, progress=5).model_copy(update={"id": 50})
    chained = portfolio.model_copy(update={
        "plans": [*portfolio.plans, transition], "initiatives": [first, *portfolio.initiatives[1:], older.initiative],
        "statuses": [*portfolio.statuses, status]})
    snap = snapshot_of(chained, "P-2", date(2014, 6, 30))
    rows = history_rows(next(i for i in snap.initiatives if i.key == "I-2"), snap, 2014)
    assert [(r[1], r[2]) for r in rows] == [("I-9", "2010"), ("I-1", "2011"), ("I-1", "2012"), ("I-2", "2013"), ("I-2", "2014")]
    assert _rules(chained) == []


def test_the_plan_document_names_the_initiative_it_continues() -> None:
    snap = snapshot_of(_portfolio({2: 1}), "P-2", date(2014, 6, 30))
    report = check_portfolio(snap.portfolio, today=snap.status_date, now=datetime(2014, 6, 30, 12, tzinfo=UTC))
    doc = build_document(snap, report, DocumentType.PLAN)
    pairs: dict[str, dict[str, str]] = {}

    def walk(sections: list[Section]) -> None:
        for s in sections:
            for block in s.blocks:
                pairs.setdefault(s.title.split(" ")[0], {}).update(dict(getattr(block, "pairs", ())))
            walk(s.sections)
    walk(doc.sections)
    label = "Fortsætter initiativ (fra tidligere plan)"
    assert _plain_text(pairs["I-2"][label]) == "I-1 Initiativ 1 (Fælles it-handlingsplan 2011–2012)"
    assert label not in pairs["I-3"]


def _plain_text(text: str) -> str:
    return text.replace("\u2060", "").replace("\u00a0", " ")
