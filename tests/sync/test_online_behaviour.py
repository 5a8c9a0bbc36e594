"""The sync under SharePoint Online's real behaviour (the faithful emulator, sp_emulator/FIDELITY.md):
no editor on updates, a too-old token answered with nothing, deleted columns, renamed choices,
the recycle bin, and colleagues who left but stay among the site's users."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kksync.checks import load_governance
from kksync.core.schema import list_schema
from kksync.services.checking import check_report
from kksync.services.provision import provision
from kksync.services.seed import seed_portfolio
from kksync.services.sync import SyncService
from kksync.settings import Settings
from kksync.state.sqlite import SqliteStateStore
from testkit.emulator import client_for, graph_for, in_process_emulator
from testkit.scenarios import PEOPLE, small_portfolio
from tests.sync.conftest import Site

INITIATIVES = list_schema("initiatives")
PLANS = list_schema("plans")
PURPOSE = INITIATIVES.column("KkPurpose")
MISSING = INITIATIVES.column("KkMissing")
LIGHT = INITIATIVES.column("KkComputedLight")


def _records(service: SyncService) -> dict[int, object]:
    return {i.id: i for i in service.load_portfolio().initiatives}


def _list_id(site: Site, title: str) -> str:
    return str(site.sp.site.find_list(title=title)["Id"])


# --- 1. own edits are recognised by their content, not their editor ------------------------------------


@pytest.mark.parametrize("extra", [0, 150], ids=["one-own-write", "150-own-writes"])
def test_an_incremental_sync_after_our_own_write_back_writes_nothing_and_reads_by_the_hundred(
        site: Site, extra: int) -> None:
    for n in range(extra):  # initiatives without a plan: each gets a warning written back
        site.sp.add_item(INITIATIVES.title, {"KkKey": f"N{n:03}", "Title": f"Nyt initiativ {n}"})
    written = site.service.sync(full=True).lists["initiatives"].stats.written
    if extra == 0:
        site.service.sync()  # settles the full sync's own write-back
        site.sp.edit_item(INITIATIVES.title, 1, {"KkRank": None})  # one department edit, one warning changes
        written = site.service.sync().lists["initiatives"].stats.written
        assert written == 1
    else:
        assert written >= extra
    site.sp.request_log.reset()
    outcome = site.service.sync()
    assert outcome.writes == 0 and outcome.changed == 0
    counts = site.sp.request_log.counts()
    reads = outcome.lists["initiatives"].requests
    # one change-log read (its page and the empty page that proves the end) and ceil(k/100) item reads
    assert counts.get("get_changes", 0) <= 2 * len(outcome.lists)
    assert reads <= 2 + math.ceil(written / 100), (reads, written, counts)
    assert counts.get("batch", 0) == 0


def test_the_etag_of_a_read_replaces_the_one_our_write_was_answered_with(site: Site) -> None:
    site.service.sync(full=True)
    after_write = site.store.get_items("test", "initiatives", [1])[1].etag
    assert after_write is not None and "," in after_write  # "<guid>,<n>" from the update response
    site.service.sync()
    stored = site.store.get_items("test", "initiatives", [1])[1]
    assert stored.etag == '"' + str(site.sp.get_item(INITIATIVES.title, 1)["_version"]) + '"'


# --- 2. a token SharePoint answers with nothing ---------------------------------------------------------


@pytest.fixture
def clocked(tmp_path: Path) -> Iterator[tuple[Site, list[datetime]]]:
    now = [datetime.now(UTC)]
    with in_process_emulator(tmp_path / "sp.db", clock=lambda: now[0]) as sp:
        settings = Settings(site_url=sp.url, state=str(tmp_path / "state.db"))
        client = client_for(sp, settings)
        provision(client)
        seed_portfolio(client, small_portfolio(), PEOPLE)
        store = SqliteStateStore(tmp_path / "state.db")
        service = SyncService(client, store, scope="test", now=lambda: now[0])
        yield Site(sp, client, store, service, settings), now
        store.close()


def test_a_token_older_than_the_change_log_leads_to_a_full_reconcile(clocked: tuple[Site, list[datetime]]) -> None:
    site, now = clocked
    site.service.sync(full=True)
    site.service.sync()
    now[0] += timedelta(days=61)
    site.sp.edit_item(INITIATIVES.title, 5, {PURPOSE.name: "Efter 61 dage"})
    token = site.store.get_token("test", "initiatives")
    assert token is not None and site.client.changes(INITIATIVES.title, token) == []  # SharePoint: nothing
    outcome = site.service.sync()
    assert outcome.lists["initiatives"].mode == "full"
    note = next(n for n in outcome.notes if INITIATIVES.title in n and "dage gammelt" in n)
    assert "61 dage" in note
    assert _records(site.service)[5].purpose == "Efter 61 dage"  # type: ignore[attr-defined]


def test_a_token_within_the_margin_is_still_read_incrementally(clocked: tuple[Site, list[datetime]]) -> None:
    site, now = clocked
    site.service.sync(full=True)
    site.service.sync()
    now[0] += timedelta(days=30)
    site.sp.edit_item(INITIATIVES.title, 5, {PURPOSE.name: "Efter 30 dage"})
    outcome = site.service.sync()
    assert outcome.lists["initiatives"].mode == "incremental"
    assert _records(site.service)[5].purpose == "Efter 30 dage"  # type: ignore[attr-defined]


@pytest.mark.parametrize("token", ["1;3;{other};{ticks};5", "garbage"], ids=["another-list", "unreadable"])
def test_a_token_of_another_list_or_unreadable_leads_to_a_full_reconcile(site: Site, token: str) -> None:
    site.service.sync(full=True)
    ticks = 621_355_968_000_000_000 + int(datetime.now(UTC).timestamp() * 10_000_000)
    foreign = token.format(other="0b7c1e9a-0000-4000-8000-000000000000", ticks=ticks)
    site.store.commit("test", "initiatives", upserts=[], deletes=[], token=foreign)
    site.sp.edit_item(INITIATIVES.title, 4, {PURPOSE.name: "Set ved fuld afstemning"})
    outcome = site.service.sync()
    assert outcome.lists["initiatives"].mode == "full"
    assert any(INITIATIVES.title in n and ("anden liste" in n or "kan ikke læses" in n) for n in outcome.notes)
    assert _records(site.service)[4].purpose == "Set ved fuld afstemning"  # type: ignore[attr-defined]


# --- 3. schema drift ------------------------------------------------------------------------------------


def test_a_deleted_department_column_is_named_and_loses_no_stored_value(site: Site) -> None:
    site.service.sync(full=True)
    before = _records(site.service)
    site.sp.site.delete_field(_list_id(site, INITIATIVES.title), PURPOSE.name)
    site.sp.edit_item(INITIATIVES.title, 2, {"KkRank": 7})
    outcome = site.service.sync()  # incremental: SharePoint refuses the $select, the sync looks and reads on
    expected = f"Kolonnen «{PURPOSE.title}» ({PURPOSE.name}) mangler i listen «{INITIATIVES.title}» – kør kksync provision"
    assert expected in outcome.notes
    assert expected in site.store.runs("test", 1)[0].note
    after = _records(site.service)
    assert after[2].rank == 7  # type: ignore[attr-defined]  # the other columns keep syncing
    assert all(after[i].purpose == before[i].purpose for i in before)  # type: ignore[attr-defined]
    full = site.service.sync(full=True)
    assert expected in full.notes and full.lists["initiatives"].stats.updated == 0
    assert all(_records(site.service)[i].purpose == before[i].purpose for i in before)  # type: ignore[attr-defined]


def test_a_deleted_bot_column_is_not_written_and_the_others_are(site: Site) -> None:
    site.service.sync(full=True)
    site.sp.site.delete_field(_list_id(site, INITIATIVES.title), LIGHT.name)
    site.sp.edit_item(INITIATIVES.title, 1, {"KkRank": None})  # a new warning to write back
    outcome = site.service.sync(full=True)
    assert any(f"«{LIGHT.title}» ({LIGHT.name}) mangler" in n and "skriver ikke" in n for n in outcome.notes)
    assert outcome.lists["initiatives"].stats.written >= 1
    item = site.sp.get_item(INITIATIVES.title, 1)
    assert "prioritet" in str(item[MISSING.name]).lower() and LIGHT.name not in item


def test_a_renamed_stage_is_drift_and_the_gate_keeps_failing(site: Site) -> None:
    site.service.sync(full=True)
    renamed = "Klar til behandling"
    stages = [renamed if c == "Klar til politisk behandling" else c for c in PLANS.column("KkStage").choices]
    site.sp.site.update_field(_list_id(site, PLANS.title), "KkStage", {"Choices": {"results": stages}})
    site.sp.edit_item(PLANS.title, 1, {"KkStage": renamed})
    outcome = site.service.sync(full=True)
    assert any("Valgene i kolonnen «Stadie»" in n and f"«{renamed}»" in n for n in outcome.notes)
    service = SyncService(site.client, site.store, scope="test", governance=load_governance())
    portfolio = service.load_portfolio()
    view = check_report(portfolio, service.check(portfolio))
    assert any(f.rule == "PLAN-STAGE-UNKNOWN" and f.plan_id == 1 for f in view.findings)
    assert view.failing_gate


# --- 4. the recycle bin ---------------------------------------------------------------------------------


def test_an_item_restored_from_the_recycle_bin_comes_back_incrementally(site: Site) -> None:
    site.service.sync(full=True)
    site.sp.delete_item(INITIATIVES.title, 6)
    assert site.service.sync().lists["initiatives"].stats.deleted == 1
    assert 6 not in _records(site.service)
    site.sp.restore_item(INITIATIVES.title, 6)
    outcome = site.service.sync()
    assert outcome.lists["initiatives"].mode == "incremental" and outcome.lists["initiatives"].stats.added == 1
    assert 6 in _records(site.service)


# --- 5. a colleague who left ----------------------------------------------------------------------------


def _owner_problems(service: SyncService, item_id: int) -> list[str]:
    portfolio = service.load_portfolio()
    return [p.code for p in portfolio.problems.get(f"initiatives/{item_id}", []) if p.attr == "project_owner"]


@pytest.mark.parametrize("how", ["delete_account", "disable_account"])
def test_a_person_whose_account_is_gone_or_disabled_is_unknown(site: Site, how: str) -> None:
    carl = site.sp.add_user("carl@kk.dk", "Carl Berg")
    site.sp.edit_item(INITIATIVES.title, 2, {"KkProjectOwnerId": carl["Id"]})
    getattr(site.sp, how)("carl@kk.dk")
    assert any(int(u["Id"]) == carl["Id"] for u in site.sp.store.users.values())  # still a site user
    service = SyncService(site.client, site.store, scope="test", directory=graph_for(site.sp, site.settings))
    service.sync(full=True)
    assert _owner_problems(service, 2) == ["unknown_person"]


def test_a_departed_owner_stays_flagged_when_the_webhook_path_syncs_an_edit(site: Site) -> None:
    """The queue processor asks Graph about people it has not accepted before, so a department's edit
    between two nightly runs never clears the finding (and never writes the warning away and back)."""
    from kksync.queues import ChangeMessage, MemoryChangeQueue
    from kksync.services.processor import process_change

    carl = site.sp.add_user("carl@kk.dk", "Carl Berg")
    site.sp.edit_item(INITIATIVES.title, 2, {"KkProjectOwnerId": carl["Id"]})
    site.sp.delete_account("carl@kk.dk")
    directory = graph_for(site.sp, site.settings)
    nightly = SyncService(site.client, site.store, scope="test", directory=directory)
    nightly.sync(full=True)
    assert _owner_problems(nightly, 2) == ["unknown_person"]
    flagged = site.sp.get_item(INITIATIVES.title, 2)[MISSING.name]
    site.sp.edit_item(INITIATIVES.title, 2, {PURPOSE.name: "Nyt formål"})
    result = process_change(site.client, site.store, ChangeMessage("initiatives", "test"),
                            scope="test", queue=MemoryChangeQueue(), directory=directory)
    assert result.status == "done"
    assert _owner_problems(nightly, 2) == ["unknown_person"]
    assert site.sp.get_item(INITIATIVES.title, 2)[MISSING.name] == flagged


def test_graph_unable_to_answer_keeps_the_person_and_says_so(site: Site) -> None:
    class Failing:
        def account_states(self, upns: object) -> dict[str, object]:
            from kksync.errors import SharePointError

            raise SharePointError("Microsoft Graph svarede 500")

    carl = site.sp.add_user("carl@kk.dk", "Carl Berg")
    site.sp.edit_item(INITIATIVES.title, 2, {"KkProjectOwnerId": carl["Id"]})
    site.sp.delete_account("carl@kk.dk")
    service = SyncService(site.client, site.store, scope="test", directory=Failing())  # type: ignore[arg-type]
    outcome = service.sync(full=True)
    assert _owner_problems(service, 2) == []  # never a false finding
    assert any("Microsoft Graph kunne ikke" in n for n in outcome.notes)


def test_without_graph_the_site_users_decide_and_the_run_says_so(site: Site) -> None:
    outcome = site.service.sync(full=True)
    assert any("Microsoft Graph er ikke sat op" in n for n in outcome.notes)
