"""The portfolio workbook from the synced portfolio: check, overview, .xlsx (CLI and demo).

The whole site is checked "as of" the sync it came from, so the computed lights and the flags on
projects without an initiative are those of the data, not of the day the workbook is written, and the
same sync gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kksync.errors import UnknownError
from kksync.texts.portfolio import PF

if TYPE_CHECKING:
    from kksync.checks.governance import Governance
    from kksync.checks.portfolio_overview import PortfolioOverview
    from kksync.core.model import Portfolio

__all__ = ["PortfolioWorkbook", "portfolio_workbook_of", "write_portfolio_workbook"]


@dataclass(frozen=True, slots=True)
class PortfolioWorkbook:
    overview: PortfolioOverview
    data: bytes
    path: Path | None = None


def portfolio_workbook_of(portfolio: Portfolio, *, governance: Governance | None, synced_at: datetime | None,
                          year: int | None = None) -> PortfolioWorkbook:
    """The workbook of every larger IT project (of ``year``, or of every year)."""
    from kksync.checks import check_portfolio, load_governance
    from kksync.checks.portfolio_overview import portfolio_overview
    from kksync.documents.excel import portfolio_workbook

    gov = governance or load_governance()
    as_of = synced_at or datetime.now(UTC)
    report = check_portfolio(portfolio, governance=gov, today=as_of.date(), now=as_of)
    lights = {iid: light.light for iid, light in report.lights.items()}
    threshold = gov.thresholds.portfolio_threshold_kr
    overview = portfolio_overview(portfolio, threshold_kr=threshold, lights=lights)
    if year is not None:
        if year not in overview.years:
            known = ", ".join(str(y) for y in overview.years) or PF.none
            raise UnknownError(PF.year_unknown.format(year=year, years=known))
        overview = portfolio_overview(portfolio, threshold_kr=threshold, lights=lights, years=[year])
    return PortfolioWorkbook(overview, portfolio_workbook(overview, synced_at=synced_at))


def write_portfolio_workbook(portfolio: Portfolio, out: Path, *, governance: Governance | None,
                             synced_at: datetime | None, year: int | None = None) -> PortfolioWorkbook:
    """Write the workbook to ``out`` (a new file next to it first, then renamed: never half a workbook)."""
    made = portfolio_workbook_of(portfolio, governance=governance, synced_at=synced_at, year=year)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.tmp")
    partial.write_bytes(made.data)
    partial.replace(out)
    return PortfolioWorkbook(made.overview, made.data, out)
