"""Views as SharePoint Online stores and serves them, and CAML applied when items are read through a query."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from sp_emulator import EmulatorServer

H = {"Authorization": "Bearer t", "Accept": "application/json;odata=verbose",
     "Content-Type": "application/json;odata=verbose"}
NUMBER = ('<Field Type="Number" Name="Rank" StaticName="Rank" DisplayName="Rang" />')
CHOICE = ('<Field Type="Choice" Name="State" StaticName="State" DisplayName="Tilstand"><CHOICES><CHOICE>Ny</CHOICE>'
          "<CHOICE>Lukket</CHOICE></CHOICES></Field>")
USER = '<Field Type="User" Name="Owner" StaticName="Owner" DisplayName="Ejer" />'
DUE = '<Field Type="DateTime" Name="Due" StaticName="Due" DisplayName="Frist" Format="DateOnly" />'


def _api(sp: EmulatorServer, path: str) -> str:
    return f"{sp.url}/_api/web/lists/getbytitle('Sager')/{path}"


def _post(sp: EmulatorServer, path: str, body: Any = None, *, token: str = "t", method: str | None = None) -> requests.Response:
    headers = {**H, "Authorization": f"Bearer {token}", **({"X-HTTP-Method": method, "IF-MATCH": "*"} if method else {})}
    return requests.post(_api(sp, path), json=body, headers=headers, timeout=5)


@pytest.fixture
def site(tmp_path: Path) -> Any:
    clock = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    with EmulatorServer(db_path=tmp_path / "sp.db", clock=lambda: clock) as sp:
        sp.create_list("Sager")
        for xml in (NUMBER, CHOICE, USER, DUE):
            _post(sp, "fields/createfieldasxml", {"parameters": {"SchemaXml": xml, "Options": 8}}).raise_for_status()
        ids = {name: int(sp.add_user(f"{name}@kk.dk", name.title())["Id"]) for name in ("mette", "jens")}
        rows = [("a", 3, "Ny", "mette", "2026-11-01"), ("b", 1, "Lukket", "jens", "2026-12-24"),
                ("c", 2, "Ny", "jens", None), ("d", 4, None, None, "2026-12-02"), ("e", 5, "Ny", "mette", "2027-01-05")]
        for title, rank, state, owner, due in rows:
            sp.add_item("Sager", {"Title": title, "Rank": rank, "State": state,
                                  "OwnerId": ids[owner] if owner else None, "Due": f"{due}T00:00:00Z" if due else None})
        yield sp, ids


def _query(sp: EmulatorServer, inner: str, *, token: str = "t", limit: int | None = None) -> list[str]:
    xml = f"<View><Query>{inner}</Query>{f'<RowLimit>{limit}</RowLimit>' if limit else ''}</View>"
    r = _post(sp, "getitems", {"query": {"__metadata": {"type": "SP.CamlQuery"}, "ViewXml": xml}}, token=token)
    r.raise_for_status()
    return [row["Title"] for row in r.json()["d"]["results"]]


def _where(field: str, op: str, value: str, kind: str = "Text", extra: str = "") -> str:
    return f'<Where><{op}><FieldRef Name="{field}"{extra}/><Value Type="{kind}">{value}</Value></{op}></Where>'


@pytest.mark.parametrize(("op", "value", "expected"), [
    ("Eq", "2", ["c"]), ("Neq", "2", ["a", "b", "d", "e"]), ("Lt", "3", ["b", "c"]), ("Leq", "3", ["a", "b", "c"]),
    ("Gt", "3", ["d", "e"]), ("Geq", "4", ["d", "e"]),
])
def test_comparisons_on_a_number(site: Any, op: str, value: str, expected: list[str]) -> None:
    sp, _ = site
    assert _query(sp, _where("Rank", op, value, "Number")) == expected


def test_null_in_contains_and_or(site: Any) -> None:
    sp, _ = site
    assert _query(sp, '<Where><IsNull><FieldRef Name="State"/></IsNull></Where>') == ["d"]
    assert _query(sp, '<Where><IsNotNull><FieldRef Name="Due"/></IsNotNull></Where>') == ["a", "b", "d", "e"]
    assert _query(sp, '<Where><In><FieldRef Name="Title"/><Values><Value Type="Text">a</Value>'
                      '<Value Type="Text">E</Value></Values></In></Where>') == ["a", "e"]  # case-insensitive
    assert _query(sp, _where("State", "Contains", "uk", "Choice")) == ["b"]
    both = ('<Where><And><Eq><FieldRef Name="State"/><Value Type="Choice">Ny</Value></Eq>'
            '<Gt><FieldRef Name="Rank"/><Value Type="Number">2</Value></Gt></And></Where>')
    assert _query(sp, both) == ["a", "e"]
    either = ('<Where><Or><Eq><FieldRef Name="Rank"/><Value Type="Number">1</Value></Eq>'
              '<IsNull><FieldRef Name="Owner"/></IsNull></Or></Where>')
    assert _query(sp, either) == ["b", "d"]


def test_user_id_is_the_user_of_the_token(site: Any) -> None:
    sp, ids = site
    mine = _where("Owner", "Eq", "<UserID Type=\"Integer\"/>", "Integer", ' LookupId="TRUE"')
    sp.token_users["mette-token"] = ids["mette"]
    sp.token_users["jens-token"] = ids["jens"]
    assert _query(sp, mine, token="mette-token") == ["a", "e"]
    assert _query(sp, mine, token="jens-token") == ["b", "c"]
    assert _query(sp, mine) == []  # an app-only token is no one's owner
    # without LookupId the person compares by display name
    assert _query(sp, _where("Owner", "Eq", "Mette", "User")) == ["a", "e"]


def test_today_order_group_and_row_limit(site: Any) -> None:
    sp, _ = site
    overdue = '<Where><Lt><FieldRef Name="Due"/><Value Type="DateTime"><Today/></Value></Lt></Where>'
    assert _query(sp, overdue) == ["a", "d"]  # the site's clock says 3 December 2026
    soon = '<Where><Leq><FieldRef Name="Due"/><Value Type="DateTime"><Today OffsetDays="21"/></Value></Leq></Where>'
    assert _query(sp, soon) == ["a", "b", "d"]
    assert _query(sp, '<OrderBy><FieldRef Name="Rank" Ascending="FALSE"/></OrderBy>') == ["e", "d", "a", "c", "b"]
    grouped = '<GroupBy><FieldRef Name="State"/></GroupBy><OrderBy><FieldRef Name="Rank"/></OrderBy>'
    assert _query(sp, grouped) == ["d", "b", "c", "a", "e"]  # empty group first, then Lukket, Ny
    assert _query(sp, '<OrderBy><FieldRef Name="Rank"/></OrderBy>', limit=2) == ["b", "c"]


def test_bad_caml_is_refused(site: Any) -> None:
    sp, _ = site
    body = lambda inner: {"query": {"ViewXml": f"<View><Query>{inner}</Query></View>"}}  # noqa: E731
    unknown = _post(sp, "getitems", body(_where("Nope", "Eq", "1")))
    assert unknown.status_code == 400 and "field types are not installed properly" in unknown.text
    one_sided = _post(sp, "getitems", body('<Where><And><IsNull><FieldRef Name="State"/></IsNull></And></Where>'))
    assert one_sided.status_code == 400
    assert _post(sp, "getitems", body("<Where><Eq>")).status_code == 400


def _views(sp: EmulatorServer) -> dict[str, dict[str, Any]]:
    r = requests.get(_api(sp, "views?$expand=ViewFields"), headers=H, timeout=5)
    r.raise_for_status()
    return {v["Title"]: v for v in r.json()["d"]["results"]}


def test_views_are_stored_served_and_kept_across_restarts(site: Any, tmp_path: Path) -> None:
    sp, _ = site
    first = _views(sp)
    assert list(first) == ["All Items"] and first["All Items"]["DefaultView"] is True
    assert first["All Items"]["ViewFields"]["Items"]["results"][0] == "LinkTitle"
    info = {"__metadata": {"type": "SP.ViewCreationInformation"}, "Title": "Åbne sager", "RowLimit": 50,
            "ViewFields": {"results": ["LinkTitle", "Rank"]}, "SetAsDefaultView": True,
            "Query": '<Where><Eq><FieldRef Name="State"/><Value Type="Choice">Ny</Value></Eq></Where>'}
    created = _post(sp, "views/add", {"parameters": info}).json()["d"]
    assert created["__metadata"]["type"] == "SP.View" and created["ServerRelativeUrl"].endswith(".aspx")
    views = _views(sp)
    assert views["Åbne sager"]["DefaultView"] and not views["All Items"]["DefaultView"]
    path = f"views(guid'{created['Id']}')"
    _post(sp, f"{path}/viewfields/addviewfield('Owner')").raise_for_status()
    _post(sp, f"{path}/viewfields/moveviewfieldto", {"field": "Owner", "index": 0}).raise_for_status()
    _post(sp, f"{path}/viewfields/removeviewfield('Rank')").raise_for_status()
    _post(sp, path, {"__metadata": {"type": "SP.View"}, "RowLimit": 10}, method="MERGE").raise_for_status()
    got = requests.get(_api(sp, "views/getbytitle('Åbne sager')/viewfields"), headers=H, timeout=5).json()["d"]
    assert got["Items"]["results"] == ["Owner", "LinkTitle"]
    assert _post(sp, f"{path}/viewfields/addviewfield('Nope')").status_code == 400
    assert _post(sp, path, method="DELETE").status_code == 500  # the default view stays
    assert requests.get(_api(sp, "views/getbytitle('Ingen')"), headers=H, timeout=5).status_code == 404
    bad = {"parameters": {"Title": "Forkert", "Query": "<Where><Eq>"}}
    assert _post(sp, "views/add", bad).status_code == 400
    spare = _post(sp, "views/add", {"parameters": {"Title": "Til sletning"}}).json()["d"]
    assert _post(sp, f"views(guid'{spare['Id']}')/deleteobject").status_code == 200
    assert "Til sletning" not in _views(sp)

    sp.stop()
    with EmulatorServer(db_path=tmp_path / "sp.db") as again:
        kept = {v["Title"]: v for v in requests.get(
            f"{again.url}/_api/web/lists/getbytitle('Sager')/views", headers=H, timeout=5).json()["d"]["results"]}
        assert kept["Åbne sager"]["RowLimit"] == 10 and kept["Åbne sager"]["DefaultView"] is True


def test_a_query_on_an_unindexed_column_fails_above_the_list_view_threshold(site: Any) -> None:
    sp, _ = site
    sp.site.list_view_threshold = 3  # five items: above it
    inner = _where("Rank", "Eq", "2", "Number")
    r = _post(sp, "getitems", {"query": {"ViewXml": f"<View><Query>{inner}</Query></View>"}})
    assert r.status_code == 500 and "SPQueryThrottledException" in r.text
    sp.set_indexed("Sager", "Rank")
    assert _query(sp, inner) == ["c"]


def test_custom_formatter_is_stored_and_served_as_sent(site: Any) -> None:
    sp, _ = site
    formatter = '{"elmType":"span","txtContent":"@currentField"}'
    path = "fields/getbyinternalnameortitle('State')"
    _post(sp, path, {"__metadata": {"type": "SP.Field"}, "CustomFormatter": formatter}, method="MERGE").raise_for_status()
    r = requests.get(_api(sp, "fields?$select=InternalName,CustomFormatter"), headers=H, timeout=5)
    served = {f["InternalName"]: f.get("CustomFormatter") for f in r.json()["d"]["results"]}
    assert served["State"] == formatter and not served.get("Rank")
