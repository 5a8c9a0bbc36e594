"""The one retry loop: whole requests (transport) and throttled operations inside a ``$batch``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kksync.errors import ThrottledError
from kksync.sharepoint.client import ItemWrite
from kksync.sharepoint.retry import Again, Retrier, RetryPolicy
from kksync.sharepoint.transport import GuardedTransport
from sp_emulator import EmulatorServer

from .conftest import client_for


def _never_done(number: int) -> Again:
    return Again(2.0, 429)


def test_the_loop_returns_the_first_result_and_counts_its_waits() -> None:
    slept: list[float] = []
    retrier = Retrier(RetryPolicy(max_attempts=4), sleep=slept.append)
    answers = iter([Again(3.0, 429), Again(None, None), "done"])
    assert retrier.run(lambda n: next(answers), kind="t", exhausted=lambda n, a: AssertionError()) == "done"
    assert slept[0] == 3.0 and 0.5 <= slept[1] <= 1.0  # Retry-After, then backoff 0.5 * 2 with equal jitter
    assert (retrier.retries, retrier.waited) == (2, sum(slept))


def test_the_attempt_cap_raises_what_the_caller_chose_with_the_cause() -> None:
    retrier = Retrier(RetryPolicy(max_attempts=3), sleep=lambda s: None)
    cause = ConnectionError("weg")
    with pytest.raises(RuntimeError, match="3 forsøg") as error:
        retrier.run(lambda n: Again(None, None, cause), kind="t", exhausted=lambda n, a: RuntimeError(f"{n} forsøg"))
    assert error.value.__cause__ is cause
    assert retrier.retries == 2


def test_budget_and_deadline_give_the_work_back_instead_of_sleeping() -> None:
    slept: list[float] = []
    budget = Retrier(RetryPolicy(max_attempts=10, max_total_wait=5.0), sleep=slept.append)
    with pytest.raises(ThrottledError) as error:
        budget.run(_never_done, kind="t", exhausted=lambda n, a: AssertionError())
    assert slept == [2.0, 2.0] and error.value.retry_after == 2.0 and error.value.status == 429
    late = Retrier(RetryPolicy(max_attempts=10), sleep=slept.append, clock=lambda: 100.0, deadline=101.0)
    with pytest.raises(ThrottledError):
        late.run(_never_done, kind="t", exhausted=lambda n, a: AssertionError())
    assert late.retries == 0


@pytest.fixture
def sp(tmp_path: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(db_path=tmp_path / "sp.db") as server:
        server.create_list("Liste")
        for i in range(1, 4):
            server.add_item("Liste", {"Title": f"Element {i}"})
        yield server


def _writes() -> list[ItemWrite]:
    return [ItemWrite(i, '"1"', {"Title": f"ny {i}"}) for i in range(1, 4)]


def test_a_throttled_operation_inside_a_batch_is_retried_alone(sp: EmulatorServer) -> None:
    slept: list[float] = []
    transport = GuardedTransport(sleep=slept.append)
    client = client_for(sp, transport)
    client.list_info("Liste")
    sp.faults.add(status=429, retry_after=4, inner=True, nth=2, times=1)
    outcomes = client.update_items("Liste", _writes())
    assert [o.status for o in outcomes] == ["ok", "ok", "ok"]
    assert [o.item_id for o in outcomes] == [1, 2, 3]
    assert [len(e.inner) for e in sp.request_log.entries if e.kind == "batch"] == [3, 1]
    assert slept == [4.0] and transport.retries == 1
    assert sp.get_item("Liste", 2)["Title"] == "ny 2"


def test_batch_retries_stop_at_the_attempt_cap_and_the_budget(sp: EmulatorServer) -> None:
    transport = GuardedTransport(policy=RetryPolicy(max_attempts=3), sleep=lambda s: None)
    client = client_for(sp, transport)
    client.list_info("Liste")
    sp.faults.add(status=503, retry_after=1, inner=True, path_contains="items(2)")
    with pytest.raises(ThrottledError, match="blev ved med at afvise"):
        client.update_items("Liste", _writes())
    assert sum(1 for e in sp.request_log.entries if e.kind == "batch") == 3
    sp.faults.clear()
    sp.faults.add(status=429, retry_after=500, inner=True, times=1)  # beyond the 120 s budget: no sleeping
    with pytest.raises(ThrottledError) as error:
        client.update_items("Liste", _writes())
    assert error.value.retry_after == 500
