"""Freezing plans at a status date and comparing two frozen states."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from kksync.errors import SnapshotNotFoundError, UnknownPlanError

if TYPE_CHECKING:
    from kksync.core import model as m
    from kksync.core.snapshots import Snapshot, SnapshotDiff
    from kksync.services.ports import SnapshotStore

__all__ = ["diff_between", "freeze", "load_snapshot"]


def freeze(store: SnapshotStore, portfolio: m.Portfolio, plan_key: str, status_date: date, *, scope: str) -> Snapshot:
    """Store the plan as it stands in ``portfolio`` (the synced copy) as its snapshot at ``status_date``."""
    from kksync.core.snapshots import snapshot_of

    if portfolio.plan_by_key(plan_key) is None:
        raise UnknownPlanError(f"Planen «{plan_key}» findes ikke i den synkroniserede kopi. Kør kksync sync først.",
                               plan_key=plan_key)
    snap = snapshot_of(portfolio, plan_key, status_date)
    store.put_snapshot(scope, plan_key, status_date, snap.to_json().encode("utf-8"))
    return snap


def load_snapshot(store: SnapshotStore, plan_key: str, status_date: date, *, scope: str) -> Snapshot:
    from kksync.core.snapshots import Snapshot

    data = store.get_snapshot(scope, plan_key, status_date)
    if data is None:
        known = ", ".join(d.isoformat() for d in store.list_snapshots(scope, plan_key)) or "ingen"
        raise SnapshotNotFoundError(f"Der er intet øjebliksbillede af {plan_key} pr. {status_date}. Findes: {known}.")
    return Snapshot.from_json(data.decode("utf-8"))


def diff_between(store: SnapshotStore, plan_key: str, old: date, new: date, *, scope: str) -> SnapshotDiff:
    from kksync.core.snapshots import diff_snapshots

    return diff_snapshots(load_snapshot(store, plan_key, old, scope=scope), load_snapshot(store, plan_key, new, scope=scope))
