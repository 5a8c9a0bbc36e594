"""Timers: the nightly reconcile (with subscription renewal and silence alerts), scheduled documents, and
the reminder mails before political decision (daily, after the reconcile).

Schedules are NCRONTAB (sec min hour day month weekday) in UTC unless the app sets a time zone
(``WEBSITE_TIME_ZONE`` on Windows, ``TZ`` on Linux dedicated/Premium plans).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import azure.functions as func

from functions import common

RECONCILE_SCHEDULE = common.env("KKSYNC_RECONCILE_SCHEDULE", "0 30 2 * * *")
DOCUMENTS_SCHEDULE = common.env("KKSYNC_DOCUMENTS_SCHEDULE", "0 0 6 * * 1")
REMINDERS_SCHEDULE = common.env("KKSYNC_REMINDERS_SCHEDULE", "0 0 6 * * *")

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated


@bp.function_name("nightly_reconcile")
@bp.timer_trigger(arg_name="timer", schedule=RECONCILE_SCHEDULE, run_on_startup=False, use_monitor=True)
@bp.retry(strategy="fixed_delay", max_retry_count="2", delay_interval="00:15:00")  # e.g. throttled past the budget
def nightly_reconcile(timer: func.TimerRequest) -> None:
    from kksync.services.processor import ALERT_MARKER

    if timer.past_due:
        common.log.warning("nightly reconcile is past due; running now")
    with common.open_runtime() as runtime:
        report = runtime.reconcile()
    for alert in report.alerts:
        common.log.error(alert.message())
    for note in report.notes:
        (common.log.error if ALERT_MARKER in note else common.log.warning)(note)
    for sub in report.subscriptions:
        if sub.action != "kept":
            common.log.info("subscription %s for %s %s until %s", sub.subscription_id, sub.list_key, sub.action, sub.expiration)
    if report.outcome is not None:
        o = report.outcome
        common.log.info("nightly reconcile: %d lists, %d changed, %d written, %d requests, %d resource units",
                        len(o.lists), o.changed, o.writes, o.requests, o.resource_units)


@bp.function_name("scheduled_documents")
@bp.timer_trigger(arg_name="timer", schedule=DOCUMENTS_SCHEDULE, run_on_startup=False, use_monitor=True)
def scheduled_documents(timer: func.TimerRequest) -> None:
    from kksync.errors import KksyncError

    failed: list[str] = []
    with common.open_runtime() as runtime:
        plans = [p.key for p in runtime.load_portfolio().plans]
        for plan_key in plans:
            try:
                runtime.publish_documents(plan_key)
            except KksyncError as error:  # one broken plan must not stop the others
                common.log.error("documents for plan %s failed: %s", plan_key, error)
                failed.append(plan_key)
    common.log.info("scheduled documents: %d plans, %d failed", len(plans), len(failed))
    if failed:
        raise RuntimeError(f"documents failed for {', '.join(failed)}")


def _today() -> date:
    """The reminders' day (UTC; the 06:00 UTC default is the same date in Copenhagen). Tests replace it."""
    return datetime.now(UTC).date()


@bp.function_name("reminders")
@bp.timer_trigger(arg_name="timer", schedule=REMINDERS_SCHEDULE, run_on_startup=False, use_monitor=True)
def reminders(timer: func.TimerRequest) -> None:
    """Today's reminder digests; a claim in the state store keeps a rerun or a second instance from sending twice."""
    from kksync.texts.reminders import ROLE_NAMES, remind_text

    with common.open_runtime() as runtime:
        if not runtime.settings.mail_sender:
            common.log.info("reminders: KKSYNC_MAIL_SENDER is not set; no reminder mails are sent")
            return
        outcome = runtime.remind(today=_today())
    for claim in outcome.unconfirmed:
        common.log.error(remind_text("unconfirmed", address=claim.address, day=claim.day.isoformat(), note=claim.note or "-"))
    for person in outcome.unreachable:
        common.log.warning(remind_text("unreachable", role=ROLE_NAMES[person.role], title=person.title,
                                       key=person.initiative_key))
    failed = [r for r in outcome.results if r.status == "failed"]
    for result in failed:
        common.log.error("reminder to %s refused: %s", result.address, result.note)
    common.log.info("reminders %s: %d sent, %d already taken, %d refused, %d unconfirmed", outcome.day.isoformat(),
                    outcome.count("sent"), outcome.count("taken"), len(failed), outcome.count("unconfirmed"))
    if failed:  # visible in the function's monitor; a rerun sends only what was refused (released)
        raise RuntimeError(f"{len(failed)} reminder mail(s) refused by Microsoft Graph")
