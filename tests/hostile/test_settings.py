"""Hostile ``KKSYNC_*`` values: each stops the program with a message naming the variable or file.

Caught where the product promises: the settings class (``load_settings``), opening the runtime (state
store, governance file, certificate), or generating a document (the Word template). The message must
name what is wrong; the command line prints it as ``Fejl: …`` with exit code 2 and no traceback.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from kksync.errors import ConfigError, KksyncError
from testkit.scenarios import documents_report
from tests.hostile.corpus import SETTINGS, SettingsCase
from tests.hostile.pipeline import BASE, JOINT, STATUS_DATE

IDS = [c.id for c in SETTINGS]


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from kksync.sharepoint.auth import reset_token_providers

    for key in list(os.environ):
        if key.startswith("KKSYNC_"):
            monkeypatch.delenv(key)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # no stray .env, and the default state lands here
    monkeypatch.setenv("KKSYNC_STATE", str(work / "state.db"))
    reset_token_providers()
    yield tmp_path
    reset_token_providers()


def _setup(name: str | None, tmp: Path) -> None:
    folder = tmp / "tpl"
    if name == "template_text":
        folder.mkdir()
        (folder / "kksync.docx").write_text("Dette er ikke et Word-dokument")
    elif name == "template_folder":
        (folder / "kksync.docx").mkdir(parents=True)
    elif name == "template_foreign":
        folder.mkdir()
        docx.Document().save(str(folder / "kksync.docx"))


def _apply(case: SettingsCase, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    _setup(case.setup, tmp)
    for key, value in case.env.items():
        monkeypatch.setenv(key, value.replace("{tmp}", str(tmp)))
    return tuple(n.replace("{tmp}", str(tmp)) for n in case.needles)


def _fail(case: SettingsCase) -> KksyncError:
    """Run the product up to the stage where the case must be caught; return the error it raised."""
    from kksync.app import open_runtime
    from kksync.core.model import DocumentType
    from kksync.core.snapshots import snapshot_of
    from kksync.documents import render
    from kksync.settings import load_settings

    with pytest.raises(KksyncError) as caught:
        settings = load_settings()
        assert case.stage != "settings", "the settings accepted the value"
        runtime = open_runtime(settings)
        try:
            assert case.stage != "runtime", "the runtime opened"
            snapshot = snapshot_of(BASE, JOINT, STATUS_DATE)
            render(snapshot, documents_report(BASE), DocumentType.PLAN, template=settings.template_dir)
        finally:
            runtime.close()
    return caught.value


@pytest.mark.parametrize("case", SETTINGS, ids=IDS)
def test_bad_setting_is_a_clear_error(case: SettingsCase, clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    needles = _apply(case, clean_env, monkeypatch)
    error = _fail(case)
    if case.stage == "settings":
        assert isinstance(error, ConfigError) and str(error).startswith("Indstillingerne er ugyldige")
    message = str(error)
    for needle in needles:
        assert needle in message, (needle, message)
    assert "Traceback" not in message and "pydantic.dev" not in message and "Value error," not in message


CLI_CASES = [c for c in SETTINGS if c.stage != "document"]


@pytest.mark.parametrize("case", CLI_CASES[::4], ids=[c.id for c in CLI_CASES[::4]])
def test_command_line_prints_fejl_and_exits_2(case: SettingsCase, clean_env: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from kksync.cli import main

    needles = _apply(case, clean_env, monkeypatch)
    monkeypatch.setattr(sys, "argv", ["kksync", "check"])
    with pytest.raises(SystemExit) as exited:
        main()
    out = capsys.readouterr()
    assert exited.value.code == 2
    err = " ".join(out.err.split())  # rich wraps long lines
    assert err.startswith("Fejl:") and "Traceback" not in out.err + out.out
    assert needles[0] in err


def test_template_folder_is_checked_when_documents_are_generated(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A valid replacement template is used; the same folder with the file broken later is refused by path."""
    from kksync.core.model import DocumentType
    from kksync.core.snapshots import snapshot_of
    from kksync.documents import render
    from kksync.documents.word.template import build_template
    from kksync.settings import load_settings

    folder = clean_env / "tpl"
    folder.mkdir()
    (folder / "kksync.docx").write_bytes(build_template())
    monkeypatch.setenv("KKSYNC_TEMPLATE_DIR", str(folder))
    settings = load_settings()
    snapshot = snapshot_of(BASE, JOINT, STATUS_DATE)
    assert docx.Document(io.BytesIO(render(snapshot, documents_report(BASE), DocumentType.PLAN, template=settings.template_dir).data))
    (folder / "kksync.docx").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(KksyncError, match=str(folder / "kksync.docx")):
        render(snapshot, documents_report(BASE), DocumentType.PLAN, template=settings.template_dir)
