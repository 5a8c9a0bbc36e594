"""The queue-triggered processor: throttling goes back to the queue, failures are logged towards poison."""

from __future__ import annotations

import json
import logging

import pytest

from kksync.errors import ThrottledError
from kksync.queues import ChangeMessage, MemoryChangeQueue
from sp_emulator import EmulatorServer

from .conftest import Env, Handler, queue_message

pytestmark = pytest.mark.azurite


@pytest.fixture
def synced(env: Env, site: EmulatorServer) -> EmulatorServer:
    from kksync.app import open_runtime
    from kksync.settings import load_settings

    runtime = open_runtime(load_settings())
    runtime.sync_service().sync(full=True)
    runtime.close()
    return site


def message(env: Env, list_key: str = "initiatives", **kwargs: object) -> str:
    return ChangeMessage(list_key, env.scope, **kwargs).encode()  # type: ignore[arg-type]


def test_throttling_beyond_the_budget_goes_back_to_the_queue(handlers: dict[str, Handler], env: Env,
                                                             synced: EmulatorServer, caplog) -> None:
    caplog.set_level(logging.INFO, "kksync.functions")
    synced.faults.add(status=429, retry_after=600, path_contains="getchanges")
    handlers["process_changes"](queue_message(message(env)))  # finishes: the runtime deletes this message
    assert env.visible() == []  # the new one is invisible for Retry-After ...
    assert env.queue().get_queue_properties().approximate_message_count == 1  # ... but there
    assert "list initiatives throttled; put back on the queue, visible again in 600 s" in caplog.text


def test_deferred_message_carries_the_delay_and_a_count(env: Env, synced: EmulatorServer) -> None:
    from kksync.app import open_runtime
    from kksync.settings import load_settings

    synced.faults.add(status=503, retry_after=90, path_contains="getchanges")
    queue = MemoryChangeQueue()
    runtime = open_runtime(load_settings())
    try:
        result = runtime.process_change(ChangeMessage("plans", env.scope, deferrals=3), queue=queue)
        assert (result.status, result.retry_after) == ("deferred", 90)
        assert queue.messages == [(ChangeMessage("plans", env.scope, "throttled", 4), 90)]
        with pytest.raises(ThrottledError):  # deferred often enough: let the runtime's retries take over
            runtime.process_change(ChangeMessage("plans", env.scope, deferrals=20), queue=queue)
    finally:
        runtime.close()


def test_redelivered_message_is_harmless(handlers: dict[str, Handler], env: Env, synced: EmulatorServer, caplog) -> None:
    caplog.set_level(logging.INFO, "kksync.functions")
    before = synced.request_log.op_counts()["update_item"]
    for attempt in (1, 2):
        handlers["process_changes"](queue_message(message(env), dequeue_count=attempt))
    assert synced.request_log.op_counts()["update_item"] == before
    assert caplog.text.count("list initiatives synced: 0 changed, 0 written") == 2


@pytest.mark.parametrize(("attempt", "expected"), [(1, "will be retried"), (5, "-poison")])
def test_failures_are_logged_and_raised_towards_poison(handlers: dict[str, Handler], env: Env, caplog,
                                                       monkeypatch: pytest.MonkeyPatch, attempt: int, expected: str) -> None:
    from kksync.errors import SharePointError
    from kksync.services.sync import SyncService

    def broken(self: SyncService, **kwargs: object) -> None:
        raise SharePointError("SharePoint svarede 500: Injected server error.", status=500)

    monkeypatch.setattr(SyncService, "sync", broken)
    with pytest.raises(SharePointError):  # the runtime must see it to retry and finally poison
        handlers["process_changes"](queue_message(message(env), dequeue_count=attempt, message_id="m-7"))
    record = next(r for r in caplog.records if "list initiatives failed" in r.getMessage())
    text = record.getMessage()
    assert expected in text and "Injected server error" in text
    if attempt == 5:
        assert record.levelno == logging.ERROR and "KKSYNC_ALERT" in text
        assert "moves message m-7 to kksync-changes-poison" in text  # the name the trigger was indexed with


@pytest.mark.parametrize("raw", [b"not json", b'{"v": 1, "list": "nope", "scope": "s"}'])
def test_bad_message_is_dropped_with_an_alert(handlers: dict[str, Handler], env: Env, caplog, raw: bytes) -> None:
    handlers["process_changes"](queue_message(raw))  # does not raise: retrying cannot help
    assert "KKSYNC_ALERT dropped queue message m-1" in caplog.text


def test_message_for_another_scope_is_skipped(handlers: dict[str, Handler], env: Env, synced: EmulatorServer,
                                              caplog) -> None:
    other = json.dumps({"v": 1, "list": "plans", "scope": "https://elsewhere/sites/x#default"})
    before = synced.request_log.total
    handlers["process_changes"](queue_message(other))
    assert "skipped: message for another site" in caplog.text
    assert synced.request_log.total == before
