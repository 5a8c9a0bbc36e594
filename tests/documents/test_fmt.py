from __future__ import annotations

from datetime import date
from decimal import Decimal

from kksync.documents.content.fmt import MISSING, fmt_date, fmt_int, fmt_kr, fmt_mio, fmt_number, fmt_percent, fmt_years


def test_danish_formats() -> None:
    assert fmt_kr(Decimal("1234567")) == "1.234.567 kr."
    assert fmt_kr(Decimal("1234567.50")) == "1.234.568 kr."
    assert fmt_mio(Decimal("12345678")) == "12,3 mio. kr."
    assert fmt_mio(Decimal("1234500000")) == "1.234,5 mio. kr."
    assert fmt_date(date(2026, 11, 27)) == "27. november 2026"
    assert fmt_percent(Decimal("12.5")) == "12,5 %"
    assert fmt_percent(4) == "4 %"
    assert fmt_number(1234.5, 1) == "1.234,5"
    assert fmt_int(1000) == "1.000"
    assert fmt_years(Decimal("3.5")) == "3,5 år"
    assert fmt_kr(Decimal("-0.4")) == "0 kr."


def test_missing_values_read_ikke_angivet() -> None:
    assert MISSING == "ikke angivet"
    for f in (fmt_kr, fmt_mio, fmt_date, fmt_percent, fmt_int, fmt_number, fmt_years):
        assert f(None) == MISSING
