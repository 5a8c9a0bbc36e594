"""The command line against a real (in-process) emulator site and a real SQLite state.

``synced`` copies a site that was provisioned, seeded and synced once per session (a few seconds) into
the test's folder, points the ``KKSYNC_*`` settings at it and hands back a ``Cli`` that runs commands
through typer's ``CliRunner`` — the same ``KksyncGroup`` error path as the installed ``kksync``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from testkit.emulator import in_process_emulator, serving

TRACEBACK_MARKS = ("Traceback", 'File "', "Error:", "Exception:")


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        """stdout and stderr, with rich's line wrapping undone."""
        return " ".join((self.out + "\n" + self.err).split())


@dataclass
class Cli:
    folder: Path
    state: Path
    sp: object | None = None

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        from kksync.cli import command

        runner = CliRunner()
        result = runner.invoke(command(), list(args), env=env, catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"{args} escaped the error path: {result.exception!r}") from result.exception
        stderr = getattr(result, "stderr", "") or ""
        out = result.stdout if stderr else result.output
        return Result(result.exit_code, out, stderr)

    def fingerprint(self) -> str:
        """Every row of every table of the state (not the file bytes: SQLite may checkpoint on a read)."""
        if not self.state.exists():
            return "absent"
        if self.state.stat().st_size == 0:
            return "empty"
        digest = hashlib.sha256()
        with sqlite3.connect(self.state) as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
            for table in tables:
                if table == "leases":
                    continue
                for row in sorted(map(repr, conn.execute(f"SELECT * FROM {table}"))):
                    digest.update(row.encode())
        return digest.hexdigest()


def _clean_env(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    for key in list(os.environ):
        if key.startswith("KKSYNC_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("KKSYNC_GRAPH_ENABLED", "false")
    monkeypatch.setenv("KKSYNC_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("KKSYNC_MAX_RETRY_SECONDS", "1")
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(scope="session")
def synced_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-site")
    with in_process_emulator(folder / "sp.db") as sp, serving(sp), pytest.MonkeyPatch.context() as mp:
        _clean_env(mp, folder)
        mp.setenv("KKSYNC_SITE_URL", sp.url)
        mp.setenv("KKSYNC_STATE", str(folder / "state.db"))
        cli = Cli(folder, folder / "state.db")
        for command in (["provision"], ["seed"], ["sync"]):
            result = cli(*command)
            assert result.code in (0, 1), (command, result)
    (folder / "url").write_text(sp.url)
    return folder


@pytest.fixture
def synced(synced_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    for path in synced_template.glob("*.db*"):
        shutil.copy(path, tmp_path / path.name)
    _clean_env(monkeypatch, tmp_path)
    with in_process_emulator(tmp_path / "sp.db") as sp, serving(sp):
        assert sp.url == (synced_template / "url").read_text()
        monkeypatch.setenv("KKSYNC_SITE_URL", sp.url)
        monkeypatch.setenv("KKSYNC_STATE", str(tmp_path / "state.db"))
        yield Cli(tmp_path, tmp_path / "state.db", sp)


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """No state, no site: a folder a user might run kksync from by mistake."""
    _clean_env(monkeypatch, tmp_path)
    monkeypatch.setenv("KKSYNC_SITE_URL", "http://127.0.0.1:1/sites/kk-it")
    return Cli(tmp_path, tmp_path / ".kksync" / "state.db")
