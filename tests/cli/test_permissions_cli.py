"""``kksync permissions``: provisions who edits what, adds members, and a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kksync.cli import command
from kksync.services.provision import provision
from testkit.emulator import client_for, in_process_emulator, serving


def test_permissions_command_is_idempotent_and_adds_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with in_process_emulator(tmp_path / "sp.db") as sp, serving(sp):
        monkeypatch.setenv("KKSYNC_SITE_URL", sp.url)
        monkeypatch.setenv("KKSYNC_STATE", str(tmp_path / "state.db"))
        provision(client_for(sp))
        runner = CliRunner()
        first = runner.invoke(command(), ["permissions", "--member", "Redaktører ØKF=mette@kk.dk"])
        assert first.exit_code == 0, first.output
        text = " ".join(first.output.split())
        assert "mette@kk.dk er føjet til «Redaktører ØKF»" in text
        assert "9 grupper, 35 mapper og 360 tildelinger oprettet; 40 unikke tilladelser i alt" in text
        members = sp.perms.group(name="Redaktører ØKF")["Users"]
        assert [sp.store.users[u]["Email"] for u in members] == ["mette@kk.dk"]
        again = runner.invoke(command(), ["permissions"])
        assert again.exit_code == 0, again.output
        text = " ".join(again.output.split())
        assert "intet ændret" in text and "0 grupper, 0 mapper og 0 tildelinger" in text
        bad = runner.invoke(command(), ["permissions", "--member", "Ukendt gruppe=x@kk.dk"])
        assert bad.exit_code != 0 and "står ikke i governance-filens" in " ".join(bad.output.split())
