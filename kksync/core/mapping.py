"""SharePoint REST item JSON (``odata=verbose``) ⇄ canonical records, both ways (pure).

Reading never raises on what departments typed: a value that cannot be taken becomes a
``FieldProblem`` with a Danish message, the field falls back to empty, and the rest of the item
survives. Writing produces the payload SharePoint expects (``<Name>Id`` for people and lookups,
``{"results": [...]}`` for multi-values, dates as Copenhagen midnight in UTC).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from kksync.core import model as m
from kksync.core.columns import FieldKind
from kksync.core.schema import Column, ListSchema, schema_for
from kksync.core.values import (
    clean_text,
    date_to_sharepoint,
    datetime_to_sharepoint,
    html_to_text,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
)
from kksync.errors import SharePointError
from kksync.texts import problem_text

__all__ = ["ItemMeta", "Mapped", "Refs", "from_item", "select_expand", "to_item", "to_payload"]

R = TypeVar("R", bound=m.Record)
V = TypeVar("V")
# Problems that empty one value but keep the item: (code, value, extra placeholders).
Soft = list[tuple[str, object, dict[str, object]]]
_CENT = Decimal("0.01")
_RATE = Decimal("0.0001")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))  # zero-width characters
_MAX_ITEM_ID = 2**31 - 1  # SharePoint's item ids are Int32

@dataclass(frozen=True, slots=True)
class ItemMeta:
    """SharePoint's own facts about an item: identity, version and who last changed it."""

    id: int | None = None
    etag: str | None = None
    modified: datetime | None = None
    editor: m.Person | None = None

@dataclass(frozen=True, slots=True)
class Mapped(Generic[R]):
    record: R
    problems: tuple[m.FieldProblem, ...] = ()
    meta: ItemMeta = ItemMeta()

@dataclass(frozen=True, slots=True)
class Refs:
    """What exists on the site, to flag people who left and lookups to deleted items.

    ``None`` means "unknown, accept any id" (e.g. when mapping a single item in isolation).
    """

    users: Container[int] | None = None
    items: Mapping[str, Container[int]] = field(default_factory=dict)

class _Problem(Exception):
    def __init__(self, code: str, value: object = "", **extra: object) -> None:
        self.code, self.value, self.extra = code, value, extra

def _short(value: object) -> str:
    """The value as a message quotes it: without control characters, and short."""
    try:
        text = value if isinstance(value, str) else repr(value)
    except ValueError:  # an integer Python refuses to print (over 4300 digits)
        text = "et tal med over 4.300 cifre"
    text = clean_text(text)[0]
    return text if len(text) <= 80 else text[:77] + "…"

# --- readers: raw wire value → model value (or _Problem); a list of soft problems is appended --

def _read_text(col: Column, raw: object, soft: Soft) -> str | None:
    if raw is None:
        return None
    text = raw if isinstance(raw, str) else str(raw)
    if col.rich or col.kind is FieldKind.NOTE:
        text, dropped = html_to_text(text)
        if dropped:
            soft.append(("script_removed", "", {}))
    text, removed = clean_text(text)
    if removed:
        soft.append(("control_chars", "", {}))
    limit = m.NOTE_MAX if col.kind is FieldKind.NOTE else m.TEXT_MAX
    if len(text) > limit:
        soft.append(("too_long", "", {"length": len(text), "limit": limit}))
        text = text[:limit]
    return text

def _read_number(col: Column, raw: object) -> int | Decimal | None:
    if raw is None or raw == "":
        return None
    number, code = parse_decimal(raw)
    if code:
        raise _Problem(code, raw)
    if number is None:
        return None
    # Before any arithmetic: ``1e999999999`` overflows the decimal context and a 5000-digit
    # integer cannot even be printed in a message.
    if number.copy_abs() > m.MONEY_MAX:
        raise _Problem("absurd" if col.kind is FieldKind.CURRENCY else "out_of_range", raw)
    if col.py_type is int:
        if number != number.to_integral_value():
            raise _Problem("not_integer", raw)
        return int(number)
    quantum = _CENT if col.kind is FieldKind.CURRENCY else _RATE
    return number.quantize(quantum, rounding=ROUND_HALF_UP)

