"""A hostile command line: every command used wrong the way people do, plus markup, control characters
and very long values. Each ends with a Danish message, the documented exit code, no traceback, and
no change to the state that should not happen."""

from __future__ import annotations

import pytest

from kksync.cli_errors import ExitCode
from tests.cli.conftest import TRACEBACK_MARKS, Cli

PLAN = "FHP-2013-2014"
LONG = "Å" * 5000
DANISH_PREFIXES = ("Brugsfejl:", "Fejl:", "Findes ikke:", "SharePoint:", "Tilstand:", "Optaget:")

# (id, arguments, exit code, words the message must hold)
CASES: list[tuple[str, list[str], int, list[str]]] = [
    ("unknown-command", ["synk"], ExitCode.USAGE, ["«synk» findes ikke"]),
    ("unknown-option", ["check", "--plann", PLAN], ExitCode.USAGE, ["«--plann» findes ikke", "--plan"]),
    ("option-without-value", ["check", "--plan"], ExitCode.USAGE, ["--plan skal have en værdi"]),
    ("extra-argument", ["sync", "nu"], ExitCode.USAGE, ["Uventet ekstra argument"]),
    ("bad-format", ["check", "--format", "xml"], ExitCode.USAGE, ["«xml» er ikke en af"]),
    ("markup-plan", ["check", "--plan", "[bold]X[/]"], ExitCode.USAGE, ["[bold]X[/]", "Kendte planer", PLAN]),
    ("control-chars-plan", ["check", "--plan", "A\x1b[31mB\x07"], ExitCode.USAGE, ["Kendte planer"]),
    ("long-plan", ["check", "--plan", LONG], ExitCode.USAGE, ["Kendte planer"]),
    ("date-danish-order", ["snapshot", "--plan", PLAN, "--date", "31-12-2012"], ExitCode.USAGE, ["ÅÅÅÅ-MM-DD"]),
    ("date-slashes", ["snapshot", "--plan", PLAN, "--date", "2012/12/31"], ExitCode.USAGE, ["«2012/12/31»"]),
    ("date-not-in-calendar", ["snapshot", "--plan", PLAN, "--date", "2013-02-30"], ExitCode.USAGE, ["kalenderen"]),
    ("date-far-future", ["snapshot", "--plan", PLAN, "--date", "2099-12-31"], ExitCode.USAGE, ["fremtiden"]),
    ("date-before-period", ["snapshot", "--plan", PLAN, "--date", "1900-01-01"], ExitCode.USAGE, ["uden for planens periode"]),
    ("snapshot-unknown-plan", ["snapshot", "--plan", "[red]nope", "--date", "2013-12-31"], ExitCode.USAGE,
     ["[red]nope", "Kendte planer"]),
    ("snapshot-without-plan", ["snapshot"], ExitCode.USAGE, ["--plan"]),
    ("diff-year-only", ["diff", "--plan", PLAN, "--from", "2013", "--to", "2014-01-01"], ExitCode.USAGE, ["«2013»"]),
    ("diff-missing-snapshot", ["diff", "--plan", PLAN, "--from", "2013-01-01", "--to", "2014-01-01"], ExitCode.USAGE,
     ["intet øjebliksbillede"]),
    ("year-zero", ["report", "status", "--plan", PLAN, "--year", "0"], ExitCode.USAGE, ["fire cifre"]),
    ("year-superscript", ["report", "status", "--plan", PLAN, "--year", "2013²"], ExitCode.USAGE, ["«2013²»"]),
    ("year-outside-plan", ["report", "status", "--plan", PLAN, "--year", "1999"], ExitCode.USAGE, ["2013–2014", "1999"]),
    ("report-unknown-plan", ["report", "readiness", "--plan", "F1999"], ExitCode.USAGE, ["F1999", PLAN]),
    ("runs-limit-zero", ["runs", "--limit", "0"], ExitCode.USAGE, ["mindst 1"]),
    ("runs-limit-text", ["runs", "--limit", "ti"], ExitCode.USAGE, ["helt tal"]),
    ("lint-missing-file", ["report", "lint", "findes-ikke.docx"], ExitCode.USAGE, ["findes ikke"]),
    ("lease-wait-negative", ["sync", "--lease-wait", "-1"], ExitCode.USAGE, ["mindst 0"]),
]


