"""Forged webhook calls are refused and enqueue nothing; the handshake only ever echoes plain text.

``tests/functions/test_webhook_handler.py`` already covers, through the real handler and Azurite:
a wrong or missing clientState (403), an unknown subscription (ignored), a replay (coalesced, or
ignored once expired), malformed and oversized bodies, no configured secret (503) and the
handshake echo. This file adds the forgeries those tests do not try — foreign resource, site and
tenant, clientState look-alikes, the stored hash sent as clientState, a rotated secret, a forged
entry riding along with a genuine one, a handshake carrying a notification body, markup in the
validation token — and pins that the clientState is compared in constant time.

The notification path is driven through ``receive_notifications`` (what the handler calls) with a
SQLite store and an in-memory queue, so the matrix stays fast; the handshake through the handler.
"""

from __future__ import annotations

import ast
import hmac
import inspect
import json
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest

from kksync.services import webhooks
from kksync.services.processor import MemoryChangeQueue, Receipt, receive_notifications
from kksync.services.webhooks import client_state_hash
from kksync.state import SqliteStateStore
from kksync.state.base import Subscription

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
SECRET = "kksync-security-client-state-0123456789"
OLD_SECRET = "kksync-previous-client-state-9876543210"
SCOPE = "http://127.0.0.1:8765/sites/kk-it#default"
SUB_INITIATIVES = "1b6f0c2e-5d3a-4c1e-9f00-00000000a001"
SUB_PLANS = "1b6f0c2e-5d3a-4c1e-9f00-00000000a002"
LIST_INITIATIVES = "7d2a9e41-0000-4000-8000-00000000b001"
FOREIGN_LIST = "0badc0de-0000-4000-8000-00000000ffff"
TENANT = "c0ffee00-0000-4000-8000-00000000c001"


