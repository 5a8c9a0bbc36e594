"""``kksync check``: the findings and plan verdicts as a table or JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kksync.checks.findings import CheckReport, Finding, PlanVerdict
from kksync.core import model as m
from kksync.errors import KksyncError

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["CheckView", "check_report", "render_findings"]


@dataclass
class CheckView:
    plans: list[m.Plan]
    verdicts: list[PlanVerdict]
    findings: list[Finding]

    @property
    def failing_gate(self) -> bool:
        """A plan marked ready for political decision that does not pass its gate."""
        marked = {p.id for p in self.plans if p.stage is m.PlanStage.KLAR}
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
        plan = portfolio.plan_by_key(plan_key)
        if plan is None:
            known = ", ".join(sorted(p.key for p in plans)) or "ingen – kør kksync sync først"
            raise KksyncError(f"Planen «{plan_key}» findes ikke. Kendte planer: {known}")
        plans = [plan]
    ids = {p.id for p in plans}
    verdicts = [v for v in report.verdicts.values() if v.plan_id in ids]
    findings = [f for f in report.findings if f.plan_id in ids or (plan_key is None and f.plan_id is None)]
    return CheckView(plans, verdicts, findings)


def render_findings(console: Console, view: CheckView) -> None:
    from rich.table import Table

    table = Table(title="Klar til politisk behandling?", title_justify="left")
    for header in ("Plan", "Tjek", "Klar", "Fejl", "Advarsler", "Største mangler"):
        table.add_column(header)
    for verdict in sorted(view.verdicts, key=lambda v: v.plan_key):
        ready = "[green]ja[/green]" if verdict.ready else "[red]nej[/red]"
        top = ", ".join(f"{k} ({n})" for k, n in sorted(verdict.by_requirement.items(), key=lambda kv: -kv[1])[:3])
        table.add_row(verdict.plan_key, "gælder" if verdict.applies else "gælder ikke", ready if verdict.applies else "–",
                      str(verdict.errors), str(verdict.warnings), top)
    console.print(table)
    detail = Table(title="Fund pr. initiativ", title_justify="left", show_lines=False)
    for header in ("Plan", "Initiativ", "Regel", "Alvor", "Besked"):
        detail.add_column(header, overflow="fold")
    for finding in view.findings[:200]:
        detail.add_row(finding.plan_key or "", finding.initiative_key or "", finding.rule, finding.severity.value, finding.message)
    console.print(detail)
    if len(view.findings) > 200:
        console.print(f"… og {len(view.findings) - 200} fund mere (brug --format json for alle).")
