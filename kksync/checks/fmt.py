"""Danish number, money and date formatting for check messages (stdlib only).

The core must not import babel, and the messages end up compared character by character by the
sync (bot-owned columns), so these helpers are deliberately tiny and deterministic.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["kr", "long_date", "mio", "months_days", "number", "percent", "short_date", "years"]

_MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)


_SWAP = str.maketrans(",.", ".,")
_QUANTA = tuple(Decimal(1).scaleb(-n) for n in range(7))


def number(value: Decimal | float | int, decimals: int = 0) -> str:
    """``1234567.5`` → ``1.234.567,5``: dot groups thousands, comma marks decimals (half up)."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    rounded = exact.quantize(_QUANTA[decimals], rounding=ROUND_HALF_UP)
    if not rounded:
        rounded = abs(rounded)  # no "-0"
    return f"{rounded:,f}".translate(_SWAP)


def kr(value: Decimal | float | int) -> str:
    """Whole kroner: ``1.234.567 kr.``."""
    return f"{number(value)} kr."


def mio(value: Decimal | float | int) -> str:
    """Millions with one decimal: ``1,2 mio. kr.`` (how budgets are talked about)."""
    return f"{number(Decimal(str(value)) / Decimal(1_000_000), 1)} mio. kr."


def percent(value: Decimal | float | int, decimals: int = 1) -> str:
    """``12,5 %``; whole percentages drop the decimals (``10 %``) as limits are usually written."""
    exact = Decimal(str(value))
    if exact == exact.to_integral_value():
        decimals = 0
    return f"{number(exact, decimals)} %"


def years(value: Decimal | float | int) -> str:
    """``3 år`` or ``2,5 år``."""
    exact = Decimal(str(value))
    return f"{number(exact, 0 if exact == exact.to_integral_value() else 1)} år"


def short_date(day: date) -> str:
    """``31-12-2012``, the form departments type into SharePoint."""
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


def long_date(day: date) -> str:
    """``31. december 2012``."""
    return f"{day.day}. {_MONTHS[day.month - 1]} {day.year}"


def months_days(months: int, days: int) -> str:
    """``4 måneder``, ``1 måned og 3 dage``, ``12 dage``."""
    parts = []
    if months:
        parts.append(f"{months} {'måned' if months == 1 else 'måneder'}")
    if days or not months:
        parts.append(f"{days} {'dag' if days == 1 else 'dage'}")
    return " og ".join(parts)
