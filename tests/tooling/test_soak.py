"""The soak machinery itself, at a small scale: the same run ``make soak`` makes, in about half a minute.

In-process (kksync reaches the emulator without a socket, webhooks still over HTTP): ``make soak``
itself runs over loopback.

It proves the soak still exercises what RELIABILITY.md claims (faults hit, notifications are
dropped and duplicated, departments race the write-back) and that its judge can fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tooling import load_script

soak = load_script("bench/soak.py", "kksync_soak")




@pytest.mark.parametrize("azure", [False, True], ids=["sqlite", "azurite"])
def test_a_short_soak_keeps_every_promise(tmp_path: Path, azure: bool) -> None:
    config = soak.SoakConfig(initiatives=300, minutes=0.4, clean_minutes=0.15, reconcile_every=10, edits_per_second=12,
                             results=tmp_path, quiet=True, azure=azure, in_process=True)
    result = soak.run_soak(config)
    failed = [f"{v.name}: {v.detail}" for v in result.verdicts if not v.ok]
    assert not failed, failed
    figures = result.figures
    assert figures["fault_share"] >= 0.05, figures["faults_injected"]
    assert {"429", "503", "drop"} <= set(figures["faults_injected"]), figures["faults_injected"]
    assert figures["notifications"].get("dropped", 0) > 0
    assert figures["department_changes"].get("race", 0) > 0
    assert figures["messages"].get("reconcile", 0) >= 1
    assert 0 < figures["product_writes"] <= figures["department_changes_total"]
    assert 50 < figures["peak_rss_mib"] < 4096
    assert 0 < figures["edit_to_warning_seconds"]["p50"] <= figures["edit_to_warning_seconds"]["max"]
    assert 0 < figures["clean_edit_to_warning_seconds"]["p50"] <= figures["clean_edit_to_warning_seconds"]["max"]
    assert figures["product_resource_units"] >= figures["product_requests"] > 0
    report = soak.render_report([(config, result)])
    assert "Every promise held in every run." in report and "❌" not in report


def test_the_judge_notices_a_lost_department_edit() -> None:
    journal = soak.Journal()
    journal.edited(1, {"KkPurpose": "forvaltningens tekst"}, "edit")

    class Site:
        def items(self, title: str) -> list[dict[str, object]]:
            return [{"ID": 1, "KkPurpose": "overskrevet af robotten"}]

    verdict = soak.verify_journal(Site(), journal)
    assert not verdict.ok and "1.KkPurpose" in verdict.detail


def test_latency_runs_to_the_end_of_the_first_sync_that_started_after_the_save() -> None:
    # a sync that was already running when the department saved may have missed the change
    assert soak.latencies([1.0, 5.0, 9.0], [(0.5, 2.0), (2.0, 3.0), (6.0, 7.0)]) == [2.0, 2.0]
    assert soak.percentiles([]) == {}
