"""``make soak``: the product under municipal load and faults, then proof that nothing was lost.

A site with the seven administrations, all plan kinds and 10,000 initiatives (children for a tenth
of them) is seeded through the adapter and synced. Then, for ``--minutes``:

* department threads (one per administration) make random edits in the browser — texts, ranks,
  business cases, delivery agreements, phases — and now and then add or delete an initiative; a
  share of edits is repeated on the same item a moment later, racing the write-back it caused;
* the emulator answers ≥ 10 % of kksync's requests with 429/503 + Retry-After, a dropped
  connection or a slow response, and drops, duplicates and delays webhook notifications;
* the webhook receiver (the product's ``receive_notifications``) queues messages, a processor
  thread runs ``process_change`` like the queue-triggered function (a failed message is retried
  and finally poisoned), and a compressed "nightly" reconcile runs every few minutes.

At the end the departments stop, the queue drains, a last reconcile runs, and the run is judged:
the store equals SharePoint item for item; every bot-owned value equals a fresh check; every
department edit is still on SharePoint; kksync's writes ≤ the departments' changes; a sync with
nothing changed writes nothing; the documents generate and lint clean; no log line carries a
secret. Figures go to ``RELIABILITY.md`` (exit 1 if a promise failed).

Two runs: 10,000 initiatives for six minutes with SQLite state and the in-process queue (the CLI's
configuration), then 2,000 initiatives for two minutes with Azure Table + Blob state and the Azure
Storage queue on Azurite (the function app's configuration).

    .venv/bin/python bench/soak.py [--only sqlite|azure] [--initiatives N] [--minutes M] [--seed 7]
"""

from __future__ import annotations

import argparse
import faulthandler
import io
import logging
import os
import platform
import secrets
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from soak_actors import (  # noqa: E402
    INITIATIVES,
    AzureQueue,
    Department,
    Journal,
    MemoryQueue,
    Processor,
    SoakConfig,
    column,
)
from soak_judge import (  # noqa: E402
    Verdict,
    deliveries,
    fault_counts,
    latencies,
    percentiles,
    product_writes,
    verify_bot_values,
    verify_documents,
    verify_journal,
    verify_store,
)

from demo.webhooks import LoopbackWebhook  # noqa: E402
from kksync.app import Runtime, open_runtime  # noqa: E402
from kksync.core import model as m  # noqa: E402
from kksync.core.mapping import to_payload  # noqa: E402
from kksync.sample import SAMPLE_USERS, large_portfolio  # noqa: E402
from kksync.services.provision import provision  # noqa: E402
from kksync.services.records import DATA_LISTS  # noqa: E402
from kksync.services.seed import DEPARTED_EMAIL, seed_portfolio  # noqa: E402
from kksync.services.subscriptions import WebhookTarget, subscribe  # noqa: E402
from kksync.services.sync import SyncService  # noqa: E402
from kksync.settings import Settings  # noqa: E402
from kksync.state.sqlite import SqliteStateStore  # noqa: E402
from sp_emulator import EmulatorServer  # noqa: E402
from sp_emulator.transport import EmulatorTransport  # noqa: E402
from testkit.emulator import in_process_emulator  # noqa: E402
from testkit.secrets_scan import scan_text  # noqa: E402

__all__ = ["SoakConfig", "SoakResult", "render_report", "run_soak"]

REPORT = ROOT / "RELIABILITY.md"
CHILD_LISTS = ("funding_lines", "figures", "milestones", "statuses", "it_projects")


# --- the site ---------------------------------------------------------------------------------------


def _soak_portfolio(config: SoakConfig) -> tuple[m.Portfolio, list[m.Initiative]]:
    """(what is seeded, spare initiatives the departments add later)."""
    spare = max(20, config.initiatives // 100)
    full = large_portfolio(config.initiatives + spare, seed=config.seed)
    keep = full.initiatives[: config.initiatives]
    with_children = {i.id for i in keep[:: max(1, round(1 / config.child_share))]}
    update: dict[str, Any] = {"initiatives": keep}
    for key in CHILD_LISTS:
        update[key] = [c for c in getattr(full, key) if getattr(c, "initiative_id", None) in with_children]
    return full.model_copy(update=update), full.initiatives[config.initiatives:]


def _spare_payloads(spare: list[m.Initiative], plan_ids: dict[int, int]) -> list[dict[str, Any]]:
    columns = [c for c in INITIATIVES.department_columns if c.kind.name not in ("USER", "USERMULTI", "LOOKUPMULTI")]
    return [to_payload(i.model_copy(update={"plan_id": plan_ids.get(i.plan_id or 0), "key": f"NY-{i.key}"}),
                       columns=columns) for i in spare]


def _faults(sp: EmulatorServer, rate: float) -> None:
    """429 and 503 with Retry-After, dropped connections and slow answers, ``rate`` of requests in all."""
    share = rate / 4
    sp.faults.add(status=429, retry_after=1, rate=share)
    sp.faults.add(status=503, retry_after=2, rate=share)
    sp.faults.add(drop=True, rate=share)
    sp.faults.add(delay=0.4, rate=share)
    sp.hooks.set_chaos(drop_rate=0.1, duplicate_rate=0.1, extra_delay=0.5, seed=3)


# --- the run ----------------------------------------------------------------------------------------


@dataclass
class SoakResult:
    verdicts: list[Verdict]
    figures: dict[str, Any]
    documents: list[str]

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.verdicts)


