"""The soak's actors: departments editing in the browser, and the function app's queue and processor.

Each runs in its own thread against the same emulator; none of them looks at the others' state.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azure.core.exceptions import ResourceExistsError

from kksync.app import Runtime
from kksync.core import model as m
from kksync.core.schema import list_schema
from kksync.errors import BadMessage
from kksync.queues import AzureChangeQueue, ChangeMessage
from sp_emulator import EmulatorServer

ROOT = Path(__file__).resolve().parents[1]
INITIATIVES = list_schema("initiatives")
MAX_DELIVERIES = 5  # like the Functions queue trigger's maxDequeueCount


@dataclass
class SoakConfig:
    """The size of the site and the behaviour of the world around kksync."""

    initiatives: int = 10_000
    minutes: float = 6.0
    clean_minutes: float = 1.0  # before the faults: the departments and the product at work, nothing injected
    seed: int = 7
    child_share: float = 0.1  # initiatives that get funding lines, figures, milestones and statuses
    edits_per_second: float = 10.0
    race_share: float = 0.2  # edits repeated on the same item while its write-back is under way
    reconcile_every: float = 150.0  # the "nightly" reconcile, compressed
    fault_rate: float = 0.14  # 429 + 503 + drop + slow, of kksync's requests and batch operations
    results: Path = ROOT / "bench" / "results"
    quiet: bool = False
    azure: bool = False  # state in Azure Table + Blob and the change queue in Azure Storage (Azurite)
    in_process: bool = False  # kksync reaches the emulator without a socket (the test's short soak); webhooks stay HTTP



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


def column(attr: str) -> str:
    return next(c.name for c in INITIATIVES.columns if c.attr == attr)


EDITS: dict[str, Any] = {
    column("purpose"): lambda r: f"Formålet er skærpet af forvaltningen ({r.randrange(10**6)}) — æøå.",
    column("rank"): lambda r: None if r.random() < 0.2 else r.randrange(1, 400),
    column("business_case.summary"): lambda r: None if r.random() < 0.3 else f"Gevinst {r.randrange(100)} mio. kr.",
    column("business_case.npv"): lambda r: round(r.uniform(-5e6, 5e7), 2),
    column("delivery.agreed"): lambda r: r.random() < 0.6,
    column("delivery.deliverer"): lambda r: None if r.random() < 0.2 else f"Leverandør {r.randrange(50)}",
    column("phase"): lambda r: r.choice(list(m.Phase)).value,
    column("risks"): lambda r: f"Risiko {r.randrange(1000)}: <script>alert(1)</script> & {{felt}}",
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


@dataclass
class Delivery:
    """One message handed to the processor: its content, how often it was handed out, the receipt."""

    message: ChangeMessage
    attempt: int
    handle: Any = None


class MemoryQueue:
    """The Azure queue's semantics that matter here, in memory: visibility timeouts, redelivery, poison."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._messages: list[tuple[float, ChangeMessage, int]] = []
        self.sent = 0
        self.poisoned: list[ChangeMessage] = []

    def send(self, message: ChangeMessage, *, visibility_timeout: int | None = None, attempt: int = 0) -> None:
        with self._lock:
            self._messages.append((time.monotonic() + (visibility_timeout or 0), message, attempt))
            self.sent += 1
            self._lock.notify_all()

    def pending_lists(self, scope: str) -> set[str]:
        now = time.monotonic()
        with self._lock:
            return {msg.list_key for at, msg, _ in self._messages if at <= now and msg.scope == scope}

    def take(self, timeout: float) -> Delivery | None:
        with self._lock:
            deadline = time.monotonic() + timeout
            while True:
                now = time.monotonic()
                for index, (at, message, attempt) in enumerate(self._messages):
                    if at <= now:
                        del self._messages[index]
                        return Delivery(message, attempt + 1)
                if now >= deadline:
                    return None
                self._lock.wait(min(0.1, deadline - now))

    def complete(self, delivery: Delivery) -> None:
        pass  # taken is gone

    def abandon(self, delivery: Delivery) -> bool:
        """Back to the queue for another attempt, or to the poison list after the last; True if poisoned."""
        if delivery.attempt >= MAX_DELIVERIES:
            self.poisoned.append(delivery.message)
            return True
        self.send(delivery.message, visibility_timeout=5, attempt=delivery.attempt)
        self.sent -= 1  # a redelivery, not a new message
        return False

    def __len__(self) -> int:
        with self._lock:
            return len(self._messages)


class AzureQueue:
    """The Azure Storage queue (Azurite here), received the way the Functions queue trigger does."""

    VISIBILITY = 120  # seconds a received message stays hidden while it is processed

    def __init__(self, connection_string: str, name: str) -> None:
        from azure.storage.queue import QueueClient, TextBase64DecodePolicy, TextBase64EncodePolicy

        self.port = AzureChangeQueue(connection_string, name)  # sends as the webhook function does
        self._client = QueueClient.from_connection_string(connection_string, name,
                                                          message_decode_policy=TextBase64DecodePolicy())
        self._poison = QueueClient.from_connection_string(connection_string, f"{name}-poison",
                                                          message_encode_policy=TextBase64EncodePolicy())
        with contextlib.suppress(ResourceExistsError):
            self._poison.create_queue()
        self.sent = 0
        self.poisoned: list[ChangeMessage] = []

    def send(self, message: ChangeMessage, *, visibility_timeout: int | None = None) -> None:
        self.port.send(message, visibility_timeout=visibility_timeout)
        self.sent += 1

    def pending_lists(self, scope: str) -> set[str]:
        return self.port.pending_lists(scope)

    def take(self, timeout: float) -> Delivery | None:
        deadline = time.monotonic() + timeout
        while True:
            for received in self._client.receive_messages(max_messages=1, visibility_timeout=self.VISIBILITY):
                try:
                    return Delivery(ChangeMessage.decode(received.content), received.dequeue_count, received)
                except BadMessage:
                    self._to_poison(received)
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.2)

    def complete(self, delivery: Delivery) -> None:
        self._client.delete_message(delivery.handle)

    def abandon(self, delivery: Delivery) -> bool:
        if delivery.attempt >= MAX_DELIVERIES:
            self.poisoned.append(delivery.message)
            self._to_poison(delivery.handle)
            return True
        self._client.update_message(delivery.handle, visibility_timeout=5)
        return False

    def _to_poison(self, received: Any) -> None:
        self._poison.send_message(received.content)
        self._client.delete_message(received)

    def __len__(self) -> int:
        return int(self._client.get_queue_properties().approximate_message_count or 0)

    def close(self) -> None:
        self.port.close()
        self._client.close()
        self._poison.close()



class Processor(threading.Thread):
    """The queue-triggered function plus the timer-triggered reconcile, one at a time."""

    def __init__(self, runtime: Runtime, queue: MemoryQueue | AzureQueue, config: SoakConfig,
                 stop: threading.Event) -> None:
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
        delivery = self.queue.take(timeout)
        if delivery is None:
            return False
        message = delivery.message
        started = time.monotonic()
        try:
            result = self.runtime.process_change(message, queue=self.queue)
        except Exception as error:  # the runtime redelivers, then poisons
            self.failures.append(f"{message.list_key}: {type(error).__name__}: {error}")
            self.counts["poisoned" if self.queue.abandon(delivery) else "failed"] += 1
            return True
        self.queue.complete(delivery)
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
            report = self.runtime.reconcile()
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
