"""The portfolio of larger IT projects (``kksync.checks.portfolio_overview``): who is in it, per year, and
totals that never count an initiative's figures twice."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from kksync.checks import check_portfolio, load_governance
from kksync.checks.portfolio_overview import PortfolioOverview, Totals, portfolio_overview
from kksync.core.model import (
    Administration,
    Initiative,
    ItProject,
    Light,
    Person,
    Plan,
    PlanKind,
    Portfolio,
    StatusEntry,
)
from kksync.sample import large_portfolio, sample_portfolio

MIO = Decimal(1_000_000)
OWNER = Person(id=7, name="Ejer Ejersen", email="ejer@kk.dk")
MANAGER = Person(id=8, name="Leder Ledersen", email="leder@kk.dk")


def _status(sid: int, iid: int, year: int, on: date, budget: int, spent: int, forecast: int,
            light: Light = Light.GROEN) -> StatusEntry:
    return StatusEntry(id=sid, initiative_id=iid, year=year, status_date=on, reported_light=light,
                       cost_light=light, schedule_light=Light.GUL, benefit_light=Light.GROEN,
                       nonfinancial_light=Light.ROED, baseline_cost=Decimal(budget) * MIO,
                       spent=Decimal(spent) * MIO, forecast_cost=Decimal(forecast) * MIO)


@pytest.fixture(scope="module")
def portfolio() -> Portfolio:
    plans = [
        Plan(id=1, key="FHP-A", title="Plan A", kind=PlanKind.FAELLES, period_start=date(2011, 1, 1), period_end=date(2012, 12, 31)),
        Plan(id=2, key="FHP-B", title="Plan B", kind=PlanKind.FAELLES, period_start=date(2013, 1, 1), period_end=date(2014, 12, 31)),
    ]
    initiatives = [
        Initiative(id=1, key="A-1", title="Fælles IAM", plan_id=1, administration=Administration.OKF, project_owner=OWNER,
                   project_manager=MANAGER),
        Initiative(id=2, key="B-1", title="Skolenet", plan_id=2, administration=Administration.BUF),
        Initiative(id=3, key="A-2", title="Lille ting", plan_id=1, administration=Administration.KFF),
    ]
    statuses = [
        _status(1, 1, 2011, date(2011, 12, 31), 20, 5, 22),
        _status(2, 1, 2012, date(2012, 6, 30), 20, 9, 21),
        _status(3, 1, 2012, date(2012, 12, 31), 20, 12, 25, Light.ROED),  # the year's latest: this one counts
        _status(4, 2, 2013, date(2013, 12, 31), 10, 2, 10, Light.GUL),
    ]
    projects = [
        ItProject(id=1, key="P-A", title="IAM, del 1", total_cost=12 * MIO, initiative_id=1),
        ItProject(id=2, key="P-B", title="IAM, del 2", total_cost=15 * MIO, initiative_id=1, project_manager=MANAGER),
        ItProject(id=3, key="P-C", title="Skolenet", total_cost=Decimal(10_000_000), initiative_id=2),  # at the limit
        ItProject(id=4, key="P-D", title="Lille projekt", total_cost=Decimal("9999999.99"), initiative_id=3),
        ItProject(id=5, key="P-E", title="Genudbud", administration=Administration.TMF, total_cost=20 * MIO),
        ItProject(id=6, key="P-F", title="Slettet initiativ", total_cost=11 * MIO, initiative_id=99),
        ItProject(id=7, key="P-G", title="Uden budget", initiative_id=1),
    ]
    return Portfolio(plans=plans, initiatives=initiatives, statuses=statuses, it_projects=projects)


@pytest.fixture(scope="module")
def overview(portfolio: Portfolio) -> PortfolioOverview:
    return portfolio_overview(portfolio, threshold_kr=10_000_000)


def test_projects_from_the_threshold_on_and_those_without_a_budget_set_aside(overview: PortfolioOverview) -> None:
    keys = {r.project.key for r in overview.rows}
    assert keys == {"P-A", "P-B", "P-C", "P-E", "P-F"}
    assert [p.key for p in overview.without_cost] == ["P-G"]


def test_unlinked_projects_carry_the_port_rules_own_finding(portfolio: Portfolio, overview: PortfolioOverview) -> None:
    report = check_portfolio(portfolio, today=date(2014, 12, 31), now=datetime(2014, 12, 31, 12, tzinfo=UTC))
    messages = sorted(f.message for f in report.findings if f.rule == "PORT-PROJECT-UNLINKED")
    assert len(messages) == 2
    assert sorted(m for _, m in overview.unlinked) == messages
    assert [p.key for p, _ in overview.unlinked] == ["P-E", "P-F"]
    # unaccounted for in every year of the overview, flagged every year
    for year in overview.years:
        flagged = [r for r in overview.rows_of(year) if r.unlinked is not None]
        assert {r.project.key for r in flagged} == {"P-E", "P-F"}
        assert all(r.initiative is None and r.budget is None for r in flagged)


def test_years_are_the_plan_period_and_the_status_years(overview: PortfolioOverview) -> None:
    assert overview.years == [2011, 2012, 2013, 2014]
    assert {r.project.key for r in overview.rows_of(2011) if r.unlinked is None} == {"P-A", "P-B"}
    assert {r.project.key for r in overview.rows_of(2014) if r.unlinked is None} == {"P-C"}
    (c_2014,) = [r for r in overview.rows_of(2014) if r.project.key == "P-C"]
    assert c_2014.status is None and c_2014.budget is None  # a plan year without status: in it, with no figures


def test_the_years_latest_status_gives_the_four_measures_and_the_economy(overview: PortfolioOverview) -> None:
    first = next(r for r in overview.rows_of(2012) if r.project.key == "P-A")
    assert first.status is not None and first.status.id == 3
    assert (first.budget, first.spent, first.forecast, first.deviation) == (20 * MIO, 12 * MIO, 25 * MIO, 5 * MIO)
    assert (first.cost_light, first.schedule_light, first.benefit_light, first.nonfinancial_light, first.overall_light) == (
        Light.ROED, Light.GUL, Light.GROEN, Light.ROED, Light.ROED)
    assert first.owner == OWNER and first.manager == MANAGER
    assert first.administration is Administration.OKF  # the initiative's, when the project names none
    assert first.plan is not None and first.plan.key == "FHP-A"


def test_an_initiative_with_two_projects_is_counted_once(overview: PortfolioOverview) -> None:
    rows = [r for r in overview.rows_of(2012) if r.initiative is not None and r.initiative.key == "A-1"]
    assert [(r.project.key, r.shared_with) for r in rows] == [("P-A", None), ("P-B", "P-A")]
    second = rows[1]
    assert second.budget is second.spent is second.forecast is second.overall_light is None
    totals = Totals.of(overview.rows_of(2012))
    assert totals.budget == 20 * MIO and totals.forecast == 25 * MIO  # not 40 and 50
    assert totals.total_cost == (12 + 15 + 20 + 11) * MIO  # each project's own total budget
    assert (totals.projects, totals.red, totals.no_light, totals.shared, totals.unlinked) == (4, 1, 2, 1, 2)


def test_computed_red_lights_are_counted_beside_the_reported(portfolio: Portfolio) -> None:
    report = check_portfolio(portfolio, today=date(2012, 12, 31), now=datetime(2012, 12, 31, 12, tzinfo=UTC))
    lights = {iid: light.light for iid, light in report.lights.items()}
    assert lights[1] is Light.ROED  # forecast 25 mio. against a baseline of 20: more than 10 % over
    overview = portfolio_overview(portfolio, threshold_kr=10_000_000, lights=lights)
    rows = overview.rows_of(2012)
    assert [(r.project.key, r.computed) for r in rows if r.initiative is not None] == [("P-A", Light.ROED), ("P-B", None)]
    assert Totals.of(rows).computed_red == 1


def test_the_threshold_is_the_governances(portfolio: Portfolio) -> None:
    lower = portfolio_overview(portfolio, threshold_kr=5_000_000)
    assert "P-D" in {r.project.key for r in lower.rows}
    higher = portfolio_overview(portfolio, threshold_kr=100_000_000)
    assert higher.rows == [] and higher.unlinked == []


def test_a_linked_project_in_no_year_stands_in_every_year(portfolio: Portfolio) -> None:
    orphan = Initiative(id=4, key="X-1", title="Plan slettet", plan_id=None)
    project = ItProject(id=8, key="P-H", title="Uden plan", total_cost=30 * MIO, initiative_id=4)
    more = portfolio.model_copy(update={"initiatives": [*portfolio.initiatives, orphan],
                                        "it_projects": [*portfolio.it_projects, project]})
    overview = portfolio_overview(more, threshold_kr=10_000_000)
    assert [p.key for p in overview.undated] == ["P-H"]
    assert [r.year for r in overview.rows if r.project.key == "P-H"] == overview.years == [2011, 2012, 2013, 2014]


def test_years_can_be_restricted(portfolio: Portfolio) -> None:
    only = portfolio_overview(portfolio, threshold_kr=10_000_000, years=[2013])
    assert only.years == [2013] and {r.year for r in only.rows} == {2013}


def _large_with_projects() -> Portfolio:
    """300 initiatives; a project on every third (two on every ninth), some without an initiative."""
    portfolio = large_portfolio(300, seed=3)
    rng = random.Random(3)
    projects = []
    for n, ini in enumerate(portfolio.initiatives[::3]):
        for part in range(2 if n % 3 == 0 else 1):
            linked = ini.id if n % 10 else None
            projects.append(ItProject(id=len(projects) + 1, key=f"P-{n:04d}-{part}", title=f"Projekt {n}",
                                      total_cost=Decimal(rng.randint(5, 40)) * MIO, initiative_id=linked))
    return portfolio.model_copy(update={"it_projects": projects})


@pytest.mark.parametrize("make", [sample_portfolio, _large_with_projects], ids=["sample", "large"])
def test_the_totals_per_administration_and_per_plan_add_up_to_the_year(make: object) -> None:
    assert callable(make)
    portfolio: Portfolio = make()
    threshold = load_governance().thresholds.portfolio_threshold_kr
    overview = portfolio_overview(portfolio, threshold_kr=threshold)
    assert overview.rows and overview.unlinked
    if make is _large_with_projects:
        assert any(r.shared_with for r in overview.rows)
    for year, totals in overview.by_year():
        for groups in (overview.by_administration(year), overview.by_plan(year)):
            assert sum(t.projects for _, t in groups) == totals.projects
            assert sum((t.budget or 0 for _, t in groups), Decimal(0)) == (totals.budget or 0)
            assert sum((t.forecast or 0 for _, t in groups), Decimal(0)) == (totals.forecast or 0)
            assert sum(t.red + t.yellow + t.green + t.no_light + t.shared for _, t in groups) == totals.projects
        per_row = sum((r.spent or 0 for r in overview.rows_of(year)), Decimal(0))
        assert per_row == (totals.spent or 0)
        # each initiative's status is counted exactly once in the year
        counted = [r.initiative.id for r in overview.rows_of(year) if r.initiative is not None and r.shared_with is None]
        assert len(counted) == len(set(counted))
