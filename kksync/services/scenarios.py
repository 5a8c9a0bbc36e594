"""The budget-frame scenario of a plan, from a portfolio (synced or frozen) and the frames."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from kksync.checks.governance import Governance
from kksync.checks.scenarios import Scenario, build_scenario
from kksync.core.model import Portfolio

__all__ = ["scenario_for"]


def scenario_for(portfolio: Portfolio, plan_key: str, frames: Mapping[int, Decimal], governance: Governance) -> Scenario:
    """Both selections for the plan's initiatives within ``frames`` (``UnknownPlanError`` for a wrong key)."""
    from kksync.services.snapshots import require_plan

    plan = require_plan(portfolio, plan_key)
    rules = governance.scenarios
    return build_scenario(plan_key, portfolio.initiatives_of(plan.id or -1), portfolio.children(), frames,
                          gap_pct=rules.optimum_gap_pct, time_limit=rules.time_limit_seconds,
                          exact_seconds=rules.exact_seconds)
