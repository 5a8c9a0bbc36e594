"""Permissions: site groups, permission levels, unique role assignments on lists and folders, folders.

REST surface (SharePoint's documented endpoints): ``web/sitegroups`` (create, ``getbyname``, ``users``),
``web/roledefinitions`` (the permission levels, found by ``RoleTypeKind``), on a list or an item:
``breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)``, ``roleassignments`` (read with
``$expand=Member,RoleDefinitionBindings``), ``roleassignments/addroleassignment(principalid=..,roledefid=..)``,
``hasuniqueroleassignments``. Folders of a list and items in a folder are created with
``AddValidateUpdateItemUsingPath`` (``listItemCreateInfo.FolderPath``; ``UnderlyingObjectType`` 1 makes a
folder): the office365 library's ``List.add_validate_update_item_using_path`` sends the same body.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from kksync.errors import NotFoundError, SharePointError
from kksync.sharepoint.http import SiteHttp, list_path, quote_literal, results

__all__ = ["FOLDER", "Entry", "RoleKind", "SitePermissions"]

FOLDER = 1
"""``FileSystemObjectType`` / ``FSObjType`` of a folder (0: an item)."""


class RoleKind(IntEnum):
    """``SP.RoleType``: the built-in permission levels, the same on every site (their ids are per site)."""

    READER = 2
    CONTRIBUTOR = 3
    ADMINISTRATOR = 5


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of a list as the permission step sees it: an item or a folder, and where it lives."""

    id: int
    folder: bool
    title: str
    directory: str
    values: Mapping[str, Any]


