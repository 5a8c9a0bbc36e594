"""Builder of "Status på implementering": one plan, one status year (pure)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kksync.checks.findings import CheckReport
from kksync.core import fmt
from kksync.core.model import Administration, Initiative, Light, Milestone, StatusEntry
from kksync.core.snapshots import Snapshot, SnapshotDiff, diff_snapshots, latest_status
from kksync.documents.content.common import (
    ADMIN_ORDER,
    LIGHT_COLORS,
    LIGHT_ORDER,
    InitiativeStatus,
    admin_text,
    chart_block,
    cover_lines,
    focus_titles,
    initiative_name,
    initiative_status,
    label,
    light_text,
    ordered,
    person_text,
    sentence,
    total,
)
from kksync.documents.content.model import (
    BulletList,
    ChartKind,
    Column,
    Document,
    KeyValues,
    Paragraph,
    Section,
    Series,
    Table,
    rich_text_blocks,
)
from kksync.texts import T

__all__ = ["build_status"]


@dataclass(frozen=True, slots=True)
class _Row:
    initiative: Initiative
    status: InitiativeStatus

    @property
    def budget(self) -> Decimal | None:
        return self.status.entry.baseline_cost if self.status.entry else None

    @property
    def spent(self) -> Decimal | None:
        return self.status.entry.spent if self.status.entry else None

    @property
    def forecast(self) -> Decimal | None:
        return self.status.entry.forecast_cost if self.status.entry else None


def _light_counts(lights: list[Light | None]) -> dict[str, int]:
    counts = Counter(lights)
    return {"green": counts[Light.GROEN], "yellow": counts[Light.GUL], "red": counts[Light.ROED], "none": counts[None]}


def _mio_header(text: str) -> str:
    return f"{text} ({T.mio_kr})"


def _mio_text(value: Decimal | None) -> str:
    return fmt.number(value / Decimal(1_000_000), 1) if value is not None else T.missing


def _mio(value: Decimal | None) -> float:
    return float((value or Decimal(0)) / Decimal(1_000_000))


def _summary(doc: Document, snapshot: Snapshot, rows: list[_Row], year: int) -> None:
    section = doc.section(T.summary)
    section.add(
        Paragraph(
            sentence(T.summary_text.format(
                plan=snapshot.plan.title, count=fmt.number(len(rows)), year=year, date=fmt.long_date(snapshot.status_date),
                budget=fmt.kr(total(r.budget for r in rows)), spent=fmt.kr(total(r.spent for r in rows)),
                forecast=fmt.kr(total(r.forecast for r in rows)),
            ))
        ),
        Paragraph(T.summary_lights.format(**_light_counts([r.status.reported for r in rows]))),
        Paragraph(T.summary_computed.format(**_light_counts([r.status.computed for r in rows]))),
    )
    differs = sum(1 for r in rows if r.status.reported and r.status.computed and r.status.reported != r.status.computed)
    if differs:
        section.add(Paragraph(T.summary_differs.format(count=fmt.number(differs))))
    if not rows:
        section.add(Paragraph(T.no_initiatives))


def _by_focus_area(doc: Document, snapshot: Snapshot, rows: list[_Row]) -> None:
    section = doc.section(T.by_focus_area)
    areas = {a.id: a for a in snapshot.portfolio.focus_areas if a.id is not None}
    groups: dict[str, list[_Row]] = {a.title: [] for a in snapshot.portfolio.focus_areas}
    for row in rows:
        titles = focus_titles(row.initiative, areas) or [T.without_focus_area]
        for title in titles:
            groups.setdefault(title, []).append(row)
    used = [(title, members) for title, members in groups.items() if members]
    section.add(
        Table(
            T.by_focus_area,
            (Column(T.focus_area, width=2.5), Column(T.initiatives_count, True), Column(_mio_header(T.budget), True),
             Column(_mio_header(T.spent), True), Column(_mio_header(T.forecast), True)),
            tuple(
                (title, fmt.number(len(m)), _mio_text(total(r.budget for r in m)), _mio_text(total(r.spent for r in m)),
                 _mio_text(total(r.forecast for r in m)))
                for title, m in used
            ),
        )
    )
    if used:
        budgets = tuple(_mio(total(r.budget for r in m)) for _, m in used)
        forecasts = tuple(_mio(total(r.forecast for r in m)) for _, m in used)
        section.add(
            chart_block(
                ChartKind.BAR, T.chart_focus_title, T.chart_focus_alt.format(detail=_detail(used, budgets, forecasts)),
                [title for title, _ in used],
                [Series(T.budget, budgets, "1F3A5F"), Series(T.forecast, forecasts, "7FA7D9")],
                category_header=T.focus_area, value_format=lambda v: fmt.number(v, 1), number_format="#,##0.0",
            )
        )


def _detail(used: list[tuple[str, list[_Row]]], budgets: tuple[float, ...], forecasts: tuple[float, ...]) -> str:
    over = [title for (title, _), b, f in zip(used, budgets, forecasts, strict=True) if f > b]
    parts = [T.chart_focus_detail.format(count=len(used))]
    if over:
        parts.append(T.chart_over_budget.format(titles=", ".join(over[:10]) + ("…" if len(over) > 10 else "")))
    return " ".join([*parts, T.chart_numbers_below])


def _by_administration(doc: Document, rows: list[_Row]) -> None:
    section = doc.section(T.by_administration)
    groups: dict[Administration | None, list[_Row]] = {a: [] for a in ADMIN_ORDER}
    for row in rows:
        groups.setdefault(row.initiative.administration, []).append(row)
    used = [(a, m) for a, m in groups.items() if m]
    table_rows = []
    for admin, members in used:
        c = _light_counts([r.status.reported for r in members])
        table_rows.append(
            (admin.label if admin else T.without_administration, fmt.number(len(members)), fmt.number(c["green"]),
             fmt.number(c["yellow"]), fmt.number(c["red"]), fmt.number(c["none"]), _mio_text(total(r.budget for r in members)),
             _mio_text(total(r.forecast for r in members)))
        )
    section.add(
        Table(
            T.by_administration,
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


def _over_time(doc: Document, snapshot: Snapshot, rows: list[_Row], year: int) -> None:
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


def _changes(doc: Document, snapshot: Snapshot, previous: Snapshot | None) -> None:
    section = doc.section(T.changes)
    if previous is None:
        section.add(Paragraph(T.no_previous))
        return
    diff: SnapshotDiff = diff_snapshots(previous, snapshot)
    if diff.empty:
        section.add(Paragraph(T.no_changes.format(date=fmt.long_date(previous.status_date))))
        return
    section.add(Paragraph(T.changes_since.format(date=fmt.long_date(previous.status_date))))

    def name(ref: object) -> str:
        return f"{getattr(ref, 'key', '')} {getattr(ref, 'title', '')}".strip()

    groups: list[tuple[str, list[str]]] = [
        (T.added, [name(r) for r in diff.added]),
        (T.removed, [name(r) for r in diff.removed]),
        (T.closed, [name(r) for r in diff.closed]),
        (T.reranked, [T.rank_change.format(name=name(r), old=r.old_rank or T.unranked, new=r.new_rank or T.unranked)
                      for r in diff.reranked]),
        (T.refunded, [T.funding_change.format(name=name(r), old=fmt.kr(r.old_total), new=fmt.kr(r.new_total))
                      for r in diff.refunded]),
        (T.owner_changed, [T.owner_change.format(name=name(r), old=r.old_owner or T.missing, new=r.new_owner or T.missing)
                           for r in diff.owner_changed]),
        (T.status_changed, [
            T.status_change.format(
                name=name(r),
                old=f"{light_text(r.old_light)}, {r.old_phase.value if r.old_phase else T.missing}",
                new=f"{light_text(r.new_light)}, {r.new_phase.value if r.new_phase else T.missing}",
            )
            for r in diff.status_changed
        ]),
    ]
    for title, items in groups:
        if items:
            section.sub(title).add(BulletList(tuple(items)))


def _milestones(initiative: Initiative, milestones: list[Milestone]) -> Table | Paragraph:
    if not milestones:
        return Paragraph(T.no_milestones)
    ordered_ms = sorted(milestones, key=lambda m: (m.due is None, m.due or date.min, m.title, m.id or 0))
    return Table(
        f"{T.milestones}: {initiative_name(initiative)}",
        (Column(label("milestones", "title"), width=2.6), Column(label("milestones", "due"), width=1.3),
         Column(label("milestones", "completed_on"), width=1.3)),
        tuple((m.title, fmt.long_date(m.due), fmt.long_date(m.completed_on) if m.completed_on else "–") for m in ordered_ms),
    )


def _initiative(section: Section, row: _Row, areas_text: str, milestones: list[Milestone]) -> None:
    initiative, status = row.initiative, row.status
    rank = f"{initiative.rank}. " if initiative.rank is not None else ""
    sub = section.sub(f"{rank}{initiative_name(initiative)}")
    entry = status.entry
    sub.add(
        KeyValues((
            (label("initiatives", "administration"), admin_text(initiative.administration)),
            (label("initiatives", "focus_area_ids"), areas_text),
            (label("initiatives", "project_owner"), person_text(initiative.project_owner)),
            (label("statuses", "phase"), status.phase.value if status.phase else T.missing),
            (T.reported_light, light_text(status.reported)),
            (T.computed_light, light_text(status.computed)),
            (T.light_reason, status.reason or T.missing),
            (label("statuses", "progress"), fmt.percent(entry.progress if entry else None)),
            (T.budget, fmt.kr(row.budget)),
            (T.spent, fmt.kr(row.spent)),
            (T.forecast, fmt.kr(row.forecast)),
            (label("statuses", "baseline_end"), fmt.long_date(entry.baseline_end if entry else None)),
            (label("statuses", "forecast_end"), fmt.long_date(entry.forecast_end if entry else None)),
        ))
    )
    sub.add(Paragraph("", bold_lead=label("statuses", "comment")))
    sub.add(*rich_text_blocks(entry.comment if entry else None, missing=T.missing))
    sub.add(_milestones(initiative, milestones))


def build_status(snapshot: Snapshot, report: CheckReport, *, year: int, previous: Snapshot | None = None) -> Document:
    """The annual "Status på implementering" of the snapshot's plan for ``year``."""
    plan = snapshot.plan
    kids = snapshot.portfolio.children()
    rows = [
        _Row(i, initiative_status(i, kids.statuses.get(i.id or -1, []), report, year)) for i in ordered(snapshot.initiatives)
    ]
    doc = Document(
        title=T.status_title.format(year=year), subtitle=plan.title, cover_lines=cover_lines(snapshot),
        subject=plan.title, keywords=f"{plan.key}; {year}",
    )
    _summary(doc, snapshot, rows, year)
    _by_focus_area(doc, snapshot, rows)
    _by_administration(doc, rows)
    _over_time(doc, snapshot, rows, year)
    _changes(doc, snapshot, previous)
    section = doc.section(T.initiatives)
    if not rows:
        section.add(Paragraph(T.no_initiatives))
    areas = {a.id: a for a in snapshot.portfolio.focus_areas if a.id is not None}
    for row in rows:
        areas_text = ", ".join(focus_titles(row.initiative, areas)) or T.missing
        _initiative(section, row, areas_text, kids.milestones.get(row.initiative.id or -1, []))
    return doc
