"""Verbose payloads and paging; `$top` and the list view threshold (a fixed error, not throttling) versus
throttling (429/503 with Retry-After)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from sp_emulator import EmulatorServer
from sp_emulator.fidelity import Fidelity
from sp_emulator.fields import make_field

H = {
    "Authorization": "Bearer t",
    "Accept": "application/json;odata=verbose",
    "Content-Type": "application/json;odata=verbose",
}


def _items(sp: EmulatorServer, title: str = "A") -> str:
    return f"{sp.url}/_api/web/lists/getbytitle('{title}')/items"


def _fill(sp: EmulatorServer, n: int, title: str = "A") -> None:
    lst = sp.create_list(title)
    with sp.store.lock:
        for i in range(n):
            sp.site.create_item(lst["Id"], {"Title": f"T{i}"}, 1073741822)


def test_verbose_payload_and_skiptoken_paging(sp: EmulatorServer) -> None:
    _fill(sp, 5)
    first = requests.get(_items(sp), params={"$top": "2"}, headers=H, timeout=5).json()
    assert set(first) == {"d"} and len(first["d"]["results"]) == 2
    meta = first["d"]["results"][0]["__metadata"]
    assert meta["type"] == "SP.Data.AListItem" and meta["etag"] == '"1"' and meta["uri"].startswith("http://")
    next_url = first["d"]["__next"]
    assert next_url.startswith(sp.url)  # absolute
    assert parse_qs(urlsplit(next_url).query)["$skiptoken"] == ["Paged=TRUE&p_ID=2"]
    ids = [r["Id"] for r in first["d"]["results"]]
    while next_url:
        page = requests.get(next_url, headers=H, timeout=5).json()["d"]
        ids += [r["Id"] for r in page["results"]]
        next_url = page.get("__next")
    assert ids == [1, 2, 3, 4, 5]


def test_skip_is_ignored_on_list_items(sp: EmulatorServer) -> None:
    _fill(sp, 5)
    page = requests.get(_items(sp), params={"$top": "2", "$skip": "2"}, headers=H, timeout=5).json()["d"]
    assert [r["Id"] for r in page["results"]] == [1, 2]  # SharePoint pages list items by $skiptoken only


def test_no_next_link_on_an_exactly_full_last_page_unless_switched(tmp_path: Path) -> None:
    for switched in (False, True):
        fidelity = Fidelity(next_link_on_full_last_page=switched)
        with EmulatorServer(db_path=tmp_path / f"{switched}.db", fidelity=fidelity) as sp:
            _fill(sp, 4)
            page = requests.get(_items(sp), params={"$top": "4"}, headers=H, timeout=5).json()["d"]
            assert ("__next" in page) is switched
            if switched:
                assert requests.get(page["__next"], headers=H, timeout=5).json()["d"]["results"] == []


def test_top_above_5000_is_refused_or_capped_when_switched(tmp_path: Path) -> None:
    with EmulatorServer(db_path=tmp_path / "a.db") as sp:
        _fill(sp, 3)
        assert requests.get(_items(sp), params={"$top": "5000"}, headers=H, timeout=5).status_code == 200
        r = requests.get(_items(sp), params={"$top": "5001"}, headers=H, timeout=5)
        assert r.status_code == 400 and "5000" in r.json()["error"]["message"]["value"]
    with EmulatorServer(db_path=tmp_path / "b.db", fidelity=Fidelity(top_above_limit="cap")) as sp:
        _fill(sp, 3)
        r = requests.get(_items(sp), params={"$top": "10000"}, headers=H, timeout=5)
        assert r.status_code == 200 and len(r.json()["d"]["results"]) == 3


def test_list_view_threshold_is_a_fixed_500_not_throttling(sp: EmulatorServer) -> None:
    lst = sp.create_list("Big")
    sp.site.add_field(lst["Id"], make_field({"Title": "Status", "FieldTypeKind": 2}, sp.store.lists))
    with sp.store.lock:
        for i in range(6001):
            sp.site.create_item(lst["Id"], {"Title": f"T{i}", "Status": "Ny" if i < 6000 else "Lukket"}, 1073741822)
    base = _items(sp, "Big")

    def expect_threshold(params: dict[str, str]) -> None:
        r = requests.get(base, params=params, headers=H, timeout=10)
        assert r.status_code == 500 and "Retry-After" not in r.headers
        assert r.json()["error"] == {
            "code": "-2147024860, Microsoft.SharePoint.SPQueryThrottledException",
            "message": {
                "lang": "en-US",
                "value": "The attempted operation is prohibited because it exceeds the list view threshold.",
            },
        }

    expect_threshold({"$filter": "Status eq 'Lukket'"})  # a non-indexed column on a list above 5,000 items
    expect_threshold({"$orderby": "Status"})
    sp.set_indexed("Big", "Status")
    one = requests.get(base, params={"$filter": "Status eq 'Lukket'"}, headers=H, timeout=10)
    assert [r["Id"] for r in one.json()["d"]["results"]] == [6001]
    expect_threshold({"$filter": "Status eq 'Ny'", "$top": "100"})  # indexed, but 6,000 rows still match
    by_id = requests.get(base, params={"$filter": "ID gt 10", "$top": "5"}, headers=H, timeout=10)
    assert by_id.status_code == 200 and len(by_id.json()["d"]["results"]) == 5  # the ID index serves ranges


@pytest.mark.parametrize("status", [429, 503])
def test_throttling_carries_retry_after(sp: EmulatorServer, status: int) -> None:
    sp.create_list("A")
    sp.faults.throttle(status=status, retry_after=7, times=1)
    r = requests.get(_items(sp), headers=H, timeout=5)
    assert r.status_code == status and r.headers["Retry-After"] == "7"
    assert requests.get(_items(sp), headers=H, timeout=5).status_code == 200
