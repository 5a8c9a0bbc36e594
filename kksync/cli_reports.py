"""``kksync report …``: the three documents, the accessibility linter."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()


def _run(plan: str, kind: str, year: int | None, out: Path, publish: bool) -> None:
    from kksync.app import open_runtime
    from kksync.cli_render import progress
    from kksync.core import model as m

    document_type = {"status": m.DocumentType.STATUS, "readiness": m.DocumentType.READINESS, "plan": m.DocumentType.PLAN}[kind]
    with open_runtime() as rt, progress("Skriver dokument") as step:
        step(document_type.value, 0, 2 if publish else 1)
        generated = rt.generate(plan, document_type, year=year, out_dir=out)
        if publish:
            step("udgiver på intranettet", 1, 2)
            rt.publish(generated)
    console.print(f"[green]{generated.document.spec.title}[/green] → {generated.path}")
    if publish:
        console.print(f"Udgivet på intranettet: {generated.url} ({generated.published})")


PlanOpt = Annotated[str, typer.Option("--plan", help="Planens nøgle, fx F2011-2012")]
OutOpt = Annotated[Path, typer.Option("--out", help="Mappe til .docx-filerne")]
PublishOpt = Annotated[bool, typer.Option("--publish", help="Udgiv også i intranettets dokumentbibliotek")]


def mount(report_app: typer.Typer, app: typer.Typer) -> None:
    @report_app.command("status")
    def status(plan: PlanOpt, year: Annotated[int, typer.Option("--year", help="Statusår")],
               out: OutOpt = Path("out"), publish: PublishOpt = False) -> None:
        """Status på implementering for en plan og et år."""
        _run(plan, "status", year, out, publish)

    @report_app.command("readiness")
    def readiness(plan: PlanOpt, out: OutOpt = Path("out"), publish: PublishOpt = False) -> None:
        """Klar til politisk behandling? for en plan."""
        _run(plan, "readiness", None, out, publish)

    @report_app.command("plan")
    def plan_document(plan: PlanOpt, out: OutOpt = Path("out"), publish: PublishOpt = False) -> None:
        """Selve handlingsplanen til politisk behandling."""
        _run(plan, "plan", None, out, publish)

    @report_app.command("lint")
    def lint(file: Annotated[Path, typer.Argument(help="En .docx-fil")]) -> None:
        """Tjek et Word-dokuments tilgængelighed (titel, sprog, overskrifter, tabeller, alternativ tekst)."""
        from kksync.documents.word.lint import lint_main

        raise typer.Exit(lint_main(file))
