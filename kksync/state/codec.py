"""Pure functions that turn state records into storable text and keys, shared by the backends.

Both backends store datetimes as ISO 8601 text rather than native date types: SQLite has none, and
Azure Table's ``Edm.DateTime`` drops the UTC offset, so text is the only form that round-trips exactly.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import quote

from kksync.state.base import ChangeRecord, ListRunStats, RunRecord

__all__ = [
    "KEY_LIMIT",
    "dt_from_text",
    "dt_to_text",
    "encode_key",
    "run_from_json",
    "run_sort_key",
    "run_to_json",
]

# Azure allows 1 KiB per key; a joined key holds two encoded parts plus a separator.
KEY_LIMIT = 255
_HASHED_HEAD = 200
# Everything else is %-escaped: '/', '\\', '#', '?' and control characters are forbidden in Azure
# table keys, '%' must be escaped to keep the encoding reversible, and '|' is our separator.
_SAFE = "-._~:@!$&()*+,;= "
_RUN_FORMAT = 1


def encode_key(value: str) -> str:
    """A key part safe for Azure table keys and blob names, distinct for distinct values.

    Readable where it can be (so the storage explorer shows recognisable scopes); an overlong value
    becomes a readable head plus the SHA-256 of the whole. The two forms cannot collide because a
    hashed key is always longer than any plain one.
    """
    encoded = quote(value, safe=_SAFE)
    if len(encoded) <= KEY_LIMIT:
        return encoded
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()
    return f"{encoded[:_HASHED_HEAD]}~{digest}"


def dt_to_text(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def dt_from_text(value: str | None) -> datetime | None:
    return None if value is None or value == "" else datetime.fromisoformat(value)


def run_sort_key(started_at: datetime) -> int:
    """Microseconds since the epoch in UTC; naive datetimes count as UTC."""
    aware = started_at if started_at.tzinfo is not None else started_at.replace(tzinfo=UTC)
    delta = aware - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def run_to_json(run: RunRecord) -> str:
    body: dict[str, Any] = {
        "format": _RUN_FORMAT,
        "run_id": run.run_id,
        "scope": run.scope,
        "started_at": dt_to_text(run.started_at),
        "finished_at": dt_to_text(run.finished_at),
        "mode": run.mode,
        "lists": {key: asdict(stats) for key, stats in run.lists.items()},
        "changes": [[c.list_key, c.item_id, c.action, c.editor, dt_to_text(c.modified)] for c in run.changes],
        "requests": run.requests,
        "resource_units": run.resource_units,
        "writes": run.writes,
        "note": run.note,
        "status": run.status,
        "error": run.error,
        "failures": run.failures,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


_STAT_FIELDS = frozenset(f.name for f in fields(ListRunStats))


def run_from_json(text: str) -> RunRecord:
    """Read a run record; counters this version does not know are ignored so old code reads new records."""
    body = json.loads(text)
    started = dt_from_text(body["started_at"])
    assert started is not None
    return RunRecord(
        run_id=body["run_id"],
        scope=body["scope"],
        started_at=started,
        finished_at=dt_from_text(body.get("finished_at")),
        mode=body.get("mode", "incremental"),
        lists={
            key: ListRunStats(**{k: v for k, v in stats.items() if k in _STAT_FIELDS})  # type: ignore[arg-type]
            for key, stats in cast(dict[str, dict[str, int | str]], body.get("lists", {})).items()
        },
        changes=[
            ChangeRecord(list_key=c[0], item_id=c[1], action=c[2], editor=c[3], modified=dt_from_text(c[4]))
            for c in body.get("changes", [])
        ],
        requests=body.get("requests", 0),
        resource_units=body.get("resource_units", 0),
        writes=body.get("writes", 0),
        note=body.get("note", ""),
        status=body.get("status", "ok"),
        error=body.get("error", ""),
        failures=list(body.get("failures", [])),
    )
