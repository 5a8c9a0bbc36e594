"""SharePoint webhook notifications: parsing and validation, pure (no network, no Azure).

SharePoint POSTs ``{"value": [{subscriptionId, clientState, expirationDateTime, resource, tenantId,
siteUrl, webId}, ...]}`` to the receiver; the body carries no item data, only "this list changed".
The receiver is anonymous (SharePoint cannot send a function key), so the ``clientState`` is the
secret: it must equal the configured secret *and* hash to what was stored for that subscription,
both compared in constant time. What passes becomes one entry per list, however many entries the
notification held for it.

Nothing here logs or echoes a clientState; refusal reasons are safe to log.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from kksync.errors import WebhookRejected  # defined with the other errors; re-exported here

if TYPE_CHECKING:  # the handshake path imports this module: keep it to the standard library
    from kksync.state.base import Subscription

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_NOTIFICATIONS",
    "Notification",
    "Refusal",
    "Routing",
    "WebhookRejected",
    "check_token",
    "client_state_hash",
    "client_state_ok",
    "parse_notifications",
    "parse_sp_datetime",
    "route_notifications",
    "validation_token",
]

MAX_BODY_BYTES = 1024 * 1024
"""SharePoint batches notifications, but a real body is a few KB; anything near 1 MiB is not from it."""
MAX_NOTIFICATIONS = 1000
MAX_TOKEN_CHARS = 1024
_HASH_DOMAIN = b"kksync-webhook-client-state:v1:"
_UNSAFE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Notification:
    subscription_id: str
    client_state: str | None
    expiration: datetime | None
    resource: str
    tenant_id: str | None = None
    site_url: str | None = None
    web_id: str | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    """One notification entry that was not accepted, with a reason that is safe to log."""

    subscription_id: str
    reason: str


@dataclass
class Routing:
    """What to do with one request's notifications."""

    lists: list[str] = field(default_factory=list)
    """List keys to process, each once, in order of first appearance."""
    refused: list[Refusal] = field(default_factory=list)
    """Entries with a wrong or missing clientState: someone who does not know the secret."""
    ignored: list[Refusal] = field(default_factory=list)
    """Entries for subscriptions we do not (or no longer) have, or that expired: answered but dropped."""


def validation_token(params: Mapping[str, str], url: str = "") -> str | None:
    """The ``validationtoken`` of SharePoint's handshake, URL-decoded, or ``None`` if absent.

    The Functions host hands query parameters over decoded; a request built from a raw URL (a proxy,
    a test adapter) may only have it in the URL, so the query string is parsed as a fallback.
    """
    for name, value in params.items():
        if name.lower() == "validationtoken":
            return value
    for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if name.lower() == "validationtoken":
            return value
    return None


def check_token(token: str) -> str:
    if len(token) > MAX_TOKEN_CHARS or any(ch in token for ch in "\r\n\x00"):
        raise WebhookRejected("Ugyldigt validationtoken.", status=400)
    return token


