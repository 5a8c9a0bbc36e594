"""``kksync doctor``: what this installation is pointed at, what state it has, and what to fix."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.text import Text

from kksync.cli_output import FormatOpt, OutputFormat, add_row, clean, emit_json, fmt_time, make_table, out, say
from kksync.errors import KksyncError, SharePointError
from kksync.texts.cli import cli_text, plural

__all__ = ["mount"]


def doctor(offline: Annotated[bool, typer.Option("--offline", help="Spørg ikke SharePoint (kun indstillinger og tilstand).")] = False,
           fmt: FormatOpt = OutputFormat.table) -> None:
    """Vis den effektive konfiguration (site, godkendelse, tilstand), sidste synkronisering pr. liste,
    skemaafvigelser og abonnementer – og hvad der skal rettes. Afslutter med 1, hvis noget skal rettes."""
    from kksync.app import open_runtime
    from kksync.cli_json import DoctorList, DoctorOut, dump, head
    from kksync.services.drift import compare_fields
    from kksync.services.provision_views import view_drift
    from kksync.services.records import DATA_LISTS
    from kksync.settings import load_settings, unknown_settings

    settings = load_settings()
    problems: list[str] = list(unknown_settings())
    lists: list[DoctorList] = []
    drift: list[str] = []
    reachable: bool | None = None
    stamp = None
    try:
        rt = open_runtime(settings, create_state=False)
    except KksyncError as error:
        problems.append(str(error))
        rt = None
    if rt is not None:
        with rt:
            stamp = rt.last_sync()
            runs = rt.store.runs(rt.scope, 1)
            subs = rt.store.subscriptions(rt.scope)
            for schema in DATA_LISTS:
                last = runs[0].lists.get(schema.key) if runs else None
                sub = subs.get(schema.key)
                lists.append(DoctorList(list_key=schema.key, title=schema.title,
                                        items=len(rt.store.item_ids(rt.scope, schema.key)),
                                        has_token=rt.store.get_token(rt.scope, schema.key) is not None,
                                        last_mode=last.mode if last else None,
                                        subscription_expires=sub.expiration if sub else None))
            if stamp is None:
                problems.append(cli_text("last_sync_never") + " Kør «kksync sync».")
            if runs and runs[0].status in ("failed", "partial", "running"):
                problems.append(f"Seneste kørsel: {runs[0].status} – {runs[0].error or '; '.join(runs[0].failures[:3])}"
                                " Se «kksync runs».")
            problems.extend(_unconfirmed_reminders(rt))
            if settings.notification_url and len(subs) < len(DATA_LISTS):
                problems.append("Ikke alle lister har webhook-abonnement. Kør «kksync subscribe».")
            if not offline:
                try:
                    for schema in DATA_LISTS:
                        drift.extend(compare_fields(schema, rt.client.list_fields(schema.title)).notes)
                    drift.extend(view_drift(rt.client.views))  # views and column formatters (provision_views)
                    reachable = True
                except SharePointError as error:
                    from kksync.cli_errors import classify

                    reachable = False
                    problems.append(classify(error)[2])
            problems.extend(drift)
    doc = DoctorOut(**head("doctor", stamp, datetime.now(UTC)), site_url=settings.site_url, auth=settings.auth.value,
                    state=settings.state_label, config_name=settings.config_name, reachable=reachable, lists=lists,
                    drift=drift, problems=problems)
    if fmt is OutputFormat.json:
        emit_json(dump(doc))
    else:
        _render(doc)
    raise typer.Exit(1 if problems else 0)


def _unconfirmed_reminders(rt: object) -> list[str]:
    """Reminder mails claimed but never confirmed sent (``kksync.services.reminders``): look in Sent Items."""
    from kksync.app import Runtime
    from kksync.services.reminders import UNCONFIRMED_AFTER
    from kksync.texts.reminders import remind_text

    assert isinstance(rt, Runtime)
    late = datetime.now(UTC) - UNCONFIRMED_AFTER
    return [remind_text("unconfirmed", address=c.address, day=c.day.isoformat(), note=c.note or "–")
            for c in rt.store.reminder_claims(rt.scope) if c.status == "claimed" and c.claimed_at <= late]


def _render(doc: object) -> None:
    from kksync.cli_json import DoctorOut

    assert isinstance(doc, DoctorOut)
    say(Text("Site: ", style="bold"), clean(doc.site_url))
    say(Text("Godkendelse: ", style="bold"), doc.auth)
    say(Text("Tilstand: ", style="bold"), clean(doc.state), f" (konfiguration «{clean(doc.config_name, 100)}»)")
    say(Text("SharePoint: ", style="bold"), {None: "ikke spurgt", True: "svarer", False: "svarer ikke"}[doc.reachable])
    say(Text("Sidste synkronisering: ", style="bold"), fmt_time(doc.last_sync.finished_at) if doc.last_sync else "aldrig")
    if doc.lists:
        table = make_table("Lister", ["Liste", "Elementer", "Ændrings-token", "Sidst læst", "Abonnement udløber"],
                           right=("Elementer",))
        for row in doc.lists:
            add_row(table, clean(row.title), str(row.items), "ja" if row.has_token else "nej",
                          {"full": "fuld", "incremental": "ændringer"}.get(row.last_mode or "", "–"),
                          fmt_time(row.subscription_expires))
        out.print(table)
    if doc.problems:
        say(Text(cli_text("doctor_problems", count=plural(len(doc.problems), "problem")), style="bold red"))
        for line in doc.problems:
            say("  • ", clean(line, 1000))
    else:
        say(Text(cli_text("doctor_ok"), style="green"))


def mount(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