@dataclass
class Soak:
    """One run: the site, the product wired like the function app, and the world around it."""

    config: SoakConfig
    sp: EmulatorServer
    runtime: Runtime
    console: Console
    client_state: str
    queue: MemoryQueue | AzureQueue
    stop: threading.Event = field(default_factory=threading.Event)
    journal: Journal = field(default_factory=Journal)
    departments: list[Department] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    log_mark: int = 0
    fault_mark: int = 0  # the request log's length when the faults were switched on
    clean_saves: int = 0  # the department saves made before then

    def set_up(self) -> None:
        started = time.monotonic()
        portfolio, spare = _soak_portfolio(self.config)
        with self.console.status("Provisioning and seeding the site ..."):
            provision(self.runtime.client)
            seeded = seed_portfolio(self.runtime.client, portfolio, SAMPLE_USERS)
            if any(u.get("Email") == DEPARTED_EMAIL for u in self.sp.store.users.values()):
                # The sample's colleague who left: deleted in Entra ID, still a user of the site.
                self.sp.delete_account(DEPARTED_EMAIL)
        with self.console.status("First full sync with write-back ..."):
            first = self.runtime.sync_service().sync(full=True)
        self.figures.update(seeded=dict(seeded.created), first_sync_writes=first.writes,
                            setup_seconds=round(time.monotonic() - started, 1))
        plan_ids = {p.id: p.id for p in self.runtime.sync_service().load_portfolio().plans if p.id}
        payloads = _spare_payloads(spare, plan_ids)
        by_admin: dict[str, list[int]] = {}
        for item in self.sp.items(INITIATIVES.title):
            by_admin.setdefault(str(item[column("administration")]), []).append(int(item["ID"]))
        for index, (admin, ids) in enumerate(sorted(by_admin.items())):
            user = int(self.sp.add_user(f"forvaltning{index}@kk.dk", f"Medarbejder i {admin}")["Id"])
            self.departments.append(Department(self.sp, user, ids, self.journal, payloads[index::len(by_admin)],
                                               self.config, index, self.stop))

    def soak(self, processor: Processor) -> None:
        """The departments and the product at work: first a short while without faults, then with the faults and
        the chaos on."""
        self.log_mark = self.fault_mark = len(self.sp.request_log.entries)
        self.runtime.client.transport.reset_counts()
        clean = self.config.clean_minutes * 60
        faulty = clean <= 0
        if faulty:
            _faults(self.sp, self.config.fault_rate)
        seconds = clean + self.config.minutes * 60
        columns = [TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), TextColumn("{task.fields[status]}")]
        with Progress(*columns, console=self.console, transient=self.config.quiet) as progress:
            task = progress.add_task("Soak", total=seconds, status="")
            for thread in (*self.departments, processor):
                thread.start()
            began = time.monotonic()
            while (elapsed := time.monotonic() - began) < seconds:
                time.sleep(min(1.0, max(0.05, clean - elapsed)) if not faulty else 1.0)
                if not faulty and time.monotonic() - began >= clean:
                    self.clean_saves, self.fault_mark = len(self.journal.times), len(self.sp.request_log.entries)
                    _faults(self.sp, self.config.fault_rate)
                    faulty = True
                progress.update(task, completed=elapsed, status=(
                    f"{self.journal.changes:,} changes · {sum(processor.counts.values()):,} messages · "
                    f"{processor.writes:,} writes · queue {len(self.queue)}"))
            self.stop.set()
            for thread in (*self.departments, processor):
                thread.join(timeout=120)
        with self.console.status("Draining the queue and running the last reconcile (faults still on) ..."):
            self.sp.hooks.wait_idle(timeout=30)
            processor.drain(limit=180)
            processor.reconcile()
            processor.drain(limit=60)
        self._count(processor)
        self.sp.faults.clear()
        self.sp.hooks.set_chaos()

    def _count(self, processor: Processor) -> None:
        entries = list(self.sp.request_log.entries)[self.log_mark:]
        faulty = list(self.sp.request_log.entries)[self.fault_mark:]
        faults = fault_counts(self.sp, self.fault_mark)
        transport = self.runtime.client.transport
        clean_saves = self.journal.times[: self.clean_saves]
        self.figures.update({
            "soak_minutes": self.config.minutes,
            "clean_minutes": self.config.clean_minutes,
            "clean_edit_to_warning_seconds": percentiles(latencies(clean_saves, processor.synced)),
            "product_resource_units": transport.resource_units,
            "initiatives": self.config.initiatives,
            "department_changes": dict(self.journal.counts),
            "department_changes_total": self.journal.changes,
            "product_requests": len(entries),
            "faults_injected": dict(faults),
            "fault_share": round(sum(faults.values()) / max(1, len(faulty) + sum(len(e.inner) for e in faulty)), 3),
            "retries": transport.retries,
            "retry_wait_seconds": round(transport.waited, 1),
            "notifications": dict(deliveries(self.sp)),
            "messages": dict(processor.counts),
            "queue_sent": self.queue.sent,
            "product_writes": product_writes(self.sp, self.log_mark),
            "write_conflicts_resolved": processor.conflicts,
            "silence_alerts": processor.alerts,
            "edit_to_warning_seconds": percentiles(latencies(self.journal.times[self.clean_saves:], processor.synced)),
        })

    def judge(self, processor: Processor, fresh_db: Path) -> tuple[list[Verdict], list[str]]:
        """Every promise, against a fresh read of SharePoint into a store of its own."""
        with self.console.status("Judging the run ..."):
            settled = self.runtime.sync_service().sync()
            # The judge asks Microsoft Graph as the product does: a colleague deleted in Entra ID stays a
            # site user, and only Graph says they left.
            fresh = SyncService(self.runtime.client, SqliteStateStore(fresh_db), scope="kontrol",
                                directory=self.runtime.directory)
            fresh.sync(full=True, write_back=False)
            writes, changes = self.figures["product_writes"], self.journal.changes
            thread_errors = [e for d in self.departments for e in d.errors]
            documents_ok, documents = verify_documents(self.runtime, self.config.results / "soak-documents")
            verdicts = [
                verify_store(self.runtime, fresh),
                verify_bot_values(fresh),
                verify_journal(self.sp, self.journal),
                Verdict("kksync's writes ≤ the departments' changes (no loops)", writes <= changes,
                        f"{writes:,} writes for {changes:,} changes"),
                Verdict("A sync with nothing changed writes nothing", settled.writes == 0, f"{settled.writes} writes"),
                documents_ok,
                Verdict("No queue message was lost (nothing poisoned)", not self.queue.poisoned,
                        f"{len(self.queue.poisoned)} poisoned; {len(processor.failures)} failed attempts "
                        f"redelivered; first: {processor.failures[:2] or 'none'}"),
                Verdict("The department threads ran without errors", not thread_errors,
                        f"{thread_errors[:3] or 'no errors'}"),
            ]
            fresh.store.close()
        self.figures["items_on_site"] = sum(len(self.sp.items(s.title)) for s in DATA_LISTS)
        return verdicts, documents


