"""Timers: the nightly reconcile (with subscription renewal and silence alerts) and scheduled documents.

Schedules are NCRONTAB (sec min hour day month weekday) in UTC unless the app sets a time zone
(``WEBSITE_TIME_ZONE`` on Windows, ``TZ`` on Linux dedicated/Premium plans).
"""

from __future__ import annotations

import azure.functions as func

from functions import common

RECONCILE_SCHEDULE = common.env("KKSYNC_RECONCILE_SCHEDULE", "0 30 2 * * *")
DOCUMENTS_SCHEDULE = common.env("KKSYNC_DOCUMENTS_SCHEDULE", "0 0 6 * * 1")

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
