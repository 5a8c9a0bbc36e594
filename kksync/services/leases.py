"""Holding a list's lease while one run syncs it, so two runs never read and advance the same token at once.

The store gives out a lease per (scope, list) (see ``StateStore.acquire_lease``); this module is the
policy around it: how long to wait for a lease someone else holds, how long a lease lasts, and a small
thread that renews it while the work runs, so a long full read keeps it, and a crashed run's lapses.

Holding the lease is what keeps the token moving forward in normal operation; the store's refusal to
move a token back (``StaleTokenError``) is the backstop for a run that stalled past its lease.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kksync.errors import LeaseHeldError
from kksync.texts import LEASE_MESSAGES, lease_held_error

if TYPE_CHECKING:
    from kksync.services.ports import LeaseStore
    from kksync.state.base import Lease

__all__ = ["DEFAULT_TTL_SECONDS", "RUN_LOCK_KEY", "LeasePolicy", "lease_owner"]

log = logging.getLogger(__name__)

RUN_LOCK_KEY = "*run*"
"""The lease key of the store's run lock: no list has it (list keys are identifiers)."""

# The longest finite blob lease; renewed every third of it, so two missed renewals still keep it.
DEFAULT_TTL_SECONDS = 60


def lease_owner(run_id: str) -> str:
    """Who holds a lease, for the operator: host, process and run."""
    return f"{socket.gethostname()}/{os.getpid()}/{run_id[:12]}"


@dataclass(frozen=True)
class LeasePolicy:
    """How a run takes a list's lease. ``wait_seconds=0`` (the function's default) gives up at once,
    with a ``LeaseHeldError`` whose ``retry_after`` sends the queue message back a little later.

    ``clock`` and ``sleep`` drive the waiting (monotonic seconds), so tests need not wait.
    """

    wait_seconds: float = 0.0
    ttl_seconds: int = DEFAULT_TTL_SECONDS
    poll_seconds: float = 2.0
    renew_seconds: float | None = None
    """Renew this often while held; ``None``: a third of the TTL."""
    on_wait: Callable[[str], None] | None = None
    """Told once, in Danish, that the run waits for another run's lease."""
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep

    @contextmanager
    def hold_run(self, store: LeaseStore, scope: str, *, owner: str) -> Iterator[Lease]:
        """Hold the store's run lock (one whole sync at a time per scope), with its own messages."""
        from kksync.texts.cli import cli_text

        held = cli_text("lock_held", seconds=round(self.wait_seconds), ttl=self.ttl_seconds)
        waiting = self.on_wait
        policy = self if waiting is None else replace(
            self, on_wait=lambda _: waiting(cli_text("lock_waiting", seconds=round(self.wait_seconds))))
        try:
            with policy.hold(store, scope, RUN_LOCK_KEY, RUN_LOCK_KEY, owner=owner) as lease:
                yield lease
        except LeaseHeldError as error:
            if error.list_key != RUN_LOCK_KEY or error.args[0] == held:
                raise
            raise LeaseHeldError(held, list_key=RUN_LOCK_KEY, retry_after=error.retry_after) from None

    def _take(self, store: LeaseStore, scope: str, list_key: str, title: str, owner: str) -> Lease:
        deadline = self.clock() + self.wait_seconds
        told = False
        while True:
            lease = store.acquire_lease(scope, list_key, owner=owner, ttl_seconds=self.ttl_seconds)
            if lease is not None:
                return lease
            left = deadline - self.clock()
            if left <= 0:
                raise lease_held_error(list_key=list_key, title=title, seconds=self.wait_seconds, ttl=self.ttl_seconds)
            if not told and self.on_wait is not None:
                self.on_wait(LEASE_MESSAGES["waiting"].format(title=title, seconds=round(self.wait_seconds)))
                told = True
            self.sleep(min(self.poll_seconds, left))

    @contextmanager
    def hold(self, store: LeaseStore, scope: str, list_key: str, title: str, *, owner: str) -> Iterator[Lease]:
        """Hold the list's lease for the ``with`` block: wait for it (or raise ``LeaseHeldError``), renew
        it in the background, release it at the end whatever happens."""
        lease = self._take(store, scope, list_key, title, owner)
        stop = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(store, lease, title, stop),
                                   name=f"kksync-lease-{list_key}", daemon=True)
        renewer.start()
        try:
            yield lease
        finally:
            stop.set()
            renewer.join()
            store.release_lease(lease)

    def _renew(self, store: LeaseStore, lease: Lease, title: str, stop: threading.Event) -> None:
        every = self.renew_seconds if self.renew_seconds is not None else self.ttl_seconds / 3
        current: Lease | None = lease
        while current is not None and not stop.wait(every):
            try:
                current = store.renew_lease(current)
            except Exception:  # a failed renewal is retried; the lease holds for two more attempts
                log.warning("lease renewal of %s failed; trying again", lease.list_key, exc_info=True)
                continue
            if current is None:
                # Nothing to stop here: the work finishes, and the store refuses a token that would go back.
                log.warning(LEASE_MESSAGES["lost"].format(title=title))
