"""Freezing plans at a status date, comparing two frozen states, listing and deleting them.

Frozen means frozen: ``freeze`` refuses a status date that already has a snapshot
(``SnapshotExistsError``) unless asked to replace it, and then keeps the old one in the history under
``<plan>@erstattet-<time>`` (``history_key``) before writing the new one; ``delete`` keeps it there too.
A status date must lie in the plan's period (or the year after it, when the last status is written)
and not in the future; a status year must be one of the plan's years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from kksync.errors import InvalidInputError, SnapshotExistsError, SnapshotNotFoundError, UnknownPlanError
from kksync.texts.cli import cli_text

if TYPE_CHECKING:
    from kksync.core import model as m
    from kksync.core.snapshots import Snapshot, SnapshotDiff
    from kksync.services.ports import SnapshotStore

__all__ = [
    "Frozen", "check_status_date", "check_year", "delete", "diff_between", "freeze", "history_key", "load_snapshot",
    "require_plan",
]

HISTORY_MARK = "@erstattet-"


@dataclass(frozen=True, slots=True)
class Frozen:
    """A snapshot just frozen, and where the one it replaced was kept (``None``: there was none)."""

    snapshot: Snapshot
    replaced_digest: str | None = None
    kept_as: str | None = None


def history_key(plan_key: str, at: datetime) -> str:
    """The plan key a replaced or deleted snapshot is kept under (same status date)."""
    return f"{plan_key}{HISTORY_MARK}{at.astimezone(UTC):%Y%m%dT%H%M%S%fZ}"


def shown_key(plan_key: str, limit: int = 80) -> str:
    """A plan key the caller typed, as a message shows it: a very long one is cut with "…"."""
    return plan_key if len(plan_key) <= limit else plan_key[: limit - 1] + "…"


def require_plan(portfolio: m.Portfolio, plan_key: str) -> m.Plan:
    plan = portfolio.plan_by_key(plan_key)
    if plan is None:
        known = ", ".join(sorted(p.key for p in portfolio.plans)) or cli_text("plan_none_known")
        raise UnknownPlanError(cli_text("plan_missing", plan=shown_key(plan_key), known=known), plan_key=plan_key)
    return plan


def check_status_date(plan: m.Plan, status_date: date, *, today: date) -> None:
    """A status date in the plan's period or the year after it, and not after ``today``."""
    if status_date > today:
        raise InvalidInputError(cli_text("snapshot_date_future", date=status_date.isoformat(), today=today.isoformat()))
    if plan.period_start is None or plan.period_end is None:
        return
    last = date(min(plan.period_end.year + 1, 9999), 12, 31)
    if not plan.period_start <= status_date <= last:
        raise InvalidInputError(cli_text("snapshot_date_period", date=status_date.isoformat(),
                                         start=plan.period_start.isoformat(), end=plan.period_end.isoformat(),
                                         last=last.isoformat()))


def check_year(plan: m.Plan, year: int) -> None:
    """A status year must be one of the plan's years."""
    if plan.period_start is None or plan.period_end is None:
        if not 1 <= year <= 9999:
            raise InvalidInputError(cli_text("year_invalid", value=year))
        return
    if not plan.period_start.year <= year <= plan.period_end.year:
        raise InvalidInputError(cli_text("year_period", plan=plan.key, start=plan.period_start.year,
                                         end=plan.period_end.year, year=year))


def freeze(store: SnapshotStore, portfolio: m.Portfolio, plan_key: str, status_date: date, *, scope: str,
           replace: bool = False, now: datetime | None = None, validate: bool = True) -> Frozen:
    """Store the plan as it stands in ``portfolio`` (the synced copy) as its snapshot at ``status_date``."""
    from kksync.core.snapshots import Snapshot, snapshot_of

    now = now or datetime.now(UTC)
    plan = require_plan(portfolio, plan_key)
    if validate:
        check_status_date(plan, status_date, today=now.date())
    existing = store.get_snapshot(scope, plan_key, status_date)
    replaced, kept = None, None
    if existing is not None:
        old = Snapshot.from_json(existing.decode("utf-8"))
        if not replace:
            raise SnapshotExistsError(cli_text("snapshot_exists", plan=plan_key, date=status_date.isoformat(),
                                               digest=old.digest()[:12]))
        kept = history_key(plan_key, now)
        store.put_snapshot(scope, kept, status_date, existing)
        replaced = old.digest()
    snap = snapshot_of(portfolio, plan_key, status_date)
    store.put_snapshot(scope, plan_key, status_date, snap.to_json().encode("utf-8"))
    return Frozen(snap, replaced, kept)


def delete(store: SnapshotStore, plan_key: str, status_date: date, *, scope: str, now: datetime | None = None) -> str:
    """Delete a snapshot, keeping it in the history; returns the key it is kept under."""
    data = store.get_snapshot(scope, plan_key, status_date)
    if data is None:
        raise _not_found(store, plan_key, status_date, scope=scope)
    kept = history_key(plan_key, now or datetime.now(UTC))
    store.put_snapshot(scope, kept, status_date, data)
    store.delete_snapshot(scope, plan_key, status_date)
    return kept


def _not_found(store: SnapshotStore, plan_key: str, status_date: date, *, scope: str) -> SnapshotNotFoundError:
    known = ", ".join(d.isoformat() for d in store.list_snapshots(scope, plan_key)) or "ingen"
    return SnapshotNotFoundError(f"Der er intet øjebliksbillede af {plan_key} pr. {status_date}. Findes: {known}.")


def load_snapshot(store: SnapshotStore, plan_key: str, status_date: date, *, scope: str) -> Snapshot:
    from kksync.core.snapshots import Snapshot

    data = store.get_snapshot(scope, plan_key, status_date)
    if data is None:
        raise _not_found(store, plan_key, status_date, scope=scope)
    return Snapshot.from_json(data.decode("utf-8"))


def diff_between(store: SnapshotStore, plan_key: str, old: date, new: date, *, scope: str) -> SnapshotDiff:
    from kksync.core.snapshots import diff_snapshots

    return diff_snapshots(load_snapshot(store, plan_key, old, scope=scope), load_snapshot(store, plan_key, new, scope=scope))
