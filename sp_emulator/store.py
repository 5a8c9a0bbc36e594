"""SQLite persistence with an in-memory mirror.

Reads are served from memory (50k-item lists must page in milliseconds); every write goes to SQLite
immediately (WAL) so a restarted emulator sees exactly the same site. One re-entrant lock serialises all
access: the emulator is a test double, correctness beats write concurrency.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Any

__all__ = ["Store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lists (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fields (list_id TEXT NOT NULL, name TEXT NOT NULL, pos INTEGER NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (list_id, name));
CREATE TABLE IF NOT EXISTS items (list_id TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (list_id, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (change_no INTEGER PRIMARY KEY AUTOINCREMENT, list_id TEXT NOT NULL,
    item_id INTEGER NOT NULL, change_type INTEGER NOT NULL, time TEXT NOT NULL, ticks INTEGER NOT NULL,
    editor TEXT);
CREATE INDEX IF NOT EXISTS changes_by_list ON changes (list_id, change_no);
CREATE TABLE IF NOT EXISTS subscriptions (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS recycle_bin (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS file_versions (list_id TEXT NOT NULL, item_id INTEGER NOT NULL,
    version INTEGER NOT NULL, meta TEXT NOT NULL, content BLOB NOT NULL,
    PRIMARY KEY (list_id, item_id, version));
"""


