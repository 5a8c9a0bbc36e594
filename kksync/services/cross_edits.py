"""Edits across administrations: who outside an administration's group changed its initiatives.

The sync's history keeps every change it saw with the editor SharePoint names on the item (``Editor``:
the last person to save it before the run read it). Matched against the groups of the governance file's
``[permissions]``: an editor who is not in the item's administration's group made the edit through the
owners' or a cross-administration group (It-chefforum), or, outside any of them, as a site administrator.
kksync's own writes (the seed, the write-back: the app's name as editor) are not edits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from kksync.checks.governance import PermissionRules
from kksync.core import model as m
from kksync.core.schema import list_schema
from kksync.documents.content.cross_edits import CrossEdit
from kksync.errors import NotFoundError
from kksync.services.provision_permissions import SECURED_LISTS
from kksync.state.base import RunRecord

__all__ = ["GroupReader", "cross_edits", "find_cross_edits", "read_membership"]

HISTORY_RUNS = 500
"""Runs of the history looked at (newest first): every webhook-triggered run is one."""


class GroupReader(Protocol):
    def group_member_titles(self, title: str) -> set[str]: ...
    def current_user_title(self) -> str: ...


def read_membership(groups: GroupReader, rules: PermissionRules) -> dict[str, set[str]]:
    """Group → its members' names (lower case); a group the site lacks has no members."""
    names = [*rules.groups.values(), rules.owners, *rules.cross_administration]
    found: dict[str, set[str]] = {}
    for name in names:
        try:
            found[name] = {t.lower() for t in groups.group_member_titles(name)}
        except NotFoundError:
            found[name] = set()
    return found


def find_cross_edits(runs: Iterable[RunRecord], portfolio: m.Portfolio, membership: Mapping[str, set[str]],
                     rules: PermissionRules, *, product: str = "") -> list[CrossEdit]:
    """``product``: the name kksync's own writes carry (the seed's creates, its write-back): not edits."""
    initiatives = {i.id: i for i in portfolio.initiatives if i.id is not None}
    parents: dict[tuple[str, int], int] = {}
    for key in SECURED_LISTS[1:]:
        for record in getattr(portfolio, key):
            if record.id is not None and record.initiative_id is not None:
                parents[(key, record.id)] = record.initiative_id
    via_groups = [rules.owners, *rules.cross_administration]
    seen: set[tuple[str, int, str, object]] = set()
    edits: list[CrossEdit] = []
    for run in runs:
        for change in run.changes:
            if change.action not in ("added", "updated") or not change.editor or change.list_key not in SECURED_LISTS:
                continue
            initiative_id = change.item_id if change.list_key == "initiatives" else parents.get((change.list_key, change.item_id))
            initiative = initiatives.get(initiative_id) if initiative_id is not None else None
            if initiative is None or initiative.administration is None:
                continue
            editor = change.editor.lower()
            if editor == product.lower() or editor in membership.get(rules.groups[initiative.administration], set()):
                continue
            mark = (change.list_key, change.item_id, editor, change.modified)
            if mark in seen:
                continue
            seen.add(mark)
            via = next((g for g in via_groups if editor in membership.get(g, set())), "")
            edits.append(CrossEdit(initiative.id or 0, initiative.title, initiative.administration, change.editor, via,
                                   change.modified.date() if change.modified else None, list_schema(change.list_key).title))
    return edits


def cross_edits(groups: GroupReader, runs: Iterable[RunRecord], portfolio: m.Portfolio,
                rules: PermissionRules) -> tuple[list[CrossEdit], list[str]]:
    """The edits across administrations, and the groups that may make them (for the document's text)."""
    edits = find_cross_edits(runs, portfolio, read_membership(groups, rules), rules, product=groups.current_user_title())
    return edits, [rules.owners, *rules.cross_administration]
