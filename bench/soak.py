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

    .venv/bin/python bench/soak.py [--initiatives 10000] [--minutes 6] [--seed 7]
"""

from __future__ import annotations

import argparse
import bisect
import faulthandler
import io
import logging
import platform
import random
import resource
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kksync import model as m  # noqa: E402
from kksync.app import Runtime, open_runtime  # noqa: E402
from kksync.checks import initiative_bot_values, plan_bot_values  # noqa: E402
from kksync.demo_webhooks import LoopbackWebhook  # noqa: E402
from kksync.emulator import EmulatorServer  # noqa: E402
from kksync.mapping import to_payload  # noqa: E402
from kksync.sample import SAMPLE_USERS, large_portfolio  # noqa: E402
from kksync.schema import list_schema  # noqa: E402
from kksync.services.processor import ChangeMessage, process_change, reconcile  # noqa: E402
from kksync.services.provision import provision  # noqa: E402
from kksync.services.publishing import generate, publish  # noqa: E402
from kksync.services.records import DATA_LISTS  # noqa: E402
from kksync.services.seed import seed_portfolio  # noqa: E402
from kksync.services.subscriptions import subscribe  # noqa: E402
from kksync.services.sync import SyncService  # noqa: E402
from kksync.settings import Settings  # noqa: E402
from kksync.state.sqlite import SqliteStateStore  # noqa: E402
from tests.security.secrets_scan import scan_text  # noqa: E402

INITIATIVES = list_schema("initiatives")
PLANS = list_schema("plans")
CHILD_LISTS = ("funding_lines", "figures", "milestones", "statuses", "it_projects")
MAX_DELIVERIES = 5  # like the Functions queue trigger's maxDequeueCount
log = logging.getLogger("kksync.soak")


@dataclass
class SoakConfig:
    initiatives: int = 10_000
    minutes: float = 6.0
    seed: int = 7
    child_share: float = 0.1  # initiatives that get funding lines, figures, milestones and statuses
    edits_per_second: float = 10.0
    race_share: float = 0.2  # edits repeated on the same item while its write-back is under way
    reconcile_every: float = 150.0  # the "nightly" reconcile, compressed
    fault_rate: float = 0.14  # 429 + 503 + drop + slow, of kksync's requests and batch operations
    results: Path = ROOT / "bench" / "results"
    report: Path | None = ROOT / "RELIABILITY.md"
    quiet: bool = False


# --- the departments --------------------------------------------------------------------------------


@dataclass
class Journal:
    """Every change a department made; the last value per (item, column) must survive."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    last: dict[tuple[int, str], Any] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    counts: Counter[str] = field(default_factory=Counter)
    times: list[float] = field(default_factory=list)

    def edited(self, item_id: int, values: dict[str, Any], kind: str) -> None:
        with self.lock:
            for name, value in values.items():
                self.last[(item_id, name)] = value
            self.counts[kind] += 1
            self.times.append(time.monotonic())

    def removed(self, item_id: int) -> None:
        with self.lock:
            self.deleted.add(item_id)
            self.last = {k: v for k, v in self.last.items() if k[0] != item_id}
            self.counts["delete"] += 1

    @property
    def changes(self) -> int:
        return sum(self.counts.values())


def _column(attr: str) -> str:
    return next(c.name for c in INITIATIVES.columns if c.attr == attr)


EDITS: dict[str, Any] = {
    _column("purpose"): lambda r: f"Formålet er skærpet af forvaltningen ({r.randrange(10**6)}) — æøå.",
    _column("rank"): lambda r: None if r.random() < 0.2 else r.randrange(1, 400),
    _column("business_case.summary"): lambda r: None if r.random() < 0.3 else f"Gevinst {r.randrange(100)} mio. kr.",
    _column("business_case.npv"): lambda r: round(r.uniform(-5e6, 5e7), 2),
    _column("delivery.agreed"): lambda r: r.random() < 0.6,
    _column("delivery.deliverer"): lambda r: None if r.random() < 0.2 else f"Leverandør {r.randrange(50)}",
    _column("phase"): lambda r: r.choice(list(m.Phase)).value,
    _column("risks"): lambda r: f"Risiko {r.randrange(1000)}: <script>alert(1)</script> & {{felt}}",
}


