"""The two selections of a budget-frame scenario and what they share (pure; see ``kksync.checks.scenarios``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from kksync.checks.scenario_input import Candidate, ranking_key

__all__ = [
    "Displaced", "Frames", "Optimum", "Overrun", "Selection", "overruns", "select_by_rank", "selection_of",
    "total_npv", "years_of",
]

Frames = Mapping[int, Decimal]
Why = Literal["over_frame", "too_big", "not_positive", "no_npv", "less_value"]
"""``over_frame``: beside what the ranking already took; ``too_big``: alone; the rest are the optimum's."""


@dataclass(frozen=True, slots=True)
class Overrun:
    """A year an initiative does not fit in: it asks ``ask``, ``left`` remains of the frame, ``over`` too much."""

    year: int
    ask: Decimal
    left: Decimal

    @property
    def over(self) -> Decimal:
        return self.ask - self.left


@dataclass(frozen=True, slots=True)
class Displaced:
    """An initiative a selection did not take, and why (with the years it does not fit in, where that is why)."""

    candidate: Candidate
    why: Why
    overruns: tuple[Overrun, ...] = ()


@dataclass(frozen=True, slots=True)
class Selection:
    """One method's result: what it took and left, in ranking order, and the frames' use per year."""

    method: Literal["rank", "optimum"]
    chosen: tuple[Candidate, ...]
    displaced: tuple[Displaced, ...]
    use: dict[int, Decimal]

    @property
    def npv(self) -> float:
        return total_npv(self.chosen)

    @property
    def unknown_npv(self) -> tuple[Candidate, ...]:
        return tuple(c for c in self.chosen if c.npv is None)


@dataclass(frozen=True, slots=True)
class Optimum:
    """The optimum as the solver proved it: the selection, its proven upper bound and the gap (%) it is proven
    to (0: exact, to 1 kr.)."""

    selection: Selection
    bound: float
    gap_pct: float
    seconds: float


def total_npv(candidates: Iterable[Candidate]) -> float:
    return float(sum(c.npv for c in candidates if c.npv is not None))


def years_of(frames: Frames, candidates: Iterable[Candidate]) -> tuple[int, ...]:
    """Every framed year and every year something is asked for, in order."""
    return tuple(sorted(set(frames) | {y for c in candidates for y, a in c.costs.items() if a}))


def _use(chosen: Iterable[Candidate], years: Sequence[int]) -> dict[int, Decimal]:
    use = dict.fromkeys(years, Decimal(0))
    for c in chosen:
        for year, amount in c.costs.items():
            use[year] = use.get(year, Decimal(0)) + amount
    return dict(sorted(use.items()))


def overruns(candidate: Candidate, use: Mapping[int, Decimal], frames: Frames) -> tuple[Overrun, ...]:
    """The framed years where ``candidate`` does not fit beside ``use``."""
    out = []
    for year, frame in sorted(frames.items()):
        ask = candidate.cost(year)
        left = frame - use.get(year, Decimal(0))
        if ask > left:
            out.append(Overrun(year, ask, left))
    return tuple(out)


def select_by_rank(candidates: Iterable[Candidate], frames: Frames) -> Selection:
    """Fill the frames in ranking order; what does not fit is displaced with its overruns."""
    ordered = sorted(candidates, key=ranking_key)
    years = years_of(frames, ordered)
    use = dict.fromkeys(years, Decimal(0))
    chosen: list[Candidate] = []
    displaced: list[Displaced] = []
    for c in ordered:
        over = overruns(c, use, frames)
        if over:
            displaced.append(Displaced(c, "over_frame", over))
            continue
        chosen.append(c)
        for year, amount in c.costs.items():
            use[year] += amount
    return Selection("rank", tuple(chosen), tuple(displaced), use)


def selection_of(chosen_flags: Sequence[bool], candidates: Sequence[Candidate], frames: Frames) -> Selection:
    """The optimum's selection from the solver's 0/1 answer, each left-out initiative with its reason."""
    ordered = sorted(zip(candidates, chosen_flags, strict=True), key=lambda pair: ranking_key(pair[0]))
    years = years_of(frames, candidates)
    chosen = [c for c, flag in ordered if flag]
    use = _use(chosen, years)
    empty = dict.fromkeys(years, Decimal(0))
    displaced = []
    for c, flag in ordered:
        if flag:
            continue
        if c.npv is None:
            displaced.append(Displaced(c, "no_npv"))
        elif c.npv <= 0:
            displaced.append(Displaced(c, "not_positive"))
        elif alone := overruns(c, empty, frames):
            displaced.append(Displaced(c, "too_big", alone))
        else:
            displaced.append(Displaced(c, "less_value", overruns(c, use, frames)))
    return Selection("optimum", tuple(chosen), tuple(displaced), use)
