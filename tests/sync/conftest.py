"""A provisioned emulator site with a small, hand-made portfolio, and a sync service on it.

The emulator runs in-process (``testkit.emulator``): these tests are about the sync, not about HTTP,
which ``tests/sharepoint`` and ``sp_emulator/tests`` cover over loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kksync.services.provision import provision
from kksync.services.seed import seed_portfolio
from kksync.services.sync import SyncService
from kksync.settings import Settings
from kksync.sharepoint.client import SharePointClient
from kksync.state.sqlite import SqliteStateStore
from sp_emulator import EmulatorServer
from testkit.emulator import client_for, in_process_emulator
from testkit.scenarios import PEOPLE, small_portfolio

__all__ = ["PEOPLE", "Site", "site", "small_portfolio"]


@dataclass
class Site:
    sp: EmulatorServer
    client: SharePointClient
    store: SqliteStateStore
    service: SyncService
    settings: Settings

    def new_service(self, scope: str = "test") -> SyncService:
        return SyncService(self.client, self.store, scope=scope)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with in_process_emulator(tmp_path / "sp.db", notification_delay=0.05) as sp:
        settings = Settings(site_url=sp.url, state=str(tmp_path / "state.db"))
        client = client_for(sp, settings)
        provision(client)
        seed_portfolio(client, small_portfolio(), PEOPLE)
        store = SqliteStateStore(tmp_path / "state.db")
        service = SyncService(client, store, scope="test")
        yield Site(sp, client, store, service, settings)
        store.close()