class Store:
    def __init__(self, db_path: str | Path) -> None:
        self.lock = threading.RLock()
        self.db = sqlite3.connect(str(db_path), check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self.meta: dict[str, str] = dict(self.db.execute("SELECT key, value FROM meta"))
        self.users: dict[int, dict[str, Any]] = {
            row[0]: json.loads(row[1]) for row in self.db.execute("SELECT id, data FROM users ORDER BY id")
        }
        self.lists: dict[str, dict[str, Any]] = {
            row[0]: json.loads(row[1]) for row in self.db.execute("SELECT id, data FROM lists ORDER BY rowid")
        }
        self.fields: dict[str, dict[str, dict[str, Any]]] = {lid: {} for lid in self.lists}
        for lid, name, data in self.db.execute("SELECT list_id, name, data FROM fields ORDER BY list_id, pos"):
            self.fields.setdefault(lid, {})[name] = json.loads(data)
        self.items: dict[str, dict[int, dict[str, Any]]] = {lid: {} for lid in self.lists}
        for lid, iid, data in self.db.execute("SELECT list_id, id, data FROM items ORDER BY list_id, id"):
            self.items.setdefault(lid, {})[iid] = json.loads(data)
        self.subscriptions: dict[str, dict[str, Any]] = {
            row[0]: json.loads(row[1]) for row in self.db.execute("SELECT id, data FROM subscriptions")
        }
        self.recycle_bin: dict[str, dict[str, Any]] = {
            row[0]: json.loads(row[1]) for row in self.db.execute("SELECT id, data FROM recycle_bin ORDER BY rowid")
        }
        for key in ("site_id", "web_id", "tenant_id"):
            if key not in self.meta:
                self.set_meta(key, str(uuid.uuid4()))

    def close(self) -> None:
        with self.lock:
            self.db.close()

    def set_meta(self, key: str, value: str) -> None:
        with self.lock:
            self.meta[key] = value
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- users ---------------------------------------------------------------------------------------
    def put_user(self, user: dict[str, Any]) -> None:
        with self.lock:
            self.users[user["Id"]] = user
            self.db.execute("INSERT OR REPLACE INTO users (id, data) VALUES (?, ?)", (user["Id"], json.dumps(user)))

    # -- lists and fields ----------------------------------------------------------------------------
    def put_list(self, lst: dict[str, Any]) -> None:
        with self.lock:
            lid = lst["Id"]
            self.lists[lid] = lst
            self.fields.setdefault(lid, {})
            self.items.setdefault(lid, {})
            self.db.execute("INSERT OR REPLACE INTO lists (id, data) VALUES (?, ?)", (lid, json.dumps(lst)))

    def put_field(self, list_id: str, field: dict[str, Any]) -> None:
        with self.lock:
            fields = self.fields.setdefault(list_id, {})
            name = field["InternalName"]
            pos = list(fields).index(name) if name in fields else len(fields)
            fields[name] = field
            self.db.execute(
                "INSERT OR REPLACE INTO fields (list_id, name, pos, data) VALUES (?, ?, ?, ?)",
                (list_id, name, pos, json.dumps(field)),
            )

    def delete_field(self, list_id: str, name: str) -> None:
        """Drop the column and its values: a field created later under the same name starts empty."""
        with self.lock:
            self.fields[list_id].pop(name, None)
            self.db.execute("DELETE FROM fields WHERE list_id = ? AND name = ?", (list_id, name))
            for item in self.items[list_id].values():
                if name in item:
                    del item[name]
                    self.put_item(list_id, item)

    def delete_list(self, list_id: str) -> None:
        with self.lock:
            for table in ("fields", "items", "changes", "file_versions"):
                self.db.execute(f"DELETE FROM {table} WHERE list_id = ?", (list_id,))  # table names are literals above
            self.db.execute("DELETE FROM lists WHERE id = ?", (list_id,))
            self.lists.pop(list_id, None)
            self.fields.pop(list_id, None)
            self.items.pop(list_id, None)
            for sub_id in [s for s, sub in self.subscriptions.items() if sub["resource"] == list_id]:
                self.delete_subscription(sub_id)
            for entry_id in [e for e, entry in self.recycle_bin.items() if entry["ListId"] == list_id]:
                self.delete_recycled(entry_id)

    # -- items and the change log ---------------------------------------------------------------------
    def put_item(self, list_id: str, item: dict[str, Any]) -> None:
        with self.lock:
            self.items[list_id][item["ID"]] = item
            self.db.execute(
                "INSERT OR REPLACE INTO items (list_id, id, data) VALUES (?, ?, ?)",
                (list_id, item["ID"], json.dumps(item)),
            )

    def delete_item(self, list_id: str, item_id: int) -> None:
        with self.lock:
            self.items[list_id].pop(item_id, None)
            self.db.execute("DELETE FROM items WHERE list_id = ? AND id = ?", (list_id, item_id))

    def add_change(
        self, list_id: str, item_id: int, change_type: int, time: str, ticks: int, editor: str | None = None
    ) -> int:
        with self.lock:
            cur = self.db.execute(
                "INSERT INTO changes (list_id, item_id, change_type, time, ticks, editor) VALUES (?, ?, ?, ?, ?, ?)",
                (list_id, item_id, change_type, time, ticks, editor),
            )
            return int(cur.lastrowid or 0)

    def last_change(self, list_id: str) -> tuple[int, int] | None:
        """(change_no, ticks) of the newest change on the list."""
        with self.lock:
            row = self.db.execute(
                "SELECT change_no, ticks FROM changes WHERE list_id = ? ORDER BY change_no DESC LIMIT 1", (list_id,)
            ).fetchone()
            return (row[0], row[1]) if row else None

    def max_change_no(self) -> int:
        with self.lock:
            row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'changes'").fetchone()
            return int(row[0]) if row else 0

    def changes_after(
        self, list_id: str, change_no: int, limit: int
    ) -> list[tuple[int, int, int, str, int, str | None]]:
        with self.lock:
            return list(
                self.db.execute(
                    "SELECT change_no, item_id, change_type, time, ticks, editor FROM changes"
                    " WHERE list_id = ? AND change_no > ? ORDER BY change_no LIMIT ?",
                    (list_id, change_no, limit),
                )
            )

    def delete_changes_before(self, change_no: int) -> None:
        with self.lock:
            self.db.execute("DELETE FROM changes WHERE change_no < ?", (change_no,))

    # -- subscriptions --------------------------------------------------------------------------------
    def put_subscription(self, sub: dict[str, Any]) -> None:
        with self.lock:
            self.subscriptions[sub["id"]] = sub
            self.db.execute(
                "INSERT OR REPLACE INTO subscriptions (id, data) VALUES (?, ?)", (sub["id"], json.dumps(sub))
            )

    def delete_subscription(self, sub_id: str) -> None:
        with self.lock:
            self.subscriptions.pop(sub_id, None)
            self.db.execute("DELETE FROM subscriptions WHERE id = ?", (sub_id,))

    # -- recycle bin ----------------------------------------------------------------------------------
    def put_recycled(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.recycle_bin[entry["Id"]] = entry
            self.db.execute(
                "INSERT OR REPLACE INTO recycle_bin (id, data) VALUES (?, ?)", (entry["Id"], json.dumps(entry))
            )

    def delete_recycled(self, entry_id: str) -> None:
        with self.lock:
            self.recycle_bin.pop(entry_id, None)
            self.db.execute("DELETE FROM recycle_bin WHERE id = ?", (entry_id,))

    # -- file contents --------------------------------------------------------------------------------
    def put_file_version(self, list_id: str, item_id: int, version: int, meta: dict[str, Any], content: bytes) -> None:
        with self.lock:
            self.db.execute(
                "INSERT OR REPLACE INTO file_versions (list_id, item_id, version, meta, content) VALUES (?, ?, ?, ?, ?)",
                (list_id, item_id, version, json.dumps(meta), content),
            )

    def file_versions(self, list_id: str, item_id: int) -> list[tuple[int, dict[str, Any], int]]:
        """(version, meta, size) oldest first."""
        with self.lock:
            return [
                (v, json.loads(m), size)
                for v, m, size in self.db.execute(
                    "SELECT version, meta, length(content) FROM file_versions WHERE list_id = ? AND item_id = ?"
                    " ORDER BY version",
                    (list_id, item_id),
                )
            ]

    def file_content(self, list_id: str, item_id: int, version: int | None = None) -> bytes | None:
        with self.lock:
            if version is None:
                row = self.db.execute(
                    "SELECT content FROM file_versions WHERE list_id = ? AND item_id = ? ORDER BY version DESC LIMIT 1",
                    (list_id, item_id),
                ).fetchone()
            else:
                row = self.db.execute(
                    "SELECT content FROM file_versions WHERE list_id = ? AND item_id = ? AND version = ?",
                    (list_id, item_id, version),
                ).fetchone()
            return bytes(row[0]) if row else None

    def delete_file(self, list_id: str, item_id: int) -> None:
        with self.lock:
            self.db.execute("DELETE FROM file_versions WHERE list_id = ? AND item_id = ?", (list_id, item_id))
