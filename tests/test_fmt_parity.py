"""The checks (stdlib only, the core must not import babel) and the documents (babel) print numbers,
money, percentages, years and dates the same way: a figure in a warning reads as it does in print."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kksync.checks import fmt as core
from kksync.documents.content import fmt as docs

amounts = st.one_of(
    st.integers(-10**12, 10**12),
    st.decimals(-10**12, 10**12, places=3, allow_nan=False, allow_infinity=False),
    st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False).map(lambda f: round(f, 3)),
)


@given(amounts, st.integers(0, 3))
def test_numbers(value: Decimal | int | float, decimals: int) -> None:
    assert core.number(value, decimals) == docs.fmt_number(value, decimals)


@given(amounts)
def test_money_percent_years(value: Decimal | int | float) -> None:
    assert core.kr(value) == docs.fmt_kr(value)
    assert core.mio(value) == docs.fmt_mio(value)
    assert core.percent(value) == docs.fmt_percent(value)
    assert core.years(value) == docs.fmt_years(value)


@given(st.dates(date(1900, 1, 1), date(2100, 12, 31)))
def test_long_dates(day: date) -> None:
    assert core.long_date(day) == docs.fmt_date(day)


def test_the_tricky_ones() -> None:
    for value in (Decimal("-0.4"), Decimal("0.5"), Decimal("2.5"), Decimal("-2.5"), 1234567.891, 0.045):
        assert core.number(value, 1) == docs.fmt_number(value, 1)
    assert core.kr(Decimal("1234567.5")) == docs.fmt_kr(Decimal("1234567.5")) == "1.234.568 kr."
