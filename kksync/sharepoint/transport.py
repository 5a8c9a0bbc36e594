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

import requests
from office365.runtime.http.request_options import RequestOptions
from office365.runtime.transport.base import BaseTransport
from office365.runtime.transport.requests_transport import RequestsTransport

from kksync import __version__
from kksync.errors import SharePointError, ThrottledError
from kksync.sharepoint.retry import RETRIABLE_STATUS, Again, Retrier, RetryPolicy, parse_retry_after

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
        self.retrier = Retrier(policy, sleep=sleep, clock=clock, rng=rng, deadline=deadline)
        """The one retry loop; the client's batched writes retry their throttled operations through it too."""
        self.counts: Counter[str] = Counter()
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

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()
        self.retrier.reset()

    def execute(self, request: RequestOptions) -> requests.Response:
        request.headers["User-Agent"] = USER_AGENT
        kind = request_kind(request)

        def attempt(number: int) -> requests.Response | Again:
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
                return Again(None, None, error)
            if response.status_code not in RETRIABLE_STATUS:
                self._pace(response)
                return response  # type: ignore[no-any-return]
            return Again(parse_retry_after(response.headers.get("Retry-After")), response.status_code, response)

        def exhausted(number: int, last: Again) -> Exception:
            if last.status is None:
                return SharePointError(
                    f"SharePoint kunne ikke nås efter {number} forsøg ({kind}): {last.cause}. "
                    "Tjek KKSYNC_SITE_URL og netværket."
                )
            # Our policy is the only one: raising (rather than returning the error response) keeps the
            # library from starting retries of its own, e.g. around the form digest, outside our budget.
            return ThrottledError(
                f"SharePoint svarede {last.status} {number} gange i træk ({kind}). Prøv igen senere.",
                retry_after=last.retry_after, status=last.status,
            )

        return self.retrier.run(attempt, kind=kind, exhausted=exhausted)

    def _pace(self, response: requests.Response) -> None:
        """Slow down before SharePoint throttles us, when it tells us how close we are."""
        remaining = response.headers.get("RateLimit-Remaining")
        reset = response.headers.get("RateLimit-Reset")
        if remaining is None or reset is None:
            return
        try:
            if int(remaining) <= 0:
                self.retrier.sleep(min(float(reset), self.policy.max_delay))
        except ValueError:
            return
