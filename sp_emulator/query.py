"""List item queries: ``$filter``/``$orderby``/``$select`` checks, the list view threshold, ``$top`` and paging."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from . import errors
from .errors import bad_request
from .folders import PATH_COLUMNS, path_value
from .items import prop_name
from .odata_query import FilterError, evaluate, filter_fields, parse_filter, parse_orderby

if TYPE_CHECKING:
    from .site import Site

__all__ = ["query_items", "check_select"]


def _resolver(site: Site, lst: dict[str, Any], item: dict[str, Any]) -> Callable[[str], Any]:
    fields = site.fields(lst["Id"])
    lower = {prop_name(n).lower(): n for n in fields}

    def resolve(name: str) -> Any:
        low = name.lower()
        if low == "id":
            return item["ID"]
        if low in PATH_COLUMNS and lst["BaseType"] == 0:
            return path_value(site, lst, item, PATH_COLUMNS[low])
        sub = None
        if "/" in low:
            low, sub = low.split("/", 1)
        internal = lower.get(low)
        if internal is None and low.endswith("id") and sub is None:
            internal, sub = lower.get(low[:-2]), "id"
        if internal is None:
            raise _missing_in_query(site, name)
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


# SP.ListItem properties that are not columns but may be $select-ed (koltyakov/sp-metadata, SP.ListItem).
_ITEM_PROPERTIES = {
    "client_title", "commentsdisabled", "commentsdisabledscope", "complianceinfo", "displayname",
    "effectivebasepermissions", "effectivebasepermissionsforui", "filesystemobjecttype", "iconoverlay", "id",
    "serverredirectedembeduri", "serverredirectedembedurl", "attachmentfiles", "contenttype", "fieldvaluesashtml",
    "fieldvaluesastext", "fieldvaluesforedit", "file", "folder", "getdlppolicytip", "likedbyinformation",
    "parentlist", "properties", "versions",
}  # fmt: skip
_REFERENCE = ("User", "UserMulti", "Lookup", "LookupMulti")


def _known(site: Site, lst: dict[str, Any], name: str, *, selecting: bool) -> bool:
    fields = site.fields(lst["Id"])
    props = {prop_name(n).lower(): f for n, f in fields.items()}
    low = name.split("/")[0].strip().lower()
    if low in props or low == "id" or (selecting and low in _ITEM_PROPERTIES):
        return True
    if low in PATH_COLUMNS and lst["BaseType"] == 0:
        return True
    base = props.get(low[:-2]) if low.endswith("id") else None
    if base is not None and base["TypeAsString"] in _REFERENCE:
        return True
    base = props.get(low[:-8]) if low.endswith("stringid") else None
    return base is not None and base["TypeAsString"].startswith("User")


def check_select(site: Site, lst: dict[str, Any], select: list[str] | None) -> None:
    """A ``$select`` naming a property the item type lacks fails the whole read, as on SharePoint."""
    for name in select or []:
        if name and name != "*" and not _known(site, lst, name, selecting=True):
            raise errors.field_or_property_missing(name.split("/")[0].strip())


def _missing_in_query(site: Site, name: str) -> errors.SPError:
    head = name.split("/")[0]
    if site.fidelity.missing_field_in_filter == "field_or_property":
        return errors.field_or_property_missing(head)
    return errors.column_missing(name)


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
    site: Site, lst: dict[str, Any], params: dict[str, str], page_size_max: int, honor_skip: bool = False
) -> tuple[list[dict[str, Any]], str | None]:
    """Rows for one page and the `$skiptoken` value of the next page (None on the last page). SharePoint
    ignores `$skip` on list items (only `$skiptoken` pages them); `honor_skip` is the unfaithful opposite."""
    rows = list(site.store.items[lst["Id"]].values())
    top = params.get("$top")
    if top and top.isdigit() and int(top) > page_size_max and site.fidelity.top_above_limit == "refuse":
        # Refused, not capped (PnP-JS-Core #203); the status and the text are the emulator's own.
        raise bad_request(f"The $top value {top} exceeds the list view threshold of {page_size_max} items.")
    try:
        order = parse_orderby(params.get("$orderby", "") or "")
        node = parse_filter(params["$filter"]) if params.get("$filter") else None
        named = (filter_fields(node) if node else set()) | {k for k, _ in order}
        for name in sorted(named):
            if not _known(site, lst, name, selecting=False):
                raise _missing_in_query(site, name)
        _check_threshold(site, lst, named)
        ids = _id_disjunction(node) if node is not None else None
        if ids is not None:  # "Id eq 1 or Id eq 2 ...": served from the ID index, as SharePoint does
            by_id = site.store.items[lst["Id"]]
            rows = [by_id[i] for i in sorted(ids) if i in by_id]
        elif node is not None:
            rows = [r for r in rows if evaluate(node, _resolver(site, lst, r))]
            big = len(site.store.items[lst["Id"]]) > site.list_view_threshold
            if big and len(rows) > site.list_view_threshold and {n.lower() for n in named} - {"id"}:
                # An indexed filter that still matches more rows than the threshold fails the same way.
                raise errors.throttled_query()
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
    size = min(int(top), page_size_max) if top and top.isdigit() else 100
    page = rows[:size]
    more = len(rows) > size or (site.fidelity.next_link_on_full_last_page and len(rows) == size)
    next_token = f"Paged=TRUE&p_ID={page[-1]['ID']}" if more and page else None
    return page, next_token
