"""The change log as SharePoint Online keeps it: null editors on updates, silent too-old tokens, short pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from office365.sharepoint.changes.query import ChangeQuery
from office365.sharepoint.changes.token import ChangeToken

from sp_emulator import EmulatorServer
from sp_emulator.fidelity import Fidelity

H = {
    "Authorization": "Bearer t",
    "Accept": "application/json;odata=verbose",
    "Content-Type": "application/json;odata=verbose",
}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _changes(sp: EmulatorServer, title: str, token: str, limit: int = 1000) -> list[dict]:
    lid = sp.site.find_list(title=title)["Id"]
    body = {
        "query": {
            "__metadata": {"type": "SP.ChangeQuery"},
            "Item": True, "Add": True, "Update": True, "DeleteObject": True, "Restore": True,
            "ChangeTokenStart": {"__metadata": {"type": "SP.ChangeToken"}, "StringValue": token},
            "FetchLimit": limit,
        }
    }  # fmt: skip
    r = requests.post(f"{sp.url}/_api/web/lists(guid'{lid}')/getchanges", headers=H, json=body, timeout=5)
    assert r.status_code == 200, r.text
    return list(r.json()["d"]["results"])


def _current(sp: EmulatorServer, title: str) -> str:
    return sp.site.current_change_token(sp.site.find_list(title=title)["Id"])


def test_editor_is_null_for_updates_only(ctx, sp: EmulatorServer) -> None:
    sp.create_list("Sager")
    start = _current(sp, "Sager")
    anna = sp.add_user("anna@kk.dk")["Id"]
    sp.add_item("Sager", {"Title": "a"}, editor=anna)
    sp.edit_item("Sager", 1, {"Title": "b"}, editor=anna)
    lst = ctx.web.lists.get_by_title("Sager")
    query = ChangeQuery(Item=True, Add=True, Update=True, ChangeTokenStart=ChangeToken(start))
    add, update = (c.properties for c in lst.get_changes(query).execute_query())
    assert add["EditorLoginName"] == "i:0#.f|membership|anna@kk.dk"
    assert update["Editor"] is None and update["EditorLoginName"] is None  # sp-dev-docs #10017


def test_editor_on_updates_when_switched(tmp_path: Path) -> None:
    with EmulatorServer(db_path=tmp_path / "sp.db", fidelity=Fidelity(editor_in_update_changes=True)) as sp:
        sp.create_list("Sager")
        start = _current(sp, "Sager")
        sp.add_item("Sager", {"Title": "a"})
        sp.edit_item("Sager", 1, {"Title": "b"})
        assert [c["EditorLoginName"] for c in _changes(sp, "Sager", start)] == [
            "i:0#.f|membership|forvaltning@kk.dk"
        ] * 2


def test_token_older_than_retention_returns_nothing(tmp_path: Path) -> None:
    clock = Clock()
    with EmulatorServer(db_path=tmp_path / "sp.db", clock=clock) as sp:
        sp.create_list("Sager")
        start = _current(sp, "Sager")
        sp.add_item("Sager", {"Title": "a"})
        clock.now += timedelta(days=59)
        assert [c["ItemId"] for c in _changes(sp, "Sager", start)] == [1]
        clock.now += timedelta(days=2)  # 61 days after the token was issued
        sp.add_item("Sager", {"Title": "b"})
        assert _changes(sp, "Sager", start) == []  # no error either (sp-dev-docs #10389)
        fresh = _current(sp, "Sager")
        sp.add_item("Sager", {"Title": "c"})
        assert [c["ItemId"] for c in _changes(sp, "Sager", fresh)] == [3]  # a fresh token works again


def test_retention_is_configurable(tmp_path: Path) -> None:
    clock = Clock()
    fidelity = Fidelity(change_log_retention=timedelta(days=7))
    with EmulatorServer(db_path=tmp_path / "sp.db", clock=clock, fidelity=fidelity) as sp:
        sp.create_list("Sager")
        start = _current(sp, "Sager")
        sp.add_item("Sager", {"Title": "a"})
        clock.now += timedelta(days=8)
        assert _changes(sp, "Sager", start) == []


def test_malformed_token_is_still_an_error(sp: EmulatorServer) -> None:
    lid = sp.create_list("Sager")["Id"]
    body = {"query": {"Item": True, "Add": True, "ChangeTokenStart": {"StringValue": "garbage"}}}
    r = requests.post(f"{sp.url}/_api/web/lists(guid'{lid}')/getchanges", headers=H, json=body, timeout=5)
    assert r.status_code == 400


def test_short_pages_while_more_exist_when_switched(tmp_path: Path) -> None:
    with EmulatorServer(db_path=tmp_path / "sp.db", fidelity=Fidelity(short_change_pages=True)) as sp:
        sp.create_list("Sager")
        token = _current(sp, "Sager")
        for n in range(10):
            sp.add_item("Sager", {"Title": str(n)})
        pages = []
        while True:  # page until an empty page, as a robust client must
            page = _changes(sp, "Sager", token, limit=4)
            if not page:
                break
            pages.append(len(page))
            token = page[-1]["ChangeToken"]["StringValue"]
        assert pages == [2, 2, 2, 2, 2] and max(pages) < 4


def test_full_pages_by_default(sp: EmulatorServer) -> None:
    sp.create_list("Sager")
    token = _current(sp, "Sager")
    for n in range(5):
        sp.add_item("Sager", {"Title": str(n)})
    assert len(_changes(sp, "Sager", token, limit=4)) == 4
