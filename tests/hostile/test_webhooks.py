"""Hostile webhook bodies: refused with a status and a Danish reason, or accepted; never a traceback.

Every case runs through ``receive_notifications`` (what the function calls) with a SQLite store and an
in-memory queue, and, unless it enqueues (which needs the Azure queue), through the real webhook
function too: the answer must be the expected status with a short plain-text reason, and the log
must hold neither a traceback, nor the body, nor the secret.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest

from kksync.services.processor import MemoryChangeQueue, receive_notifications
from kksync.services.webhooks import WebhookRejected, client_state_hash
from kksync.state import SqliteStateStore
from kksync.state.base import Subscription, make_scope
from tests.hostile.corpus import LIST_KEY, SECRET, SUBSCRIPTION, WEBHOOKS, WebhookCase

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
SITE = "http://127.0.0.1:8765/sites/kk-it"
SCOPE = make_scope(SITE)
IDS = [c.id for c in WEBHOOKS]


def _subscribe(path: Path) -> SqliteStateStore:
    store = SqliteStateStore(path)
    store.put_subscription(SCOPE, LIST_KEY, Subscription(SUBSCRIPTION, datetime(2099, 1, 1, tzinfo=UTC),
                                                        client_state_hash(SECRET)))
    return store


@pytest.mark.parametrize("case", WEBHOOKS, ids=IDS)
def test_receiver(case: WebhookCase, tmp_path: Path) -> None:
    store = _subscribe(tmp_path / "state.db")
    queue = MemoryChangeQueue()
    try:
        receipt = receive_notifications(case.body, content_length=case.content_length, secret=SECRET, store=store,
                                        scope=SCOPE, queue=lambda: queue, now=NOW)
    except WebhookRejected as error:
        assert error.status == case.status
        assert str(error).startswith("Notifikationen") and len(str(error)) < 200
        assert SECRET not in str(error)
        return
    finally:
        store.close()
    assert receipt.status == case.status
    assert tuple(message.list_key for message, _ in queue.messages) == case.enqueued
    for refusal in [*receipt.refused, *receipt.ignored]:
        assert refusal.subscription_id.isprintable() and SECRET not in refusal.reason


@pytest.fixture(scope="module")
def webhook() -> Any:
    import function_app

    return next(f.get_user_function() for f in function_app.create_app().get_functions() if f.get_function_name() == "webhook")


@pytest.fixture
def function_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from functions import common

    for key in list(os.environ):
        if key.startswith("KKSYNC_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    _subscribe(tmp_path / "state.db").close()
    monkeypatch.setenv("KKSYNC_SITE_URL", SITE)
    monkeypatch.setenv("KKSYNC_STATE", str(tmp_path / "state.db"))
    monkeypatch.setenv("KKSYNC_WEBHOOK_CLIENT_STATE", SECRET)
    common.reset()
    yield
    common.reset()


@pytest.mark.parametrize("case", [c for c in WEBHOOKS if not c.enqueued], ids=[c.id for c in WEBHOOKS if not c.enqueued])
def test_webhook_function(case: WebhookCase, webhook: Any, function_env: None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    length = case.content_length if case.content_length is not None else str(len(case.body))
    request = func.HttpRequest("POST", "http://localhost:7071/api/webhook", headers={"Content-Type": "application/json",
                               "Content-Length": length}, params={}, route_params={}, body=case.body)
    response = webhook(request)
    assert response.status_code == case.status
    if case.status >= 400 and case.status != 403:
        reason = response.get_body().decode("utf-8")
        assert reason.startswith("Notifikationen") and response.mimetype == "text/plain"
    log = caplog.text
    assert "Traceback" not in log and SECRET not in log
    assert len(log) < 5_000  # the body is never logged
    assert all(record.getMessage().count("\n") == 0 for record in caplog.records)  # no forged log lines
