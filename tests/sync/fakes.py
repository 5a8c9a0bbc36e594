"""Small stand-ins for the services' ports: a SharePoint with empty lists and a change log that can fail."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kksync.core.schema import LISTS
from kksync.sharepoint.client import Change, ItemWrite, ListInfo, WriteOutcome
from kksync.sharepoint.data import SiteUser

_TICKS_AT_EPOCH = 621_355_968_000_000_000


def token_at(when: datetime, number: int = 1) -> str:
    """A change token ``1;3;<list>;<ticks>;<number>`` stamped ``when``."""
    ticks = _TICKS_AT_EPOCH + int(when.timestamp() * 10_000_000)
    return f"1;3;list-id;{ticks};{number}"


@dataclass
class FakeSharePoint:
    """``SharePointItems``: every list empty; ``changes`` returns ``pending`` or raises ``changes_error``."""

    pending: list[Change] = field(default_factory=list)
    changes_error: Exception | None = None
    sync_error: Exception | None = None
    requests_sent: int = 0
    resource_units_sent: int = 0
    full_reads: list[str] = field(default_factory=list)

    def list_info(self, title: str, *, refresh: bool = False) -> ListInfo:
        self.requests_sent += 1
        # The list's current token is later than every change it logged (the store refuses to go back).
        return ListInfo(id="list-id", title=title, item_count=0, entity_type=f"SP.Data.{title}ListItem",
                        change_token=token_at(datetime.now(UTC), 999_999), base_template=100)

    def iter_pages(self, title: str, *, select: Sequence[str], expand: Sequence[str] = ()) -> Iterator[list[dict[str, Any]]]:
        if self.sync_error is not None:
            raise self.sync_error
        self.requests_sent += 1
        self.full_reads.append(title)
        return iter(())

    def items_by_ids(self, title: str, ids: Sequence[int], *, select: Sequence[str],
                     expand: Sequence[str] = ()) -> list[dict[str, Any]]:
        self.requests_sent += 1
        return []

    def changes(self, title: str, token: str) -> list[Change]:
        self.requests_sent += 1
        if self.changes_error is not None:
            raise self.changes_error
        return list(self.pending)

    def update_items(self, title: str, writes: Sequence[ItemWrite]) -> list[WriteOutcome]:
        self.requests_sent += 1
        return [WriteOutcome(w.item_id, "ok", etag="2") for w in writes]

    def site_users(self) -> list[SiteUser]:
        self.requests_sent += 1
        return []

    def list_fields(self, title: str) -> list[dict[str, Any]]:
        """Every column the schema expects: the fake's lists never drift."""
        self.requests_sent += 1
        schema = next(s for s in LISTS if s.title == title)
        return [{"InternalName": c.name, "Title": c.title, "Choices": list(c.choices)} for c in schema.columns]
