"""Resource units as SharePoint counts them (Graph's prices, the lower bound) and the pacing that keeps under them."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from office365.runtime.http.http_method import HttpMethod
from office365.runtime.http.request_options import RequestOptions

from kksync.core.budget import TIERS, MinuteBudget, RateLimit, rate_limit_of, server_pace
from kksync.errors import ThrottledError
from kksync.sharepoint.batch import BatchOp, build_batch
from kksync.sharepoint.pricing import batch_parts, request_units
from kksync.sharepoint.transport import GuardedTransport

from .fakes import canned

SITE = "https://kk.sharepoint.com/sites/it/_api"


class Clock:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.mark.parametrize(("method", "url", "units"), [
    ("GET", f"{SITE}/web/lists/getbytitle('Tiltag')/items?$top=2000", 2),
    ("GET", f"{SITE}/web/lists/getbytitle('Tiltag')/items(12)", 1),
    ("GET", f"{SITE}/web/lists/getbytitle('Items')", 1),  # a list's title never makes it a collection
    ("GET", f"{SITE}/web/lists/getbytitle('Tiltag')/fields", 2),
    ("GET", f"{SITE}/web/siteusers?$select=Id&$top=5000", 2),
    ("POST", f"{SITE}/web/lists/getbytitle('Tiltag')/getchanges", 1),
    ("POST", f"{SITE}/contextinfo", 1),
    ("POST", f"{SITE}/web/lists/getbytitle('Tiltag')/items", 2),
    ("MERGE", f"{SITE}/web/lists/getbytitle('Tiltag')/items(3)", 2),
    ("DELETE", f"{SITE}/web/lists/getbytitle('Tiltag')/items(3)", 2),
    ("POST", f"{SITE}/web/ensureuser", 5),
    ("POST", f"{SITE}/web/siteusers/removebyid(4)", 5),
    ("GET", "https://graph.microsoft.com/v1.0/users/a@kk.dk", 0),  # Graph's directory: not SharePoint's budget
])
def test_each_request_costs_graphs_price(method: str, url: str, units: int) -> None:
    assert request_units(method, url) == units


def test_a_batch_costs_its_operations_one_by_one() -> None:
    item = f"{SITE}/web/lists/getbytitle('Tiltag')/items"
    ops = [BatchOp("MERGE", f"{item}({i})", {"Title": "x"}, {"IF-MATCH": '"1"'}) for i in range(1, 31)]
    ops += [BatchOp("GET", f"{item}({i})") for i in range(1, 6)]
    _, body = build_batch(ops)
    assert len(batch_parts(body)) == 35
    assert request_units("POST", f"{SITE}/$batch", body) == 30 * 2 + 5 * 1


def test_the_tiers_are_microsofts_table() -> None:
    assert [t.per_minute for t in TIERS.values()] == [1_200, 2_400, 3_600, 4_800, 6_000]
    assert [t.per_day for t in TIERS.values()] == [1_200_000, 2_400_000, 3_600_000, 4_800_000, 6_000_000]


def test_ratelimit_headers_are_read_in_any_spelling_and_ignored_when_broken() -> None:
    assert rate_limit_of({"ratelimit-limit": "4800", "RateLimit-Remaining": "900", "RateLimit-Reset": "30"}) == \
        RateLimit(4800, 900, 30.0)
    assert rate_limit_of({"RateLimit-Remaining": "x", "RateLimit-Reset": "30"}) is None
    assert rate_limit_of({"Content-Type": "text/plain"}) is None
    assert server_pace(RateLimit(4800, 0, 12.0), 2) == 12.0  # nothing left: wait out the window
    assert server_pace(RateLimit(4800, 960, 30.0), 200) == pytest.approx(6.25)  # spread what is left


@given(st.lists(st.tuples(st.integers(1, 20), st.floats(0, 30)), max_size=60), st.integers(20, 100))
def test_the_minute_budget_holds_in_every_window_of_60_seconds(requests_: list[tuple[int, float]], limit: int) -> None:
    budget, now, spent = MinuteBudget(limit), 0.0, []
    for cost, gap in requests_:
        now += gap
        now += budget.delay(cost, now)
        assert budget.delay(cost, now) == 0.0
        budget.spend(cost, now)
        spent.append((now, cost))
    for start, _ in spent:
        in_window = sum(c for t, c in spent if start <= t < start + 60)
        assert in_window <= limit


def test_a_request_dearer_than_the_budget_waits_for_an_empty_window_not_forever() -> None:
    budget = MinuteBudget(10)
    budget.spend(4, 0.0)
    assert budget.delay(50, 1.0) == pytest.approx(59.0)
    assert budget.delay(50, 60.0) == 0.0


class Answers:
    """An inner transport answering from a function of the request number."""

    def __init__(self, answer: Callable[[int], requests.Response]) -> None:
        self.answer = answer
        self.sent: list[float] = []
        self.clock: Clock | None = None

    def execute(self, request: RequestOptions) -> requests.Response:
        self.sent.append(self.clock() if self.clock else 0.0)
        return self.answer(len(self.sent))


def _transport(answer: Callable[[int], requests.Response], **kwargs: object) -> tuple[GuardedTransport, Answers, Clock]:
    clock, inner = Clock(), Answers(answer)
    inner.clock = clock
    return GuardedTransport(inner, sleep=clock.sleep, clock=clock, **kwargs), inner, clock  # type: ignore[arg-type]


def _get(url: str = f"{SITE}/web/lists/getbytitle('T')/items") -> RequestOptions:
    return RequestOptions(url, method=HttpMethod.Get)


def test_throttled_attempts_count_their_units_too() -> None:
    transport, _, _ = _transport(lambda n: canned(429, {}, headers={"Retry-After": "1"}) if n < 3 else canned(200, {}))
    transport.execute(_get())
    assert transport.counts["read_items"] == 3 and transport.resource_units == 3 * 2


def test_ratelimit_headers_pace_the_next_request_and_say_so(caplog: pytest.LogCaptureFixture) -> None:
    near = {"RateLimit-Limit": "100", "RateLimit-Remaining": "10", "RateLimit-Reset": "30"}
    transport, inner, _ = _transport(lambda n: canned(200, {}, headers=near if n == 1 else {}))
    with caplog.at_level(logging.INFO, logger="kksync.sharepoint"):
        transport.execute(_get())
        transport.execute(_get())
    assert inner.sent == [0.0, pytest.approx(6.0)]  # 30 s * 2 RU / 10 RU left
    assert transport.paced == 1 and transport.paced_seconds == pytest.approx(6.0)
    assert any("10 af 100 ressourceenheder" in r.getMessage() for r in caplog.records)


def test_only_budgeted_runs_keep_to_the_client_side_budget() -> None:
    transport, inner, _ = _transport(lambda n: canned(200, {}), budget=MinuteBudget(6))
    with transport.budgeted():
        for _ in range(5):  # 2 RU each: three fit in a minute
            transport.execute(_get())
    assert inner.sent == [0.0, 0.0, 0.0, 60.0, 60.0]
    for _ in range(5):  # the webhook path: never held by the budget
        transport.execute(_get())
    assert inner.sent[5:] == [60.0] * 5


def test_a_wait_past_the_deadline_hands_the_work_back_before_sending() -> None:
    spent = {"RateLimit-Limit": "100", "RateLimit-Remaining": "0", "RateLimit-Reset": "50"}
    transport, inner, _ = _transport(lambda n: canned(200, {}, headers=spent), deadline=20.0)
    transport.execute(_get())
    with pytest.raises(ThrottledError, match="tidsbudget") as error:
        transport.execute(_get())
    assert len(inner.sent) == 1 and error.value.retry_after == 50.0
