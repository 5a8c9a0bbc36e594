"""Webhook delivery semantics: batching, retries, chaos hooks, expiry, validation, subscription updates."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import requests

from sp_emulator import EmulatorServer
from sp_emulator.receiver import WebhookReceiver

H = {
    "Authorization": "Bearer t",
    "Accept": "application/json;odata=verbose",
    "Content-Type": "application/json;odata=verbose",
}


def _subscribe(sp: EmulatorServer, lid: str, url: str, days: int = 30):
    expiry = (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return requests.post(
        f"{sp.url}/_api/web/lists('{lid}')/subscriptions",
        headers=H,
        timeout=10,
        json={"resource": lid, "notificationUrl": url, "expirationDateTime": expiry, "clientState": "secret"},
    )


def test_documented_form_retries_and_chaos(sp: EmulatorServer, receiver: WebhookReceiver) -> None:
    lid = sp.create_list("A")["Id"]
    r = _subscribe(sp, lid, receiver.url)
    assert r.status_code == 201
    sub = r.json()["d"]
    assert sub["clientState"] == "secret"
    receiver.status = 500  # first delivery fails -> retried
    sp.add_item("A", {"Title": "x"})
    assert receiver.wait_for(1, timeout=5)
    receiver.status = 200
    sp.hooks.wait_idle()
    assert [d.status for d in sp.hooks.deliveries] == [500, 200]
    assert json.loads(receiver.notifications[-1])["value"][0]["clientState"] == "secret"

    sp.hooks.set_chaos(drop_next=1)
    before = len(receiver.notifications)
    sp.edit_item("A", 1, {"Title": "y"})
    sp.hooks.wait_idle()
    assert len(receiver.notifications) == before and sp.hooks.deliveries[-1].status == 0
    sp.hooks.set_chaos(duplicate_rate=1.0)
    sp.edit_item("A", 1, {"Title": "z"})
    sp.hooks.wait_idle()
    assert len(receiver.notifications) == before + 2


def test_validation_and_limits(sp: EmulatorServer) -> None:
    lid = sp.create_list("A")["Id"]
    with WebhookReceiver(echo=False) as silent:
        assert _subscribe(sp, lid, silent.url).status_code == 400
        assert len(silent.validations) == 1  # it was asked, and answered something else
    assert _subscribe(sp, lid, "http://example.com/hook").status_code == 400  # loopback only
    with WebhookReceiver() as ok:
        assert _subscribe(sp, lid, ok.url, days=181).status_code == 400
        sub = _subscribe(sp, lid, ok.url).json()["d"]
        base = f"{sp.url}/_api/web/lists('{lid}')/subscriptions('{sub['id']}')"
        far = (datetime.now(UTC) + timedelta(days=200)).isoformat()
        assert requests.patch(base, headers=H, json={"expirationDateTime": far}, timeout=5).status_code == 400
        soon = (datetime.now(UTC) + timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert requests.patch(base, headers=H, json={"expirationDateTime": soon}, timeout=5).status_code == 204
        assert requests.get(base, headers=H, timeout=5).json()["d"]["expirationDateTime"] == soon
        # An expired subscription does not fire.
        sp.store.put_subscription({**sp.store.subscriptions[sub["id"]], "expirationDateTime": "2020-01-01T00:00:00Z"})
        sp.add_item("A", {"Title": "x"})
        sp.hooks.wait_idle()
        assert ok.notifications == []
        assert requests.delete(base, headers=H, timeout=5).status_code == 204
        assert requests.get(base, headers=H, timeout=5).status_code == 404


def test_failed_deliveries_are_retried_five_times_then_dropped(sp: EmulatorServer, receiver: WebhookReceiver) -> None:
    lid = sp.create_list("A")["Id"]
    assert _subscribe(sp, lid, receiver.url).status_code == 201
    receiver.status = 503
    sp.add_item("A", {"Title": "x"})
    assert receiver.wait_for(1, timeout=5)
    assert sp.hooks.wait_idle()
    # One delivery and five retries (SharePoint waits 5 minutes between them; the emulator's interval is
    # compressed for tests via hooks.retry_interval), then the notification is dropped.
    assert [d.attempt for d in sp.hooks.deliveries] == [1, 2, 3, 4, 5, 6]
    assert {d.status for d in sp.hooks.deliveries} == {503}


def test_validation_must_answer_within_the_timeout(sp: EmulatorServer) -> None:
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Slow(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            time.sleep(0.5)
            token = self.path.split("validationtoken=")[-1].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(token)))
            self.end_headers()
            self.wfile.write(token)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        lid = sp.create_list("A")["Id"]
        url = f"http://127.0.0.1:{httpd.server_address[1]}/hook"
        assert sp.hooks.validation_timeout == 5.0  # SharePoint's 5 seconds
        sp.hooks.validation_timeout = 0.2  # compressed so the test stays fast
        assert _subscribe(sp, lid, url).status_code == 400
        sp.hooks.validation_timeout = 5.0
        assert _subscribe(sp, lid, url).status_code == 201
    finally:
        httpd.shutdown()
        httpd.server_close()
