"""Work that fails is visible: a write-back SharePoint refuses, a run that dies, a second sync at once."""

from __future__ import annotations

import json

import pytest

from kksync.cli_errors import ExitCode
from tests.cli.conftest import Cli


def _department_clears_a_rank(cli: Cli) -> int:
    from kksync.core.schema import list_schema

    schema = list_schema("initiatives")
    rank = next(c for c in schema.columns if c.attr == "rank")
    item = next(i for i in cli.sp.items(schema.title) if i.get(rank.name))  # type: ignore[attr-defined]
    cli.sp.edit_item(schema.title, item["ID"], {rank.name: None})  # type: ignore[attr-defined]
    return int(item["ID"])


def test_a_refused_write_back_is_reported_partial_and_retried(synced: Cli) -> None:
    item_id = _department_clears_a_rank(synced)
    # SharePoint refuses the MERGE inside the $batch (a validation error, a column deleted meanwhile).
    refusal = synced.sp.faults.add(status=400, inner=True, methods=("MERGE",))  # type: ignore[attr-defined]
    refused = synced("sync")
    assert refused.code == ExitCode.PARTIAL, refused
    assert "Afvist" in refused.text and f"#{item_id}" in refused.text
    assert "blev ikke skrevet tilbage" in refused.text and "næste «kksync sync»" in refused.text
    history = json.loads(synced("runs", "--format", "json").out)["runs"]
    assert history[0]["status"] == "partial" and history[0]["refused"] >= 1
    assert sum(n["errors"] for n in history[0]["lists"].values()) == history[0]["refused"]
    assert history[0]["lists"]["initiatives"]["errors"] >= 1
    assert any(f"#{item_id}" in line for line in history[0]["failures"])
    assert "delvis" in synced("runs").text

    synced.sp.faults.clear()  # type: ignore[attr-defined]
    assert refusal.fired >= 1
    retried = synced("sync", "--format", "json")
    assert retried.code == ExitCode.OK, retried
    run = json.loads(retried.out)["run"]
    assert run["status"] == "ok" and run["refused"] == 0 and run["lists"]["initiatives"]["written"] >= 1
    quiet = json.loads(synced("sync", "--format", "json").out)["run"]
    assert quiet["writes"] == 0  # retried once, then settled


def test_sync_and_runs_count_the_same(synced: Cli) -> None:
    _department_clears_a_rank(synced)
    done = json.loads(synced("sync", "--format", "json").out)["run"]
    latest = json.loads(synced("runs", "--format", "json", "--limit", "1").out)["runs"][0]
    assert done == latest
    assert done["mode"] == "incremental" and done["changes"] == 1


def test_a_run_that_dies_after_storing_its_lists_keeps_its_record(synced: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from kksync.services.sync import SyncService

    _department_clears_a_rank(synced)

    def crash(self: SyncService, *args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated crash after the lists were stored")

    monkeypatch.setattr(SyncService, "_write_back", crash)
    died = synced("sync")
    assert died.code == ExitCode.UNEXPECTED and "Traceback" not in died.text and "--debug" in died.text
    run = json.loads(synced("runs", "--format", "json", "--limit", "1").out)["runs"][0]
    assert run["status"] == "failed" and "simulated crash" in run["error"]
    assert run["changes"] == 1  # who changed what survived the crash
    assert "fejlede" in synced("runs").text


def test_a_second_sync_waits_then_refuses_with_exit_busy(synced: Cli) -> None:
    import os

    from kksync.services.leases import RUN_LOCK_KEY
    from kksync.state import SqliteStateStore
    from kksync.state.base import make_scope

    store = SqliteStateStore(synced.state)
    scope = make_scope(os.environ["KKSYNC_SITE_URL"])
    lease = store.acquire_lease(scope, RUN_LOCK_KEY, owner="another-host/1/run", ttl_seconds=60)
    assert lease is not None
    before = synced.fingerprint()
    busy = synced("sync", "--lease-wait", "0.2")
    assert busy.code == ExitCode.BUSY, busy
    assert "En anden synkronisering kører allerede" in busy.text and "--lease-wait" in busy.text
    assert synced.fingerprint() == before
    store.release_lease(lease)
    store.close()
    assert synced("sync").code == ExitCode.OK
