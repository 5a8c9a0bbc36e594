"""Computed traffic lights at the limits of Statens It-råd (10 %, 6 mio. kr., 1 and 3 months)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kksync.checks.governance import LightLimits
from kksync.checks.lights import NO_DATA, add_months, compute_light, months_late
from kksync.core.model import Light, StatusEntry

LIMITS = LightLimits()
M = 1_000_000


def _cost(baseline: float, forecast: float) -> StatusEntry:
    return StatusEntry(id=1, initiative_id=1, year=2013, baseline_cost=Decimal(str(baseline)), forecast_cost=Decimal(str(forecast)))


def _late(baseline: date, forecast: date) -> StatusEntry:
    return StatusEntry(id=1, initiative_id=1, year=2013, baseline_end=baseline, forecast_end=forecast)


@pytest.mark.parametrize(
    ("baseline", "forecast", "light", "reason"),
    [
        (10 * M, 10 * M, Light.GROEN, "Forventet forbrug inden for budget"),
        (10 * M, 9 * M, Light.GROEN, "Forventet forbrug inden for budget"),
        (10 * M, 10 * M + 1, Light.GUL, "Forventet overskridelse 0,0 % (1 kr.)"),
        (10 * M, 11 * M, Light.GUL, "Forventet overskridelse 10 % (1,0 mio. kr.)"),
        (10 * M, 11 * M + 1, Light.ROED, "Forventet overskridelse 10,0 % (1,0 mio. kr.) – over grænsen på 10 %"),
        (9.6 * M, 10.8 * M, Light.ROED, "Forventet overskridelse 12,5 % (1,2 mio. kr.) – over grænsen på 10 %"),
        (100 * M, 106 * M, Light.GUL, "Forventet overskridelse 6 % (6,0 mio. kr.)"),
        (100 * M, 106 * M + 1, Light.ROED, "Forventet overskridelse 6,0 % (6,0 mio. kr.) – over grænsen på 6,0 mio. kr."),
    ],
)
def test_cost_limits(baseline: float, forecast: float, light: Light, reason: str) -> None:
    computed = compute_light([_cost(baseline, forecast)], LIMITS)
    assert (computed.light, computed.cost, computed.cost_reason) == (light, light, reason)
    # the schedule cannot be computed without dates, and the reason says so beside the cost's
    assert computed.schedule is None
    # below red the reason says so beside the cost's (a red needs no second half to be read right)
    assert computed.reason.startswith(reason)
    assert ("intet beregnet trafiklys for tidsplan" in computed.reason) is (light is not Light.ROED)


END = date(2013, 3, 31)


@pytest.mark.parametrize(
    ("forecast", "light", "reason"),
    [
        (END, Light.GROEN, "Forventet slut til tiden"),
        (date(2013, 2, 1), Light.GROEN, "Forventet slut til tiden"),
        (date(2013, 4, 29), Light.GROEN, "Forventet 29 dage forsinket – under 1 måned"),
        (date(2013, 4, 30), Light.GUL, "Forventet 1 måned forsinket"),
        (date(2013, 6, 30), Light.GUL, "Forventet 3 måneder forsinket"),
        (date(2013, 7, 1), Light.ROED, "Forventet 3 måneder og 1 dag forsinket – over grænsen på 3 måneder"),
        (date(2013, 7, 31), Light.ROED, "Forventet 4 måneder forsinket – over grænsen på 3 måneder"),
    ],
)
def test_schedule_limits(forecast: date, light: Light, reason: str) -> None:
    computed = compute_light([_late(END, forecast)], LIMITS)
    assert (computed.light, computed.schedule, computed.schedule_reason) == (light, light, reason)
    assert computed.cost is None and computed.cost_reason == "Intet budget (baseline) – intet beregnet trafiklys for økonomi"


def test_worst_of_cost_and_schedule_wins_and_reported_light_is_kept() -> None:
    entry = StatusEntry(id=1, initiative_id=1, year=2013, baseline_cost=Decimal(10 * M), forecast_cost=Decimal(10_500_000),
                        baseline_end=END, forecast_end=date(2013, 8, 31), reported_light=Light.GROEN)
    computed = compute_light([entry], LIMITS)
    assert computed.light is Light.ROED and computed.reported is Light.GROEN
    assert computed.reason == "Forventet 5 måneder forsinket – over grænsen på 3 måneder"


def test_no_data() -> None:
    assert compute_light([], LIMITS).light is None
    assert compute_light([], LIMITS).reason == NO_DATA == "Ingen status med baseline og prognose"
    bare = StatusEntry(id=1, initiative_id=1, year=2013, reported_light=Light.GUL)
    assert compute_light([bare], LIMITS).model_dump() == {
        "light": None, "reason": NO_DATA, "reported": Light.GUL,
        "cost": None, "cost_reason": "Intet budget (baseline) – intet beregnet trafiklys for økonomi",
        "schedule": None, "schedule_reason": "Ingen planlagt slutdato (baseline) – intet beregnet trafiklys for tidsplan",
    }


@pytest.mark.parametrize("baseline", [Decimal(0), None])
def test_no_baseline_no_cost_light_with_the_reason(baseline: Decimal | None) -> None:
    """Statens It-råd: without a baseline there is no light; a zero budget is no baseline."""
    entry = StatusEntry(id=1, initiative_id=1, year=2013, baseline_cost=baseline, forecast_cost=Decimal(M))
    computed = compute_light([entry], LIMITS)
    assert computed.light is None and computed.cost is None
    assert "intet beregnet trafiklys for økonomi" in computed.cost_reason
    assert ("0 kr." in computed.cost_reason) is (baseline is not None)
    # with a schedule the overall light comes from the schedule alone, and still says why cost has none
    dated = entry.model_copy(update={"baseline_end": END, "forecast_end": END})
    both = compute_light([dated], LIMITS)
    assert both.light is Light.GROEN and both.cost is None and computed.cost_reason in both.reason


def test_passed_forecast_end_on_unfinished_work_is_red() -> None:
    entry = StatusEntry(id=1, initiative_id=1, year=2013, baseline_end=END, forecast_end=END, progress=60)
    assert compute_light([entry], LIMITS).light is Light.GROEN  # no day given: the dates alone say on time
    late = compute_light([entry], LIMITS, today=date(2013, 4, 2))
    assert late.light is Light.ROED and late.schedule is Light.ROED
    assert late.schedule_reason == "Forventet slut 31. marts 2013 er passeret, og initiativet er ikke afsluttet"
    assert compute_light([entry], LIMITS, today=END).light is Light.GROEN  # the end day itself has not passed
    done = entry.model_copy(update={"progress": 100})
    assert compute_light([done], LIMITS, today=date(2013, 4, 2)).light is Light.GROEN


def test_latest_status_counts_and_future_years_are_ignored() -> None:
    old = _cost(10 * M, 20 * M).model_copy(update={"id": 1, "year": 2012})
    new = _cost(10 * M, 10 * M).model_copy(update={"id": 2, "year": 2013})
    future = _cost(10 * M, 30 * M).model_copy(update={"id": 3, "year": 2014})
    assert compute_light([new, old], LIMITS).light is Light.GROEN
    assert compute_light([old, new, future], LIMITS, until_year=2013).light is Light.GROEN
    assert compute_light([old, new, future], LIMITS).light is Light.ROED


def test_limits_are_configurable() -> None:
    strict = LightLimits(red_overrun_pct=5, red_delay_months=1, yellow_delay_months=0)
    assert compute_light([_cost(10 * M, 10.6 * M)], strict).light is Light.ROED
    assert compute_light([_late(END, date(2013, 4, 10))], strict).light is Light.GUL


def test_month_arithmetic() -> None:
    assert add_months(date(2013, 1, 31), 1) == date(2013, 2, 28)
    assert add_months(date(2012, 11, 30), 3) == date(2013, 2, 28)
    assert months_late(date(2013, 1, 31), date(2013, 2, 28)) == (1, 0)
    assert months_late(date(2013, 1, 15), date(2014, 1, 20)) == (12, 5)
    assert months_late(date(2013, 1, 15), date(2013, 1, 1)) == (0, 0)


def test_an_overrun_within_the_yellow_tolerance_stays_green() -> None:
    tolerant = LightLimits(yellow_overrun_pct=2.0)
    computed = compute_light([_cost(10 * M, 10.1 * M)], tolerant)
    assert (computed.light, computed.cost_reason) == (Light.GROEN, "Forventet overskridelse 1 % (0,1 mio. kr.) – inden for tolerancen")