class Department(threading.Thread):
    """One administration editing its initiatives in the browser (straight into the emulator)."""

    def __init__(self, sp: EmulatorServer, user: int, items: list[int], journal: Journal, spare: list[dict[str, Any]],
                 config: SoakConfig, index: int, stop: threading.Event) -> None:
        super().__init__(name=f"department-{index}", daemon=True)
        self.sp, self.user, self.items, self.journal, self.spare = sp, user, items, journal, spare
        self.config, self.stop_event = config, stop
        self.rng = random.Random(config.seed * 100 + index)
        self.errors: list[str] = []

    def run(self) -> None:
        pause = 7 / self.config.edits_per_second
        while not self.stop_event.wait(self.rng.expovariate(1 / pause)):
            try:
                self._one()
            except Exception as error:  # the soak must report, not hide, a broken department thread
                self.errors.append(f"{type(error).__name__}: {error}")

    def _one(self) -> None:
        roll = self.rng.random()
        if roll < 0.01 and self.spare:
            created = self.sp.add_item(INITIATIVES.title, self.spare.pop(), editor=self.user)
            self.items.append(int(created["ID"]))
            self.journal.edited(int(created["ID"]), {}, "add")
            return
        if roll < 0.015 and len(self.items) > 10:
            item_id = self.items.pop(self.rng.randrange(len(self.items)))
            self.sp.delete_item(INITIATIVES.title, item_id)
            self.journal.removed(item_id)
            return
        item_id = self.rng.choice(self.items)
        self._edit(item_id, "edit")
        if self.rng.random() < self.config.race_share:
            # Save again while the notification of the first save is being processed: the write-back
            # of that item is then conditional on an ETag that is already stale.
            time.sleep(self.rng.uniform(0.3, 2.5))
            self._edit(item_id, "race")

    def _edit(self, item_id: int, kind: str) -> None:
        names = self.rng.sample(sorted(EDITS), self.rng.randint(1, 3))
        values = {name: EDITS[name](self.rng) for name in names}
        self.sp.edit_item(INITIATIVES.title, item_id, values, editor=self.user)
        self.journal.edited(item_id, values, kind)


# --- the function app, in threads --------------------------------------------------------------------


