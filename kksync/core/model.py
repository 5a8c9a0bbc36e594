"""The canonical model of the IT strategy's action plans (pure: pydantic and stdlib only).

Each record class mirrors one SharePoint list; ``Col`` annotations declare its columns, and
``kksync.core.schema`` derives the lists from them. Records reference each other by SharePoint item
id (``plan_id``, ``initiative_id``): the id is the only identity SharePoint guarantees, and a
reference to a deleted item is then a finding, not a crash. ``Portfolio`` holds a whole site.

Money is ``Decimal`` in DKK, dates are ``date``; Danish words are the choice values users see.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from kksync.core.columns import Col, FieldKind

__all__ = [
    "Administration", "AgreementStatus", "BudgetCategory", "BusinessCase", "BusinessCaseFigure",
    "Completeness", "Delivery", "DocumentType", "FieldProblem", "FigureKind", "FocusArea",
    "FundingLine", "FundingSource", "GateStatus", "Initiative", "ItProject", "Light", "Link",
    "Milestone", "Person", "Phase", "Plan", "PlanKind", "PlanStage", "Portfolio", "Publication",
    "Record", "StatusEntry", "TransitionOrigin", "latest_status",
]

TEXT_MAX = 255
NOTE_MAX = 63_999
MONEY_MAX = Decimal("999999999999.99")  # 1.000 mia. kr. is absurd for one line; the mapper flags it

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("text contains control characters")
    return value


Text = Annotated[str, Field(max_length=TEXT_MAX), AfterValidator(_no_control)]
Note = Annotated[str, Field(max_length=NOTE_MAX), AfterValidator(_no_control)]
Money = Annotated[Decimal, Field(max_digits=14, decimal_places=2, ge=-MONEY_MAX, le=MONEY_MAX)]
Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=2, ge=0, le=MONEY_MAX)]
Percent = Annotated[Decimal, Field(max_digits=8, decimal_places=4, ge=-100, le=1000)]
Year = Annotated[int, Field(ge=2000, le=2100)]


# --- closed sets -------------------------------------------------------------------------


class Administration(StrEnum):
    """The seven administrations (forvaltninger), valued by their short codes."""

    OKF = "ØKF"
    KFF = "KFF"
    BUF = "BUF"
    SUF = "SUF"
    SOF = "SOF"
    TMF = "TMF"
    BIF = "BIF"

    @property
    def label(self) -> str:
        return _ADMIN_NAMES[self]


_ADMIN_NAMES = {
    Administration.OKF: "Økonomiforvaltningen",
    Administration.KFF: "Kultur- og Fritidsforvaltningen",
    Administration.BUF: "Børne- og Ungdomsforvaltningen",
    Administration.SUF: "Sundheds- og Omsorgsforvaltningen",
    Administration.SOF: "Socialforvaltningen",
    Administration.TMF: "Teknik- og Miljøforvaltningen",
    Administration.BIF: "Beskæftigelses- og Integrationsforvaltningen",
}


class PlanKind(StrEnum):
    OVERGANG = "Overgangshandlingsplan"
    FAELLES = "Fælles handlingsplan"
    LOKAL = "Lokal handlingsplan"


class PlanStage(StrEnum):
    """Stages in order; a plan moves forward through them."""

    UDKAST = "Udkast"
    KLAR = "Klar til politisk behandling"
    VEDTAGET = "Vedtaget"
    I_GANG = "I gang"
    AFSLUTTET = "Afsluttet"


class Phase(StrEnum):
    IDE = "Idé"
    ANALYSE = "Analyse"
    ANSKAFFELSE = "Anskaffelse"
    GENNEMFOERELSE = "Gennemførelse"
    REALISERING = "Realisering"
    AFSLUTTET = "Afsluttet"


class FundingSource(StrEnum):
    EGEN_RAMME = "Egen ramme"
    INVESTERINGSPULJE = "Investeringspulje/investeringskatalog"
    INTERNT_LAAN = "Internt lån"
    CENTRAL_PULJE = "Central pulje"


class BudgetCategory(StrEnum):
    SERVICE = "Service"
    ANLAEG = "Anlæg"


class AgreementStatus(StrEnum):
    IKKE_STARTET = "Ikke påbegyndt"
    FORHANDLES = "Under forhandling"
    AFTALT = "Aftalt"


class Light(StrEnum):
    GROEN = "Grøn"
    GUL = "Gul"
    ROED = "Rød"


class TransitionOrigin(StrEnum):
    """Where a transition-plan initiative already lives."""

    IGANGVAERENDE = "Igangværende"
    INVESTERINGSKATALOG_2010 = "Investeringskatalog 2010"
    EFFEKTIVISERINGSSTRATEGI = "Effektiviseringsstrategi"


class FigureKind(StrEnum):
    """Yearly business-case figures (the state/KL/regions model)."""

    INVESTERING = "Investering"
    DRIFT_0 = "Drift scenario 0"
    DRIFT_1 = "Drift scenario 1"
    GEVINST = "Økonomisk gevinst"


class Completeness(StrEnum):
    KOMPLET = "Komplet"
    MANGLER = "Mangler"
    IKKE_KRAEVET = "Ikke krævet"


class GateStatus(StrEnum):
    KLAR = "Klar"
    IKKE_KLAR = "Ikke klar"
    IKKE_RELEVANT = "Ikke relevant"


class DocumentType(StrEnum):
    STATUS = "Status på implementering"
    READINESS = "Klar til politisk behandling?"
    PLAN = "Handlingsplan"
    PROPOSALS = "Forslag til investeringskataloget"


# --- value objects ---------------------------------------------------------------------------


class Person(BaseModel):
    """A SharePoint user: the site user id plus what an expanded person field returns."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int = Field(ge=1)
    name: Text | None = None
    email: Text | None = None


