"""``kksync report …``: the documents (status, readiness, plan, investment-catalogue proposals), the portfolio workbook, the accessibility linter."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text
from typer._click import exceptions as click

from kksync.cli_output import clean, say, styled
from kksync.texts.cli import HELP, cli_text
from kksync.texts.portfolio import PF


def _check_out_dir(out: Path) -> None:
    """``--out`` must be a folder we can write in (or one we can make); checked before any work."""
    if out.exists() and not out.is_dir():
        raise click.UsageError(cli_text("out_not_folder", path=clean(out, 300), error="det er en fil"))
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise click.UsageError(cli_text("out_not_folder", path=clean(out, 300), error=f"{clean(probe, 300)} er en fil"))
    if not os.access(probe, os.W_OK | os.X_OK):
        raise click.UsageError(cli_text("out_not_writable", path=clean(probe, 300), error="ingen skriveadgang"))


def _run(plan: str, kind: str, year: int | None, out: Path, publish: bool) -> None:
    from kksync.cli_output import fmt_time
    from kksync.cli_render import progress
    from kksync.cli_runtime import runtime
    from kksync.core import model as m

    _check_out_dir(out)
    document_type = {"status": m.DocumentType.STATUS, "readiness": m.DocumentType.READINESS, "plan": m.DocumentType.PLAN,
                     "proposals": m.DocumentType.PROPOSALS}[kind]
    with runtime(create_state=False) as rt, progress("Skriver dokument") as step:
        stamp = rt.require_data()
        step(document_type.value, 0, 2 if publish else 1)
        try:
            generated = rt.generate(plan, document_type, year=year, out_dir=out)
        except OSError as error:
            raise click.UsageError(cli_text("out_not_writable", path=clean(out, 300), error=error.strerror or error)) from error
        if publish:
            step("udgiver på intranettet", 1, 2)
            rt.publish(generated)
    say(Text(clean(generated.document.spec.title, 300), style="green"), " → ", clean(generated.path, 500))
    if generated.snapshot_date is not None:
        say(cli_text("snapshot_used", plan=clean(plan, 100), date=generated.snapshot_date.isoformat(),
                     digest=(generated.snapshot_digest or "")[:12],
                     made=cli_text("snapshot_made") if generated.snapshot_made else ""))
    say(styled(cli_text("last_sync", when=fmt_time(stamp.finished_at)) if stamp else cli_text("last_sync_never"), "dim"))
    if publish:
        say(cli_text("document_published", url=clean(generated.url, 500), state=clean(generated.published, 100)))


PlanOpt = Annotated[str, typer.Option("--plan", metavar="NØGLE", help=HELP["plan"])]
OutOpt = Annotated[Path, typer.Option("--out", metavar="MAPPE", help=HELP["out"])]
PublishOpt = Annotated[bool, typer.Option("--publish", help=HELP["publish"])]


def _year(value: str) -> int:
    text = value.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise click.UsageError(cli_text("year_invalid", value=clean(value, 80, one_line=True)))
    return int(text)


def mount(report_app: typer.Typer, app: typer.Typer) -> None:
    @report_app.command("status")
    def status(plan: PlanOpt, year: Annotated[str, typer.Option("--year", help=HELP["year"], metavar="ÅÅÅÅ")],
               out: OutOpt = Path("out"), publish: PublishOpt = False) -> None:
        """Status på implementering for en plan og et år (et af planens år)."""
        _run(plan, "status", _year(year), out, publish)

    @report_app.command("readiness")
    def readiness(plan: PlanOpt, out: OutOpt = Path("out"), publish: PublishOpt = False) -> None:
        """Klar til politisk behandling? for en plan."""
        _run(plan, "readiness", None, out, publish)

    @report_app.command("plan")
    def plan_document(plan: PlanOpt, out: OutOpt = Path("out"), publish: PublishOpt = False) -> None:
        """Selve handlingsplanen til politisk behandling."""
        _run(plan, "plan", None, out, publish)

    @report_app.command("proposals")
    def proposals(plan: PlanOpt, out: OutOpt = Path("out"), publish: PublishOpt = False) -> None:
        """Forslag til investeringskataloget for en plan (budgetkalenderens frist og prisniveau)."""
        _run(plan, "proposals", None, out, publish)

    @report_app.command("portfolio")
    def portfolio(out: Annotated[Path, typer.Option("--out", metavar="FIL.xlsx", help=PF.help_out)],
                  year: Annotated[str | None, typer.Option("--year", help=PF.help_year, metavar="ÅÅÅÅ")] = None,
                  publish: Annotated[bool, typer.Option("--publish", help=PF.help_publish)] = False) -> None:
        """Porteføljeoversigten: alle større it-projekter på tværs af planer og år, som Excel-regneark."""
        from kksync.cli_portfolio import run_portfolio

        run_portfolio(out, _year(year) if year is not None else None, publish=publish)

    @report_app.command("lint")
    def lint(file: Annotated[Path, typer.Argument(metavar="FIL.docx", help=HELP["lint_file"], exists=True, dir_okay=False)]) -> None:
        """Tjek et Word-dokuments tilgængelighed (titel, sprog, overskrifter, tabeller, alternativ tekst)."""
        from kksync.documents.word.lint import lint_main

        raise typer.Exit(lint_main(file))
