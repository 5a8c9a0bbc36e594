"""Sample data: a realistic, deterministic portfolio for the demo, the seeder and the tests (pure).

``sample_portfolio()`` is the City of Copenhagen's IT strategy 2010–2014 in miniature: the
transition plan, the joint plans 2011–2012 and 2013–2014, one local plan per administration,
about 60 initiatives with business cases, funding, milestones and yearly status 2011–2014.
Most initiatives are complete; the ones named in ``DEFECTS`` are incomplete in each of the ways
the checks catch. Records get ids 1..n per list in creation order (the seeder creates them in
that order and remaps lookups when a site hands out other ids).

``large_portfolio(n)`` makes the same kind of data at scale for the benchmarks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from kksync.checks.finance import cash_flows, npv, payback_years
from kksync.checks.lights import add_months
from kksync.core.model import (
    Administration,
    AgreementStatus,
    BudgetCategory,
    BusinessCaseFigure,
    FieldProblem,
    FigureKind,
    FocusArea,
    FundingLine,
    FundingSource,
    Initiative,
    ItProject,
    Light,
    Milestone,
    Person,
    Phase,
    Plan,
    PlanKind,
    PlanStage,
    Portfolio,
    StatusEntry,
    TransitionOrigin,
)
from kksync.core.schema import list_schema
from kksync.texts import problem_text

__all__ = ["CONTINUED", "DEFECTS", "SAMPLE_USERS", "large_portfolio", "sample_portfolio"]

A = Administration
_USERS = (
    ("Lars Nørgaard", "lars.noergaard"), ("Mette Kjær", "mette.kjaer"), ("Jens Holm", "jens.holm"),
    ("Anne Lund", "anne.lund"), ("Søren Friis", "soeren.friis"), ("Birgitte Dahl", "birgitte.dahl"),
    ("Henrik Bach", "henrik.bach"), ("Camilla Winther", "camilla.winther"), ("Peter Skov", "peter.skov"),
    ("Louise Juhl", "louise.juhl"), ("Morten Krogh", "morten.krogh"), ("Trine Bang", "trine.bang"),
    ("Niels Ravn", "niels.ravn"), ("Signe Thorup", "signe.thorup"), ("Kasper Mølgaard", "kasper.moelgaard"),
)
SAMPLE_USERS: list[Person] = [Person(id=n, name=name, email=f"{mail}@kk.dk") for n, (name, mail) in enumerate(_USERS, 1)]
"""Site users 1..N; user 1 chairs it-chefforum and signs the ranking."""

_ROLES = {A.OKF: (2, 3), A.KFF: (4, 5), A.BUF: (6, 7), A.SUF: (8, 9), A.SOF: (10, 11), A.TMF: (12, 13), A.BIF: (14, 15)}
_DELIVERER = {A.OKF: "Koncernservice, KIT", A.KFF: "KFF It", A.BUF: "BUF It og Digitalisering", A.SUF: "SUF It",
              A.SOF: "SOF It-kontoret", A.TMF: "TMF Digitalisering", A.BIF: "BIF It og Data"}

_FOCUS = (
    ("INFRA", "Fælles it-infrastruktur"), ("BORGER", "Digital borgerservice"), ("ADM", "Effektiv administration"),
    ("STYRING", "It-styring og governance"), ("SIKKER", "Informationssikkerhed"),
    ("DATA", "Fælles data og arkitektur"), ("VELFAERD", "Velfærdsteknologi og digitale arbejdsgange"),
)

# (key, title, administration, focus area numbers, scale in mio. kr.)
_TRANSITION = (
    ("OHP-01", "Konsolidering af servere og driftscentre", A.OKF, (1,), 8),
    ("OHP-02", "Fælles e-mail og kalender", A.OKF, (1, 3), 4),
    ("OHP-03", "Digital post til borgere", A.BIF, (2,), 3),
    ("OHP-04", "Udbredelse af ESDH i forvaltningerne", A.TMF, (3,), 6),
    ("OHP-05", "Styrket it-beslutningsproces", A.OKF, (4,), 1),
    ("OHP-06", "Selvbetjening på kk.dk", A.KFF, (2,), 2),
    ("OHP-07", "Sikker adgang med NemID", A.SOF, (5,), 2),
)
_JOINT_1 = (
    ("F11-01", "Fælles brugeradministration (identitetsstyring)", A.OKF, (1, 5), 12),
    ("F11-02", "Konsolidering af netværk og datacentre", A.OKF, (1,), 25),
    ("F11-03", "Digital selvbetjening – bølge 1", A.BIF, (2,), 9),
    ("F11-04", "Fælles ESDH-platform", A.OKF, (3,), 18),
    ("F11-05", "Porteføljestyring af it-projekter", A.OKF, (4,), 3),
    ("F11-06", "Informationssikkerhedspolitik og ISO 27001", A.OKF, (5, 4), 4),
    ("F11-07", "Fælles integrationsplatform", A.OKF, (6,), 11),
    ("F11-08", "Digital post og borger.dk", A.SOF, (2,), 5),
    ("F11-09", "Mobile løsninger i hjemmeplejen", A.SUF, (7,), 14),
    ("F11-10", "Fælles læringsplatform i folkeskolen", A.BUF, (2, 7), 16),
    ("F11-11", "Tidsregistrering og vagtplanlægning", A.SUF, (3,), 7),
    ("F11-12", "Geodata og fælles kortløsning", A.TMF, (6,), 6),
    ("F11-13", "Booking af kultur- og fritidsfaciliteter", A.KFF, (2,), 4),
    ("F11-14", "Elektronisk indkøb (e-handel)", A.OKF, (3,), 8),
    ("F11-15", "Fælles printløsning", A.OKF, (1, 3), 5),
)
_JOINT_2 = (
    ("F13-01", "Fælles it-arkitektur og standarder", A.OKF, (6, 4), 6),
    ("F13-02", "Digital selvbetjening – bølge 2", A.BIF, (2,), 12),
    ("F13-03", "Fælles borgerservice-CRM", A.BIF, (2, 3), 9),
    ("F13-04", "Velfærdsteknologi i plejeboliger", A.SUF, (7,), 15),
    ("F13-05", "Digital skole: trådløst net og tablets", A.BUF, (1, 7), 22),
    ("F13-06", "Fælles fagsystem på socialområdet", A.SOF, (3, 7), 19),
    ("F13-07", "Opgradering af økonomisystemet", A.OKF, (3,), 10),
    ("F13-08", "Miljø- og målerdata", A.TMF, (6,), 5),
    ("F13-09", "Fælles HR- og lønsystem", A.OKF, (3,), 13),
    ("F13-10", "Det digitale bibliotek", A.KFF, (2,), 3),
    ("F13-11", "Parkerings- og trafikdata", A.TMF, (6, 2), 7),
    ("F13-12", "Elektronisk journal i sundhedsplejen", A.SUF, (7,), 6),
    ("F13-13", "Fælles mødebooking og lokaler", A.OKF, (3,), 2),
    ("F13-14", "Åbne data", A.TMF, (6,), 3),
    ("F13-15", "Jobcentrenes fagsystem", A.BIF, (3,), 11),
    ("F13-16", "Digital dokumentation på rusmiddelområdet", A.SOF, (7,), 4),
)
# (administration, [(title, joint key contributed to, focus area)]) — three per local plan
_LOCAL = {
    A.OKF: (("Lokal udrulning af identitetsstyring", "F11-01", 1), ("Koncernservice' servicekatalog", "F13-01", 4), ("Digitale bilag i økonomi", "F13-07", 3)),
    A.KFF: (("Biblioteksautomater og selvbetjening", "F13-10", 2), ("Foreningsportal", "", 2), ("Booking på idrætsanlæg", "F11-13", 2)),
    A.BUF: (("Tablets i indskolingen", "F13-05", 7), ("Forældreintra og læringsplatform", "F11-10", 2), ("Trådløst net på skolerne", "F13-05", 1)),
    A.SUF: (("Mobil hjemmepleje – udrulning", "F11-09", 7), ("Skærmbesøg i plejen", "F13-04", 7), ("Journal i sundhedsplejen", "F13-12", 7)),
    A.SOF: (("Fagsystem på handicapområdet", "F13-06", 7), ("Digital post fra Socialforvaltningen", "F11-08", 2), ("Dokumentation på herbergerne", "F13-16", 7)),
    A.TMF: (("Byens kortdata", "F11-12", 6), ("Måleraflæsning via fjernaflæsning", "F13-08", 6), ("Digitale parkeringstilladelser", "OHP-02", 2)),
    A.BIF: (("Selvbetjening i jobcentrene", "F13-02", 2), ("CRM i borgerservice", "F13-03", 2), ("Jobcentrets sagsoverblik", "F13-15", 3)),
}

DEFECTS: dict[str, tuple[str, ...]] = {
    "OHP-05": ("no_origin", "no_reference"),
    "OHP-06": ("no_reference",),
    "F13-04": ("wrong_npv", "wrong_payback"),
    "F13-05": ("no_bc",),
    "F13-06": ("no_summary", "no_scenario_1", "not_approved"),
    "F13-07": ("no_investment", "no_rate"),
    "F13-08": ("no_drift_1", "no_benefits", "no_npv", "no_payback"),
    "F13-09": ("unknown_owner", "no_manager"),
    "F13-10": ("no_admin", "no_owner", "extra_involved"),
    "F13-11": ("bad_source", "funding_open", "funding_undated"),
    "F13-12": ("no_funding", "dates_reversed"),
    "F13-13": ("funding_short", "rank_20"),
    "F13-14": ("no_deliverer", "no_milestones", "not_agreed"),
    "F13-15": ("outside_period", "no_focus", "rank_14"),
    "F13-16": ("no_rank", "no_ranked_by", "no_ranked_on", "no_end"),
    "F11-02": ("milestone_overdue",),
    "F13-02": ("milestone_overdue",),
    "L-KFF-2": ("no_contrib",),
    "L-BIF-2": ("duplicate_key",),
    "L-TMF-3": ("contrib_not_joint",),
    "L-SOF-3": ("no_manager", "no_focus"),
}
"""Which sample initiatives are deliberately incomplete, and how (see ``_apply``)."""

CONTINUED: dict[str, str] = {"F13-02": "F11-03"}
"""Initiatives of 2013–2014 that continue one of 2011–2012 (linked by «Fortsætter initiativ», not duplicated)."""


@dataclass
class _Draft:
    """An initiative and its children as plain values, before defects and ids."""

    ini: dict[str, Any]
    figures: list[dict[str, Any]] = field(default_factory=list)
    funding: list[dict[str, Any]] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    problems: list[tuple[str, int, str, str, str]] = field(default_factory=list)
    """(list key, child index, column attr, problem code, raw value)."""
    contributes_to: tuple[str, ...] = ()


_KR = Decimal(1)
_RISKS = (
    "Leverandørens tidsplan for {title} er stram; en forsinkelse udskyder gevinsterne.",
    "Forvaltningernes medarbejdere skal nå at blive uddannet, før gevinsterne kan hentes.",
    "Integrationen til de eksisterende fagsystemer kan blive dyrere end budgetteret.",
)


def _m(mio: float) -> Decimal:
    return (Decimal(str(mio)) * 1_000_000).quantize(_KR)


def _draft(key: str, title: str, admin: Administration | None, focus: tuple[int, ...], scale: float,
           plan: Plan, plan_id: int, rank: int | None, variant: int) -> _Draft:
    """A complete initiative: every requirement met, key figures consistent with the yearly figures."""
    assert plan.period_start is not None and plan.period_end is not None and plan.decision_date is not None
    y0 = plan.period_start.year
    owner, manager = _ROLES[admin or A.OKF]
    inv, drift = _m(scale), _m(scale * 0.35)
    figures: list[dict[str, Any]] = [
        {"kind": FigureKind.INVESTERING, "year": y0, "amount": (inv * 6 / 10).quantize(_KR)},
        {"kind": FigureKind.INVESTERING, "year": y0 + 1, "amount": (inv * 4 / 10).quantize(_KR)},
    ]
    for offset in range(5):
        figures.append({"kind": FigureKind.DRIFT_0, "year": y0 + offset, "amount": drift})
        figures.append({"kind": FigureKind.DRIFT_1, "year": y0 + offset, "amount": (drift * (11 if offset < 2 else 7) / 10).quantize(_KR)})
        benefit = (0, inv / 5, inv * 45 / 100, inv * 45 / 100, inv * 45 / 100)[offset]
        figures.append({"kind": FigureKind.GEVINST, "year": y0 + offset, "amount": Decimal(benefit).quantize(_KR)})
    rate = Decimal("4.0")
    flows = cash_flows(BusinessCaseFigure.model_construct(**f) for f in figures)
    assert flows is not None
    payback = payback_years(flows)
    users = {u.id: u for u in SAMPLE_USERS}
    decided = plan.decision_date
    end = plan.period_end if variant % 3 else date(plan.period_end.year, 9, 30)
    ini: dict[str, Any] = {
        "key": key, "title": title, "plan_id": plan_id, "administration": admin, "unit": _DELIVERER[admin or A.OKF],
        "focus_area_ids": list(focus), "background": f"{title} er en del af it-strategiens indsats for {plan.title.lower()}.",
        "purpose": "At give borgere og medarbejdere bedre og billigere it-understøttelse.",
        "goals": "Målbare gevinster i drift og sagsbehandling inden for planperioden.",
        "deliverables": "Analyse, anskaffelse, implementering og gevinstrealisering.",
        "risks": _RISKS[variant % len(_RISKS)].format(title=title),
        "phase": (Phase.ANALYSE, Phase.ANSKAFFELSE, Phase.GENNEMFOERELSE)[variant % 3],
        "rank": rank, "ranked_by": users[1] if rank else None, "ranked_on": date(decided.year, 9, 12) if rank else None,
        "project_owner": users[owner], "project_manager": users[manager], "benefit_owner": users[owner],
        "business_case": {
            "summary": f"{title}: investering {scale} mio. kr. med gevinster fra år 2.",
            "scenario_0": "I dag løses opgaven med lokale systemer og manuelle arbejdsgange.",
            "scenario_1": "Med projektet løses opgaven i én fælles løsning med selvbetjening.",
            "discount_rate": rate, "npv": Decimal(npv(flows, float(rate))).quantize(Decimal("0.01")),
            "payback_years": Decimal(payback if payback is not None else 0),
            "approved": True, "approved_by": users[owner], "approved_on": date(decided.year, 8, 20),
        },
        "delivery": {"deliverer": _DELIVERER[admin or A.OKF], "start": plan.period_start, "end": end, "agreed": True},
    }
    funding = [
        {"title": f"Investering {y}", "source": FundingSource.INVESTERINGSPULJE if variant % 2 else FundingSource.EGEN_RAMME,
         "category": BudgetCategory.ANLAEG, "year": y, "amount": f["amount"], "status": AgreementStatus.AFTALT,
         "agreed_on": date(decided.year, 9, 30)}
        for f, y in ((figures[0], y0), (figures[1], y0 + 1))
    ]
    # Reached on the day or a week or two late (a reached milestone is never overdue).
    milestones = [
        {"title": title_, "due": due, "completed_on": due + timedelta(days=7 * (variant % 3))}
        for title_, due in (("Analyse og kravspecifikation afsluttet", date(y0, 6, 30)),
                            ("Løsningen sat i drift", date(y0 + 1, 3, 31)), ("Gevinstrealisering påbegyndt", end))
    ]
    return _Draft(ini, figures, funding, milestones)


def _statuses(draft: _Draft, n: int, first_year: int) -> None:
    """Yearly status from the plan's start (2010 at the earliest) to 2014 — transition initiatives
    until 2011: most green, some drifting to yellow or red, self-reported too rosily."""
    ini = draft.ini
    baseline = sum((f["amount"] for f in draft.figures if f["kind"] is FigureKind.INVESTERING), Decimal(0))
    end = ini["delivery"]["end"] or date(first_year + 1, 12, 31)
    for year in range(max(first_year, 2010), 2012 if first_year < 2011 else 2015):
        drift = (n * 7 + year) % 6  # 0–2 green, 3 yellow cost, 4 red cost, 5 late
        forecast = baseline * (Decimal("1.05") if drift == 3 else Decimal("1.15") if drift == 4 else 1)
        late_months = 5 if drift == 5 else 0
        draft.statuses.append({
            "title": f"Status {year}", "year": year, "status_date": date(year, 11, 15),
            "phase": (Phase.ANALYSE, Phase.ANSKAFFELSE, Phase.GENNEMFOERELSE, Phase.REALISERING)[min(year - first_year, 3)],
            "reported_light": Light.GROEN if drift < 5 else Light.GUL,
            "cost_light": Light.GUL if drift in (3, 4) else Light.GROEN, "schedule_light": Light.GUL if drift == 5 else Light.GROEN,
            "benefit_light": Light.GUL if drift == 4 else Light.GROEN, "nonfinancial_light": Light.GROEN,
            "baseline_cost": baseline, "forecast_cost": forecast.quantize(Decimal(1)), "spent": (baseline * min(year - first_year + 1, 3) / 3).quantize(Decimal(1)),
            "baseline_end": end, "forecast_end": add_months(end, late_months),
            "progress": min(100, (year - first_year + 1) * 30), "comment": "Forløber efter planen." if drift < 3 else "Se risici.",
        })


def _apply(draft: _Draft, defect: str) -> None:
    """Make a complete draft incomplete in one named way."""
    ini, bc, delivery = draft.ini, draft.ini["business_case"], draft.ini["delivery"]
    drop_kind = {"no_investment": FigureKind.INVESTERING, "no_drift_1": FigureKind.DRIFT_1, "no_benefits": FigureKind.GEVINST}
    simple: dict[str, tuple[dict[str, Any], str, Any]] = {
        "no_rank": (ini, "rank", None), "no_ranked_by": (ini, "ranked_by", None), "no_ranked_on": (ini, "ranked_on", None),
        "rank_20": (ini, "rank", 20), "rank_14": (ini, "rank", 14), "no_admin": (ini, "administration", None),
        "no_owner": (ini, "project_owner", None), "no_manager": (ini, "project_manager", None),
        "no_focus": (ini, "focus_area_ids", []), "no_origin": (ini, "transition_origin", None),
        "no_reference": (ini, "transition_reference", None), "no_summary": (bc, "summary", None),
        "no_scenario_1": (bc, "scenario_1", None), "no_rate": (bc, "discount_rate", None), "no_npv": (bc, "npv", None),
        "no_payback": (bc, "payback_years", None), "no_deliverer": (delivery, "deliverer", None),
        "no_end": (delivery, "end", None), "not_agreed": (delivery, "agreed", False),
    }
    if defect in simple:
        target, key, value = simple[defect]
        target[key] = value
    elif defect in drop_kind:
        draft.figures = [f for f in draft.figures if f["kind"] is not drop_kind[defect]]
    elif defect == "no_bc":
        ini["business_case"], draft.figures = {}, []
    elif defect == "not_approved":
        bc.update(approved=False, approved_by=None, approved_on=None)
    elif defect == "wrong_npv":
        bc["npv"] = (bc["npv"] * Decimal("1.25")).quantize(Decimal("0.01"))
    elif defect == "wrong_payback":
        bc["payback_years"] += 2
    elif defect == "unknown_owner":
        ini["project_owner"] = None
        draft.problems.append(("initiatives", 0, "project_owner", "unknown_person", "87"))
    elif defect == "extra_involved":
        ini["involved"] = [*ini.get("involved", []), A.SUF]
    elif defect == "no_funding":
        draft.funding = []
    elif defect == "bad_source":
        draft.funding[0]["source"] = None
        draft.problems.append(("funding_lines", 0, "source", "unknown_choice", "EU-midler"))
    elif defect == "funding_open":
        draft.funding[1].update(status=AgreementStatus.FORHANDLES, agreed_on=None)
    elif defect == "funding_undated":
        draft.funding[0]["agreed_on"] = None
    elif defect == "funding_short":
        draft.funding[0]["amount"] = (draft.funding[0]["amount"] / 2).quantize(Decimal(1))
    elif defect == "dates_reversed":
        delivery["start"], delivery["end"] = delivery["end"], delivery["start"]
    elif defect == "outside_period":
        delivery["end"] = date(delivery["end"].year + 1, 6, 30)
    elif defect == "no_milestones":
        draft.milestones = []
    elif defect == "milestone_overdue":
        draft.milestones[1]["completed_on"] = None
    elif defect == "duplicate_key":
        ini["key"] = ini["key"].rsplit("-", 1)[0] + "-1"  # the same id as the plan's first initiative
    elif defect == "no_contrib":
        draft.contributes_to = ()
    elif defect == "contrib_not_joint":
        pass  # the table already points this one at a transition initiative
    else:
        raise ValueError(f"unknown defect {defect!r}")


class _Builder:
    """Collects records, handing out ids 1..n per list in creation order."""

    def __init__(self) -> None:
        self.p = Portfolio()
        self.keys: dict[str, int] = {}

    def plan(self, **values: Any) -> Plan:
        plan = Plan(id=len(self.p.plans) + 1, **values)
        self.p.plans.append(plan)
        return plan

    def add(self, draft: _Draft) -> Initiative:
        iid = len(self.p.initiatives) + 1
        values = dict(draft.ini, contributes_to_ids=[self.keys[k] for k in draft.contributes_to if k in self.keys])
        ini = Initiative(id=iid, **values)
        self.p.initiatives.append(ini)
        self.keys[ini.key] = iid
        child_ids: dict[str, list[int]] = {}
        for list_key, model, rows in (("funding_lines", FundingLine, draft.funding), ("figures", BusinessCaseFigure, draft.figures),
                                      ("milestones", Milestone, draft.milestones), ("statuses", StatusEntry, draft.statuses)):
            records: list[Any] = getattr(self.p, list_key)
            ids = child_ids.setdefault(list_key, [])
            for row in rows:
                ids.append(len(records) + 1)
                records.append(model(id=len(records) + 1, initiative_id=iid, **row))
        for list_key, n, attr, code, raw in draft.problems:
            item_id = iid if list_key == "initiatives" else child_ids[list_key][n]
            col = next(c for c in list_schema(list_key).columns if c.attr == attr)
            message = problem_text(code, title=col.title, value=raw, choices=", ".join(col.choices))
            problem = FieldProblem(column=col.name, attr=attr, code=code, message=message, value=raw)
            self.p.problems.setdefault(f"{list_key}/{item_id}", []).append(problem)
        return ini


def _plans(b: _Builder) -> tuple[Plan, Plan, Plan, dict[Administration, Plan]]:
    for n, (key, title) in enumerate(_FOCUS, 1):
        b.p.focus_areas.append(FocusArea(id=n, key=key, title=title, description=f"It-strategiens indsatsområde: {title.lower()}."))
    transition = b.plan(key="OHP-2009-2010", title="Overgangshandlingsplan 2009–2010", kind=PlanKind.OVERGANG,
                        period_start=date(2009, 7, 1), period_end=date(2010, 12, 31), stage=PlanStage.KLAR,
                        decision_date=date(2009, 10, 1))
    joint_1 = b.plan(key="FHP-2011-2012", title="Fælles it-handlingsplan 2011–2012", kind=PlanKind.FAELLES,
                     period_start=date(2011, 1, 1), period_end=date(2012, 12, 31), stage=PlanStage.I_GANG,
                     decision_date=date(2010, 10, 7))
    joint_2 = b.plan(key="FHP-2013-2014", title="Fælles it-handlingsplan 2013–2014", kind=PlanKind.FAELLES,
                     period_start=date(2013, 1, 1), period_end=date(2014, 12, 31), stage=PlanStage.KLAR,
                     decision_date=date(2012, 10, 4))
    local = {a: b.plan(key=f"LHP-{a.name}", title=f"Lokal it-handlingsplan {a.value} 2011–2014", kind=PlanKind.LOKAL,
                       period_start=date(2011, 1, 1), period_end=date(2014, 12, 31), administration=a,
                       stage=PlanStage.I_GANG, decision_date=date(2010, 12, 1))
             for a in Administration}
    return transition, joint_1, joint_2, local


def _transition_fields(draft: _Draft, n: int) -> None:
    origin = tuple(TransitionOrigin)[n % 3]
    draft.ini.update(transition_origin=origin, transition_reference=f"{('IGV', 'IK10', 'EFF')[n % 3]}-{2009 + n % 2}-{100 + n}",
                     rank=None, ranked_by=None, ranked_on=None)


def sample_portfolio() -> Portfolio:
    """The demo portfolio (deterministic: the same records, ids and texts on every call)."""
    b = _Builder()
    transition, joint_1, joint_2, local = _plans(b)
    local_rows = [(a, n, row) for a, rows in _LOCAL.items() for n, row in enumerate(rows, 1)]
    involved: dict[str, set[Administration]] = {}
    for a, _, (_, target, _) in local_rows:
        involved.setdefault(target, set()).add(a)
    counter = 0
    for plan, rows in ((transition, _TRANSITION), (joint_1, _JOINT_1), (joint_2, _JOINT_2)):
        assert plan.id is not None
        for rank, (key, title, admin, focus, scale) in enumerate(rows, 1):
            counter += 1
            draft = _draft(key, title, admin, focus, scale, plan, plan.id, rank, counter)
            if plan is transition:
                _transition_fields(draft, counter)
            else:
                draft.ini["involved"] = sorted(involved.get(key, set()), key=list(Administration).index)
            for defect in DEFECTS.get(key, ()):
                _apply(draft, defect)
            if key in CONTINUED:
                draft.ini["continues_from_id"] = b.keys[CONTINUED[key]]
            _statuses(draft, counter, plan.period_start.year if plan.period_start else 2011)
            if key in CONTINUED.values() and plan.period_end is not None:
                # Continued in the next plan: it reports there from then on.
                draft.statuses = [st for st in draft.statuses if st["year"] <= plan.period_end.year]
            b.add(draft)
    for a, n, (title, target, focus_no) in local_rows:
        counter += 1
        plan = local[a]
        assert plan.id is not None
        key = f"L-{a.name}-{n}"
        draft = _draft(key, title, a, (focus_no,), 1 + n, plan, plan.id, None, counter)
        draft.contributes_to = (target,) if target else ()
        for defect in DEFECTS.get(key, ()):
            _apply(draft, defect)
        _statuses(draft, counter, 2011)
        b.add(draft)
    orphan = _draft("X-01", "Fælles chatløsning (plan slettet)", A.KFF, (2,), 1, joint_2, 0, None, 0)
    orphan.ini["plan_id"] = None
    orphan.problems.append(("initiatives", 0, "plan_id", "deleted_lookup", "11"))
    b.add(orphan)
    _projects(b)
    return b.p


def _projects(b: _Builder) -> None:
    rows = (("P-1001", "Identitets- og adgangsstyring (IAM)", A.OKF, 12.4, "F11-01"), ("P-1002", "Datacenterkonsolidering", A.OKF, 24.0, "F11-02"),
            ("P-1003", "ESDH-platform", A.OKF, 17.5, "F11-04"), ("P-1004", "Mobil hjemmepleje", A.SUF, 13.8, "F11-09"),
            ("P-1005", "Læringsplatform", A.BUF, 15.9, "F11-10"), ("P-1006", "Socialt fagsystem", A.SOF, 18.7, "F13-06"),
            ("P-1007", "Trådløst net på skolerne", A.BUF, 21.0, "F13-05"), ("P-1008", "Nyt lønsystem", A.OKF, 12.9, "F13-09"),
            ("P-1009", "Genudbud af driftsaftale", A.OKF, 31.5, ""), ("P-1010", "Skiltning og wayfinding", A.TMF, 4.2, ""))
    for n, (key, title, admin, cost, link) in enumerate(rows, 1):
        manager = SAMPLE_USERS[_ROLES[admin][1] - 1]
        b.p.it_projects.append(ItProject(id=n, key=key, title=title, administration=admin, total_cost=_m(cost),
                                         initiative_id=b.keys.get(link), project_manager=manager))


_LARGE_DEFECTS = tuple(sorted({d for ds in DEFECTS.values() for d in ds} - {"contrib_not_joint", "no_contrib", "extra_involved"}))


def large_portfolio(n_initiatives: int, seed: int = 0) -> Portfolio:
    """``n_initiatives`` initiatives over all plan kinds (≈10 % transition, 40 % joint, 50 % local),
    with the sample's children per initiative and about a third deliberately incomplete."""
    rng = random.Random(seed)
    b = _Builder()
    transition, joint_1, joint_2, local = _plans(b)
    admins = list(Administration)
    n_transition, n_joint = n_initiatives // 10, n_initiatives * 2 // 5
    joint_keys: list[str] = []
    for n in range(n_initiatives):
        admin = admins[n % 7]
        if n < n_transition:
            plan, rank = transition, None
        elif n < n_transition + n_joint:
            plan = joint_1 if n % 2 else joint_2
            rank = (n - n_transition) // 2 + 1
        else:
            plan, rank = local[admin], None
        assert plan.id is not None
        key = f"I-{n + 1:05d}"
        draft = _draft(key, f"Initiativ {n + 1}", admin, (1 + n % 7,), round(rng.uniform(1, 30), 1), plan, plan.id, rank, n)
        if plan is transition:
            _transition_fields(draft, n)
        elif plan.kind is PlanKind.LOKAL and joint_keys:
            draft.contributes_to = (joint_keys[rng.randrange(len(joint_keys))],)
        else:
            joint_keys.append(key)
        if rng.random() < 0.33:
            _apply(draft, rng.choice(_LARGE_DEFECTS))
        _statuses(draft, n, plan.period_start.year if plan.period_start else 2011)
        b.add(draft)
    return b.p
