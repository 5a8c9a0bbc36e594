"""Ports: the small protocols the services depend on, implemented by the adapters and by fakes in tests.

A service names only what it calls. ``kksync.sharepoint.client.SharePointClient``, the state stores of
``kksync.state`` and the queues of ``kksync.queues`` satisfy these structurally; the composition root
(``kksync.app``) hands them over. Nothing here imports an adapter at run time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kksync.queues import ChangeMessage
    from kksync.sharepoint.client import Change, ItemWrite, ListInfo, WriteOutcome
    from kksync.state.base import RunRecord, StoredItem, Subscription

__all__ = [
    "ChangeQueue",
    "NotificationState",
    "ReconcileSharePoint",
    "ReconcileStore",
    "SharePointFiles",
    "SharePointItems",
    "SnapshotStore",
    "SyncStore",
]


# --- sync, change pipeline, snapshots and documents -----------------------------------------------


class SharePointItems(Protocol):
    """SharePoint lists as the sync sees them: pages, items by id, the change log, conditional writes."""

    @property
    def app_login(self) -> str | None:
        """The login SharePoint records for our own writes (to skip them in the change log), if known."""
        ...

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far (retries included); a run reports the difference."""
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

    def site_user_ids(self) -> set[int]: ...


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


class SyncStore(Protocol):
    """The sync's slice of the state store: change tokens, stored items, run history."""

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


class NotificationState(Protocol):
    """What the webhook receiver and the silence alerts keep: subscriptions and the last notification."""

    def subscriptions(self, scope: str) -> dict[str, Subscription]: ...

    def set_last_notification(self, scope: str, list_key: str, at: datetime) -> None: ...

    def last_notification_at(self, scope: str, list_key: str) -> datetime | None: ...


class ReconcileStore(SyncStore, NotificationState, Protocol):
    """The nightly reconcile's store: the sync's slice, the webhook bookkeeping (and subscriptions)."""


class ReconcileSharePoint(SharePointItems, Protocol):
    """The nightly reconcile's SharePoint: the sync's items (and the subscription calls of renewal)."""
