"""Every rule, table-driven: a complete scenario yields nothing, one defect yields its rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from kksync.checks import RULES, Governance, Severity, load_governance
from kksync.checks.budget_calendar import BudgetCalendar, BudgetYear
from kksync.checks.governance import Thresholds
from kksync.core.model import (
    Administration,
    AgreementStatus,
    BusinessCase,
    FieldProblem,
    FigureKind,
    FundingSource,
    Initiative,
    ItProject,
    PlanKind,
    PlanStage,
    TransitionOrigin,
)
from kksync.core.schema import list_schema
from testkit.portfolios import Bundle, check, make_bundle, make_plan, make_portfolio, rules_of

JOINT, LOCAL, TRANSITION = 1, 2, 3


@dataclass
class Scenario:
    """A joint plan with two initiatives, a local plan contributing to them and a transition plan."""

    plans: list = field(default_factory=list)  # type: ignore[type-arg]
    bundles: list[Bundle] = field(default_factory=list)
    projects: list[ItProject] = field(default_factory=list)
    problems: dict[str, list[FieldProblem]] = field(default_factory=dict)
    governance: Governance | None = None

    def ini(self, iid: int) -> Initiative:
        return next(b.initiative for b in self.bundles if b.initiative.id == iid)

    def bundle(self, iid: int) -> Bundle:
        return next(b for b in self.bundles if b.initiative.id == iid)

    def check(self) -> list[str]:
        p = make_portfolio(self.plans, self.bundles, it_projects=self.projects, problems=self.problems)
        return rules_of(check(p, self.governance))


def base() -> Scenario:
    joint = make_plan(JOINT)
    local = make_plan(LOCAL, kind=PlanKind.LOKAL, administration=Administration.BUF, stage=PlanStage.I_GANG)
    transition = make_plan(TRANSITION, kind=PlanKind.OVERGANG, start_year=2009, stage=PlanStage.I_GANG)
    one = make_bundle(joint, 1, rank=1)
    two = make_bundle(joint, 2, rank=2, administration=Administration.BUF)
    one.initiative.involved = [Administration.BUF]
    local_one = make_bundle(local, 11, rank=None, administration=Administration.BUF)
    local_one.initiative.contributes_to_ids = [1, 2]
    old = make_bundle(transition, 21, rank=None)
    old.initiative.transition_origin = TransitionOrigin.INVESTERINGSKATALOG_2010
    old.initiative.transition_reference = "IK10-07"
    projects = [
        ItProject(id=1, key="P-1", title="Stort projekt", total_cost=Decimal(12_000_000), initiative_id=1),
        ItProject(id=2, key="P-2", title="Lille projekt", total_cost=Decimal(9_999_999)),
    ]
    return Scenario([joint, local, transition], [one, two, local_one, old], projects)


def _problem(list_key: str, attr: str, code: str, value: str = "x") -> FieldProblem:
    col = next(c for c in list_schema(list_key).columns if c.attr == attr)
    return FieldProblem(column=col.name, attr=attr, code=code, message=f"«{col.title}» er forkert.", value=value)


def _set(iid: int, path: str, value: object) -> Callable[[Scenario], None]:
    def mutate(s: Scenario) -> None:
        target: object = s.ini(iid)
        *parents, last = path.split(".")
        for part in parents:
            target = getattr(target, part)
        setattr(target, last, value)
    return mutate


def _drop_kind(kind: FigureKind) -> Callable[[Scenario], None]:
    def mutate(s: Scenario) -> None:
        s.bundle(1).figures = [f for f in s.bundle(1).figures if f.kind is not kind]
    return mutate


def _all(*mutations: Callable[[Scenario], None]) -> Callable[[Scenario], None]:
    def mutate(s: Scenario) -> None:
        for m in mutations:
            m(s)
    return mutate


def _no_bc(s: Scenario) -> None:
    s.ini(1).business_case = BusinessCase()
    s.bundle(1).figures = []


def _funding(**update: object) -> Callable[[Scenario], None]:
    def mutate(s: Scenario) -> None:
        s.bundle(1).funding = [line.model_copy(update=update) for line in s.bundle(1).funding]
    return mutate


def _set_plan(plan_id: int, **update: object) -> Callable[[Scenario], None]:
    def mutate(s: Scenario) -> None:
        n = next(k for k, p in enumerate(s.plans) if p.id == plan_id)
        s.plans[n] = s.plans[n].model_copy(update=update)
    return mutate


def _transition_at_gate(s: Scenario) -> None:
    s.plans[2] = s.plans[2].model_copy(update={"stage": PlanStage.KLAR})


def _unknown_owner(s: Scenario) -> None:
    s.ini(1).project_owner = None
    s.problems["initiatives/1"] = [_problem("initiatives", "project_owner", "unknown_person", "87")]


def _renamed_stage(s: Scenario) -> None:
    """The plan's stage was renamed in SharePoint: the mapper read no stage and noted the unknown choice."""
    s.plans[0] = s.plans[0].model_copy(update={"stage": None})
    s.problems[f"plans/{s.plans[0].id}"] = [_problem("plans", "stage", "unknown_choice", "Klar til behandling")]


