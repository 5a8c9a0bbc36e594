"""List views and column formatting over SharePoint's REST API.

- views: ``GET lists/getbytitle('..')/views?$expand=ViewFields``; ``POST views/add`` with an
  ``SP.ViewCreationInformation`` (Title, ViewFields, Query, RowLimit, Paged, SetAsDefaultView);
  ``MERGE views(guid'..')`` (ViewQuery, RowLimit, DefaultView) with ``IF-MATCH: *``;
  ``views(guid'..')/viewfields/removeallviewfields`` then ``addviewfield('<name>')`` per field, in order.
- column formatting: ``MERGE fields/getbyinternalnameortitle('..')`` with ``CustomFormatter`` (the JSON
  as a string), read back with ``fields?$select=InternalName,CustomFormatter``.

Sources: Microsoft Learn, "Working with lists and list items with REST" and the SP.View /
SP.ViewFieldCollection REST reference; "Use column formatting to customize SharePoint" (the
``CustomFormatter`` field property).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kksync.sharepoint.http import SiteHttp, list_path, quote_literal, results

__all__ = ["ListView", "SiteViews"]

_VIEW_PROPERTIES = ("Id", "Title", "ViewQuery", "RowLimit", "DefaultView", "Paged", "Hidden", "PersonalView", "ViewFields")
_HTML_VIEW = 1  # SP.ViewType.Html


@dataclass(frozen=True, slots=True)
class ListView:
    """A view as SharePoint holds it."""

    id: str
    title: str
    fields: tuple[str, ...]
    query: str
    row_limit: int
    default: bool
    personal: bool = False


def _fields_of(row: Mapping[str, Any]) -> tuple[str, ...]:
    holder = row.get("ViewFields")
    items = holder.get("Items") if isinstance(holder, dict) else None
    if isinstance(items, dict):  # verbose: {"__metadata": ..., "results": [...]}
        items = items.get("results")
    return tuple(str(name) for name in items) if isinstance(items, list) else ()


def _view(row: Mapping[str, Any]) -> ListView:
    return ListView(
        id=str(row.get("Id") or ""), title=str(row.get("Title") or ""), fields=_fields_of(row),
        query=str(row.get("ViewQuery") or ""), row_limit=int(row.get("RowLimit") or 0),
        default=bool(row.get("DefaultView")), personal=bool(row.get("PersonalView")),
    )


class SiteViews:
    """Views and column formatters of one site's lists."""

    def __init__(self, http: SiteHttp) -> None:
        self._http = http

    def _view_path(self, title: str, view_id: str) -> str:
        return f"{list_path(title)}/views(guid'{quote_literal(view_id)}')"

    def list_views(self, title: str) -> list[ListView]:
        """The list's public views with their fields (personal views are not the site's to manage)."""
        path = f"{list_path(title)}/views?$select={','.join(_VIEW_PROPERTIES)}&$expand=ViewFields"
        return [v for v in (_view(row) for row in results(self._http.get_json(path))) if not v.personal]

    def add_view(
        self, title: str, *, view_title: str, fields: Sequence[str], query: str, row_limit: int, default: bool
    ) -> ListView:
        info = {
            "__metadata": {"type": "SP.ViewCreationInformation"},
            "Title": view_title,
            "ViewFields": {"__metadata": {"type": "Collection(Edm.String)"}, "results": list(fields)},
            "Query": query,
            "RowLimit": row_limit,
            "Paged": True,
            "PersonalView": False,
            "SetAsDefaultView": default,
            "ViewTypeKind": _HTML_VIEW,
        }
        return _view(self._http.post_json(f"{list_path(title)}/views/add", {"parameters": info}))

    def update_view(self, title: str, view_id: str, changes: Mapping[str, Any]) -> None:
        body = {"__metadata": {"type": "SP.View"}, **changes}
        self._http.request("MERGE", self._view_path(title, view_id), body=body, headers={"IF-MATCH": "*"})

    def set_view_fields(self, title: str, view_id: str, fields: Sequence[str]) -> None:
        """Replace the view's fields by ``fields``, in that order."""
        base = f"{self._view_path(title, view_id)}/viewfields"
        self._http.request("POST", f"{base}/removeallviewfields")
        for name in fields:
            self._http.request("POST", f"{base}/addviewfield('{quote_literal(name)}')")

    def field_formatters(self, title: str) -> dict[str, str | None]:
        """Each column's ``CustomFormatter`` (``None`` or ``""`` when unformatted), by internal name."""
        data = self._http.get_json(f"{list_path(title)}/fields?$select=InternalName,CustomFormatter&$top=500")
        return {str(row["InternalName"]): row.get("CustomFormatter") for row in results(data) if row.get("InternalName")}

    def set_field_formatter(self, title: str, internal_name: str, formatter: str) -> None:
        path = f"{list_path(title)}/fields/getbyinternalnameortitle('{quote_literal(internal_name)}')"
        body = {"__metadata": {"type": "SP.Field"}, "CustomFormatter": formatter}
        self._http.request("MERGE", path, body=body, headers={"IF-MATCH": "*"})
