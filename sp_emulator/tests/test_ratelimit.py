"""The app's resource-unit budget: Graph's prices, RateLimit headers from 80 %, 429 at the limit, a window per minute."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sp_emulator import EmulatorServer
from sp_emulator.ratelimit import units_of
from sp_emulator.rest import Req

AUTH = {"authorization": "Bearer app-token", "accept": "application/json;odata=verbose"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sp(tmp_path: Path, clock: Clock) -> Iterator[EmulatorServer]:
    server = EmulatorServer(db_path=tmp_path / "sp.db", ru_per_minute=100, rate_clock=clock)
    server.create_list("A")
    for i in range(3):
        server.add_item("A", {"Title": f"t{i}"})
    yield server
    server.stop()


def _get(sp: EmulatorServer, path: str, headers: dict[str, str] = AUTH) -> tuple[int, dict[str, str]]:
    resp = sp.handle(Req("GET", f"/sites/kk-it/_api/{path}", "", dict(headers)))
    return resp.status, resp.headers


ITEMS = "web/lists/getbytitle('A')/items"


@pytest.mark.parametrize(("method", "path", "query", "units"), [
    ("GET", "/sites/x/_api/web/lists/getbytitle('A')/items", "$top=100", 2),  # a page: multi-item query
    ("GET", "/sites/x/_api/web/lists/getbytitle('A')/items(7)", "", 1),  # one item
    ("GET", "/sites/x/_api/web/lists/getbytitle('A')", "", 1),  # a list's properties
    ("POST", "/sites/x/_api/web/lists/getbytitle('A')/getchanges", "", 1),  # delta with a token
    ("MERGE", "/sites/x/_api/web/lists/getbytitle('A')/items(7)", "", 2),
    ("POST", "/sites/x/_api/web/lists/getbytitle('A')/items", "", 2),  # create
    ("POST", "/sites/x/_api/web/ensureuser", "", 5),  # a permission operation
    ("GET", "/graph/v1.0/users/a@kk.dk", "", 0),  # not SharePoint
])
def test_graph_prices_are_the_model(method: str, path: str, query: str, units: int) -> None:
    assert units_of(method, path, query) == units


def test_a_batch_costs_its_operations_one_by_one() -> None:
    body = b"".join(
        b"--b\r\nContent-Type: application/http\r\n\r\nMERGE http://h/sites/x/_api/web/lists/getbytitle('A')/items(%d) "
        b"HTTP/1.1\r\nIF-MATCH: *\r\n\r\n{}\r\n" % i for i in range(1, 8))
    assert units_of("POST", "/sites/x/_api/$batch", "", body) == 7 * 2


def test_headers_appear_from_80_percent_and_429_when_spent(sp: EmulatorServer, clock: Clock) -> None:
    seen: list[dict[str, str]] = []
    for _ in range(39):  # 39 pages x 2 RU = 78 RU: under 80 of 100
        status, headers = _get(sp, ITEMS)
        assert status == 200
        seen.append(headers)
    assert not any("RateLimit-Limit" in h for h in seen)
    clock.now += 20
    status, headers = _get(sp, ITEMS)  # 80 RU
    assert status == 200
    assert headers["RateLimit-Limit"] == "100" and headers["RateLimit-Remaining"] == "20"
    assert headers["RateLimit-Reset"] == "40"  # seconds left of the minute that began with the first request
    for _ in range(10):  # spends the last 20
        assert _get(sp, ITEMS)[0] == 200
    status, headers = _get(sp, ITEMS)
    assert status == 429 and headers["Retry-After"] == "40" and headers["RateLimit-Remaining"] == "0"
    assert sp.budget.throttled == 1 and sp.budget.total == 102  # the throttled request counts too
    clock.now += 40  # a new minute
    status, headers = _get(sp, ITEMS)
    assert status == 200 and "RateLimit-Limit" not in headers


def test_people_and_graph_are_not_the_apps_budget(sp: EmulatorServer) -> None:
    sp.token_users["mette-token"] = 7
    for _ in range(60):
        assert _get(sp, ITEMS, {**AUTH, "authorization": "Bearer mette-token"})[0] == 200
    assert sp.budget.total == 0
    assert _get(sp, ITEMS)[0] == 200 and sp.budget.total == 2


def test_without_a_budget_units_are_counted_never_limited(tmp_path: Path) -> None:
    sp = EmulatorServer(db_path=tmp_path / "sp.db")
    try:
        sp.create_list("A")
        for _ in range(700):
            status, headers = _get(sp, ITEMS)
            assert status == 200 and "RateLimit-Limit" not in headers
        assert sp.budget.total == 1400 and sp.budget.throttled == 0
    finally:
        sp.stop()
