"""The sync engine: SharePoint lists ⇄ the canonical store, incremental, lossless, loop-proof.

Per list: read what changed since the stored change token (or everything, when there is no
token or SharePoint rejects it), map it, store it, and only then advance the token. Then check
the whole portfolio and write back the bot-owned columns that actually changed, each write
conditional on the ETag we hold; a 412 means a department just edited the item, so we re-read
it, re-check and try again — a department's edit is never overwritten.

The loop guard: our own write-back shows up in the change log. Changes made by our own account
are skipped without reading the item; if SharePoint does not name the editor, the item is read
and its department fingerprint compared — a change only in bot-owned columns writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from kksync.checks import check_portfolio, initiative_bot_values, plan_bot_values
from kksync.checks.findings import CheckReport
from kksync.checks.governance import Governance
from kksync.core import model as m
from kksync.core.mapping import Mapped, Refs, from_item, select_expand, to_payload
from kksync.core.schema import ListSchema, list_schema
from kksync.errors import ChangeTokenError
from kksync.services.leases import LeasePolicy, lease_owner
from kksync.services.ports import SharePointItems, SyncStore
from kksync.services.records import (
    DATA_LISTS,
    RecordCache,
    bot_fingerprint,
    department_fingerprint,
    load_portfolio_lists,
    pack,
    unpack,
)
from kksync.sharepoint.client import ItemWrite
from kksync.state.base import ChangeAction, ChangeRecord, ListRunStats, RunRecord, StoredItem

__all__ = ["ListOutcome", "SyncOutcome", "SyncService"]

MAX_CONFLICT_ROUNDS = 5
Progress = Callable[[str, int, int], None]


@dataclass
class ListOutcome:
    """One list in one run: the counters kept in the run history, and what only this run's report shows."""

    mode: str = "incremental"
    stats: ListRunStats = field(default_factory=ListRunStats)
    skipped_own: int = 0
    """Changes made by our own account, skipped without reading the item."""
    requests: int = 0

    def count(self, **counters: int) -> None:
        """Add to the run-history counters (``seen=3, added=1``); the history record is immutable."""
        self.stats = replace(self.stats, **{name: getattr(self.stats, name) + n for name, n in counters.items()})


@dataclass
class SyncOutcome:
    run_id: str
    lists: dict[str, ListOutcome] = field(default_factory=dict)
    writes: int = 0
    conflicts: int = 0
    requests: int = 0
    notes: list[str] = field(default_factory=list)
    report: CheckReport | None = None
    portfolio: m.Portfolio | None = None

    @property
    def changed(self) -> int:
        return sum(o.stats.added + o.stats.updated + o.stats.deleted for o in self.lists.values())


