"""The plain data the SharePoint adapter speaks in (no I/O, no office365 import: cheap for ports)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Change", "ChangeKind", "ItemWrite", "ListInfo", "WriteOutcome"]

ChangeKind = Literal["add", "update", "delete"]


@dataclass(frozen=True, slots=True)
class ListInfo:
    id: str
    title: str
    item_count: int
    entity_type: str
    change_token: str
    base_template: int


@dataclass(frozen=True, slots=True)
class Change:
    item_id: int
    kind: ChangeKind
    token: str
    editor: str | None = None


@dataclass(frozen=True, slots=True)
class ItemWrite:
    item_id: int
    etag: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    item_id: int
    status: Literal["ok", "conflict", "missing", "error"]
    etag: str | None = None
    message: str = ""
