"""Run the state-store contract against every backend: SQLite (file and memory) and Azurite."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kksync.state import SqliteStateStore, StateStore
from tests.state.contract import StateStoreContract


class TestSqliteFile(StateStoreContract):
    @pytest.fixture
    def store(self, sqlite_path: Path) -> Iterator[StateStore]:
        with SqliteStateStore(sqlite_path) as store:
            yield store


class TestSqliteMemory(StateStoreContract):
    @pytest.fixture
    def store(self) -> Iterator[StateStore]:
        with SqliteStateStore(":memory:") as store:
            yield store


@pytest.mark.azurite
class TestAzurite(StateStoreContract):
    @pytest.fixture
    def store(self, azure_store_factory: Callable[[], StateStore]) -> StateStore:
        return azure_store_factory()