def _unlinked_project(s: Scenario) -> None:
    s.projects[0] = s.projects[0].model_copy(update={"initiative_id": None})


def _overdue_milestone(s: Scenario) -> None:
    from testkit.portfolios import make_milestone

    s.bundle(1).milestones.append(make_milestone(1, due=date(2013, 5, 31), title="Udbud afsluttet"))
    s.bundle(2).milestones.append(make_milestone(2, due=date(2013, 5, 1), title="Pilot", completed_on=date(2013, 5, 20)))


def _duplicate_key(s: Scenario) -> None:
    s.ini(2).key = s.ini(1).key.lower() + " "


def _orphan(s: Scenario) -> None:
    s.ini(21).plan_id = 99


def _restricted_sources(s: Scenario) -> None:
    default = load_governance()
    s.governance = default.model_copy(update={"thresholds": Thresholds(allowed_funding_sources=("Central pulje",))})


def _catalogue_money(year: int, *, deadline: date | None = None) -> Callable[[Scenario], None]:
    """Initiative 1 asks for investment-catalogue money in ``year`` (its proposal lacks benefit owner and risks);
    with ``deadline`` the governance's budget year ``year`` has that proposal deadline."""
    def mutate(s: Scenario) -> None:
        s.bundle(1).funding = [line.model_copy(update={"source": FundingSource.INVESTERINGSPULJE, "year": year})
                               for line in s.bundle(1).funding]
        if deadline is not None:
            default = load_governance()
            entry = BudgetYear(price_level=f"{year}-pl", proposal_deadline=deadline, budget_seminar=deadline,
                               budget_agreement=deadline, adoption=date(year - 1, 12, 1))
            calendar = BudgetCalendar(years={year: entry})
            s.governance = default.model_copy(update={"budget_calendar": calendar})
    return mutate


