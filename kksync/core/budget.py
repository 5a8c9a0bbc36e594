"""SharePoint Online's limits per application, and the pacing arithmetic that keeps under them (pure).

SharePoint Online limits every application in a tenant by resource units (RU) per minute and per
24 hours, set by the tenant's licence count (``TIERS``, Microsoft Learn, "Avoid getting throttled or
blocked in SharePoint Online"); every request the app makes counts, the ones it throttled included.
What a request costs is the adapter's business (``kksync.sharepoint.pricing``); the settings name the
tier, and the transport paces with:

- ``MinuteBudget``: a sliding 60-second window the nightly reconcile and the document runs stay
  under (by default half the tier's minute budget), so the webhook path always has the other half;
- ``server_pace``: the wait SharePoint's ``RateLimit-*`` headers ask for. They are sent once an app
  has used 80 % of its minute budget (``RateLimit-Remaining`` RU left, ``RateLimit-Reset`` seconds
  until the window resets); the remaining units are spread evenly over the seconds left.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["DEFAULT_TIER", "TIERS", "MinuteBudget", "RateLimit", "Tier", "rate_limit_of", "server_pace"]


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
        while self._spent and self._spent[0][0] + self.WINDOW <= now:
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
                return _wait_until(at + self.WINDOW, now)
        return 0.0  # unreachable: the loop ends with used == 0

    def spend(self, cost: int, now: float) -> None:
        if cost > 0:
            self._expire(now)
            self._spent.append((now, cost))
            self._used += cost


def _wait_until(moment: float, now: float) -> float:
    """The wait after which ``now + wait >= moment`` holds in floating point (so the spend has left the window)."""
    import math

    wait = max(0.0, moment - now)
    while now + wait < moment:
        wait = math.nextafter(wait, math.inf)
    return wait
