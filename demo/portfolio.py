"""The demo's portfolio step: every larger IT project across plans and years, as the finance staff's workbook.

Writes ``out/porteføljeoversigt.xlsx`` from the synced portfolio through the same service as
``kksync report portfolio`` and shows what it answers: what the municipality spends on IT projects per
year, how they are doing, and which projects belong to no initiative; then publishes it to the
intranet library beside the documents. Demo only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from kksync.core import fmt
from kksync.documents.content.common import mio_text
from kksync.services.portfolio_report import publish_workbook, write_portfolio_workbook
from kksync.texts.portfolio import PF

if TYPE_CHECKING:
    from rich.console import Console

    from kksync.app import Runtime

__all__ = ["run"]


def run(runtime: Runtime, console: Console, out_dir: Path) -> Path:
    stamp = runtime.last_sync()
    made = write_portfolio_workbook(runtime.load_portfolio(), out_dir / "porteføljeoversigt.xlsx",
                                    governance=runtime.governance, synced_at=stamp.finished_at if stamp else None)
    overview = made.overview
    table = Table(title=f"{PF.workbook_title} (mindst {fmt.mio(overview.threshold_kr)})", title_justify="left")
    for header in (PF.col_year, PF.col_projects, PF.col_red, PF.col_yellow, PF.col_unlinked, "Budget (mio. kr.)",
                   "Forbrugt (mio. kr.)", "Forventet (mio. kr.)"):
        table.add_column(header, justify="right")
    for year, totals in overview.by_year():
        table.add_row(str(year), fmt.number(totals.projects), fmt.number(totals.red), fmt.number(totals.yellow),
                      fmt.number(totals.unlinked), mio_text(totals.budget), mio_text(totals.spent), mio_text(totals.forecast))
    console.print(table)
    for project, message in overview.unlinked:
        # a department's values are data, never rich markup
        console.print(Text.assemble((f"{PF.sheet_unlinked}: ", "yellow"), f"{project.key}: {message}"))
    sheets = ", ".join((PF.sheet_projects, PF.sheet_years, PF.sheet_admins, PF.sheet_plans, PF.sheet_unlinked, PF.sheet_about))
    console.print(Text(f"Regnearket: {made.path} ({sheets})."))
    state, url = publish_workbook(runtime.client, made, site_url=runtime.settings.site_url)
    console.print(Text(PF.published.format(url=url, state=state)))
    assert made.path is not None
    return made.path
