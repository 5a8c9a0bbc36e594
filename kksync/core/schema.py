"""The SharePoint list schema, derived from the canonical model (the one source of truth).

Walking each record class's ``Col`` annotations yields the lists' columns: internal name, Danish
display name, field type, choices, required, indexed, lookup target and whether kksync owns the
column (``bot``). Provisioning, mapping, the sample data and the documents all read ``LISTS``.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from kksync.core import model as m
from kksync.core.columns import Col, FieldKind
from kksync.errors import SchemaError

__all__ = ["LISTS", "Column", "ListSchema", "list_schema", "schema_for"]


@dataclass(frozen=True, slots=True)
class Column:
    """One list column, with where its value lives in the model (``path``)."""

    name: str
    title: str
    kind: FieldKind
    path: tuple[str, ...]
    py_type: type
    required: bool = False
    indexed: bool = False
    bot: bool = False
    rich: bool = False
    lookup: str | None = None
    choices: tuple[str, ...] = ()
    description: str = ""

    @property
    def multi(self) -> bool:
        return self.kind in (FieldKind.MULTICHOICE, FieldKind.USERMULTI, FieldKind.LOOKUPMULTI)

    @property
    def is_builtin(self) -> bool:
        """``Title`` exists on every list; provisioning only retitles it."""
        return self.name == "Title"

    @property
    def wire_name(self) -> str:
        """The property name items carry: person and lookup values travel as ``<Name>Id``."""
        if self.kind in (FieldKind.USER, FieldKind.USERMULTI, FieldKind.LOOKUP, FieldKind.LOOKUPMULTI):
            return f"{self.name}Id"
        return self.name

    @property
    def attr(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True, slots=True)
class ListSchema:
    """One list or document library."""

    key: str
    title: str
    description: str
    model: type[m.Record]
    columns: tuple[Column, ...]
    library: bool = False
    by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    @property
    def base_template(self) -> int:
        return 101 if self.library else 100

    @property
    def department_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.bot)

    @property
    def bot_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.bot)

    def column(self, name: str) -> Column:
        return self.by_name[name]


def _unwrap(annotation: Any) -> tuple[Any, bool, bool]:
    """Strip ``Annotated``/``Optional``; return (inner type, optional, is_list)."""
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(get_args(annotation))
            if len(args) != 1:
                raise SchemaError(f"unsupported union {annotation!r}")
            annotation = args[0]
        elif origin is list:
            inner, _, _ = _unwrap(get_args(annotation)[0])
            return inner, optional, True
        else:
            return annotation, optional, False


def _infer_kind(col: Col, inner: Any, is_list: bool) -> FieldKind:
    if col.lookup:
        return FieldKind.LOOKUPMULTI if is_list else FieldKind.LOOKUP
    if col.kind is not None:
        return col.kind
    if isinstance(inner, type):
        if issubclass(inner, StrEnum):
            return FieldKind.MULTICHOICE if is_list else FieldKind.CHOICE
        if issubclass(inner, m.Person):
            return FieldKind.USERMULTI if is_list else FieldKind.USER
        if issubclass(inner, m.Link):
            return FieldKind.URL
        if issubclass(inner, bool):
            return FieldKind.BOOLEAN
        if issubclass(inner, datetime | date):
            return FieldKind.DATETIME
        if issubclass(inner, Decimal | int):
            return FieldKind.NUMBER
        if issubclass(inner, str):
            return FieldKind.TEXT
    raise SchemaError(f"cannot infer a SharePoint type for {inner!r}")


def _columns(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[Column]:
    columns: list[Column] = []
    for attr, info in model.model_fields.items():
        hints = typing.get_type_hints(model, include_extras=True)
        inner, _, is_list = _unwrap(hints[attr])
        col = next((meta for meta in info.metadata if isinstance(meta, Col)), None)
        if col is None:
            if isinstance(inner, type) and issubclass(inner, BaseModel) and not issubclass(inner, m.Person | m.Link):
                columns.extend(_columns(inner, (*prefix, attr)))
            continue
        kind = _infer_kind(col, inner, is_list)
        choices = tuple(e.value for e in inner) if isinstance(inner, type) and issubclass(inner, StrEnum) else ()
        columns.append(
            Column(
                name=col.name, title=col.title, kind=kind, path=(*prefix, attr), py_type=inner,
                required=col.required, indexed=col.indexed, bot=col.bot, rich=col.rich,
                lookup=col.lookup, choices=choices, description=col.description,
            )
        )
    return columns


def _build(key: str, title: str, description: str, model: type[m.Record], *, library: bool = False) -> ListSchema:
    columns = tuple(_columns(model))
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise SchemaError(f"{model.__name__} declares a column twice")
    for c in columns:
        if not c.name.isascii() or not c.name.isidentifier():
            raise SchemaError(f"internal name {c.name!r} must be ASCII")
    return ListSchema(key, title, description, model, columns, library, {c.name: c for c in columns})


LISTS: tuple[ListSchema, ...] = (
    _build("focus_areas", "Indsatsomraader", "It-strategiens indsatsområder", m.FocusArea),
    _build("plans", "Handlingsplaner", "Handlingsplaner under it-strategien", m.Plan),
    _build("initiatives", "Initiativer", "Initiativer i handlingsplanerne", m.Initiative),
    _build("funding_lines", "Finansiering", "Finansieringslinjer pr. initiativ og år", m.FundingLine),
    _build("figures", "BusinessCaseTal", "Business casens tal pr. år", m.BusinessCaseFigure),
    _build("milestones", "Milepaele", "Milepæle i gennemførelsesaftalerne", m.Milestone),
    _build("statuses", "Statusrapportering", "Årlig status pr. initiativ", m.StatusEntry),
    _build("it_projects", "ItProjekter", "Større it-projekter i porteføljen", m.ItProject),
    _build("business_cases", "Businesscases", "Business case-dokumenter", m.BusinessCaseDocument, library=True),
    _build("publications", "Publikationer", "Intranettets publikationer af planer og status", m.Publication, library=True),
)
"""Lists in dependency order: a list's lookups point only at lists before it (or itself)."""

_BY_KEY = {s.key: s for s in LISTS}
_BY_MODEL = {s.model: s for s in LISTS}


def list_schema(key: str) -> ListSchema:
    try:
        return _BY_KEY[key]
    except KeyError:
        raise SchemaError(f"no list {key!r}; known: {', '.join(_BY_KEY)}") from None


@cache
def schema_for(model: type[m.Record]) -> ListSchema:
    return _BY_MODEL[model]
