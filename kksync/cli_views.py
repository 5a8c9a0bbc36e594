"""From the services' results to the command line's documents (``kksync.cli_json``): tables and JSON
print the same values, counted once, here."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kksync.cli_json import CheckOut, FindingOut, ListRunOut, PlanOut, RunOut, Totals, head

if TYPE_CHECKING:
    from kksync.checks.findings import Finding
    from kksync.services.checking import CheckView
    from kksync.services.sync import SyncOutcome
    from kksync.state.base import RunRecord

__all__ = ["check_out", "run_out", "sync_run"]


def _totals(findings: list[Finding]) -> Totals:
    counts = Counter(f.severity.value for f in findings)
    return Totals(findings=len(findings), errors=counts["fejl"], warnings=counts["advarsel"], infos=counts["info"])


def check_out(view: CheckView, *, now: datetime | None = None) -> CheckOut:
    from kksync.core import model as m

    unknown = {f.plan_id for f in view.findings if f.rule == "PLAN-STAGE-UNKNOWN"}
    by_id = {p.id: p for p in view.plans}
    plans = []
    for verdict in sorted(view.verdicts, key=lambda v: v.plan_key):
        plan = by_id.get(verdict.plan_id)
        marked = plan is not None and (plan.stage is m.PlanStage.KLAR or plan.id in unknown)
        mine = [f for f in view.findings if f.plan_id == verdict.plan_id]
        plans.append(PlanOut(
            plan_key=verdict.plan_key, title=plan.title if plan is not None else verdict.plan_key,
            marked_for_decision=marked, applies=verdict.applies, ready=verdict.ready if verdict.applies else None,
            fails_gate=marked and verdict.applies and not verdict.ready, totals=_totals(mine),
            by_requirement=dict(Counter(f.requirement.value for f in mine if f.severity.value == "fejl")),
            reasons=list(verdict.reasons),
        ))
    findings = [
        FindingOut(plan_key=f.plan_key, initiative_key=f.initiative_key, initiative_id=f.initiative_id, rule=f.rule,
                   requirement=f.requirement.value, severity=f.severity.value,  # type: ignore[arg-type]
                   fields=list(f.fields), administration=f.administration, message=f.message)
        for f in view.findings
    ]
    return CheckOut(**head("check", view.last_sync, now or datetime.now(UTC)),
                    verdict="failed" if any(p.fails_gate for p in plans) else "passed",
                    plans=plans, totals=_totals(view.findings), findings=findings)


def run_out(run: RunRecord) -> RunOut:
    lists = {
        key: ListRunOut(mode=s.mode, seen=s.seen, added=s.added, updated=s.updated, deleted=s.deleted,
                        bot_only=s.bot_only, written=s.written, conflicts=s.conflicts, errors=s.errors)
        for key, s in run.lists.items()
    }
    changes = sum(s.added + s.updated + s.deleted for s in run.lists.values())
    return RunOut(run_id=run.run_id, status=run.status, mode=run.mode, started_at=run.started_at,
                  finished_at=run.finished_at, changes=changes, writes=run.writes, requests=run.requests,
                  resource_units=run.resource_units,
                  refused=sum(s.errors for s in run.lists.values()), lists=lists,
                  note=run.note, failures=list(run.failures), error=run.error)


def sync_run(outcome: SyncOutcome, store_runs: list[RunRecord]) -> RunOut:
    """The run just made, as the history holds it (so ``sync`` and ``runs`` can never disagree)."""
    for run in store_runs:
        if run.run_id == outcome.run_id:
            return run_out(run)
    raise LookupError(outcome.run_id)
