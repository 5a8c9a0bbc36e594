"""`kksync seed` → SharePoint → sync gives the same findings as the sample data itself.

The sample's deliberate data problems (a person who left, a deleted plan, a value outside a
choice column) are recreated on the site by the seeder, so they must come back through the real
mapping as the same findings.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kksync.app import build_client, build_directory
from kksync.checks import check_portfolio
from kksync.core.model import Portfolio
from kksync.sample import sample_portfolio
from kksync.services.provision import provision
from kksync.services.seed import DEPARTED_EMAIL, seed
from kksync.services.sync import SyncService
from kksync.settings import Settings
from kksync.state.sqlite import SqliteStateStore
from sp_emulator import EmulatorServer

NOW = datetime(2014, 6, 30, 12, tzinfo=UTC)


def _findings(portfolio: Portfolio) -> set[tuple[str | None, str | None, str]]:
    report = check_portfolio(portfolio, today=NOW.date(), now=NOW)
    return {(f.plan_key, f.initiative_key, f.rule) for f in report.findings}


def test_seeded_site_reports_the_sample_findings(tmp_path: Path) -> None:
    with EmulatorServer(db_path=tmp_path / "sp.db") as sp:
        settings = Settings(site_url=sp.url, state=str(tmp_path / "state.db"))
        client = build_client(settings)
        provision(client)
        assert not seed(client).skipped
        assert seed(client).skipped  # seeding twice does nothing
        sp.delete_account(DEPARTED_EMAIL)  # the colleague leaves as people do: in Entra ID, not on the site
        service = SyncService(client, SqliteStateStore(tmp_path / "state.db"), scope="seed", now=lambda: NOW,
                              directory=build_directory(settings))
        service.sync(full=True)
        synced = service.load_portfolio()

    expected = _findings(sample_portfolio())
    assert {k for _, k, r in expected if r == "RESP-OWNER-UNKNOWN"}  # the sample does hold each problem
    assert _findings(synced) == expected
