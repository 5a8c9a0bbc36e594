"""The soak's judge: what happened (faults, deliveries, writes, latency) and whether every promise held."""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soak_actors import INITIATIVES, Journal

from kksync.app import Runtime
from kksync.checks import initiative_bot_values, plan_bot_values
from kksync.core import model as m
from kksync.services.records import DATA_LISTS
from kksync.services.sync import SyncService
from sp_emulator import EmulatorServer

# --- what happened ----------------------------------------------------------------------------------


def fault_counts(sp: EmulatorServer, since: int) -> Counter[str]:
    """Faults by kind, over HTTP requests and the operations inside ``$batch`` requests."""
    counts: Counter[str] = Counter()
    for entry in list(sp.request_log.entries)[since:]:
        for hit in (entry, *entry.inner):
            if hit.fault:
                counts[hit.fault.strip()] += 1
    return counts


def deliveries(sp: EmulatorServer) -> Counter[str]:
    """Webhook deliveries: delivered, dropped by chaos, and duplicated (a second copy sent at once).

    The emulator sends at most one notification per subscription per ``notification_delay``, so a
    POST to the same subscription within a tenth of a second of the previous one is chaos's copy.
    """
    counts: Counter[str] = Counter()
    last_sent: dict[str, float] = {}
    for delivery in list(sp.hooks.deliveries):
        if delivery.status == 0:
            counts["dropped"] += 1
            continue
        if delivery.at - last_sent.get(delivery.subscription_id, float("-inf")) < 0.1:
            counts["duplicated"] += 1
        else:
            counts["delivered" if delivery.status and delivery.status < 300 else "failed"] += 1
        last_sent[delivery.subscription_id] = delivery.at
    return counts


def product_writes(sp: EmulatorServer, since: int) -> int:
    """Successful item updates that reached SharePoint (every HTTP write is kksync's)."""
    return sum(1 for entry in list(sp.request_log.entries)[since:] for op in entry.inner
               if op.kind == "update_item" and 200 <= op.status < 300)


def latencies(edits: list[float], synced: list[tuple[float, float]]) -> list[float]:
    """Seconds from each department save to the end of the first sync that started after it: by
    then the change is stored, checked and its warnings are written back."""
    synced = sorted(synced)
    starts = [start for start, _ in synced]
    out = []
    for at in sorted(edits):
        index = bisect.bisect_left(starts, at)
        if index < len(synced):
            out.append(min(end for _, end in synced[index:index + 50]) - at)
    return out


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)  # noqa: E731
    return {"p50": pick(0.5), "p95": pick(0.95), "max": round(ordered[-1], 1)}


# --- the promises -----------------------------------------------------------------------------------


@dataclass
class Verdict:
    name: str
    ok: bool
    detail: str


def verify_store(runtime: Runtime, fresh: SyncService) -> Verdict:
    mismatched: list[str] = []
    compared = 0
    for schema in DATA_LISTS:
        ours = runtime.store.load_items(runtime.scope, schema.key)
        theirs = fresh.store.load_items(fresh.scope, schema.key)
        compared += len(theirs)
        for item_id in sorted(set(ours) | set(theirs)):
            a, b = ours.get(item_id), theirs.get(item_id)
            # Content and version: the ETag the store holds is the one SharePoint serves now.
            if a is None or b is None or (a.record_json, a.etag) != (b.record_json, b.etag):
                mismatched.append(f"{schema.key}/{item_id}")
    return Verdict("The store equals SharePoint, item for item", not mismatched,
                   f"{compared:,} items compared, content and ETag; differing: {mismatched[:10] or 'none'}")


def verify_bot_values(fresh: SyncService) -> Verdict:
    portfolio = fresh.load_portfolio()
    report = fresh.check(portfolio)
    wrong: list[str] = []
    checked = 0
    for initiative in portfolio.initiatives:
        for attr, value in initiative_bot_values(report, initiative).items():
            checked += 1
            if getattr(getattr(initiative, attr), "value", getattr(initiative, attr)) != getattr(value, "value", value):
                wrong.append(f"{initiative.key}.{attr}")
    for plan in portfolio.plans:
        for attr, value in plan_bot_values(report, plan).items():
            checked += 1
            if getattr(getattr(plan, attr), "value", getattr(plan, attr)) != getattr(value, "value", value):
                wrong.append(f"{plan.key}.{attr}")
    return Verdict("Every bot-owned value equals a fresh check", not wrong,
                   f"{checked:,} values; wrong: {wrong[:10] or 'none'}")


def _same(current: Any, written: Any) -> bool:
    if isinstance(written, float) or isinstance(current, float):
        return current is not None and written is not None and abs(float(current) - float(written)) < 0.005
    return bool(current == written) or (current in ("", None) and written in ("", None))


def verify_journal(sp: EmulatorServer, journal: Journal) -> Verdict:
    items = {int(i["ID"]): i for i in sp.items(INITIATIVES.title)}
    lost = [f"{item_id}.{name}" for (item_id, name), value in journal.last.items()
            if not _same(items.get(item_id, {}).get(name), value)]
    resurrected = sorted(journal.deleted & set(items))
    return Verdict("No department edit was overwritten", not lost and not resurrected,
                   f"{len(journal.last):,} last values checked; lost: {lost[:10] or 'none'}; "
                   f"deleted items back: {resurrected[:10] or 'none'}")


def verify_documents(runtime: Runtime, out: Path) -> tuple[Verdict, list[str]]:
    made: list[str] = []
    problems: list[str] = []
    portfolio = runtime.sync_service().load_portfolio()
    for kind in m.PlanKind:
        plan = next((p for p in portfolio.plans if p.kind is kind), None)
        if plan is None:
            problems.append(f"no plan of kind {kind.value}")
            continue
        for document_type in m.DocumentType:
            try:
                generated = runtime.generate(plan.key, document_type, out_dir=out)
                if kind is m.PlanKind.FAELLES:
                    runtime.publish(generated)
            except Exception as error:
                problems.append(f"{plan.key}/{document_type.value}: {type(error).__name__}: {error}")
            else:
                made.append(f"{generated.document.spec.file_name} ({len(generated.document.data) // 1024} KiB)")
    return Verdict("The documents generate and pass the accessibility lint", not problems,
                   f"{len(made)} documents; errors: {problems[:5] or 'none'}"), made
