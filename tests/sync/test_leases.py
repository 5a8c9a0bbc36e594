"""A lease per list: two runs on the same list take turns, a crashed holder is taken over, the token never goes back.

The two-processor tests start two real sync services (each its own store connection and SharePoint
client) at one barrier, on SQLite and on Azurite, and record from inside the store when each held the
list's lease and which token it read and stored.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kksync.core.schema import list_schema
from kksync.errors import LeaseHeldError, StaleTokenError
from kksync.queues import ChangeMessage, MemoryChangeQueue
from kksync.services.leases import LeasePolicy
from kksync.services.processor import process_change
from kksync.services.sync import SyncOutcome, SyncService
from kksync.state.base import Lease, StateStore, change_number
from kksync.state.sqlite import SqliteStateStore
from testkit.emulator import client_for
from tests.state.lease_contract import FakeClock
from tests.sync.conftest import Site

INITIATIVES = list_schema("initiatives")
PURPOSE = INITIATIVES.column("KkPurpose")
KEY = INITIATIVES.key


@dataclass
class Recorder:
    """Wraps one run's store: when it held the list's lease, what token it read and what it committed."""

    store: StateStore
    refused_once: threading.Event
    held: list[tuple[float, float]] = field(default_factory=list)
    refusals: int = 0
    read_tokens: list[str | None] = field(default_factory=list)
    committed: list[tuple[str | None, int]] = field(default_factory=list)
    _since: float = 0.0

    def acquire_lease(self, scope: str, list_key: str, *, owner: str, ttl_seconds: int) -> Lease | None:
        lease = self.store.acquire_lease(scope, list_key, owner=owner, ttl_seconds=ttl_seconds)
        if lease is None:
            self.refusals += 1
            self.refused_once.set()
        else:
            self._since = time.monotonic()
        return lease

    def release_lease(self, lease: Lease) -> None:
        until = time.monotonic()
        self.store.release_lease(lease)
        self.held.append((self._since, until))

    def get_token(self, scope: str, list_key: str) -> str | None:
        # The holder goes on only once the other run has been refused: the two really meet at the lease.
        assert self.refused_once.wait(10), "the other run never tried to take the lease"
        token = self.store.get_token(scope, list_key)
        self.read_tokens.append(token)
        return token

    def commit(self, scope: str, list_key: str, *, upserts: Any, deletes: Any, token: str | None) -> None:
        self.store.commit(scope, list_key, upserts=upserts, deletes=deletes, token=token)
        self.committed.append((token, len(upserts) + len(deletes)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def _race(site: Site, open_store: Callable[[], StateStore]) -> None:
    """Full sync, two department edits, then two processors on the initiatives list at one barrier."""
    first = open_store()
    SyncService(client_for(site.sp, site.settings), first, scope="race").sync(full=True, write_back=False)
    for item_id in (3, 5):
        site.sp.edit_item(INITIATIVES.title, item_id, {PURPOSE.name: f"Ændret {item_id}"})
    before = first.get_token("race", KEY)

    refused = threading.Event()
    recorders = [Recorder(open_store(), refused) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: dict[int, SyncOutcome | BaseException] = {}

    def processor(index: int) -> None:
        leases = LeasePolicy(wait_seconds=20, poll_seconds=0.01)
        service = SyncService(client_for(site.sp, site.settings), recorders[index], scope="race",  # type: ignore[arg-type]
                              leases=leases)
        barrier.wait()
        try:
            outcomes[index] = service.sync(lists=[KEY], write_back=False)
        except BaseException as error:  # reported by the assertion below
            outcomes[index] = error

    threads = [threading.Thread(target=processor, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert all(isinstance(o, SyncOutcome) for o in outcomes.values()) and len(outcomes) == 2, outcomes

    a, b = sorted(range(2), key=lambda i: recorders[i].held[0][0])
    winner, loser = recorders[a], recorders[b]
    assert len(winner.held) == len(loser.held) == 1
    assert winner.held[0][1] <= loser.held[0][0], "the lease intervals overlap"
    assert winner.refusals == 0 and loser.refusals >= 1
    # The first read from the token before the edits and stored a later one; the second read that one.
    assert winner.read_tokens == [before]
    (stored, count), = winner.committed
    assert count == 2 and stored is not None
    assert loser.read_tokens == [stored]
    # Nothing read twice, nothing stored twice: the second found an empty change log.
    first_outcome, second_outcome = outcomes[a], outcomes[b]
    assert isinstance(first_outcome, SyncOutcome) and isinstance(second_outcome, SyncOutcome)
    assert first_outcome.lists[KEY].stats.updated == 2 and second_outcome.lists[KEY].stats.seen == 0
    assert loser.committed == []
    assert first.get_token("race", KEY) == stored
    for recorder in recorders:
        recorder.store.close()
    first.close()


def test_two_processors_on_sqlite_take_turns(site: Site, tmp_path: Path) -> None:
    _race(site, lambda: SqliteStateStore(tmp_path / "race.db"))


@pytest.mark.azurite
def test_two_processors_on_azurite_take_turns(site: Site, azurite_connection_string: str) -> None:
    from kksync.state.azure import AzureStateStore

    prefix = "r" + uuid.uuid4().hex[:12]
    _race(site, lambda: AzureStateStore(azurite_connection_string, prefix=prefix))


# --- a crashed holder, waiting, giving up, deferring ---------------------------------------------


@pytest.fixture
def clocked(site: Site, tmp_path: Path) -> Iterator[tuple[SqliteStateStore, FakeClock]]:
    """A store whose leases expire by a fake clock, after a full sync and one department edit."""
    clock = FakeClock(datetime.now(UTC))
    with SqliteStateStore(tmp_path / "clocked.db", clock=clock) as store:
        SyncService(site.client, store, scope="test").sync(full=True)
        site.sp.edit_item(INITIATIVES.title, 5, {PURPOSE.name: "Efter nedbruddet"})
        yield store, clock


def _crash_holding(store: StateStore) -> Lease:
    """A run that took the list's lease and died: never renewed, never released."""
    lease = store.acquire_lease("test", KEY, owner="host-1/4711/crashed", ttl_seconds=60)
    assert lease is not None
    return lease


