"""Sync benchmark: request counts and throughput against the emulator over real HTTP.

Measures, for a list of N initiatives: the full read, 1,000 conditional updates, and incremental
syncs of k changed items (k = 1, 100, 1,000), each with requests (against the issue's budget),
items/s and peak Python memory. Writes ``bench/results/sync.json`` and prints a table.

    python bench/bench_sync.py [--sizes 1000,10000,50000]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from kksync.app import build_client
from kksync.emulator import EmulatorServer
from kksync.mapping import to_payload
from kksync.sample import large_portfolio
from kksync.schema import list_schema
from kksync.services.provision import provision
from kksync.services.sync import SyncService
from kksync.settings import Settings
from kksync.sharepoint.client import ItemWrite
from kksync.state.sqlite import SqliteStateStore

RESULTS = Path(__file__).parent / "results" / "sync.json"
INITIATIVES = list_schema("initiatives")
PLANS = list_schema("plans")
FOCUS = list_schema("focus_areas")
APP = 1073741822


def _fill(sp: EmulatorServer, n: int) -> None:
    portfolio = large_portfolio(n)
    with sp.store.lock:
        for schema, records in ((FOCUS, portfolio.focus_areas), (PLANS, portfolio.plans)):
            list_id = sp.site.find_list(title=schema.title)["Id"]
            for record in records:
                sp.site.create_item(list_id, to_payload(record, columns=schema.department_columns), APP)
        list_id = sp.site.find_list(title=INITIATIVES.title)["Id"]
        skip = {"USER", "USERMULTI"}
        columns = [c for c in INITIATIVES.department_columns if c.kind.name not in skip and c.lookup != "initiatives"]
        for record in portfolio.initiatives[:n]:
            sp.site.create_item(list_id, to_payload(record, columns=columns), APP)


def _measure(fn: Any) -> tuple[Any, float, float]:
    """(result, seconds, peak RSS of the process in MiB — emulator included, it runs in-process).

    tracemalloc would slow the sync several-fold and distort the throughput, so memory is the RSS peak.
    """
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    return result, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n: int) -> dict[str, Any]:
    figures: dict[str, Any] = {"items": n}
    with tempfile.TemporaryDirectory() as tmp, EmulatorServer(db_path=Path(tmp) / "sp.db") as sp:
        settings = Settings(site_url=sp.url, state=str(Path(tmp) / "state.db"), page_size=5000)
        client = build_client(settings)
        provision(client)
        _fill(sp, n)
        store = SqliteStateStore(Path(tmp) / "state.db")
        service = SyncService(client, store, scope="bench")
        service.sync(full=True, lists=["focus_areas", "plans"], write_back=False)

        client.transport.reset_counts()
        _, seconds, peak = _measure(lambda: service.sync(full=True, lists=["initiatives"], write_back=False))
        budget = math.ceil(n / settings.page_size) + 3
        figures["full_read"] = {"requests": client.transport.total, "budget": budget, "seconds": round(seconds, 2),
                                "items_per_s": round(n / seconds), "peak_rss_mib": round(peak, 1)}

        for k in (1, 100, 1000):
            if k > n:
                continue
            for item_id in range(1, k + 1):
                sp.edit_item(INITIATIVES.title, item_id, {INITIATIVES.column("KkPurpose").name: f"Ændret {time.time()}"})
            client.transport.reset_counts()
            outcome, seconds, peak = _measure(lambda: service.sync(lists=["initiatives"], write_back=False))
            figures[f"incremental_k{k}"] = {
                "requests": client.transport.total, "budget": 3 + math.ceil(k / 100), "changed": outcome.changed,
                "seconds": round(seconds, 3), "items_per_s": round(k / seconds), "peak_rss_mib": round(peak, 1),
            }

        stored = store.load_items("bench", "initiatives")
        writes = [ItemWrite(i, stored[i].etag or "", {INITIATIVES.column("KkLightReason").name: f"bench {i}"})
                  for i in sorted(stored)[: min(1000, n)]]
        client.transport.reset_counts()
        results, seconds, peak = _measure(lambda: client.update_items(INITIATIVES.title, writes))
        figures["write_1000"] = {
            "writes": len(writes), "ok": sum(r.status == "ok" for r in results),
            "batches": client.transport.counts.get("batch", 0), "requests": client.transport.total,
            "budget": math.ceil(len(writes) / 100) + 1, "seconds": round(seconds, 2),
            "items_per_s": round(len(writes) / seconds), "peak_rss_mib": round(peak, 1),
        }
        store.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    all_figures = [run(int(size)) for size in args.sizes.split(",")]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(all_figures, indent=2))
    for figures in all_figures:
        print(f"\n{figures['items']:,} items")
        for name, row in figures.items():
            if isinstance(row, dict):
                print(f"  {name:18} " + "  ".join(f"{k}={v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
