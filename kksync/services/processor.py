"""The change pipeline behind the webhook: queue messages, receiving, processing, nightly reconcile.

::

    webhook ── receive_notifications ──► queue (one message per list) ──► process_change
                                                                          (incremental sync + checks
                                                                           + write-back of that list)
    timer ───── reconcile: silence alerts → renew subscriptions → full sync of every list

A message only says "list X changed"; the work is "sync list X from its stored change token", so
processing is idempotent: a duplicate or redelivered message reads an empty change log and writes
nothing. A notification for a list that already has a message waiting in the queue is coalesced
into it. When SharePoint throttles longer than the function may wait, the work goes back to the
queue as a new message that becomes visible after ``Retry-After`` instead of sleeping.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, Protocol

from kksync.errors import ConfigError, KksyncError, ThrottledError
from kksync.services.records import DATA_LISTS
from kksync.services.webhooks import Refusal, parse_notifications, route_notifications
from kksync.state.base import StateStore

if TYPE_CHECKING:
    from kksync.app import Runtime
    from kksync.services.subscriptions import SubscriptionResult
    from kksync.services.sync import SyncOutcome

__all__ = [
    "ALERT_MARKER",
    "AzureChangeQueue",
    "BadMessage",
    "ChangeMessage",
    "ChangeQueue",
    "MemoryChangeQueue",
    "ProcessResult",
    "Receipt",
    "ReconcileReport",
    "SilenceAlert",
    "change_time",
    "process_change",
    "receive_notifications",
    "reconcile",
    "silence_alerts",
]

ALERT_MARKER = "KKSYNC_ALERT"
MESSAGE_VERSION = 1
MAX_DEFERRALS = 20
MAX_VISIBILITY_SECONDS = 24 * 3600  # must stay below the message's time-to-live (7 days by default)
_KNOWN_LISTS = {s.key for s in DATA_LISTS}
_TICKS_AT_EPOCH = 621_355_968_000_000_000  # .NET ticks (100 ns since 0001-01-01) at 1970-01-01


class BadMessage(KksyncError):
    """A queue message that is not a kksync change message; retrying it cannot help."""


@dataclass(frozen=True, slots=True)
class ChangeMessage:
    """The whole content of one queue message: "sync this list of this scope"."""

    list_key: str
    scope: str
    reason: Literal["notification", "throttled", "manual"] = "notification"
    deferrals: int = 0

    def encode(self) -> str:
        return json.dumps(
            {"v": MESSAGE_VERSION, "list": self.list_key, "scope": self.scope, "reason": self.reason,
             "deferrals": self.deferrals},
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, text: str | bytes) -> ChangeMessage:
        try:
            data = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise BadMessage("Købeskeden er ikke JSON.") from None
        if not isinstance(data, dict) or data.get("v") != MESSAGE_VERSION:
            raise BadMessage("Købeskeden har et ukendt format.")
        key, scope = data.get("list"), data.get("scope")
        if key not in _KNOWN_LISTS or not isinstance(scope, str):
            raise BadMessage(f"Købeskeden nævner en ukendt liste: {str(key)[:40]!r}.")
        reason: Literal["notification", "throttled", "manual"] = "notification"
        if data.get("reason") in ("throttled", "manual"):
            reason = data["reason"]
        deferrals = data.get("deferrals")
        return cls(key, scope, reason, deferrals if isinstance(deferrals, int) and deferrals >= 0 else 0)


class ChangeQueue(Protocol):
    """The queue port: send a message (optionally invisible for a while), see which lists are waiting."""

    def send(self, message: ChangeMessage, *, visibility_timeout: int | None = None) -> None: ...

    def pending_lists(self, scope: str) -> set[str]:
        """Lists with a message that is visible (not yet picked up); best effort, may under-report."""
        ...


class AzureChangeQueue:
    """An Azure Storage queue, messages base64-encoded as the Functions queue trigger expects."""

    def __init__(self, connection_string: str, queue_name: str) -> None:
        from azure.core.exceptions import ResourceExistsError
        from azure.storage.queue import QueueClient, TextBase64DecodePolicy, TextBase64EncodePolicy

        self.name = queue_name
        self._client: Any = QueueClient.from_connection_string(
            connection_string, queue_name,
            message_encode_policy=TextBase64EncodePolicy(), message_decode_policy=TextBase64DecodePolicy(),
        )
        with contextlib.suppress(ResourceExistsError):  # another instance made it first
            self._client.create_queue()

    def send(self, message: ChangeMessage, *, visibility_timeout: int | None = None) -> None:
        self._client.send_message(message.encode(), visibility_timeout=visibility_timeout)

    def pending_lists(self, scope: str) -> set[str]:
        waiting: set[str] = set()
        for peeked in self._client.peek_messages(max_messages=32):
            try:
                message = ChangeMessage.decode(peeked.content)
            except (BadMessage, TypeError):
                continue
            if message.scope == scope:
                waiting.add(message.list_key)
        return waiting

    def close(self) -> None:
        self._client.close()


@dataclass
class MemoryChangeQueue:
    """In-process queue for the CLI and tests: same port, no Azure."""

    messages: list[tuple[ChangeMessage, int | None]] = field(default_factory=list)

    def send(self, message: ChangeMessage, *, visibility_timeout: int | None = None) -> None:
        self.messages.append((message, visibility_timeout))

    def pending_lists(self, scope: str) -> set[str]:
        return {m.list_key for m, delay in self.messages if m.scope == scope and not delay}


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
    store: StateStore,
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


def process_change(runtime: Runtime, message: ChangeMessage, *, queue: ChangeQueue) -> ProcessResult:
    """Incremental sync, checks and write-back for the message's list; throttling goes back to the queue.

    Any other error propagates, so the Functions runtime retries the message and finally moves it to
    the poison queue.
    """
    if message.scope != runtime.scope:
        return ProcessResult("skipped", message.list_key,
                             note=f"message for another site or configuration ({message.scope[:80]}); dropped")
    try:
        outcome = runtime.sync_service().sync(lists=[message.list_key], write_back=True)
    except ThrottledError as error:
        if message.deferrals >= MAX_DEFERRALS:
            raise
        delay = min(MAX_VISIBILITY_SECONDS, max(1, math.ceil(error.retry_after or 60)))
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


def change_time(token: str) -> datetime | None:
    """The UTC time inside a change token ``1;3;<listId>;<ticks>;<number>``; ``None`` if it has none."""
    parts = token.split(";")
    if len(parts) < 5 or not parts[3].isdigit():
        return None
    try:
        return datetime.fromtimestamp((int(parts[3]) - _TICKS_AT_EPOCH) / 10_000_000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def silence_alerts(runtime: Runtime, now: datetime) -> list[SilenceAlert]:
    """Subscribed lists whose change log has changes that should have been notified by now, but were not.

    A change older than ``silence_alert_minutes`` with no notification after it means notifications
    stopped arriving (deliveries dropped, endpoint broken, subscription deleted on SharePoint's side).
    Lists without a subscription are not expected to notify. Run this before a full sync moves the token.
    """
    window = timedelta(minutes=runtime.settings.silence_alert_minutes)
    subscribed = runtime.store.subscriptions(runtime.scope)
    alerts: list[SilenceAlert] = []
    for schema in DATA_LISTS:
        token = runtime.store.get_token(runtime.scope, schema.key)
        if token is None or schema.key not in subscribed:
            continue
        try:
            changes = runtime.client.changes(schema.title, token)
        except KksyncError:
            continue  # a rejected token is the full reconcile's business, not a silence
        if not changes:
            continue
        last = runtime.store.last_notification_at(runtime.scope, schema.key)
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


def reconcile(runtime: Runtime, *, now: datetime | None = None, renew: bool = True) -> ReconcileReport:
    """Nightly: silence alerts, subscription renewal, then a full reconcile of every data list.

    Renewal comes before the long sync so that a throttled or failed sync cannot let a subscription
    lapse; a renewal failure is noted and does not stop the sync.
    """
    from kksync.services.subscriptions import WebhookTarget, renew_expiring

    now = now or datetime.now(UTC)
    report = ReconcileReport(alerts=silence_alerts(runtime, now))
    if renew:
        try:
            report.subscriptions = renew_expiring(runtime.client, runtime.store, scope=runtime.scope,
                                                  target=WebhookTarget.from_settings(runtime.settings), now=now)
        except ConfigError as error:
            report.notes.append(f"subscriptions not renewed: {error}")
        except KksyncError as error:
            report.notes.append(f"{ALERT_MARKER} subscription renewal failed: {error}")
    report.outcome = runtime.sync_service().sync(full=True)
    return report
