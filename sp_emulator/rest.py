"""Request dispatch: resolve a `_api/...` path to a resource and run the operation on the site.

Used for top-level HTTP requests and for every operation inside a `$batch`, so ETags, errors and faults
behave the same either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors
from .entities import EntitiesMixin
from .errors import SPError, bad_request
from .fields import field_from_xml, make_field
from .items_api import ItemsApi
from .permissions import list_scope
from .urlpath import Segment, split_path
from .wire import JSON, Handler, Req, Resp, ok, select_props

if TYPE_CHECKING:
    from .server import EmulatorServer

__all__ = ["JSON", "Req", "Resp", "Api", "ok", "select_props"]  # Req/Resp/ok stay importable from here

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


class Api(EntitiesMixin, ItemsApi):
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
            if rest and rest[0].name == "removebyid":  # an administrator removes the user from the site
                user_id = int(rest[0].arg)

                def remove(r: Req) -> Resp:
                    site.remove_user(user_id)
                    return ok({})

                return "users", remove
            if seg.has_parens or rest:
                return "users", self._user_handler(self._find_user(seg, rest), rest[1:] if rest else [])
            # Users who left stay listed: only Microsoft Graph knows their account is gone or disabled.
            return "users", lambda r: ok(
                {"results": [self.user_entity(u) for u in site.store.users.values() if not u.get("Removed")]}
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
        if seg.name == "recyclebin":
            return self.server.recycle.route(seg, rest, req)
        if seg.name in ("sitegroups", "roledefinitions"):
            return self.server.perms.route_web(seg, rest, req)
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
            if key in (str(user.get("Email") or "").lower(), user["LoginName"].lower()) and not user.get("Removed"):
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
        if name in ("views", "getitems"):  # views, and items through a CAML query: sp_emulator/views.py
            return ("get_items", self.server.views.get_items_handler(lid)) if name == "getitems" else (
                "views", self.server.views.route(lid, seg, rest, req))
        if name == "rootfolder":
            root = self.site.store.lists[lid]["RootFolderUrl"]
            if self.site.store.lists[lid]["BaseType"] == 0 and not rest:  # a list's root folder: its URL
                folder = {"__metadata": {"type": "SP.Folder"}, "Name": root.rsplit("/", 1)[-1], "ServerRelativeUrl": root}
                return "lists", lambda r: ok(select_props(folder, r.params))
            return self.server.files.route_folder(root, rest, req)
        if name in ("currentchangetoken", "getchangetoken"):
            return "lists", lambda r: ok(
                {"CurrentChangeToken": self._token(lid)} if name.startswith("current") else self._token(lid)
            )
        if name == "parentweb":
            return "web", lambda r: ok(self.web_entity())
        if name == "addvalidateupdateitemusingpath":
            return "create_item", lambda r: self.add_using_path(r, lid)
        secured = self.server.perms.route_securable(list_scope(lid), seg, rest, req)
        if secured is not None:
            return "permissions", secured
        entity = self.list_entity(lid)
        key = next((k for k in entity if k.lower() == name), None)
        if key is not None and not rest:
            return "lists", lambda r: ok({key: entity[key]})
        raise errors.not_supported(req.path)

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
        if req.method == "DELETE" or (rest and rest[-1].name == "deleteobject"):

            def delete(r: Req) -> Resp:
                site.delete_field(lid, name)
                return Resp(200)

            return delete
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
            self.site.delete_list(lid)  # for good, with its items (recycle() would keep them restorable)
            return Resp(200)
        return ok(select_props(self.list_entity(lid), req.params))