def entry(**overrides: Any) -> dict[str, Any]:
    """A notification entry as SharePoint sends it for the initiatives subscription; ``None`` drops a field."""
    base: dict[str, Any] = {
        "subscriptionId": SUB_INITIATIVES, "clientState": SECRET,
        "expirationDateTime": (NOW + timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%S.0000000Z"),
        "resource": LIST_INITIATIVES, "tenantId": TENANT, "siteUrl": "/sites/kk-it",
        "webId": "5e0d1f7a-0000-4000-8000-00000000d001",
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


@dataclass
class Receiver:
    store: SqliteStateStore
    queue: MemoryChangeQueue = field(default_factory=MemoryChangeQueue)
    queue_opened: int = 0

    def send(self, *entries: dict[str, Any], secret: str = SECRET) -> Receipt:
        def open_queue() -> MemoryChangeQueue:
            self.queue_opened += 1
            return self.queue

        body = json.dumps({"value": list(entries)}).encode()
        return receive_notifications(body, content_length=str(len(body)), secret=secret, store=self.store,
                                     scope=SCOPE, queue=open_queue, now=NOW)

    @property
    def enqueued(self) -> list[tuple[str, str]]:
        return [(message.list_key, message.scope) for message, _ in self.queue.messages]


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    store = SqliteStateStore(tmp_path / "state.db")
    for key, sub_id in (("initiatives", SUB_INITIATIVES), ("plans", SUB_PLANS)):
        store.put_subscription(SCOPE, key, Subscription(sub_id, NOW + timedelta(days=90), client_state_hash(SECRET)))
    yield Receiver(store)
    store.close()


# --- notifications from someone who does not know the secret -------------------------------------

CLIENT_STATES: dict[str, str | None] = {
    "wrong": "an-attacker-guess-of-the-client-state",
    "missing": None,
    "empty": "",
    "prefix": SECRET[:-1],
    "suffix": SECRET + "0",
    "trailing NUL": SECRET + "\x00",
    "look-alike hyphens": SECRET.replace("-", "\u2010"),
    "fullwidth": SECRET.translate({ord(c): ord(c) + 0xFEE0 for c in "kksync"}),
    "stored hash": client_state_hash(SECRET),  # what the state store holds, should it ever leak
    "rotated-out secret": OLD_SECRET,
}
WHERE: dict[str, dict[str, Any]] = {
    "genuine fields": {},
    "foreign resource": {"resource": FOREIGN_LIST},
    "foreign site": {"siteUrl": "/sites/someone-else", "webId": "00000000-0000-4000-8000-000000000000"},
    "foreign tenant": {"tenantId": "deadbeef-0000-4000-8000-000000000000"},
    "unknown subscription": {"subscriptionId": "99999999-0000-4000-8000-000000000000"},
    "everything foreign": {"subscriptionId": "99999999-0000-4000-8000-000000000000", "resource": FOREIGN_LIST,
                           "siteUrl": "https://evil.example/sites/x", "tenantId": "deadbeef-0000-4000-8000-000000000000"},
}


@pytest.mark.parametrize("where", list(WHERE))
@pytest.mark.parametrize("client_state", list(CLIENT_STATES))
def test_forged_notifications_enqueue_nothing(receiver: Receiver, client_state: str, where: str) -> None:
    forged = entry(clientState=CLIENT_STATES[client_state], **WHERE[where])
    receipt = receiver.send(forged, forged)
    assert receipt.enqueued == [] and receipt.coalesced == []
    assert receiver.enqueued == [] and receiver.queue_opened == 0  # a refused request never opens the queue
    assert receiver.store.last_notification_at(SCOPE, "initiatives") is None
    if where in ("unknown subscription", "everything foreign"):
        assert [r.reason for r in receipt.ignored] == ["unknown subscription"] * 2 and receipt.status == 202
    else:
        assert len(receipt.refused) == 2 and receipt.status == 403
    for refusal in receipt.refused + receipt.ignored:
        given = CLIENT_STATES[client_state]
        assert SECRET not in refusal.reason and (not given or given not in refusal.reason)


def test_a_forged_entry_cannot_ride_along_with_a_genuine_one(receiver: Receiver) -> None:
    receipt = receiver.send(entry(subscriptionId=SUB_PLANS), entry(clientState="an-attacker-guess-of-the-client-state"))
    assert receiver.enqueued == [("plans", SCOPE)]
    assert [r.subscription_id for r in receipt.refused] == [SUB_INITIATIVES]
    assert receiver.store.last_notification_at(SCOPE, "initiatives") is None


def test_a_rotated_secret_refuses_the_old_one_until_renewal(receiver: Receiver) -> None:
    """The receiver's secret changed; subscriptions still carry the old clientState until the nightly renewal."""
    assert receiver.send(entry(clientState=OLD_SECRET), secret=SECRET).status == 403
    assert receiver.send(entry(clientState=SECRET), secret=OLD_SECRET).status == 403  # stored hash is of SECRET
    assert receiver.enqueued == []


def test_a_replay_for_a_replaced_or_expired_subscription_is_dropped(receiver: Receiver) -> None:
    receiver.store.put_subscription(SCOPE, "initiatives", Subscription(
        "2c7a0d3f-6e4b-4d2f-8a11-00000000a003", NOW + timedelta(days=180), client_state_hash(SECRET)))
    replayed = receiver.send(entry(), entry(subscriptionId=SUB_PLANS, expirationDateTime="2026-03-01T11:59:59Z"))
    assert [r.reason for r in replayed.ignored] == ["unknown subscription", "expired subscription (replayed notification?)"]
    assert receiver.enqueued == []


@pytest.mark.parametrize("where", ["foreign resource", "foreign site", "foreign tenant"])
def test_notification_fields_never_choose_what_is_synced(receiver: Receiver, where: str) -> None:
    """Only the stored subscription decides the list and the site: the fields of the body are not trusted.

    Someone holding the secret and a subscription id can at most cause a sync of that
    subscription's own list in kksync's own scope (idempotent: an empty change log writes nothing).
    The body's resource, siteUrl and tenantId are not compared with anything, because the
    subscription record does not keep the list id; see the report.
    """
    receiver.send(entry(**WHERE[where]))
    assert receiver.enqueued == [("initiatives", SCOPE)]


# --- constant-time comparison ----------------------------------------------------------------------


def test_client_state_goes_through_compare_digest(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[bytes | str, bytes | str]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        seen.append((a, b))
        return bool(real(a, b))

    monkeypatch.setattr(hmac, "compare_digest", spy)  # the module kksync.services.webhooks calls it through
    receiver.send(entry(clientState="an-attacker-guess-of-the-client-state"))
    assert (b"an-attacker-guess-of-the-client-state", SECRET.encode()) in seen
    assert (client_state_hash("an-attacker-guess-of-the-client-state"), client_state_hash(SECRET)) in seen
    seen.clear()
    receiver.send(entry())
    assert len(seen) == 2  # both comparisons run even when the first one already decides


def _comparisons_of_secrets(source: str) -> list[str]:
    """``==``/``!=``/``in`` comparisons whose operands mention a clientState or secret."""
    found = []
    for node in ast.walk(ast.parse(textwrap.dedent(source))):
        if isinstance(node, ast.Compare) and any(isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn) for op in node.ops):
            text = ast.unparse(node)
            if any(word in text.lower() for word in ("client_state", "clientstate", "secret")):
                found.append(text)
    return found


def test_no_plain_comparison_of_the_client_state_on_the_receive_path() -> None:
    from functions import webhook as webhook_function
    from kksync.services import processor

    sources = {
        "kksync/services/webhooks.py": inspect.getsource(webhooks),
        "functions/webhook.py": inspect.getsource(webhook_function),
        "processor.receive_notifications": inspect.getsource(processor.receive_notifications),
    }
    assert {name: _comparisons_of_secrets(src) for name, src in sources.items()} == {name: [] for name in sources}
    ok = ast.unparse(ast.parse(inspect.getsource(webhooks.client_state_ok)))
    assert ok.count("hmac.compare_digest(") + ok.count("secrets.compare_digest(") == 2
    # The check itself finds what it should.
    assert _comparisons_of_secrets("ok = note.client_state == secret") == ["note.client_state == secret"]


# --- the validation handshake ------------------------------------------------------------------------

MARKUP_TOKENS = [
    "<script>alert(document.cookie)</script>",
    "<html><body onload=alert(1)>x</body></html>",
    "\"><img src=x onerror=alert(1)>",
    "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>",
    "javascript:alert(1)//",
    "{{7*7}}${7*7}%s{0}",
    "ÆØÅ \u202e gnp.exe",
]


def _handshake(handler: Callable[..., func.HttpResponse], token: str | None = None, *, raw_query: str = "",
               body: bytes = b"") -> func.HttpResponse:
    params = {"validationtoken": token} if token is not None else {}
    request = func.HttpRequest("POST", f"http://127.0.0.1/api/webhook{raw_query}", headers={"Content-Type": "text/plain"},
                               params=params, route_params={}, body=body)
    return handler(request)


@pytest.fixture
def no_backend(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make any use of settings, state store or queue fail the test: the handshake path touches none of them."""
    from functions import common

    touched: list[str] = []

    def refuse(name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            touched.append(name)
            raise AssertionError(f"the handshake used {name}")
        return call

    for name in ("settings", "webhook_store", "change_queue", "open_runtime"):
        monkeypatch.setattr(common, name, refuse(name))
    return touched


@pytest.mark.parametrize("token", MARKUP_TOKENS)
def test_handshake_echoes_markup_only_as_inert_plain_text(handlers: dict[str, Any], no_backend: list[str], token: str) -> None:
    response = _handshake(handlers["webhook"], token)
    assert response.status_code == 200
    assert response.get_body() == token.encode("utf-8")  # exactly the token: no wrapping, no page around it
    assert response.mimetype == "text/plain" and response.charset == "utf-8"
    assert "html" not in (response.headers.get("Content-Type") or "").lower()
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # browsers must not sniff it into HTML
    assert response.headers["Cache-Control"] == "no-store"
    assert no_backend == []


def test_url_encoded_markup_is_decoded_once_and_still_plain_text(handlers: dict[str, Any], no_backend: list[str]) -> None:
    response = _handshake(handlers["webhook"], raw_query="?validationtoken=%253Cscript%253E%3Cb%3E")
    assert response.get_body() == b"%3Cscript%3E<b>" and response.mimetype == "text/plain"


@pytest.mark.parametrize("token", ["a\r\nSet-Cookie: x=1", "a\nLocation: https://evil.example", "a\rb", "a\x00b"])
def test_handshake_refuses_response_splitting(handlers: dict[str, Any], no_backend: list[str], token: str) -> None:
    response = _handshake(handlers["webhook"], token)
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert b"Set-Cookie" not in response.get_body() and b"evil" not in response.get_body()


def test_a_handshake_carrying_notifications_enqueues_nothing(handlers: dict[str, Any], no_backend: list[str]) -> None:
    body = json.dumps({"value": [entry()]}).encode()
    response = _handshake(handlers["webhook"], "3f1c5a7e-token", body=body)
    assert (response.status_code, response.get_body()) == (200, b"3f1c5a7e-token")
    assert no_backend == []  # never read the settings, opened the store or the queue
