"""SQLite-specific behaviour: speed, durability, sharing one file across threads and processes."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from kksync.errors import StateError
from kksync.state import RunRecord, SqliteStateStore
from testkit.state import synthetic_items
from tests.state.contract import item


def test_fifty_thousand_items_load_fast(sqlite_path: Path) -> None:
    items = synthetic_items(50_000)
    with SqliteStateStore(sqlite_path) as store:
        store.commit("s", "bench", upserts=items, deletes=[], token="t")
    with SqliteStateStore(sqlite_path) as store:
        started = time.perf_counter()
        loaded = store.load_items("s", "bench")
        elapsed = time.perf_counter() - started
    assert len(loaded) == 50_000 and loaded[49_999] == items[49_998]
    # Typically ~0.3 s; the bound leaves room for a slow, busy CI machine.
    assert elapsed < 2.5, f"load_items took {elapsed:.2f} s"


def test_state_survives_reopen_and_uses_wal(sqlite_path: Path) -> None:
    with SqliteStateStore(sqlite_path) as store:
        store.commit("s", "initiativer", upserts=[item(1)], deletes=[], token="t1")
    assert sqlite_path.exists()
    with SqliteStateStore(sqlite_path) as store:
        assert store.get_token("s", "initiativer") == "t1"
        assert store.load_items("s", "initiativer") == {1: item(1)}
    with sqlite3.connect(sqlite_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_crash_inside_transaction_rolls_back_items_too(sqlite_path: Path) -> None:
    with SqliteStateStore(sqlite_path) as store:
        store.commit("s", "initiativer", upserts=[item(1)], deletes=[], token="t1")

        def crash(point: str) -> None:
            raise RuntimeError(point)

        store._fault = crash
        with pytest.raises(RuntimeError):
            store.commit("s", "initiativer", upserts=[item(1, fp="f2"), item(2)], deletes=[], token="t2")
    with SqliteStateStore(sqlite_path) as store:
        assert store.get_token("s", "initiativer") == "t1"
        assert store.load_items("s", "initiativer") == {1: item(1)}


def test_threads_share_one_store(sqlite_path: Path) -> None:
    errors: list[BaseException] = []
    with SqliteStateStore(sqlite_path) as store:

        def work(n: int) -> None:
            try:
                for i in range(50):
                    store.commit("s", f"list{n}", upserts=[item(i, f"list{n}")], deletes=[], token=f"t{i}")
                    store.load_items("s", f"list{n}")
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert all(len(store.load_items("s", f"list{n}")) == 50 for n in range(4))
        assert store.get_token("s", "list3") == "t49"


def _writer(path: str, worker: int, count: int) -> None:
    with SqliteStateStore(path) as store:
        for i in range(count):
            store.commit("s", "shared", upserts=[item(worker * 1000 + i, "shared")], deletes=[], token=f"w{worker}")
            store.record_run(RunRecord(run_id=f"{worker}-{i}", scope="s", started_at=datetime(2024, 1, 1, 0, i)))


def test_processes_share_one_file(sqlite_path: Path) -> None:
    SqliteStateStore(sqlite_path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(sqlite_path), n, 40)) for n in range(3)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=60)
        assert process.exitcode == 0
    with SqliteStateStore(sqlite_path) as store:
        assert len(store.load_items("s", "shared")) == 120
        assert len(store.runs("s", limit=500)) == 120


def test_closed_store_raises_state_error() -> None:
    store = SqliteStateStore(":memory:")
    store.close()
    store.close()
    with pytest.raises(StateError, match="lukket"):
        store.get_token("s", "l")


def test_unopenable_path_raises_state_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(StateError, match="KKSYNC_STATE"):
        SqliteStateStore(tmp_path / "file" / "state.db")
    (tmp_path / "garbage.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StateError):
        SqliteStateStore(tmp_path / "garbage.db")


def test_newer_schema_is_refused(sqlite_path: Path) -> None:
    SqliteStateStore(sqlite_path).close()
    with sqlite3.connect(sqlite_path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StateError, match="nyere"):
        SqliteStateStore(sqlite_path)
