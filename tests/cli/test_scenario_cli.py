"""``kksync scenario`` on the seeded site: frames from the command line or the governance file, table and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import jsonschema
import pytest

from kksync.checks.governance import DEFAULT_GOVERNANCE_FILE
from kksync.cli_errors import ExitCode
from kksync.cli_scenario import parse_frames
from tests.cli.conftest import TRACEBACK_MARKS, Cli

ROOT = Path(__file__).resolve().parents[2]
PLAN = "FHP-2013-2014"
FRAMES = ("--frame", "2013=40000000", "--frame", "2014=35.000.000")


def _schema() -> dict:  # type: ignore[type-arg]
    return json.loads((ROOT / "schemas" / "scenario.v1.json").read_text(encoding="utf-8"))


def test_json_holds_to_its_schema_and_its_totals_to_its_lists(synced: Cli) -> None:
    result = synced("scenario", "--plan", PLAN, *FRAMES, "--format", "json")
    assert result.code == ExitCode.OK, result
    doc = json.loads(result.out)
    jsonschema.validate(doc, _schema(), format_checker=jsonschema.FormatChecker())
    assert doc["frames_from"] == "cli" and doc["plan_key"] == PLAN
    frames = {y["year"]: y["frame"] for y in doc["years"]}
    assert frames[2013] == 40_000_000 and frames[2014] == 35_000_000
    by_key = {i["initiative_key"]: i for i in doc["initiatives"]}
    for method, used in (("by_rank", "used_by_rank"), ("optimum", "used_by_optimum")):
        chosen = doc[method]["chosen"]
        assert sorted(chosen + doc[method]["displaced"]) == sorted(by_key)
        for year in doc["years"]:
            spent = sum(by_key[k]["asks"].get(str(year["year"]), 0) for k in chosen)
            assert spent == pytest.approx(year[used])
            if year["frame"] is not None:
                assert spent <= year["frame"]
        assert doc[method]["npv"] == pytest.approx(sum(by_key[k]["npv"] or 0 for k in chosen))
    assert doc["ranking_cost"] == pytest.approx(doc["optimum"]["npv"] - doc["by_rank"]["npv"]) and doc["ranking_cost"] >= 0
    for item in doc["initiatives"]:
        if item["by_rank"] == "displaced":
            assert item["by_rank_overruns"] and all(o["over"] > 0 for o in item["by_rank_overruns"])
        if item["optimum"] == "chosen":
            assert item["npv"] is not None and item["npv"] > 0
    assert doc["summary"] and all(n["message"] for n in doc["notes"])


@pytest.mark.parametrize("width", [200, 80])
def test_the_table_shows_both_methods_and_the_cost(synced: Cli, monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    from kksync import cli_output

    monkeypatch.setattr(cli_output.out, "_width", width)  # the console is made once per process
    result = synced("scenario", "--plan", PLAN, *FRAMES)
    assert result.code == ExitCode.OK, result
    text = result.text
    assert "Ramme og forbrug pr. år – FHP-2013-2014" in text and "Initiativerne – FHP-2013-2014" in text
    assert "At følge prioriteringen koster" in text and "Rammer fra kommandolinjen (--frame)." in text
    assert not any(mark in text for mark in TRACEBACK_MARKS)
    rows = [line for line in result.out.splitlines() if line.startswith("│ F13-")]
    assert rows and all(len(line) <= width for line in result.out.splitlines())
    if width == 200:
        assert "Bedste sæt" in text and "Efter prioritering" in text
        assert any("Fælles it-arkitektur" in line for line in rows)  # key and title
    else:
        assert all(line.split("│")[1].strip().startswith("F13-") for line in rows)


@pytest.mark.parametrize("bad", ["2013=-5", "13=5", "2013=4,5", "2013", "2013=1.00", "abc=1", "2013=1e9", "1999=5"])
def test_a_frame_that_cannot_be_read_is_a_usage_error(synced: Cli, bad: str) -> None:
    result = synced("scenario", "--plan", PLAN, "--frame", bad)
    assert result.code == ExitCode.USAGE, result
    assert "forstås ikke" in result.text and "--frame 2013=40000000" in result.text


def test_the_same_year_twice_and_no_frame_at_all(synced: Cli) -> None:
    twice = synced("scenario", "--plan", PLAN, "--frame", "2013=1", "--frame", "2013=2")
    assert twice.code == ExitCode.USAGE and "to rammer" in twice.text
    none = synced("scenario", "--plan", PLAN)
    assert none.code == ExitCode.USAGE and "ingen investeringsramme" in none.text and "[scenarios.frames]" in none.text
    unknown = synced("scenario", "--plan", "NOPE", *FRAMES)
    assert unknown.code == ExitCode.USAGE and "NOPE" in unknown.text


def test_parse_frames_takes_whole_kroner_with_or_without_thousands_dots() -> None:
    assert parse_frames(["2014=0", "2013=40.000.000"]) == {2013: 40_000_000, 2014: 0}


def test_governance_frames_reach_the_command_and_the_readiness_document(synced: Cli, tmp_path: Path) -> None:
    governance = tmp_path / "governance.toml"
    governance.write_text(DEFAULT_GOVERNANCE_FILE.read_text(encoding="utf-8")
                          + f'\n[scenarios.plans."{PLAN}".frames]\n2013 = 30000000\n2014 = 0\n', encoding="utf-8")
    env = {"KKSYNC_GOVERNANCE_FILE": str(governance)}
    result = synced("scenario", "--plan", PLAN, "--format", "json", env=env)
    assert result.code == ExitCode.OK, result
    doc = json.loads(result.out)
    assert doc["frames_from"] == "governance"
    assert {y["year"]: y["frame"] for y in doc["years"] if y["frame"] is not None} == {2013: 30_000_000, 2014: 0}
    report = synced("report", "readiness", "--plan", PLAN, "--out", str(tmp_path / "out"), env=env)
    assert report.code == ExitCode.OK, report
    [path] = list((tmp_path / "out").glob("*.docx"))
    headings = [p.text for p in docx.Document(str(path)).paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert any("Budgetrammer" in h for h in headings)


def test_without_a_proven_optimum_the_ranking_still_shows_and_the_exit_is_partial(
        synced: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from kksync.checks import optimum

    def times_out(*args: object, **kwargs: object) -> None:
        raise optimum.OptimumNotFound("Optimeringen fandt ikke bevist det bedste sæt (HiGHS: Time limit reached).")

    monkeypatch.setattr(optimum, "solve_optimum", times_out)
    result = synced("scenario", "--plan", PLAN, *FRAMES, "--format", "json")
    assert result.code == ExitCode.PARTIAL, result
    doc = json.loads(result.out)
    jsonschema.validate(doc, _schema())
    assert doc["optimum"] is None and doc["ranking_cost"] is None and "Time limit" in doc["problem"]
    assert doc["by_rank"]["chosen"] and all(i["optimum"] is None for i in doc["initiatives"])
    table = synced("scenario", "--plan", PLAN, *FRAMES)
    assert table.code == ExitCode.PARTIAL and "fandt ikke bevist" in table.text and "koster" not in table.text
