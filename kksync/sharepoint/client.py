"""``SharePointClient``: the product's small interface to one SharePoint site.

A facade over one object per concern, all sharing one ``SiteHttp`` (context, auth, digest,
our transport): ``ListItems`` (the data plane: paging, items by id, change log, batched
writes), ``SiteAdmin`` (lists, fields, webhook subscriptions, users) and ``SiteFiles``. Services
see only these verbs; REST paths and payloads stay inside ``kksync/sharepoint/``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from kksync.sharepoint.admin import SiteAdmin
from kksync.sharepoint.auth import TokenProvider
from kksync.sharepoint.data import Change, ItemWrite, ListInfo, SiteUser, WriteOutcome
from kksync.sharepoint.files import SiteFiles, check_file_name
from kksync.sharepoint.http import SiteHttp, list_path
from kksync.sharepoint.items import ListItems
from kksync.sharepoint.permissions import SitePermissions
from kksync.sharepoint.transport import GuardedTransport
from kksync.sharepoint.views import SiteViews

__all__ = ["Change", "ItemWrite", "ListInfo", "SharePointClient", "SiteUser", "WriteOutcome", "check_file_name"]


class SharePointClient:
    """One site. Thread-compatible, not thread-safe: use one client per worker."""

    def __init__(
        self,
        *,
        site_url: str,
        token_provider: TokenProvider,
        transport: GuardedTransport | None = None,
        page_size: int = 2000,
        batch_size: int = 100,
    ) -> None:
        self._http = SiteHttp(site_url=site_url, token_provider=token_provider, transport=transport or GuardedTransport())
        self._items = ListItems(self._http, page_size=page_size, batch_size=batch_size)
        self._admin = SiteAdmin(self._http)
        self.permissions = SitePermissions(self._http)
        """Groups, permission levels, unique permissions and folders (``kksync.services.provision_permissions``)."""
        self._files = SiteFiles(self._http)
        self._views = SiteViews(self._http)

    @property
    def site_url(self) -> str:
        return self._http.site_url

    @property
    def views(self) -> SiteViews:
        """The lists' views and column formatters (``kksync.sharepoint.views``)."""
        return self._views

    @property
    def transport(self) -> GuardedTransport:
        return self._http.transport

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent through this client's transport so far (retries included)."""
        return int(self.transport.total)

    @property
    def resource_units_sent(self) -> int:
        """SharePoint resource units spent through this client's transport so far (a lower bound, retries included)."""
        return int(self.transport.resource_units)

    @property
    def page_size(self) -> int:
        return self._items.page_size

    @page_size.setter
    def page_size(self, value: int) -> None:
        self._items.page_size = value

    @property
    def batch_size(self) -> int:
        return self._items.batch_size

    @batch_size.setter
    def batch_size(self, value: int) -> None:
        self._items.batch_size = value

    # --- lists and items ------------------------------------------------------------------------

    def list_path(self, title: str) -> str:
        return list_path(title)

    def list_info(self, title: str, *, refresh: bool = False) -> ListInfo:
        return self._items.list_info(title, refresh=refresh)

    def list_titles(self) -> dict[str, int]:
        return self._items.list_titles()

    def iter_pages(
        self,
        title: str,
        *,
        select: Sequence[str],
        expand: Sequence[str] = (),
        filter: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        return self._items.iter_pages(title, select=select, expand=expand, filter=filter, page_size=page_size)

    def items_by_ids(
        self, title: str, ids: Sequence[int], *, select: Sequence[str], expand: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        return self._items.items_by_ids(title, ids, select=select, expand=expand)

    def changes(self, title: str, token: str, *, fetch_limit: int = 2000) -> list[Change]:
        return self._items.changes(title, token, fetch_limit=fetch_limit)

    def update_items(self, title: str, writes: Sequence[ItemWrite]) -> list[WriteOutcome]:
        return self._items.update_items(title, writes)

    def create_items(self, title: str, payloads: Sequence[dict[str, Any]]) -> list[int]:
        return self._items.create_items(title, payloads)

    def delete_items(self, title: str, ids: Sequence[int]) -> list[WriteOutcome]:
        return self._items.delete_items(title, ids)

    # --- schema ---------------------------------------------------------------------------------

    def create_list(self, title: str, *, description: str, base_template: int) -> None:
        self._admin.create_list(title, description=description, base_template=base_template)

    def list_fields(self, title: str) -> list[dict[str, Any]]:
        return self._admin.list_fields(title)

    def add_field_xml(self, title: str, schema_xml: str, *, options: int) -> dict[str, Any]:
        return self._admin.add_field_xml(title, schema_xml, options=options)

    def update_field(self, title: str, internal_name: str, changes: Mapping[str, Any]) -> None:
        self._admin.update_field(title, internal_name, changes)

    # --- webhook subscriptions ------------------------------------------------------------------

    def list_subscriptions(self, list_id: str) -> list[dict[str, Any]]:
        return self._admin.list_subscriptions(list_id)

    def add_subscription(
        self, list_id: str, *, notification_url: str, expiration: datetime, client_state: str
    ) -> dict[str, Any]:
        return self._admin.add_subscription(
            list_id, notification_url=notification_url, expiration=expiration, client_state=client_state
        )

    def update_subscription(
        self, list_id: str, subscription_id: str, *, expiration: datetime, client_state: str,
        notification_url: str | None = None,
    ) -> None:
        self._admin.update_subscription(
            list_id, subscription_id, expiration=expiration, client_state=client_state, notification_url=notification_url
        )

    def delete_subscription(self, list_id: str, subscription_id: str) -> None:
        self._admin.delete_subscription(list_id, subscription_id)

    # --- users ----------------------------------------------------------------------------------

    def ensure_user(self, login: str) -> dict[str, Any]:
        return self._admin.ensure_user(login)

    def site_user_ids(self) -> set[int]:
        return self._admin.site_user_ids()

    def site_users(self) -> list[SiteUser]:
        return self._admin.site_users()

    def remove_site_user(self, user_id: int) -> None:
        self._admin.remove_site_user(user_id)

    # --- files ----------------------------------------------------------------------------------

    def upload_file(self, library: str, name: str, content: bytes) -> dict[str, Any]:
        return self._files.upload_file(library, name, content)

    def file_item(self, server_relative_url: str) -> dict[str, Any]:
        return self._files.file_item(server_relative_url)

    def set_file_fields(self, server_relative_url: str, entity_type: str, fields: dict[str, Any]) -> None:
        self._files.set_file_fields(server_relative_url, entity_type, fields)

    def download_file(self, server_relative_url: str) -> bytes:
        return self._files.download_file(server_relative_url)
