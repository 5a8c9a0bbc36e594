"""Any valid record → SharePoint item JSON → record is equal, for every list in the schema."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kksync.core.mapping import from_item, to_item, to_payload
from kksync.core.schema import LISTS, ListSchema
from tests.strategies import records


@pytest.mark.parametrize("schema", LISTS, ids=lambda s: s.key)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_record_survives_the_round_trip(schema: ListSchema, data: st.DataObject) -> None:
    record = data.draw(records(schema))
    item = json.loads(json.dumps(to_item(record)))  # through real JSON, as on the wire
    mapped = from_item(schema, item)
    assert mapped.problems == ()
    assert mapped.record == record


@pytest.mark.parametrize("schema", LISTS, ids=lambda s: s.key)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_payload_is_json_and_names_only_schema_columns(schema: ListSchema, data: st.DataObject) -> None:
    record = data.draw(records(schema))
    payload = to_payload(record)
    json.dumps(payload)
    assert set(payload) == {c.wire_name for c in schema.columns}


def test_verbose_wrapper_and_string_numbers_are_read() -> None:
    schema = next(s for s in LISTS if s.key == "funding_lines")
    item = {"d": {"__metadata": {"etag": '"4"'}, "Id": 7, "KkInitiativeId": "3", "KkYear": "2012",
                  "KkAmount": "1234567.5", "KkSource": "Central pulje", "KkCategory": "Anlæg"}}
    mapped = from_item(schema, item)
    assert mapped.problems == ()
    assert mapped.meta.etag == '"4"' and mapped.meta.id == 7
    assert mapped.record.initiative_id == 3 and mapped.record.year == 2012
    assert str(mapped.record.amount) == "1234567.50"