# code → (mutation, the rules expected afterwards)
CASES: dict[str, tuple[Callable[[Scenario], None], list[str]]] = {
    "RANK-MISSING": (_set(1, "rank", None), ["RANK-MISSING"]),
    "RANK-DUPLICATE": (_set(2, "rank", 1), ["RANK-DUPLICATE", "RANK-DUPLICATE"]),
    "RANK-GAP": (_set(2, "rank", 3), ["RANK-GAP"]),
    "RANK-BY-MISSING": (_set(1, "ranked_by", None), ["RANK-BY-MISSING"]),
    "RANK-DATE-MISSING": (_set(1, "ranked_on", None), ["RANK-DATE-MISSING"]),
    "BC-MISSING": (_no_bc, ["BC-MISSING"]),
    "BC-SUMMARY-MISSING": (_set(1, "business_case.summary", "  "), ["BC-SUMMARY-MISSING"]),
    "BC-SCENARIO-MISSING": (_set(1, "business_case.scenario_0", None), ["BC-SCENARIO-MISSING"]),
    "BC-NOT-APPROVED": (_set(1, "business_case.approved", False), ["BC-NOT-APPROVED"]),
    "BC-APPROVER-MISSING": (_set(1, "business_case.approved_by", None), ["BC-APPROVER-MISSING"]),
    "BC-APPROVAL-DATE-MISSING": (_set(1, "business_case.approved_on", None), ["BC-APPROVAL-DATE-MISSING"]),
    "BC-INVESTMENT-MISSING": (_drop_kind(FigureKind.INVESTERING), ["BC-INVESTMENT-MISSING"]),
    "BC-OPERATING-MISSING": (_drop_kind(FigureKind.DRIFT_1), ["BC-OPERATING-MISSING"]),
    "BC-BENEFITS-MISSING": (_drop_kind(FigureKind.GEVINST), ["BC-BENEFITS-MISSING"]),
    "BC-DISCOUNT-RATE-MISSING": (_set(1, "business_case.discount_rate", None), ["BC-DISCOUNT-RATE-MISSING"]),
    "BC-NPV-MISSING": (_set(1, "business_case.npv", None), ["BC-NPV-MISSING"]),
    "BC-NPV-MISMATCH": (_set(1, "business_case.npv", Decimal(5_000_000)), ["BC-NPV-MISMATCH"]),
    "BC-PAYBACK-MISSING": (_set(1, "business_case.payback_years", None), ["BC-PAYBACK-MISSING"]),
    "BC-PAYBACK-MISMATCH": (_set(1, "business_case.payback_years", Decimal(6)), ["BC-PAYBACK-MISMATCH"]),
    "RESP-ADMIN-MISSING": (_set(1, "administration", None), ["RESP-ADMIN-MISSING"]),
    "RESP-OWNER-MISSING": (_set(1, "project_owner", None), ["RESP-OWNER-MISSING"]),
    "RESP-OWNER-UNKNOWN": (_unknown_owner, ["RESP-OWNER-UNKNOWN"]),
    "RESP-MANAGER-MISSING": (_set(11, "project_manager", None), ["RESP-MANAGER-MISSING"]),
    "FUND-MISSING": (lambda s: setattr(s.bundle(1), "funding", []), ["FUND-MISSING"]),
    "FUND-SOURCE-INVALID": (_restricted_sources, ["FUND-SOURCE-INVALID", "FUND-SOURCE-INVALID"]),
    "FUND-TOTAL-MISMATCH": (_funding(amount=Decimal(1_000_000)), ["FUND-TOTAL-MISMATCH"]),
    "FUND-NOT-AGREED": (_funding(status=AgreementStatus.FORHANDLES, agreed_on=None), ["FUND-NOT-AGREED"]),
    "FUND-DATE-MISSING": (_funding(agreed_on=None), ["FUND-DATE-MISSING"]),
    "FUND-PROPOSAL-INCOMPLETE": (_catalogue_money(2014, deadline=date(2013, 6, 30)), ["FUND-PROPOSAL-INCOMPLETE"]),
    "FUND-PROPOSAL-LATE": (_catalogue_money(2014), ["FUND-PROPOSAL-LATE"]),
    "DEL-DELIVERER-MISSING": (_set(1, "delivery.deliverer", None), ["DEL-DELIVERER-MISSING"]),
    "DEL-DATES-MISSING": (_set(1, "delivery.start", None), ["DEL-DATES-MISSING"]),
    "DEL-DATES-INVALID": (_set(1, "delivery.start", date(2015, 1, 1)), ["DEL-DATES-INVALID"]),
    "DEL-OUTSIDE-PERIOD": (_set(1, "delivery.end", date(2015, 3, 31)), ["DEL-OUTSIDE-PERIOD"]),
    "DEL-MILESTONES-MISSING": (lambda s: setattr(s.bundle(1), "milestones", []), ["DEL-MILESTONES-MISSING"]),
    "DEL-NOT-AGREED": (_set(1, "delivery.agreed", False), ["DEL-NOT-AGREED"]),
    "DEL-MILESTONE-OVERDUE": (_overdue_milestone, ["DEL-MILESTONE-OVERDUE"]),
    "STRAT-FOCUS-MISSING": (_set(1, "focus_area_ids", []), ["STRAT-FOCUS-MISSING"]),
    "CONTRIB-MISSING": (_all(_set(11, "contributes_to_ids", []), _set(1, "involved", [])), ["CONTRIB-MISSING"]),
    "CONTRIB-NOT-JOINT": (_set(11, "contributes_to_ids", [1, 2, 21]), ["CONTRIB-NOT-JOINT"]),
    "CONTRIB-UNCOVERED": (_set(1, "involved", [Administration.BUF, Administration.SOF]), ["CONTRIB-UNCOVERED"]),
    "PORT-PROJECT-UNLINKED": (_unlinked_project, ["PORT-PROJECT-UNLINKED"]),
    "TRANS-ORIGIN-MISSING": (_set(21, "transition_origin", None), ["TRANS-ORIGIN-MISSING"]),
    "TRANS-REFERENCE-MISSING": (_set(21, "transition_reference", ""), ["TRANS-REFERENCE-MISSING"]),
    "TRANS-PLAN-AT-GATE": (_transition_at_gate, ["TRANS-PLAN-AT-GATE"]),
    "DATA-PROBLEM": (lambda s: s.problems.update({"funding_lines/1": [_problem("funding_lines", "amount", "not_a_number")]}),
                     ["DATA-PROBLEM"]),
    "DATA-PLAN-MISSING": (_orphan, ["DATA-PLAN-MISSING"]),
    "DATA-KEY-DUPLICATE": (_duplicate_key, ["DATA-KEY-DUPLICATE", "DATA-KEY-DUPLICATE"]),
    "DATA-CONTINUATION-MISSING": (_set(2, "continues_from_id", 99), ["DATA-CONTINUATION-MISSING"]),
    "DATA-CONTINUATION-PLAN": (_set(2, "continues_from_id", 1), ["DATA-CONTINUATION-PLAN"]),
    "DATA-CONTINUATION-CYCLE": (_all(_set(1, "continues_from_id", 21), _set(21, "continues_from_id", 1)),
                                ["DATA-CONTINUATION-CYCLE", "DATA-CONTINUATION-CYCLE"]),
    "DATA-CONTINUATION-DUPLICATE": (_all(_set(1, "continues_from_id", 21), _set(2, "continues_from_id", 21)),
                                    ["DATA-CONTINUATION-DUPLICATE", "DATA-CONTINUATION-DUPLICATE"]),
    "PLAN-DECISION-PASSED": (_set_plan(JOINT, decision_date=date(2013, 5, 31)), ["PLAN-DECISION-PASSED"]),
    "PLAN-STAGE-UNKNOWN": (_renamed_stage, ["PLAN-STAGE-UNKNOWN"]),
}


