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
from kksync.errors import NotFoundError
from kksync.texts.views import view_note

if TYPE_CHECKING:
    from kksync.sharepoint.views import ListView

__all__ = ["ViewAdmin", "ViewDrift", "ViewsCapable", "ViewsReport", "compare_views", "provision_views", "view_drift"]


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


def _what(codes: Sequence[str]) -> str:
    return ", ".join(view_note(c) for c in codes)


def _formatter_json(definition: FormatterDef) -> str:
    # Validated by the typed model on the way out: a formatter that is not one is never sent.
    return ColumnFormatter.model_validate_json(definition.formatter.to_json()).to_json()


def _same_formatter(current: str | None, wanted: str) -> bool:
    try:
        return bool(current) and json.loads(str(current)) == json.loads(wanted)
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class ViewDrift:
    """How one list's views and formatters differ from the model (the shape of ``services.drift.ListDrift``)."""

    missing: tuple[ViewDef, ...] = ()
    changed: tuple[tuple[ViewDef, ListView, tuple[str, ...]], ...] = ()
    formatters: tuple[tuple[FormatterDef, str | None], ...] = ()
    """Formatters not as the model has them, with what the field holds now (``None``/``""``: unformatted)."""
    notes: tuple[str, ...] = ()


def compare_views(list_title: str, views: Sequence[ListView], formatters: Mapping[str, str | None]) -> ViewDrift:
    """The list's views and column formatters against the model, with a Danish note for each difference
    someone made in SharePoint (a view or formatter that is simply not there yet is not drift)."""
    have: dict[str, ListView] = {}
    for existing in views:
        have.setdefault(existing.title, existing)  # two views of one title: SharePoint answers the first
    missing: list[ViewDef] = []
    changed: list[tuple[ViewDef, ListView, tuple[str, ...]]] = []
    notes: list[str] = []
    for want in (v for v in VIEWS if v.list_title == list_title):
        current = have.get(want.title)
        if current is None:
            missing.append(want)
        elif codes := _differences(want, current):
            changed.append((want, current, tuple(codes)))
            notes.append(view_note("drift", view=want.title, list=list_title, what=_what(codes)))
    unset: list[tuple[FormatterDef, str | None]] = []
    for definition in (f for f in FORMATTERS if f.list_title == list_title):
        now = formatters.get(definition.column.name)
        if not _same_formatter(now, _formatter_json(definition)):
            unset.append((definition, now))
            if now:
                notes.append(view_note("formatter_drift", column=definition.column.title, list=list_title))
    return ViewDrift(tuple(missing), tuple(changed), tuple(unset), tuple(notes))


def _lists() -> list[str]:
    return list(dict.fromkeys([*(v.list_title for v in VIEWS), *(f.list_title for f in FORMATTERS)]))


def _compare(views: ViewAdmin, list_title: str) -> ViewDrift:
    listed = views.list_views(list_title) if any(v.list_title == list_title for v in VIEWS) else []
    formatted = views.field_formatters(list_title) if any(f.list_title == list_title for f in FORMATTERS) else {}
    return compare_views(list_title, listed, formatted)


def view_drift(views: ViewAdmin) -> list[str]:
    """What someone changed in SharePoint, without changing anything; views the model has and the site
    lacks are named too (``kksync provision`` makes them)."""
    lines: list[str] = []
    for title in _lists():
        try:
            drift = _compare(views, title)
        except NotFoundError:  # the list itself is missing: the column drift says so, and provision makes it
            continue
        lines += drift.notes
        lines += [view_note("missing", view=v.title, list=title) for v in drift.missing]
    return lines


def _restore(views: ViewAdmin, want: ViewDef, current: ListView, codes: tuple[str, ...]) -> None:
    changes: dict[str, Any] = {}
    if "what_query" in codes:
        changes["ViewQuery"] = want.query_xml
    if "what_row_limit" in codes:
        changes["RowLimit"] = want.row_limit
    if "what_default" in codes:
        changes["DefaultView"] = True
    if changes:
        views.update_view(want.list_title, current.id, changes)
    if "what_fields" in codes:
        views.set_view_fields(want.list_title, current.id, want.fields)


def provision_views(sp: object, report: ViewsReport | None = None) -> ViewsReport:
    """Create or restore every view and formatter of the model; a client without views is left alone."""
    report = report if report is not None else ViewsReport()
    if not isinstance(sp, ViewsCapable):
        return report
    views = sp.views
    for title in _lists():
        drift = _compare(views, title)
        report.drift += drift.notes
        for want in drift.missing:
            views.add_view(title, view_title=want.title, fields=want.fields, query=want.query_xml,
                           row_limit=want.row_limit, default=want.default)
            report.created.append(view_note("created", view=want.title, list=title))
        for want, current, codes in drift.changed:
            _restore(views, want, current, codes)
            report.updated.append(view_note("updated", view=want.title, list=title, what=_what(list(codes))))
        for definition, _ in drift.formatters:
            views.set_field_formatter(title, definition.column.name, _formatter_json(definition))
            report.formatters.append(view_note("formatter_set", column=definition.column.title, list=title))
    return report
