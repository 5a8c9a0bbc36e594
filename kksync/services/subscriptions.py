"""SharePoint webhook subscriptions for every data list: create, renew, adopt, delete.

SharePoint keeps a subscription for at most 180 days and never renews it by itself, so the nightly
reconcile renews those that expire within 30 days and re-creates the ones that are gone. The state
store remembers per list the subscription id, its expiry and a hash of the clientState (never the
secret itself), which is what the webhook receiver checks incoming notifications against.

SharePoint validates a new or moved notification URL with its handshake before it answers, so the
webhook must be reachable while this runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from kksync.errors import ConfigError, NotFoundError
from kksync.services.ports import SubscriptionAdmin, SubscriptionState
from kksync.services.records import DATA_LISTS
from kksync.services.webhooks import client_state_hash, parse_sp_datetime
from kksync.settings import is_loopback_or_https
from kksync.state.base import Subscription

if TYPE_CHECKING:
    from kksync.core.schema import ListSchema
    from kksync.settings import Settings

__all__ = [
    "MAX_DAYS",
    "RENEW_WITHIN_DAYS",
    "SubscriptionResult",
    "WebhookTarget",
    "new_expiry",
    "renew_expiring",
    "subscribe",
    "unsubscribe",
]

MAX_DAYS = 180
RENEW_WITHIN_DAYS = 30
_CLOCK_MARGIN = timedelta(hours=1)  # SharePoint refuses "more than 180 days" by its own clock, not ours

Action = Literal["created", "renewed", "adopted", "kept", "deleted"]


@dataclass(frozen=True, slots=True)
class SubscriptionResult:
    list_key: str
    title: str
    subscription_id: str
    expiration: datetime | None
    action: Action


def new_expiry(now: datetime) -> datetime:
    """The expiry to ask for: as late as SharePoint allows, with a margin for clock skew."""
    return (now.astimezone(UTC) + timedelta(days=MAX_DAYS) - _CLOCK_MARGIN).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """Where SharePoint should notify, and the clientState it must send along (a secret)."""

    url: str
    client_state: str = field(repr=False)  # a secret: kept out of logs that print the target

    @classmethod
    def from_settings(
        cls, settings: Settings, *, notification_url: str | None = None, client_state: str | None = None
    ) -> WebhookTarget:
        """The target from the arguments, else from settings; ``ConfigError`` when missing or unusable."""
        url = notification_url or settings.notification_url
        secret = client_state
        if secret is None and settings.webhook_client_state is not None:
            secret = settings.webhook_client_state.get_secret_value()
        if not url or not secret:
            raise ConfigError(
                "Webhooks kræver KKSYNC_NOTIFICATION_URL (funktionens /api/webhook-adresse) og KKSYNC_WEBHOOK_CLIENT_STATE."
            )
        if not is_loopback_or_https(url):
            raise ConfigError("KKSYNC_NOTIFICATION_URL skal være en https://-adresse (http kun til den lokale emulator).")
        if len(secret) < 16 or len(secret) > 128:
            raise ConfigError("KKSYNC_WEBHOOK_CLIENT_STATE skal være 16–128 tegn (SharePoint tillader højst 128).")
        return cls(url, secret)


def _ensure_one(
    sp: SubscriptionAdmin, store: SubscriptionState, scope: str, schema: ListSchema, *, target: WebhookTarget,
    now: datetime, renew_before: datetime | None,
) -> SubscriptionResult:
    url, secret = target.url, target.client_state
    list_id = sp.list_info(schema.title).id
    wanted_hash = client_state_hash(secret)
    stored = store.get_subscription(scope, schema.key)
    remote = sp.list_subscriptions(list_id)
    current = next((r for r in remote if stored and str(r["id"]).lower() == stored.subscription_id.lower()), None)
    adopted = False
    if current is None:
        # State lost or restored from elsewhere: take over our own subscription instead of adding a second.
        current = next((r for r in remote if r.get("notificationUrl") == url), None)
        adopted = current is not None
    for extra in remote:
        if extra is not current and extra.get("notificationUrl") == url:
            # A second subscription to the same URL would double every notification.
            sp.delete_subscription(list_id, str(extra["id"]))
    expiry = new_expiry(now)
    if current is None:
        created = sp.add_subscription(list_id, notification_url=url, expiration=expiry, client_state=secret)
        sub_id = str(created["id"])
        expires = parse_sp_datetime(created.get("expirationDateTime")) or expiry
        store.put_subscription(scope, schema.key, Subscription(sub_id, expires, wanted_hash))
        return SubscriptionResult(schema.key, schema.title, sub_id, expires, "created")
    sub_id = str(current["id"])
    remote_expiry = parse_sp_datetime(current.get("expirationDateTime"))
    same_secret = stored is not None and not adopted and stored.client_state_hash == wanted_hash
    moved = current.get("notificationUrl") != url
    due = renew_before is None or remote_expiry is None or remote_expiry <= renew_before
    if not (due or moved or adopted or not same_secret):
        if stored is None or stored.expiration != remote_expiry:
            store.put_subscription(scope, schema.key, Subscription(sub_id, remote_expiry or expiry, wanted_hash))
        return SubscriptionResult(schema.key, schema.title, sub_id, remote_expiry, "kept")
    # A moved URL is sent along: SharePoint validates the new one with the handshake.
    sp.update_subscription(list_id, sub_id, expiration=expiry, client_state=secret,
                           notification_url=url if moved else None)
    store.put_subscription(scope, schema.key, Subscription(sub_id, expiry, wanted_hash))
    return SubscriptionResult(schema.key, schema.title, sub_id, expiry, "adopted" if adopted else "renewed")


def _ensure(
    sp: SubscriptionAdmin, store: SubscriptionState, scope: str, *, target: WebhookTarget, now: datetime,
    renew_before: datetime | None, schemas: Iterable[ListSchema] = DATA_LISTS,
) -> list[SubscriptionResult]:
    return [_ensure_one(sp, store, scope, s, target=target, now=now, renew_before=renew_before) for s in schemas]


def subscribe(
    sp: SubscriptionAdmin, store: SubscriptionState, *, scope: str, target: WebhookTarget, now: datetime | None = None
) -> list[SubscriptionResult]:
    """``kksync subscribe``: every data list subscribed to ``target``, each renewed to the maximum.

    Idempotent: a list that already has our subscription gets it renewed (and its clientState and
    URL brought up to date), not a second one.
    """
    return _ensure(sp, store, scope, target=target, now=now or datetime.now(UTC), renew_before=None)


def renew_expiring(
    sp: SubscriptionAdmin, store: SubscriptionState, *, scope: str, target: WebhookTarget, now: datetime,
    within_days: int = RENEW_WITHIN_DAYS,
) -> list[SubscriptionResult]:
    """Renew subscriptions that expire within ``within_days``, re-create missing ones, keep the rest."""
    return _ensure(sp, store, scope, target=target, now=now, renew_before=now + timedelta(days=within_days))


def unsubscribe(sp: SubscriptionAdmin, store: SubscriptionState, *, scope: str) -> list[SubscriptionResult]:
    """Delete the subscriptions kksync registered (and forget them)."""
    results: list[SubscriptionResult] = []
    for schema in DATA_LISTS:
        stored = store.get_subscription(scope, schema.key)
        if stored is None:
            continue
        list_id = sp.list_info(schema.title).id
        with contextlib.suppress(NotFoundError):  # already gone on SharePoint's side
            sp.delete_subscription(list_id, stored.subscription_id)
        store.delete_subscription(scope, schema.key)
        results.append(SubscriptionResult(schema.key, schema.title, stored.subscription_id, None, "deleted"))
    return results
