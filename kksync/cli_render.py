"""The CLI's rich output: progress bars and the findings tables (the services return plain data)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from kksync.services.checking import CheckView

__all__ = ["MAX_FINDINGS_SHOWN", "err", "progress", "render_findings"]

MAX_FINDINGS_SHOWN = 200
err = Console(stderr=True)


@contextmanager
def progress(description: str) -> Iterator[Callable[[str, int, int], None]]:
    """A transient progress bar on stderr; the callback takes (step name, done, total)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task(description, total=None)

        def update(name: str, done: int, total: int) -> None:
            bar.update(task, description=f"{description}: {name}", completed=done, total=total)

        yield update


def render_findings(console: Console, view: CheckView) -> None:
    from rich.table import Table

    table = Table(title="Klar til politisk behandling?", title_justify="left")
    for header in ("Plan", "Tjek", "Klar", "Fejl", "Advarsler", "Største mangler"):
        table.add_column(header)
    for verdict in sorted(view.verdicts, key=lambda v: v.plan_key):
        ready = "[green]ja[/green]" if verdict.ready else "[red]nej[/red]"
        top = ", ".join(f"{k} ({n})" for k, n in sorted(verdict.by_requirement.items(), key=lambda kv: -kv[1])[:3])
        table.add_row(verdict.plan_key, "gælder" if verdict.applies else "gælder ikke", ready if verdict.applies else "–",
                      str(verdict.errors), str(verdict.warnings), top)
    console.print(table)
    detail = Table(title="Fund pr. initiativ", title_justify="left", show_lines=False)
    for header in ("Plan", "Initiativ", "Regel", "Alvor", "Besked"):
        detail.add_column(header, overflow="fold")
    for finding in view.findings[:MAX_FINDINGS_SHOWN]:
        detail.add_row(finding.plan_key or "", finding.initiative_key or "", finding.rule, finding.severity.value, finding.message)
    console.print(detail)
    if len(view.findings) > MAX_FINDINGS_SHOWN:
        console.print(f"… og {len(view.findings) - MAX_FINDINGS_SHOWN} fund mere (brug --format json for alle).")
