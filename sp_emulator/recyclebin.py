"""The site's recycle bin: recycled list items and files wait here, restorable with their id and fields.

``ListItem.recycle()`` / ``File.recycle()`` (and a department deleting in the browser) move an item here and
log a delete (change type 3); ``RecycleBin('<id>')/restore`` puts it back and logs a restore (type 7);
``deleteObject`` / ``DeleteAll`` purge for good.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import SPError
from .site import DELETE, RESTORE, iso
from .wire import Req, Resp, ok, select_props

if TYPE_CHECKING:
    from .server import EmulatorServer
    from .site import Site
    from .urlpath import Segment

__all__ = ["RecycleBin", "recycle", "restore", "purge"]

FILE, LIST_ITEM = 1, 3  # SP.RecycleBinItemType
FIRST_STAGE = 1  # SP.RecycleBinItemState
_SYSTEM_KEYS = {"ID", "GUID", "FileRef", "FileDirRef", "FileLeafRef", "FSObjType", "ContentTypeId", "Attachments"}


def _missing() -> SPError:
    # SPRecycleBinItem.Delete/Restore's documented condition text for an id that is not (or no longer) there.
    return SPError(
        404,
        "-2147024809, System.ArgumentException",
        "Item does not exist. It may have been restored or deleted by another user.",
    )


def recycle(site: Site, list_id: str, item_id: int, editor_id: int, if_match: str | None = None) -> str:
    """Move an item (or a library's file) to the recycle bin; returns the new recycle bin item's id."""
    with site.store.lock:
        item = dict(site.get_item(list_id, item_id))
        site.check_etag(item, if_match)
        lst = site.store.lists[list_id]
        is_file = lst["BaseTemplate"] == 101 and "FileRef" in item
        users = site.store.users
        deleter = users.get(editor_id) or {}
        author = users.get(item.get("Author") or 0) or {}
        now = site.clock()
        folder = str(item.get("FileDirRef") if is_file else lst["RootFolderUrl"])
        entry = {
            "Id": str(uuid.uuid4()),
            "ListId": list_id,
            "ItemId": item_id,
            "ItemType": FILE if is_file else LIST_ITEM,
            "ItemState": FIRST_STAGE,
            "LeafName": item["FileLeafRef"] if is_file else f"{item_id}_.000",  # list items live at <id>_.000
            "Title": item.get("Title") or (item.get("FileLeafRef") if is_file else "") or "",
            "DirName": folder.lstrip("/"),
            "DeletedDate": iso(now),
            "DeletedByName": deleter.get("Title", ""),
            "DeletedByEmail": deleter.get("Email") or "",
            "AuthorName": author.get("Title", ""),
            "AuthorEmail": author.get("Email") or "",
            "Size": int(item.get("_size", 0)),
            "item": item,
        }
        site.store.put_recycled(entry)
        site.store.delete_item(list_id, item_id)  # file contents stay: a restore brings them back
        site.log(list_id, item_id, DELETE, now, editor_id)
        return str(entry["Id"])


def restore(site: Site, entry_id: str, editor_id: int) -> dict[str, Any]:
    """Put a recycled item back under its old id; values of columns deleted meanwhile stay gone."""
    with site.store.lock:
        entry = site.store.recycle_bin.get(entry_id.strip("{}").lower())
        if entry is None:
            raise _missing()
        list_id = entry["ListId"]
        fields = site.fields(list_id)
        item = {k: v for k, v in entry["item"].items() if k in fields or k in _SYSTEM_KEYS or k.startswith("_")}
        if entry["ItemType"] == FILE:
            taken = any(i.get("FileRef") == item["FileRef"] for i in site.store.items[list_id].values())
            if taken:
                raise SPError(
                    400,
                    "-2130575257, Microsoft.SharePoint.SPException",
                    f"A file with the name {str(item['FileRef']).lstrip('/')} already exists.",
                )
        site.store.put_item(list_id, item)
        site.store.delete_recycled(entry["Id"])
        site.log(list_id, int(entry["ItemId"]), RESTORE, site.clock(), editor_id)
        return item


def purge(site: Site, entry_id: str | None = None) -> int:
    """Delete recycle bin items for good (one, or all); returns how many went."""
    with site.store.lock:
        if entry_id is None:
            ids = list(site.store.recycle_bin)
        else:
            key = entry_id.strip("{}").lower()
            if key not in site.store.recycle_bin:
                raise _missing()
            ids = [key]
        for key in ids:
            entry = site.store.recycle_bin[key]
            if entry["ItemType"] == FILE:
                site.store.delete_file(entry["ListId"], int(entry["ItemId"]))
            site.store.delete_recycled(key)
        return len(ids)


class RecycleBin:
    """REST: ``web/RecycleBin`` (and ``site/RecycleBin``), its items, ``restore``, ``deleteObject``."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.site = server.site

    def recycle_request(self, req: Req, list_id: str, item_id: int) -> str:
        return recycle(self.site, list_id, item_id, self.server.editor_for(req), req.headers.get("if-match"))

    def entity(self, entry: dict[str, Any]) -> dict[str, Any]:
        uri = f"{self.server.url}/_api/Web/RecycleBin('{entry['Id']}')"
        out: dict[str, Any] = {"__metadata": {"id": uri, "uri": uri, "type": "SP.RecycleBinItem"}}
        out["Author"] = {"__deferred": {"uri": f"{uri}/Author"}}
        out["DeletedBy"] = {"__deferred": {"uri": f"{uri}/DeletedBy"}}
        for key in ("AuthorEmail", "AuthorName", "DeletedByEmail", "DeletedByName", "DeletedDate", "DirName"):
            out[key] = entry[key]
        out["DeletedDateLocalFormatted"] = entry["DeletedDate"]
        out["DirNamePath"] = {"__metadata": {"type": "SP.ResourcePath"}, "DecodedUrl": entry["DirName"]}
        for key in ("Id", "ItemState", "ItemType", "LeafName"):
            out[key] = entry[key]
        out["LeafNamePath"] = {"__metadata": {"type": "SP.ResourcePath"}, "DecodedUrl": entry["LeafName"]}
        out["Size"] = str(entry["Size"])
        out["Title"] = entry["Title"]
        return out

    def route(self, seg: Segment, rest: list[Segment], req: Req) -> tuple[str, Callable[[Req], Resp]]:
        site = self.site
        target = str(seg.arg) if seg.has_parens else None
        if rest and rest[0].name == "getbyid":
            target, rest = str(rest[0].arg), rest[1:]
        op = rest[0].name if rest else None
        if target is None:
            if op == "deleteall":
                return "recycle_bin", lambda r: (purge(site), Resp(200))[1]
            if op == "restoreall":

                def restore_all(r: Req) -> Resp:
                    for entry_id in list(site.store.recycle_bin):
                        restore(site, entry_id, self.server.editor_for(r))
                    return Resp(200)

                return "recycle_bin", restore_all
            return "recycle_bin", lambda r: ok(
                {"results": [select_props(self.entity(e), r.params) for e in site.store.recycle_bin.values()]}
            )
        entry_id = target
        if op == "restore":
            return "recycle_bin", lambda r: (restore(site, entry_id, self.server.editor_for(r)), Resp(200))[1]
        if op == "deleteobject" or req.method == "DELETE":
            return "recycle_bin", lambda r: (purge(site, entry_id), Resp(200))[1]

        def get(r: Req) -> Resp:
            entry = site.store.recycle_bin.get(entry_id.strip("{}").lower())
            if entry is None:
                raise _missing()
            return ok(select_props(self.entity(entry), r.params))

        return "recycle_bin", get
