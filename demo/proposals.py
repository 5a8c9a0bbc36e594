"""The demo's budget step: the budget calendar, the proposal deadline as a finding, the proposals document,
and an initiative continued from 2011–2012 into 2013–2014 with its status history across both plans.

The deadline is shown "as of" a day in the spring of 2012 (an injected clock, as the tests use), because the
sample's budget years lie in the past. Demo only: nothing in the product imports this module.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from kksync.checks import check_portfolio
from kksync.checks.budget_calendar import upcoming_deadlines
from kksync.checks.budget_rules import PROPOSAL_CODES
from kksync.core import fmt
from kksync.core import model as m
from kksync.core.snapshots import snapshot_of
from kksync.documents.content.status_history import history_rows
from kksync.texts.proposals import MILESTONE_NAMES, days_left

if TYPE_CHECKING:
    from rich.console import Console

    from kksync.app import Runtime

__all__ = ["run"]

AS_OF = date(2012, 3, 1)
PLAN = "FHP-2013-2014"


def run(runtime: Runtime, console: Console, out_dir: Path) -> None:
    calendar = runtime.governance.budget_calendar
    table = Table(title=f"Budgetkalenderen set fra {fmt.long_date(AS_OF)} (governance-filen)", title_justify="left")
    for header in ("Budget", "Milepæl", "Dato", "Om"):
        table.add_column(header)
    for deadline in upcoming_deadlines(calendar, AS_OF, within_days=220):
        table.add_row(str(deadline.budget_year), MILESTONE_NAMES[deadline.milestone.value], fmt.long_date(deadline.day),
                      days_left(deadline.days_left))
    console.print(table)

    portfolio = runtime.load_portfolio()
    report = check_portfolio(portfolio, governance=runtime.governance, today=AS_OF,
                             now=datetime.combine(AS_OF, datetime.min.time(), UTC))
    flagged = [f for f in report.findings if f.rule in PROPOSAL_CODES]
    console.print(f"Tjek som af {fmt.long_date(AS_OF)}: {len(flagged)} forslag til investeringskataloget er ikke komplette "
                  "inden fristen:")
    for finding in flagged:  # department-typed text is data, never markup
        console.print(Text.assemble("  ", (finding.initiative_key or "", "yellow"),
                                    f" ({finding.severity.value}): {finding.message}"))

    # The same snapshot as step 5's documents (2014): the library keeps one proposals document, unchanged.
    generated = runtime.publish(runtime.generate(PLAN, m.DocumentType.PROPOSALS, year=2014, out_dir=out_dir))
    console.print(f"{generated.document.spec.title} → {generated.path} (intranet: {generated.published})")

    continued = next(i for i in portfolio.initiatives if i.continues_from_id is not None)
    snapshot = snapshot_of(portfolio, PLAN, date(2014, 6, 30))
    history = Table(title=f"{continued.key} {continued.title}: status på tværs af planer", title_justify="left")
    for header in ("Handlingsplan", "Initiativ", "Statusår", "Fase", "Rapporteret", "Fremdrift"):
        history.add_column(header)
    for row in history_rows(continued, snapshot, 2014):
        history.add_row(*(cell.replace("\u2060", "").replace("\u00a0", " ") for cell in row))
    console.print(history)
