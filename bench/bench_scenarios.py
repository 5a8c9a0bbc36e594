"""Benchmark: budget-frame scenarios for 500 and 5,000 initiatives over 4 years.

Each size runs in a fresh process: a joint plan from ``testkit.budget_scenarios`` (pool funding lines and
yearly business-case figures; some initiatives without figures, funded elsewhere, ranks shared or
missing), frames holding about 45 % of the average ask per year, and then the whole scenario
(``kksync.services.scenarios.scenario_for``: reading the candidates, the ranking-order selection, the
HiGHS optimum, exact first, within 0,01 % only after `exact_seconds`, and the exact check of its answer), best of three. Peak memory: Python's
with tracemalloc in a separate run, and the process's peak RSS growth over the scenario (HiGHS allocates
outside Python). Writes ``bench/results/scenarios.json``.

    .venv/bin/python bench/bench_scenarios.py [--sizes 500,5000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_SECONDS = {500: 5.0, 5000: 30.0}
GOAL_PEAK_MIB = {500: 96.0, 5000: 256.0}
GOAL_PYTHON_PEAK_MIB = {500: 8.0, 5000: 64.0}
EXACT_UP_TO = 500  # also solved with gap 0 alone (no fallback), to compare with the default
YEARS = 4


def one(n: int) -> dict[str, object]:
    from kksync.checks.governance import load_governance
    from kksync.services.scenarios import scenario_for
    from testkit.budget_scenarios import SCENARIO_PLAN, scenario_frames, scenario_portfolio

    portfolio = scenario_portfolio(n, years=YEARS)
    frames = scenario_frames(n, years=YEARS)
    governance = load_governance()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times, solver = [], []
    scenario = None
    for _ in range(3):
        started = time.perf_counter()
        scenario = scenario_for(portfolio, SCENARIO_PLAN, frames, governance)
        times.append(time.perf_counter() - started)
        solver.append(scenario.optimum.seconds if scenario.optimum else float("nan"))
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    scenario_for(portfolio, SCENARIO_PLAN, frames, governance)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert scenario is not None and scenario.optimum is not None, scenario and scenario.problem
    best = scenario.optimum
    exact: dict[str, object] = {}
    if n <= EXACT_UP_TO:
        from kksync.checks.optimum import OptimumNotFound, solve_optimum

        try:
            proven = solve_optimum(scenario.candidates, frames, gap_pct=0.0, time_limit=300, start=scenario.by_rank.chosen)
            exact = {"exact_seconds": round(proven.seconds, 3), "exact_npv_kr": round(proven.selection.npv),
                     "default_gap_short_kr": round(proven.selection.npv - best.selection.npv)}
        except OptimumNotFound:
            exact = {"exact_seconds": None}
    return {
        "initiatives": n, "years": YEARS, "candidates": len(scenario.candidates), "outside": len(scenario.outside),
        "notes": len(scenario.notes), "chosen_by_rank": len(scenario.by_rank.chosen),
        "chosen_by_optimum": len(best.selection.chosen), "ranking_cost_kr": round(scenario.ranking_cost or 0.0),
        "optimum_npv_kr": round(best.selection.npv), "bound_kr": round(best.bound), "gap_pct": best.gap_pct,
        "proven_gap_pct": round(100 * (best.bound - best.selection.npv) / best.bound, 5) if best.bound else 0.0,
        "seconds": round(min(times), 3), "solver_seconds": round(min(solver), 3),
        "goal_seconds": GOAL_SECONDS.get(n, 30.0),
        "python_peak_mib": round(peak / 2**20, 1),
        "rss_growth_mib": round(max(0, rss_after - rss_before) / 1024, 1),
        "goal_peak_mib": GOAL_PEAK_MIB.get(n, 256.0),
        "goal_python_peak_mib": GOAL_PYTHON_PEAK_MIB.get(n, 64.0),
        **exact,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="500,5000")
    parser.add_argument("--one", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        done = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True,
                              cwd=ROOT, timeout=1800)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        for key, value in row.items():
            print(f"{key:>20}: {value}")
        print()
    result = {"sizes": rows, "recorded_at": datetime.now(UTC).isoformat(timespec="seconds")}
    out = ROOT / "bench" / "results" / "scenarios.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
