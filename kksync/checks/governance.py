"""Governance as configuration: which rules apply to which plan kind at which stage, and limits.

The coming governance model (styringsmodel) may move responsibilities around, so none of this is
code: ``kksync/governance.toml`` is the shipped default and an administrator replaces it through
``KKSYNC_GOVERNANCE_FILE``. The file is validated here at load; a mistake becomes one
``ConfigError`` naming the file, the key and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from kksync.checks.budget_calendar import BudgetCalendar
from kksync.checks.catalog import RULES
from kksync.checks.findings import Severity
from kksync.core.model import Administration, FundingSource, PlanKind, PlanStage
from kksync.errors import ConfigError

__all__ = ["DEFAULT_GOVERNANCE_FILE", "Governance", "KindRules", "LightLimits", "PermissionRules", "PortfolioRules",
           "ReminderRules", "ScenarioRules", "Thresholds", "load_governance"]

DEFAULT_GOVERNANCE_FILE = Path(__file__).resolve().parent.parent / "governance.toml"

Level = Literal["fejl", "advarsel", "info", "fra"]
"""A severity, or ``fra`` (off): the rule is not checked at that stage."""

# Strict: ``true`` or ``"10"`` is not a number, and an infinite limit is no limit.
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]
Count = Annotated[int, Field(ge=0, strict=True)]
_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def _expand(patterns: list[str]) -> list[str]:
    """Rule codes from exact codes and prefixes such as ``BC-*``; unknown ones are an error."""
    codes: list[str] = []
    for pattern in patterns:
        if pattern.endswith("*"):
            matched = [code for code in RULES if code.startswith(pattern[:-1])]
        else:
            matched = [pattern] if pattern in RULES else []
        if not matched:
            raise ValueError(f"ukendt regelkode {pattern!r}; kendte koder: {', '.join(RULES)}")
        codes.extend(code for code in matched if code not in codes)
    return codes


RuleCodes = Annotated[list[str], AfterValidator(_expand)]
"""Rule codes and ``BC-*`` prefixes in a governance file, expanded to the known codes they name."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Strict):
    npv_tolerance_pct: NonNegative = 1.0
    npv_tolerance_kr: NonNegative = 50_000.0
    payback_tolerance_years: NonNegative = 0.0
    funding_tolerance_pct: NonNegative = 1.0
    funding_tolerance_kr: NonNegative = 50_000.0
    portfolio_threshold_kr: NonNegative = 10_000_000.0
    allowed_funding_sources: tuple[FundingSource, ...] = tuple(FundingSource)
    missing_max_items: Annotated[int, Field(ge=1, le=100, strict=True)] = 10


class LightLimits(_Strict):
    """The state IT council's limits: red above these, yellow above the yellow ones."""

    red_overrun_pct: NonNegative = 10.0
    red_overrun_kr: NonNegative = 6_000_000.0
    yellow_overrun_pct: NonNegative = 0.0
    red_delay_months: Count = 3
    yellow_delay_months: Count = 1

    @model_validator(mode="after")
    def _ordered(self) -> LightLimits:
        if self.yellow_delay_months > self.red_delay_months:
            raise ValueError("yellow_delay_months må ikke være større end red_delay_months")
        if self.yellow_overrun_pct > self.red_overrun_pct:
            raise ValueError("yellow_overrun_pct må ikke være større end red_overrun_pct")
        return self


class KindRules(_Strict):
    """Rules for one plan kind; ``stages`` maps a stage to the severity its findings get."""

    gate: Annotated[bool, Field(strict=True)] = False
    rules: RuleCodes
    stages: dict[PlanStage, Level] = {}
    max_severity: dict[str, Severity] = {}

    @field_validator("max_severity")
    @classmethod
    def _known_caps(cls, value: dict[str, Severity]) -> dict[str, Severity]:
        _expand(list(value))
        return value

    @model_validator(mode="after")
    def _gate_checked(self) -> KindRules:
        if self.gate and self.stages.get(PlanStage.KLAR, "fra") == "fra":
            raise ValueError(f"gate = true kræver en alvorlighed for stadiet «{PlanStage.KLAR.value}» under stages")
        return self


