"""Request dispatch: resolve a `_api/...` path to a resource and run the operation on the site.

Used for top-level HTTP requests and for every operation inside a `$batch`, so ETags, errors and faults
behave the same either way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode

from . import errors
from .entities import EntitiesMixin
from .errors import SPError, bad_request, dumps
from .fields import field_from_xml, make_field
from .items import query_items, serialize_item
from .urlpath import Segment, split_path

if TYPE_CHECKING:
    from .server import EmulatorServer

__all__ = ["Req", "Resp", "Api"]

JSON = "application/json;odata=verbose;charset=utf-8"


@dataclass
class Req:
    method: str
    path: str  # e.g. /sites/kk-it/_api/web/lists
    query: str
    headers: dict[str, str]  # lower-case keys
    body: bytes = b""
    inner: bool = False

    def json(self) -> dict[str, Any]:
        if not self.body.strip():
            return {}
        try:
            data = json.loads(self.body)
        except ValueError as exc:
            raise bad_request(f"Invalid JSON. {exc}", "-1, Microsoft.OData.ODataException") from exc
        return data if isinstance(data, dict) else {}

    @property
    def params(self) -> dict[str, str]:
        return dict(parse_qsl(self.query, keep_blank_values=True))


@dataclass
class Resp:
    status: int = 200
    body: bytes = b""
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)


def ok(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Resp:
    return Resp(status, dumps({"d": payload}), JSON, headers or {})


def select_props(entity: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
    sel = params.get("$select")
    if not sel or sel.strip() == "*":
        return entity
    wanted = {s.strip().lower() for s in sel.split(",")}
    return {k: v for k, v in entity.items() if k == "__metadata" or k.lower() in wanted}


Handler = Callable[[Req], Resp]
_SYSTEM_OPTIONS = {
    "$select",
    "$expand",
    "$filter",
    "$orderby",
    "$top",
    "$skip",
    "$skiptoken",
    "$format",
    "$inlinecount",
}


class Api(EntitiesMixin):
    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.site = server.site

    @property
    def base(self) -> str:
        return self.server.url

    # -- routing -------------------------------------------------------------------------------------
    def route(self, req: Req) -> tuple[str, Handler]:
        """Return (kind, handler) or raise SPError 404 for an unknown resource."""
        for key in req.params:
            if key.startswith("$") and key.lower() not in _SYSTEM_OPTIONS:
                raise bad_request(
                    f"The query parameter '{key}' is not supported.",
                    "-1, Microsoft.SharePoint.Client.InvalidClientQueryException",
                )
        prefix = f"/sites/{self.site.name}/_api".lower()
        low = req.path.lower()
        if not low.startswith(prefix):
            raise errors.not_supported(req.path)
        segs = split_path(req.path[len(prefix) :], {k: v for k, v in req.params.items() if k.startswith("@")})
        if not segs:
            raise errors.not_supported(req.path)
        head = segs[0].name
        if head == "contextinfo":
            return "contextinfo", self.contextinfo
        if head == "$batch":
            return "batch", self.server.batch
        if head in ("web", "site"):
            segs = segs[1:]
        return self._web(segs, req)

    def _web(self, segs: list[Segment], req: Req) -> tuple[str, Handler]:
        site = self.site
        if not segs:
            return "web", lambda r: ok(select_props(self.web_entity(), r.params))
        seg, rest = segs[0], segs[1:]
        if seg.name in ("siteusers", "users"):
            if rest and rest[0].name == "removebyid":  # a user removed from the site (left the municipality)
                user_id = int(rest[0].arg)

                def remove(r: Req) -> Resp:
                    site.depart_user(user_id)
                    return ok({})

                return "users", remove
            if seg.has_parens or rest:
                return "users", self._user_handler(self._find_user(seg, rest), rest[1:] if rest else [])
            return "users", lambda r: ok(
                {"results": [self.user_entity(u) for u in site.store.users.values() if not u.get("Departed")]}
            )
        if seg.name == "getuserbyid":
            return "users", self._user_handler(site.get_user(int(seg.arg)), rest)
        if seg.name == "currentuser":
            return "users", self._user_handler(site.get_user(self.server.editor_for(req)), rest)
        if seg.name == "ensureuser":

            def ensure(r: Req) -> Resp:
                logon = seg.arg or r.json().get("logonName")
                return ok(self.user_entity(site.ensure_user(str(logon or ""))))

            return "ensure_user", ensure
        if seg.name == "lists":
            if seg.has_parens:
                return self._list(site.find_list(list_id=str(seg.arg)), rest, req)
            if not rest:
                return "lists", self.lists_collection
            op = rest[0]
            if op.name == "getbytitle":
                return self._list(site.find_list(title=str(op.arg)), rest[1:], req)
            if op.name == "getbyid":
                return self._list(site.find_list(list_id=str(op.arg)), rest[1:], req)
        if seg.name in ("getlistbyid",):
            return self._list(site.find_list(list_id=str(seg.arg)), rest, req)
        if seg.name in ("getfolderbyserverrelativeurl", "getfolderbyserverrelativepath"):
            return self.server.files.route_folder(str(seg.arg if seg.arg is not None else ""), rest, req)
        if seg.name == "getfilebyid":
            return self.server.files.route_file(self.server.files.url_by_unique_id(str(seg.arg)), rest, req)
        if seg.name in ("getfilebyserverrelativeurl", "getfilebyserverrelativepath"):
            return self.server.files.route_file(str(seg.arg or ""), rest, req)
        if seg.name in ("title", "url", "id", "serverrelativeurl"):
            web = self.web_entity()
            key = next(k for k in web if k.lower() == seg.name)
            return "web", lambda r: ok({key: web[key]})
        raise errors.not_supported(req.path)

    def _find_user(self, seg: Segment, rest: list[Segment]) -> dict[str, Any]:
        if seg.has_parens:
            return self.site.get_user(int(seg.arg))
        op = rest[0]
        if op.name == "getbyid":
            return self.site.get_user(int(op.arg))
        key = str(op.arg or "").lower()
        for user in self.site.store.users.values():
            if key in (str(user.get("Email") or "").lower(), user["LoginName"].lower()):
                return user
        raise SPError(404, "-2146232832, Microsoft.SharePoint.SPException", "User cannot be found.")

    def _user_handler(self, user: dict[str, Any], rest: list[Segment]) -> Handler:
        return lambda r: ok(select_props(self.user_entity(user), r.params))

    def _list(self, lst: dict[str, Any], segs: list[Segment], req: Req) -> tuple[str, Handler]:
        lid = lst["Id"]
        if not segs:
            return "lists", lambda r: self.list_entity_op(r, lid)
        seg, rest = segs[0], segs[1:]
        name = seg.name
        if name == "items":
            if seg.has_parens:
                return self._item(lid, int(seg.arg), rest, req)
            if rest and rest[0].name == "getbyid":
                return self._item(lid, int(rest[0].arg), rest[1:], req)
            if req.method == "POST":
                return "create_item", lambda r: self.create_item(r, lid)
            return "get_items", lambda r: self.get_items(r, lid)
        if name == "getitembyid":
            return self._item(lid, int(seg.arg), rest, req)
        if name == "fields":
            return "fields", self._fields(lid, seg, rest, req)
        if name == "getchanges":
            return "get_changes", lambda r: self.get_changes(r, lid)
        if name == "subscriptions":
            return "subscriptions", self.server.hooks.route(lid, seg, rest, req)
        if name == "rootfolder":
            return self.server.files.route_folder(self.site.store.lists[lid]["RootFolderUrl"], rest, req)
        if name in ("currentchangetoken", "getchangetoken"):
            return "lists", lambda r: ok(
                {"CurrentChangeToken": self._token(lid)} if name.startswith("current") else self._token(lid)
            )
        if name == "parentweb":
            return "web", lambda r: ok(self.web_entity())
        entity = self.list_entity(lid)
        key = next((k for k in entity if k.lower() == name), None)
        if key is not None and not rest:
            return "lists", lambda r: ok({key: entity[key]})
        raise errors.not_supported(req.path)

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
            raise errors.not_supported(req.path)
        if req.method in ("MERGE", "PATCH", "PUT"):
            return "update_item", lambda r: self.update_item(r, lid, item_id)
        if req.method == "DELETE":
            return "delete_item", lambda r: self.delete_item(r, lid, item_id)
        return "get_item", lambda r: self.get_item(r, lid, item_id)

    def _fields(self, lid: str, seg: Segment, rest: list[Segment], req: Req) -> Handler:
        site = self.site
        target: str | None = None
        if seg.has_parens:
            target = str(seg.arg)
        elif rest:
            op = rest[0]
            if op.name == "addfield":
                return lambda r: self._add_field(lid, make_field(r.json().get("parameters", {}), site.store.lists))
            if op.name == "createfieldasxml":

                def from_xml(r: Req) -> Resp:
                    info = r.json().get("parameters", {})
                    return self._add_field(lid, field_from_xml(info.get("SchemaXml", ""), site.store.lists))

                return from_xml
            if op.name in ("getbyinternalnameortitle", "getbytitle", "getbyid", "getbyname"):
                target = str(op.arg)
        if target is None:
            if req.method == "POST":
                return lambda r: self._add_field(lid, make_field(r.json(), site.store.lists))
            return lambda r: ok({"results": [self.field_entity(lid, f) for f in site.fields(lid).values()]})
        name = site.find_field(lid, target)["InternalName"]
        if req.method in ("MERGE", "PATCH"):

            def merge(r: Req) -> Resp:
                site.update_field(lid, name, r.json())
                return Resp(204)

            return merge
        return lambda r: ok(select_props(self.field_entity(lid, site.fields(lid)[name]), r.params))

    def _add_field(self, lid: str, fdef: dict[str, Any]) -> Resp:
        return ok(self.field_entity(lid, self.site.add_field(lid, fdef)), 201)

    # -- operations ----------------------------------------------------------------------------------
    def contextinfo(self, req: Req) -> Resp:
        digest = f"0x{'A' * 128},{self.site.clock().strftime('%d %b %Y %H:%M:%S')} -0000"
        return ok(
            {
                "GetContextWebInformation": {
                    "__metadata": {"type": "SP.ContextWebInformation"},
                    "FormDigestTimeoutSeconds": 1800,
                    "FormDigestValue": digest,
                    "LibraryVersion": "16.0.25000.12001",
                    "SiteFullUrl": self.base,
                    "SupportedSchemaVersions": {
                        "__metadata": {"type": "Collection(Edm.String)"},
                        "results": ["14.0.0.0", "15.0.0.0"],
                    },
                    "WebFullUrl": self.base,
                }
            }
        )

    def lists_collection(self, req: Req) -> Resp:
        if req.method == "POST":
            body = req.json()
            lst = self.site.create_list(
                str(body.get("Title", "")), int(body.get("BaseTemplate", 100)), str(body.get("Description", ""))
            )
            return ok(self.list_entity(lst["Id"]), 201)
        return ok({"results": [select_props(self.list_entity(lid), req.params) for lid in self.site.store.lists]})

    def list_entity_op(self, req: Req, lid: str) -> Resp:
        if req.method in ("MERGE", "PATCH"):
            self.site.update_list(lid, req.json())
            return Resp(204)
        if req.method == "DELETE":
            raise SPError(403, "-2147024891, System.UnauthorizedAccessException", "Deleting lists is not supported.")
        return ok(select_props(self.list_entity(lid), req.params))

    def _expand(self, req: Req) -> set[str]:
        return {e.strip().lower() for e in req.params.get("$expand", "").split(",") if e.strip()}

    def get_items(self, req: Req, lid: str) -> Resp:
        params = req.params
        lst = self.site.store.lists[lid]
        with self.site.store.lock:
            rows, token = query_items(self.site, lst, params, self.server.page_size_max, self.server.honor_skip)
            select = [s.strip() for s in params["$select"].split(",")] if params.get("$select") else None
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
        body = serialize_item(self.site, self.base, self.site.store.lists[lid], item, select, self._expand(req))
        return ok(body, status, {"ETag": f'"{item["_version"]}"'})

    def get_item(self, req: Req, lid: str, item_id: int) -> Resp:
        return self._item_resp(req, lid, self.site.get_item(lid, item_id))

    def create_item(self, req: Req, lid: str) -> Resp:
        item = self.site.create_item(lid, req.json(), self.server.editor_for(req))
        return self._item_resp(req, lid, item, 201)

    def update_item(self, req: Req, lid: str, item_id: int) -> Resp:
        item = self.site.update_item(lid, item_id, req.json(), self.server.editor_for(req), req.headers.get("if-match"))
        return Resp(204, headers={"ETag": f'"{item["_version"]}"'})

    def delete_item(self, req: Req, lid: str, item_id: int) -> Resp:
        self.site.delete_item(lid, item_id, req.headers.get("if-match"))
        return Resp(200)

    def validate_update(self, req: Req, lid: str, item_id: int) -> Resp:
        body = req.json()
        payload = {v["FieldName"]: v.get("FieldValue") for v in body.get("formValues", [])}
        results = []
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
        from .changes import get_changes

        return ok({"results": get_changes(self.site, self.base, lid, req.json().get("query", {}))})
