"""Resource units: what SharePoint Online charges this app for a request, and budgets per minute.

Pure data and arithmetic (in the core so that the settings may name the tiers); the transport
(``kksync.sharepoint.transport``) counts and paces with it.

SharePoint Online limits every application in a tenant by resource units (RU) per minute and per
24 hours, set by the tenant's licence count (``TIERS``); every request the app makes counts, the
ones it throttled included, and the requests inside a ``$batch`` count one by one. Only Microsoft
Graph has a published price per request, which this module uses as the model for our REST calls:
1 RU for a single-item read (and a change-log read with a token), 2 RU for a multi-item query and
for every create, update, delete or upload, 5 RU for a permission operation. CSOM and REST have no
fixed price and "usually cost more", so every figure computed here is a *lower bound*. Source:
Microsoft Learn, "Avoid getting throttled or blocked in SharePoint Online" (resource units table and
the application limits table). Change the model here and only here.

Requests to Microsoft Graph's directory and mail (``/users``, ``sendMail``) are not SharePoint
resources: they cost no SharePoint RU (Graph has its own limits per service) and are counted as
requests only.

Two kinds of pacing, both pure and clocked by the caller:

- ``MinuteBudget``: a sliding 60-second window the nightly reconcile and the document runs stay
  under (by default half the tier's minute budget), so the webhook path always has the other half;
- ``server_pace``: the wait SharePoint's ``RateLimit-*`` headers ask for. They are sent once an app
  has used 80 % of its minute budget (``RateLimit-Remaining`` RU left, ``RateLimit-Reset`` seconds
  until the window resets); the remaining units are spread evenly over the seconds left.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

__all__ = [
    "DEFAULT_TIER",
    "MULTI_ITEM",
    "PERMISSION",
    "SINGLE_ITEM",
    "TIERS",
    "WRITE",
    "MinuteBudget",
    "RateLimit",
    "Tier",
    "batch_parts",
    "rate_limit_of",
    "request_units",
    "server_pace",
]

SINGLE_ITEM = 1
"""A single-item read (an item, a list's properties, a file's content), or the change log read with a token."""
MULTI_ITEM = 2
"""A query answering several items (a page of items, items by id, the site's users, a list's fields)."""
WRITE = 2
"""Create, update, delete, upload."""
PERMISSION = 5
"""Permission operations: who belongs to the site (``ensureuser``, removing a site user), role assignments."""


@dataclass(frozen=True, slots=True)
class Tier:
    """One row of Microsoft's table: an application's resource units per minute and per 24 hours."""

    licences: str
    per_minute: int
    per_day: int


TIERS: dict[str, Tier] = {
    t.licences: t
    for t in (
        Tier("0-1k", 1_200, 1_200_000),
        Tier("1k-5k", 2_400, 2_400_000),
        Tier("5k-15k", 3_600, 3_600_000),
        Tier("15k-50k", 4_800, 4_800_000),
        Tier("50k+", 6_000, 6_000_000),
    )
}
DEFAULT_TIER = "15k-50k"
"""Copenhagen's tens of thousands of employees put the tenant in this row."""

_COLLECTIONS = frozenset({
    "items", "fields", "lists", "siteusers", "subscriptions", "files", "folders", "views", "contenttypes",
    "sitegroups", "users", "roleassignments", "recyclebin",
})
_PERMISSION_SEGMENTS = frozenset({"ensureuser", "removebyid", "roleassignments", "breakroleinheritance",
                        "resetroleinheritance", "sitegroups", "addroleassignment", "removeroleassignment"})
_POST_READS = {"getchanges": SINGLE_ITEM, "contextinfo": SINGLE_ITEM, "getitems": MULTI_ITEM}
_PART_LINE = re.compile(rb"^(GET|POST|PUT|PATCH|MERGE|DELETE) (\S+) HTTP/1\.1\r?$", re.MULTILINE)


def _segments(path: str) -> list[str]:
    after = path.split("/_api/", 1)[1] if "/_api/" in path else path
    return [unquote(s).lower() for s in after.split("/") if s]


def _name(segment: str) -> str:
    """A path segment without its arguments: ``getbytitle('Tiltag')`` → ``getbytitle``."""
    return segment.split("(", 1)[0]


