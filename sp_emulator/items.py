"""List items: validating writes against field definitions, OData serialisation, `$filter`/`$orderby`/paging."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from . import errors
from .errors import SPError, bad_request
from .odata_query import FilterError, evaluate, filter_fields, normalize_datetime, parse_filter, parse_orderby

if TYPE_CHECKING:
    from .site import Site

__all__ = ["coerce_payload", "serialize_item", "query_items", "prop_name"]

_INVALID_VALUE = "-2146232832, Microsoft.SharePoint.SPFieldValidationException"


def prop_name(internal: str) -> str:
    """OData property names cannot start with '_': SharePoint prefixes them with `OData_`."""
    return "OData_" + internal if internal.startswith("_") else internal


def _results(value: Any) -> list[Any]:
    if isinstance(value, dict):
        value = value.get("results", [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request(
            "A collection value was expected.", "-1, Microsoft.SharePoint.Client.InvalidClientQueryException"
        )
    return value


def _bad_value(field: dict[str, Any], value: Any) -> SPError:
    return bad_request(f"Invalid value '{value}' for field '{field['Title']}'.", _INVALID_VALUE)


def _coerce(site: Site, field: dict[str, Any], value: Any) -> Any:
    kind = field["TypeAsString"]
    if value is None:
        return [] if kind in ("MultiChoice", "UserMulti", "LookupMulti") else None
    if kind in ("Text", "Note", "Choice", "File"):
        if not isinstance(value, (str, int, float)):
            raise _bad_value(field, value)
        text = str(value)
        if kind == "Text" and len(text) > 255:
            raise bad_request("The value exceeds the maximum length of 255 characters.", _INVALID_VALUE)
        return text
    if kind == "MultiChoice":
        return [str(v) for v in _results(value)]
    if kind in ("Number", "Currency", "Integer"):
        try:
            number = float(value) if not isinstance(value, (int, float)) or isinstance(value, bool) else value
        except (TypeError, ValueError) as exc:
            raise _bad_value(field, value) from exc
        return int(number) if kind == "Integer" or (float(number).is_integer() and isinstance(value, int)) else number
    if kind == "Boolean":
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)
    if kind == "DateTime":
        try:
            return normalize_datetime(str(value))
        except FilterError as exc:
            raise _bad_value(field, value) from exc
    if kind in ("User", "UserMulti"):
        ids = _results(value) if kind == "UserMulti" else [value]
        for uid in ids:
            user = site.store.users.get(int(uid)) if str(uid).lstrip("-").isdigit() else None
            if user is None or user.get("Departed"):
                raise bad_request(
                    "The user does not exist or is not unique.", "-2146232832, Microsoft.SharePoint.SPException"
                )
        return [int(u) for u in ids] if kind == "UserMulti" else int(value)
    if kind in ("Lookup", "LookupMulti"):
        ids = _results(value) if kind == "LookupMulti" else [value]
        if not all(str(i).lstrip("-").isdigit() for i in ids):
            raise _bad_value(field, value)
        return [int(i) for i in ids] if kind == "LookupMulti" else int(value)
    if kind == "URL":
        if isinstance(value, dict):
            return {"Url": value.get("Url"), "Description": value.get("Description", value.get("Url"))}
        return {"Url": str(value), "Description": str(value)}
    return value


def coerce_payload(site: Site, lst: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """Map an OData body onto stored values, rejecting what SharePoint would reject."""
    fields = site.fields(lst["Id"])
    by_prop = {prop_name(name).lower(): f for name, f in fields.items()}
    out: dict[str, Any] = {}
    for key, value in payload.items():
        if key == "__metadata":
            wanted = (value or {}).get("type")
            if wanted and wanted != lst["ListItemEntityTypeFullName"]:
                raise bad_request(
                    f"A type named '{wanted}' could not be resolved by the model. When a model is "
                    "available, each type name must resolve to a valid type."
                )
            continue
        low = key.lower()
        field = by_prop.get(low)
        if field is None and low.endswith("stringid"):
            continue  # SharePoint accepts and ignores the string mirror of a person field
        if field is None and low.endswith("id"):
            base = by_prop.get(low[:-2])
            if base is not None and base["TypeAsString"] in ("User", "UserMulti", "Lookup", "LookupMulti"):
                field = base
        elif field is not None and field["TypeAsString"] in ("User", "UserMulti", "Lookup", "LookupMulti"):
            # Writing the navigation property itself (`Author: 5`) is not allowed; only `<Name>Id`.
            raise bad_request(
                f"The property '{key}' does not exist on type '{lst['ListItemEntityTypeFullName']}'. "
                "Make sure to only use property names that are defined by the type."
            )
        if field is None or key in ("ID", "Id"):
            raise bad_request(
                f"The property '{key}' does not exist on type '{lst['ListItemEntityTypeFullName']}'. "
                "Make sure to only use property names that are defined by the type."
            )
        if field["ReadOnlyField"] and field["InternalName"] not in ("FileLeafRef",):
            continue  # read-only columns are silently ignored (Created/Modified/Author/Editor via REST)
        out[field["InternalName"]] = _coerce(site, field, value)
    return out


# -- reading --------------------------------------------------------------------------------------------
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

    full: dict[str, Any] = {"FileSystemObjectType": 0, "Id": item["ID"], "ContentTypeId": "0x0100"}
    for name, field in site.fields(lst["Id"]).items():
        kind = field["TypeAsString"]
        value = item.get(name)
        prop = prop_name(name)
        if name == "_UIVersionString":
            value = f"{item['_version']}.0"
        elif name == "ContentTypeId":
            value = "0x0100"  # plain "Item" content type
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
    if sel is None:
        out.update(full)
    else:
        for key, value in full.items():
            if want(key):
                out[key] = value
    return out


def _resolver(site: Site, lst: dict[str, Any], item: dict[str, Any]) -> Callable[[str], Any]:
    fields = site.fields(lst["Id"])
    lower = {prop_name(n).lower(): n for n in fields}

    def resolve(name: str) -> Any:
        low = name.lower()
        if low == "id":
            return item["ID"]
        sub = None
        if "/" in low:
            low, sub = low.split("/", 1)
        internal = lower.get(low)
        if internal is None and low.endswith("id") and sub is None:
            internal, sub = lower.get(low[:-2]), "id"
        if internal is None:
            raise bad_request(
                f"Column '{name}' does not exist. It may have been deleted by another user.",
                "-2147024809, System.ArgumentException",
            )
        value = item.get(internal)
        kind = fields[internal]["TypeAsString"]
        if kind.startswith("User") and sub not in (None, "id"):
            users = [
                site.store.users.get(u, {}) for u in (value if isinstance(value, list) else [value] if value else [])
            ]
            key = {"title": "Title", "email": "Email", "name": "LoginName"}.get(sub, "Title")
            vals = [u.get(key) for u in users]
            return vals if isinstance(value, list) else (vals[0] if vals else None)
        if kind.startswith("Lookup") and sub not in (None, "id") and internal not in ("FileRef", "FileDirRef"):
            target = site.store.items.get(fields[internal].get("LookupList", "").strip("{}").lower(), {})
            ids = value if isinstance(value, list) else [value] if value else []
            vals = [target.get(i, {}).get(sub.capitalize() if sub == "title" else sub) for i in ids]
            return vals if isinstance(value, list) else (vals[0] if vals else None)
        return value

    return resolve


def _check_threshold(site: Site, lst: dict[str, Any], names: set[str]) -> None:
    if len(site.store.items[lst["Id"]]) <= site.list_view_threshold:
        return
    fields = site.fields(lst["Id"])
    lower = {prop_name(n).lower(): f for n, f in fields.items()}
    for name in names:
        low = name.lower().split("/")[0]
        field = lower.get(low) or (lower.get(low[:-2]) if low.endswith("id") else None)
        if low in ("id",) or (field is not None and field["Indexed"]):
            continue
        raise errors.throttled_query()


def _id_disjunction(node: Any) -> set[int] | None:
    """The ids of a filter that is only ``Id eq N`` terms joined by ``or``; otherwise None."""
    if node[0] == "or":
        left, right = _id_disjunction(node[1]), _id_disjunction(node[2])
        return None if left is None or right is None else left | right
    is_id_term = node[0] == "cmp" and node[1] == "eq" and node[2][0] == "field" and node[2][1].lower() == "id"
    if is_id_term and node[3][0] == "lit" and isinstance(node[3][1], int):
        return {node[3][1]}
    return None


def query_items(
    site: Site, lst: dict[str, Any], params: dict[str, str], page_size_max: int, honor_skip: bool = True
) -> tuple[list[dict[str, Any]], str | None]:
    """Rows for one page and the `$skiptoken` value of the next page (None on the last page)."""
    rows = list(site.store.items[lst["Id"]].values())
    order = parse_orderby(params.get("$orderby", "") or "")
    try:
        node = parse_filter(params["$filter"]) if params.get("$filter") else None
        _check_threshold(site, lst, (filter_fields(node) if node else set()) | {k for k, _ in order})
        ids = _id_disjunction(node) if node is not None else None
        if ids is not None:  # "Id eq 1 or Id eq 2 ...": served from the ID index, as SharePoint does
            by_id = site.store.items[lst["Id"]]
            rows = [by_id[i] for i in sorted(ids) if i in by_id]
        elif node is not None:
            rows = [r for r in rows if evaluate(node, _resolver(site, lst, r))]
        for key, desc in reversed(order):
            if key.lower() == "id":
                rows.sort(key=lambda r: r["ID"], reverse=desc)
                continue
            values = [(_resolver(site, lst, r)(key), r) for r in rows]
            values.sort(
                key=lambda pair: (pair[0] is not None, pair[0] if pair[0] is not None else 0, pair[1]["ID"]),
                reverse=desc,
            )
            rows = [r for _, r in values]
    except FilterError as exc:
        raise bad_request(f'The expression "{params.get("$filter")}" is not valid. {exc}') from exc
    except TypeError as exc:
        raise bad_request(f"Cannot compare values: {exc}") from exc
    token = params.get("$skiptoken")
    if token:
        marker = dict(parse_qsl(token))
        last_id = int(marker.get("p_ID", "0") or 0)
        position = next((i for i, r in enumerate(rows) if r["ID"] == last_id), None)
        if position is not None:
            rows = rows[position + 1 :]
        else:
            desc = bool(order and order[0][0].lower() == "id" and order[0][1])
            rows = [r for r in rows if (r["ID"] < last_id if desc else r["ID"] > last_id)]
    if honor_skip and params.get("$skip", "").isdigit():
        rows = rows[int(params["$skip"]) :]
    top = params.get("$top")
    size = min(int(top), page_size_max) if top and top.isdigit() else 100
    page = rows[:size]
    next_token = f"Paged=TRUE&p_ID={page[-1]['ID']}" if len(rows) > size and page else None
    return page, next_token
