"""Traffic lights computed from numbers, not feelings (Statens It-råd's limits, configurable).

Self-reported status tends to be too positive, so the computed light is shown beside the
reported one. Only the latest status counts: an older status with figures would describe a
situation that has since moved on.

Two of the It-råd's four measures can be computed from a status: project cost (baseline vs
forecast cost) and schedule (baseline vs forecast end). Without a baseline there is no light
(a zero budget is no baseline): the measure says why instead. A forecast end that has already
passed while the work is unfinished is red, whatever the forecast says. Economic and
non-economic benefits are only ever reported: the lists hold no realised benefits to compute from.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from kksync.checks.findings import ComputedLight
from kksync.checks.governance import LightLimits
from kksync.core import fmt
from kksync.core.model import Light, Phase, StatusEntry, latest_status
from kksync.texts import LIGHT_TEXTS

__all__ = ["NO_DATA", "add_months", "compute_light", "is_finished", "latest_status", "months_late"]

NO_DATA = LIGHT_TEXTS["no_data"]
_NO_DATA = ComputedLight(light=None, reason=NO_DATA)
_WORSE = {None: -1, Light.GROEN: 0, Light.GUL: 1, Light.ROED: 2}
_FINISHED_PHASES = (Phase.REALISERING, Phase.AFSLUTTET)

Measure = tuple[Light | None, str]


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_late(baseline: date, forecast: date) -> tuple[int, int]:
    """Whole months and remaining days from baseline to forecast end (``(0, 0)`` if not late)."""
    if forecast <= baseline:
        return 0, 0
    months = (forecast.year - baseline.year) * 12 + forecast.month - baseline.month
    if add_months(baseline, months) > forecast:
        months -= 1
    return months, (forecast - add_months(baseline, months)).days


def is_finished(entry: StatusEntry) -> bool:
    """The project's own work is done: in benefit realisation, closed, or reported 100 % complete."""
    return entry.phase in _FINISHED_PHASES or entry.progress == 100


def _cost(baseline: Decimal | None, forecast: Decimal | None, limits: LightLimits) -> Measure:
    if baseline is None:
        return None, LIGHT_TEXTS["no_cost_baseline"]
    if baseline <= 0:
        return None, LIGHT_TEXTS["zero_cost_baseline"]
    if forecast is None:
        return None, LIGHT_TEXTS["no_cost_forecast"]
    over = forecast - baseline
    if over <= 0:
        return Light.GROEN, LIGHT_TEXTS["within_budget"]
    pct = over / baseline * 100
    ratio = float(pct)  # comparisons in float: exact at the limits, and cheap
    # Below 0,1 mio. kr. "0,0 mio. kr." would hide the amount; whole kroner say it.
    overrun = LIGHT_TEXTS["overrun"].format(
        percent=fmt.percent(pct), amount=fmt.mio(over) if over >= 100_000 else fmt.kr(over)
    )
    if ratio > limits.red_overrun_pct:
        return Light.ROED, LIGHT_TEXTS["over_limit"].format(reason=overrun, limit=fmt.percent(limits.red_overrun_pct))
    if float(over) > limits.red_overrun_kr:
        return Light.ROED, LIGHT_TEXTS["over_limit"].format(reason=overrun, limit=fmt.mio(limits.red_overrun_kr))
    if ratio > limits.yellow_overrun_pct:
        return Light.GUL, overrun
    return Light.GROEN, LIGHT_TEXTS["within_tolerance"].format(reason=overrun)


def _schedule(entry: StatusEntry, limits: LightLimits, today: date | None) -> Measure:
    baseline, forecast = entry.baseline_end, entry.forecast_end
    if baseline is None:
        return None, LIGHT_TEXTS["no_end_baseline"]
    if forecast is None:
        return None, LIGHT_TEXTS["no_end_forecast"]
    if today is not None and forecast < today and not is_finished(entry):
        return Light.ROED, LIGHT_TEXTS["end_passed"].format(end=fmt.long_date(forecast))
    months, days = months_late(baseline, forecast)
    if months == 0 and days == 0:
        return Light.GROEN, LIGHT_TEXTS["on_time"]
    late = LIGHT_TEXTS["late"].format(delay=fmt.months_days(months, days))
    if months > limits.red_delay_months or (months == limits.red_delay_months and days > 0):
        return Light.ROED, LIGHT_TEXTS["over_limit"].format(reason=late, limit=fmt.months_days(limits.red_delay_months, 0))
    if months >= limits.yellow_delay_months:
        return Light.GUL, late
    return Light.GROEN, LIGHT_TEXTS["under_limit"].format(reason=late, limit=fmt.months_days(limits.yellow_delay_months, 0))


def compute_light(
    statuses: Iterable[StatusEntry], limits: LightLimits, *, until_year: int | None = None, today: date | None = None,
) -> ComputedLight:
    """The computed light of the latest status: the worse of cost and schedule, with reasons.

    ``today`` is the day the check stands on: a forecast end before it on unfinished work is red.
    """
    entry = latest_status(statuses, until_year=until_year)
    if entry is None:
        return _NO_DATA
    cost = _cost(entry.baseline_cost, entry.forecast_cost, limits)
    schedule = _schedule(entry, limits, today)
    lit = [m for m in (cost, schedule) if m[0] is not None]
    if not lit:
        return ComputedLight.model_construct(
            light=None, reason=NO_DATA, reported=entry.reported_light, cost=None, cost_reason=cost[1],
            schedule=None, schedule_reason=schedule[1],
        )
    light = max((m[0] for m in lit), key=_WORSE.__getitem__)
    # Say why it is this colour; when all is green, say every half so nobody has to guess; below red a
    # measure without a light says why, so a green of one half is never read as green for both.
    reasons = [text for colour, text in lit if colour is light] if light is not Light.GROEN else [t for _, t in lit]
    if light is not Light.ROED:
        reasons.extend(text for colour, text in (cost, schedule) if colour is None)
    # Built from our own typed values; validating 10.000 of them per run would cost more than the rules.
    return ComputedLight.model_construct(
        light=light, reason="; ".join(reasons)[:255], reported=entry.reported_light,
        cost=cost[0], cost_reason=cost[1], schedule=schedule[0], schedule_reason=schedule[1],
    )
