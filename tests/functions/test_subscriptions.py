"""``subscribe``/``renew_expiring``/``unsubscribe`` against the emulator, with the real webhook answering."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from kksync.app import Runtime
from kksync.errors import ConfigError
from kksync.services.subscriptions import new_expiry, renew_expiring, subscribe, unsubscribe
from kksync.services.webhooks import client_state_hash
from sp_emulator import EmulatorServer

from .conftest import SECRET, Env, WebhookAdapter

pytestmark = pytest.mark.azurite


@pytest.fixture
def runtime(env: Env, site: EmulatorServer, adapter: WebhookAdapter) -> Iterator[Runtime]:
    from kksync.app import open_runtime
    from kksync.settings import load_settings

    opened = open_runtime(load_settings())
    yield opened
    opened.close()


def test_subscribe_is_idempotent_and_adopts_after_state_loss(runtime: Runtime, site: EmulatorServer,
                                                             adapter: WebhookAdapter) -> None:
    created = subscribe(runtime, adapter.url, SECRET)
    assert {r.action for r in created} == {"created"} and len(created) == 8
    assert {s["clientState"] for s in site.store.subscriptions.values()} == {SECRET}
    assert {s.client_state_hash for s in runtime.store.subscriptions(runtime.scope).values()} == {client_state_hash(SECRET)}

    again = subscribe(runtime, adapter.url, SECRET)
    assert {r.action for r in again} == {"renewed"}
    assert [r.subscription_id for r in again] == [r.subscription_id for r in created]

    for key in runtime.store.subscriptions(runtime.scope):
        runtime.store.delete_subscription(runtime.scope, key)  # state lost: take over, do not duplicate
    adopted = subscribe(runtime, adapter.url, SECRET)
    assert {r.action for r in adopted} == {"adopted"} and len(site.store.subscriptions) == 8


def test_rotated_secret_is_pushed_by_renewal(runtime: Runtime, site: EmulatorServer, adapter: WebhookAdapter) -> None:
    subscribe(runtime, adapter.url, SECRET)
    rotated = "a-brand-new-client-state-value"
    results = renew_expiring(runtime, datetime.now(UTC), client_state=rotated)
    assert {r.action for r in results} == {"renewed"}
    assert {s["clientState"] for s in site.store.subscriptions.values()} == {rotated}
    assert {r.action for r in renew_expiring(runtime, datetime.now(UTC), client_state=rotated)} == {"kept"}


def test_unsubscribe_removes_ours(runtime: Runtime, site: EmulatorServer, adapter: WebhookAdapter) -> None:
    subscribe(runtime, adapter.url, SECRET)
    site.store.delete_subscription(next(iter(site.store.subscriptions)))  # one already gone remotely
    assert len(unsubscribe(runtime)) == 8
    assert site.store.subscriptions == {} and runtime.store.subscriptions(runtime.scope) == {}


def test_configuration_is_checked(runtime: Runtime) -> None:
    with pytest.raises(ConfigError, match="NOTIFICATION_URL"):
        subscribe(runtime, "http://example.com/api/webhook", SECRET)
    with pytest.raises(ConfigError, match="16–128"):
        subscribe(runtime, "https://kksync.azurewebsites.net/api/webhook", "short")


def test_expiry_stays_within_180_days() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert now + timedelta(days=179) < new_expiry(now) < now + timedelta(days=180)