def test_a_renamed_stage_fails_the_gate_instead_of_switching_it_off() -> None:
    from kksync.checks.findings import Severity
    from kksync.services.checking import check_report

    s = base()
    _renamed_stage(s)
    p = make_portfolio(s.plans, s.bundles, it_projects=s.projects, problems=s.problems)
    report = check(p, s.governance)
    view = check_report(p, report, plan_key=s.plans[0].key)
    finding = next(f for f in view.findings if f.rule == "PLAN-STAGE-UNKNOWN")
    assert finding.severity is Severity.ERROR
    assert "«Klar til behandling»" in finding.message
    assert not report.verdicts[s.plans[0].id].ready
    assert view.failing_gate  # without the rule, a plan with no stage is not at the gate and passes


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(RULES)


def test_complete_scenario_has_no_findings() -> None:
    assert base().check() == []


@pytest.mark.parametrize("code", list(CASES))
def test_one_defect_yields_its_rule(code: str) -> None:
    scenario = base()
    mutate, expected = CASES[code]
    mutate(scenario)
    assert scenario.check() == sorted(expected)


def test_rank_gap_is_not_reported_when_ranks_are_only_incomplete() -> None:
    s = base()
    s.ini(1).rank = None
    s.ini(2).rank = 2  # 2 of 2 is within 1..n: filling in rank 1 fixes the plan
    assert s.check() == ["RANK-MISSING"]