class Link(BaseModel):
    """A hyperlink column value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: Annotated[str, Field(max_length=TEXT_MAX, pattern=r"^https?://\S+$")]
    description: Text | None = None


class FieldProblem(BaseModel):
    """A value the mapper could not take as it was; ``message`` tells the department what to do."""

    model_config = ConfigDict(frozen=True)

    column: str
    attr: str
    code: str
    message: str
    value: str = ""


# --- records (one class per list) ------------------------------------------------------------


InitiativeOf = Annotated[int | None, Col("KkInitiative", "Initiativ", lookup="initiatives", required=True, indexed=True)]
"""The initiative a child record (funding line, figure, milestone, status) belongs to: one column in four lists."""


class Record(BaseModel):
    """Base of list records. ``id`` is the SharePoint item id (``None`` before creation)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: int | None = Field(default=None, ge=1)


class FocusArea(Record):
    key: Annotated[Text, Col("KkKey", "Nøgle", required=True, indexed=True)]
    title: Annotated[Text, Col("Title", "Indsatsområde", required=True)]
    description: Annotated[Note | None, Col("KkDescription", "Beskrivelse", FieldKind.NOTE)] = None


class Plan(Record):
    key: Annotated[Text, Col("KkKey", "Nøgle", required=True, indexed=True)]
    title: Annotated[Text, Col("Title", "Handlingsplan", required=True)]
    kind: Annotated[PlanKind | None, Col("KkPlanKind", "Plantype", required=True, indexed=True)] = None
    period_start: Annotated[date | None, Col("KkPeriodStart", "Periode fra", required=True)] = None
    period_end: Annotated[date | None, Col("KkPeriodEnd", "Periode til", required=True)] = None
    administration: Annotated[Administration | None, Col("KkAdministration", "Forvaltning (lokal plan)")] = None
    stage: Annotated[PlanStage, Col("KkStage", "Stadie", required=True)] = PlanStage.UDKAST
    decision_date: Annotated[date | None, Col("KkDecisionDate", "Forventet politisk behandling")] = None
    gate_status: Annotated[GateStatus | None, Col("KkGateStatus", "Klar til politisk behandling?", bot=True)] = None
    gate_reasons: Annotated[Note | None, Col("KkGateReasons", "Hvad mangler (planen)", FieldKind.NOTE, bot=True)] = None
    gate_checked_at: Annotated[datetime | None, Col("KkGateCheckedAt", "Tjekket (planen)", bot=True)] = None


