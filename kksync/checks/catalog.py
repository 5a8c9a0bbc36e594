"""The rule catalogue: every rule code and its requirement, in catalogue order; each rule's Danish
message is its template in ``kksync.texts.checks`` (``{field}``/``{fields}`` are filled in here by
``issue()`` from the rule's columns).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from kksync.checks.findings import Requirement
from kksync.core.fmt import and_list
from kksync.core.schema import Column, list_schema
from kksync.texts import RULE_TEXTS

__all__ = ["RULES", "Issue", "Rule", "column", "issue", "rule_order"]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    requirement: Requirement
    text: str


class Issue(NamedTuple):
    """What a rule function returns: the engine adds severity and identity to make a ``Finding``."""

    code: str
    message: str
    fields: tuple[str, ...]


R = Requirement
_TABLE: tuple[tuple[str, Requirement], ...] = (
    ("RANK-MISSING", R.RANKING),
    ("RANK-DUPLICATE", R.RANKING),
    ("RANK-GAP", R.RANKING),
    ("RANK-BY-MISSING", R.RANKING),
    ("RANK-DATE-MISSING", R.RANKING),
    ("BC-MISSING", R.BUSINESS_CASE),
    ("BC-SUMMARY-MISSING", R.BUSINESS_CASE),
    ("BC-SCENARIO-MISSING", R.BUSINESS_CASE),
    ("BC-NOT-APPROVED", R.BUSINESS_CASE),
    ("BC-APPROVER-MISSING", R.BUSINESS_CASE),
    ("BC-APPROVAL-DATE-MISSING", R.BUSINESS_CASE),
    ("BC-INVESTMENT-MISSING", R.BUSINESS_CASE),
    ("BC-OPERATING-MISSING", R.BUSINESS_CASE),
    ("BC-BENEFITS-MISSING", R.BUSINESS_CASE),
    ("BC-DISCOUNT-RATE-MISSING", R.BUSINESS_CASE),
    ("BC-NPV-MISSING", R.BUSINESS_CASE),
    ("BC-NPV-MISMATCH", R.BUSINESS_CASE),
    ("BC-PAYBACK-MISSING", R.BUSINESS_CASE),
    ("BC-PAYBACK-MISMATCH", R.BUSINESS_CASE),
    ("RESP-ADMIN-MISSING", R.RESPONSIBILITY),
    ("RESP-OWNER-MISSING", R.RESPONSIBILITY),
    ("RESP-OWNER-UNKNOWN", R.RESPONSIBILITY),
    ("RESP-MANAGER-MISSING", R.RESPONSIBILITY),
    ("FUND-MISSING", R.FUNDING),
    ("FUND-SOURCE-INVALID", R.FUNDING),
    ("FUND-TOTAL-MISMATCH", R.FUNDING),
    ("FUND-NOT-AGREED", R.FUNDING),
    ("FUND-DATE-MISSING", R.FUNDING),
    ("DEL-DELIVERER-MISSING", R.DELIVERY),
    ("DEL-DATES-MISSING", R.DELIVERY),
    ("DEL-DATES-INVALID", R.DELIVERY),
    ("DEL-OUTSIDE-PERIOD", R.DELIVERY),
    ("DEL-MILESTONES-MISSING", R.DELIVERY),
    ("DEL-NOT-AGREED", R.DELIVERY),
    ("DEL-MILESTONE-OVERDUE", R.DELIVERY),
    ("STRAT-FOCUS-MISSING", R.STRATEGY),
    ("CONTRIB-MISSING", R.CONTRIBUTION),
    ("CONTRIB-NOT-JOINT", R.CONTRIBUTION),
    ("CONTRIB-UNCOVERED", R.CONTRIBUTION),
    ("PORT-PROJECT-UNLINKED", R.PORTFOLIO),
    ("TRANS-ORIGIN-MISSING", R.TRANSITION),
    ("TRANS-REFERENCE-MISSING", R.TRANSITION),
    ("TRANS-PLAN-AT-GATE", R.TRANSITION),
    ("DATA-PROBLEM", R.DATA),
    ("DATA-PLAN-MISSING", R.DATA),
    ("DATA-KEY-DUPLICATE", R.DATA),
    ("PLAN-DECISION-PASSED", R.DATA),
    ("PLAN-STAGE-UNKNOWN", R.DATA),
    # the budget process and plans that follow each other (texts: kksync.texts.proposals)
    ("FUND-PROPOSAL-INCOMPLETE", R.FUNDING),
    ("FUND-PROPOSAL-LATE", R.FUNDING),
    ("DATA-CONTINUATION-MISSING", R.DATA),
    ("DATA-CONTINUATION-PLAN", R.DATA),
    ("DATA-CONTINUATION-CYCLE", R.DATA),
    ("DATA-CONTINUATION-DUPLICATE", R.DATA),
)

RULES: dict[str, Rule] = {code: Rule(code, req, RULE_TEXTS[code]) for code, req in _TABLE}
_ORDER = {code: n for n, (code, _) in enumerate(_TABLE)}


def rule_order(code: str) -> int:
    """Catalogue position: the stable order of findings in bot-written texts."""
    return _ORDER[code]


@cache
def _columns_by_attr(list_key: str) -> dict[str, Column]:
    return {c.attr: c for c in list_schema(list_key).columns}


def column(list_key: str, attr: str) -> Column:
    """The schema column for a model attribute path (``"business_case.npv"``); raises if none."""
    try:
        return _columns_by_attr(list_key)[attr]
    except KeyError:
        raise KeyError(f"list {list_key!r} has no column for {attr!r}") from None


def _quoted(columns: tuple[Column, ...]) -> str:
    return and_list([f"«{c.title}»" for c in columns])


def issue(code: str, columns: tuple[Column, ...] = (), **values: object) -> Issue:
    """Build an issue for ``code`` with its message filled in."""
    text = RULES[code].text
    if columns:
        values.setdefault("field", f"«{columns[0].title}»")
        values.setdefault("fields", _quoted(columns))
    return Issue(code, text.format(**values), tuple(c.name for c in columns))
