"""Benchmark: the completeness checks over a portfolio of 10,000 initiatives.

Times ``check_portfolio`` (rules, lights, verdicts) against validating the same initiatives
into the model with ``Initiative.model_validate`` from their ``model_dump()`` dicts (each best
of five, interleaved); the goal is a ratio of at most 2. Validating the whole portfolio (children
included) is reported too, for scale. Peak Python memory of one check run is measured with
tracemalloc in a separate run (it slows Python code several-fold); the goal is at most 64 MiB. Writes
``bench/results/checks.json``.

    .venv/bin/python bench/bench_checks.py [--initiatives 10000] [--seed 0]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kksync.checks import check_portfolio, load_governance  # noqa: E402
from kksync.core.model import Initiative, Portfolio  # noqa: E402
from kksync.sample import large_portfolio  # noqa: E402

GOAL_RATIO = 2.0
GOAL_PEAK_MIB = 64.0
TODAY = date(2014, 6, 1)
NOW = datetime(2014, 6, 1, 12, tzinfo=UTC)


def _best(work: Callable[[], object], repeat: int = 3) -> float:
    """Best of ``repeat``, each run after a full collection and with the cyclic GC off (as ``timeit`` does):
    otherwise a collection of the other side's garbage lands in whichever run happens to trigger it."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    built = time.perf_counter()
    portfolio = large_portfolio(args.initiatives, seed=args.seed)
    build_seconds = time.perf_counter() - built
    initiative_dicts = [i.model_dump() for i in portfolio.initiatives]
    portfolio_dict = portfolio.model_dump()
    governance = load_governance()

    def check() -> object:
        return check_portfolio(portfolio, governance=governance, today=TODAY, now=NOW)

    report = check()  # warm-up, and the figures below
    # Interleaved, best of five: on a shared machine load comes in bursts, and both sides of the
    # ratio should see the same ones.
    validate_seconds = check_seconds = float("inf")
    for _ in range(5):
        validate_seconds = min(validate_seconds, _best(lambda: [Initiative.model_validate(d) for d in initiative_dicts], 1))
        check_seconds = min(check_seconds, _best(check, 1))
    portfolio_seconds = _best(lambda: Portfolio.model_validate(portfolio_dict))

    tracemalloc.start()
    check()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    children = sum(len(getattr(portfolio, k)) for k in ("funding_lines", "figures", "milestones", "statuses"))
    ratio = check_seconds / validate_seconds
    result = {
        "initiatives": len(portfolio.initiatives),
        "child_records": children,
        "findings": len(report.findings),  # type: ignore[attr-defined]
        "build_seconds": round(build_seconds, 3),
        "initiative_validate_seconds": round(validate_seconds, 3),
        "portfolio_validate_seconds": round(portfolio_seconds, 3),
        "check_seconds": round(check_seconds, 3),
        "ratio_to_initiative_validate": round(ratio, 2),
        "ratio_to_portfolio_validate": round(check_seconds / portfolio_seconds, 2),
        "goal_ratio": GOAL_RATIO,
        "peak_mib": round(peak / 2**20, 1),
        "goal_peak_mib": GOAL_PEAK_MIB,
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    for key, value in result.items():
        print(f"{key:>30}: {value}")
    print("OK" if ratio <= GOAL_RATIO else f"OVER GOAL: {ratio:.2f} > {GOAL_RATIO}")
    if peak / 2**20 > GOAL_PEAK_MIB:
        print(f"OVER GOAL: peak {peak / 2**20:.1f} MiB > {GOAL_PEAK_MIB} MiB")
    out = ROOT / "bench" / "results" / "checks.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
