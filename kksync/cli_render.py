"""The CLI's rich output: progress bars and tables, drawn from the documents of ``kksync.cli_views``.

Everything here prints through ``kksync.cli_output`` (consoles without markup; data cleaned and cut).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from kksync.cli_output import OPTIONS, add_row, clean, err, fmt_time, make_table
from kksync.texts.cli import cli_text, plural

if TYPE_CHECKING:
    from kksync.cli_json import CheckOut, RunOut
    from kksync.services.checking import CheckView

__all__ = ["MAX_FINDINGS_SHOWN", "err", "progress", "render_check", "render_findings", "render_runs", "render_sync"]

MAX_FINDINGS_SHOWN = 200
MODES = {"full": "fuld", "incremental": "ændringer", "mixed": "blandet", "reconcile": "afstemning", "": "–"}
STATUSES = {"ok": "ok", "partial": "delvis", "failed": "fejlede", "running": "ikke afsluttet"}


@contextmanager
def progress(description: str) -> Iterator[Callable[[str, int, int], None]]:
    """A transient progress bar on stderr; the callback takes (step name, done, total)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True, disable=OPTIONS.quiet) as bar:
        task = bar.add_task(clean(description), total=None)

        def update(name: str, done: int, total: int) -> None:
            bar.update(task, description=clean(f"{description}: {name}", 120, one_line=True), completed=done, total=total)

        yield update


def render_findings(console: Console, view: CheckView) -> None:
    """The readiness table and the findings of a ``CheckView`` (the demo shows a selection)."""
    from kksync.cli_views import check_out

    render_check(console, check_out(view))


def render_check(console: Console, doc: CheckOut) -> None:
    table = make_table("Klar til politisk behandling?", ["Plan", "Til beslutning", "Kravene", "Klar", "Fejl", "Advarsler",
                                                          "Største mangler"], right=("Fejl", "Advarsler"))
    for plan in doc.plans:
        ready = Text("–") if plan.ready is None else Text("ja", style="green") if plan.ready else Text("nej", style="red")
        top = ", ".join(f"{k} ({n})" for k, n in sorted(plan.by_requirement.items(), key=lambda kv: -kv[1])[:3])
        add_row(table, clean(plan.plan_key), "ja" if plan.marked_for_decision else "nej",
                      "gælder" if plan.applies else "gælder ikke", ready, str(plan.totals.errors),
                      str(plan.totals.warnings), clean(top))
    console.print(table)
    detail = make_table("Fund pr. initiativ", ["Plan", "Initiativ", "Regel", "Alvor", "Besked"])
    for finding in doc.findings[:MAX_FINDINGS_SHOWN]:
        add_row(detail, clean(finding.plan_key or ""), clean(finding.initiative_key or ""), clean(finding.rule),
                       finding.severity, clean(finding.message))
    if doc.findings:
        console.print(detail)
    if len(doc.findings) > MAX_FINDINGS_SHOWN:
        console.print(Text(cli_text("truncated", more=len(doc.findings) - MAX_FINDINGS_SHOWN)))
    t = doc.totals
    console.print(Text(f"{plural(len(doc.plans), 'plan')} tjekket: {plural(t.findings, 'fund')} "
                       f"({t.errors} fejl, {plural(t.warnings, 'advarsel')})."))
    failing = [p.plan_key for p in doc.plans if p.fails_gate]
    if failing:
        console.print(Text.assemble(Text("Dumper: ", style="bold red"), Text(clean(", ".join(failing))),
                                    " er markeret klar til politisk behandling, men opfylder ikke kravene."))
    else:
        console.print(Text("Ingen plan markeret til politisk behandling fejler kravene.", style="green"))
    _last_sync(console, doc.last_sync.finished_at if doc.last_sync else None)


def _last_sync(console: Console, when: object) -> None:
    from datetime import datetime

    text = cli_text("last_sync", when=fmt_time(when)) if isinstance(when, datetime) else cli_text("last_sync_never")
    console.print(Text(text, style="dim"))


def render_sync(console: Console, run: RunOut, notes: list[str], failures: list[str]) -> None:
    table = make_table("Synkronisering", ["Liste", "Måde", "Læst", "Nye", "Ændrede", "Slettede", "Kun kksync",
                                          "Skrevet", "Afvist", "Konflikter"], keep=("Måde",),
                       right=("Læst", "Nye", "Ændrede", "Slettede", "Kun kksync", "Skrevet", "Afvist", "Konflikter"))
    for key, n in run.lists.items():
        refused = Text(str(n.errors), style="bold red") if n.errors else Text("0")
        add_row(table, clean(key), MODES.get(n.mode, n.mode), str(n.seen), str(n.added), str(n.updated), str(n.deleted),
                      str(n.bot_only), str(n.written), refused, str(n.conflicts))
    console.print(table)
    for note in notes:
        console.print(Text.assemble(Text(cli_text("note"), style="yellow"), Text(clean(note, 1000))))
    for line in failures[:50]:
        console.print(Text.assemble(Text("Afvist: ", style="bold red"), Text(clean(line, 1000))))
    console.print(Text(cli_text("sync_summary", changes=plural(run.changes, "ændring"),
                                writes=plural(run.writes, "element"), requests=plural(run.requests, "kald"), units=run.resource_units)))
    if run.refused:
        console.print(Text(cli_text("sync_failed_writes", count=plural(run.refused, "tilbageskrivning")), style="bold red"))


def render_runs(console: Console, runs: list[RunOut], site: str) -> None:
    if not runs:
        console.print(Text(cli_text("runs_none", site=clean(site))))
        return
    table = make_table("Seneste kørsler", ["Start", "Slut", "Status", "Måde", "Ændringer", "Skrevet", "Afvist", "Kald",
                                           "Ressourceenheder", "Bemærkning"],
                       right=("Ændringer", "Skrevet", "Afvist", "Kald", "Ressourceenheder"), keep=("Status", "Måde"))
    for run in runs:
        status = Text(STATUSES.get(run.status, run.status), style="red" if run.status in ("failed", "partial") else "")
        remark = run.error or "; ".join(run.failures[:3]) or run.note
        add_row(table, fmt_time(run.started_at), fmt_time(run.finished_at), status, MODES.get(run.mode, run.mode),
                      str(run.changes), str(run.writes), str(run.refused), str(run.requests), str(run.resource_units),
                      clean(remark, 100, one_line=True))
    console.print(table)
