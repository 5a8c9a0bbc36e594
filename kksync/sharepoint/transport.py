"""The one place every HTTP request passes: decoration, counting, retries, fault handling.

``GuardedTransport`` wraps the library's transport (``BaseTransport.execute`` is its one method),
so the library keeps doing auth, form digests and JSON, while we own what it gets wrong for us:
honouring ``Retry-After``, a time budget, request counts that tests and benchmarks read, and the
``User-Agent`` SharePoint Online wants from well-behaved apps.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import requests
from office365.runtime.http.request_options import RequestOptions
from office365.runtime.transport.base import BaseTransport
from office365.runtime.transport.requests_transport import RequestsTransport

from kksync import __version__
from kksync.errors import SharePointError, ThrottledError
from kksync.sharepoint.retry import RETRIABLE_STATUS, RetryPolicy, parse_retry_after

__all__ = ["USER_AGENT", "GuardedTransport", "request_kind"]

USER_AGENT = f"NONISV|KobenhavnsKommune|kksync/{__version__}"


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
    ) -> None:
        self.inner = inner or RequestsTransport(timeout=(10.0, 120.0))
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.clock = clock
        self.rng = rng or random.Random()
        self.deadline = deadline
        """Absolute ``clock()`` time after which we must not be waiting (a function's budget)."""
        self.counts: Counter[str] = Counter()
        self.retries = 0
        self.waited = 0.0
        self._lock = threading.Lock()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()
            self.retries = 0
            self.waited = 0.0

    def execute(self, request: RequestOptions) -> requests.Response:
        request.headers["User-Agent"] = USER_AGENT
        kind = request_kind(request)
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            with self._lock:
                self.counts[kind] += 1
            try:
                response = self.inner.execute(request)
            except (requests.ConnectionError, requests.Timeout) as error:
                # A create that may have reached the server is not repeated blindly; writes with
                # IF-MATCH are safe to repeat (a repeat gets 412 and the caller re-reads).
                if kind == "create_item":
                    raise SharePointError(
                        f"Forbindelsen til SharePoint blev afbrudt under oprettelsen ({error}); elementet er måske "
                        "oprettet. Tjek listen, før du prøver igen."
                    ) from error
                if attempt >= self.policy.max_attempts:
                    raise SharePointError(
                        f"SharePoint kunne ikke nås efter {attempt} forsøg ({kind}): {error}. Tjek KKSYNC_SITE_URL og netværket."
                    ) from error
                delay = self.policy.delay(attempt, None, self.rng)
                waited = self.wait(delay, waited=waited, kind=kind, cause=error)
                continue
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if response.status_code not in RETRIABLE_STATUS:
                self._pace(response)
                return response  # type: ignore[no-any-return]
            if attempt >= self.policy.max_attempts:
                # Our policy is the only one: raising (rather than returning the error response) keeps the
                # library from starting retries of its own, e.g. around the form digest, outside our budget.
                raise ThrottledError(
                    f"SharePoint svarede {response.status_code} {attempt} gange i træk ({kind}). Prøv igen senere.",
                    retry_after=retry_after, status=response.status_code,
                )
            delay = self.policy.delay(attempt, retry_after, self.rng)
            waited = self.wait(delay, waited=waited, kind=kind, cause=response)

    def wait(self, delay: float, *, waited: float, kind: str, cause: Any = None) -> float:
        """Sleep ``delay`` unless that breaks the budget (``waited`` so far) or the deadline; return the new total."""
        out_of_budget = waited + delay > self.policy.max_total_wait
        past_deadline = self.deadline is not None and self.clock() + delay > self.deadline
        if out_of_budget or past_deadline:
            status = getattr(cause, "status_code", None)
            raise ThrottledError(
                f"SharePoint bad os vente {delay:.0f} s ({kind}); det er mere end tidsbudgettet tillader. "
                "Arbejdet lægges tilbage i køen og prøves igen senere.",
                retry_after=delay,
                status=status,
            )
        with self._lock:
            self.retries += 1
            self.waited += delay
        self.sleep(delay)
        return waited + delay

    def _pace(self, response: requests.Response) -> None:
        """Slow down before SharePoint throttles us, when it tells us how close we are."""
        remaining = response.headers.get("RateLimit-Remaining")
        reset = response.headers.get("RateLimit-Reset")
        if remaining is None or reset is None:
            return
        try:
            if int(remaining) <= 0:
                self.sleep(min(float(reset), self.policy.max_delay))
        except ValueError:
            return