def test_a_crashed_holder_blocks_until_its_lease_lapses(site: Site, clocked: tuple[SqliteStateStore, FakeClock]) -> None:
    store, clock = clocked
    _crash_holding(store)
    service = SyncService(site.client, store, scope="test")  # the function's policy: do not wait
    with pytest.raises(LeaseHeldError) as caught:
        service.sync(lists=[KEY])
    assert caught.value.list_key == KEY and caught.value.retry_after == 15
    assert f"«{INITIATIVES.title}» synkroniseres allerede af en anden kørsel" in str(caught.value)
    assert "--lease-wait" in str(caught.value) and "60 s" in str(caught.value)
    clock.advance(59)
    with pytest.raises(LeaseHeldError):
        service.sync(lists=[KEY])
    clock.advance(2)  # past the crashed run's TTL
    outcome = service.sync(lists=[KEY])
    assert outcome.lists[KEY].stats.updated == 1


def test_the_cli_policy_waits_for_the_lease_and_says_so(site: Site, clocked: tuple[SqliteStateStore, FakeClock]) -> None:
    store, clock = clocked
    _crash_holding(store)
    told: list[str] = []
    waited: list[float] = []
    seconds = [0.0]

    def sleep(s: float) -> None:  # fake time for both the waiting and the store's lease expiry
        waited.append(s)
        seconds[0] += s
        clock.advance(s)

    leases = LeasePolicy(wait_seconds=120, poll_seconds=5, on_wait=told.append, clock=lambda: seconds[0], sleep=sleep)
    outcome = SyncService(site.client, store, scope="test", leases=leases).sync(lists=[KEY])
    assert outcome.lists[KEY].stats.updated == 1
    assert told == [f"Listen «{INITIATIVES.title}» synkroniseres allerede af en anden kørsel – venter op til 120 s …"]
    assert 60 <= sum(waited) <= 65 and max(waited) == 5


def test_the_cli_policy_gives_up_after_its_wait(site: Site, clocked: tuple[SqliteStateStore, FakeClock]) -> None:
    store, _ = clocked
    _crash_holding(store)
    seconds = [0.0]

    def sleep(s: float) -> None:
        seconds[0] += s

    leases = LeasePolicy(wait_seconds=10, poll_seconds=3, clock=lambda: seconds[0], sleep=sleep)
    with pytest.raises(LeaseHeldError, match="inden for 10 s"):
        SyncService(site.client, store, scope="test", leases=leases).sync(lists=[KEY])
    assert seconds[0] == 10
    # Nothing was read or stored while waiting: the edit is still to come.
    assert "Efter nedbruddet" not in store.get_items("test", KEY, [5])[5].record_json


def test_the_processor_defers_a_held_list_back_to_the_queue(site: Site, clocked: tuple[SqliteStateStore, FakeClock]) -> None:
    store, _ = clocked
    lease = _crash_holding(store)
    queue = MemoryChangeQueue()
    result = process_change(site.client, store, ChangeMessage(KEY, "test"), scope="test", queue=queue)
    assert (result.status, result.retry_after) == ("deferred", 15)
    assert queue.messages == [(ChangeMessage(KEY, "test", "throttled", 1), 15)]
    store.release_lease(lease)
    result = process_change(site.client, store, queue.messages[0][0], scope="test", queue=queue)
    assert result.status == "done" and result.outcome is not None
    assert result.outcome.lists[KEY].stats.updated == 1 and len(queue.messages) == 1


# --- the token never moves back ------------------------------------------------------------------


def test_a_run_that_stalled_past_its_lease_cannot_move_the_token_back(site: Site, tmp_path: Path) -> None:
    with SqliteStateStore(tmp_path / "stalled.db") as store:
        service = SyncService(site.client, store, scope="test")
        service.sync(full=True)
        site.sp.edit_item(INITIATIVES.title, 5, {PURPOSE.name: "Gammel læsning"})
        real_get_token = store.get_token
        newer: list[str] = []

        def meanwhile(scope: str, list_key: str) -> str | None:
            # This run read its token; while it stalls, another run syncs the list further.
            token = real_get_token(scope, list_key)
            assert token is not None
            parts = token.split(";")
            parts[4] = str(int(parts[4]) + 1000)
            newer.append(";".join(parts))
            store.commit(scope, list_key, upserts=[], deletes=[], token=newer[0])
            return token

        store.get_token = meanwhile  # type: ignore[method-assign]
        with pytest.raises(StaleTokenError) as caught:
            service.sync(lists=[KEY], write_back=False)
        store.get_token = real_get_token  # type: ignore[method-assign]
        assert caught.value.list_key == KEY
        assert store.get_token("test", KEY) == newer[0]
        assert "Gammel læsning" not in store.get_items("test", KEY, [5])[5].record_json
        # The lease was released on the way out: the next run is not blocked.
        lease = store.acquire_lease("test", KEY, owner="next", ttl_seconds=30)
        assert lease is not None
        stored = change_number(newer[0])
        assert stored is not None and stored[1] > 1000
