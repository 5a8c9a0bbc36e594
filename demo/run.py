"""``make demo``: the whole product on a local SharePoint, start to finish, in about a minute.

Starts the emulator on loopback, provisions the lists from the schema, seeds the sample plans,
syncs them into the canonical store, checks them and writes the warnings into the list items,
shows a department fixing something and the incremental sync that follows, freezes status
snapshots, writes the three Word documents into ./out and publishes them to the emulator's
intranet library. Every step goes through the same services as the CLI and the functions.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from demo.views import show as views_demo
from kksync.core import model as m

if TYPE_CHECKING:
    from kksync.checks.findings import CheckReport
    from kksync.services.runs import SyncStamp
    from sp_emulator import EmulatorServer

console = Console()
DEMO_DIR = Path(".kksync/demo")
OUT_DIR = Path("out")


def _step(title: str) -> None:
    console.rule(f"[bold blue]{title}")


def main() -> None:
    started = time.perf_counter()
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    DEMO_DIR.mkdir(parents=True)
    from sp_emulator import EmulatorServer

    with EmulatorServer(db_path=DEMO_DIR / "sharepoint.db", notification_delay=0.2) as sp:
        os.environ.update(KKSYNC_SITE_URL=sp.url, KKSYNC_AUTH="emulator", KKSYNC_STATE=str(DEMO_DIR / "state.db"))
        console.print(Panel(f"Lokal SharePoint kører på [bold]{sp.url}[/bold] (SQLite: {DEMO_DIR / 'sharepoint.db'})",
                            title="kksync demo"))
        from kksync.app import open_runtime
        from kksync.services.provision import provision
        from kksync.services.seed import DEPARTED_EMAIL, seed

        runtime = open_runtime()
        _step("1. Klargør lister ud fra den kanoniske model")
        report = provision(runtime.client)
        console.print(f"{len(report.created_lists)} lister/biblioteker og {len(report.created_fields)} kolonner oprettet.")
        console.print(f"{len(report.views_changed)} visninger og kolonneformateringer sat (demo/views.py viser dem).")
        again = provision(runtime.client)
        console.print(f"Anden kørsel: {again.changes} ændringer (idempotent).")

        _step("2. Eksempeldata: strategi, overgangsplan, fælles og lokale planer")
        # SharePoint Online's ensureuser takes a person's display name from Entra ID; the emulator's
        # directory learns the sample's employees by name first, so lists and documents show names.
        from kksync.sample import SAMPLE_USERS

        for person in SAMPLE_USERS:
            sp.add_user(str(person.email), str(person.name))
        console.print(str(seed(runtime.client)))
        # The sample's colleague who left: the account is deleted in Entra ID; the site keeps the user,
        # so only Microsoft Graph (the emulator's) tells the sync that the person is gone.
        sp.delete_account(DEPARTED_EMAIL)

        _step("3. Fuld synkronisering → kanonisk model, tjek og advarsler i listerne")
        service = runtime.sync_service()
        runtime.client.transport.reset_counts()
        outcome = service.sync(full=True)
        console.print(f"{outcome.changed} elementer læst, {outcome.writes} elementer fik advarsler skrevet tilbage, "
                      f"{outcome.requests} kald til SharePoint.")
        portfolio = service.load_portfolio()
        _summary(portfolio)
        report_ = service.check(portfolio)
        _readiness(portfolio, report_, runtime.last_sync())
        _list_items(sp)
        views_demo(sp, console)  # views and formatted columns as a department sees them (demo/views.py)

        _step("4. En forvaltning retter et initiativ – trinvis synkronisering")
        _department_fix(sp, portfolio)
        runtime.client.transport.reset_counts()
        outcome = service.sync()
        console.print(f"Trinvis: {outcome.changed} ændring(er) læst, {outcome.writes} element(er) opdateret, "
                      f"{outcome.requests} kald.")
        runtime.client.transport.reset_counts()
        outcome = service.sync()
        console.print(f"Igen uden ændringer: {outcome.writes} skrivninger, {outcome.requests} kald "
                      f"(højst ét pr. liste – egne skrivninger springes over).")

        _step("5. Øjebliksbilleder og statusdokumenter")
        for plan_key in ("FHP-2011-2012", "FHP-2013-2014"):
            runtime.freeze(plan_key, date(2011, 12, 31) if plan_key == "FHP-2011-2012" else date(2013, 12, 31))
            runtime.freeze(plan_key, date(2012, 12, 31) if plan_key == "FHP-2011-2012" else date(2014, 6, 30))
        table = Table(title="Dokumenter", title_justify="left")
        for header in ("Plan", "Dokument", "Fil", "Intranet"):
            table.add_column(header)
        for plan_key, year in (("FHP-2011-2012", 2012), ("FHP-2013-2014", 2014)):
            for generated in runtime.publish_documents(plan_key, year, out_dir=OUT_DIR):
                spec = generated.document.spec
                table.add_row(plan_key, spec.document_type.value, str(generated.path), f"{generated.published}")
        console.print(table)
        again_published = runtime.publish_documents("FHP-2011-2012", 2012, out_dir=OUT_DIR)
        console.print("Samme øjebliksbillede udgivet igen: " + ", ".join(g.published or "" for g in again_published))
        _step("5b. Porteføljen af større it-projekter som regneark til økonomimedarbejderne")
        from demo.portfolio import run as portfolio_workbook

        portfolio_workbook(runtime, console, OUT_DIR)

        from demo.proposals import run as budget_step

        _step("5c. Budgetprocessen: frister, forslag til investeringskataloget, planer der følger hinanden")
        budget_step(runtime, console, OUT_DIR)

        _step("5d. Budgetrammer: prioriteringen mod det bedste sæt inden for investeringsrammen")
        from demo.scenarios import run as budget_scenario

        budget_scenario(runtime, console, OUT_DIR)

        _step("6. Webhook: ændring → notifikation → kø → behandling → advarsler")
        from demo.webhooks import run as webhook_round_trip

        webhook_round_trip(sp, runtime, console)

        _step("7. En forvaltning retter sine egne initiativer – og afvises på andres")
        from demo.permissions import run as permissions_demo

        permissions_demo(console, DEMO_DIR, OUT_DIR)

        _step("8. Påmindelser før politisk behandling (mail via Microsoft Graph)")
        from demo.reminders import run as reminders

        reminders(sp, runtime, console)

        runtime.close()
    console.print(Panel(f"Færdig på {time.perf_counter() - started:.1f} s. Dokumenterne ligger i ./{OUT_DIR}.",
                        title="kksync demo", style="green"))


def _summary(portfolio: m.Portfolio) -> None:
    table = Table(title="Initiativer pr. forvaltning (læst tilbage gennem adapteren)", title_justify="left")
    for header in ("Forvaltning", "Initiativer", "Komplette", "Mangler", "Budget i alt (mio. kr.)"):
        table.add_column(header, justify="right" if header != "Forvaltning" else "left")
    funding: Counter[int] = Counter()
    for line in portfolio.funding_lines:
        if line.initiative_id and line.amount:
            funding[line.initiative_id] += int(line.amount)
    for admin in m.Administration:
        mine = [i for i in portfolio.initiatives if i.administration is admin]
        complete = sum(1 for i in mine if i.completeness is m.Completeness.KOMPLET)
        missing = sum(1 for i in mine if i.completeness is m.Completeness.MANGLER)
        total = sum(funding[i.id or 0] for i in mine) / 1_000_000
        table.add_row(f"{admin.value} {admin.label}", str(len(mine)), str(complete), str(missing),
                      f"{total:,.1f}".replace(",", "X").replace(".", ",").replace("X", "."))
    console.print(table)


def _readiness(portfolio: m.Portfolio, report: CheckReport, stamp: SyncStamp | None) -> None:
    from kksync.cli_render import render_findings
    from kksync.services.checking import check_report

    view = check_report(portfolio, report)
    view.findings = [f for f in view.findings if f.plan_key == "FHP-2013-2014"][:8]
    view.last_sync = stamp  # the sync just made: the check says which data it judged
    render_findings(console, view)


def _list_items(sp: EmulatorServer) -> None:
    from kksync.core.schema import list_schema

    schema = list_schema("initiatives")
    missing = schema.column(next(c.name for c in schema.bot_columns if c.attr == "missing"))
    status = next(c for c in schema.bot_columns if c.attr == "completeness")
    items = sp.items(schema.title)
    table = Table(title="Sådan ser forvaltningerne det i SharePoint-listen", title_justify="left")
    table.add_column("Initiativ")
    table.add_column(status.title)
    table.add_column(missing.title, overflow="fold")
    for item in sorted(items, key=lambda i: i["ID"])[:6]:
        table.add_row(f"{item.get('Title')}", str(item.get(status.name)), str(item.get(missing.name) or "")[:160])
    console.print(table)


def _department_fix(sp: EmulatorServer, portfolio: m.Portfolio) -> None:
    from kksync.core.schema import list_schema

    schema = list_schema("initiatives")
    joint = {p.id for p in portfolio.plans if p.kind is m.PlanKind.FAELLES}
    target = next(i for i in portfolio.initiatives if i.rank is None and i.plan_id in joint)
    rank_col = next(c for c in schema.columns if c.attr == "rank")
    taken = {i.rank for i in portfolio.initiatives if i.plan_id == target.plan_id and i.rank}
    new_rank = max(taken, default=0) + 1
    sp.edit_item(schema.title, target.id or 0, {rank_col.name: new_rank})
    console.print(f"En medarbejder giver «{target.title}» prioritet {new_rank} i SharePoint.")


if __name__ == "__main__":
    main()
