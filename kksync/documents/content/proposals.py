"""Builder of "Forslag til investeringskataloget": one plan's proposals in the budget format (pure).

One section per initiative that asks for money from "Investeringspulje/investeringskatalog", as the
municipality's budget proposals are laid out: amounts in 1.000 kr. per year and per styringsområde
(service / anlæg) at the budget year's price level (the governance file's budget calendar), the lasting
change after the period, the business case's key figures, benefit owner and risks, and whether the
proposal is complete — by the same ``Proposal`` the rule ``FUND-PROPOSAL-*`` reads. Before them the
budget year's calendar and an overview of every proposal with its totals.
"""

from __future__ import annotations

from decimal import Decimal

from kksync.checks.budget_calendar import BudgetCalendar, BudgetYear, Milestone
from kksync.checks.findings import CheckReport
from kksync.checks.proposals import CATALOGUE, Proposal, proposal_of
from kksync.core import fmt
from kksync.core.model import BudgetCategory, Phase
from kksync.core.snapshots import Snapshot
from kksync.documents.content.common import (
    admin_text,
    cover_lines,
    current_phase,
    initiative_name,
    label,
    lead_blocks,
    ordered,
    person_text,
    plain_label,
    plan_period,
)
from kksync.documents.content.model import Column, Document, KeyValues, Paragraph, Section, Table
from kksync.texts import LIST_NAMES, T
from kksync.texts.proposals import MILESTONE_NAMES, PROPOSAL_GAPS, P

__all__ = ["build_proposals", "plan_proposals", "proposal_budget_year"]

_THOUSAND = Decimal(1000)
_CATEGORIES = (BudgetCategory.SERVICE, BudgetCategory.ANLAEG)


def plan_proposals(snapshot: Snapshot) -> list[Proposal]:
    """The plan's proposals in rank order (initiatives asking for investment-catalogue money)."""
    kids = snapshot.portfolio.children()
    out = []
    for ini in ordered(snapshot.initiatives):
        iid = ini.id or -1
        proposal = proposal_of(ini, kids.funding.get(iid, []), kids.figures.get(iid, []))
        if proposal is not None:
            out.append(proposal)
    return out


def proposal_budget_year(snapshot: Snapshot, proposals: list[Proposal]) -> int:
    """The budget the document is for: the earliest proposal's budget year, else the plan's first year."""
    years = [p.budget_year for p in proposals if p.budget_year is not None]
    if years:
        return min(years)
    start = snapshot.plan.period_start
    return start.year if start is not None else snapshot.status_date.year


def _thousands(value: Decimal | None) -> str:
    return fmt.number(value / _THOUSAND, 0) if value is not None else fmt.MISSING


def _calendar(doc: Document, year: int, entry: BudgetYear | None, snapshot: Snapshot) -> None:
    section = doc.section(P.calendar.format(year=year))
    if entry is None:
        section.add(Paragraph(P.calendar_missing.format(year=year)))
        return
    section.add(Table(
        P.calendar_caption.format(year=year),
        (Column(P.milestone, width=3.5), Column(P.day, width=1.6)),
        tuple((MILESTONE_NAMES[m.value], fmt.long_date(entry.on(m))) for m in Milestone),
    ))
    deadline = entry.on(Milestone.PROPOSAL_DEADLINE)
    tense = P.deadline_ahead if snapshot.status_date <= deadline else P.deadline_passed
    section.add(Paragraph(P.deadline_line.format(deadline=fmt.long_date(deadline), tense=tense,
                                                 date=fmt.long_date(snapshot.status_date))))


def _overview(doc: Document, year: str, price_levels: str | None, proposals: list[Proposal]) -> None:
    section = doc.section(P.overview)
    if price_levels is not None:
        section.add(Paragraph(P.intro.format(year=year, source=CATALOGUE.value, price_level=price_levels,
                                             list=LIST_NAMES["funding_lines"])))
    else:
        section.add(Paragraph(P.intro_no_price.format(year=year, source=CATALOGUE.value, list=LIST_NAMES["funding_lines"])))
    if not proposals:
        section.add(Paragraph(P.none.format(source=CATALOGUE.value)))
        return
    complete = sum(1 for p in proposals if p.complete)
    section.add(Paragraph(P.summary_counts.format(count=fmt.number(len(proposals)), complete=fmt.number(complete),
                                                  incomplete=fmt.number(len(proposals) - complete))))
    rows = [
        (str(p.initiative.rank) if p.initiative.rank is not None else T.missing, initiative_name(p.initiative),
         admin_text(p.initiative.administration), _thousands(p.total(BudgetCategory.SERVICE)),
         _thousands(p.total(BudgetCategory.ANLAEG)), _thousands(p.total()), P.yes if p.complete else P.no)
        for p in proposals
    ]
    rows.append((
        "", T.total, "", _thousands(sum((p.total(BudgetCategory.SERVICE) for p in proposals), Decimal(0))),
        _thousands(sum((p.total(BudgetCategory.ANLAEG) for p in proposals), Decimal(0))),
        _thousands(sum((p.total() for p in proposals), Decimal(0))), "",
    ))
    section.add(Table(
        P.overview_caption.format(year=year),
        (Column(label("initiatives", "rank"), True, 0.9), Column(P.initiative, width=3.0),
         Column(label("initiatives", "administration"), width=2.4), Column(BudgetCategory.SERVICE.value, True, 1.0),
         Column(BudgetCategory.ANLAEG.value, True, 1.0), Column(P.total, True, 1.0), Column(P.complete, width=0.9)),
        tuple(rows),
    ))
    section.add(Paragraph(P.rounding))


