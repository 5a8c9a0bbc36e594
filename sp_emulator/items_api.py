"""List item operations over REST: routing below ``items(n)``, reads with paging, writes with ETags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from . import errors
from .changes import get_changes
from .errors import SPError
from .folders import check_leaf, resolve_folder
from .permissions import item_scope, list_scope
from .query import check_select, query_items
from .serialize import serialize_item
from .site import full_etag, item_etag
from .wire import Handler, Req, Resp, ok, select_props

if TYPE_CHECKING:
    from .server import EmulatorServer
    from .site import Site
    from .urlpath import Segment

__all__ = ["ItemsApi"]


class ItemsApi:
    server: EmulatorServer
    site: Site

    @property
    def base(self) -> str:
        raise NotImplementedError

    def list_entity(self, lid: str) -> dict[str, Any]:
        raise NotImplementedError

    def _item(self, lid: str, item_id: int, segs: list[Segment], req: Req) -> tuple[str, Handler]:
        if segs:
            name = segs[0].name
            if name == "parentlist":
                return "lists", lambda r: ok(select_props(self.list_entity(lid), r.params))
            if name == "file":
                return self.server.files.route_item_file(lid, item_id, segs[1:], req)
            if name == "validateupdatelistitem":
                return "update_item", lambda r: self.validate_update(r, lid, item_id)
            if name in ("fieldvaluesastext", "fieldvalues"):
                return "get_item", lambda r: self.get_item(r, lid, item_id)
            if name == "recycle":
                return "delete_item", lambda r: self.recycle_item(r, lid, item_id)
            secured = self.server.perms.route_securable(item_scope(lid, item_id), segs[0], segs[1:], req)
            if secured is not None:
                return "permissions", secured
            raise errors.not_supported(req.path)
        if req.method in ("MERGE", "PATCH", "PUT"):
            return "update_item", lambda r: self.update_item(r, lid, item_id)
        if req.method == "DELETE":
            return "delete_item", lambda r: self.delete_item(r, lid, item_id)
        return "get_item", lambda r: self.get_item(r, lid, item_id)

    def _expand(self, req: Req) -> set[str]:
        return {e.strip().lower() for e in req.params.get("$expand", "").split(",") if e.strip()}

    def get_items(self, req: Req, lid: str) -> Resp:
        params = req.params
        lst = self.site.store.lists[lid]
        with self.site.store.lock:
            select = [s.strip() for s in params["$select"].split(",")] if params.get("$select") else None
            check_select(self.site, lst, select)
            rows, token = query_items(self.site, lst, params, self.server.page_size_max, self.server.honor_skip)
            expand = self._expand(req)
            results = [serialize_item(self.site, self.base, lst, r, select, expand) for r in rows]
        body: dict[str, Any] = {"results": results}
        if token:
            params = {k: v for k, v in params.items() if k not in ("$skiptoken", "$skip")}
            params["$skiptoken"] = token
            host = self.base.split("/sites/")[0]
            body["__next"] = f"{host}{req.path}?{urlencode(params, quote_via=quote, safe='$,/()')}"
        return ok(body)

    def _item_resp(self, req: Req, lid: str, item: dict[str, Any], status: int = 200) -> Resp:
        select = [s.strip() for s in req.params["$select"].split(",")] if req.params.get("$select") else None
        lst = self.site.store.lists[lid]
        check_select(self.site, lst, select)
        body = serialize_item(self.site, self.base, lst, item, select, self._expand(req))
        return ok(body, status, {"ETag": item_etag(item)})

    def get_item(self, req: Req, lid: str, item_id: int) -> Resp:
        return self._item_resp(req, lid, self.site.get_item(lid, item_id))

    def create_item(self, req: Req, lid: str) -> Resp:
        self.server.perms.check_write(req, list_scope(lid))  # POST items: the root folder
        item = self.site.create_item(lid, req.json(), self.server.editor_for(req))
        return self._item_resp(req, lid, item, 201)

    def add_using_path(self, req: Req, lid: str) -> Resp:
        """``AddValidateUpdateItemUsingPath``: an item (or, with ``UnderlyingObjectType`` 1, a folder) created in
        the folder ``listItemCreateInfo.FolderPath`` from text form values; answers each value with ``ItemId``."""
        body = req.json()
        info = body.get("listItemCreateInfo") or {}
        lst = self.site.store.lists[lid]

        def decoded(value: Any) -> str | None:
            return str(value.get("DecodedUrl") or "") if isinstance(value, dict) else (str(value) if value else None)

        folder = resolve_folder(self.site, lst, decoded(info.get("FolderPath")))
        self.server.perms.check_write(req, self._folder_scope(lid, folder))
        values = body.get("formValues") or []
        values = values.get("results", []) if isinstance(values, dict) else values  # verbose collections too
        form = {v["FieldName"]: v.get("FieldValue") for v in values}
        leaf = None
        if int(info.get("UnderlyingObjectType") or 0) == 1:
            leaf = check_leaf(decoded(info.get("LeafName")) or str(form.get("Title") or ""))
            taken = f"{folder}/{leaf}".lower()
            if any(str(i.get("FileRef", "")).lower() == taken for i in self.site.store.items[lid].values()):
                raise SPError(400, "-2130575257, Microsoft.SharePoint.SPException",
                              f"A file or folder with the name {taken} already exists.")
            form.setdefault("Title", leaf)
        fields = self.site.fields(lid)
        refs = ("User", "UserMulti", "Lookup", "LookupMulti")
        # Form values name columns by internal name; person and lookup columns take the id as text.
        payload = {(k + "Id" if k in fields and fields[k]["TypeAsString"] in refs else k): v for k, v in form.items()}
        item = self.site.create_item(lid, payload, self.server.editor_for(req), folder=folder, leaf=leaf)
        results = [
            {"__metadata": {"type": "SP.ListItemFormUpdateValue"}, "ErrorCode": 0, "ErrorMessage": None,
             "FieldName": name, "FieldValue": value, "HasException": False, "ItemId": item["ID"]}
            for name, value in form.items()
        ]
        return ok({"AddValidateUpdateItemUsingPath": {"results": results}})

    def _folder_scope(self, lid: str, folder_url: str) -> str:
        lst = self.site.store.lists[lid]
        if folder_url.lower() == lst["RootFolderUrl"].lower():
            return list_scope(lid)
        for item in self.site.store.items[lid].values():
            if item.get("FSObjType") == 1 and str(item.get("FileRef", "")).lower() == folder_url.lower():
                return item_scope(lid, item["ID"])
        return list_scope(lid)

    def update_item(self, req: Req, lid: str, item_id: int) -> Resp:
        self.server.perms.check_write(req, item_scope(lid, item_id))
        item = self.site.update_item(lid, item_id, req.json(), self.server.editor_for(req), req.headers.get("if-match"))
        return Resp(204, headers={"ETag": full_etag(item)})  # the "<guid>,<n>" form, unlike item reads

    def delete_item(self, req: Req, lid: str, item_id: int) -> Resp:
        self.server.perms.check_write(req, item_scope(lid, item_id))
        if self.site.fidelity.rest_delete_recycles:
            return self.recycle_item(req, lid, item_id)
        self.site.delete_item(lid, item_id, req.headers.get("if-match"), self.server.editor_for(req))
        return Resp(200)

    def recycle_item(self, req: Req, lid: str, item_id: int) -> Resp:
        """``ListItem.recycle()``: returns the recycle bin item's id (SP.GuidResult)."""
        self.server.perms.check_write(req, item_scope(lid, item_id))
        entry_id = self.server.recycle.recycle_request(req, lid, item_id)
        return ok({"Recycle": entry_id})

    def validate_update(self, req: Req, lid: str, item_id: int) -> Resp:
        body = req.json()
        payload = {v["FieldName"]: v.get("FieldValue") for v in body.get("formValues", [])}
        results = []
        self.server.perms.check_write(req, item_scope(lid, item_id))
        try:
            self.site.update_item(lid, item_id, payload, self.server.editor_for(req))
            failed = None
        except SPError as exc:
            failed = exc.message
        for name in payload:
            results.append(
                {
                    "__metadata": {"type": "SP.ListItemFormUpdateValue"},
                    "ErrorCode": 0 if not failed else -1,
                    "ErrorMessage": failed,
                    "FieldName": name,
                    "FieldValue": payload[name],
                    "HasException": bool(failed),
                    "ItemId": item_id,
                }
            )
        return ok({"ValidateUpdateListItem": {"results": results}})

    def get_changes(self, req: Req, lid: str) -> Resp:
        return ok({"results": get_changes(self.site, self.base, lid, req.json().get("query", {}))})
