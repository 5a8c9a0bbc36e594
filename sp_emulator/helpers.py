"""Test helpers on ``EmulatorServer``: what people do in the browser and in Entra ID, without the protocol.

Each changes the site exactly as the same action by a person would (change log, ETag, webhooks), so the
product sees it only through SharePoint's and Graph's real protocol.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .recyclebin import purge, recycle, restore

if TYPE_CHECKING:
    from .graph import Graph
    from .site import Site
    from .store import Store

__all__ = ["HelpersMixin"]


class HelpersMixin:
    site: Site
    store: Store
    graph: Graph
    token_users: dict[str, int]

    # -- people ---------------------------------------------------------------------------------------
    def add_user(self, email: str, title: str | None = None) -> dict[str, Any]:
        """A person (with an enabled Entra ID account) added to the site's users."""
        return self.site.add_user(f"i:0#.f|membership|{email.lower()}", title or email.split("@")[0], email)

    def token_for(self, email: str, title: str | None = None) -> str:
        """A bearer token acting as this department user over REST: items written with it name them."""
        user = self.add_user(email, title)
        token = f"user-{secrets.token_hex(8)}"
        self.token_users[token] = int(user["Id"])
        return token

    def depart_user(self, user_id: int) -> None:
        """The person left: their account is deleted (Graph 404), they stay in ``siteusers``."""
        self.site.depart_user(user_id)

    def delete_account(self, email: str) -> None:
        """``depart_user`` by e-mail: the Entra ID account is deleted."""
        self.site.depart_user(int(self._user_by_email(email)["Id"]))

    def disable_account(self, email: str) -> None:
        """Sign-in blocked: Graph shows ``accountEnabled: false``; SharePoint notices nothing."""
        user = self._user_by_email(email)
        self.store.put_user(dict(user, AccountEnabled=False))

    def sent_mail(self) -> list[dict[str, Any]]:
        """Messages sent through Graph ``sendMail``, oldest first (``from``, ``message``, ``sent``)."""
        return list(self.graph.sent)

    def _user_by_email(self, email: str) -> dict[str, Any]:
        for user in self.store.users.values():
            if str(user.get("Email") or "").lower() == email.lower():
                return user
        raise KeyError(email)

    def _department_user(self) -> int:
        """Edits made "in the browser" default to a department user, never to the app principal."""
        return int(self.add_user("forvaltning@kk.dk", "Forvaltningsbruger")["Id"])

    # -- lists and items, as in the browser ------------------------------------------------------------
    def create_list(self, title: str, base_template: int = 100, description: str = "") -> dict[str, Any]:
        """A list (100) or document library (101) created by a site owner."""
        return self.site.create_list(title, base_template, description)

    def add_item(self, list_title: str, fields: dict[str, Any], *, editor: int | None = None) -> dict[str, Any]:
        """A new item saved in the browser (required columns are not checked: forms are not modelled)."""
        lst = self.site.find_list(title=list_title)
        return self.site.create_item(lst["Id"], fields, editor or self._department_user())

    def edit_item(
        self, list_title: str, item_id: int, fields: dict[str, Any], *, editor: int | None = None
    ) -> dict[str, Any]:
        """A browser edit: bumps etag/version, sets Modified/Editor, logs a change, fires webhooks."""
        lst = self.site.find_list(title=list_title)
        return self.site.update_item(lst["Id"], item_id, fields, editor or self._department_user())

    def delete_item(self, list_title: str, item_id: int, *, editor: int | None = None) -> str:
        """A browser delete: the item goes to the recycle bin (change type 3); returns its recycle bin id."""
        lst = self.site.find_list(title=list_title)
        return recycle(self.site, lst["Id"], item_id, editor or self._department_user())

    def restore_item(self, list_title: str, item_id: int, *, editor: int | None = None) -> dict[str, Any]:
        """Restore from the recycle bin (change type 7): the item returns with its id and fields."""
        lid = self.site.find_list(title=list_title)["Id"]
        entry = next(e for e in self.store.recycle_bin.values() if e["ListId"] == lid and e["ItemId"] == item_id)
        return restore(self.site, entry["Id"], editor or self._department_user())

    def recycle_bin(self) -> list[dict[str, Any]]:
        """What the site's recycle bin holds (each entry with the recycled item under ``item``)."""
        return [dict(e) for e in self.store.recycle_bin.values()]

    def purge_recycle_bin(self) -> int:
        """Empty the recycle bin for good (as its retention or an administrator would); returns the count."""
        return purge(self.site)

    def get_item(self, list_title: str, item_id: int) -> dict[str, Any]:
        """The stored item (internal names, ``_version``), or SPError 404."""
        return dict(self.site.get_item(self.site.find_list(title=list_title)["Id"], item_id))

    def items(self, list_title: str) -> list[dict[str, Any]]:
        """Every stored item of a list."""
        return [dict(i) for i in self.store.items[self.site.find_list(title=list_title)["Id"]].values()]

    def set_indexed(self, list_title: str, field: str, indexed: bool = True) -> None:
        """Index a column (so filters on it survive the list view threshold)."""
        self.site.update_field(self.site.find_list(title=list_title)["Id"], field, {"Indexed": indexed})

    def expire_change_log(self, before: int | datetime) -> None:
        """Trim the change log before a change number or moment; older tokens then return nothing."""
        self.site.expire_change_log(before)