class BusinessCase(BaseModel):
    """Business case per the joint state/KL/regions model; yearly figures live in their own list."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    summary: Annotated[Note | None, Col("KkBcSummary", "Ledelsesresumé", FieldKind.NOTE, rich=True)] = None
    scenario_0: Annotated[Note | None, Col("KkBcScenario0", "Scenarie 0 (i dag)", FieldKind.NOTE, rich=True)] = None
    scenario_1: Annotated[Note | None, Col("KkBcScenario1", "Scenarie 1 (med projektet)", FieldKind.NOTE, rich=True)] = None
    discount_rate: Annotated[Percent | None, Col("KkBcDiscountRate", "Diskonteringsrente (%)")] = None
    npv: Annotated[Money | None, Col("KkBcNpv", "Nettonutidsværdi (kr.)", FieldKind.CURRENCY)] = None
    payback_years: Annotated[Percent | None, Col("KkBcPayback", "Tilbagebetalingstid (år)")] = None
    irr: Annotated[Percent | None, Col("KkBcIrr", "Intern rente (%)")] = None
    non_financial_benefits: Annotated[Note | None, Col("KkBcNonFinancial", "Ikke-økonomiske gevinster", FieldKind.NOTE, rich=True)] = None
    benefit_plan: Annotated[Note | None, Col("KkBcBenefitPlan", "Gevinstrealiseringsplan", FieldKind.NOTE, rich=True)] = None
    approved: Annotated[bool, Col("KkBcApproved", "Business case godkendt")] = False
    approved_by: Annotated[Person | None, Col("KkBcApprovedBy", "Godkendt af")] = None
    approved_on: Annotated[date | None, Col("KkBcApprovedOn", "Godkendt dato")] = None
    document: Annotated[Link | None, Col("KkBcDocument", "Business case-dokument")] = None


class Delivery(BaseModel):
    """Agreement on how the initiative is carried out; milestones live in their own list."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    deliverer: Annotated[Text | None, Col("KkDeliverer", "Udfører")] = None
    start: Annotated[date | None, Col("KkStart", "Start")] = None
    end: Annotated[date | None, Col("KkEnd", "Slut")] = None
    overlap_reason: Annotated[Note | None, Col("KkOverlapReason", "Begrundelse for periode uden for planen", FieldKind.NOTE)] = None
    agreed: Annotated[bool, Col("KkDeliveryAgreed", "Gennemførelsesaftale indgået")] = False


