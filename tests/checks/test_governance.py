"""Governance configuration: the shipped default, replacement files and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from kksync.checks import DEFAULT_GOVERNANCE_FILE, RULES, Severity, load_governance
from kksync.core.model import PlanKind, PlanStage
from kksync.errors import ConfigError
from testkit.portfolios import check, make_bundle, make_plan, make_portfolio, rules_of

MINIMAL = """
[kinds."Fælles handlingsplan"]
gate = true
rules = ["RANK-*"]
[kinds."Fælles handlingsplan".stages]
"Klar til politisk behandling" = "fejl"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "governance.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_is_valid_and_shipped() -> None:
    gov = load_governance()
    assert DEFAULT_GOVERNANCE_FILE.name == "governance.toml" and DEFAULT_GOVERNANCE_FILE.parent.name == "kksync"
    assert gov.thresholds.portfolio_threshold_kr == 10_000_000
    assert gov.lights.red_overrun_pct == 10 and gov.lights.red_overrun_kr == 6_000_000
    assert gov.gate_applies(PlanKind.FAELLES) and not gov.gate_applies(PlanKind.OVERGANG)


def test_default_joint_plan_is_warned_as_draft_and_failed_at_the_gate() -> None:
    gov = load_governance()
    draft = gov.severities(PlanKind.FAELLES, PlanStage.UDKAST)
    gate = gov.severities(PlanKind.FAELLES, PlanStage.KLAR)
    five = [c for c in RULES if c.split("-")[0] in ("RANK", "BC", "RESP", "FUND", "DEL")]
    assert all(draft[c] is Severity.WARNING for c in five)
    capped = ("BC-PAYBACK-MISMATCH", "DEL-MILESTONE-OVERDUE", "FUND-PROPOSAL-INCOMPLETE")
    assert all(gate[c] is Severity.ERROR for c in five if c not in capped)
    # capped by max_severity: said, but not blocking political decision by itself
    assert all(gate[c] is Severity.WARNING for c in (*capped, "PLAN-DECISION-PASSED"))
    assert gov.severities(PlanKind.FAELLES, PlanStage.AFSLUTTET) == {}
    assert "TRANS-ORIGIN-MISSING" not in gate


def test_default_local_and_transition_rules() -> None:
    gov = load_governance()
    local = gov.severities(PlanKind.LOKAL, PlanStage.I_GANG)
    assert {"CONTRIB-MISSING", "CONTRIB-NOT-JOINT", "RESP-OWNER-MISSING"} <= set(local)
    # Not the five requirements; only the budget calendar's proposal deadline reaches a local initiative.
    assert not any(c.startswith(("BC-", "FUND-", "RANK-")) for c in local if not c.startswith("FUND-PROPOSAL-"))
    assert {"FUND-PROPOSAL-INCOMPLETE", "FUND-PROPOSAL-LATE"} <= set(local)
    transition = gov.severities(PlanKind.OVERGANG, PlanStage.I_GANG)
    assert {"TRANS-ORIGIN-MISSING", "TRANS-REFERENCE-MISSING"} <= set(transition)
    assert not any(c.startswith(("BC-", "RANK-")) for c in transition)


def test_replacement_file_changes_what_is_checked(tmp_path: Path) -> None:
    gov = load_governance(_write(tmp_path, MINIMAL))
    plan = make_plan()
    bundle = make_bundle(plan)
    bundle.initiative.rank = None
    bundle.initiative.business_case.summary = None
    assert rules_of(check(make_portfolio([plan], [bundle]), gov)) == ["RANK-MISSING"]
    # At the draft stage nothing is configured in this file, so nothing is reported.
    draft = plan.model_copy(update={"stage": PlanStage.UDKAST})
    assert rules_of(check(make_portfolio([draft], [bundle]), gov)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MINIMAL.replace('"RANK-*"', '"RANK-NOPE"'), ["kinds.Fælles handlingsplan.rules", "ukendt regelkode 'RANK-NOPE'"]),
        (MINIMAL.replace('"RANK-*"', '"NOPE-*"'), ["ukendt regelkode 'NOPE-*'"]),
        (MINIMAL.replace("Fælles handlingsplan", "Fælles plan"), ["kinds.Fælles plan", "Fælles handlingsplan"]),
        (MINIMAL.replace('= "fejl"', '= "kritisk"'), ["kinds.Fælles handlingsplan.stages.Klar til politisk behandling", "'fejl'"]),
        (MINIMAL + "\n[thresholds]\nnpv_tolerance_kr = -1\n", ["thresholds.npv_tolerance_kr", "greater than or equal to 0"]),
        (MINIMAL + "\n[thresholds]\nportfolio_threshold = 5\n", ["thresholds.portfolio_threshold", "Extra inputs"]),
        (MINIMAL + '\n[thresholds]\nallowed_funding_sources = ["EU-midler"]\n', ["thresholds.allowed_funding_sources.0"]),
        (MINIMAL + "\n[lights]\nyellow_delay_months = 4\n", ["lights", "yellow_delay_months"]),
        (MINIMAL.replace('"Klar til politisk behandling" = "fejl"', '"Udkast" = "advarsel"'), ["gate = true kræver"]),
        (MINIMAL + '\n[kinds."Fælles handlingsplan".max_severity]\n"BC-XYZ" = "info"\n', ["max_severity", "BC-XYZ"]),
        ("this is = = not toml", ["ikke gyldig TOML"]),
    ],
)
def test_invalid_files_raise_config_error_naming_file_and_key(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_governance(path)
    message = str(caught.value)
    assert str(path) in message
    for part in expected:
        assert part in message


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="findes ikke"):
        load_governance(tmp_path / "nope.toml")
