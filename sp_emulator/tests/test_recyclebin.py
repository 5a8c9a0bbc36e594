"""The recycle bin: recycle, list, restore (same id and fields, change type 7), purge; REST DELETE is final."""

from __future__ import annotations

import pytest
import requests
from office365.runtime.client_request_exception import ClientRequestException
from office365.sharepoint.changes.query import ChangeQuery
from office365.sharepoint.changes.token import ChangeToken
from office365.sharepoint.lists.creation_information import ListCreationInformation

from sp_emulator import EmulatorServer
from sp_emulator.fidelity import Fidelity

H = {
    "Authorization": "Bearer t",
    "Accept": "application/json;odata=verbose",
    "Content-Type": "application/json;odata=verbose",
}


def _token(lst) -> str:
    value = lst.properties["CurrentChangeToken"]
    return value.StringValue if hasattr(value, "StringValue") else value["StringValue"]


def _changes(lst, start: str) -> list[tuple[int, int]]:
    query = ChangeQuery(
        Item=True, Add=True, Update=True, DeleteObject=True, Restore=True, ChangeTokenStart=ChangeToken(start)
    )
    out = []
    for change in lst.get_changes(query).execute_query():
        kind = change.properties["ChangeType"]
        out.append((int(getattr(kind, "value", kind)), change.properties["ItemId"]))
    return out


def test_recycle_then_restore_through_the_library(ctx, sp: EmulatorServer) -> None:
    sp.create_list("Sager")
    sp.add_item("Sager", {"Title": "keep"})
    sp.add_item("Sager", {"Title": "recycle me"})
    lst = ctx.web.lists.get_by_title("Sager").get().execute_query()
    start = _token(lst)

    result = lst.items.get_by_id(2).recycle().execute_query()
    assert result.value and result.value == next(iter(sp.store.recycle_bin))
    with pytest.raises(ClientRequestException) as err:
        lst.items.get_by_id(2).get().execute_query()
    assert err.value.response.status_code == 404

    bin_items = ctx.web.recycle_bin.get().execute_query()
    assert len(bin_items) == 1
    entry = bin_items[0].properties
    assert entry["Title"] == "recycle me" and entry["ItemType"] == 3 and entry["LeafName"] == "2_.000"
    assert entry["DirName"] == "sites/kk-it/Lists/Sager" and entry["DeletedDate"]

    ctx.web.recycle_bin.get_by_id(entry["Id"]).restore().execute_query()
    again = lst.items.get_by_id(2).get().execute_query()
    assert again.properties["Title"] == "recycle me" and again.properties["Id"] == 2
    assert len(ctx.web.recycle_bin.get().execute_query()) == 0
    assert _changes(lst, start) == [(3, 2), (7, 2)]  # delete on recycle, restore on the way back


def test_browser_delete_recycles_and_purge_empties(sp: EmulatorServer) -> None:
    sp.create_list("Sager")
    sp.add_item("Sager", {"Title": "a"})
    entry_id = sp.delete_item("Sager", 1)
    assert [e["Id"] for e in sp.recycle_bin()] == [entry_id]
    assert sp.items("Sager") == []
    r = requests.get(f"{sp.url}/_api/web/RecycleBin('{entry_id}')", headers=H, timeout=5)
    assert r.ok and r.json()["d"]["Title"] == "a"
    assert sp.purge_recycle_bin() == 1
    r = requests.post(f"{sp.url}/_api/web/RecycleBin('{entry_id}')/restore", headers=H, timeout=5)
    assert r.status_code == 404
    assert "restored or deleted by another user" in r.json()["error"]["message"]["value"]


def test_restore_keeps_fields_but_drops_deleted_columns(sp: EmulatorServer) -> None:
    from sp_emulator.fields import make_field

    lst = sp.create_list("Sager")
    for title in ("Status", "Note"):
        sp.site.add_field(lst["Id"], make_field({"Title": title, "FieldTypeKind": 2}, sp.store.lists))
    sp.add_item("Sager", {"Title": "a", "Status": "Ny", "Note": "x"})
    sp.delete_item("Sager", 1)
    sp.site.delete_field(lst["Id"], "Note")
    restored = sp.restore_item("Sager", 1)
    assert restored["Status"] == "Ny" and "Note" not in restored
    assert sp.get_item("Sager", 1)["_version"] == 1  # a restore is not an edit


def test_rest_delete_is_final_unless_switched(tmp_path) -> None:
    for recycles in (False, True):
        with EmulatorServer(
            db_path=tmp_path / f"{recycles}.db", fidelity=Fidelity(rest_delete_recycles=recycles)
        ) as sp:
            sp.create_list("Sager")
            sp.add_item("Sager", {"Title": "a"})
            url = f"{sp.url}/_api/web/lists/getbytitle('Sager')/items(1)"
            r = requests.post(url, headers={**H, "X-HTTP-Method": "DELETE", "IF-MATCH": "*"}, timeout=5)
            assert r.status_code == 200
            assert len(sp.recycle_bin()) == (1 if recycles else 0)
            assert sp.items("Sager") == []


def test_recycled_file_comes_back_with_its_content(ctx, sp: EmulatorServer) -> None:
    lib = ctx.web.lists.add(ListCreationInformation("Dokumenter", None, 101)).execute_query()
    lib.root_folder.files.add("a.docx", b"hello", overwrite=True).execute_query()
    url = "/sites/kk-it/Dokumenter/a.docx"
    entry_id = ctx.web.get_file_by_server_relative_url(url).recycle().execute_query().value
    entry = sp.store.recycle_bin[entry_id]
    assert entry["ItemType"] == 1 and entry["LeafName"] == "a.docx" and entry["DirName"] == "sites/kk-it/Dokumenter"
    ctx.web.recycle_bin.get_by_id(entry_id).restore().execute_query()
    data = ctx.web.get_file_by_server_relative_url(url).get_content().execute_query()
    assert data.value == b"hello"
