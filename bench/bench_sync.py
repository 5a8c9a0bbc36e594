"""Sync benchmark: request counts, throughput and peak memory against the emulator over real HTTP.

For a list of N initiatives it measures the full read, incremental syncs of k changed items
(k = 1, 100, 1,000) and 1,000 batched conditional updates: requests against the budget, items/s
against a throughput goal and the peak RSS against a memory goal. Each size runs in a fresh process,
and the emulator's site is filled in a child process before it (the sample generator's garbage would
otherwise stay in the measured process's RSS). Writes ``bench/results/sync.json`` and prints a table.

    python bench/bench_sync.py [--sizes 1000,10000,50000]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: sp_emulator and testkit are not installed

from kksync.app import build_client
from kksync.core.mapping import to_payload
from kksync.core.schema import list_schema
from kksync.sample import large_portfolio
from kksync.services.provision import provision
from kksync.services.sync import SyncService
from kksync.settings import Settings
from kksync.sharepoint.client import ItemWrite, SharePointClient
from kksync.state.sqlite import SqliteStateStore
from sp_emulator import EmulatorServer

RESULTS = Path(__file__).parent / "results" / "sync.json"
SIZES = "1000,10000,50000"
INITIATIVES = list_schema("initiatives")
PLANS = list_schema("plans")
FOCUS = list_schema("focus_areas")
APP = 1073741822
PAGE_SIZE = 5000
CHANGES = (1, 100, 1000)
WRITES = 1000

# Goals. Request budgets: ceil(n/page_size)+3 for a full read, 3+ceil(k/100) for k changes,
# ceil(writes/100)+1 for batched writes (100 writes per $batch).
MIN_ITEMS_PER_S = 1000  # full read and batched writes
MAX_INCREMENTAL_SECONDS = 1.0  # one incremental sync, at any list size: k changes at ≥ k items/s
BASE_RSS_MIB = 256  # peak RSS goal: this plus 80 KiB per item (≈ 4 GiB at 50,000), emulator included
RSS_KIB_PER_ITEM = 80

T = TypeVar("T")


def peak_rss_goal_mib(n: int) -> float:
    return BASE_RSS_MIB + n * RSS_KIB_PER_ITEM / 1024


def _in_fresh_process(fn: Callable[..., T], *args: Any) -> T:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def _reset_peak_rss() -> None:
    """Start a new peak: on Linux, writing 5 to clear_refs resets VmHWM (elsewhere the process peak stays)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_rss_mib() -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(fn: Callable[[], T]) -> tuple[T, float, float]:
    """(result, seconds, peak RSS in MiB while ``fn`` ran — the in-process emulator and its items included).

    tracemalloc would slow the sync several-fold and distort the throughput, so memory is the RSS peak.
    """
    _reset_peak_rss()
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start, _peak_rss_mib()


def _step(name: str, n: int, *, items: int, requests: int, budget: int, seconds: float, peak_mib: float,
          goal_items_per_s: float) -> dict[str, Any]:
    return {
        "step": name, "requests": requests, "budget": budget, "seconds": round(seconds, 3),
        "items_per_s": round(items / seconds, 1), "goal_items_per_s": goal_items_per_s,
        "peak_rss_mib": round(peak_mib, 1), "goal_peak_rss_mib": round(peak_rss_goal_mib(n)),
    }


def _expect(what: str, done: int, wanted: int) -> None:
    """A step that did not do all its work has no meaningful throughput: fail the benchmark instead."""
    if done != wanted:
        raise RuntimeError(f"{what}: {done} of {wanted} done")


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
        for initiative in portfolio.initiatives[:n]:
            sp.site.create_item(list_id, to_payload(initiative, columns=columns), APP)


def _prepare_site(db_path: Path, n: int) -> None:
    """Provision the lists and fill them with ``n`` initiatives, into the emulator database at ``db_path``."""
    with EmulatorServer(db_path=db_path) as sp:
        provision(build_client(Settings(site_url=sp.url, state=str(db_path.with_name("provision.db")))))
        _fill(sp, n)


