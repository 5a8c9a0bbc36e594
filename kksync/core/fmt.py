"""Danish number, money, percent and date formats: one module for the check messages and the documents.

Every figure kksync prints passes through here, so a warning in SharePoint and a table in a document
read the same: ``1.234.567 kr.``, ``12,3 mio. kr.``, ``12,5 %``, ``27. november 2026``. A missing
value always reads "ikke angivet".

The output must never change by a character: the sync compares the bot-owned columns as text, so a
changed format would rewrite every item. The tests pin it.

Grouping, decimal marks and month names come from babel's CLDR data for ``da_DK``. babel is imported
on first use, not when this module is imported: the function app imports the core at start-up and
the webhook handshake must stay fast (``tests/test_core.py`` pins it). Locale and number patterns
are loaded once (``functools.cache``); parsing them on every call made a figure five times slower.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from kksync.texts import MISSING

if TYPE_CHECKING:
    from babel import Locale
    from babel.numbers import NumberPattern

__all__ = [
    "LOCALE",
    "MISSING",
    "Amount",
    "and_list",
    "kr",
    "long_date",
    "mio",
    "months_days",
    "number",
    "percent",
    "short_date",
    "years",
]

Amount = Decimal | int | float
LOCALE = "da_DK"
_MILLION = Decimal(1_000_000)


@cache
def _locale() -> Locale:
    from babel import Locale

    return Locale.parse(LOCALE)


@cache
def _pattern(decimals: int) -> NumberPattern:
    from babel.numbers import parse_pattern

    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


def _exact(value: Amount) -> Decimal:
    # A float's str() is its shortest repr, so 0.045 is read as 0.045, not 0.04499999999999999833….
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)




def _number(value: Amount, decimals: int) -> str:
    # Rounded half up here (babel would round half even), so 2,5 is 3 as people expect.
    rounded = _exact(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if not rounded:
        rounded = abs(rounded)  # no "-0"
    return _grouped(rounded, decimals)


@lru_cache(maxsize=8192)
def _grouped(rounded: Decimal, decimals: int) -> str:
    """babel's pattern applied (the same figures recur across a portfolio's findings: cached)."""
    text: str = _pattern(decimals).apply(rounded, _locale())
    return text


def number(value: Amount | None, decimals: int = 0) -> str:
    """``1234567.5`` → ``1.234.567,5``: dot groups thousands, comma marks decimals (half up)."""
    return MISSING if value is None else _number(value, decimals)


def kr(value: Amount | None) -> str:
    """Whole kroner: ``1.234.567 kr.``."""
    return MISSING if value is None else f"{_number(value, 0)} kr."


def mio(value: Amount | None, decimals: int = 1) -> str:
    """Millions of kroner: ``12,3 mio. kr.`` (how budgets are talked about)."""
    return MISSING if value is None else f"{_number(_exact(value) / _MILLION, decimals)} mio. kr."


def _with_unit(value: Amount | None, decimals: int, unit: str) -> str:
    """Whole numbers drop the decimals (``10 %``, ``3 år``), as limits and durations are written."""
    if value is None:
        return MISSING
    exact = _exact(value)
    return f"{_number(exact, 0 if exact == exact.to_integral_value() else decimals)} {unit}"


def percent(value: Amount | None, decimals: int = 1) -> str:
    """A value already in percent: 12.5 → ``12,5 %``, 10 → ``10 %``."""
    return _with_unit(value, decimals, "%")


def years(value: Amount | None) -> str:
    """A duration in years: ``3 år`` or ``2,5 år``."""
    return _with_unit(value, 1, "år")


def long_date(day: date | None) -> str:
    """``27. november 2026``."""
    return MISSING if day is None else _long_date(day)


@lru_cache(maxsize=4096)
def _long_date(day: date) -> str:
    from babel.dates import format_date

    text: str = format_date(day, "d. MMMM y", locale=_locale())
    return text


def short_date(day: date | None) -> str:
    """``31-12-2012``: the form departments type into SharePoint (not CLDR's ``31.12.2012``)."""
    return MISSING if day is None else f"{day.day:02d}-{day.month:02d}-{day.year}"


def and_list(parts: Sequence[str]) -> str:
    """``a``, ``a og b``, ``a, b og c``: a Danish enumeration (no comma before "og")."""
    return ", ".join(parts[:-1]) + " og " + parts[-1] if len(parts) > 1 else "".join(parts)


def months_days(months: int, days: int) -> str:
    """``4 måneder``, ``1 måned og 3 dage``, ``12 dage``."""
    parts = []
    if months:
        parts.append(f"{months} {'måned' if months == 1 else 'måneder'}")
    if days or not months:
        parts.append(f"{days} {'dag' if days == 1 else 'dage'}")
    return and_list(parts)
