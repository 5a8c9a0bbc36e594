"""A department edits its own items: groups, folders and unique permissions, enforced by the emulator.

The department user's requests go through the unmodified office365 library with that user's token; the
product provisions and writes as the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from office365.runtime.client_request_exception import ClientRequestException
from office365.runtime.http.http_method import HttpMethod
from office365.runtime.http.request_options import RequestOptions
from office365.sharepoint.client_context import ClientContext

from kksync.checks.governance import PermissionRules, load_governance
from kksync.core.model import Administration
from kksync.core.schema import list_schema
from kksync.services.provision import provision
from kksync.sharepoint.client import SharePointClient
from sp_emulator import EmulatorServer
from tests.sharepoint.conftest import client_for

INITIATIVES = list_schema("initiatives").title
FUNDING = list_schema("funding_lines").title
RULES = load_governance().permissions


def _context(sp: EmulatorServer, token: str) -> ClientContext:
    return ClientContext(sp.url).with_access_token(
        lambda: {"access_token": token, "token_type": "Bearer", "expires_in": 3600}  # type: ignore[arg-type,return-value]
    )


def _rename(ctx: ClientContext, list_title: str, item_id: int, title: str) -> None:
    item = ctx.web.lists.get_by_title(list_title).items.get_by_id(item_id)
    item.set_property("Title", title).update().execute_query()


@pytest.fixture
def site(tmp_path) -> Iterator[tuple[EmulatorServer, SharePointClient]]:  # type: ignore[no-untyped-def]
    with EmulatorServer(db_path=tmp_path / "sp.db") as sp:
        client = client_for(sp)
        provision(client)
        yield sp, client


def _initiative(client: SharePointClient, sp: EmulatorServer, admin: Administration, title: str) -> int:
    root = sp.site.find_list(title=INITIATIVES)["RootFolderUrl"]
    return client.permissions.add_using_path(INITIATIVES, f"{root}/{admin.value}",
                                             {"Title": title, "KkAdministration": admin.value})


def test_without_permissions_a_department_user_edits_as_before(site) -> None:  # type: ignore[no-untyped-def]
    sp, _client = site
    item = sp.add_item(INITIATIVES, {"Title": "Før tilladelser"})
    _rename(_context(sp, sp.token_for("mette@kk.dk")), INITIATIVES, item["ID"], "Ændret")
    assert sp.get_item(INITIATIVES, item["ID"])["Title"] == "Ændret"


def test_a_department_edits_its_own_initiative_and_is_refused_on_anothers(site) -> None:  # type: ignore[no-untyped-def]
    sp, client = site
    report = provision(client, permissions=(client.permissions, RULES)).permissions
    assert report is not None and report.changes > 0 and report.misplaced == []
    own = _initiative(client, sp, Administration.OKF, "ØKF's eget")
    other = _initiative(client, sp, Administration.KFF, "KFF's")
    client.permissions.add_group_member(RULES.groups[Administration.OKF], "mette@kk.dk")
    token = sp.token_for("mette@kk.dk")
    ctx = _context(sp, token)

    _rename(ctx, INITIATIVES, own, "Rettet af ØKF")  # 200/204: her own administration
    assert sp.get_item(INITIATIVES, own)["Title"] == "Rettet af ØKF"
    with pytest.raises(ClientRequestException) as refused:
        _rename(_context(sp, token), INITIATIVES, other, "Rettet af ØKF")
    assert refused.value.response.status_code == 403
    assert refused.value.code == "-2147024891, System.UnauthorizedAccessException"
    assert sp.get_item(INITIATIVES, other)["Title"] == "KFF's"  # the refused write changed nothing
    # the other administration's item stays readable
    read = ctx.web.lists.get_by_title(INITIATIVES).items.get_by_id(other).get().execute_query()
    assert read.properties["Title"] == "KFF's"


def test_new_items_go_in_the_own_folder_only(site) -> None:  # type: ignore[no-untyped-def]
    sp, client = site
    provision(client, permissions=(client.permissions, RULES))
    client.permissions.add_group_member(RULES.groups[Administration.BUF], "bo@kk.dk")
    ctx = _context(sp, sp.token_for("bo@kk.dk"))
    root = sp.site.find_list(title=FUNDING)["RootFolderUrl"]

    def add(folder: str) -> Any:
        # The library's add_validate_update_item_using_path sends this body but cannot parse its own answer
        # (its result collection has no item type), so the same request goes through the library's
        # context directly: auth, digest and error mapping are still the library's.
        body = {"listItemCreateInfo": {"FolderPath": {"DecodedUrl": f"{root}/{folder}"}, "UnderlyingObjectType": 0},
                "formValues": [{"FieldName": "Title", "FieldValue": "Ny linje"}], "bNewDocumentUpdate": False}
        options = RequestOptions(f"{sp.url}/_api/web/lists/getbytitle('{FUNDING}')/AddValidateUpdateItemUsingPath",
                                 method=HttpMethod.Post)
        options.set_header("Content-Type", "application/json")
        options.data = body  # the library serialises it
        response = ctx.pending_request().execute_request_direct(options)
        return response.json()["d"]["AddValidateUpdateItemUsingPath"]["results"]

    created = add("BUF")
    new_id = created[0]["ItemId"]
    assert sp.get_item(FUNDING, new_id)["FileDirRef"] == f"{root}/BUF"
    with pytest.raises(ClientRequestException) as refused:
        add("SOF")
    assert refused.value.response.status_code == 403


def test_owners_and_it_chefforum_edit_across_administrations_nobody_else(site) -> None:  # type: ignore[no-untyped-def]
    sp, client = site
    provision(client, permissions=(client.permissions, RULES))
    item = _initiative(client, sp, Administration.TMF, "TMF's")
    client.permissions.add_group_member(RULES.cross_administration[0], "chef@kk.dk")
    client.permissions.add_group_member(RULES.owners, "ejer@kk.dk")
    _rename(_context(sp, sp.token_for("chef@kk.dk")), INITIATIVES, item, "Rettet af It-chefforum")
    _rename(_context(sp, sp.token_for("ejer@kk.dk")), INITIATIVES, item, "Rettet af ejer")
    assert sp.get_item(INITIATIVES, item)["Title"] == "Rettet af ejer"
    with pytest.raises(ClientRequestException) as refused:
        _rename(_context(sp, sp.token_for("udenfor@kk.dk")), INITIATIVES, item, "Rettet udefra")
    assert refused.value.response.status_code == 403
    _rename(_context(sp, sp.token_for("udenfor@kk.dk")), list_schema("plans").title,
            sp.add_item(list_schema("plans").title, {"Title": "Plan"})["ID"], "Plan rettet")  # unsecured list


def test_provisioning_twice_changes_nothing_and_reports_drift(site) -> None:  # type: ignore[no-untyped-def]
    sp, client = site
    first = provision(client, permissions=(client.permissions, RULES)).permissions
    assert first is not None
    assert len(first.created_groups) == len(Administration) + 2
    assert len(first.created_folders) == 5 * len(Administration)
    again = provision(client, permissions=(client.permissions, RULES))
    assert again.changes == 0 and again.permissions is not None
    assert again.permissions.drift == [] and again.permissions.misplaced == []
    assert sp.perms.unique_scopes() == again.permissions.scopes == 5 * (1 + len(Administration))
    for key in ("initiatives", "funding_lines", "figures", "milestones", "statuses"):
        assert sp.perms.unique_scopes(sp.site.find_list(title=list_schema(key).title)["Id"]) == 1 + len(Administration)

    # someone gives a person Contribute on ØKF's folder by hand: reported, not undone
    lid = sp.site.find_list(title=INITIATIVES)["Id"]
    folder = next(i for i in sp.items(INITIATIVES) if i.get("FSObjType") == 1 and i["Title"] == "ØKF")
    stranger = sp.add_user("fremmed@kk.dk")
    sp.perms.add_assignment(f"item:{lid}:{folder['ID']}", stranger["Id"], 1073741827)
    drift = provision(client, permissions=(client.permissions, RULES)).permissions
    assert drift is not None and drift.changes == 0
    assert any("fremmed" in line and "Initiativer/ØKF" in line for line in drift.drift)


def test_a_changed_administration_is_reported_with_its_children(site) -> None:  # type: ignore[no-untyped-def]
    sp, client = site
    provision(client, permissions=(client.permissions, RULES))
    item = _initiative(client, sp, Administration.SUF, "Flytter")
    root = sp.site.find_list(title=FUNDING)["RootFolderUrl"]
    line = client.permissions.add_using_path(FUNDING, f"{root}/SUF", {"Title": "2013", "KkInitiative": str(item)})
    sp.edit_item(INITIATIVES, item, {"KkAdministration": "SOF"})
    report = provision(client, permissions=(client.permissions, RULES)).permissions
    assert report is not None
    assert len(report.misplaced) == 2 and report.item_scopes == 2
    assert f"element {item} ligger i mappen «SUF», men hører til Socialforvaltningen" in report.misplaced[0]
    assert f"«{FUNDING}» element {line}" in report.misplaced[1]
    # Until it is moved, SOF edits it and SUF (whose folder it is in) only reads it.
    client.permissions.add_group_member(RULES.groups[Administration.SOF], "sofie@kk.dk")
    client.permissions.add_group_member(RULES.groups[Administration.SUF], "sune@kk.dk")
    _rename(_context(sp, sp.token_for("sofie@kk.dk")), INITIATIVES, item, "Rettet af SOF")
    assert sp.get_item(INITIATIVES, item)["Title"] == "Rettet af SOF"
    with pytest.raises(ClientRequestException) as refused:
        _rename(_context(sp, sp.token_for("sune@kk.dk")), INITIATIVES, item, "Rettet af SUF")
    assert refused.value.response.status_code == 403


def test_the_governance_section_is_validated() -> None:
    with pytest.raises(ValueError, match="to gange"):
        PermissionRules.model_validate({"groups": {"ØKF": "Fælles"}, "owners": "Fælles"})
    with pytest.raises(ValueError, match="ikke tillader"):
        PermissionRules.model_validate({"owners": "Ejere: alle"})
    with pytest.raises(ValueError):
        PermissionRules.model_validate({"groups": {"XYZ": "Nogen"}})
    partial = PermissionRules.model_validate({"groups": {"BIF": "BIF-redaktion"}})
    assert partial.groups[Administration.BIF] == "BIF-redaktion"
    assert partial.groups[Administration.OKF] == "Redaktører ØKF"  # the default for the ones left out


def test_a_departments_own_subfolder_is_its_folder(site) -> None:  # type: ignore[no-untyped-def]
    sp, client = site
    provision(client, permissions=(client.permissions, RULES))
    root = sp.site.find_list(title=INITIATIVES)["RootFolderUrl"]
    client.permissions.add_using_path(INITIATIVES, f"{root}/BIF", {"Title": "2013"}, folder_name="2013")
    client.permissions.add_using_path(INITIATIVES, f"{root}/BIF/2013", {"Title": "Dybt", "KkAdministration": "BIF"})
    client.permissions.add_using_path(INITIATIVES, root, {"Title": "Uden mappe", "KkAdministration": "BIF"})
    report = provision(client, permissions=(client.permissions, RULES)).permissions
    assert report is not None
    assert len(report.misplaced) == 1 and "«(roden)»" in report.misplaced[0]  # only the one at the root
    assert report.item_scopes == 1  # ... which gets BIF's rights itself; the subfolder inherits BIF's folder
    again = provision(client, permissions=(client.permissions, RULES)).permissions
    assert again is not None and again.changes == 0 and again.item_scopes == 1


def test_items_from_before_the_folders_are_edited_by_their_own_administration(site) -> None:  # type: ignore[no-untyped-def]
    """A site whose items were created at the lists' roots: each gets its administration's rights itself."""
    sp, client = site
    root = sp.site.find_list(title=INITIATIVES)["RootFolderUrl"]
    old_tmf = client.permissions.add_using_path(INITIATIVES, root, {"Title": "TMF fra før", "KkAdministration": "TMF"})
    old_buf = client.permissions.add_using_path(INITIATIVES, root, {"Title": "BUF fra før", "KkAdministration": "BUF"})
    loose = client.permissions.add_using_path(INITIATIVES, root, {"Title": "Uden forvaltning"})
    report = provision(client, permissions=(client.permissions, RULES)).permissions
    assert report is not None and report.item_scopes == 2 and len(report.misplaced) == 2
    assert all("har fået egne tilladelser" in line for line in report.misplaced)
    lid = sp.site.find_list(title=INITIATIVES)["Id"]
    assert sp.perms.unique_scopes(lid) == 1 + len(Administration) + 2  # the list, its folders, the two items
    client.permissions.add_group_member(RULES.groups[Administration.TMF], "tove@kk.dk")
    ctx = _context(sp, sp.token_for("tove@kk.dk"))
    _rename(ctx, INITIATIVES, old_tmf, "Rettet af TMF")
    assert sp.get_item(INITIATIVES, old_tmf)["Title"] == "Rettet af TMF"
    for other in (old_buf, loose):
        with pytest.raises(ClientRequestException) as refused:
            _rename(_context(sp, sp.token_for("tove@kk.dk")), INITIATIVES, other, "Rettet af TMF")
        assert refused.value.response.status_code == 403