class Initiative(Record):
    key: Annotated[Text, Col("KkKey", "Initiativ-id", required=True, indexed=True)]
    title: Annotated[Text, Col("Title", "Titel", required=True)]
    plan_id: Annotated[int | None, Col("KkPlan", "Handlingsplan", lookup="plans", required=True, indexed=True)] = None
    administration: Annotated[Administration | None, Col("KkAdministration", "Ansvarlig forvaltning", indexed=True)] = None
    unit: Annotated[Text | None, Col("KkUnit", "Ansvarlig enhed")] = None
    focus_area_ids: Annotated[list[int], Col("KkFocusAreas", "Indsatsområder", lookup="focus_areas")] = []
    contributes_to_ids: Annotated[list[int], Col("KkContributesTo", "Bidrager til (fælles initiativer)", lookup="initiatives")] = []
    involved: Annotated[list[Administration], Col("KkInvolved", "Involverede forvaltninger")] = []
    background: Annotated[Note | None, Col("KkBackground", "Baggrund", FieldKind.NOTE, rich=True)] = None
    purpose: Annotated[Note | None, Col("KkPurpose", "Formål", FieldKind.NOTE, rich=True)] = None
    goals: Annotated[Note | None, Col("KkGoals", "Mål", FieldKind.NOTE, rich=True)] = None
    deliverables: Annotated[Note | None, Col("KkDeliverables", "Leverancer", FieldKind.NOTE, rich=True)] = None
    dependencies: Annotated[Note | None, Col("KkDependencies", "Afhængigheder", FieldKind.NOTE, rich=True)] = None
    risks: Annotated[Note | None, Col("KkRisks", "Væsentligste risici", FieldKind.NOTE, rich=True)] = None
    phase: Annotated[Phase | None, Col("KkPhase", "Fase")] = None
    rank: Annotated[int | None, Col("KkRank", "Prioritet", FieldKind.NUMBER, indexed=True)] = Field(default=None, ge=1, le=10_000)
    ranked_by: Annotated[Person | None, Col("KkRankedBy", "Prioriteret af")] = None
    ranked_on: Annotated[date | None, Col("KkRankedOn", "Prioriteringsdato")] = None
    # Indexed: the view "Mine initiativer" filters on them, and a list above 5,000 items refuses a
    # view filter on an unindexed column.
    project_owner: Annotated[Person | None, Col("KkProjectOwner", "Projektejer", indexed=True)] = None
    project_manager: Annotated[Person | None, Col("KkProjectManager", "Projektleder", indexed=True)] = None
    benefit_owner: Annotated[Person | None, Col("KkBenefitOwner", "Gevinstejer")] = None
    transition_origin: Annotated[TransitionOrigin | None, Col("KkTransitionOrigin", "Forankret i (overgangsplan)")] = None
    transition_reference: Annotated[Text | None, Col("KkTransitionRef", "Reference (overgangsplan)")] = None
    continues_from_id: Annotated[int | None, Col("KkContinuesFrom", "Fortsætter initiativ (fra tidligere plan)", lookup="initiatives", indexed=True)] = None
    """The same initiative in the plan before (2011–2012 → 2013–2014): linked, not duplicated."""
    business_case: BusinessCase = BusinessCase()
    delivery: Delivery = Delivery()
    completeness: Annotated[Completeness | None, Col("KkCompleteness", "Komplethed", bot=True, indexed=True)] = None
    missing: Annotated[Note | None, Col("KkMissing", "Hvad mangler", FieldKind.NOTE, bot=True)] = None
    computed_light: Annotated[Light | None, Col("KkComputedLight", "Beregnet trafiklys", bot=True)] = None
    light_reason: Annotated[Text | None, Col("KkLightReason", "Begrundelse for beregnet trafiklys", bot=True)] = None
    reported_light: Annotated[Light | None, Col(
        "KkLatestReportedLight", "Samlet vurdering (seneste status)", bot=True,
        description="Forvaltningens egen samlede vurdering i den status, det beregnede trafiklys bygger på (kopieret af kksync).",
    )] = None
    """A copy of the reported light the computed one is based on, so a view shows the two side by side
    (a view cannot show a Choice column of the status list: see ``plan_stage``)."""
    checked_at: Annotated[datetime | None, Col("KkCheckedAt", "Sidst tjekket", bot=True)] = None
    plan_stage: Annotated[PlanStage | None, Col(
        "KkPlanStage", "Planens stadie", bot=True, indexed=True,
        description="Handlingsplanens stadie, skrevet af kksync, så visningen «Til politisk behandling» kan filtrere på det.",
    )] = None
    """A copy of the plan's stage: SharePoint cannot filter a view on a Choice column of the looked-up list
    (projected fields may only be Text, Number, DateTime, ...: Microsoft's ProjectedFields element reference)."""


