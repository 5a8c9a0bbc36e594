"""Per-initiative rules: small pure functions from a ``Subject`` to the issues they find.

Each function is registered with the rule codes it can produce, so the engine runs only the
functions whose codes the governance switches on for the plan at hand.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kksync.checks.budget_rules import CONTINUATION_CODES, PROPOSAL_CODES, check_continuation, check_proposal
from kksync.checks.business_case import check_business_case, check_funding, filled
from kksync.checks.catalog import RULES, Issue, column, issue
from kksync.checks.context import Subject
from kksync.core.fmt import and_list, long_date
from kksync.core.model import Plan, TransitionOrigin
from kksync.core.schema import list_schema
from kksync.errors import SchemaError
from kksync.texts import LIST_NAMES, RULE_WORDS

__all__ = [
    "INITIATIVE_RULES", "RuleFn", "check_contribution", "check_delivery", "check_ranking", "check_responsibility",
    "check_strategy", "check_transition", "data_issues", "located_issue", "overdue_milestone_issues",
]

RuleFn = Callable[[Subject], list[Issue]]

_I = "initiatives"
RANK = column(_I, "rank")
RANKED_BY = column(_I, "ranked_by")
RANKED_ON = column(_I, "ranked_on")
ADMINISTRATION = column(_I, "administration")
OWNER = column(_I, "project_owner")
MANAGER = column(_I, "project_manager")
DELIVERER = column(_I, "delivery.deliverer")
START = column(_I, "delivery.start")
END = column(_I, "delivery.end")
OVERLAP = column(_I, "delivery.overlap_reason")
AGREED = column(_I, "delivery.agreed")
FOCUS = column(_I, "focus_area_ids")
CONTRIBUTES = column(_I, "contributes_to_ids")
ORIGIN = column(_I, "transition_origin")
REFERENCE = column(_I, "transition_reference")
MILESTONE_TITLE = column("milestones", "title")
MILESTONE_DUE = column("milestones", "due")
MILESTONE_DONE = column("milestones", "completed_on")
_MILESTONE_LIST = LIST_NAMES["milestones"]
_UNKNOWN_PERSON = "unknown_person"


def check_ranking(s: Subject) -> list[Issue]:
    """Rank present and agreed; uniqueness and gaps need the whole plan (``plan_rules``)."""
    ini = s.initiative
    out: list[Issue] = []
    if ini.rank is None:
        out.append(issue("RANK-MISSING", (RANK,)))
    if ini.ranked_by is None:
        out.append(issue("RANK-BY-MISSING", (RANKED_BY,)))
    if ini.ranked_on is None:
        out.append(issue("RANK-DATE-MISSING", (RANKED_ON,)))
    return out


def check_responsibility(s: Subject) -> list[Issue]:
    ini = s.initiative
    out: list[Issue] = []
    if ini.administration is None:
        out.append(issue("RESP-ADMIN-MISSING", (ADMINISTRATION,)))
    if ini.project_owner is None:
        # A person who left the site arrives as a mapping problem with the field emptied.
        gone = next((p.problem for p in s.problems if p.list_key == _I and _is_unknown_owner(p.problem.column, p.problem.code)), None)
        if gone is not None:
            out.append(issue("RESP-OWNER-UNKNOWN", (OWNER,), value=gone.value))
        else:
            out.append(issue("RESP-OWNER-MISSING", (OWNER,)))
    if ini.project_manager is None:
        out.append(issue("RESP-MANAGER-MISSING", (MANAGER,)))
    return out


def _is_unknown_owner(column_name: str, code: str) -> bool:
    return column_name == OWNER.name and code == _UNKNOWN_PERSON


def check_delivery(s: Subject) -> list[Issue]:
    delivery, plan = s.initiative.delivery, s.plan
    out: list[Issue] = []
    if not filled(delivery.deliverer):
        out.append(issue("DEL-DELIVERER-MISSING", (DELIVERER,)))
    start, end = delivery.start, delivery.end
    if start is None or end is None:
        dates = ((RULE_WORDS["start_date"], START, start), (RULE_WORDS["end_date"], END, end))
        gaps = [(name, col) for name, col, value in dates if value is None]
        what = and_list([name for name, _ in gaps])
        out.append(issue("DEL-DATES-MISSING", tuple(col for _, col in gaps), what=what))
    elif end < start:
        out.append(issue("DEL-DATES-INVALID", (START, END), start=long_date(start), end=long_date(end)))
    elif _outside(start, end, plan) and not filled(delivery.overlap_reason):
        assert plan.period_start is not None and plan.period_end is not None
        out.append(issue(
            "DEL-OUTSIDE-PERIOD", (OVERLAP, START, END), start=long_date(start), end=long_date(end),
            period=f"{long_date(plan.period_start)} – {long_date(plan.period_end)}",
        ))
    if not s.milestones:
        out.append(issue("DEL-MILESTONES-MISSING", (MILESTONE_TITLE, MILESTONE_DUE), list=_MILESTONE_LIST))
    out.extend(overdue_milestone_issues(s))
    if not delivery.agreed:
        out.append(issue("DEL-NOT-AGREED", (AGREED,)))
    return out


def overdue_milestone_issues(s: Subject) -> list[Issue]:
    """A milestone whose date has passed on the check's day without being reached (in date order)."""
    today = s.today
    if today is None:
        return []
    late = sorted((m for m in s.milestones if m.due is not None and m.due < today
                   and (m.completed_on is None or m.completed_on > today)),
                  key=lambda m: (m.due, m.title, m.id or 0))
    return [issue("DEL-MILESTONE-OVERDUE", (MILESTONE_DONE,), title=m.title, due=long_date(m.due),
                  list=_MILESTONE_LIST) for m in late]