def _match_choice(col: Column, raw: object) -> StrEnum:
    enum: Any = col.py_type
    # A value pasted from a Mac (decomposed "é") or with an invisible zero-width space is still the choice.
    text = unicodedata.normalize("NFC", str(raw)).translate(_INVISIBLE).strip()
    try:
        return enum(text)  # type: ignore[no-any-return]
    except ValueError:
        pass
    folded = text.casefold()
    for member in enum:
        if folded in (member.value.casefold(), member.name.casefold(), getattr(member, "label", "").casefold()):
            return member  # type: ignore[no-any-return]
    raise _Problem("unknown_choice", raw, choices=", ".join(col.choices))

def _results(raw: object) -> list[Any]:
    if raw is None or raw == "":
        return []
    if isinstance(raw, dict):
        if "results" not in raw:
            return [raw]  # not a collection: kept whole, so the reader reports it
        inner = raw["results"]
        return [inner] if isinstance(inner, dict) else _results(inner)
    if isinstance(raw, list):
        return raw
    if isinstance(raw, str):  # ";#a;#b;#" as older endpoints return multi-choice
        return [part for part in raw.split(";#") if part]
    return [raw]


def _read_id(raw: object, known: Container[int] | None, unknown: str) -> int | None:
    """A user or item id as SharePoint sends it (0 or -1 for none); one not in ``known`` is ``unknown``."""
    if raw in (None, "", 0, -1):
        return None
    try:
        item_id = int(str(raw))
    except ValueError:
        raise _Problem("invalid", raw) from None
    if item_id < 1:
        raise _Problem("invalid", raw)
    if known is not None and item_id not in known:
        raise _Problem(unknown, item_id)
    return item_id


def _read_person(col: Column, raw_id: object, expanded: object, users: Container[int] | None) -> m.Person | None:
    person_id = _read_id(raw_id, users, "unknown_person")
    if person_id is None:
        return None
    name = email = None
    if isinstance(expanded, dict):
        name = clean_text(str(expanded.get("Title") or ""))[0][: m.TEXT_MAX] or None
        email = clean_text(str(expanded.get("EMail") or ""))[0][: m.TEXT_MAX] or None
    return m.Person(id=person_id, name=name, email=email)


def _read_url(raw: object) -> m.Link | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, dict):
        url, description = raw.get("Url"), raw.get("Description")
    else:
        url, _, description = str(raw).partition(", ")
    if not url:
        return None
    description = clean_text(str(description))[0][: m.TEXT_MAX] if description else None
    try:
        return m.Link(url=str(url), description=description or None)
    except ValidationError:
        raise _Problem("bad_url", url) from None

def _read_many(raw: object, read_one: Callable[[object], V | None], soft: Soft) -> list[V]:
    """Each value of a multi-value column once, in order; a value that cannot be read is left out as a
    soft problem, so one deleted lookup target does not empty the whole field."""
    found: list[V] = []
    for value in _results(raw):
        try:
            one = read_one(value)
        except _Problem as problem:
            soft.append((problem.code, problem.value, problem.extra))
            continue
        if one is not None and one not in found:
            found.append(one)
    return found


def _read(col: Column, item: Mapping[str, Any], refs: Refs, soft: Soft) -> object:
    kind = col.kind
    raw = item.get(col.wire_name)
    if kind in (FieldKind.TEXT, FieldKind.NOTE):
        return _read_text(col, raw, soft)
    if kind in (FieldKind.NUMBER, FieldKind.CURRENCY):
        return _read_number(col, raw)
    if kind is FieldKind.CHOICE:
        return None if raw in (None, "") else _match_choice(col, raw)
    if kind is FieldKind.MULTICHOICE:
        return _read_many(raw, lambda value: _match_choice(col, value), soft)
    if kind is FieldKind.USER:
        return _read_person(col, raw, item.get(col.name), refs.users)
    if kind in (FieldKind.LOOKUP, FieldKind.LOOKUPMULTI):
        known = refs.items.get(col.lookup or "")
        if kind is FieldKind.LOOKUP:
            return _read_id(raw, known, "deleted_lookup")
        return _read_many(raw, lambda value: _read_id(value, known, "deleted_lookup"), soft)
    if kind is FieldKind.DATETIME:
        value, code = parse_date(raw) if col.py_type is date else parse_datetime(raw)
        if code:
            raise _Problem(code, raw)
        return value
    if kind is FieldKind.BOOLEAN:
        flag, code = parse_bool(raw)
        if code:
            raise _Problem(code, raw)
        return False if flag is None else flag
    if kind is FieldKind.URL:
        return _read_url(raw)
    raise _Problem("invalid", raw)  # pragma: no cover - every kind is handled above

