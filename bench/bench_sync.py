"""Sync benchmark: requests, resource units, writes, and speed and memory as ratios to baselines of the same run.

For a list of N initiatives it measures the full read, incremental syncs of k changed items
(k = 1, 100, 1,000), 1,000 batched conditional updates and the sync after them. Every figure is a
count or a ratio to a baseline measured in the same run, so it holds on any machine:

- requests (against the request budget) and SharePoint resource units (RU: Graph's prices, the lower
  bound of ``kksync.core.budget``), counted by the product and charged by the emulator alike;
- speed: each read step's time against a bare HTTP client (``requests``) reading the same pages
  (the same requests, answers parsed as JSON), one right after the other;
- memory: the product's own process (the emulator serves from another, ``bench/emulator_process.py``):
  the RSS a full read adds, per item and as a ratio to plain pydantic models of the same items.

Each size runs in a fresh process, and the emulator's site is filled in a child process before it.
Also models a day for Copenhagen in RU against the 15k–50k tier. Writes ``bench/results/sync.json``.

    python bench/bench_sync.py [--sizes 1000,10000,50000]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import requests
from office365.runtime.http.request_options import RequestOptions

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: sp_emulator and testkit are not installed

from bench.emulator_process import EmulatorProcess
from bench.ru_day import modelled_day
from kksync.app import build_client
from kksync.core.mapping import to_payload
from kksync.core.schema import list_schema
from kksync.sample import large_portfolio
from kksync.services.provision import provision
from kksync.services.records import unpack
from kksync.services.sync import SyncService
from kksync.settings import Settings
from kksync.sharepoint.client import ItemWrite, SharePointClient
from kksync.sharepoint.pricing import request_units
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
TOKEN = "emulator-token"

# Goals: request budgets ceil(n/page_size)+3 for a full read, 3+ceil(k/100) for k changes,
# ceil(writes/100)+1 for batched writes, 2+ceil(k/100) for the sync after k own writes. Ratios:
MAX_READ_RATIO = 8.0  # a read step's time, at most this many times a bare client's reading the same pages
MAX_MEMORY_RATIO = 4.0  # the RSS a full read adds, at most this many times plain pydantic models of the items

T = TypeVar("T")


def _in_fresh_process(fn: Callable[..., T], *args: Any) -> T:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def _reset_peak_rss() -> None:
    """Start a new peak: on Linux, writing 5 to clear_refs resets VmHWM (elsewhere the process peak stays)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _rss_mib(field_name: str = "VmRSS") -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Recording:
    """The library's transport, noting every request it sends (for the bare client to read the same)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sent: list[tuple[str, str, dict[str, str], Any]] = []

    def execute(self, request: RequestOptions) -> requests.Response:
        method = request.headers.get("X-HTTP-Method", str(request.method).upper())
        self.sent.append((method, request.url, dict(request.headers), request.data))
        return self.inner.execute(request)  # type: ignore[no-any-return]


def _reads(sent: list[tuple[str, str, dict[str, str], Any]]) -> list[tuple[str, str, dict[str, str], Any]]:
    """The requests that only read: GETs, the change log and the form digest (POSTs that change nothing)."""
    return [r for r in sent if r[0] == "GET" or r[1].lower().rstrip("/").endswith(("/getchanges", "/contextinfo"))]


def _bare(reads: list[tuple[str, str, dict[str, str], Any]]) -> float:
    """Seconds a bare ``requests`` session takes to send the same reads and parse the answers as JSON."""
    session = requests.Session()
    started = time.perf_counter()
    for method, url, headers, data in reads:
        wanted = {k: v for k, v in headers.items() if k.lower() in ("accept", "content-type", "x-requestdigest")}
        response = session.request(method, url, data=data, timeout=120,
                                    headers={**wanted, "Authorization": f"Bearer {TOKEN}"})
        response.raise_for_status()
        response.json()
    seconds = time.perf_counter() - started
    session.close()
    return seconds


def _step(name: str, *, requests_: int, budget: int, units: int, charged: int, writes: int,
          seconds: float, bare_seconds: float | None) -> dict[str, Any]:
    return {
        "step": name, "requests": requests_, "budget": budget, "resource_units": units, "charged_units": charged,
        "writes": writes, "seconds": round(seconds, 3),
        "bare_seconds": round(bare_seconds, 3) if bare_seconds is not None else None,
        "ratio": round(seconds / bare_seconds, 2) if bare_seconds else None,
    }


def _expect(what: str, done: int, wanted: int) -> None:
    """A step that did not do all its work has no meaningful figures: fail the benchmark instead."""
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


def _models_mib(state_path: Path) -> tuple[float, int]:
    """(MiB, items): the RSS that plain pydantic models of the stored initiatives add (in a fresh process)."""
    store = SqliteStateStore(state_path)
    texts = [item.record_json for item in store.load_items("bench", "initiatives").values()]
    store.close()
    gc.collect()
    before = _rss_mib()
    models = [unpack(INITIATIVES, text)[0] for text in texts]
    del texts
    gc.collect()
    return _rss_mib() - before, len(models)


def run(n: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        _in_fresh_process(_prepare_site, Path(tmp) / "sp.db", n)
        setup_seconds = time.perf_counter() - started
        with EmulatorProcess(Path(tmp) / "sp.db") as sp:
            bench = _Bench.connect(sp, Path(tmp) / "state.db", n)
            steps = [_full_read(bench), *(_incremental(bench, k) for k in CHANGES if k <= n), _batched_writes(bench)]
            steps.append(_own_changes(bench, min(WRITES, n)))
            bench.store.close()
        models_mib, items = _in_fresh_process(_models_mib, Path(tmp) / "state.db")
        _expect("pydantic models of the stored initiatives", items, n)
    memory = {"product_mib": round(bench.full_read_mib, 1), "models_mib": round(models_mib, 1),
              "kib_per_item": round(bench.full_read_mib * 1024 / n, 1),
              "ratio": round(bench.full_read_mib / models_mib, 2) if models_mib > 0 else None}
    return {"items": n, "setup_seconds": round(setup_seconds, 1), "steps": steps, "memory": memory}


@dataclass
class _Bench:
    sp: EmulatorProcess
    client: SharePointClient
    store: SqliteStateStore
    service: SyncService
    n: int
    recording: Recording
    full_read_mib: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def connect(cls, sp: EmulatorProcess, state_path: Path, n: int) -> _Bench:
        client = build_client(Settings(site_url=sp.url, state=str(state_path), page_size=PAGE_SIZE))
        recording = Recording(client.transport.inner)
        client.transport.inner = recording
        store = SqliteStateStore(state_path)
        service = SyncService(client, store, scope="bench")
        service.sync(full=True, lists=["focus_areas", "plans"], write_back=False)  # what initiatives look up
        return cls(sp, client, store, service, n, recording)

    def start(self) -> None:
        self.client.transport.reset_counts()
        self.recording.sent.clear()
        self.sp.reset()

    def finish(self, name: str, *, seconds: float, budget: int, writes: int = 0, reads: bool = True) -> dict[str, Any]:
        requests_, units = self.client.transport.total, self.client.transport.resource_units
        charged, received = self.sp.units()
        _expect(f"{name}: requests the emulator received", received, requests_)
        bare = _bare(_reads(self.recording.sent)) if reads else None
        return _step(name, requests_=requests_, budget=budget, units=units, charged=charged, writes=writes,
                     seconds=seconds, bare_seconds=bare)


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def _full_read(bench: _Bench) -> dict[str, Any]:
    bench.start()
    gc.collect()
    before = _rss_mib()
    _reset_peak_rss()
    _, seconds = _timed(lambda: bench.service.sync(full=True, lists=["initiatives"], write_back=False))
    bench.full_read_mib = _rss_mib("VmHWM") - before
    return bench.finish("full read", seconds=seconds, budget=math.ceil(bench.n / PAGE_SIZE) + 3)


def _incremental(bench: _Bench, k: int) -> dict[str, Any]:
    bench.sp.edit(INITIATIVES.title, list(range(1, k + 1)), INITIATIVES.column("KkPurpose").name, f"Ændret {time.time()}")
    bench.start()
    outcome, seconds = _timed(lambda: bench.service.sync(lists=["initiatives"], write_back=False))
    _expect(f"incremental sync of {k} changes", outcome.changed, k)
    return bench.finish(f"incremental, k = {k:,}", seconds=seconds, budget=3 + math.ceil(k / 100))


def _batched_writes(bench: _Bench) -> dict[str, Any]:
    stored = bench.store.load_items("bench", "initiatives")
    writes = [ItemWrite(i, stored[i].etag or "", {INITIATIVES.column("KkLightReason").name: f"bench {i}"})
              for i in sorted(stored)[:WRITES]]
    del stored
    bench.start()
    results, seconds = _timed(lambda: bench.client.update_items(INITIATIVES.title, writes))
    _expect("batched writes", sum(r.status == "ok" for r in results), len(writes))
    return bench.finish(f"{len(writes):,} batched writes", seconds=seconds, budget=math.ceil(len(writes) / 100) + 1,
                        writes=len(writes), reads=False)


def _own_changes(bench: _Bench, k: int) -> dict[str, Any]:
    """The incremental sync after our own ``k`` writes (the step before): SharePoint names no editor on
    updates, so each item is read again, by the hundred, and its department fingerprint says "nothing"."""
    bench.start()
    outcome, seconds = _timed(lambda: bench.service.sync(lists=["initiatives"], write_back=False))
    _expect(f"own changes of {k} items read as no department change", outcome.changed, 0)
    _expect(f"own changes of {k} items all re-read", outcome.lists["initiatives"].stats.seen, k)
    # one change-log read is a page and the empty page that ends the log (a short page proves nothing)
    return bench.finish(f"own changes, k = {k:,}", seconds=seconds, budget=2 + math.ceil(k / 100))


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
        print(f"  memory: {figures['memory']}", flush=True)
    goals = {"max_read_ratio": MAX_READ_RATIO, "max_memory_ratio": MAX_MEMORY_RATIO}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"page_size": PAGE_SIZE, "goals": goals, "sizes": sizes,
                                   "day": modelled_day(sizes, request_units)}, indent=2,
                                  ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
