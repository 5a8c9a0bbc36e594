"""Hostile governance files (``KKSYNC_GOVERNANCE_FILE``): a ``ConfigError`` naming the file and the key,
or a valid configuration the checks run with. Never a traceback, never a silently empty rule set."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from kksync.checks import check_portfolio, load_governance
from kksync.errors import ConfigError
from tests.hostile.corpus import GOVERNANCE, GovernanceCase
from tests.hostile.pipeline import BASE, NOW, STATUS_DATE

IDS = [c.id for c in GOVERNANCE]


def _write(tmp_path: Path, case: GovernanceCase) -> Path:
    path = tmp_path / f"{case.id}.toml"
    path.write_bytes(case.content)
    return path


@pytest.mark.parametrize("case", GOVERNANCE, ids=IDS)
def test_governance_file(case: GovernanceCase, tmp_path: Path) -> None:
    path = _write(tmp_path, case)
    if not case.needles:
        governance = load_governance(path)
        assert governance.kinds  # something is checked
        report = check_portfolio(BASE, governance=governance, today=STATUS_DATE, now=NOW)
        assert report.checked_at == NOW
        return
    with pytest.raises(ConfigError) as caught:
        load_governance(path)
    message = str(caught.value)
    assert message.startswith(f"Governance-filen {path}")  # which file
    for needle in case.needles:
        assert needle in message, (needle, message)
    assert "Traceback" not in message and "pydantic.dev" not in message and len(message) < 2_500


def test_a_folder_is_not_a_governance_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="kan ikke læses"):
        load_governance(tmp_path)


@pytest.mark.parametrize("case", [c for c in GOVERNANCE if c.needles][::5], ids=[c.id for c in GOVERNANCE if c.needles][::5])
def test_command_line_names_the_governance_file(case: GovernanceCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from kksync.cli import main

    for key in list(os.environ):
        if key.startswith("KKSYNC_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KKSYNC_STATE", str(tmp_path / "state.db"))
    monkeypatch.setenv("KKSYNC_GOVERNANCE_FILE", str(_write(tmp_path, case)))
    monkeypatch.setattr(sys, "argv", ["kksync", "check"])
    with pytest.raises(SystemExit) as exited:
        main()
    out = capsys.readouterr()
    assert exited.value.code == 2
    assert out.err.startswith("Fejl: Governance-filen") and "Traceback" not in out.err + out.out
