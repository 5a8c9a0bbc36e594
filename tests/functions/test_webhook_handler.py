"""The webhook function: handshake, notifications into the Azurite queue, and everything it must refuse."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest

from kksync.services.webhooks import client_state_hash
from kksync.state.base import Subscription

from .conftest import SECRET, Env, Handler, http_request

pytestmark = pytest.mark.azurite


def notification(sub: str = "sub-init", client_state: str | None = SECRET, *, days: int = 90) -> dict:
    expires = (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
    return {"subscriptionId": sub, "clientState": client_state, "expirationDateTime": expires,
            "resource": "5f3c6e0e-0000-4000-8000-000000000001", "tenantId": "t", "siteUrl": "/sites/kk-it", "webId": "w"}


def send(handlers: dict[str, Handler], *entries: dict, raw: bytes | None = None, headers: dict | None = None):
    body = raw if raw is not None else json.dumps({"value": list(entries)}).encode()
    return handlers["webhook"](http_request(body=body, headers=headers))


@pytest.fixture
def subscribed(env: Env) -> Env:
    store = env.store()
    for key, sub_id in (("initiatives", "sub-init"), ("plans", "sub-plans")):
        store.put_subscription(env.scope, key, Subscription(sub_id, datetime.now(UTC) + timedelta(days=90),
                                                            client_state_hash(SECRET)))
    store.close()
    return env


def test_handshake_echoes_token_as_plain_text(handlers: dict[str, Handler], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KKSYNC_SITE_URL", "not a url")  # settings are not even read on this path
    started = time.perf_counter()
    response = handlers["webhook"](http_request(params={"validationtoken": "8a5c/+= token"}))
    elapsed = time.perf_counter() - started
    assert (response.status_code, response.mimetype, response.get_body()) == (200, "text/plain", b"8a5c/+= token")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert elapsed < 0.5
    raw = handlers["webhook"](_raw_url_request("a%2Bb%20c"))
    assert raw.get_body() == b"a+b c"
    assert handlers["webhook"](http_request(params={"validationtoken": "x" * 5000})).status_code == 400


def _raw_url_request(encoded: str):
    import azure.functions as func

    return func.HttpRequest("POST", f"http://127.0.0.1/api/webhook?validationtoken={encoded}", headers={},
                            params={}, route_params={}, body=b"")


def test_notification_enqueues_one_message_per_list(handlers: dict[str, Handler], subscribed: Env) -> None:
    response = send(handlers, notification(), notification(), notification("sub-plans"), notification())
    assert response.status_code == 202
    messages = [json.loads(m) for m in subscribed.visible()]
    assert sorted(m["list"] for m in messages) == ["initiatives", "plans"]
    assert {m["scope"] for m in messages} == {subscribed.scope}
    store = subscribed.store()
    assert store.last_notification_at(subscribed.scope, "initiatives") is not None
    store.close()


def test_replayed_notification_is_coalesced(handlers: dict[str, Handler], subscribed: Env, caplog) -> None:
    caplog.set_level(logging.INFO, "kksync.functions")
    assert send(handlers, notification()).status_code == 202
    assert send(handlers, notification()).status_code == 202  # the same body again, before processing
    assert len(subscribed.visible()) == 1
    assert "already queued ['initiatives']" in caplog.text
    # A replay of a notification from a subscription period that has ended is dropped.
    assert send(handlers, notification(days=-1), notification("sub-plans", days=-1)).status_code == 202
    assert len(subscribed.visible()) == 1
    assert "expired subscription" in caplog.text


@pytest.mark.parametrize("client_state", ["wrong-secret", None, SECRET.upper(), SECRET + " "])
def test_wrong_or_missing_client_state_is_refused(handlers: dict[str, Handler], subscribed: Env, caplog,
                                                  client_state: str | None) -> None:
    caplog.set_level(logging.INFO, "kksync.functions")
    response = send(handlers, notification(client_state=client_state))
    assert response.status_code == 403
    assert subscribed.visible() == []
    assert "refused notification for subscription sub-init" in caplog.text
    assert SECRET not in caplog.text and (client_state is None or client_state not in caplog.text)


def test_unknown_subscription_is_ignored(handlers: dict[str, Handler], subscribed: Env, caplog) -> None:
    caplog.set_level(logging.INFO, "kksync.functions")
    assert send(handlers, notification("someone-elses")).status_code == 202
    assert subscribed.visible() == []
    assert "ignored notification for subscription someone-elses: unknown subscription" in caplog.text


@pytest.mark.parametrize(
    ("raw", "headers", "status"),
    [
        (b"<xml/>", None, 400),
        (b'{"value": {"subscriptionId": "sub-init"}}', None, 400),
        (b'{"value": [{"clientState": "x"}]}', None, 400),
        (b"{" + b" " * (10 * 1024 * 1024) + b"}", None, 413),
        (b"{}", {"Content-Length": str(10 * 1024 * 1024)}, 413),
    ],
    ids=["not-json", "wrong-shape", "missing-fields", "10MB", "declared-10MB"],
)
def test_malformed_and_oversized_bodies(handlers: dict[str, Handler], subscribed: Env, caplog, raw: bytes,
                                        headers: dict | None, status: int) -> None:
    caplog.set_level(logging.INFO, "kksync.functions")
    response = send(handlers, raw=raw, headers=headers)
    assert response.status_code == status
    assert subscribed.visible() == []
    assert f"webhook refused ({status})" in caplog.text
    assert len(caplog.text) < 10_000  # the body is not logged


def test_without_configured_secret_nothing_is_accepted(handlers: dict[str, Handler], subscribed: Env, caplog,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KKSYNC_WEBHOOK_CLIENT_STATE")
    assert send(handlers, notification()).status_code == 503
    assert subscribed.visible() == []
    assert "KKSYNC_WEBHOOK_CLIENT_STATE" in caplog.text


def test_notification_answers_fast(handlers: dict[str, Handler], subscribed: Env) -> None:
    send(handlers, notification("sub-plans"))  # warm: first use opens the table store and the queue
    started = time.perf_counter()
    assert send(handlers, notification()).status_code == 202
    assert time.perf_counter() - started < 1.0
