"""``kksync check`` and the readiness API: the findings and plan verdicts of one plan or all (rendered elsewhere)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kksync.checks.findings import CheckReport, Finding, PlanVerdict
from kksync.core import model as m
from kksync.services.runs import SyncStamp

__all__ = ["CheckView", "check_report"]


@dataclass
class CheckView:
    plans: list[m.Plan]
    verdicts: list[PlanVerdict]
    findings: list[Finding]
    last_sync: SyncStamp | None = None
    """The sync the judged data is from (set by the runtime)."""

    @property
    def failing_gate(self) -> bool:
        """A plan marked ready for political decision that does not pass its gate.

        A plan whose stage is none of the model's (a choice renamed in SharePoint) counts as marked:
        it might be the one at the gate, and drift must not switch the gate off.
        """
        unknown = {f.plan_id for f in self.findings if f.rule == "PLAN-STAGE-UNKNOWN"}
        marked = {p.id for p in self.plans if p.stage is m.PlanStage.KLAR or p.id in unknown}
        return any(v.plan_id in marked and v.applies and not v.ready for v in self.verdicts)

    def as_json(self) -> dict[str, Any]:
        return {
            "plans": [v.model_dump(mode="json") for v in self.verdicts],
            "findings": [
                {"plan": f.plan_key, "initiative": f.initiative_key, "initiative_id": f.initiative_id, "rule": f.rule,
                 "requirement": f.requirement.value, "severity": f.severity.value, "fields": list(f.fields),
                 "message": f.message}
                for f in self.findings
            ],
        }


def check_report(portfolio: m.Portfolio, report: CheckReport, *, plan_key: str | None = None) -> CheckView:
    plans = portfolio.plans
    if plan_key is not None:
        from kksync.services.snapshots import require_plan

        plans = [require_plan(portfolio, plan_key)]
    ids = {p.id for p in plans}
    verdicts = [v for v in report.verdicts.values() if v.plan_id in ids]
    findings = [f for f in report.findings if f.plan_id in ids or (plan_key is None and f.plan_id is None)]
    return CheckView(plans, verdicts, findings)
