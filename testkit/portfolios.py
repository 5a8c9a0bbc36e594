"""Canonical-model records and portfolios for tests and benchmarks: one factory, small builders.

Builders take the record's subject positionally (its id, its initiative, its plan) and everything else
by keyword; any model field can be overridden by keyword. ``complete=True`` (the default) fills in what
the checks demand, ``complete=False`` only what is given::

    plan = make_plan(1, stage=PlanStage.UDKAST)
    good, bad = make_bundle(plan, 1), make_bundle(plan, 2, rank=None)
    report = check(make_portfolio([plan], [good, bad]))

- ``make_person``, ``make_plan``, ``make_business_case``, ``make_initiative``, ``make_figures``,
  ``make_funding``, ``make_milestone``, ``make_status``: one record (or a business case's figures);
- ``make_bundle``: a complete initiative with the child records its checks need (``Bundle``);
- ``make_portfolio``: plans and bundles (and further lists) with child ids 1..n, as SharePoint hands out;
- ``check``, ``rules_of``: run the checks on ``TODAY``/``NOW`` and list the rules that fired.

The portfolios several test folders share are in ``testkit.scenarios``; where the realistic sample is
what a test needs, it uses ``kksync.sample`` itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

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
    StatusEntry,
)

__all__ = [
    "CHAIR",
    "MANAGER",
    "NOW",
    "OWNER",
    "TODAY",
    "Bundle",
    "check",
    "make_bundle",
    "make_business_case",
    "make_figures",
    "make_funding",
    "make_initiative",
    "make_milestone",
    "make_person",
    "make_plan",
    "make_portfolio",
    "make_status",
    "rules_of",
]

TODAY = date(2013, 6, 1)
NOW = datetime(2013, 6, 1, 12, tzinfo=UTC)
CHAIR = Person(id=1, name="Lars Nørgaard", email="lars.noergaard@kk.dk")
"""Chairs it-chefforum and signs the ranking."""
OWNER = Person(id=2, name="Mette Kjær", email="mette.kjaer@kk.dk")
MANAGER = Person(id=3, name="Jens Holm", email="jens.holm@kk.dk")
INFRA = FocusArea(id=1, key="INFRA", title="Fælles it-infrastruktur")


def make_person(id: int, name: str | None = None, *, email: str | None = None) -> Person:
    return Person(id=id, name=name or f"Person {id}", email=email)


def make_plan(id: int = 1, *, start_year: int = 2013, kind: PlanKind | None = PlanKind.FAELLES,
              stage: PlanStage = PlanStage.KLAR, administration: Administration | None = None,
              **fields: Any) -> Plan:
    """A plan ready for its gate: two years from ``start_year``, up for decision the autumn before, and never
    before ``TODAY`` + 3 months (a plan at the gate whose decision date has passed is a finding)."""
    values: dict[str, Any] = {
        "key": f"P-{id}", "title": f"Plan {id}", "kind": kind, "stage": stage, "administration": administration,
        "period_start": date(start_year, 1, 1), "period_end": date(start_year + 1, 12, 31),
        "decision_date": max(date(start_year - 1, 10, 4), TODAY + timedelta(days=92)),
    }
    return Plan(id=id, **{**values, **fields})


def make_business_case(figures: Sequence[BusinessCaseFigure] = (), *, complete: bool = True,
                       rate: Decimal = Decimal("4.0"), first_year: int = 2013, **fields: Any) -> BusinessCase:
    """Complete: texts, approval, and the key figures computed from ``figures`` (so the checks agree)."""
    if not complete:
        return BusinessCase(**fields)
    values: dict[str, Any] = {
        "summary": "Resumé", "scenario_0": "I dag", "scenario_1": "Med projektet", "discount_rate": rate,
        "approved": True, "approved_by": OWNER, "approved_on": date(first_year - 1, 8, 20),
    }
    flows = cash_flows(list(figures)) if figures else None
    if flows is not None:
        payback = payback_years(flows)
        values["npv"] = Decimal(npv(flows, float(rate))).quantize(Decimal("0.01"))
        values["payback_years"] = Decimal(payback) if payback is not None else None
    return BusinessCase(**{**values, **fields})


def make_initiative(id: int, *, plan: Plan, complete: bool = True, rank: int | None = 1,
                    administration: Administration | None = Administration.OKF, **fields: Any) -> Initiative:
    """Complete: focus area, rank signed by ``CHAIR``, owner and manager, an agreed delivery in the plan's
    period (business case: pass ``business_case=make_business_case(...)``). Incomplete: key and title."""
    assert plan.id is not None
    values: dict[str, Any] = {"key": f"I-{id}", "title": f"Initiativ {id}", "plan_id": plan.id,
                              "administration": administration, "rank": rank}
    if complete:
        first = plan.period_start.year if plan.period_start else TODAY.year
        values.update(
            focus_area_ids=[1], ranked_by=CHAIR, ranked_on=date(first - 1, 9, 12), project_owner=OWNER,
            project_manager=MANAGER,
            delivery=Delivery(deliverer="Koncernservice", start=plan.period_start, end=plan.period_end, agreed=True),
        )
    return Initiative(id=id, **{**values, **fields})


def make_figures(initiative_id: int, *, first_year: int, investment: Decimal = Decimal(2_000_000),
                 drift: Decimal = Decimal(500_000), saving: Decimal = Decimal(100_000),
                 benefit: Decimal = Decimal(900_000), years: int = 5) -> list[BusinessCaseFigure]:
    """An investment in ``first_year``, then ``years`` of operating costs without and with the project and
    benefits from the second year."""
    rows = [BusinessCaseFigure(initiative_id=initiative_id, kind=FigureKind.INVESTERING, year=first_year,
                               amount=investment)]
    for offset in range(years):
        year = first_year + offset
        rows += [
            BusinessCaseFigure(initiative_id=initiative_id, kind=FigureKind.DRIFT_0, year=year, amount=drift),
            BusinessCaseFigure(initiative_id=initiative_id, kind=FigureKind.DRIFT_1, year=year,
                               amount=max(drift - saving, Decimal(0))),
            BusinessCaseFigure(initiative_id=initiative_id, kind=FigureKind.GEVINST, year=year,
                               amount=benefit if offset else Decimal(0)),
        ]
    return rows


def make_funding(initiative_id: int, *, year: int, amount: Decimal = Decimal(2_000_000), **fields: Any) -> FundingLine:
    """Agreed construction money from the administration's own budget, agreed the autumn before."""
    values: dict[str, Any] = {"source": FundingSource.EGEN_RAMME, "category": BudgetCategory.ANLAEG,
                              "status": AgreementStatus.AFTALT, "agreed_on": date(year - 1, 9, 30)}
    return FundingLine(initiative_id=initiative_id, year=year, amount=amount, **{**values, **fields})


