"""People: a user who left stays in `siteusers`, only Microsoft Graph knows the account is gone or disabled;
department users act over REST with their own token; Graph sends mail."""

from __future__ import annotations

import pytest
import requests
from office365.runtime.client_request_exception import ClientRequestException
from office365.sharepoint.client_context import ClientContext
from office365.sharepoint.lists.creation_information import ListCreationInformation

from sp_emulator import EmulatorServer

H = {
    "Authorization": "Bearer t",
    "Accept": "application/json;odata=verbose",
    "Content-Type": "application/json;odata=verbose",
}
G = {"Authorization": "Bearer t", "Accept": "application/json"}


def _graph_user(sp: EmulatorServer, key: str, select: str | None = None) -> requests.Response:
    params = {"$select": select} if select else None
    return requests.get(f"{sp.graph_url}/users/{key}", params=params, headers=G, timeout=5)


def test_a_user_who_left_stays_in_siteusers(ctx, sp: EmulatorServer) -> None:
    gone = sp.add_user("gone@kk.dk", "Gone Person")
    sp.depart_user(gone["Id"])
    users = ctx.web.site_users.get().execute_query()
    assert gone["Id"] in [u.properties["Id"] for u in users]
    assert ctx.web.get_user_by_id(gone["Id"]).get().execute_query().properties["Email"] == "gone@kk.dk"
    with pytest.raises(ClientRequestException):  # Entra ID no longer resolves them
        ctx.web.ensure_user("gone@kk.dk").execute_query()


def test_graph_knows_an_account_is_gone_or_disabled(sp: EmulatorServer) -> None:
    anna = sp.add_user("anna@kk.dk", "Anna")
    select = "id,accountEnabled,userPrincipalName,mail,displayName"
    r = _graph_user(sp, "anna@kk.dk", select)
    assert r.status_code == 200
    body = r.json()
    assert "d" not in body and body["accountEnabled"] is True and body["mail"] == "anna@kk.dk"
    assert set(body) == {"@odata.context", "id", "accountEnabled", "userPrincipalName", "mail", "displayName"}
    assert _graph_user(sp, body["id"], "displayName").json()["displayName"] == "Anna"  # by object id too
    assert "accountEnabled" not in _graph_user(sp, "anna@kk.dk").json()  # only returned when selected

    sp.disable_account("anna@kk.dk")
    assert _graph_user(sp, "anna@kk.dk", select).json()["accountEnabled"] is False
    assert anna["Id"] in [
        u["Id"] for u in requests.get(f"{sp.url}/_api/web/siteusers", headers=H, timeout=5).json()["d"]["results"]
    ]

    sp.delete_account("anna@kk.dk")
    r = _graph_user(sp, "anna@kk.dk", select)
    assert r.status_code == 404
    error = r.json()["error"]
    assert error["code"] == "Request_ResourceNotFound"
    assert error["message"] == (
        "Resource 'anna@kk.dk' does not exist or one of its queried reference-property objects are not present."
    )
    assert set(error["innerError"]) == {"date", "request-id", "client-request-id"}


def test_graph_needs_a_bearer_token(sp: EmulatorServer) -> None:
    sp.add_user("anna@kk.dk")
    r = requests.get(f"{sp.graph_url}/users/anna@kk.dk", timeout=5)
    assert r.status_code == 401 and r.json()["error"]["code"] == "InvalidAuthenticationToken"


def test_send_mail_is_accepted_and_stored(sp: EmulatorServer) -> None:
    sp.add_user("it-strategi@kk.dk", "It-strategi")
    message = {
        "subject": "Status mangler",
        "body": {"contentType": "Text", "content": "Husk statussen."},
        "toRecipients": [{"emailAddress": {"address": "anna@kk.dk"}}],
    }
    url = f"{sp.graph_url}/users/it-strategi@kk.dk/sendMail"
    r = requests.post(url, headers=G, json={"message": message, "saveToSentItems": False}, timeout=5)
    assert r.status_code == 202 and r.content == b""
    (sent,) = sp.sent_mail()
    assert sent["from"] == "it-strategi@kk.dk" and sent["message"]["subject"] == "Status mangler"
    assert requests.post(url, headers=G, json={"message": {}}, timeout=5).status_code == 400
    r = requests.post(f"{sp.graph_url}/users/nobody@kk.dk/sendMail", headers=G, json={"message": message}, timeout=5)
    assert r.status_code == 404 and len(sp.sent_mail()) == 1


