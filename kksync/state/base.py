"""The state-store port: plain data records and the one ``StateStore`` protocol every backend implements.

State is what kksync remembers between runs: per list the SharePoint change token and the canonical
record of every item (with fingerprints for change detection and the bot's loop guard), the history of
runs, the dated plan snapshots the documents compare against, and the webhook bookkeeping of the
function app. Everything is keyed by a ``scope`` (site URL plus configuration name, see
:func:`make_scope`) so that two sites or plans configured side by side can never read each other's
state, whatever characters the scope contains.

Backends: :class:`kksync.state.sqlite.SqliteStateStore` (embedded default) and
:class:`kksync.state.azure.AzureStateStore` (Azure Table + Blob storage). Both pass the contract suite in
``tests/state/contract.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Literal, Protocol, Self, runtime_checkable

from kksync.texts import stale_token_error, state_error

__all__ = [
    "ChangeAction",
    "ChangeRecord",
    "Lease",
    "ListRunStats",
    "ReminderClaim",
    "RunMode",
    "RunStatus",
    "RunRecord",
    "StateStore",
    "StoredItem",
    "StoreLifetime",
    "Subscription",
    "check_commit",
    "change_number",
    "check_limit",
    "check_token_order",
    "make_scope",
]

RunMode = Literal["full", "incremental", "reconcile", "mixed"]
RunStatus = Literal["ok", "partial", "failed", "running"]
"""``running``: the record written as each list is stored (a run that dies stays visible as one that did
not finish); ``partial``: finished, but some work failed (write-backs SharePoint refused); ``failed``:
stopped by an error (``RunRecord.error``)."""
ChangeAction = Literal["added", "updated", "deleted", "bot-only"]


@dataclass(frozen=True, slots=True)
class StoredItem:
    """The canonical record of one SharePoint item as last synced.

    ``fingerprint`` hashes the department-owned fields (did a person change something?);
    ``bot_fingerprint`` hashes the bot-owned values last written or seen (was the last change our own
    write-back? then it must not trigger another run).
    """

    list_key: str
    item_id: int
    record_json: str
    fingerprint: str
    bot_fingerprint: str
    etag: str | None = None
    modified: datetime | None = None
    editor: str | None = None


@dataclass(frozen=True, slots=True)
class ListRunStats:
    """Counters for one list in one run."""

    seen: int = 0
    added: int = 0
    updated: int = 0
    deleted: int = 0
    bot_only: int = 0
    written: int = 0
    conflicts: int = 0
    errors: int = 0
    """Write-backs SharePoint refused (a validation error, a deleted column); tried again next run."""
    mode: str = ""
    """How the list was read: ``full`` or ``incremental`` (empty in records of older versions)."""


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """One item-level change a run detected (who changed what, when)."""

    list_key: str
    item_id: int
    action: ChangeAction
    editor: str | None = None
    modified: datetime | None = None


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What one sync run did; ``record_run`` with the same ``run_id`` replaces the earlier record.

    Keep ``started_at`` fixed for a run: the history is ordered by it.
    """

    run_id: str
    scope: str
    started_at: datetime
    finished_at: datetime | None = None
    mode: RunMode = "incremental"
    lists: dict[str, ListRunStats] = field(default_factory=dict)
    changes: list[ChangeRecord] = field(default_factory=list)
    requests: int = 0
    writes: int = 0
    note: str = ""
    status: RunStatus = "ok"
    error: str = ""
    """Why a ``failed`` run stopped, or which write-backs a ``partial`` one could not make."""
    failures: list[str] = field(default_factory=list)
    """One line per refused write-back: list, item and SharePoint's reason."""
    resource_units: int = 0
    """SharePoint resource units the run spent (the Graph-priced lower bound of ``kksync.sharepoint.pricing``)."""


@dataclass(frozen=True, slots=True)
class Subscription:
    """A SharePoint webhook subscription the function app registered for one list.

    Only a hash of the clientState secret is kept, so the state store never holds the secret itself.
    """

    subscription_id: str
    expiration: datetime
    client_state_hash: str


