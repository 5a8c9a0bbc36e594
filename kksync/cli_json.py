"""The JSON the commands print with ``--format json``: pydantic models, and the JSON Schemas made from them.

Every document has the same head: ``schema`` (which document), ``schema_version``, ``generated_at``
and ``last_sync`` (the sync the data is from, ``null`` when there is none). The names are the same in
every section (``plan_key`` everywhere), and totals are counted from the items listed beside them.

``schemas/*.json`` in the repository are generated from these models (``python -m kksync.cli_json``
writes them; ``tests/cli/test_json_schemas.py`` fails when a committed file differs from the models).
A change that breaks a consumer raises ``SCHEMA_VERSION``.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DOCUMENTS", "SCHEMA_VERSION", "dump", "schema_of", "write_schemas"]

SCHEMA_VERSION = 1
SCHEMA_BASE = "https://kksync.kk.dk/schemas"


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LastSync(_Out):
    finished_at: datetime = Field(description="When the newest finished sync ended (with its UTC offset).")
    run_id: str
    status: Literal["ok", "partial"]


class _Head(_Out):
    schema_name: str = Field(alias="schema", description="Which kksync document this is.")
    schema_version: int = Field(description="Raised when a change would break a consumer.")
    generated_at: datetime
    last_sync: LastSync | None = Field(description="The sync the data is from; null when nothing finished.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --- check ----------------------------------------------------------------------------------------

class FindingOut(_Out):
    plan_key: str | None
    initiative_key: str | None
    initiative_id: int | None
    rule: str
    requirement: str
    severity: Literal["fejl", "advarsel", "info"]
    fields: list[str]
    administration: str | None
    message: str


class Totals(_Out):
    findings: int
    errors: int = Field(description="Findings of severity «fejl».")
    warnings: int = Field(description="Findings of severity «advarsel».")
    infos: int = Field(description="Findings of severity «info».")


class PlanOut(_Out):
    plan_key: str
    title: str
    marked_for_decision: bool = Field(description="The plan's stage says it goes to political decision now.")
    applies: bool = Field(description="The requirements before political decision apply to it.")
    ready: bool | None = Field(description="Passes them; null when they do not apply.")
    fails_gate: bool = Field(description="Marked for decision and not ready: what makes check exit 1.")
    totals: Totals = Field(description="Counted from this plan's findings in `findings`.")
    by_requirement: dict[str, int]
    reasons: list[str]


class CheckOut(_Head):
    verdict: Literal["passed", "failed"] = Field(description="failed: some plan fails its gate (exit code 1).")
    plans: list[PlanOut]
    totals: Totals = Field(description="Counted from `findings`.")
    findings: list[FindingOut]


# --- runs and sync --------------------------------------------------------------------------------

class ListRunOut(_Out):
    mode: str = Field(description="full or incremental; empty in records of older versions.")
    seen: int
    added: int
    updated: int
    deleted: int
    bot_only: int
    written: int
    conflicts: int
    errors: int = Field(description="Write-backs SharePoint refused (tried again next run).")


class RunOut(_Out):
    run_id: str
    status: Literal["ok", "partial", "failed", "running"]
    mode: str
    started_at: datetime
    finished_at: datetime | None
    changes: int = Field(description="Items added, updated or deleted by departments (sum over the lists).")
    writes: int
    requests: int
    resource_units: int = Field(default=0, description="SharePoint resource units the run spent, at Microsoft Graph's "
                                "prices (a lower bound; kksync.sharepoint.pricing).")
    refused: int = Field(description="Write-backs SharePoint refused (sum of the lists' errors).")
    lists: dict[str, ListRunOut]
    note: str = Field(description="The run's notes (why a list was read in full, missing columns, …).")
    failures: list[str]
    error: str


class RunsOut(_Head):
    runs: list[RunOut]


class SyncOut(_Head):
    run: RunOut


# --- snapshots --------------------------------------------------------------------------------------

class SnapshotOut(_Out):
    status_date: date
    digest: str
    initiatives: int


class SnapshotsOut(_Head):
    plan_key: str
    snapshots: list[SnapshotOut]


class DiffOut(_Head):
    plan_key: str
    from_date: date
    to_date: date
    empty: bool
    changes: dict[str, list[dict[str, Any]]] = Field(
        description="added, removed, closed, reranked, refunded, owner_changed, status_changed: the initiatives.")


# --- doctor ---------------------------------------------------------------------------------------

class DoctorList(_Out):
    list_key: str
    title: str
    items: int
    has_token: bool
    last_mode: str | None
    subscription_expires: datetime | None


class DoctorOut(_Head):
    site_url: str
    auth: str
    state: str
    config_name: str
    reachable: bool | None = Field(description="Whether SharePoint answered; null when not asked (--offline).")
    lists: list[DoctorList]
    drift: list[str]
    problems: list[str] = Field(description="What to fix, in Danish; empty when everything is in order.")


# --- scenario (budget frames) --------------------------------------------------------------------

class ScenarioOverrunOut(_Out):
    year: int
    ask: float = Field(description="What the initiative asks of the frame that year (kr.).")
    left: float = Field(description="What was left of the frame beside what the method had already taken (kr.).")
    over: float = Field(description="ask − left: how much too much (kr.).")


class ScenarioYearOut(_Out):
    year: int
    frame: float | None = Field(description="The investment frame (kr.); null: no frame that year, nothing limited.")
    used_by_rank: float
    used_by_optimum: float | None = Field(description="null when the optimum was not found.")


class ScenarioMethodOut(_Out):
    chosen: list[str] = Field(description="Initiative keys taken, in ranking order.")
    displaced: list[str] = Field(description="Initiative keys left out, in ranking order.")
    npv: float = Field(description="Total NPV of the chosen initiatives whose NPV is known (kr.).")
    unknown_npv: int = Field(description="Chosen initiatives without a known NPV (counted as 0).")


class ScenarioInitiativeOut(_Out):
    initiative_key: str
    initiative_id: int | None
    title: str
    rank: int | None
    administration: str | None
    asks: dict[str, float] = Field(description="Year → what it asks of the investment frame (kr.).")
    ask_source: Literal["funding", "business_case"] = Field(
        description="funding: its funding lines from «Investeringspulje/investeringskatalog»; business_case: no "
                    "funding lines, its business case's yearly investment.")
    npv: float | None
    npv_source: Literal["computed", "stated"] | None = Field(
        description="computed: recomputed from the yearly figures, as the business-case checks do; stated: as typed.")
    by_rank: Literal["chosen", "displaced"]
    by_rank_reason: str
    by_rank_overruns: list[ScenarioOverrunOut]
    optimum: Literal["chosen", "not_chosen"] | None
    optimum_reason: str


class ScenarioOutsideOut(_Out):
    initiative_key: str
    title: str
    rank: int | None
    reason: Literal["funded_elsewhere", "no_figures", "no_source"]
    text: str


class ScenarioNoteOut(_Out):
    initiative_key: str
    code: str
    message: str


class ScenarioOut(_Head):
    plan_key: str
    frames_from: Literal["cli", "governance"]
    years: list[ScenarioYearOut]
    by_rank: ScenarioMethodOut
    optimum: ScenarioMethodOut | None = Field(description="null when the solver did not prove an optimum (see problem).")
    optimum_bound: float | None = Field(description="No selection within the frames is worth more (kr.).")
    optimum_gap_pct: float | None = Field(description="The gap (%) within which the optimum is proven (or 1 kr.).")
    ranking_cost: float | None = Field(description="optimum.npv − by_rank.npv: what keeping the ranking costs (kr.).")
    problem: str | None
    initiatives: list[ScenarioInitiativeOut]
    outside: list[ScenarioOutsideOut] = Field(description="Initiatives of the plan that are not in the scenario.")
    notes: list[ScenarioNoteOut] = Field(description="Findings about the figures the scenario is built on.")
    summary: list[str]
# --- remind (kksync.cli_remind) ---------------------------------------------------------------------

class ReminderMailOut(_Out):
    to: str
    plans: list[str] = Field(description="Keys of the plans whose deadlines the digest is about.")
    initiatives: int
    subject: str
    status: Literal["planned", "sent", "taken", "failed", "unconfirmed"] = Field(
        description="planned (dry run), sent (Graph accepted it), taken (another run has it), failed (refused: tried "
                    "again next run), unconfirmed (claimed, may have gone: never sent again by itself).")
    note: str


class UnreachableOut(_Out):
    initiative_key: str
    title: str
    role: Literal["owner", "manager", "contact"]


class UnconfirmedOut(_Out):
    address: str
    day: date
    claimed_at: datetime
    owner: str
    note: str


class RemindOut(_Head):
    day: date
    dry_run: bool
    mails: list[ReminderMailOut]
    unreachable: list[UnreachableOut] = Field(description="Responsible people without a mail address.")
    unconfirmed: list[UnconfirmedOut] = Field(description="Earlier claims never confirmed sent (look in Sent Items).")


DOCUMENTS: dict[str, type[_Head]] = {
    "check": CheckOut, "runs": RunsOut, "sync": SyncOut, "snapshots": SnapshotsOut, "diff": DiffOut,
    "doctor": DoctorOut, "scenario": ScenarioOut, "remind": RemindOut,
}


def head(name: str, last: Any, now: datetime) -> dict[str, Any]:
    """The common head; ``last`` is a ``SyncStamp`` or ``None``."""
    stamp = None if last is None else LastSync(finished_at=last.finished_at, run_id=last.run_id, status=last.status)
    return {"schema": f"{SCHEMA_BASE}/{name}.v{SCHEMA_VERSION}.json", "schema_version": SCHEMA_VERSION,
            "generated_at": now, "last_sync": stamp}


def dump(model: _Head) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)


def schema_of(name: str) -> dict[str, Any]:
    schema = DOCUMENTS[name].model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{SCHEMA_BASE}/{name}.v{SCHEMA_VERSION}.json", **schema}


def schema_text(name: str) -> str:
    return json.dumps(schema_of(name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in DOCUMENTS:
        path = folder / f"{name}.v{SCHEMA_VERSION}.json"
        path.write_text(schema_text(name), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # python -m kksync.cli_json [folder]
    for written_path in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "schemas")):
        print(written_path)