def request_units(method: str, url: str, body: bytes | str | None = None) -> int:
    """The resource units one request costs (lower bound); a ``$batch`` costs the sum of its parts.

    ``method`` is the effective verb (``X-HTTP-Method`` when tunnelled). Requests outside SharePoint's
    REST API (no ``/_api/`` in the path: Microsoft Graph's directory and mail) cost 0.
    """
    parts = urlsplit(url)
    if "/_api/" not in parts.path.lower() + "/":
        return 0
    segments = _segments(parts.path)
    if segments and segments[-1] == "$batch":
        return sum(request_units(m, u) for m, u in batch_parts(body))
    method = method.upper()
    query = unquote(parts.query).lower()
    if any(_name(s) in _PERMISSION_SEGMENTS for s in segments) or "roleassignments" in query or "permissions" in query:
        # Reading who may do what is a permission operation too; reading the site's users is not.
        return PERMISSION
    last = _name(segments[-1]) if segments else ""
    if method == "GET":
        single = not segments or segments[-1].endswith(")") or last not in _COLLECTIONS
        return SINGLE_ITEM if single else MULTI_ITEM
    if method == "POST" and last in _POST_READS:
        return _POST_READS[last]
    return WRITE


def batch_parts(body: bytes | str | None) -> list[tuple[str, str]]:
    """(verb, url) of every operation in a SharePoint ``$batch`` body (their request lines)."""
    if not body:
        return []
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return [(m.group(1).decode(), m.group(2).decode("utf-8", "replace")) for m in _PART_LINE.finditer(raw)]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """SharePoint's ``RateLimit-*`` headers (IETF draft-03): the minute budget, what is left, seconds to reset."""

    limit: int
    remaining: int
    reset: float


def rate_limit_of(headers: Mapping[str, str]) -> RateLimit | None:
    """The ``RateLimit-*`` headers of an answer, or ``None`` when absent or unreadable (they are a beta)."""
    found = {name.lower(): value for name, value in headers.items() if name.lower().startswith("ratelimit-")}
    try:
        limit = int(found.get("ratelimit-limit", "0").strip() or 0)
        remaining = int(found["ratelimit-remaining"].strip())
        reset = float(found["ratelimit-reset"].strip())
    except (KeyError, ValueError):
        return None
    if reset < 0:
        return None
    return RateLimit(limit=limit, remaining=max(0, remaining), reset=reset)


def server_pace(rate: RateLimit, cost: int) -> float:
    """Seconds to wait before the next request so the units left last until the window resets.

    With nothing left, wait out the window; otherwise spread what is left: a request costing ``cost``
    waits ``reset * cost / remaining``.
    """
    if rate.remaining <= 0:
        return rate.reset
    return rate.reset * max(1, cost) / rate.remaining


class MinuteBudget:
    """At most ``per_minute`` resource units in any 60 seconds (a sliding window; not thread-safe alone).

    ``delay(cost, now)`` says how long to wait before spending ``cost``; ``spend`` records it. A
    single request dearer than the whole budget goes out once the window is empty, never waits forever.
    """

    WINDOW = 60.0

    def __init__(self, per_minute: int) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        self._spent: deque[tuple[float, int]] = deque()
        self._used = 0

    def _expire(self, now: float) -> None:
        while self._spent and self._spent[0][0] <= now - self.WINDOW:
            self._used -= self._spent.popleft()[1]

    def used(self, now: float) -> int:
        """Units spent in the 60 seconds before ``now``."""
        self._expire(now)
        return self._used

    def delay(self, cost: int, now: float) -> float:
        self._expire(now)
        if cost <= 0 or self._used + cost <= self.per_minute:
            return 0.0
        used = self._used
        for at, units in self._spent:  # the oldest spends leave the window first
            used -= units
            if used + cost <= self.per_minute or used == 0:
                return max(0.0, at + self.WINDOW - now)
        return 0.0  # unreachable: the loop ends with used == 0

    def spend(self, cost: int, now: float) -> None:
        if cost > 0:
            self._expire(now)
            self._spent.append((now, cost))
            self._used += cost
