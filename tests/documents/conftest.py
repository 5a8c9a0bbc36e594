from __future__ import annotations

import pytest

from kksync.checks.findings import CheckReport
from kksync.core.model import Portfolio
from kksync.core.snapshots import Snapshot, snapshot_of
from testkit.scenarios import JOINT, STATUS_DATE, documents_portfolio, documents_report


@pytest.fixture(scope="session")
def portfolio() -> Portfolio:
    return documents_portfolio(12)


@pytest.fixture(scope="session")
def snapshot(portfolio: Portfolio) -> Snapshot:
    return snapshot_of(portfolio, JOINT, STATUS_DATE)


@pytest.fixture(scope="session")
def report(portfolio: Portfolio) -> CheckReport:
    return documents_report(portfolio)
