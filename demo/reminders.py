"""The demo's reminder mails before political decision: who gets which digest, 14 and 3 days before.

Runs the same service as ``kksync remind`` and the timer against the demo's synced copy, with the
emulator's Microsoft Graph receiving the mails; the demo's governance adds a contact for two
administrations (the shipped file names none). Demo only: nothing in the product imports this module.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from kksync.app import build_mailer
from kksync.core.fmt import long_date
from kksync.core.model import Administration
from kksync.services.reminders import send_reminders

if TYPE_CHECKING:
    from rich.console import Console

    from kksync.app import Runtime
    from sp_emulator import EmulatorServer

__all__ = ["run"]

PLAN = "FHP-2013-2014"
SENDER = "it-strategi@kk.dk"
CONTACTS = {Administration.BUF: ("it-kontakt-buf@kk.dk",), Administration.TMF: ("it-kontakt-tmf@kk.dk",)}


def run(sp: EmulatorServer, runtime: Runtime, console: Console) -> None:
    sp.add_user(SENDER, "It-strategi (kksync)")
    governance = runtime.governance.model_copy(
        update={"reminders": runtime.governance.reminders.model_copy(update={"contacts": CONTACTS})})
    portfolio = runtime.load_portfolio()
    plan = portfolio.plan_by_key(PLAN)
    assert plan is not None and plan.decision_date is not None
    mailer = build_mailer(runtime.settings)

    def remind(days_before: int) -> Any:
        day = plan.decision_date - timedelta(days=days_before)  # type: ignore[operator]
        return day, send_reminders(portfolio, runtime.store, mailer, scope=runtime.scope, governance=governance,
                                   site_url=runtime.settings.site_url, sender=SENDER, today=day, owner="demo",
                                   clock=lambda: datetime(day.year, day.month, day.day, 6, tzinfo=UTC))

    console.print(f"«{plan.title}» forventes politisk behandlet {long_date(plan.decision_date)}; påmindelser "
                  f"{' og '.join(str(n) for n in governance.reminders.days_before)} dage før.")
    day, outcome = remind(14)
    table = Table(title=f"Påmindelser sendt {long_date(day)} (14 dage før) – som Microsoft Graph modtog dem",
                  title_justify="left")
    for header in ("Til", "Initiativer", "Dele (multipart/alternative)"):
        table.add_column(header)
    for message in sp.graph.messages():
        to = message["message"]["toRecipients"][0]["emailAddress"]["address"]
        result = next(r for r in outcome.results if r.address == to)
        parts = " + ".join(p for p, v in (("tekst", message.get("text")), ("HTML", message.get("html"))) if v)
        table.add_row(Text(to), str(result.initiatives), parts)
    console.print(table)
    first = next(m for m in sp.graph.messages() if "F13-" in (m.get("text") or ""))
    console.print(Text(f"Emne: {first['message']['subject']}", style="bold"))
    console.print(Text(first["text"].replace("\r\n", "\n")[:1200].rstrip() + "\n…", style="dim"))
    again = remind(14)[1]
    console.print(f"Samme dag igen (en genstart, eller en anden instans): {again.count('sent')} sendt – "
                  "ingen får den samme påmindelse to gange.")
    before = len(sp.graph.messages())
    day, outcome = remind(3)
    console.print(f"{long_date(day)} (3 dage før): {outcome.count('sent')} påmindelser sendt "
                  f"({len(sp.graph.messages()) - before} mails modtaget), højst én pr. person.")
