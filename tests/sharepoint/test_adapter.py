"""Contract tests for the SharePoint adapter, against the emulator over real HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from office365.runtime.http.request_options import RequestOptions
from office365.runtime.transport.requests_transport import RequestsTransport
from requests import Response

from kksync.app import build_client
from kksync.errors import ChangeTokenError, NotFoundError, SharePointError, ThrottledError
from kksync.settings import Settings
from kksync.sharepoint.client import ItemWrite, SharePointClient
from kksync.sharepoint.retry import RetryPolicy, parse_retry_after
from kksync.sharepoint.transport import USER_AGENT, GuardedTransport
from sp_emulator import EmulatorServer


@pytest.fixture
def sp(tmp_path: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(db_path=tmp_path / "sp.db") as server:
        server.create_list("Liste")
        for i in range(1, 251):
            server.add_item("Liste", {"Title": f"Element {i}"})
        yield server


def _client(sp: EmulatorServer, **transport: object) -> SharePointClient:
    settings = Settings(site_url=sp.url, state=":memory:")
    client = build_client(settings, transport=GuardedTransport(**transport) if transport else None)  # type: ignore[arg-type]
    client.page_size = 100
    return client


def test_pages_follow_next_and_count_requests(sp: EmulatorServer) -> None:
    client = _client(sp)
    pages = list(client.iter_pages("Liste", select=["Id", "Title"]))
    assert [len(p) for p in pages] == [100, 100, 50]
    assert sp.request_log.counts()["get_items"] == 3
    assert client.transport.counts["read_items"] == 3


class _IgnoresPaging(RequestsTransport):  # type: ignore[misc]
    """A server that drops the paging token: every ``__next`` link answers with the first page again."""

    def execute(self, request: RequestOptions) -> Response:
        request.url = re.sub(r"&?\$skiptoken=[^&]*", "", request.url)
        return super().execute(request)


def test_repeated_page_is_refused(sp: EmulatorServer) -> None:
    client = _client(sp, inner=_IgnoresPaging())
    with pytest.raises(SharePointError, match="samme side"):
        list(client.iter_pages("Liste", select=["Id"]))
    assert sp.request_log.counts()["get_items"] == 2  # stopped at the first repeat


def test_items_by_ids_reads_a_hundred_per_request(sp: EmulatorServer) -> None:
    client = _client(sp)
    sp.request_log.reset()
    rows = client.items_by_ids("Liste", [*range(1, 251), 9999], select=["Id"])
    assert sorted(int(r["Id"]) for r in rows) == list(range(1, 251))
    assert sp.request_log.counts()["get_items"] == 3


def test_conditional_updates_conflict_on_a_stale_etag(sp: EmulatorServer) -> None:
    client = _client(sp)
    sp.edit_item("Liste", 2, {"Title": "Ændret af en forvaltning"})  # etag "2" now
    outcomes = client.update_items("Liste", [ItemWrite(1, '"1"', {"Title": "a"}), ItemWrite(2, '"1"', {"Title": "b"})])
    assert [o.status for o in outcomes] == ["ok", "conflict"]
    assert outcomes[0].etag
    assert sp.get_item("Liste", 2)["Title"] == "Ændret af en forvaltning"
    assert sp.request_log.counts()["batch"] == 1


def test_changes_are_paged_by_fetch_limit(sp: EmulatorServer) -> None:
    client = _client(sp)
    token = client.list_info("Liste", refresh=True).change_token
    for i in range(1, 8):
        sp.edit_item("Liste", i, {"Title": f"x{i}"})
    changes = client.changes("Liste", token, fetch_limit=3)
    assert [c.item_id for c in changes] == list(range(1, 8))
    # 3 + 3 + 1, then the empty page that ends the log: a short page alone does not prove the end
    assert sp.request_log.counts()["get_changes"] == 4
    # SharePoint Online names no editor on item updates (sp-dev-docs #10017): the sync must not need one.
    assert all(c.kind == "update" and c.editor is None for c in changes)


def test_a_token_older_than_the_change_log_returns_nothing_and_no_error(sp: EmulatorServer) -> None:
    """sp-dev-docs #10389: no exception, no changes; the sync's full reconcile is what catches this."""
    client = _client(sp)
    token = client.list_info("Liste", refresh=True).change_token
    sp.edit_item("Liste", 1, {"Title": "y"})
    assert [c.item_id for c in client.changes("Liste", token)] == [1]
    sp.expire_change_log(before=10**9)
    assert client.changes("Liste", token) == []


def test_a_malformed_token_is_a_change_token_error(sp: EmulatorServer) -> None:
    with pytest.raises(ChangeTokenError):
        _client(sp).changes("Liste", "not-a-token")


def test_missing_list_is_not_found(sp: EmulatorServer) -> None:
    with pytest.raises(NotFoundError):
        _client(sp).list_info("Findes ikke")


def test_retry_after_is_honoured_with_an_injected_clock(sp: EmulatorServer) -> None:
    slept: list[float] = []
    client = _client(sp, sleep=slept.append, policy=RetryPolicy(max_attempts=5))
    sp.faults.add(status=429, retry_after=7, nth=2, times=1)
    assert len(list(client.iter_pages("Liste", select=["Id"]))) == 3
    assert slept == [7.0]
    assert client.transport.retries == 1


def test_a_wait_beyond_the_deadline_is_given_back(sp: EmulatorServer) -> None:
    now = [100.0]
    client = _client(sp, sleep=lambda s: None, clock=lambda: now[0], deadline=110.0)
    sp.faults.add(status=503, retry_after=300, times=1)
    with pytest.raises(ThrottledError) as error:
        client.list_info("Liste", refresh=True)
    assert error.value.retry_after == 300


def test_requests_are_decorated(sp: EmulatorServer) -> None:
    client = _client(sp)
    client.list_info("Liste")
    assert USER_AGENT.startswith("NONISV|KobenhavnsKommune|kksync/")


def test_upload_download_and_versions(sp: EmulatorServer) -> None:
    sp.create_list("Bibliotek", base_template=101)
    client = _client(sp)
    first = client.upload_file("Bibliotek", "plan.docx", b"one")
    second = client.upload_file("Bibliotek", "plan.docx", b"two")
    assert client.download_file(second["ServerRelativeUrl"]) == b"two"
    assert first["ServerRelativeUrl"] == second["ServerRelativeUrl"]
    big = bytes(range(256)) * (5 * 4096 + 7)  # > 4 MiB: chunked upload
    client.upload_file("Bibliotek", "stor.docx", big)
    assert client.download_file(f"{first['ServerRelativeUrl'].rsplit('/', 1)[0]}/stor.docx") == big


def test_retry_after_parsing() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_our_retry_policy_is_the_only_one_even_for_the_form_digest(sp: EmulatorServer) -> None:
    """The library retries the digest on its own; giving up must stop there, within our attempts."""
    client = _client(sp, sleep=lambda s: None, policy=RetryPolicy(max_attempts=3))
    sp.faults.add(status=503, retry_after=0, path_contains="contextinfo")
    with pytest.raises(ThrottledError):
        client.list_info("Liste", refresh=True)
    assert sp.request_log.counts()["contextinfo"] == 3


def test_an_unreachable_site_is_a_clear_error_after_our_attempts(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(site_url=f"http://127.0.0.1:{port}/sites/x", state=":memory:")
    transport = GuardedTransport(sleep=lambda s: None, policy=RetryPolicy(max_attempts=2))
    client = build_client(settings, transport=transport)
    with pytest.raises(SharePointError, match="kunne ikke nås efter 2 forsøg"):
        client.list_info("Liste")
    assert transport.total == 2
