"""Document libraries: files are list items of a library plus versioned content in SQLite.

Supports `files/add`, chunked `startUpload/continueUpload/finishUpload`, `$value` download (with `Range`),
`listItemAllFields` read/MERGE and `versions`; names are validated as SharePoint Online does.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .errors import SPError, bad_request
from .serialize import serialize_item
from .site import full_etag
from .wire import Req, Resp, ok, select_props

if TYPE_CHECKING:
    from .server import EmulatorServer
    from .urlpath import Segment

__all__ = ["Files", "validate_file_name"]

_INVALID = set('"*:<>?/\\|')
_RESERVED = (
    {"con", "prn", "aux", "nul", ".lock", "desktop.ini"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
)
_NAME_CODE = "-2130575245, Microsoft.SharePoint.SPException"


def validate_file_name(name: str) -> None:
    """Raise SPError 400 for names SharePoint Online refuses."""
    problem = None
    if not name or not name.strip():
        problem = "The file name is empty."
    elif any(ch in _INVALID for ch in name):
        problem = f'The file or folder name "{name}" contains characters that are not permitted.'
    elif name != name.strip():
        problem = f'The file or folder name "{name}" begins or ends with a space.'
    elif name.startswith("~$") or "_vti_" in name.lower():
        problem = f'The file or folder name "{name}" is not allowed.'
    elif name.lower() in _RESERVED or name.split(".")[0].lower() in _RESERVED - {".lock", "desktop.ini"}:
        problem = f'The file or folder name "{name}" is a reserved name.'
    if problem:
        raise SPError(400, _NAME_CODE, problem)


class Files:
    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.site = server.site
        self._uploads: dict[str, bytearray] = {}  # upload id -> bytes received so far (chunked upload)
        self._lock = threading.Lock()

    # -- path helpers --------------------------------------------------------------------------------
    def _abs(self, url: str) -> str:
        url = url.rstrip("/")
        if re.match(r"^https?://", url):
            url = "/" + url.split("/", 3)[3]
        if not url.startswith("/"):
            url = f"{self.site.server_relative_url}/{url}"
        return url

    def _library(self, url: str) -> dict[str, Any]:
        lst = self.site.list_by_root_url(url)
        if lst is None or lst["BaseTemplate"] != 101:
            raise SPError(404, "-2147024894, System.IO.FileNotFoundException", "File Not Found.")
        return lst

    def _find(self, url: str) -> tuple[dict[str, Any], dict[str, Any]]:
        lst = self._library(url)
        low = url.lower()
        for item in self.site.store.items[lst["Id"]].values():
            if str(item.get("FileRef", "")).lower() == low:
                return lst, item
        raise SPError(404, "-2147024894, System.IO.FileNotFoundException", "File Not Found.")

    def url_by_unique_id(self, unique_id: str) -> str:
        key = unique_id.strip("{}").lower()
        for lst in self.site.store.lists.values():
            if lst["BaseTemplate"] == 101:
                for item in self.site.store.items[lst["Id"]].values():
                    if item["GUID"].lower() == key:
                        return str(item["FileRef"])
        raise SPError(404, "-2147024894, System.IO.FileNotFoundException", "File Not Found.")

    # -- routing -------------------------------------------------------------------------------------
    def route_folder(self, url: str, rest: list[Segment], req: Req) -> tuple[str, Callable[[Req], Resp]]:
        folder = self._abs(url)
        lst = self._library(folder)
        if not rest:
            return "files", lambda r: ok(self.folder_entity(lst, folder))
        if rest[0].name == "files":
            if rest[0].has_parens:
                return self.route_file(f"{folder}/{rest[0].arg}", rest[1:], req)
            ops = rest[1:]
            if not ops:
                return "files", lambda r: ok(
                    {"results": [self.file_entity(lst, i) for i in self._in_folder(lst, folder)]}
                )
            op = ops[0]
            if op.name in ("add", "addusingpath"):
                name = str(op.kwargs.get("url") or op.kwargs.get("decodedurl") or op.arg or "")
                overwrite = bool(op.kwargs.get("overwrite", False))
                return "files", lambda r: ok(
                    self.file_entity(lst, self.upload(lst, folder, name, r.body, overwrite, r))
                )
            if op.name == "getbyurl":
                return self.route_file(
                    f"{folder}/{op.arg}" if not str(op.arg).startswith("/") else str(op.arg), ops[1:], req
                )
        if rest[0].name in ("listitemallfields", "properties"):
            return "files", lambda r: ok(self.folder_entity(lst, folder))
        raise SPError(
            404, "-1, Microsoft.SharePoint.Client.ResourceNotFoundException", f"Cannot find resource {req.path}."
        )

    def _in_folder(self, lst: dict[str, Any], folder: str) -> list[dict[str, Any]]:
        return [
            i
            for i in self.site.store.items[lst["Id"]].values()
            if str(i.get("FileDirRef", "")).lower() == folder.lower()
        ]

    def route_item_file(
        self, list_id: str, item_id: int, rest: list[Segment], req: Req
    ) -> tuple[str, Callable[[Req], Resp]]:
        item = self.site.get_item(list_id, item_id)
        return self.route_file(str(item.get("FileRef")), rest, req)

    def route_file(self, url: str, rest: list[Segment], req: Req) -> tuple[str, Callable[[Req], Resp]]:
        url = self._abs(url)
        op = rest[0] if rest else None
        if op is not None and op.name == "startupload":
            return "files", lambda r: self.start_upload(url, str(op.arg), r.body)
        lst, item = self._find(url)
        lid, iid = lst["Id"], item["ID"]
        if op is None:
            if req.method == "DELETE":

                def delete(r: Req) -> Resp:
                    # File.DeleteObject is for good; File.recycle() (below) keeps the file restorable.
                    if self.site.fidelity.rest_delete_recycles:
                        self.server.recycle.recycle_request(r, lid, iid)
                    else:
                        self.site.delete_item(lid, iid, r.headers.get("if-match"), self.server.editor_for(r))
                    return Resp(200)

                return "files", delete
            return "files", lambda r: ok(select_props(self.file_entity(lst, self.site.get_item(lid, iid)), r.params))
        name = op.name
        if name == "recycle":
            return "files", lambda r: ok({"Recycle": self.server.recycle.recycle_request(r, lid, iid)})
        if name in ("$value", "openbinarystream"):
            if req.method in ("PUT", "POST"):
                return "files", lambda r: (self.save(lst, item, r.body, r), Resp(204))[1]
            return "files", lambda r: self.download(lid, iid, r)
        if name == "listitemallfields":
            if len(rest) > 1:  # e.g. listItemAllFields/ParentList, which ListItem.update() reads first
                return self.server.api._item(lid, iid, rest[1:], req)
            if req.method in ("MERGE", "PATCH"):

                def merge(r: Req) -> Resp:
                    updated = self.site.update_item(
                        lid, iid, r.json(), self.server.editor_for(r), r.headers.get("if-match")
                    )
                    return Resp(204, headers={"ETag": full_etag(updated)})

                return "update_item", merge
            return "get_item", lambda r: ok(
                serialize_item(self.site, self.server.url, lst, self.site.get_item(lid, iid), None, set())
            )
        if name == "versions":
            return "files", lambda r: ok({"results": self.versions(lst, iid, url)})
        if name == "continueupload":
            return "files", lambda r: self.continue_upload(
                str(op.kwargs.get("uploadid")), int(op.kwargs.get("fileoffset", 0)), r.body
            )
        if name == "finishupload":
            return "files", lambda r: self.finish_upload(
                lst, item, str(op.kwargs.get("uploadid")), int(op.kwargs.get("fileoffset", 0)), r
            )
        if name in ("checkout", "checkin", "publish", "undocheckout"):
            return "files", lambda r: Resp(200)
        raise SPError(
            404, "-1, Microsoft.SharePoint.Client.ResourceNotFoundException", f"Cannot find resource {req.path}."
        )

    # -- operations ----------------------------------------------------------------------------------
    def upload(
        self,
        lst: dict[str, Any],
        folder: str,
        name: str,
        content: bytes,
        overwrite: bool,
        req: Req | None = None,
        editor: int | None = None,
    ) -> dict[str, Any]:
        name = name.split("/")[-1]
        validate_file_name(name)
        url = f"{folder}/{name}"
        if len(url) > 400:
            raise bad_request("The specified file or folder name is too long.", _NAME_CODE)
        editor = editor or (self.server.editor_for(req) if req else 1073741822)
        with self.site.store.lock:
            try:
                _, item = self._find(url)
            except SPError:
                item = None
            if item is not None and not overwrite:
                raise SPError(
                    400,
                    "-2130575257, Microsoft.SharePoint.SPException",
                    f"A file with the name {url[1:]} already exists.",
                )
            extra = {"FileRef": url, "FileDirRef": folder, "FileLeafRef": name, "_size": len(content)}
            if item is None:
                item = self.site.create_item(lst["Id"], {}, editor, extra=extra)
            else:
                item = self.site.update_item(lst["Id"], item["ID"], {}, editor, extra=extra)
            self.site.store.put_file_version(
                lst["Id"], item["ID"], item["_version"], {"Created": item["Modified"], "Editor": editor}, content
            )
            return item

    def save(self, lst: dict[str, Any], item: dict[str, Any], content: bytes, req: Req) -> dict[str, Any]:
        return self.upload(lst, item["FileDirRef"], item["FileLeafRef"], content, True, req)

    def download(self, lid: str, iid: int, req: Req) -> Resp:
        content = self.site.store.file_content(lid, iid) or b""
        rng = req.headers.get("range", "")
        match = re.match(r"bytes=(\d+)-(\d*)", rng)
        if match:
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else len(content) - 1
            part = content[start : end + 1]
            return Resp(
                206,
                part,
                "application/octet-stream",
                {"Content-Range": f"bytes {start}-{start + len(part) - 1}/{len(content)}"},
            )
        return Resp(200, content, "application/octet-stream")

    def start_upload(self, url: str, upload_id: str, chunk: bytes) -> Resp:
        name = url.rpartition("/")[2]
        validate_file_name(name)
        with self._lock:
            self._uploads[upload_id.lower()] = bytearray(chunk)
        return ok({"StartUpload": str(len(chunk))})

    def continue_upload(self, upload_id: str, offset: int, chunk: bytes) -> Resp:
        with self._lock:
            buf = self._uploads.get(upload_id.lower())
            if buf is None or len(buf) != offset:
                raise bad_request(
                    "The upload session does not exist or the offset is wrong.",
                    "-2147018887, Microsoft.SharePoint.Client.ClientServiceException",
                )
            buf.extend(chunk)
            return ok({"ContinueUpload": str(len(buf))})

    def finish_upload(self, lst: dict[str, Any], item: dict[str, Any], upload_id: str, offset: int, req: Req) -> Resp:
        with self._lock:
            buf = self._uploads.pop(upload_id.lower(), None)
        if buf is None or len(buf) != offset:
            raise bad_request(
                "The upload session does not exist or the offset is wrong.",
                "-2147018887, Microsoft.SharePoint.Client.ClientServiceException",
            )
        buf.extend(req.body)
        saved = self.save(lst, item, bytes(buf), req)
        return ok(self.file_entity(lst, saved))

    # -- entities ------------------------------------------------------------------------------------
    def file_entity(self, lst: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
        url = item["FileRef"]
        uri = f"{self.server.url}/_api/Web/GetFileByServerRelativePath(decodedurl='{quote(url)}')"
        return {
            "__metadata": {"id": uri, "uri": uri, "type": "SP.File"},
            "ListItemAllFields": {"__deferred": {"uri": f"{uri}/ListItemAllFields"}},
            "Versions": {"__deferred": {"uri": f"{uri}/Versions"}},
            "CheckOutType": 2,
            "ETag": f'"{{{item["GUID"].upper()}}},{item["_version"]}"',
            "Exists": True,
            "Length": str(item.get("_size", 0)),
            "MajorVersion": item["_version"],
            "MinorVersion": 0,
            "Name": item["FileLeafRef"],
            "ServerRelativeUrl": url,
            "TimeCreated": item["Created"],
            "TimeLastModified": item["Modified"],
            "Title": item.get("Title"),
            "UIVersion": item["_version"] * 512,
            "UIVersionLabel": f"{item['_version']}.0",
            "UniqueId": item["GUID"],
        }

    def folder_entity(self, lst: dict[str, Any], folder: str) -> dict[str, Any]:
        uri = f"{self.server.url}/_api/Web/GetFolderByServerRelativePath(decodedurl='{quote(folder)}')"
        return {
            "__metadata": {"id": uri, "uri": uri, "type": "SP.Folder"},
            "Files": {"__deferred": {"uri": f"{uri}/Files"}},
            "Exists": True,
            "ItemCount": len(self._in_folder(lst, folder)),
            "Name": folder.rsplit("/", 1)[-1],
            "ServerRelativeUrl": folder,
            "UniqueId": lst["Id"],
        }

    def versions(self, lst: dict[str, Any], iid: int, url: str) -> list[dict[str, Any]]:
        out = []
        rows = self.site.store.file_versions(lst["Id"], iid)
        for version, meta, size in rows[:-1]:  # like SharePoint, the current version is not listed
            out.append(
                {
                    "__metadata": {"type": "SP.FileVersion"},
                    "ID": version * 512,
                    "Created": meta.get("Created"),
                    "IsCurrentVersion": False,
                    "Length": str(size),
                    "Size": size,
                    "Url": f"_vti_history/{version * 512}{url}",
                    "VersionLabel": f"{version}.0",
                }
            )
        return out
