"""The readiness document's section on edits made across administrations (pure).

Owners and the cross-administration groups (It-chefforum) may edit any administration's initiatives; the
administration should know when they did. The edits come from the sync's history (who changed which item,
when), matched against the SharePoint groups by ``kksync.services.cross_edits``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kksync.core import fmt
from kksync.core.model import Administration
from kksync.documents.content.model import Column, Document, Paragraph, Table
from kksync.texts.permissions import permission_text

__all__ = ["CrossEdit", "cross_edit_section"]


@dataclass(frozen=True, slots=True)
class CrossEdit:
    """One edit of an administration's item by someone outside its group."""

    initiative_id: int
    initiative_title: str
    administration: Administration
    editor: str
    via: str
    """The group that allowed it (the owners' or a cross-administration group), or "" for none of them."""
    day: date | None
    list_title: str


def cross_edit_section(doc: Document, edits: Sequence[CrossEdit], plan_initiatives: set[int],
                       groups: Sequence[str]) -> None:
    """A short section: the plan's initiatives edited across administrations, newest first."""
    section = doc.section(permission_text("cross_heading"))
    mine = sorted((e for e in edits if e.initiative_id in plan_initiatives),
                  key=lambda e: (e.day or date.min, e.initiative_title), reverse=True)
    if not mine:
        section.add(Paragraph(permission_text("cross_none")))
        return
    section.add(Paragraph(permission_text("cross_intro", groups=fmt.and_list(list(groups)))))
    section.add(Table(
        permission_text("cross_heading"),
        (Column(permission_text("col_day"), width=1.2), Column(permission_text("col_initiative"), width=2.6),
         Column(permission_text("col_administration"), width=1.2), Column(permission_text("col_list"), width=1.4),
         Column(permission_text("col_editor"), width=2.0)),
        tuple((fmt.short_date(e.day), e.initiative_title, e.administration.value, e.list_title,
               f"{e.editor} ({e.via})" if e.via else e.editor) for e in mine),
    ))