def make_milestone(initiative_id: int, *, due: date | None, title: str = "I drift", **fields: Any) -> Milestone:
    return Milestone(initiative_id=initiative_id, title=title, due=due, **fields)


def make_status(initiative_id: int, *, year: int, **fields: Any) -> StatusEntry:
    """A yearly status; light, costs and dates only as given."""
    return StatusEntry(initiative_id=initiative_id, year=year, **fields)


@dataclass
class Bundle:
    """An initiative and its child records (mutable: tests break one thing at a time)."""

    initiative: Initiative
    figures: list[BusinessCaseFigure] = field(default_factory=list)
    funding: list[FundingLine] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)


def make_bundle(plan: Plan, id: int = 1, *, rank: int | None = 1, investment: Decimal = Decimal(2_000_000),
                drift: Decimal = Decimal(500_000), saving: Decimal = Decimal(100_000),
                benefit: Decimal = Decimal(900_000), rate: Decimal = Decimal("4.0"),
                administration: Administration = Administration.OKF) -> Bundle:
    """A complete initiative in ``plan``: figures for five years, its funding agreed, one milestone (reached
    on its day when that lies before ``TODAY``: a complete initiative has no overdue milestone)."""
    assert plan.period_start is not None and plan.period_end is not None
    first = plan.period_start.year
    figures = make_figures(id, first_year=first, investment=investment, drift=drift, saving=saving, benefit=benefit)
    case = make_business_case(figures, rate=rate, first_year=first)
    initiative = make_initiative(id, plan=plan, rank=rank, administration=administration, business_case=case)
    funding = [make_funding(id, year=first, amount=investment)]
    reached = plan.period_end if plan.period_end < TODAY else None
    return Bundle(initiative, figures, funding, [make_milestone(id, due=plan.period_end, completed_on=reached)])


def make_portfolio(plans: Sequence[Plan], bundles: Iterable[Bundle] = (), *,
                   focus_areas: Sequence[FocusArea] = (INFRA,), **lists: Any) -> Portfolio:
    """Plans and bundles, their child records numbered 1..n per list; ``lists`` adds or replaces lists."""
    bundles = list(bundles)

    def numbered(records: Iterable[Any]) -> list[Any]:
        return [r.model_copy(update={"id": n}) for n, r in enumerate(records, 1)]

    values: dict[str, Any] = {
        "focus_areas": list(focus_areas), "plans": list(plans), "initiatives": [b.initiative for b in bundles],
        "figures": numbered(f for b in bundles for f in b.figures),
        "funding_lines": numbered(f for b in bundles for f in b.funding),
        "milestones": numbered(m for b in bundles for m in b.milestones),
    }
    return Portfolio(**{**values, **lists})


def check(portfolio: Portfolio, governance: Governance | None = None) -> CheckReport:
    """The checks as of ``TODAY``/``NOW`` (with the shipped governance unless one is given)."""
    return check_portfolio(portfolio, governance=governance, today=TODAY, now=NOW)


def rules_of(report: CheckReport, initiative_id: int | None = None) -> list[str]:
    """The rules that fired (for one initiative), sorted."""
    found = report.findings if initiative_id is None else report.for_initiative(initiative_id)
    return sorted(f.rule for f in found)
