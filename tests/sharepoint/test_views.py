"""Views and column formatting after ``provision``, read back with the unmodified office365 library over HTTP.

What a department sees: a view read with a token mapped to a named user applies that user to
``<UserID/>``; «Til politisk behandling» shows the initiatives of plans at that stage once the sync has
written each initiative's copy of its plan's stage.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from office365.sharepoint.client_context import ClientContext

from kksync.core.caml import canonical_xml
from kksync.core.formatters import FORMATTERS
from kksync.core.model import Administration, Person, PlanStage, Portfolio
from kksync.core.views import VIEWS, view
from kksync.services.provision import provision
from kksync.services.provision_views import view_drift
from kksync.services.seed import seed_portfolio
from kksync.services.sync import SyncService
from kksync.sharepoint.client import SharePointClient
from kksync.state.sqlite import SqliteStateStore
from sp_emulator import EmulatorServer
from testkit.portfolios import make_initiative, make_plan

from .conftest import client_for

METTE = Person(id=1, name="Mette Kjær", email="mette.kjaer@kk.dk")
JENS = Person(id=2, name="Jens Holm", email="jens.holm@kk.dk")
ANNE = Person(id=3, name="Anne Lund", email="anne.lund@kk.dk")


def _ctx(sp: EmulatorServer, token: str) -> ClientContext:
    return ClientContext(sp.url).with_access_token(
        lambda: {"access_token": token, "token_type": "Bearer", "expires_in": 3600})


@pytest.fixture
def sp(tmp_path: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(db_path=tmp_path / "sp.db") as server:
        yield server


@pytest.fixture
def client(sp: EmulatorServer) -> SharePointClient:
    client = client_for(sp)
    provision(client)
    return client


def _portfolio() -> Portfolio:
    draft = make_plan(1, stage=PlanStage.UDKAST)
    ready = make_plan(2, stage=PlanStage.KLAR)
    who = [(METTE, JENS), (JENS, METTE), (ANNE, JENS), (ANNE, ANNE), (METTE, None), (None, METTE)]
    admins = [Administration.OKF, Administration.BUF, Administration.TMF, Administration.BUF, Administration.OKF,
              Administration.BUF]
    initiatives = [
        make_initiative(n, plan=draft if n % 2 else ready, complete=n == 4, rank=n, project_owner=owner,
                        project_manager=manager, administration=admins[n - 1])
        for n, (owner, manager) in enumerate(who, 1)
    ]
    return Portfolio(plans=[draft, ready], initiatives=initiatives)


def test_views_exist_with_their_queries_and_fields(sp: EmulatorServer, client: SharePointClient) -> None:
    ctx = _ctx(sp, "app-token")
    for title in dict.fromkeys(v.list_title for v in VIEWS):
        read = ctx.web.lists.get_by_title(title).views.get().expand(["ViewFields"]).execute_query()
        served = {v.title: v for v in read}
        for want in (v for v in VIEWS if v.list_title == title):
            got = served[want.title]
            assert canonical_xml(got.view_query) == canonical_xml(want.query_xml), want.title
            assert tuple(got.view_fields.items or ()) == want.fields, want.title
            assert got.row_limit == want.row_limit
            assert bool(got.default_view) is want.default, want.title
        assert sum(bool(v.default_view) for v in read) == 1  # ours replaced SharePoint's "All Items" as default
    mine = view("initiatives", "Mine initiativer").query_xml
    assert "<UserID" in mine and 'LookupId="TRUE"' in mine


def test_formatters_are_set_on_the_fields(sp: EmulatorServer, client: SharePointClient) -> None:
    ctx = _ctx(sp, "app-token")
    for definition in FORMATTERS:
        field = ctx.web.lists.get_by_title(definition.list_title).fields.get_by_internal_name_or_title(
            definition.column.name).get().execute_query()
        assert json.loads(field.properties["CustomFormatter"]) == json.loads(definition.formatter.to_json())


def test_a_second_provision_changes_nothing(sp: EmulatorServer, client: SharePointClient) -> None:
    sp.request_log.reset()
    again = provision(client)
    assert again.changes == 0 and again.views_changed == [] and again.drift == []
    writes = [(e.method, e.path) for e in sp.request_log.entries if e.method != "GET" and e.kind != "contextinfo"]
    assert writes == []  # not one view, field or formatter written
    assert view_drift(client.views) == []


def test_a_changed_view_is_drift_and_is_set_back(sp: EmulatorServer, client: SharePointClient) -> None:
    ctx = _ctx(sp, "owner-token")
    sp.token_users["owner-token"] = int(sp.add_user("ejer@kk.dk", "Webstedsejer")["Id"])
    views = ctx.web.lists.get_by_title("Initiativer").views
    mine = views.get_by_title("Mine initiativer")
    mine.set_property("ViewQuery", '<OrderBy><FieldRef Name="Title" /></OrderBy>').update().execute_query()
    views.get_by_title("Mangler – pr. forvaltning").view_fields.remove_view_field("KkMissing").execute_query()
    field = ctx.web.lists.get_by_title("Initiativer").fields.get_by_internal_name_or_title("KkCompleteness")
    field.set_property("CustomFormatter", '{"elmType": "div", "txtContent": "@currentField"}').update().execute_query()

    drift = view_drift(client.views)
    assert len(drift) == 3
    assert any("«Mine initiativer»" in line and "filter, sortering eller gruppering" in line for line in drift)
    assert any("«Mangler – pr. forvaltning»" in line and "kolonner" in line for line in drift)
    assert any("«Komplethed»" in line for line in drift)

    restored = provision(client)
    assert len(restored.drift) == 3 and len(restored.views_changed) == 3
    assert provision(client).changes == 0
    got = ctx.web.lists.get_by_title("Initiativer").views.get_by_title("Mine initiativer").get().execute_query()
    assert canonical_xml(got.view_query) == canonical_xml(view("initiatives", "Mine initiativer").query_xml)


def _seeded(sp: EmulatorServer, client: SharePointClient, tmp_path: Path) -> dict[str, str]:
    tokens = {p.name or "": sp.token_for(str(p.email), p.name) for p in (METTE, JENS, ANNE)}
    seed_portfolio(client, _portfolio(), [METTE, JENS, ANNE])
    store = SqliteStateStore(tmp_path / "state.db")
    SyncService(client, store, scope="views").sync(full=True)  # writes completeness and the plan's stage
    store.close()
    return tokens


def _titles_through(sp: EmulatorServer, token: str, view_title: str) -> list[str]:
    lst = _ctx(sp, token).web.lists.get_by_title("Initiativer")
    items = lst.views.get_by_title(view_title).get_items().execute_query()
    return [str(i.properties["Title"]) for i in items]


def test_mine_initiativer_shows_exactly_the_users_initiatives(sp: EmulatorServer, client: SharePointClient,
                                                              tmp_path: Path) -> None:
    tokens = _seeded(sp, client, tmp_path)
    # owner or manager: Mette 1, 2, 5, 6; Jens 1, 2, 3; Anne 3, 4. Ordered by plan, then priority.
    assert sorted(_titles_through(sp, tokens["Mette Kjær"], "Mine initiativer")) == [
        "Initiativ 1", "Initiativ 2", "Initiativ 5", "Initiativ 6"]
    assert sorted(_titles_through(sp, tokens["Jens Holm"], "Mine initiativer")) == [
        "Initiativ 1", "Initiativ 2", "Initiativ 3"]
    assert _titles_through(sp, tokens["Anne Lund"], "Mine initiativer") == ["Initiativ 3", "Initiativ 4"]
    assert _titles_through(sp, "app-token", "Mine initiativer") == []  # the app is nobody's project owner


def test_til_politisk_behandling_and_mangler(sp: EmulatorServer, client: SharePointClient, tmp_path: Path) -> None:
    tokens = _seeded(sp, client, tmp_path)
    ready = _titles_through(sp, tokens["Anne Lund"], "Til politisk behandling")
    assert ready == ["Initiativ 2", "Initiativ 4", "Initiativ 6"]  # plan 2 is at the gate; by priority
    items = {i["Title"]: i for i in sp.items("Initiativer")}
    assert {items[t]["KkPlanStage"] for t in ready} == {PlanStage.KLAR.value}
    assert {items[f"Initiativ {n}"]["KkPlanStage"] for n in (1, 3, 5)} == {PlanStage.UDKAST.value}

    # As if the check had found initiative 4 complete: the view leaves it out.
    sp.edit_item("Initiativer", int(items["Initiativ 4"]["ID"]), {"KkCompleteness": "Komplet"})
    missing = _titles_through(sp, tokens["Anne Lund"], "Mangler – pr. forvaltning")
    # grouped by administration (BUF, TMF, ØKF), by priority within each group
    assert missing == ["Initiativ 2", "Initiativ 6", "Initiativ 3", "Initiativ 1", "Initiativ 5"]


def test_a_plan_moving_to_the_gate_brings_its_initiatives_into_the_view(sp: EmulatorServer, client: SharePointClient,
                                                                        tmp_path: Path) -> None:
    tokens = _seeded(sp, client, tmp_path)
    draft = next(p for p in sp.items("Handlingsplaner") if p["KkStage"] == PlanStage.UDKAST.value)
    sp.edit_item("Handlingsplaner", int(draft["ID"]), {"KkStage": PlanStage.KLAR.value})
    store = SqliteStateStore(tmp_path / "state.db")
    SyncService(client, store, scope="views").sync()  # incremental: only the plan changed
    store.close()
    assert sorted(_titles_through(sp, tokens["Jens Holm"], "Til politisk behandling")) == [
        f"Initiativ {n}" for n in range(1, 7)]


def test_a_deleted_view_is_named_and_made_again(sp: EmulatorServer, client: SharePointClient) -> None:
    ctx = _ctx(sp, "owner-token")
    sp.token_users["owner-token"] = int(sp.add_user("ejer@kk.dk", "Webstedsejer")["Id"])
    ctx.web.lists.get_by_title("Milepaele").views.get_by_title("Forfaldne milepæle").delete_object().execute_query()
    assert view_drift(client.views) == ["Visningen «Forfaldne milepæle» findes ikke i «Milepaele» – kør kksync provision"]
    again = provision(client)
    assert again.views_changed == ["Visningen «Forfaldne milepæle» i «Milepaele» er oprettet"] and again.drift == []
    assert view_drift(client.views) == []
