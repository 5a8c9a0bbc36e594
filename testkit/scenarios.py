"""The portfolios several test folders (and the document benchmark) share, built with ``testkit.portfolios``.

- ``documents_portfolio(n)``: a joint plan with ``n`` varied initiatives (HTML texts, every light, missing
  ranks and owners, two years of funding, figures and status), a local and a transition plan; with
  ``documents_report`` a matching check report. For the documents, the hostile corpus and the functions.
- ``small_portfolio(n)``: a joint plan with ``n`` initiatives, every third without a rank, and its two
  ``PEOPLE``: seeds an emulator site in a fraction of a second (sync, hostile, faults).
- ``people_of(portfolio)``: the users a portfolio names, for seeding a site with it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from kksync.checks.findings import CheckReport, ComputedLight, Finding, PlanVerdict, Requirement, Severity
from kksync.core.model import (
    Administration,
    BudgetCategory,
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
    PlanKind,
    PlanStage,
    Portfolio,
    StatusEntry,
)

from .portfolios import (
    make_business_case,
    make_funding,
    make_initiative,
    make_milestone,
    make_plan,
    make_portfolio,
    make_status,
)

__all__ = [
    "JOINT",
    "LOCAL",
    "PEOPLE",
    "STATUS_DATE",
    "TRANSITION",
    "documents_portfolio",
    "documents_report",
    "people_of",
    "small_portfolio",
]

JOINT = "F2011-2012"
LOCAL = "L-BUF-2011"
TRANSITION = "O2009-2010"
STATUS_DATE = date(2012, 11, 27)
_ADMINS = list(Administration)
_LIGHTS = [Light.GROEN, Light.GROEN, Light.GUL, Light.ROED, None]
_PHASES = list(Phase)
_FOCUS = ["Digital borgerservice", "Effektiv administration", "Fælles infrastruktur", "Informationssikkerhed"]
_PURPOSE = "<p>Formålet er at <b>digitalisere</b> sagsbehandlingen.</p><ul><li>Hurtigere svar</li><li>Færre fejl</li></ul>"


def documents_portfolio(n: int = 12, *, comment: str | None = None, title_prefix: str = "") -> Portfolio:
    """Initiative ids 100.., funding 1000.., figures 3000.., statuses 5000.., milestones 7000.. (stable:
    the hostile corpus names them); ``comment`` replaces the status comments (HTML with a script)."""
    focus = [FocusArea(id=k + 1, key=f"IO{k + 1}", title=t) for k, t in enumerate(_FOCUS)]
    joint = make_plan(1, key=JOINT, title="Fælles handlingsplan 2011–2012", start_year=2011, stage=PlanStage.UDKAST,
                      decision_date=date(2011, 3, 1))
    local = make_plan(2, key=LOCAL, title="Lokal handlingsplan BUF 2011", kind=PlanKind.LOKAL, start_year=2011,
                      stage=PlanStage.UDKAST, administration=Administration.BUF, period_end=date(2011, 12, 31),
                      decision_date=None)
    transition = make_plan(3, key=TRANSITION, title="Overgangshandlingsplan 2009–2010", kind=PlanKind.OVERGANG,
                           start_year=2009, stage=PlanStage.UDKAST, period_start=date(2009, 7, 1), decision_date=None)
    initiatives: list[Initiative] = []
    funding: list[FundingLine] = []
    figures: list[BusinessCaseFigure] = []
    milestones: list[Milestone] = []
    statuses: list[StatusEntry] = []
    for k in range(n):
        iid = 100 + k
        owner = Person(id=10 + k % 9, name=f"Projektejer {k % 9}", email=f"ejer{k % 9}@kk.dk")
        areas = [focus[k % 4].id or 0] + ([focus[(k + 1) % 4].id or 0] if k % 3 == 0 else [])
        initiatives.append(make_initiative(
            iid, plan=joint, complete=False, key=f"FI-{k + 1:03d}", title=f"{title_prefix}Initiativ nummer {k + 1}",
            administration=_ADMINS[k % len(_ADMINS)], focus_area_ids=areas, purpose=_PURPOSE,
            goals="Målene er målbare.", phase=_PHASES[k % 5], rank=(k + 1) if k % 11 != 10 else None,
            ranked_by=owner, ranked_on=date(2011, 2, 1), project_owner=owner if k % 7 != 6 else None,
            project_manager=owner,
            business_case=make_business_case(complete=False, npv=Decimal(1_250_000 + 10_000 * k),
                                             discount_rate=Decimal("4"), payback_years=Decimal("3.5"),
                                             irr=Decimal("12.5"), approved=k % 4 != 3),
            delivery=Delivery(deliverer="Koncern IT", start=date(2011, 2, 1), end=date(2012, 12, 1), agreed=True),
        ))
        for year in (2011, 2012):
            funding.append(make_funding(
                iid, year=year, id=1000 + 4 * k + year - 2011, amount=Decimal(500_000 + 25_000 * k),
                source=list(FundingSource)[k % 4], category=BudgetCategory.ANLAEG if k % 2 else BudgetCategory.SERVICE,
                agreed_on=None,
            ))
            figures.append(BusinessCaseFigure(id=3000 + 2 * k + year - 2011, initiative_id=iid,
                                              kind=FigureKind.INVESTERING, year=year, amount=Decimal(400_000)))
            statuses.append(make_status(
                iid, year=year, id=5000 + 2 * k + year - 2011, status_date=date(year, 11, 1), phase=_PHASES[k % 5],
                reported_light=_LIGHTS[(k + year) % 5], baseline_cost=Decimal(1_000_000 + 50_000 * k),
                forecast_cost=Decimal(1_050_000 + 60_000 * k), spent=Decimal(400_000 + 20_000 * k),
                baseline_end=date(2012, 12, 1), forecast_end=date(2013, 2, 1), progress=(10 * k) % 101,
                comment=comment if comment is not None else "<p>Projektet skrider frem.</p><script>alert(1)</script>",
            ))
        milestones.append(make_milestone(iid, id=7000 + 2 * k, title="Kravspecifikation færdig", due=date(2011, 6, 1),
                                         completed_on=date(2011, 6, 20)))
        milestones.append(make_milestone(iid, id=7001 + 2 * k, title="Idriftsættelse", due=date(2012, 10, 1)))
    initiatives.append(make_initiative(90, plan=local, complete=False, key="LB-001", title="Lokal digital skole",
                                       administration=Administration.BUF, contributes_to_ids=[100], rank=1))
    initiatives.append(make_initiative(91, plan=transition, complete=False, key="O-001",
                                       title="Konsolidering af servere", rank=None))
    return make_portfolio([joint, local, transition], focus_areas=focus, initiatives=initiatives,
                          funding_lines=funding, figures=figures, milestones=milestones, statuses=statuses)


def documents_report(portfolio: Portfolio, *, ready: bool = False) -> CheckReport:
    """A check report for ``documents_portfolio``: a finding per missing rank and owner in the joint plan,
    a yellow or red light each, one plan warning; ``ready`` gives the joint plan a clean verdict."""
    findings: list[Finding] = []
    lights: dict[int, ComputedLight] = {}
    for i in portfolio.initiatives:
        if i.plan_id != 1 or i.id is None:
            continue
        where = {"plan_id": 1, "plan_key": JOINT, "initiative_id": i.id, "initiative_key": i.key,
                 "administration": i.administration.value if i.administration else None}
        if i.rank is None:
            findings.append(Finding(rule="rank.missing", requirement=Requirement.RANKING, severity=Severity.ERROR,
                                    message="«Prioritet» skal udfyldes.", **where))
        if i.project_owner is None:
            findings.append(Finding(rule="owner.missing", requirement=Requirement.RESPONSIBILITY,
                                    severity=Severity.ERROR, message="«Projektejer» skal udfyldes.", **where))
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


PEOPLE = [Person(id=1, name="Anne Holm", email="anne@kk.dk"), Person(id=2, name="Bo Lund", email="bo@kk.dk")]
"""The owner and the manager of every initiative in ``small_portfolio``."""


def small_portfolio(n: int = 12) -> Portfolio:
    """A joint plan 2011–2012 with ``n`` initiatives (ids 1..n), every third one without a rank, a status each."""
    plan = make_plan(1, key="F2011", title="Fælles handlingsplan 2011-2012", start_year=2011, stage=PlanStage.UDKAST,
                     decision_date=None)
    initiatives = [
        make_initiative(i, plan=plan, complete=False, key=f"F11-{i:02d}", focus_area_ids=[1],
                        administration=_ADMINS[i % 7], rank=None if i % 3 == 0 else i, project_owner=PEOPLE[0],
                        project_manager=PEOPLE[1], purpose=f"Formål {i}")
        for i in range(1, n + 1)
    ]
    statuses = [make_status(i, year=2012, id=i, baseline_cost=Decimal(1_000_000),
                            forecast_cost=Decimal(1_000_000 + 50_000 * i), baseline_end=date(2012, 12, 31),
                            forecast_end=date(2012, 12, 31)) for i in range(1, n + 1)]
    return make_portfolio([plan], focus_areas=[FocusArea(id=1, key="IO1", title="Fælles it-infrastruktur")],
                          initiatives=initiatives, statuses=statuses)


def people_of(portfolio: Portfolio) -> list[Person]:
    """Everyone the initiatives name (owner, manager, who ranked), once each, in order of appearance."""
    people: dict[int, Person] = {}
    for initiative in portfolio.initiatives:
        for person in (initiative.project_owner, initiative.project_manager, initiative.ranked_by):
            if person is not None:
                people.setdefault(person.id, person)
    return list(people.values())
