"""CAML queries as SharePoint applies them when items are read through a view or ``GetItems``.

Supported (Microsoft Learn, "Query schema"): ``<Where>`` with Eq, Neq, Lt, Leq, Gt, Geq, IsNull, IsNotNull,
In, Contains, BeginsWith, And, Or (And/Or take exactly two children); ``<FieldRef LookupId="TRUE"/>``
compares a person or lookup by id, otherwise by its display text; ``<Value>`` with ``<UserID/>`` (the
request's user) and ``<Today OffsetDays="n"/>``; ``<OrderBy>``; ``<GroupBy>`` (rows come grouped: sorted by
the group columns first); ``<RowLimit>``. Text compares case-insensitively, as SQL Server's collation does.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .errors import SPError, bad_request, throttled_query

if TYPE_CHECKING:
    from .site import Site

__all__ = ["CamlQuery", "parse_view_xml", "parse_query", "run_query"]

_COMPARE = {"eq", "neq", "lt", "leq", "gt", "geq", "contains", "beginswith"}
_INVALID_FIELD = SPError(  # the text SharePoint gives for a FieldRef it does not know (0x81020014)
    400, "-2130575340, Microsoft.SharePoint.SPException",
    "One or more field types are not installed properly. Go to the list settings page to delete these fields.",
)


def _bad(message: str) -> SPError:
    return bad_request(message, "-2147024809, System.ArgumentException")


@dataclass
class CamlQuery:
    where: ET.Element | None = None
    order_by: list[tuple[str, bool]] = field(default_factory=list)
    group_by: list[str] = field(default_factory=list)
    row_limit: int | None = None


def _parse(text: str) -> ET.Element:
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        raise _bad(f"Invalid CAML: {exc}") from exc


def parse_query(query_inner: str, row_limit: int | None = None) -> CamlQuery:
    """A view's ``ViewQuery`` (the children of ``<Query>``)."""
    return _from_query(_parse(f"<Query>{query_inner or ''}</Query>"), row_limit)


def parse_view_xml(view_xml: str) -> CamlQuery:
    """``SP.CamlQuery.ViewXml``: ``<View><Query>...</Query><RowLimit>n</RowLimit></View>``."""
    root = _parse(view_xml or "<View/>")
    if root.tag.lower() != "view":
        raise _bad("ViewXml must be a <View> element.")
    query = next((c for c in root if c.tag.lower() == "query"), None)
    limit = next((c for c in root if c.tag.lower() == "rowlimit"), None)
    row_limit = int(limit.text) if limit is not None and (limit.text or "").strip().isdigit() else None
    return _from_query(query if query is not None else ET.Element("Query"), row_limit)


def _refs(node: ET.Element) -> list[ET.Element]:
    return [c for c in node if c.tag.lower() == "fieldref"]


def _from_query(query: ET.Element, row_limit: int | None) -> CamlQuery:
    out = CamlQuery(row_limit=row_limit)
    for child in query:
        tag = child.tag.lower()
        if tag == "where":
            conditions = list(child)
            if len(conditions) != 1:
                raise _bad("<Where> must hold exactly one condition.")
            out.where = conditions[0]
        elif tag == "orderby":
            out.order_by = [(r.get("Name", ""), r.get("Ascending", "TRUE").upper() != "FALSE") for r in _refs(child)]
        elif tag == "groupby":
            out.group_by = [r.get("Name", "") for r in _refs(child)]
        else:
            raise _bad(f"Unknown element <{child.tag}> in <Query>.")
    return out