class FundingLine(Record):
    """One year's funding from one source: the agreement on how the initiative is funded."""

    initiative_id: InitiativeOf = None
    title: Annotated[Text | None, Col("Title", "Beskrivelse")] = None
    source: Annotated[FundingSource | None, Col("KkSource", "Finansieringskilde", required=True)] = None
    category: Annotated[BudgetCategory | None, Col("KkCategory", "Styringsområde", required=True)] = None
    year: Annotated[Year | None, Col("KkYear", "År", FieldKind.NUMBER, required=True, indexed=True)] = None
    amount: Annotated[Amount | None, Col("KkAmount", "Beløb (kr.)", FieldKind.CURRENCY, required=True)] = None
    status: Annotated[AgreementStatus | None, Col("KkAgreementStatus", "Aftalestatus", indexed=True)] = None
    agreed_on: Annotated[date | None, Col("KkAgreedOn", "Aftalt dato")] = None


class BusinessCaseFigure(Record):
    """One yearly figure of a business case (investment, operating cost or benefit)."""

    initiative_id: InitiativeOf = None
    title: Annotated[Text | None, Col("Title", "Beskrivelse")] = None
    kind: Annotated[FigureKind | None, Col("KkFigureKind", "Type", required=True)] = None
    year: Annotated[Year | None, Col("KkYear", "År", FieldKind.NUMBER, required=True)] = None
    amount: Annotated[Amount | None, Col("KkAmount", "Beløb (kr.)", FieldKind.CURRENCY, required=True)] = None


class Milestone(Record):
    initiative_id: InitiativeOf = None
    title: Annotated[Text, Col("Title", "Milepæl", required=True)]
    due: Annotated[date | None, Col("KkDue", "Planlagt dato", indexed=True)] = None
    completed_on: Annotated[date | None, Col("KkCompletedOn", "Nået dato", indexed=True)] = None


class StatusEntry(Record):
    """A yearly status for an initiative, as the department reports it."""

    initiative_id: InitiativeOf = None
    title: Annotated[Text | None, Col("Title", "Overskrift")] = None
    year: Annotated[Year | None, Col("KkYear", "Statusår", FieldKind.NUMBER, required=True, indexed=True)] = None
    status_date: Annotated[date | None, Col("KkStatusDate", "Statusdato")] = None
    phase: Annotated[Phase | None, Col("KkPhase", "Fase")] = None
    reported_light: Annotated[Light | None, Col("KkReportedLight", "Samlet vurdering (trafiklys)", indexed=True)] = None
    cost_light: Annotated[Light | None, Col("KkCostLight", "Økonomi (trafiklys)")] = None
    schedule_light: Annotated[Light | None, Col("KkScheduleLight", "Tidsplan (trafiklys)")] = None
    benefit_light: Annotated[Light | None, Col("KkBenefitLight", "Økonomiske gevinster (trafiklys)")] = None
    nonfinancial_light: Annotated[Light | None, Col("KkNonFinancialLight", "Ikke-økonomiske gevinster (trafiklys)")] = None
    baseline_cost: Annotated[Amount | None, Col("KkBaselineCost", "Budget (baseline, kr.)", FieldKind.CURRENCY)] = None
    forecast_cost: Annotated[Amount | None, Col("KkForecastCost", "Forventet forbrug (kr.)", FieldKind.CURRENCY)] = None
    spent: Annotated[Amount | None, Col("KkSpent", "Forbrugt (kr.)", FieldKind.CURRENCY)] = None
    baseline_end: Annotated[date | None, Col("KkBaselineEnd", "Planlagt slut (baseline)")] = None
    forecast_end: Annotated[date | None, Col("KkForecastEnd", "Forventet slut")] = None
    progress: Annotated[int | None, Col("KkProgress", "Fremdrift (%)", FieldKind.NUMBER)] = Field(default=None, ge=0, le=100)
    comment: Annotated[Note | None, Col("KkComment", "Kommentar", FieldKind.NOTE, rich=True)] = None


