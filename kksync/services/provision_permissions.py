"""Provisioning who may edit what: a folder per administration, with unique permissions, in each list.

Design (numbers in BENCHMARKS.md, "Tilladelser"): SharePoint Online supports 50,000 unique permission
scopes per list and recommends staying below 5,000 (learn.microsoft.com, "SharePoint limits", unique
security scopes per list or library). Scopes per item would cost one per initiative and per child item
(10,000 initiatives already meet the recommendation's double; their figures pass the 50,000). Instead each
secured list gets unique permissions once and one folder per administration gets its own: 1 + 7 scopes per
list, 40 on the site, however many items there are. The administration's group contributes in its folder,
every other administration's group reads it, the owners have full control and the cross-administration
groups (It-chefforum) contribute everywhere. Items inherit from their folder.

Idempotent: a second run changes nothing. What differs from the governance file and is not ours to undo
(another principal's rights, an item in the wrong administration's folder) is reported, not changed: an
initiative whose administration changed, or an item created outside the folders (a site from before the
folders), is listed, and until someone moves it gets its administration's rights itself: one scope per such
item, so the right department edits it at once ("scopes only where needed"; above ``ITEM_SCOPES_WARNING``
the report says so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from kksync.checks.governance import PermissionRules
from kksync.core.model import Administration
from kksync.core.schema import list_schema
from kksync.errors import ConfigError
from kksync.sharepoint.permissions import Entry, RoleKind
from kksync.texts.permissions import permission_text

__all__ = ["SECURED_LISTS", "PermissionAdmin", "PermissionReport", "folder_name", "owner_column", "provision_permissions"]

SECURED_LISTS = ("initiatives", "funding_lines", "figures", "milestones", "statuses")
"""The initiatives and their child lists: each child follows its initiative's administration."""
ITEM_SCOPES_WARNING = 1000
"""More items with their own permissions than this is reported: they are meant to be the exception."""
_ROLE_WORDS = {RoleKind.READER: "Læse", RoleKind.CONTRIBUTOR: "Bidrage", RoleKind.ADMINISTRATOR: "Fuld kontrol"}


class PermissionAdmin(Protocol):
    def current_user_id(self) -> int: ...
    def site_groups(self) -> dict[str, int]: ...
    def create_group(self, title: str, description: str) -> int: ...
    def role_ids(self) -> dict[int, int]: ...
    def has_unique(self, list_title: str, item_id: int | None = None) -> bool: ...
    def break_inheritance(self, list_title: str, item_id: int | None = None) -> None: ...
    def role_assignments(self, list_title: str, item_id: int | None = None) -> dict[int, tuple[str, set[int]]]: ...
    def add_role_assignment(self, list_title: str, item_id: int | None, principal_id: int, role_id: int) -> None: ...
    def root_folder(self, list_title: str) -> str: ...
    def entries(self, list_title: str, columns: Sequence[str], *, page_size: int = 5000) -> Iterator[Entry]: ...
    def add_using_path(self, list_title: str, folder_url: str, form_values: Mapping[str, str], *,
                       folder_name: str | None = None) -> int: ...


@dataclass
class PermissionReport:
    created_groups: list[str] = field(default_factory=list)
    created_folders: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    granted: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)
    scopes: int = 0
    item_scopes: int = 0
    """Items outside their administration's folder, given their administration's rights themselves."""
    """Unique permission scopes this design holds on the site (lists + folders)."""

    @property
    def changes(self) -> int:
        return len(self.created_groups) + len(self.created_folders) + len(self.broken) + len(self.granted)

    def lines(self) -> list[str]:
        done = self.created_groups + self.created_folders + self.broken + self.granted
        return (done or [permission_text("no_changes")]) + self.drift + self.misplaced


def owner_column(key: str) -> str:
    """The column that says whose a row is: the initiative's administration, or a child's initiative."""
    attr = "administration" if key == "initiatives" else "initiative_id"
    return next(c.wire_name for c in list_schema(key).columns if c.path == (attr,))


def folder_name(administration: Administration) -> str:
    """The folder holding an administration's items in every secured list: its short code."""
    return administration.value


