"""Rules of the budget process and of plans that follow each other (pure).

``check_proposal``: an initiative asking for investment-catalogue money whose proposal is incomplete
is a finding from ``proposal_notice_days`` before the budget year's proposal deadline up to the
deadline (``FUND-PROPOSAL-INCOMPLETE``), and after it until the budget is adopted
(``FUND-PROPOSAL-LATE``); after the adoption the budget is decided and the funding rules take over.
The day is the check's day (``Subject.today``), so a test or a document "as of" a date gets the
answer for that date.

``check_continuation``: an initiative continued from an earlier plan links to its predecessor
(``continues_from_id``). The link must point to an existing initiative of a plan that ends before
this plan begins, must not close a ring, and one predecessor continues in one initiative only.
"""

from __future__ import annotations

from kksync.checks.catalog import Issue, column, issue
from kksync.checks.context import Subject
from kksync.checks.proposals import proposal_of, proposal_year
from kksync.core import fmt
from kksync.core.model import Initiative, Plan
from kksync.texts.proposals import PROPOSAL_GAPS, days_left

__all__ = ["CONTINUATION_CODES", "PROPOSAL_CODES", "check_continuation", "check_proposal", "continuation_chain"]

PROPOSAL_CODES = frozenset({"FUND-PROPOSAL-INCOMPLETE", "FUND-PROPOSAL-LATE"})
CONTINUATION_CODES = frozenset({
    "DATA-CONTINUATION-MISSING", "DATA-CONTINUATION-PLAN", "DATA-CONTINUATION-CYCLE", "DATA-CONTINUATION-DUPLICATE",
})
CONTINUES = column("initiatives", "continues_from_id")


def check_proposal(s: Subject) -> list[Issue]:
    calendar, today = s.calendar, s.today
    if calendar is None or today is None:
        return []
    # Whether the day is in a proposal window at all is decided from the catalogue lines alone; the whole
    # proposal (its figures and the lasting change) is worked out only then.
    year = proposal_year(s.funding, s.plan)
    entry = calendar.year(year) if year is not None else None
    if entry is None:
        return []
    left = (entry.proposal_deadline - today).days
    if left > calendar.proposal_notice_days or (left < 0 and today > entry.adoption):
        return []
    proposal = proposal_of(s.initiative, s.funding, s.figures)
    if proposal is None or proposal.complete:
        return []
    missing = fmt.and_list([PROPOSAL_GAPS[g.key] for g in proposal.gaps])
    columns = tuple(dict.fromkeys(c for g in proposal.gaps for c in g.columns))
    deadline = fmt.long_date(entry.proposal_deadline)
    if 0 <= left <= calendar.proposal_notice_days:
        return [issue("FUND-PROPOSAL-INCOMPLETE", columns, year=year, missing=missing, deadline=deadline,
                      left=days_left(left))]
    if left < 0 and today <= entry.adoption:
        return [issue("FUND-PROPOSAL-LATE", columns, year=year, missing=missing, deadline=deadline,
                      agreement=fmt.long_date(entry.budget_agreement))]
    return []


def _ref(initiative: Initiative) -> str:
    return f"«{initiative.key} {initiative.title}»"


def _period(plan: Plan | None) -> str:
    if plan is None or plan.period_start is None or plan.period_end is None:
        return fmt.MISSING
    return f"{fmt.long_date(plan.period_start)} – {fmt.long_date(plan.period_end)}"


def continuation_chain(initiative: Initiative, initiatives: dict[int, Initiative]) -> tuple[list[Initiative], bool]:
    """The predecessors, nearest first, and whether following them returns to ``initiative`` (a ring).

    Stops at a missing predecessor and at a ring that does not pass through ``initiative``.
    """
    chain: list[Initiative] = []
    seen = {initiative.id}
    current = initiative
    while current.continues_from_id is not None:
        target = current.continues_from_id
        if target == initiative.id:
            return chain, True
        if target in seen or target not in initiatives:
            return chain, False
        seen.add(target)
        current = initiatives[target]
        chain.append(current)
    return chain, False


def check_continuation(s: Subject) -> list[Issue]:
    ini, index = s.initiative, s.index
    target = ini.continues_from_id
    if target is None:
        return []
    out: list[Issue] = []
    predecessor = index.initiatives.get(target)
    if predecessor is None:
        return [issue("DATA-CONTINUATION-MISSING", (CONTINUES,), item_id=target)]
    chain, ring = continuation_chain(ini, index.initiatives)
    if ring:
        names = " → ".join(f"«{i.key}»" for i in (ini, *chain, ini))
        out.append(issue("DATA-CONTINUATION-CYCLE", (CONTINUES,), chain=names))
    else:
        other = index.plans.get(predecessor.plan_id) if predecessor.plan_id is not None else None
        if not _precedes(other, s.plan):
            out.append(issue("DATA-CONTINUATION-PLAN", (CONTINUES,), ref=_ref(predecessor),
                             other_plan=other.title if other is not None else fmt.MISSING,
                             other_period=_period(other), period=_period(s.plan)))
    siblings = [index.initiatives[i] for i in index.successors.get(target, []) if i != ini.id and i in index.initiatives]
    if siblings:
        others = fmt.and_list([_ref(o) for o in sorted(siblings, key=lambda o: (o.key, o.id or 0))])
        out.append(issue("DATA-CONTINUATION-DUPLICATE", (CONTINUES,), ref=_ref(predecessor), others=others))
    return out


def _precedes(earlier: Plan | None, later: Plan) -> bool:
    """The earlier plan ends before the later one begins (a plan without a period is not judged here)."""
    if earlier is None:
        return False
    if earlier.id == later.id:
        return False
    if earlier.period_end is None or later.period_start is None:
        return True  # the plan's own mapping problem says its period is missing
    return earlier.period_end < later.period_start
