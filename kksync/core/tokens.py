"""SharePoint change tokens, read without asking SharePoint (pure).

A list's change token is ``1;3;<listId>;<UTC ticks>;<change number>`` (FIDELITY.md row 18). The
sync reads the time and the list id out of the stored token because SharePoint does not tell: a
token older than the change log's retention returns *no changes and no error* (sp-dev-docs #10389),
and a recreated list has a new id. Nothing here interprets the change number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = ["TokenParts", "change_time", "parse_token", "token_doubt"]

_TICKS_AT_EPOCH = 621_355_968_000_000_000  # .NET ticks (100 ns since 0001-01-01) at 1970-01-01


@dataclass(frozen=True, slots=True)
class TokenParts:
    list_id: str
    """Lower case, without braces."""
    issued: datetime


def parse_token(token: str) -> TokenParts | None:
    """The list id and time of a token; ``None`` when it is not of the documented form."""
    parts = token.split(";")
    if len(parts) != 5 or not parts[2] or not parts[3].isdigit() or not parts[4].lstrip("-").isdigit():
        return None
    try:
        issued = datetime.fromtimestamp((int(parts[3]) - _TICKS_AT_EPOCH) / 10_000_000, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return TokenParts(parts[2].strip("{}").lower(), issued)


def change_time(token: str) -> datetime | None:
    """The UTC time inside a change token ``1;3;<listId>;<ticks>;<number>``; ``None`` if it has none."""
    parts = token.split(";")
    if len(parts) < 5 or not parts[3].isdigit():
        return None
    try:
        return datetime.fromtimestamp((int(parts[3]) - _TICKS_AT_EPOCH) / 10_000_000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def token_doubt(token: str, list_id: str, *, now: datetime, max_age: timedelta) -> tuple[str, int] | None:
    """Why a stored token cannot be trusted to list every change since it, as (reason, age in days), or None.

    Reasons: ``unreadable`` (not the documented form), ``other_list`` (the list was recreated: a new
    id), ``too_old`` (older than ``max_age``; SharePoint would answer it with nothing at all).
    """
    parts = parse_token(token)
    if parts is None:
        return ("unreadable", 0)
    if parts.list_id != list_id.strip("{}").lower():
        return ("other_list", 0)
    age = now - parts.issued
    return ("too_old", age.days) if age > max_age else None
