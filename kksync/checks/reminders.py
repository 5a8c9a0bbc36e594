"""Who gets which reminder mail today, before a plan's political decision (pure: no I/O, no clock).

An **occasion** is a date something must be ready by and why: the expected decision date of a plan
still before its decision (``decision_occasions``), and the budget calendar's deadline for proposals to
the investment catalogue, for the initiatives whose proposal for that budget year is incomplete
(``proposal_occasions``). Other deadlines plug in as one more function in ``default_sources`` (or the
``sources`` argument): a function from the portfolio and the reminder rules to occasions.

A **reminder** is one occasion at one of the governance file's ``days_before`` (default 14 and 3 days
before). It is due from that day until the next smaller one is (so a day the timer missed is caught up,
and a deadline entered late still gets its reminder), and never on or after the occasion itself. Its key
(``Occasion.key`` + the number of days) is what the ledger remembers per person: a reminder is sent to
a person once, ever.

A **digest** is one person's mail of one day: every reminder due to them, each with the person's
incomplete initiatives of that plan and what is missing (the "Hvad mangler" findings of the check
report). Recipients are the project owner and the project manager of each incomplete initiative, and the
contacts the governance file names for its administration. Nobody gets a digest with nothing in it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from kksync.checks.bot_values import shown_findings
from kksync.checks.budget_calendar import BudgetCalendar
from kksync.checks.findings import CheckReport
from kksync.checks.governance import Governance, ReminderRules
from kksync.checks.proposals import proposal_of, proposal_year
from kksync.core.model import Completeness, Initiative, Person, Portfolio

__all__ = [
    "OCCASION_SOURCES",
    "Digest",
    "DigestItem",
    "DigestSection",
    "Occasion",
    "OccasionSource",
    "ReminderPlan",
    "Role",
    "Unreachable",
    "decision_occasions",
    "default_sources",
    "due_reminder",
    "plan_reminders",
    "proposal_occasions",
]

PROPOSAL_REMINDED = frozenset({"FUND-PROPOSAL-INCOMPLETE"})
"""The finding a proposal-deadline reminder is about (after the deadline it is ``FUND-PROPOSAL-LATE``: no reminder)."""

RoleKind = Literal["owner", "manager", "contact"]


@dataclass(frozen=True, slots=True)
class Occasion:
    """A date a plan's initiatives must be complete by, and why (``kind``: a key of ``OCCASION_NAMES``)."""

    kind: str
    day: date
    plan_id: int
    plan_key: str
    plan_title: str
    rules: frozenset[str] | None = None
    """Only findings of these rules are what is missing (and only initiatives with one are reminded);
    ``None``: everything "Hvad mangler" shows, for the plan's incomplete initiatives."""
    initiative_ids: frozenset[int] | None = None
    """Only these initiatives of the plan (``None``: all of them)."""

    @property
    def key(self) -> str:
        """Stable across runs; a moved date is a new occasion (and new reminders)."""
        return f"{self.kind}|{self.plan_key}|{self.day.isoformat()}"


OccasionSource = Callable[[Portfolio, ReminderRules], Iterable[Occasion]]


def decision_occasions(portfolio: Portfolio, rules: ReminderRules) -> Iterator[Occasion]:
    """The expected decision date of every plan whose decision is still ahead (its stage in ``rules.stages``)."""
    for plan in portfolio.plans:
        if plan.id is None or plan.decision_date is None or plan.stage not in rules.stages:
            continue
        yield Occasion("decision", plan.decision_date, plan.id, plan.key, plan.title)


def proposal_occasions(calendar: BudgetCalendar) -> OccasionSource:
    """The proposal deadline of each budget year in ``calendar``, per plan, for the initiatives whose proposal
    to the investment catalogue for that year is incomplete (the year as ``check_proposal`` reads it)."""

    def source(portfolio: Portfolio, rules: ReminderRules) -> Iterator[Occasion]:
        if not calendar.years:
            return
        children = portfolio.children()
        wanted: dict[tuple[int, int], set[int]] = {}
        for initiative in portfolio.initiatives:
            if initiative.id is None or initiative.plan_id is None:
                continue
            proposal = proposal_of(initiative, children.funding.get(initiative.id, []),
                                   children.figures.get(initiative.id, []))
            if proposal is None or proposal.complete:
                continue
            year = proposal_year(proposal.lines, portfolio.plan(initiative.plan_id))
            if year is not None and calendar.year(year) is not None:
                wanted.setdefault((initiative.plan_id, year), set()).add(initiative.id)
        for (plan_id, year), ids in sorted(wanted.items()):
            plan, entry = portfolio.plan(plan_id), calendar.year(year)
            if plan is None or entry is None:
                continue
            yield Occasion("proposal_deadline", entry.proposal_deadline, plan_id, plan.key, plan.title,
                           rules=PROPOSAL_REMINDED, initiative_ids=frozenset(ids))

    return source


OCCASION_SOURCES: tuple[OccasionSource, ...] = (decision_occasions,)
"""The sources that need nothing but the reminder rules; ``default_sources`` adds the budget calendar's."""


def default_sources(governance: Governance) -> tuple[OccasionSource, ...]:
    """Every deadline the governance file knows of: plans' decision dates and the budget calendar's proposal deadlines."""
    return (*OCCASION_SOURCES, proposal_occasions(governance.budget_calendar))


def due_reminder(day: date, days_before: Iterable[int], today: date) -> int | None:
    """Which reminder (days before ``day``) is due ``today``, if any.

    With 14 and 3: the 14-day reminder from 14 days before until 4 days before, the 3-day one from 3 days
    before until the day before; none before, on or after the day.
    """
    left = (day - today).days
    offsets = sorted(set(days_before), reverse=True)
    for n, offset in enumerate(offsets):
        lower = offsets[n + 1] if n + 1 < len(offsets) else 0
        if lower < left <= offset:
            return offset
    return None