@dataclass(frozen=True, slots=True)
class Lease:
    """The right to sync one list for a while: only its holder reads, stores and advances that list's token.

    ``lease_id`` is what renewing and releasing need (the blob lease id in Azure); ``expires_at`` is
    the store's view of when it lapses unless renewed (for Azure, the local clock plus the duration).
    """

    scope: str
    list_key: str
    owner: str
    lease_id: str
    expires_at: datetime
    ttl_seconds: int
    """How long the lease lasts from a renewal (for Azure rounded into 15–60 s)."""


@dataclass(frozen=True, slots=True)
class ReminderClaim:
    """One person's reminder digest of one day, claimed before it is sent (``kksync.services.reminders``).

    The claim is a conditional insert of the day and of every reminder key the digest carries: it fails
    when any of them is already there, so two processors never both send, and no reminder goes to a
    person twice. ``status`` is ``claimed`` until Graph accepted the mail, then ``sent``. A claim that
    stays ``claimed`` (the process died, or the answer was lost) is never sent again by itself: at most
    once; ``note`` says what is known.
    """

    scope: str
    address: str
    day: date
    keys: tuple[str, ...]
    owner: str
    claimed_at: datetime
    status: Literal["claimed", "sent"] = "claimed"
    sent_at: datetime | None = None
    note: str = ""


@runtime_checkable
class StateStore(Protocol):
    """Where kksync keeps its state. Every method is scoped; implementations raise ``StateError``."""

    # -- change tokens and items -------------------------------------------------------------------
    def get_token(self, scope: str, list_key: str) -> str | None:
        """The change token stored by the last ``commit``, or ``None`` before the first full sync."""
        ...

    def load_items(self, scope: str, list_key: str) -> dict[int, StoredItem]:
        """All stored items of one list, by item id."""
        ...

    def get_items(self, scope: str, list_key: str, ids: Sequence[int]) -> dict[int, StoredItem]:
        """The stored items among ``ids``; unknown ids are left out."""
        ...

    def item_ids(self, scope: str, list_key: str) -> set[int]:
        """The ids of all stored items of one list (which lookups point at something that exists)."""
        ...

    def commit(
        self, scope: str, list_key: str, *, upserts: Sequence[StoredItem], deletes: Sequence[int], token: str | None
    ) -> None:
        """Store item changes, then advance the change token (``None`` leaves the token as it is).

        A token older than the stored one of the same list (see :func:`check_token_order`) is refused
        with ``StaleTokenError`` before anything is stored: another run got further meanwhile.

        The token never moves before the items are stored: a crash in between only makes the next run
        read the same changes again, and applying them again is harmless.
        """
        ...

    def update_bot_fingerprints(self, scope: str, list_key: str, values: Mapping[int, tuple[str, str | None]]) -> None:
        """After a write-back: set ``(bot_fingerprint, etag)`` per item id; ids not stored are ignored."""
        ...

    def reset(self, scope: str, list_key: str | None = None) -> None:
        """Forget token and items of one list (or of every list in the scope) before a full reconcile.

        Run history, snapshots and webhook bookkeeping stay.
        """
        ...

    # -- leases ------------------------------------------------------------------------------------
    def acquire_lease(self, scope: str, list_key: str, *, owner: str, ttl_seconds: int) -> Lease | None:
        """Take the list's lease for ``ttl_seconds``, or ``None`` while someone else holds it.

        A lease that has lapsed (its holder crashed or stalled) is taken over. Azure rounds the
        duration into its 15–60 s range.
        """
        ...

    def renew_lease(self, lease: Lease) -> Lease | None:
        """Extend a held lease by its duration; ``None`` when it was lost (lapsed and taken by another)."""
        ...

    def release_lease(self, lease: Lease) -> None:
        """Give the lease up now; releasing a lease that is no longer held does nothing."""
        ...

    # -- run history -------------------------------------------------------------------------------
    def record_run(self, run: RunRecord) -> None: ...

    def runs(self, scope: str, limit: int = 20) -> list[RunRecord]:
        """The latest runs, newest (by ``started_at``) first."""
        ...

    # -- snapshots ---------------------------------------------------------------------------------
    def put_snapshot(self, scope: str, plan_key: str, status_date: date, data: bytes) -> None: ...

    def get_snapshot(self, scope: str, plan_key: str, status_date: date) -> bytes | None: ...

    def list_snapshots(self, scope: str, plan_key: str) -> list[date]:
        """Status dates with a snapshot, oldest first."""
        ...

    def delete_snapshot(self, scope: str, plan_key: str, status_date: date) -> bool:
        """Remove one snapshot; ``False`` when there was none."""
        ...

    # -- webhook bookkeeping -----------------------------------------------------------------------
    def set_last_notification(self, scope: str, list_key: str, at: datetime) -> None: ...

    def last_notification_at(self, scope: str, list_key: str) -> datetime | None: ...

    def put_subscription(self, scope: str, list_key: str, subscription: Subscription) -> None: ...

    def get_subscription(self, scope: str, list_key: str) -> Subscription | None: ...

    def subscriptions(self, scope: str) -> dict[str, Subscription]:
        """Every registered subscription of the scope, by list key."""
        ...

    def delete_subscription(self, scope: str, list_key: str) -> None: ...

    # -- reminder mails (see ``ReminderClaim``) ----------------------------------------------------
    def claim_reminder(self, claim: ReminderClaim) -> bool:
        """Insert the claim and its keys all together, or nothing: ``False`` when the person already has a
        digest that day or any of the keys (another processor, or an earlier run, got there first)."""
        ...

    def finish_reminder(self, scope: str, address: str, day: date, *, sent: bool, at: datetime, note: str = "") -> None:
        """``sent``: Graph accepted the mail. Otherwise the claim stays (it may have gone) with ``note``."""
        ...

    def release_reminder(self, scope: str, address: str, day: date) -> None:
        """Forget an unsent claim and its keys (the mail was refused for sure: it may be tried again)."""
        ...

    def reminder_claims(self, scope: str, *, since: date | None = None) -> list[ReminderClaim]:
        """Every claim of the scope (from ``since`` on), by day, then address."""
        ...

    # -- lifetime ----------------------------------------------------------------------------------
    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


