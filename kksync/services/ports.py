"""Ports: the small protocols the services depend on, implemented by the adapters and by fakes in tests.

A service names only what it calls. ``kksync.sharepoint.client.SharePointClient``, the state stores of
``kksync.state`` and the queues of ``kksync.queues`` satisfy these structurally; the composition root
(``kksync.app``) hands them over. Nothing here imports an adapter at run time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kksync.queues import ChangeMessage
    from kksync.sharepoint.client import Change, ItemWrite, ListInfo, WriteOutcome
    from kksync.sharepoint.data import AccountState, AlternativeMail, SiteUser
    from kksync.state.base import Lease, ReminderClaim, RunRecord, StoredItem, Subscription

__all__ = [
    "AccountDirectory",
    "ChangeQueue",
    "LeaseStore",
    "ListLookup",
    "MailSender",
    "NotificationState",
    "ReconcileSharePoint",
    "ReconcileStore",
    "ReminderLedger",
    "SchemaAdmin",
    "SeedTarget",
    "SharePointFiles",
    "SharePointItems",
    "SiteUsers",
    "SnapshotStore",
    "SubscriptionAdmin",
    "SubscriptionState",
    "SyncStore",
]


# === SharePoint administration: provision, seed, subscriptions =====================================


class ListLookup(Protocol):
    def list_info(self, title: str, *, refresh: bool = False) -> ListInfo: ...


class SchemaAdmin(ListLookup, Protocol):
    """What ``services.provision`` needs: lists and their columns."""

    def list_titles(self) -> dict[str, int]: ...

    def create_list(self, title: str, *, description: str, base_template: int) -> None: ...

    def list_fields(self, title: str) -> list[dict[str, Any]]: ...

    def add_field_xml(self, title: str, schema_xml: str, *, options: int) -> dict[str, Any]: ...

    def update_field(self, title: str, internal_name: str, changes: Mapping[str, Any]) -> None: ...


class SeedTarget(ListLookup, Protocol):
    """What ``services.seed`` needs: users and items, written as a department would."""

    def ensure_user(self, login: str) -> dict[str, Any]: ...

    def create_items(self, title: str, payloads: Sequence[dict[str, Any]]) -> list[int]: ...

    def update_items(self, title: str, writes: Sequence[ItemWrite]) -> list[WriteOutcome]: ...

    def delete_items(self, title: str, ids: Sequence[int]) -> list[WriteOutcome]: ...


class SubscriptionAdmin(ListLookup, Protocol):
    """What ``services.subscriptions`` needs on SharePoint's side."""

    def list_subscriptions(self, list_id: str) -> list[dict[str, Any]]: ...

    def add_subscription(
        self, list_id: str, *, notification_url: str, expiration: datetime, client_state: str
    ) -> dict[str, Any]: ...

    def update_subscription(
        self, list_id: str, subscription_id: str, *, expiration: datetime, client_state: str,
        notification_url: str | None = None,
    ) -> None: ...

    def delete_subscription(self, list_id: str, subscription_id: str) -> None: ...


class SubscriptionState(Protocol):
    """The slice of ``kksync.state.base.StateStore`` that ``services.subscriptions`` uses."""

    def get_subscription(self, scope: str, list_key: str) -> Subscription | None: ...

    def put_subscription(self, scope: str, list_key: str, subscription: Subscription) -> None: ...

    def delete_subscription(self, scope: str, list_key: str) -> None: ...


# === end of the SharePoint administration section ==================================================


# --- sync, change pipeline, snapshots and documents -----------------------------------------------


class SharePointItems(Protocol):
    """SharePoint lists as the sync sees them: pages, items by id, the change log, conditional writes."""

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far (retries included); a run reports the difference."""
        ...

    @property
    def resource_units_sent(self) -> int:
        """SharePoint resource units spent so far (a lower bound, retries included); a run reports the difference."""
        ...

    def list_info(self, title: str, *, refresh: bool = False) -> ListInfo: ...

    def iter_pages(self, title: str, *, select: Sequence[str], expand: Sequence[str] = ()) -> Iterator[list[dict[str, Any]]]:
        ...

    def items_by_ids(
        self, title: str, ids: Sequence[int], *, select: Sequence[str], expand: Sequence[str] = ()
    ) -> list[dict[str, Any]]: ...

    def changes(self, title: str, token: str) -> list[Change]:
        """Item changes after ``token``, oldest first; ``ChangeTokenError`` if the token is refused."""
        ...

    def update_items(self, title: str, writes: Sequence[ItemWrite]) -> list[WriteOutcome]:
        """Each write conditional on its ETag; a stale one comes back as a conflict, not an exception."""
        ...

    def site_users(self) -> list[SiteUser]:
        """The site's User Information List; a colleague who left stays in it (ask the directory)."""
        ...

    def list_fields(self, title: str) -> list[dict[str, Any]]:
        """The list's columns (``InternalName``, ``Title``, ``Choices`` ...), to see schema drift."""
        ...


