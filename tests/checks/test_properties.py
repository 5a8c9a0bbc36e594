"""Properties: a generated complete initiative passes; removing any one required element yields
exactly the finding for that element."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kksync.checks import Severity
from kksync.checks.finance import cash_flows, payback_years
from kksync.core.model import AgreementStatus, FigureKind, PlanStage
from testkit.portfolios import Bundle, check, make_bundle, make_plan, make_portfolio

STAGES = st.sampled_from([PlanStage.UDKAST, PlanStage.KLAR, PlanStage.VEDTAGET, PlanStage.I_GANG])
AMOUNT = st.integers(10_000, 50_000_000).map(Decimal)


@st.composite
def joint_bundles(draw: st.DrawFn) -> tuple[object, list[Bundle]]:
    plan = make_plan(1, start_year=draw(st.integers(2011, 2030)), stage=draw(STAGES))
    count = draw(st.integers(1, 3))
    ranks = draw(st.permutations(list(range(1, count + 1))))
    bundles = []
    for n in range(count):
        investment = draw(AMOUNT)
        drift = draw(AMOUNT)
        bundle = make_bundle(
            plan, n + 1, rank=ranks[n], investment=investment, drift=drift,
            saving=draw(st.integers(0, int(drift)).map(Decimal)), benefit=draw(AMOUNT),
            rate=draw(st.decimals(min_value=0, max_value=12, places=2)),
        )
        flows = cash_flows(bundle.figures)
        assume(flows is not None and payback_years(flows) is not None)
        bundles.append(bundle)
    return plan, bundles


def _drop(kind: FigureKind) -> Callable[[Bundle], None]:
    def mutate(b: Bundle) -> None:
        b.figures = [f for f in b.figures if f.kind is not kind]
    return mutate


def _attr(path: str, value: object) -> Callable[[Bundle], None]:
    def mutate(b: Bundle) -> None:
        target: object = b.initiative
        *parents, last = path.split(".")
        for part in parents:
            target = getattr(target, part)
        setattr(target, last, value)
    return mutate


def _funding(**update: object) -> Callable[[Bundle], None]:
    def mutate(b: Bundle) -> None:
        b.funding = [line.model_copy(update=update) for line in b.funding]
    return mutate


def _clear(name: str) -> Callable[[Bundle], None]:
    def mutate(b: Bundle) -> None:
        setattr(b, name, [])
    return mutate


REQUIRED: dict[str, tuple[Callable[[Bundle], None], str]] = {
    "rank": (_attr("rank", None), "RANK-MISSING"),
    "ranked_by": (_attr("ranked_by", None), "RANK-BY-MISSING"),
    "ranked_on": (_attr("ranked_on", None), "RANK-DATE-MISSING"),
    "summary": (_attr("business_case.summary", None), "BC-SUMMARY-MISSING"),
    "scenario_0": (_attr("business_case.scenario_0", None), "BC-SCENARIO-MISSING"),
    "scenario_1": (_attr("business_case.scenario_1", None), "BC-SCENARIO-MISSING"),
    "approved": (_attr("business_case.approved", False), "BC-NOT-APPROVED"),
    "approved_by": (_attr("business_case.approved_by", None), "BC-APPROVER-MISSING"),
    "approved_on": (_attr("business_case.approved_on", None), "BC-APPROVAL-DATE-MISSING"),
    "investment": (_drop(FigureKind.INVESTERING), "BC-INVESTMENT-MISSING"),
    "drift_0": (_drop(FigureKind.DRIFT_0), "BC-OPERATING-MISSING"),
    "drift_1": (_drop(FigureKind.DRIFT_1), "BC-OPERATING-MISSING"),
    "benefits": (_drop(FigureKind.GEVINST), "BC-BENEFITS-MISSING"),
    "discount_rate": (_attr("business_case.discount_rate", None), "BC-DISCOUNT-RATE-MISSING"),
    "npv": (_attr("business_case.npv", None), "BC-NPV-MISSING"),
    "payback": (_attr("business_case.payback_years", None), "BC-PAYBACK-MISSING"),
    "administration": (_attr("administration", None), "RESP-ADMIN-MISSING"),
    "project_owner": (_attr("project_owner", None), "RESP-OWNER-MISSING"),
    "project_manager": (_attr("project_manager", None), "RESP-MANAGER-MISSING"),
    "funding": (_clear("funding"), "FUND-MISSING"),
    "funding_agreed": (_funding(status=AgreementStatus.FORHANDLES), "FUND-NOT-AGREED"),
    "funding_date": (_funding(agreed_on=None), "FUND-DATE-MISSING"),
    "deliverer": (_attr("delivery.deliverer", None), "DEL-DELIVERER-MISSING"),
    "start": (_attr("delivery.start", None), "DEL-DATES-MISSING"),
    "end": (_attr("delivery.end", None), "DEL-DATES-MISSING"),
    "milestones": (_clear("milestones"), "DEL-MILESTONES-MISSING"),
    "delivery_agreed": (_attr("delivery.agreed", False), "DEL-NOT-AGREED"),
    "focus_areas": (_attr("focus_area_ids", []), "STRAT-FOCUS-MISSING"),
}


@settings(max_examples=60, deadline=None)
@given(joint_bundles())
def test_complete_initiatives_yield_no_findings(case: tuple[object, list[Bundle]]) -> None:
    plan, bundles = case
    report = check(make_portfolio([plan], bundles))  # type: ignore[list-item]
    assert report.findings == []
    assert report.verdicts[1].ready


@settings(max_examples=150, deadline=None)
@given(joint_bundles(), st.sampled_from(sorted(REQUIRED)), st.data())
def test_removing_one_element_yields_exactly_its_finding(case: tuple[object, list[Bundle]], element: str, data: st.DataObject) -> None:
    plan, bundles = case
    victim = data.draw(st.sampled_from(bundles))
    mutate, code = REQUIRED[element]
    mutate(victim)
    report = check(make_portfolio([plan], bundles))  # type: ignore[list-item]
    assert [(f.rule, f.initiative_id) for f in report.findings] == [(code, victim.initiative.id)]
    (finding,) = report.findings
    expected = Severity.WARNING if plan.stage in (PlanStage.UDKAST, PlanStage.I_GANG) else Severity.ERROR  # type: ignore[attr-defined]
    assert finding.severity is expected
    assert not report.verdicts[1].ready  # judged at the gate whatever the stage
