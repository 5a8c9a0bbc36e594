"""Rules that need more than one record: ranking order within a plan, coverage of joint
initiatives by local ones, the transition plan's stage, and the IT-project portfolio."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from kksync.checks.catalog import Issue, column, issue
from kksync.checks.context import Index
from kksync.core import fmt
from kksync.core.model import Administration, Initiative, ItProject, Plan, PlanKind, PlanStage
from kksync.texts import LIST_NAMES

__all__ = [
    "coverage_issues", "duplicate_key_issues", "orphan_issue", "plan_issues", "project_issues", "ranking_order_issues",
]

RANK = column("initiatives", "rank")
INVOLVED = column("initiatives", "involved")
PLAN = column("initiatives", "plan_id")
STAGE = column("plans", "stage")
DECISION = column("plans", "decision_date")
KEY = column("initiatives", "key")
PROJECT_INITIATIVE = column("it_projects", "initiative_id")
_PROJECT_LIST = LIST_NAMES["it_projects"]
_ADMIN_ORDER = {a: n for n, a in enumerate(Administration)}


def ranking_order_issues(initiatives: list[Initiative]) -> dict[int, list[Issue]]:
    """Ranks unique and within 1..n for the plan's n initiatives (no gaps), keyed by initiative id.

    Unique ranks that all lie within 1..n are exactly 1..n, so flagging duplicates and ranks
    above n is enough — and it points at the initiatives that must change.
    """
    n = len(initiatives)
    holders: dict[int, list[Initiative]] = defaultdict(list)
    for ini in initiatives:
        if ini.rank is not None:
            holders[ini.rank].append(ini)
    out: dict[int, list[Issue]] = {}
    for rank, group in holders.items():
        for ini in group:
            if ini.id is None:
                continue
            found: list[Issue] = []
            if len(group) > 1:
                others = ", ".join(f"«{o.key}»" for o in sorted(group, key=lambda o: o.key) if o is not ini)
                found.append(issue("RANK-DUPLICATE", (RANK,), rank=rank, others=others))
            if rank > n:
                found.append(issue("RANK-GAP", (RANK,), rank=rank, n=n))
            if found:
                out[ini.id] = found
    return out


def duplicate_key_issues(initiatives: list[Initiative]) -> dict[int, list[Issue]]:
    """Two initiatives of one plan with the same id (key): documents and comparisons could not tell them apart.

    Keys are compared as people read them: case and surrounding spaces do not make a key different.
    """
    holders: dict[str, list[Initiative]] = defaultdict(list)
    for ini in initiatives:
        holders[ini.key.strip().casefold()].append(ini)
    out: dict[int, list[Issue]] = {}
    for group in holders.values():
        if len(group) < 2:
            continue
        for ini in group:
            if ini.id is None:
                continue
            others = fmt.and_list([f"«{o.title}»" for o in sorted(group, key=lambda o: (o.id or 0)) if o is not ini])
            out[ini.id] = [issue("DATA-KEY-DUPLICATE", (KEY,), key=ini.key, others=others)]
    return out


def coverage_issues(initiative: Initiative, index: Index) -> list[Issue]:
    """A joint initiative's involved administrations each contribute with a local initiative."""
    if not initiative.involved or initiative.id is None:
        return []
    covered = index.contributors.get(initiative.id, set())
    missing = sorted({a for a in initiative.involved if a not in covered}, key=_ADMIN_ORDER.__getitem__)
    if not missing:
        return []
    names = [a.value for a in missing]
    return [issue("CONTRIB-UNCOVERED", (INVOLVED,), admins=fmt.and_list(names))]


def plan_issues(plan: Plan, today: date | None = None) -> list[Issue]:
    """Findings on the plan itself: a transition plan at the gate; a plan "ready" whose decision date has passed."""
    if plan.kind is PlanKind.OVERGANG and plan.stage is PlanStage.KLAR:
        return [issue("TRANS-PLAN-AT-GATE", (STAGE,))]
    if today is not None and plan.stage is PlanStage.KLAR and plan.decision_date is not None and plan.decision_date < today:
        return [issue("PLAN-DECISION-PASSED", (DECISION,), stage=plan.stage.value, date=fmt.long_date(plan.decision_date))]
    return []


def orphan_issue() -> Issue:
    return issue("DATA-PLAN-MISSING", (PLAN,))


def project_issues(project: ItProject, index: Index, threshold_kr: float) -> list[Issue]:
    """Larger IT projects belong to the portfolio management: linked to an existing initiative."""
    if project.total_cost is None or float(project.total_cost) < threshold_kr:
        return []
    if project.initiative_id is not None and project.initiative_id in index.initiatives:
        return []
    return [issue(
        "PORT-PROJECT-UNLINKED", (PROJECT_INITIATIVE,), key=project.key, title=project.title,
        cost=fmt.mio(project.total_cost), limit=fmt.mio(threshold_kr), list=_PROJECT_LIST,
    )]
