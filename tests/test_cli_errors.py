"""The exit-code table: every expected failure maps to its documented code, and the README prints the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from kksync import errors as e
from kksync.cli_errors import ExitCode, classify, translate_usage
from kksync.texts.cli import EXIT_CODES

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("error", "code"), [
    (e.UnknownPlanError("x", plan_key="x"), ExitCode.USAGE),
    (e.ConfigError("x"), ExitCode.USAGE),
    (e.InvalidInputError("x"), ExitCode.USAGE),
    (e.SnapshotExistsError("x"), ExitCode.USAGE),
    (e.AuthError("x", status=403), ExitCode.SHAREPOINT),
    (e.UnreachableError("x"), ExitCode.SHAREPOINT),
    (e.ThrottledError("x"), ExitCode.SHAREPOINT),
    (e.StateError("x"), ExitCode.STATE),
    (e.NoDataError("x"), ExitCode.STATE),
    (e.LeaseHeldError("x", list_key="plans"), ExitCode.BUSY),
    (RuntimeError("boom"), ExitCode.UNEXPECTED),
])
def test_errors_map_to_the_documented_exit_codes(error: Exception, code: int) -> None:
    got, _prefix, message = classify(error)
    assert got == code and message
    assert int(code) in EXIT_CODES


def test_a_missing_list_says_run_provision(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KKSYNC_SITE_URL", "http://127.0.0.1:8765/sites/kk-it")
    error = e.NotFoundError("Findes ikke i SharePoint: List 'Initiativer' does not exist at site with URL 'x'.")
    code, _, message = classify(error)
    assert code == ExitCode.SHAREPOINT and "kksync provision" in message and "does not exist" not in message


def test_every_exit_code_is_in_the_table_and_the_readme() -> None:
    assert {int(c) for c in ExitCode} == set(EXIT_CODES)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code, meaning in EXIT_CODES.items():
        assert f"| {code} | {meaning} |" in readme, code


@pytest.mark.parametrize(("english", "danish"), [
    ("No such option: --plann (Possible options: --plan)", "Tilvalget «--plann» findes ikke. Mente du --plan?"),
    ("Invalid value for '--limit': Input should be greater than or equal to 1", "Ugyldig værdi til --limit: skal være mindst 1."),
    ("Missing option '--year'.", "Tilvalget --year skal angives."),
    ("Got unexpected extra argument (x)", "Uventet ekstra argument: x. (Sæt anførselstegn om en værdi med mellemrum.)"),
])
def test_clicks_messages_in_danish(english: str, danish: str) -> None:
    assert translate_usage(english) == danish