class SoakQueue:
    """The Azure queue's semantics that matter here: visibility timeouts, redelivery, poison."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._messages: list[tuple[float, ChangeMessage, int]] = []
        self.sent = 0
        self.poisoned: list[ChangeMessage] = []

    def send(self, message: ChangeMessage, *, visibility_timeout: int | None = None, deliveries: int = 0) -> None:
        with self._lock:
            self._messages.append((time.monotonic() + (visibility_timeout or 0), message, deliveries))
            self.sent += 1
            self._lock.notify_all()

    def pending_lists(self, scope: str) -> set[str]:
        now = time.monotonic()
        with self._lock:
            return {msg.list_key for at, msg, _ in self._messages if at <= now and msg.scope == scope}

    def take(self, timeout: float) -> tuple[ChangeMessage, int] | None:
        with self._lock:
            deadline = time.monotonic() + timeout
            while True:
                now = time.monotonic()
                for index, (at, message, deliveries) in enumerate(self._messages):
                    if at <= now:
                        del self._messages[index]
                        return message, deliveries
                if now >= deadline:
                    return None
                self._lock.wait(min(0.1, deadline - now))

    def __len__(self) -> int:
        with self._lock:
            return len(self._messages)


class Processor(threading.Thread):
    """The queue-triggered function plus the timer-triggered reconcile, one at a time."""

    def __init__(self, runtime: Runtime, queue: SoakQueue, config: SoakConfig, stop: threading.Event) -> None:
        super().__init__(name="processor", daemon=True)
        self.runtime, self.queue, self.config, self.stop_event = runtime, queue, config, stop
        self.counts: Counter[str] = Counter()
        self.writes = self.conflicts = 0
        self.failures: list[str] = []
        self.alerts = 0
        self.synced: list[tuple[float, float]] = []  # (start, end) of every initiatives sync that finished
        self.next_reconcile = time.monotonic() + config.reconcile_every

    def run(self) -> None:
        while not self.stop_event.is_set():
            if time.monotonic() >= self.next_reconcile:
                self.reconcile()
            self.step(timeout=0.5)

    def step(self, timeout: float) -> bool:
        taken = self.queue.take(timeout)
        if taken is None:
            return False
        message, deliveries = taken
        started = time.monotonic()
        try:
            result = process_change(self.runtime, message, queue=self.queue)
        except Exception as error:  # the runtime redelivers, then poisons
            self.failures.append(f"{message.list_key}: {type(error).__name__}: {error}")
            if deliveries + 1 >= MAX_DELIVERIES:
                self.queue.poisoned.append(message)
            else:
                self.queue.send(message, visibility_timeout=5, deliveries=deliveries + 1)
            self.counts["failed"] += 1
            return True
        self.counts[result.status] += 1
        if result.status == "done" and message.list_key == INITIATIVES.key:
            self.synced.append((started, time.monotonic()))
        if result.outcome is not None:
            self.writes += result.outcome.writes
            self.conflicts += result.outcome.conflicts
        return True

    def reconcile(self) -> None:
        started = time.monotonic()
        try:
            report = reconcile(self.runtime)
        except Exception as error:
            self.failures.append(f"reconcile: {type(error).__name__}: {error}")
            self.counts["reconcile_failed"] += 1
        else:
            self.counts["reconcile"] += 1
            self.synced.append((started, time.monotonic()))
            self.alerts += len(report.alerts)
            if report.outcome is not None:
                self.writes += report.outcome.writes
                self.conflicts += report.outcome.conflicts
        self.next_reconcile = time.monotonic() + self.config.reconcile_every

    def drain(self, limit: float) -> None:
        deadline = time.monotonic() + limit
        while len(self.queue) and time.monotonic() < deadline:
            self.step(timeout=1.0)


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


def _fault_counts(sp: EmulatorServer, since: int) -> Counter[str]:
    """Faults by kind, over HTTP requests and the operations inside ``$batch`` requests."""
    counts: Counter[str] = Counter()
    for entry in list(sp.request_log.entries)[since:]:
        for hit in (entry, *entry.inner):
            if hit.fault:
                counts[hit.fault.strip()] += 1
    return counts


def _deliveries(sp: EmulatorServer) -> Counter[str]:
    """Webhook deliveries: delivered, dropped by chaos, and duplicated (a second copy sent at once).

    The emulator sends at most one notification per subscription per ``notification_delay``, so a
    POST to the same subscription within a tenth of a second of the previous one is chaos's copy.
    """
    counts: Counter[str] = Counter()
    last_sent: dict[str, float] = {}
    for delivery in list(sp.hooks.deliveries):
        if delivery.status == 0:
            counts["dropped"] += 1
            continue
        if delivery.at - last_sent.get(delivery.subscription_id, float("-inf")) < 0.1:
            counts["duplicated"] += 1
        else:
            counts["delivered" if delivery.status and delivery.status < 300 else "failed"] += 1
        last_sent[delivery.subscription_id] = delivery.at
    return counts


def _product_writes(sp: EmulatorServer, since: int) -> int:
    """Successful item updates that reached SharePoint (every HTTP write is kksync's)."""
    return sum(1 for entry in list(sp.request_log.entries)[since:] for op in entry.inner
               if op.kind == "update_item" and 200 <= op.status < 300)


def _latencies(edits: list[float], synced: list[tuple[float, float]]) -> list[float]:
    """Seconds from each department save to the end of the first sync that started after it: by
    then the change is stored, checked and its warnings are written back."""
    synced = sorted(synced)
    starts = [start for start, _ in synced]
    out = []
    for at in sorted(edits):
        index = bisect.bisect_left(starts, at)
        if index < len(synced):
            out.append(min(end for _, end in synced[index:index + 50]) - at)
    return out


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)  # noqa: E731
    return {"p50": pick(0.5), "p95": pick(0.95), "max": round(ordered[-1], 1)}


