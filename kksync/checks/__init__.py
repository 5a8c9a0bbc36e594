"""Completeness checks before political decision, and computed traffic lights (pure core).

``check_portfolio`` runs the rules the governance configuration switches on for each plan kind
and stage, computes traffic lights from the latest status, and judges each plan against the
gate "Klar til politisk behandling". ``initiative_bot_values``/``plan_bot_values`` turn the
report into the values of the bot-owned SharePoint columns.
"""

from __future__ import annotations

from kksync.checks.bot_values import initiative_bot_values, missing_text, plan_bot_values
from kksync.checks.budget_calendar import BudgetCalendar, BudgetYear, Deadline, upcoming_deadlines
from kksync.checks.catalog import RULES, Rule
from kksync.checks.engine import check_plan, check_portfolio
from kksync.checks.findings import CheckReport, ComputedLight, Finding, PlanVerdict, Requirement, Severity
from kksync.checks.governance import DEFAULT_GOVERNANCE_FILE, Governance, LightLimits, Thresholds, load_governance
from kksync.checks.lights import compute_light

__all__ = [
    "DEFAULT_GOVERNANCE_FILE",
    "RULES",
    "BudgetCalendar",
    "BudgetYear",
    "Deadline",
    "CheckReport",
    "ComputedLight",
    "Finding",
    "Governance",
    "LightLimits",
    "PlanVerdict",
    "Requirement",
    "Rule",
    "Severity",
    "Thresholds",
    "check_plan",
    "check_portfolio",
    "compute_light",
    "initiative_bot_values",
    "load_governance",
    "missing_text",
    "plan_bot_values",
    "upcoming_deadlines",
]