@dataclass(frozen=True, slots=True)
class Role:
    kind: RoleKind
    administration: str | None = None
    """For a contact: the administration they are the contact of."""


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One incomplete initiative in a digest, with what is missing."""

    initiative_id: int
    key: str
    title: str
    administration: str | None
    roles: tuple[Role, ...]
    missing: tuple[tuple[str, str], ...]
    """(requirement, message) of each finding "Hvad mangler" shows, capped at the governance's maximum."""
    more: int = 0
    """Findings left out by the cap."""


@dataclass(frozen=True, slots=True)
class DigestSection:
    occasion: Occasion
    days_before: int
    days_left: int
    items: tuple[DigestItem, ...]

    @property
    def reminder_key(self) -> str:
        return f"{self.occasion.key}|{self.days_before}"


@dataclass(frozen=True, slots=True)
class Digest:
    """One person's mail of one day."""

    address: str
    name: str | None
    day: date
    sections: tuple[DigestSection, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.reminder_key for s in self.sections)

    @property
    def initiatives(self) -> int:
        return len({item.initiative_id for s in self.sections for item in s.items})


@dataclass(frozen=True, slots=True)
class Unreachable:
    """A responsible person without a mail address: they get no reminder (said to the operator)."""

    initiative_key: str
    title: str
    role: RoleKind


@dataclass
class ReminderPlan:
    day: date
    digests: list[Digest] = field(default_factory=list)
    unreachable: list[Unreachable] = field(default_factory=list)


def _address(person: Person | None) -> str | None:
    if person is None or not person.email or "@" not in person.email:
        return None
    return person.email.strip().lower()


@dataclass
class _Box:
    name: str | None = None
    sections: dict[str, tuple[Occasion, int, int, dict[int, DigestItem]]] = field(default_factory=dict)


def plan_reminders(
    portfolio: Portfolio,
    report: CheckReport,
    rules: ReminderRules,
    *,
    today: date,
    sent: Mapping[str, Collection[str]] | None = None,
    busy_today: Collection[str] = (),
    plan_key: str | None = None,
    sources: Iterable[OccasionSource] = OCCASION_SOURCES,
) -> ReminderPlan:
    """The digests to send ``today``.

    ``sent``: per address, the reminder keys it already got (or that were claimed for it); they are left
    out. ``busy_today``: addresses that already had their digest today (at most one a day); left out
    whole. ``plan_key``: only that plan's occasions.
    """
    sent = sent or {}
    busy = set(busy_today)
    result = ReminderPlan(today)
    by_plan: dict[int, list[Initiative]] = {}
    for initiative in portfolio.initiatives:
        if initiative.plan_id is not None and initiative.id is not None:
            by_plan.setdefault(initiative.plan_id, []).append(initiative)
    boxes: dict[str, _Box] = {}
    unreachable: dict[tuple[str, str], Unreachable] = {}
    occasions = sorted((o for source in sources for o in source(portfolio, rules)),
                       key=lambda o: (o.day, o.plan_key, o.kind))
    for occasion in occasions:
        if plan_key is not None and occasion.plan_key != plan_key:
            continue
        offset = due_reminder(occasion.day, rules.days_before, today)
        if offset is None:
            continue
        reminder_key = f"{occasion.key}|{offset}"
        for initiative in by_plan.get(occasion.plan_id, []):
            assert initiative.id is not None
            if occasion.initiative_ids is not None and initiative.id not in occasion.initiative_ids:
                continue
            if occasion.rules is None and report.completeness.get(initiative.id) is not Completeness.MANGLER:
                continue
            shown = shown_findings(report.for_initiative(initiative.id))
            if occasion.rules is not None:
                shown = [f for f in shown if f.rule in occasion.rules]
            if not shown:
                continue
            cap = report.missing_max_items
            missing = tuple((f.requirement.value, f.message) for f in shown[:cap])
            admin = initiative.administration.value if initiative.administration is not None else None
            people: list[tuple[str, str | None, Role]] = []
            for kind, person in (("owner", initiative.project_owner), ("manager", initiative.project_manager)):
                address = _address(person)
                if address is not None:
                    people.append((address, person.name if person is not None else None, Role(kind)))  # type: ignore[arg-type]
                elif person is not None:
                    unreachable[(initiative.key, kind)] = Unreachable(initiative.key, initiative.title, kind)  # type: ignore[arg-type]
            if initiative.administration is not None:
                for address in rules.contacts.get(initiative.administration, ()):
                    people.append((address, None, Role("contact", admin)))
            for address, name, role in people:
                if address in busy or reminder_key in sent.get(address, ()):
                    continue
                box = boxes.setdefault(address, _Box())
                box.name = box.name or name
                section = box.sections.setdefault(
                    reminder_key, (occasion, offset, (occasion.day - today).days, {}))
                items = section[3]
                old = items.get(initiative.id)
                roles = (*old.roles, role) if old is not None and role not in old.roles else (role,) if old is None else old.roles
                items[initiative.id] = DigestItem(initiative.id, initiative.key, initiative.title, admin, roles, missing,
                                                  max(0, len(shown) - cap))
    for address in sorted(boxes):
        box = boxes[address]
        sections = tuple(
            DigestSection(occasion, offset, left, tuple(sorted(items.values(), key=lambda i: i.key)))
            for occasion, offset, left, items in box.sections.values()
        )
        result.digests.append(Digest(address, box.name, today, sections))
    result.unreachable = sorted(unreachable.values(), key=lambda u: (u.initiative_key, u.role))
    return result