# --- the verdict ------------------------------------------------------------------------------------


@dataclass
class Verdict:
    name: str
    ok: bool
    detail: str


def _verify_store(runtime: Runtime, fresh: SyncService) -> Verdict:
    mismatched: list[str] = []
    compared = 0
    for schema in DATA_LISTS:
        ours = runtime.store.load_items(runtime.scope, schema.key)
        theirs = fresh.store.load_items(fresh.scope, schema.key)
        compared += len(theirs)
        for item_id in sorted(set(ours) | set(theirs)):
            a, b = ours.get(item_id), theirs.get(item_id)
            if a is None or b is None or a.record_json != b.record_json:
                mismatched.append(f"{schema.key}/{item_id}")
    return Verdict("The store equals SharePoint, item for item", not mismatched,
                   f"{compared:,} items compared; differing: {mismatched[:10] or 'none'}")


def _verify_bot_values(fresh: SyncService) -> Verdict:
    portfolio = fresh.load_portfolio()
    report = fresh.check(portfolio)
    wrong: list[str] = []
    checked = 0
    for initiative in portfolio.initiatives:
        for attr, value in initiative_bot_values(report, initiative).items():
            checked += 1
            if getattr(getattr(initiative, attr), "value", getattr(initiative, attr)) != getattr(value, "value", value):
                wrong.append(f"{initiative.key}.{attr}")
    for plan in portfolio.plans:
        for attr, value in plan_bot_values(report, plan).items():
            checked += 1
            if getattr(getattr(plan, attr), "value", getattr(plan, attr)) != getattr(value, "value", value):
                wrong.append(f"{plan.key}.{attr}")
    return Verdict("Every bot-owned value equals a fresh check", not wrong,
                   f"{checked:,} values; wrong: {wrong[:10] or 'none'}")


def _same(current: Any, written: Any) -> bool:
    if isinstance(written, float) or isinstance(current, float):
        return current is not None and written is not None and abs(float(current) - float(written)) < 0.005
    return bool(current == written) or (current in ("", None) and written in ("", None))


def _verify_journal(sp: EmulatorServer, journal: Journal) -> Verdict:
    items = {int(i["ID"]): i for i in sp.items(INITIATIVES.title)}
    lost = [f"{item_id}.{name}" for (item_id, name), value in journal.last.items()
            if not _same(items.get(item_id, {}).get(name), value)]
    resurrected = sorted(journal.deleted & set(items))
    return Verdict("No department edit was overwritten", not lost and not resurrected,
                   f"{len(journal.last):,} last values checked; lost: {lost[:10] or 'none'}; "
                   f"deleted items back: {resurrected[:10] or 'none'}")


def _verify_documents(runtime: Runtime, out: Path) -> tuple[Verdict, list[str]]:
    made: list[str] = []
    problems: list[str] = []
    portfolio = runtime.sync_service().load_portfolio()
    for kind in m.PlanKind:
        plan = next((p for p in portfolio.plans if p.kind is kind), None)
        if plan is None:
            problems.append(f"no plan of kind {kind.value}")
            continue
        for document_type in m.DocumentType:
            try:
                generated = generate(runtime, plan.key, document_type, out_dir=out)
                if kind is m.PlanKind.FAELLES:
                    publish(runtime, generated)
            except Exception as error:
                problems.append(f"{plan.key}/{document_type.value}: {type(error).__name__}: {error}")
            else:
                made.append(f"{generated.document.spec.file_name} ({len(generated.document.data) // 1024} KiB)")
    return Verdict("The documents generate and pass the accessibility lint", not problems,
                   f"{len(made)} documents; errors: {problems[:5] or 'none'}"), made


