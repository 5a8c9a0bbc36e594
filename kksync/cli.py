"""The ``kksync`` command line (typer + rich). Imports stay inside commands: ``kksync --help`` is instant.

Every command runs inside ``KksyncGroup`` (``kksync.cli_errors``): one error path, Danish messages,
documented exit codes. Output goes through ``kksync.cli_output`` (data is never read as markup).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from kksync.cli_errors import ExitCode, KksyncGroup, configure_logging
from kksync.cli_output import (
    OPTIONS,
    FormatOpt,
    OutputFormat,
    add_row,
    clean,
    emit_json,
    err,
    make_table,
    out,
    say,
    styled,
    warn,
)
from kksync.cli_runtime import runtime
from kksync.texts.cli import HELP, cli_text, plural

if TYPE_CHECKING:
    pass

app = typer.Typer(help=HELP["app"], no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  add_completion=False, cls=KksyncGroup)
report_app = typer.Typer(help=HELP["report"], no_args_is_help=True, rich_markup_mode=None)
app.add_typer(report_app, name="report")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("kksync")
        except PackageNotFoundError:
            number = "ukendt (ikke installeret)"
        say(cli_text("version", version=number))
        raise typer.Exit(0)


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help=HELP["debug"])] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help=HELP["verbose"])] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=HELP["quiet"])] = False,
    version: Annotated[bool, typer.Option("--version", help=HELP["version"], callback=_version, is_eager=True)] = False,
) -> None:
    """kksync: handlingsplaner i SharePoint ⇄ kanonisk model, tjek og statusdokumenter."""
    OPTIONS.debug, OPTIONS.verbose, OPTIONS.quiet = debug, verbose and not quiet, quiet
    configure_logging(debug=debug, verbose=OPTIONS.verbose)
    from kksync.settings import unknown_settings

    for warning in unknown_settings():
        warn("", warning)


def _now() -> datetime:
    return datetime.now(UTC)


# --- the site ---------------------------------------------------------------------------------------

@app.command()
def schema(fmt: FormatOpt = OutputFormat.table) -> None:
    """Vis listeskemaet, som det er afledt af den kanoniske model."""
    from kksync.core.schema import LISTS

    if fmt is OutputFormat.json:
        emit_json({"lists": [{"title": s.title, "key": s.key, "library": s.library, "description": s.description,
                              "columns": [{"name": c.name, "title": c.title, "kind": c.kind.value, "required": c.required,
                                           "indexed": c.indexed, "owner": "kksync" if c.bot else "forvaltning",
                                           "choices": list(c.choices), "lookup": c.lookup} for c in s.columns]}
                             for s in LISTS]})
        return
    for lst in LISTS:
        table = make_table(f"{lst.title} ({'bibliotek' if lst.library else 'liste'}) – {lst.description}",
                           ["Internt navn", "Visningsnavn", "Type", "Påkrævet", "Indekseret", "Ejer", "Valg / opslag"])
        for col in lst.columns:
            add_row(table, col.name, col.title, col.kind.value, "ja" if col.required else "", "ja" if col.indexed else "",
                          "kksync" if col.bot else "forvaltning", col.lookup or clean(", ".join(col.choices), 60))
        out.print(table)


@app.command()
def provision() -> None:
    """Opret eller opdatér sitets lister, kolonner og indeks ud fra skemaet (idempotent)."""
    from kksync.cli_render import progress
    from kksync.services.provision import provision as run

    with runtime() as rt, progress("Klargør lister") as step:
        result = run(rt.client, progress=lambda name: step(name, 0, 0))
    if result.changes == 0:
        say(styled(cli_text("provision_none"), "green"))
    else:
        say(cli_text("provision_done", lists=plural(len(result.created_lists), "liste"),
                     fields=plural(len(result.created_fields), "kolonne"),
                     updated=plural(len(result.updated_fields), "kolonne")))
    for line in result.views_changed:
        say(clean(line, 1000))
    for line in result.drift:
        say(styled(cli_text("drift"), "yellow"), clean(line, 1000))


@app.command()
def seed() -> None:
    """Fyld sitet med realistiske eksempeldata (strategi, planer, ~60 initiativer)."""
    from kksync.cli_render import progress
    from kksync.services.seed import seed as run

    with runtime() as rt, progress("Indlæser eksempeldata") as step:
        from kksync.services.seed_folders import FolderPlacement  # items in their administration's folder

        result = run(rt.client, progress=step,
                     placement=FolderPlacement(rt.client.permissions) if rt.settings.permissions_enabled else None)
        site = rt.settings.site_url
    if result.skipped:
        say(str(result))
        return
    items = ", ".join(cli_text("seed_list", title=key, count=plural(n, "element")) for key, n in result.created.items())
    say(cli_text("seed_done", site=site, items=items))


@app.command()
def sync(full: Annotated[bool, typer.Option("--full", help=HELP["full"])] = False,
         no_write_back: Annotated[bool, typer.Option("--no-write-back", help=HELP["no_write_back"])] = False,
         lease_wait: Annotated[float, typer.Option("--lease-wait", metavar="SEKUNDER", min=0, max=3600, help=HELP["lease_wait"])] = 120,
         fmt: FormatOpt = OutputFormat.table) -> None:
    """Synkronisér listerne med den kanoniske model, tjek og skriv advarsler tilbage.

    Afslutter med 5, hvis SharePoint afviste tilbageskrivninger (de forsøges igen næste gang), og 6, hvis en
    anden synkronisering allerede kører.
    """
    from kksync.cli_json import SyncOut, dump, head
    from kksync.cli_render import progress, render_sync
    from kksync.cli_views import sync_run
    from kksync.services.leases import LeasePolicy

    with runtime() as rt, progress("Synkroniserer") as step:
        leases = LeasePolicy(wait_seconds=lease_wait, on_wait=lambda text: warn("", text))
        outcome = rt.sync_service(leases=leases).sync(full=full, progress=step, write_back=not no_write_back,
                                                      exclusive=True)
        run = sync_run(outcome, rt.store.runs(rt.scope, 5))
        stamp = rt.last_sync()
    if fmt is OutputFormat.json:
        emit_json(dump(SyncOut(**head("sync", stamp, _now()), run=run)))
    else:
        render_sync(out, run, outcome.notes, [f.line() for f in outcome.failures])
    if outcome.partial:
        raise typer.Exit(ExitCode.PARTIAL)


@app.command()
def check(plan: Annotated[str | None, typer.Option("--plan", metavar="NØGLE", help=HELP["plan_filter"])] = None,
          fmt: FormatOpt = OutputFormat.table,
          max_age: Annotated[float, typer.Option("--max-age", metavar="TIMER", min=0, help=HELP["max_age"])] = 72) -> None:
    """Tjek planerne mod kravene før politisk behandling (fra den senest synkroniserede kopi).

    Afslutter med 1, når en plan markeret klar til politisk behandling ikke opfylder kravene, og med 4, når
    der ingen synkroniserede data er, eller de er ældre end --max-age.
    """
    from kksync.cli_json import dump
    from kksync.cli_render import render_check
    from kksync.cli_views import check_out

    with runtime(create_state=False) as rt:
        view = rt.check(plan, max_age=timedelta(hours=max_age) if max_age else None)
    doc = check_out(view, now=_now())
    if fmt is OutputFormat.json:
        emit_json(dump(doc))
    else:
        render_check(out, doc)
    raise typer.Exit(ExitCode.GATE_FAILED if doc.verdict == "failed" else ExitCode.OK)


@app.command()
def subscribe(notification_url: Annotated[str | None, typer.Option("--notification-url", metavar="URL",
                                                                     help=HELP["notification_url"])] = None) -> None:
    """Opret eller forny webhook-abonnementer på alle datalister (clientState fra KKSYNC_WEBHOOK_CLIENT_STATE)."""
    from kksync.cli_output import fmt_time
    from kksync.services.subscriptions import subscribe as run

    actions = {"created": "oprettet", "renewed": "fornyet", "adopted": "overtaget", "kept": "uændret", "deleted": "slettet"}
    with runtime() as rt:
        target = rt.webhook_target(notification_url)
        results = run(rt.client, rt.store, scope=rt.scope, target=target)
    table = make_table("Webhook-abonnementer", ["Liste", "Handling", "Udløber"])
    for result in results:
        add_row(table, clean(result.title), actions.get(result.action, result.action), fmt_time(result.expiration))
    out.print(table)


@app.command()
def runs(limit: Annotated[int, typer.Option("--limit", metavar="ANTAL", min=1, max=1000, help=HELP["limit"])] = 10,
         fmt: FormatOpt = OutputFormat.table) -> None:
    """Vis de seneste synkroniseringer (historik), også dem der fejlede eller kun delvist lykkedes."""
    from kksync.cli_json import RunsOut, dump, head
    from kksync.cli_render import render_runs
    from kksync.cli_views import run_out

    with runtime(create_state=False) as rt:
        history = [run_out(r) for r in rt.store.runs(rt.scope, limit)]
        stamp, site = rt.last_sync(), rt.settings.site_url
    if fmt is OutputFormat.json:
        emit_json(dump(RunsOut(**head("runs", stamp, _now()), runs=history)))
    else:
        render_runs(out, history, site)


_mounted: list[bool] = []


def command() -> typer.Typer:
    """The whole app with every command mounted (also for tests: ``CliRunner().invoke(command(), [...])``)."""
    if not _mounted:
        from kksync.cli_doctor import mount as mount_doctor
        from kksync.cli_remind import mount as mount_remind
        from kksync.cli_reports import mount
        from kksync.cli_scenario import mount as mount_scenario
        from kksync.cli_snapshots import mount as mount_snapshots

        mount(report_app, app)
        mount_snapshots(app)
        mount_doctor(app)
        from kksync.cli_permissions import mount as mount_permissions

        mount_permissions(app)
        mount_scenario(app)
        mount_remind(app)
        _mounted.append(True)
    return app


def main() -> None:
    """Entry point (``kksync``): the commands, with the one error path of ``KksyncGroup``."""
    command()(prog_name="kksync")


__all__ = ["app", "command", "err", "main"]


if __name__ == "__main__":
    main()
