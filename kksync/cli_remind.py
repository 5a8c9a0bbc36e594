"""``kksync remind``: the reminder mails before political decision due today (``--dry-run``: only show them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from kksync.cli_errors import ExitCode
from kksync.cli_output import FormatOpt, OutputFormat, add_row, clean, emit_json, make_table, out, say, styled, warn
from kksync.core.fmt import long_date
from kksync.texts.reminders import REMIND_TEXTS, remind_text

if TYPE_CHECKING:
    from kksync.services.reminders import ReminderOutcome

__all__ = ["mount"]

_STATUS = {"planned": "status_planned", "sent": "status_sent", "taken": "status_taken", "failed": "status_failed",
           "unconfirmed": "status_unconfirmed"}


def remind(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Vis, hvad der ville blive sendt; send og gem intet.")] = False,
    plan: Annotated[str | None, typer.Option("--plan", metavar="NØGLE", help="Kun denne plan (nøgle, fx FHP-2013-2014).")] = None,
    day: Annotated[str | None, typer.Option("--date", metavar="ÅÅÅÅ-MM-DD", help="Dagen, påmindelserne gælder (i dag, hvis udeladt).")] = None,
    show: Annotated[bool, typer.Option("--show", help="Vis også hver mails tekst.")] = False,
    max_age: Annotated[float, typer.Option("--max-age", metavar="TIMER", min=0, help="Afvis data, der er ældre end så mange timer (0: ingen grænse).")] = 72,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Send påmindelser før politisk behandling til projektejere, projektledere og forvaltningernes kontakter.

    Højst én mail pr. person pr. dag, ingen når intet mangler, og aldrig den samme påmindelse to gange.
    Afslutter med 5, hvis en mail blev afvist eller ikke kunne bekræftes sendt.
    """
    from kksync.cli_runtime import runtime
    from kksync.cli_snapshots import parse_date

    today = parse_date(day, "--date") if day is not None else datetime.now(UTC).date()
    with runtime(create_state=not dry_run) as rt:
        outcome = rt.remind(today=today, dry_run=dry_run, plan_key=plan,
                            max_age=timedelta(hours=max_age) if max_age else None)
        stamp = rt.last_sync()
    if fmt is OutputFormat.json:
        emit_json(_json(outcome, stamp))
        if outcome.count("failed") or outcome.count("unconfirmed"):
            raise typer.Exit(ExitCode.PARTIAL)
        return
    for claim in outcome.unconfirmed:
        warn("", remind_text("unconfirmed", address=claim.address, day=claim.day.isoformat(), note=claim.note or "–"))
    for person in outcome.unreachable:
        from kksync.texts.reminders import ROLE_NAMES

        warn("", remind_text("unreachable", role=ROLE_NAMES[person.role], title=clean(person.title, 120),
                             key=clean(person.initiative_key, 40)))
    if not outcome.results:
        say(remind_text("none", date=long_date(today)))
        return
    title = REMIND_TEXTS["title_dry" if dry_run else "title_sent"].format(date=long_date(today))
    table = make_table(title, ["Modtager", "Planer", "Initiativer", "Emne", "Status"], right=("Initiativer",))
    for result in outcome.results:
        add_row(table, clean(result.address, 120), clean(", ".join(result.plans), 120), str(result.initiatives),
                clean(result.mail.subject, 200), REMIND_TEXTS[_STATUS[result.status]])
    out.print(table)
    if show:
        for result in outcome.results:
            say(styled(remind_text("show_to", address=result.address, subject=result.mail.subject), "bold", limit=300))
            say(clean(result.mail.text, None))
    if not dry_run:
        say(remind_text("summary", sent=outcome.count("sent"), taken=outcome.count("taken"),
                        failed=outcome.count("failed"), unconfirmed=outcome.count("unconfirmed")))
        if outcome.count("failed") or outcome.count("unconfirmed"):
            raise typer.Exit(ExitCode.PARTIAL)


def _json(outcome: ReminderOutcome, stamp: object) -> dict[str, object]:
    from kksync.cli_json import ReminderMailOut, RemindOut, UnconfirmedOut, UnreachableOut, dump, head

    return dump(RemindOut(
        **head("remind", stamp, datetime.now(UTC)), day=outcome.day, dry_run=outcome.dry_run,
        mails=[ReminderMailOut(to=r.address, plans=list(r.plans), initiatives=r.initiatives, subject=r.mail.subject,
                               status=r.status, note=r.note) for r in outcome.results],
        unreachable=[UnreachableOut(initiative_key=u.initiative_key, title=u.title, role=u.role)
                     for u in outcome.unreachable],
        unconfirmed=[UnconfirmedOut(address=c.address, day=c.day, claimed_at=c.claimed_at, owner=c.owner, note=c.note)
                     for c in outcome.unconfirmed],
    ))


def mount(app: typer.Typer) -> None:
    app.command("remind")(remind)
