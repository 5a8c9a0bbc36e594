"""A small typed CAML query builder (pure): conditions over schema columns, rendered with ElementTree.

Values never become markup by pasting: every value is an XML text node or attribute that ElementTree
escapes, and field names come from ``kksync.core.schema`` columns only. The value ``Type`` follows the
column's kind (a person or lookup compared by id is ``Integer`` with ``LookupId="TRUE"``). ``ME`` is
``<UserID Type="Integer"/>``, the user who opens the view; ``Today`` is ``<Today/>`` (optionally
``OffsetDays``). CAML's ``<And>``/``<Or>`` take exactly two children: ``all_of``/``any_of`` nest them.

Element reference: Microsoft Learn, "Query schema" (CAML): Where, Eq, Neq, Lt, Leq, Gt, Geq, IsNull,
IsNotNull, In, Contains, And, Or, OrderBy, GroupBy, FieldRef, Value, UserID, Today.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from typing import Literal

from kksync.core.columns import FieldKind
from kksync.core.schema import Column

__all__ = [
    "ME", "Compare", "Condition", "In", "Logic", "Null", "Query", "Today", "all_of", "any_of", "canonical_xml",
    "eq", "geq", "gt", "in_", "is_not_null", "is_null", "leq", "lt", "neq",
]


@dataclass(frozen=True, slots=True)
class _Me:
    """The current user (``<UserID Type="Integer"/>``)."""


ME = _Me()


@dataclass(frozen=True, slots=True)
class Today:
    offset_days: int = 0


Scalar = str | int | bool | date | _Me | Today
CompareOp = Literal["Eq", "Neq", "Lt", "Leq", "Gt", "Geq", "Contains"]


def _value_type(col: Column, by_id: bool) -> str:
    if by_id:
        return "Integer"
    return {
        FieldKind.CHOICE: "Choice", FieldKind.MULTICHOICE: "MultiChoice", FieldKind.NUMBER: "Number",
        FieldKind.CURRENCY: "Currency", FieldKind.DATETIME: "DateTime", FieldKind.BOOLEAN: "Boolean",
        FieldKind.USER: "User", FieldKind.USERMULTI: "UserMulti", FieldKind.LOOKUP: "Lookup",
        FieldKind.LOOKUPMULTI: "LookupMulti", FieldKind.NOTE: "Note",
    }.get(col.kind, "Text")


def _by_id(col: Column) -> bool:
    return col.kind in (FieldKind.USER, FieldKind.USERMULTI, FieldKind.LOOKUP, FieldKind.LOOKUPMULTI)


def _field_ref(parent: ET.Element, col: Column) -> None:
    attrs = {"Name": col.name}
    if _by_id(col):
        attrs["LookupId"] = "TRUE"
    ET.SubElement(parent, "FieldRef", attrs)


def _value(parent: ET.Element, col: Column, value: Scalar) -> None:
    node = ET.SubElement(parent, "Value", {"Type": _value_type(col, _by_id(col))})
    if isinstance(value, _Me):
        ET.SubElement(node, "UserID", {"Type": "Integer"})
    elif isinstance(value, Today):
        ET.SubElement(node, "Today", {"OffsetDays": str(value.offset_days)} if value.offset_days else {})
    elif isinstance(value, bool):
        node.text = "1" if value else "0"
    elif isinstance(value, date):
        node.text = value.isoformat()
    else:
        node.text = str(value)


@dataclass(frozen=True, slots=True)
class Compare:
    op: CompareOp
    column: Column
    value: Scalar

    def render(self, parent: ET.Element) -> None:
        node = ET.SubElement(parent, self.op)
        _field_ref(node, self.column)
        _value(node, self.column, self.value)


@dataclass(frozen=True, slots=True)
class Null:
    op: Literal["IsNull", "IsNotNull"]
    column: Column

    def render(self, parent: ET.Element) -> None:
        _field_ref(ET.SubElement(parent, self.op), self.column)


@dataclass(frozen=True, slots=True)
class In:
    column: Column
    values: tuple[Scalar, ...]

    def render(self, parent: ET.Element) -> None:
        node = ET.SubElement(parent, "In")
        _field_ref(node, self.column)
        values = ET.SubElement(node, "Values")
        for value in self.values:
            _value(values, self.column, value)


@dataclass(frozen=True, slots=True)
class Logic:
    op: Literal["And", "Or"]
    left: Condition
    right: Condition

    def render(self, parent: ET.Element) -> None:
        node = ET.SubElement(parent, self.op)
        self.left.render(node)
        self.right.render(node)


Condition = Compare | Null | In | Logic


def eq(col: Column, value: Scalar) -> Compare:
    return Compare("Eq", col, value)


def neq(col: Column, value: Scalar) -> Compare:
    return Compare("Neq", col, value)


def lt(col: Column, value: Scalar) -> Compare:
    return Compare("Lt", col, value)


def leq(col: Column, value: Scalar) -> Compare:
    return Compare("Leq", col, value)


def gt(col: Column, value: Scalar) -> Compare:
    return Compare("Gt", col, value)


def geq(col: Column, value: Scalar) -> Compare:
    return Compare("Geq", col, value)


def is_null(col: Column) -> Null:
    return Null("IsNull", col)


def is_not_null(col: Column) -> Null:
    return Null("IsNotNull", col)


def in_(col: Column, *values: Scalar) -> In:
    if not values:
        raise ValueError("In needs at least one value")
    return In(col, tuple(values))


def _nest(op: Literal["And", "Or"], conditions: tuple[Condition, ...]) -> Condition:
    if not conditions:
        raise ValueError(f"{op} needs at least one condition")
    result = conditions[-1]
    for condition in reversed(conditions[:-1]):
        result = Logic(op, condition, result)
    return result


def all_of(*conditions: Condition) -> Condition:
    return _nest("And", conditions)


def any_of(*conditions: Condition) -> Condition:
    return _nest("Or", conditions)


@dataclass(frozen=True, slots=True)
class Query:
    """A view's query: ``<GroupBy>``, ``<OrderBy>``, ``<Where>`` in the order SharePoint stores them."""

    where: Condition | None = None
    order_by: tuple[tuple[Column, bool], ...] = ()
    """(column, ascending) pairs."""
    group_by: tuple[Column, ...] = ()
    collapse: bool = False

    def xml(self) -> str:
        """The ``ViewQuery`` text: the children of ``<Query>`` without the element itself."""
        root = ET.Element("Query")
        if self.group_by:
            group = ET.SubElement(root, "GroupBy", {"Collapse": "TRUE" if self.collapse else "FALSE", "GroupLimit": "100"})
            for col in self.group_by:
                ET.SubElement(group, "FieldRef", {"Name": col.name})
        if self.order_by:
            order = ET.SubElement(root, "OrderBy")
            for col, ascending in self.order_by:
                ET.SubElement(order, "FieldRef", {"Name": col.name, "Ascending": "TRUE" if ascending else "FALSE"})
        if self.where is not None:
            self.where.render(ET.SubElement(root, "Where"))
        return "".join(ET.tostring(child, encoding="unicode") for child in root)


def canonical_xml(fragment: str | None) -> str:
    """A CAML fragment in canonical form (C14N 2.0, whitespace between elements dropped), for comparing
    what SharePoint stores with what the model asks for; unreadable XML stays as it is (and differs)."""
    text = (fragment or "").strip()
    try:
        return ET.canonicalize(f"<Q>{text}</Q>", strip_text=True)
    except ET.ParseError:
        return text
