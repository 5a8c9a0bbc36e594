"""The optimum of a budget-frame scenario: the most NPV within the frames, as a 0/1 MIP solved by HiGHS.

    maximise  Σ npv_i · x_i
    subject to Σ ask_i,y · x_i ≤ frame_y   for every framed year y
               x_i ∈ {0, 1};  x_i = 0 unless npv_i is known and > 0

HiGHS (``highspy``, imported here and only when a scenario is solved, so ``kksync.checks`` stays fast
to import) is a branch-and-cut solver: ``kOptimal`` means it *proved* that no selection is better than
its answer by more than the stated gap (``mip_rel_gap``/``mip_abs_gap``). It is asked for the exact
optimum first (gap 0, to 1 kr.); only when that is not proven within ``exact_seconds`` (a plan of
thousands of initiatives) does it go on to ``gap_pct`` % of the answer, and the answer says which. Anything else (a time limit, an interrupt) is not an optimum and is
said so, never shown as one. Any eligible initiative that still fits beside the answer is then added
(most NPV first: within the gap the solver may stop short of one), and the answer is checked here in
exact decimal arithmetic: every frame holds and every variable is 0 or 1. The ranking's set (restricted to positive NPV) is handed to
the solver as its first solution, so the optimum is never worth less than following the ranking.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from kksync.checks.scenario_input import Candidate
from kksync.checks.scenario_select import Optimum, overruns, selection_of, total_npv
from kksync.texts.scenarios import scenario_text

__all__ = ["ABS_GAP_KR", "OptimumNotFound", "solve_optimum"]

ABS_GAP_KR = 1.0
"""Absolute gap: below 1 kr. the solver may stop (amounts are whole kroner in practice)."""
_INTEGRAL = 1e-6
_banner_shown: list[bool] = []


class OptimumNotFound(Exception):
    """The solver did not prove an optimum (time limit, numerical trouble); the message is Danish."""


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """HiGHS prints its banner to the C-level stdout once per process; keep it out of ``--format json``."""
    if _banner_shown:
        yield
        return
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real file descriptor 1 (an embedded host): nothing to protect
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
        _banner_shown.append(True)


def _highs() -> Any:
    import highspy

    with _quiet_stdout():
        solver = highspy.Highs()  # type: ignore[no-untyped-call]
    solver.setOptionValue("output_flag", False)
    return solver


def solve_optimum(
    candidates: Sequence[Candidate], frames: Mapping[int, Decimal], *, gap_pct: float = 0.01,
    time_limit: float = 60.0, exact_seconds: float = 10.0, start: Sequence[Candidate] = (),
) -> Optimum:
    """The NPV-maximal selection within ``frames``; ``OptimumNotFound`` unless HiGHS proves it.

    Exact (to 1 kr.) when HiGHS proves that within ``exact_seconds``; otherwise within ``gap_pct`` % in the
    rest of ``time_limit``. ``Optimum.gap_pct`` says which: 0 for exact.
    """
    began = time.perf_counter()
    empty = dict.fromkeys(frames, Decimal(0))
    # Only a known, positive NPV can add value, and one that alone breaks a frame can never be taken.
    eligible = [i for i, c in enumerate(candidates)
                if c.npv is not None and c.npv > 0 and not overruns(c, empty, frames)]
    flags = [False] * len(candidates)
    if not frames:
        for i in eligible:
            flags[i] = True
        selection = selection_of(flags, candidates, frames)
        return Optimum(selection, selection.npv, 0.0, time.perf_counter() - began)
    bound, proven_gap = 0.0, 0.0
    if eligible:
        chosen, bound, proven_gap = _solve([candidates[i] for i in eligible], frames, gap_pct, time_limit,
                                           exact_seconds, {id(c) for c in start})
        for position, i in enumerate(eligible):
            flags[i] = chosen[position]
        _fill_up(flags, candidates, eligible, frames)
    selection = selection_of(flags, candidates, frames)
    _verify(selection.chosen, frames)
    starting = [c for c in start if c.npv is not None and c.npv > 0]
    if total_npv(starting) > selection.npv:  # cannot happen with the start given; guarded all the same
        keep = {id(c) for c in starting}
        selection = selection_of([id(c) in keep for c in candidates], candidates, frames)
    return Optimum(selection, max(bound, selection.npv), proven_gap, time.perf_counter() - began)


def _solve(items: Sequence[Candidate], frames: Mapping[int, Decimal], gap_pct: float, time_limit: float,
           exact_seconds: float, start: set[int]) -> tuple[list[bool], float, float]:
    """The solver's selection, its proven bound and the gap (%) it was proven to: 0 when exact."""
    import highspy

    years = sorted(frames)
    n = len(items)
    # Column-wise sparse matrix: an initiative's asks in the framed years it asks anything in.
    starts, index, value = [0], [], []
    for c in items:
        for row, year in enumerate(years):
            ask = c.cost(year)
            if ask:
                index.append(row)
                value.append(float(ask))
        starts.append(len(index))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(years)
    lp.col_cost_ = [float(c.npv or 0.0) for c in items]
    lp.col_lower_, lp.col_upper_ = [0.0] * n, [1.0] * n
    lp.row_lower_ = [-highspy.kHighsInf] * len(years)
    lp.row_upper_ = [float(frames[y]) for y in years]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = starts, index, value
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    solver = _highs()
    for name, option in (("mip_abs_gap", ABS_GAP_KR), ("threads", 1), ("random_seed", 0)):
        solver.setOptionValue(name, option)
    solver.passModel(lp)
    first = [1.0 if id(c) in start else 0.0 for c in items]
    began = time.perf_counter()
    # Exact first (to 1 kr.); only if that is not proven within exact_seconds, the asked gap for the rest.
    phases = [(0.0, min(exact_seconds, time_limit))]
    if gap_pct > 0 and exact_seconds < time_limit:
        phases.append((gap_pct, time_limit))
    status = highspy.HighsModelStatus.kNotset
    proven_gap = gap_pct
    for proven_gap, until in phases:
        left = until - (time.perf_counter() - began)
        if left <= 0:
            break
        solver.setOptionValue("mip_rel_gap", proven_gap / 100.0)
        solver.setOptionValue("time_limit", left)
        if any(first):
            solution = highspy.HighsSolution()
            solution.col_value = first
            solver.setSolution(solution)
        solver.run()
        status = solver.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            break
        found = list(solver.getSolution().col_value)
        if len(found) == n:  # the best found so far starts the next phase
            first = [1.0 if v > 0.5 else 0.0 for v in found]
    if status != highspy.HighsModelStatus.kOptimal:
        raise OptimumNotFound(scenario_text("solver_not_optimal", status=solver.modelStatusToString(status),
                                            seconds=f"{time_limit:g}"))
    x = list(solver.getSolution().col_value)
    if any(abs(v - round(v)) > _INTEGRAL for v in x):
        raise OptimumNotFound(scenario_text("solver_not_integral"))
    return [v > 0.5 for v in x], float(solver.getInfo().mip_dual_bound), proven_gap


def _fill_up(flags: list[bool], candidates: Sequence[Candidate], eligible: Sequence[int],
             frames: Mapping[int, Decimal]) -> None:
    """Take every eligible initiative that still fits, most NPV first: within the gap HiGHS may stop short of it.

    Each only adds value and keeps every frame, so the answer stays within the gap and no initiative with a
    positive NPV is left out while it would fit (its reason can always name the year it does not fit in).
    """
    use = dict.fromkeys(frames, Decimal(0))
    for i, flag in enumerate(flags):
        if flag:
            for year in frames:
                use[year] += candidates[i].cost(year)
    for i in sorted((i for i in eligible if not flags[i]), key=lambda i: (-(candidates[i].npv or 0.0), i)):
        c = candidates[i]
        if not overruns(c, use, frames):
            flags[i] = True
            for year in frames:
                use[year] += c.cost(year)


def _verify(chosen: Sequence[Candidate], frames: Mapping[int, Decimal]) -> None:
    """Every frame holds, in exact decimal arithmetic (the solver computes in floating point)."""
    for year, frame in frames.items():
        used = sum((c.cost(year) for c in chosen), Decimal(0))
        if used > frame:
            raise OptimumNotFound(scenario_text("solver_over_frame", year=year))
