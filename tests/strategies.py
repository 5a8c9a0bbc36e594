"""Hypothesis strategies derived from the list schema, so every column is covered automatically."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from kksync.core import model as m
from kksync.core.columns import FieldKind
from kksync.core.schema import Column, ListSchema

_SAFE_CHARS = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
    "\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f\ufffe\uffff<",
)
texts = st.text(_SAFE_CHARS, max_size=40)
people = st.builds(
    m.Person,
    id=st.integers(1, 10_000),
    name=st.none() | texts.filter(bool),
    email=st.none() | st.emails().filter(lambda e: len(e) <= 255),
)
dates = st.dates(date(2000, 1, 1), date(2099, 12, 31))
stamps = st.datetimes(datetime(2000, 1, 1), datetime(2099, 1, 1)).map(lambda d: d.replace(microsecond=0, tzinfo=UTC))
money = st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False)
signed_money = st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"), places=2)
rates = st.decimals(min_value=-100, max_value=1000, places=4, allow_nan=False)
links = st.builds(m.Link, url=st.from_regex(r"https://[a-z]{1,20}\.dk/[a-z0-9]{0,30}", fullmatch=True), description=st.none() | texts.filter(bool))


def column_values(col: Column) -> st.SearchStrategy[Any]:
    kind = col.kind
    if kind is FieldKind.TEXT:
        base = texts
    elif kind is FieldKind.NOTE:
        base = st.text(_SAFE_CHARS, max_size=200)
    elif kind is FieldKind.CURRENCY:
        base = signed_money if col.attr == "business_case.npv" else money
    elif kind is FieldKind.NUMBER:
        if col.py_type is int:
            bounds = {"KkYear": (2000, 2100), "KkProgress": (0, 100), "KkRank": (1, 10_000)}[col.name]
            base = st.integers(*bounds)
        else:
            base = rates
    elif kind is FieldKind.CHOICE:
        base = st.sampled_from(list(col.py_type))
    elif kind is FieldKind.MULTICHOICE:
        return st.lists(st.sampled_from(list(col.py_type)), unique=True, max_size=4)
    elif kind is FieldKind.USER:
        base = people
    elif kind is FieldKind.LOOKUP:
        base = st.integers(1, 100_000)
    elif kind is FieldKind.LOOKUPMULTI:
        return st.lists(st.integers(1, 100_000), unique=True, max_size=5)
    elif kind is FieldKind.DATETIME:
        base = dates if col.py_type is date else stamps
    elif kind is FieldKind.BOOLEAN:
        return st.booleans()
    elif kind is FieldKind.URL:
        base = links
    else:  # pragma: no cover
        raise AssertionError(kind)
    if col.required and col.py_type is str:
        return base
    return st.none() | base


@st.composite
def records(draw: st.DrawFn, schema: ListSchema) -> m.Record:
    values: dict[str, Any] = {"id": draw(st.integers(1, 1_000_000))}
    for col in schema.columns:
        value = draw(column_values(col))
        if value is None:
            continue
        target = values
        for part in col.path[:-1]:
            target = target.setdefault(part, {})
        target[col.path[-1]] = value
    return schema.model.model_validate(values)
