"""Folders in lists, site groups, role assignments with inheritance, and 403 on a write without edit rights."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from office365.runtime.client_request_exception import ClientRequestException
from office365.sharepoint.client_context import ClientContext

from sp_emulator import EmulatorServer
from sp_emulator.site import APP_USER_ID

CONTRIBUTE, READ, FULL = 1073741827, 1073741826, 1073741829


def _api(sp: EmulatorServer, method: str, path: str, body: Any = None, token: str = "t") -> requests.Response:
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json;odata=verbose"}
    return requests.request(method, f"{sp.url}/_api/{path}", json=body, headers=headers, timeout=10)


def _folder(sp: EmulatorServer, list_title: str, name: str) -> int:
    root = sp.site.find_list(title=list_title)["RootFolderUrl"]
    body = {"listItemCreateInfo": {"FolderPath": {"DecodedUrl": root}, "UnderlyingObjectType": 1,
                                   "LeafName": {"DecodedUrl": name}},
            "formValues": [{"FieldName": "Title", "FieldValue": name}]}
    answer = _api(sp, "POST", f"web/lists/getbytitle('{list_title}')/AddValidateUpdateItemUsingPath", body)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["d"]["AddValidateUpdateItemUsingPath"]["results"][0]["ItemId"])


def _in_folder(sp: EmulatorServer, list_title: str, folder: str, title: str) -> int:
    root = sp.site.find_list(title=list_title)["RootFolderUrl"]
    body = {"listItemCreateInfo": {"FolderPath": {"DecodedUrl": f"{root}/{folder}"}},
            "formValues": [{"FieldName": "Title", "FieldValue": title}]}
    answer = _api(sp, "POST", f"web/lists/getbytitle('{list_title}')/AddValidateUpdateItemUsingPath", body)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["d"]["AddValidateUpdateItemUsingPath"]["results"][0]["ItemId"])


def _user_ctx(sp: EmulatorServer, email: str) -> tuple[ClientContext, int]:
    token = sp.token_for(email)
    ctx = ClientContext(sp.url).with_access_token(
        lambda: {"access_token": token, "token_type": "Bearer", "expires_in": 3600})  # type: ignore[arg-type,return-value]
    return ctx, sp.token_users[token]


def test_folders_are_items_of_type_1_and_items_know_their_folder(sp: EmulatorServer) -> None:
    sp.create_list("Opgaver")
    folder = _folder(sp, "Opgaver", "ØKF")
    inside = _in_folder(sp, "Opgaver", "ØKF", "I mappen")
    outside = sp.add_item("Opgaver", {"Title": "I roden"})["ID"]
    rows = _api(sp, "GET", "web/lists/getbytitle('Opgaver')/items?$select=Id,FileSystemObjectType,FileDirRef,FileRef").json()
    by_id = {r["Id"]: r for r in rows["d"]["results"]}
    root = sp.site.find_list(title="Opgaver")["RootFolderUrl"]
    assert by_id[folder]["FileSystemObjectType"] == 1 and by_id[folder]["FileRef"] == f"{root}/ØKF"
    assert by_id[inside]["FileSystemObjectType"] == 0 and by_id[inside]["FileDirRef"] == f"{root}/ØKF"
    assert by_id[outside]["FileDirRef"] == root
    only_items = _api(sp, "GET", "web/lists/getbytitle('Opgaver')/items?$select=Id&$filter=FSObjType eq 0").json()
    assert sorted(r["Id"] for r in only_items["d"]["results"]) == sorted([inside, outside])
    again = _api(sp, "POST", "web/lists/getbytitle('Opgaver')/AddValidateUpdateItemUsingPath", {
        "listItemCreateInfo": {"FolderPath": {"DecodedUrl": root}, "UnderlyingObjectType": 1, "LeafName": {"DecodedUrl": "ØKF"}},
        "formValues": []})
    assert again.status_code == 400  # the folder exists
    missing = _api(sp, "POST", "web/lists/getbytitle('Opgaver')/AddValidateUpdateItemUsingPath", {
        "listItemCreateInfo": {"FolderPath": {"DecodedUrl": f"{root}/Findes-ikke"}}, "formValues": []})
    assert missing.status_code == 400


def test_breaking_inheritance_without_copying_leaves_the_caller_with_full_control(sp: EmulatorServer) -> None:
    sp.create_list("Opgaver")
    folder = _folder(sp, "Opgaver", "KFF")
    path = "web/lists/getbytitle('Opgaver')"
    assert _api(sp, "GET", f"{path}/hasuniqueroleassignments").json()["d"]["HasUniqueRoleAssignments"] is False
    assert _api(sp, "POST", f"{path}/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)").status_code == 200
    listed = _api(sp, "GET", f"{path}/roleassignments?$expand=Member,RoleDefinitionBindings").json()["d"]["results"]
    assert [(a["PrincipalId"], [r["Name"] for r in a["RoleDefinitionBindings"]["results"]]) for a in listed] == [
        (APP_USER_ID, ["Full Control"])]
    # the folder inherits the list's assignments until it breaks; clearSubscopes on the list resets it again
    assert _api(sp, "GET", f"{path}/items({folder})/roleassignments").json()["d"]["results"][0]["PrincipalId"] == APP_USER_ID
    _api(sp, "POST", f"{path}/items({folder})/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)")
    assert sp.perms.unique_scopes(sp.site.find_list(title="Opgaver")["Id"]) == 2
    _api(sp, "POST", f"{path}/resetroleinheritance")
    _api(sp, "POST", f"{path}/breakroleinheritance(copyRoleAssignments=true,clearSubscopes=true)")
    assert sp.perms.unique_scopes(sp.site.find_list(title="Opgaver")["Id"]) == 1


def test_groups_members_and_permission_levels(sp: EmulatorServer) -> None:
    created = _api(sp, "POST", "web/sitegroups", {"__metadata": {"type": "SP.Group"}, "Title": "Redaktører BUF"})
    assert created.status_code == 201 and created.json()["d"]["PrincipalType"] == 8
    twice = _api(sp, "POST", "web/sitegroups", {"__metadata": {"type": "SP.Group"}, "Title": "redaktører buf"})
    assert twice.status_code == 400 and "already in use" in twice.text
    added = _api(sp, "POST", "web/sitegroups/getbyname('Redaktører BUF')/users",
                 {"__metadata": {"type": "SP.User"}, "LoginName": "i:0#.f|membership|bo@kk.dk"})
    assert added.status_code == 201
    members = _api(sp, "GET", "web/sitegroups/getbyname('Redaktører BUF')/users").json()["d"]["results"]
    assert [m["Email"] for m in members] == ["bo@kk.dk"]
    assert _api(sp, "GET", "web/sitegroups/getbyname('Findes ikke')").status_code == 404
    contribute = _api(sp, "GET", "web/roledefinitions/getbytype(3)").json()["d"]
    assert (contribute["Name"], contribute["Id"]) == ("Contribute", CONTRIBUTE)
    _, user = _user_ctx(sp, "bo@kk.dk")
    refused = _api(sp, "POST", "web/sitegroups", {"Title": "Egen gruppe"}, token=next(
        t for t, u in sp.token_users.items() if u == user))
    assert refused.status_code == 403  # only the app (or a site collection administrator) manages permissions


def test_a_write_without_edit_rights_is_403_with_sharepoints_error(sp: EmulatorServer) -> None:
    sp.create_list("Opgaver")
    own, other = _folder(sp, "Opgaver", "BUF"), _folder(sp, "Opgaver", "SOF")
    mine, theirs = _in_folder(sp, "Opgaver", "BUF", "BUF's"), _in_folder(sp, "Opgaver", "SOF", "SOF's")
    lid = sp.site.find_list(title="Opgaver")["Id"]
    group = sp.perms.create_group("Redaktører BUF")
    ctx, user = _user_ctx(sp, "bo@kk.dk")
    sp.perms.add_member(group["Id"], user)
    ctx.web.lists.get_by_title("Opgaver").items.get_by_id(theirs).set_property("Title", "før").update().execute_query()
    for folder in (own, other):
        sp.perms.break_inheritance(f"item:{lid}:{folder}", copy=False, clear_subscopes=True, caller=APP_USER_ID)
        sp.perms.add_assignment(f"item:{lid}:{folder}", group["Id"], CONTRIBUTE if folder == own else READ)

    ctx.web.lists.get_by_title("Opgaver").items.get_by_id(mine).set_property("Title", "rettet").update().execute_query()
    assert sp.get_item("Opgaver", mine)["Title"] == "rettet"
    with pytest.raises(ClientRequestException) as refused:
        ctx.web.lists.get_by_title("Opgaver").items.get_by_id(theirs).set_property("Title", "x").update().execute_query()
    assert refused.value.response.status_code == 403
    assert refused.value.response.json() == {"error": {
        "code": "-2147024891, System.UnauthorizedAccessException",
        "message": {"lang": "en-US", "value": "Access is denied. (Exception from HRESULT: 0x80070005 (E_ACCESSDENIED))"}}}
    with pytest.raises(ClientRequestException):
        ctx.web.lists.get_by_title("Opgaver").items.get_by_id(theirs).delete_object().execute_query()
    assert sp.get_item("Opgaver", theirs)["Title"] == "før"
    # the app (Sites.Selected full control) and a site collection administrator are never refused
    assert _api(sp, "POST", f"web/lists/getbytitle('Opgaver')/items({theirs})/validateupdatelistitem",
                {"formValues": [{"FieldName": "Title", "FieldValue": "af appen"}]}).status_code == 200
    admin_ctx, admin = _user_ctx(sp, "admin@kk.dk")
    sp.store.put_user(dict(sp.store.users[admin], IsSiteAdmin=True))
    admin_ctx.web.lists.get_by_title("Opgaver").items.get_by_id(theirs).set_property("Title", "af admin").update().execute_query()
    assert sp.get_item("Opgaver", theirs)["Title"] == "af admin"
    # an item without unique permissions up to the web: everyone the emulator knows may edit it, as before
    free = sp.add_item("Opgaver", {"Title": "i roden"})["ID"]
    ctx.web.lists.get_by_title("Opgaver").items.get_by_id(free).set_property("Title", "frit").update().execute_query()
    assert sp.get_item("Opgaver", free)["Title"] == "frit"
