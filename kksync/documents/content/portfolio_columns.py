"""The portfolio's column headers that are the lists' own display names (the model is their one source)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kksync.documents.content.common import label

__all__ = ["PortfolioColumns", "portfolio_columns"]


@dataclass(frozen=True, slots=True)
class PortfolioColumns:
    project_key: str
    project_title: str
    total_cost: str
    manager: str
    owner: str
    budget: str
    spent: str
    forecast: str


@cache
def portfolio_columns() -> PortfolioColumns:
    return PortfolioColumns(
        project_key=label("it_projects", "key"), project_title=label("it_projects", "title"),
        total_cost=label("it_projects", "total_cost"), manager=label("it_projects", "project_manager"),
        owner=label("initiatives", "project_owner"), budget=label("statuses", "baseline_cost"),
        spent=label("statuses", "spent"), forecast=label("statuses", "forecast_cost"),
    )