class SyncService:
    """One site, one scope. ``now`` is injectable so tests and snapshots are reproducible."""

    def __init__(
        self,
        client: SharePointItems,
        store: SyncStore,
        *,
        scope: str,
        governance: Governance | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        cache: RecordCache | None = None,
        leases: LeasePolicy | None = None,
    ) -> None:
        self.client = client
        self.leases = leases or LeasePolicy()  # by default: give up at once if another run holds a list
        self.store = store
        self.scope = scope
        self.governance = governance
        self.now = now
        self.cache = cache or RecordCache()
        self._users: set[int] | None = None

    # --- reading ----------------------------------------------------------------------------

    def sync(self, *, full: bool = False, lists: Sequence[str] | None = None, progress: Progress | None = None,
             write_back: bool = True) -> SyncOutcome:
        outcome = SyncOutcome(run_id=uuid.uuid4().hex)
        started = self.now()
        start_requests = self.client.requests_sent
        changes: list[ChangeRecord] = []
        self._users = None
        chosen = [s for s in DATA_LISTS if lists is None or s.key in lists]
        for index, schema in enumerate(chosen):
            if progress:
                progress(schema.title, index, len(chosen))
            before = self.client.requests_sent
            # The list's lease, from reading its stored token to storing the next: one run at a time.
            with self.leases.hold(self.store, self.scope, schema.key, schema.title, owner=lease_owner(outcome.run_id)):
                result = self._sync_list(schema, full=full, changes=changes, notes=outcome.notes)
            result.requests = self.client.requests_sent - before
            outcome.lists[schema.key] = result
        if progress:
            progress("tjek og tilbageskrivning", len(chosen), len(chosen))
        if write_back:
            outcome.report = self._write_back(outcome, changes)
        outcome.requests = self.client.requests_sent - start_requests
        outcome.writes = sum(o.stats.written for o in outcome.lists.values())
        outcome.conflicts = sum(o.stats.conflicts for o in outcome.lists.values())
        self.store.record_run(
            RunRecord(
                run_id=outcome.run_id, scope=self.scope, started_at=started, finished_at=self.now(),
                mode="full" if full else "incremental",
                lists={key: list_outcome.stats for key, list_outcome in outcome.lists.items()},
                changes=changes, requests=outcome.requests, writes=outcome.writes, note="; ".join(outcome.notes),
            )
        )
        return outcome

    def _refs(self, schema: ListSchema, rows: list[dict[str, Any]]) -> Refs:
        known: dict[str, set[int]] = {}
        for col in schema.columns:
            if col.lookup and col.lookup not in known:
                known[col.lookup] = self.store.item_ids(self.scope, col.lookup)
                if col.lookup == schema.key:  # a list looking into itself: the rows being read exist too
                    # (a row without a usable id is refused when it is mapped, with the reason)
                    known[col.lookup].update(r["Id"] for r in rows if isinstance(r.get("Id"), int))
        needs_users = any(c.kind.value.startswith("User") for c in schema.columns)
        if needs_users and self._users is None:
            self._users = self.client.site_user_ids()
        return Refs(users=self._users if needs_users else None, items=known)

    def _sync_list(self, schema: ListSchema, *, full: bool, changes: list[ChangeRecord], notes: list[str]) -> ListOutcome:
        token = None if full else self.store.get_token(self.scope, schema.key)
        if token is None:
            if not full:
                notes.append(f"{schema.title}: intet gemt ændrings-token – fuld læsning")
            return self._full(schema, changes)
        try:
            found = self.client.changes(schema.title, token)
        except ChangeTokenError as error:
            notes.append(f"{schema.title}: ændrings-token afvist ({error}) – fuld afstemning")
            return self._full(schema, changes)
        outcome = ListOutcome(mode="incremental")
        if not found:
            return outcome
        latest: dict[int, str] = {}
        others: set[int] = set()
        own: set[int] = set()
        for change in found:
            latest[change.item_id] = change.kind
            if self.client.app_login and change.editor == self.client.app_login and change.kind == "update":
                own.add(change.item_id)
            else:
                others.add(change.item_id)
        deleted = [i for i, kind in latest.items() if kind == "delete"]
        to_read = sorted(i for i in others if latest[i] != "delete")
        outcome.skipped_own = len(own - others)
        select, expand = select_expand(schema)
        rows = self.client.items_by_ids(schema.title, to_read, select=select, expand=expand) if to_read else []
        stored = self.store.get_items(self.scope, schema.key, to_read + deleted)
        missing = set(to_read) - {int(r["Id"]) for r in rows}  # deleted again after the change was logged
        upserts = self._apply(schema, rows, stored, outcome, changes)
        gone = [i for i in (*deleted, *missing) if i in stored]
        for item_id in gone:
            changes.append(ChangeRecord(schema.key, item_id, "deleted"))
        outcome.count(deleted=len(gone))
        self.store.commit(self.scope, schema.key, upserts=upserts, deletes=gone, token=found[-1].token)
        return outcome

    def _full(self, schema: ListSchema, changes: list[ChangeRecord]) -> ListOutcome:
        outcome = ListOutcome(mode="full")
        # The token is taken before reading: an edit made during the read is seen again next time.
        token = self.client.list_info(schema.title, refresh=True).change_token
        select, expand = select_expand(schema)
        stored = self.store.load_items(self.scope, schema.key)
        rows = [row for page in self.client.iter_pages(schema.title, select=select, expand=expand) for row in page]
        upserts = self._apply(schema, rows, stored, outcome, changes)
        seen = {int(r["Id"]) for r in rows}
        gone = [i for i in stored if i not in seen]
        for item_id in gone:
            changes.append(ChangeRecord(schema.key, item_id, "deleted"))
        outcome.count(deleted=len(gone))
        self.store.commit(self.scope, schema.key, upserts=upserts, deletes=gone, token=token)
        return outcome

    def _apply(self, schema: ListSchema, rows: list[dict[str, Any]], stored: dict[int, StoredItem],
               outcome: ListOutcome, changes: list[ChangeRecord]) -> list[StoredItem]:
        refs = self._refs(schema, rows) if rows else Refs()
        upserts: list[StoredItem] = []
        counted = {"seen": 0, "added": 0, "updated": 0, "bot_only": 0}
        for row in rows:
            mapped = from_item(schema, row, refs=refs)
            item = _stored(schema, mapped)
            counted["seen"] += 1
            before = stored.get(item.item_id)
            action: ChangeAction
            if before is None:
                action = "added"
            elif before.fingerprint != item.fingerprint:
                action = "updated"
            elif before.bot_fingerprint != item.bot_fingerprint:
                action = "bot-only"
            else:
                if before.etag != item.etag or before.record_json != item.record_json:
                    upserts.append(item)
                continue
            counted["bot_only" if action == "bot-only" else action] += 1
            editor = mapped.meta.editor.name if mapped.meta.editor else None
            changes.append(ChangeRecord(schema.key, item.item_id, action, editor, mapped.meta.modified))
            upserts.append(item)
        outcome.count(**counted)
        return upserts

    def load_portfolio(self) -> m.Portfolio:
        return self._load()[0]

    def _load(self) -> tuple[m.Portfolio, dict[str, dict[int, StoredItem]]]:
        """The portfolio from the store, and the stored items it was built from (their ETags)."""
        lists: dict[str, list[tuple[m.Record, list[m.FieldProblem]]]] = {}
        stored: dict[str, dict[int, StoredItem]] = {}
        for schema in DATA_LISTS:
            items = stored[schema.key] = self.store.load_items(self.scope, schema.key)
            lists[schema.key] = self.cache.records(schema, {i: item.record_json for i, item in items.items()})
        return load_portfolio_lists(lists), stored

    # --- writing back -----------------------------------------------------------------------

    def _write_back(self, outcome: SyncOutcome, changes: list[ChangeRecord]) -> CheckReport:
        portfolio, stored = self._load()
        outcome.portfolio = portfolio
        report = self.check(portfolio)
        for _ in range(MAX_CONFLICT_ROUNDS):
            conflicted = self._write_round(portfolio, stored, report, outcome)
            if not conflicted:
                return report
            # A department edited these items after we read them: read them again, re-check, retry.
            for list_key, ids in conflicted.items():
                schema = list_schema(list_key)
                select, expand = select_expand(schema)
                rows = self.client.items_by_ids(schema.title, ids, select=select, expand=expand)
                current = self.store.get_items(self.scope, list_key, ids)
                upserts = self._apply(schema, rows, current, outcome.lists.setdefault(list_key, ListOutcome()), changes)
                self.store.commit(self.scope, list_key, upserts=upserts, deletes=[], token=None)
            portfolio, stored = self._load()
            outcome.portfolio = portfolio
            report = self.check(portfolio)
        outcome.notes.append("Nogle elementer blev ved med at blive ændret under tilbageskrivningen; de tages ved næste kørsel.")
        return report

    def check(self, portfolio: m.Portfolio) -> CheckReport:
        now = self.now()
        return check_portfolio(portfolio, governance=self.governance, today=now.astimezone(UTC).date(), now=now)

    def _write_round(self, portfolio: m.Portfolio, stored_lists: dict[str, dict[int, StoredItem]], report: CheckReport,
                     outcome: SyncOutcome) -> dict[str, list[int]]:
        wanted: dict[str, list[tuple[m.Record, dict[str, Any]]]] = {"initiatives": [], "plans": []}
        for initiative in portfolio.initiatives:
            wanted["initiatives"].append((initiative, initiative_bot_values(report, initiative)))
        for plan in portfolio.plans:
            wanted["plans"].append((plan, plan_bot_values(report, plan)))
        stamp = report.checked_at.replace(microsecond=0)
        conflicted: dict[str, list[int]] = {}
        for list_key, pairs in wanted.items():
            schema = list_schema(list_key)
            stored = stored_lists[list_key]
            updated: dict[int, m.Record] = {}
            writes: list[ItemWrite] = []
            for record, values in pairs:
                if record.id is None or record.id not in stored:
                    continue
                if all(_same(getattr(record, k), v) for k, v in values.items()):
                    continue
                if not stored[record.id].etag:
                    # Never write without an ETag (that would be IF-MATCH: *): read the item first.
                    conflicted.setdefault(list_key, []).append(record.id)
                    continue
                stamp_attr = "checked_at" if list_key == "initiatives" else "gate_checked_at"
                new = record.model_copy(update={**values, stamp_attr: stamp})
                columns = schema.bot_columns
                writes.append(ItemWrite(record.id, str(stored[record.id].etag), to_payload(new, columns=columns)))
                updated[record.id] = new
            if not writes:
                continue
            results = self.client.update_items(schema.title, writes)
            stats = outcome.lists.setdefault(list_key, ListOutcome())
            upserts: list[StoredItem] = []
            for result in results:
                if result.status == "ok":
                    stats.count(written=1)
                    before = stored[result.item_id]
                    new = updated[result.item_id]
                    _, problems = unpack(schema, before.record_json)
                    upserts.append(
                        _stored(schema, Mapped(new, tuple(problems)), etag=result.etag, modified=before.modified,
                                editor=before.editor)
                    )
                elif result.status == "conflict":
                    stats.count(conflicts=1)
                    conflicted.setdefault(list_key, []).append(result.item_id)
                elif result.status == "missing":
                    self.store.commit(self.scope, list_key, upserts=[], deletes=[result.item_id], token=None)
            if upserts:
                self.store.commit(self.scope, list_key, upserts=upserts, deletes=[], token=None)
        return conflicted


def _same(current: Any, wanted: Any) -> bool:
    if hasattr(current, "value"):
        current = current.value
    if hasattr(wanted, "value"):
        wanted = wanted.value
    return bool(current == wanted)


def _stored(schema: ListSchema, mapped: Mapped[Any], *, etag: str | None = None,
            modified: datetime | None = None, editor: str | None = None) -> StoredItem:
    record = mapped.record
    meta = mapped.meta
    return StoredItem(
        list_key=schema.key,
        item_id=int(record.id),
        record_json=pack(mapped),
        fingerprint=department_fingerprint(record),
        bot_fingerprint=bot_fingerprint(record),
        etag=etag if etag is not None else meta.etag,
        modified=modified if modified is not None else meta.modified,
        editor=editor if editor is not None else (meta.editor.name if meta.editor else None),
    )

