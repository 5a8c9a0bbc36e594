"""Key-figure arithmetic: net cash flows, net present value and payback (the Danish formats are in tests/test_fmt.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

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
