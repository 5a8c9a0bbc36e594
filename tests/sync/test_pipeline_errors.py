"""The change pipeline catches only what it can handle: silence alerts, renewal, deferral (fakes for the ports).

A night that hides refused credentials or throttling behind "no silence alerts" is worse than a failed
night: those must reach the caller (the timer's retry, the operator).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kksync.core.schema import list_schema
from kksync.errors import (
    AuthError,
    ChangeTokenError,
    ConfigError,
    RetriableError,
    SharePointError,
    StateError,
    ThrottledError,
    UnreachableError,
)
from kksync.queues import ChangeMessage, MemoryChangeQueue
from kksync.services import processor
from kksync.services.webhooks import client_state_hash
from kksync.settings import Settings
from kksync.sharepoint.client import Change
from kksync.state.base import Subscription
from kksync.state.sqlite import SqliteStateStore
from tests.sync.fakes import FakeSharePoint, token_at

NOW = datetime.now(UTC).replace(microsecond=0)  # the sync reads token ages by the real clock
SCOPE = "http://127.0.0.1:9/sites/kk#default"
SECRET = "a-client-state-secret-of-some-length"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStateStore]:
    """A store with a change token and a subscription for the initiatives list."""
    state = SqliteStateStore(tmp_path / "state.db")
    state.commit(SCOPE, "initiatives", upserts=[], deletes=[], token=token_at(NOW - timedelta(days=1)))
    state.put_subscription(SCOPE, "initiatives", Subscription("sub-1", NOW + timedelta(days=90), client_state_hash(SECRET)))
    yield state
    state.close()


def _old_change() -> Change:
    return Change(1, "update", token_at(NOW - timedelta(hours=5), 2))


def _alerts(sp: FakeSharePoint, store: SqliteStateStore) -> list[processor.SilenceAlert]:
    return processor.silence_alerts(sp, store, scope=SCOPE, silence_minutes=180, now=NOW)


def _target() -> processor.WebhookTarget:
    settings = Settings(site_url="http://127.0.0.1:9/sites/kk", notification_url="http://127.0.0.1:7071/api/webhook",
                        webhook_client_state=SECRET)
    return processor.WebhookTarget.from_settings(settings)


def _reconcile(sp: FakeSharePoint, store: SqliteStateStore, *, target: processor.WebhookTarget | None = None
               ) -> processor.ReconcileReport:
    return processor.reconcile(sp, store, scope=SCOPE, target=target, silence_minutes=180, now=NOW)


# --- silence alerts ----------------------------------------------------------------------------------


def test_an_unnotified_old_change_raises_an_alert(store: SqliteStateStore) -> None:
    alerts = _alerts(FakeSharePoint(pending=[_old_change()]), store)
    assert [(a.list_key, a.pending_changes) for a in alerts] == [("initiatives", 1)]


def test_a_rejected_change_token_is_left_to_the_full_sync(store: SqliteStateStore) -> None:
    assert _alerts(FakeSharePoint(changes_error=ChangeTokenError("token too old")), store) == []


@pytest.mark.parametrize("error", [AuthError("401", status=401), ThrottledError("429", retry_after=30),
                                   UnreachableError("connection refused")], ids=["auth", "throttled", "unreachable"])
def test_silence_check_does_not_hide_auth_or_transient_failures(store: SqliteStateStore, error: Exception) -> None:
    with pytest.raises(type(error)):
        _alerts(FakeSharePoint(changes_error=error), store)


def test_silence_check_does_not_hide_a_failing_store(store: SqliteStateStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(scope: str, list_key: str) -> datetime | None:
        raise StateError("Azure Table svarer ikke")

    monkeypatch.setattr(store, "last_notification_at", broken)
    with pytest.raises(StateError):
        _alerts(FakeSharePoint(pending=[_old_change()]), store)


# --- renewal inside the reconcile ----------------------------------------------------------------------


def _renewal_fails(monkeypatch: pytest.MonkeyPatch, error: Exception) -> list[str]:
    calls: list[str] = []

    def renew(*args: object, **kwargs: object) -> list[object]:
        calls.append("renew")
        raise error

    monkeypatch.setattr(processor, "renew_expiring", renew)
    return calls


def test_without_a_target_nothing_is_renewed_and_the_sync_runs(store: SqliteStateStore,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _renewal_fails(monkeypatch, AssertionError("renewed without a target"))
    sp = FakeSharePoint()
    report = _reconcile(sp, store, target=None)
    assert calls == [] and report.notes == [] and report.outcome is not None
    assert list_schema("initiatives").title in sp.full_reads


def test_a_configuration_problem_is_noted_and_the_sync_runs(store: SqliteStateStore,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _renewal_fails(monkeypatch, ConfigError("KKSYNC_NOTIFICATION_URL mangler"))
    report = _reconcile(FakeSharePoint(), store, target=_target())
    assert report.notes == ["subscriptions not renewed: KKSYNC_NOTIFICATION_URL mangler"]
    assert report.outcome is not None


def test_sharepoint_refusing_a_subscription_is_an_alert_and_the_sync_runs(store: SqliteStateStore,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _renewal_fails(monkeypatch, SharePointError("validation of the notification URL failed", status=400))
    sp = FakeSharePoint()
    report = _reconcile(sp, store, target=_target())
    assert len(report.notes) == 1 and report.notes[0].startswith(f"{processor.ALERT_MARKER} subscription renewal failed")
    assert report.outcome is not None and sp.full_reads


@pytest.mark.parametrize("error", [AuthError("403", status=403), ThrottledError("503", retry_after=300, status=503),
                                   UnreachableError("timeout"), StateError("state store down")],
                         ids=["auth", "throttled", "unreachable", "state"])
def test_renewal_failures_the_sync_would_share_propagate(store: SqliteStateStore, monkeypatch: pytest.MonkeyPatch,
                                                         error: Exception) -> None:
    calls = _renewal_fails(monkeypatch, error)
    sp = FakeSharePoint()
    with pytest.raises(type(error)):
        _reconcile(sp, store, target=_target())
    assert calls == ["renew"] and sp.full_reads == []  # no long sync after a failure it would repeat


def test_the_target_from_settings_refuses_what_sharepoint_would() -> None:
    settings = Settings(site_url="http://127.0.0.1:9/sites/kk", webhook_client_state=SECRET)
    with pytest.raises(ConfigError):  # no notification URL
        processor.WebhookTarget.from_settings(settings)
    assert processor.WebhookTarget.from_settings(settings, notification_url="https://kk.example/api/webhook") is not None


# --- deferral of transient failures --------------------------------------------------------------------


@pytest.mark.parametrize(("error", "delay"), [(ThrottledError("429", retry_after=90.2), 91),
                                              (UnreachableError("connection reset"), processor.DEFAULT_DEFERRAL_SECONDS)],
                         ids=["throttled", "unreachable"])
def test_transient_failures_go_back_to_the_queue(store: SqliteStateStore, error: RetriableError, delay: int) -> None:
    queue = MemoryChangeQueue()
    sp = FakeSharePoint(changes_error=error)
    result = processor.process_change(sp, store, ChangeMessage("initiatives", SCOPE), scope=SCOPE, queue=queue)
    assert (result.status, result.retry_after) == ("deferred", delay)
    assert queue.messages == [(ChangeMessage("initiatives", SCOPE, "throttled", 1), delay)]


def test_a_fatal_failure_is_not_deferred(store: SqliteStateStore) -> None:
    queue = MemoryChangeQueue()
    sp = FakeSharePoint(changes_error=AuthError("401", status=401))
    with pytest.raises(AuthError):
        processor.process_change(sp, store, ChangeMessage("initiatives", SCOPE), scope=SCOPE, queue=queue)
    assert queue.messages == []
