"""Builder of "Status på implementering": one plan, one status year (pure).

Laid out as Copenhagen's implementation statements to Økonomiudvalget are: the *indstilling* (what the
committee is asked to do), a resumé naming the red and yellow initiatives and those whose computed light
differs from the reported one, the overviews, what changed since the previous status year, and the
initiatives grouped as running, not started and completed (the completed ones in their own chapter).
Per initiative Statens It-råd's four measures, reported beside computed, the economy, risks and milestones.
Last, the larger IT projects of the plan's initiatives (``status_portfolio``), as the portfolio workbook has them.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from kksync.checks.findings import CheckReport
from kksync.core import fmt
from kksync.core.model import Administration, Light, StatusEntry, latest_status
from kksync.core.snapshots import Snapshot
from kksync.documents.content.common import (
    ADMIN_ORDER,
    LIGHT_COLORS,
    LIGHT_ORDER,
    Progress,
    chart_block,
    cover_lines,
    focus_titles,
    initiative_name,
    initiative_status,
    light_text,
    mio_text,
    ordered,
    plan_period,
    progress_of,
    total,
)
from kksync.documents.content.model import BulletList, ChartKind, Column, Document, Paragraph, Series, Table
from kksync.documents.content.status_changes import add_changes
from kksync.documents.content.status_history import add_history
from kksync.documents.content.status_initiative import Row, add_initiative
from kksync.documents.content.status_portfolio import add_portfolio
from kksync.texts import T

__all__ = ["build_status", "status_rows"]


def _light_counts(lights: list[Light | None]) -> dict[str, str]:
    counts = Counter(lights)
    return {k: fmt.number(counts[v]) for k, v in (("green", Light.GROEN), ("yellow", Light.GUL), ("red", Light.ROED),
                                                  ("none", None))}


def _mio_header(text: str) -> str:
    return f"{text} ({T.mio_kr})"


def _mio(value: Decimal | None) -> float:
    return float((value or Decimal(0)) / Decimal(1_000_000))


def status_rows(snapshot: Snapshot, report: CheckReport, year: int) -> list[Row]:
    kids = snapshot.portfolio.children()
    return [
        Row(i, initiative_status(i, kids.statuses.get(i.id or -1, []), report, year),
            tuple(kids.milestones.get(i.id or -1, [])))
        for i in ordered(snapshot.initiatives)
    ]


def _flagged(rows: list[Row]) -> list[str]:
    """Red and yellow initiatives, reported or computed, each with what says so."""
    out = []
    for row in rows:
        s = row.status
        colours = {s.reported, s.computed} & {Light.ROED, Light.GUL}
        if not colours:
            continue
        out.append(T.flagged.format(
            name=initiative_name(row.initiative), reported=light_text(s.reported), computed=light_text(s.computed),
            reason=s.reason or fmt.MISSING,
        ))
    return out


def _indstilling(doc: Document, snapshot: Snapshot, rows: list[Row], year: int) -> None:
    section = doc.section(T.indstilling)
    section.add(Paragraph(T.indstilling_lead))
    points = [T.indstilling_take_note.format(plan=snapshot.plan.title, year=year,
                                             date=fmt.long_date(snapshot.status_date))]
    red = [r for r in rows if Light.ROED in (r.status.reported, r.status.computed)]
    if red:
        points.append(T.indstilling_red.format(count=fmt.number(len(red))))
    section.add(BulletList(tuple(points)))


def _resume(doc: Document, snapshot: Snapshot, rows: list[Row], year: int) -> None:
    section = doc.section(T.resume)
    groups = Counter(progress_of(r.status.phase, r.status.entry) for r in rows)
    on = snapshot.status_date
    section.add(
        Paragraph(T.resume_text.format(
            plan=snapshot.plan.title, count=fmt.number(len(rows)), year=year, date=fmt.long_date(on),
            running=fmt.number(groups[Progress.RUNNING]), not_started=fmt.number(groups[Progress.NOT_STARTED]),
            completed=fmt.number(groups[Progress.COMPLETED]),
        )),
        Paragraph(T.resume_economy.format(
            budget=fmt.mio(total(r.budget for r in rows)), spent=fmt.mio(total(r.spent for r in rows)),
            forecast=fmt.mio(total(r.forecast for r in rows)),
        ) + " " + T.price_level),
        Paragraph(T.summary_lights.format(**_light_counts([r.status.reported for r in rows]))),
        Paragraph(T.summary_computed.format(**_light_counts([r.status.computed for r in rows]))),
    )
    flagged = _flagged(rows)
    if flagged:
        section.sub(T.flagged_title.format(count=fmt.number(len(flagged)))).add(BulletList(tuple(flagged)))
    differs = [
        T.differs_item.format(name=initiative_name(r.initiative), reported=light_text(r.status.reported),
                              computed=light_text(r.status.computed))
        for r in rows if r.status.reported and r.status.computed and r.status.reported != r.status.computed
    ]
    if differs:
        section.sub(T.differs_title.format(count=fmt.number(len(differs)))).add(BulletList(tuple(differs)))
    overdue = [(r, m) for r in rows for m in r.overdue(on)]
    if overdue:
        section.sub(T.overdue_title.format(count=fmt.number(len(overdue)))).add(BulletList(tuple(
            T.overdue_item.format(name=initiative_name(r.initiative), title=m.title, due=fmt.long_date(m.due))
            for r, m in overdue
        )))
    if not rows:
        section.add(Paragraph(T.no_initiatives))


def _by_focus_area(doc: Document, snapshot: Snapshot, rows: list[Row]) -> None:
    section = doc.section(T.by_focus_area)
    areas = {a.id: a for a in snapshot.portfolio.focus_areas if a.id is not None}
    groups: dict[str, list[Row]] = {a.title: [] for a in snapshot.portfolio.focus_areas}
    for row in rows:
        for title in focus_titles(row.initiative, areas) or [T.without_focus_area]:
            groups.setdefault(title, []).append(row)
    used = [(title, members) for title, members in groups.items() if members]
    several = sum(1 for r in rows if len(focus_titles(r.initiative, areas)) > 1)
    if several:
        section.add(Paragraph(T.focus_double_count.format(count=fmt.number(several))))
    table_rows = [
        (title, fmt.number(len(m)), mio_text(total(r.budget for r in m)), mio_text(total(r.spent for r in m)),
         mio_text(total(r.forecast for r in m)))
        for title, m in used
    ]
    table_rows.append((T.plan_total_once, fmt.number(len(rows)), mio_text(total(r.budget for r in rows)),
                       mio_text(total(r.spent for r in rows)), mio_text(total(r.forecast for r in rows))))
    section.add(
        Table(
            T.by_focus_area,
            (Column(T.focus_area, width=2.5), Column(T.initiatives_count, True), Column(_mio_header(T.budget), True),
             Column(_mio_header(T.spent), True), Column(_mio_header(T.forecast), True)),
            tuple(table_rows),
        )
    )
    if used:
        budgets = tuple(_mio(total(r.budget for r in m)) for _, m in used)
        forecasts = tuple(_mio(total(r.forecast for r in m)) for _, m in used)
        over = [title for (title, _), b, f in zip(used, budgets, forecasts, strict=True) if f > b]
        parts = [T.chart_focus_detail.format(count=len(used))]
        if over:
            parts.append(T.chart_over_budget.format(titles=fmt.and_list(over[:10]) + ("…" if len(over) > 10 else "")))
        section.add(
            chart_block(
                ChartKind.BAR, T.chart_focus_title, T.chart_focus_alt.format(detail=" ".join([*parts, T.chart_numbers_below])),
                [title for title, _ in used],
                [Series(T.budget, budgets, "1F3A5F"), Series(T.forecast, forecasts, "7FA7D9")],
                category_header=T.focus_area, value_format=lambda v: fmt.number(v, 1), number_format="#,##0.0",
            )
        )


def _by_administration(doc: Document, rows: list[Row]) -> None:
    section = doc.section(T.by_administration)
    groups: dict[Administration | None, list[Row]] = {a: [] for a in ADMIN_ORDER}
    for row in rows:
        groups.setdefault(row.initiative.administration, []).append(row)
    used = [(a, m) for a, m in groups.items() if m]
    table_rows = []
    for admin, members in used:
        c = _light_counts([r.status.reported for r in members])
        table_rows.append(
            (T.admin_with_code.format(name=admin.label, code=admin.value) if admin else T.without_administration,
             fmt.number(len(members)), c["green"], c["yellow"], c["red"], c["none"],
             mio_text(total(r.budget for r in members)), mio_text(total(r.forecast for r in members)))
        )
    section.add(
        Table(
            T.by_administration_caption,
            (Column(T.administration, width=2.8), Column(T.initiatives_count, True, 1.1), Column(Light.GROEN.value, True, 0.85),
             Column(Light.GUL.value, True, 0.85), Column(Light.ROED.value, True, 0.85), Column(T.no_light, True, 1.1),
             Column(_mio_header(T.budget), True, 1.1), Column(_mio_header(T.forecast), True, 1.1)),
            tuple(table_rows),
        )
    )
    if used:
        categories = [a.value if a else T.without_administration for a, _ in used]
        series = [
            Series(light.value, tuple(float(sum(1 for r in m if r.status.reported is light)) for _, m in used), LIGHT_COLORS[light])
            for light in LIGHT_ORDER
        ]
        series.append(Series(T.no_light, tuple(float(sum(1 for r in m if r.status.reported is None)) for _, m in used), "9E9E9E"))
        detail = " ".join([T.chart_admin_detail.format(initiatives=len(rows), administrations=len(used)), T.chart_numbers_below])
        section.add(
            chart_block(
                ChartKind.STACKED_BAR, T.chart_admin_title, T.chart_admin_alt.format(detail=detail), categories, series,
                category_header=T.administration, value_format=fmt.number, number_format="0", integers=True,
            )
        )


def _over_time(doc: Document, snapshot: Snapshot, rows: list[Row], year: int) -> None:
    section = doc.section(T.lights_over_time)
    kids = snapshot.portfolio.children()
    by_year: dict[int, list[Light | None]] = {}
    for row in rows:
        entries: list[StatusEntry] = kids.statuses.get(row.initiative.id or -1, [])
        for status_year in sorted({s.year for s in entries if s.year is not None and s.year <= year}):
            entry = latest_status(entries, status_year)
            by_year.setdefault(status_year, []).append(entry.reported_light if entry else None)
    years = sorted(by_year)
    if not years:
        section.add(Paragraph(T.status_year_missing.format(year=year)))
        return
    series = [
        Series(light.value, tuple(float(by_year[y].count(light)) for y in years), LIGHT_COLORS[light]) for light in LIGHT_ORDER
    ]
    detail = " ".join([T.chart_time_detail.format(first=years[0], last=years[-1]), T.chart_numbers_below])
    section.add(
        chart_block(
            ChartKind.COLUMN, T.chart_time_title, T.chart_time_alt.format(detail=detail), [str(y) for y in years],
            series, category_header=T.year, value_format=fmt.number, number_format="0", integers=True,
        )
    )


def build_status(snapshot: Snapshot, report: CheckReport, *, year: int, previous: Snapshot | None = None) -> Document:
    """The annual "Status på implementering" of the snapshot's plan for ``year``."""
    plan = snapshot.plan
    rows = status_rows(snapshot, report, year)
    doc = Document(
        title=T.status_title.format(year=year, plan=plan.title), subtitle=plan_period(plan),
        cover_lines=cover_lines(snapshot), subject=plan.title, keywords=f"{plan.key}; {year}",
    )
    _indstilling(doc, snapshot, rows, year)
    _resume(doc, snapshot, rows, year)
    _by_focus_area(doc, snapshot, rows)
    _by_administration(doc, rows)
    _over_time(doc, snapshot, rows, year)
    add_changes(doc, snapshot, previous, year)
    areas = {a.id: a for a in snapshot.portfolio.focus_areas if a.id is not None}
    grouped = {g: [r for r in rows if progress_of(r.status.phase, r.status.entry) is g] for g in Progress}
    for title, members, empty in (
        (T.running.format(count=fmt.number(len(grouped[Progress.RUNNING]))), grouped[Progress.RUNNING], T.none_running),
        (T.not_started.format(count=fmt.number(len(grouped[Progress.NOT_STARTED]))), grouped[Progress.NOT_STARTED],
         T.none_not_started),
        (T.completed.format(count=fmt.number(len(grouped[Progress.COMPLETED]))), grouped[Progress.COMPLETED],
         T.none_completed),
    ):
        section = doc.section(title)
        if not members:
            section.add(Paragraph(empty))
        for row in members:
            areas_text = ", ".join(focus_titles(row.initiative, areas)) or fmt.MISSING
            add_initiative(section, row, areas_text, plan_size=len(rows), on=snapshot.status_date)
            add_history(section.sections[-1], row.initiative, snapshot, year)
    add_portfolio(doc, snapshot, report, year)
    return doc