class RssPeak(threading.Thread):
    """The highest resident set size of this process while the run lasts, sampled twice a second
    (``ru_maxrss`` would carry the first run's peak into the second)."""

    def __init__(self) -> None:
        super().__init__(name="rss-sampler", daemon=True)
        self.peak = 0
        self._done = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def run(self) -> None:
        while not self._done.wait(0.5):
            self.sample()

    def sample(self) -> None:
        with open("/proc/self/statm", encoding="ascii") as statm:
            self.peak = max(self.peak, int(statm.read().split()[1]) * self._page)

    def finish(self) -> int:
        """The peak in MiB."""
        self._done.set()
        self.join(timeout=2)
        self.sample()
        return round(self.peak / 2**20)


def _log_to(path: Path) -> logging.Handler:
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(threadName)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    return handler


def _state(config: SoakConfig, stack: ExitStack, tmp: Path) -> tuple[str, MemoryQueue | AzureQueue, list[str]]:
    """(KKSYNC_STATE, the change queue, further secrets the log must not show) for the chosen backend."""
    if not config.azure:
        return str(tmp / "state.db"), MemoryQueue(), []
    from testkit.azurite import ACCOUNT_KEY, azurite

    storage = stack.enter_context(azurite())
    queue = AzureQueue(storage.connection_string, "kksync-soak")
    stack.callback(queue.close)
    return storage.connection_string, queue, [ACCOUNT_KEY]