def _meta(item: Mapping[str, Any]) -> ItemMeta:
    metadata = item.get("__metadata") or {}
    editor = item.get("Editor")
    editor_id = item.get("EditorId") or (editor.get("Id") if isinstance(editor, dict) else None)
    person = None
    if editor_id:
        person = _read_person_quiet(editor_id, editor)
    modified, _ = parse_datetime(item.get("Modified"))
    return ItemMeta(
        id=_item_id(item.get("Id", item.get("ID"))),
        etag=metadata.get("etag") if isinstance(metadata, dict) else None,
        modified=modified,
        editor=person,
    )

def _item_id(raw: object) -> int | None:
    """SharePoint's own item id. Not something a department types, so a wrong one is SharePoint's error."""
    if raw is None:
        return None
    item_id = 0
    if isinstance(raw, int) and not isinstance(raw, bool):
        item_id = raw
    elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit() and len(raw.strip()) <= 10:
        item_id = int(raw)
    if not 1 <= item_id <= _MAX_ITEM_ID:
        raise SharePointError(f"SharePoint returnerede et element med et ugyldigt id ({_short(raw)}); "
                              "elementet kan ikke synkroniseres. Tjek listen i SharePoint.")
    return item_id

def _read_person_quiet(raw_id: object, expanded: object) -> m.Person | None:
    try:
        return _read_person(_EDITOR, raw_id, expanded, None)
    except _Problem:
        return None

_EDITOR = Column("Editor", "Ændret af", FieldKind.USER, ("editor",), m.Person)

def _problem(col: Column, code: str, value: object, extra: Mapping[str, object]) -> m.FieldProblem:
    message = problem_text(code, title=col.title, value=_short(value), **extra)
    return m.FieldProblem(column=col.name, attr=col.attr, code=code, message=message, value=_short(value))

def _assign(values: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    target = values
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value

def _unassign(values: dict[str, Any], path: tuple[str, ...]) -> None:
    target = values
    for part in path[:-1]:
        target = target.get(part, {})
    target.pop(path[-1], None)

def from_item(schema: ListSchema, item: Mapping[str, Any], *, refs: Refs | None = None,
              previous: Mapped[Any] | None = None) -> Mapped[Any]:
    """Map one item as SharePoint returns it to the list's record, collecting problems.

    A column the item does not carry at all (deleted from the list, left out of ``$select``) is not
    an emptied value: with ``previous`` (the stored item) its value and problems are kept.
    """
    if "d" in item and isinstance(item["d"], dict):
        item = item["d"]
    refs = refs or Refs()
    meta = _meta(item)
    values: dict[str, Any] = {"id": meta.id}
    problems: list[m.FieldProblem] = []
    for col in schema.columns:
        if previous is not None and col.wire_name not in item:
            kept = _get(previous.record, col.path)
            problems.extend(p for p in previous.problems if p.column == col.name)
            if kept is not None:
                _assign(values, col.path, kept)
            continue
        soft: Soft = []
        try:
            value = _read(col, item, refs, soft)
        except _Problem as problem:
            problems.append(_problem(col, problem.code, problem.value, problem.extra))
            value = None
        problems.extend(_problem(col, code, raw, extra) for code, raw, extra in soft)
        if value is None and col.required and col.py_type is str and len(col.path) == 1:
            if not any(p.column == col.name for p in problems):
                problems.append(_problem(col, "required", "", {}))
            value = ""
        if value is not None:
            _assign(values, col.path, value)
    return Mapped(_validate(schema, values, problems), tuple(problems), meta)

def _validate(schema: ListSchema, values: dict[str, Any], problems: list[m.FieldProblem]) -> m.Record:
    """Validate; a value the model refuses is dropped with a problem, never raised."""
    by_attr = {c.path: c for c in schema.columns}
    for _ in range(len(schema.columns) + 1):
        try:
            return schema.model.model_validate(values)
        except ValidationError as error:
            for detail in error.errors():
                path = tuple(str(p) for p in detail["loc"] if not isinstance(p, int))
                col = next((by_attr[path[:n]] for n in range(len(path), 0, -1) if path[:n] in by_attr), None)
                if col is None:
                    raise  # a bug in the mapper, not bad input: let it surface
                kind = detail["type"]
                code = "negative" if kind == "greater_than_equal" and str(detail.get("input", "")).startswith("-") else (
                    "out_of_range" if kind.startswith(("greater", "less")) else "invalid"
                )
                problems.append(_problem(col, code, detail.get("input", ""), {}))
                if col.required and col.py_type is str:
                    _assign(values, col.path, "")
                else:
                    _unassign(values, col.path)
    raise AssertionError("unreachable: every failing field is dropped")  # pragma: no cover

# --- writing ----------------------------------------------------------------------------------

def _get(record: m.Record, path: tuple[str, ...]) -> Any:
    value: Any = record
    for part in path:
        value = getattr(value, part)
    return value

def _number(value: Decimal | int) -> int | float:
    if isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)

