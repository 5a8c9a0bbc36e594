"""Creating items in their administration's folder (after ``provision`` set up permissions).

An item is created with ``AddValidateUpdateItemUsingPath`` (``FolderPath`` = the folder; only its title, as
text form values are not the typed values the rest of the adapter writes), then given its values with the
usual conditional MERGE in ``$batch``: two requests per item, the second batched. Items whose
administration is unknown are created at the list's root, where only owners and the cross-administration
groups may edit them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kksync.core import model as m
from kksync.errors import SharePointError
from kksync.services.ports import SeedTarget
from kksync.services.provision_permissions import SECURED_LISTS, PermissionAdmin, folder_name, owner_column
from kksync.sharepoint.data import ItemWrite

__all__ = ["FolderPlacement"]


class FolderPlacement:
    """Where the seed's items go: each initiative (and its child items) in its administration's folder."""

    def __init__(self, permissions: PermissionAdmin) -> None:
        self._perms = permissions
        self._roots: dict[str, str] = {}
        self.administration: dict[int, m.Administration | None] = {}
        """Initiative id on SharePoint → its administration, learnt as initiatives are created."""

    def has_items(self, title: str) -> bool:
        """Items other than folders (the seed runs only on a site without initiatives)."""
        return any(not e.folder for e in self._perms.entries(title, []))

    def handles(self, key: str) -> bool:
        return key in SECURED_LISTS

    def create(self, sp: SeedTarget, key: str, title: str, records: Sequence[m.Record],
               payloads: Sequence[dict[str, Any]]) -> list[int]:
        root = self._roots.get(title) or self._roots.setdefault(title, self._perms.root_folder(title))
        ids: list[int] = []
        writes: list[ItemWrite] = []
        for record, payload in zip(records, payloads, strict=True):
            admin = self._administration_of(key, record, payload)
            folder = f"{root}/{folder_name(admin)}" if admin is not None else root
            new_id = self._perms.add_using_path(title, folder, {"Title": str(payload.get("Title") or "")})
            ids.append(new_id)
            writes.append(ItemWrite(new_id, '"1"', {k: v for k, v in payload.items() if k != "Title"}))
            if key == "initiatives":
                self.administration[new_id] = admin
        for outcome in sp.update_items(title, writes):
            if outcome.status != "ok":
                raise SharePointError(f"Kunne ikke udfylde element {outcome.item_id} i «{title}»: {outcome.message}")
        return ids

    def _administration_of(self, key: str, record: m.Record, payload: dict[str, Any]) -> m.Administration | None:
        if key == "initiatives":
            return getattr(record, "administration", None)
        parent = payload.get(owner_column(key))  # already the id SharePoint gave the initiative
        return self.administration.get(parent) if isinstance(parent, int) else None
