"""Function app cold start and handshake latency.

* Import time of ``function_app`` (what the host does on a cold start) as a ratio to importing
  ``azure.functions`` + ``pydantic`` alone, each measured inside fresh interpreters, interleaved, the
  median of several runs. Goal: ratio ≤ 2.
* The webhook validation handshake: first call in a fresh interpreter (import included) and the
  in-process latency of further calls (median and p95).

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
GOAL_RATIO = 2.0

_TIMED_IMPORT = "import time; t = time.perf_counter(); {imports}; print(time.perf_counter() - t)"
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


def _subprocess_seconds(code: str) -> float:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    return float(out.stdout.strip().splitlines()[-1])


def import_times(runs: int = RUNS) -> dict[str, float]:
    baseline: list[float] = []
    app: list[float] = []
    for _ in range(runs):  # interleaved, so a busy moment hurts both sides alike
        baseline.append(_subprocess_seconds(_TIMED_IMPORT.format(imports="import azure.functions, pydantic")))
        app.append(_subprocess_seconds(_TIMED_IMPORT.format(imports="import function_app")))
    base, mine = statistics.median(baseline), statistics.median(app)
    return {"baseline_ms": round(base * 1000, 1), "function_app_ms": round(mine * 1000, 1),
            "ratio": round(mine / base, 2), "goal_ratio": GOAL_RATIO, "runs": runs}


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
    cold = statistics.median(_subprocess_seconds(_COLD_HANDSHAKE) for _ in range(3))
    return {"cold_first_call_ms": round(cold * 1000, 1), "warm_median_us": round(statistics.median(samples) * 1e6, 1),
            "warm_p95_us": round(samples[int(len(samples) * 0.95)] * 1e6, 1), "calls": calls}


def main() -> dict[str, object]:
    result: dict[str, object] = {"import": import_times(), "handshake": handshake(), "python": sys.version.split()[0]}
    result["ok"] = result["import"]["ratio"] <= GOAL_RATIO  # type: ignore[index]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