class PortfolioRules(_Strict):
    """Rules outside any plan: larger IT projects, records that belong to no plan."""

    rules: RuleCodes = []
    severity: Level = "advarsel"


_GROUP_FORBIDDEN = set('\\/[]:|<>+=;,?*\'"@')


def _group_name(value: str) -> str:
    """A SharePoint group name: 1–255 characters, none of those SharePoint refuses in one."""
    name = value.strip()
    if not name or len(name) > 255:
        raise ValueError("et gruppenavn skal have 1-255 tegn")
    bad = sorted({ch for ch in name if ch in _GROUP_FORBIDDEN or ord(ch) < 32})
    if bad:
        raise ValueError(f"gruppenavnet {name!r} indeholder tegn, SharePoint ikke tillader: {' '.join(map(repr, bad))}")
    return name


GroupName = Annotated[str, AfterValidator(_group_name)]


def _default_groups() -> dict[Administration, str]:
    return {admin: f"Redaktører {admin.value}" for admin in Administration}


class PermissionRules(_Strict):
    """Who edits what in SharePoint: each administration's group edits its own initiatives and their child
    items (a folder per administration in each list); every other group reads them. ``owners`` and
    ``cross_administration`` may edit across administrations (their edits are shown as such)."""

    groups: dict[Administration, GroupName] = Field(default_factory=_default_groups)
    owners: GroupName = "Ejere af it-handlingsplaner"
    cross_administration: list[GroupName] = ["It-chefforum"]

    @field_validator("groups", mode="after")
    @classmethod
    def _every_administration(cls, value: dict[Administration, str]) -> dict[Administration, str]:
        # An administration left out keeps its default group: no department is ever without one.
        return {**_default_groups(), **value}

    @model_validator(mode="after")
    def _distinct(self) -> PermissionRules:
        names = [*self.groups.values(), self.owners, *self.cross_administration]
        seen: set[str] = set()
        for name in names:
            if name.lower() in seen:
                raise ValueError(f"gruppen {name!r} er nævnt to gange; hver forvaltning og rolle skal have sin egen gruppe")
            seen.add(name.lower())
        return self

    def administration_of_group(self, group: str) -> Administration | None:
        return next((a for a, g in self.groups.items() if g.lower() == group.lower()), None)


FrameAmount = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), allow_inf_nan=False)]
"""An investment frame for one budget year, in kr.; 0 is a frame (nothing may be asked that year)."""
BudgetYear = Annotated[int, Field(ge=2000, le=2100)]


class PlanFrames(_Strict):
    frames: dict[BudgetYear, FrameAmount] = {}


class ScenarioRules(_Strict):
    """Budget-frame scenarios: the investment frame per budget year, for every plan or per plan key."""

    frames: dict[BudgetYear, FrameAmount] = {}
    plans: dict[str, PlanFrames] = {}
    optimum_gap_pct: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] = 0.01
    time_limit_seconds: Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)] = 60.0
    exact_seconds: Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)] = 10.0
    """How long the exact optimum (to 1 kr.) is tried before ``optimum_gap_pct`` is allowed."""

    def frames_for(self, plan_key: str, kind: PlanKind | None) -> dict[int, Decimal]:
        """The plan's own frames where it has them, year by year; otherwise the ones for every plan.

        Those apply to joint plans only: they are the plans fitted into the budget process (a local or
        transition plan gets a scenario only from frames named for it).
        """
        own = self.plans.get(plan_key)
        common = self.frames if kind is PlanKind.FAELLES else {}
        return dict(sorted({**common, **(own.frames if own else {})}.items()))
_MAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


def _mail_address(value: str) -> str:
    value = value.strip()
    if not _MAIL.match(value) or len(value) > 254:
        raise ValueError(f"{value[:100]!r} er ikke en mailadresse (navn@kk.dk)")
    return value.lower()


MailAddress = Annotated[str, AfterValidator(_mail_address)]


