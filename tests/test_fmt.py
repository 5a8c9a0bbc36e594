"""The Danish formats (``kksync.core.fmt``): the check messages and the documents print with them.

The examples pin every output character for character (the sync compares bot-owned columns as text,
so a changed format would rewrite every item); the properties read the output back with babel's
own parser and kksync's date parser, so grouping, decimal mark and rounding cannot drift apart.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import parse_decimal as babel_parse
from hypothesis import given
from hypothesis import strategies as st

from kksync.core import fmt
from kksync.core.values import parse_date

amounts = st.one_of(
    st.integers(-10**12, 10**12),
    st.decimals(-10**12, 10**12, places=3, allow_nan=False, allow_infinity=False),
    st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False).map(lambda f: round(f, 3)),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (fmt.kr(Decimal("1234567")), "1.234.567 kr."),
        (fmt.kr(Decimal("1234567.49")), "1.234.567 kr."),
        (fmt.kr(Decimal("1234567.50")), "1.234.568 kr."),
        (fmt.kr(-2500), "-2.500 kr."),
        (fmt.kr(0), "0 kr."),
        (fmt.kr(Decimal("-0.4")), "0 kr."),
        (fmt.mio(1_234_567), "1,2 mio. kr."),
        (fmt.mio(Decimal("12345678")), "12,3 mio. kr."),
        (fmt.mio(1_234_500_000), "1.234,5 mio. kr."),
        (fmt.mio(1_234_567, 2), "1,23 mio. kr."),
        (fmt.percent(Decimal("12.5")), "12,5 %"),
        (fmt.percent(10), "10 %"),
        (fmt.percent(4), "4 %"),
        (fmt.percent(Decimal("4.25"), 2), "4,25 %"),
        (fmt.years(3), "3 år"),
        (fmt.years(Decimal("2.5")), "2,5 år"),
        (fmt.years(Decimal("3.5")), "3,5 år"),
        (fmt.number(1234.5, 1), "1.234,5"),
        (fmt.number(1000), "1.000"),
        (fmt.number(Decimal("2.5")), "3"),  # half up, not half even
        (fmt.number(Decimal("-2.5")), "-3"),
        (fmt.number(Decimal("-0.4"), 0), "0"),  # never "-0"
        (fmt.number(Decimal("-0.04"), 1), "0,0"),
        (fmt.number(0.045, 2), "0,05"),  # the float as written, not 0.04499…
        (fmt.number(1234567.891, 1), "1.234.567,9"),
        (fmt.short_date(date(2012, 12, 31)), "31-12-2012"),
        (fmt.long_date(date(2026, 11, 27)), "27. november 2026"),
        (fmt.long_date(date(2013, 5, 1)), "1. maj 2013"),
        (fmt.months_days(1, 0), "1 måned"),
        (fmt.months_days(3, 1), "3 måneder og 1 dag"),
        (fmt.months_days(0, 12), "12 dage"),
        (fmt.months_days(0, 0), "0 dage"),
        (fmt.and_list([]), ""),
        (fmt.and_list(["«Start»"]), "«Start»"),
        (fmt.and_list(["BUF", "SUF"]), "BUF og SUF"),
        (fmt.and_list(["2013", "2014", "linjer uden år"]), "2013, 2014 og linjer uden år"),
    ],
)
def test_danish_formats(text: str, expected: str) -> None:
    assert text == expected


def test_missing_values_read_ikke_angivet() -> None:
    assert fmt.MISSING == "ikke angivet"
    for format_one in (fmt.number, fmt.kr, fmt.mio, fmt.percent, fmt.years, fmt.long_date, fmt.short_date):
        assert format_one(None) == fmt.MISSING


def _read(text: str, suffix: str = "") -> Decimal:
    assert text.endswith(suffix), text
    body = text.removesuffix(suffix)
    assert not re.fullmatch(r"-0(,0*)?", body), f"negative zero: {text}"
    return Decimal(babel_parse(body, locale=fmt.LOCALE, strict=True))


def _exact(value: Decimal | int | float) -> Decimal:
    return Decimal(str(value))


def _close(parsed: Decimal, value: Decimal | int | float, decimals: int) -> None:
    """``parsed`` carries exactly ``decimals`` places and is ``value`` rounded to them."""
    assert parsed.as_tuple().exponent == -decimals
    assert abs(parsed - _exact(value)) <= Decimal(5).scaleb(-decimals - 1)


@given(amounts, st.integers(0, 3))
def test_numbers_read_back_as_the_same_value(value: Decimal | int | float, decimals: int) -> None:
    _close(_read(fmt.number(value, decimals)), value, decimals)


@given(amounts)
def test_kroner_read_back_as_the_same_value(value: Decimal | int | float) -> None:
    _close(_read(fmt.kr(value), " kr."), value, 0)
    in_millions = _read(fmt.mio(value), " mio. kr.")
    assert abs(in_millions * 1_000_000 - _exact(value)) <= 50_000


@given(amounts)
def test_percent_and_years_read_back_as_the_same_value(value: Decimal | int | float) -> None:
    whole = _exact(value) == _exact(value).to_integral_value()
    _close(_read(fmt.percent(value), " %"), value, 0 if whole else 1)
    _close(_read(fmt.years(value), " år"), value, 0 if whole else 1)


@given(st.dates(date(1000, 1, 1), date(9999, 12, 31)))
def test_dates_read_back_as_the_same_day(day: date) -> None:
    """kksync reads what it prints: the long and the short form are both accepted input."""
    assert parse_date(fmt.long_date(day)) == (day, None)
    assert parse_date(fmt.short_date(day)) == (day, None)
