"""The sync engine's promises, against the emulator over real HTTP."""

from __future__ import annotations

import math

import pytest

from kksync.core.schema import list_schema
from kksync.errors import StateError
from kksync.services.records import DATA_LISTS
from kksync.services.sync import SyncService
from tests.sync.conftest import Site

INITIATIVES = list_schema("initiatives")
PURPOSE = INITIATIVES.column("KkPurpose")
RANK = INITIATIVES.column("KkRank")
MISSING = INITIATIVES.column("KkMissing")


def _sp_items(site: Site, schema_key: str = "initiatives") -> dict[int, dict]:
    return {int(i["ID"]): i for i in site.sp.items(list_schema(schema_key).title)}


def _store_records(site: Site, scope: str = "test") -> dict[int, object]:
    portfolio = site.service.load_portfolio()
    return {i.id: i for i in portfolio.initiatives}


def test_full_sync_reads_everything_and_writes_warnings_back(site: Site) -> None:
    outcome = site.service.sync(full=True)
    assert outcome.lists["initiatives"].stats.added == 12
    items = _sp_items(site)
    unranked = [i for i in items.values() if i["KkKey"] in {"F11-03", "F11-06", "F11-09", "F11-12"}]
    assert all(i[MISSING.name] and "prioritet" in i[MISSING.name].lower() for i in unranked)
    assert outcome.writes > 0


def test_run_history_keeps_the_outcome_counters_and_the_request_count(site: Site) -> None:
    before = site.client.requests_sent
    outcome = site.service.sync(full=True)
    run = site.store.runs("test", 1)[0]
    assert run.lists == {key: o.stats for key, o in outcome.lists.items()}  # the same record, not a copy by hand
    initiatives = run.lists["initiatives"]
    assert (initiatives.seen, initiatives.added) == (12, 12) and initiatives.written > 0
    assert outcome.requests == run.requests == site.client.requests_sent - before
    # per list only its reading is counted; the write-back afterwards only in the total
    assert 0 < sum(o.requests for o in outcome.lists.values()) < outcome.requests


def test_second_sync_with_nothing_changed_is_free(site: Site) -> None:
    site.service.sync(full=True)
    site.sp.request_log.reset()
    outcome = site.service.sync()
    assert outcome.writes == 0
    counts = site.sp.request_log.counts()
    assert counts.get("update_item", 0) == 0 and counts.get("batch", 0) == 0
    assert site.sp.request_log.total <= 2 * len(DATA_LISTS)
    # and a third time, after our own write-back has settled, still nothing
    site.sp.request_log.reset()
    assert site.service.sync().writes == 0
    assert site.sp.request_log.total <= 2 * len(DATA_LISTS)


@pytest.mark.parametrize("k", [1, 5, 12])
def test_incremental_sync_reads_only_the_changed_items(site: Site, k: int) -> None:
    site.service.sync(full=True)
    for item_id in range(1, k + 1):
        site.sp.edit_item(INITIATIVES.title, item_id, {PURPOSE.name: f"Nyt formål {item_id}"})
    site.sp.request_log.reset()
    outcome = site.service.sync()
    assert outcome.lists["initiatives"].stats.updated == k
    counts = site.sp.request_log.counts()
    reads = counts.get("get_items", 0)
    assert reads <= 1 + math.ceil(k / 100)  # + site users, once per run
    assert counts.get("get_item", 0) == 0  # never one request per item
    records = _store_records(site)
    assert all(records[i].purpose == f"Nyt formål {i}" for i in range(1, k + 1))


def test_history_records_who_changed_what(site: Site) -> None:
    site.service.sync(full=True)
    carl = site.sp.add_user("carl@kk.dk", "Carl Berg")
    site.sp.edit_item(INITIATIVES.title, 2, {PURPOSE.name: "Ændret af Carl"}, editor=carl["Id"])
    site.service.sync()
    run = site.store.runs("test", 1)[0]
    assert [(c.list_key, c.item_id, c.action, c.editor) for c in run.changes] == [("initiatives", 2, "updated", "Carl Berg")]


