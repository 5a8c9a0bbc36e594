"""``subscribe``/``renew_expiring``/``unsubscribe`` against the emulator, with the real webhook answering."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from kksync.app import Runtime
from kksync.errors import ConfigError
from kksync.services.subscriptions import WebhookTarget, new_expiry, renew_expiring, subscribe, unsubscribe
from kksync.services.webhooks import client_state_hash
from kksync.settings import Settings
from sp_emulator import EmulatorServer

from .conftest import SECRET, Env, WebhookAdapter

if TYPE_CHECKING:
    from kksync.services.subscriptions import SubscriptionResult

pytestmark = pytest.mark.azurite


@pytest.fixture
def runtime(env: Env, site: EmulatorServer, adapter: WebhookAdapter) -> Iterator[Runtime]:
    from kksync.app import open_runtime
    from kksync.settings import load_settings

    opened = open_runtime(load_settings())
    yield opened
    opened.close()


def _target(runtime: Runtime, url: str | None = None, client_state: str | None = None) -> WebhookTarget:
    return WebhookTarget.from_settings(runtime.settings, notification_url=url, client_state=client_state)


def _subscribe(runtime: Runtime, url: str | None = None, client_state: str | None = None) -> list[SubscriptionResult]:
    return subscribe(runtime.client, runtime.store, scope=runtime.scope, target=_target(runtime, url, client_state))


def _renew(runtime: Runtime, client_state: str | None = None) -> list[SubscriptionResult]:
    return renew_expiring(runtime.client, runtime.store, scope=runtime.scope, target=_target(runtime, None, client_state),
                          now=datetime.now(UTC))


def test_subscribe_is_idempotent_and_adopts_after_state_loss(runtime: Runtime, site: EmulatorServer,
                                                             adapter: WebhookAdapter) -> None:
    created = _subscribe(runtime, adapter.url, SECRET)
    assert {r.action for r in created} == {"created"} and len(created) == 8
    assert {s["clientState"] for s in site.store.subscriptions.values()} == {SECRET}
    assert {s.client_state_hash for s in runtime.store.subscriptions(runtime.scope).values()} == {client_state_hash(SECRET)}

    again = _subscribe(runtime, adapter.url, SECRET)
    assert {r.action for r in again} == {"renewed"}
    assert [r.subscription_id for r in again] == [r.subscription_id for r in created]

    for key in runtime.store.subscriptions(runtime.scope):
        runtime.store.delete_subscription(runtime.scope, key)  # state lost: take over, do not duplicate
    adopted = _subscribe(runtime, adapter.url, SECRET)
    assert {r.action for r in adopted} == {"adopted"} and len(site.store.subscriptions) == 8


def test_rotated_secret_is_pushed_by_renewal(runtime: Runtime, site: EmulatorServer, adapter: WebhookAdapter) -> None:
    _subscribe(runtime)  # URL and secret from the settings
    rotated = "a-brand-new-client-state-value"
    results = _renew(runtime, rotated)
    assert {r.action for r in results} == {"renewed"}
    assert {s["clientState"] for s in site.store.subscriptions.values()} == {rotated}
    assert {r.action for r in _renew(runtime, rotated)} == {"kept"}


def test_unsubscribe_removes_ours(runtime: Runtime, site: EmulatorServer, adapter: WebhookAdapter) -> None:
    _subscribe(runtime, adapter.url, SECRET)
    site.store.delete_subscription(next(iter(site.store.subscriptions)))  # one already gone remotely
    assert len(unsubscribe(runtime.client, runtime.store, scope=runtime.scope)) == 8
    assert site.store.subscriptions == {} and runtime.store.subscriptions(runtime.scope) == {}


def test_moved_url_is_renewed_to_the_new_address(runtime: Runtime, site: EmulatorServer, adapter: WebhookAdapter) -> None:
    first = _subscribe(runtime, adapter.url, SECRET)
    moved = adapter.url + "?moved=1"  # same receiver, another address: SharePoint validates it again
    results = _subscribe(runtime, moved, SECRET)
    assert {r.action for r in results} == {"renewed"}
    assert [r.subscription_id for r in results] == [r.subscription_id for r in first]
    assert {s["notificationUrl"] for s in site.store.subscriptions.values()} == {moved}


def test_configuration_is_checked(runtime: Runtime) -> None:
    with pytest.raises(ConfigError, match="NOTIFICATION_URL"):
        _subscribe(runtime, "http://example.com/api/webhook", SECRET)
    with pytest.raises(ConfigError, match="16–128"):
        _subscribe(runtime, "https://kksync.azurewebsites.net/api/webhook", "short")


def test_target_from_settings_needs_both_url_and_secret() -> None:
    bare = Settings(site_url="http://127.0.0.1:9/sites/x", state=":memory:")
    with pytest.raises(ConfigError, match="kræver KKSYNC_NOTIFICATION_URL"):
        WebhookTarget.from_settings(bare, notification_url="https://kksync.azurewebsites.net/api/webhook")
    with pytest.raises(ConfigError, match="kræver KKSYNC_NOTIFICATION_URL"):
        WebhookTarget.from_settings(bare, client_state=SECRET)
    target = WebhookTarget.from_settings(bare, notification_url="https://kksync.azurewebsites.net/api/webhook",
                                         client_state=SECRET)
    assert (target.url, target.client_state) == ("https://kksync.azurewebsites.net/api/webhook", SECRET)
    assert SECRET not in repr(target)  # the clientState is a secret


def test_expiry_stays_within_180_days() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert now + timedelta(days=179) < new_expiry(now) < now + timedelta(days=180)
