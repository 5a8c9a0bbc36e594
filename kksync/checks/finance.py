"""Business-case key figures recomputed from the yearly figures (pure).

Net cash flow per year = benefits + (operating cost today − operating cost with the project) −
investment, as in the joint state/KL/regions model. Floats are fine here: the results are only
compared with the stated figures within a tolerance, never stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kksync.core.model import BusinessCaseFigure, FigureKind

__all__ = ["CashFlows", "cash_flows", "npv", "payback_years"]


@dataclass(frozen=True, slots=True)
class CashFlows:
    """Yearly net flows from the first to the last year the figures mention (no gaps)."""

    first_year: int
    flows: tuple[float, ...]
    kinds: frozenset[FigureKind]
    investment: float

    @property
    def last_year(self) -> int:
        return self.first_year + len(self.flows) - 1


_INVESTMENT = FigureKind.INVESTERING
_SIGN = {
    FigureKind.GEVINST: 1.0,
    FigureKind.DRIFT_0: 1.0,
    FigureKind.DRIFT_1: -1.0,
    FigureKind.INVESTERING: -1.0,
}


def cash_flows(figures: Iterable[BusinessCaseFigure]) -> CashFlows | None:
    """Net flow per year, or ``None`` when no figure has a kind, a year and an amount."""
    by_year: dict[int, float] = {}
    kinds: set[FigureKind] = set()
    investment = 0.0
    sign = _SIGN
    for figure in figures:
        kind, year, amount = figure.kind, figure.year, figure.amount
        if kind is None or year is None or amount is None:
            continue  # the mapper already reported the unreadable value
        value = float(amount)
        kinds.add(kind)
        by_year[year] = by_year.get(year, 0.0) + sign[kind] * value
        if kind is _INVESTMENT:
            investment += value
    if not by_year:
        return None
    first, last = min(by_year), max(by_year)
    flows = tuple(by_year.get(year, 0.0) for year in range(first, last + 1))
    return CashFlows(first, flows, frozenset(kinds), investment)


def npv(flows: CashFlows, rate_percent: float) -> float:
    """Net present value, discounted to the first year (the first year is not discounted)."""
    factor = 1.0 + rate_percent / 100.0
    total = 0.0
    discount = 1.0
    for flow in flows.flows:
        total += flow / discount
        discount *= factor
    return total


def payback_years(flows: CashFlows) -> int | None:
    """Years after the first year until the cumulative (undiscounted) net flow is ≥ 0.

    ``0`` means the first year already pays for itself; ``None`` that it never does within the
    figures. A stated payback in ``(k − 1, k]`` is consistent with a result of ``k``: the turn
    happens somewhere during that year.
    """
    cumulative = 0.0
    for offset, flow in enumerate(flows.flows):
        cumulative += flow
        if cumulative >= -0.005:  # rounding of amounts in øre must not move the year
            return offset
    return None
