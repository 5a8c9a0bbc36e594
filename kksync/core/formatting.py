"""SharePoint column formatting (``CustomFormatter``) as typed models, an evaluator, and WCAG contrast (pure).

The models follow Microsoft's schema
https://developer.microsoft.com/json-schemas/sp/v2/column-formatting.schema.json: an element has an
``elmType``, ``txtContent``, ``style``, ``attributes`` and ``children``; a value is a string (a literal,
``@currentField`` or ``[$InternalName]``) or an operator object ``{"operator": "?", "operands": [...]}``
(Microsoft Learn, "Formatting syntax reference"). kksync builds formatters only from operator objects:
no Excel-style ``=if(...)`` strings are assembled, so no value is ever pasted into an expression.

``evaluate`` runs a formatter for one item the way the list would (the subset of operators modelled
here), so tests and the demo can see the word or symbol and the colours a cell shows, and
``contrast_ratio`` is WCAG 2.x's (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "SCHEMA_URL", "ColumnFormatter", "Element", "Expr", "Rendered", "contrast_ratio", "evaluate", "field_value", "op",
    "relative_luminance",
]

SchemaUrl = Literal["https://developer.microsoft.com/json-schemas/sp/v2/column-formatting.schema.json"]
SCHEMA_URL: SchemaUrl = "https://developer.microsoft.com/json-schemas/sp/v2/column-formatting.schema.json"

ElmType = Literal["div", "span", "a", "img", "svg", "path", "button", "p", "filepreview"]
Operator = Literal[
    "+", "-", "*", "/", "<", ">", "<=", ">=", "==", "!=", "||", "&&", "?", "toString()", "Number()", "length",
    "indexOf", "toLowerCase", "toUpperCase",
]
StyleName = Literal[
    "color", "background-color", "font-weight", "font-size", "padding", "padding-left", "padding-right",
    "border-radius", "border", "border-left", "white-space", "display", "margin", "margin-right", "margin-left",
    "line-height", "width", "max-width", "overflow", "text-overflow", "word-break",
]
AttributeName = Literal["class", "title", "role", "href", "target", "rel", "iconName", "aria-label", "aria-hidden"]

_ARITY = {"?": (3, 3), "toString()": (1, 1), "Number()": (1, 1), "length": (1, 1), "toLowerCase": (1, 1),
          "toUpperCase": (1, 1), "indexOf": (2, 2), "+": (1, 99), "&&": (2, 99), "||": (2, 99), "-": (1, 2)}
_FIELD = re.compile(r"^\[\$([A-Za-z_][A-Za-z0-9_]*)\]$")
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


class Expr(BaseModel):
    """An operator object: ``{"operator": ..., "operands": [...]}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    operator: Operator
    operands: list[Operand]

    @model_validator(mode="after")
    def _arity(self) -> Expr:
        low, high = _ARITY.get(self.operator, (2, 2))
        if not low <= len(self.operands) <= high:
            raise ValueError(f"operator {self.operator!r} takes {low}–{high} operands, not {len(self.operands)}")
        return self


Operand = str | int | float | bool | Expr
Value = str | Expr


class Element(BaseModel):
    """One element of the rendered cell."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    elm_type: ElmType = Field(alias="elmType")
    txt_content: Value | None = Field(default=None, alias="txtContent")
    style: dict[StyleName, Value] | None = None
    attributes: dict[AttributeName, Value] | None = None
    children: list[Element] | None = None

    @model_validator(mode="after")
    def _text_or_children(self) -> Element:
        if self.txt_content is not None and self.children:
            raise ValueError("an element has txtContent or children, not both (txtContent wins in SharePoint)")
        return self


Expr.model_rebuild()
Element.model_rebuild()


class ColumnFormatter(Element):
    """The root element, with the ``$schema`` SharePoint validates it against."""

    schema_url: SchemaUrl = Field(default=SCHEMA_URL, alias="$schema")

    def to_json(self) -> str:
        """The ``CustomFormatter`` text: aliases as the schema names them, nothing unset."""
        return self.model_dump_json(by_alias=True, exclude_none=True)


def op(operator: Operator, *operands: Operand) -> Expr:
    return Expr(operator=operator, operands=list(operands))


def field_value(internal_name: str) -> str:
    """``[$Name]``: another column of the same item."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", internal_name):
        raise ValueError(f"not an internal name: {internal_name!r}")
    return f"[${internal_name}]"


# --- evaluation ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rendered:
    """One element with text as a cell shows it: its words, colours and tooltip."""

    text: str
    color: str | None
    background: str | None
    title: str | None


def _resolve(value: Operand, current: Any, item: Mapping[str, Any]) -> Any:
    if isinstance(value, Expr):
        return _apply(value, current, item)
    if isinstance(value, str):
        if value == "@currentField":
            return "" if current is None else current
        found = _FIELD.match(value)
        if found:
            got = item.get(found.group(1))
            return "" if got is None else got
        if value.startswith("="):
            raise ValueError("Excel-style expressions are not evaluated here; build operator objects")
    return value


def _truthy(value: Any) -> bool:
    return value not in (None, "", 0, False)


def _apply(expr: Expr, current: Any, item: Mapping[str, Any]) -> Any:
    if expr.operator == "?":
        cond, yes, no = expr.operands
        return _resolve(yes if _truthy(_resolve(cond, current, item)) else no, current, item)
    args = [_resolve(o, current, item) for o in expr.operands]
    name = expr.operator
    if name == "+":
        return "".join(str(a) for a in args) if any(isinstance(a, str) for a in args) else sum(args)
    if name == "==":
        return args[0] == args[1]
    if name == "!=":
        return args[0] != args[1]
    if name == "&&":
        return all(_truthy(a) for a in args)
    if name == "||":
        return any(_truthy(a) for a in args)
    if name == "toString()":
        return str(args[0])
    if name == "length":
        return len(args[0]) if isinstance(args[0], str | list) else 0
    if name == "indexOf":
        return str(args[0]).find(str(args[1]))
    if name == "toLowerCase":
        return str(args[0]).lower()
    if name == "toUpperCase":
        return str(args[0]).upper()
    compare = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}
    if name in compare:
        return compare[name](args[0], args[1])
    raise ValueError(f"operator {name!r} is not evaluated here")


def evaluate(element: Element, current: Any, item: Mapping[str, Any] | None = None) -> list[Rendered]:
    """Every element with text, depth first, for the item whose column value is ``current``."""
    item = item or {}
    out: list[Rendered] = []

    def style(name: StyleName) -> str | None:
        value = (element.style or {}).get(name)
        got = _resolve(value, current, item) if value is not None else None
        return str(got) if got not in (None, "") else None

    if element.txt_content is not None:
        title = (element.attributes or {}).get("title")
        out.append(Rendered(
            text=str(_resolve(element.txt_content, current, item)), color=style("color"),
            background=style("background-color"),
            title=str(_resolve(title, current, item)) if title is not None else None,
        ))
    for child in element.children or []:
        out.extend(evaluate(child, current, item))
    return out


# --- WCAG 2.x contrast -------------------------------------------------------------------------


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB ``#RRGGBB`` colour."""
    if not _HEX.match(colour):
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), the lighter over the darker: 1 to 21."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)
