"""The state-store contract: every ``StateStore`` implementation must pass these tests.

Subclass :class:`StateStoreContract` in a ``test_*.py`` module and provide a ``store`` fixture that
yields a fresh, empty store (see ``test_contract.py``). Nothing here knows about a backend except
the documented test seam ``store._fault``, a callable the store calls with ``"before-token"`` after
a commit's items are stored and before its token is.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from kksync.errors import StateError
from kksync.state import ChangeRecord, ListRunStats, RunRecord, StateStore, StoredItem, Subscription
from tests.state.lease_contract import LeaseContract
from tests.state.reminder_contract import ReminderContract

ODD_SCOPES = [
    "https://kk.sharepoint.com/sites/it-strategi#handleplan",
    "a/b\\c#d?e",
    "tab\there\nnewline\x01\x7f\u0085",
    '\'; DROP TABLE items; -- "quoted"',
    "%2F%25 already-escaped|pipe",
    "æøå ÆØÅ 🚀 ünïcødé",
    "",
    "x" * 1500,
]

# Pairs that a careless key encoding would merge (joined with a separator, truncated, case-folded).
CONFUSABLE = [
    (("a|b", "c"), ("a", "b|c")),
    (("a", "b"), ("A", "b")),
    (("s", "l"), ("s ", "l")),
    (("a/b", "c"), ("a", "b/c")),
    (("y" * 1200 + "1", "l"), ("y" * 1200 + "2", "l")),
    (("%7C", "x"), ("|", "x")),
]


def item(item_id: int, list_key: str = "initiativer", *, text: str = "", fp: str = "f1", **kw: Any) -> StoredItem:
    fields: dict[str, Any] = {
        "record_json": f'{{"id":{item_id},"text":"{text or "tekst"}"}}',
        "fingerprint": fp,
        "bot_fingerprint": "b0",
        "etag": f'"{item_id},1"',
        "modified": datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        "editor": "Søren Ærø",
    }
    fields.update(kw)
    return StoredItem(list_key=list_key, item_id=item_id, **fields)


def run(run_id: str, scope: str, started: datetime, **kw: Any) -> RunRecord:
    return RunRecord(run_id=run_id, scope=scope, started_at=started, **kw)


class StateStoreContract(LeaseContract, ReminderContract):
    """Behaviour every state store must show. Subclasses provide the ``store`` fixture, and say how time
    passes for their leases (``advance`` and ``lapse``, see :class:`LeaseContract`)."""

    scope = "https://kk.sharepoint.com/sites/it-strategi#default"

    # -- items and tokens --------------------------------------------------------------------------
    def test_empty_store(self, store: StateStore) -> None:
        assert store.get_token(self.scope, "initiativer") is None
        assert store.load_items(self.scope, "initiativer") == {}
        assert store.get_items(self.scope, "initiativer", [1, 2]) == {}
        assert store.runs(self.scope) == []
        assert store.list_snapshots(self.scope, "plan") == []
        assert store.subscriptions(self.scope) == {}

    def test_items_round_trip_exactly(self, store: StateStore) -> None:
        items = [
            item(1),
            item(2, etag=None, modified=None, editor=None),
            item(3, text="æøå ÆØÅ 🚀 \u0000 \\ \" '", editor="Ærlig Øster 👩‍💻"),
            item(4, modified=datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(timedelta(hours=2)))),
            item(5, modified=datetime(2024, 1, 2, 3, 4, 5)),
        ]
        store.commit(self.scope, "initiativer", upserts=items, deletes=[], token="t1")
        assert store.load_items(self.scope, "initiativer") == {i.item_id: i for i in items}
        loaded = store.load_items(self.scope, "initiativer")
        assert loaded[4].modified is not None and loaded[4].modified.utcoffset() == timedelta(hours=2)
        assert loaded[5].modified is not None and loaded[5].modified.tzinfo is None

    @pytest.mark.parametrize("kind", ["compressible", "random"])
    def test_large_records(self, store: StateStore, kind: str) -> None:
        rng = random.Random(7)
        if kind == "random":
            alphabet = 'abcæøåÆØÅ🚀😀€ \n"\\' + "".join(chr(c) for c in range(0x4E00, 0x4E40))
            text = "".join(rng.choice(alphabet) for _ in range(200_000))
        else:
            text = "Projektet understøtter digitaliseringen af Københavns Kommune. " * 3300
        big = item(7, record_json=text)
        store.commit(self.scope, "initiativer", upserts=[big, item(8)], deletes=[], token="t1")
        assert store.load_items(self.scope, "initiativer")[7] == big
        assert store.get_items(self.scope, "initiativer", [7]) == {7: big}
        # Shrinking, growing again and deleting a large record leaves exactly the last state.
        small = item(7, text="kort")
        store.commit(self.scope, "initiativer", upserts=[small], deletes=[], token="t2")
        assert store.get_items(self.scope, "initiativer", [7]) == {7: small}
        bigger = item(7, record_json=text + "!")
        store.commit(self.scope, "initiativer", upserts=[bigger], deletes=[], token="t3")
        assert store.load_items(self.scope, "initiativer")[7] == bigger
        store.commit(self.scope, "initiativer", upserts=[], deletes=[7], token="t4")
        assert set(store.load_items(self.scope, "initiativer")) == {8}

    def test_many_items_and_get_items(self, store: StateStore) -> None:
        items = [item(i, text=f"nr {i}") for i in range(1, 1001)]
        store.commit(self.scope, "initiativer", upserts=items, deletes=[], token="t1")
        loaded = store.load_items(self.scope, "initiativer")
        assert len(loaded) == 1000 and loaded[999] == items[998]
        assert store.get_items(self.scope, "initiativer", [5, 6, 5000]) == {5: items[4], 6: items[5]}
        wanted = list(range(100, 200))
        assert store.get_items(self.scope, "initiativer", wanted) == {i: items[i - 1] for i in wanted}
        assert store.get_items(self.scope, "initiativer", []) == {}
        assert store.item_ids(self.scope, "initiativer") == set(range(1, 1001))
        store.commit(self.scope, "initiativer", upserts=[], deletes=[7, 8], token="t2")
        assert store.item_ids(self.scope, "initiativer") == set(range(1, 1001)) - {7, 8}
        assert store.item_ids(self.scope, "andet") == set() and store.item_ids("en anden", "initiativer") == set()

    def test_token_moves_only_with_commit(self, store: StateStore) -> None:
        store.commit(self.scope, "initiativer", upserts=[item(1)], deletes=[], token=None)
        assert store.get_token(self.scope, "initiativer") is None
        store.commit(self.scope, "initiativer", upserts=[], deletes=[], token="1;3;abc;638000000000000000;99")
        assert store.get_token(self.scope, "initiativer") == "1;3;abc;638000000000000000;99"
        store.commit(self.scope, "initiativer", upserts=[item(2)], deletes=[], token=None)
        store.update_bot_fingerprints(self.scope, "initiativer", {1: ("b1", None)})
        assert store.get_token(self.scope, "initiativer") == "1;3;abc;638000000000000000;99"
        assert store.get_token(self.scope, "maal") is None

    def test_upsert_replaces_and_delete_removes(self, store: StateStore) -> None:
        store.commit(self.scope, "initiativer", upserts=[item(1), item(2), item(3)], deletes=[], token="t1")
        changed = item(2, fp="f2", text="ny")
        store.commit(self.scope, "initiativer", upserts=[changed, item(4)], deletes=[3, 999], token="t2")
        assert store.load_items(self.scope, "initiativer") == {1: item(1), 2: changed, 4: item(4)}
        # Applying the same commit again (the next run after a crash) changes nothing.
        store.commit(self.scope, "initiativer", upserts=[changed, item(4)], deletes=[3, 999], token="t2")
        assert store.load_items(self.scope, "initiativer") == {1: item(1), 2: changed, 4: item(4)}
        assert store.get_token(self.scope, "initiativer") == "t2"

    def test_commit_rejects_contradictions(self, store: StateStore) -> None:
        with pytest.raises(StateError, match="maal"):
            store.commit(self.scope, "initiativer", upserts=[item(1, "maal")], deletes=[], token="t1")
        with pytest.raises(StateError, match="slettet"):
            store.commit(self.scope, "initiativer", upserts=[item(1)], deletes=[1], token="t1")
        assert store.get_token(self.scope, "initiativer") is None
        assert store.load_items(self.scope, "initiativer") == {}

    def test_crash_between_items_and_token_loses_nothing(self, store: StateStore) -> None:
        before = [item(1), item(2), item(3, record_json="x" * 150_000)]
        store.commit(self.scope, "initiativer", upserts=before, deletes=[], token="t1")
        upserts = [item(1, fp="f2"), item(4), item(3, record_json="y" * 150_000)]

        def crash(point: str) -> None:
            raise RuntimeError(f"simulated crash at {point}")

        store._fault = crash  # type: ignore[attr-defined]
        with pytest.raises(RuntimeError, match="before-token"):
            store.commit(self.scope, "initiativer", upserts=upserts, deletes=[2], token="t2")
        store._fault = None  # type: ignore[attr-defined]
        # The token did not move, so the next run reads the same changes again ...
        assert store.get_token(self.scope, "initiativer") == "t1"
        # ... and meanwhile every item is in its old or its new state, never lost or mangled.
        old, new = {i.item_id: i for i in before}, {i.item_id: i for i in upserts}
        for item_id, stored in store.load_items(self.scope, "initiativer").items():
            assert stored in (old.get(item_id), new.get(item_id))
        assert {1, 3} <= set(store.load_items(self.scope, "initiativer"))
        store.commit(self.scope, "initiativer", upserts=upserts, deletes=[2], token="t2")
        assert store.get_token(self.scope, "initiativer") == "t2"
        assert store.load_items(self.scope, "initiativer") == {1: upserts[0], 3: upserts[2], 4: upserts[1]}

    def test_bot_fingerprints(self, store: StateStore) -> None:
        items = [item(i) for i in range(1, 151)]
        store.commit(self.scope, "initiativer", upserts=items, deletes=[], token="t1")
        update: dict[int, tuple[str, str | None]] = {i: (f"bot{i}", f'"{i},2"') for i in range(1, 151, 2)}
        update[3] = ("bot3", None)
        update[10_000] = ("ukendt", None)
        store.update_bot_fingerprints(self.scope, "initiativer", update)
        loaded = store.load_items(self.scope, "initiativer")
        assert 10_000 not in loaded and len(loaded) == 150
        assert loaded[1].bot_fingerprint == "bot1" and loaded[1].etag == '"1,2"'
        assert loaded[3].bot_fingerprint == "bot3" and loaded[3].etag is None
        assert loaded[2] == items[1]
        assert loaded[5].record_json == items[4].record_json and loaded[5].fingerprint == "f1"
        store.update_bot_fingerprints(self.scope, "initiativer", {})

    def test_reset(self, store: StateStore) -> None:
        for list_key in ("initiativer", "maal"):
            store.commit(self.scope, list_key, upserts=[item(1, list_key), item(2, list_key, record_json="z" * 100_000)],
                         deletes=[], token=f"t-{list_key}")  # fmt: skip
        store.commit("other", "maal", upserts=[item(1, "maal")], deletes=[], token="t-other")
        sub = Subscription("sub-1", datetime(2025, 1, 1, tzinfo=UTC), "hash")
        store.put_subscription(self.scope, "maal", sub)
        store.record_run(run("r1", self.scope, datetime(2024, 1, 1, tzinfo=UTC)))

        store.reset(self.scope, "initiativer")
        assert store.get_token(self.scope, "initiativer") is None
        assert store.load_items(self.scope, "initiativer") == {}
        assert store.get_token(self.scope, "maal") == "t-maal"
        assert len(store.load_items(self.scope, "maal")) == 2

        store.reset(self.scope)
        assert store.get_token(self.scope, "maal") is None
        assert store.load_items(self.scope, "maal") == {}
        assert store.get_token("other", "maal") == "t-other"
        assert store.load_items("other", "maal") == {1: item(1, "maal")}
        # History, snapshots and webhook bookkeeping survive a reset.
        assert store.get_subscription(self.scope, "maal") == sub
        assert [r.run_id for r in store.runs(self.scope)] == ["r1"]
        # A reset store takes new state as if fresh.
        store.commit(self.scope, "maal", upserts=[item(2, "maal")], deletes=[], token="t-new")
        assert store.load_items(self.scope, "maal") == {2: item(2, "maal")}

    # -- scopes --------------------------------------------------------------------------------------
    @pytest.mark.parametrize("scope", ODD_SCOPES, ids=range(len(ODD_SCOPES)))
    def test_odd_scopes_and_list_keys(self, store: StateStore, scope: str) -> None:
        list_key = scope[:50] or "tom"
        stored = item(1, list_key, record_json="w" * 70_000)
        store.commit(scope, list_key, upserts=[stored, item(2, list_key)], deletes=[], token="tok")
        assert store.get_token(scope, list_key) == "tok"
        assert store.load_items(scope, list_key)[1] == stored
        store.record_run(run("run/1#?", scope, datetime(2024, 1, 1, tzinfo=UTC)))
        assert [r.run_id for r in store.runs(scope)] == ["run/1#?"]
        store.put_snapshot(scope, scope, date(2024, 6, 30), b"{}")
        assert store.list_snapshots(scope, scope) == [date(2024, 6, 30)]
        sub = Subscription("id", datetime(2025, 1, 1, tzinfo=UTC), "h")
        store.put_subscription(scope, list_key, sub)
        assert store.subscriptions(scope) == {list_key: sub}
        store.reset(scope)
        assert store.load_items(scope, list_key) == {} and store.get_token(scope, list_key) is None

    @pytest.mark.parametrize(("first", "second"), CONFUSABLE, ids=range(len(CONFUSABLE)))
    def test_scopes_never_share_state(self, store: StateStore, first: tuple[str, str], second: tuple[str, str]) -> None:
        (scope_a, list_a), (scope_b, list_b) = first, second
        store.commit(scope_a, list_a, upserts=[item(1, list_a, text="a")], deletes=[], token="ta")
        store.record_run(run("ra", scope_a, datetime(2024, 1, 1, tzinfo=UTC)))
        store.put_snapshot(scope_a, list_a, date(2024, 1, 1), b"a")
        store.set_last_notification(scope_a, list_a, datetime(2024, 1, 1, tzinfo=UTC))
        store.put_subscription(scope_a, list_a, Subscription("sa", datetime(2025, 1, 1, tzinfo=UTC), "h"))

        assert store.get_token(scope_b, list_b) is None
        assert store.load_items(scope_b, list_b) == {}
        assert store.get_items(scope_b, list_b, [1]) == {}
        assert store.runs(scope_b) == []
        assert store.get_snapshot(scope_b, list_b, date(2024, 1, 1)) is None
        assert store.list_snapshots(scope_b, list_b) == []
        assert store.last_notification_at(scope_b, list_b) is None
        assert store.get_subscription(scope_b, list_b) is None

        store.reset(scope_b)
        store.reset(scope_b, list_b)
        assert store.get_token(scope_a, list_a) == "ta"
        assert len(store.load_items(scope_a, list_a)) == 1

    # -- runs ----------------------------------------------------------------------------------------
    def test_runs_newest_first_with_limit(self, store: StateStore) -> None:
        base = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
        order = list(range(25))
        random.Random(3).shuffle(order)
        for n in order:
            store.record_run(run(f"run-{n:02d}", self.scope, base + timedelta(minutes=15 * n)))
        store.record_run(run("elsewhere", "other", base + timedelta(days=9)))
        assert [r.run_id for r in store.runs(self.scope)] == [f"run-{n:02d}" for n in range(24, 4, -1)]
        assert [r.run_id for r in store.runs(self.scope, limit=3)] == ["run-24", "run-23", "run-22"]
        assert len(store.runs(self.scope, limit=100)) == 25
        with pytest.raises(StateError):
            store.runs(self.scope, limit=0)

    def test_runs_order_by_instant_across_offsets(self, store: StateStore) -> None:
        cet = timezone(timedelta(hours=1))
        store.record_run(run("early", self.scope, datetime(2024, 3, 1, 10, 0, tzinfo=cet)))  # 09:00 UTC
        store.record_run(run("late", self.scope, datetime(2024, 3, 1, 9, 30, tzinfo=UTC)))
        assert [r.run_id for r in store.runs(self.scope)] == ["late", "early"]

    def test_run_round_trip_and_replace(self, store: StateStore) -> None:
        started = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
        changes = [
            ChangeRecord("initiativer", i, "updated" if i % 2 else "added", "Åse 🚀", started - timedelta(seconds=i))
            for i in range(20_000)
        ] + [ChangeRecord("maal", 1, "deleted"), ChangeRecord("maal", 2, "bot-only", None, None)]
        full = run(
            "r1", self.scope, started, finished_at=started + timedelta(seconds=42), mode="full",
            lists={"initiativer": ListRunStats(seen=20_000, added=10_000, updated=10_000), "maal": ListRunStats(deleted=1)},
            changes=changes, requests=321, writes=12, note="Fuld afstemning – «ok»",
        )  # fmt: skip
        store.record_run(run("r1", self.scope, started, note="i gang"))
        store.record_run(full)
        assert store.runs(self.scope) == [full]

    # -- snapshots -----------------------------------------------------------------------------------
    def test_snapshots(self, store: StateStore) -> None:
        payload = bytes(range(256)) * 4000 + "æøå🚀".encode()
        for day in (date(2024, 6, 30), date(2023, 12, 31), date(2024, 3, 31)):
            store.put_snapshot(self.scope, "it-handleplan", day, payload + day.isoformat().encode())
        store.put_snapshot(self.scope, "andet", date(2022, 1, 1), b"x")
        assert store.list_snapshots(self.scope, "it-handleplan") == [
            date(2023, 12, 31),
            date(2024, 3, 31),
            date(2024, 6, 30),
        ]
        assert store.get_snapshot(self.scope, "it-handleplan", date(2024, 3, 31)) == payload + b"2024-03-31"
        assert store.get_snapshot(self.scope, "it-handleplan", date(2024, 4, 1)) is None
        store.put_snapshot(self.scope, "it-handleplan", date(2024, 3, 31), b"")
        assert store.get_snapshot(self.scope, "it-handleplan", date(2024, 3, 31)) == b""
        assert store.list_snapshots(self.scope, "andet") == [date(2022, 1, 1)]

    # -- webhook bookkeeping -------------------------------------------------------------------------
    def test_notifications(self, store: StateStore) -> None:
        assert store.last_notification_at(self.scope, "initiativer") is None
        at = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
        store.set_last_notification(self.scope, "initiativer", at)
        assert store.last_notification_at(self.scope, "initiativer") == at
        store.set_last_notification(self.scope, "initiativer", at + timedelta(minutes=5))
        assert store.last_notification_at(self.scope, "initiativer") == at + timedelta(minutes=5)
        assert store.last_notification_at(self.scope, "maal") is None

    def test_subscriptions(self, store: StateStore) -> None:
        first = Subscription("5a1f-…", datetime(2024, 8, 1, tzinfo=UTC), "sha256:abc")
        second = Subscription("77b0", datetime(2024, 8, 2, 6, 30, tzinfo=timezone(timedelta(hours=2))), "sha256:def")
        store.put_subscription(self.scope, "initiativer", first)
        store.put_subscription(self.scope, "maal|x", second)
        assert store.get_subscription(self.scope, "initiativer") == first
        assert store.subscriptions(self.scope) == {"initiativer": first, "maal|x": second}
        renewed = Subscription("5a1f-…", datetime(2024, 11, 1, tzinfo=UTC), "sha256:abc")
        store.put_subscription(self.scope, "initiativer", renewed)
        assert store.get_subscription(self.scope, "initiativer") == renewed
        store.delete_subscription(self.scope, "maal|x")
        store.delete_subscription(self.scope, "never-there")
        assert store.subscriptions(self.scope) == {"initiativer": renewed}
        assert store.subscriptions("other") == {}
