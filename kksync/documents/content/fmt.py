"""Danish number, money, date and percent formats for documents (babel, one place).

Every value a document shows passes through here, so ``1.234.567 kr.``, ``12,3 mio. kr.``,
``27. november 2026`` and ``12,5 %`` look the same everywhere, and a missing value always reads
"ikke angivet".
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal as _babel_decimal

__all__ = ["LOCALE", "MISSING", "fmt_date", "fmt_int", "fmt_kr", "fmt_mio", "fmt_number", "fmt_percent", "fmt_years"]

LOCALE = "da_DK"
MISSING = "ikke angivet"
_MILLION = Decimal(1_000_000)


def _number(value: Decimal | int | float, decimals: int) -> str:
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    quantum = Decimal(1).scaleb(-decimals)
    rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text: str = _babel_decimal(rounded, format=pattern, locale=LOCALE)
    return "0" + text[2:] if text.startswith("-0") and rounded == 0 else text


def fmt_number(value: Decimal | int | float | None, decimals: int = 0) -> str:
    """``1.234.567`` or ``1.234,5``; missing → "ikke angivet"."""
    return MISSING if value is None else _number(value, decimals)


def fmt_int(value: int | None) -> str:
    return MISSING if value is None else _number(value, 0)


def fmt_kr(value: Decimal | int | float | None) -> str:
    """Whole kroner: ``1.234.567 kr.``."""
    return MISSING if value is None else f"{_number(value, 0)} kr."


def fmt_mio(value: Decimal | int | float | None, decimals: int = 1) -> str:
    """Millions of kroner: ``12,3 mio. kr.``."""
    if value is None:
        return MISSING
    return f"{_number(Decimal(str(value)) / _MILLION, decimals)} mio. kr."


def fmt_percent(value: Decimal | int | float | None, decimals: int = 1) -> str:
    """A value already in percent (12.5 → ``12,5 %``); whole numbers lose the decimals."""
    if value is None:
        return MISSING
    exact = Decimal(str(value))
    places = 0 if exact == exact.to_integral_value() else decimals
    return f"{_number(exact, places)} %"


def fmt_years(value: Decimal | int | float | None) -> str:
    """A duration in years: ``3,5 år``."""
    if value is None:
        return MISSING
    exact = Decimal(str(value))
    places = 0 if exact == exact.to_integral_value() else 1
    return f"{_number(exact, places)} år"


def fmt_date(value: date | None) -> str:
    """``27. november 2026``."""
    if value is None:
        return MISSING
    text: str = _babel_date(value, "d. MMMM y", locale=LOCALE)
    return text
