"""Fault injection and the request log, both configurable/inspectable by tests while the server runs."""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Fault", "FaultPlan", "RequestLog", "LoggedRequest"]


@dataclass
class Fault:
    """One rule. `status` 429/503/500 answers with an error (429/503 carry Retry-After); `drop` closes the
    connection without answering; `delay` sleeps before handling (combine with status=None for "slow")."""

    status: int | None = None
    retry_after: int | None = None
    rate: float | None = None  # probability per matching request, drawn from the plan's seeded RNG
    nth: int | None = None  # fire on the Nth matching request (1-based) ...
    every: int | None = None  # ... or on every Nth
    times: int | None = None  # stop after firing this many times
    methods: tuple[str, ...] | None = None
    path_contains: str | None = None
    kinds: tuple[str, ...] | None = None
    delay: float = 0.0
    drop: bool = False
    inner: bool | None = None  # None: HTTP requests and batch operations; True: only batch operations
    seen: int = 0
    fired: int = 0

    def matches(self, method: str, path: str, kind: str, inner: bool) -> bool:
        if self.inner is not None and self.inner != inner:
            return False
        if self.methods and method.upper() not in {m.upper() for m in self.methods}:
            return False
        if self.path_contains and self.path_contains.lower() not in path.lower():
            return False
        return not (self.kinds and kind not in self.kinds)


class FaultPlan:
    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self.rules: list[Fault] = []

    def seed(self, seed: int) -> None:
        with self._lock:
            self._rng = random.Random(seed)

    def add(self, **kwargs: Any) -> Fault:
        """e.g. `add(status=429, retry_after=2, nth=3)`, `add(status=503, rate=0.1, methods=("POST",))`,
        `add(drop=True, nth=1, kinds=("batch",))`, `add(delay=2.0, path_contains="/items")`."""
        for key in ("methods", "kinds"):
            if isinstance(kwargs.get(key), str):
                kwargs[key] = (kwargs[key],)
        rule = Fault(**kwargs)
        with self._lock:
            self.rules.append(rule)
        return rule

    def throttle(self, status: int = 429, retry_after: int = 1, **kwargs: Any) -> Fault:
        return self.add(status=status, retry_after=retry_after, **kwargs)

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def pick(self, method: str, path: str, kind: str, inner: bool = False) -> Fault | None:
        with self._lock:
            for rule in self.rules:
                if not rule.matches(method, path, kind, inner):
                    continue
                rule.seen += 1
                if rule.times is not None and rule.fired >= rule.times:
                    continue
                hit = (
                    (rule.nth is not None and rule.seen == rule.nth)
                    or (rule.every is not None and rule.seen % rule.every == 0)
                    or (rule.rate is not None and self._rng.random() < rule.rate)
                    or (rule.nth is None and rule.every is None and rule.rate is None)
                )
                if hit:
                    rule.fired += 1
                    return rule
        return None


@dataclass
class LoggedRequest:
    method: str
    path: str
    kind: str
    status: int = 0
    inner: list[LoggedRequest] = field(default_factory=list)
    fault: str | None = None


class RequestLog:
    """Every HTTP request the server received; a `$batch` is one entry whose `inner` lists its operations."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.entries: list[LoggedRequest] = []

    def add(self, entry: LoggedRequest) -> LoggedRequest:
        with self._lock:
            self.entries.append(entry)
        return entry

    def reset(self) -> None:
        with self._lock:
            self.entries.clear()

    @property
    def total(self) -> int:
        return len(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def counts(self) -> Counter[str]:
        """HTTP requests by kind (a batch counts once, as `batch`)."""
        with self._lock:
            return Counter(e.kind for e in self.entries)

    def op_counts(self) -> Counter[str]:
        """Logical operations by kind: batch operations are counted individually, the batch itself not."""
        with self._lock:
            out: Counter[str] = Counter()
            for e in self.entries:
                if e.kind == "batch":
                    out.update(i.kind for i in e.inner)
                else:
                    out[e.kind] += 1
            return out