class SitePermissions:
    def __init__(self, http: SiteHttp) -> None:
        self._http = http

    # --- principals --------------------------------------------------------------------------

    def current_user_id(self) -> int:
        """The identity the product runs as (the app principal when app-only)."""
        return int(self._http.get_json("web/currentuser?$select=Id")["Id"])

    def current_user_title(self) -> str:
        """The name the product's own edits carry as ``Editor`` ("SharePoint App" when app-only)."""
        return str(self._http.get_json("web/currentuser?$select=Title").get("Title") or "")

    def site_groups(self) -> dict[str, int]:
        """Group title → id."""
        data = self._http.get_json("web/sitegroups?$select=Id,Title&$top=5000")
        return {str(row["Title"]): int(row["Id"]) for row in results(data)}

    def create_group(self, title: str, description: str) -> int:
        body = {"__metadata": {"type": "SP.Group"}, "Title": title, "Description": description}
        return int(self._http.post_json("web/sitegroups", body)["Id"])

    def group_member_ids(self, title: str) -> set[int]:
        data = self._http.get_json(f"web/sitegroups/getbyname('{quote_literal(title)}')/users?$select=Id")
        return {int(row["Id"]) for row in results(data)}

    def group_member_titles(self, title: str) -> set[str]:
        """The names of a group's members (as the items' ``Editor`` shows them); ``NotFoundError`` without it."""
        data = self._http.get_json(f"web/sitegroups/getbyname('{quote_literal(title)}')/users?$select=Title")
        return {str(row.get("Title") or "") for row in results(data)}

    def add_group_member(self, title: str, login: str) -> int:
        """Add a person (login or e-mail) to a group; returns their user id."""
        body = {"__metadata": {"type": "SP.User"}, "LoginName": login}
        return int(self._http.post_json(f"web/sitegroups/getbyname('{quote_literal(title)}')/users", body)["Id"])

    def role_ids(self) -> dict[int, int]:
        """``RoleTypeKind`` → the site's role definition id."""
        data = self._http.get_json("web/roledefinitions?$select=Id,RoleTypeKind")
        return {int(row["RoleTypeKind"]): int(row["Id"]) for row in results(data) if row.get("RoleTypeKind")}

    # --- securable objects: a list (item_id None) or one of its items or folders ---------------------

    @staticmethod
    def _object(list_title: str, item_id: int | None) -> str:
        return list_path(list_title) + (f"/items({int(item_id)})" if item_id is not None else "")

    def has_unique(self, list_title: str, item_id: int | None = None) -> bool:
        data = self._http.get_json(f"{self._object(list_title, item_id)}/hasuniqueroleassignments")
        return bool(data.get("HasUniqueRoleAssignments"))

    def break_inheritance(self, list_title: str, item_id: int | None = None) -> None:
        """Unique permissions holding only the caller (no copy from the parent), children reset to inherit."""
        path = f"{self._object(list_title, item_id)}/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)"
        self._http.request("POST", path)

    def role_assignments(self, list_title: str, item_id: int | None = None) -> dict[int, tuple[str, set[int]]]:
        """Principal id → (its title, role definition ids), as the object has them (its own or inherited)."""
        path = f"{self._object(list_title, item_id)}/roleassignments?$expand=Member,RoleDefinitionBindings"
        found: dict[int, tuple[str, set[int]]] = {}
        for row in results(self._http.get_json(path)):
            roles = row.get("RoleDefinitionBindings") or {}
            member = row.get("Member") or {}
            title = str(member.get("Title") or member.get("LoginName") or row["PrincipalId"])
            found[int(row["PrincipalId"])] = (title, {int(r["Id"]) for r in results(roles)})
        return found

    def add_role_assignment(self, list_title: str, item_id: int | None, principal_id: int, role_id: int) -> None:
        path = (f"{self._object(list_title, item_id)}/roleassignments/"
                f"addroleassignment(principalid={int(principal_id)},roledefid={int(role_id)})")
        self._http.request("POST", path)

    # --- folders and where items live --------------------------------------------------------

    def root_folder(self, list_title: str) -> str:
        """The list's server-relative URL, e.g. ``/sites/kk-it/Lists/Initiativer``."""
        data = self._http.get_json(f"{list_path(list_title)}/rootfolder?$select=ServerRelativeUrl")
        return str(data["ServerRelativeUrl"])

    def entries(self, list_title: str, columns: Sequence[str], *, page_size: int = 5000) -> Iterator[Entry]:
        """Every item and folder of a list with ``columns``, paged by id (no filter: safe on big lists)."""
        select = ",".join(["Id", "Title", "FileSystemObjectType", "FileDirRef", *columns])
        url: str | None = f"{list_path(list_title)}/items?$select={select}&$top={page_size}"
        seen: set[str] = set()
        while url:
            if url in seen:
                raise SharePointError(f"SharePoint sendte den samme side af «{list_title}» to gange; læsningen er stoppet.")
            seen.add(url)
            data = self._http.get_json(url)
            for row in results(data):
                yield Entry(int(row["Id"]), int(row.get("FileSystemObjectType") or 0) == FOLDER,
                            str(row.get("Title") or ""), str(row.get("FileDirRef") or ""),
                            {c: row.get(c) for c in columns})
            url = data.get("__next") if isinstance(data, dict) else None

    def add_using_path(self, list_title: str, folder_url: str, form_values: Mapping[str, str], *,
                       folder_name: str | None = None) -> int:
        """``AddValidateUpdateItemUsingPath``: an item in ``folder_url`` (or the folder ``folder_name`` in it)
        from text form values; returns the new id. A value SharePoint refused is an error, not a quiet gap."""
        info: dict[str, Any] = {"__metadata": {"type": "SP.ListItemCreationInformationUsingPath"},
                                "FolderPath": {"__metadata": {"type": "SP.ResourcePath"}, "DecodedUrl": folder_url}}
        if folder_name is not None:
            info.update(UnderlyingObjectType=FOLDER,
                        LeafName={"__metadata": {"type": "SP.ResourcePath"}, "DecodedUrl": folder_name})
        body = {
            "listItemCreateInfo": info,
            "formValues": [{"__metadata": {"type": "SP.ListItemFormUpdateValue"}, "FieldName": k, "FieldValue": v}
                           for k, v in form_values.items()],
            "bNewDocumentUpdate": False,
        }
        data = self._http.post_json(f"{list_path(list_title)}/AddValidateUpdateItemUsingPath", body)
        rows = results(data.get("AddValidateUpdateItemUsingPath", data))
        failed = [r for r in rows if r.get("HasException")]
        if failed:
            raise SharePointError(
                f"SharePoint afviste {', '.join(str(r.get('FieldName')) for r in failed)} i «{list_title}»: "
                f"{failed[0].get('ErrorMessage')}")
        ids = {int(r["ItemId"]) for r in rows if r.get("ItemId")}
        if len(ids) != 1:
            raise NotFoundError(f"SharePoint oplyste ikke id'et på det nye element i «{list_title}».")
        return ids.pop()
