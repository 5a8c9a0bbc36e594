"""The loopback webhook receiver on its own: handshake, callbacks, records, failures."""

from __future__ import annotations

import urllib.error
import urllib.request

from sp_emulator.receiver import Answer, Delivery, WebhookReceiver


def _post(url: str, body: bytes = b"") -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read(), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers["Content-Type"]


def test_echoes_the_handshake_and_records_notifications() -> None:
    with WebhookReceiver(status=202) as hook:
        assert hook.url.startswith("http://127.0.0.1:") and hook.url.endswith("/api/webhook")
        assert _post(f"{hook.url}?validationToken=abc%20d") == (200, b"abc d", "text/plain; charset=utf-8")
        assert _post(hook.url, b'{"value": []}')[0] == 202
        assert hook.wait_for(1, timeout=1)
        assert hook.validations == ["abc d"] and hook.notifications == [b'{"value": []}']
        assert hook.calls == [("validation", 200), ("notification", 202)]
        got = hook.received[1]
        assert got.header("content-length") == "13" and got.header("X-Nope") is None and got.target == "/api/webhook"


def test_refuses_the_handshake_when_told_and_times_out_waiting() -> None:
    with WebhookReceiver(echo=False) as hook:
        assert _post(f"{hook.url}?validationtoken=t")[1] != b"t"
        assert not hook.wait_for(1, timeout=0.1)


def test_callbacks_answer_and_a_failing_one_is_a_500() -> None:
    seen: list[Delivery] = []

    def notified(delivery: Delivery) -> Answer:
        seen.append(delivery)
        if delivery.body == b"boom":
            raise ValueError("a bug in the handler")
        return Answer(202, b"ok", "application/json")

    with WebhookReceiver(on_notification=notified, on_validation=lambda d: Answer(400, b"nej"), path="/hook") as hook:
        assert _post(f"{hook.url}?x=1&validationtoken=t") == (400, b"nej", "text/plain; charset=utf-8")
        assert _post(f"{hook.url}?x=1", b"{}") == (202, b"ok", "application/json")
        assert _post(hook.url, b"boom")[0] == 500
        assert [d.params for d in seen] == [{"x": "1"}, {}] and seen[0].target == "/hook?x=1"
        assert [type(e) for e in hook.errors] == [ValueError]
        assert hook.calls == [("validation", 400), ("notification", 202), ("notification", 500)]
