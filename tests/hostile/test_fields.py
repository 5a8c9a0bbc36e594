"""Hostile list field values, from item JSON all the way to the three documents.

For every case: mapping never raises; a value that cannot be taken becomes a Danish problem naming
the field as the department sees it, quotes what was typed, and reaches the department as a finding
of the check; every other field of the item survives unchanged; and the documents built from the
result open, pass the linter and carry no live formula.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from kksync.core.mapping import Refs, from_item
from kksync.core.model import DocumentType
from kksync.core.schema import list_schema
from kksync.errors import SharePointError
from kksync.services.records import DATA_LISTS
from tests.hostile.corpus import ANY, FIELDS, ITEMS, FieldCase, ItemCase
from tests.hostile.pipeline import ABSENT, assert_printable, document_text, run_pipeline

# Codes whose message is about the whole text rather than quoting a value.
_ABOUT_THE_TEXT = {"control_chars", "too_long", "script_removed", "required"}


def _document_for(case: FieldCase) -> DocumentType:
    """The document that shows the field (one per case keeps the corpus fast; all three are tested below)."""
    if case.list_key in ("statuses", "focus_areas"):
        return DocumentType.STATUS
    if case.prop.startswith("KkBc") or case.list_key in ("funding_lines", "figures"):
        return DocumentType.PLAN
    return DocumentType.READINESS  # lists the findings, so every problem message is in it


@cache
def _baseline() -> dict[tuple[str, int], dict[str, Any]]:
    """Every record as the untouched items map: what a hostile value must leave alone."""
    outcome = run_pipeline(documents=False)
    return {(s.key, r.id): r.model_dump(mode="json") for s in DATA_LISTS for r in getattr(outcome.portfolio, s.key)}


def _column(list_key: str, prop: str) -> Any:
    return next(c for c in list_schema(list_key).columns if prop in (c.name, c.wire_name))


def _attr(record: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        record = getattr(record, part)
    return record


def _without(dump: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    out = dict(dump)
    if len(path) == 1:
        out.pop(path[0], None)
    else:
        out[path[0]] = _without(out[path[0]], path[1:])
    return out


@pytest.mark.parametrize("case", FIELDS, ids=[c.id for c in FIELDS])
def test_field_value(case: FieldCase) -> None:
    col = _column(case.list_key, case.prop)
    edits = [(case.list_key, case.item_id, case.prop, case.raw), *((case.list_key, case.item_id, k, v) for k, v in case.also.items())]
    outcome = run_pipeline(edits, doc_types=[_document_for(case)])

    problems = [p for p in outcome.problems(case.list_key, case.item_id) if p.column == col.name]
    if case.code is None:
        assert problems == [], problems
    else:
        assert problems and {p.code for p in problems} == {case.code}, problems
        findings = outcome.finding_texts()
        for problem in problems:
            assert f"«{col.title}»" in problem.message  # the field as the department sees it
            assert_printable(problem.message)
            assert_printable(problem.value)
            if case.code not in _ABOUT_THE_TEXT:
                assert problem.value and problem.value in problem.message  # what was typed is quoted, not lost
            assert any(problem.message in text for text in findings), "no Danish finding reaches the department"

    record = outcome.record(case.list_key, case.item_id)
    if case.expect is not ANY:
        assert _attr(record, col.path) == case.expect
    # Nothing else the department typed on the item is lost.
    touched = [col.path, *(_column(case.list_key, k).path for k in case.also)]
    mine, theirs = record.model_dump(mode="json"), _baseline()[(case.list_key, case.item_id)]
    for path in touched:
        mine, theirs = _without(mine, path), _without(theirs, path)
    assert mine == theirs

    # The same item mapped in isolation (no knowledge of the site's users and items) does not raise either.
    item = {"Id": case.item_id, case.prop: case.raw, **case.also}
    if case.raw is ABSENT:
        del item[case.prop]
    for problem in from_item(list_schema(case.list_key), item).problems:
        assert_printable(problem.message)


def test_hostile_text_reaches_the_documents_literally() -> None:
    """Formula, XML-ish text and a right-to-left override are shown as typed, never interpreted."""
    title = "=cmd|' /C calc'!A0 <w:t>]]> \u202egpj.exe\u202c"
    outcome = run_pipeline([("initiatives", 100, "Title", title), ("plans", 1, "Title", "=HYPERLINK(\"x\")"),
                            ("focus_areas", 1, "Title", "@SUM(1+1)*cmd|' /C calc'!A0")])
    texts = [document_text(data) for data in outcome.documents.values()]
    assert any(title in text for text in texts)
    assert all("=HYPERLINK(\"x\")" in text for text in texts)  # the plan title heads every document
    assert outcome.record("initiatives", 100).title == title


@pytest.mark.parametrize("case", ITEMS, ids=[c.id for c in ITEMS])
def test_item_without_a_usable_id_is_a_sharepoint_error(case: ItemCase) -> None:
    """Not department input: SharePoint's own id. A clear product error, not a ValueError or a pydantic trace."""
    with pytest.raises(SharePointError, match="ugyldigt id") as caught:
        from_item(list_schema("focus_areas"), case.item, refs=Refs())
    assert "Tjek listen" in str(caught.value)
