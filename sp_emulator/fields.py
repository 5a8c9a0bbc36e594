"""Field (column) definitions: kinds, built-in columns, creation from the three payload forms the library sends."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from typing import Any

from .errors import bad_request

__all__ = [
    "KIND_BY_TYPE",
    "TYPE_BY_KIND",
    "builtin_fields",
    "make_field",
    "field_from_xml",
    "encode_internal_name",
    "list_entity_name",
]

# FieldTypeKind numbers from SP.FieldType.
KIND_BY_TYPE = {
    "Integer": 1,
    "Text": 2,
    "Note": 3,
    "DateTime": 4,
    "Counter": 5,
    "Choice": 6,
    "Lookup": 7,
    "Boolean": 8,
    "Number": 9,
    "Currency": 10,
    "URL": 11,
    "Computed": 12,
    "Guid": 14,
    "MultiChoice": 15,
    "File": 18,
    "Attachments": 19,
    "User": 20,
    "LookupMulti": 7,
    "UserMulti": 20,
}
TYPE_BY_KIND = {
    1: "Integer",
    2: "Text",
    3: "Note",
    4: "DateTime",
    5: "Counter",
    6: "Choice",
    7: "Lookup",
    8: "Boolean",
    9: "Number",
    10: "Currency",
    11: "URL",
    12: "Computed",
    14: "Guid",
    15: "MultiChoice",
    18: "File",
    19: "Attachments",
    20: "User",
}
# Typed SP.Field* entity names map onto a field type.
TYPE_BY_ENTITY = {
    "SP.FieldText": "Text",
    "SP.FieldMultiLineText": "Note",
    "SP.FieldChoice": "Choice",
    "SP.FieldMultiChoice": "MultiChoice",
    "SP.FieldUser": "User",
    "SP.FieldLookup": "Lookup",
    "SP.FieldCurrency": "Currency",
    "SP.FieldNumber": "Number",
    "SP.FieldDateTime": "DateTime",
    "SP.FieldUrl": "URL",
    "SP.FieldBoolean": "Boolean",
    "SP.FieldGuid": "Guid",
    "SP.FieldCalculated": "Computed",
}
_ENTITY_BY_TYPE = {v: k for k, v in TYPE_BY_ENTITY.items()}


def encode_internal_name(title: str) -> str:
    """SharePoint derives internal names from titles by escaping non-alphanumerics as `_xHHHH_`."""
    out = []
    for ch in title:
        if ch.isascii() and (ch.isalnum() or ch == "_"):
            out.append(ch)
        else:
            out.append(f"_x{ord(ch):04x}_")
    return "".join(out)[:32]


def list_entity_name(url_name: str, is_library: bool, specials: str = "encode") -> str:
    """``EntityTypeName`` of a list from its URL name, as PnP Core's ListMetaDataMapper derives it: ``_`` ->
    ``_x005f_``, space -> ``_x0020_``, first letter upper-cased, "List" appended for lists (not libraries).
    Other characters: ``_xHHHH_`` ("encode") or dropped ("strip") -- unverified either way."""
    out = []
    for ch in url_name:
        if ch == "_":
            out.append("_x005f_")
        elif ch == " ":
            out.append("_x0020_")
        elif ch.isascii() and ch.isalnum():
            out.append(ch)
        elif specials == "encode":
            out.append(f"_x{ord(ch):04x}_")
    name = "".join(out) or "List"
    name = name[0].upper() + name[1:]
    return name if is_library else name + "List"


def _field(name: str, type_as_string: str, title: str | None = None, **extra: Any) -> dict[str, Any]:
    base_type = {"UserMulti": "User", "LookupMulti": "Lookup"}.get(type_as_string, type_as_string)
    field = {
        "Id": str(uuid.uuid4()),
        "InternalName": name,
        "StaticName": name,
        "EntityPropertyName": ("OData_" + name) if name.startswith("_") else name,
        "Title": title or name,
        "TypeAsString": type_as_string,
        "FieldTypeKind": KIND_BY_TYPE.get(base_type, 2),
        "Required": False,
        "Indexed": False,
        "Hidden": False,
        "ReadOnlyField": False,
        "AllowMultipleValues": type_as_string in ("UserMulti", "LookupMulti"),
        "Description": "",
        "Group": "Custom Columns",
        "CanBeDeleted": True,
        "FromBaseType": False,
    }
    field.update(extra)
    return field


def builtin_fields() -> list[dict[str, Any]]:
    sys = {"CanBeDeleted": False, "FromBaseType": True, "Group": "_Hidden"}
    ro = {"ReadOnlyField": True, **sys}
    return [
        _field("ID", "Counter", "ID", Indexed=True, **ro),
        _field("Title", "Text", "Title", **{k: v for k, v in sys.items() if k != "Group"}),
        _field("Created", "DateTime", "Created", **ro),
        _field("Modified", "DateTime", "Modified", **ro),
        _field("Author", "User", "Created By", LookupList="{UserInfo}", LookupField="Title", **ro),
        _field("Editor", "User", "Modified By", LookupList="{UserInfo}", LookupField="Title", **ro),
        _field("GUID", "Guid", "GUID", Hidden=True, **ro),
        _field("_UIVersionString", "Text", "Version", **ro),
        _field("Attachments", "Attachments", "Attachments", **sys),
        _field("ContentTypeId", "ContentTypeId", "Content Type ID", Hidden=True, **ro),
    ]


def library_fields() -> list[dict[str, Any]]:
    ro = {"ReadOnlyField": True, "CanBeDeleted": False, "FromBaseType": True, "Group": "_Hidden"}
    return [
        _field("FileLeafRef", "File", "Name", **{**ro, "ReadOnlyField": False}),
        _field("FileRef", "Lookup", "URL Path", **ro),
        _field("FileDirRef", "Lookup", "Path", **ro),
    ]


def entity_type_for(field: dict[str, Any]) -> str:
    return _ENTITY_BY_TYPE.get(
        field["TypeAsString"].replace("Multi", "")
        if field["TypeAsString"] in ("UserMulti", "LookupMulti")
        else field["TypeAsString"],
        "SP.Field",
    )


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().upper() == "TRUE"
    return bool(value)


def _choices(value: Any) -> list[str]:
    if isinstance(value, dict):
        value = value.get("results", [])
    return [str(v) for v in (value or [])]


def make_field(payload: dict[str, Any], lists_by_id: dict[str, Any]) -> dict[str, Any]:
    """Build a field from `SP.FieldCreationInformation` (addfield) or a typed `SP.Field*` body."""
    payload = dict(payload)
    entity = (payload.pop("__metadata", None) or {}).get("type", "SP.Field")
    title = payload.get("Title")
    if not title:
        raise bad_request("The parameter 'Title' cannot be empty.", "-2147024809, System.ArgumentException")
    type_name = TYPE_BY_ENTITY.get(entity)
    kind = payload.get("FieldTypeKind")
    if type_name is None or (kind is not None and entity in ("SP.Field", "SP.FieldCreationInformation")):
        if kind is None:
            raise bad_request("The parameter 'FieldTypeKind' is required.", "-2147024809, System.ArgumentException")
        type_name = TYPE_BY_KIND.get(int(kind))
        if type_name is None:
            raise bad_request(f"Invalid field type {kind}.", "-2147024809, System.ArgumentException")
    multi = _bool(payload.get("AllowMultipleValues", False))
    if type_name in ("User", "Lookup") and multi:
        type_name += "Multi"
    name = payload.get("InternalName") or payload.get("StaticName") or encode_internal_name(title)
    extra: dict[str, Any] = {
        "Required": _bool(payload.get("Required", False)),
        "Indexed": _bool(payload.get("Indexed", False)),
        "Description": payload.get("Description", ""),
    }
    if type_name in ("Choice", "MultiChoice"):
        extra["Choices"] = _choices(payload.get("Choices"))
    if type_name.startswith("Lookup"):
        lookup_list = str(payload.get("LookupListId") or payload.get("LookupList") or "").strip("{}").lower()
        if lookup_list not in lists_by_id:
            raise bad_request("List does not exist.", "-2147024809, System.ArgumentException")
        extra["LookupList"] = "{" + lookup_list + "}"
        extra["LookupField"] = payload.get("LookupFieldName") or payload.get("LookupField") or "Title"
    if type_name.startswith("User"):
        extra["LookupList"] = "{UserInfo}"
        extra["LookupField"] = "Title"
    if type_name == "Currency":
        extra["CurrencyLocaleId"] = int(payload.get("CurrencyLocaleId", 1030))
    return _field(name, type_name, title, **extra)


def field_from_xml(schema_xml: str, lists_by_id: dict[str, Any]) -> dict[str, Any]:
    """Parse a `<Field .../>` CAML definition as `fields/createfieldasxml` does."""
    try:
        node = ET.fromstring(schema_xml)
    except ET.ParseError as exc:
        raise bad_request(f"Invalid field schema XML: {exc}", "-2147024809, System.ArgumentException") from exc
    attrs = node.attrib
    type_name = attrs.get("Type", "Text")
    if type_name not in KIND_BY_TYPE:
        raise bad_request(
            f"Field type {type_name} is not installed properly.", "-2130575340, Microsoft.SharePoint.SPException"
        )
    name = attrs.get("Name") or attrs.get("StaticName") or encode_internal_name(attrs.get("DisplayName", "Field"))
    payload: dict[str, Any] = {
        "Title": attrs.get("DisplayName") or name,
        "InternalName": name,
        "FieldTypeKind": KIND_BY_TYPE[type_name],
        "Required": attrs.get("Required", "FALSE"),
        "Indexed": attrs.get("Indexed", "FALSE"),
        "AllowMultipleValues": type_name.endswith("Multi") or attrs.get("Mult", "FALSE"),
        "Choices": [c.text or "" for c in node.iter("CHOICE")],
        "LookupList": attrs.get("List"),
        "LookupField": attrs.get("ShowField"),
    }
    field = make_field(payload, lists_by_id)
    if type_name == "MultiChoice":
        field["TypeAsString"], field["FieldTypeKind"] = "MultiChoice", 15
    field["SchemaXml"] = schema_xml
    return field


_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def is_valid_internal_name(name: str) -> bool:
    return bool(_NAME_RE.match(name))