def make_scope(site_url: str, name: str = "default") -> str:
    """The scope for one configuration on one site.

    SharePoint site URLs are case-insensitive and often written with a trailing slash; normalising
    here keeps one site from ending up with two histories.
    """
    return f"{site_url.strip().rstrip('/').lower()}#{name}"


def check_commit(list_key: str, upserts: Sequence[StoredItem], deletes: Sequence[int]) -> dict[int, StoredItem]:
    """Validate a commit's arguments the same way in every backend; returns the upserts by id.

    A later upsert of the same id wins, as if the changes were applied in order.
    """
    by_id: dict[int, StoredItem] = {}
    for item in upserts:
        if item.list_key != list_key:
            raise state_error("wrong_list", item_id=item.item_id, item_list=item.list_key, list_key=list_key)
        by_id[item.item_id] = item
    both = by_id.keys() & set(deletes)
    if both:
        raise state_error("upsert_and_delete", ids=sorted(both))
    return by_id


def change_number(token: str) -> tuple[str, int] | None:
    """The list id and change number of a token ``1;3;<listId>;<ticks>;<number>``; ``None`` if it has none."""
    parts = token.split(";")
    if len(parts) < 5 or not parts[4].strip().isdigit():
        return None
    return parts[2].lower(), int(parts[4])


def check_token_order(scope: str, list_key: str, stored: str | None, new: str | None) -> None:
    """Refuse to move a list's change token back, the same way in every backend.

    Only tokens of the same SharePoint list are compared: after a list was recreated (a new list id)
    the new token starts over, and a token we cannot parse is not judged at all.
    """
    if stored is None or new is None:
        return
    old, fresh = change_number(stored), change_number(new)
    if old is None or fresh is None or old[0] != fresh[0]:
        return
    if fresh[1] < old[1]:
        raise stale_token_error(list_key=list_key, stored=old[1], new=fresh[1])


def check_limit(limit: int) -> None:
    """Validate ``runs(limit=...)`` the same way in every backend."""
    if limit < 1:
        raise state_error("bad_limit", limit=limit)


class StoreLifetime:
    """What every backend does the same at the end of its life: ``with store:`` closes it."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
