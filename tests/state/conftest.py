"""Fixtures for the state-store tests.

The session-wide Azurite fixtures live in ``tests/conftest.py`` (shared with the function-app tests).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kksync.state import StateStore


@pytest.fixture
def azure_store_factory(azurite_connection_string: str) -> Iterator[Callable[..., StateStore]]:
    """Opens ``AzureStateStore``s on a prefix private to this test, so tests share Azurite, not data."""
    from kksync.state.azure import AzureStateStore

    prefix = "t" + uuid.uuid4().hex[:12]
    opened: list[AzureStateStore] = []

    def open_store(**kwargs: object) -> StateStore:
        store = AzureStateStore(azurite_connection_string, prefix=prefix, **kwargs)  # type: ignore[arg-type]
        opened.append(store)
        return store

    yield open_store
    for store in opened:
        store.close()


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "kksync.db"
