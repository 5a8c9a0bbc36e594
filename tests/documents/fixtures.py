"""Small, deterministic portfolios and check reports for the document tests and the benchmark."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from kksync.checks.findings import CheckReport, ComputedLight, Finding, PlanVerdict, Requirement, Severity
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
    Light,
    Milestone,
    Person,
    Phase,
    Plan,
    PlanKind,
    Portfolio,
    StatusEntry,
)

JOINT = "F2011-2012"
LOCAL = "L-BUF-2011"
TRANSITION = "O2009-2010"
STATUS_DATE = date(2012, 11, 27)
ADMINS = list(Administration)
LIGHTS = [Light.GROEN, Light.GROEN, Light.GUL, Light.ROED, None]
PHASES = list(Phase)


def make_portfolio(n: int = 12, *, comment: str | None = None, title_prefix: str = "") -> Portfolio:
    focus = [
        FocusArea(id=k + 1, key=f"IO{k + 1}", title=t)
        for k, t in enumerate(["Digital borgerservice", "Effektiv administration", "Fælles infrastruktur", "Informationssikkerhed"])
    ]
    plans = [
        Plan(id=1, key=JOINT, title="Fælles handlingsplan 2011–2012", kind=PlanKind.FAELLES,
             period_start=date(2011, 1, 1), period_end=date(2012, 12, 31), decision_date=date(2011, 3, 1)),
        Plan(id=2, key=LOCAL, title="Lokal handlingsplan BUF 2011", kind=PlanKind.LOKAL, administration=Administration.BUF,
             period_start=date(2011, 1, 1), period_end=date(2011, 12, 31)),
        Plan(id=3, key=TRANSITION, title="Overgangshandlingsplan 2009–2010", kind=PlanKind.OVERGANG,
             period_start=date(2009, 7, 1), period_end=date(2010, 12, 31)),
    ]
    initiatives: list[Initiative] = []
    funding: list[FundingLine] = []
    figures: list[BusinessCaseFigure] = []
    milestones: list[Milestone] = []
    statuses: list[StatusEntry] = []
    for k in range(n):
        iid = 100 + k
        admin = ADMINS[k % len(ADMINS)]
        owner = Person(id=10 + k % 9, name=f"Projektejer {k % 9}", email=f"ejer{k % 9}@kk.dk")
        initiatives.append(
            Initiative(
                id=iid, key=f"FI-{k + 1:03d}", title=f"{title_prefix}Initiativ nummer {k + 1}", plan_id=1,
                administration=admin, focus_area_ids=[focus[k % 4].id or 0] + ([focus[(k + 1) % 4].id or 0] if k % 3 == 0 else []),
                purpose="<p>Formålet er at <b>digitalisere</b> sagsbehandlingen.</p><ul><li>Hurtigere svar</li><li>Færre fejl</li></ul>",
                goals="Målene er målbare.", deliverables=None,
                phase=PHASES[k % 5], rank=(k + 1) if k % 11 != 10 else None, ranked_by=owner, ranked_on=date(2011, 2, 1),
                project_owner=owner if k % 7 != 6 else None, project_manager=owner,
                business_case=BusinessCase(npv=Decimal(1_250_000 + 10_000 * k), discount_rate=Decimal("4"),
                                           payback_years=Decimal("3.5"), irr=Decimal("12.5"), approved=k % 4 != 3),
                delivery=Delivery(deliverer="Koncern IT", start=date(2011, 2, 1), end=date(2012, 12, 1), agreed=True),
            )
        )
        for year in (2011, 2012):
            funding.append(FundingLine(id=1000 + 4 * k + year - 2011, initiative_id=iid, source=list(FundingSource)[k % 4],
                                       category=BudgetCategory.ANLAEG if k % 2 else BudgetCategory.SERVICE, year=year,
                                       amount=Decimal(500_000 + 25_000 * k), status=AgreementStatus.AFTALT))
            figures.append(BusinessCaseFigure(id=3000 + 2 * k + year - 2011, initiative_id=iid, kind=FigureKind.INVESTERING,
                                              year=year, amount=Decimal(400_000)))
            light = LIGHTS[(k + year) % 5]
            statuses.append(
                StatusEntry(
                    id=5000 + 2 * k + year - 2011, initiative_id=iid, year=year, status_date=date(year, 11, 1),
                    phase=PHASES[k % 5], reported_light=light, baseline_cost=Decimal(1_000_000 + 50_000 * k),
                    forecast_cost=Decimal(1_050_000 + 60_000 * k), spent=Decimal(400_000 + 20_000 * k),
                    baseline_end=date(2012, 12, 1), forecast_end=date(2013, 2, 1), progress=(10 * k) % 101,
                    comment=comment if comment is not None else "<p>Projektet skrider frem.</p><script>alert(1)</script>",
                )
            )
        milestones.append(Milestone(id=7000 + 2 * k, initiative_id=iid, title="Kravspecifikation færdig", due=date(2011, 6, 1),
                                    completed_on=date(2011, 6, 20)))
        milestones.append(Milestone(id=7001 + 2 * k, initiative_id=iid, title="Idriftsættelse", due=date(2012, 10, 1)))
    initiatives.append(Initiative(id=90, key="LB-001", title="Lokal digital skole", plan_id=2, administration=Administration.BUF,
                                  contributes_to_ids=[100], rank=1))
    initiatives.append(Initiative(id=91, key="O-001", title="Konsolidering af servere", plan_id=3, administration=Administration.OKF))
    return Portfolio(focus_areas=focus, plans=plans, initiatives=initiatives, funding_lines=funding, figures=figures,
                     milestones=milestones, statuses=statuses)


def make_report(portfolio: Portfolio, *, ready: bool = False) -> CheckReport:
    findings: list[Finding] = []
    lights: dict[int, ComputedLight] = {}
    for i in portfolio.initiatives:
        if i.plan_id != 1 or i.id is None:
            continue
        if i.rank is None:
            findings.append(Finding(rule="rank.missing", requirement=Requirement.RANKING, severity=Severity.ERROR,
                                    message="«Prioritet» skal udfyldes.", plan_id=1, plan_key=JOINT, initiative_id=i.id,
                                    initiative_key=i.key, administration=i.administration.value if i.administration else None))
        if i.project_owner is None:
            findings.append(Finding(rule="owner.missing", requirement=Requirement.RESPONSIBILITY, severity=Severity.ERROR,
                                    message="«Projektejer» skal udfyldes.", plan_id=1, plan_key=JOINT, initiative_id=i.id,
                                    initiative_key=i.key, administration=i.administration.value if i.administration else None))
        lights[i.id] = ComputedLight(light=Light.GUL if i.id % 3 else Light.ROED,
                                     reason="Forventet forbrug 5,0 % over budget; 2 måneder forsinket.")
    findings.append(Finding(rule="plan.decision", requirement=Requirement.DATA, severity=Severity.WARNING,
                            message="Planen mangler dato for politisk behandling.", plan_id=1, plan_key=JOINT))
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    verdicts = {
        1: PlanVerdict(plan_id=1, plan_key=JOINT, applies=True, ready=ready or errors == 0, errors=0 if ready else errors,
                       warnings=1, reasons=() if ready else (f"{errors} initiativer mangler prioritet eller projektejer.",)),
        3: PlanVerdict(plan_id=3, plan_key=TRANSITION, applies=False, ready=False),
    }
    return CheckReport(findings=[] if ready else findings, verdicts=verdicts, lights=lights,
                       checked_at=datetime(2012, 11, 27, 9, 0, tzinfo=UTC))
