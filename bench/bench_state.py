"""The state-store hot paths, for comparing backends and catching regressions.

Not a test: ``python bench/bench_state.py [STATE] [N]`` prints timings for committing and loading N
synthetic items (default: a temporary SQLite file and 50,000 items).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from kksync.state.base import StateStore
from testkit.state import synthetic_items

__all__ = ["benchmark"]


def benchmark(store: StateStore, count: int = 50_000, *, scope: str = "bench") -> dict[str, float]:
    """Seconds for one commit of ``count`` items, a full load and a 100-item ``get_items``."""
    items = synthetic_items(count)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    store.commit(scope, "bench", upserts=items, deletes=[], token="bench-token")
    timings["commit"] = time.perf_counter() - started
    started = time.perf_counter()
    loaded = store.load_items(scope, "bench")
    timings["load_items"] = time.perf_counter() - started
    if len(loaded) != count:
        raise AssertionError(f"loaded {len(loaded)} of {count} items")
    started = time.perf_counter()
    store.get_items(scope, "bench", list(range(1, count + 1, max(1, count // 100))))
    timings["get_items_100"] = time.perf_counter() - started
    store.reset(scope)
    return timings


def main(argv: list[str]) -> None:
    from kksync.state import open_state_store

    count = int(argv[1]) if len(argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as tmp:
        state = argv[0] if argv and argv[0] else str(Path(tmp) / "bench.db")
        with open_state_store(state) as store:
            for name, seconds in benchmark(store, count).items():
                print(f"{name:>14}: {seconds:7.3f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
