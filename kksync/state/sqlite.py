"""The embedded state store: one SQLite file in WAL mode.

The Azure Functions host and the CLI may open the same file at once, from several threads and
processes. WAL lets readers proceed while one process writes; ``BEGIN IMMEDIATE`` takes the write
lock up front, so two writers queue on the busy timeout instead of failing half-way through a
transaction when both try to upgrade a read lock. Within one process a lock serialises use of the
single connection. The same write lock makes a list's lease (the ``leases`` table: owner, id, expiry)
safe across processes: checking and taking it happen in one ``BEGIN IMMEDIATE`` transaction.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kksync.state._sqlite_reminders import REMINDER_SCHEMA, SqliteReminders
from kksync.state.base import (
    Lease,
    RunRecord,
    StoredItem,
    StoreLifetime,
    Subscription,
    check_commit,
    check_limit,
    check_token_order,
)
from kksync.state.codec import dt_from_text, dt_to_text, run_from_json, run_sort_key, run_to_json
from kksync.texts import state_error

__all__ = ["SqliteStateStore"]

# The leases table came later without a new version: an older kksync ignores it (and takes no leases).
SCHEMA_VERSION = 1
_BUSY_TIMEOUT_MS = 30_000
# Below SQLite's historical limit of 999 bound variables per statement.
_CHUNK = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    scope TEXT NOT NULL, list_key TEXT NOT NULL, token TEXT NOT NULL,
    PRIMARY KEY (scope, list_key));
CREATE TABLE IF NOT EXISTS items (
    scope TEXT NOT NULL, list_key TEXT NOT NULL, item_id INTEGER NOT NULL,
    record_json TEXT NOT NULL, fingerprint TEXT NOT NULL, bot_fingerprint TEXT NOT NULL,
    etag TEXT, modified TEXT, editor TEXT,
    PRIMARY KEY (scope, list_key, item_id));
CREATE TABLE IF NOT EXISTS runs (
    scope TEXT NOT NULL, run_id TEXT NOT NULL, sort_key INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (scope, run_id));
CREATE INDEX IF NOT EXISTS runs_by_time ON runs (scope, sort_key DESC, run_id DESC);
CREATE TABLE IF NOT EXISTS snapshots (
    scope TEXT NOT NULL, plan_key TEXT NOT NULL, status_date TEXT NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (scope, plan_key, status_date));
CREATE TABLE IF NOT EXISTS notifications (
    scope TEXT NOT NULL, list_key TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (scope, list_key));
CREATE TABLE IF NOT EXISTS subscriptions (
    scope TEXT NOT NULL, list_key TEXT NOT NULL, subscription_id TEXT NOT NULL,
    expiration TEXT NOT NULL, client_state_hash TEXT NOT NULL,
    PRIMARY KEY (scope, list_key));
CREATE TABLE IF NOT EXISTS leases (
    scope TEXT NOT NULL, list_key TEXT NOT NULL, owner TEXT NOT NULL, lease_id TEXT NOT NULL,
    ttl_seconds INTEGER NOT NULL, expires_at TEXT NOT NULL,
    PRIMARY KEY (scope, list_key));
"""

_SCHEMA += REMINDER_SCHEMA  # the reminder ledger (kksync.state._sqlite_reminders)

