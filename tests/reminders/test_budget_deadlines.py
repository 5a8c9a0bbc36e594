"""Reminders of the budget calendar's proposal deadline (issue 17 into issue 16's reminders): the people
responsible for an initiative whose investment-catalogue proposal is incomplete are reminded before the
deadline, about the proposal only, and never on or after it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from kksync.checks import load_governance
from kksync.checks.findings import CheckReport
from kksync.checks.reminder_mail import compose
from kksync.checks.reminders import default_sources, plan_reminders
from kksync.core.model import BusinessCaseFigure, FigureKind, FundingSource, Portfolio
from tests.reminders.conftest import PLAN, SITE, days, report_for

GOVERNANCE = load_governance()
DEADLINE = GOVERNANCE.budget_calendar.years[2013].proposal_deadline
RULE = "FUND-PROPOSAL-INCOMPLETE"


def expected(portfolio: Portfolio, report: CheckReport) -> dict[str, set[str]]:
    """Independently of the planner: address → keys of the initiatives with an incomplete-proposal finding."""
    keys = {f.initiative_key for f in report.findings if f.rule == RULE}
    wanted: dict[str, set[str]] = {}
    for initiative in portfolio.initiatives:
        if initiative.key in keys:
            for person in (initiative.project_owner, initiative.project_manager):
                if person is not None and person.email:
                    wanted.setdefault(person.email.lower(), set()).add(initiative.key)
    return wanted


def planned(portfolio: Portfolio, day: date) -> dict[str, set[str]]:
    plan = plan_reminders(portfolio, report_for(portfolio, day), GOVERNANCE.reminders, today=day,
                          sources=default_sources(GOVERNANCE))
    return {d.address: {i.key for s in d.sections for i in s.items if s.occasion.kind == "proposal_deadline"}
            for d in plan.digests}


def test_the_responsible_are_reminded_on_the_right_days_of_the_right_proposals(portfolio: Portfolio) -> None:
    first = DEADLINE - timedelta(days=14)
    report = report_for(portfolio, first)
    wanted = expected(portfolio, report)
    assert wanted, "the sample has incomplete proposals for budget 2013"
    plan = plan_reminders(portfolio, report, GOVERNANCE.reminders, today=first, sources=default_sources(GOVERNANCE))
    assert {d.address: {i.key for s in d.sections for i in s.items} for d in plan.digests} == wanted
    for digest in plan.digests:
        (section,) = digest.sections
        assert section.occasion.kind == "proposal_deadline" and section.occasion.day == DEADLINE
        assert digest.keys == (f"proposal_deadline|{PLAN}|{DEADLINE.isoformat()}|14",)
        for item in section.items:  # what is missing is the proposal's finding, nothing else of the initiative
            messages = {f.message for f in report.for_initiative(item.initiative_id) if f.rule == RULE}
            assert {message for _, message in item.missing} == messages

    # Over a month around the deadline, with the ledger of what went out: each person once per reminder.
    sent: dict[str, set[str]] = {}
    got: dict[date, set[str]] = {}
    for day in days(DEADLINE - timedelta(days=30), DEADLINE + timedelta(days=5)):
        result = plan_reminders(portfolio, report_for(portfolio, day), GOVERNANCE.reminders, today=day,
                                sent=sent, sources=default_sources(GOVERNANCE))
        for digest in result.digests:
            if any(s.occasion.kind == "proposal_deadline" for s in digest.sections):
                got.setdefault(day, set()).add(digest.address)
            sent.setdefault(digest.address, set()).update(digest.keys)
    assert sorted(got) == [DEADLINE - timedelta(days=14), DEADLINE - timedelta(days=3)]
    assert all(people == set(wanted) for people in got.values())


def complete_proposal(portfolio: Portfolio, key: str) -> None:
    """Fill in everything a proposal needs (``kksync.checks.proposals``), for the initiative ``key``."""
    initiative = next(i for i in portfolio.initiatives if i.key == key)
    assert initiative.id is not None
    bc = initiative.business_case.model_copy(update={
        "summary": "Resumé", "npv": Decimal(1_000_000), "payback_years": Decimal(3), "discount_rate": Decimal(4)})
    portfolio.initiatives[portfolio.initiatives.index(initiative)] = initiative.model_copy(update={
        "business_case": bc, "risks": "Leverandørrisiko", "benefit_owner": initiative.project_owner})
    for kind, amount in ((FigureKind.DRIFT_0, 500_000), (FigureKind.DRIFT_1, 300_000)):
        portfolio.figures.append(BusinessCaseFigure(initiative_id=initiative.id, kind=kind, year=2015, amount=Decimal(amount)))
    for line in portfolio.funding_lines:  # every catalogue line with a year, a styringsområde and an amount
        if line.initiative_id == initiative.id and line.source is FundingSource.INVESTERINGSPULJE:
            assert line.year is not None and line.category is not None and line.amount is not None


def test_no_reminder_on_or_after_the_deadline_or_for_a_complete_proposal(portfolio: Portfolio) -> None:
    assert planned(portfolio, DEADLINE) == {} and planned(portfolio, DEADLINE + timedelta(days=1)) == {}
    day = DEADLINE - timedelta(days=14)
    keys = sorted({f.initiative_key for f in report_for(portfolio, day).findings if f.rule == RULE})
    assert len(keys) >= 2
    complete_proposal(portfolio, keys[0])
    report = report_for(portfolio, day)
    assert {f.initiative_key for f in report.findings if f.rule == RULE} == set(keys[1:])
    after = planned(portfolio, day)
    assert after and all(keys[0] not in got for got in after.values())
    assert after == expected(portfolio, report)


def test_the_mail_speaks_of_the_proposal_deadline_not_the_political_decision(portfolio: Portfolio) -> None:
    day = DEADLINE - timedelta(days=3)
    plan = plan_reminders(portfolio, report_for(portfolio, day), GOVERNANCE.reminders, today=day,
                          sources=default_sources(GOVERNANCE))
    mail = compose(plan.digests[0], site_url=SITE)
    assert "investeringskataloget" in mail.subject and "13. april 2012" in mail.subject
    assert "<h1>Påmindelse før fristen for forslag til investeringskataloget</h1>" in mail.html
    assert "politisk behandling" not in mail.text


def test_a_digest_with_both_deadlines_says_so(portfolio: Portfolio) -> None:
    plan = portfolio.plan_by_key(PLAN)
    assert plan is not None
    portfolio.plans[portfolio.plans.index(plan)] = plan.model_copy(update={"decision_date": DEADLINE})
    day = DEADLINE - timedelta(days=14)
    result = plan_reminders(portfolio, report_for(portfolio, day), GOVERNANCE.reminders, today=day,
                            sources=default_sources(GOVERNANCE))
    both = [d for d in result.digests if {s.occasion.kind for s in d.sections} == {"decision", "proposal_deadline"}]
    assert both, "an owner of an incomplete proposal is also reminded of the decision"
    mail = compose(both[0], site_url=SITE)
    assert "<h1>Påmindelse før fristerne i handlingsplanerne</h1>" in mail.html
    assert "politisk behandling" in mail.text and "investeringskataloget" in mail.text