def _amounts(proposal: Proposal, entry: BudgetYear | None) -> Table:
    years = proposal.years
    lasting = proposal.lasting
    rows = []
    for category in _CATEGORIES:
        varig = lasting if category is BudgetCategory.SERVICE else Decimal(0) if lasting is not None else None
        rows.append((category.value, *(_thousands(proposal.total(category, y)) for y in years),
                     _thousands(proposal.total(category)), _thousands(varig)))
    rows.append((P.total, *(_thousands(proposal.total(None, y)) for y in years), _thousands(proposal.total()),
                 _thousands(lasting)))
    price = P.price_suffix.format(price_level=entry.price_level) if entry is not None else ""
    return Table(
        P.amounts_caption.format(name=initiative_name(proposal.initiative), price=price),
        (Column(P.category, width=1.5), *(Column(str(y), True, 0.9) for y in years), Column(P.total, True, 1.0),
         Column(P.lasting, True, 1.1)),
        tuple(rows),
    )


def _add_proposal(section: Section, proposal: Proposal, snapshot: Snapshot, entry: BudgetYear | None, *,
                  other_budget: int | None = None) -> None:
    ini = proposal.initiative
    kids = snapshot.portfolio.children()
    phase: Phase | None = current_phase(ini, kids.statuses.get(ini.id or -1, []), snapshot.status_date.year)
    sub = section.sub(initiative_name(ini))
    if other_budget is not None:
        deadline = fmt.long_date(entry.proposal_deadline) if entry is not None else T.missing
        sub.add(Paragraph(P.other_budget.format(year=other_budget, deadline=deadline)))
    sub.add(KeyValues((
        (label("initiatives", "rank"), str(ini.rank) if ini.rank is not None else T.missing),
        (label("initiatives", "administration"), admin_text(ini.administration)),
        (label("initiatives", "project_owner"), person_text(ini.project_owner)),
        (label("initiatives", "benefit_owner"), person_text(ini.benefit_owner)),
        (label("initiatives", "phase"), phase.value if phase is not None else fmt.MISSING),
    )))
    sub.add(*lead_blocks(label("initiatives", "business_case.summary"), ini.business_case.summary))
    sub.add(_amounts(proposal, entry))
    if proposal.incomplete_lines:
        sub.add(Paragraph(P.amount_lines_without.format(count=fmt.number(proposal.incomplete_lines))))
    bc = ini.business_case
    sub.add(Paragraph(P.key_figures_lead), KeyValues((
        (plain_label("initiatives", "business_case.npv"), fmt.kr(bc.npv)),
        (plain_label("initiatives", "business_case.discount_rate"), fmt.percent(bc.discount_rate, 2)),
        (plain_label("initiatives", "business_case.payback_years"), fmt.years(bc.payback_years)),
        (plain_label("initiatives", "business_case.irr"), fmt.percent(bc.irr, 1)),
    )))
    if proposal.lasting is not None and proposal.lasting_year is not None:
        sub.add(Paragraph(P.lasting_text.format(amount=_thousands(proposal.lasting), year=proposal.lasting_year)))
    else:
        sub.add(Paragraph(P.lasting_missing))
    states = sorted({s.value if s is not None else fmt.MISSING for s in proposal.states})
    sub.add(Paragraph(P.agreement.format(states=fmt.and_list(states))))
    if proposal.other_funding:
        sub.add(Paragraph(P.other_funding.format(amount=fmt.kr(proposal.other_funding))))
    sub.add(*lead_blocks(label("initiatives", "risks"), ini.risks))
    if proposal.complete:
        sub.add(Paragraph(P.status_complete))
    else:
        sub.add(Paragraph(P.status_incomplete.format(missing=fmt.and_list([PROPOSAL_GAPS[g.key] for g in proposal.gaps]))))


def build_proposals(snapshot: Snapshot, report: CheckReport, *, calendar: BudgetCalendar) -> Document:
    """The plan's proposals to the investment catalogue for its budget year (``report`` is not needed:
    completeness is the proposal's own, the same the rule uses)."""
    del report
    plan = snapshot.plan
    proposals = plan_proposals(snapshot)
    year = proposal_budget_year(snapshot, proposals)
    entry = calendar.year(year)
    # A plan's proposals may be for more than one budget (its earliest catalogue line's year each): the title
    # and the overview name them all; each proposal's section names its own budget and price level.
    budgets = fmt.and_list([str(y) for y in sorted({p.budget_year or year for p in proposals} or {year})])
    incomplete = sum(1 for p in proposals if not p.complete)
    doc = Document(
        title=P.title.format(year=budgets, plan=plan.title), subtitle=plan_period(plan), cover_lines=cover_lines(snapshot),
        subject=plan.title, keywords=f"{plan.key}; {P.keywords.format(year=budgets)}",
        marking=P.draft_marking.format(count=fmt.number(incomplete)) if incomplete else None,
    )
    _calendar(doc, year, entry, snapshot)
    levels = [e.price_level for e in (calendar.year(y) for y in sorted({p.budget_year or year for p in proposals} or {year}))
              if e is not None]
    _overview(doc, budgets, fmt.and_list(list(dict.fromkeys(levels))) if levels else None, proposals)
    top = doc.section(P.proposals_heading)
    if not proposals:
        top.add(Paragraph(P.none.format(source=CATALOGUE.value)))
    for proposal in proposals:
        own = proposal.budget_year or year
        _add_proposal(top, proposal, snapshot, calendar.year(own), other_budget=own if own != year else None)
    return doc