def test_loop_guard_over_repeated_cycles(site: Site) -> None:
    """Department edits that change findings cause one write each; our own writes cause none."""
    site.service.sync(full=True)
    department_changes = 0
    product_writes = 0
    for cycle in range(4):
        site.sp.edit_item(INITIATIVES.title, 3 + 3 * (cycle % 3), {RANK.name: 20 + cycle})  # now ranked
        department_changes += 1
        product_writes += site.service.sync().writes
        product_writes += site.service.sync().writes  # the echo of our own write: nothing more
    assert product_writes <= 2 * department_changes  # the initiative and, at most, its plan's verdict
    site.sp.request_log.reset()
    assert site.service.sync().writes == 0


def test_a_crash_before_the_token_is_stored_loses_nothing(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.service.sync(full=True)
    site.sp.edit_item(INITIATIVES.title, 4, {PURPOSE.name: "Skrevet lige før nedbruddet"})
    real_commit = site.store.commit

    def crash(*args, **kwargs):  # the process dies after reading the changes, before storing them
        raise StateError("simuleret nedbrud")

    monkeypatch.setattr(site.store, "commit", crash)
    with pytest.raises(StateError):
        site.service.sync()
    monkeypatch.setattr(site.store, "commit", real_commit)
    site.service.sync()
    assert _store_records(site)[4].purpose == "Skrevet lige før nedbruddet"


def test_a_trimmed_change_log_answers_nothing_so_only_the_tokens_age_can_tell(site: Site) -> None:
    """SharePoint Online answers a token older than its change log with no changes and no error
    (sp-dev-docs #10389): the edit is invisible to an incremental read, and the product's full
    reconcile (by the token's age, tests/sync/test_online_behaviour.py) is what finds it."""
    from datetime import UTC, datetime, timedelta

    site.service.sync(full=True)
    site.sp.edit_item(INITIATIVES.title, 5, {PURPOSE.name: "Efter udløb"})
    site.sp.expire_change_log(before=10**9)
    outcome = site.service.sync()
    assert outcome.lists["initiatives"].mode == "incremental" and outcome.changed == 0  # SharePoint said nothing
    later = SyncService(site.client, site.store, scope="test", now=lambda: datetime.now(UTC) + timedelta(days=61))
    outcome = later.sync()
    assert outcome.lists["initiatives"].mode == "full"
    assert any("dage gammelt" in note for note in outcome.notes)
    assert _store_records(site)[5].purpose == "Efter udløb"


def test_a_refused_change_token_still_falls_back_to_a_full_reconcile(site: Site) -> None:
    site.service.sync(full=True)
    token = site.store.get_token("test", "initiatives")
    assert token is not None
    head, number = token.rsplit(";", 1)
    site.store.commit("test", "initiatives", upserts=[], deletes=[], token=f"{head};x{number}")  # SharePoint: 400
    site.sp.edit_item(INITIATIVES.title, 5, {PURPOSE.name: "Efter afvisning"})
    outcome = site.service.sync()
    assert outcome.lists["initiatives"].mode == "full"
    assert any(INITIATIVES.title in note for note in outcome.notes)
    assert _store_records(site)[5].purpose == "Efter afvisning"


def test_deletes_are_applied(site: Site) -> None:
    site.service.sync(full=True)
    site.sp.delete_item(INITIATIVES.title, 7)
    outcome = site.service.sync()
    assert outcome.lists["initiatives"].stats.deleted == 1
    assert 7 not in _store_records(site)


def test_two_scopes_do_not_share_state(site: Site) -> None:
    site.service.sync(full=True)
    other = site.new_service("another-plan-config")
    assert other.load_portfolio().initiatives == []
    outcome = other.sync()  # no token in this scope: a full read, said so
    assert outcome.lists["initiatives"].mode == "full"
    assert any("intet gemt" in n for n in outcome.notes)
