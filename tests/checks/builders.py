"""Small builders for check tests: one complete initiative in a joint plan, ready to break."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from kksync.checks import CheckReport, Governance, check_portfolio
from kksync.checks.finance import cash_flows, npv, payback_years
from kksync.core.model import (
    Administration,
    AgreementStatus,
    BudgetCategory,
    BusinessCase,
    BusinessCaseFigure,
    Delivery,
    FigureKind,
    FocusArea,
    FundingLine,
    FundingSource,
    Initiative,
    Milestone,
    Person,
    Plan,
    PlanKind,
    PlanStage,
    Portfolio,
)

TODAY = date(2013, 6, 1)
NOW = datetime(2013, 6, 1, 12, tzinfo=UTC)
OWNER = Person(id=2, name="Mette Kjær", email="mette.kjaer@kk.dk")
MANAGER = Person(id=3, name="Jens Holm", email="jens.holm@kk.dk")
CHAIR = Person(id=1, name="Lars Nørgaard", email="lars.noergaard@kk.dk")


def joint_plan(plan_id: int = 1, *, start_year: int = 2013, stage: PlanStage = PlanStage.KLAR,
               kind: PlanKind = PlanKind.FAELLES, administration: Administration | None = None) -> Plan:
    return Plan(id=plan_id, key=f"P-{plan_id}", title=f"Plan {plan_id}", kind=kind, stage=stage,
                period_start=date(start_year, 1, 1), period_end=date(start_year + 1, 12, 31),
                administration=administration, decision_date=date(start_year - 1, 10, 4))


@dataclass
class Bundle:
    """An initiative and its child records."""

    initiative: Initiative
    figures: list[BusinessCaseFigure] = field(default_factory=list)
    funding: list[FundingLine] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)


def figures_for(iid: int, first_year: int, investment: Decimal, drift: Decimal, saving: Decimal,
                benefit: Decimal, years: int = 5) -> list[BusinessCaseFigure]:
    rows = [
        BusinessCaseFigure(initiative_id=iid, kind=FigureKind.INVESTERING, year=first_year, amount=investment),
    ]
    for offset in range(years):
        year = first_year + offset
        rows.append(BusinessCaseFigure(initiative_id=iid, kind=FigureKind.DRIFT_0, year=year, amount=drift))
        rows.append(BusinessCaseFigure(initiative_id=iid, kind=FigureKind.DRIFT_1, year=year, amount=max(drift - saving, Decimal(0))))
        rows.append(BusinessCaseFigure(initiative_id=iid, kind=FigureKind.GEVINST, year=year, amount=benefit if offset else Decimal(0)))
    return rows


def complete(plan: Plan, iid: int = 1, *, rank: int | None = 1, investment: Decimal = Decimal(2_000_000),
             drift: Decimal = Decimal(500_000), saving: Decimal = Decimal(100_000), benefit: Decimal = Decimal(900_000),
             rate: Decimal = Decimal("4.0"), administration: Administration = Administration.OKF) -> Bundle:
    """A complete joint initiative: its stated key figures are recomputed from its yearly figures."""
    assert plan.period_start is not None and plan.period_end is not None and plan.id is not None
    first = plan.period_start.year
    figures = figures_for(iid, first, investment, drift, saving, benefit)
    flows = cash_flows(figures)
    assert flows is not None
    payback = payback_years(flows)
    ini = Initiative(
        id=iid, key=f"I-{iid}", title=f"Initiativ {iid}", plan_id=plan.id, administration=administration,
        focus_area_ids=[1], rank=rank, ranked_by=CHAIR, ranked_on=date(first - 1, 9, 12),
        project_owner=OWNER, project_manager=MANAGER,
        business_case=BusinessCase(
            summary="Resumé", scenario_0="I dag", scenario_1="Med projektet", discount_rate=rate,
            npv=Decimal(npv(flows, float(rate))).quantize(Decimal("0.01")),
            payback_years=Decimal(payback) if payback is not None else None,
            approved=True, approved_by=OWNER, approved_on=date(first - 1, 8, 20),
        ),
        delivery=Delivery(deliverer="Koncernservice", start=plan.period_start, end=plan.period_end, agreed=True),
    )
    funding = [FundingLine(initiative_id=iid, source=FundingSource.EGEN_RAMME, category=BudgetCategory.ANLAEG,
                           year=first, amount=investment, status=AgreementStatus.AFTALT, agreed_on=date(first - 1, 9, 30))]
    milestones = [Milestone(initiative_id=iid, title="I drift", due=plan.period_end)]
    return Bundle(ini, figures, funding, milestones)


def portfolio(plans: list[Plan], bundles: list[Bundle], **extra: object) -> Portfolio:
    """A portfolio with child ids 1..n per list, as SharePoint would hand them out."""
    figures = [f.model_copy(update={"id": n}) for n, f in enumerate((f for b in bundles for f in b.figures), 1)]
    funding = [f.model_copy(update={"id": n}) for n, f in enumerate((f for b in bundles for f in b.funding), 1)]
    milestones = [f.model_copy(update={"id": n}) for n, f in enumerate((f for b in bundles for f in b.milestones), 1)]
    return Portfolio(
        focus_areas=[FocusArea(id=1, key="INFRA", title="Fælles it-infrastruktur")],
        plans=plans, initiatives=[b.initiative for b in bundles], figures=figures, funding_lines=funding,
        milestones=milestones, **extra,
    )


def run(p: Portfolio, governance: Governance | None = None) -> CheckReport:
    return check_portfolio(p, governance=governance, today=TODAY, now=NOW)


def rules_of(report: CheckReport, initiative_id: int | None = None) -> list[str]:
    if initiative_id is None:
        return sorted(f.rule for f in report.findings)
    return sorted(f.rule for f in report.for_initiative(initiative_id))
