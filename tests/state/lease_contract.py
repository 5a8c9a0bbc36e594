"""The lease and token-order part of the state-store contract (mixed into ``StateStoreContract``).

Time is the backend's business: SQLite expires leases by an injected clock, Azure by the blob
service's own. So a backend's test class says how time passes for it: ``advance(store, seconds)``
moves its clock (Azure: nothing to move; its shortest lease is 15 s and the tests never sleep), and
``lapse(store, lease)`` makes a lease run out as if its holder had crashed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kksync.errors import RetriableError, StaleTokenError, StateError
from kksync.state import StateStore
from kksync.state.base import Lease

LIST = "initiativer"


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def token(number: int, list_id: str = "5d3c-list") -> str:
    return f"1;3;{list_id};638500000000000000;{number}"


class LeaseContract:
    scope = "https://kk.sharepoint.com/sites/it-strategi#default"

    def advance(self, store: StateStore, seconds: float) -> None:
        raise NotImplementedError

    def lapse(self, store: StateStore, lease: Lease) -> None:
        raise NotImplementedError

    # -- leases ------------------------------------------------------------------------------------
    def test_lease_is_taken_and_refused_while_held(self, store: StateStore) -> None:
        first = store.acquire_lease(self.scope, LIST, owner="a", ttl_seconds=30)
        assert first is not None and (first.scope, first.list_key, first.owner) == (self.scope, LIST, "a")
        assert store.acquire_lease(self.scope, LIST, owner="b", ttl_seconds=30) is None
        # The same owner name does not make a second holder either: a lease is one run's, not one host's.
        assert store.acquire_lease(self.scope, LIST, owner="a", ttl_seconds=30) is None
        # Other lists and other scopes have leases of their own.
        other_list = store.acquire_lease(self.scope, "maal", owner="b", ttl_seconds=30)
        other_scope = store.acquire_lease(self.scope + "x", LIST, owner="b", ttl_seconds=30)
        assert other_list is not None and other_scope is not None
        assert len({first.lease_id, other_list.lease_id, other_scope.lease_id}) == 3

    def test_released_lease_is_taken_at_once(self, store: StateStore) -> None:
        first = store.acquire_lease(self.scope, LIST, owner="a", ttl_seconds=30)
        assert first is not None
        store.release_lease(first)
        second = store.acquire_lease(self.scope, LIST, owner="b", ttl_seconds=30)
        assert second is not None and second.lease_id != first.lease_id
        # Releasing a lease that is no longer held is harmless and does not free the new holder's.
        store.release_lease(first)
        assert store.acquire_lease(self.scope, LIST, owner="c", ttl_seconds=30) is None
        assert store.renew_lease(first) is None

    def test_lapsed_lease_is_taken_over(self, store: StateStore) -> None:
        crashed = store.acquire_lease(self.scope, LIST, owner="crashed", ttl_seconds=20)
        assert crashed is not None
        self.lapse(store, crashed)
        taker = store.acquire_lease(self.scope, LIST, owner="b", ttl_seconds=20)
        assert taker is not None and taker.owner == "b"
        # The crashed holder, coming back, has lost it: it cannot renew, and cannot release the taker's.
        assert store.renew_lease(crashed) is None
        store.release_lease(crashed)
        assert store.acquire_lease(self.scope, LIST, owner="c", ttl_seconds=20) is None

    def test_renew_extends(self, store: StateStore) -> None:
        lease = store.acquire_lease(self.scope, LIST, owner="a", ttl_seconds=30)
        assert lease is not None
        self.advance(store, 20)
        renewed = store.renew_lease(lease)
        assert renewed is not None and renewed.lease_id == lease.lease_id
        assert renewed.expires_at > lease.expires_at
        self.advance(store, 20)  # 40 s after taking it, 20 s after renewing: still held
        assert store.acquire_lease(self.scope, LIST, owner="b", ttl_seconds=30) is None
        assert store.renew_lease(renewed) is not None

    def test_leases_survive_reset(self, store: StateStore) -> None:
        lease = store.acquire_lease(self.scope, LIST, owner="a", ttl_seconds=30)
        assert lease is not None
        store.reset(self.scope)
        assert store.acquire_lease(self.scope, LIST, owner="b", ttl_seconds=30) is None

    # -- the token never moves back ----------------------------------------------------------------
    def test_token_never_moves_back(self, store: StateStore) -> None:
        store.commit(self.scope, LIST, upserts=[], deletes=[], token=token(10))
        with pytest.raises(StaleTokenError) as caught:
            store.commit(self.scope, LIST, upserts=[], deletes=[], token=token(9))
        assert isinstance(caught.value, RetriableError) and isinstance(caught.value, StateError)
        assert caught.value.list_key == LIST and "nr. 10" in str(caught.value)
        assert store.get_token(self.scope, LIST) == token(10)
        # The same change number again (a re-run after a crash) and a later one are fine.
        store.commit(self.scope, LIST, upserts=[], deletes=[], token=token(10))
        store.commit(self.scope, LIST, upserts=[], deletes=[], token=token(11))
        assert store.get_token(self.scope, LIST) == token(11)

    def test_refused_commit_stores_nothing(self, store: StateStore) -> None:
        from tests.state.contract import item

        store.commit(self.scope, LIST, upserts=[item(1)], deletes=[], token=token(10))
        with pytest.raises(StaleTokenError):
            store.commit(self.scope, LIST, upserts=[item(1, fp="old"), item(2)], deletes=[], token=token(3))
        assert store.load_items(self.scope, LIST) == {1: item(1)}

    def test_tokens_of_another_list_id_are_not_compared(self, store: StateStore) -> None:
        store.commit(self.scope, LIST, upserts=[], deletes=[], token=token(500))
        # The list was deleted and created again: a new id, change numbers start over.
        store.commit(self.scope, LIST, upserts=[], deletes=[], token=token(3, "9e1f-recreated"))
        assert store.get_token(self.scope, LIST) == token(3, "9e1f-recreated")
        # Tokens kksync cannot read are not judged; another list's token is another list's.
        store.commit(self.scope, LIST, upserts=[], deletes=[], token="t1")
        store.commit(self.scope, "maal", upserts=[], deletes=[], token=token(1))
        assert store.get_token(self.scope, LIST) == "t1"

