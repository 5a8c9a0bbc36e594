"""Timers (nightly reconcile, scheduled documents) and the function-key HTTP API (readiness, documents)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from kksync.services.subscriptions import MAX_DAYS
from sp_emulator import EmulatorServer

from .conftest import SECRET, Clock, Env, Handler, WebhookAdapter, http_request, timer

pytestmark = pytest.mark.azurite


def stored_subscriptions(env: Env) -> dict:
    store = env.store()
    try:
        return store.subscriptions(env.scope)
    finally:
        store.close()


def test_reconcile_renews_expiring_and_recreates_missing_subscriptions(
    handlers: dict[str, Handler], env: Env, site: EmulatorServer, adapter: WebhookAdapter, caplog
) -> None:
    caplog.set_level(logging.INFO, "kksync.functions")
    handlers["nightly_reconcile"](timer())
    first = stored_subscriptions(env)
    assert len(first) == 8 and len(site.store.subscriptions) == 8
    horizon = datetime.now(UTC) + timedelta(days=MAX_DAYS)
    assert all(horizon - timedelta(days=1) < s.expiration <= horizon for s in first.values())
    assert all(SECRET not in s.client_state_hash for s in first.values())

    # One expires in 10 days (renew), one vanished on SharePoint's side (re-create), the rest are kept.
    soon = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    renew_id = first["initiatives"].subscription_id
    site.store.put_subscription({**site.store.subscriptions[renew_id], "expirationDateTime": soon})
    site.store.delete_subscription(first["plans"].subscription_id)
    caplog.clear()
    handlers["nightly_reconcile"](timer())
    second = stored_subscriptions(env)
    assert second["initiatives"].subscription_id == renew_id
    assert site.store.subscriptions[renew_id]["expirationDateTime"] > soon
    assert second["plans"].subscription_id != first["plans"].subscription_id
    assert {k: s.subscription_id for k, s in second.items() if k not in ("initiatives", "plans")} == {
        k: s.subscription_id for k, s in first.items() if k not in ("initiatives", "plans")}
    assert f"subscription {renew_id} for initiatives renewed" in caplog.text
    assert "for plans created" in caplog.text and caplog.text.count(" created until ") == 1
    assert len(site.store.subscriptions) == 8


def test_silence_alert_when_a_notification_was_lost(
    handlers: dict[str, Handler], env: Env, site: EmulatorServer, adapter: WebhookAdapter, clock: Clock, caplog
) -> None:
    handlers["nightly_reconcile"](timer(past_due=True))
    assert "past due" in caplog.text
    site.hooks.wait_idle()
    site.hooks.set_chaos(drop_next=100)  # SharePoint gives up on deliveries ...
    clock.offset = -timedelta(hours=4)  # ... of a department edit made four hours ago
    user = site.add_user("afdeling@kk.dk")["Id"]
    site.edit_item("Milepaele", min(int(i["ID"]) for i in site.items("Milepaele")), {"Title": "Ny milepæl"}, editor=user)
    clock.offset = timedelta(0)
    site.hooks.wait_idle()
    caplog.clear()
    handlers["nightly_reconcile"](timer())
    alerts = [r for r in caplog.records if "KKSYNC_ALERT webhook-silence" in r.getMessage()]
    assert len(alerts) == 1 and alerts[0].levelno == logging.ERROR
    assert "list=milestones" in alerts[0].getMessage() and "last_notification=never" in alerts[0].getMessage()
    caplog.clear()
    handlers["nightly_reconcile"](timer())  # the full reconcile took the change in: quiet again
    assert "KKSYNC_ALERT" not in caplog.text


def test_no_alert_for_a_recent_change_or_an_unsubscribed_site(
    handlers: dict[str, Handler], env: Env, site: EmulatorServer, clock: Clock, caplog
) -> None:
    handlers["nightly_reconcile"](timer())  # no notification URL: sync only, with a warning
    assert "subscriptions not renewed" in caplog.text
    user = site.add_user("afdeling@kk.dk")["Id"]
    first = min(int(i["ID"]) for i in site.items("Milepaele"))
    clock.offset = -timedelta(hours=4)
    site.edit_item("Milepaele", first, {"Title": "For længe siden"}, editor=user)  # old, but nobody subscribed
    clock.offset = timedelta(0)
    caplog.clear()
    handlers["nightly_reconcile"](timer())
    assert "KKSYNC_ALERT" not in caplog.text

    store = env.store()  # subscribed now ...
    from kksync.services.webhooks import client_state_hash
    from kksync.state.base import Subscription

    store.put_subscription(env.scope, "milestones", Subscription("s", datetime.now(UTC) + timedelta(days=90),
                                                                  client_state_hash(SECRET)))
    store.close()
    site.edit_item("Milepaele", first, {"Title": "Lige nu"}, editor=user)  # ... but the change is recent
    caplog.clear()
    handlers["nightly_reconcile"](timer())
    assert "KKSYNC_ALERT webhook-silence" not in caplog.text


# --- documents ---------------------------------------------------------------------------------------


@pytest.fixture
def publishing(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int | None]]:
    """A stand-in for the runtime's publishing (the real one is exercised below and in tests/documents)."""
    from kksync.app import Runtime

    calls: list[tuple[str, int | None]] = []

    def publish_documents(runtime: object, plan_key: str, year: int | None = None, **kwargs: object) -> dict:
        from kksync.errors import KksyncError, ThrottledError, UnknownPlanError

        calls.append((plan_key, year))
        if plan_key == "ukendt":
            raise UnknownPlanError("Planen «ukendt» findes ikke.", plan_key=plan_key)
        if plan_key == "ugyldig":
            raise KksyncError("Planen «ugyldig» kan ikke udgives.")
        if plan_key == "travl":
            raise ThrottledError("SharePoint er travl", retry_after=42)
        return {"documents": [f"{plan_key}-status.docx"], "published_at": datetime(2026, 1, 5, tzinfo=UTC)}

    monkeypatch.setattr(Runtime, "publish_documents", publish_documents)
    return calls


