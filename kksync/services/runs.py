"""A sync run's record in the history, kept up to date while the run works, and what the history says.

``RunTracker`` writes the run's record after every list it stored (status ``running``), once more when
the run ends (``ok``, or ``partial`` when SharePoint refused write-backs) or fails (``failed``, with the
error). A run that dies after storing its lists so keeps the record of who changed what; one killed
outright stays ``running`` with no end time, and ``kksync runs`` shows it as not finished.

``last_sync`` is what ``check``, the reports and ``doctor`` say the data is from: the end of the newest
run that finished (completely or partly).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from kksync.state.base import ChangeRecord, RunMode, RunRecord, RunStatus

if TYPE_CHECKING:
    from kksync.services.sync import ListOutcome

__all__ = ["RunTracker", "SyncStamp", "WriteFailure", "last_sync", "run_mode"]

HISTORY_LOOKBACK = 50
"""How many runs back ``last_sync`` looks for one that finished."""


@dataclass(frozen=True, slots=True)
class WriteFailure:
    """A write-back SharePoint refused: which list and item, and SharePoint's reason."""

    list_key: str
    list_title: str
    item_id: int
    message: str

    def line(self) -> str:
        return f"{self.list_title} #{self.item_id}: {self.message}"


class _Outcome(Protocol):
    @property
    def lists(self) -> Mapping[str, ListOutcome]: ...
    notes: list[str]
    failures: list[WriteFailure]


def run_mode(modes: Sequence[str]) -> RunMode:
    """``full`` when every list was read in full, ``incremental`` when none was, else ``mixed``."""
    if modes and all(m == "full" for m in modes):
        return "full"
    if any(m == "full" for m in modes):
        return "mixed"
    return "incremental"


class _RunStore(Protocol):
    def record_run(self, run: RunRecord) -> None: ...


class RunTracker:
    def __init__(self, store: _RunStore, scope: str, run_id: str, *, started: datetime,
                 now: Callable[[], datetime]) -> None:
        self.store, self.scope, self.run_id, self.started, self.now = store, scope, run_id, started, now

    def record(self, outcome: _Outcome, changes: list[ChangeRecord], *, requests: int, resource_units: int = 0,
               finished: bool = False, error: BaseException | None = None) -> None:
        lists = {key: o.stats for key, o in outcome.lists.items()}
        status: RunStatus = "running"
        if error is not None:
            status = "failed"
        elif finished:
            status = "partial" if outcome.failures else "ok"
        run = RunRecord(
            run_id=self.run_id, scope=self.scope, started_at=self.started,
            finished_at=self.now() if finished or error is not None else None,
            mode=run_mode([o.mode for o in outcome.lists.values()]), lists=lists, changes=list(changes),
            requests=requests, resource_units=resource_units, writes=sum(s.written for s in lists.values()), note="; ".join(outcome.notes),
            status=status, error=_error_text(error) if error is not None else "",
            failures=[f.line() for f in outcome.failures],
        )
        try:
            self.store.record_run(run)
        except Exception:
            if error is None:
                raise
            # Recording a failure must not hide the failure itself (the store may be what failed).


def _error_text(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= 2000 else text[:1999] + "…"


@dataclass(frozen=True, slots=True)
class SyncStamp:
    """When the data a command judges on was synced, and by which run."""

    finished_at: datetime
    run_id: str
    status: RunStatus


class _History(Protocol):
    def runs(self, scope: str, limit: int = 20) -> list[RunRecord]: ...


def last_sync(store: _History, scope: str) -> SyncStamp | None:
    """The newest run that finished (``ok`` or ``partial``), or ``None`` if none did."""
    for run in store.runs(scope, HISTORY_LOOKBACK):
        if run.status in ("ok", "partial") and run.finished_at is not None:
            return SyncStamp(run.finished_at, run.run_id, run.status)
    return None