class ReminderRules(_Strict):
    """Reminder mails before a plan's political decision (``kksync.checks.reminders``).

    ``days_before``: how many days before the expected decision date a reminder goes out (one reminder
    per number; a day the timer missed is caught up until the next one is due). ``stages``: the plan
    stages in which the decision is still ahead. ``contacts``: per administration the addresses that get
    a digest of all the administration's incomplete initiatives, beside their owners and managers.
    """

    days_before: Annotated[tuple[Annotated[int, Field(ge=1, le=365, strict=True)], ...], Field(min_length=1)] = (14, 3)
    stages: tuple[PlanStage, ...] = (PlanStage.UDKAST, PlanStage.KLAR)
    contacts: dict[Administration, tuple[MailAddress, ...]] = {}

    @field_validator("days_before")
    @classmethod
    def _distinct(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if len(set(value)) != len(value):
            raise ValueError("days_before må ikke nævne det samme antal dage to gange")
        return tuple(sorted(value, reverse=True))


class Governance(_Strict):
    thresholds: Thresholds = Thresholds()
    lights: LightLimits = LightLimits()
    kinds: dict[PlanKind, KindRules] = {}
    portfolio: PortfolioRules = PortfolioRules()
    budget_calendar: BudgetCalendar = BudgetCalendar()
    permissions: PermissionRules = PermissionRules()
    scenarios: ScenarioRules = ScenarioRules()
    reminders: ReminderRules = ReminderRules()

    _cache: dict[tuple[PlanKind | None, PlanStage | None], dict[str, Severity]] = PrivateAttr(default_factory=dict)

    def severities(self, kind: PlanKind | None, stage: PlanStage | None) -> dict[str, Severity]:
        """Rule code → severity for a plan of ``kind`` in ``stage``; ``None, None`` is the portfolio.

        An absent code is not checked. Built once per (kind, stage): the engine asks per plan.
        """
        key = (kind, stage)
        if key not in self._cache:
            self._cache[key] = self._build(kind, stage)
        return self._cache[key]

    def gate_applies(self, kind: PlanKind | None) -> bool:
        rules = self.kinds.get(kind) if kind is not None else None
        return rules is not None and rules.gate

    def _build(self, kind: PlanKind | None, stage: PlanStage | None) -> dict[str, Severity]:
        if kind is None:
            level, codes, caps = self.portfolio.severity, self.portfolio.rules, {}
        else:
            rules = self.kinds.get(kind)
            if rules is None or stage is None:
                return {}
            level, codes, caps = rules.stages.get(stage, "fra"), rules.rules, rules.max_severity
        if level == "fra":
            return {}
        base = Severity(level)
        result: dict[str, Severity] = {}
        for code in codes:
            cap = caps.get(code)
            result[code] = cap if cap is not None and _RANK[cap] < _RANK[base] else base
        return result


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc if part != "[key]") or "(roden)"


def load_governance(path: Path | None = None) -> Governance:
    """Read and validate a governance file (default: the shipped ``kksync/governance.toml``)."""
    if path is None:
        return _default()
    return _load(path)


@cache
def _default() -> Governance:
    return _load(DEFAULT_GOVERNANCE_FILE)


def _load(path: Path) -> Governance:
    try:
        # utf-8-sig: Notepad saves with a byte order mark. NFC: a key typed with a decomposed "å"
        # must still be the plan kind or funding source it looks like.
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8-sig"))
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError(f"Governance-filen {path} findes ikke. Ret KKSYNC_GOVERNANCE_FILE.") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"Governance-filen {path} er ikke UTF-8-tekst (byte {error.start}). Gem den som UTF-8.") from None
    except OSError as error:
        raise ConfigError(f"Governance-filen {path} kan ikke læses: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"Governance-filen {path} er ikke gyldig TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"Governance-filen {path} er for dybt indlejret til at være en governance-fil.") from None
    try:
        governance = Governance.model_validate(data)
    except ValidationError as error:
        lines = [f"{_where(d['loc'])}: {d['msg'].removeprefix('Value error, ')}" for d in error.errors()]
        raise ConfigError(f"Governance-filen {path} er ugyldig:\n  " + "\n  ".join(lines)) from None
    if not governance.kinds:
        # A replacement without plan kinds would check nothing and pass every plan at the gate.
        raise ConfigError(
            f"Governance-filen {path} angiver ingen plantyper ([kinds.\"Fælles handlingsplan\"] osv.), så intet "
            "ville blive tjekket. Tag udgangspunkt i den leverede kksync/governance.toml."
        )
    return governance
