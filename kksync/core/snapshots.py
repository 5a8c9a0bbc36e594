"""Snapshots of one plan as of a status date, and what changed between two of them (pure).

A ``Snapshot`` holds only what the plan's documents need: the plan, its initiatives and their
child records, the strategy's focus areas, and the joint initiatives (with their plans) that
local initiatives contribute to. Records are sorted, so the same data always gives the same
canonical JSON and the same ``digest()`` — the digest is what a publication records, and what
makes a regenerated document byte-identical.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict

from kksync.core.model import Initiative, Light, Phase, Plan, Portfolio, latest_status
from kksync.errors import KksyncError

__all__ = [
    "FundingChange",
    "InitiativeRef",
    "OwnerChange",
    "RankChange",
    "Snapshot",
    "SnapshotDiff",
    "StatusChange",
    "canonical_json",
    "diff_snapshots",
    "latest_status",
    "snapshot_of",
]

SNAPSHOT_VERSION = 1


def _canonical(value: Any) -> Any:
    """Plain JSON values; equal decimals (``1000`` and ``1000.00``) give the same text."""
    if isinstance(value, BaseModel):
        return _canonical(value.model_dump(mode="python"))
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        normal = value.normalize()
        return format(normal if normal != 0 else Decimal(0), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 text: the same data always gives the same string."""
    return json.dumps(_canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Snapshot(BaseModel):
    """One plan's data as of ``status_date``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = SNAPSHOT_VERSION
    plan_key: str
    status_date: date
    portfolio: Portfolio

    @property
    def plan(self) -> Plan:
        plan = self.portfolio.plan_by_key(self.plan_key)
        if plan is None:  # snapshot_of guarantees it; a hand-edited JSON file may not
            raise KksyncError(f"Øjebliksbilledet indeholder ikke planen {self.plan_key!r}.")
        return plan

    @property
    def initiatives(self) -> list[Initiative]:
        """The plan's own initiatives (not the joint ones referenced for context)."""
        return [i for i in self.portfolio.initiatives if i.plan_id == self.plan.id]

    def digest(self) -> str:
        """sha256 of the canonical JSON, hex."""
        return hashlib.sha256(canonical_json(self).encode("utf-8")).hexdigest()

    def to_json(self) -> str:
        return canonical_json(self)

    @classmethod
    def from_json(cls, text: str | bytes) -> Snapshot:
        return cls.model_validate_json(text)


def _sort_key(record: Any) -> tuple[int, str]:
    return (record.id if record.id is not None else 0, getattr(record, "key", "") or "")


def snapshot_of(portfolio: Portfolio, plan_key: str, status_date: date) -> Snapshot:
    """Cut the plan ``plan_key`` and its context out of a portfolio."""
    plan = portfolio.plan_by_key(plan_key)
    if plan is None:
        known = ", ".join(sorted(p.key for p in portfolio.plans)) or "ingen"
        raise KksyncError(f"Planen {plan_key!r} findes ikke (kendte planer: {known}).")
    own = [i for i in portfolio.initiatives if i.plan_id == plan.id]
    own_ids = {i.id for i in own if i.id is not None}
    referenced = {ref for i in own for ref in i.contributes_to_ids} - own_ids
    # An initiative continued from an earlier plan brings its predecessors and their statuses along:
    # its status history reads across the plans.
    history = _predecessors(own, {i.id: i for i in portfolio.initiatives if i.id is not None}) - own_ids
    context = [i for i in portfolio.initiatives if i.id in referenced | history]
    plan_ids = {plan.id} | {i.plan_id for i in context}
    plans = [p for p in portfolio.plans if p.id in plan_ids or p is plan]

    def children(records: list[Any]) -> list[Any]:
        return sorted((r for r in records if r.initiative_id in own_ids), key=_sort_key)

    def statuses() -> list[Any]:
        return sorted((r for r in portfolio.statuses if r.initiative_id in own_ids | history), key=_sort_key)

    problem_keys = {f"initiatives/{i}" for i in own_ids} | {f"plans/{plan.id}"}
    for name in ("funding_lines", "figures", "milestones", "statuses", "it_projects"):
        problem_keys |= {f"{name}/{r.id}" for r in children(getattr(portfolio, name))}
    restricted = Portfolio(
        focus_areas=sorted(portfolio.focus_areas, key=_sort_key),
        plans=sorted(plans, key=_sort_key),
        initiatives=sorted([*own, *context], key=_sort_key),
        funding_lines=children(portfolio.funding_lines),
        figures=children(portfolio.figures),
        milestones=children(portfolio.milestones),
        statuses=statuses(),
        it_projects=children(portfolio.it_projects),
        problems={k: v for k, v in sorted(portfolio.problems.items()) if k in problem_keys},
    )
    return Snapshot(plan_key=plan_key, status_date=status_date, portfolio=restricted)


def _predecessors(own: list[Initiative], initiatives: dict[int, Initiative]) -> set[int]:
    """Ids of every initiative the ``own`` ones continue, transitively (a ring stops where it closes)."""
    found: set[int] = set()
    for ini in own:
        target = ini.continues_from_id
        while target is not None and target not in found and target in initiatives:
            found.add(target)
            target = initiatives[target].continues_from_id
    return found


# --- differences ------------------------------------------------------------------------------


class InitiativeRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    title: str
    rank: int | None = None


class RankChange(InitiativeRef):
    old_rank: int | None
    new_rank: int | None


class FundingChange(InitiativeRef):
    old_total: Decimal
    new_total: Decimal


class OwnerChange(InitiativeRef):
    old_owner: str | None
    new_owner: str | None


class StatusChange(InitiativeRef):
    old_phase: Phase | None
    new_phase: Phase | None
    old_light: Light | None
    new_light: Light | None
    old_computed: Light | None
    new_computed: Light | None


class SnapshotDiff(BaseModel):
    """What changed between two snapshots of the same plan, initiative by initiative."""

    model_config = ConfigDict(frozen=True)

    added: list[InitiativeRef] = []
    removed: list[InitiativeRef] = []
    closed: list[InitiativeRef] = []
    reranked: list[RankChange] = []
    refunded: list[FundingChange] = []
    owner_changed: list[OwnerChange] = []
    status_changed: list[StatusChange] = []

    @property
    def empty(self) -> bool:
        return not any(
            (self.added, self.removed, self.closed, self.reranked, self.refunded, self.owner_changed, self.status_changed)
        )


def _identity(initiative: Initiative) -> str:
    return f"id:{initiative.id}" if initiative.id is not None else f"key:{initiative.key}"


def _ref(initiative: Initiative) -> dict[str, Any]:
    return {"key": initiative.key, "title": initiative.title, "rank": initiative.rank}


def _owner(initiative: Initiative) -> str | None:
    owner = initiative.project_owner
    if owner is None:
        return None
    return owner.name or owner.email or f"bruger {owner.id}"


def _order(refs: list[Any]) -> list[Any]:
    return sorted(refs, key=lambda r: (r.rank is None, r.rank or 0, r.key))


def diff_snapshots(old: Snapshot, new: Snapshot) -> SnapshotDiff:
    """Initiatives added, removed, closed, re-ranked, re-funded, with a new owner or a new status."""
    old_by = {_identity(i): i for i in old.initiatives}
    new_by = {_identity(i): i for i in new.initiatives}
    old_children, new_children = old.portfolio.children(), new.portfolio.children()
    added = [InitiativeRef(**_ref(i)) for k, i in new_by.items() if k not in old_by]
    removed = [InitiativeRef(**_ref(i)) for k, i in old_by.items() if k not in new_by]
    closed: list[InitiativeRef] = []
    reranked: list[RankChange] = []
    refunded: list[FundingChange] = []
    owners: list[OwnerChange] = []
    statuses: list[StatusChange] = []
    for key, after in new_by.items():
        before = old_by.get(key)
        if before is None:
            continue
        ref = _ref(after)
        if after.phase is Phase.AFSLUTTET and before.phase is not Phase.AFSLUTTET:
            closed.append(InitiativeRef(**ref))
        if before.rank != after.rank:
            reranked.append(RankChange(**ref, old_rank=before.rank, new_rank=after.rank))
        old_total = sum((f.amount or Decimal(0) for f in old_children.funding.get(before.id or -1, [])), Decimal(0))
        new_total = sum((f.amount or Decimal(0) for f in new_children.funding.get(after.id or -1, [])), Decimal(0))
        if old_total != new_total:
            refunded.append(FundingChange(**ref, old_total=old_total, new_total=new_total))
        if _owner(before) != _owner(after):
            owners.append(OwnerChange(**ref, old_owner=_owner(before), new_owner=_owner(after)))
        old_status = latest_status(old_children.statuses.get(before.id or -1, []))
        new_status = latest_status(new_children.statuses.get(after.id or -1, []))
        old_phase = old_status.phase if old_status and old_status.phase else before.phase
        new_phase = new_status.phase if new_status and new_status.phase else after.phase
        old_light = old_status.reported_light if old_status else None
        new_light = new_status.reported_light if new_status else None
        if (old_phase, old_light, before.computed_light) != (new_phase, new_light, after.computed_light):
            statuses.append(
                StatusChange(
                    **ref, old_phase=old_phase, new_phase=new_phase, old_light=old_light, new_light=new_light,
                    old_computed=before.computed_light, new_computed=after.computed_light,
                )
            )
    return SnapshotDiff(
        added=_order(added), removed=_order(removed), closed=_order(closed), reranked=_order(reranked),
        refunded=_order(refunded), owner_changed=_order(owners), status_changed=_order(statuses),
    )
