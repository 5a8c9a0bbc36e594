"""The status document's section on the larger IT projects of the plan's initiatives (pure).

The same overview (``kksync.checks.portfolio_overview``) makes the portfolio workbook, so the section's
totals are the workbook's totals for the plan and the year ("Pr. plan").
"""

from __future__ import annotations

from decimal import Decimal

from kksync.checks.findings import CheckReport
from kksync.checks.portfolio_overview import ProjectYear, Totals, portfolio_overview
from kksync.core import fmt
from kksync.core.model import Administration, Light
from kksync.core.snapshots import Snapshot
from kksync.documents.content.common import ADMIN_ORDER, light_text, mio_text, person_text
from kksync.documents.content.model import Column, Document, Paragraph, Section, Table
from kksync.documents.content.portfolio_columns import portfolio_columns
from kksync.texts import T
from kksync.texts.portfolio import PF

__all__ = ["add_portfolio", "plan_portfolio_rows"]


def _mio_header(text: str) -> str:
    return f"{text.removesuffix(' (kr.)')} ({T.mio_kr})"


def plan_portfolio_rows(snapshot: Snapshot, report: CheckReport, year: int) -> list[ProjectYear]:
    """The plan's larger IT projects in ``year``, as the portfolio overview has them."""
    lights = {iid: light.light for iid, light in report.lights.items()}
    overview = portfolio_overview(snapshot.portfolio, threshold_kr=report.portfolio_threshold_kr, lights=lights,
                                  years=[year])
    return overview.rows_of(year, plan_id=snapshot.plan.id)


def _project(row: ProjectYear) -> str:
    return f"{row.project.key} {row.project.title}".strip()


def _amount(row: ProjectYear, value: Decimal | None) -> str:
    return PF.shared_cell.format(key=row.shared_with) if row.shared_with is not None else mio_text(value)


def _computed(light: Light | None) -> str:
    return light_text(light) if light is not None else T.not_computed


def add_portfolio(doc: Document, snapshot: Snapshot, report: CheckReport, year: int) -> None:
    section = doc.section(PF.section)
    rows = plan_portfolio_rows(snapshot, report, year)
    limit = fmt.mio(Decimal(str(report.portfolio_threshold_kr)))
    totals = Totals.of(rows)
    if not rows:
        section.add(Paragraph(PF.lead_none.format(limit=limit, year=year)))
    else:
        section.add(
            Paragraph(PF.lead.format(limit=limit, count=fmt.number(len(rows)), year=year)),
            Paragraph(PF.economy_none.format(year=year) if totals.budget is totals.spent is totals.forecast is None
                      else PF.economy.format(budget=fmt.mio(totals.budget), spent=fmt.mio(totals.spent),
                                             forecast=fmt.mio(totals.forecast))),
            Paragraph(PF.lights.format(green=fmt.number(totals.green), yellow=fmt.number(totals.yellow),
                                       red=fmt.number(totals.red), none=fmt.number(totals.no_light))),
        )
        shared = sum(1 for r in rows if r.shared_with is not None)
        if shared:
            section.add(Paragraph(PF.shared_note.format(count=fmt.number(shared))))
        _tables(section, rows, totals, year)
    own_ids = {i.id for i in snapshot.initiatives}
    without_cost = [p for p in snapshot.portfolio.it_projects if p.total_cost is None and p.initiative_id in own_ids]
    if without_cost:
        section.add(Paragraph(PF.without_cost_note.format(
            count=fmt.number(len(without_cost)), keys=fmt.and_list(sorted(p.key for p in without_cost)))))
    section.add(Paragraph(PF.elsewhere_note))


def _tables(section: Section, rows: list[ProjectYear], totals: Totals, year: int) -> None:
    add = section.add
    cols = portfolio_columns()
    add(Table(
        PF.measures_caption.format(year=year),
        (Column(PF.project, width=2.4), Column(PF.initiative, width=1.1), Column(PF.col_cost), Column(PF.col_schedule),
         Column(PF.col_benefit, width=1.2), Column(PF.col_nonfinancial, width=1.3), Column(PF.col_overall),
         Column(PF.col_computed)),
        tuple(
            (_project(r), r.initiative.key if r.initiative else fmt.MISSING,
             *((PF.shared_cell.format(key=r.shared_with),) * 6 if r.shared_with is not None else (
                 light_text(r.cost_light), light_text(r.schedule_light), light_text(r.benefit_light),
                 light_text(r.nonfinancial_light), light_text(r.overall_light), _computed(r.computed))))
            for r in rows
        ),
    ))
    add(Table(
        PF.economy_caption.format(year=year),
        (Column(PF.project, width=2.4), Column(T.administration, width=1.0),
         Column(_mio_header(cols.total_cost), True), Column(_mio_header(T.budget), True),
         Column(_mio_header(T.spent), True), Column(_mio_header(T.forecast), True),
         Column(cols.owner, width=1.3), Column(cols.manager, width=1.3)),
        (*(
            (_project(r), r.administration.value if r.administration else fmt.MISSING, mio_text(r.project.total_cost),
             _amount(r, r.budget), _amount(r, r.spent), _amount(r, r.forecast), person_text(r.owner),
             person_text(r.manager))
            for r in rows
        ), (T.total, "", mio_text(totals.total_cost), mio_text(totals.budget), mio_text(totals.spent),
            mio_text(totals.forecast), "", "")),
    ))
    groups: dict[Administration | None, list[ProjectYear]] = {a: [] for a in ADMIN_ORDER}
    for row in rows:
        groups.setdefault(row.administration, []).append(row)
    admin_rows = []
    for admin, members in groups.items():
        if not members:
            continue
        t = Totals.of(members)
        admin_rows.append((admin.value if admin else fmt.MISSING, fmt.number(t.projects), fmt.number(t.green), fmt.number(t.yellow), fmt.number(t.red),
                           mio_text(t.budget), mio_text(t.spent), mio_text(t.forecast)))
    admin_rows.append((T.total, fmt.number(totals.projects), fmt.number(totals.green), fmt.number(totals.yellow),
                       fmt.number(totals.red), mio_text(totals.budget), mio_text(totals.spent), mio_text(totals.forecast)))
    add(Table(
        PF.admin_caption.format(year=year),
        (Column(T.administration, width=1.4), Column(PF.col_projects, True), Column(PF.col_green, True),
         Column(PF.col_yellow, True), Column(PF.col_red, True), Column(_mio_header(T.budget), True),
         Column(_mio_header(T.spent), True), Column(_mio_header(T.forecast), True)),
        tuple(admin_rows),
    ))
