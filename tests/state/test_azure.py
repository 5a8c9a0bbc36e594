"""Azure-specific behaviour against Azurite: storage limits, blob housekeeping, partial batches, failures."""

from __future__ import annotations

import random
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from azure.core.exceptions import ServiceRequestError
from azure.storage.blob import BlobServiceClient

from kksync.errors import StateError
from kksync.state import ChangeRecord, RunRecord, StateStore, open_state_store
from kksync.state._azure_io import INLINE_LIMIT
from kksync.state.azure import AzureStateStore, expand_connection_string
from testkit.azurite import ACCOUNT_KEY
from tests.state.contract import item

pytestmark = pytest.mark.azurite
Factory = Callable[..., StateStore]
L = "initiativer"


def _noise(size: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("abcdefghijæøå🚀0123456789") for _ in range(size))


def _blob_names(connection_string: str, store: StateStore) -> list[str]:
    assert isinstance(store, AzureStateStore)
    service = BlobServiceClient.from_connection_string(connection_string)
    return sorted(service.get_container_client(f"{store._prefix}-state").list_blob_names())


def test_entities_respect_table_limits(azure_store_factory: Factory) -> None:
    store = azure_store_factory()
    assert isinstance(store, AzureStateStore)
    items = [item(1, record_json=_noise(200_000)), item(2, record_json="å" * 200_000), item(3)]
    store.commit("s", L, upserts=items, deletes=[], token="t")
    entities = {int(e["RowKey"]): e for e in store._items.list_entities()}
    assert "blob" in entities[1] and "body" not in entities[1]
    assert "body" in entities[2] and "body" in entities[3]
    for entity in entities.values():
        for value in entity.values():
            if isinstance(value, bytes | str):
                assert len(value) <= INLINE_LIMIT


def test_large_item_blobs_are_cleaned_up(azure_store_factory: Factory, azurite_connection_string: str) -> None:
    store = azure_store_factory()
    store.commit("s", L, upserts=[item(1, record_json=_noise(100_000)), item(2)], deletes=[], token="t1")
    assert len(_blob_names(azurite_connection_string, store)) == 1
    store.commit("s", L, upserts=[item(1, record_json=_noise(100_000, seed=2))], deletes=[], token="t2")
    assert len(_blob_names(azurite_connection_string, store)) == 1
    store.commit("s", L, upserts=[item(1)], deletes=[], token="t3")
    assert _blob_names(azurite_connection_string, store) == []
    store.commit("s", L, upserts=[item(1, record_json=_noise(100_000))], deletes=[], token="t4")
    store.commit("s", L, upserts=[], deletes=[1], token="t5")
    assert _blob_names(azurite_connection_string, store) == []
    store.commit("s", L, upserts=[item(1, record_json=_noise(100_000))], deletes=[], token="t6")
    store.reset("s")
    assert _blob_names(azurite_connection_string, store) == []


class _FailingTable:
    """Wraps a TableClient; the n-th batch transaction fails like a dropped connection."""

    def __init__(self, table: Any, fail_on: int) -> None:
        self._table = table
        self._fail_on = fail_on
        self.calls = 0

    def submit_transaction(self, operations: Any) -> Any:
        self.calls += 1
        if self.calls == self._fail_on:
            raise ServiceRequestError("Connection reset by peer")
        return self._table.submit_transaction(operations)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)


def test_crash_between_batches_keeps_token(azure_store_factory: Factory) -> None:
    store = azure_store_factory()
    assert isinstance(store, AzureStateStore)
    store.commit("s", L, upserts=[item(i) for i in range(1, 301)], deletes=[], token="t1")
    changed = [item(i, fp="f2") for i in range(1, 301)]
    real = store._items
    store._items = _FailingTable(real, fail_on=2)
    with pytest.raises(StateError, match="gem elementer"):
        store.commit("s", L, upserts=changed, deletes=[], token="t2")
    store._items = real
    assert store.get_token("s", L) == "t1"
    loaded = store.load_items("s", L)
    assert len(loaded) == 300 and {i.fingerprint for i in loaded.values()} == {"f1", "f2"}
    store.commit("s", L, upserts=changed, deletes=[], token="t2")
    assert store.get_token("s", L) == "t2"
    assert all(i.fingerprint == "f2" for i in store.load_items("s", L).values())


def test_large_run_goes_to_a_blob(azure_store_factory: Factory, azurite_connection_string: str) -> None:
    store = azure_store_factory()
    changes = [ChangeRecord(L, i, "added", _noise(30, seed=i)) for i in range(10_000)]
    record = RunRecord("r1", "s", datetime(2024, 1, 1, tzinfo=UTC), changes=changes)
    store.record_run(record)
    assert any(name.startswith("runs/") for name in _blob_names(azurite_connection_string, store))
    assert store.runs("s") == [record]
    finished = RunRecord("r1", "s", datetime(2024, 1, 1, tzinfo=UTC), note="kort")
    store.record_run(finished)
    assert store.runs("s") == [finished]
    assert _blob_names(azurite_connection_string, store) == []


def test_a_second_store_sees_the_same_state(azure_store_factory: Factory) -> None:
    first, second = azure_store_factory(), azure_store_factory()
    first.commit("s", L, upserts=[item(1)], deletes=[], token="t1")
    assert second.get_token("s", L) == "t1"
    assert second.load_items("s", L) == {1: item(1)}


def test_factory_opens_azure_store(azurite_connection_string: str) -> None:
    with open_state_store(azurite_connection_string, prefix="tfactory") as store:
        assert isinstance(store, AzureStateStore) and isinstance(store, StateStore)
        store.commit("s", L, upserts=[], deletes=[], token="t")
        assert store.get_token("s", L) == "t"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_storage_raises_state_error_quickly() -> None:
    port = _closed_port()
    endpoint = f"http://127.0.0.1:{port}/devstoreaccount1"
    connection = (
        f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={ACCOUNT_KEY};"
        f"BlobEndpoint={endpoint};TableEndpoint={endpoint};"
    )
    started = time.monotonic()
    with pytest.raises(StateError, match="Azure Storage"):
        AzureStateStore(connection, retry_total=0)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("connection", ["AccountName=x;AccountKey=not base64!", "AccountName=;"])
def test_bad_connection_string_raises_state_error(connection: str) -> None:
    with pytest.raises(StateError):
        AzureStateStore(connection, retry_total=0)


@pytest.mark.parametrize("prefix", ["", "ab", "Kksync", "kk-sync", "1abc", "a" * 41])
def test_bad_prefix_raises_state_error(prefix: str) -> None:
    with pytest.raises(StateError, match="Præfikset"):
        AzureStateStore("UseDevelopmentStorage=true", prefix=prefix)


def test_development_storage_shorthand() -> None:
    assert "127.0.0.1:10002" in expand_connection_string("UseDevelopmentStorage=true;")
    assert expand_connection_string("AccountName=a;AccountKey=b") == "AccountName=a;AccountKey=b"
