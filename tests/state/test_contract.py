"""Run the state-store contract against every backend: SQLite (file and memory) and Azurite."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.storage.blob import BlobLeaseClient

from kksync.state import SqliteStateStore, StateStore
from kksync.state.base import Lease
from tests.state.contract import StateStoreContract
from tests.state.lease_contract import FakeClock


class SqliteTime:
    """SQLite leases expire by the store's clock: the tests move it."""

    clock: FakeClock

    @pytest.fixture(autouse=True)
    def _clock(self) -> None:
        self.clock = FakeClock()

    def advance(self, store: StateStore, seconds: float) -> None:
        self.clock.advance(seconds)

    def lapse(self, store: StateStore, lease: Lease) -> None:
        self.clock.advance(lease.ttl_seconds + 1)


class TestSqliteFile(SqliteTime, StateStoreContract):
    @pytest.fixture
    def store(self, sqlite_path: Path, _clock: None) -> Iterator[StateStore]:
        with SqliteStateStore(sqlite_path, clock=self.clock) as store:
            yield store


class TestSqliteMemory(SqliteTime, StateStoreContract):
    @pytest.fixture
    def store(self, _clock: None) -> Iterator[StateStore]:
        with SqliteStateStore(":memory:", clock=self.clock) as store:
            yield store


@pytest.mark.azurite
class TestAzurite(StateStoreContract):
    @pytest.fixture
    def store(self, azure_store_factory: Callable[[], StateStore]) -> StateStore:
        return azure_store_factory()

    def advance(self, store: StateStore, seconds: float) -> None:
        """The blob service keeps time; the shortest lease is 15 s, and the tests do not wait for it."""

    def lapse(self, store: StateStore, lease: Lease) -> None:
        # What the service does when a lease's duration runs out, without waiting 15 s for it: the lease
        # ends without being released, and the next acquire succeeds.
        blobs: Any = store._blobs  # type: ignore[attr-defined]
        blob = blobs.get_blob_client(f"leases/{_segment(lease.scope)}/{_segment(lease.list_key)}/lease")
        BlobLeaseClient(blob).break_lease(lease_break_period=0)


def _segment(part: str) -> str:
    from kksync.state._azure_io import blob_prefix

    return blob_prefix("x", part)[2:-1]