def _wire(col: Column, value: Any) -> Any:
    kind = col.kind
    if value is None:
        return None
    if kind in (FieldKind.NUMBER, FieldKind.CURRENCY):
        return _number(value)
    if kind is FieldKind.MULTICHOICE:
        return {"__metadata": {"type": "Collection(Edm.String)"}, "results": [v.value for v in value]}
    if kind in (FieldKind.CHOICE,):
        return value.value
    if kind is FieldKind.USER:
        return value.id
    if kind is FieldKind.LOOKUPMULTI:
        return {"__metadata": {"type": "Collection(Edm.Int32)"}, "results": list(value)}
    if kind is FieldKind.DATETIME:
        return date_to_sharepoint(value) if col.py_type is date else datetime_to_sharepoint(value)
    if kind is FieldKind.URL:
        return {"__metadata": {"type": "SP.FieldUrlValue"}, "Url": value.url, "Description": value.description or ""}
    return value

def to_payload(record: m.Record, *, columns: Iterable[Column] | None = None) -> dict[str, Any]:
    """The body of a create or MERGE request for ``columns`` (default: every column)."""
    schema = schema_for(type(record))
    chosen = schema.columns if columns is None else tuple(columns)
    return {col.wire_name: _wire(col, _get(record, col.path)) for col in chosen}

def to_item(record: m.Record, *, etag: str = '"1"', entity_type: str | None = None) -> dict[str, Any]:
    """The item as SharePoint returns it with ``$expand`` of person fields (tests, emulator seed)."""
    schema = schema_for(type(record))
    item: dict[str, Any] = {
        "__metadata": {"type": entity_type or f"SP.Data.{schema.title}ListItem", "etag": etag},
        "Id": record.id,
        "ID": record.id,
    }
    for col in schema.columns:
        value = _get(record, col.path)
        item[col.wire_name] = _wire(col, value)
        if col.kind is FieldKind.USER:
            item[col.name] = (
                {"__metadata": {"type": "SP.Data.UserInfoItem"}, "Id": value.id, "Title": value.name, "EMail": value.email}
                if value is not None
                else None
            )
    return item

def select_expand(schema: ListSchema, *, omit: Container[str] = ()) -> tuple[list[str], list[str]]:
    """``$select`` and ``$expand`` to read a list's items in one request per page; ``omit``: columns
    (internal names) the list lacks, which SharePoint would refuse the whole read for."""
    # FileSystemObjectType: folders (1) come back with the items (a folder per administration); they are skipped.
    select = ["Id", "FileSystemObjectType", "Modified", "EditorId", "Editor/Id", "Editor/Title", "Editor/EMail"]
    expand = ["Editor"]
    for col in schema.columns:
        if col.name in omit:
            continue
        select.append(col.wire_name)
        if col.kind is FieldKind.USER:
            select.extend((f"{col.name}/Id", f"{col.name}/Title", f"{col.name}/EMail"))
            expand.append(col.name)
    return select, expand

ReadFn = Callable[[Column, Mapping[str, Any], Refs], object]