# --- the run ----------------------------------------------------------------------------------------


@dataclass
class SoakResult:
    verdicts: list[Verdict]
    figures: dict[str, Any]
    documents: list[str]

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.verdicts)


def _log_to(path: Path) -> logging.Handler:
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(threadName)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    return handler


def run_soak(config: SoakConfig) -> SoakResult:
    console = Console(file=io.StringIO() if config.quiet else sys.stderr)
    config.results.mkdir(parents=True, exist_ok=True)
    log_path = config.results / "soak.log"
    handler = _log_to(log_path)
    started = time.monotonic()
    figures: dict[str, Any] = {}
    token, client_state = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    try:
        with tempfile.TemporaryDirectory() as tmp, EmulatorServer(
            db_path=Path(tmp) / "sp.db", notification_delay=0.5, expected_token=token, fault_seed=config.seed,
        ) as sp:
            settings = Settings(site_url=sp.url, state=str(Path(tmp) / "state.db"), emulator_token=SecretStr(token),
                                webhook_client_state=SecretStr(client_state), silence_alert_minutes=5)
            runtime = open_runtime(settings)
            portfolio, spare = _soak_portfolio(config)
            with console.status("Provisioning and seeding the site ..."):
                provision(runtime.client)
                seeded = seed_portfolio(runtime.client, portfolio, SAMPLE_USERS)
            figures["seeded"] = dict(seeded.created)
            figures["setup_seconds"] = round(time.monotonic() - started, 1)

            with console.status("First full sync with write-back ..."):
                first = runtime.sync_service().sync(full=True)
            figures["first_sync"] = {"writes": first.writes, "seconds": round(time.monotonic() - started, 1)}

            stop = threading.Event()
            queue = SoakQueue()
            hook = LoopbackWebhook(runtime, client_state)
            hook.queue = queue  # type: ignore[assignment]  # same port, with visibility timeouts
            subscribe(runtime, hook.url, client_state)
            journal = Journal()
            plan_ids = {p.id: p.id for p in runtime.sync_service().load_portfolio().plans if p.id}
            payloads = _spare_payloads(spare, plan_ids)
            items_by_admin: dict[str, list[int]] = {}
            for item in sp.items(INITIATIVES.title):
                items_by_admin.setdefault(str(item[_column("administration")]), []).append(int(item["ID"]))
            departments = []
            for index, (admin, ids) in enumerate(sorted(items_by_admin.items())):
                user = int(sp.add_user(f"forvaltning{index}@kk.dk", f"Medarbejder i {admin}")["Id"])
                departments.append(Department(sp, user, ids, journal, payloads[index::len(items_by_admin)],
                                              config, index, stop))
            processor = Processor(runtime, queue, config, stop)
            log_mark = len(sp.request_log.entries)
            runtime.client.transport.reset_counts()
            _faults(sp, config.fault_rate)

            soak_seconds = config.minutes * 60
            columns = [TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), TextColumn("{task.fields[status]}")]
            with Progress(*columns, console=console, transient=config.quiet) as progress:
                task = progress.add_task("Soak", total=soak_seconds, status="")
                for thread in (*departments, processor):
                    thread.start()
                began = time.monotonic()
                while (elapsed := time.monotonic() - began) < soak_seconds:
                    time.sleep(1)
                    progress.update(task, completed=elapsed, status=(
                        f"{journal.changes:,} changes · {sum(processor.counts.values()):,} messages · "
                        f"{processor.writes:,} writes · queue {len(queue)}"))
                stop.set()
                for thread in (*departments, processor):
                    thread.join(timeout=120)

            with console.status("Draining the queue and running the last reconcile (faults still on) ..."):
                sp.hooks.wait_idle(timeout=30)
                processor.drain(limit=180)
                processor.reconcile()
                processor.drain(limit=60)
            faults = _fault_counts(sp, log_mark)
            product_requests = len(sp.request_log.entries) - log_mark
            operations = product_requests + sum(len(e.inner) for e in list(sp.request_log.entries)[log_mark:])
            writes = _product_writes(sp, log_mark)
            deliveries = _deliveries(sp)
            sp.faults.clear()
            sp.hooks.set_chaos()

            with console.status("Judging the run ..."):
                settled = runtime.sync_service().sync()
                fresh = SyncService(runtime.client, SqliteStateStore(Path(tmp) / "fresh.db"), scope="kontrol")
                fresh.sync(full=True, write_back=False)
                verdicts = [_verify_store(runtime, fresh), _verify_bot_values(fresh), _verify_journal(sp, journal)]
                verdicts.append(Verdict("kksync's writes ≤ the departments' changes (no loops)",
                                        writes <= journal.changes,
                                        f"{writes:,} writes for {journal.changes:,} changes"))
                verdicts.append(Verdict("A sync with nothing changed writes nothing", settled.writes == 0,
                                        f"{settled.writes} writes"))
                doc_verdict, documents = _verify_documents(runtime, config.results / "soak-documents")
                verdicts.append(doc_verdict)
                thread_errors = [e for d in departments for e in d.errors]
                verdicts.append(Verdict("No queue message was lost (nothing poisoned)", not queue.poisoned,
                                        f"{len(queue.poisoned)} poisoned; {len(processor.failures)} failed attempts "
                                        f"redelivered; first: {processor.failures[:2] or 'none'}"))
                verdicts.append(Verdict("The department threads ran without errors", not thread_errors,
                                        f"{thread_errors[:3] or 'no errors'}"))
            fresh.store.close()
            transport = runtime.client.transport
            figures.update({
                "soak_minutes": config.minutes,
                "initiatives": config.initiatives,
                "items_on_site": sum(len(sp.items(s.title)) for s in DATA_LISTS),
                "department_changes": dict(journal.counts),
                "department_changes_total": journal.changes,
                "product_requests": product_requests,
                "faults_injected": dict(faults),
                "fault_share": round(sum(faults.values()) / max(1, operations), 3),
                "retries": transport.retries,
                "retry_wait_seconds": round(transport.waited, 1),
                "notifications": dict(deliveries),
                "messages": dict(processor.counts),
                "queue_sent": queue.sent,
                "product_writes": writes,
                "write_conflicts_resolved": processor.conflicts,
                "silence_alerts": processor.alerts,
                "edit_to_warning_seconds": _percentiles(_latencies(journal.times, processor.synced)),
            })
            hook.close()
            runtime.close()
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    log_text = log_path.read_text(encoding="utf-8", errors="replace")
    leaks = scan_text(log_text, [token, client_state])
    verdicts.append(Verdict("No secret or token in any log line", not leaks,
                            f"{log_text.count(chr(10)):,} log lines scanned (every logger at DEBUG); found: {len(leaks)}"))
    figures["total_seconds"] = round(time.monotonic() - started, 1)
    figures["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return SoakResult(verdicts, figures, documents)


def render_report(result: SoakResult, config: SoakConfig) -> str:
    f = result.figures
    changes = f["department_changes"]
    lines = [
        "# Reliability",
        "",
        f"Generated by `make soak` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"Python {platform.python_version()}; seed {config.seed}. Rerun: `make soak` "
        f"(or `.venv/bin/python bench/soak.py --minutes {config.minutes:g} --initiatives {config.initiatives}`).",
        "",
        f"**{'All promises held' if result.ok else 'A PROMISE FAILED'}** — "
        f"{sum(v.ok for v in result.verdicts)} of {len(result.verdicts)}.",
        "",
        "## Promises",
        "",
        "| promise | held | evidence |",
        "|---|---|---|",
        *[f"| {v.name} | {'✅' if v.ok else '❌'} | {v.detail} |" for v in result.verdicts],
        "",
        "## Load",
        "",
        "| figure | value |",
        "|---|---|",
        f"| initiatives at start | {f['initiatives']:,} (7 administrations; transition, joint and local plans) |",
        f"| items on the site at the end | {f['items_on_site']:,} |",
        f"| soak | {f['soak_minutes']:g} min (whole run {f['total_seconds'] / 60:.1f} min, set-up {f['setup_seconds']} s) |",
        f"| department changes | {f['department_changes_total']:,}: {changes.get('edit', 0):,} edits, "
        f"{changes.get('race', 0):,} repeated during write-back, {changes.get('add', 0)} added, "
        f"{changes.get('delete', 0)} deleted |",
        f"| kksync's requests during the soak | {f['product_requests']:,} |",
        f"| faults injected | {sum(f['faults_injected'].values()):,} = {f['fault_share']:.1%} of requests and batch operations "
        f"({', '.join(f'{k}: {v:,}' for k, v in sorted(f['faults_injected'].items()))}) |",
        f"| retries by the transport | {f['retries']:,}, {f['retry_wait_seconds']} s waited (Retry-After honoured) |",
        f"| webhook deliveries | {', '.join(f'{k}: {v:,}' for k, v in sorted(f['notifications'].items()))} "
        "(10 % dropped, 10 % duplicated, +0.5 s delay) |",
        f"| queue messages | {f['queue_sent']:,} sent; {', '.join(f'{k}: {v:,}' for k, v in sorted(f['messages'].items()))} |",
        f"| kksync's item writes | {f['product_writes']:,} (conflicts resolved by re-reading: {f['write_conflicts_resolved']:,}) |",
        f"| silence alerts raised by the reconcile | {f['silence_alerts']} |",
        f"| department save → stored, checked, warnings written back | "
        f"{', '.join(f'{k} {v} s' for k, v in f['edit_to_warning_seconds'].items())} (under the faults above) |",
        f"| peak RSS (emulator, product and verification in one process) | {f['peak_rss_mib']:,} MiB |",
        "",
        "## Documents generated from the soaked store",
        "",
        *[f"- {d}" for d in result.documents],
        "",
        "## Hostile input and security",
        "",
        "The hostile-input corpus (`tests/hostile`) and the security checks (`tests/security`) run in",
        "`make test`; the soak's own log (`bench/results/soak.log`, every logger at DEBUG) is scanned",
        "for the bearer token and the webhook clientState above.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--initiatives", type=int, default=SoakConfig.initiatives)
    parser.add_argument("--minutes", type=float, default=SoakConfig.minutes)
    parser.add_argument("--seed", type=int, default=SoakConfig.seed)
    args = parser.parse_args()
    config = SoakConfig(initiatives=args.initiatives, minutes=args.minutes, seed=args.seed)
    # Bounded: whatever hangs, the run ends 15 minutes after the soak should have, with every
    # thread's stack on stderr to say where.
    faulthandler.dump_traceback_later(config.minutes * 60 + 900, exit=True)
    result = run_soak(config)
    faulthandler.cancel_dump_traceback_later()
    text = render_report(result, config)
    if config.report is not None:
        config.report.write_text(text, encoding="utf-8")
    console = Console()
    for verdict in result.verdicts:
        console.print(f"{'[green]✓' if verdict.ok else '[red]✗'}[/] {verdict.name}: {verdict.detail}")
    console.print("RELIABILITY.md written." if result.ok else "[red]A promise failed; see RELIABILITY.md.")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