def test_overlap_reason_allows_delivery_outside_period() -> None:
    s = base()
    s.ini(1).delivery.end = date(2015, 3, 31)
    s.ini(1).delivery.overlap_reason = "Udrulning til sidste forvaltning ligger i 2015."
    assert s.check() == []


def test_projects_below_threshold_need_no_initiative() -> None:
    s = base()
    s.projects[0] = s.projects[0].model_copy(update={"initiative_id": None, "total_cost": Decimal(9_999_999)})
    assert s.check() == []


def test_child_problem_lands_on_its_initiative_with_the_list_named() -> None:
    s = base()
    s.problems["funding_lines/1"] = [_problem("funding_lines", "amount", "not_a_number")]
    p = make_portfolio(s.plans, s.bundles, it_projects=s.projects, problems=s.problems)
    (finding,) = check(p).findings
    assert finding.initiative_id == 1
    assert finding.fields == ("KkAmount",)
    assert finding.message.startswith("Listen «Finansiering», element 1: ")


def test_unknown_owner_is_not_reported_twice() -> None:
    s = base()
    _unknown_owner(s)
    p = make_portfolio(s.plans, s.bundles, it_projects=s.projects, problems=s.problems)
    (finding,) = check(p).findings
    assert "87" in finding.message and finding.requirement.value == "Ansvarsplacering"


def test_npv_within_tolerance_is_accepted() -> None:
    s = base()
    stated = s.ini(1).business_case.npv
    assert stated is not None
    s.ini(1).business_case.npv = stated + Decimal(49_000)  # under 50.000 kr.
    assert s.check() == []
    s.ini(1).business_case.npv = stated + Decimal(51_000)
    assert s.check() == ["BC-NPV-MISMATCH"]


def test_payback_within_the_turning_year_is_accepted() -> None:
    s = base()
    payback = s.ini(1).business_case.payback_years
    assert payback is not None and payback >= 1
    s.ini(1).business_case.payback_years = payback - Decimal("0.5")
    assert s.check() == []
    s.ini(1).business_case.payback_years = payback - 1
    assert s.check() == ["BC-PAYBACK-MISMATCH"]


def test_findings_name_schema_columns_and_speak_danish() -> None:
    names = {c.name for key in ("initiatives", "funding_lines", "figures", "milestones", "plans", "it_projects")
             for c in list_schema(key).columns}
    for code, (mutate, _) in CASES.items():
        s = base()
        mutate(s)
        p = make_portfolio(s.plans, s.bundles, it_projects=s.projects, problems=s.problems)
        for finding in check(p, s.governance).findings:
            assert set(finding.fields) <= names, code
            assert finding.message and "{" not in finding.message, code
            assert finding.severity in (Severity.ERROR, Severity.WARNING)


def test_funding_lines_without_year_source_or_status_are_named_in_words() -> None:
    plan = make_plan()
    bundle = make_bundle(plan, 1)
    line = bundle.funding[0]
    bundle.funding[0] = line.model_copy(update={"year": None, "source": None, "status": None})
    bundle.initiative.delivery.start = None
    messages = {f.rule: f.message for f in check(make_portfolio([plan], [bundle])).findings}
    assert messages["FUND-SOURCE-INVALID"].startswith("Finansieringen for linjer uden år har ingen tilladt kilde (ingen kilde).")
    assert messages["FUND-NOT-AGREED"].startswith("Finansieringen for linjer uden år er ikke aftalt (ingen status).")
    assert messages["DEL-DATES-MISSING"].startswith("Gennemførelsesaftalen mangler startdato.")
