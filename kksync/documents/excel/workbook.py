"""The portfolio workbook: every larger IT project per year, and the totals the finance staff ask for.

Sheets: «Projekter» (one row per project and year), «Pr. år», «Pr. forvaltning», «Pr. plan» (the totals;
a plan's row for a year equals the status document's portfolio section), «Uden initiativ» (the projects
the rule PORT-PROJECT-UNLINKED flags) and «Om oversigten» (what the numbers are). Years are never added
up: a project stands in every year of its plan's period. Same overview and sync time → same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from openpyxl import Workbook

from kksync.checks.portfolio_overview import PortfolioOverview, ProjectYear, Totals
from kksync.core import fmt
from kksync.core.model import Administration, Light, Person
from kksync.documents.content.common import person_text
from kksync.documents.content.portfolio_columns import portfolio_columns
from kksync.documents.excel.sheets import Cell, Kind, SheetColumn, add_table_sheet
from kksync.texts.portfolio import PF

__all__ = ["XLSX_CONTENT_TYPE", "portfolio_workbook"]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _light(light: Light | None) -> str | None:
    return light.value if light is not None else None


def _person(value: Person | None) -> str | None:
    return person_text(value) if value is not None else None


def _note(row: ProjectYear) -> str | None:
    if row.unlinked is not None:
        return row.unlinked
    if row.shared_with is not None:
        return PF.shared_row.format(key=row.shared_with)
    if row.status is None:
        return PF.no_status
    return None


_C = portfolio_columns()
_PROJECT_COLUMNS = (
    SheetColumn(PF.col_year, Kind.YEAR, 7), SheetColumn(_C.project_key, Kind.TEXT, 14), SheetColumn(_C.project_title, Kind.TEXT, 34),
    SheetColumn(PF.col_administration, Kind.TEXT, 12), SheetColumn(PF.col_plan, Kind.TEXT, 16),
    SheetColumn(PF.col_initiative_key, Kind.TEXT, 12), SheetColumn(PF.col_initiative, Kind.TEXT, 34),
    SheetColumn(PF.col_phase, Kind.TEXT, 14), SheetColumn(PF.col_cost, Kind.LIGHT, 10),
    SheetColumn(PF.col_schedule, Kind.LIGHT, 10), SheetColumn(PF.col_benefit, Kind.LIGHT, 12),
    SheetColumn(PF.col_nonfinancial, Kind.LIGHT, 14), SheetColumn(PF.col_overall, Kind.LIGHT, 11),
    SheetColumn(PF.col_computed, Kind.LIGHT, 11), SheetColumn(_C.total_cost, Kind.AMOUNT, 16),
    SheetColumn(_C.budget, Kind.AMOUNT, 16), SheetColumn(_C.spent, Kind.AMOUNT, 16),
    SheetColumn(_C.forecast, Kind.AMOUNT, 16), SheetColumn(PF.col_deviation, Kind.AMOUNT, 14),
    SheetColumn(_C.owner, Kind.TEXT, 22), SheetColumn(_C.manager, Kind.TEXT, 22),
    SheetColumn(PF.col_note, Kind.TEXT, 50),
)

_TOTAL_COLUMNS = (
    SheetColumn(PF.col_projects, Kind.COUNT, 10), SheetColumn(PF.col_green, Kind.COUNT, 8),
    SheetColumn(PF.col_yellow, Kind.COUNT, 8), SheetColumn(PF.col_red, Kind.COUNT, 8),
    SheetColumn(PF.col_no_light, Kind.COUNT, 10), SheetColumn(PF.col_shared, Kind.COUNT, 12),
    SheetColumn(PF.col_computed_red, Kind.COUNT, 10),
    SheetColumn(PF.col_unlinked, Kind.COUNT, 10), SheetColumn(_C.total_cost, Kind.AMOUNT, 16), SheetColumn(_C.budget, Kind.AMOUNT, 16),
    SheetColumn(_C.spent, Kind.AMOUNT, 16), SheetColumn(_C.forecast, Kind.AMOUNT, 16),
    SheetColumn(PF.col_deviation, Kind.AMOUNT, 14),
)


def _project_row(row: ProjectYear) -> tuple[Cell, ...]:
    ini, plan = row.initiative, row.plan
    return (
        row.year, row.project.key, row.project.title, row.administration.value if row.administration else None,
        plan.key if plan else PF.no_plan, ini.key if ini else None, ini.title if ini else None,
        row.phase.value if row.phase else None, _light(row.cost_light), _light(row.schedule_light),
        _light(row.benefit_light), _light(row.nonfinancial_light), _light(row.overall_light), _light(row.computed),
        row.project.total_cost, row.budget, row.spent, row.forecast, row.deviation,
        _person(row.owner), _person(row.manager), _note(row),
    )


def _totals(t: Totals) -> tuple[Cell, ...]:
    return (t.projects, t.green, t.yellow, t.red, t.no_light, t.shared, t.computed_red, t.unlinked, t.total_cost, t.budget, t.spent, t.forecast,
            t.deviation)


def _admin_name(admin: Administration | None) -> str:
    return f"{admin.label} ({admin.value})" if admin is not None else fmt.MISSING


def _build(overview: PortfolioOverview, synced_at: datetime | None) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    limit = fmt.mio(overview.threshold_kr)
    add_table_sheet(workbook, PF.sheet_projects, "Projekter", _PROJECT_COLUMNS,
                    [_project_row(r) for r in overview.rows], empty=PF.none, freeze="D2", fit_width=False)
    add_table_sheet(workbook, PF.sheet_years, "PrAar", (SheetColumn(PF.col_year, Kind.YEAR, 7), *_TOTAL_COLUMNS),
                    [(year, *_totals(t)) for year, t in overview.by_year()], empty=PF.none, freeze="B2")
    add_table_sheet(
        workbook, PF.sheet_admins, "PrForvaltning",
        (SheetColumn(PF.col_year, Kind.YEAR, 7), SheetColumn(PF.col_administration, Kind.TEXT, 44), *_TOTAL_COLUMNS),
        [(year, _admin_name(a), *_totals(t)) for year in overview.years for a, t in overview.by_administration(year)],
        empty=PF.none, freeze="C2",
    )
    add_table_sheet(
        workbook, PF.sheet_plans, "PrPlan",
        (SheetColumn(PF.col_year, Kind.YEAR, 7), SheetColumn(PF.col_plan, Kind.TEXT, 16),
         SheetColumn(PF.col_plan_title, Kind.TEXT, 40), *_TOTAL_COLUMNS),
        [(year, p.key if p else PF.no_plan, p.title if p else None, *_totals(t))
         for year in overview.years for p, t in overview.by_plan(year)],
        empty=PF.none, freeze="C2",
    )
    add_table_sheet(
        workbook, PF.sheet_unlinked, "UdenInitiativ",
        (SheetColumn(_C.project_key, Kind.TEXT, 14), SheetColumn(_C.project_title, Kind.TEXT, 34),
         SheetColumn(PF.col_administration, Kind.TEXT, 12), SheetColumn(_C.total_cost, Kind.AMOUNT, 16),
         SheetColumn(_C.manager, Kind.TEXT, 22), SheetColumn(PF.col_finding, Kind.TEXT, 90)),
        [(p.key, p.title, p.administration.value if p.administration else None, p.total_cost,
          _person(p.project_manager), message) for p, message in overview.unlinked],
        empty=PF.none, freeze="C2",
    )
    years = f"{overview.years[0]}–{overview.years[-1]}" if overview.years else PF.none
    about: list[tuple[Cell, ...]] = [
        (PF.about_title, PF.workbook_title),
        (PF.about_threshold, limit),
        (PF.about_source, PF.about_source_value.format(when=fmt.long_date(synced_at.date())) if synced_at
         else PF.about_source_unknown),
        (PF.about_years, years),
        (PF.about_amounts, PF.about_amounts_value),
        (PF.about_totals, PF.about_totals_value),
        (PF.about_unlinked, ", ".join(p.key for p, _ in overview.unlinked) or PF.none),
        (PF.about_without_cost, ", ".join(p.key for p in overview.without_cost) or PF.none),
        (PF.about_undated, ", ".join(p.key for p in overview.undated) or PF.none),
    ]
    add_table_sheet(workbook, PF.sheet_about, "OmOversigten",
                    (SheetColumn(PF.col_item, Kind.TEXT, 34), SheetColumn(PF.col_value, Kind.TEXT, 110)), about,
                    empty=PF.none)
    props = workbook.properties
    props.title = PF.workbook_title
    props.subject = PF.workbook_subject.format(limit=limit)
    props.keywords = PF.workbook_keywords
    props.language = "da-DK"
    props.creator = "kksync"
    props.lastModifiedBy = "kksync"
    stamp = (synced_at or _EPOCH).astimezone(UTC).replace(tzinfo=None, microsecond=0)
    props.created = props.modified = stamp
    workbook.active = 0
    return workbook


def _reproducible(data: bytes) -> bytes:
    """The same archive with fixed entry times (openpyxl stamps each entry with the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename), compresslevel=6)
    return out.getvalue()


def portfolio_workbook(overview: PortfolioOverview, *, synced_at: datetime | None = None) -> bytes:
    """The .xlsx bytes of the overview; ``synced_at`` (when the data was synced) dates the file."""
    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    # ExcelWriter, not Workbook.save: save() stamps "modified" with the clock, and the file would change
    # from one second to the next.
    ExcelWriter(_build(overview, synced_at), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _reproducible(buffer.getvalue())
