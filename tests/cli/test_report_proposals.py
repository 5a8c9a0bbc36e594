"""``kksync report proposals``: the investment-catalogue proposals of a plan, written, linted and published."""

from __future__ import annotations

from kksync.documents.word.lint import lint_docx
from tests.cli.conftest import Cli

PLAN = "FHP-2013-2014"


def test_report_proposals_writes_and_publishes_a_lint_clean_document(synced: Cli) -> None:
    out = synced.folder / "out"
    result = synced("report", "proposals", "--plan", PLAN, "--out", str(out), "--publish")
    assert result.code == 0, result
    [written] = list(out.glob("Forslag-til-investeringskataloget_FHP-2013-2014_*.docx"))
    assert lint_docx(written.read_bytes()) == []
    assert "Forslag til investeringskataloget, budget 2013" in result.text
    assert "Øjebliksbillede brugt: FHP-2013-2014" in result.text
    again = synced("report", "proposals", "--plan", PLAN, "--out", str(out), "--publish")
    assert again.code == 0 and "uændret" in again.text  # the same snapshot is not published twice


def test_report_proposals_for_an_unknown_plan_is_a_usage_error(synced: Cli) -> None:
    result = synced("report", "proposals", "--plan", "F1999", "--out", str(synced.folder / "out"))
    assert result.code == 2 and "F1999" in result.text
