"""Builder of the action plan itself, for decision; marked as a draft while it is not ready (pure).

An introduction, the prioritised list with the cost of each initiative, the plan's economy as a whole,
the business-case key figures, the funding with its agreement status, and per initiative the business
case's essentials (ledelsesresumé, scenarios, key and yearly figures, who approved it and when).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from kksync.checks.findings import CheckReport
from kksync.core import fmt
from kksync.core.model import BusinessCaseFigure, FigureKind, FundingLine, Initiative, Portfolio, StatusEntry
from kksync.core.snapshots import Snapshot
from kksync.documents.content.common import (
    admin_text,
    cover_lines,
    current_phase,
    focus_titles,
    initiative_name,
    label,
    lead_blocks,
    mio_text,
    ordered,
    person_text,
    plain_label,
    plan_period,
    ranked_table,
    total,
)
from kksync.documents.content.model import BulletList, Column, Document, KeyValues, Paragraph, Section, Table
from kksync.documents.content.readiness import decision_passed, plan_ready
from kksync.texts import T

__all__ = ["build_plan"]

_KINDS = (FigureKind.INVESTERING, FigureKind.DRIFT_0, FigureKind.DRIFT_1, FigureKind.GEVINST)


def _mio_header(text: str) -> str:
    return f"{text} ({T.mio_kr})"


def _investment(figures: list[BusinessCaseFigure]) -> Decimal | None:
    return total(f.amount for f in figures if f.kind is FigureKind.INVESTERING)


def _intro(doc: Document, snapshot: Snapshot, initiatives: list[Initiative], invest: Decimal | None,
           funded: Decimal | None, ready: bool | None) -> None:
    plan = snapshot.plan
    section = doc.section(T.introduction)
    section.add(Paragraph(T.intro_text.format(
        title=plan.title, kind=(plan.kind.value.lower() if plan.kind else fmt.MISSING), period=plan_period(plan).lower(),
        count=fmt.number(len(initiatives)), invest=fmt.mio(invest), funded=fmt.mio(funded),
    ) + " " + T.price_level))
    section.add(Paragraph(T.intro_requirements))
    if ready is True:
        section.add(Paragraph(T.intro_ready))
    elif ready is False:
        section.add(Paragraph(T.intro_not_ready))
    section.add(
        KeyValues((
            (label("plans", "kind"), plan.kind.value if plan.kind else fmt.MISSING),
            (label("plans", "period_start"), fmt.long_date(plan.period_start)),
            (label("plans", "period_end"), fmt.long_date(plan.period_end)),
            (label("plans", "stage"), plan.stage.value),
            (label("plans", "decision_date"), fmt.long_date(plan.decision_date)),
        ))
    )
    if decision_passed(snapshot):
        section.add(Paragraph(T.decision_passed.format(
            date=fmt.long_date(plan.decision_date), status_date=fmt.long_date(snapshot.status_date))))
    if snapshot.portfolio.focus_areas:
        section.sub(T.focus_areas).add(BulletList(tuple(a.title for a in snapshot.portfolio.focus_areas)))


def _economy(doc: Document, snapshot: Snapshot, initiatives: list[Initiative], figures: dict[int, list[BusinessCaseFigure]],
             funding: dict[int, list[FundingLine]]) -> None:
    section = doc.section(T.plan_economy)
    sums: dict[tuple[FigureKind, int], Decimal] = defaultdict(Decimal)
    funded: dict[int, Decimal] = defaultdict(Decimal)
    for ini in initiatives:
        for f in figures.get(ini.id or -1, []):
            if f.kind is not None and f.year is not None and f.amount is not None:
                sums[(f.kind, f.year)] += f.amount
        for line in funding.get(ini.id or -1, []):
            if line.year is not None and line.amount is not None:
                funded[line.year] += line.amount
    years = sorted({y for _, y in sums} | set(funded))
    section.add(Paragraph(T.economy_intro + " " + T.price_level))
    rows = [(str(y), *(mio_text(sums.get((k, y))) for k in _KINDS), mio_text(funded.get(y))) for y in years]
    rows.append((T.total, *(mio_text(total(sums.get((k, y)) for y in years)) for k in _KINDS),
                 mio_text(total(funded.values()))))
    section.add(Table(
        T.economy_table,
        (Column(T.year, width=0.8), *(Column(_mio_header(k.value), True) for k in _KINDS), Column(_mio_header(T.funding), True)),
        tuple(rows),
    ))
    areas = {a.id: a for a in snapshot.portfolio.focus_areas if a.id is not None}
    by_area: dict[str, list[Initiative]] = {a.title: [] for a in snapshot.portfolio.focus_areas}
    for ini in initiatives:
        for title in focus_titles(ini, areas) or [T.without_focus_area]:
            by_area.setdefault(title, []).append(ini)
    several = sum(1 for i in initiatives if len(focus_titles(i, areas)) > 1)
    sub = section.sub(T.economy_by_focus)
    if several:
        sub.add(Paragraph(T.focus_double_count.format(count=fmt.number(several))))
    area_rows = [(title, fmt.number(len(m)), mio_text(total(_investment(figures.get(i.id or -1, [])) for i in m)))
                 for title, m in by_area.items() if m]
    area_rows.append((T.plan_total_once, fmt.number(len(initiatives)),
                      mio_text(total(_investment(figures.get(i.id or -1, [])) for i in initiatives))))
    sub.add(Table(T.economy_by_focus, (Column(T.focus_area, width=2.6), Column(T.initiatives_count, True),
                                        Column(_mio_header(FigureKind.INVESTERING.value), True)), tuple(area_rows)))


def _key_figures(doc: Document, initiatives: list[Initiative]) -> None:
    col = "initiatives"
    doc.section(T.key_figures).add(
        Table(
            T.key_figures,
            (Column(T.initiative, width=3.0), Column(_mio_header(plain_label(col, "business_case.npv")), True, 1.4),
             Column(label(col, "business_case.discount_rate"), True), Column(label(col, "business_case.payback_years"), True),
             Column(label(col, "business_case.irr"), True), Column(label(col, "business_case.approved"), width=0.9)),
            tuple(
                (initiative_name(i), mio_text(i.business_case.npv), fmt.percent(i.business_case.discount_rate),
                 fmt.years(i.business_case.payback_years), fmt.percent(i.business_case.irr),
                 T.yes if i.business_case.approved else T.no)
                for i in initiatives
            ),
        )
    )


def _funding_table(caption: str, lines: list[FundingLine]) -> Table | Paragraph:
    """Rows: source and budget category; columns: years, then the total (mio. kr.)."""
    if not lines:
        return Paragraph(T.no_funding)
    years = sorted({line.year for line in lines if line.year is not None})
    cells: dict[tuple[str, str], dict[int | None, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for line in lines:
        source = line.source.value if line.source else fmt.MISSING
        category = line.category.value if line.category else fmt.MISSING
        cells[(source, category)][line.year] += line.amount or Decimal(0)
    year_cols: list[int | None] = [*years, None] if any(line.year is None for line in lines) else list(years)
    rows = [
        (source, category, *(mio_text(cells[(source, category)].get(y, Decimal(0))) for y in year_cols),
         mio_text(sum(cells[(source, category)].values(), Decimal(0))))
        for source, category in sorted(cells)
    ]
    totals = (T.total, "", *(mio_text(sum((c.get(y, Decimal(0)) for c in cells.values()), Decimal(0))) for y in year_cols),
              mio_text(sum((sum(c.values(), Decimal(0)) for c in cells.values()), Decimal(0))))
    columns = (
        Column(label("funding_lines", "source"), width=2.2), Column(label("funding_lines", "category"), width=1.0),
        *(Column(str(y) if y is not None else T.year_missing, True) for y in year_cols), Column(T.total, True),
    )
    return Table(caption, columns, (*rows, totals))


def _agreements(caption: str, lines: list[FundingLine]) -> Table | Paragraph:
    if not lines:
        return Paragraph(T.no_funding)
    rows = tuple(
        (str(line.year) if line.year is not None else fmt.MISSING, line.source.value if line.source else fmt.MISSING,
         mio_text(line.amount), line.status.value if line.status else fmt.MISSING, fmt.long_date(line.agreed_on))
        for line in sorted(lines, key=lambda x: (x.year or 0, x.source.value if x.source else "", x.id or 0))
    )
    return Table(caption, (Column(T.year, width=0.7), Column(label("funding_lines", "source"), width=2.2),
                           Column(_mio_header(T.amount), True, 1.0), Column(label("funding_lines", "status"), width=1.2),
                           Column(label("funding_lines", "agreed_on"), width=1.3)), rows)


def _figures_table(caption: str, figures: list[BusinessCaseFigure]) -> Table | Paragraph:
    years = sorted({f.year for f in figures if f.year is not None})
    if not years:
        return Paragraph(T.no_figures)
    sums: dict[tuple[FigureKind, int], Decimal] = defaultdict(Decimal)
    for f in figures:
        if f.kind is not None and f.year is not None and f.amount is not None:
            sums[(f.kind, f.year)] += f.amount
    return Table(caption, (Column(T.year, width=0.8), *(Column(_mio_header(k.value), True) for k in _KINDS)),
                 tuple((str(y), *(mio_text(sums.get((k, y))) for k in _KINDS)) for y in years))


def _initiative(section: Section, initiative: Initiative, portfolio: Portfolio, lines: list[FundingLine],
                figures: list[BusinessCaseFigure], statuses: list[StatusEntry], year: int, n: int) -> None:
    sub = section.sub(initiative_name(initiative))
    areas = {a.id: a for a in portfolio.focus_areas if a.id is not None}
    joint = {i.id: i for i in portfolio.initiatives if i.id is not None}
    contributes = [initiative_name(joint[j]) for j in initiative.contributes_to_ids if j in joint]
    phase = current_phase(initiative, statuses, year)
    pairs = [
        (label("initiatives", "rank"), T.rank_of.format(rank=initiative.rank, n=n) if initiative.rank else T.unranked),
        (label("initiatives", "ranked_by"), person_text(initiative.ranked_by)),
        (label("initiatives", "ranked_on"), fmt.long_date(initiative.ranked_on)),
        (label("initiatives", "administration"), admin_text(initiative.administration)),
        (label("initiatives", "unit"), initiative.unit or fmt.MISSING),
        (label("initiatives", "focus_area_ids"), ", ".join(focus_titles(initiative, areas)) or fmt.MISSING),
        (label("initiatives", "phase"), phase.value if phase else fmt.MISSING),
        (label("initiatives", "project_owner"), person_text(initiative.project_owner)),
        (label("initiatives", "project_manager"), person_text(initiative.project_manager)),
        (label("initiatives", "delivery.deliverer"), initiative.delivery.deliverer or fmt.MISSING),
        (T.delivery_period, f"{fmt.long_date(initiative.delivery.start)} – {fmt.long_date(initiative.delivery.end)}"),
    ]
    if contributes:
        pairs.append((T.contributes_to, "; ".join(contributes)))
    predecessor = joint.get(initiative.continues_from_id) if initiative.continues_from_id is not None else None
    if predecessor is not None:  # the snapshot carries the predecessor chain
        earlier = portfolio.plan(predecessor.plan_id) if predecessor.plan_id is not None else None
        pairs.append((label("initiatives", "continues_from_id"),
                      f"{initiative_name(predecessor)} ({earlier.title if earlier is not None else fmt.MISSING})"))
    if initiative.transition_origin is not None:
        pairs.append((label("initiatives", "transition_origin"), initiative.transition_origin.value))
    sub.add(KeyValues(tuple(pairs)))
    for column, value in (("purpose", initiative.purpose), ("goals", initiative.goals), ("deliverables", initiative.deliverables),
                          ("risks", initiative.risks)):
        sub.add(*lead_blocks(label("initiatives", column), value))
    bc = initiative.business_case
    case = sub.sub(T.business_case_of.format(key=initiative.key))
    for attr, value in (("summary", bc.summary), ("scenario_0", bc.scenario_0), ("scenario_1", bc.scenario_1),
                        ("non_financial_benefits", bc.non_financial_benefits)):
        case.add(*lead_blocks(label("initiatives", f"business_case.{attr}"), value))
    case.add(
        KeyValues((
            (plain_label("initiatives", "business_case.npv"), fmt.mio(bc.npv)),
            (plain_label("initiatives", "business_case.discount_rate"), fmt.percent(bc.discount_rate)),
            (plain_label("initiatives", "business_case.payback_years"), fmt.years(bc.payback_years)),
            (plain_label("initiatives", "business_case.irr"), fmt.percent(bc.irr)),
            (label("initiatives", "business_case.approved"), T.yes if bc.approved else T.no),
            (label("initiatives", "business_case.approved_by"), person_text(bc.approved_by)),
            (label("initiatives", "business_case.approved_on"), fmt.long_date(bc.approved_on)),
        ))
    )
    case.add(_figures_table(T.figures_of.format(name=initiative_name(initiative)), figures))
    money = sub.sub(T.funding_of_title.format(key=initiative.key))
    money.add(_funding_table(T.funding_of.format(name=initiative_name(initiative)), lines))
    money.add(_agreements(T.agreements_of.format(name=initiative_name(initiative)), lines))


def build_plan(snapshot: Snapshot, report: CheckReport) -> Document:
    """The action plan: introduction, ranked initiatives, economy, key figures, funding, each initiative."""
    plan = snapshot.plan
    initiatives = ordered(snapshot.initiatives)
    kids = snapshot.portfolio.children()
    ready = plan_ready(snapshot, report)
    year = snapshot.status_date.year
    doc = Document(
        title=T.plan_title.format(title=plan.title), subtitle=plan_period(plan), cover_lines=cover_lines(snapshot),
        marking=T.draft_marking if ready is False else None, subject=plan.title, keywords=plan.key,
    )
    all_lines = [line for i in initiatives for line in kids.funding.get(i.id or -1, [])]
    invest = total(_investment(kids.figures.get(i.id or -1, [])) for i in initiatives)
    _intro(doc, snapshot, initiatives, invest, total(line.amount for line in all_lines), ready)
    ranked_table(
        doc.section(T.ranked_initiatives), T.ranked_initiatives, initiatives, title_width=2.6,
        extra=(Column(label("initiatives", "phase"), width=1.4),
               Column(_mio_header(FigureKind.INVESTERING.value), True, 1.2), Column(_mio_header(T.funding), True, 1.2)),
        cells=lambda i: (
            (p.value if (p := current_phase(i, kids.statuses.get(i.id or -1, []), year)) else fmt.MISSING),
            mio_text(_investment(kids.figures.get(i.id or -1, []))),
            mio_text(total(line.amount for line in kids.funding.get(i.id or -1, []))),
        ),
    )
    _economy(doc, snapshot, initiatives, kids.figures, kids.funding)
    _key_figures(doc, initiatives)
    funding = doc.section(T.funding)
    funding.add(_funding_table(T.funding_table, all_lines))
    status: dict[str, list[Decimal]] = defaultdict(list)
    for line in all_lines:
        status[line.status.value if line.status else fmt.MISSING].append(line.amount or Decimal(0))
    funding.add(Table(T.agreement_overview, (Column(label("funding_lines", "status"), width=2.0),
                                             Column(T.lines_count, True), Column(_mio_header(T.amount), True)),
                      tuple((k, fmt.number(len(v)), mio_text(sum(v, Decimal(0)))) for k, v in sorted(status.items()))))
    section = doc.section(T.initiatives_title)
    if not initiatives:
        section.add(Paragraph(T.no_initiatives))
    for initiative in initiatives:
        iid = initiative.id or -1
        _initiative(section, initiative, snapshot.portfolio, kids.funding.get(iid, []), kids.figures.get(iid, []),
                    kids.statuses.get(iid, []), year, len(initiatives))
    return doc
