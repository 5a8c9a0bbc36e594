"""What an initiative asks of the investment frame and what it is worth, read from the model."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kksync.checks.finance import cash_flows, npv
from kksync.checks.governance import load_governance
from kksync.checks.scenario_input import candidates_of
from kksync.checks.scenario_words import note_text, summary_lines
from kksync.checks.scenarios import build_scenario
from kksync.core.model import (
    BusinessCase,
    BusinessCaseFigure,
    FigureKind,
    FundingLine,
    FundingSource,
    Initiative,
    Portfolio,
)
from kksync.services.scenarios import scenario_for
from testkit.budget_scenarios import SCENARIO_PLAN, scenario_frames, scenario_portfolio

POOL = FundingSource.INVESTERINGSPULJE


def _portfolio(initiatives: list[Initiative], funding: list[FundingLine], figures: list[BusinessCaseFigure]) -> Portfolio:
    return Portfolio(initiatives=initiatives, funding_lines=funding, figures=figures)


def test_each_source_of_figures_and_its_finding() -> None:
    ini = [Initiative(id=i, key=f"F13-{i:02d}", title=f"I{i}", plan_id=1, rank=i,
                      business_case=BusinessCase(npv=Decimal(1000 * i))) for i in range(1, 7)]
    funding = [
        FundingLine(initiative_id=1, source=POOL, year=2013, amount=Decimal(100)),
        FundingLine(initiative_id=1, source=POOL, year=2013, amount=Decimal(50)),
        FundingLine(initiative_id=1, source=FundingSource.EGEN_RAMME, year=2014, amount=Decimal(70)),  # not the pool
        FundingLine(initiative_id=2, source=FundingSource.EGEN_RAMME, year=2013, amount=Decimal(100)),
        FundingLine(initiative_id=4, source=None, year=2013, amount=Decimal(100)),
        FundingLine(initiative_id=5, source=POOL, year=None, amount=Decimal(100)),
    ]
    figures = [BusinessCaseFigure(initiative_id=3, kind=FigureKind.INVESTERING, year=2014, amount=Decimal(300))]
    candidates, outside, notes = candidates_of(ini, _portfolio(ini, funding, figures).children())
    assert {c.key: dict(c.costs) for c in candidates} == {"F13-01": {2013: Decimal(150)}, "F13-03": {2014: Decimal(300)}}
    assert {c.key: c.cost_source for c in candidates} == {"F13-01": "funding", "F13-03": "business_case"}
    assert {o.key: o.reason for o in outside} == {"F13-02": "funded_elsewhere", "F13-04": "no_source",
                                                  "F13-05": "no_figures", "F13-06": "no_figures"}
    codes = {(n.key, n.code) for n in notes}
    assert {("F13-05", "unreadable_lines"), ("F13-05", "no_figures"), ("F13-06", "no_figures"),
            ("F13-04", "no_source"), ("F13-03", "from_business_case"), ("F13-01", "npv_stated")} <= codes
    text = [note_text(n) for n in notes if n.key == "F13-06"]
    assert text == ["F13-06 «I6» har hverken finansieringslinjer med beløb pr. år eller investeringstal i business "
                    "casen, så det kan ikke indgå i scenariet. Udfyld Finansiering (kilde, år, beløb) eller business "
                    "casens «Investering» pr. år."]


def test_the_npv_is_the_recomputed_one_when_the_figures_allow_it() -> None:
    portfolio = scenario_portfolio(12)
    candidates, _, _ = candidates_of(portfolio.initiatives, portfolio.children())
    children = portfolio.children()
    for c in candidates:
        ini = next(i for i in portfolio.initiatives if i.key == c.key)
        if c.npv_source == "computed":
            flows = cash_flows(children.figures[ini.id or 0])
            assert flows is not None and c.npv == npv(flows, 4.0)
            assert ini.business_case.npv is not None and c.npv != float(ini.business_case.npv)  # the stated is not used
        else:
            assert c.npv_source == "stated" and c.npv == float(ini.business_case.npv or 0)


@given(st.integers(0, 40), st.integers(2, 4), st.integers(0, 10_000), st.sampled_from([0.0, 0.3, 1.0]))
@settings(max_examples=25, deadline=None)
def test_any_plan_gives_a_scenario_and_every_initiative_is_placed_once(n: int, years: int, seed: int, share: float) -> None:
    portfolio = scenario_portfolio(n, years=years, seed=seed)
    frames = scenario_frames(n, years=years, share=share)
    scenario = build_scenario(SCENARIO_PLAN, portfolio.initiatives, portfolio.children(), frames)
    keys = [c.key for c in scenario.candidates] + [o.key for o in scenario.outside]
    assert sorted(keys) == sorted(i.key for i in portfolio.initiatives)
    without = {i.key for i in portfolio.initiatives if (i.id or 0) % 13 == 0}
    assert {o.key for o in scenario.outside if o.reason == "no_figures"} == without
    assert {n.key for n in scenario.notes if n.code == "no_figures"} == without
    assert scenario.optimum is not None
    assert scenario.optimum.selection.npv >= scenario.by_rank.npv - 1e-6 - sum(
        min(c.npv or 0, 0) for c in scenario.by_rank.chosen)
    assert summary_lines(scenario)


def test_the_governance_frames_and_the_service() -> None:
    portfolio = scenario_portfolio(30)
    governance = load_governance()
    scenario = scenario_for(portfolio, SCENARIO_PLAN, {2013: Decimal(0), 2014: Decimal(10**8)}, governance)
    assert all(c.cost(2013) == 0 for c in scenario.by_rank.chosen)
    assert scenario.optimum is not None and all(c.cost(2013) == 0 for c in scenario.optimum.selection.chosen)
    assert scenario.years[0] == 2013 and 2016 in scenario.years  # asked for, but without a frame
    assert any("Der er ikke angivet en ramme for 2015 og 2016" in line for line in summary_lines(scenario))


def test_a_frame_in_the_governance_file_must_be_a_non_negative_amount(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from kksync.checks.governance import DEFAULT_GOVERNANCE_FILE
    from kksync.errors import ConfigError

    base = DEFAULT_GOVERNANCE_FILE.read_text(encoding="utf-8")
    for bad, said in (("[scenarios.frames]\n2013 = -1\n", "scenarios.frames.2013"),
                      ("[scenarios.frames]\n1899 = 5\n", "scenarios.frames"),
                      ('[scenarios.plans."X".frames]\n2013 = "mange"\n', "scenarios.plans.X.frames.2013"),
                      ("[scenarios.frames]\n2013 = inf\n", "scenarios.frames.2013")):
        path = tmp_path / "g.toml"
        path.write_text(base.replace("[scenarios]\n", "[scenarios]\n", 1) + bad, encoding="utf-8")
        with pytest.raises(ConfigError, match=said.replace(".", r"\.")):
            load_governance(path)
    path.write_text(base.replace("optimum_gap_pct = 0.01", "optimum_gap_pct = 50"), encoding="utf-8")
    with pytest.raises(ConfigError, match="optimum_gap_pct"):
        load_governance(path)


def test_the_same_input_gives_the_same_optimum() -> None:
    portfolio = scenario_portfolio(200, seed=3)
    frames = scenario_frames(200)
    first = scenario_for(portfolio, SCENARIO_PLAN, frames, load_governance())
    again = scenario_for(portfolio, SCENARIO_PLAN, frames, load_governance())
    assert first.optimum is not None and again.optimum is not None
    assert [c.key for c in first.optimum.selection.chosen] == [c.key for c in again.optimum.selection.chosen]


def test_department_text_stays_text_in_the_scenario() -> None:
    from kksync.checks.scenario_words import note_text

    ini = Initiative(id=1, key="F13-{0}", title="[bold]<w:p/>{title}", plan_id=1, rank=1)
    _, outside, notes = candidates_of([ini], _portfolio([ini], [], []).children())
    assert outside[0].reason == "no_figures"
    assert note_text(notes[0]).startswith("F13-{0} «[bold]<w:p/>{title}» har hverken")


def test_the_frames_for_every_plan_are_the_joint_plans_and_a_plans_own_win() -> None:
    import tomllib

    from kksync.checks.governance import ScenarioRules
    from kksync.core.model import PlanKind

    rules = ScenarioRules.model_validate(tomllib.loads(
        '[frames]\n2013 = 10\n2014 = 20\n[plans."L".frames]\n2014 = 5\n[plans."J".frames]\n2014 = 0\n'))
    assert rules.frames_for("J", PlanKind.FAELLES) == {2013: 10, 2014: 0}
    assert rules.frames_for("K", PlanKind.FAELLES) == {2013: 10, 2014: 20}
    assert rules.frames_for("L", PlanKind.LOKAL) == {2014: 5}
    assert rules.frames_for("M", PlanKind.OVERGANG) == {}
