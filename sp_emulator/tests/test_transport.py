"""The in-process transport: what the library gets equals what it gets over loopback, without a socket."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from office365.runtime.client_request_exception import ClientRequestException
from office365.runtime.http.http_method import HttpMethod
from office365.runtime.http.request_options import RequestOptions
from office365.runtime.transport.requests_transport import RequestsTransport
from office365.sharepoint.client_context import ClientContext

from sp_emulator import EmulatorServer
from sp_emulator.receiver import WebhookReceiver
from sp_emulator.transport import EmulatorTransport

from .conftest import token
from .test_fidelity import _make_list, _queue_item

_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
H = {"Authorization": "Bearer t", "Accept": "application/json;odata=verbose"}


@pytest.fixture
def local(tmp_path: Path) -> Iterator[EmulatorServer]:
    """An emulator that never binds a port."""
    server = EmulatorServer(db_path=tmp_path / "local.db", notification_delay=0.05)
    yield server
    server.stop()


@pytest.fixture
def transport(local: EmulatorServer) -> EmulatorTransport:
    return EmulatorTransport(local)


def _ctx(server: EmulatorServer, transport: object) -> ClientContext:
    ctx = ClientContext(server.url).with_access_token(token)
    ctx.pending_request().transport = transport
    return ctx


def _get(url: str, **headers: str) -> RequestOptions:
    return RequestOptions(url, headers={**H, **headers})


def test_an_unstarted_server_has_a_stable_url_and_no_socket(local: EmulatorServer) -> None:
    assert local.url == "http://127.0.0.1/sites/kk-it"
    assert local._httpd is None and local.port == 0


def test_status_headers_and_body_are_a_real_response(local: EmulatorServer, transport: EmulatorTransport) -> None:
    url = f"{local.url}/_api/web?$select=Title"
    response = transport.execute(_get(url, **{"client-request-id": "abc"}))
    assert isinstance(response, requests.Response)
    assert response.status_code == 200 and response.ok and response.reason == "OK"
    assert response.url == url and response.request.method == "GET"
    assert response.headers["content-type"] == "application/json;odata=verbose;charset=utf-8"
    assert response.headers["SPRequestGuid"] == "abc" and response.headers["Server"] == "Microsoft-IIS/10.0"
    assert int(response.headers["Content-Length"]) == len(response.content)
    assert response.encoding == "utf-8"
    assert response.json() == {"d": {"__metadata": response.json()["d"]["__metadata"], "Title": "kk-it"}}
    missing = transport.execute(_get(f"{local.url}/_api/web/lists/getbytitle('Nope')"))
    assert missing.status_code == 404 and "error" in missing.json()
    assert transport.execute(RequestOptions(f"{local.url}/_api/web")).status_code == 401  # no bearer


def test_same_answers_as_over_loopback(tmp_path: Path, local: EmulatorServer, transport: EmulatorTransport) -> None:
    """One script of requests, run over HTTP and in-process: equal statuses, header names and bodies."""

    def script(server: EmulatorServer, via: object) -> list[tuple[int, set[str], object]]:
        server.create_list("A")
        base = f"{server.url}/_api/web/lists/getbytitle('A')"
        steps = [
            _get(f"{base}/items"),
            RequestOptions(f"{base}/items", HttpMethod.Post, {"Title": "x"}, dict(H)),  # a dict: sent as JSON
            RequestOptions(f"{base}/items(1)", HttpMethod.Post, b'{"Title": "y"}',
                           {**H, "X-HTTP-Method": "MERGE", "IF-MATCH": '"1"', "Content-Type": "application/json"}),
            RequestOptions(f"{base}/items(1)", HttpMethod.Post, b"{}", {**H, "X-HTTP-Method": "MERGE", "IF-MATCH": '"1"'}),
            _get(f"{base}/items(1)?$select=Title"),
            _get(f"{base}/items?$bogus=1"),
        ]
        out = []
        for step in steps:
            response = via.execute(step)  # type: ignore[attr-defined]
            # The same answer but for the site's address, the ids it made up and the clock.
            text = _GUID.sub("<guid>", response.text.replace(server.url, "<site>"))
            text = _STAMP.sub("<time>", text)
            out.append((response.status_code, {k.lower() for k in response.headers} - {"date"}, text))
        return out

    with EmulatorServer(db_path=tmp_path / "http.db") as http:
        over_http = script(http, RequestsTransport())
    in_process = script(local, transport)
    assert [s for s, _, _ in in_process] == [200, 201, 204, 412, 200, 400]
    assert in_process == over_http


def test_the_library_works_through_it(local: EmulatorServer, transport: EmulatorTransport) -> None:
    ctx = _ctx(local, transport)
    lst = _make_list(ctx)
    item = lst.add_item({"Title": "a"}).execute_query()
    item.set_property("Title", "b").update().execute_query()  # POST + X-HTTP-Method: MERGE
    assert local.get_item("Sager", 1)["Title"] == "b"
    item.delete_object().execute_query()  # POST + X-HTTP-Method: DELETE
    assert local.items("Sager") == []
    with pytest.raises(ClientRequestException) as error:
        ctx.web.lists.get_by_title("Nope").get().execute_query()
    assert error.value.response.status_code == 404
    assert local.request_log.counts()["contextinfo"] == 1


def test_batch_is_one_request_with_its_operations(local: EmulatorServer, transport: EmulatorTransport) -> None:
    ctx = _ctx(local, transport)
    lst = _make_list(ctx)
    local.request_log.reset()
    for i in range(3):
        _queue_item(lst, {"Title": str(i)})
    ctx.execute_batch()
    assert sorted(i["Title"] for i in local.items("Sager")) == ["0", "1", "2"]
    (batch,) = [e for e in local.request_log.entries if e.kind == "batch"]
    assert [(op.kind, op.status) for op in batch.inner] == [("create_item", 201)] * 3


def test_file_bytes_and_streamed_download(local: EmulatorServer, transport: EmulatorTransport) -> None:
    ctx = _ctx(local, transport)
    folder = _make_list(ctx, "Dokumenter", 101).root_folder
    folder.files.add("a.bin", bytes(range(256)) * 10, overwrite=True).execute_query()
    url = f"{local.url}/_api/web/getfilebyserverrelativeurl('/sites/kk-it/Dokumenter/a.bin')/$value"
    streamed = RequestOptions(url, headers=dict(H))
    streamed.stream = True
    response = transport.execute(streamed)
    assert b"".join(response.iter_content(100)) == bytes(range(256)) * 10


def test_a_dropped_connection_is_a_connection_error(local: EmulatorServer, transport: EmulatorTransport) -> None:
    local.faults.add(drop=True, nth=1)
    with pytest.raises(requests.ConnectionError, match="Connection aborted"):
        transport.execute(_get(f"{local.url}/_api/web"))
    assert local.request_log.entries[-1].status == 0
    assert transport.execute(_get(f"{local.url}/_api/web")).ok


def test_a_delay_sleeps(local: EmulatorServer, transport: EmulatorTransport) -> None:
    local.faults.add(delay=0.2, nth=1)
    started = datetime.now(UTC)
    assert transport.execute(_get(f"{local.url}/_api/web")).ok
    assert datetime.now(UTC) - started >= timedelta(seconds=0.2)


def test_another_host_is_unreachable(transport: EmulatorTransport) -> None:
    with pytest.raises(requests.ConnectionError, match="No emulator"):
        transport.execute(_get("http://127.0.0.1:9/sites/kk-it/_api/web"))


def test_webhooks_still_reach_a_real_receiver(local: EmulatorServer, transport: EmulatorTransport) -> None:
    ctx = _ctx(local, transport)
    lst = _make_list(ctx)
    with WebhookReceiver() as hook:
        lst.subscriptions.add(hook.url, datetime.now(UTC) + timedelta(days=30)).execute_query()
        assert len(hook.validations) == 1
        local.add_item("Sager", {"Title": "fra forvaltningen"})
        assert hook.wait_for(1, timeout=5)
        note = json.loads(hook.notifications[0])["value"][0]
        assert note["resource"] == lst.properties["Id"] and hook.calls == [("validation", 200), ("notification", 200)]
