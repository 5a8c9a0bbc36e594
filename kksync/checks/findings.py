"""What the checks produce: findings, computed traffic lights and plan verdicts (pure data)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, PrivateAttr

from kksync.core.model import Completeness, Light, PlanStage

__all__ = ["CheckReport", "ComputedLight", "Finding", "PlanVerdict", "Requirement", "Severity"]


class Severity(StrEnum):
    ERROR = "fejl"
    WARNING = "advarsel"
    INFO = "info"


class Requirement(StrEnum):
    """The five requirements before political decision, plus the strategy's other demands."""

    RANKING = "Indbyrdes prioritering"
    BUSINESS_CASE = "Business case"
    RESPONSIBILITY = "Ansvarsplacering"
    FUNDING = "Aftale om finansiering"
    DELIVERY = "Aftale om gennemførelse"
    STRATEGY = "Strategisk forankring"
    CONTRIBUTION = "Bidrag til fælles initiativer"
    PORTFOLIO = "Porteføljestyring"
    TRANSITION = "Overgangsplanens forankring"
    DATA = "Datakvalitet"


class Finding(BaseModel):
    """One thing that is missing or wrong, said in Danish to the department that can fix it."""

    model_config = ConfigDict(frozen=True)

    rule: str
    requirement: Requirement
    severity: Severity
    message: str
    fields: tuple[str, ...] = ()
    plan_id: int | None = None
    plan_key: str | None = None
    initiative_id: int | None = None
    initiative_key: str | None = None
    administration: str | None = None
    blocks_gate: bool = False
    """An error at the gate "Klar til politisk behandling": it keeps the plan from political decision
    (a draft's findings are warnings to its departments, yet some of them will block the gate)."""


class ComputedLight(BaseModel):
    """The traffic light computed from baseline vs forecast, with the reason in Danish."""

    model_config = ConfigDict(frozen=True)

    light: Light | None
    """The worse of the cost and schedule lights; ``None`` when neither can be computed."""
    reason: str
    reported: Light | None = None
    cost: Light | None = None
    """Project costs: baseline vs forecast cost (no baseline, no light)."""
    cost_reason: str = ""
    schedule: Light | None = None
    """Schedule: baseline vs forecast end; a passed end on unfinished work is red."""
    schedule_reason: str = ""


class PlanVerdict(BaseModel):
    """Is the plan ready for political decision? ``applies`` is false where no gate applies."""

    model_config = ConfigDict(frozen=True)

    plan_id: int
    plan_key: str
    applies: bool
    ready: bool
    errors: int = 0
    warnings: int = 0
    by_administration: dict[str, int] = {}
    by_requirement: dict[str, int] = {}
    reasons: tuple[str, ...] = ()


class CheckReport(BaseModel):
    """Everything one check run found. ``completeness`` is per initiative id; initiatives whose
    plan requires nothing at its stage are ``Ikke krævet``. ``missing_max_items`` comes from the
    governance so the bot-written "Hvad mangler" text can be derived from the report alone."""

    findings: list[Finding] = []
    verdicts: dict[int, PlanVerdict] = {}
    lights: dict[int, ComputedLight] = {}
    completeness: dict[int, Completeness] = {}
    missing_max_items: int = 10
    portfolio_threshold_kr: float = 10_000_000.0
    """The governance's limit for a larger IT project (the portfolio overview in the documents reads it here)."""
    checked_at: datetime
    plan_stages: dict[int, PlanStage | None] = {}
    """Each plan's stage by plan id: the initiatives' bot column «Planens stadie» copies it."""

    # Built on first use: the sync asks per initiative, and a scan per call would be O(n²).
    _by_initiative: dict[int, list[Finding]] | None = PrivateAttr(default=None)

    def for_initiative(self, initiative_id: int) -> list[Finding]:
        if self._by_initiative is None:
            index: dict[int, list[Finding]] = {}
            for finding in self.findings:
                if finding.initiative_id is not None:
                    index.setdefault(finding.initiative_id, []).append(finding)
            self._by_initiative = index
        return list(self._by_initiative.get(initiative_id, ()))

    def for_plan(self, plan_id: int) -> list[Finding]:
        """Findings on the plan itself and on its initiatives."""
        return [f for f in self.findings if f.plan_id == plan_id]
