"""Folders in lists: folder items (``FSObjType`` 1), the folder an item lives in, and the path columns.

A list's items and folders are stored flat, as SharePoint's ``items`` endpoint returns them (every item and
folder of every level). An item's folder is its ``FileDirRef``; items written before folders existed (and
items written by ``POST items``) live in the root folder. ``FSObjType``, ``FileRef`` and ``FileDirRef`` are
columns of every list on SharePoint; here they are answered for lists without being stored as fields, so a
list's field collection stays as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import SPError, bad_request

if TYPE_CHECKING:
    from .site import Site

__all__ = ["PATH_COLUMNS", "folder_of", "item_paths", "path_value", "resolve_folder"]

PATH_COLUMNS = {"fsobjtype": "FSObjType", "fileref": "FileRef", "filedirref": "FileDirRef"}
"""Lower-cased name → column: answered for every list item (libraries store FileRef/FileDirRef as fields)."""


def path_value(site: Site, lst: dict[str, Any], item: dict[str, Any], column: str) -> Any:
    """``FSObjType`` (0 item, 1 folder), ``FileRef`` or ``FileDirRef`` of a list item."""
    if column == "FSObjType":
        return int(item.get("FSObjType") or 0)
    if column == "FileDirRef":
        return item.get("FileDirRef") or lst["RootFolderUrl"]
    return item.get("FileRef") or f"{lst['RootFolderUrl']}/{item['ID']}_.000"


def item_paths(lst: dict[str, Any], folder_url: str, item_id: int, leaf: str | None = None) -> dict[str, Any]:
    """The stored path values of a new item (``leaf`` None) or folder (``leaf`` its name) in ``folder_url``."""
    if leaf is None:
        return {"FSObjType": 0, "FileDirRef": folder_url, "FileRef": f"{folder_url}/{item_id}_.000"}
    return {"FSObjType": 1, "FileDirRef": folder_url, "FileRef": f"{folder_url}/{leaf}", "FileLeafRef": leaf,
            "ContentTypeId": "0x0120"}


def resolve_folder(site: Site, lst: dict[str, Any], url: str | None) -> str:
    """The server-relative URL of an existing folder of the list (root when ``url`` is empty), or 400.

    SharePoint answers a ``FolderPath`` outside the list or to a folder that does not exist with an error
    (its text is the emulator's own: unverified)."""
    root = lst["RootFolderUrl"]
    if not url:
        return root
    wanted = "/" + url.strip().strip("/")
    if wanted.lower() == root.lower():
        return root
    folder = _folder_by_url(site, lst, wanted)
    if folder is None:
        raise bad_request(f"The folder '{url}' does not exist in the list.", "-2147024894, System.IO.FileNotFoundException")
    return str(folder["FileRef"])


def folder_of(site: Site, lst: dict[str, Any], item: dict[str, Any]) -> dict[str, Any] | None:
    """The folder item holding ``item``, or None for the root folder."""
    parent = path_value(site, lst, item, "FileDirRef")
    if str(parent).lower() == lst["RootFolderUrl"].lower():
        return None
    return _folder_by_url(site, lst, str(parent))


def _folder_by_url(site: Site, lst: dict[str, Any], url: str) -> dict[str, Any] | None:
    low = url.rstrip("/").lower()
    for item in site.store.items[lst["Id"]].values():
        if item.get("FSObjType") == 1 and str(item.get("FileRef", "")).lower() == low:
            return item
    return None


def check_leaf(name: str) -> str:
    """A folder name SharePoint accepts (the characters a URL segment cannot hold are refused)."""
    leaf = name.strip()
    if not leaf or any(ch in leaf for ch in '"*:<>?/\\|#%') or leaf.startswith(".") or leaf.endswith("."):
        raise SPError(400, "-2130575245, Microsoft.SharePoint.SPException", f"The folder name '{name}' is not valid.")
    return leaf
