"""``kksync snapshot …`` and ``kksync diff``: frozen plans, listed, made, replaced, deleted and compared."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

import typer
from rich.text import Text
from typer._click import exceptions as click
from typer._click.globals import get_current_context

from kksync.cli_output import FormatOpt, OutputFormat, add_row, clean, emit_json, make_table, out, say, styled
from kksync.texts.cli import HELP, cli_text, plural

__all__ = ["mount", "parse_date"]

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: str, option: str) -> date:
    """A date the user typed, ``ÅÅÅÅ-MM-DD`` only (``31-12-2012``, ``2012/12/31``, ``2012-02-30`` are refused)."""
    text = value.strip()
    try:
        if _ISO.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise click.UsageError(cli_text("date_invalid", value=clean(value, 80, one_line=True), option=option),
                           ctx=get_current_context(silent=True))


PlanOpt = Annotated[str, typer.Option("--plan", metavar="NØGLE", help=HELP["plan"])]
snapshot_app = typer.Typer(help=HELP["snapshot"], rich_markup_mode=None, invoke_without_command=True)


@snapshot_app.callback()
def snapshot(ctx: typer.Context,
             plan: Annotated[str | None, typer.Option("--plan", metavar="NØGLE", help=HELP["plan"])] = None,
             status_date: Annotated[str | None, typer.Option("--date", metavar="ÅÅÅÅ-MM-DD", help=HELP["date"])] = None,
             replace: Annotated[bool, typer.Option("--replace", help=HELP["replace"])] = False) -> None:
    """Fastfrys en plan pr. en statusdato («kksync snapshot --plan KEY --date ÅÅÅÅ-MM-DD»).

    Et øjebliksbillede er fastfrosset: findes det allerede, skal der --replace til. Se også «snapshot list»
    og «snapshot delete».
    """
    if ctx.invoked_subcommand is not None:
        if plan is not None or status_date is not None or replace:
            raise click.UsageError("--plan, --date og --replace hører til efter underkommandoen, fx «kksync snapshot "
                                   "list --plan KEY».", ctx=ctx)
        return
    if plan is None:
        raise click.UsageError("Angiv planen med --plan (fx --plan FHP-2013-2014).", ctx=ctx)
    create(plan, status_date, replace)


def create(plan: str, status_date: str | None, replace: bool) -> None:
    from kksync.cli_runtime import runtime

    day = parse_date(status_date, "--date") if status_date else datetime.now(UTC).date()
    with runtime(create_state=False) as rt:
        rt.require_data()
        frozen = rt.freeze(plan, day, replace=replace)
    snap = frozen.snapshot
    say(cli_text("snapshot_saved", plan=clean(plan, 100), date=day.isoformat(),
                 count=plural(len(snap.portfolio.initiatives), "initiativ"), digest=snap.digest()[:12]))
    if frozen.replaced_digest:
        say(styled(cli_text("snapshot_replaced", digest=frozen.replaced_digest[:12], key=clean(frozen.kept_as, 200)),
                   "yellow"))


@snapshot_app.command("list")
def list_snapshots(plan: PlanOpt, fmt: FormatOpt = OutputFormat.table) -> None:
    """Vis en plans øjebliksbilleder (statusdato, fingeraftryk, antal initiativer)."""
    from kksync.cli_json import SnapshotOut, SnapshotsOut, dump, head
    from kksync.cli_runtime import runtime
    from kksync.services.snapshots import load_snapshot

    with runtime(create_state=False) as rt:
        rows = []
        for day in rt.snapshots(plan):
            snap = load_snapshot(rt.store, plan, day, scope=rt.scope)
            rows.append(SnapshotOut(status_date=day, digest=snap.digest(), initiatives=len(snap.portfolio.initiatives)))
        stamp = rt.last_sync()
    if fmt is OutputFormat.json:
        emit_json(dump(SnapshotsOut(**head("snapshots", stamp, datetime.now(UTC)), plan_key=plan, snapshots=rows)))
        return
    if not rows:
        say(cli_text("snapshot_none", plan=clean(plan, 100)))
        return
    table = make_table(f"Øjebliksbilleder af {plan}", ["Statusdato", "Fingeraftryk", "Initiativer"], right=("Initiativer",))
    for row in rows:
        add_row(table, row.status_date.isoformat(), row.digest[:12], str(row.initiatives))
    out.print(table)


@snapshot_app.command("delete")
def delete_snapshot(plan: PlanOpt, status_date: Annotated[str, typer.Option("--date", metavar="ÅÅÅÅ-MM-DD", help=HELP["date"])]) -> None:
    """Slet et øjebliksbillede (det gemmes i historikken, så intet går tabt)."""
    from kksync.cli_runtime import runtime

    day = parse_date(status_date, "--date")
    with runtime(create_state=False) as rt:
        kept = rt.delete_snapshot(plan, day)
    say(cli_text("snapshot_deleted", plan=clean(plan, 100), date=day.isoformat(), key=clean(kept, 200)))


_KINDS = {"added": "Nye initiativer", "removed": "Udgået af planen", "closed": "Afsluttede", "reranked": "Omprioriterede",
          "refunded": "Ændret finansiering", "owner_changed": "Ny projektejer", "status_changed": "Ændret status"}


def _change_line(kind: str, change: dict[str, Any]) -> str:
    name = f"{change.get('key')} {change.get('title')}"
    if kind == "reranked":
        return f"{name}: prioritet {change.get('old_rank') or '–'} → {change.get('new_rank') or '–'}"
    if kind == "refunded":
        return f"{name}: {change.get('old_total')} → {change.get('new_total')} kr."
    if kind == "owner_changed":
        return f"{name}: {change.get('old_owner') or '–'} → {change.get('new_owner') or '–'}"
    if kind == "status_changed":
        return (f"{name}: fase {change.get('old_phase') or '–'} → {change.get('new_phase') or '–'}, "
                f"trafiklys {change.get('old_light') or '–'} → {change.get('new_light') or '–'}")
    return name


def diff(plan: PlanOpt,
         old: Annotated[str, typer.Option("--from", metavar="ÅÅÅÅ-MM-DD", help=HELP["from"])],
         new: Annotated[str, typer.Option("--to", metavar="ÅÅÅÅ-MM-DD", help=HELP["to"])],
         fmt: FormatOpt = OutputFormat.table) -> None:
    """Hvad er ændret i en plan mellem to øjebliksbilleder?"""
    from kksync.cli_json import DiffOut, dump, head
    from kksync.cli_runtime import runtime

    first, second = parse_date(old, "--from"), parse_date(new, "--to")
    with runtime(create_state=False) as rt:
        changes = rt.diff(plan, first, second)
        stamp = rt.last_sync()
    body = changes.model_dump(mode="json")
    if fmt is OutputFormat.json:
        emit_json(dump(DiffOut(**head("diff", stamp, datetime.now(UTC)), plan_key=plan, from_date=first, to_date=second,
                               empty=changes.empty, changes=body)))
        return
    if changes.empty:
        say(cli_text("diff_same", plan=clean(plan, 100), old=first.isoformat(), new=second.isoformat()))
        return
    say(Text(cli_text("diff_title", plan=clean(plan, 100), old=first.isoformat(), new=second.isoformat()), style="bold"))
    for kind, title in _KINDS.items():
        if body.get(kind):
            say(styled(f"{title} ({len(body[kind])})", "bold"))
            for change in body[kind]:
                say("  • ", clean(_change_line(kind, change), 300, one_line=True))


def mount(app: typer.Typer) -> None:
    app.add_typer(snapshot_app, name="snapshot")
    app.command("diff")(diff)
