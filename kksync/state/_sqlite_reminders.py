"""The reminder ledger of the SQLite store: two tables and one transaction per claim.

``reminder_days`` holds one row per (scope, address, day) — the digest — and ``reminder_keys`` one per
(scope, address, reminder key). A claim inserts the day row and every key row with
``INSERT ... ON CONFLICT DO NOTHING`` inside one ``BEGIN IMMEDIATE`` transaction; if any insert finds
its row already there the transaction is rolled back and the claim is refused, so of two processes
(or threads) claiming the same digest exactly one wins.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any

from kksync.state.base import ReminderClaim
from kksync.state.codec import dt_from_text, dt_to_text

__all__ = ["REMINDER_SCHEMA", "SqliteReminders"]

REMINDER_SCHEMA = """
CREATE TABLE IF NOT EXISTS reminder_days (
    scope TEXT NOT NULL, address TEXT NOT NULL, day TEXT NOT NULL, keys TEXT NOT NULL, owner TEXT NOT NULL,
    claimed_at TEXT NOT NULL, status TEXT NOT NULL, sent_at TEXT, note TEXT NOT NULL,
    PRIMARY KEY (scope, address, day));
CREATE TABLE IF NOT EXISTS reminder_keys (
    scope TEXT NOT NULL, address TEXT NOT NULL, reminder_key TEXT NOT NULL, day TEXT NOT NULL,
    PRIMARY KEY (scope, address, reminder_key));
"""


class _Taken(Exception):
    """A row of the claim is there already: roll the whole claim back."""


class SqliteReminders:
    """Mixed into ``SqliteStateStore``, whose ``_write``/``_read`` transactions it uses."""

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def claim_reminder(self, claim: ReminderClaim) -> bool:
        day = claim.day.isoformat()
        try:
            with self._write() as conn:
                inserted = conn.execute(
                    "INSERT INTO reminder_days VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (claim.scope, claim.address, day, json.dumps(list(claim.keys)), claim.owner,
                     dt_to_text(claim.claimed_at), claim.status, dt_to_text(claim.sent_at), claim.note),
                )
                if inserted.rowcount != 1:
                    raise _Taken
                for key in claim.keys:
                    inserted = conn.execute("INSERT INTO reminder_keys VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                            (claim.scope, claim.address, key, day))
                    if inserted.rowcount != 1:
                        raise _Taken
        except _Taken:
            return False
        return True

    def finish_reminder(self, scope: str, address: str, day: date, *, sent: bool, at: datetime, note: str = "") -> None:
        with self._write() as conn:
            if sent:
                conn.execute(
                    "UPDATE reminder_days SET status = 'sent', sent_at = ?, note = ? "
                    "WHERE scope = ? AND address = ? AND day = ?",
                    (dt_to_text(at), note, scope, address, day.isoformat()),
                )
            else:
                conn.execute("UPDATE reminder_days SET note = ? WHERE scope = ? AND address = ? AND day = ?",
                             (note, scope, address, day.isoformat()))

    def release_reminder(self, scope: str, address: str, day: date) -> None:
        with self._write() as conn:
            removed = conn.execute(
                "DELETE FROM reminder_days WHERE scope = ? AND address = ? AND day = ? AND status = 'claimed'",
                (scope, address, day.isoformat()),
            )
            if removed.rowcount:
                conn.execute("DELETE FROM reminder_keys WHERE scope = ? AND address = ? AND day = ?",
                             (scope, address, day.isoformat()))

    def reminder_claims(self, scope: str, *, since: date | None = None) -> list[ReminderClaim]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT address, day, keys, owner, claimed_at, status, sent_at, note FROM reminder_days "
                "WHERE scope = ? AND day >= ? ORDER BY day, address",
                (scope, (since or date.min).isoformat()),
            ).fetchall()
        return list(_claims(scope, rows))


def _claims(scope: str, rows: list[Any]) -> Iterator[ReminderClaim]:
    for address, day, keys, owner, claimed_at, status, sent_at, note in rows:
        claimed = dt_from_text(claimed_at)
        assert claimed is not None
        yield ReminderClaim(scope, address, date.fromisoformat(day), tuple(json.loads(keys)), owner, claimed,
                            "sent" if status == "sent" else "claimed", dt_from_text(sent_at), note)
