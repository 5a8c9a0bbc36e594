"""List item writes: mapping an OData body onto stored values, rejecting what SharePoint rejects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import SPError, bad_request
from .odata_query import FilterError, normalize_datetime

if TYPE_CHECKING:
    from .site import Site

__all__ = ["coerce_payload", "prop_name"]

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
            departed = bool(user and user.get("Departed")) and site.fidelity.departed_in_person_fields == "refuse"
            if user is None or departed or user.get("Removed"):
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
