"""SharePoint Online as it really behaves (SHAREPOINT.md, "Corrections"), where the emulator differs.

The emulator answers everything else; ``Intercept`` stands in for the answers it cannot give yet:
restores in the change log, short change pages, the list view threshold, update ETags ``"<guid>,<n>"``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from office365.runtime.http.request_options import RequestOptions
from requests import Response

from kksync.errors import ListViewThresholdError, SharePointError, ThrottledError
from kksync.sharepoint.client import ItemWrite, SharePointClient
from kksync.sharepoint.retry import RetryPolicy, is_retriable
from kksync.sharepoint.transport import GuardedTransport
from sp_emulator import EmulatorServer
from sp_emulator.batch import build_batch_response

from .conftest import client_for
from .fakes import THRESHOLD_CODE, THRESHOLD_TEXT, Intercept, canned, sp_error

LIST_ID = "5c6d0a4e-0000-4000-8000-00000000000a"
GUID_ETAG = '"4f1c2b7a-1e0d-4c39-9d2f-0b5d8f0e9a11,5"'


@pytest.fixture
def sp(tmp_path: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(db_path=tmp_path / "sp.db") as server:
        server.create_list("Liste")
        for i in range(1, 4):
            server.add_item("Liste", {"Title": f"Element {i}"})
        yield server


class Site:
    def __init__(self, sp: EmulatorServer, attempts: int = 6) -> None:
        self.sp = sp
        self.wire = Intercept()
        self.slept: list[float] = []
        self.transport = GuardedTransport(self.wire, policy=RetryPolicy(max_attempts=attempts), sleep=self.slept.append)
        self.client: SharePointClient = client_for(sp, self.transport)


def _token(number: int) -> str:
    return f"1;3;{LIST_ID};638700000000000000;{number}"


def _change(number: int, item_id: int, change_type: int) -> dict[str, Any]:
    return {"__metadata": {"type": "SP.ChangeItem"}, "ChangeType": change_type, "ItemId": item_id,
            "ChangeToken": {"__metadata": {"type": "SP.ChangeToken"}, "StringValue": _token(number)}, "Editor": None}


def _change_log(pages: list[list[dict[str, Any]]]) -> Any:
    """Answers getChanges with ``pages`` in turn (then empty pages), recording each ChangeTokenStart."""
    starts: list[str] = []

    def answer(request: RequestOptions) -> Response:
        starts.append(json.loads(request.data)["query"]["ChangeTokenStart"]["StringValue"])
        rows = pages.pop(0) if pages else []
        return canned(200, {"d": {"results": rows}})

    answer.starts = starts  # type: ignore[attr-defined]
    return answer


# --- the change log ----------------------------------------------------------------------------


def test_a_restored_item_is_a_change_to_read_like_an_add(sp: EmulatorServer) -> None:
    site = Site(sp)
    log = _change_log([[_change(11, 1, 1), _change(12, 2, 2), _change(13, 3, 3), _change(14, 3, 7),
                        _change(15, 2, 4), _change(16, 1, 15)]])
    site.wire.on("/getchanges", log)
    changes = site.client.changes("Liste", _token(10), fetch_limit=100)
    assert [(c.item_id, c.kind) for c in changes] == [(1, "add"), (2, "update"), (3, "delete"), (3, "restore"),
                                                      (1, "update")]  # Rename (4) is not an item edit
    query = json.loads(site.wire.bodies("/getchanges")[0])["query"]
    assert query["Restore"] is True and query["SystemUpdate"] is True


def test_short_pages_do_not_end_the_change_log_an_empty_one_does(sp: EmulatorServer) -> None:
    site = Site(sp)
    log = _change_log([[_change(11, 1, 2), _change(12, 2, 2)], [_change(13, 3, 2)], []])
    site.wire.on("/getchanges", log)
    changes = site.client.changes("Liste", _token(10), fetch_limit=5)  # every page shorter than FetchLimit
    assert [c.item_id for c in changes] == [1, 2, 3]
    assert log.starts == [_token(10), _token(12), _token(13)]
    assert changes[-1].token == _token(13)


def test_a_page_that_does_not_advance_ends_the_reading_without_repeats(sp: EmulatorServer) -> None:
    site = Site(sp)
    same = [_change(11, 1, 2), _change(12, 2, 2)]
    log = _change_log([same, list(same), list(same)])  # a server stuck on one page
    site.wire.on("/getchanges", log)
    changes = site.client.changes("Liste", _token(10), fetch_limit=2)
    assert [c.item_id for c in changes] == [1, 2]
    assert len(log.starts) == 2
    stuck = _change_log([[_change(10, 1, 2)]])  # the start token itself comes back
    site.wire.rules = [("/getchanges", stuck)]
    assert site.client.changes("Liste", _token(10)) == []


def test_a_change_without_a_token_is_a_clear_error(sp: EmulatorServer) -> None:
    site = Site(sp)
    site.wire.on("/getchanges", _change_log([[{"ChangeType": 2, "ItemId": 1}]]))
    with pytest.raises(SharePointError, match="uden ændrings-token"):
        site.client.changes("Liste", _token(10))


# --- fixed 500s are not throttling -------------------------------------------------------------


def _threshold(request: RequestOptions) -> Response:
    return sp_error(500, THRESHOLD_CODE, THRESHOLD_TEXT)


def test_the_list_view_threshold_is_fatal_at_once_and_says_what_to_do(sp: EmulatorServer) -> None:
    site = Site(sp)
    site.wire.on("/items?", _threshold)
    with pytest.raises(ListViewThresholdError) as caught:
        list(site.client.iter_pages("Liste", select=["Id"], filter="KkFase eq 'Drift'"))
    error = caught.value
    assert error.list_title == "Liste" and error.status == 500 and "SPQueryThrottledException" in (error.code or "")
    assert "«Liste»" in str(error) and "kksync provision" in str(error) and "indeks" in str(error)
    assert sum("/items?" in r.url for r in site.wire.seen) == 1 and site.slept == []


def test_a_plain_500_is_not_retried_but_one_with_retry_after_is(sp: EmulatorServer) -> None:
    site = Site(sp)
    site.client.list_info("Liste")
    sp.faults.add(status=500, times=1, kinds=("get_items",))
    with pytest.raises(SharePointError, match="svarede 500") as caught:
        list(site.client.iter_pages("Liste", select=["Id"]))
    assert not isinstance(caught.value, ThrottledError) and site.slept == []
    sp.faults.add(status=500, retry_after=2, times=1, kinds=("get_items",))
    assert [len(p) for p in site.client.iter_pages("Liste", select=["Id"])] == [3]
    assert site.slept == [2.0]


def test_throttling_statuses_stay_retriable_whatever_their_code() -> None:
    assert all(is_retriable(status, {}) for status in (429, 502, 503, 504))
    assert not is_retriable(500, {}) and is_retriable(500, {"retry-after": "1"}) and is_retriable(500, {"Retry-After": "1"})
    assert not is_retriable(404, {"Retry-After": "1"})


def _batch_answer(*parts: tuple[int, dict[str, str], bytes]) -> Any:
    def answer(request: RequestOptions) -> Response:
        body, content_type = build_batch_response(list(parts))
        return canned(200, content=body, headers={"Content-Type": content_type})

    return answer


def _threshold_part() -> tuple[int, dict[str, str], bytes]:
    body = {"error": {"code": THRESHOLD_CODE, "message": {"lang": "en-US", "value": THRESHOLD_TEXT}}}
    return 500, {"Content-Type": "application/json"}, json.dumps(body).encode()


def test_inside_a_batch_a_plain_500_is_final_and_one_with_retry_after_is_repeated(sp: EmulatorServer) -> None:
    site = Site(sp)
    site.client.list_info("Liste")
    writes = [ItemWrite(i, '"1"', {"Title": f"ny {i}"}) for i in (1, 2)]
    sp.faults.add(status=500, inner=True, path_contains="items(2)", times=1)
    outcomes = site.client.update_items("Liste", writes)
    assert [o.status for o in outcomes] == ["ok", "error"] and site.slept == []
    sp.faults.add(status=500, retry_after=3, inner=True, path_contains="items(2)", times=1)
    outcomes = site.client.update_items("Liste", [ItemWrite(2, '"1"', {"Title": "ny 2"})])
    assert [o.status for o in outcomes] == ["ok"] and site.slept == [3.0]


def test_the_threshold_inside_a_batch(sp: EmulatorServer) -> None:
    site = Site(sp)
    site.client.list_info("Liste")
    site.wire.on("/$batch", _batch_answer(_threshold_part()))
    [outcome] = site.client.update_items("Liste", [ItemWrite(1, '"1"', {"Title": "x"})])
    assert outcome.status == "error" and "kksync provision" in outcome.message
    with pytest.raises(ListViewThresholdError, match="«Liste»"):
        site.client.create_items("Liste", [{"Title": "ny"}])
    assert sum(r.url.endswith("/$batch") for r in site.wire.seen) == 2 and site.slept == []


# --- ETags are opaque ----------------------------------------------------------------------------


def test_etags_go_out_and_come_back_exactly_as_given(sp: EmulatorServer) -> None:
    site = Site(sp)
    site.client.list_info("Liste")
    site.wire.on("/$batch", _batch_answer((204, {"ETag": GUID_ETAG}, b""), (204, {"ETag": '"7"'}, b"")))
    outcomes = site.client.update_items("Liste", [ItemWrite(1, GUID_ETAG, {"Title": "a"}), ItemWrite(2, '"6"', {"Title": "b"})])
    assert [o.etag for o in outcomes] == [GUID_ETAG, '"7"']
    sent = site.wire.bodies("/$batch")[0].decode()
    assert f"IF-MATCH: {GUID_ETAG}\r\n" in sent and 'IF-MATCH: "6"\r\n' in sent


def test_a_stale_guid_etag_is_a_conflict_on_the_emulator_too(sp: EmulatorServer) -> None:
    site = Site(sp)
    [outcome] = site.client.update_items("Liste", [ItemWrite(1, GUID_ETAG, {"Title": "x"})])
    assert outcome.status == "conflict" and sp.get_item("Liste", 1)["Title"] == "Element 1"


# --- deletes go through the one retry loop -------------------------------------------------------


def test_a_throttled_delete_inside_a_batch_is_retried_and_outcomes_are_per_item(sp: EmulatorServer) -> None:
    site = Site(sp)
    site.client.list_info("Liste")
    sp.faults.add(status=429, retry_after=3, inner=True, methods=("DELETE",), nth=2, times=1)
    outcomes = site.client.delete_items("Liste", [1, 2, 3, 99])
    assert [(o.item_id, o.status) for o in outcomes] == [(1, "ok"), (2, "ok"), (3, "ok"), (99, "missing")]
    assert [len(e.inner) for e in sp.request_log.entries if e.kind == "batch"] == [4, 1]
    assert site.slept == [3.0]
    assert [r["Id"] for p in site.client.iter_pages("Liste", select=["Id"]) for r in p] == []


def test_deletes_stop_at_the_attempt_cap(sp: EmulatorServer) -> None:
    site = Site(sp, attempts=2)
    site.client.list_info("Liste")
    sp.faults.add(status=503, retry_after=1, inner=True, methods=("DELETE",))
    with pytest.raises(ThrottledError):
        site.client.delete_items("Liste", [1])


# --- site users ----------------------------------------------------------------------------------


def test_site_users_follow_next_and_guard_against_a_repeated_page(sp: EmulatorServer) -> None:
    site = Site(sp)
    row = {"Id": 12, "LoginName": "i:0#.f|membership|gone@kk.dk", "Title": "Gået", "Email": "gone@kk.dk",
           "UserPrincipalName": None, "PrincipalType": 1}
    group = {"Id": 3, "LoginName": "c:0-.f|rolemanager|spo-grid-all-users/x", "Title": "Alle", "PrincipalType": 4}
    next_url = f"{sp.url}/_api/web/siteusers?$skiptoken=Paged%3dTRUE%26p_ID%3d12"
    pages = [canned(200, {"d": {"results": [group, row], "__next": next_url}}),
             canned(200, {"d": {"results": [dict(row, Id=13, LoginName="i:0#.f|membership|ny@kk.dk")]}})]
    site.wire.on("/siteusers", lambda request: pages.pop(0) if pages else None)
    users = site.client.site_users()
    assert [(u.id, u.account) for u in users] == [(3, None), (12, "gone@kk.dk"), (13, "ny@kk.dk")]
    loop = canned(200, {"d": {"results": [row], "__next": next_url}})
    site.wire.rules = [("/siteusers", lambda request: loop)]
    with pytest.raises(SharePointError, match="samme side"):
        site.client.site_users()
