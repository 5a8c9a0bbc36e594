"""Provisioning of the lists' views and column formatters, from ``kksync.core.views`` and ``core.formatters``.

Idempotent: a view is compared with the model (query in canonical XML, fields in order, row limit,
default) and written only where it differs; a formatter is compared as parsed JSON. A view or formatter
that kksync made and someone changed in SharePoint is drift: it is reported (``view_drift`` reads
without writing) and ``provision_views`` sets it back, because the view is kksync's and holds no data;
a department that wants another view saves it under another title, which kksync never touches.
Formatters are validated by their typed model before they are sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from kksync.core.caml import canonical_xml
from kksync.core.formatters import FORMATTERS, FormatterDef
from kksync.core.formatting import ColumnFormatter
from kksync.core.views import VIEWS, ViewDef
from kksync.texts.views import view_note

if TYPE_CHECKING:
    from kksync.sharepoint.views import ListView

__all__ = ["ViewAdmin", "ViewsCapable", "ViewsReport", "provision_views", "view_drift"]


class ViewAdmin(Protocol):
    """What this step needs of SharePoint (``kksync.sharepoint.views.SiteViews``)."""

    def list_views(self, title: str) -> list[ListView]: ...

    def add_view(
        self, title: str, *, view_title: str, fields: Sequence[str], query: str, row_limit: int, default: bool
    ) -> ListView: ...

    def update_view(self, title: str, view_id: str, changes: Mapping[str, Any]) -> None: ...

    def set_view_fields(self, title: str, view_id: str, fields: Sequence[str]) -> None: ...

    def field_formatters(self, title: str) -> dict[str, str | None]: ...

    def set_field_formatter(self, title: str, internal_name: str, formatter: str) -> None: ...


@runtime_checkable
class ViewsCapable(Protocol):
    @property
    def views(self) -> ViewAdmin: ...


@dataclass
class ViewsReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    formatters: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.created) + len(self.updated) + len(self.formatters)


def _differences(want: ViewDef, have: ListView) -> list[str]:
    what: list[str] = []
    if canonical_xml(have.query) != canonical_xml(want.query_xml):
        what.append("what_query")
    if tuple(have.fields) != want.fields:
        what.append("what_fields")
    if have.row_limit != want.row_limit:
        what.append("what_row_limit")
    if want.default and not have.default:
        what.append("what_default")
    return what


def _what(codes: list[str]) -> str:
    return ", ".join(view_note(c) for c in codes)


def _formatter_json(definition: FormatterDef) -> str:
    # Validated by the typed model on the way out: a formatter that is not one is never sent.
    return ColumnFormatter.model_validate_json(definition.formatter.to_json()).to_json()


def _same_formatter(current: str | None, wanted: str) -> bool:
    try:
        return bool(current) and json.loads(str(current)) == json.loads(wanted)
    except ValueError:
        return False


def view_drift(views: ViewAdmin) -> list[str]:
    """What differs from the model, without changing anything (missing views are not drift: provision makes them)."""
    lines: list[str] = []
    for title in dict.fromkeys(v.list_title for v in VIEWS):
        have = {v.title: v for v in views.list_views(title)}
        for want in (v for v in VIEWS if v.list_title == title):
            current = have.get(want.title)
            if current is not None and (codes := _differences(want, current)):
                lines.append(view_note("drift", view=want.title, list=title, what=_what(codes)))
    for title in dict.fromkeys(f.list_title for f in FORMATTERS):
        current_formatters = views.field_formatters(title)
        for definition in (f for f in FORMATTERS if f.list_title == title):
            now = current_formatters.get(definition.column.name)
            if now and not _same_formatter(now, _formatter_json(definition)):
                lines.append(view_note("formatter_drift", column=definition.column.title, list=title))
    return lines


def _ensure_view(views: ViewAdmin, want: ViewDef, current: ListView | None, report: ViewsReport) -> None:
    title = want.list_title
    if current is None:
        views.add_view(title, view_title=want.title, fields=want.fields, query=want.query_xml,
                       row_limit=want.row_limit, default=want.default)
        report.created.append(view_note("created", view=want.title, list=title))
        return
    codes = _differences(want, current)
    if not codes:
        return
    changes: dict[str, Any] = {}
    if "what_query" in codes:
        changes["ViewQuery"] = want.query_xml
    if "what_row_limit" in codes:
        changes["RowLimit"] = want.row_limit
    if "what_default" in codes:
        changes["DefaultView"] = True
    if changes:
        views.update_view(title, current.id, changes)
    if "what_fields" in codes:
        views.set_view_fields(title, current.id, want.fields)
    report.drift.append(view_note("drift", view=want.title, list=title, what=_what(codes)))
    report.updated.append(view_note("updated", view=want.title, list=title, what=_what(codes)))


def provision_views(sp: object, report: ViewsReport | None = None) -> ViewsReport:
    """Create or restore every view and formatter of the model; a client without views is left alone."""
    report = report if report is not None else ViewsReport()
    if not isinstance(sp, ViewsCapable):
        return report
    views = sp.views
    for title in dict.fromkeys(v.list_title for v in VIEWS):
        have: dict[str, ListView] = {}
        for existing in views.list_views(title):
            have.setdefault(existing.title, existing)  # two views of one title: SharePoint answers the first
        for want in (v for v in VIEWS if v.list_title == title):
            _ensure_view(views, want, have.get(want.title), report)
    for title in dict.fromkeys(f.list_title for f in FORMATTERS):
        current = views.field_formatters(title)
        for definition in (f for f in FORMATTERS if f.list_title == title):
            wanted = _formatter_json(definition)
            now = current.get(definition.column.name)
            if _same_formatter(now, wanted):
                continue
            views.set_field_formatter(title, definition.column.name, wanted)
            if now:
                report.drift.append(view_note("formatter_drift", column=definition.column.title, list=title))
            report.formatters.append(view_note("formatter_set", column=definition.column.title, list=title))
    return report