class _Evaluator:
    def __init__(self, site: Site, lst: dict[str, Any], user_id: int) -> None:
        self.site = site
        self.fields = site.fields(lst["Id"])
        self.user_id = user_id
        self.today = site.clock().date()

    def field(self, name: str) -> dict[str, Any]:
        found = self.fields.get(name)
        if found is None:
            if name in ("ID", "Id"):
                return {"InternalName": "ID", "TypeAsString": "Counter"}
            raise _INVALID_FIELD
        return found

    def display(self, fdef: dict[str, Any], value: Any) -> Any:
        """A person's or lookup's display text (what an unqualified FieldRef compares and sorts by)."""
        kind = fdef["TypeAsString"]
        ids = value if isinstance(value, list) else [value] if value is not None else []
        if kind.startswith("User"):
            names = [self.site.store.users.get(int(i), {}).get("Title") for i in ids]
        elif kind.startswith("Lookup") and fdef.get("LookupList", "").startswith("{") and "UserInfo" not in fdef["LookupList"]:
            target = self.site.store.items.get(fdef["LookupList"].strip("{}").lower(), {})
            names = [target.get(int(i), {}).get("Title") for i in ids]
        else:
            return value
        return names if isinstance(value, list) else (names[0] if names else None)

    def item_value(self, ref: ET.Element, item: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        fdef = self.field(ref.get("Name", ""))
        value = item.get(fdef["InternalName"])
        if fdef["InternalName"] == "ID":
            value = item["ID"]
        if ref.get("LookupId", "").upper() != "TRUE":
            value = self.display(fdef, value)
        return fdef, value

    def literal(self, node: ET.Element, fdef: dict[str, Any]) -> Any:
        special = next(iter(node), None)
        if special is not None and special.tag.lower() == "userid":
            return self.user_id
        if special is not None and special.tag.lower() == "today":
            return self.today + timedelta(days=int(special.get("OffsetDays", "0") or 0))
        text = node.text or ""
        kind = node.get("Type", "Text").lower()
        if kind in ("integer", "counter", "lookup", "user") and text.strip().lstrip("-").isdigit():
            return int(text)
        if kind in ("number", "currency"):
            try:
                return float(text)
            except ValueError as exc:
                raise _bad(f"Invalid number {text!r} in CAML.") from exc
        if kind == "boolean":
            return text.strip() in ("1", "true", "TRUE", "True")
        if kind == "datetime" or fdef["TypeAsString"] == "DateTime":
            return _as_date(text)
        return text

    def matches(self, node: ET.Element, item: dict[str, Any]) -> bool:
        tag = node.tag.lower()
        children = list(node)
        if tag in ("and", "or"):
            if len(children) != 2:
                raise _bad(f"<{node.tag}> must have exactly two child conditions.")
            left, right = (self.matches(c, item) for c in children)
            return (left and right) if tag == "and" else (left or right)
        refs = _refs(node)
        if len(refs) != 1:
            raise _bad(f"<{node.tag}> needs one <FieldRef>.")
        fdef, value = self.item_value(refs[0], item)
        if tag in ("isnull", "isnotnull"):
            empty = value is None or value == "" or value == []
            return empty if tag == "isnull" else not empty
        if tag == "in":
            holder = next((c for c in children if c.tag.lower() == "values"), None)
            wanted = [self.literal(v, fdef) for v in (holder if holder is not None else [])]
            return any(_compare("eq", value, w) for w in wanted)
        if tag in _COMPARE:
            literal = next((c for c in children if c.tag.lower() == "value"), None)
            if literal is None:
                raise _bad(f"<{node.tag}> needs a <Value>.")
            return _compare(tag, value, self.literal(literal, fdef))
        raise _bad(f"Unknown CAML element <{node.tag}>.")

    def sort_key(self, name: str, ascending: bool) -> Callable[[dict[str, Any]], Any]:
        fdef = self.field(name)

        def key(item: dict[str, Any]) -> Any:
            value = item["ID"] if fdef["InternalName"] == "ID" else self.display(fdef, item.get(fdef["InternalName"]))
            value = _normal(value)
            return (value is not None, value if value is not None else 0)

        return key


def _as_date(text: str) -> date | str:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).date()
    except ValueError:
        return text


def _normal(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_normal(v) for v in value)
    if isinstance(value, str):
        as_date = _as_date(value) if len(value) >= 10 and value[4:5] == "-" else value
        return as_date if isinstance(as_date, date) else value.casefold()
    if isinstance(value, bool):
        return int(value)
    return value


def _compare(op: str, value: Any, literal: Any) -> bool:
    if isinstance(value, list):  # multi-value columns: a condition holds when it holds for one value
        return any(_compare(op, v, literal) for v in value) if op != "neq" else all(_compare(op, v, literal) for v in value)
    if value is None or value == "":
        return op == "neq"
    left, right = _normal(value), _normal(literal)
    if isinstance(left, date) and isinstance(right, str):
        right = _normal(_as_date(right))
    if op == "contains":
        return str(right) in str(left)
    if op == "beginswith":
        return str(left).startswith(str(right))
    try:
        return {
            "eq": left == right, "neq": left != right, "lt": left < right, "leq": left <= right,
            "gt": left > right, "geq": left >= right,
        }[op]
    except TypeError:
        return False


def run_query(site: Site, lst: dict[str, Any], query: CamlQuery, user_id: int) -> list[dict[str, Any]]:
    """The list's items that pass ``query``, grouped and ordered as SharePoint returns them."""
    ev = _Evaluator(site, lst, user_id)
    rows = list(site.store.items[lst["Id"]].values())
    big = len(rows) > site.list_view_threshold
    if query.where is not None:
        if big:
            for ref in query.where.iter():
                if ref.tag.lower() == "fieldref" and not ev.field(ref.get("Name", "")).get("Indexed"):
                    raise throttled_query()
        rows = [r for r in rows if ev.matches(query.where, r)]
    keys = [(name, True) for name in query.group_by] + query.order_by
    rows.sort(key=lambda r: r["ID"])
    for name, ascending in reversed(keys):
        rows.sort(key=ev.sort_key(name, ascending), reverse=not ascending)
    return rows[: query.row_limit] if query.row_limit else rows
