"""A joint plan for budget-frame scenarios: ``n`` initiatives asking the investment pool over ``years`` years.

Every initiative has yearly business-case figures (so the NPV is recomputed) and pool funding lines,
except on purpose: every 9th has its NPV only stated (no operating figures), every 13th has no
figures at all (a finding), every 17th is funded from its own budget (outside the scenario), every
19th has no funding lines and asks for its business case's investment; ranks repeat every 7th and
every 23rd has none. Deterministic for a given ``seed``. Used by the tests, the benchmark and the demo.
"""

from __future__ import annotations

import random
from decimal import Decimal

from kksync.core.model import (
    Administration,
    BudgetCategory,
    BusinessCase,
    BusinessCaseFigure,
    FigureKind,
    FundingLine,
    FundingSource,
    Initiative,
    Plan,
    PlanKind,
    Portfolio,
)
from testkit.portfolios import make_plan

__all__ = ["SCENARIO_PLAN", "scenario_frames", "scenario_portfolio"]

SCENARIO_PLAN = "FHP-SCEN"
_ADMINS = list(Administration)
_KR = Decimal(1)


def scenario_frames(n: int, *, years: int = 4, first_year: int = 2013, share: float = 0.45) -> dict[int, Decimal]:
    """Frames that hold about ``share`` of what ``n`` initiatives ask on average (so a choice must be made)."""
    mean_ask = 2_750_000  # the mean of the yearly asks below
    return {first_year + y: Decimal(int(n * mean_ask * share / 100_000) * 100_000) for y in range(years)}


def scenario_portfolio(n: int, *, years: int = 4, first_year: int = 2013, seed: int = 17) -> Portfolio:
    rnd = random.Random(seed)
    plan: Plan = make_plan(1, key=SCENARIO_PLAN, title=f"Fælles handlingsplan {first_year}–{first_year + years - 1}",
                           kind=PlanKind.FAELLES, start_year=first_year)
    initiatives: list[Initiative] = []
    funding: list[FundingLine] = []
    figures: list[BusinessCaseFigure] = []
    for k in range(1, n + 1):
        rank = None if k % 23 == 0 else (k - 1 if k % 7 == 0 else k)  # every 7th shares its rank with the one before
        asks = {first_year + y: Decimal(rnd.choice((0, 500_000, 1_000_000, 2_500_000, 4_000_000, 5_000_000)))
                for y in range(years)}
        if not any(asks.values()):  # every initiative asks for something: only the 13th ones lack figures
            asks[first_year] = Decimal(500_000)
        total = float(sum(asks.values()))
        benefit = Decimal(int(total * rnd.uniform(0.0, 0.7) / 1000) * 1000)
        saving = Decimal(int(total * rnd.uniform(0.0, 0.2) / 1000) * 1000)
        rows: list[tuple[FigureKind, int, Decimal]] = [(FigureKind.INVESTERING, y, a) for y, a in asks.items() if a]
        stated_only = k % 9 == 0
        if not stated_only:
            for y in range(first_year, first_year + years + 4):
                rows.append((FigureKind.DRIFT_0, y, saving + Decimal(200_000)))
                rows.append((FigureKind.DRIFT_1, y, Decimal(200_000)))
                if y > first_year:
                    rows.append((FigureKind.GEVINST, y, benefit))
        if k % 13 == 0:
            rows = []
        iid = k
        figures.extend(BusinessCaseFigure(id=len(figures) + i + 1, initiative_id=iid, kind=kind, year=y, amount=a)
                       for i, (kind, y, a) in enumerate(rows))
        if k % 19 != 0 and k % 13 != 0:
            source = FundingSource.EGEN_RAMME if k % 17 == 0 else FundingSource.INVESTERINGSPULJE
            funding.extend(FundingLine(id=len(funding) + i + 1, initiative_id=iid, source=source,
                                       category=BudgetCategory.ANLAEG, year=y, amount=a)
                           for i, (y, a) in enumerate((y, a) for y, a in asks.items() if a))
        stated = Decimal(int(rnd.uniform(-0.3, 1.2) * total)).quantize(_KR)
        initiatives.append(Initiative(
            id=iid, key=f"F{first_year % 100:02d}-{k:04d}", title=f"Initiativ {k}", plan_id=plan.id, rank=rank,
            administration=_ADMINS[k % len(_ADMINS)],
            business_case=BusinessCase(discount_rate=Decimal("4") if not stated_only else None, npv=stated),
        ))
    return Portfolio(plans=[plan], initiatives=initiatives, funding_lines=funding, figures=figures)
