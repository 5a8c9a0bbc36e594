"""Pure notification parsing and validation (no Azure, no network)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from kksync.services.processor import ChangeMessage, MemoryChangeQueue, Receipt, change_time, receive_notifications
from kksync.services.webhooks import (
    MAX_BODY_BYTES,
    WebhookRejected,
    client_state_hash,
    client_state_ok,
    parse_notifications,
    parse_sp_datetime,
    route_notifications,
    validation_token,
)
from kksync.state import SqliteStateStore
from kksync.state.base import Subscription

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
SECRET = "a-client-state-secret-of-some-length"
SUBS = {
    "initiatives": Subscription("aaaa-1", NOW + timedelta(days=90), client_state_hash(SECRET)),
    "plans": Subscription("bbbb-2", NOW + timedelta(days=90), client_state_hash(SECRET)),
}


def entry(sub: str = "aaaa-1", client_state: str | None = SECRET, expires: datetime = NOW + timedelta(days=90)) -> dict:
    return {"subscriptionId": sub, "clientState": client_state, "expirationDateTime": expires.strftime("%Y-%m-%dT%H:%M:%S.0000000Z"),
            "resource": "{11111111-2222-3333-4444-555555555555}", "tenantId": "t", "siteUrl": "/sites/kk-it", "webId": "w"}


def body(*entries: dict) -> bytes:
    return json.dumps({"value": list(entries)}).encode()


def test_parse_and_dedupe_per_list() -> None:
    notes = parse_notifications(body(entry(), entry("AAAA-1"), entry("bbbb-2"), entry()))
    assert notes[0].resource == "11111111-2222-3333-4444-555555555555"
    assert notes[0].expiration == NOW + timedelta(days=90)
    routing = route_notifications(notes, SUBS, secret=SECRET, now=NOW)
    assert routing.lists == ["initiatives", "plans"] and not routing.refused and not routing.ignored


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"", 400), (b"not json", 400), (b"\xff\xfe", 400), (b"[]", 400), (b'{"value": []}', 400),
        (b'{"value": "x"}', 400), (b'{"value": [1]}', 400), (b'{"value": [{"clientState": "x"}]}', 400),
        (b'{"value": [{"subscriptionId": 5, "resource": "r"}]}', 400),
        (b'{"value": [{"subscriptionId": "s"}]}', 400),
    ],
)
def test_malformed_bodies_are_rejected(raw: bytes, status: int) -> None:
    with pytest.raises(WebhookRejected) as caught:
        parse_notifications(raw)
    assert caught.value.status == status


def test_size_limits_check_header_and_actual_length() -> None:
    small = body(entry())
    with pytest.raises(WebhookRejected) as declared:
        parse_notifications(small, content_length=str(10 * 1024 * 1024))
    big = b'{"value": [' + b" " * (MAX_BODY_BYTES + 1) + b"]}"
    with pytest.raises(WebhookRejected) as actual:
        parse_notifications(big, content_length="12")  # a lying header does not help
    with pytest.raises(WebhookRejected) as bad:
        parse_notifications(small, content_length="lots")
    assert (declared.value.status, actual.value.status, bad.value.status) == (413, 413, 400)


def test_client_state_is_checked_against_secret_and_stored_hash() -> None:
    stored = client_state_hash(SECRET)
    assert client_state_ok(SECRET, secret=SECRET, expected_hash=stored)
    assert not client_state_ok(SECRET + "x", secret=SECRET, expected_hash=stored)
    assert not client_state_ok(None, secret=SECRET, expected_hash=stored)
    assert not client_state_ok("", secret="", expected_hash=client_state_hash(""))
    # Rotated secret: the subscription still carries the old one until renewal re-registers it.
    assert not client_state_ok("old-secret", secret=SECRET, expected_hash=client_state_hash("old-secret"))
    assert SECRET not in stored


def test_refused_ignored_and_expired_entries() -> None:
    notes = parse_notifications(body(entry(client_state="wrong"), entry(client_state=None), entry("unknown"),
                                     entry(expires=NOW - timedelta(seconds=1))))
    routing = route_notifications(notes, SUBS, secret=SECRET, now=NOW)
    assert routing.lists == []
    assert [r.reason for r in routing.refused] == ["clientState does not match", "missing clientState"]
    assert [r.reason for r in routing.ignored] == ["unknown subscription", "expired subscription (replayed notification?)"]
    assert all(SECRET not in r.reason and "wrong" not in r.reason for r in routing.refused)


def test_validation_token_from_params_or_raw_url() -> None:
    assert validation_token({"validationToken": "abc"}) == "abc"
    assert validation_token({}, "https://x/api/webhook?validationtoken=a%2Bb%20c%3D") == "a+b c="
    assert validation_token({"code": "k"}, "https://x/api/webhook") is None


def test_sp_datetimes() -> None:
    assert parse_sp_datetime("2026-03-01T12:00:00.1234567Z") == datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert parse_sp_datetime("2026-03-01T12:00:00") == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert parse_sp_datetime("soon") is None and parse_sp_datetime(None) is None


def test_change_time_from_token() -> None:
    ticks = 621_355_968_000_000_000 + int(NOW.timestamp()) * 10_000_000
    assert change_time(f"1;3;list-id;{ticks};42") == NOW
    assert change_time("garbage") is None


def test_message_roundtrip_and_bad_messages() -> None:
    from kksync.services.processor import BadMessage

    message = ChangeMessage("initiatives", "scope#default", "throttled", 2)
    assert ChangeMessage.decode(message.encode()) == message
    for raw in (b"{", b"[]", b'{"v": 1, "list": "nope", "scope": "s"}', b'{"v": 9, "list": "plans", "scope": "s"}'):
        with pytest.raises(BadMessage):
            ChangeMessage.decode(raw)


def test_receive_coalesces_with_waiting_messages(tmp_path) -> None:
    store = SqliteStateStore(tmp_path / "s.db")
    for key, sub in SUBS.items():
        store.put_subscription("scope", key, sub)
    queue = MemoryChangeQueue()
    first = receive_notifications(body(entry(), entry("bbbb-2")), content_length=None, secret=SECRET, store=store,
                                  scope="scope", queue=lambda: queue, now=NOW)
    again = receive_notifications(body(entry()), content_length=None, secret=SECRET, store=store, scope="scope",
                                  queue=lambda: queue, now=NOW)
    assert (first.enqueued, first.status) == (["initiatives", "plans"], 202)
    assert (again.enqueued, again.coalesced, again.status) == ([], ["initiatives"], 202)
    assert [m.list_key for m, _ in queue.messages] == ["initiatives", "plans"]
    assert store.last_notification_at("scope", "initiatives") == NOW
    assert Receipt(refused=first.refused + again.refused).status == 202
    store.close()


def test_refused_request_never_opens_the_queue(tmp_path) -> None:
    store = SqliteStateStore(tmp_path / "s.db")
    store.put_subscription("scope", "initiatives", SUBS["initiatives"])

    def no_queue() -> MemoryChangeQueue:
        raise AssertionError("queue opened for a refused request")

    receipt = receive_notifications(body(entry(client_state="nope")), content_length=None, secret=SECRET, store=store,
                                    scope="scope", queue=no_queue, now=NOW)
    assert receipt.status == 403
    store.close()
