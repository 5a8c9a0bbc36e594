"""Freezing plans at a status date and comparing two frozen states."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from kksync.errors import KksyncError

if TYPE_CHECKING:
    from kksync.app import Runtime
    from kksync.core.snapshots import Snapshot, SnapshotDiff

__all__ = ["diff_between", "freeze", "load_snapshot"]


def freeze(runtime: Runtime, plan_key: str, status_date: date) -> Snapshot:
    from kksync.core.snapshots import snapshot_of

    portfolio = runtime.sync_service().load_portfolio()
    if portfolio.plan_by_key(plan_key) is None:
        raise KksyncError(f"Planen «{plan_key}» findes ikke i den synkroniserede kopi. Kør kksync sync først.")
    snap = snapshot_of(portfolio, plan_key, status_date)
    runtime.store.put_snapshot(runtime.scope, plan_key, status_date, snap.to_json().encode("utf-8"))
    return snap


def load_snapshot(runtime: Runtime, plan_key: str, status_date: date) -> Snapshot:
    from kksync.core.snapshots import Snapshot

    data = runtime.store.get_snapshot(runtime.scope, plan_key, status_date)
    if data is None:
        known = ", ".join(d.isoformat() for d in runtime.store.list_snapshots(runtime.scope, plan_key)) or "ingen"
        raise KksyncError(f"Der er intet øjebliksbillede af {plan_key} pr. {status_date}. Findes: {known}.")
    return Snapshot.from_json(data.decode("utf-8"))


def diff_between(runtime: Runtime, plan_key: str, old: date, new: date) -> SnapshotDiff:
    from kksync.core.snapshots import diff_snapshots

    return diff_snapshots(load_snapshot(runtime, plan_key, old), load_snapshot(runtime, plan_key, new))
