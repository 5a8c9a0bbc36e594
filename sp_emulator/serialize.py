"""List item reads: the verbose OData body of an item, with ``$select``/``$expand`` as SharePoint applies them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .folders import PATH_COLUMNS, path_value
from .items import prop_name

if TYPE_CHECKING:
    from .site import Site

__all__ = ["serialize_item"]


def _user_entity(site: Site, uid: int, base: str, subselect: set[str] | None) -> dict[str, Any]:
    user = site.store.users.get(uid) or {"Id": uid, "Title": "", "Email": "", "LoginName": ""}
    full = {
        "Id": uid,
        "ID": uid,
        "Title": user["Title"],
        "EMail": user.get("Email") or "",
        "Name": user["LoginName"],
        "UserName": user.get("UserPrincipalName") or "",
        "JobTitle": None,
    }
    body: dict[str, Any] = {"__metadata": {"id": f"{base}/Users({uid})", "type": "SP.Data.UserInfoItem"}}
    body.update({k: v for k, v in full.items() if subselect is None or k.lower() in subselect})
    return body


def _lookup_entity(site: Site, field: dict[str, Any], item_id: int, subselect: set[str] | None) -> dict[str, Any]:
    target_id = field.get("LookupList", "").strip("{}").lower()
    target = site.store.items.get(target_id, {}).get(item_id, {})
    lst = site.store.lists.get(target_id, {})
    full = {"Id": item_id, "ID": item_id}
    for name, value in target.items():
        if not name.startswith("_") and not isinstance(value, (dict, list)):
            full[name] = value
    body: dict[str, Any] = {
        "__metadata": {"id": str(item_id), "type": lst.get("ListItemEntityTypeFullName", "SP.ListItem")}
    }
    body.update({k: v for k, v in full.items() if subselect is None or k.lower() in subselect})
    return body


def serialize_item(
    site: Site, base_url: str, lst: dict[str, Any], item: dict[str, Any], select: list[str] | None, expand: set[str]
) -> dict[str, Any]:
    list_path = f"Web/Lists(guid'{lst['Id']}')"
    uri = f"{base_url}/_api/{list_path}/Items({item['ID']})"
    out: dict[str, Any] = {
        "__metadata": {
            "id": f"{list_path}/Items({item['ID']})",
            "uri": uri,
            "etag": f'"{item["_version"]}"',
            "type": lst["ListItemEntityTypeFullName"],
        }
    }
    sel = None if not select or "*" in select else {s.lower() for s in select}
    subsel: dict[str, set[str]] = {}
    for s in select or []:
        if "/" in s:
            head, tail = s.split("/", 1)
            subsel.setdefault(head.lower(), set()).add(tail.lower())

    def want(name: str) -> bool:
        return sel is None or name.lower() in sel

    content_type = item.get("ContentTypeId") or "0x0100"  # plain "Item"; folders "0x0120"
    full: dict[str, Any] = {"FileSystemObjectType": int(item.get("FSObjType") or 0), "Id": item["ID"],
                            "ContentTypeId": content_type}
    for name, field in site.fields(lst["Id"]).items():
        kind = field["TypeAsString"]
        value = item.get(name)
        prop = prop_name(name)
        if name == "_UIVersionString":
            value = f"{item['_version']}.0"
        elif name == "ContentTypeId":
            value = content_type
        if kind in ("User", "UserMulti", "Lookup", "LookupMulti") and name not in ("FileRef", "FileDirRef"):
            multi = kind.endswith("Multi")
            ids: Any = (value or []) if multi else value
            if multi:
                full[prop + "Id"] = {"__metadata": {"type": "Collection(Edm.Int32)"}, "results": list(ids)}
            else:
                full[prop + "Id"] = ids
            if kind.startswith("User"):
                full[prop + "StringId"] = (
                    {"__metadata": {"type": "Collection(Edm.String)"}, "results": [str(i) for i in ids]}
                    if multi
                    else (None if ids is None else str(ids))
                )
            if name.lower() in expand or prop.lower() in expand:
                sub = subsel.get(prop.lower()) or subsel.get(name.lower())
                make = (
                    (lambda i, sub=sub: _user_entity(site, i, f"{base_url}/_api/Web", sub))
                    if kind.startswith("User")
                    else (lambda i, f=field, sub=sub: _lookup_entity(site, f, i, sub))
                )
                if multi:
                    full[prop] = {"results": [make(i) for i in ids]}
                else:
                    full[prop] = make(ids) if ids is not None else None
                if sel is not None:
                    sel.add(prop.lower())
            else:
                full[prop] = {"__deferred": {"uri": f"{uri}/{prop}"}}
        elif kind == "MultiChoice":
            full[prop] = {"__metadata": {"type": "Collection(Edm.String)"}, "results": list(value or [])}
        elif kind == "URL" and value is not None:
            full[prop] = {"__metadata": {"type": "SP.FieldUrlValue"}, **value}
        else:
            full[prop] = value
    full["ID"] = item["ID"]
    if lst["BaseType"] == 0 and sel is not None:  # list path columns, only when asked for (as SharePoint)
        for low, column in PATH_COLUMNS.items():
            if low in sel:
                full[column] = path_value(site, lst, item, column)
    if sel is None:
        out.update(full)
    else:
        for key, value in full.items():
            if want(key):
                out[key] = value
    return out