class ItProject(Record):
    """A larger IT project in the municipality's portfolio."""

    key: Annotated[Text, Col("KkKey", "Projektnummer", required=True, indexed=True)]
    title: Annotated[Text, Col("Title", "Projekt", required=True)]
    administration: Annotated[Administration | None, Col("KkAdministration", "Forvaltning")] = None
    total_cost: Annotated[Amount | None, Col("KkTotalCost", "Samlet budget (kr.)", FieldKind.CURRENCY)] = None
    initiative_id: Annotated[int | None, Col("KkInitiative", "Initiativ", lookup="initiatives", indexed=True)] = None
    project_manager: Annotated[Person | None, Col("KkProjectManager", "Projektleder")] = None


class Publication(Record):
    """Metadata of a document in the intranet publication library."""

    title: Annotated[Text | None, Col("Title", "Titel")] = None
    plan_key: Annotated[Text | None, Col("KkPlanKey", "Handlingsplan", indexed=True)] = None
    year: Annotated[Year | None, Col("KkYear", "År", FieldKind.NUMBER)] = None
    document_type: Annotated[DocumentType | None, Col("KkDocumentType", "Dokumenttype")] = None
    status_date: Annotated[date | None, Col("KkStatusDate", "Statusdato")] = None
    snapshot_hash: Annotated[Text | None, Col("KkSnapshotHash", "Øjebliksbillede", bot=True)] = None


class BusinessCaseDocument(Record):
    """A business-case document in its library, linked to its initiative."""

    title: Annotated[Text | None, Col("Title", "Titel")] = None
    initiative_id: Annotated[int | None, Col("KkInitiative", "Initiativ", lookup="initiatives", indexed=True)] = None


# --- the whole site --------------------------------------------------------------------------


class Portfolio(BaseModel):
    """Everything on one site, as of one sync. Child records are grouped on demand."""

    model_config = ConfigDict(extra="forbid")

    focus_areas: list[FocusArea] = []
    plans: list[Plan] = []
    initiatives: list[Initiative] = []
    funding_lines: list[FundingLine] = []
    figures: list[BusinessCaseFigure] = []
    milestones: list[Milestone] = []
    statuses: list[StatusEntry] = []
    it_projects: list[ItProject] = []
    problems: dict[str, list[FieldProblem]] = {}
    """Mapping problems keyed ``"<list key>/<item id>"``."""

    def plan(self, plan_id: int) -> Plan | None:
        return next((p for p in self.plans if p.id == plan_id), None)

    def plan_by_key(self, key: str) -> Plan | None:
        return next((p for p in self.plans if p.key == key), None)

    def initiatives_of(self, plan_id: int) -> list[Initiative]:
        return [i for i in self.initiatives if i.plan_id == plan_id]

    def children(self) -> ChildIndex:
        return ChildIndex(self)


class ChildIndex:
    """Child records grouped by initiative id, built once per check or document run."""

    def __init__(self, portfolio: Portfolio) -> None:
        self.funding: dict[int, list[FundingLine]] = _group(portfolio.funding_lines)
        self.figures: dict[int, list[BusinessCaseFigure]] = _group(portfolio.figures)
        self.milestones: dict[int, list[Milestone]] = _group(portfolio.milestones)
        self.statuses: dict[int, list[StatusEntry]] = _group(portfolio.statuses)
        self.projects: dict[int, list[ItProject]] = _group(portfolio.it_projects)


def latest_status(
    statuses: Iterable[StatusEntry], year: int | None = None, *, until_year: int | None = None
) -> StatusEntry | None:
    """The newest status (of ``year``, or up to ``until_year``): by year, then status date, then id.

    An entry without a year cannot be placed in time and is never the latest.
    """
    best: StatusEntry | None = None
    best_key: tuple[int, date, int] = (0, date.min, 0)
    for entry in statuses:
        if entry.year is None or (year is not None and entry.year != year):
            continue
        if until_year is not None and entry.year > until_year:
            continue
        key = (entry.year, entry.status_date or date.min, entry.id or 0)
        if best is None or key > best_key:
            best, best_key = entry, key
    return best


def _group(records: list[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for record in records:
        if record.initiative_id is not None:
            grouped[record.initiative_id].append(record)
    return dict(grouped)
