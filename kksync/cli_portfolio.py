"""``kksync report portfolio --out FILE.xlsx``: the workbook of every larger IT project."""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from typer._click import exceptions as click

from kksync.cli_output import clean, say, styled
from kksync.texts.cli import cli_text
from kksync.texts.portfolio import PF

__all__ = ["run_portfolio"]


def _check_out_file(out: Path) -> None:
    """``--out`` must name a .xlsx file in a folder we can write in (checked before any work)."""
    if out.suffix.lower() != ".xlsx" or out.is_dir():
        raise click.UsageError(PF.out_not_xlsx.format(path=clean(out, 300)))
    probe = out.parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise click.UsageError(cli_text("out_not_folder", path=clean(out.parent, 300), error=f"{clean(probe, 300)} er en fil"))
    if not os.access(probe, os.W_OK | os.X_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise click.UsageError(cli_text("out_not_writable", path=clean(probe, 300), error="ingen skriveadgang"))


def run_portfolio(out: Path, year: int | None, *, publish: bool = False) -> None:
    from kksync.cli_output import fmt_time
    from kksync.cli_render import progress
    from kksync.cli_runtime import runtime
    from kksync.services.portfolio_report import publish_workbook, write_portfolio_workbook

    _check_out_file(out)
    with runtime(create_state=False) as rt, progress(PF.step) as step:
        stamp = rt.require_data()
        step(PF.sheet_projects, 0, 2 if publish else 1)
        try:
            made = write_portfolio_workbook(rt.load_portfolio(), out, governance=rt.governance,
                                            synced_at=stamp.finished_at if stamp else None, year=year)
        except OSError as error:
            raise click.UsageError(cli_text("out_not_writable", path=clean(out, 300), error=error.strerror or error)) from error
        published = None
        if publish:
            step("udgiver på intranettet", 1, 2)
            published = publish_workbook(rt.client, made, site_url=rt.settings.site_url)
    overview = made.overview
    years = f"{overview.years[0]}–{overview.years[-1]}" if overview.years else PF.none
    projects = len({r.project.key for r in overview.rows})
    say(Text(PF.written.format(projects=projects, years=years, path=clean(out, 500)), style="green"))
    if published is not None:
        say(PF.published.format(url=clean(published[1], 500), state=published[0]))
    say(styled(cli_text("last_sync", when=fmt_time(stamp.finished_at)) if stamp else cli_text("last_sync_never"), "dim"))
