"""List views over REST: stored per list, served as ``SP.View``, and applied when items are read through one.

Routes (Microsoft Learn, "Working with lists and list items with REST" and the ``SP.View`` /
``SP.ViewCollection`` / ``SP.ViewFieldCollection`` REST reference):

- ``lists(..)/views`` GET (``$select``, ``$expand=ViewFields``); ``views/add`` POST with
  ``{"parameters": SP.ViewCreationInformation}``; ``views/getbytitle('T')``, ``views/getbyid('G')``,
  ``views('G')``, ``views(guid'G')``: GET, MERGE/PATCH (Title, ViewQuery, RowLimit, DefaultView, Paged,
  Hidden), DELETE;
- ``.../viewfields`` GET (``Items``, ``SchemaXml``), ``addviewfield('F')``, ``removeviewfield('F')``,
  ``removeallviewfields``, ``moveviewfieldto`` (``{field, index}``);
- ``lists(..)/getitems`` POST ``{"query": SP.CamlQuery}``: the items its ``ViewXml`` selects, with
  ``<UserID/>`` read as the user of the request's bearer token. office365's ``View.get_items()`` sends
  the view's ``ViewQuery`` this way.

A list's first read of its views creates SharePoint's own default view "All Items" (the title
SharePoint gives it in an English site), showing the title and the columns added since.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

from .caml import parse_query, parse_view_xml, run_query
from .errors import SPError, bad_request
from .serialize import serialize_item
from .wire import Handler, Req, Resp, ok, select_props

if TYPE_CHECKING:
    from .server import EmulatorServer
    from .urlpath import Segment

__all__ = ["Views"]

_SCHEMA = "CREATE TABLE IF NOT EXISTS views (id TEXT PRIMARY KEY, list_id TEXT NOT NULL, data TEXT NOT NULL)"
_COMPUTED = {"LinkTitle", "LinkTitleNoMenu", "DocIcon", "LinkFilename", "LinkFilenameNoMenu", "Edit", "SelectTitle"}
_UPDATABLE = ("Title", "ViewQuery", "RowLimit", "DefaultView", "Paged", "Hidden", "JSLink", "Scope")


def _invalid_view() -> SPError:
    # Unverified: the status and text for a view title or id the list does not have.
    return SPError(404, "-2147024809, System.ArgumentException", "The specified view is invalid.")


class Views:
    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.site = server.site
        store = self.site.store
        with store.lock:
            store.db.execute(_SCHEMA)
            self._views: dict[str, dict[str, Any]] = {
                row[0]: json.loads(row[1]) for row in store.db.execute("SELECT id, data FROM views ORDER BY rowid")
            }

    # -- storage ---------------------------------------------------------------------------------------
    def _put(self, view: dict[str, Any]) -> None:
        store = self.site.store
        with store.lock:
            self._views[view["Id"]] = view
            store.db.execute("INSERT OR REPLACE INTO views (id, list_id, data) VALUES (?, ?, ?)",
                             (view["Id"], view["ListId"], json.dumps(view)))

    def _delete(self, view_id: str) -> None:
        store = self.site.store
        with store.lock:
            self._views.pop(view_id, None)
            store.db.execute("DELETE FROM views WHERE id = ?", (view_id,))

    def of_list(self, lid: str) -> list[dict[str, Any]]:
        """The list's views, "All Items" created on first use."""
        with self.site.store.lock:
            self._ensure_default(lid)
            return [v for v in self._views.values() if v["ListId"] == lid]

    def _ensure_default(self, lid: str) -> None:
        if lid not in self.site.store.lists or any(v["ListId"] == lid for v in self._views.values()):
            return
        fields = [n for n, f in self.site.fields(lid).items() if not f.get("FromBaseType") and not f.get("Hidden")]
        library = self.site.store.lists[lid]["BaseTemplate"] == 101
        first = ["DocIcon", "LinkFilename"] if library else ["LinkTitle"]
        self._new(lid, {"Title": "All Items", "ViewFields": first + fields, "RowLimit": 30, "SetAsDefaultView": True})

    def find(self, lid: str, *, title: str | None = None, view_id: str | None = None) -> dict[str, Any]:
        for view in self.of_list(lid):
            if (title is not None and view["Title"].lower() == title.lower()) or (
                    view_id is not None and view["Id"] == view_id.strip("{}").lower()):
                return view
        raise _invalid_view()

    def create(self, lid: str, info: dict[str, Any]) -> dict[str, Any]:
        with self.site.store.lock:
            self._ensure_default(lid)
            # Two views may share a title (office365's ViewCollection.get_by_title: "the server determines
            # which one to return"); each gets its own page URL.
            return self._new(lid, info)

    def _new(self, lid: str, info: dict[str, Any]) -> dict[str, Any]:
        title = str(info.get("Title") or "").strip()
        if not title:
            raise bad_request("The view title cannot be empty.", "-2147024809, System.ArgumentException")
        existing = [v for v in self._views.values() if v["ListId"] == lid]
        fields = info.get("ViewFields") or []
        if isinstance(fields, dict):
            fields = fields.get("results", [])
        root = self.site.store.lists[lid]["RootFolderUrl"]
        leaf = re.sub(r"[^A-Za-z0-9]", "", title) or "View"
        taken = {v["ServerRelativeUrl"].rsplit("/", 1)[-1].lower() for v in existing}
        base, n = leaf, 1
        while f"{leaf}.aspx".lower() in taken:
            n += 1
            leaf = f"{base}{n}"
        view = {
            "Id": str(uuid.uuid4()), "ListId": lid, "Title": title, "ViewQuery": str(info.get("Query") or ""),
            "RowLimit": int(info.get("RowLimit") or 30), "Paged": bool(info.get("Paged", True)),
            "DefaultView": bool(info.get("SetAsDefaultView")) or not existing, "Hidden": False,
            "PersonalView": bool(info.get("PersonalView")), "ViewType": "HTML", "BaseViewId": "1",
            "ServerRelativeUrl": f"{root}/{leaf}.aspx" if root.count("/") > 3 else f"{root}/Forms/{leaf}.aspx",
            "Fields": [],
        }
        for name in fields:
            self._check_field(lid, str(name))
            view["Fields"].append(self._field_name(lid, str(name)))
        if view["DefaultView"]:
            self._clear_default(lid)
        self.parse(view["ViewQuery"])
        self._put(view)
        return view

    def _clear_default(self, lid: str) -> None:
        for other in [v for v in self._views.values() if v["ListId"] == lid and v["DefaultView"]]:
            self._put(dict(other, DefaultView=False))

    def _field_name(self, lid: str, name: str) -> str:
        if name in _COMPUTED:
            return name
        return str(self.site.find_field(lid, name)["InternalName"])

    def _check_field(self, lid: str, name: str) -> None:
        if name not in _COMPUTED:
            self.site.find_field(lid, name)  # "Column 'X' does not exist ..." as for any unknown column

    @staticmethod
    def parse(view_query: str) -> None:
        parse_query(view_query)  # a malformed query is refused when it is written, not when it is read

    # -- entities --------------------------------------------------------------------------------------
    def entity(self, view: dict[str, Any], expand: set[str]) -> dict[str, Any]:
        base = self.server.url
        uri = f"{base}/_api/Web/Lists(guid'{view['ListId']}')/Views(guid'{view['Id']}')"
        out: dict[str, Any] = {"__metadata": {"id": uri, "uri": uri, "type": "SP.View"}}
        out.update({k: v for k, v in view.items() if k not in ("Fields", "ListId")})
        out["ViewFields"] = self.fields_entity(view) if "viewfields" in expand else {"__deferred": {"uri": f"{uri}/ViewFields"}}
        return out

    def fields_entity(self, view: dict[str, Any]) -> dict[str, Any]:
        refs = "".join(f"<FieldRef Name={quoteattr(name)} />" for name in view["Fields"])
        return {
            "__metadata": {"type": "SP.ViewFieldCollection"},
            "Items": {"__metadata": {"type": "Collection(Edm.String)"}, "results": list(view["Fields"])},
            "SchemaXml": f"<FieldRefs>{refs}</FieldRefs>",
        }

    # -- routing ---------------------------------------------------------------------------------------
    def route(self, lid: str, seg: Segment, rest: list[Segment], req: Req) -> Handler:
        if seg.has_parens:
            return self._view_route(lid, lambda: self.find(lid, view_id=str(seg.arg)), rest, req)
        if rest:
            op = rest[0]
            if op.name == "add":
                return lambda r: ok(self.entity(self.create(lid, dict(r.json().get("parameters") or {})), set()))
            if op.name == "getbytitle":
                return self._view_route(lid, lambda: self.find(lid, title=str(op.arg)), rest[1:], req)
            if op.name == "getbyid":
                return self._view_route(lid, lambda: self.find(lid, view_id=str(op.arg)), rest[1:], req)
            raise bad_request(f"Unknown operation {op.raw} on views.")
        return lambda r: ok({"results": [select_props(self.entity(v, _expand(r)), r.params) for v in self.of_list(lid)]})

    def _view_route(self, lid: str, find: Any, rest: list[Segment], req: Req) -> Handler:
        if rest and rest[0].name == "viewfields":
            return self._fields_route(lid, find, rest[1:])
        if req.method == "DELETE" or (len(rest) == 1 and rest[0].name == "deleteobject"):
            return lambda r: self._remove(find())
        if rest:
            raise bad_request(f"Unknown operation {rest[0].raw} on a view.")
        if req.method in ("MERGE", "PATCH"):
            return lambda r: self._update(lid, find(), r.json())
        return lambda r: ok(select_props(self.entity(find(), _expand(r)), r.params))

    def _fields_route(self, lid: str, find: Any, rest: list[Segment]) -> Handler:
        if not rest:
            return lambda r: ok(self.fields_entity(find()))
        op = rest[0]

        def change(r: Req) -> Resp:
            view = dict(find())
            fields = list(view["Fields"])
            if op.name == "addviewfield":
                name = self._field_name(lid, str(op.arg))
                if name not in fields:  # adding a field the view shows already changes nothing
                    fields.append(name)
            elif op.name == "removeviewfield":
                name = self._field_name(lid, str(op.arg))
                fields = [f for f in fields if f != name]
            elif op.name == "removeallviewfields":
                fields = []
            elif op.name == "moveviewfieldto":
                body = r.json()
                name = self._field_name(lid, str(body.get("field")))
                if name not in fields:
                    raise bad_request(f"The view has no field {name}.", "-2147024809, System.ArgumentException")
                fields.remove(name)
                fields.insert(int(body.get("index", 0)), name)
            else:
                raise bad_request(f"Unknown operation {op.raw} on view fields.")
            view["Fields"] = fields
            self._put(view)
            return ok({})

        return change

    def _update(self, lid: str, view: dict[str, Any], changes: dict[str, Any]) -> Resp:
        view = dict(view)
        for key in _UPDATABLE:
            if key in changes:
                view[key] = changes[key]
        if "ViewQuery" in changes:
            self.parse(str(changes["ViewQuery"] or ""))
        if changes.get("DefaultView"):
            self._clear_default(lid)
            view["DefaultView"] = True
        self._put(view)
        return Resp(204)

    def _remove(self, view: dict[str, Any]) -> Resp:
        if view["DefaultView"]:  # SharePoint keeps a list's default view (unverified: text and status)
            raise SPError(500, "-2130575305, Microsoft.SharePoint.SPException", "You cannot delete the default view of a list.")
        self._delete(view["Id"])
        return Resp(200)

    # -- items through a query -------------------------------------------------------------------------
    def get_items_handler(self, lid: str) -> Handler:
        return lambda r: self.get_items(r, lid)

    def get_items(self, req: Req, lid: str) -> Resp:
        query = (req.json().get("query") or {}) if req.body else {}
        caml = parse_view_xml(str(query.get("ViewXml") or "<View/>"))
        lst = self.site.store.lists[lid]
        with self.site.store.lock:
            rows = run_query(self.site, lst, caml, self.server.editor_for(req))
            results = [serialize_item(self.site, self.server.url, lst, r, None, set()) for r in rows]
        return ok({"results": results})


def _expand(req: Req) -> set[str]:
    return {e.strip().lower() for e in req.params.get("$expand", "").split(",") if e.strip()}
