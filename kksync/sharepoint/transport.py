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
from kksync.sharepoint.retry import Again, Retrier, RetryPolicy, is_retriable, parse_retry_after, retry_after_of

__all__ = ["USER_AGENT", "GuardedTransport", "request_kind"]

USER_AGENT = f"NONISV|KobenhavnsKommune|kksync/{__version__}"

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

    def execute(self, request: RequestOptions, *, kind: str | None = None) -> requests.Response:
        """Send ``request`` within the policy; ``kind`` names it for the counts (default: ``request_kind``)."""
        request.headers["User-Agent"] = USER_AGENT
        kind = kind or request_kind(request)

        def attempt(number: int) -> requests.Response | Again:
            with self._lock:
                self.counts[kind] += 1
            try:
                response = self.inner.execute(request)
            except (requests.ConnectionError, requests.Timeout) as error:
                if kind in _NOT_REPEATABLE:
                    raise SharePointError(_NOT_REPEATABLE[kind].format(error=error)) from error
                return Again(None, None, error)
            if not is_retriable(response.status_code, response.headers):
                self._pace(response)
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
