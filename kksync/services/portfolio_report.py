"""The portfolio workbook from the synced portfolio: check, overview, .xlsx (CLI and demo).

The whole site is checked "as of" the sync it came from, so the computed lights and the flags on
projects without an initiative are those of the data, not of the day the workbook is written, and the
same sync gives the same bytes.
"""

from __future__ import annotations

import hashlib
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
    from kksync.services.ports import SharePointFiles

__all__ = ["PortfolioWorkbook", "portfolio_workbook_of", "publish_workbook", "workbook_file_name",
           "write_portfolio_workbook"]


@dataclass(frozen=True, slots=True)
class PortfolioWorkbook:
    overview: PortfolioOverview
    data: bytes
    path: Path | None = None
    year: int | None = None
    synced_at: datetime | None = None

    @property
    def digest(self) -> str:
        """sha256 of the bytes: the same sync gives the same workbook, so the same digest."""
        return hashlib.sha256(self.data).hexdigest()


def workbook_file_name(year: int | None) -> str:
    """The library's file name: one workbook for all years, one per single year."""
    return f"Portefoeljeoversigt_{year if year is not None else 'alle-aar'}.xlsx"


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
    return PortfolioWorkbook(overview, portfolio_workbook(overview, synced_at=synced_at), year=year, synced_at=synced_at)


def write_portfolio_workbook(portfolio: Portfolio, out: Path, *, governance: Governance | None,
                             synced_at: datetime | None, year: int | None = None) -> PortfolioWorkbook:
    """Write the workbook to ``out`` (a new file next to it first, then renamed: never half a workbook)."""
    made = portfolio_workbook_of(portfolio, governance=governance, synced_at=synced_at, year=year)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.tmp")
    partial.write_bytes(made.data)
    partial.replace(out)
    return PortfolioWorkbook(made.overview, made.data, out, made.year, made.synced_at)


def publish_workbook(files: SharePointFiles, made: PortfolioWorkbook, *, site_url: str) -> tuple[str, str]:
    """Upload to the intranet's publications library, as the documents are: ``(state, server-relative url)``.

    The library item records the workbook's digest; the same workbook again creates no new version.
    """
    from kksync.core import model as m
    from kksync.core.mapping import to_payload
    from kksync.errors import NotFoundError
    from kksync.services.publishing import PUBLICATIONS, library_url

    name = workbook_file_name(made.year)
    library = files.list_info(PUBLICATIONS.title)
    server_url = f"{library_url(site_url)}/{name}"
    hash_column = next(c for c in PUBLICATIONS.columns if c.attr == "snapshot_hash")
    try:
        existing: dict[str, object] | None = files.file_item(server_url)
    except NotFoundError:
        existing = None
    if existing and existing.get(hash_column.name) == made.digest:
        return PF.published_unchanged, server_url
    uploaded = files.upload_file(PUBLICATIONS.title, name, made.data)
    record = m.Publication(title=PF.workbook_title, year=made.year, snapshot_hash=made.digest,
                           status_date=made.synced_at.date() if made.synced_at else None)
    files.set_file_fields(uploaded["ServerRelativeUrl"], library.entity_type, to_payload(record, columns=list(PUBLICATIONS.columns)))
    return PF.published_version.format(version=uploaded.get("UIVersionLabel") or "1.0"), uploaded["ServerRelativeUrl"]
