"""Site groups, role definitions, role assignments with inheritance, and enforcement on item writes.

Securable objects are the web (not modelled: every user the emulator knows may edit there, as members of
the site's Members group would), lists, and list items (folders are items with ``FSObjType`` 1). An object
inherits its parent's role assignments until ``breakroleinheritance`` gives it its own (a *unique scope*):
item → its folder (and that folder's folders) → the list → the web. A write by a person is allowed when a
role with edit rights is assigned, at the nearest unique scope, to them or to a group they belong to; site
collection administrators and the app-only identity (``Sites.Selected`` full control, which is granted to
the app for the whole site, not through item permissions) are never refused. Reads are not security-trimmed
here (FIDELITY.md says so): this design gives every administration read rights anyway.

When nothing has unique permissions, nothing is refused: the emulator behaves as before this module.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import errors
from .errors import SPError
from .folders import folder_of
from .wire import Handler, Req, Resp, ok, select_props

if TYPE_CHECKING:
    from .server import EmulatorServer
    from .urlpath import Segment

__all__ = ["ROLE_DEFINITIONS", "Permissions", "access_denied"]

# SharePoint's built-in permission levels: ids and RoleTypeKind are the well-known values of every site.
ROLE_DEFINITIONS: tuple[dict[str, Any], ...] = (
    {"Id": 1073741829, "Name": "Full Control", "RoleTypeKind": 5, "Order": 1, "Hidden": False},
    {"Id": 1073741828, "Name": "Design", "RoleTypeKind": 4, "Order": 32, "Hidden": False},
    {"Id": 1073741830, "Name": "Edit", "RoleTypeKind": 6, "Order": 48, "Hidden": False},
    {"Id": 1073741827, "Name": "Contribute", "RoleTypeKind": 3, "Order": 64, "Hidden": False},
    {"Id": 1073741826, "Name": "Read", "RoleTypeKind": 2, "Order": 128, "Hidden": False},
    {"Id": 1073741825, "Name": "Limited Access", "RoleTypeKind": 1, "Order": 160, "Hidden": True},
)
_WRITE_ROLES = {1073741829, 1073741828, 1073741830, 1073741827}  # hold EditListItems / AddListItems
_FULL_CONTROL = 1073741829
GROUP_ID_BASE = 100_000
"""Group ids come from their own range here, so they never meet a user id (SharePoint shares one sequence)."""

_SCHEMA = "CREATE TABLE IF NOT EXISTS permissions (key TEXT PRIMARY KEY, data TEXT NOT NULL)"


def access_denied() -> SPError:
    """403 on a write without edit rights (pnp/pnpjs #2571: an item create/update refused this way)."""
    return SPError(
        403,
        "-2147024891, System.UnauthorizedAccessException",
        "Access is denied. (Exception from HRESULT: 0x80070005 (E_ACCESSDENIED))",
    )


def _group_missing() -> SPError:
    return SPError(404, "-2146232832, Microsoft.SharePoint.SPException", "Group cannot be found.")


def list_scope(lid: str) -> str:
    return f"list:{lid}"


def item_scope(lid: str, item_id: int) -> str:
    return f"item:{lid}:{int(item_id)}"


class Permissions:
    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.site = server.site
        self.store = server.store
        with self.store.lock:
            self.store.db.execute(_SCHEMA)
            rows = dict(self.store.db.execute("SELECT key, data FROM permissions"))
        self.groups: dict[int, dict[str, Any]] = {
            int(k[6:]): json.loads(v) for k, v in rows.items() if k.startswith("group:")
        }
        self.scopes: dict[str, list[dict[str, Any]]] = {
            k: json.loads(v) for k, v in rows.items() if k.startswith(("list:", "item:"))
        }

    # -- persistence ---------------------------------------------------------------------------------
    def _save(self, key: str, value: Any) -> None:
        self.store.db.execute("INSERT OR REPLACE INTO permissions (key, data) VALUES (?, ?)", (key, json.dumps(value)))

    def _drop(self, key: str) -> None:
        self.store.db.execute("DELETE FROM permissions WHERE key = ?", (key,))

    # -- groups --------------------------------------------------------------------------------------
    def create_group(self, title: str, description: str = "") -> dict[str, Any]:
        with self.store.lock:
            if not title.strip():
                raise errors.bad_request("The group name cannot be empty.", "-2147024809, System.ArgumentException")
            if any(g["Title"].lower() == title.lower() for g in self.groups.values()):
                raise SPError(400, "-2130575293, Microsoft.SharePoint.SPException",
                              "The specified name is already in use.")
            group_id = max(self.groups, default=GROUP_ID_BASE) + 1
            group = {"Id": group_id, "Title": title, "Description": description, "Users": []}
            self.groups[group_id] = group
            self._save(f"group:{group_id}", group)
            return group

    def group(self, *, name: str | None = None, group_id: int | None = None) -> dict[str, Any]:
        for group in self.groups.values():
            if (group_id is not None and group["Id"] == int(group_id)) or (
                name is not None and group["Title"].lower() == name.lower()
            ):
                return group
        raise _group_missing()

    def add_member(self, group_id: int, user_id: int) -> None:
        with self.store.lock:
            group = self.group(group_id=group_id)
            if user_id not in group["Users"]:
                group["Users"].append(int(user_id))
                self._save(f"group:{group['Id']}", group)

    def remove_member(self, group_id: int, user_id: int) -> None:
        with self.store.lock:
            group = self.group(group_id=group_id)
            if user_id in group["Users"]:
                group["Users"].remove(int(user_id))
                self._save(f"group:{group['Id']}", group)

    # -- scopes --------------------------------------------------------------------------------------
    def _parent_scope(self, key: str) -> str | None:
        """The nearest unique scope above ``key`` (None: the web)."""
        if key.startswith("list:"):
            return None
        _, lid, raw_id = key.split(":")
        lst = self.store.lists[lid]
        item = self.store.items[lid].get(int(raw_id))
        folder = folder_of(self.site, lst, item) if item is not None else None
        while folder is not None:
            folder_key = item_scope(lid, folder["ID"])
            if folder_key in self.scopes:
                return folder_key
            folder = folder_of(self.site, lst, folder)
        return list_scope(lid) if list_scope(lid) in self.scopes else None

    def effective(self, key: str) -> str | None:
        """The unique scope whose role assignments apply to ``key`` (itself, or inherited), or None."""
        return key if key in self.scopes else self._parent_scope(key)

    def break_inheritance(self, key: str, *, copy: bool, clear_subscopes: bool, caller: int) -> None:
        """``BreakRoleInheritance``: a unique scope already unique is left alone (MS-CSOMSPT, as the
        office365 library's docstring quotes it); without ``copy`` the caller is its one assignment."""
        with self.store.lock:
            if key in self.scopes:
                return
            parent = self._parent_scope(key)
            assignments = [dict(a, Roles=list(a["Roles"])) for a in self.scopes.get(parent or "", [])] if copy else []
            if not copy:
                assignments = [{"PrincipalId": caller, "Roles": [_FULL_CONTROL]}]
            self.scopes[key] = assignments
            self._save(key, assignments)
            if clear_subscopes:
                for sub in [k for k in self.scopes if k != key and self._below(k, key)]:
                    self.reset_inheritance(sub)

    def _below(self, key: str, ancestor: str) -> bool:
        if not key.startswith("item:"):
            return False
        lid = key.split(":")[1]
        if ancestor == list_scope(lid):
            return True
        if not ancestor.startswith(f"item:{lid}:"):
            return False
        folder = self.store.items[lid].get(int(ancestor.split(":")[2]))
        item = self.store.items[lid].get(int(key.split(":")[2]))
        if folder is None or item is None or folder.get("FSObjType") != 1:
            return False
        return str(item.get("FileRef", "")).lower().startswith(str(folder["FileRef"]).lower() + "/")

    def reset_inheritance(self, key: str) -> None:
        with self.store.lock:
            if self.scopes.pop(key, None) is not None:
                self._drop(key)

    def add_assignment(self, key: str, principal_id: int, role_id: int) -> None:
        with self.store.lock:
            if key not in self.scopes:
                raise SPError(400, "-2146232832, Microsoft.SharePoint.SPException",
                              "This operation is not allowed on an object that inherits permissions.")
            self._principal(principal_id)
            self._role(role_id)
            entry = next((a for a in self.scopes[key] if a["PrincipalId"] == principal_id), None)
            if entry is None:
                self.scopes[key].append({"PrincipalId": principal_id, "Roles": [role_id]})
            elif role_id not in entry["Roles"]:
                entry["Roles"].append(role_id)
            self._save(key, self.scopes[key])

    def remove_assignment(self, key: str, principal_id: int, role_id: int) -> None:
        with self.store.lock:
            assignments = self.scopes.get(key, [])
            for entry in assignments:
                if entry["PrincipalId"] == principal_id and role_id in entry["Roles"]:
                    entry["Roles"].remove(role_id)
            self.scopes[key] = [a for a in assignments if a["Roles"]]
            if key in self.scopes:
                self._save(key, self.scopes[key])

    def unique_scopes(self, lid: str | None = None) -> int:
        """Unique permission scopes of one list (the list itself counts when unique), or of the site."""
        if lid is None:
            return len(self.scopes)
        return sum(1 for k in self.scopes if k == list_scope(lid) or k.startswith(f"item:{lid}:"))

    # -- enforcement ---------------------------------------------------------------------------------
    def may_write(self, user_id: int, key: str) -> bool:
        user = self.store.users.get(int(user_id)) or {}
        if user.get("IsSiteAdmin"):
            return True
        scope = self.effective(key)
        if scope is None:
            return True  # nothing unique up to the web: the web is not modelled, everyone may edit
        principals = {int(user_id)} | {g["Id"] for g in self.groups.values() if int(user_id) in g["Users"]}
        return any(set(a["Roles"]) & _WRITE_ROLES for a in self.scopes[scope] if a["PrincipalId"] in principals)

    def check_write(self, req: Req, key: str) -> None:
        """Refuse (403) a person's write where they have no edit rights; the app is never refused."""
        if not self.scopes or self.server._app_traffic(req):
            return
        if not self.may_write(self.server.editor_for(req), key):
            raise access_denied()

    def check_manage(self, req: Req) -> None:
        """Changing permissions: the app (full control) or a site collection administrator only."""
        if self.server._app_traffic(req):
            return
        user = self.store.users.get(self.server.editor_for(req)) or {}
        if not user.get("IsSiteAdmin"):
            raise SPError(403, "-2147024891, System.UnauthorizedAccessException",
                          "Access denied. You do not have permission to perform this action or access this resource.")

    # -- entities ------------------------------------------------------------------------------------
    def _principal(self, principal_id: int) -> dict[str, Any]:
        if int(principal_id) in self.groups:
            return self.group_entity(self.groups[int(principal_id)])
        user = self.store.users.get(int(principal_id))
        if user is None:
            raise SPError(404, "-2146232832, Microsoft.SharePoint.SPException", "User cannot be found.")
        return self.server.api.user_entity(user)

    def _role(self, role_id: int) -> dict[str, Any]:
        for role in ROLE_DEFINITIONS:
            if role["Id"] == int(role_id):
                return self.role_entity(role)
        raise SPError(404, "-2146232832, Microsoft.SharePoint.SPException", "Cannot find the role definition.")

    def group_entity(self, group: dict[str, Any]) -> dict[str, Any]:
        uri = f"{self.server.url}/_api/Web/SiteGroups/GetById({group['Id']})"
        return {
            "__metadata": {"id": uri, "uri": uri, "type": "SP.Group"},
            "Users": {"__deferred": {"uri": f"{uri}/Users"}},
            "Id": group["Id"], "Title": group["Title"], "LoginName": group["Title"],
            "Description": group.get("Description", ""), "PrincipalType": 8, "IsHiddenInUI": False,
            "OwnerTitle": "System Account", "AllowMembersEditMembership": False,
            "OnlyAllowMembersViewMembership": True,
        }

    def role_entity(self, role: dict[str, Any]) -> dict[str, Any]:
        uri = f"{self.server.url}/_api/Web/RoleDefinitions({role['Id']})"
        return {"__metadata": {"id": uri, "uri": uri, "type": "SP.RoleDefinition"}, "Description": "", **role}

    def _assignment_entity(self, key: str, assignment: dict[str, Any], expand: set[str]) -> dict[str, Any]:
        uri = f"{self.server.url}/_api/RoleAssignments({assignment['PrincipalId']})"
        out: dict[str, Any] = {"__metadata": {"id": uri, "uri": uri, "type": "SP.RoleAssignment"},
                               "PrincipalId": assignment["PrincipalId"]}
        out["Member"] = (self._principal(assignment["PrincipalId"]) if "member" in expand
                         else {"__deferred": {"uri": f"{uri}/Member"}})
        out["RoleDefinitionBindings"] = (
            {"results": [self._role(r) for r in assignment["Roles"]]} if "roledefinitionbindings" in expand
            else {"__deferred": {"uri": f"{uri}/RoleDefinitionBindings"}}
        )
        return out

    # -- REST ----------------------------------------------------------------------------------------
    def route_web(self, seg: Segment, rest: list[Segment], req: Req) -> tuple[str, Handler]:
        """``web/sitegroups…`` and ``web/roledefinitions…``."""
        if seg.name == "roledefinitions":
            return "permissions", self._roles(seg, rest)
        return "permissions", self._groups(seg, rest, req)

    def _roles(self, seg: Segment, rest: list[Segment]) -> Handler:
        op = rest[0] if rest else None
        if seg.has_parens or (op and op.name in ("getbyid", "getbyname", "getbytype")):
            arg = seg.arg if seg.has_parens else op.arg if op else None
            by = "getbyid" if seg.has_parens else op.name if op else ""
            for role in ROLE_DEFINITIONS:
                if (by == "getbyid" and role["Id"] == int(arg)) or (by == "getbytype" and role["RoleTypeKind"] == int(arg)) \
                        or (by == "getbyname" and role["Name"].lower() == str(arg).lower()):
                    entity = self.role_entity(role)
                    return lambda r: ok(select_props(entity, r.params))
            raise SPError(404, "-2146232832, Microsoft.SharePoint.SPException", "Cannot find the role definition.")
        return lambda r: ok({"results": [self.role_entity(role) for role in ROLE_DEFINITIONS]})

    def _groups(self, seg: Segment, rest: list[Segment], req: Req) -> Handler:
        group: dict[str, Any] | None = None
        if seg.has_parens:
            group, rest = self.group(group_id=int(seg.arg)), rest
        elif rest and rest[0].name in ("getbyid", "getbyname"):
            op = rest[0]
            group = self.group(group_id=int(op.arg)) if op.name == "getbyid" else self.group(name=str(op.arg))
            rest = rest[1:]
        if group is None:
            if req.method == "POST":

                def create(r: Req) -> Resp:
                    self.check_manage(r)
                    body = r.json()
                    return ok(self.group_entity(self.create_group(str(body.get("Title") or ""),
                                                                  str(body.get("Description") or ""))), 201)

                return create
            return lambda r: ok({"results": [select_props(self.group_entity(g), r.params) for g in self.groups.values()]})
        found = group
        if not rest:
            return lambda r: ok(select_props(self.group_entity(found), r.params))
        if rest[0].name == "users":
            return self._members(found, rest[1:], req)
        raise errors.not_supported(req.path)

    def _members(self, group: dict[str, Any], rest: list[Segment], req: Req) -> Handler:
        api = self.server.api
        if rest and rest[0].name == "removebyid":
            user_id = int(rest[0].arg)

            def remove(r: Req) -> Resp:
                self.check_manage(r)
                self.remove_member(group["Id"], user_id)
                return ok({})

            return remove
        if req.method == "POST":

            def add(r: Req) -> Resp:
                self.check_manage(r)
                user = self.site.ensure_user(str(r.json().get("LoginName") or ""))
                self.add_member(group["Id"], int(user["Id"]))
                return ok(api.user_entity(user), 201)

            return add
        return lambda r: ok({"results": [api.user_entity(self.store.users[u]) for u in group["Users"]
                                         if u in self.store.users]})

    def route_securable(self, key: str, seg: Segment, rest: list[Segment], req: Req) -> Handler | None:
        """The permission operations of a list or item (``key``), or None when ``seg`` is none of them."""
        name = seg.name
        if name == "breakroleinheritance":

            def brk(r: Req) -> Resp:
                self.check_manage(r)
                body = r.json()
                args = {**{k.lower(): v for k, v in body.items()}, **seg.kwargs}
                copy = args.get("copyroleassignments", seg.args[0] if seg.args else True)
                clear = args.get("clearsubscopes", seg.args[1] if len(seg.args) > 1 else True)
                self.break_inheritance(key, copy=bool(copy), clear_subscopes=bool(clear),
                                       caller=self.server.editor_for(r))
                return ok({})

            return brk
        if name == "resetroleinheritance":
            return self._managed(lambda: self.reset_inheritance(key))
        if name == "hasuniqueroleassignments":
            return lambda r: ok({"HasUniqueRoleAssignments": key in self.scopes})
        if name == "roleassignments":
            if rest and rest[0].name in ("addroleassignment", "removeroleassignment"):
                op = rest[0]
                principal, role = int(op.kwargs.get("principalid", 0)), int(op.kwargs.get("roledefid", 0))
                act: Callable[[], None] = (
                    (lambda: self.add_assignment(key, principal, role)) if op.name == "addroleassignment"
                    else (lambda: self.remove_assignment(key, principal, role))
                )
                return self._managed(act)

            def listing(r: Req) -> Resp:
                expand = {e.strip().lower() for e in r.params.get("$expand", "").split(",") if e.strip()}
                scope = self.effective(key)
                return ok({"results": [self._assignment_entity(key, a, expand) for a in self.scopes.get(scope or "", [])]})

            return listing
        return None

    def _managed(self, action: Callable[[], None]) -> Handler:
        def run(r: Req) -> Resp:
            self.check_manage(r)
            action()
            return ok({})

        return run