def run_soak(config: SoakConfig) -> SoakResult:
    console = Console(file=io.StringIO() if config.quiet else sys.stderr)
    config.results.mkdir(parents=True, exist_ok=True)
    log_path = config.results / ("soak-azure.log" if config.azure else "soak.log")
    handler = _log_to(log_path)
    started = time.monotonic()
    rss = RssPeak()
    rss.start()
    token, client_state = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    try:
        with ExitStack() as stack:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            state, queue, hidden = _state(config, stack, tmp)
            options: dict[str, Any] = {"notification_delay": 0.5, "expected_token": token, "fault_seed": config.seed}
            sp = stack.enter_context(in_process_emulator(tmp / "sp.db", **options) if config.in_process
                                     else EmulatorServer(db_path=tmp / "sp.db", **options))
            settings = Settings(site_url=sp.url, state=state, emulator_token=SecretStr(token),
                                webhook_client_state=SecretStr(client_state), silence_alert_minutes=5)
            runtime = open_runtime(settings)
            if config.in_process:
                runtime.client.transport.inner = EmulatorTransport(sp)  # the product's client, minus the socket
            run = Soak(config, sp, runtime, console, client_state, queue)
            stack.callback(run.runtime.close)
            run.set_up()
            hook = LoopbackWebhook(run.runtime, client_state)
            hook.queue = queue  # type: ignore[assignment]  # same port, with visibility timeouts
            stack.callback(hook.close)
            target = WebhookTarget.from_settings(settings, notification_url=hook.url, client_state=client_state)
            subscribe(run.runtime.client, run.runtime.store, scope=run.runtime.scope, target=target)
            processor = Processor(run.runtime, queue, config, run.stop)
            run.soak(processor)
            verdicts, documents = run.judge(processor, tmp / "fresh.db")
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    log_text = log_path.read_text(encoding="utf-8", errors="replace")
    leaks = scan_text(log_text, [token, client_state, *hidden])
    verdicts.append(Verdict("No secret or token in any log line", not leaks,
                            f"{log_text.count(chr(10)):,} log lines scanned (every logger at DEBUG); found: {len(leaks)}"))
    figures = run.figures
    figures["total_seconds"] = round(time.monotonic() - started, 1)
    figures["peak_rss_mib"] = rss.finish()
    return SoakResult(verdicts, figures, documents)


def _backend(config: SoakConfig) -> str:
    if config.azure:
        return "Azure Table + Blob state and the Azure Storage change queue, on Azurite (the function app's configuration)"
    return "SQLite state and the in-process change queue (the CLI's configuration)"


def _latency(figures: dict[str, float]) -> str:
    return ", ".join(f"{k} {v} s" for k, v in figures.items()) or "no saves"


