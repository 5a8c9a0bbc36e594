"""The change pipeline behind the webhook: queue messages, receiving, processing, nightly reconcile.

::

    webhook ── receive_notifications ──► queue (one message per list) ──► process_change
                                                                          (incremental sync + checks
                                                                           + write-back of that list)
    timer ───── reconcile: silence alerts → renew subscriptions → full sync of every list

A message only says "list X changed"; the work is "sync list X from its stored change token", so
processing is idempotent: a duplicate or redelivered message reads an empty change log and writes
nothing. A notification for a list that already has a message waiting in the queue is coalesced
into it. When SharePoint throttles longer than the function may wait (or cannot be reached: any
``RetriableError``), the work goes back to the queue as a new message that becomes visible after
``Retry-After`` instead of sleeping. That includes a list another run is syncing right now
(``LeaseHeldError``): the processor does not wait for the lease, its message comes back shortly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from kksync.core.tokens import change_time
from kksync.errors import AuthError, BadMessage, ChangeTokenError, ConfigError, RetriableError, SharePointError
from kksync.queues import ChangeMessage, MemoryChangeQueue
from kksync.services.ports import (
    AccountDirectory,
    ChangeQueue,
    NotificationState,
    ReconcileSharePoint,
    ReconcileStore,
    SharePointItems,
    SyncStore,
)
from kksync.services.records import DATA_LISTS, RecordCache
from kksync.services.subscriptions import WebhookTarget, renew_expiring
from kksync.services.webhooks import Refusal, parse_notifications, route_notifications

if TYPE_CHECKING:
    from kksync.checks.governance import Governance
    from kksync.services.leases import LeasePolicy
    from kksync.services.subscriptions import SubscriptionResult
    from kksync.services.sync import SyncOutcome

__all__ = [
    "ALERT_MARKER",
    "BadMessage",
    "ChangeMessage",
    "ChangeQueue",
    "MemoryChangeQueue",
    "ProcessResult",
    "Receipt",
    "ReconcileReport",
    "SilenceAlert",
    "WebhookTarget",
    "change_time",
    "process_change",
    "receive_notifications",
    "reconcile",
    "renew_expiring",
    "silence_alerts",
]
# BadMessage (kksync.errors), ChangeMessage and MemoryChangeQueue (kksync.queues) and ChangeQueue
# (kksync.services.ports) are re-exported: they lived here before, and callers still import them here.

ALERT_MARKER = "KKSYNC_ALERT"
MAX_DEFERRALS = 20
MAX_VISIBILITY_SECONDS = 24 * 3600  # must stay below the message's time-to-live (7 days by default)
DEFAULT_DEFERRAL_SECONDS = 60  # a lost connection says nothing about when to come back


# --- receiving ---------------------------------------------------------------------------------------


@dataclass
class Receipt:
    """What one webhook request led to; ``status`` is the HTTP answer."""

    enqueued: list[str] = field(default_factory=list)
    coalesced: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    ignored: list[Refusal] = field(default_factory=list)

    @property
    def status(self) -> int:
        # All refused means nobody who knows the secret sent this; anything else is acknowledged,
        # because a non-2xx answer only makes SharePoint send the same notification again.
        if self.refused and not (self.enqueued or self.coalesced):
            return 403
        return 202


def receive_notifications(
    body: bytes,
    *,
    content_length: str | None,
    secret: str | None,
    store: NotificationState,
    scope: str,
    queue: Callable[[], ChangeQueue],
    now: datetime,
) -> Receipt:
    """Validate a notification request and enqueue one message per changed list.

    Raises ``WebhookRejected`` (400/413) for a body that is not a notification and ``ConfigError``
    when no clientState secret is configured. ``queue`` is a factory, so that a refused request
    never opens a queue connection.
    """
    notifications = parse_notifications(body, content_length=content_length)
    if not secret:
        raise ConfigError("KKSYNC_WEBHOOK_CLIENT_STATE er ikke sat; notifikationer kan ikke kontrolleres.")
    routing = route_notifications(notifications, store.subscriptions(scope), secret=secret, now=now)
    receipt = Receipt(refused=routing.refused, ignored=routing.ignored)
    if not routing.lists:
        return receipt
    target = queue()
    waiting = target.pending_lists(scope)
    for list_key in routing.lists:
        if list_key in waiting:
            receipt.coalesced.append(list_key)
        else:
            target.send(ChangeMessage(list_key, scope))
            receipt.enqueued.append(list_key)
        store.set_last_notification(scope, list_key, now)
    return receipt


# --- processing --------------------------------------------------------------------------------------


@dataclass
class ProcessResult:
    status: Literal["done", "deferred", "skipped"]
    list_key: str
    outcome: SyncOutcome | None = None
    retry_after: int | None = None
    note: str = ""


def process_change(
    sp: SharePointItems,
    store: SyncStore,
    message: ChangeMessage,
    *,
    scope: str,
    queue: ChangeQueue,
    governance: Governance | None = None,
    cache: RecordCache | None = None,
    directory: AccountDirectory | None = None,
) -> ProcessResult:
    """Incremental sync, checks and write-back for the message's list; transient failures go back to the queue.

    Any other error propagates, so the Functions runtime retries the message and finally moves it to
    the poison queue. ``directory`` (Graph) is asked only about people the store has not accepted
    before, so a department's edit never clears a departed colleague's finding until the night.
    """
    from kksync.services.sync import SyncService  # the receiver imports this module too: keep it light

    if message.scope != scope:
        return ProcessResult("skipped", message.list_key,
                             note=f"message for another site or configuration ({message.scope[:80]}); dropped")
    service = SyncService(sp, store, scope=scope, governance=governance, cache=cache, directory=directory)
    try:
        outcome = service.sync(lists=[message.list_key], write_back=True)
    except RetriableError as error:
        if message.deferrals >= MAX_DEFERRALS:
            raise
        wait = error.retry_after if error.retry_after is not None else DEFAULT_DEFERRAL_SECONDS
        delay = min(MAX_VISIBILITY_SECONDS, max(1, math.ceil(wait)))
        again = ChangeMessage(message.list_key, message.scope, "throttled", message.deferrals + 1)
        queue.send(again, visibility_timeout=delay)
        return ProcessResult("deferred", message.list_key, retry_after=delay, note=str(error))
    return ProcessResult("done", message.list_key, outcome=outcome)


# --- nightly reconcile -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SilenceAlert:
    list_key: str
    title: str
    pending_changes: int
    oldest_change_at: datetime | None
    last_notification_at: datetime | None

    def message(self) -> str:
        seen = self.last_notification_at.isoformat() if self.last_notification_at else "never"
        oldest = self.oldest_change_at.isoformat() if self.oldest_change_at else "unknown"
        return (f"{ALERT_MARKER} webhook-silence list={self.list_key} title={self.title!r} "
                f"pending_changes={self.pending_changes} oldest_change={oldest} last_notification={seen}: "
                "SharePoint logged changes but no notification arrived; check the subscription and the "
                "function's /api/webhook endpoint.")


def silence_alerts(
    sp: SharePointItems, store: ReconcileStore, *, scope: str, silence_minutes: int, now: datetime
) -> list[SilenceAlert]:
    """Subscribed lists whose change log has changes that should have been notified by now, but were not.

    A change older than ``silence_minutes`` with no notification after it means notifications
    stopped arriving (deliveries dropped, endpoint broken, subscription deleted on SharePoint's side).
    Lists without a subscription are not expected to notify. Run this before a full sync moves the token.
    A rejected change token is skipped (the full sync after it reads everything); any other error
    propagates: a refused token or throttling must not pass for "no silence".
    """
    window = timedelta(minutes=silence_minutes)
    subscribed = store.subscriptions(scope)
    alerts: list[SilenceAlert] = []
    for schema in DATA_LISTS:
        token = store.get_token(scope, schema.key)
        if token is None or schema.key not in subscribed:
            continue
        try:
            changes = sp.changes(schema.title, token)
        except ChangeTokenError:
            continue  # the full reconcile's business, not a silence
        if not changes:
            continue
        last = store.last_notification_at(scope, schema.key)
        times = [t for t in (change_time(c.token) for c in changes) if t is not None]
        oldest = min(times) if times else None
        if oldest is not None:
            silent = now - oldest > window and (last is None or last < oldest)
        else:
            silent = last is None or now - last > window
        if silent:
            alerts.append(SilenceAlert(schema.key, schema.title, len(changes), oldest, last))
    return alerts


@dataclass
class ReconcileReport:
    alerts: list[SilenceAlert] = field(default_factory=list)
    subscriptions: list[SubscriptionResult] = field(default_factory=list)
    outcome: SyncOutcome | None = None
    notes: list[str] = field(default_factory=list)


def reconcile(
    sp: ReconcileSharePoint,
    store: ReconcileStore,
    *,
    scope: str,
    target: WebhookTarget | None,
    silence_minutes: int,
    governance: Governance | None = None,
    cache: RecordCache | None = None,
    now: datetime | None = None,
    directory: AccountDirectory | None = None,
    token_max_age_days: int | None = None,
    leases: LeasePolicy | None = None,
) -> ReconcileReport:
    """Nightly: silence alerts, subscription renewal (unless ``target`` is None), then a full sync of every list.

    Renewal comes before the long sync so that a throttled or failed sync cannot let a subscription
    lapse. What renewal cannot do is noted and the sync still runs: a configuration problem (a note)
    or SharePoint refusing one subscription (an alert). Refused credentials, throttling, a lost
    connection and a failing state store propagate: the sync would fail the same way, and the caller
    (the timer's retry, the operator) must see them rather than a quiet night.
    """
    from kksync.services.sync import SyncService

    now = now or datetime.now(UTC)
    report = ReconcileReport(alerts=silence_alerts(sp, store, scope=scope, silence_minutes=silence_minutes, now=now))
    if target is not None:
        try:
            report.subscriptions = renew_expiring(sp, store, scope=scope, target=target, now=now)
        except ConfigError as error:
            report.notes.append(f"subscriptions not renewed: {error}")
        except (AuthError, RetriableError):
            raise
        except SharePointError as error:
            report.notes.append(f"{ALERT_MARKER} subscription renewal failed: {error}")
    # The nightly full sync is where everyone in a person field is asked about (``directory``: Graph).
    service = SyncService(sp, store, scope=scope, governance=governance, cache=cache, directory=directory,
                          leases=leases)
    if token_max_age_days is not None:
        service.token_max_age = timedelta(days=token_max_age_days)
    report.outcome = service.sync(full=True)
    return report
