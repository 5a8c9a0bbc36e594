"""Reminder tests: the sample portfolio, the shipped governance (with contacts where a test wants them),
an in-process emulator serving Microsoft Graph's ``sendMail``, and a SQLite ledger on disk."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kksync.checks import check_portfolio, load_governance
from kksync.checks.findings import CheckReport
from kksync.core.model import Completeness, Portfolio
from kksync.sample import sample_portfolio
from testkit.emulator import in_process_emulator

PLAN = "FHP-2013-2014"
DECISION = date(2012, 10, 4)
SENDER = "it-strategi@kk.dk"
SITE = "https://kk.sharepoint.com/sites/it-strategi"


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC)


def report_for(portfolio: Portfolio, day: date) -> CheckReport:
    return check_portfolio(portfolio, governance=load_governance(), today=day, now=at(day))


def responsible(portfolio: Portfolio, day: date, plan_key: str = PLAN) -> dict[str, set[str]]:
    """Independently of the planner: address → keys of the incomplete initiatives it owns or manages."""
    report = report_for(portfolio, day)
    plan = portfolio.plan_by_key(plan_key)
    assert plan is not None and plan.id is not None
    wanted: dict[str, set[str]] = {}
    for initiative in portfolio.initiatives_of(plan.id):
        if initiative.id is None or report.completeness.get(initiative.id) is not Completeness.MANGLER:
            continue
        for person in (initiative.project_owner, initiative.project_manager):
            if person is not None and person.email:
                wanted.setdefault(person.email.lower(), set()).add(initiative.key)
    return wanted


def days(start: date, end: date) -> Iterator[date]:
    while start <= end:
        yield start
        start += timedelta(days=1)


@pytest.fixture
def portfolio() -> Portfolio:
    return sample_portfolio()


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[object]:
    with in_process_emulator(tmp_path / "sp.db") as server:
        server.add_user(SENDER, "It-strategi (kksync)")
        yield server