def test_a_department_user_edits_over_rest_with_their_token(sp: EmulatorServer) -> None:
    sp.expected_token = "app-token"  # the app's token and registered department tokens are both accepted
    token = sp.token_for("bo@kk.dk", "Bo")
    ctx = ClientContext(sp.url).with_access_token(
        lambda: {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
    )
    lst = ctx.web.lists.add(ListCreationInformation("Sager", None, 100)).execute_query()
    item = lst.add_item({"Title": "from Bo"}).execute_query()
    bo = next(u for u in sp.store.users.values() if u["Email"] == "bo@kk.dk")
    stored = sp.get_item("Sager", item.properties["Id"])
    assert stored["Author"] == bo["Id"] and stored["Editor"] == bo["Id"]
    assert ctx.web.current_user.get().execute_query().properties["Email"] == "bo@kk.dk"
    other = requests.get(f"{sp.url}/_api/web", headers={**H, "Authorization": "Bearer unknown"}, timeout=5)
    assert other.status_code == 401


def test_removebyid_takes_a_user_off_the_site(sp: EmulatorServer) -> None:
    anna = sp.add_user("anna@kk.dk")
    r = requests.post(f"{sp.url}/_api/web/siteusers/removebyid({anna['Id']})", headers=H, timeout=5)
    assert r.status_code == 200
    ids = [u["Id"] for u in requests.get(f"{sp.url}/_api/web/siteusers", headers=H, timeout=5).json()["d"]["results"]]
    assert anna["Id"] not in ids
    assert _graph_user(sp, "anna@kk.dk", "accountEnabled").json()["accountEnabled"] is True  # the account lives on
    again = requests.post(f"{sp.url}/_api/web/ensureuser", headers=H, json={"logonName": "anna@kk.dk"}, timeout=5)
    assert again.json()["d"]["Id"] == anna["Id"]  # ensureuser puts them back under the same id


def test_app_only_writes_are_by_the_sharepoint_app_user(ctx, sp: EmulatorServer) -> None:
    lst = ctx.web.lists.add(ListCreationInformation("Sager", None, 100)).execute_query()
    item = lst.add_item({"Title": "by the app"}).execute_query()
    author = sp.store.users[sp.get_item("Sager", item.properties["Id"])["Author"]]
    assert author["Title"] == "SharePoint App" and author["Id"] == 1073741822


def test_a_user_who_left_cannot_be_written_into_a_person_field(tmp_path) -> None:
    from sp_emulator.fidelity import Fidelity
    from sp_emulator.fields import make_field

    for mode, status in (("refuse", 400), ("accept", 201)):
        fidelity = Fidelity(departed_in_person_fields=mode)  # type: ignore[arg-type]
        with EmulatorServer(db_path=tmp_path / f"{mode}.db", fidelity=fidelity) as sp:
            lst = sp.create_list("Sager")
            sp.site.add_field(lst["Id"], make_field({"Title": "Ejer", "FieldTypeKind": 20}, sp.store.lists))
            gone = sp.add_user("gone@kk.dk")
            sp.depart_user(gone["Id"])
            url = f"{sp.url}/_api/web/lists/getbytitle('Sager')/items"
            r = requests.post(url, headers=H, json={"Title": "a", "EjerId": gone["Id"]}, timeout=5)
            assert r.status_code == status


def test_removing_a_user_twice(tmp_path) -> None:
    from sp_emulator.fidelity import Fidelity

    for mode, second in (("error", 404), ("ignore", 200)):
        fidelity = Fidelity(remove_missing_user=mode)  # type: ignore[arg-type]
        with EmulatorServer(db_path=tmp_path / f"{mode}.db", fidelity=fidelity) as sp:
            anna = sp.add_user("anna@kk.dk")
            url = f"{sp.url}/_api/web/siteusers/removebyid({anna['Id']})"
            assert requests.post(url, headers=H, timeout=5).status_code == 200
            r = requests.post(url, headers=H, timeout=5)
            assert r.status_code == second
            if second == 404:
                assert r.json()["error"]["message"]["value"] == "User cannot be found."


def test_graph_json_batching_answers_each_request_by_id(sp: EmulatorServer) -> None:
    sp.add_user("anna@kk.dk", "Anna")
    sp.add_user("bo@kk.dk", "Bo")
    sp.delete_account("bo@kk.dk")
    batch = {"requests": [
        {"id": "1", "method": "GET", "url": "/users/anna@kk.dk?$select=id,accountEnabled"},
        {"id": "2", "method": "GET", "url": "/users/bo@kk.dk?$select=id,accountEnabled"},
    ]}
    r = requests.post(f"{sp.graph_url}/$batch", json=batch, headers=G, timeout=5)
    assert r.status_code == 200
    answers = {a["id"]: a for a in r.json()["responses"]}
    assert answers["1"]["status"] == 200 and answers["1"]["body"]["accountEnabled"] is True
    assert answers["2"]["status"] == 404 and answers["2"]["body"]["error"]["code"] == "Request_ResourceNotFound"
    too_many = {"requests": [{"id": str(i), "method": "GET", "url": "/users/anna@kk.dk"} for i in range(21)]}
    assert requests.post(f"{sp.graph_url}/$batch", json=too_many, headers=G, timeout=5).status_code == 400


def test_send_mail_in_mime_form_is_kept_with_both_parts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import base64
    from email.message import EmailMessage

    import requests as http

    from sp_emulator import EmulatorServer

    with EmulatorServer(db_path=tmp_path / "sp.db") as sp:
        sp.add_user("it-strategi@kk.dk")
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "it-strategi@kk.dk", "a@kk.dk, b@kk.dk", "Påmindelse"
        message.set_content("tekst")
        message.add_alternative("<p>html</p>", subtype="html")
        url = f"{sp.graph_url}/users/it-strategi@kk.dk/sendMail"
        headers = {"Authorization": "Bearer emulator-token", "Content-Type": "text/plain"}
        answer = http.post(url, data=base64.b64encode(message.as_bytes()), headers=headers, timeout=10)
        assert answer.status_code == 202 and answer.content == b""
        [kept] = sp.graph.messages("b@kk.dk")
        assert kept["message"]["subject"] == "Påmindelse" and kept["text"].strip() == "tekst"
        assert kept["html"].strip() == "<p>html</p>" and kept["message"]["body"]["contentType"] == "HTML"
        bad = http.post(url, data=b"not base64 !!", headers=headers, timeout=10)
        assert bad.status_code == 400
        assert bad.json()["error"]["message"] == "Invalid base64 string for MIME content."
        assert sp.graph.messages("nobody@kk.dk") == []
