"""SharePoint webhook subscriptions for every data list: create, renew, adopt, delete.

SharePoint keeps a subscription for at most 180 days and never renews it by itself, so the nightly
reconcile renews those that expire within 30 days and re-creates the ones that are gone. The state
store remembers per list the subscription id, its expiry and a hash of the clientState (never the
secret itself), which is what the webhook receiver checks incoming notifications against.

Requests use the documented JSON form: ``POST web/lists('<id>')/subscriptions`` to create (SharePoint
validates the notification URL with its handshake before answering), ``PATCH`` (tunnelled as
``X-HTTP-Method``) on ``subscriptions('<sid>')`` to renew, ``DELETE`` to remove.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from kksync.errors import ConfigError, NotFoundError
from kksync.services.records import DATA_LISTS
from kksync.services.webhooks import client_state_hash, parse_sp_datetime
from kksync.settings import is_loopback_or_https
from kksync.state.base import Subscription

if TYPE_CHECKING:
    from kksync.app import Runtime
    from kksync.core.schema import ListSchema

__all__ = [
    "MAX_DAYS",
    "RENEW_WITHIN_DAYS",
    "SubscriptionResult",
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


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _subscriptions_path(list_id: str, subscription_id: str | None = None) -> str:
    path = f"web/lists('{list_id}')/subscriptions"
    return f"{path}('{subscription_id}')" if subscription_id else path


def _unwrap(data: Any) -> Any:
    return data["d"] if isinstance(data, dict) and "d" in data else data


def _remote(runtime: Runtime, list_id: str) -> list[dict[str, Any]]:
    data = runtime.client.get_json(_subscriptions_path(list_id))
    rows = (data.get("results") or data.get("value") or []) if isinstance(data, dict) else []
    return [r for r in rows if isinstance(r, dict) and r.get("id")]


def _settings_target(runtime: Runtime, notification_url: str | None, client_state: str | None) -> tuple[str, str]:
    settings = runtime.settings
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
    return url, secret


def _ensure_one(
    runtime: Runtime, schema: ListSchema, *, url: str, secret: str, now: datetime, renew_before: datetime | None
) -> SubscriptionResult:
    client, store, scope = runtime.client, runtime.store, runtime.scope
    list_id = client.list_info(schema.title).id
    wanted_hash = client_state_hash(secret)
    stored = store.get_subscription(scope, schema.key)
    remote = _remote(runtime, list_id)
    current = next((r for r in remote if stored and str(r["id"]).lower() == stored.subscription_id.lower()), None)
    adopted = False
    if current is None:
        # State lost or restored from elsewhere: take over our own subscription instead of adding a second.
        current = next((r for r in remote if r.get("notificationUrl") == url), None)
        adopted = current is not None
    for extra in remote:
        if extra is not current and extra.get("notificationUrl") == url:
            # A second subscription to the same URL would double every notification.
            client.request("DELETE", _subscriptions_path(list_id, str(extra["id"])))
    expiry = new_expiry(now)
    if current is None:
        body = {"resource": list_id, "notificationUrl": url, "expirationDateTime": _iso(expiry), "clientState": secret}
        created = _unwrap(client.request("POST", _subscriptions_path(list_id), body=body).json())
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
    patch: dict[str, Any] = {"expirationDateTime": _iso(expiry), "clientState": secret}
    if moved:
        patch["notificationUrl"] = url  # SharePoint validates the new URL with the handshake
    client.request("POST", _subscriptions_path(list_id, sub_id), body=patch, headers={"X-HTTP-Method": "PATCH"})
    store.put_subscription(scope, schema.key, Subscription(sub_id, expiry, wanted_hash))
    return SubscriptionResult(schema.key, schema.title, sub_id, expiry, "adopted" if adopted else "renewed")


def _ensure(
    runtime: Runtime, *, url: str, secret: str, now: datetime, renew_before: datetime | None,
    schemas: Iterable[ListSchema] = DATA_LISTS,
) -> list[SubscriptionResult]:
    return [_ensure_one(runtime, s, url=url, secret=secret, now=now, renew_before=renew_before) for s in schemas]


def subscribe(
    runtime: Runtime, notification_url: str | None = None, client_state: str | None = None, *, now: datetime | None = None
) -> list[SubscriptionResult]:
    """``kksync subscribe``: every data list subscribed to ``notification_url``, each renewed to the maximum.

    Idempotent: a list that already has our subscription gets it renewed (and its clientState and
    URL brought up to date), not a second one.
    """
    url, secret = _settings_target(runtime, notification_url, client_state)
    return _ensure(runtime, url=url, secret=secret, now=now or datetime.now(UTC), renew_before=None)


def renew_expiring(
    runtime: Runtime, now: datetime, within_days: int = RENEW_WITHIN_DAYS, *,
    notification_url: str | None = None, client_state: str | None = None,
) -> list[SubscriptionResult]:
    """Renew subscriptions that expire within ``within_days``, re-create missing ones, keep the rest."""
    url, secret = _settings_target(runtime, notification_url, client_state)
    return _ensure(runtime, url=url, secret=secret, now=now, renew_before=now + timedelta(days=within_days))


def unsubscribe(runtime: Runtime) -> list[SubscriptionResult]:
    """Delete the subscriptions kksync registered (and forget them)."""
    results: list[SubscriptionResult] = []
    for schema in DATA_LISTS:
        stored = runtime.store.get_subscription(runtime.scope, schema.key)
        if stored is None:
            continue
        list_id = runtime.client.list_info(schema.title).id
        with contextlib.suppress(NotFoundError):  # already gone on SharePoint's side
            runtime.client.request("DELETE", _subscriptions_path(list_id, stored.subscription_id))
        runtime.store.delete_subscription(runtime.scope, schema.key)
        results.append(SubscriptionResult(schema.key, schema.title, stored.subscription_id, None, "deleted"))
    return results
