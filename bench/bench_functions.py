"""Function app cold start and handshake latency.

* Import time and peak RSS of ``function_app`` (what the host does on a cold start) as ratios to
  importing ``azure.functions`` + ``pydantic`` alone, each measured inside fresh interpreters,
  interleaved, the median of several runs. Goal: both ratios ≤ 2.
* The webhook validation handshake: first call in a fresh interpreter (import included; SharePoint
  expects the token back within about 5 s) and the in-process latency of further calls (median and p95; goal p95 ≤ 1 ms).

Writes ``bench/results/functions.json`` and prints it. Run: ``.venv/bin/python bench/bench_functions.py``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "functions.json"
RUNS = 9
GOAL_RATIO = 2.0  # import time and peak RSS, each against the baseline's
GOAL_COLD_HANDSHAKE_MS = 5000.0  # SharePoint fails the subscription if the token comes back later
GOAL_WARM_P95_US = 1000.0

# Each child prints its figures on the last line: seconds, then peak RSS in MiB where measured.
_TIMED_IMPORT = (
    "import resource, time; t = time.perf_counter(); {imports}; "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
)
_COLD_HANDSHAKE = """
import time
t = time.perf_counter()
import azure.functions as func
import function_app
handler = {f.get_function_name(): f for f in function_app.app.get_functions()}["webhook"].get_user_function()
request = func.HttpRequest("POST", "http://localhost/api/webhook", headers={}, params={"validationtoken": "tok"},
                           route_params={}, body=b"")
assert handler(request).get_body() == b"tok"
print(time.perf_counter() - t)
"""


def _child_figures(code: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    return [float(value) for value in out.stdout.strip().splitlines()[-1].split()]


def _medians(samples: list[list[float]]) -> list[float]:
    return [statistics.median(column) for column in zip(*samples, strict=True)]


def import_times(runs: int = RUNS) -> dict[str, float]:
    baseline: list[list[float]] = []
    app: list[list[float]] = []
    for _ in range(runs):  # interleaved, so a busy moment hurts both sides alike
        baseline.append(_child_figures(_TIMED_IMPORT.format(imports="import azure.functions, pydantic")))
        app.append(_child_figures(_TIMED_IMPORT.format(imports="import function_app")))
    (base, base_rss), (mine, mine_rss) = _medians(baseline), _medians(app)
    return {"baseline_ms": round(base * 1000, 1), "function_app_ms": round(mine * 1000, 1),
            "ratio": round(mine / base, 2), "goal_ratio": GOAL_RATIO,
            "baseline_peak_rss_mib": round(base_rss, 1), "function_app_peak_rss_mib": round(mine_rss, 1),
            "peak_rss_ratio": round(mine_rss / base_rss, 2), "goal_peak_rss_ratio": GOAL_RATIO, "runs": runs}


def handshake(calls: int = 2000) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    import azure.functions as func

    import function_app

    handler = {f.get_function_name(): f for f in function_app.create_app().get_functions()}["webhook"].get_user_function()
    request = func.HttpRequest("POST", "http://localhost/api/webhook", headers={}, params={"validationtoken": "a-token"},
                               route_params={}, body=b"")
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        handler(request)
        samples.append(time.perf_counter() - started)
    samples.sort()
    cold = statistics.median(_child_figures(_COLD_HANDSHAKE)[0] for _ in range(3))
    return {"cold_first_call_ms": round(cold * 1000, 1), "goal_cold_first_call_ms": GOAL_COLD_HANDSHAKE_MS,
            "warm_median_us": round(statistics.median(samples) * 1e6, 1),
            "warm_p95_us": round(samples[int(len(samples) * 0.95)] * 1e6, 1), "goal_warm_p95_us": GOAL_WARM_P95_US,
            "calls": calls}


def main() -> dict[str, object]:
    imports = import_times()
    result: dict[str, object] = {
        "import": imports, "handshake": handshake(), "python": sys.version.split()[0],
        "ok": imports["ratio"] <= GOAL_RATIO and imports["peak_rss_ratio"] <= GOAL_RATIO,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