def _assert_clean(result_text: str, err: str) -> None:
    assert not any(mark in result_text for mark in TRACEBACK_MARKS), result_text[:2000]
    assert "\x1b[31m" not in result_text and "\x07" not in result_text
    assert err.strip().startswith(DANISH_PREFIXES), err[:500]


@pytest.mark.parametrize(("args", "code", "needles"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_wrong_use_ends_in_a_danish_message_and_changes_nothing(synced: Cli, args: list[str], code: int,
                                                                  needles: list[str]) -> None:
    before = synced.fingerprint()
    outputs = sorted(p.name for p in synced.folder.iterdir())
    result = synced(*args)
    assert result.code == code, result
    for needle in needles:
        assert needle in result.text, (needle, result.text[:2000])
    _assert_clean(result.text, result.err)
    assert len(result.err) < 3000  # a very long value is cut, not echoed whole
    assert synced.fingerprint() == before
    assert sorted(p.name for p in synced.folder.iterdir()) == outputs  # no document, no out/ folder


def test_a_snapshot_is_frozen_and_replace_keeps_the_old_one(synced: Cli) -> None:
    first = synced("snapshot", "--plan", PLAN, "--date", "2013-12-31")
    assert first.code == 0 and "gemt" in first.text
    frozen = synced.fingerprint()
    again = synced("snapshot", "--plan", PLAN, "--date", "2013-12-31")
    assert again.code == ExitCode.USAGE and "overskrives ikke" in again.text and "--replace" in again.text
    assert synced.fingerprint() == frozen
    replaced = synced("snapshot", "--plan", PLAN, "--date", "2013-12-31", "--replace")
    assert replaced.code == 0 and "historikken" in replaced.text
    listed = synced("snapshot", "list", "--plan", PLAN, "--format", "json")
    import json

    assert [s["status_date"] for s in json.loads(listed.out)["snapshots"]] == ["2013-12-31"]
    deleted = synced("snapshot", "delete", "--plan", PLAN, "--date", "2013-12-31")
    assert deleted.code == 0 and "slettet" in deleted.text
    assert json.loads(synced("snapshot", "list", "--plan", PLAN, "--format", "json").out)["snapshots"] == []
    gone = synced("snapshot", "delete", "--plan", PLAN, "--date", "2013-12-31")
    assert gone.code == ExitCode.USAGE and "intet øjebliksbillede" in gone.text


def test_out_pointing_at_a_file_is_refused_before_any_work(synced: Cli) -> None:
    (synced.folder / "a-file").write_text("x")
    before = synced.fingerprint()
    result = synced("report", "status", "--plan", PLAN, "--year", "2014", "--out", str(synced.folder / "a-file"))
    assert result.code == ExitCode.USAGE and "ikke en mappe" in result.text
    _assert_clean(result.text, result.err)
    assert synced.fingerprint() == before  # no snapshot frozen for a document that could not be written


def test_a_report_names_the_snapshot_it_made_and_the_sync_time(synced: Cli) -> None:
    result = synced("report", "status", "--plan", PLAN, "--year", "2014", "--out", str(synced.folder / "out"))
    assert result.code == 0, result
    assert "Øjebliksbillede brugt: FHP-2013-2014 pr. 2014-12-31" in result.text and "lavet nu" in result.text
    assert "Data synkroniseret" in result.text
    again = synced("report", "status", "--plan", PLAN, "--year", "2014", "--out", str(synced.folder / "out"))
    assert "lavet nu" not in again.text  # the frozen one is used


# --- the state: absent, empty, damaged ------------------------------------------------------------

@pytest.mark.parametrize("args", [["check"], ["runs"], ["snapshot", "list", "--plan", PLAN],
                                  ["report", "readiness", "--plan", PLAN], ["diff", "--plan", PLAN, "--from",
                                                                            "2013-01-01", "--to", "2014-01-01"]])
def test_reading_commands_in_a_folder_without_state_say_so_and_create_nothing(empty: Cli, args: list[str]) -> None:
    result = empty(*args)
    assert result.code == ExitCode.STATE, result
    assert "kksync sync" in result.text and "Tilstand:" in result.err
    _assert_clean(result.text, result.err)
    assert not (empty.folder / ".kksync").exists() and not (empty.folder / "out").exists()


def test_a_zero_byte_state_file_is_an_error_not_a_new_store(empty: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    state = empty.folder / "state.db"
    state.write_bytes(b"")
    monkeypatch.setenv("KKSYNC_STATE", str(state))
    for args in (["check"], ["sync"], ["runs"]):
        result = empty(*args)
        assert result.code == ExitCode.STATE, (args, result)
        assert "tom (0 byte)" in result.text and "kontrollér stien" not in result.text.lower()
        assert state.stat().st_size == 0


def test_a_corrupt_state_file_is_called_corrupt(empty: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    state = empty.folder / "state.db"
    state.write_bytes(b"this is not sqlite at all " * 100)
    monkeypatch.setenv("KKSYNC_STATE", str(state))
    result = empty("check")
    assert result.code == ExitCode.STATE and "beskadiget" in result.text and "Tjek stien" not in result.text
    _assert_clean(result.text, result.err)


def test_a_damaged_stored_item_is_a_state_error(synced: Cli) -> None:
    import sqlite3

    with sqlite3.connect(synced.state) as conn:
        conn.execute("UPDATE items SET record_json = '{\"r\": {bad' WHERE list_key = 'initiatives' AND item_id = "
                     "(SELECT MIN(item_id) FROM items WHERE list_key = 'initiatives')")
    result = synced("check")
    assert result.code == ExitCode.STATE and "kksync sync --full" in result.text
    _assert_clean(result.text, result.err)


def test_check_refuses_stale_data(synced: Cli) -> None:
    import sqlite3

    with sqlite3.connect(synced.state) as conn:
        for (body,) in conn.execute("SELECT body FROM runs").fetchall():
            old = body.replace('"finished_at":"20', '"finished_at":"19', 1)
            conn.execute("UPDATE runs SET body = ? WHERE body = ?", (old, body))
    result = synced("check")
    assert result.code == ExitCode.STATE and "sidst synkroniseret" in result.text and "kksync sync" in result.text
    assert synced("check", "--max-age", "0").code in (0, 1)


# --- SharePoint -----------------------------------------------------------------------------------

def test_an_unreachable_site_is_one_message_with_the_retries_shown(empty: Cli) -> None:
    result = empty("sync")
    assert result.code == ExitCode.SHAREPOINT, result
    assert "forsøg 2 af 2" in result.text and "venter" in result.text
    _assert_clean(result.text, result.err)
    assert len(result.err.splitlines()) < 20  # not the library's listener tracebacks


def test_debug_shows_the_traceback(empty: Cli) -> None:
    result = empty("--debug", "sync")
    assert result.code == ExitCode.SHAREPOINT and "Traceback" in result.err


def test_sync_before_provision_says_run_provision(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from testkit.emulator import in_process_emulator, serving
    from tests.cli.conftest import _clean_env

    _clean_env(monkeypatch, tmp_path)
    with in_process_emulator(tmp_path / "sp.db") as sp, serving(sp):
        monkeypatch.setenv("KKSYNC_SITE_URL", sp.url)
        monkeypatch.setenv("KKSYNC_STATE", str(tmp_path / "state.db"))
        cli = Cli(tmp_path, tmp_path / "state.db")
        result = cli("sync")
        assert result.code == ExitCode.SHAREPOINT and "kksync provision" in result.text
        assert "does not exist" not in result.text
        runs = cli("runs")
        assert "fejlede" in runs.text  # the failed run is in the history


# --- data from departments ------------------------------------------------------------------------

def test_markup_and_control_characters_typed_by_a_department_are_printed_as_text(synced: Cli) -> None:
    from kksync.core.schema import list_schema

    schema = list_schema("initiatives")
    title = next(c for c in schema.columns if c.attr == "title")
    sp = synced.sp
    items = sp.items(schema.title)  # type: ignore[attr-defined]
    sp.edit_item(schema.title, items[0]["ID"], {title.name: "[/] [bold]Fed[/bold] :warning: \x1b[2J" + "x" * 200})  # type: ignore[attr-defined]
    assert synced("sync").code in (0, 5)
    result = synced("check")
    assert result.code in (0, 1), result
    _assert_clean(result.text, "Fejl:" + result.err)
    assert "\x1b[2J" not in result.out

