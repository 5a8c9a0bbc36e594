"""Fixtures for the state-store tests.

``azurite`` / ``azurite_connection_string`` are session-wide and meant to move to
``tests/conftest.py`` so the function-app tests can use Azurite's queue too. Tests using them must
fail, not skip, when Azurite cannot start; the helper raises with Azurite's output.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kksync.state import StateStore
from tests.azurite import Azurite, azurite


@pytest.fixture(scope="session")
def azurite_instance() -> Iterator[Azurite]:
    """One in-memory Azurite per test session (per xdist worker), on free loopback ports."""
    with azurite() as instance:
        yield instance


@pytest.fixture(scope="session")
def azurite_connection_string(azurite_instance: Azurite) -> str:
    """Connection string reaching Azurite's blob, queue and table endpoints."""
    return azurite_instance.connection_string


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
