"""Schema drift: the list in SharePoint no longer has the columns or choices kksync's model expects.

SharePoint refuses a whole read whose ``$select`` names a column the list lacks (400 "The field or
property 'X' does not exist.", FIDELITY.md row 6), and a deleted column simply is not in the items.
Neither may read as emptied data: the sync compares the list's fields with the schema, reads
without the missing columns, keeps their stored values, does not write missing bot columns, and
says so. Changed choices are drift too: a renamed stage would otherwise switch a gate off quietly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kksync.core.columns import FieldKind
from kksync.core.schema import Column, ListSchema
from kksync.errors import SharePointError
from kksync.texts import sync_note

__all__ = ["ListDrift", "compare_fields", "is_missing_field_error"]

_MISSING_FIELD = ("does not exist",)  # "The field or property 'X' does not exist." / "Column 'X' does not exist."


@dataclass(frozen=True, slots=True)
class ListDrift:
    missing: tuple[Column, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def missing_names(self) -> frozenset[str]:
        return frozenset(c.name for c in self.missing)


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(f"«{v}»" for v in values)


def compare_fields(schema: ListSchema, fields: Sequence[Mapping[str, Any]]) -> ListDrift:
    """Missing columns and changed choices of ``schema``'s list, with a Danish note for each."""
    by_name = {str(f.get("InternalName")): f for f in fields}
    missing: list[Column] = []
    notes: list[str] = []
    for col in schema.columns:
        found = by_name.get(col.name)
        if found is None:
            missing.append(col)
            code = "missing_bot_column" if col.bot else "missing_column"
            notes.append(sync_note(code, title=col.title, internal=col.name, list=schema.title))
            continue
        if col.kind not in (FieldKind.CHOICE, FieldKind.MULTICHOICE) or not col.choices:
            continue
        present = [str(c) for c in found.get("Choices") or []]
        gone = [c for c in col.choices if c not in present]
        new = [c for c in present if c not in col.choices]
        if gone or new:
            details = "; ".join(
                [sync_note("choices_missing", values=_quoted(gone))] * bool(gone)
                + [sync_note("choices_unknown", values=_quoted(new))] * bool(new)
            )
            notes.append(sync_note("choice_drift", title=col.title, internal=col.name, list=schema.title, details=details))
    return ListDrift(tuple(missing), tuple(notes))


def is_missing_field_error(error: SharePointError) -> bool:
    """SharePoint refusing a read because a column it names is gone (not throttling, not auth)."""
    return getattr(error, "status", None) == 400 and any(text in str(error) for text in _MISSING_FIELD)
