"""The one place every HTTP request passes: decoration, counting, retries, pacing, fault handling.

``GuardedTransport`` wraps the library's transport (``BaseTransport.execute`` is its one method),
so the library keeps doing auth, form digests and JSON, while we own what it gets wrong for us:
honouring ``Retry-After``, a time budget, request counts and resource units (``budget``) that runs,
tests and benchmarks read, and the ``User-Agent`` SharePoint Online wants from well-behaved apps.

Pacing, before SharePoint throttles: every request waits while SharePoint's ``RateLimit-*`` headers
of an earlier answer ask it to; and requests sent inside ``with transport.budgeted():`` (the nightly
reconcile, the document runs) also stay under the client-side ``MinuteBudget``, so the webhook path,
which is never inside it, keeps the rest of the app's minute budget.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

import requests
from office365.runtime.http.request_options import RequestOptions
from office365.runtime.transport.base import BaseTransport
from office365.runtime.transport.requests_transport import RequestsTransport

from kksync import __version__
from kksync.core.budget import MinuteBudget, RateLimit, rate_limit_of, server_pace
from kksync.errors import SharePointError, ThrottledError
from kksync.sharepoint.pricing import request_units
from kksync.sharepoint.retry import Again, Retrier, RetryPolicy, is_retriable, parse_retry_after, retry_after_of
from kksync.texts.budget import budget_text

__all__ = ["USER_AGENT", "GuardedTransport", "request_kind"]

USER_AGENT = f"NONISV|KobenhavnsKommune|kksync/{__version__}"
log = logging.getLogger("kksync.sharepoint")
_BUDGETED: ContextVar[frozenset[int]] = ContextVar("kksync_budgeted", default=frozenset())
"""The transports (by id) whose requests in this thread or task keep to their budget."""

# Requests that may have taken effect when the connection broke, and that are not safe to repeat:
# a repeated create makes a second item, a repeated sendMail a second mail. (Writes with IF-MATCH
# are safe: a repeat gets 412 and the caller re-reads.)
_NOT_REPEATABLE = {
    "create_item": "Forbindelsen til SharePoint blev afbrudt under oprettelsen ({error}); elementet er måske oprettet. "
                   "Tjek listen, før du prøver igen.",
    "graph_mail": "Forbindelsen til Microsoft Graph blev afbrudt under afsendelsen ({error}); mailen er måske sendt. "
                  "Tjek afsenderens sendte post, før du prøver igen.",
}


def request_kind(request: RequestOptions) -> str:
    """A coarse name for a request, for counting (``get``, ``batch``, ``changes``, ...)."""
    url = request.url.split("?", 1)[0].lower()
    method = request.headers.get("X-HTTP-Method", str(request.method)).upper()
    if url.endswith("/contextinfo"):
        return "digest"
    if url.endswith("/$batch"):
        return "batch"
    if url.endswith("/getchanges"):
        return "changes"
    if "/items" in url:
        return {"GET": "read_items", "MERGE": "update_item", "DELETE": "delete_item"}.get(method, "create_item")
    return "other_" + ("get" if method == "GET" else "write")


class GuardedTransport(BaseTransport):  # type: ignore[misc]  # the library ships no type information
    """Counts and retries; ``sleep``/``clock``/``rng`` are injectable so tests never really wait."""

    def __init__(
        self,
        inner: BaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        deadline: float | None = None,
        budget: MinuteBudget | None = None,
    ) -> None:
        self.inner = inner or RequestsTransport(timeout=(10.0, 120.0))
        self.retrier = Retrier(policy, sleep=sleep, clock=clock, rng=rng, deadline=deadline)
        """The one retry loop; the client's batched writes retry their throttled operations through it too."""
        self.budget = budget
        """The client-side minute budget of ``budgeted()`` runs (``None``: only SharePoint's headers pace)."""
        self.counts: Counter[str] = Counter()
        self.units: Counter[str] = Counter()
        """Resource units sent, per request kind (``budget.request_units``: a lower bound; retries included)."""
        self.paced = 0
        self.paced_seconds = 0.0
        self._not_before = 0.0  # clock() time before which SharePoint's RateLimit headers asked us not to send
        self._rate: RateLimit | None = None  # the last RateLimit headers seen, for the pacing message
        self._lock = threading.Lock()

    @property
    def policy(self) -> RetryPolicy:
        return self.retrier.policy

    @property
    def retries(self) -> int:
        return self.retrier.retries

    @property
    def waited(self) -> float:
        return self.retrier.waited

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def resource_units(self) -> int:
        return sum(self.units.values())

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()
            self.units.clear()
            self.paced, self.paced_seconds = 0, 0.0
        self.retrier.reset()

    @contextmanager
    def budgeted(self) -> Iterator[None]:
        """Requests this transport sends in this block (this thread or task) stay under ``budget`` too."""
        token = _BUDGETED.set(_BUDGETED.get() | {id(self)})
        try:
            yield
        finally:
            _BUDGETED.reset(token)

    def execute(self, request: RequestOptions, *, kind: str | None = None) -> requests.Response:
        """Send ``request`` within the policy; ``kind`` names it for the counts (default: ``request_kind``)."""
        request.headers["User-Agent"] = USER_AGENT
        kind = kind or request_kind(request)
        method = request.headers.get("X-HTTP-Method", str(request.method))
        data = request.data if isinstance(request.data, bytes | str) else None
        cost = request_units(method, request.url, data)
        budgeted = id(self) in _BUDGETED.get() and self.budget is not None

        def attempt(number: int) -> requests.Response | Again:
            self._wait_turn(cost, kind, budgeted=budgeted)
            with self._lock:
                self.counts[kind] += 1
                self.units[kind] += cost  # a throttled request counts too
            try:
                response = self.inner.execute(request)
            except (requests.ConnectionError, requests.Timeout) as error:
                if kind in _NOT_REPEATABLE:
                    raise SharePointError(_NOT_REPEATABLE[kind].format(error=error)) from error
                return Again(None, None, error)
            self._heed(response.headers, cost)
            if not is_retriable(response.status_code, response.headers):
                return response  # type: ignore[no-any-return]
            return Again(parse_retry_after(retry_after_of(response.headers)), response.status_code, response)

        def exhausted(number: int, last: Again) -> Exception:
            service, setting = ("Microsoft Graph", "KKSYNC_GRAPH_URL") if kind.startswith("graph_") else (
                "SharePoint", "KKSYNC_SITE_URL")
            if last.status is None:
                return SharePointError(
                    f"{service} kunne ikke nås efter {number} forsøg ({kind}): {last.cause}. "
                    f"Tjek {setting} og netværket."
                )
            # Our policy is the only one: raising (rather than returning the error response) keeps the
            # library from starting retries of its own, e.g. around the form digest, outside our budget.
            return ThrottledError(
                f"{service} svarede {last.status} {number} gange i træk ({kind}). Prøv igen senere.",
                retry_after=last.retry_after, status=last.status,
            )

        return self.retrier.run(attempt, kind=kind, exhausted=exhausted)

    def _heed(self, headers: Mapping[str, str], cost: int) -> None:
        """Remember how long SharePoint's ``RateLimit-*`` headers ask us to wait before the next request."""
        rate = rate_limit_of(headers)
        if rate is None:
            return
        wait = min(server_pace(rate, cost), self.policy.max_delay)
        with self._lock:
            self._not_before = max(self._not_before, self.retrier.clock() + wait)
            self._rate = rate

    def _wait_turn(self, cost: int, kind: str, *, budgeted: bool) -> None:
        """Wait until SharePoint's headers, and for a budgeted run its budget, allow ``cost`` more units.

        A wait that would outlive the deadline raises ``ThrottledError`` before anything is sent, so the
        caller hands the work back (to the queue) with nothing half done.
        """
        while True:
            with self._lock:
                now = self.retrier.clock()
                server = max(0.0, self._not_before - now)
                own = self.budget.delay(cost, now) if budgeted and self.budget is not None else 0.0
                delay = max(server, own)
                if delay <= 0:
                    if budgeted and self.budget is not None:
                        self.budget.spend(cost, now)
                    return
                deadline = self.retrier.deadline
                if deadline is not None and now + delay > deadline:
                    raise ThrottledError(budget_text("pace_deadline", seconds=delay, kind=kind), retry_after=delay)
                self.paced += 1
                self.paced_seconds += delay
                rate = self._rate
            if server >= own and rate is not None:
                log.info(budget_text("pace_server", remaining=rate.remaining, limit=rate.limit, reset=rate.reset,
                                     seconds=delay))
            else:
                log.info(budget_text("pace_budget", budget=self.budget.per_minute if self.budget else 0, seconds=delay))
            self.retrier.sleep(delay)
