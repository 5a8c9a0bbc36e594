"""The ``kksync`` command line (typer + rich). Imports stay inside commands: ``kksync --help`` is instant."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from kksync.cli_render import err
from kksync.cli_render import progress as _progress
from kksync.errors import KksyncError, UnknownError

if TYPE_CHECKING:
    from kksync.app import Runtime

app = typer.Typer(help="kksync: handlingsplaner i SharePoint ⇄ kanonisk model, tjek og statusdokumenter.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
report_app = typer.Typer(help="Statusdokumenter i Word.", no_args_is_help=True)
app.add_typer(report_app, name="report")
console = Console()


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


@contextmanager
def _runtime() -> Iterator[Runtime]:
    from kksync.app import open_runtime

    with open_runtime() as runtime:
        yield runtime


@app.command()
def schema() -> None:
    """Vis listeskemaet, som det er afledt af den kanoniske model."""
    from kksync.core.schema import LISTS

    for lst in LISTS:
        table = Table(title=f"{lst.title} ({'bibliotek' if lst.library else 'liste'}) – {lst.description}", title_justify="left")
        for header in ("Internt navn", "Visningsnavn", "Type", "Påkrævet", "Indekseret", "Ejer", "Valg / opslag"):
            table.add_column(header)
        for col in lst.columns:
            table.add_row(col.name, col.title, col.kind.value, "ja" if col.required else "", "ja" if col.indexed else "",
                          "kksync" if col.bot else "forvaltning", col.lookup or ", ".join(col.choices)[:60])
        console.print(table)


@app.command()
def provision() -> None:
    """Opret eller opdatér sitets lister, kolonner og indeks ud fra skemaet (idempotent)."""
    from kksync.services.provision import provision as run

    with _runtime() as rt, _progress("Klargør lister") as progress:
        report = run(rt.client, progress=lambda name: progress(name, 0, 0))
    if report.changes == 0:
        console.print("[green]Sitet svarer allerede til skemaet – ingen ændringer.[/green]")
    else:
        console.print(f"Oprettet {len(report.created_lists)} lister og {len(report.created_fields)} kolonner; "
                      f"opdateret {len(report.updated_fields)} kolonner.")
    for line in report.drift:
        console.print(f"[yellow]Afvigelse:[/yellow] {line}")


@app.command()
def seed() -> None:
    """Fyld sitet med realistiske eksempeldata (strategi, planer, ~60 initiativer)."""
    from kksync.services.seed import seed as run

    with _runtime() as rt, _progress("Indlæser eksempeldata") as progress:
        result = run(rt.client, progress=progress)
    console.print(result)


@app.command()
def sync(full: Annotated[bool, typer.Option("--full", help="Læs alle lister helt (fuld afstemning).")] = False,
         no_write_back: Annotated[bool, typer.Option("--no-write-back", help="Skriv ikke tjekresultater tilbage.")] = False,
         lease_wait: Annotated[float, typer.Option("--lease-wait", min=0, help=(
             "Sekunder der højst ventes på en liste, som en anden kørsel synkroniserer."))] = 120) -> None:
    """Synkronisér listerne med den kanoniske model, tjek og skriv advarsler tilbage."""
    from kksync.services.leases import LeasePolicy

    with _runtime() as rt, _progress("Synkroniserer") as progress:
        leases = LeasePolicy(wait_seconds=lease_wait, on_wait=lambda text: console.print(f"[yellow]{text}[/yellow]"))
        outcome = rt.sync_service(leases=leases).sync(full=full, progress=progress, write_back=not no_write_back)
    table = Table(title="Synkronisering", title_justify="left")
    for header in ("Liste", "Måde", "Læst", "Nye", "Ændrede", "Slettede", "Kun kksync", "Skrevet", "Konflikter", "Kald"):
        table.add_column(header, justify="right" if header not in ("Liste", "Måde") else "left")
    for key, o in outcome.lists.items():
        n = o.stats
        table.add_row(key, "fuld" if o.mode == "full" else "ændringer", str(n.seen), str(n.added), str(n.updated),
                      str(n.deleted), str(n.bot_only), str(n.written), str(n.conflicts), str(o.requests))
    console.print(table)
    for note in outcome.notes:
        console.print(f"[yellow]Bemærk:[/yellow] {note}")
    console.print(f"{outcome.changed} ændringer indlæst, {outcome.writes} elementer opdateret, "
                  f"{outcome.requests} kald til SharePoint, mindst {outcome.resource_units} ressourceenheder.")


@app.command()
def check(plan: Annotated[str | None, typer.Option(help="Kun denne plan (nøgle).")] = None,
          fmt: Annotated[OutputFormat, typer.Option("--format", help="table eller json")] = OutputFormat.table) -> None:
    """Tjek planerne mod kravene før politisk behandling (fra den senest synkroniserede kopi)."""
    from kksync.cli_render import render_findings

    with _runtime() as rt:
        result = rt.check(plan)
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        render_findings(console, result)
    raise typer.Exit(1 if result.failing_gate else 0)


@app.command()
def snapshot(plan: Annotated[str, typer.Option(help="Planens nøgle")],
             status_date: Annotated[str | None, typer.Option("--date", help="Statusdato (ÅÅÅÅ-MM-DD); i dag hvis udeladt")] = None) -> None:
    """Fastfrys en plan pr. en statusdato (grundlag for reproducérbare statusdokumenter)."""
    day = date.fromisoformat(status_date) if status_date else date.today()
    with _runtime() as rt:
        snap = rt.freeze(plan, day)
    console.print(f"Øjebliksbillede af {plan} pr. {day.isoformat()} gemt ({len(snap.portfolio.initiatives)} initiativer, "
                  f"fingeraftryk {snap.digest()[:12]}).")


@app.command()
def diff(plan: Annotated[str, typer.Option(help="Planens nøgle")],
         old: Annotated[str, typer.Option("--from", help="Ældste statusdato")],
         new: Annotated[str, typer.Option("--to", help="Nyeste statusdato")]) -> None:
    """Hvad er ændret i en plan mellem to øjebliksbilleder?"""
    with _runtime() as rt:
        changes = rt.diff(plan, date.fromisoformat(old), date.fromisoformat(new))
    console.print(changes)


@app.command()
def subscribe(notification_url: Annotated[str | None, typer.Option("--notification-url",
                                                                     help="Webhook-adressen, fx https://<app>.azurewebsites.net/api/webhook")] = None) -> None:
    """Opret eller forny webhook-abonnementer på alle datalister (clientState fra KKSYNC_WEBHOOK_CLIENT_STATE)."""
    from kksync.services.subscriptions import WebhookTarget
    from kksync.services.subscriptions import subscribe as run

    with _runtime() as rt:
        target = WebhookTarget.from_settings(rt.settings, notification_url=notification_url)
        results = run(rt.client, rt.store, scope=rt.scope, target=target)
    table = Table(title="Webhook-abonnementer", title_justify="left")
    for header in ("Liste", "Handling", "Udløber"):
        table.add_column(header)
    for result in results:
        table.add_row(result.title, str(result.action), result.expiration.isoformat() if result.expiration else "")
    console.print(table)


@app.command()
def runs(limit: int = 10) -> None:
    """Vis de seneste synkroniseringer (historik)."""
    with _runtime() as rt:
        history = rt.store.runs(rt.scope, limit)
    table = Table(title="Seneste kørsler", title_justify="left")
    for header in ("Start", "Måde", "Ændringer", "Skrevet", "Kald", "Ressourceenheder", "Bemærkning"):
        table.add_column(header)
    for run in history:
        table.add_row(run.started_at.strftime("%Y-%m-%d %H:%M:%S"), run.mode, str(len(run.changes)), str(run.writes),
                      str(run.requests), str(run.resource_units), run.note[:60])
    console.print(table)


def main() -> None:
    """Entry point: friendly errors instead of tracebacks for what the user can fix."""
    try:
        from kksync.cli_reports import mount

        mount(report_app, app)
        app()
    except UnknownError as error:  # a plan key or date the user typed that kksync does not have
        err.print(f"[red]Findes ikke:[/red] {error}")
        sys.exit(2)
    except KksyncError as error:
        err.print(f"[red]Fejl:[/red] {error}")
        sys.exit(2)


if __name__ == "__main__":
    main()


