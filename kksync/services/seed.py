"""``kksync seed``: put the sample portfolio on a site through the adapter, as a department would.

Items are created in dependency order with their lookups remapped to the ids SharePoint hands
out; people are ensured as site users first. Seeding a site that already has initiatives does
nothing, so running the demo twice is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kksync.core import model as m
from kksync.core.columns import FieldKind
from kksync.core.mapping import to_payload
from kksync.core.schema import Column, ListSchema, list_schema
from kksync.errors import SharePointError
from kksync.services.ports import SeedTarget
from kksync.services.records import DATA_LISTS
from kksync.sharepoint.data import ItemWrite

if TYPE_CHECKING:
    from kksync.services.seed_folders import FolderPlacement

__all__ = ["DEPARTED_EMAIL", "SeedResult", "seed", "seed_portfolio"]

DEPARTED_EMAIL = "tidligere.medarbejder@kk.dk"
"""The sample's colleague who left: named as an owner, then their account is deleted in Entra ID."""

Progress = Callable[[str, int, int], None]


@dataclass
class SeedResult:
    created: dict[str, int]
    skipped: bool = False

    def __str__(self) -> str:
        if self.skipped:
            return "Sitet har allerede initiativer – eksempeldata er ikke indlæst igen."
        parts = ", ".join(f"{n} {key}" for key, n in self.created.items())
        return f"Eksempeldata indlæst: {parts}."


def _remap(col: Column, value: Any, ids: dict[str, dict[int, int]], users: dict[int, int]) -> Any:
    if value is None:
        return None
    if col.kind is FieldKind.USER:
        return value.model_copy(update={"id": users.get(value.id, value.id)})
    if col.kind is FieldKind.LOOKUP:
        return ids[col.lookup or ""].get(value, value)
    if col.kind is FieldKind.LOOKUPMULTI:
        return [ids[col.lookup or ""].get(v, v) for v in value]
    return value


def _prepared(schema: ListSchema, record: m.Record, ids: dict[str, dict[int, int]], users: dict[int, int],
              *, defer_self: bool) -> dict[str, Any]:
    update: dict[str, Any] = {}
    for col in schema.columns:
        if len(col.path) == 1 and col.kind in (FieldKind.USER, FieldKind.LOOKUP, FieldKind.LOOKUPMULTI):
            value = _remap(col, getattr(record, col.path[0]), ids, users)
            if defer_self and col.lookup == schema.key:
                value = [] if col.multi else None
            update[col.path[0]] = value
    for col in schema.columns:  # nested people (business case approver)
        if len(col.path) == 2 and col.kind is FieldKind.USER:
            parent = getattr(record, col.path[0])
            value = _remap(col, getattr(parent, col.path[1]), ids, users)
            update[col.path[0]] = parent.model_copy(update={col.path[1]: value})
    remapped = record.model_copy(update=update)
    return to_payload(remapped, columns=schema.department_columns)


def seed_portfolio(sp: SeedTarget, portfolio: m.Portfolio, people: list[m.Person],
                   *, progress: Progress | None = None, placement: FolderPlacement | None = None) -> SeedResult:
    """``placement``: create initiatives and their child items in their administration's folder."""
    users = {}
    for person in people:
        user = sp.ensure_user(person.email or person.name or str(person.id))
        users[person.id] = int(user["Id"])
    ids: dict[str, dict[int, int]] = {}
    created: dict[str, int] = {}
    cleanup: list[tuple[str, str, int]] = []
    for index, schema in enumerate(DATA_LISTS):
        if progress:
            progress(schema.title, index, len(DATA_LISTS))
        records: list[m.Record] = list(getattr(portfolio, schema.key))
        ids[schema.key] = {}
        payloads = [_prepared(schema, r, ids, users, defer_self=True) for r in records]
        for record, payload in zip(records, payloads, strict=True):
            for problem in portfolio.problems.get(f"{schema.key}/{record.id}", []):
                _replay(sp, schema, problem, payload, portfolio, ids, cleanup)
        if placement is not None and placement.handles(schema.key):
            new_ids = placement.create(sp, schema.key, schema.title, records, payloads)
        else:
            new_ids = sp.create_items(schema.title, payloads)
        ids[schema.key] = {int(r.id or 0): new for r, new in zip(records, new_ids, strict=True)}
        created[schema.key] = len(new_ids)
        self_refs = [c for c in schema.columns if c.lookup == schema.key]
        if self_refs:
            _link_self(sp, schema, records, ids, users, self_refs)
    for kind, where, item_id in cleanup:
        if kind == "item":
            sp.delete_items(where, [item_id])
    return SeedResult(created)


def _replay(sp: SeedTarget, schema: ListSchema, problem: m.FieldProblem, payload: dict[str, Any],
            portfolio: m.Portfolio, ids: dict[str, dict[int, int]], cleanup: list[tuple[str, str, int]]) -> None:
    """Make SharePoint hold the sample's deliberate data problems the way they arise in real life."""
    col = schema.column(problem.column)
    if problem.code == "unknown_choice":
        payload[col.wire_name] = problem.value  # a fill-in value outside the column's choices
    elif problem.code == "unknown_person":
        user = sp.ensure_user(DEPARTED_EMAIL)
        payload[col.wire_name] = int(user["Id"])
        # The colleague leaves after being named owner. That happens in Entra ID (the account is deleted),
        # not on the site, which keeps them among its users: whoever runs the sample makes them leave
        # (the demo and the tests: the emulator's ``delete_account(DEPARTED_EMAIL)``).
    elif problem.code == "deleted_lookup" and col.lookup:
        target = list_schema(col.lookup)
        template = next(iter(getattr(portfolio, target.key)))
        placeholder = template.model_copy(update={"key": "SLETTET", "title": "Nedlagt element"})
        body = to_payload(placeholder, columns=[c for c in target.department_columns if c.kind.value not in
                                                ("User", "UserMulti", "Lookup", "LookupMulti")])
        new_id = sp.create_items(target.title, [body])[0]
        payload[col.wire_name] = new_id
        cleanup.append(("item", target.title, new_id))  # the plan is deleted later; the lookup dangles


def _link_self(sp: SeedTarget, schema: ListSchema, records: list[m.Record], ids: dict[str, dict[int, int]],
               users: dict[int, int], columns: list[Column]) -> None:
    """Second pass for lookups into the same list (local → joint initiatives)."""
    writes = []
    for record in records:
        payload = _prepared(schema, record, ids, users, defer_self=False)
        values = {c.wire_name: payload[c.wire_name] for c in columns}
        if any(v and (not isinstance(v, dict) or v.get("results")) for v in values.values()):
            # "*": the seed created these items a moment ago (in a folder: created, then filled, so version 2)
            writes.append(ItemWrite(ids[schema.key][int(record.id or 0)], "*", values))
    for outcome in sp.update_items(schema.title, writes):
        if outcome.status != "ok":
            raise SharePointError(f"Kunne ikke sætte opslag på element {outcome.item_id} i «{schema.title}»: {outcome.message}")


def seed(sp: SeedTarget, *, progress: Progress | None = None, placement: FolderPlacement | None = None) -> SeedResult:
    from kksync.sample import SAMPLE_USERS, sample_portfolio

    title = list_schema("initiatives").title
    if sp.list_info(title, refresh=True).item_count > 0 and (placement is None or placement.has_items(title)):
        return SeedResult({}, skipped=True)  # (the folders of a site with permissions count as items)
    return seed_portfolio(sp, sample_portfolio(), list(SAMPLE_USERS), progress=progress, placement=placement)
