"""A provisioned emulator site with a small, hand-made portfolio, and a sync service on it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kksync.app import build_client
from kksync.core import model as m
from kksync.services.provision import provision
from kksync.services.seed import seed_portfolio
from kksync.services.sync import SyncService
from kksync.settings import Settings
from kksync.sharepoint.client import SharePointClient
from kksync.state.sqlite import SqliteStateStore
from sp_emulator import EmulatorServer

PEOPLE = [m.Person(id=1, name="Anne Holm", email="anne@kk.dk"), m.Person(id=2, name="Bo Lund", email="bo@kk.dk")]


def small_portfolio(n: int = 12) -> m.Portfolio:
    """A joint plan with ``n`` initiatives, every third one incomplete (no rank)."""
    plan = m.Plan(id=1, key="F2011", title="Fælles handlingsplan 2011-2012", kind=m.PlanKind.FAELLES,
                  period_start=date(2011, 1, 1), period_end=date(2012, 12, 31))
    initiatives = [
        m.Initiative(id=i, key=f"F11-{i:02d}", title=f"Initiativ {i}", plan_id=1, focus_area_ids=[1],
                     administration=list(m.Administration)[i % 7], rank=None if i % 3 == 0 else i,
                     project_owner=PEOPLE[0], project_manager=PEOPLE[1], purpose=f"Formål {i}")
        for i in range(1, n + 1)
    ]
    statuses = [m.StatusEntry(id=i, initiative_id=i, year=2012, baseline_cost=Decimal(1_000_000),
                              forecast_cost=Decimal(1_000_000 + 50_000 * i), baseline_end=date(2012, 12, 31),
                              forecast_end=date(2012, 12, 31)) for i in range(1, n + 1)]
    return m.Portfolio(focus_areas=[m.FocusArea(id=1, key="IO1", title="Fælles it-infrastruktur")], plans=[plan],
                       initiatives=initiatives, statuses=statuses)


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
    with EmulatorServer(db_path=tmp_path / "sp.db", notification_delay=0.05) as sp:
        settings = Settings(site_url=sp.url, state=str(tmp_path / "state.db"))
        client = build_client(settings)
        provision(client)
        seed_portfolio(client, small_portfolio(), PEOPLE)
        store = SqliteStateStore(tmp_path / "state.db")
        service = SyncService(client, store, scope="test")
        yield Site(sp, client, store, service, settings)
        store.close()
