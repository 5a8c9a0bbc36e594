"""``make bench``: run every benchmark and write BENCHMARKS.md (machine, date, each figure beside its goal).

Each benchmark script writes its figures and goals to ``bench/results/<name>.json``; this script runs
them, turns the results into Markdown tables (✅ or ❌ on every figure with a goal) and summarises,
at the top, how many figures met their goal and which did not. Exits non-zero if a script failed;
a missed goal is reported, not fatal.

    .venv/bin/python bench/run_all.py [--quick]    # --quick: sync at 1,000 and 10,000 items only
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
REPORT = ROOT / "BENCHMARKS.md"
QUICK_SYNC_SIZES = "1000,10000"
RATIO = "× baseline"  # the unit of a figure measured against the section's baseline


# -- figures and goals ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """A measured value and its goal: at most ``goal``, or at least when ``higher_is_better``."""

    label: str
    value: float
    goal: float
    unit: str = ""
    digits: int = 0
    higher_is_better: bool = False
    detail: str = ""  # shown after the value, e.g. the timing behind a ratio

    @property
    def met(self) -> bool:
        return self.value >= self.goal if self.higher_is_better else self.value <= self.goal

    def _with_unit(self, number: str) -> str:
        return f"{number} {self.unit}" if self.unit else number

    @property
    def _value(self) -> str:
        return self._with_unit(f"{self.value:,.{self.digits}f}")

    @property
    def _detail(self) -> str:
        return f" ({self.detail})" if self.detail else ""

    @property
    def measured(self) -> str:
        return f"{self._value} {'✅' if self.met else '❌'}{self._detail}"

    @property
    def target(self) -> str:
        return f"{'≥' if self.higher_is_better else '≤'} {self._with_unit(f'{self.goal:,g}')}"

    def miss(self, section: str) -> str:
        return f"❌ {section}, {self.label}: {self._value}{self._detail}, goal {self.target}"


class Reference(NamedTuple):
    """A measured baseline that the figures below it are ratios to."""

    label: str
    measured: str


@dataclass
class Section:
    name: str
    title: str
    method: str
    table: list[str]
    figures: list[Figure]

    def markdown(self) -> list[str]:
        return [f"## {self.title}", "", self.method, "", *self.table, ""]

    def misses(self) -> list[str]:
        return [f.miss(self.name) for f in self.figures if not f.met]


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(headers) + " |",
        "|" + "---|" * len(headers),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _figure_section(name: str, title: str, method: str, rows: list[Figure | Reference]) -> Section:
    """A section with a figure per row, each beside its goal; a reference row is the baseline of a ratio."""
    table = _table(["figure", "measured", "goal"],
                   [(r.label, r.measured, r.target if isinstance(r, Figure) else "baseline") for r in rows])
    return Section(name, title, method, table, [r for r in rows if isinstance(r, Figure)])


# -- sections ----------------------------------------------------------------------------------------------
def sync_section(data: dict[str, Any]) -> Section:
    goals = data["goals"]
    figures: list[Figure] = []
    rows = []
    for size in data["sizes"]:
        for step in size["steps"]:
            label = f"{size['items']:,} items, {step['step']}"
            requests = Figure(f"{label}: requests", step["requests"], step["budget"])
            agree = Figure(f"{label}: RU counted by kksync minus RU charged by the emulator",
                           abs(step["resource_units"] - step["charged_units"]), 0)
            figures += [requests, agree]
            ratio = "–"
            if step["ratio"] is not None:
                speed = Figure(f"{label}: time against a bare HTTP client", step["ratio"], goals["max_read_ratio"],
                               RATIO, digits=2)
                figures.append(speed)
                ratio = f"{speed.measured} (≤ {goals['max_read_ratio']:g})"
            rows.append((f"{size['items']:,}", step["step"], requests.measured, requests.target,
                         f"{step['resource_units']:,}", f"{step['charged_units']:,} {'✅' if agree.met else '❌'}",
                         f"{step['writes']:,}", ratio))
    method = (
        f"kksync in its own process, the emulator serving over loopback HTTP from another; page size "
        f"{data['page_size']:,}; each list size in a fresh process. Every figure is a count or a ratio to a baseline "
        "of the same run. Requests against their budgets: ceil(n/page size)+3 for a full read, 3+ceil(k/100) for k "
        "incremental changes, ceil(writes/100)+1 for batched writes, 2+ceil(k/100) for the sync after k own writes "
        "(the change log's page and its empty end page, then the items by the hundred: whether SharePoint Online may "
        "return a short change-log page while more changes exist is unverified, sp_emulator/FIDELITY.md row 20). "
        "RU: SharePoint resource units at Microsoft Graph's prices (1 single item or change log with a token, "
        "2 multi-item query or write, 5 permission operation; `$batch` parts one by one; `kksync/sharepoint/pricing.py`), "
        "a lower bound, as REST usually costs more — counted by kksync's transport and charged by the emulator "
        "(FIDELITY row 31), which must agree. Time: each read step against a bare `requests` session sending the "
        f"same reads (the same pages, answers parsed as JSON) right after it: ≤ {goals['max_read_ratio']:g} × "
        "(mapping, validation, fingerprints and the SQLite store are what the product adds). Writes: items written."
    )
    headers = ["items", "step", "requests", "budget", "RU (kksync)", "RU (emulator)", "writes", "time"]
    table = _table(headers, rows)
    memory_rows = []
    for size in data["sizes"]:
        memory = size["memory"]
        figure = Figure(f"{size['items']:,} items: memory of a full read against pydantic models",
                        memory["ratio"], goals["max_memory_ratio"], RATIO, digits=2)
        figures.append(figure)
        memory_rows.append((f"{size['items']:,}", f"{memory['product_mib']:,.1f} MiB", f"{memory['kib_per_item']:,.1f} KiB",
                            f"{memory['models_mib']:,.1f} MiB", f"{figure.measured} (≤ {goals['max_memory_ratio']:g})"))
    table += ["", "Memory: what a full read adds to kksync's own process (peak RSS over the RSS before it; the "
              "emulator's copy of the list is in the other process), per item and against plain pydantic models of "
              "the same initiatives (validated from the stored records in a fresh process).", "",
              *_table(["items", "added by the full read", "per item", "pydantic models", "ratio"], memory_rows)]
    return Section("Sync", "Sync: requests, resource units, writes; time and memory against baselines", method, table,
                   figures)


def day_section(data: dict[str, Any]) -> Section:
    d = data["day"]
    peak = Figure("modelled peak minute, share of the tier's minute budget", d["peak_share"] * 100, 100, "%", digits=1,
                  detail=f"{d['peak_minute']:,} of {d['per_minute']:,} RU")
    day = Figure("modelled day, share of the tier's daily budget", d["day_share"] * 100, 100, "%", digits=1,
                 detail=f"{d['day']:,} of {d['per_day']:,} RU")
    rows = [
        ("departments' saves (the soak's rate)", f"{d['edits_per_minute']:,} a minute for {d['working_hours']} hours",
         f"{d['webhook_minute']:,}", f"{d['day_webhook']:,}",
         f"per save: {d['per_change']:g} RU to read the change, {d['writes_per_change']:g} write-back at "
         f"{d['per_write']:g} RU and its re-read at {d['per_own_change']:g} RU"),
        ("nightly reconcile", f"{d['initiatives']:,} initiatives, {d['rows']:,} rows in all lists",
         f"≤ {d['bulk_budget']:,} (its budget; {d['reconcile_minutes']} min)", f"{d['reconcile']:,}",
         "full-read RU per row measured at the largest list"),
        ("subscription renewals", f"{8} lists", f"{d['renewals']:,}", f"{d['renewals']:,}", "list and update each"),
        ("documents (Monday)", f"{d['plans']:,} plans × 3", f"≤ {d['bulk_budget']:,} (its budget)",
         f"{d['documents']:,}", f"{d['per_document']} RU per document: library, upload, file item, metadata"),
        ("reminders", "mail through Microsoft Graph", "0", "0", "not a SharePoint resource: Graph's mail limits apply"),
        ("**worst minute / the day**", "", f"**{d['peak_minute']:,}**", f"**{d['day']:,}**",
         "a save peak while the reconcile runs at its budget; the day with documents"),
    ]
    figures_table = _table(["figure", "measured", "goal"], [(f.label, f.measured, f.target) for f in (peak, day)])
    table = [*_table(["what", "volume", "RU in its peak minute", "RU a day", "how"], rows), "", *figures_table]
    method = (
        f"Copenhagen in the {d['tier']} licence row of Microsoft's table: {d['per_minute']:,} RU per app per minute, "
        f"{d['per_day']:,} per 24 hours (Microsoft Learn, \"Avoid getting throttled or blocked in SharePoint "
        "Online\"). The per-item RU come from the sync steps above at "
        f"{d['measured_at']:,} items; the saves run at the soak's rate (`bench/soak_actors.py`: ten a second, a stress "
        "rate), each answered by a write-back (the soak measured about half that); the nightly reconcile and the "
        f"document runs keep to KKSYNC_BULK_RU_PER_MINUTE (default half the tier, {d['bulk_budget']:,}), so the "
        "webhook path always has the other half. Rows per initiative and plans per initiative as in the sample "
        "generator. A lower bound, like every RU figure here."
    )
    return Section("Day", "A modelled day for Copenhagen in resource units", method, table, [peak, day])


def checks_section(data: dict[str, Any]) -> Section:
    n, seconds, baseline = data["initiatives"], data["check_seconds"], data["initiative_validate_seconds"]
    method = (
        f"`check_portfolio` over {n:,} initiatives ({data['child_records']:,} child records, "
        f"{data['findings']:,} findings) against `Initiative.model_validate` of the same initiatives, best of five "
        "each, interleaved, each run after a full collection with the cyclic GC off (as `timeit` does); peak Python "
        "memory of one check run with tracemalloc, in a separate run."
    )
    return _figure_section("Checks", "Checks: throughput against model validation", method, [
        Reference(f"`Initiative.model_validate`, {n:,} initiatives", f"{baseline} s ({n / baseline:,.0f} initiatives/s)"),
        Figure("`check_portfolio` time", data["ratio_to_initiative_validate"], data["goal_ratio"], RATIO, 2,
               detail=f"{seconds} s, {n / seconds:,.0f} initiatives/s"),
        Figure("peak memory of one check run", data["peak_mib"], data["goal_peak_mib"], "MiB", 1),
    ])


def documents_section(data: dict[str, Any]) -> Section:
    method = (
        f"`render_status` for {data['initiatives']:,} initiatives in {data['administrations']} administrations "
        f"({data['tables']:,} tables, {data['table_rows']:,} rows, {data['bytes']:,} bytes) against writing the "
        "same tables with bare python-docx, best of three each; peak Python memory with tracemalloc, in a separate run."
    )
    return _figure_section("Documents", "Documents: generation against bare python-docx", method, [
        Reference("bare python-docx, the same tables", f"{data['bare_python_docx_seconds']} s"),
        Figure("`render_status` time", data["ratio_to_bare_python_docx"], data["goal_ratio"], RATIO, 2,
               detail=f"{data['seconds']} s"),
        Figure("peak memory of one render", data["peak_mib"], data["goal_peak_mib"], "MiB", 1),
    ])


def functions_section(data: dict[str, Any]) -> Section:
    imports, handshake = data["import"], data["handshake"]
    method = (
        "`import function_app` against the baseline `import azure.functions, pydantic`, each in fresh interpreters, "
        f"interleaved, median of {imports['runs']} runs (peak RSS: the child's `ru_maxrss`); the webhook validation "
        f"handshake cold in a fresh interpreter (median of 3) and warm in-process ({handshake['calls']:,} calls)."
    )
    return _figure_section("Function app", "Function app: import time and memory against the baseline", method, [
        Reference("`import azure.functions, pydantic`",
                  f"{imports['baseline_ms']} ms, peak RSS {imports['baseline_peak_rss_mib']} MiB"),
        Figure("`import function_app` time", imports["ratio"], imports["goal_ratio"], RATIO, 2,
               detail=f"{imports['function_app_ms']} ms"),
        Figure("`import function_app` peak RSS", imports["peak_rss_ratio"], imports["goal_peak_rss_ratio"], RATIO, 2,
               detail=f"{imports['function_app_peak_rss_mib']} MiB"),
        Figure("webhook validation handshake, cold", handshake["cold_first_call_ms"],
               handshake["goal_cold_first_call_ms"], "ms", 1),
        Figure("webhook validation handshake, warm p95", handshake["warm_p95_us"], handshake["goal_warm_p95_us"],
               "µs", 1),
    ])


def permissions_section(data: dict[str, Any]) -> Section:
    n, admins = data["initiatives"], data["administrations"]
    method = (
        f"Unique permission scopes with a folder per administration ({admins}) in each secured list, counted in the "
        f"emulator after `provision` set the permissions and {n:,} initiatives of `kksync.sample.large_portfolio` "
        "with their child items were created in their administration's folder (`bench/bench_permissions.py`); "
        "beside them what unique permissions per item would cost (each initiative and each child item, plus the "
        f"list). SharePoint Online supports {data['supported_per_list']:,} unique scopes per list and recommends "
        f"at most {data['recommended_per_list']:,} (learn.microsoft.com/office365/servicedescriptions/"
        "sharepoint-online-service-description/sharepoint-online-limits, \"Unique security scopes per list or "
        "library\"). Then `provision` again: it must change nothing."
    )
    figures: list[Figure] = []
    rows = []
    for entry in data["lists"]:
        scopes = Figure(f"{entry['list']}: unique scopes", entry["folder_design_scopes"], 1 + admins)
        figures.append(scopes)
        per_item = entry["per_item_scopes"]
        verdict = ("over the supported limit" if per_item > data["supported_per_list"]
                   else "over the recommendation" if per_item > data["recommended_per_list"] else "within")
        rows.append((entry["list"], f"{entry['items']:,}", scopes.measured, scopes.target, f"{per_item:,} ({verdict})"))
    again = Figure("second provisioning: changes", data["second_run_changes"], 0)
    drift = Figure("second provisioning: drift and misplaced items", data["second_run_drift"] + data["second_run_misplaced"], 0)
    figures += [again, drift]
    table = _table(["list", "items", "unique scopes (folders)", "goal", "unique scopes if per item"], rows)
    table += ["", *_table(["figure", "measured", "goal"], [
        ("unique scopes on the site", f"{data['site_scopes']:,}", "–"),
        (again.label, again.measured, again.target),
        (drift.label, drift.measured, drift.target),
        ("second provisioning: requests, time", f"{data['second_run_requests']:,} requests, "
         f"{data['second_run_seconds']} s", "–"),
    ])]
    return Section("Permissions", f"Permissions: unique scopes at {n:,} initiatives", method, table, figures)


def scenarios_section(data: dict[str, Any]) -> Section:
    rows = data["sizes"]
    method = (
        "`scenario_for` (candidates from the model, the ranking-order selection, the HiGHS optimum as the governance "
        "file asks for it: exact to 1 kr. first, the 0,01 % gap only after `exact_seconds`; the gap each answer is "
        "proven to is in the table; and its exact check) over a joint plan from `testkit/budget_scenarios.py` over "
        f"{rows[0]['years']} years, frames at about 45 % of the average ask, each size in a fresh process, best of "
        "three. Memory: Python's peak with tracemalloc in a separate run, and the peak RSS growth of the process "
        "over the runs (loading HiGHS's library included; HiGHS allocates outside Python). Proven gap: how far the "
        "solver's proven bound lies above its answer. Up to 500 initiatives also solved with gap 0 alone."
    )
    figures: list[Figure] = []
    table_rows = []
    for r in rows:
        n = r["initiatives"]
        time_fig = Figure(f"{n:,} initiatives, time", r["seconds"], r["goal_seconds"], "s", 2,
                          detail=f"solver {r['solver_seconds']} s")
        rss_fig = Figure(f"{n:,} initiatives, peak RSS growth", r["rss_growth_mib"], r["goal_peak_mib"], "MiB", 1)
        py_fig = Figure(f"{n:,} initiatives, Python peak", r["python_peak_mib"], r["goal_python_peak_mib"], "MiB", 1)
        figures += [time_fig, rss_fig, py_fig]
        exact = (f"{r['exact_seconds']} s ({r['default_gap_short_kr']:,} kr. more)" if r.get("exact_seconds")
                 else ("not within 300 s" if "exact_seconds" in r else "–"))
        table_rows.append([f"{n:,}", f"{r['candidates']:,}", f"{r['chosen_by_rank']:,} / {r['chosen_by_optimum']:,}",
                           time_fig.measured, f"≤ {r['goal_seconds']:g} s", py_fig.measured, rss_fig.measured,
                           f"{r['proven_gap_pct']:g} %", exact, f"{r['ranking_cost_kr']:,} kr."])
    table = _table(["initiatives", "in the scenario", "chosen: rank / optimum", "time", "goal", "Python peak",
                    "peak RSS growth", "proven gap", "exact (gap 0)", "what the ranking costs"], table_rows)
    return Section("Scenarios", "Budget-frame scenarios: ranking order and the HiGHS optimum", method, table, figures)


@dataclass(frozen=True)
class Benchmark:
    name: str
    script: str
    render: Callable[[dict[str, Any]], Section]

    extra: tuple[Callable[[dict[str, Any]], Section], ...] = ()

    @property
    def results(self) -> Path:
        return RESULTS / f"{self.name}.json"

    def sections(self, data: dict[str, Any]) -> list[Section]:
        return [self.render(data), *(render(data) for render in self.extra)]


BENCHMARKS = [
    Benchmark("sync", "bench_sync.py", sync_section, (day_section,)),
    Benchmark("checks", "bench_checks.py", checks_section),
    Benchmark("documents", "bench_documents.py", documents_section),
    Benchmark("functions", "bench_functions.py", functions_section),
    Benchmark("permissions", "bench_permissions.py", permissions_section),
    Benchmark("scenarios", "bench_scenarios.py", scenarios_section),
]


# -- running -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    benchmark: Benchmark
    returncode: int
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.benchmark.results.exists()


def run(benchmark: Benchmark, args: Sequence[str]) -> Run:
    benchmark.results.unlink(missing_ok=True)  # a failed run must not leave the last run's figures behind
    print(f"== {benchmark.script} {' '.join(args)}".rstrip(), flush=True)
    started = time.perf_counter()
    returncode = subprocess.run([sys.executable, str(ROOT / "bench" / benchmark.script), *args], cwd=ROOT,
                                check=False).returncode
    return Run(benchmark, returncode, time.perf_counter() - started)


# -- the report ------------------------------------------------------------------------------------------
def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _os_name() -> str:
    try:
        distribution = platform.freedesktop_os_release()["PRETTY_NAME"] + ", "
    except (OSError, KeyError):
        distribution = ""
    return f"{distribution}{platform.system()} {platform.release()} {platform.machine()}"


def machine() -> str:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = f", load average at start {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    return (f"{_cpu_model()}, {os.cpu_count()} cores, {ram:.1f} GiB RAM; {_os_name()}; "
            f"Python {platform.python_version()}{load}")


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def problems(sections: list[Section], runs: list[Run]) -> list[str]:
    """One line per missed goal and per failed script."""
    return [line for s in sections for line in s.misses()] + [
        f"⛔ {r.benchmark.script} failed (exit code {r.returncode}): no figures" for r in runs if not r.ok
    ]


def _met(sections: list[Section]) -> str:
    figures = [f for s in sections for f in s.figures]
    return f"{sum(f.met for f in figures)} of {len(figures)} figures met their goal"


def report(runs: list[Run], sections: list[Section], started: datetime, machine_line: str) -> str:
    took = ", ".join(f"{r.benchmark.name} {_duration(r.seconds)}" for r in runs)
    issues = [f"- {line}" for line in problems(sections, runs)]
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`bench/run_all.py`); every figure beside its goal.",
        "",
        f"- **Date:** {started:%Y-%m-%d %H:%M} UTC",
        f"- **Machine:** {machine_line}",
        f"- **Run time:** {_duration(sum(r.seconds for r in runs))} ({took})",
        "",
        f"**{_met(sections)}.**",
        "",
        *issues,
        *([""] if issues else []),
        *(line for s in sections for line in s.markdown()),
    ]
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"sync at {QUICK_SYNC_SIZES} items only")
    args = parser.parse_args()
    started, machine_line = datetime.now(UTC), machine()  # the load before the benchmarks add their own
    runs = [run(b, ["--sizes", QUICK_SYNC_SIZES] if args.quick and b.name == "sync" else []) for b in BENCHMARKS]
    sections = [section for r in runs if r.ok
                for section in r.benchmark.sections(json.loads(r.benchmark.results.read_text(encoding="utf-8")))]
    REPORT.write_text(report(runs, sections, started, machine_line), encoding="utf-8")
    print(f"\n{REPORT.name} written: {_met(sections)}")
    for line in problems(sections, runs):
        print(line)
    return 0 if all(r.ok for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
