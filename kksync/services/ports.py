"""The small ports services depend on (``typing.Protocol``), instead of the whole ``Runtime``.

``SharePointClient`` and the state stores satisfy them structurally; tests may pass fakes. Each
section belongs to the services named in its heading.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kksync.sharepoint.data import ItemWrite, ListInfo, WriteOutcome
    from kksync.state.base import Subscription

__all__ = ["ListLookup", "SchemaAdmin", "SeedTarget", "SubscriptionAdmin", "SubscriptionState"]


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

    def remove_site_user(self, user_id: int) -> None: ...

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
