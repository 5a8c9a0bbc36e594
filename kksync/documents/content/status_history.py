"""An initiative continued from an earlier plan: its status history across the plans (pure).

The initiative's section in "Status på implementering" lists the yearly statuses of its predecessor
chain (``continues_from_id``, oldest plan first) and its own, each row labelled by the plan it was
reported in, up to the status year. The snapshot carries the predecessors and their statuses.
"""

from __future__ import annotations

from kksync.checks.budget_rules import continuation_chain
from kksync.core import fmt
from kksync.core.model import Initiative, Plan, latest_status
from kksync.core.snapshots import Snapshot
from kksync.documents.content.common import initiative_name, label, light_text, plain_label
from kksync.documents.content.model import Column, Paragraph, Section, Table
from kksync.texts.proposals import P

__all__ = ["add_history", "history_rows"]


def history_rows(initiative: Initiative, snapshot: Snapshot, year: int) -> list[tuple[str, ...]]:
    """(plan, initiative id, year, phase, reported light, progress) for each plan's initiative and status year."""
    portfolio = snapshot.portfolio
    initiatives = {i.id: i for i in portfolio.initiatives if i.id is not None}
    plans: dict[int, Plan] = {p.id: p for p in portfolio.plans if p.id is not None}
    chain, _ = continuation_chain(initiative, initiatives)
    statuses = portfolio.children().statuses
    rows: list[tuple[str, ...]] = []
    for member in [*reversed(chain), initiative]:
        plan = plans.get(member.plan_id) if member.plan_id is not None else None
        entries = statuses.get(member.id or -1, [])
        for status_year in sorted({s.year for s in entries if s.year is not None and s.year <= year}):
            entry = latest_status(entries, status_year)
            assert entry is not None
            rows.append((
                plan.title if plan is not None else fmt.MISSING, member.key, str(status_year),
                entry.phase.value if entry.phase else fmt.MISSING, light_text(entry.reported_light),
                fmt.percent(entry.progress),
            ))
    return rows


def add_history(section: Section, initiative: Initiative, snapshot: Snapshot, year: int) -> None:
    """The history table, only for an initiative that continues one from an earlier plan."""
    initiatives = {i.id: i for i in snapshot.portfolio.initiatives if i.id is not None}
    chain, _ = continuation_chain(initiative, initiatives)
    if not chain:
        return
    plans = {p.id: p for p in snapshot.portfolio.plans if p.id is not None}
    described = fmt.and_list([
        f"«{initiative_name(i)}» ({plans[i.plan_id].title if i.plan_id in plans else fmt.MISSING})" for i in chain
    ])
    sub = section.sub(P.history)
    sub.add(Paragraph(P.history_intro.format(chain=described)))
    sub.add(Table(
        P.history_caption.format(name=initiative_name(initiative)),
        (Column(P.plan, width=2.4), Column(label("initiatives", "key"), width=1.1), Column(P.year, True, 0.9),
         Column(label("statuses", "phase"), width=1.3), Column(P.reported_light, width=1.3),
         Column(plain_label("statuses", "progress"), True, 1.0)),
        tuple(history_rows(initiative, snapshot, year)),
    ))