def test_scheduled_documents_publish_every_plan(handlers: dict[str, Handler], env: Env, site: EmulatorServer,
                                                publishing: list) -> None:
    handlers["nightly_reconcile"](timer())
    handlers["scheduled_documents"](timer())
    assert sorted(publishing) == [("F2011-2012", None), ("L-BUF-2011", None), ("O2009-2010", None)]


def test_documents_on_demand(handlers: dict[str, Handler], env: Env, publishing: list) -> None:
    def call(plan: str, year: str | None = None):
        request = http_request("POST", route=f"documents/{plan}", route_params={"plan": plan},
                               params={"year": year} if year else {})
        return handlers["documents"](request)

    ok = call("F2011-2012", "2012")
    assert ok.status_code == 200 and ok.mimetype == "application/json"
    assert json.loads(ok.get_body()) == {"plan": "F2011-2012", "year": 2012, "documents": {
        "documents": ["F2011-2012-status.docx"], "published_at": "2026-01-05T00:00:00+00:00"}}
    assert call("F2011-2012", "next").status_code == 400
    unknown = call("ukendt")  # the caller named a plan that does not exist: not found, not a bad request
    assert unknown.status_code == 404 and "ukendt" in json.loads(unknown.get_body())["error"]
    assert call("ugyldig").status_code == 400
    busy = call("travl")
    assert (busy.status_code, busy.headers["Retry-After"]) == (503, "42")
    assert publishing == [("F2011-2012", 2012), ("ukendt", None), ("ugyldig", None), ("travl", None)]


# --- readiness ---------------------------------------------------------------------------------------


def test_readiness_per_portfolio_and_plan(handlers: dict[str, Handler], env: Env, site: EmulatorServer) -> None:
    handlers["nightly_reconcile"](timer())

    def get(plan: str | None):
        request = http_request("GET", route=f"readiness/{plan or ''}", route_params={"plan": plan} if plan else {})
        return handlers["readiness"](request)

    everything = json.loads(get(None).get_body())
    assert {p["plan_key"] for p in everything["plans"]} == {"F2011-2012", "L-BUF-2011", "O2009-2010"}
    assert everything["findings"] and {"rule", "severity", "message"} <= set(everything["findings"][0])
    one = get("F2011-2012")
    assert one.status_code == 200 and one.mimetype == "application/json"
    assert [p["plan_key"] for p in json.loads(one.get_body())["plans"]] == ["F2011-2012"]
    missing = get("F1999")
    assert missing.status_code == 404 and "F1999" in json.loads(missing.get_body())["error"]


def test_documents_with_the_real_publishing_service(handlers: dict[str, Handler], env: Env, site: EmulatorServer) -> None:
    handlers["nightly_reconcile"](timer())
    request = http_request("POST", route="documents/F2011-2012", route_params={"plan": "F2011-2012"})
    response = handlers["documents"](request)
    assert response.status_code == 200, response.get_body()[:500]
    answer = json.loads(response.get_body())
    # The plan asks for investment-catalogue money, so its proposals are published beside the three.
    assert [d["document_type"] for d in answer["documents"]] == [
        "Status på implementering", "Klar til politisk behandling?", "Handlingsplan", "Forslag til investeringskataloget"]
    assert all(d["url"] and d["file_name"].endswith(".docx") for d in answer["documents"])
    assert len(response.get_body()) < 5000  # a summary, not the documents
