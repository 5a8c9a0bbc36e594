"""SharePoint Online's budget per application: resource units per minute, ``RateLimit-*`` headers, 429.

Microsoft Learn, "Avoid getting throttled or blocked in SharePoint Online": every application in a
tenant has a budget of resource units (RU) per minute, set by the tenant's licence count (1,200 to
6,000); every request counts, throttled ones too, and the requests inside a ``$batch`` count one by one.
Microsoft Graph publishes the price of a request (1 RU single-item read or delta with a token, 2 RU
multi-item query / create / update / delete / upload, 5 RU permission operations); REST has no fixed
price and usually costs more. The emulator charges Graph's prices, the lower bound.

Once an app has used 80 % of its minute budget, answers carry ``RateLimit-Limit`` (the budget),
``RateLimit-Remaining`` (units left) and ``RateLimit-Reset`` (seconds until the window resets)
(Microsoft 365 Developer Blog, "Prevent throttling in your application by using RateLimit headers in
SharePoint Online": app permissions only, a beta following IETF draft-03). With nothing left the app
gets 429 with ``Retry-After`` until the window resets. How SharePoint cuts the minute is not published
(unverified): here it is a fixed window from the app's first request in it.

Only app traffic is charged: requests with a token the emulator knows as a person's (``token_users``)
are a user's, and Microsoft Graph's directory and mail are not SharePoint resources.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from urllib.parse import unquote

__all__ = ["AppBudget", "units_of"]

_COLLECTIONS = frozenset({
    "items", "fields", "lists", "siteusers", "subscriptions", "files", "folders", "views", "contenttypes",
    "sitegroups", "users", "roleassignments", "recyclebin",
})
_PERMISSION = frozenset({"ensureuser", "removebyid", "roleassignments", "breakroleinheritance",
                         "resetroleinheritance", "sitegroups", "addroleassignment", "removeroleassignment"})
_POST_READS = {"getchanges": 1, "contextinfo": 1, "getitems": 2}
_PART = re.compile(rb"^(GET|POST|PUT|PATCH|MERGE|DELETE) (\S+) HTTP/1\.1\r?$", re.MULTILINE)


def units_of(method: str, path: str, query: str = "", body: bytes = b"") -> int:
    """Graph's price of one SharePoint REST request; a ``$batch`` costs the sum of its operations."""
    lowered_path = path.lower() + "/"
    if "/_api/" not in lowered_path:
        return 0
    names = [unquote(s).split("(", 1)[0] for s in lowered_path.split("/_api/", 1)[1].split("/") if s]
    raw_last = path.rstrip("/").rsplit("/", 1)[-1]
    if names and names[-1] == "$batch":
        total = 0
        for found in _PART.finditer(body):
            url = found.group(2).decode("utf-8", "replace")
            part_path, _, part_query = url.split("://", 1)[-1].partition("?")
            part_path = "/" + part_path.split("/", 1)[1] if "/" in part_path else part_path
            total += units_of(found.group(1).decode(), part_path, part_query)
        return total
    lowered = unquote(query).lower()
    if any(n in _PERMISSION for n in names) or "roleassignments" in lowered or "permissions" in lowered:
        return 5
    last = names[-1] if names else ""
    method = method.upper()
    if method == "GET":
        return 2 if last in _COLLECTIONS and not raw_last.endswith(")") else 1
    if method == "POST" and last in _POST_READS:
        return _POST_READS[last]
    return 2


class AppBudget:
    """The app's minute budget (``per_minute``; ``None``: counted, never limited); ``clock`` is injectable."""

    WINDOW = 60.0
    WARN_AT = 0.8

    def __init__(self, per_minute: int | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.total = 0
        self.spent: list[tuple[float, int]] = []
        """(clock time, units) of every charged request, for tests and benchmarks."""
        self.throttled = 0
        self._start: float | None = None
        self._used = 0
        self._lock = threading.Lock()

    def _window(self, now: float) -> None:
        if self._start is None or now >= self._start + self.WINDOW:
            self._start, self._used = now, 0

    def _reset_in(self, now: float) -> int:
        assert self._start is not None
        return max(1, math.ceil(self._start + self.WINDOW - now))

    def refuse(self) -> int | None:
        """Seconds to come back after, when the budget of this minute is spent (the caller answers 429)."""
        if self.per_minute is None:
            return None
        with self._lock:
            now = self.clock()
            self._window(now)
            if self._used < self.per_minute:
                return None
            self.throttled += 1
            return self._reset_in(now)

    def charge(self, units: int) -> dict[str, str]:
        """Charge ``units`` to this minute; the ``RateLimit-*`` headers to send, from 80 % of the budget."""
        with self._lock:
            now = self.clock()
            self._window(now)
            self._used += units
            self.total += units
            if units:
                self.spent.append((now, units))
            if self.per_minute is None or self._used < self.WARN_AT * self.per_minute:
                return {}
            return {
                "RateLimit-Limit": str(self.per_minute),
                "RateLimit-Remaining": str(max(0, self.per_minute - self._used)),
                "RateLimit-Reset": str(self._reset_in(now)),
            }

    def per_window(self, start: float, window: float = 60.0) -> list[int]:
        """Units charged in consecutive windows of ``window`` seconds from ``start`` (tests' minute-by-minute view)."""
        with self._lock:
            spent = list(self.spent)
        if not spent:
            return []
        buckets = [0] * (int((spent[-1][0] - start) // window) + 1)
        for at, units in spent:
            if at >= start:
                buckets[int((at - start) // window)] += units
        return buckets

    def reset(self) -> None:
        with self._lock:
            self.total, self.throttled, self._used, self._start = 0, 0, 0, None
            self.spent.clear()
