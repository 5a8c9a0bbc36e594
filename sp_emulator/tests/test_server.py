"""Server behaviour beyond the happy path: persistence, auth, faults, paging edge cases, thresholds, CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from office365.sharepoint.client_context import ClientContext

from sp_emulator import EmulatorServer

from .conftest import token

H = {
    "Authorization": "Bearer t",
    "Accept": "application/json;odata=verbose",
    "Content-Type": "application/json;odata=verbose",
}


def _fill(sp: EmulatorServer, title: str, n: int, **fields) -> None:
    sp.create_list(title)
    for i in range(n):
        sp.add_item(title, {"Title": f"T{i}", **fields})


def test_restart_keeps_everything(tmp_path: Path) -> None:
    db = tmp_path / "sp.db"
    with EmulatorServer(db_path=db) as sp:
        ctx = ClientContext(sp.url).with_access_token(token)
        user = ctx.web.ensure_user("x@kk.dk").execute_query().properties["Id"]
        _fill(sp, "A", 3)
        sp.edit_item("A", 2, {"Title": "edited"}, editor=user)
        token_before = sp.site.current_change_token(sp.site.find_list(title="A")["Id"])
    with EmulatorServer(db_path=db) as sp:
        item = sp.get_item("A", 2)
        assert item["Title"] == "edited" and item["_version"] == 2 and item["Editor"] == user
        lst = sp.site.find_list(title="A")
        assert sp.site.current_change_token(lst["Id"]).split(";")[-1] == token_before.split(";")[-1]
        sp.add_item("A", {"Title": "new"})
        assert sp.get_item("A", 4)["Title"] == "new"  # ids continue, never reused
        r = requests.get(f"{sp.url}/_api/web/lists/getbytitle('A')/items", headers=H, timeout=5)
        assert len(r.json()["d"]["results"]) == 4


def test_requests_without_bearer_get_401(sp: EmulatorServer) -> None:
    r = requests.post(f"{sp.url}/_api/contextinfo", timeout=5)
    assert r.status_code == 401
    assert r.json()["error"]["code"].endswith("System.UnauthorizedAccessException")
    r = requests.get(f"{sp.url}/_api/web", headers={"Authorization": "Bearer "}, timeout=5)
    assert r.status_code == 401
    sp.expected_token = "right"
    assert requests.get(f"{sp.url}/_api/web", headers=H, timeout=5).status_code == 401
    assert requests.get(f"{sp.url}/_api/web", headers={**H, "Authorization": "Bearer right"}, timeout=5).ok
    assert sp.request_log.counts()["unknown"] >= 3


def test_fault_injection(sp: EmulatorServer) -> None:
    sp.create_list("A")
    url = f"{sp.url}/_api/web/lists/getbytitle('A')/items"
    sp.faults.add(status=429, retry_after=3, nth=2, kinds=("get_items",))
    assert requests.get(url, headers=H, timeout=5).status_code == 200
    r = requests.get(url, headers=H, timeout=5)
    assert r.status_code == 429 and r.headers["Retry-After"] == "3"
    assert requests.get(url, headers=H, timeout=5).status_code == 200
    sp.faults.clear()
    sp.faults.add(status=503, retry_after=1, methods=("POST",), times=1)
    assert requests.get(url, headers=H, timeout=5).status_code == 200
    assert requests.post(url, headers=H, json={"Title": "x"}, timeout=5).status_code == 503
    assert requests.post(url, headers=H, json={"Title": "x"}, timeout=5).status_code == 201
    sp.faults.clear()
    sp.faults.add(drop=True, nth=1)
    with pytest.raises(requests.ConnectionError):
        requests.get(url, headers=H, timeout=5)
    sp.faults.clear()
    sp.faults.add(status=500, rate=0.5)
    statuses = [requests.get(url, headers=H, timeout=5).status_code for _ in range(40)]
    assert 5 < statuses.count(500) < 35
    sp.faults.clear()
    sp.faults.add(delay=0.3, nth=1)
    start = time.monotonic()
    assert requests.get(url, headers=H, timeout=5).ok and time.monotonic() - start >= 0.3


def test_batch_inner_throttle_is_retried_alone(sp: EmulatorServer, ctx) -> None:
    from .test_fidelity import _queue_item

    sp.create_list("A")
    lst = ctx.web.lists.get_by_title("A").get().execute_query()
    sp.faults.add(status=429, retry_after=1, nth=2, kinds=("create_item",), inner=True)
    for i in range(3):
        _queue_item(lst, {"Title": str(i)})
    ctx.execute_batch()
    assert sorted(i["Title"] for i in sp.items("A")) == ["0", "1", "2"]
    batches = [e for e in sp.request_log.entries if e.kind == "batch"]
    assert [len(b.inner) for b in batches] == [3, 1]
    assert batches[0].inner[1].status == 429
    assert sp.request_log.op_counts()["create_item"] == 4


def test_skip_fallback_on_exactly_full_last_page(sp: EmulatorServer, ctx) -> None:
    sp.honor_skip = True  # the unfaithful switch: SharePoint ignores $skip on list items (see test_skip_ignored)
    _fill(sp, "A", 100)
    items = ctx.web.lists.get_by_title("A").items.get_all(100).execute_query()
    assert [i.properties["Id"] for i in items] == list(range(1, 101))
    paths = [e for e in sp.request_log.entries if e.kind == "get_items"]
    # A full first page without __next makes the library probe with $skip=100; honoured -> empty -> done.
    assert len(paths) == 2


def test_list_view_threshold(sp: EmulatorServer, ctx) -> None:
    lst = sp.create_list("Big")
    from sp_emulator.fields import make_field

    sp.site.add_field(lst["Id"], make_field({"Title": "Status", "FieldTypeKind": 2}, sp.store.lists))
    with sp.store.lock:
        for i in range(5001):
            sp.site.create_item(lst["Id"], {"Title": f"T{i}", "Status": "Ny" if i % 2 else "Lukket"}, 1073741822)
    base = f"{sp.url}/_api/web/lists/getbytitle('Big')/items"
    r = requests.get(base, params={"$filter": "Status eq 'Ny'"}, headers=H, timeout=10)
    assert r.status_code == 500
    assert "SPQueryThrottledException" in r.json()["error"]["code"]
    assert (
        requests.get(base, params={"$filter": "ID gt 4990"}, headers=H, timeout=10).json()["d"]["results"][0]["Id"]
        == 4991
    )
    sp.set_indexed("Big", "Status")
    r = requests.get(base, params={"$filter": "Status eq 'Ny' and ID le 10", "$top": "5000"}, headers=H, timeout=10)
    assert len(r.json()["d"]["results"]) == 5


def test_read_10k_items_in_two_pages(sp: EmulatorServer, ctx) -> None:
    """Paging by request count, not by the clock (timings live in the benchmarks)."""
    lst = sp.create_list("Perf")
    # 10,001, not 10,000: an exactly full last page would send the library to $skip, which SharePoint ignores.
    with sp.store.lock:
        for i in range(10_001):
            sp.site.create_item(lst["Id"], {"Title": f"T{i}"}, 1073741822)
    sp.request_log.reset()
    # Only the id: the library builds a dozen objects per property it maps, which is not what is tested here.
    items = ctx.web.lists.get_by_title("Perf").items.select(["Id"]).get_all(5000).execute_query()
    assert len(items) == 10_001
    assert len({item.id for item in items}) == 10_001
    assert sp.request_log.counts().get("get_items", 0) == 3


def test_cli_serves_and_stops(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sp_emulator",
            "serve",
            "--db",
            str(tmp_path / "c.db"),
            "--port",
            "0",
            "--site",
            "demo",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline().strip()  # type: ignore[union-attr]
        assert line.startswith("Serving SharePoint site at http://127.0.0.1:") and line.endswith("/sites/demo")
        url = line.rsplit(" ", 1)[1]
        assert (
            requests.post(f"{url}/_api/contextinfo", headers=H, timeout=5).json()["d"]["GetContextWebInformation"][
                "WebFullUrl"
            ]
            == url
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
