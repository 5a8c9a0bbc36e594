"""Pacing: the nightly reconcile stays under its budget minute by minute; the webhook path still gets through.

The emulator charges the app's resource units with SharePoint's prices and limits (``ru_per_minute``),
sends ``RateLimit-*`` headers from 80 % and answers 429 once a minute's budget is spent. One virtual
clock drives the emulator's minutes and both transports' waits, so the test takes no real time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from office365.runtime.http.request_options import RequestOptions

from kksync.app import Runtime
from kksync.checks.governance import load_governance
from kksync.core.budget import MinuteBudget
from kksync.queues import ChangeMessage, MemoryChangeQueue
from kksync.services.processor import ProcessResult, process_change
from kksync.services.provision import provision
from kksync.services.seed import seed_portfolio
from kksync.services.sync import SyncService
from kksync.settings import Settings
from kksync.sharepoint.client import SharePointClient
from kksync.sharepoint.pricing import request_units
from kksync.state.sqlite import SqliteStateStore
from sp_emulator import EmulatorServer
from sp_emulator.transport import EmulatorTransport
from testkit.emulator import client_for, in_process_emulator
from testkit.scenarios import PEOPLE, small_portfolio

SERVER_BUDGET = 40  # the emulator's minute budget for the app (a tiny tenant)
BULK_BUDGET = 10  # the reconcile's (a quarter here, so that a small site's reconcile takes minutes)
SCOPE = "test"
N = 250  # initiatives: several pages of 100 per list


@dataclass
class Clock:
    now: float = 10_000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class Recorded(EmulatorTransport):
    """The in-process transport, noting (clock time, resource units) of every request it carries."""

    def __init__(self, server: EmulatorServer, clock: Clock) -> None:
        super().__init__(server)
        self.clock = clock
        self.sent: list[tuple[float, int]] = []

    def execute(self, request: RequestOptions) -> requests.Response:
        data = request.data if isinstance(request.data, bytes | str) else None
        self.sent.append((self.clock(), request_units(request.headers.get("X-HTTP-Method", str(request.method)),
                                                      request.url, data)))
        return super().execute(request)


def _windows_hold(sent: list[tuple[float, int]], limit: int) -> bool:
    """Every 60 seconds starting at a request hold at most ``limit`` units."""
    return all(sum(u for t, u in sent if start <= t < start + 60) <= limit for start, _ in sent)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sp(tmp_path: Path, clock: Clock) -> Iterator[EmulatorServer]:
    with in_process_emulator(tmp_path / "sp.db", rate_clock=clock) as server:
        setup = client_for(server, Settings(site_url=server.url, state=":memory:"))
        provision(setup)
        seed_portfolio(setup, small_portfolio(N), PEOPLE)
        # Synced once, warnings written: the nightly reconcile that follows is the routine one, a full read.
        with SqliteStateStore(tmp_path / "state.db") as store:
            SyncService(setup, store, scope=SCOPE).sync(full=True)
        server.budget.per_minute = SERVER_BUDGET  # from now on the app's budget is SharePoint's, and small
        server.budget.reset()
        yield server


def _client(sp: EmulatorServer, clock: Clock, settings: Settings) -> tuple[SharePointClient, Recorded]:
    from kksync.app import build_client

    client = build_client(settings)
    recorded = Recorded(sp, clock)
    client.transport.inner = recorded
    client.transport.retrier.sleep = clock.sleep
    client.transport.retrier.clock = clock
    return client, recorded


def test_a_reconcile_stays_under_its_budget_and_the_webhook_path_gets_through(
    sp: EmulatorServer, clock: Clock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(site_url=sp.url, state=str(tmp_path / "state.db"), bulk_ru_per_minute=BULK_BUDGET,
                        graph_enabled=False, page_size=100, batch_size=5)
    nightly, nightly_sent = _client(sp, clock, settings)
    assert nightly.transport.budget is not None and nightly.transport.budget.per_minute == BULK_BUDGET
    store = SqliteStateStore(tmp_path / "state.db")
    runtime = Runtime(settings, nightly, store, SCOPE, load_governance(None))

    # The queue-triggered function: its own invocation, client and store, never inside the bulk budget.
    webhook, webhook_sent = _client(sp, clock, settings)
    webhook_store = SqliteStateStore(tmp_path / "state.db")
    queue = MemoryChangeQueue()
    results: list[tuple[float, float, ProcessResult]] = []
    started = clock.now
    sleep = clock.sleep

    def paced_sleep(seconds: float) -> None:
        # While the reconcile waits for its budget, a department saves an edit and its notification is processed.
        if not results and nightly.transport.paced >= 3:
            sp.edit_item(_title("focus_areas"), 1, {"Title": "Omdøbt af afdelingen"})
            saved = clock.now
            result = process_change(webhook, webhook_store, ChangeMessage("focus_areas", SCOPE), scope=SCOPE, queue=queue)
            results.append((saved, clock.now - saved, result))
        sleep(seconds)

    nightly.transport.retrier.sleep = paced_sleep
    with caplog.at_level(logging.INFO, logger="kksync.sharepoint"):
        report = runtime.reconcile(renew=False)
    finished = clock.now

    # It finished: every list read in full, and it took the minutes its budget needed.
    assert report.outcome is not None and set(report.outcome.lists) >= {"focus_areas", "initiatives"}
    assert len(store.item_ids(SCOPE, "initiatives")) == N
    units = report.outcome.resource_units
    assert units == sum(u for _, u in nightly_sent.sent) > 3 * BULK_BUDGET
    assert finished - started >= 60 * (units // BULK_BUDGET - 1)
    # Minute by minute: the reconcile under its own budget, the app under SharePoint's, never throttled.
    assert _windows_hold(nightly_sent.sent, BULK_BUDGET)
    assert all(m <= SERVER_BUDGET for m in sp.budget.per_window(started))
    assert sp.budget.throttled == 0 and not any(e.status == 429 for e in sp.request_log.entries)
    # The webhook path got through while the reconcile ran, not held by the reconcile's budget.
    [(at, took, result)] = results
    assert started < at < finished and result.status == "done" and result.outcome is not None
    assert result.outcome.changed == 1
    assert webhook_sent.sent and took < 60  # paced at most by SharePoint's headers, within the minute
    assert webhook.transport.budget is not None and webhook.transport.budget.used(clock.now) == 0
    assert "Omdøbt af afdelingen" in webhook_store.get_items(SCOPE, "focus_areas", [1])[1].record_json
    # And it says so: in the log while it waits, in the reconcile's notes after.
    assert any("ressourceenheder i minuttet" in r.getMessage() for r in caplog.records)
    assert any("for at holde SharePoints budget" in note for note in report.notes)
    store.close()
    webhook_store.close()


def _title(key: str) -> str:
    from kksync.core.schema import list_schema

    return list_schema(key).title


def test_a_budget_of_the_default_tier_is_half_its_minute() -> None:
    settings = Settings()
    assert settings.licence_tier == "15k-50k" and settings.bulk_budget_per_minute == 2_400
    assert Settings(licence_tier="0-1k").bulk_budget_per_minute == 600
    assert isinstance(MinuteBudget(settings.bulk_budget_per_minute), MinuteBudget)
