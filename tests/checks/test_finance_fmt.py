"""Key-figure arithmetic and the Danish formatting used in messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kksync.checks import fmt
from kksync.checks.finance import cash_flows, npv, payback_years
from kksync.core.model import BusinessCaseFigure, FigureKind


def _fig(kind: FigureKind, year: int, amount: int) -> BusinessCaseFigure:
    return BusinessCaseFigure(initiative_id=1, kind=kind, year=year, amount=Decimal(amount))


def test_net_flow_npv_and_payback_by_hand() -> None:
    figures = [
        _fig(FigureKind.INVESTERING, 2013, 1000),
        _fig(FigureKind.DRIFT_0, 2014, 300), _fig(FigureKind.DRIFT_1, 2014, 100),  # saves 200 a year
        _fig(FigureKind.GEVINST, 2014, 300), _fig(FigureKind.GEVINST, 2016, 600),
    ]
    flows = cash_flows(figures)
    assert flows is not None
    assert (flows.first_year, flows.last_year, flows.flows) == (2013, 2016, (-1000.0, 500.0, 0.0, 600.0))
    assert flows.investment == 1000
    assert npv(flows, 0) == pytest.approx(100.0)
    assert npv(flows, 10) == pytest.approx(-1000 + 500 / 1.1 + 600 / 1.1**3)
    assert payback_years(flows) == 3


def test_payback_edge_cases() -> None:
    flows = cash_flows([_fig(FigureKind.GEVINST, 2013, 10)])
    assert flows is not None and payback_years(flows) == 0
    never = cash_flows([_fig(FigureKind.INVESTERING, 2013, 10), _fig(FigureKind.GEVINST, 2014, 5)])
    assert never is not None and payback_years(never) is None
    assert cash_flows([]) is None
    assert cash_flows([BusinessCaseFigure.model_construct(initiative_id=1, kind=None, year=2013, amount=Decimal(1))]) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (fmt.kr(Decimal("1234567.49")), "1.234.567 kr."),
        (fmt.kr(-2500), "-2.500 kr."),
        (fmt.kr(0), "0 kr."),
        (fmt.mio(1_234_567), "1,2 mio. kr."),
        (fmt.mio(1_234_500_000), "1.234,5 mio. kr."),
        (fmt.percent(Decimal("12.5")), "12,5 %"),
        (fmt.percent(10), "10 %"),
        (fmt.percent(Decimal("4.25"), 2), "4,25 %"),
        (fmt.years(3), "3 år"),
        (fmt.years(Decimal("2.5")), "2,5 år"),
        (fmt.short_date(date(2012, 12, 31)), "31-12-2012"),
        (fmt.long_date(date(2026, 11, 27)), "27. november 2026"),
        (fmt.months_days(1, 0), "1 måned"),
        (fmt.months_days(3, 1), "3 måneder og 1 dag"),
        (fmt.months_days(0, 12), "12 dage"),
    ],
)
def test_danish_formats(text: str, expected: str) -> None:
    assert text == expected
