"""The budget calendar (governance file), its deadlines, and the proposal deadline finding with an injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from kksync.checks import check_portfolio, load_governance
from kksync.checks.budget_calendar import BudgetCalendar, BudgetYear, Milestone, upcoming_deadlines
from kksync.checks.findings import Severity
from kksync.checks.governance import DEFAULT_GOVERNANCE_FILE, Governance
from kksync.checks.proposals import proposal_of
from kksync.core.model import BudgetCategory, FundingSource, Person, Portfolio
from kksync.errors import ConfigError
from kksync.texts import LIST_NAMES
from kksync.texts.proposals import PROPOSAL_GAPS
from testkit.portfolios import Bundle, make_bundle, make_funding, make_plan, make_portfolio

DEADLINE = date(2013, 4, 12)
ADOPTION = date(2013, 10, 3)
BENEFIT_OWNER = Person(id=2, name="Mette Kjær", email="mette.kjaer@kk.dk")


def _governance(notice_days: int = 90) -> Governance:
    entry = BudgetYear(price_level="2014-pl", proposal_deadline=DEADLINE, budget_seminar=date(2013, 6, 4),
                       budget_agreement=date(2013, 9, 10), adoption=ADOPTION)
    calendar = BudgetCalendar(proposal_notice_days=notice_days, years={2014: entry})
    return load_governance().model_copy(update={"budget_calendar": calendar})


def _catalogue_bundle(*, complete: bool = False) -> tuple[Portfolio, Bundle]:
    """A joint 2014–2015 initiative asking for investment-catalogue money in 2014 (service) and 2015 (anlæg)."""
    plan = make_plan(1, start_year=2014)
    bundle = make_bundle(plan, 1)
    bundle.funding = [
        make_funding(1, year=2014, amount=Decimal(1_200_000), source=FundingSource.INVESTERINGSPULJE,
                     category=BudgetCategory.SERVICE),
        make_funding(1, year=2015, amount=Decimal(800_000), source=FundingSource.INVESTERINGSPULJE),
    ]
    if complete:
        bundle.initiative.benefit_owner = BENEFIT_OWNER
        bundle.initiative.risks = "Leverandøren kan blive forsinket."
    return make_portfolio([plan], [bundle]), bundle


def _proposal_findings(portfolio: Portfolio, day: date, governance: Governance | None = None) -> list[tuple[str, str]]:
    report = check_portfolio(portfolio, governance=governance or _governance(), today=day,
                             now=datetime.combine(day, datetime.min.time(), UTC))
    return [(f.rule, f.message) for f in report.findings if f.rule.startswith("FUND-PROPOSAL-")]


# --- the calendar in the governance file ----------------------------------------------------------


def test_shipped_calendar_has_the_budget_years_of_both_joint_plans() -> None:
    calendar = load_governance().budget_calendar
    assert set(calendar.years) >= {2011, 2012, 2013, 2014}
    year = calendar.years[2013]
    assert year.price_level == "2013-pl"
    assert year.proposal_deadline < year.budget_seminar < year.budget_agreement < year.adoption < date(2013, 1, 1)


def _write(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_GOVERNANCE_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "governance.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "said"), [
    ("budget_seminar = 2012-06-05", "budget_seminar = 2012-03-01", "budget_seminar (2012-03-01) ligger før proposal_deadline"),
    ("adoption = 2012-10-04", "adoption = 2013-02-01", "skal ligge før budgetåret begynder"),
    ('price_level = "2013-pl"', 'price_level = ""', "budget_calendar.years.2013.price_level"),
    ("proposal_notice_days = 90", 'proposal_notice_days = "90"', "budget_calendar.proposal_notice_days"),
    ("adoption = 2012-10-04", 'adoption = "4. oktober"', "budget_calendar.years.2013.adoption"),
])
def test_a_wrong_calendar_is_refused_naming_the_key(tmp_path: Path, old: str, new: str, said: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_governance(_write(tmp_path, old, new))
    assert said in str(error.value)


def test_upcoming_deadlines_soonest_first_from_today_on() -> None:
    calendar = _governance().budget_calendar
    on_the_day = upcoming_deadlines(calendar, DEADLINE)
    assert [(d.milestone, d.days_left) for d in on_the_day] == [
        (Milestone.PROPOSAL_DEADLINE, 0), (Milestone.BUDGET_SEMINAR, 53), (Milestone.BUDGET_AGREEMENT, 151),
        (Milestone.ADOPTION, 174),
    ]
    assert next(d.milestone for d in upcoming_deadlines(calendar, DEADLINE + timedelta(days=1))) is Milestone.BUDGET_SEMINAR
    assert [d.milestone for d in upcoming_deadlines(calendar, DEADLINE, within_days=53)] == [
        Milestone.PROPOSAL_DEADLINE, Milestone.BUDGET_SEMINAR]
    only = upcoming_deadlines(calendar, date(2013, 1, 1), milestones=frozenset({Milestone.ADOPTION}))
    assert [(d.budget_year, d.day) for d in only] == [(2014, ADOPTION)]
    assert upcoming_deadlines(calendar, ADOPTION + timedelta(days=1)) == []


def test_deadlines_of_several_years_interleave_by_date() -> None:
    calendar = load_governance().budget_calendar
    days = [d.day for d in upcoming_deadlines(calendar, date(2010, 1, 1))]
    assert days == sorted(days) and len(days) == 4 * len(calendar.years)


# --- the deadline finding, with an injected clock -------------------------------------------------


@pytest.mark.parametrize(("day", "expected", "said"), [
    (DEADLINE - timedelta(days=91), None, ""),
    (DEADLINE - timedelta(days=90), "FUND-PROPOSAL-INCOMPLETE", "(om 90 dage)"),
    (DEADLINE - timedelta(days=1), "FUND-PROPOSAL-INCOMPLETE", "(om 1 dag)"),
    (DEADLINE, "FUND-PROPOSAL-INCOMPLETE", "Fristen er 12. april 2013 (i dag)"),
    (DEADLINE + timedelta(days=1), "FUND-PROPOSAL-LATE", "var 12. april 2013"),
    (ADOPTION, "FUND-PROPOSAL-LATE", "budgetaftalen 10. september 2013"),
    (ADOPTION + timedelta(days=1), None, ""),
])
def test_incomplete_proposal_before_on_and_after_the_deadline(day: date, expected: str | None, said: str) -> None:
    portfolio, _ = _catalogue_bundle()
    found = _proposal_findings(portfolio, day)
    if expected is None:
        assert found == []
        return
    [(rule, message)] = found
    assert rule == expected and said in message
    assert "budget 2014" in message and "gevinstejer og væsentligste risici mangler" in message
    assert "«Gevinstejer»" in message and "«Væsentligste risici»" in message


def test_a_complete_proposal_is_no_finding_on_any_day() -> None:
    portfolio, _ = _catalogue_bundle(complete=True)
    for offset in range(-100, 200, 7):
        assert _proposal_findings(portfolio, DEADLINE + timedelta(days=offset)) == []


def test_only_investment_catalogue_money_needs_a_proposal() -> None:
    portfolio, bundle = _catalogue_bundle()
    own = [line.model_copy(update={"source": FundingSource.EGEN_RAMME}) for line in portfolio.funding_lines]
    assert _proposal_findings(portfolio.model_copy(update={"funding_lines": own}), DEADLINE) == []
    assert proposal_of(bundle.initiative, own, []) is None


def test_no_calendar_for_the_budget_year_means_no_deadline_to_miss() -> None:
    portfolio, _ = _catalogue_bundle()
    empty = load_governance().model_copy(update={"budget_calendar": BudgetCalendar()})
    assert _proposal_findings(portfolio, DEADLINE, empty) == []


def test_the_notice_window_is_configuration() -> None:
    portfolio, _ = _catalogue_bundle()
    assert _proposal_findings(portfolio, DEADLINE - timedelta(days=10), _governance(notice_days=7)) == []
    assert len(_proposal_findings(portfolio, DEADLINE - timedelta(days=7), _governance(notice_days=7))) == 1


def test_before_the_deadline_a_warning_after_it_an_error_at_the_gate() -> None:
    portfolio, _ = _catalogue_bundle()
    for day, severity, blocks in ((DEADLINE, Severity.WARNING, False), (DEADLINE + timedelta(days=1), Severity.ERROR, True)):
        report = check_portfolio(portfolio, governance=_governance(), today=day, now=datetime(2013, 1, 1, tzinfo=UTC))
        [finding] = [f for f in report.findings if f.rule.startswith("FUND-PROPOSAL-")]
        assert (finding.severity, finding.blocks_gate) == (severity, blocks)


# --- what "complete" means ------------------------------------------------------------------------


def _without(key: str, bundle: Bundle) -> tuple[list, list]:  # type: ignore[type-arg]
    ini, funding, figures = bundle.initiative, list(bundle.funding), list(bundle.figures)
    bc = ini.business_case
    if key == "amounts":
        funding[0] = funding[0].model_copy(update={"amount": None})
    elif key == "summary":
        bc.summary = " "
    elif key == "npv":
        bc.npv = None
    elif key == "payback":
        bc.payback_years = None
    elif key == "discount_rate":
        bc.discount_rate = None
    elif key == "lasting":
        figures = [f for f in figures if f.kind is not None and f.kind.value != "Drift scenario 1"]
    elif key == "benefit_owner":
        ini.benefit_owner = None
    elif key == "risks":
        ini.risks = None
    return funding, figures


@pytest.mark.parametrize("key", list(PROPOSAL_GAPS))
def test_each_part_of_a_proposal_is_required(key: str) -> None:
    _portfolio, bundle = _catalogue_bundle(complete=True)
    complete = proposal_of(bundle.initiative, bundle.funding, bundle.figures)
    assert complete is not None and complete.complete
    funding, figures = _without(key, bundle)
    proposal = proposal_of(bundle.initiative, funding, figures)
    assert proposal is not None and [g.key for g in proposal.gaps] == [key]


def test_proposal_amounts_lasting_change_and_budget_year() -> None:
    _, bundle = _catalogue_bundle(complete=True)
    proposal = proposal_of(bundle.initiative, bundle.funding, bundle.figures)
    assert proposal is not None
    assert proposal.budget_year == 2014 and proposal.years == [2014, 2015]
    assert proposal.total(BudgetCategory.SERVICE) == Decimal(1_200_000)
    assert proposal.total(BudgetCategory.ANLAEG, 2015) == Decimal(800_000)
    assert proposal.total() == Decimal(2_000_000)
    # make_bundle: drift 500.000, drift with the project 400.000, benefit 900.000 a year from year 2
    assert (proposal.lasting, proposal.lasting_year) == (Decimal(-1_000_000), 2018)


def test_the_lasting_change_gap_names_the_list_to_fill_in() -> None:
    assert f"«{LIST_NAMES['figures']}»" in PROPOSAL_GAPS["lasting"]
