"""The sync engine: SharePoint lists ⇄ the canonical store, incremental, lossless, loop-proof.

Per list: read what changed since the stored change token (or everything, when there is no
token or SharePoint rejects it), map it, store it, and only then advance the token. Then check
the whole portfolio and write back the bot-owned columns that actually changed, each write
conditional on the ETag we hold; a 412 means a department just edited the item, so we re-read
it, re-check and try again — a department's edit is never overwritten.

The loop guard: our own write-back shows up in the change log, and SharePoint does not say who
made an update (``Editor`` is null there; app-only writes all show as "SharePoint App"). So every
changed item is read again, batched by id, and its department fingerprint compared: a change only
in bot-owned columns writes nothing.

What SharePoint Online does not say, the sync finds out: a stored token older than the change log
(which then answers with nothing at all), or of a recreated list, means a full reconcile; columns
deleted from a list are left out of the read and keep their stored values; a colleague who left is
known from Microsoft Graph (``services.people``), not from the site's users.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Container, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from kksync.checks import check_portfolio, initiative_bot_values, plan_bot_values
from kksync.checks.findings import CheckReport
from kksync.checks.governance import Governance
from kksync.core import model as m
from kksync.core.mapping import Mapped, Refs, from_item, select_expand, to_payload
from kksync.core.schema import ListSchema, list_schema
from kksync.core.tokens import token_doubt
from kksync.errors import ChangeTokenError, SharePointError
from kksync.services.drift import ListDrift, compare_fields, is_missing_field_error
from kksync.services.leases import LeasePolicy, lease_owner
from kksync.services.people import RunPeople, person_columns, row_person_ids, stored_person_ids
from kksync.services.ports import AccountDirectory, SharePointItems, SyncStore
from kksync.services.records import (
    DATA_LISTS,
    RecordCache,
    bot_fingerprint,
    department_fingerprint,
    load_portfolio_lists,
    pack,
    unpack,
)
from kksync.services.runs import RunTracker, WriteFailure
from kksync.sharepoint.client import ItemWrite
from kksync.state.base import ChangeAction, ChangeRecord, ListRunStats, StoredItem
from kksync.texts import sync_note

__all__ = ["CHANGE_LOG_DAYS", "TOKEN_MAX_AGE", "ListOutcome", "SyncOutcome", "SyncService"]

MAX_CONFLICT_ROUNDS = 5
CHANGE_LOG_DAYS = 60
"""SharePoint Online keeps the change log about this long (sp-dev-docs #2361, #10389)."""
TOKEN_MAX_AGE = timedelta(days=CHANGE_LOG_DAYS - 7)
"""Older stored tokens mean a full reconcile: a week's margin, as "about 60 days" is not a promise."""
Progress = Callable[[str, int, int], None]


@dataclass
class ListOutcome:
    """One list in one run: the counters kept in the run history, and what only this run's report shows."""

    mode: str = "incremental"
    stats: ListRunStats = field(default_factory=ListRunStats)
    requests: int = 0
    resource_units: int = 0

    def __post_init__(self) -> None:
        self.stats = replace(self.stats, mode=self.mode)

    def count(self, **counters: int) -> None:
        """Add to the run-history counters (``seen=3, added=1``); the history record is immutable."""
        self.stats = replace(self.stats, **{name: getattr(self.stats, name) + n for name, n in counters.items()})


@dataclass
class _Run:
    """What one run learns once and reuses: the people's states, each list's drift (when checked)."""

    people: RunPeople
    drift: dict[str, ListDrift] = field(default_factory=dict)


@dataclass
class SyncOutcome:
    run_id: str
    lists: dict[str, ListOutcome] = field(default_factory=dict)
    writes: int = 0
    conflicts: int = 0
    requests: int = 0
    resource_units: int = 0
    notes: list[str] = field(default_factory=list)
    report: CheckReport | None = None
    portfolio: m.Portfolio | None = None
    failures: list[WriteFailure] = field(default_factory=list)
    """Write-backs SharePoint refused this run (each tried again by the next run)."""

    @property
    def partial(self) -> bool:
        """The run went through, but some of its work failed."""
        return bool(self.failures)

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
        directory: AccountDirectory | None = None,
        token_max_age: timedelta = TOKEN_MAX_AGE,
        leases: LeasePolicy | None = None,
    ) -> None:
        self.client = client
        self.directory = directory
        """Microsoft Graph's accounts (``None``: site users only, and the run says so)."""
        self.token_max_age = token_max_age
        """A stored token older than this is not trusted (the change log's retention minus a margin)."""
        self.leases = leases or LeasePolicy()  # by default: give up at once if another run holds a list
        self.store = store
        self.scope = scope
        self.governance = governance
        self.now = now
        self.cache = cache or RecordCache()
        self._run = _Run(RunPeople(client, directory, []))

    # --- reading ----------------------------------------------------------------------------

    def sync(self, *, full: bool = False, lists: Sequence[str] | None = None, progress: Progress | None = None,
             write_back: bool = True, exclusive: bool = False) -> SyncOutcome:
        """One run. ``exclusive``: hold the store's run lock too, so a second whole sync (the CLI's) waits
        for this one or refuses, instead of both running and their counts disagreeing.

        The run's record is written as each list is stored (status ``running``), so a run that dies
        afterwards keeps who changed what; an error records it as ``failed`` before it propagates.
        """
        outcome = SyncOutcome(run_id=uuid.uuid4().hex)
        with self.leases.hold_run(self.store, self.scope, owner=lease_owner(outcome.run_id)) if exclusive else nullcontext():
            return self._sync(outcome, full=full, lists=lists, progress=progress, write_back=write_back)

    def _sync(self, outcome: SyncOutcome, *, full: bool, lists: Sequence[str] | None, progress: Progress | None,
              write_back: bool) -> SyncOutcome:
        tracker = RunTracker(self.store, self.scope, outcome.run_id, started=self.now(), now=self.now)
        start_requests, start_units = self.client.requests_sent, self.client.resource_units_sent
        changes: list[ChangeRecord] = []
        self._run = _Run(RunPeople(self.client, self.directory, outcome.notes))
        chosen = [s for s in DATA_LISTS if lists is None or s.key in lists]
        try:
            for index, schema in enumerate(chosen):
                if progress:
                    progress(schema.title, index, len(chosen))
                before, units_before = self.client.requests_sent, self.client.resource_units_sent
                # The list's lease, from reading its stored token to storing the next: one run at a time.
                with self.leases.hold(self.store, self.scope, schema.key, schema.title, owner=lease_owner(outcome.run_id)):
                    result = self._sync_list(schema, full=full, changes=changes, notes=outcome.notes)
                result.requests = self.client.requests_sent - before
                result.resource_units = self.client.resource_units_sent - units_before
                outcome.lists[schema.key] = result
                tracker.record(outcome, changes, requests=self.client.requests_sent - start_requests,
                               resource_units=self.client.resource_units_sent - start_units)
            if progress:
                progress("tjek og tilbageskrivning", len(chosen), len(chosen))
            if write_back:
                outcome.report = self._write_back(outcome, changes)
        except BaseException as error:
            tracker.record(outcome, changes, requests=self.client.requests_sent - start_requests,
                           resource_units=self.client.resource_units_sent - start_units, error=error)
            raise
        outcome.requests = self.client.requests_sent - start_requests
        outcome.resource_units = self.client.resource_units_sent - start_units
        outcome.writes = sum(o.stats.written for o in outcome.lists.values())
        outcome.conflicts = sum(o.stats.conflicts for o in outcome.lists.values())
        tracker.record(outcome, changes, requests=outcome.requests, resource_units=outcome.resource_units,
                       finished=True)
        return outcome

    def _refs(self, schema: ListSchema, rows: list[dict[str, Any]], trusted: Container[int] = ()) -> Refs:
        known: dict[str, set[int]] = {}
        for col in schema.columns:
            if col.lookup and col.lookup not in known:
                known[col.lookup] = self.store.item_ids(self.scope, col.lookup)
                if col.lookup == schema.key:  # a list looking into itself: the rows being read exist too
                    # (a row without a usable id is refused when it is mapped, with the reason)
                    known[col.lookup].update(r["Id"] for r in rows if isinstance(r.get("Id"), int))
        people = person_columns(schema)
        if not people:
            return Refs(users=None, items=known)
        asked = {i for row in rows for i in row_person_ids(row, people)}
        self._run.people.prepare(i for i in asked if i not in trusted)
        return Refs(users=self._run.people.known(trusted), items=known)

    def _sync_list(self, schema: ListSchema, *, full: bool, changes: list[ChangeRecord], notes: list[str]) -> ListOutcome:
        token = None if full else self.store.get_token(self.scope, schema.key)
        if token is None:
            if not full:
                notes.append(sync_note("no_token", list=schema.title))
            return self._full(schema, changes, notes)
        stale = self._stale_token(schema, token)
        if stale is not None:
            notes.append(stale)
            return self._full(schema, changes, notes)
        try:
            found = self.client.changes(schema.title, token)
        except ChangeTokenError as error:
            notes.append(sync_note("token_rejected", list=schema.title, error=error))
            return self._full(schema, changes, notes)
        outcome = ListOutcome(mode="incremental")
        if not found:
            return outcome
        # Every changed item is read again, our own write-back included: SharePoint names no editor on
        # updates (and app-only writes all show as one "SharePoint App"), so only the department
        # fingerprint can tell a department's edit from ours — an echo of our write stores nothing new.
        latest: dict[int, str] = {}
        for change in found:
            latest[change.item_id] = change.kind
        deleted = [i for i, kind in latest.items() if kind == "delete"]
        to_read = sorted(i for i, kind in latest.items() if kind != "delete")
        stored = self.store.get_items(self.scope, schema.key, to_read + deleted)
        rows = self._read_ids(schema, to_read, notes) if to_read else []
        missing = set(to_read) - {int(r["Id"]) for r in rows}  # deleted again after the change was logged
        upserts = self._apply(schema, rows, stored, outcome, changes, trust_stored=True)
        gone = [i for i in (*deleted, *missing) if i in stored]
        for item_id in gone:
            changes.append(ChangeRecord(schema.key, item_id, "deleted"))
        outcome.count(deleted=len(gone))
        self.store.commit(self.scope, schema.key, upserts=upserts, deletes=gone, token=found[-1].token)
        return outcome

    def _stale_token(self, schema: ListSchema, token: str) -> str | None:
        """Why the stored token cannot be trusted to list every change since it, or None.

        SharePoint answers a token older than its change log (about 60 days) with no changes and no
        error (sp-dev-docs #10389), so the age is read from the token itself, with a margin.
        """
        doubt = token_doubt(token, self.client.list_info(schema.title).id, now=self.now(), max_age=self.token_max_age)
        if doubt is None:
            return None
        reason, days = doubt
        return sync_note(f"token_{reason}", list=schema.title, days=days, retention=CHANGE_LOG_DAYS)

    def _check_fields(self, schema: ListSchema, notes: list[str]) -> ListDrift:
        drift = compare_fields(schema, self.client.list_fields(schema.title))
        self._run.drift[schema.key] = drift
        notes.extend(n for n in drift.notes if n not in notes)
        return drift

    def _omit(self, schema: ListSchema) -> frozenset[str]:
        drift = self._run.drift.get(schema.key)
        return drift.missing_names if drift else frozenset()

    def _read_ids(self, schema: ListSchema, ids: list[int], notes: list[str]) -> list[dict[str, Any]]:
        """Items by id; a read SharePoint refuses for a deleted column is checked and read without it."""
        select, expand = select_expand(schema, omit=self._omit(schema))
        try:
            return _items_only(self.client.items_by_ids(schema.title, ids, select=select, expand=expand))
        except SharePointError as error:
            if not is_missing_field_error(error) or schema.key in self._run.drift:
                raise
        select, expand = select_expand(schema, omit=self._check_fields(schema, notes).missing_names)
        return _items_only(self.client.items_by_ids(schema.title, ids, select=select, expand=expand))

    def _full(self, schema: ListSchema, changes: list[ChangeRecord], notes: list[str]) -> ListOutcome:
        outcome = ListOutcome(mode="full")
        drift = self._check_fields(schema, notes)
        # The token is taken before reading: an edit made during the read is seen again next time.
        token = self.client.list_info(schema.title, refresh=True).change_token
        select, expand = select_expand(schema, omit=drift.missing_names)
        stored = self.store.load_items(self.scope, schema.key)
        rows = _items_only(row for page in self.client.iter_pages(schema.title, select=select, expand=expand) for row in page)
        upserts = self._apply(schema, rows, stored, outcome, changes)
        seen = {int(r["Id"]) for r in rows}
        gone = [i for i in stored if i not in seen]
        for item_id in gone:
            changes.append(ChangeRecord(schema.key, item_id, "deleted"))
        outcome.count(deleted=len(gone))
        self.store.commit(self.scope, schema.key, upserts=upserts, deletes=gone, token=token)
        return outcome

    def _apply(self, schema: ListSchema, rows: list[dict[str, Any]], stored: dict[int, StoredItem],
               outcome: ListOutcome, changes: list[ChangeRecord], *, trust_stored: bool = False) -> list[StoredItem]:
        """Map and compare; ``trust_stored``: people the stored item already held pass without asking
        (an incremental read; the nightly full reconcile asks about everyone)."""
        people = person_columns(schema)
        previous: dict[int, Mapped[Any]] = {}
        trusted: set[int] = set()
        for row in rows:
            row_id = row.get("Id")
            before = stored.get(row_id) if isinstance(row_id, int) else None
            lacks = before is not None and any(c.wire_name not in row for c in schema.columns)
            if before is not None and (lacks or (trust_stored and people)):
                record, problems = unpack(schema, before.record_json)
                previous[before.item_id] = Mapped(record, tuple(problems))
                if trust_stored:
                    trusted |= stored_person_ids(record, people)
        refs = self._refs(schema, rows, trusted) if rows else Refs()
        upserts: list[StoredItem] = []
        counted = {"seen": 0, "added": 0, "updated": 0, "bot_only": 0}
        for row in rows:
            kept = previous.get(row["Id"]) if any(c.wire_name not in row for c in schema.columns) else None
            mapped = from_item(schema, row, refs=refs, previous=kept)
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
                # The same content: keep the ETag as read (``"<n>"``; our write stored ``"<guid>,<n>"``):
                # ETags are opaque, the next conditional write sends back what a read gave.
                if before.etag != item.etag or before.record_json != item.record_json:
                    upserts.append(item)
                continue
            counted["bot_only" if action == "bot-only" else action] += 1
            editor = mapped.meta.editor.name if mapped.meta.editor else None
            changes.append(ChangeRecord(schema.key, item.item_id, action, editor, mapped.meta.modified))
            upserts.append(item)
        outcome.count(**counted)
        return upserts

    def _reread(self, schema: ListSchema, rows: list[dict[str, Any]], current: dict[int, StoredItem],
                outcome: ListOutcome, changes: list[ChangeRecord]) -> list[StoredItem]:
        """Items read again after a 412: a change is counted once per run, however often it is re-read."""
        scratch, found = ListOutcome(), list[ChangeRecord]()
        upserts = self._apply(schema, rows, current, scratch, found)
        counted = {(c.list_key, c.item_id) for c in changes}
        for change in found:
            if (change.list_key, change.item_id) not in counted:
                changes.append(change)
                outcome.count(**{"bot_only" if change.action == "bot-only" else change.action: 1})
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
                rows = self._read_ids(schema, ids, outcome.notes)
                current = self.store.get_items(self.scope, list_key, ids)
                upserts = self._reread(schema, rows, current, outcome.lists.setdefault(list_key, ListOutcome()), changes)
                self.store.commit(self.scope, list_key, upserts=upserts, deletes=[], token=None)
            portfolio, stored = self._load()
            outcome.portfolio = portfolio
            report = self.check(portfolio)
        outcome.notes.append(sync_note("write_back_unsettled"))
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
            # A bot column deleted from the list is not written (SharePoint would refuse the whole MERGE);
            # the others are. Its stored value stays as it was.
            omit = self._omit(schema)
            skip = {c.path[0] for c in schema.bot_columns if c.name in omit}
            columns = [c for c in schema.bot_columns if c.name not in omit]
            for record, values in pairs:
                if record.id is None or record.id not in stored:
                    continue
                values = {k: v for k, v in values.items() if k not in skip}
                if all(_same(getattr(record, k), v) for k, v in values.items()):
                    continue
                if not stored[record.id].etag:
                    # Never write without an ETag (that would be IF-MATCH: *): read the item first.
                    conflicted.setdefault(list_key, []).append(record.id)
                    continue
                stamp_attr = "checked_at" if list_key == "initiatives" else "gate_checked_at"
                new = record.model_copy(update={**values, **({} if stamp_attr in skip else {stamp_attr: stamp})})
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
                elif "does not exist" in result.message and list_key not in self._run.drift:
                    # A bot column deleted since this run last looked: learn which, and write the rest next round.
                    self._check_fields(schema, outcome.notes)
                    conflicted.setdefault(list_key, []).append(result.item_id)
                else:
                    # Refused (a validation error, a column SharePoint no longer has): counted, reported and
                    # left unstored, so the stored bot values still differ and the next run writes it again.
                    stats.count(errors=1)
                    outcome.failures.append(WriteFailure(list_key, schema.title, result.item_id, result.message))
            if upserts:
                self.store.commit(self.scope, list_key, upserts=upserts, deletes=[], token=None)
        return conflicted


def _items_only(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items without the folders SharePoint returns among them (``FileSystemObjectType`` 1: a folder per
    administration); a folder's add in the change log then reads as nothing."""
    return [row for row in rows if row.get("FileSystemObjectType") != 1]


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

