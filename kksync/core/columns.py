"""Column metadata attached to model fields: the single source of truth for list columns.

A model field declares its SharePoint column once, with ``Annotated[..., Col(...)]``.
``kksync.core.schema`` derives lists, provisioning, mapping and seed data from these declarations;
no column name is written anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Col", "FieldKind"]


class FieldKind(StrEnum):
    """SharePoint field types we use, valued by their ``TypeAsString``."""

    TEXT = "Text"
    NOTE = "Note"
    NUMBER = "Number"
    CURRENCY = "Currency"
    CHOICE = "Choice"
    MULTICHOICE = "MultiChoice"
    USER = "User"
    USERMULTI = "UserMulti"
    LOOKUP = "Lookup"
    LOOKUPMULTI = "LookupMulti"
    URL = "URL"
    DATETIME = "DateTime"
    BOOLEAN = "Boolean"

    @property
    def type_kind(self) -> int:
        """``FieldTypeKind`` number used by ``Fields/AddField``."""
        return _TYPE_KIND[self]


_TYPE_KIND = {
    FieldKind.TEXT: 2,
    FieldKind.NOTE: 3,
    FieldKind.NUMBER: 9,
    FieldKind.CURRENCY: 10,
    FieldKind.CHOICE: 6,
    FieldKind.MULTICHOICE: 15,
    FieldKind.USER: 20,
    FieldKind.USERMULTI: 20,
    FieldKind.LOOKUP: 7,
    FieldKind.LOOKUPMULTI: 7,
    FieldKind.URL: 11,
    FieldKind.DATETIME: 4,
    FieldKind.BOOLEAN: 8,
}


@dataclass(frozen=True, slots=True)
class Col:
    """How one model field is stored as a SharePoint column.

    ``name`` is the internal name (stable, ASCII, never renamed); ``title`` the Danish display
    name. ``kind`` is inferred from the Python type unless given (``NOTE`` for long text,
    ``DATETIME`` with ``date_only`` for dates). ``lookup`` names the target list key for lookup
    columns. ``bot`` marks columns only kksync writes; departments own every other column.
    ``rich`` marks notes that SharePoint returns as HTML.
    """

    name: str
    title: str
    kind: FieldKind | None = None
    required: bool = False
    indexed: bool = False
    bot: bool = False
    lookup: str | None = None
    rich: bool = False
    description: str = ""
