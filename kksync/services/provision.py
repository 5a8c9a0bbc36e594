"""Provisioning: create or update the site's lists, columns and indexes from the schema.

Idempotent (a second run changes nothing and says so) and additive: a column that exists with a
different type is reported as drift, never deleted or recreated, because it may hold data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from kksync.core.columns import FieldKind
from kksync.core.schema import LISTS, Column, ListSchema
from kksync.services.ports import SchemaAdmin
from kksync.services.provision_views import provision_views

if TYPE_CHECKING:
    from kksync.checks.governance import PermissionRules
    from kksync.services.provision_permissions import PermissionAdmin, PermissionReport

__all__ = ["ProvisionReport", "field_xml", "provision"]

# SP.AddFieldOptions.AddFieldInternalNameHint | AddFieldToDefaultView: keep our internal names.
_ADD_FIELD_OPTIONS = 8 | 16
_XML_TYPE = {
    FieldKind.TEXT: "Text", FieldKind.NOTE: "Note", FieldKind.NUMBER: "Number", FieldKind.CURRENCY: "Currency",
    FieldKind.CHOICE: "Choice", FieldKind.MULTICHOICE: "MultiChoice", FieldKind.USER: "User",
    FieldKind.USERMULTI: "UserMulti", FieldKind.LOOKUP: "Lookup", FieldKind.LOOKUPMULTI: "LookupMulti",
    FieldKind.URL: "URL", FieldKind.DATETIME: "DateTime", FieldKind.BOOLEAN: "Boolean",
}


@dataclass
class ProvisionReport:
    created_lists: list[str] = field(default_factory=list)
    created_fields: list[str] = field(default_factory=list)
    updated_fields: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)
    permissions: PermissionReport | None = None
    """Groups, folders and unique permissions, when provisioning was asked to set them."""
    views_changed: list[str] = field(default_factory=list)
    """Views and column formatters created or set back (``services.provision_views``)."""

    @property
    def changes(self) -> int:
        done = self.permissions.changes if self.permissions is not None else 0
        return len(self.created_lists) + len(self.created_fields) + len(self.updated_fields) + len(self.views_changed) + done


def field_xml(col: Column, lookup_list_id: str | None = None) -> str:
    """The ``CreateFieldAsXml`` schema for a column."""
    attrs = {
        "Type": _XML_TYPE[col.kind],
        "Name": col.name,
        "StaticName": col.name,
        "DisplayName": col.title,
        "Required": "TRUE" if col.required else "FALSE",
        "Indexed": "TRUE" if col.indexed else "FALSE",
    }
    inner = ""
    if col.description:
        attrs["Description"] = col.description
    if col.kind is FieldKind.NOTE:
        attrs.update(NumLines="6", RichText="TRUE" if col.rich else "FALSE")
        if col.rich:
            attrs["RichTextMode"] = "FullHtml"
    elif col.kind is FieldKind.TEXT:
        attrs["MaxLength"] = "255"
    elif col.kind is FieldKind.CURRENCY:
        attrs.update(LCID="1030", Decimals="2")
    elif col.kind is FieldKind.NUMBER:
        attrs["Decimals"] = "0" if col.py_type is int else "4"
    elif col.kind is FieldKind.DATETIME:
        attrs["Format"] = "DateOnly" if col.py_type.__name__ == "date" else "DateTime"
    elif col.kind in (FieldKind.USER, FieldKind.USERMULTI):
        attrs.update(UserSelectionMode="PeopleOnly", ShowField="ImnName")
        if col.multi:
            attrs["Mult"] = "TRUE"
    elif col.kind in (FieldKind.LOOKUP, FieldKind.LOOKUPMULTI):
        attrs.update(List="{" + (lookup_list_id or "") + "}", ShowField="Title")
        if col.multi:
            attrs["Mult"] = "TRUE"
    elif col.kind is FieldKind.URL:
        attrs["Format"] = "Hyperlink"
    if col.choices:
        inner = "<CHOICES>" + "".join(f"<CHOICE>{escape(c)}</CHOICE>" for c in col.choices) + "</CHOICES>"
    rendered = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items())
    return f"<Field {rendered}>{inner}</Field>" if inner else f"<Field {rendered} />"


def _ensure_list(sp: SchemaAdmin, schema: ListSchema, existing: dict[str, int], report: ProvisionReport) -> None:
    if schema.title in existing:
        return
    sp.create_list(schema.title, description=schema.description, base_template=schema.base_template)
    report.created_lists.append(schema.title)


def _ensure_fields(sp: SchemaAdmin, schema: ListSchema, report: ProvisionReport) -> None:
    fields = {row["InternalName"]: row for row in sp.list_fields(schema.title)}
    for col in schema.columns:
        where = f"{schema.title}.{col.name}"
        current = fields.get(col.name)
        if current is None:
            lookup_id = sp.list_info(_title_of(col.lookup)).id if col.lookup else None
            sp.add_field_xml(schema.title, field_xml(col, lookup_id), options=_ADD_FIELD_OPTIONS)
            report.created_fields.append(where)
            continue
        expected_type = _XML_TYPE[col.kind]
        if current.get("TypeAsString") != expected_type and not (col.is_builtin and current.get("TypeAsString") == "Text"):
            report.drift.append(f"{where}: er {current.get('TypeAsString')}, skemaet siger {expected_type} (ikke ændret)")
            continue
        changes: dict[str, object] = {}
        if current.get("Title") != col.title:
            changes["Title"] = col.title
        if col.indexed and not current.get("Indexed"):
            changes["Indexed"] = True
        if col.is_builtin and bool(current.get("Required")) != col.required:
            changes["Required"] = col.required
        if changes:
            sp.update_field(schema.title, col.name, changes)
            report.updated_fields.append(f"{where}: {', '.join(changes)}")
    known = {c.name for c in schema.columns}
    for name in fields:
        if name.startswith("Kk") and name not in known:
            report.drift.append(f"{schema.title}.{name}: kolonnen findes ikke i skemaet (bevaret, da den kan rumme data)")


def _title_of(list_key: str | None) -> str:
    return next(s.title for s in LISTS if s.key == list_key)


def provision(sp: SchemaAdmin, *, progress: Callable[[str], None] | None = None,
              permissions: tuple[PermissionAdmin, PermissionRules] | None = None) -> ProvisionReport:
    """Bring the site's lists in line with the schema; lists are created in dependency order. With
    ``permissions`` (the client's ``permissions`` and the governance file's rules), who may edit what too."""
    report = ProvisionReport()
    existing = sp.list_titles()
    for schema in LISTS:
        if progress:
            progress(schema.title)
        _ensure_list(sp, schema, existing, report)
        _ensure_fields(sp, schema, report)
    views = provision_views(sp)  # after the columns: views and formatters name them
    report.views_changed += views.created + views.updated + views.formatters
    report.drift += views.drift
    if permissions is not None:
        from kksync.services.provision_permissions import provision_permissions

        report.permissions = provision_permissions(*permissions, progress=progress)
    return report
