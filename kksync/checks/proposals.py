"""An initiative's proposal to the investment catalogue, and when it is complete (pure).

An initiative asks for investment-catalogue money when one of its funding lines has the source
"Investeringspulje/investeringskatalog". Its proposal is for the budget year of the earliest such
line, and it is *complete* when it holds what the budget office needs to weigh it: amounts per year
and per styringsområde, a management summary, the business case's key figures (NPV, payback,
discount rate), the operating costs per year in scenario 0 and 1 (from which the lasting change after
the period follows), a benefit owner and the main risks. The rule (``FUND-PROPOSAL-*``) and the
proposal document read the same ``Proposal``, so they never disagree on what is missing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from kksync.checks.catalog import column
from kksync.core.model import (
    AgreementStatus,
    BudgetCategory,
    BusinessCaseFigure,
    FigureKind,
    FundingLine,
    FundingSource,
    Initiative,
    Plan,
)
from kksync.core.schema import Column

__all__ = ["CATALOGUE", "Gap", "Proposal", "asks_for_catalogue", "proposal_of"]

CATALOGUE = FundingSource.INVESTERINGSPULJE

_I, _FUND, _FIG = "initiatives", "funding_lines", "figures"
_GAP_COLUMNS: dict[str, tuple[Column, ...]] = {
    "amounts": (column(_FUND, "year"), column(_FUND, "category"), column(_FUND, "amount")),
    "summary": (column(_I, "business_case.summary"),),
    "npv": (column(_I, "business_case.npv"),),
    "payback": (column(_I, "business_case.payback_years"),),
    "discount_rate": (column(_I, "business_case.discount_rate"),),
    "lasting": (column(_FIG, "kind"), column(_FIG, "year"), column(_FIG, "amount")),
    "benefit_owner": (column(_I, "benefit_owner"),),
    "risks": (column(_I, "risks"),),
}


@dataclass(frozen=True, slots=True)
class Gap:
    """One thing a proposal lacks: a key of ``kksync.texts.proposals.PROPOSAL_GAPS`` and its columns."""

    key: str
    columns: tuple[Column, ...]


@dataclass(frozen=True, slots=True)
class Proposal:
    initiative: Initiative
    lines: tuple[FundingLine, ...]
    """The investment-catalogue funding lines."""
    budget_year: int | None
    """The year of the earliest line with a year: the budget the proposal is for."""
    amounts: dict[tuple[BudgetCategory, int], Decimal]
    """Kroner per (styringsområde, year), from the lines that have all three."""
    incomplete_lines: int
    """Lines without a year, a styringsområde or an amount (left out of ``amounts``)."""
    lasting: Decimal | None
    """Net yearly operating change after the period (kr.): drift 1 − drift 0 − benefits in ``lasting_year``."""
    lasting_year: int | None
    other_funding: Decimal
    """Funding from other sources than the catalogue (kr.)."""
    states: tuple[AgreementStatus | None, ...]
    gaps: tuple[Gap, ...]

    @property
    def complete(self) -> bool:
        return not self.gaps

    @property
    def years(self) -> list[int]:
        return sorted({year for _, year in self.amounts})

    def total(self, category: BudgetCategory | None = None, year: int | None = None) -> Decimal:
        return sum((v for (c, y), v in self.amounts.items()
                    if (category is None or c is category) and (year is None or y == year)), Decimal(0))


def proposal_year(funding: Iterable[FundingLine], plan: Plan | None) -> int | None:
    """The budget year an initiative's proposal is for: its earliest catalogue line with a year, else the
    year its plan begins; ``None`` when it asks for no catalogue money (or neither is known)."""
    lines = [line for line in funding if line.source is CATALOGUE]
    if not lines:
        return None
    years = [line.year for line in lines if line.year is not None]
    if years:
        return min(years)
    return plan.period_start.year if plan is not None and plan.period_start is not None else None


def asks_for_catalogue(funding: Iterable[FundingLine]) -> bool:
    return any(line.source is CATALOGUE for line in funding)


def _filled(text: str | None) -> bool:
    return text is not None and bool(text.strip())


def _lasting(figures: list[BusinessCaseFigure]) -> tuple[Decimal | None, int | None]:
    """The business case's net operating change in its last year with operating costs in both scenarios."""
    by_year: dict[int, dict[FigureKind, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for figure in figures:
        if figure.year is not None and figure.amount is not None and figure.kind is not None:
            by_year[figure.year][figure.kind] += figure.amount
    years = [y for y, kinds in by_year.items() if FigureKind.DRIFT_0 in kinds and FigureKind.DRIFT_1 in kinds]
    if not years:
        return None, None
    last = max(years)
    kinds = by_year[last]
    return kinds[FigureKind.DRIFT_1] - kinds[FigureKind.DRIFT_0] - kinds.get(FigureKind.GEVINST, Decimal(0)), last


def proposal_of(initiative: Initiative, funding: list[FundingLine], figures: list[BusinessCaseFigure]) -> Proposal | None:
    """The initiative's proposal, or ``None`` when it asks for no investment-catalogue money."""
    lines = tuple(line for line in funding if line.source is CATALOGUE)
    if not lines:
        return None
    amounts: dict[tuple[BudgetCategory, int], Decimal] = defaultdict(Decimal)
    incomplete = 0
    for line in lines:
        if line.year is None or line.category is None or line.amount is None:
            incomplete += 1
            continue
        amounts[(line.category, line.year)] += line.amount
    years = [line.year for line in lines if line.year is not None]
    lasting, lasting_year = _lasting(figures)
    bc = initiative.business_case
    missing = [
        key for key, lacking in (
            ("amounts", incomplete > 0 or not amounts),
            ("summary", not _filled(bc.summary)),
            ("npv", bc.npv is None),
            ("payback", bc.payback_years is None),
            ("discount_rate", bc.discount_rate is None),
            ("lasting", lasting is None),
            ("benefit_owner", initiative.benefit_owner is None),
            ("risks", not _filled(initiative.risks)),
        ) if lacking
    ]
    other = sum((line.amount for line in funding if line.source is not CATALOGUE and line.amount is not None), Decimal(0))
    return Proposal(
        initiative=initiative, lines=lines, budget_year=min(years) if years else None, amounts=dict(amounts),
        incomplete_lines=incomplete, lasting=lasting, lasting_year=lasting_year, other_funding=other,
        states=tuple(line.status for line in lines), gaps=tuple(Gap(k, _GAP_COLUMNS[k]) for k in missing),
    )
