"""Indexes built once per check run, and the per-initiative view the rules read.

Every lookup a rule needs (plan of an initiative, children, mapping problems, which joint
initiatives local ones contribute to) is a dict built here in one pass, so a run stays linear
in the size of the portfolio.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from kksync.checks.budget_calendar import BudgetCalendar
from kksync.checks.governance import Thresholds
from kksync.core.model import (
    Administration,
    BusinessCaseFigure,
    FieldProblem,
    FundingLine,
    Initiative,
    Milestone,
    Plan,
    PlanKind,
    Portfolio,
    StatusEntry,
)

__all__ = ["CHILD_LISTS", "Index", "LocatedProblem", "Subject"]

CHILD_LISTS = ("funding_lines", "figures", "milestones", "statuses", "it_projects")
"""Lists whose records belong to an initiative: their mapping problems are shown on it."""


@dataclass(frozen=True, slots=True)
class LocatedProblem:
    list_key: str
    item_id: int
    problem: FieldProblem


@dataclass(slots=True)
class Index:
    plans: dict[int, Plan]
    initiatives: dict[int, Initiative]
    by_plan: dict[int, list[Initiative]]
    orphans: list[Initiative]
    """Initiatives without an existing plan."""
    joint_ids: frozenset[int]
    contributors: dict[int, set[Administration]]
    """Joint initiative id → administrations with a local initiative contributing to it."""
    funding: dict[int, list[FundingLine]]
    figures: dict[int, list[BusinessCaseFigure]]
    milestones: dict[int, list[Milestone]]
    statuses: dict[int, list[StatusEntry]]
    problems: dict[int, list[LocatedProblem]] = field(default_factory=dict)
    plan_problems: dict[int, list[LocatedProblem]] = field(default_factory=dict)
    loose_problems: list[LocatedProblem] = field(default_factory=list)
    successors: dict[int, list[int]] = field(default_factory=dict)
    """Initiative id → the initiatives that say they continue it (``continues_from_id``)."""

    @classmethod
    def build(cls, portfolio: Portfolio) -> Index:
        plans = {p.id: p for p in portfolio.plans if p.id is not None}
        initiatives: dict[int, Initiative] = {}
        by_plan: dict[int, list[Initiative]] = defaultdict(list)
        orphans: list[Initiative] = []
        for ini in portfolio.initiatives:
            if ini.id is not None:
                initiatives[ini.id] = ini
            if ini.plan_id is not None and ini.plan_id in plans:
                by_plan[ini.plan_id].append(ini)
            else:
                orphans.append(ini)
        joint_plans = {pid for pid, p in plans.items() if p.kind is PlanKind.FAELLES}
        joint_ids = frozenset(i.id for i in portfolio.initiatives if i.id is not None and i.plan_id in joint_plans)
        contributors: dict[int, set[Administration]] = defaultdict(set)
        for ini in portfolio.initiatives:
            if not ini.contributes_to_ids:
                continue
            plan = plans.get(ini.plan_id) if ini.plan_id is not None else None
            if plan is None or plan.kind is not PlanKind.LOKAL:
                continue
            admin = ini.administration or plan.administration
            if admin is not None:
                for target in ini.contributes_to_ids:
                    contributors[target].add(admin)
        children = portfolio.children()
        index = cls(
            plans, initiatives, dict(by_plan), orphans, joint_ids, dict(contributors),
            children.funding, children.figures, children.milestones, children.statuses,
        )
        index._place_problems(portfolio)
        for ini in portfolio.initiatives:
            if ini.continues_from_id is not None and ini.id is not None:
                index.successors.setdefault(ini.continues_from_id, []).append(ini.id)
        return index

    def _place_problems(self, portfolio: Portfolio) -> None:
        """Attach mapping problems to the initiative they belong to (child lists included)."""
        owners: dict[str, dict[int, int | None]] = {}
        for key in sorted(portfolio.problems, key=_problem_key_order):
            list_key, _, raw_id = key.partition("/")
            try:
                item_id = int(raw_id)
            except ValueError:
                item_id = 0
            located = [LocatedProblem(list_key, item_id, p) for p in portfolio.problems[key]]
            initiative_id: int | None = None
            if list_key == "initiatives":
                initiative_id = item_id
            elif list_key in CHILD_LISTS:
                if list_key not in owners:
                    records = getattr(portfolio, list_key)
                    owners[list_key] = {r.id: r.initiative_id for r in records if r.id is not None}
                initiative_id = owners[list_key].get(item_id)
            elif list_key == "plans" and item_id in self.plans:
                self.plan_problems.setdefault(item_id, []).extend(located)
                continue
            if initiative_id is not None and initiative_id in self.initiatives:
                self.problems.setdefault(initiative_id, []).extend(located)
            else:
                self.loose_problems.extend(located)


def _problem_key_order(key: str) -> tuple[str, int, str]:
    list_key, _, raw_id = key.partition("/")
    return (list_key, int(raw_id), "") if raw_id.isdigit() else (list_key, 0, raw_id)


@dataclass(slots=True)
class Subject:
    """One initiative with everything its rules look at."""

    initiative: Initiative
    plan: Plan
    index: Index
    thresholds: Thresholds
    funding: list[FundingLine]
    figures: list[BusinessCaseFigure]
    milestones: list[Milestone]
    problems: list[LocatedProblem]
    today: date | None = None
    """The day the check stands on (a milestone due before it and not reached is overdue)."""
    calendar: BudgetCalendar | None = None
    """The governance file's budget calendar (deadlines of investment-catalogue proposals)."""

    @classmethod
    def of(cls, initiative: Initiative, plan: Plan, index: Index, thresholds: Thresholds, *,
           today: date | None = None, calendar: BudgetCalendar | None = None) -> Subject:
        iid = initiative.id
        if iid is None:
            return cls(initiative, plan, index, thresholds, [], [], [], [], today, calendar)
        return cls(
            initiative, plan, index, thresholds,
            index.funding.get(iid, []), index.figures.get(iid, []), index.milestones.get(iid, []),
            index.problems.get(iid, []), today, calendar,
        )