def parse_sp_datetime(value: Any) -> datetime | None:
    """SharePoint's ISO timestamps (``Z``, up to 7 fraction digits) as aware datetimes; ``None`` if unreadable."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    if "." in text:
        head, _, tail = text.partition(".")
        digits = "".join(ch for ch in tail if ch.isdigit())
        zone = tail[len(digits):]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _check_size(content_length: str | None, actual: int, limit: int) -> None:
    if content_length:
        try:
            declared = int(content_length)
        except ValueError:
            raise WebhookRejected("Content-Length er ugyldig.", status=400) from None
        if declared > limit:
            raise WebhookRejected(f"Notifikationen er for stor ({declared} bytes, højst {limit}).", status=413)
    if actual > limit:
        raise WebhookRejected(f"Notifikationen er for stor ({actual} bytes, højst {limit}).", status=413)


def _text(entry: Mapping[str, Any], name: str, *, required: bool = False, secret: bool = False) -> str | None:
    value = entry.get(name)
    if value is None and not required:
        return None
    # Fields other than the secret may be logged: control characters would forge log lines, and lone
    # surrogates cannot be written as UTF-8. A bad clientState is refused per entry, like any wrong one.
    unsafe = not secret and isinstance(value, str) and _UNSAFE.search(value) is not None
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > 2048 or unsafe:
        raise WebhookRejected(f"Notifikationen har et ugyldigt felt «{name}».", status=400)
    return value


def parse_notifications(body: bytes, *, content_length: str | None = None, limit: int = MAX_BODY_BYTES) -> list[Notification]:
    """The notifications in a request body; ``WebhookRejected`` (400/413) for anything else."""
    _check_size(content_length, len(body), limit)
    if not body.strip():
        raise WebhookRejected("Notifikationen er tom.", status=400)
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        # ValueError covers bad JSON, bad UTF-8 and integers too long to convert; RecursionError a nesting bomb.
        raise WebhookRejected("Notifikationen er ikke gyldig JSON.", status=400) from None
    values = data.get("value") if isinstance(data, dict) else None
    if not isinstance(values, list) or not values:
        raise WebhookRejected("Notifikationen skal have formen {\"value\": [...]}.", status=400)
    if len(values) > MAX_NOTIFICATIONS:
        raise WebhookRejected("Notifikationen har for mange elementer.", status=413)
    result: list[Notification] = []
    for entry in values:
        if not isinstance(entry, dict):
            raise WebhookRejected("Et element i notifikationen er ikke et objekt.", status=400)
        result.append(
            Notification(
                subscription_id=str(_text(entry, "subscriptionId", required=True)).strip().lower(),
                client_state=_text(entry, "clientState", secret=True),
                expiration=parse_sp_datetime(_text(entry, "expirationDateTime")),
                resource=str(_text(entry, "resource", required=True)).strip("{} ").lower(),
                tenant_id=_text(entry, "tenantId"),
                site_url=_text(entry, "siteUrl"),
                web_id=_text(entry, "webId"),
            )
        )
    return result


def client_state_hash(client_state: str) -> str:
    """What the state store keeps instead of the secret (domain-separated SHA-256, hex)."""
    return hashlib.sha256(_HASH_DOMAIN + client_state.encode("utf-8", "surrogatepass")).hexdigest()


def client_state_ok(given: str | None, *, secret: str, expected_hash: str) -> bool:
    """Constant-time: ``given`` is the configured secret and the one this subscription was made with."""
    if given is None or not secret:
        return False
    # Both comparisons always run, so timing does not reveal which one failed.
    # surrogatepass: a lone surrogate (from JSON, or from a non-UTF-8 environment) is simply not equal.
    same_secret = hmac.compare_digest(given.encode("utf-8", "surrogatepass"), secret.encode("utf-8", "surrogatepass"))
    same_hash = hmac.compare_digest(client_state_hash(given), expected_hash)
    return same_secret & same_hash


def route_notifications(
    notifications: Sequence[Notification],
    subscriptions: Mapping[str, Subscription],
    *,
    secret: str,
    now: datetime,
) -> Routing:
    """Which lists changed, per the notifications that are genuine and current.

    ``subscriptions`` maps list key → the subscription stored for it. An unknown subscription id is
    ignored, not refused: it is usually one we replaced, and a refusal would only make SharePoint
    retry it. An entry whose expiration has passed is a replay of an old notification.
    """
    by_id = {s.subscription_id.lower(): (key, s) for key, s in subscriptions.items()}
    routing = Routing()
    for note in notifications:
        known = by_id.get(note.subscription_id)
        if known is None:
            routing.ignored.append(Refusal(note.subscription_id, "unknown subscription"))
            continue
        list_key, subscription = known
        if not client_state_ok(note.client_state, secret=secret, expected_hash=subscription.client_state_hash):
            reason = "missing clientState" if note.client_state is None else "clientState does not match"
            routing.refused.append(Refusal(note.subscription_id, reason))
            continue
        if note.expiration is not None and note.expiration <= now:
            routing.ignored.append(Refusal(note.subscription_id, "expired subscription (replayed notification?)"))
            continue
        if list_key not in routing.lists:
            routing.lists.append(list_key)
    return routing
