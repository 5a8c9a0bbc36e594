"""Builder of the action plan itself, for decision; marked as a draft while it is not ready (pure)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from kksync.checks.findings import CheckReport
from kksync.core import fmt
from kksync.core.model import FundingLine, Initiative, Portfolio
from kksync.core.snapshots import Snapshot
from kksync.documents.content.common import (
    admin_text,
    cover_lines,
    focus_titles,
    initiative_name,
    label,
    ordered,
    person_text,
    plan_period,
    ranked_table,
)
from kksync.documents.content.model import (
    BulletList,
    Column,
    Document,
    KeyValues,
    Paragraph,
    Section,
    Table,
    rich_text_blocks,
)
from kksync.documents.content.readiness import plan_ready
from kksync.texts import T

__all__ = ["build_plan"]


def _about(doc: Document, snapshot: Snapshot) -> None:
    plan = snapshot.plan
    section = doc.section(T.about_plan)
    section.add(
        KeyValues((
            (label("plans", "kind"), plan.kind.value if plan.kind else T.missing),
            (label("plans", "period_start"), fmt.long_date(plan.period_start)),
            (label("plans", "period_end"), fmt.long_date(plan.period_end)),
            (label("plans", "administration"), admin_text(plan.administration) if plan.administration else "–"),
            (label("plans", "stage"), plan.stage.value),
            (label("plans", "decision_date"), fmt.long_date(plan.decision_date)),
        ))
    )
    if snapshot.portfolio.focus_areas:
        section.sub(T.focus_areas).add(BulletList(tuple(a.title for a in snapshot.portfolio.focus_areas)))


def _ranked(doc: Document, initiatives: list[Initiative]) -> None:
    ranked_table(
        doc.section(T.ranked_initiatives), T.ranked_initiatives, initiatives, title_width=2.6,
        extra=(Column(label("initiatives", "phase"), width=1.5), Column(label("initiatives", "project_owner"), width=1.6)),
        cells=lambda i: (i.phase.value if i.phase else T.missing, person_text(i.project_owner)),
    )


def _key_figures(doc: Document, initiatives: list[Initiative]) -> None:
    col = "initiatives"
    doc.section(T.key_figures).add(
        Table(
            T.key_figures,
            (Column(T.initiative, width=3.0), Column(label(col, "business_case.npv"), True, 1.4),
             Column(label(col, "business_case.discount_rate"), True), Column(label(col, "business_case.payback_years"), True),
             Column(label(col, "business_case.irr"), True), Column(label(col, "business_case.approved"), width=0.9)),
            tuple(
                (initiative_name(i), fmt.kr(i.business_case.npv), fmt.percent(i.business_case.discount_rate),
                 fmt.years(i.business_case.payback_years), fmt.percent(i.business_case.irr),
                 T.yes if i.business_case.approved else T.no)
                for i in initiatives
            ),
        )
    )


def _funding_table(caption: str, lines: list[FundingLine]) -> Table | Paragraph:
    """Rows: source and budget category; columns: years, then the total."""
    if not lines:
        return Paragraph(T.no_funding)
    years = sorted({line.year for line in lines if line.year is not None})
    cells: dict[tuple[str, str], dict[int | None, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for line in lines:
        source = line.source.value if line.source else T.missing
        category = line.category.value if line.category else T.missing
        cells[(source, category)][line.year] += line.amount or Decimal(0)
    has_unknown_year = any(line.year is None for line in lines)
    year_cols: list[int | None] = [*years, None] if has_unknown_year else list(years)
    rows = [
        (source, category, *(fmt.kr(cells[(source, category)].get(y, Decimal(0))) for y in year_cols),
         fmt.kr(sum(cells[(source, category)].values(), Decimal(0))))
        for source, category in sorted(cells)
    ]
    totals = (T.total, "", *(fmt.kr(sum((c.get(y, Decimal(0)) for c in cells.values()), Decimal(0))) for y in year_cols),
              fmt.kr(sum((sum(c.values(), Decimal(0)) for c in cells.values()), Decimal(0))))
    columns = (
        Column(label("funding_lines", "source"), width=2.2), Column(label("funding_lines", "category"), width=1.0),
        *(Column(str(y) if y is not None else T.missing, True) for y in year_cols), Column(T.total, True),
    )
    return Table(caption, columns, (*rows, totals))


def _initiative(section: Section, initiative: Initiative, portfolio: Portfolio, lines: list[FundingLine]) -> None:
    rank = f"{initiative.rank}. " if initiative.rank is not None else ""
    sub = section.sub(f"{rank}{initiative_name(initiative)}")
    areas = {a.id: a for a in portfolio.focus_areas if a.id is not None}
    joint = {i.id: i for i in portfolio.initiatives if i.id is not None}
    contributes = [initiative_name(joint[j]) for j in initiative.contributes_to_ids if j in joint]
    bc = initiative.business_case
    pairs = [
        (label("initiatives", "administration"), admin_text(initiative.administration)),
        (label("initiatives", "unit"), initiative.unit or T.missing),
        (label("initiatives", "focus_area_ids"), ", ".join(focus_titles(initiative, areas)) or T.missing),
        (label("initiatives", "project_owner"), person_text(initiative.project_owner)),
        (label("initiatives", "project_manager"), person_text(initiative.project_manager)),
        (label("initiatives", "ranked_by"), person_text(initiative.ranked_by)),
        (label("initiatives", "ranked_on"), fmt.long_date(initiative.ranked_on)),
        (label("initiatives", "delivery.deliverer"), initiative.delivery.deliverer or T.missing),
        (label("initiatives", "delivery.start"), fmt.long_date(initiative.delivery.start)),
        (label("initiatives", "delivery.end"), fmt.long_date(initiative.delivery.end)),
    ]
    if contributes:
        pairs.append((T.contributes_to, "; ".join(contributes)))
    if initiative.transition_origin is not None:
        pairs.append((label("initiatives", "transition_origin"), initiative.transition_origin.value))
    sub.add(KeyValues(tuple(pairs)))
    for column, value in (("purpose", initiative.purpose), ("goals", initiative.goals), ("deliverables", initiative.deliverables)):
        sub.add(Paragraph("", bold_lead=label("initiatives", column)))
        sub.add(*rich_text_blocks(value, missing=T.missing))
    sub.add(
        KeyValues((
            (label("initiatives", "business_case.npv"), fmt.kr(bc.npv)),
            (label("initiatives", "business_case.discount_rate"), fmt.percent(bc.discount_rate)),
            (label("initiatives", "business_case.payback_years"), fmt.years(bc.payback_years)),
            (label("initiatives", "business_case.irr"), fmt.percent(bc.irr)),
            (label("initiatives", "business_case.approved"), T.yes if bc.approved else T.no),
        ))
    )
    sub.add(_funding_table(T.funding_of.format(name=initiative_name(initiative)), lines))


def build_plan(snapshot: Snapshot, report: CheckReport) -> Document:
    """The action plan: ranked initiatives, business-case key figures, funding per year and source."""
    plan = snapshot.plan
    initiatives = ordered(snapshot.initiatives)
    kids = snapshot.portfolio.children()
    ready = plan_ready(snapshot, report)
    doc = Document(
        title=T.plan_title.format(title=plan.title), subtitle=plan_period(plan), cover_lines=cover_lines(snapshot),
        marking=T.draft_marking if ready is False else None, subject=plan.title, keywords=plan.key,
    )
    _about(doc, snapshot)
    _ranked(doc, initiatives)
    _key_figures(doc, initiatives)
    all_lines = [line for i in initiatives for line in kids.funding.get(i.id or -1, [])]
    doc.section(T.funding).add(_funding_table(T.funding_table, all_lines))
    section = doc.section(T.initiatives)
    for initiative in initiatives:
        _initiative(section, initiative, snapshot.portfolio, kids.funding.get(initiative.id or -1, []))
    return doc
