"""The municipality's budget calendar as configuration, and the deadlines it sets (pure).

Per budget year the governance file names the dates that matter to the plans: the deadline for
proposals to the investment catalogue (investeringskataloget), the Finance Committee's budget
seminar, the budget agreement and the adoption by Borgerrepræsentationen, plus the price level
the proposals are stated in (``"2013-pl"``). The dates are validated at load (in order, adopted
before the budget year begins); ``upcoming_deadlines`` is the one question the checks and the
reminders ask of them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["BudgetCalendar", "BudgetYear", "Deadline", "Milestone", "upcoming_deadlines"]

BudgetYearNumber = Annotated[int, Field(ge=2000, le=2100)]


class Milestone(StrEnum):
    """The budget process's dates, in the order they fall (values are the governance file's keys)."""

    PROPOSAL_DEADLINE = "proposal_deadline"
    BUDGET_SEMINAR = "budget_seminar"
    BUDGET_AGREEMENT = "budget_agreement"
    ADOPTION = "adoption"


class BudgetYear(BaseModel):
    """One budget year's calendar."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    price_level: Annotated[str, Field(min_length=1, max_length=20, pattern=r"^\S(.*\S)?$")]
    """The price level the year's proposals are stated in, as the budget office writes it ("2013-pl")."""
    proposal_deadline: date
    budget_seminar: date
    budget_agreement: date
    adoption: date

    def on(self, milestone: Milestone) -> date:
        day: date = getattr(self, milestone.value)
        return day


class BudgetCalendar(BaseModel):
    """``[budget_calendar]`` in the governance file; no years configured means no budget deadlines."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    proposal_notice_days: Annotated[int, Field(ge=0, le=730, strict=True)] = 90
    """From this many days before the proposal deadline an incomplete proposal is a finding."""
    years: dict[BudgetYearNumber, BudgetYear] = {}

    @model_validator(mode="after")
    def _ordered(self) -> BudgetCalendar:
        for year, entry in self.years.items():
            days = [(m, entry.on(m)) for m in Milestone]
            for (first, a), (then, b) in itertools.pairwise(days):
                if b < a:
                    raise ValueError(f"budgetår {year}: {then.value} ({b.isoformat()}) ligger før {first.value} ({a.isoformat()})")
            if entry.adoption >= date(year, 1, 1):
                raise ValueError(f"budgetår {year}: adoption ({entry.adoption.isoformat()}) skal ligge før budgetåret begynder")
        return self

    def year(self, budget_year: int) -> BudgetYear | None:
        return self.years.get(budget_year)


@dataclass(frozen=True, slots=True)
class Deadline:
    budget_year: int
    milestone: Milestone
    day: date
    days_left: int
    """0 on the day itself."""


def upcoming_deadlines(calendar: BudgetCalendar, today: date, *, within_days: int | None = None,
                       milestones: frozenset[Milestone] | None = None) -> list[Deadline]:
    """The calendar's dates from ``today`` on (today included), soonest first; ``within_days`` bounds how far ahead."""
    out: list[Deadline] = []
    for year, entry in calendar.years.items():
        for milestone in Milestone:
            if milestones is not None and milestone not in milestones:
                continue
            day = entry.on(milestone)
            left = (day - today).days
            if left < 0 or (within_days is not None and left > within_days):
                continue
            out.append(Deadline(year, milestone, day, left))
    out.sort(key=lambda d: (d.day, d.budget_year, list(Milestone).index(d.milestone)))
    return out