@dataclass
class _Site:
    sp: PermissionAdmin
    rules: PermissionRules
    report: PermissionReport
    groups: dict[str, int]
    roles: dict[RoleKind, int]
    me: int
    names: dict[int, str]

    def wanted(self, owner: Administration | None) -> dict[int, RoleKind]:
        """Principal → permission level on a list (``owner`` None) or on an administration's folder."""
        want: dict[int, RoleKind] = {self.groups[self.rules.owners]: RoleKind.ADMINISTRATOR}
        for name in self.rules.cross_administration:
            want[self.groups[name]] = RoleKind.CONTRIBUTOR
        for admin, name in self.rules.groups.items():
            want[self.groups[name]] = RoleKind.CONTRIBUTOR if admin is owner else RoleKind.READER
        return want

    def secure(self, list_title: str, item_id: int | None, where: str, owner: Administration | None) -> None:
        sp, report = self.sp, self.report
        if not sp.has_unique(list_title, item_id):
            sp.break_inheritance(list_title, item_id)
            report.broken.append(permission_text("broke", where=where))
        current = sp.role_assignments(list_title, item_id)
        by_id = {role_id: kind for kind, role_id in self.roles.items()}
        for principal, kind in self.wanted(owner).items():
            if self.roles[kind] not in current.get(principal, ("", set()))[1]:
                sp.add_role_assignment(list_title, item_id, principal, self.roles[kind])
                report.granted.append(permission_text("granted", group=self.names[principal],
                                                      role=_ROLE_WORDS[kind], where=where))
        wanted = self.wanted(owner)
        for principal, (title, role_ids) in current.items():
            if principal == self.me:
                continue  # breaking inheritance without copying leaves the caller (the app) as the one assignment
            for role_id in role_ids:
                held = by_id.get(role_id)
                if held is None or wanted.get(principal) != held:
                    report.drift.append(permission_text(
                        "extra", where=where, principal=self.names.get(principal, title),
                        role=_ROLE_WORDS[held] if held is not None else str(role_id)))


def provision_permissions(sp: PermissionAdmin, rules: PermissionRules, *,
                          progress: Callable[[str], None] | None = None) -> PermissionReport:
    """Groups, folders and unique permissions as ``rules`` say; misplaced items reported."""
    report = PermissionReport()
    groups = sp.site_groups()
    descriptions = {name: permission_text("group_description", administration=admin.label)
                    for admin, name in rules.groups.items()}
    descriptions[rules.owners] = permission_text("owners_description")
    descriptions.update({name: permission_text("cross_description") for name in rules.cross_administration})
    for name, description in descriptions.items():
        if name not in groups:
            groups[name] = sp.create_group(name, description)
            report.created_groups.append(permission_text("created_group", group=name))
    available = sp.role_ids()
    missing = [kind for kind in RoleKind if kind not in available]
    if missing:
        raise ConfigError(permission_text("role_missing", kind=", ".join(str(int(k)) for k in missing)))
    site = _Site(sp, rules, report, groups, {kind: available[kind] for kind in RoleKind}, sp.current_user_id(),
                 {i: n for n, i in groups.items()})
    initiative_admin: dict[int, Administration | None] = {}
    for key in SECURED_LISTS:
        schema = list_schema(key)
        if progress:
            progress(schema.title)
        site.secure(schema.title, None, schema.title, None)
        column = owner_column(key)
        entries = list(sp.entries(schema.title, [column]))
        root = sp.root_folder(schema.title)
        folders = {e.title: e for e in entries if e.folder and e.directory.lower() == root.lower()}
        for admin in Administration:
            name = folder_name(admin)
            if name not in folders:
                new_id = sp.add_using_path(schema.title, root, {"Title": name}, folder_name=name)
                folders[name] = Entry(new_id, True, name, root, {})
                report.created_folders.append(permission_text("created_folder", folder=name, list=schema.title))
            site.secure(schema.title, folders[name].id, f"{schema.title}/{name}", admin)
        for entry in entries:
            if entry.folder:
                continue
            belongs: Administration | None
            if key == "initiatives":
                belongs = initiative_admin[entry.id] = _administration(entry.values.get(column))
            else:
                parent = entry.values.get(column)
                belongs = initiative_admin.get(int(parent)) if isinstance(parent, int) else None
            if _place(report, schema.title, entry, _top_folder(root, entry.directory), belongs):
                # Scopes only where needed: until it is moved, the item gets its administration's rights
                # itself (SharePoint's lists have no documented REST move of an item between folders).
                assert belongs is not None
                site.secure(schema.title, entry.id, f"{schema.title} element {entry.id}", belongs)
                report.item_scopes += 1
        report.scopes += 1 + len(Administration)
    report.scopes += report.item_scopes
    if report.item_scopes > ITEM_SCOPES_WARNING:
        report.drift.append(permission_text("item_scopes_many", count=report.item_scopes, limit=ITEM_SCOPES_WARNING))
    return report


def _top_folder(root: str, directory: str) -> str | None:
    """The folder right below the list's root that holds an item (a department's own subfolders included)."""
    if not directory.lower().startswith(root.lower() + "/"):
        return None
    return directory[len(root) + 1:].split("/")[0]


def _administration(value: Any) -> Administration | None:
    try:
        return Administration(value) if value else None
    except ValueError:
        return None  # a fill-in value: the mapping reports it; the item stays where it is


def _place(report: PermissionReport, list_title: str, entry: Entry, folder: str | None,
           admin: Administration | None) -> bool:
    """Report an item outside its administration's folder; ``True`` when it needs its own permissions."""
    wanted = folder_name(admin) if admin is not None else None
    if folder == wanted:
        return False
    if admin is None:
        if folder is not None:
            report.misplaced.append(permission_text("orphan", list=list_title, item_id=entry.id, folder=folder))
        return False  # at the root without an administration: owners and cross-administration groups edit it
    report.misplaced.append(permission_text("misplaced", list=list_title, item_id=entry.id,
                                            folder=folder or "(roden)", administration=admin.label, wanted=wanted))
    return True