def _outside(start: date, end: date, plan: Plan) -> bool:
    if plan.period_start is None or plan.period_end is None:
        return False  # the plan's own mapping problem says so; no period, nothing to compare
    return start < plan.period_start or end > plan.period_end


def check_strategy(s: Subject) -> list[Issue]:
    return [] if s.initiative.focus_area_ids else [issue("STRAT-FOCUS-MISSING", (FOCUS,))]


def check_transition(s: Subject) -> list[Issue]:
    ini = s.initiative
    out: list[Issue] = []
    if ini.transition_origin is None:
        choices = ", ".join(o.value.lower() if o is not TransitionOrigin.INVESTERINGSKATALOG_2010 else o.value for o in TransitionOrigin)
        out.append(issue("TRANS-ORIGIN-MISSING", (ORIGIN,), choices=choices))
    if not filled(ini.transition_reference):
        out.append(issue("TRANS-REFERENCE-MISSING", (REFERENCE,)))
    return out


def check_contribution(s: Subject) -> list[Issue]:
    """A local initiative names the joint initiatives it supports, and they are joint ones."""
    targets = s.initiative.contributes_to_ids
    if not targets:
        return [issue("CONTRIB-MISSING", (CONTRIBUTES,))]
    index = s.index
    wrong = [t for t in targets if t not in index.joint_ids]
    if not wrong:
        return []
    refs = []
    for target in wrong:
        other = index.initiatives.get(target)
        refs.append(f"«{other.key} {other.title}»" if other is not None else RULE_WORDS["item"].format(item_id=target))
    return [issue("CONTRIB-NOT-JOINT", (CONTRIBUTES,), refs=", ".join(refs))]


def data_issues(s: Subject, *, owner_reported: bool) -> list[Issue]:
    """Mapping problems on the initiative and its child records, in the department's words."""
    out: list[Issue] = []
    for located in s.problems:
        problem = located.problem
        if owner_reported and located.list_key == _I and _is_unknown_owner(problem.column, problem.code):
            continue  # RESP-OWNER-UNKNOWN already says it, with what to do
        out.append(located_issue(located.list_key, located.item_id, problem.column, problem.message))
    return out


def located_issue(list_key: str, item_id: int, column_name: str, message: str) -> Issue:
    where = "" if list_key == _I else RULE_WORDS["item_in_list"].format(list=_list_title(list_key), item_id=item_id) + ": "
    return Issue("DATA-PROBLEM", issue("DATA-PROBLEM", where=where, message=message).message, (column_name,))


def _list_title(list_key: str) -> str:
    if list_key in LIST_NAMES:
        return LIST_NAMES[list_key]
    try:
        return list_schema(list_key).description
    except SchemaError:  # a problem key from a list this version does not know
        return list_key


def _codes(prefix: str) -> frozenset[str]:
    return frozenset(code for code in RULES if code.startswith(prefix))


INITIATIVE_RULES: tuple[tuple[frozenset[str], RuleFn], ...] = (
    (frozenset({"RANK-MISSING", "RANK-BY-MISSING", "RANK-DATE-MISSING"}), check_ranking),
    (_codes("BC-"), check_business_case),
    (_codes("RESP-"), check_responsibility),
    (_codes("FUND-") - PROPOSAL_CODES, check_funding),
    (PROPOSAL_CODES, check_proposal),
    (_codes("DEL-"), check_delivery),
    (_codes("STRAT-"), check_strategy),
    (frozenset({"TRANS-ORIGIN-MISSING", "TRANS-REFERENCE-MISSING"}), check_transition),
    (frozenset({"CONTRIB-MISSING", "CONTRIB-NOT-JOINT"}), check_contribution),
    (CONTINUATION_CODES, check_continuation),
)
"""Per-initiative rule functions with the codes each can produce (DATA-PROBLEM runs separately)."""
