"""The views derived from the model, and the CAML builder they are written with."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kksync.core import caml
from kksync.core.caml import ME, Query, Today, canonical_xml
from kksync.core.schema import list_schema
from kksync.core.views import LINK_TITLE, VIEWS, view, views_for


def test_views_name_columns_of_their_list_and_filter_only_on_indexed_ones() -> None:
    for v in VIEWS:
        schema = list_schema(v.list_key)
        names = {c.name for c in schema.columns}
        assert all(f == LINK_TITLE or f in names for f in v.fields), v.title
        query = ET.fromstring(f"<Query>{v.query_xml}</Query>")
        for ref in query.iter("FieldRef"):
            col = schema.column(ref.get("Name", ""))
            assert col.indexed, f"{v.title}: {col.name} is filtered, sorted or grouped but not indexed"
    for key in {v.list_key for v in VIEWS}:
        assert sum(v.default for v in views_for(key)) == 1


def test_the_issue_s_initiative_views() -> None:
    titles = {v.title for v in views_for("initiatives")}
    assert {"Mine initiativer", "Mangler – pr. forvaltning", "Til politisk behandling"} <= titles
    mine = ET.fromstring(f"<Q>{view('initiatives', 'Mine initiativer').query_xml}</Q>")
    either = mine.find("Where/Or")
    assert either is not None
    assert [e.find("FieldRef").get("Name") for e in either] == ["KkProjectOwner", "KkProjectManager"]  # type: ignore[union-attr]
    assert all(e.find("Value/UserID") is not None for e in either)
    missing = ET.fromstring(f"<Q>{view('initiatives', 'Mangler – pr. forvaltning').query_xml}</Q>")
    assert missing.find("GroupBy/FieldRef").get("Name") == "KkAdministration"  # type: ignore[union-attr]
    assert missing.find("OrderBy/FieldRef").get("Name") == "KkRank"  # type: ignore[union-attr]
    ready = view("initiatives", "Til politisk behandling").query_xml
    assert "KkPlanStage" in ready and "Klar til politisk behandling" in ready
    default = next(v for v in views_for("initiatives") if v.default)
    assert len(default.fields) <= 10 and "KkMissing" in default.fields


def test_values_are_escaped_never_pasted() -> None:
    title = list_schema("initiatives").column("Title")
    hostile = 'a</Value></Eq><IsNotNull><FieldRef Name="ID"/></IsNotNull><Eq x="&'
    xml = Query(where=caml.eq(title, hostile)).xml()
    parsed = ET.fromstring(f"<Q>{xml}</Q>")
    assert parsed.find("Where/Eq/Value").text == hostile  # type: ignore[union-attr]
    assert parsed.find("Where/IsNotNull") is None


def test_and_or_nest_in_pairs_and_specials_render() -> None:
    schema = list_schema("milestones")
    due, done = schema.column("KkDue"), schema.column("KkCompletedOn")
    three = caml.all_of(caml.is_null(done), caml.lt(due, Today()), caml.geq(due, Today(-30)))
    root = ET.fromstring(f"<Q>{Query(where=three).xml()}</Q>")
    assert all(len(node) == 2 for node in root.iter("And"))
    assert len(list(root.iter("And"))) == 2
    assert root.find(".//Today[@OffsetDays='-30']") is not None
    owner = list_schema("initiatives").column("KkProjectOwner")
    assert 'LookupId="TRUE"' in Query(where=caml.eq(owner, ME)).xml()
    with pytest.raises(ValueError):
        caml.any_of()


def test_canonical_xml_ignores_form_not_content() -> None:
    a = '<OrderBy><FieldRef Name="KkRank" Ascending="TRUE" /></OrderBy>'
    b = "<OrderBy>\n  <FieldRef Ascending='TRUE' Name='KkRank'/>\n</OrderBy>"
    assert canonical_xml(a) == canonical_xml(b)
    assert canonical_xml(a) != canonical_xml(a.replace("TRUE", "FALSE"))
    assert canonical_xml("<Where><Eq>") == "<Where><Eq>"  # unreadable stays itself, so it differs
