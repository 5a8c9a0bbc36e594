"""The JSON of every command is published as a versioned JSON Schema (``schemas/``), generated from the
pydantic models of ``kksync.cli_json``; outputs are held to those schemas, and their totals to the
findings they list."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from kksync.cli_json import DOCUMENTS, SCHEMA_VERSION, schema_text
from tests.cli.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
PLAN = "FHP-2013-2014"


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_committed_schema_is_the_generated_one(name: str) -> None:
    path = ROOT / "schemas" / f"{name}.v{SCHEMA_VERSION}.json"
    assert path.read_text(encoding="utf-8") == schema_text(name), (
        f"{path.name} differs from the models: run python -m kksync.cli_json schemas")
    jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def _valid(name: str, text: str) -> dict:  # type: ignore[type-arg]
    document = json.loads(text)
    schema = json.loads((ROOT / "schemas" / f"{name}.v{SCHEMA_VERSION}.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    assert document["schema"].endswith(f"/{name}.v{SCHEMA_VERSION}.json")
    assert document["schema_version"] == SCHEMA_VERSION and document["generated_at"]
    return document


def test_check_json_has_a_verdict_the_sync_time_and_totals_that_agree(synced: Cli) -> None:
    result = synced("check", "--format", "json")
    doc = _valid("check", result.out)
    from datetime import datetime

    assert datetime.fromisoformat(doc["last_sync"]["finished_at"]).tzinfo is not None  # a time with its zone
    assert (doc["verdict"] == "failed") == (result.code == 1)
    assert doc["verdict"] == ("failed" if any(p["fails_gate"] for p in doc["plans"]) else "passed")
    severities = Counter(f["severity"] for f in doc["findings"])
    assert doc["totals"] == {"findings": len(doc["findings"]), "errors": severities["fejl"],
                             "warnings": severities["advarsel"], "infos": severities["info"]}
    for plan in doc["plans"]:
        mine = [f for f in doc["findings"] if f["plan_key"] == plan["plan_key"]]
        assert plan["totals"]["findings"] == len(mine)
        assert plan["totals"]["errors"] == sum(1 for f in mine if f["severity"] == "fejl")
    one = _valid("check", synced("check", "--plan", PLAN, "--format", "json").out)
    assert [p["plan_key"] for p in one["plans"]] == [PLAN]
    assert {f["plan_key"] for f in one["findings"]} <= {PLAN}


def test_every_other_document_validates(synced: Cli) -> None:
    _valid("runs", synced("runs", "--format", "json").out)
    _valid("sync", synced("sync", "--format", "json").out)
    for day in ("2013-12-31", "2014-06-30"):
        assert synced("snapshot", "--plan", PLAN, "--date", day).code == 0
    snaps = _valid("snapshots", synced("snapshot", "list", "--plan", PLAN, "--format", "json").out)
    assert [s["status_date"] for s in snaps["snapshots"]] == ["2013-12-31", "2014-06-30"]
    diff = _valid("diff", synced("diff", "--plan", PLAN, "--from", "2013-12-31", "--to", "2014-06-30",
                                 "--format", "json").out)
    assert diff["empty"] is True
    doctor = synced("doctor", "--format", "json")
    doc = _valid("doctor", doctor.out)
    assert doc["reachable"] is True and len(doc["lists"]) == 8 and (doctor.code == 0) == (not doc["problems"])


def test_diff_prints_words_not_a_python_repr(synced: Cli) -> None:
    from kksync.core.schema import list_schema

    assert synced("snapshot", "--plan", PLAN, "--date", "2013-12-31").code == 0
    schema = list_schema("initiatives")
    rank = next(c for c in schema.columns if c.attr == "rank")
    plan_col = next(c for c in schema.columns if c.attr == "plan_id")
    items = [i for i in synced.sp.items(schema.title) if i.get(rank.name)]  # type: ignore[attr-defined]
    target = items[0]
    synced.sp.edit_item(schema.title, target["ID"], {rank.name: 99})  # type: ignore[attr-defined]
    assert synced("sync").code in (0, 1)
    assert synced("snapshot", "--plan", PLAN, "--date", "2014-06-30").code == 0
    result = synced("diff", "--plan", PLAN, "--from", "2013-12-31", "--to", "2014-06-30")
    assert result.code == 0
    assert "SnapshotDiff(" not in result.text and "InitiativeRef(" not in result.text
    assert plan_col  # the column exists; the diff names either the re-ranking or that nothing changed
    assert "Omprioriterede" in result.text or "ingen ændringer" in result.text


def test_seed_prints_a_sentence_not_a_repr(synced: Cli) -> None:
    result = synced("seed")
    assert result.code == 0 and "SeedResult(" not in result.text