def _run_section(config: SoakConfig, result: SoakResult) -> list[str]:
    f = result.figures
    changes = f["department_changes"]
    joined = lambda counts: ", ".join(f"{k}: {v:,}" for k, v in sorted(counts.items()))  # noqa: E731
    return [
        f"## {f['initiatives']:,} initiatives, {f['soak_minutes']:g} minutes — {_backend(config)}",
        "",
        f"**{'All promises held' if result.ok else 'A PROMISE FAILED'}** — "
        f"{sum(v.ok for v in result.verdicts)} of {len(result.verdicts)}. Rerun alone: "
        f"`.venv/bin/python bench/soak.py --only {'azure' if config.azure else 'sqlite'} "
        f"--initiatives {config.initiatives} --minutes {config.minutes:g}`.",
        "",
        "| promise | held | evidence |",
        "|---|---|---|",
        *[f"| {v.name} | {'✅' if v.ok else '❌'} | {v.detail} |" for v in result.verdicts],
        "",
        "| figure | value |",
        "|---|---|",
        f"| initiatives at start | {f['initiatives']:,} (7 administrations; transition, joint and local plans) |",
        f"| items on the site at the end | {f['items_on_site']:,} |",
        f"| run | {f['total_seconds'] / 60:.1f} min ({f['clean_minutes']:g} min without faults, then "
        f"{f['soak_minutes']:g} min with them); set-up and first full sync {f['setup_seconds']} s |",
        f"| department changes | {f['department_changes_total']:,}: {changes.get('edit', 0):,} edits, "
        f"{changes.get('race', 0):,} repeated during write-back, {changes.get('add', 0)} added, "
        f"{changes.get('delete', 0)} deleted |",
        f"| kksync's requests during the soak | {f['product_requests']:,}; at least {f['product_resource_units']:,} "
        "SharePoint resource units (Graph's prices, retries included) |",
        f"| faults injected | {sum(f['faults_injected'].values()):,} = {f['fault_share']:.1%} of requests and batch "
        f"operations ({joined(f['faults_injected'])}) |",
        f"| retries by the transport | {f['retries']:,}, {f['retry_wait_seconds']} s waited (Retry-After honoured) |",
        f"| webhook deliveries | {joined(f['notifications'])} (10 % dropped, 10 % duplicated, +0.5 s delay) |",
        f"| queue messages | {f['queue_sent']:,} sent; {joined(f['messages'])} |",
        f"| kksync's item writes | {f['product_writes']:,} (conflicts resolved by re-reading: "
        f"{f['write_conflicts_resolved']:,}) |",
        f"| silence alerts raised by the reconcile | {f['silence_alerts']} |",
        f"| department save → stored, checked, warnings written back, without faults | "
        f"{_latency(f['clean_edit_to_warning_seconds'])} (saves in the first {f['clean_minutes']:g} min, before the "
        "faults were switched on) |",
        f"| department save → stored, checked, warnings written back, under the faults | "
        f"{_latency(f['edit_to_warning_seconds'])} (the faults above) |",
        f"| peak RSS during the run (emulator, product and judge in one process) | {f['peak_rss_mib']:,} MiB |",
        f"| documents generated from the soaked store and linted | {len(result.documents)}: "
        f"{', '.join(result.documents[:3])}, … |",
        "",
    ]


def render_report(runs: list[tuple[SoakConfig, SoakResult]]) -> str:
    held = all(result.ok for _, result in runs)
    lines = [
        "# Reliability",
        "",
        f"Generated by `make soak` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; seed {runs[0][0].seed}.",
        "",
        "Each run seeds a site on the local SharePoint emulator, lets one thread per administration edit it "
        "in the browser while the emulator injects faults and webhook chaos and the product runs as the "
        "function app does (webhook receiver, queue processor with redelivery and poison, a compressed "
        "nightly reconcile), then judges the result against a fresh read of SharePoint.",
        "",
        f"**{'Every promise held in every run.' if held else 'A PROMISE FAILED.'}**",
        "",
    ]
    for config, result in runs:
        lines += _run_section(config, result)
    lines += [
        "## Hostile input and security",
        "",
        "The hostile-input corpus (`tests/hostile`) and the security checks (`tests/security`) run in",
        "`make test`. Each soak's own log (`bench/results/soak*.log`, every logger at DEBUG, the Azure SDK",
        "included) is scanned for the bearer token, the webhook clientState and the storage account key.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["sqlite", "azure"], help="one run instead of both")
    parser.add_argument("--initiatives", type=int, help="initiatives at start (default 10,000; 2,000 on Azure)")
    parser.add_argument("--minutes", type=float, help="length of the soak (default 6; 2 on Azure)")
    parser.add_argument("--seed", type=int, default=SoakConfig.seed)
    args = parser.parse_args()
    configs = [SoakConfig(initiatives=args.initiatives or 10_000, minutes=args.minutes or 6.0, seed=args.seed),
               SoakConfig(initiatives=args.initiatives or 2_000, minutes=args.minutes or 2.0, seed=args.seed,
                          azure=True)]
    if args.only:
        configs = [c for c in configs if c.azure == (args.only == "azure")]
    # Bounded: whatever hangs, the run ends 15 minutes after the soaks should have, with every
    # thread's stack on stderr to say where.
    faulthandler.dump_traceback_later(sum(c.minutes * 60 + 900 for c in configs), exit=True)
    console = Console()
    runs = []
    for config in configs:
        console.rule(f"Soak: {config.initiatives:,} initiatives, {config.minutes:g} min, {_backend(config)}")
        result = run_soak(config)
        runs.append((config, result))
        for verdict in result.verdicts:
            console.print(f"{'[green]✓' if verdict.ok else '[red]✗'}[/] {verdict.name}: {verdict.detail}")
    faulthandler.cancel_dump_traceback_later()
    REPORT.write_text(render_report(runs), encoding="utf-8")
    ok = all(result.ok for _, result in runs)
    console.print("RELIABILITY.md written." if ok else "[red]A promise failed; see RELIABILITY.md.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
