"""The engine's verdicts, completeness and the bot-owned values it feeds the sync."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kksync.checks import check_plan, initiative_bot_values, missing_text, plan_bot_values
from kksync.core.model import Administration, Completeness, GateStatus, Light, PlanKind, PlanStage, StatusEntry
from testkit.portfolios import NOW, TODAY, check, make_bundle, make_plan, make_portfolio


def test_verdict_counts_per_administration_and_requirement() -> None:
    plan = make_plan(stage=PlanStage.UDKAST)
    good = make_bundle(plan, 1, rank=1)
    bad = make_bundle(plan, 2, rank=2, administration=Administration.BUF)
    bad.initiative.business_case.summary = None
    bad.initiative.project_manager = None
    also_bad = make_bundle(plan, 3, rank=3, administration=Administration.BUF)
    also_bad.funding = []
    report = check(make_portfolio([plan], [good, bad, also_bad]))
    verdict = report.verdicts[1]
    assert verdict.applies and not verdict.ready
    assert (verdict.errors, verdict.warnings) == (3, 0)  # judged as at the gate
    assert verdict.by_administration == {"BUF": 2}
    assert verdict.by_requirement == {"Business case": 1, "Ansvarsplacering": 1, "Aftale om finansiering": 1}
    assert verdict.reasons[0] == "2 af 3 initiativer opfylder ikke kravene før politisk behandling."
    assert "Pr. forvaltning: BUF 2." in verdict.reasons
    # ... while the draft's own findings are only warnings to the departments.
    assert {f.severity.value for f in report.findings} == {"advarsel"}
    assert report.completeness == {1: Completeness.KOMPLET, 2: Completeness.MANGLER, 3: Completeness.MANGLER}


def test_bot_values_for_initiatives_and_plans() -> None:
    plan = make_plan()
    bundle = make_bundle(plan, 1)
    bundle.initiative.rank = None
    bundle.initiative.business_case.summary = None
    p = make_portfolio([plan], [bundle], statuses=[StatusEntry(
        id=1, initiative_id=1, year=2013, baseline_cost=Decimal(1_000_000), forecast_cost=Decimal(1_200_000),
        reported_light=Light.GROEN)])
    report = check(p)
    values = initiative_bot_values(report, p.initiatives[0])
    assert set(values) == {"completeness", "missing", "computed_light", "light_reason", "reported_light", "plan_stage"}
    assert values["reported_light"] is Light.GROEN  # beside the computed red: the department's own view
    assert values["plan_stage"] is plan.stage  # copied for the view «Til politisk behandling»
    assert values["completeness"] is Completeness.MANGLER
    assert values["computed_light"] is Light.ROED
    assert values["light_reason"] == "Forventet overskridelse 20 % (0,2 mio. kr.) – over grænsen på 10 %"
    missing = str(values["missing"]).split("\n")
    assert missing[0].startswith("• Indbyrdes prioritering: Initiativet har ingen prioritet.")
    assert missing[1].startswith("• Business case: Business casen mangler et ledelsesresumé.")
    plan_values = plan_bot_values(report, p.plans[0])
    assert plan_values["gate_status"] is GateStatus.IKKE_KLAR
    assert str(plan_values["gate_reasons"]).startswith("1 af 1 initiativ opfylder ikke")
    assert "checked_at" not in values and "gate_checked_at" not in plan_values


def test_bot_values_are_deterministic_whatever_the_record_order() -> None:
    plan = make_plan()
    bundles = [make_bundle(plan, n, rank=n) for n in range(1, 5)]
    for b in bundles:
        b.initiative.ranked_by = None
        b.milestones = []
        b.initiative.delivery.agreed = False
    forward = check(make_portfolio([plan], bundles))
    backward = check(make_portfolio([plan], list(reversed(bundles))))
    for b in bundles:
        assert initiative_bot_values(forward, b.initiative) == initiative_bot_values(backward, b.initiative)
    assert plan_bot_values(forward, plan) == plan_bot_values(backward, plan)


def test_missing_text_is_capped() -> None:
    plan = make_plan()
    bundle = make_bundle(plan, 1)
    ini = bundle.initiative
    ini.rank = ini.ranked_by = ini.ranked_on = ini.project_owner = ini.project_manager = None
    ini.administration = None
    ini.delivery.deliverer = None
    ini.delivery.agreed = False
    ini.focus_area_ids = []
    bundle.milestones, bundle.funding = [], []
    report = check(make_portfolio([plan], [bundle]))
    text = missing_text(report.for_initiative(1), max_items=5)
    assert text is not None
    lines = text.split("\n")
    assert len(lines) == 6 and lines[-1] == f"• … og {len(report.findings) - 5} mangler mere"
    assert missing_text([], 5) is None


def test_initiatives_without_requirements_are_not_required() -> None:
    done = make_plan(stage=PlanStage.AFSLUTTET)
    bundle = make_bundle(done, 1)
    bundle.initiative.rank = None
    report = check(make_portfolio([done], [bundle]))
    assert report.findings == []
    assert report.completeness[1] is Completeness.IKKE_KRAEVET
    assert initiative_bot_values(report, bundle.initiative)["missing"] is None


def test_plans_without_gate_are_not_relevant() -> None:
    local = make_plan(kind=PlanKind.LOKAL, administration=Administration.BUF)
    bundle = make_bundle(local, 1, rank=None)
    report = check(make_portfolio([local], [bundle]))
    assert plan_bot_values(report, local)["gate_status"] is GateStatus.IKKE_RELEVANT
    assert report.findings[0].rule == "CONTRIB-MISSING"


def test_empty_joint_plan_is_not_ready() -> None:
    plan = make_plan()
    verdict = check(make_portfolio([plan], [])).verdicts[1]
    assert not verdict.ready and verdict.reasons == ("Planen har ingen initiativer.",)


def test_check_plan_checks_only_that_plan() -> None:
    first, second = make_plan(1), make_plan(2, start_year=2015)
    a, b = make_bundle(first, 1), make_bundle(second, 2)
    a.initiative.rank = None
    b.initiative.rank = None
    report = check_plan(make_portfolio([first, second], [a, b]), 2, today=TODAY, now=NOW)
    assert {f.plan_id for f in report.findings} == {2}
    assert set(report.verdicts) == {2} and set(report.lights) == {2}
    with pytest.raises(KeyError):
        check_plan(make_portfolio([first], [a]), 9, today=TODAY, now=NOW)


def test_report_checked_at_and_lights_without_status() -> None:
    plan = make_plan()
    report = check(make_portfolio([plan], [make_bundle(plan, 1)]))
    assert report.checked_at == NOW
    assert report.lights[1].light is None
    assert initiative_bot_values(report, make_bundle(plan, 1).initiative)["light_reason"] == "Ingen status med baseline og prognose"


@pytest.mark.parametrize(
    ("count", "reason"),
    [
        (1, "Planens initiativ opfylder kravene før politisk behandling."),
        (3, "Alle 3 initiativer opfylder kravene før politisk behandling."),
    ],
)
def test_a_ready_plan_says_so(count: int, reason: str) -> None:
    plan = make_plan()
    verdict = check(make_portfolio([plan], [make_bundle(plan, n, rank=n) for n in range(1, count + 1)])).verdicts[1]
    assert verdict.ready and verdict.reasons == (reason,)


def test_warnings_at_the_gate_are_counted_in_the_verdict() -> None:
    plan = make_plan()
    bundles = [make_bundle(plan, n, rank=n) for n in range(1, 3)]
    for bundle in bundles:  # a wrong payback is only a warning, even at the gate (governance.toml)
        bundle.initiative.business_case.payback_years = Decimal(40)
    verdict = check(make_portfolio([plan], bundles)).verdicts[1]
    assert verdict.ready and verdict.warnings == 2
    assert verdict.reasons == ("Alle 2 initiativer opfylder kravene før politisk behandling.", "2 advarsler bør ses igennem.")
