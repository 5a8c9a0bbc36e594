"""The retry policy as plain data, and the one retry loop every SharePoint call goes through.

The library's own retries ignore ``Retry-After``; ours honour it, back off exponentially with
jitter when it is absent, and stop at a cap on attempts and on total waiting time so that a
caller with a deadline (an Azure Function) can hand the work back instead of sleeping.

``Retrier.run`` is used twice with the same policy and budget: by the transport for whole HTTP
requests, and by the batched writes for the operations inside a ``$batch`` that SharePoint
throttled on their own (the batch itself answered 200).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from kksync.errors import ThrottledError

__all__ = ["RETRIABLE_STATUS", "Again", "Retrier", "RetryPolicy", "RetryWait", "is_retriable", "parse_retry_after", "retry_after_of"]

RETRIABLE_STATUS = frozenset({429, 502, 503, 504})
"""Statuses that mean "not now": throttling (429, 503) and a gateway that lost its upstream (502, 504).

A 500 is not among them: SharePoint answers fixed errors with 500 too, the list view threshold
(``SPQueryThrottledException``) first of all, and repeating those only burns the retry budget.
"""

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 6
    max_total_wait: float = 120.0
    base_delay: float = 0.5
    max_delay: float = 60.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait before attempt ``attempt + 1``; the server's word wins when given."""
        if retry_after is not None:
            return max(0.0, retry_after)
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return float(backoff * (0.5 + rng.random() / 2))  # "equal jitter": never zero, never in lockstep


@dataclass(frozen=True, slots=True)
class RetryWait:
    """A wait before attempt ``next_attempt`` of ``max_attempts``; ``status`` None: the connection failed."""

    next_attempt: int
    max_attempts: int
    seconds: float
    status: int | None
    kind: str


@dataclass(frozen=True, slots=True)
class Again:
    """An attempt's answer meaning "not yet": try again after ``retry_after`` (None: back off).

    ``status`` is the HTTP status that asked for the wait (None for a dropped connection); ``cause``
    what went wrong, for ``exhausted`` and as the cause of the error raised when attempts run out.
    """

    retry_after: float | None = None
    status: int | None = None
    cause: object = None


def retry_after_of(headers: Mapping[str, str]) -> str | None:
    """The ``Retry-After`` header in any spelling (``requests`` headers ignore case, ``$batch`` parts are lower-cased)."""
    return next((value for name, value in headers.items() if name.lower() == "retry-after"), None)


def is_retriable(status: int, headers: Mapping[str, str]) -> bool:
    """Whether an answer asks to be repeated: a status of ``RETRIABLE_STATUS``, or a 500 that says when.

    The same rule for whole requests and for the parts of a ``$batch`` (SharePoint and Graph alike).
    """
    return status in RETRIABLE_STATUS or (status == 500 and retry_after_of(headers) is not None)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds; it may be a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Retrier:
    """Runs attempts until one succeeds, within the policy; ``sleep``/``clock``/``rng`` are injectable.

    ``retries`` and ``waited`` add up over every ``run`` (for benchmarks and tests); the budget of
    ``max_total_wait`` applies per ``run``, the ``deadline`` (absolute ``clock()`` time) to all.
    """

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        deadline: float | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.clock = clock
        self.rng = rng or random.Random()
        self.deadline = deadline
        self.retries = 0
        self.waited = 0.0
        self._lock = threading.Lock()
        self.on_wait: Callable[[RetryWait], None] | None = None
        """Told before each wait (the CLI shows "forsøg 2 af 6, venter 4 s"; a retry is never a silent hang)."""

    def reset(self) -> None:
        with self._lock:
            self.retries = 0
            self.waited = 0.0

    def run(
        self,
        attempt: Callable[[int], T | Again],
        *,
        kind: str,
        exhausted: Callable[[int, Again], Exception],
    ) -> T:
        """``attempt(n)`` until it returns a result; after ``max_attempts`` answers of ``Again``, raise ``exhausted``."""
        waited = 0.0
        number = 0
        while True:
            number += 1
            result = attempt(number)
            if not isinstance(result, Again):
                return result
            if number >= self.policy.max_attempts:
                error = exhausted(number, result)
                cause = result.cause if isinstance(result.cause, BaseException) else None
                raise error from cause
            delay = self.policy.delay(number, result.retry_after, self.rng)
            waited = self._wait(delay, waited=waited, kind=kind, status=result.status, attempt=number)

    def _wait(self, delay: float, *, waited: float, kind: str, status: int | None, attempt: int = 0) -> float:
        """Sleep ``delay`` unless that breaks the budget (``waited`` so far) or the deadline; return the new total."""
        out_of_budget = waited + delay > self.policy.max_total_wait
        past_deadline = self.deadline is not None and self.clock() + delay > self.deadline
        if out_of_budget or past_deadline:
            raise ThrottledError(
                f"SharePoint bad os vente {delay:.0f} s ({kind}); det er mere end tidsbudgettet tillader. "
                "Arbejdet lægges tilbage i køen og prøves igen senere.",
                retry_after=delay,
                status=status,
            )
        with self._lock:
            self.retries += 1
            self.waited += delay
        if self.on_wait is not None:
            self.on_wait(RetryWait(attempt + 1, self.policy.max_attempts, delay, status, kind))
        self.sleep(delay)
        return waited + delay