def run(n: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        _in_fresh_process(_prepare_site, Path(tmp) / "sp.db", n)
        setup_seconds = time.perf_counter() - started
        with EmulatorServer(db_path=Path(tmp) / "sp.db") as sp:
            bench = _Bench.connect(sp, Path(tmp) / "state.db", n)
            steps = [_full_read(bench), *(_incremental(bench, k) for k in CHANGES if k <= n), _batched_writes(bench)]
            steps.append(_own_changes(bench, min(WRITES, n)))
            bench.store.close()
    return {"items": n, "setup_seconds": round(setup_seconds, 1), "steps": steps}


@dataclass
class _Bench:
    sp: EmulatorServer
    client: SharePointClient
    store: SqliteStateStore
    service: SyncService
    n: int

    @classmethod
    def connect(cls, sp: EmulatorServer, state_path: Path, n: int) -> _Bench:
        client = build_client(Settings(site_url=sp.url, state=str(state_path), page_size=PAGE_SIZE))
        store = SqliteStateStore(state_path)
        service = SyncService(client, store, scope="bench")
        service.sync(full=True, lists=["focus_areas", "plans"], write_back=False)  # what initiatives look up
        return cls(sp, client, store, service, n)


def _full_read(bench: _Bench) -> dict[str, Any]:
    bench.client.transport.reset_counts()
    _, seconds, peak = _measure(lambda: bench.service.sync(full=True, lists=["initiatives"], write_back=False))
    return _step("full read", bench.n, items=bench.n, requests=bench.client.transport.total, seconds=seconds,
                 peak_mib=peak, budget=math.ceil(bench.n / PAGE_SIZE) + 3, goal_items_per_s=MIN_ITEMS_PER_S)


def _incremental(bench: _Bench, k: int) -> dict[str, Any]:
    for item_id in range(1, k + 1):
        bench.sp.edit_item(INITIATIVES.title, item_id, {INITIATIVES.column("KkPurpose").name: f"Ændret {time.time()}"})
    bench.client.transport.reset_counts()
    outcome, seconds, peak = _measure(lambda: bench.service.sync(lists=["initiatives"], write_back=False))
    _expect(f"incremental sync of {k} changes", outcome.changed, k)
    return _step(f"incremental, k = {k:,}", bench.n, items=k, requests=bench.client.transport.total, seconds=seconds,
                 peak_mib=peak, budget=3 + math.ceil(k / 100), goal_items_per_s=k / MAX_INCREMENTAL_SECONDS)


def _batched_writes(bench: _Bench) -> dict[str, Any]:
    stored = bench.store.load_items("bench", "initiatives")
    writes = [ItemWrite(i, stored[i].etag or "", {INITIATIVES.column("KkLightReason").name: f"bench {i}"})
              for i in sorted(stored)[:WRITES]]
    del stored
    bench.client.transport.reset_counts()
    results, seconds, peak = _measure(lambda: bench.client.update_items(INITIATIVES.title, writes))
    _expect("batched writes", sum(r.status == "ok" for r in results), len(writes))
    return _step(f"{len(writes):,} batched writes", bench.n, items=len(writes), requests=bench.client.transport.total,
                 seconds=seconds, peak_mib=peak, budget=math.ceil(len(writes) / 100) + 1,
                 goal_items_per_s=MIN_ITEMS_PER_S)


def _own_changes(bench: _Bench, k: int) -> dict[str, Any]:
    """The incremental sync after our own ``k`` writes (the step before): SharePoint names no editor on
    updates, so each item is read again, by the hundred, and its department fingerprint says "nothing"."""
    bench.client.transport.reset_counts()
    outcome, seconds, peak = _measure(lambda: bench.service.sync(lists=["initiatives"], write_back=False))
    _expect(f"own changes of {k} items read as no department change", outcome.changed, 0)
    _expect(f"own changes of {k} items all re-read", outcome.lists["initiatives"].stats.seen, k)
    # one change-log read is a page and the empty page that ends the log (a short page proves nothing)
    return _step(f"own changes, k = {k:,}", bench.n, items=k, requests=bench.client.transport.total, seconds=seconds,
                 peak_mib=peak, budget=2 + math.ceil(k / 100), goal_items_per_s=k / MAX_INCREMENTAL_SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=SIZES, help=f"comma-separated list sizes (default {SIZES})")
    args = parser.parse_args()
    sizes = []
    for n in args.sizes.split(","):
        figures = _in_fresh_process(run, int(n))
        sizes.append(figures)
        print(f"\n{figures['items']:,} items (site filled in {figures['setup_seconds']} s)", flush=True)
        for step in figures["steps"]:
            print(f"  {step['step']:26} " + "  ".join(f"{k}={v}" for k, v in step.items() if k != "step"), flush=True)
    goals = {"min_items_per_s": MIN_ITEMS_PER_S, "max_incremental_seconds": MAX_INCREMENTAL_SECONDS,
             "base_rss_mib": BASE_RSS_MIB, "rss_kib_per_item": RSS_KIB_PER_ITEM}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"page_size": PAGE_SIZE, "goals": goals, "sizes": sizes}, indent=2,
                                  ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