class SiteUsers(Protocol):
    def site_users(self) -> list[SiteUser]: ...


class AccountDirectory(Protocol):
    """Microsoft Graph as the sync sees it: does an account still exist, and may it sign in."""

    def account_states(self, upns: Iterable[str]) -> dict[str, AccountState]:
        """One state per account; ``UNKNOWN`` when Graph could not say (never act on that)."""
        ...


class SharePointFiles(Protocol):
    """A document library: upload a file (a new version) and read and set its metadata."""

    def list_info(self, title: str, *, refresh: bool = False) -> ListInfo: ...

    def upload_file(self, library: str, name: str, content: bytes) -> dict[str, Any]: ...

    def file_item(self, server_relative_url: str) -> dict[str, Any]:
        """The file's list item fields; ``NotFoundError`` if there is no such file."""
        ...

    def set_file_fields(self, server_relative_url: str, entity_type: str, fields: dict[str, Any]) -> None: ...


class ChangeQueue(Protocol):
    """The queue: send a message (optionally invisible for a while), see which lists are waiting."""

    def send(self, message: ChangeMessage, *, visibility_timeout: int | None = None) -> None: ...

    def pending_lists(self, scope: str) -> set[str]:
        """Lists with a message that is visible (not yet picked up); best effort, may under-report."""
        ...


class LeaseStore(Protocol):
    """A lease per (scope, list): only its holder syncs the list (``kksync.services.leases``)."""

    def acquire_lease(self, scope: str, list_key: str, *, owner: str, ttl_seconds: int) -> Lease | None: ...

    def renew_lease(self, lease: Lease) -> Lease | None: ...

    def release_lease(self, lease: Lease) -> None: ...


class SyncStore(LeaseStore, Protocol):
    """The sync's slice of the state store: change tokens, stored items, run history, the lists' leases."""

    def get_token(self, scope: str, list_key: str) -> str | None: ...

    def load_items(self, scope: str, list_key: str) -> dict[int, StoredItem]: ...

    def get_items(self, scope: str, list_key: str, ids: Sequence[int]) -> dict[int, StoredItem]: ...

    def item_ids(self, scope: str, list_key: str) -> set[int]: ...

    def commit(
        self, scope: str, list_key: str, *, upserts: Sequence[StoredItem], deletes: Sequence[int], token: str | None
    ) -> None: ...

    def record_run(self, run: RunRecord) -> None: ...


class SnapshotStore(Protocol):
    """Frozen plans by status date."""

    def put_snapshot(self, scope: str, plan_key: str, status_date: date, data: bytes) -> None: ...

    def get_snapshot(self, scope: str, plan_key: str, status_date: date) -> bytes | None: ...

    def list_snapshots(self, scope: str, plan_key: str) -> list[date]:
        """Status dates with a snapshot, oldest first."""
        ...

    def delete_snapshot(self, scope: str, plan_key: str, status_date: date) -> bool: ...


class NotificationState(Protocol):
    """What the webhook receiver and the silence alerts keep: subscriptions and the last notification."""

    def subscriptions(self, scope: str) -> dict[str, Subscription]: ...

    def set_last_notification(self, scope: str, list_key: str, at: datetime) -> None: ...

    def last_notification_at(self, scope: str, list_key: str) -> datetime | None: ...


class ReconcileStore(SyncStore, NotificationState, SubscriptionState, Protocol):
    """The nightly reconcile's store: the sync's slice, the webhook bookkeeping (and subscriptions)."""


class ReconcileSharePoint(SharePointItems, SubscriptionAdmin, Protocol):
    """The nightly reconcile's SharePoint: the sync's items (and the subscription calls of renewal)."""


# --- reminder mails (kksync.services.reminders) ----------------------------------------------------


class MailSender(Protocol):
    """Microsoft Graph's ``sendMail`` (``kksync.sharepoint.graph.GraphClient``)."""

    def send_mime_mail(self, sender: str, mail: AlternativeMail) -> None: ...


class ReminderLedger(Protocol):
    """The state store's reminder ledger (``kksync.state.base.StateStore``)."""

    def claim_reminder(self, claim: ReminderClaim) -> bool: ...

    def finish_reminder(self, scope: str, address: str, day: date, *, sent: bool, at: datetime, note: str = "") -> None:
        ...

    def release_reminder(self, scope: str, address: str, day: date) -> None: ...

    def reminder_claims(self, scope: str, *, since: date | None = None) -> list[ReminderClaim]: ...
