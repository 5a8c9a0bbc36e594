"""Who still works here: person fields' site-user ids checked against the site's users and Microsoft Graph.

SharePoint keeps a colleague who left in the site's User Information List, so ``siteusers`` alone
never shows a departure; only Graph knows that the account was deleted (GONE) or blocked (DISABLED).
Both make the person unknown (the mapping's ``unknown_person`` problem, a Danish finding for the
department). When Graph cannot say (UNKNOWN, or the call fails) the person is kept and the run notes
it: a false "this person left" would send a department chasing a colleague who is still there.

One ``RunPeople`` per sync run: the site users are read once, each account is asked once.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from typing import Any

from kksync.core.columns import FieldKind
from kksync.core.schema import ListSchema
from kksync.errors import SharePointError
from kksync.services.ports import AccountDirectory, SiteUsers
from kksync.sharepoint.data import AccountState, SiteUser
from kksync.texts import sync_note

__all__ = ["RunPeople", "person_columns", "person_ids", "row_person_ids", "stored_person_ids"]

_LEFT = (AccountState.GONE, AccountState.DISABLED)


def person_columns(schema: ListSchema) -> list[Any]:
    return [c for c in schema.columns if c.kind in (FieldKind.USER, FieldKind.USERMULTI)]


def person_ids(raw: object) -> set[int]:
    """The site-user ids in a person field's wire value (``<Name>Id``: an int, or ``{"results": [...]}``)."""
    values = raw.get("results") if isinstance(raw, dict) else raw
    found: set[int] = set()
    for value in values if isinstance(values, list) else [values]:
        try:
            number = int(str(value))
        except ValueError:
            continue
        if number > 0:
            found.add(number)
    return found


class RunPeople:
    """The run's answers; ``notes`` collects what Graph could not say (each note once)."""

    def __init__(self, users: SiteUsers, directory: AccountDirectory | None, notes: list[str]) -> None:
        self._users_source = users
        self._directory = directory
        self._notes = notes
        self._users: dict[int, SiteUser] | None = None
        self._states: dict[str, AccountState] = {}
        self._noted_no_graph = False

    def prepare(self, ids: Iterable[int]) -> None:
        """Learn what is needed to judge ``ids``: one site-user read per run, one Graph call for new accounts."""
        wanted = set(ids)
        if not wanted:
            return
        if self._users is None:
            self._users = {u.id: u for u in self._users_source.site_users()}
        accounts = sorted({a for i in wanted if (u := self._users.get(i)) and (a := u.account)} - self._states.keys())
        if not accounts:
            return
        if self._directory is None:
            if not self._noted_no_graph:
                self._notes.append(sync_note("no_graph"))
                self._noted_no_graph = True
            self._states.update(dict.fromkeys(accounts, AccountState.UNKNOWN))
            return
        try:
            states = self._directory.account_states(accounts)
        except SharePointError as error:  # Graph refused or failed: keep everyone, say so
            self._notes.append(sync_note("graph_failed", error=error))
            states = {}
        answered = {a: states.get(a, AccountState.UNKNOWN) for a in accounts}
        self._states.update(answered)
        unknown = sorted(a for a, s in answered.items() if s is AccountState.UNKNOWN)
        if unknown and states:
            shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
            self._notes.append(sync_note("graph_unknown", count=len(unknown), accounts=shown))

    def accepts(self, user_id: int) -> bool:
        """Whether a person field may keep this site user (call ``prepare`` first)."""
        users = self._users or {}
        user = users.get(user_id)
        if user is None:
            return False  # not a user of the site at all (removed, or an id from another site)
        account = user.account
        return account is None or self._states.get(account) not in _LEFT

    def known(self, trusted: Container[int] = ()) -> Container[int]:
        """The ``Refs.users`` container: ``trusted`` ids pass unasked, the rest as ``accepts`` says."""
        return _Known(self, trusted)


class _Known:
    def __init__(self, people: RunPeople, trusted: Container[int]) -> None:
        self._people = people
        self._trusted = trusted

    def __contains__(self, user_id: object) -> bool:
        if not isinstance(user_id, int):
            return False
        return user_id in self._trusted or self._people.accepts(user_id)


def stored_person_ids(record: Any, columns: Iterable[Any]) -> set[int]:
    """Person ids a stored record holds in ``columns`` (accepted when it was read)."""
    found: set[int] = set()
    for col in columns:
        value: Any = record
        for part in col.path:
            value = getattr(value, part, None)
        for person in value if isinstance(value, list) else [value]:
            if person is not None and getattr(person, "id", None):
                found.add(int(person.id))
    return found


def row_person_ids(row: Mapping[str, Any], columns: Iterable[Any]) -> set[int]:
    return {i for col in columns for i in person_ids(row.get(col.wire_name))}
