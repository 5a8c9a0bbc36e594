"""A small benchmark of the state-store hot paths, for comparing backends and catching regressions.

Not a test: ``python -m kksync.state.bench [STATE] [N]`` prints timings for committing and loading N
synthetic items (default: a temporary SQLite file and 50,000 items).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from kksync.state.base import StateStore, StoredItem

__all__ = ["benchmark", "synthetic_items"]


def synthetic_items(count: int, *, list_key: str = "bench", text_size: int = 1_500) -> list[StoredItem]:
    """Items shaped like real initiatives: a record of a few KB of Danish text and short hashes."""
    text = ("Initiativet styrker den digitale velfærd i København – æøå. " * (text_size // 60 + 1))[:text_size]
    modified = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    return [
        StoredItem(
            list_key=list_key,
            item_id=i,
            record_json=json.dumps({"id": i, "title": f"Initiativ {i}", "description": text}, ensure_ascii=False),
            fingerprint=f"{i:064x}",
            bot_fingerprint=f"{i * 7:064x}",
            etag=f'"{i},1"',
            modified=modified,
            editor="Søren Ærø",
        )
        for i in range(1, count + 1)
    ]


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
        state = argv[0] if argv else str(Path(tmp) / "bench.db")
        with open_state_store(state) as store:
            for name, seconds in benchmark(store, count).items():
                print(f"{name:>14}: {seconds:7.3f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
