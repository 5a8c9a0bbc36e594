"""The control-plane verbs (schema, subscriptions, users) against the emulator over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kksync.errors import NotFoundError
from kksync.sharepoint.client import SharePointClient
from sp_emulator import EmulatorServer

from .conftest import Handshake, client_for

CHOICE = '<Field Type="Choice" Name="KkFase" StaticName="KkFase" DisplayName="Fase" Required="FALSE"><CHOICES>' \
         "<CHOICE>Idé</CHOICE><CHOICE>Drift</CHOICE></CHOICES></Field>"


@pytest.fixture
def sp(tmp_path: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(db_path=tmp_path / "sp.db") as server:
        yield server


@pytest.fixture
def client(sp: EmulatorServer) -> SharePointClient:
    return client_for(sp)


def test_lists_and_fields(client: SharePointClient) -> None:
    client.create_list("Projekter", description="Alle projekter", base_template=100)
    assert client.list_titles()["Projekter"] == 100
    created = client.add_field_xml("Projekter", CHOICE, options=8 | 16)
    assert created["InternalName"] == "KkFase"
    fields = {f["InternalName"]: f for f in client.list_fields("Projekter")}
    assert fields["KkFase"] == {"InternalName": "KkFase", "Title": "Fase", "TypeAsString": "Choice",
                                "Indexed": False, "Required": False, "Choices": ["Idé", "Drift"]}
    assert fields["Title"]["Choices"] == []
    client.update_field("Projekter", "KkFase", {"Title": "Projektfase", "Indexed": True})
    changed = next(f for f in client.list_fields("Projekter") if f["InternalName"] == "KkFase")
    assert (changed["Title"], changed["Indexed"]) == ("Projektfase", True)


def test_subscriptions_round_trip(client: SharePointClient, sp: EmulatorServer, handshake: Handshake) -> None:
    list_id = sp.create_list("Liste")["Id"]
    expiry = (datetime.now(UTC) + timedelta(days=90)).replace(microsecond=0)
    created = client.add_subscription(list_id, notification_url=handshake.url, expiration=expiry,
                                      client_state="hemmelig-tilstand-1234")
    assert handshake.validations == 1
    [listed] = client.list_subscriptions(list_id)
    assert listed["id"] == created["id"] and listed["notificationUrl"] == handshake.url

    moved = handshake.url + "/ny"
    client.update_subscription(list_id, created["id"], expiration=expiry + timedelta(days=30),
                               client_state="ny-hemmelig-tilstand-5678", notification_url=moved)
    stored = sp.store.subscriptions[created["id"]]
    assert (stored["clientState"], stored["notificationUrl"]) == ("ny-hemmelig-tilstand-5678", moved)
    assert stored["expirationDateTime"].startswith((expiry + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"))
    client.update_subscription(list_id, created["id"], expiration=expiry, client_state="tredje-hemmelige-tilstand")
    assert sp.store.subscriptions[created["id"]]["notificationUrl"] == moved  # URL only sent when it moves

    client.delete_subscription(list_id, created["id"])
    assert client.list_subscriptions(list_id) == []
    with pytest.raises(NotFoundError):
        client.delete_subscription(list_id, created["id"])


def test_a_removed_site_user_is_no_longer_a_site_user(client: SharePointClient) -> None:
    user = client.ensure_user("tidligere.medarbejder@kk.dk")
    assert int(user["Id"]) in client.site_user_ids()
    client.remove_site_user(int(user["Id"]))
    assert int(user["Id"]) not in client.site_user_ids()


def test_site_users_name_the_account_to_ask_graph_about(client: SharePointClient, sp: EmulatorServer) -> None:
    ensured = client.ensure_user("Kollega@KK.dk")
    sp.add_user("leder@kk.dk", "Leder")
    users = {u.id: u for u in client.site_users()}
    mine = users[int(ensured["Id"])]
    assert mine.login_name.endswith("|kollega@kk.dk") and mine.is_person
    assert mine.account == (mine.user_principal_name or "kollega@kk.dk")
    assert {u.account for u in users.values()} >= {"leder@kk.dk"}


def test_site_user_accounts_from_the_claim_and_none_for_groups() -> None:
    from kksync.sharepoint.data import SiteUser

    assert SiteUser(7, "i:0#.f|membership|anna@kk.dk").account == "anna@kk.dk"
    assert SiteUser(7, "i:0#.f|membership|anna@kk.dk", user_principal_name="anna.b@kk.dk").account == "anna.b@kk.dk"
    assert SiteUser(8, "c:0-.f|rolemanager|spo-grid-all-users/abc", principal_type=4).account is None
    assert SiteUser(9, "i:0i.t|ms.sp.ext|app@tenant").account is None  # an app principal is no directory account
    assert SiteUser(10, "SHAREPOINT\\system").account is None
