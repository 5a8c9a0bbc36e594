"""The emulated site: users, lists, fields, items, change log. Knows nothing about HTTP.

All mutations go through here so the change log, etag/version, Modified/Editor and webhook triggers are
identical whether the write came over REST or from a test helper ("a department editing in the browser").
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from . import errors
from .errors import SPError, bad_request
from .fidelity import Fidelity
from .fields import builtin_fields, library_fields, list_entity_name
from .folders import item_paths
from .items import coerce_payload
from .store import Store

__all__ = ["Site", "ticks", "iso", "item_etag", "full_etag"]

APP_USER_ID = 1073741822  # SharePoint's app principal ("SharePoint App") has this well-known id
APP_LOGIN = "i:0i.t|ms.sp.ext|app@emulator"  # the login the change log shows for app-only edits here
_EPOCH = datetime(1, 1, 1, tzinfo=UTC)
ADD, UPDATE, DELETE, RESTORE = 1, 2, 3, 7  # SP.ChangeType values


def ticks(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def item_etag(item: dict[str, Any]) -> str:
    """The form item reads show in ``__metadata.etag``."""
    return f'"{item["_version"]}"'


def full_etag(item: dict[str, Any]) -> str:
    """The form update responses and 412 bodies carry (pnpjs #2569, sp-dev-fx-controls-react #1509)."""
    return f'"{item["GUID"].lower()},{item["_version"]}"'


class Site:
    def __init__(
        self, store: Store, name: str, clock: Callable[[], datetime] | None = None, fidelity: Fidelity | None = None
    ) -> None:
        self.store = store
        self.name = name
        self.clock = clock or (lambda: datetime.now(UTC))
        self.fidelity = fidelity or Fidelity()
        self.on_change: Callable[[str], None] = lambda list_id: None
        self.list_view_threshold = 5000
        if APP_USER_ID not in store.users:
            self.add_user(APP_LOGIN, "SharePoint App", "", user_id=APP_USER_ID)

    @property
    def server_relative_url(self) -> str:
        return f"/sites/{self.name}"

    # -- users ---------------------------------------------------------------------------------------
    def add_user(self, login: str, title: str, email: str, *, user_id: int | None = None) -> dict[str, Any]:
        with self.store.lock:
            for user in self.store.users.values():
                if user["LoginName"].lower() == login.lower():
                    user = dict(user, Title=title, Email=email, Departed=False, AccountEnabled=True, Removed=False)
                    self.store.put_user(user)
                    return user
            if user_id is None:
                user_id = max([u for u in self.store.users if u != APP_USER_ID] + [6]) + 1
            user = {
                "Id": user_id,
                "Title": title,
                "Email": email,
                "LoginName": login,
                "UserPrincipalName": email or None,
                "IsSiteAdmin": False,
                "PrincipalType": 1,
                "Departed": False,  # the Entra ID account is gone; the user stays in the User Information List
                "AccountEnabled": True,
                "AadObjectId": str(uuid.uuid5(uuid.NAMESPACE_URL, login.lower())),
            }
            self.store.put_user(user)
            return user

    def depart_user(self, user_id: int) -> None:
        """The person left: their account is deleted, but SharePoint keeps them in ``siteusers``."""
        user = self.get_user(user_id)
        self.store.put_user(dict(user, Departed=True))

    def remove_user(self, user_id: int) -> None:
        """``siteusers/removebyid``: an administrator takes the user off the site; the account lives on."""
        try:
            user = self.get_user(user_id)
        except SPError:
            if self.fidelity.remove_missing_user == "ignore":
                return
            raise
        self.store.put_user(dict(user, Removed=True))

    def get_user(self, user_id: int) -> dict[str, Any]:
        user = self.store.users.get(int(user_id))
        if user is None or user.get("Removed"):
            raise SPError(404, "-2146232832, Microsoft.SharePoint.SPException", "User cannot be found.")
        return user

    def ensure_user(self, logon: str) -> dict[str, Any]:
        """Resolve `i:0#.f|membership|x@y` or an e-mail; unknown e-mails are "found in the directory"."""
        email = logon.split("|")[-1].strip()
        with self.store.lock:
            for user in self.store.users.values():
                if email.lower() in (user["LoginName"].split("|")[-1].lower(), (user.get("Email") or "").lower()):
                    if user.get("Departed"):
                        break
                    if user.get("Removed"):  # back on the site, with the same id
                        user = dict(user, Removed=False)
                        self.store.put_user(user)
                    return user
            else:
                if re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
                    return self.add_user(f"i:0#.f|membership|{email.lower()}", email.split("@")[0], email)
        raise SPError(
            400,
            "-2146232832, Microsoft.SharePoint.SPException",
            f"The specified user {logon} could not be found.",
        )

    # -- lists ---------------------------------------------------------------------------------------
    def create_list(self, title: str, base_template: int = 100, description: str = "") -> dict[str, Any]:
        with self.store.lock:
            if not title or not title.strip():
                raise bad_request("The list title cannot be empty.", "-2147024809, System.ArgumentException")
            if any(lst["Title"].lower() == title.lower() for lst in self.store.lists.values()):
                raise SPError(
                    500,
                    "-2130575342, Microsoft.SharePoint.SPException",
                    "A list, survey, discussion board, or document library with the specified title "
                    "already exists in this Web site.  Please choose another title.",
                )
            is_library = int(base_template) == 101
            leaf = re.sub(r'[#%&*:<>?/\\{|}~"]', "", title).strip() or "List"  # what a URL segment cannot hold
            entity_name = list_entity_name(leaf, is_library, self.fidelity.entity_name_specials)
            url_name = leaf if is_library else "Lists/" + leaf
            now = self.clock()
            lst: dict[str, Any] = {
                "Id": str(uuid.uuid4()),
                "Title": title,
                "Description": description or "",
                "BaseTemplate": int(base_template),
                "BaseType": 1 if is_library else 0,
                "EntityTypeName": entity_name,
                "ListItemEntityTypeFullName": f"SP.Data.{entity_name}Item",
                "Created": iso(now),
                "RootFolderUrl": f"{self.server_relative_url}/{url_name}",
                "NextItemId": 1,
                "Hidden": False,
                "EnableVersioning": is_library,
            }
            self.store.put_list(lst)
            for field in builtin_fields() + (library_fields() if is_library else []):
                self.store.put_field(lst["Id"], field)
            return lst

    def find_list(self, *, title: str | None = None, list_id: str | None = None) -> dict[str, Any]:
        with self.store.lock:
            if list_id is not None:
                lst = self.store.lists.get(list_id.strip("{}").lower())
                if lst is None:
                    raise errors.not_found(
                        "List does not exist.\n\nThe page you selected contains a list that "
                        "does not exist.  It may have been deleted by another user."
                    )
                return lst
            for lst in self.store.lists.values():
                if lst["Title"].lower() == (title or "").lower():
                    return lst
            raise errors.list_not_found(title or "")

    def list_by_root_url(self, url: str) -> dict[str, Any] | None:
        url = url.rstrip("/").lower()
        for lst in self.store.lists.values():
            root = lst["RootFolderUrl"].lower()
            if url == root or url.startswith(root + "/"):
                return lst
        return None

    def update_list(self, list_id: str, changes: dict[str, Any]) -> None:
        # A new Title changes neither the URL nor the entity type name: both come from the URL name.
        with self.store.lock:
            lst = dict(self.store.lists[list_id])
            for key in ("Title", "Description", "EnableVersioning", "Hidden"):
                if key in changes:
                    lst[key] = changes[key]
            self.store.put_list(lst)

    def delete_list(self, list_id: str) -> None:
        with self.store.lock:
            self.store.delete_list(list_id)

    # -- fields --------------------------------------------------------------------------------------
    def fields(self, list_id: str) -> dict[str, dict[str, Any]]:
        return self.store.fields[list_id]

    def add_field(self, list_id: str, field: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            existing = self.store.fields[list_id]
            if field["InternalName"] in existing or any(
                f["Title"].lower() == field["Title"].lower() for f in existing.values()
            ):
                raise SPError(
                    500,
                    "-2130575342, Microsoft.SharePoint.SPException",
                    f'A duplicate field name "{field["InternalName"]}" was found.',
                )
            self.store.put_field(list_id, field)
            return field

    def find_field(self, list_id: str, name_or_title: str) -> dict[str, Any]:
        key = name_or_title.strip("{}").lower()
        for field in self.store.fields[list_id].values():
            if key in (field["InternalName"].lower(), field["Title"].lower(), field["Id"].lower()):
                return field
        raise SPError(
            400,
            "-2147024809, System.ArgumentException",
            f"Column '{name_or_title}' does not exist. It may have been deleted by another user.",
        )

    def delete_field(self, list_id: str, name: str) -> None:
        field = self.find_field(list_id, name)
        if not field.get("CanBeDeleted", True):
            raise SPError(  # Field.DeleteObject: error code -2130575215 for base-type fields (text unverified)
                400,
                "-2130575215, Microsoft.SharePoint.SPException",
                f"The field '{field['Title']}' cannot be deleted.",
            )
        self.store.delete_field(list_id, field["InternalName"])

    def update_field(self, list_id: str, name: str, changes: dict[str, Any]) -> None:
        # New Choices change the column only: stored item values keep their old text.
        with self.store.lock:
            field = dict(self.find_field(list_id, name))
            for key in ("Title", "Indexed", "Required", "Hidden", "Description", "Choices", "CustomFormatter"):
                if key in changes:
                    value = changes[key]
                    if key == "Choices" and isinstance(value, dict):
                        value = value.get("results", [])
                    field[key] = value
            self.store.put_field(list_id, field)

    # -- items ---------------------------------------------------------------------------------------
    def log(self, list_id: str, item_id: int, change_type: int, now: datetime, editor_id: int | None = None) -> None:
        # The editor is recorded for every change; getChanges decides what it shows (null for updates).
        user = self.store.users.get(editor_id) if editor_id is not None else None
        login = user["LoginName"] if user else None
        self.store.add_change(list_id, item_id, change_type, iso(now), ticks(now), login)
        self.on_change(list_id)

    def check_etag(self, item: dict[str, Any], if_match: str | None) -> None:
        """IF-MATCH is compared as an opaque string: either form SharePoint hands out names this version."""
        if if_match is None or if_match.strip() == "*":
            return
        sent = if_match.strip()
        wanted = sent[2:] if sent.startswith("W/") else sent
        forms = (item_etag(item), full_etag(item)) if self.fidelity.if_match_long_form else (item_etag(item),)
        current = {etag.strip('"').lower() for etag in forms}
        if wanted.strip('"').replace("{", "").replace("}", "").lower() not in current:
            raise errors.version_conflict(sent, full_etag(item))

    def get_item(self, list_id: str, item_id: int) -> dict[str, Any]:
        item = self.store.items[list_id].get(int(item_id))
        if item is None:
            raise errors.not_found()
        return item

    def create_item(
        self, list_id: str, payload: dict[str, Any], editor_id: int, *, extra: dict[str, Any] | None = None,
        folder: str | None = None, leaf: str | None = None,
    ) -> dict[str, Any]:
        """A new item (in ``folder``, the list's root by default), or a folder named ``leaf``."""
        with self.store.lock:
            lst = self.store.lists[list_id]
            values = coerce_payload(self, lst, payload)
            now = self.clock()
            item_id = lst["NextItemId"]
            self.store.put_list(dict(lst, NextItemId=item_id + 1))
            item: dict[str, Any] = {f: None for f, d in self.fields(list_id).items() if not d["ReadOnlyField"]}
            item.update(values)
            item.update(
                {
                    "ID": item_id,
                    "_version": 1,
                    "Created": iso(now),
                    "Modified": iso(now),
                    "Author": editor_id,
                    "Editor": editor_id,
                    "GUID": str(uuid.uuid4()),
                    "Attachments": False,
                }
            )
            in_folder = folder is not None and folder.lower() != lst["RootFolderUrl"].lower()
            if lst["BaseType"] == 0 and (in_folder or leaf is not None):
                # Items in a folder, and folders, store their paths; an item at the root stores none, as before
                # folders existed (``folders.path_value`` answers for it). Library files get theirs from ``extra``.
                item.update(item_paths(lst, folder or lst["RootFolderUrl"], item_id, leaf))
            item.update(extra or {})
            # Required columns are not enforced for REST/CSOM writes, only by forms (PnP-JS-Core #376).
            self.store.put_item(list_id, item)
            self.log(list_id, item_id, ADD, now, editor_id)
            return item

    def update_item(
        self,
        list_id: str,
        item_id: int,
        payload: dict[str, Any],
        editor_id: int,
        if_match: str | None = None,
        *,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        with self.store.lock:
            item = dict(self.get_item(list_id, item_id))
            self.check_etag(item, if_match)
            values = coerce_payload(self, self.store.lists[list_id], payload)
            now = self.clock()
            item.update(values)
            item.update(extra or {})
            item.update({"_version": item["_version"] + 1, "Modified": iso(now), "Editor": editor_id})
            self.store.put_item(list_id, item)
            self.log(list_id, item_id, UPDATE, now, editor_id)
            return item

    def delete_item(
        self, list_id: str, item_id: int, if_match: str | None = None, editor_id: int | None = None
    ) -> None:
        """Delete for good (REST ``DELETE``/``DeleteObject``); ``recyclebin.recycle`` keeps it restorable."""
        with self.store.lock:
            item = self.get_item(list_id, item_id)
            self.check_etag(item, if_match)
            self.store.delete_item(list_id, item_id)
            self.store.delete_file(list_id, item_id)
            self.log(list_id, item_id, DELETE, self.clock(), editor_id)

    # -- change tokens -------------------------------------------------------------------------------
    def current_change_token(self, list_id: str) -> str:
        with self.store.lock:
            last = self.store.last_change(list_id)
            number = max(last[0] if last else 0, self.store.max_change_no())
            return f"1;3;{list_id};{ticks(self.clock())};{number}"

    def parse_change_token(self, list_id: str, token: str) -> int:
        parts = token.split(";")
        if len(parts) != 5 or not parts[4].lstrip("-").isdigit():
            raise bad_request("Invalid change token.", "-2147024809, System.ArgumentException")
        if parts[2].strip("{}").lower() != list_id:
            raise bad_request(
                "The change token does not refer to this object.", "-2147024809, System.ArgumentException"
            )
        return int(parts[4])

    def token_expired(self, token: str) -> bool:
        """Older than the change log (retention by the clock, or trimmed): SharePoint then returns nothing."""
        parts = token.split(";")
        number = int(parts[4])
        if number < int(self.store.meta.get("change_floor", "0")) - 1:
            return True
        try:
            issued = int(parts[3])
        except ValueError:
            return False
        return issued < ticks(self.clock() - self.fidelity.change_log_retention)

    def expire_change_log(self, before: int | datetime) -> None:
        """Drop change-log entries (all lists) older than a change number or a moment; tokens from before then
        return no changes (and no error), like tokens older than the retention."""
        with self.store.lock:
            if isinstance(before, datetime):
                row = self.store.db.execute(
                    "SELECT MAX(change_no) FROM changes WHERE ticks < ?", (ticks(before),)
                ).fetchone()
                cutoff = (row[0] or 0) + 1
            else:
                cutoff = int(before)
            self.store.delete_changes_before(cutoff)
            self.store.set_meta("change_floor", str(max(cutoff, int(self.store.meta.get("change_floor", "0")))))