_ITEM_COLUMNS = "item_id, record_json, fingerprint, bot_fingerprint, etag, modified, editor"


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class SqliteStateStore(SqliteReminders, StoreLifetime):
    """State in one SQLite file (``":memory:"`` for a private, throw-away store)."""

    def __init__(
        self,
        path: str | Path,
        *,
        timeout: float = _BUSY_TIMEOUT_MS / 1000,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        create: bool = True,
    ) -> None:
        """``create=False``: a file that does not exist is an error (commands that only read never make one)."""
        self._path = str(path)
        # Leases expire by this clock; processes sharing a file share the machine's clock.
        self._clock = clock
        self._lock = threading.RLock()
        # Test seam: called after the items of a commit are written and before the token is.
        self._fault: Callable[[str], None] | None = None
        self._conn: sqlite3.Connection | None = None
        if self._path != ":memory:" and not self._path.startswith("file:"):
            file = Path(self._path)
            if file.is_file() and file.stat().st_size == 0:
                # sqlite3 would take an empty file for a new database: history and snapshots silently gone.
                raise state_error("sqlite_empty_file", path=self._path)
            if not create and not file.exists():
                raise state_error("sqlite_missing", path=self._path)
        try:
            if self._path != ":memory:":
                Path(self._path).parent.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: transactions are opened explicitly in ``_write``.
            self._conn = sqlite3.connect(
                self._path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if self._path != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL is durable across application crashes in WAL mode; only a power cut can lose the
            # last transactions, and those are re-read from SharePoint because the token went with them.
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as error:
            self.close()
            if "not a database" in str(error) or "malformed" in str(error):
                raise state_error("sqlite_not_database", path=self._path, error=error) from error
            raise state_error("sqlite_open", path=self._path, error=error) from error
        except (sqlite3.Error, OSError) as error:
            self.close()
            raise state_error("sqlite_open", path=self._path, error=error) from error
        except Exception:
            self.close()
            raise

    def _migrate(self) -> None:
        with self._write() as conn:
            # Not executescript(): it would commit the transaction this runs in.
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            found = int(row[0]) if row else SCHEMA_VERSION
            if found > SCHEMA_VERSION:
                raise state_error("sqlite_newer", path=self._path, found=found, known=SCHEMA_VERSION)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    # -- connection plumbing -----------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise state_error("closed")
        return self._conn

    def _failed(self, error: sqlite3.Error) -> Exception:
        if isinstance(error, sqlite3.DatabaseError) and ("malformed" in str(error) or "not a database" in str(error)):
            return state_error("sqlite_not_database", path=self._path, error=error)
        return state_error("sqlite_failed", path=self._path, error=error)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    # Some errors (a full disk) have already rolled the transaction back.
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as error:
                raise self._failed(error) from error

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._connection()
            try:
                yield conn
            except sqlite3.Error as error:
                raise self._failed(error) from error

    # -- change tokens and items -------------------------------------------------------------------
    def _value(self, sql: str, params: tuple[str, ...]) -> Any | None:
        """The first column of the one row ``sql`` selects, or ``None`` when there is none."""
        with self._read() as conn:
            row = conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def get_token(self, scope: str, list_key: str) -> str | None:
        token = self._value("SELECT token FROM tokens WHERE scope = ? AND list_key = ?", (scope, list_key))
        return None if token is None else str(token)

    def load_items(self, scope: str, list_key: str) -> dict[int, StoredItem]:
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_ITEM_COLUMNS} FROM items WHERE scope = ? AND list_key = ?", (scope, list_key)
            ).fetchall()
        return self._items(list_key, rows)

    def item_ids(self, scope: str, list_key: str) -> set[int]:
        with self._read() as conn:
            rows = conn.execute("SELECT item_id FROM items WHERE scope = ? AND list_key = ?", (scope, list_key))
            return {row[0] for row in rows}

    def get_items(self, scope: str, list_key: str, ids: Sequence[int]) -> dict[int, StoredItem]:
        wanted = sorted(set(ids))
        rows: list[Any] = []
        with self._read() as conn:
            for chunk in _chunks(wanted):
                marks = ",".join("?" * len(chunk))
                rows += conn.execute(
                    f"SELECT {_ITEM_COLUMNS} FROM items WHERE scope = ? AND list_key = ? AND item_id IN ({marks})",
                    (scope, list_key, *chunk),
                ).fetchall()
        return self._items(list_key, rows)

    def _items(self, list_key: str, rows: list[Any]) -> dict[int, StoredItem]:
        # The hot path of a 50,000-item load: positional construction, no per-row helper calls
        # except for the two datetime columns.
        try:
            return {
                row[0]: StoredItem(
                    list_key,
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    row[4],
                    None if row[5] is None else datetime.fromisoformat(row[5]),
                    row[6],
                )
                for row in rows
            }
        except ValueError as error:
            raise state_error("sqlite_corrupt", path=self._path, error=error) from error

    def commit(
        self, scope: str, list_key: str, *, upserts: Sequence[StoredItem], deletes: Sequence[int], token: str | None
    ) -> None:
        by_id = check_commit(list_key, upserts, deletes)
        rows = [
            (
                scope,
                list_key,
                i.item_id,
                i.record_json,
                i.fingerprint,
                i.bot_fingerprint,
                i.etag,
                dt_to_text(i.modified),
                i.editor,
            )
            for i in by_id.values()
        ]
        with self._write() as conn:
            if token is not None:
                # Inside the write transaction: no other writer can move the token between check and write.
                row = conn.execute("SELECT token FROM tokens WHERE scope = ? AND list_key = ?", (scope, list_key))
                stored = row.fetchone()
                check_token_order(scope, list_key, None if stored is None else str(stored[0]), token)
            conn.executemany("INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            conn.executemany(
                "DELETE FROM items WHERE scope = ? AND list_key = ? AND item_id = ?",
                [(scope, list_key, item_id) for item_id in deletes],
            )
            if self._fault is not None:
                self._fault("before-token")
            if token is not None:
                conn.execute("INSERT OR REPLACE INTO tokens VALUES (?, ?, ?)", (scope, list_key, token))

    def update_bot_fingerprints(self, scope: str, list_key: str, values: Mapping[int, tuple[str, str | None]]) -> None:
        with self._write() as conn:
            conn.executemany(
                "UPDATE items SET bot_fingerprint = ?, etag = ? WHERE scope = ? AND list_key = ? AND item_id = ?",
                [(bot, etag, scope, list_key, item_id) for item_id, (bot, etag) in values.items()],
            )

    def reset(self, scope: str, list_key: str | None = None) -> None:
        with self._write() as conn:
            if list_key is None:
                conn.execute("DELETE FROM items WHERE scope = ?", (scope,))
                conn.execute("DELETE FROM tokens WHERE scope = ?", (scope,))
            else:
                conn.execute("DELETE FROM items WHERE scope = ? AND list_key = ?", (scope, list_key))
                conn.execute("DELETE FROM tokens WHERE scope = ? AND list_key = ?", (scope, list_key))

    # -- leases ------------------------------------------------------------------------------------
    def acquire_lease(self, scope: str, list_key: str, *, owner: str, ttl_seconds: int) -> Lease | None:
        now = self._clock()
        with self._write() as conn:
            row = conn.execute(
                "SELECT expires_at FROM leases WHERE scope = ? AND list_key = ?", (scope, list_key)
            ).fetchone()
            if row is not None and datetime.fromisoformat(row[0]) > now:
                return None
            lease = Lease(scope, list_key, owner, uuid.uuid4().hex, now + timedelta(seconds=ttl_seconds), ttl_seconds)
            conn.execute(
                "INSERT OR REPLACE INTO leases VALUES (?, ?, ?, ?, ?, ?)",
                (scope, list_key, owner, lease.lease_id, ttl_seconds, lease.expires_at.isoformat()),
            )
        return lease

    def renew_lease(self, lease: Lease) -> Lease | None:
        with self._write() as conn:
            renewed = Lease(lease.scope, lease.list_key, lease.owner, lease.lease_id,
                            self._clock() + timedelta(seconds=lease.ttl_seconds), lease.ttl_seconds)
            # A lapsed lease nobody took since is still ours, as with an Azure blob lease.
            updated = conn.execute(
                "UPDATE leases SET expires_at = ? WHERE scope = ? AND list_key = ? AND lease_id = ?",
                (renewed.expires_at.isoformat(), lease.scope, lease.list_key, lease.lease_id),
            )
        return renewed if updated.rowcount == 1 else None

    def release_lease(self, lease: Lease) -> None:
        with self._write() as conn:
            conn.execute(
                "DELETE FROM leases WHERE scope = ? AND list_key = ? AND lease_id = ?",
                (lease.scope, lease.list_key, lease.lease_id),
            )

    # -- run history -------------------------------------------------------------------------------
    def record_run(self, run: RunRecord) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?)",
                (run.scope, run.run_id, run_sort_key(run.started_at), run_to_json(run)),
            )

    def runs(self, scope: str, limit: int = 20) -> list[RunRecord]:
        check_limit(limit)
        with self._read() as conn:
            rows = conn.execute(
                "SELECT body FROM runs WHERE scope = ? ORDER BY sort_key DESC, run_id DESC LIMIT ?", (scope, limit)
            ).fetchall()
        try:
            return [run_from_json(row[0]) for row in rows]
        except (ValueError, KeyError, TypeError) as error:
            raise state_error("sqlite_corrupt", path=self._path, error=error) from error

    # -- snapshots ---------------------------------------------------------------------------------
    def put_snapshot(self, scope: str, plan_key: str, status_date: date, data: bytes) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?)",
                (scope, plan_key, status_date.isoformat(), bytes(data)),
            )

    def get_snapshot(self, scope: str, plan_key: str, status_date: date) -> bytes | None:
        data = self._value(
            "SELECT data FROM snapshots WHERE scope = ? AND plan_key = ? AND status_date = ?",
            (scope, plan_key, status_date.isoformat()),
        )
        return None if data is None else bytes(data)

    def delete_snapshot(self, scope: str, plan_key: str, status_date: date) -> bool:
        with self._write() as conn:
            deleted = conn.execute(
                "DELETE FROM snapshots WHERE scope = ? AND plan_key = ? AND status_date = ?",
                (scope, plan_key, status_date.isoformat()),
            )
        return deleted.rowcount > 0

    def list_snapshots(self, scope: str, plan_key: str) -> list[date]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT status_date FROM snapshots WHERE scope = ? AND plan_key = ? ORDER BY status_date",
                (scope, plan_key),
            ).fetchall()
        return [date.fromisoformat(row[0]) for row in rows]

    # -- webhook bookkeeping -----------------------------------------------------------------------
    def set_last_notification(self, scope: str, list_key: str, at: datetime) -> None:
        with self._write() as conn:
            conn.execute("INSERT OR REPLACE INTO notifications VALUES (?, ?, ?)", (scope, list_key, dt_to_text(at)))

    def last_notification_at(self, scope: str, list_key: str) -> datetime | None:
        return dt_from_text(self._value("SELECT at FROM notifications WHERE scope = ? AND list_key = ?", (scope, list_key)))

    def put_subscription(self, scope: str, list_key: str, subscription: Subscription) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO subscriptions VALUES (?, ?, ?, ?, ?)",
                (
                    scope,
                    list_key,
                    subscription.subscription_id,
                    dt_to_text(subscription.expiration),
                    subscription.client_state_hash,
                ),
            )

    def get_subscription(self, scope: str, list_key: str) -> Subscription | None:
        return self._subscriptions(scope, list_key).get(list_key)

    def subscriptions(self, scope: str) -> dict[str, Subscription]:
        return self._subscriptions(scope, None)

    def _subscriptions(self, scope: str, list_key: str | None) -> dict[str, Subscription]:
        sql = "SELECT list_key, subscription_id, expiration, client_state_hash FROM subscriptions WHERE scope = ?"
        params: tuple[str, ...] = (scope,)
        if list_key is not None:
            sql, params = sql + " AND list_key = ?", (scope, list_key)
        with self._read() as conn:
            rows = conn.execute(sql, params).fetchall()
        return {row[0]: Subscription(row[1], datetime.fromisoformat(row[2]), row[3]) for row in rows}

    def delete_subscription(self, scope: str, list_key: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM subscriptions WHERE scope = ? AND list_key = ?", (scope, list_key))

    # -- lifetime ----------------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __repr__(self) -> str:
        return f"SqliteStateStore({self._path!r})"
