"""How one list item is kept in the state store: record, mapping problems and fingerprints (pure)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from kksync.core import model as m
from kksync.core.mapping import Mapped
from kksync.core.schema import LISTS, ListSchema, schema_for

__all__ = [
    "RecordCache", "bot_fingerprint", "bot_values", "department_fingerprint", "load_portfolio_lists", "pack", "unpack",
]

DATA_LISTS: tuple[ListSchema, ...] = tuple(s for s in LISTS if not s.library)
"""The lists the sync keeps; libraries are files, published or linked, not plan data."""


def _digest(values: Any) -> str:
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _get(record: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        record = getattr(record, part)
    return record


def bot_values(record: m.Record) -> dict[str, Any]:
    """The record's bot-owned values keyed by attribute path, as JSON-ready values."""
    schema = schema_for(type(record))
    return {c.attr: _json_value(_get(record, c.path)) for c in schema.bot_columns}


def _json_value(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def department_fingerprint(record: m.Record) -> str:
    """Hash of everything a department owns: equal fingerprints mean no human edit happened."""
    bot = {c.path[0] for c in schema_for(type(record)).bot_columns}
    return _digest(record.model_dump(mode="json", exclude=bot))


def bot_fingerprint(record: m.Record) -> str:
    return _digest(bot_values(record))


def pack(mapped: Mapped[Any]) -> str:
    """The JSON kept per item: the record and the problems the mapper found in it."""
    payload = {
        "r": mapped.record.model_dump(mode="json"),
        "p": [p.model_dump(mode="json") for p in mapped.problems],
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def unpack(schema: ListSchema, text: str, item_id: int | None = None) -> tuple[m.Record, list[m.FieldProblem]]:
    """The stored record; a damaged one is a ``StateError`` saying what to run, never a traceback."""
    try:
        payload = json.loads(text)
        record = schema.model.model_validate(payload["r"])
        return record, [m.FieldProblem.model_validate(p) for p in payload.get("p", [])]
    except (ValueError, KeyError, TypeError) as error:  # pydantic's ValidationError is a ValueError
        from kksync.errors import StateError
        from kksync.texts.sync import ITEM_DAMAGED

        reason = type(error).__name__ if not str(error) else str(error).splitlines()[0][:200]
        raise StateError(ITEM_DAMAGED.format(item=item_id if item_id is not None else "?", list=schema.title,
                                             error=reason)) from error


class RecordCache:
    """Parsed records by list and id, reused for as long as the stored JSON is unchanged.

    Loading the portfolio parses and validates every stored item; between two syncs of a warm
    process (a function instance, the CLI's write-back rounds) almost all of them are the same.
    Records are never mutated (changes are ``model_copy``), so sharing them is safe.
    """

    def __init__(self) -> None:
        self._lists: dict[str, dict[int, tuple[str, m.Record, list[m.FieldProblem]]]] = {}

    def records(self, schema: ListSchema, texts: dict[int, str]) -> list[tuple[m.Record, list[m.FieldProblem]]]:
        """(record, problems) for each stored JSON text, in id order; forgets ids no longer stored."""
        old = self._lists.get(schema.key, {})
        new: dict[int, tuple[str, m.Record, list[m.FieldProblem]]] = {}
        for item_id in sorted(texts):
            text = texts[item_id]
            hit = old.get(item_id)
            new[item_id] = hit if hit is not None and hit[0] == text else (text, *unpack(schema, text, item_id))
        self._lists[schema.key] = new
        return [(record, problems) for _, record, problems in new.values()]


def load_portfolio_lists(records: dict[str, list[tuple[m.Record, list[m.FieldProblem]]]]) -> m.Portfolio:
    """Assemble a Portfolio from per-list (record, problems) pairs."""
    problems = {f"{key}/{record.id}": found for key, rows in records.items() for record, found in rows if found}
    values: dict[str, Any] = {
        key: [record for record, _ in records.get(key, [])] for key in m.Portfolio.model_fields if key != "problems"
    }
    # The records were validated when they were stored; constructing skips validating them twice.
    return m.Portfolio.model_construct(**values, problems=problems)
