"""What departments type: every hostile value gives a per-field Danish problem or is read exactly;
nothing raises, and the item's other fields survive."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kksync.core.mapping import Refs, from_item
from kksync.core.schema import list_schema

INITIATIVES = list_schema("initiatives")
FUNDING = list_schema("funding_lines")

BASE: dict[str, Any] = {
    "Id": 11,
    "KkKey": "F11-07",
    "Title": "Fælles sagsbehandlingssystem",
    "KkPlanId": 2,
    "KkPurpose": "Et formål der skal overleve",
    "KkRank": 3,
}
REFS = Refs(users={1, 2, 3}, items={"plans": {2}, "focus_areas": {1, 2}, "initiatives": {11, 12}})

# (case, column, raw value, expected problem code or None, expected model value or ... for "don't care")
CASES: list[tuple[str, str, object, str | None, object]] = [
    ("control characters", "KkBackground", "Før\x00\x07efter\x1b", "control_chars", "Førefter"),
    ("U+FFFF", "KkUnit", "Enhed\uffff", "control_chars", "Enhed"),
    ("100 kB note", "KkBackground", "x" * 100_000, "too_long", "x" * 63_999),
    ("300 chars in a text column", "KkUnit", "y" * 300, "too_long", "y" * 255),
    ("HTML with script", "KkGoals", "<div><p>Mål 1</p><script>alert('x')</script><ul><li>A</li></ul></div>", "script_removed", "Mål 1\n• A"),
    ("plain rich text is just converted", "KkGoals", "<div>Færre <b>klik</b></div>", None, "Færre klik"),
    ("æøå and emoji survive", "KkUnit", "Blåbærgrød 🫐 ÆØÅ", None, "Blåbærgrød 🫐 ÆØÅ"),
    ("negative amount", "KkBcNpv", -125000.5, None, Decimal("-125000.50")),
    ("absurd amount", "KkBcNpv", 1e15, "absurd", None),
    ("Danish grouping", "KkBcNpv", "1.234,5", None, Decimal("1234.50")),
    ("Danish millions", "KkBcNpv", "1.234.567,50 kr.", None, Decimal("1234567.50")),
    ("English grouping", "KkBcNpv", "1,234.5", "foreign_number", None),
    ("ambiguous thousands", "KkBcNpv", "1.234", "ambiguous_number", None),
    ("ambiguous comma", "KkBcNpv", "1,234", "ambiguous_number", None),
    ("words for a number", "KkBcNpv", "en million", "not_a_number", None),
    ("rank with decimals", "KkRank", "2,5", "not_integer", None),
    ("rank zero", "KkRank", 0, "out_of_range", None),
    ("date as Danish text", "KkStart", "1. marts 2011", None, "2011-03-01"),
    ("date as dd-mm-yyyy", "KkEnd", "31-12-2012", None, "2012-12-31"),
    ("date as nonsense", "KkStart", "næste forår", "bad_date", None),
    ("impossible date", "KkStart", "31-02-2012", "bad_date", None),
    ("unknown choice", "KkPhase", "Halvfærdig", "unknown_choice", None),
    ("choice in other case", "KkPhase", "analyse", None, "Analyse"),
    ("administration by full name", "KkAdministration", "Socialforvaltningen", None, "SOF"),
    ("unknown choice in multi-choice", "KkInvolved", {"results": ["BUF", "Ministeriet"]}, "unknown_choice", ["BUF"]),
    ("person who left", "KkProjectOwnerId", 99, "unknown_person", None),
    ("lookup to deleted item", "KkPlanId", 404, "deleted_lookup", None),
    ("multi-lookup with a deleted item", "KkFocusAreasId", {"results": [1, 77]}, "deleted_lookup", [1]),
    ("bad url", "KkBcDocument", {"Url": "javascript:alert(1)", "Description": "x"}, "bad_url", None),
    ("yes/no as text", "KkBcApproved", "ja", None, True),
    ("yes/no nonsense", "KkBcApproved", "måske", "bad_boolean", False),
    ("number as object", "KkRank", {"a": 1}, "not_a_number", None),
]


def _attr(record: Any, path: str) -> Any:
    for part in path.split("."):
        record = getattr(record, part)
    return record


@pytest.mark.parametrize(("case", "column", "raw", "code", "expected"), CASES, ids=[c[0] for c in CASES])
def test_hostile_value(case: str, column: str, raw: object, code: str | None, expected: object) -> None:
    item = dict(BASE, **{column: raw})
    mapped = from_item(INITIATIVES, item, refs=REFS)

    name = column[:-2] if column.endswith("Id") and column[:-2] in INITIATIVES.by_name else column
    col = INITIATIVES.column(name)
    codes = [p.code for p in mapped.problems if p.column == name]
    if code is None:
        assert codes == []
    else:
        assert codes == [code]
        problem = next(p for p in mapped.problems if p.column == name)
        assert col.title in problem.message  # names the field as the department sees it
        assert problem.message.isprintable() or "\n" not in problem.message
    value = _attr(mapped.record, col.attr)
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    assert value == expected
    # the other fields survive
    assert mapped.record.key == "F11-07"
    assert mapped.record.purpose == "Et formål der skal overleve"
    assert mapped.record.plan_id == (None if column == "KkPlanId" else 2)


def test_missing_required_title_is_a_problem_not_a_crash() -> None:
    mapped = from_item(INITIATIVES, {"Id": 5, "KkKey": None, "Title": None})
    assert {p.column for p in mapped.problems} == {"KkKey", "Title"}
    assert all("skal udfyldes" in p.message for p in mapped.problems)
    assert mapped.record.id == 5


def test_negative_funding_amount_is_refused_with_a_finding() -> None:
    mapped = from_item(FUNDING, {"Id": 1, "KkInitiativeId": 3, "KkAmount": -500, "KkYear": 2012})
    assert [p.code for p in mapped.problems] == ["negative"]
    assert mapped.record.amount is None and mapped.record.year == 2012


def test_year_out_of_range() -> None:
    mapped = from_item(FUNDING, {"Id": 1, "KkYear": 1899, "KkAmount": 10})
    assert [p.code for p in mapped.problems] == ["out_of_range"]
    assert mapped.record.amount == Decimal("10")
