"""Columns and lists as SharePoint Online treats them: missing columns fail reads, deletes work, required is
not enforced over REST, choices change without touching stored values, entity names come from the URL."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from office365.runtime.client_request_exception import ClientRequestException
from office365.sharepoint.fields.creation_information import FieldCreationInformation
from office365.sharepoint.fields.type import FieldType
from office365.sharepoint.lists.creation_information import ListCreationInformation

from sp_emulator import EmulatorServer
from sp_emulator.fidelity import Fidelity

H = {
    "Authorization": "Bearer t",
    "Accept": "application/json;odata=verbose",
    "Content-Type": "application/json;odata=verbose",
}


def _items_url(sp: EmulatorServer, title: str = "Sager") -> str:
    return f"{sp.url}/_api/web/lists/getbytitle('{title}')/items"


def _with_status_column(ctx) -> object:
    lst = ctx.web.lists.add(ListCreationInformation("Sager", None, 100)).execute_query()
    lst.fields.add_field(FieldCreationInformation("Status", FieldType.Choice, Choices=["Ny", "Lukket"])).execute_query()
    return lst


def test_select_of_a_missing_field_fails_the_whole_read(ctx, sp: EmulatorServer) -> None:
    _with_status_column(ctx)
    sp.add_item("Sager", {"Title": "a", "Status": "Ny"})
    r = requests.get(_items_url(sp), params={"$select": "Id,Title,Budget"}, headers=H, timeout=5)
    assert r.status_code == 400
    assert r.json() == {
        "error": {
            "code": "-1, Microsoft.SharePoint.SPException",
            "message": {"lang": "en-US", "value": "The field or property 'Budget' does not exist."},
        }
    }
    r = requests.get(
        f"{_items_url(sp)}(1)", params={"$select": "Budget/Title", "$expand": "Budget"}, headers=H, timeout=5
    )
    assert r.status_code == 400 and "'Budget'" in r.text
    # Columns, <Lookup>Id forms and item properties that are not columns are fine.
    ok = requests.get(
        _items_url(sp), params={"$select": "Id,Title,Status,AuthorId,FileSystemObjectType"}, headers=H, timeout=5
    )
    assert ok.status_code == 200 and ok.json()["d"]["results"][0]["Status"] == "Ny"
    with pytest.raises(ClientRequestException) as err:  # the library sees the same error
        ctx.web.lists.get_by_title("Sager").items.select(["Budget"]).get().execute_query()
    assert err.value.response.status_code == 400


@pytest.mark.parametrize("option", ["$filter", "$orderby"])
def test_filter_or_order_on_a_missing_column(sp: EmulatorServer, option: str) -> None:
    sp.create_list("Sager")  # empty: the column is checked before any row is read
    value = "Budget gt 5" if option == "$filter" else "Budget desc"
    r = requests.get(_items_url(sp), params={option: value}, headers=H, timeout=5)
    assert r.status_code == 400
    assert (
        r.json()["error"]["message"]["value"]
        == "Column 'Budget' does not exist. It may have been deleted by another user."
    )


def test_filter_on_a_missing_column_with_the_select_text_when_switched(tmp_path: Path) -> None:
    with EmulatorServer(
        db_path=tmp_path / "sp.db", fidelity=Fidelity(missing_field_in_filter="field_or_property")
    ) as sp:
        sp.create_list("Sager")
        r = requests.get(_items_url(sp), params={"$filter": "Budget/Id eq 1"}, headers=H, timeout=5)
        assert r.status_code == 400
        assert r.json()["error"]["message"]["value"] == "The field or property 'Budget' does not exist."


def test_required_columns_are_not_enforced_over_rest(ctx, sp: EmulatorServer) -> None:
    lst = ctx.web.lists.add(ListCreationInformation("Sager", None, 100)).execute_query()
    lst.fields.add_field(FieldCreationInformation("Ansvar", FieldType.Text, Required=True)).execute_query()
    assert lst.fields.get_by_internal_name_or_title("Ansvar").get().execute_query().properties["Required"] is True
    item = lst.add_item({"Title": "no owner"}).execute_query()
    assert sp.get_item("Sager", item.properties["Id"])["Ansvar"] is None
    item.set_property("Title", "still none").update().execute_query()
    assert sp.get_item("Sager", item.properties["Id"])["Title"] == "still none"


def test_fields_are_deletable_and_their_values_go(ctx, sp: EmulatorServer) -> None:
    lst = _with_status_column(ctx)
    lst.fields.add_field(FieldCreationInformation("Note", FieldType.Text)).execute_query()
    sp.add_item("Sager", {"Title": "a", "Status": "Ny", "Note": "x"})
    # The documented form: POST with X-HTTP-Method: DELETE on getbyinternalnameortitle.
    url = f"{sp.url}/_api/web/lists/getbytitle('Sager')/fields/getbyinternalnameortitle('Status')"
    r = requests.post(url, headers={**H, "X-HTTP-Method": "DELETE", "IF-MATCH": "*"}, timeout=5)
    assert r.status_code == 200
    # The library's DeleteObject.
    lst.fields.get_by_internal_name_or_title("Note").delete_object().execute_query()
    names = {f.properties["InternalName"] for f in lst.fields.get().execute_query()}
    assert not {"Status", "Note"} & names
    item = requests.get(f"{_items_url(sp)}(1)", headers=H, timeout=5).json()["d"]
    assert "Status" not in item and "Note" not in item and item["Title"] == "a"
    # A column created again under the same name starts empty.
    lst.fields.add_field(FieldCreationInformation("Note", FieldType.Text)).execute_query()
    assert requests.get(f"{_items_url(sp)}(1)", headers=H, timeout=5).json()["d"]["Note"] is None


def test_base_type_fields_cannot_be_deleted(sp: EmulatorServer) -> None:
    sp.create_list("Sager")
    url = f"{sp.url}/_api/web/lists/getbytitle('Sager')/fields/getbyinternalnameortitle('Created')/deleteobject"
    r = requests.post(url, headers=H, timeout=5)
    assert r.status_code == 400 and r.json()["error"]["code"].startswith("-2130575215")


def test_lists_are_deletable(ctx, sp: EmulatorServer) -> None:
    _with_status_column(ctx)
    sp.add_item("Sager", {"Title": "a"})
    ctx.web.lists.get_by_title("Sager").delete_object().execute_query()
    r = requests.get(_items_url(sp), headers=H, timeout=5)
    assert r.status_code == 404
    assert [lst.properties["Title"] for lst in ctx.web.lists.get().execute_query()] == []


def test_choices_change_and_stored_values_keep_their_text(ctx, sp: EmulatorServer) -> None:
    _with_status_column(ctx)
    sp.add_item("Sager", {"Title": "a", "Status": "Lukket"})
    url = f"{sp.url}/_api/web/lists/getbytitle('Sager')/fields/getbyinternalnameortitle('Status')"
    body = {"__metadata": {"type": "SP.FieldChoice"}, "Choices": {"results": ["Ny", "Afsluttet"]}}
    r = requests.post(url, headers={**H, "X-HTTP-Method": "MERGE", "IF-MATCH": "*"}, json=body, timeout=5)
    assert r.status_code == 204
    field = requests.get(url, headers=H, timeout=5).json()["d"]
    assert field["Choices"]["results"] == ["Ny", "Afsluttet"]
    assert requests.get(f"{_items_url(sp)}(1)", headers=H, timeout=5).json()["d"]["Status"] == "Lukket"


@pytest.mark.parametrize(
    ("title", "template", "expected"),
    [
        ("Test", 100, "SP.Data.TestListItem"),  # working-with-lists-and-list-items-with-rest.md
        ("Calendar DC", 100, "SP.Data.Calendar_x0020_DCListItem"),  # sp-dev-docs #9315
        ("sager", 100, "SP.Data.SagerListItem"),  # first letter upper-cased (PnP Core ListMetaDataMapper)
        ("Mine_sager", 100, "SP.Data.Mine_x005f_sagerListItem"),
        ("Dokumenter", 101, "SP.Data.DokumenterItem"),  # libraries: no "List"
        ("Milepæle 2026", 100, "SP.Data.Milep_x00e6_le_x0020_2026ListItem"),  # unverified encoding
    ],
)
def test_entity_type_names(sp: EmulatorServer, title: str, template: int, expected: str) -> None:
    r = requests.post(f"{sp.url}/_api/web/lists", headers=H, json={"Title": title, "BaseTemplate": template}, timeout=5)
    assert r.status_code == 201 and r.json()["d"]["ListItemEntityTypeFullName"] == expected


def test_entity_type_names_strip_specials_when_switched(tmp_path: Path) -> None:
    with EmulatorServer(db_path=tmp_path / "sp.db", fidelity=Fidelity(entity_name_specials="strip")) as sp:
        assert sp.create_list("Milepæle-2026")["ListItemEntityTypeFullName"] == "SP.Data.Mileple2026ListItem"


def test_a_renamed_list_keeps_its_entity_type_and_url(ctx, sp: EmulatorServer) -> None:
    lst = ctx.web.lists.add(ListCreationInformation("Sager", None, 100)).execute_query()
    lst.set_property("Title", "Projekter").update().execute_query()
    renamed = ctx.web.lists.get_by_title("Projekter").get().execute_query().properties
    assert renamed["ListItemEntityTypeFullName"] == "SP.Data.SagerListItem"
    assert renamed["EntityTypeName"] == "SagerList"
    assert sp.site.find_list(title="Projekter")["RootFolderUrl"] == "/sites/kk-it/Lists/Sager"
    item = ctx.web.lists.get_by_title("Projekter").add_item({"Title": "a"}).execute_query()
    assert item.properties["Id"] == 1
