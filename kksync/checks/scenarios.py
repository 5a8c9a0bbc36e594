"""Budget-frame scenarios: which initiatives fit the investment frame per year (pure but for the solver).

Two selections within the same frames (kr. per budget year):

- **by rank** (``select_by_rank``): the political ranking is followed. Initiatives are taken in ranking
  order (``ranking_key``: rank 1 first; equal ranks by initiative id; unranked last); one that does not
  fit in some year — what is already taken plus its ask would exceed that year's frame — is displaced,
  with every year it does not fit in and by how much; later ones that fit are still taken. It takes
  initiatives whatever their NPV: the ranking is the committee's, not the arithmetic's.
- **the optimum** (``kksync.checks.optimum``): the set with the largest total NPV within the frames, a
  0/1 knapsack in as many dimensions as there are framed years, solved exactly by HiGHS within a stated
  gap. Only initiatives with a known, positive NPV can add value, so only they are chosen.

A year that has no frame limits nothing (its use is shown without a frame); a frame of 0 takes only
initiatives that ask nothing that year. What keeping the ranking costs is the optimum's NPV minus the
ranking's, both counted over the initiatives whose NPV is known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from kksync.checks.scenario_input import Candidate, Outside, ScenarioNote, candidates_of, ranking_key
from kksync.checks.scenario_select import (
    Displaced,
    Frames,
    Optimum,
    Overrun,
    Selection,
    overruns,
    select_by_rank,
    selection_of,
    total_npv,
    years_of,
)
from kksync.core.model import ChildIndex, Initiative

__all__ = [
    "Candidate", "Displaced", "Optimum", "Outside", "Overrun", "Scenario", "ScenarioNote", "Selection",
    "build_scenario", "overruns", "ranking_key", "select_by_rank", "selection_of", "total_npv", "years_of",
]


@dataclass(frozen=True, slots=True)
class Scenario:
    """A plan's scenario: frames, candidates, both selections, and what the ranking costs."""

    plan_key: str
    frames: dict[int, Decimal]
    years: tuple[int, ...]
    candidates: tuple[Candidate, ...]
    outside: tuple[Outside, ...]
    notes: tuple[ScenarioNote, ...]
    by_rank: Selection
    optimum: Optimum | None
    problem: str | None = None
    """Why there is no optimum (the solver's time limit, say); the ranking selection still holds."""

    @property
    def ranking_cost(self) -> float | None:
        """NPV the optimum gains over the ranking (never negative: the solver starts from the ranking's set)."""
        return None if self.optimum is None else self.optimum.selection.npv - self.by_rank.npv

    def frame(self, year: int) -> Decimal | None:
        return self.frames.get(year)


def build_scenario(
    plan_key: str, initiatives: Iterable[Initiative], children: ChildIndex, frames: Frames, *,
    gap_pct: float = 0.01, time_limit: float = 60.0, exact_seconds: float = 10.0,
) -> Scenario:
    """Both selections for a plan's initiatives within ``frames`` (the optimum solved by HiGHS)."""
    from kksync.checks.optimum import OptimumNotFound, solve_optimum

    candidates, outside, notes = candidates_of(initiatives, children)
    frames = dict(sorted(frames.items()))
    by_rank = select_by_rank(candidates, frames)
    optimum: Optimum | None = None
    problem: str | None = None
    try:
        optimum = solve_optimum(candidates, frames, gap_pct=gap_pct, time_limit=time_limit,
                                exact_seconds=exact_seconds, start=by_rank.chosen)
    except OptimumNotFound as error:
        problem = str(error)
    return Scenario(plan_key, frames, years_of(frames, candidates), tuple(candidates), tuple(outside), tuple(notes),
                    by_rank, optimum, problem)
