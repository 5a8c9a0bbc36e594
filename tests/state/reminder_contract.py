"""The reminder-ledger part of the state-store contract (mixed into ``StateStoreContract``).

A claim is all or nothing and refused when the person already has that day's digest or any of its
reminder keys; a refused claim stores nothing; sent claims stay, unsent ones can be released; two
threads claiming the same digest at once get exactly one success.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from kksync.state import StateStore
from kksync.state.base import ReminderClaim

DAY = date(2012, 9, 20)
AT = datetime(2012, 9, 20, 6, 0, tzinfo=UTC)
KEY_14 = "decision|FHP-2013-2014|2012-10-04|14"
KEY_3 = "decision|FHP-2013-2014|2012-10-04|3"


def claim(address: str = "mette.kjaer@kk.dk", day: date = DAY, keys: tuple[str, ...] = (KEY_14,), owner: str = "a",
          scope: str = "https://kk.sharepoint.com/sites/it-strategi#default") -> ReminderClaim:
    return ReminderClaim(scope, address, day, keys, owner, AT)


class ReminderContract:
    scope = "https://kk.sharepoint.com/sites/it-strategi#default"

    def test_claim_once_then_refused(self, store: StateStore) -> None:
        assert store.reminder_claims(self.scope) == []
        assert store.claim_reminder(claim()) is True
        assert store.claim_reminder(claim(owner="b")) is False  # same person, same day
        [held] = store.reminder_claims(self.scope)
        assert (held.address, held.day, held.keys, held.owner, held.status) == ("mette.kjaer@kk.dk", DAY, (KEY_14,), "a",
                                                                                "claimed")
        assert held.claimed_at == AT

    def test_a_reminder_key_is_never_claimed_twice(self, store: StateStore) -> None:
        assert store.claim_reminder(claim(keys=(KEY_14,)))
        # The next day, a digest that would carry the same reminder again is refused whole ...
        assert store.claim_reminder(claim(day=date(2012, 9, 21), keys=(KEY_3, KEY_14))) is False
        assert [c.day for c in store.reminder_claims(self.scope)] == [DAY]
        # ... and nothing of it was stored: the new reminder alone can still be claimed.
        assert store.claim_reminder(claim(day=date(2012, 9, 21), keys=(KEY_3,)))
        # Another person may get the same reminder.
        assert store.claim_reminder(claim(address="jens.holm@kk.dk", keys=(KEY_14,)))

    def test_sent_and_unconfirmed(self, store: StateStore) -> None:
        store.claim_reminder(claim())
        store.claim_reminder(claim(address="jens.holm@kk.dk"))
        sent_at = datetime(2012, 9, 20, 6, 0, 5, tzinfo=UTC)
        store.finish_reminder(self.scope, "mette.kjaer@kk.dk", DAY, sent=True, at=sent_at)
        store.finish_reminder(self.scope, "jens.holm@kk.dk", DAY, sent=False, at=sent_at, note="forbindelsen røg")
        by_address = {c.address: c for c in store.reminder_claims(self.scope)}
        assert by_address["mette.kjaer@kk.dk"].status == "sent"
        assert by_address["mette.kjaer@kk.dk"].sent_at == sent_at
        assert by_address["jens.holm@kk.dk"].status == "claimed"
        assert by_address["jens.holm@kk.dk"].note == "forbindelsen røg"
        assert by_address["jens.holm@kk.dk"].sent_at is None

    def test_release_forgets_an_unsent_claim_only(self, store: StateStore) -> None:
        store.claim_reminder(claim())
        store.claim_reminder(claim(address="jens.holm@kk.dk"))
        store.finish_reminder(self.scope, "jens.holm@kk.dk", DAY, sent=True, at=AT)
        store.release_reminder(self.scope, "mette.kjaer@kk.dk", DAY)
        store.release_reminder(self.scope, "jens.holm@kk.dk", DAY)  # sent: stays
        store.release_reminder(self.scope, "nobody@kk.dk", DAY)  # nothing there: nothing happens
        assert [c.address for c in store.reminder_claims(self.scope)] == ["jens.holm@kk.dk"]
        assert store.claim_reminder(claim(owner="b"))  # released: the day and its key are free again

    def test_since_and_scopes(self, store: StateStore) -> None:
        store.claim_reminder(claim(day=date(2012, 9, 1), keys=("a",)))
        store.claim_reminder(claim(day=DAY, keys=("b",)))
        store.claim_reminder(claim(day=DAY, keys=("a",), scope="other#default"))
        assert [c.day for c in store.reminder_claims(self.scope, since=date(2012, 9, 2))] == [DAY]
        assert [c.keys for c in store.reminder_claims(self.scope)] == [("a",), ("b",)]
        assert [c.scope for c in store.reminder_claims("other#default")] == ["other#default"]

    def test_odd_addresses_and_keys(self, store: StateStore) -> None:
        odd = "o'brien+test/ÆØÅ#?%7C@kk.dk"
        keys = ("decision|a/b\\c#d?e|2012-10-04|14", "x" * 600)
        assert store.claim_reminder(claim(address=odd, keys=keys))
        [held] = store.reminder_claims(self.scope)
        assert (held.address, held.keys) == (odd, keys)

    def test_concurrent_claims_have_one_winner(self, store: StateStore) -> None:
        start = threading.Barrier(4)
        results: list[bool] = []
        lock = threading.Lock()

        def race(owner: str) -> None:
            start.wait()
            won = store.claim_reminder(claim(owner=owner, keys=(KEY_14, KEY_3)))
            with lock:
                results.append(won)

        threads = [threading.Thread(target=race, args=(f"p{n}",)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [False, False, False, True]
        assert len(store.reminder_claims(self.scope)) == 1
