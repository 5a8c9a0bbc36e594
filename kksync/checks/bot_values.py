"""Values of the bot-owned columns, derived from a check report (pure, deterministic).

The sync compares these with what SharePoint holds and writes only on a difference, so the
same report must always give the same text: findings are ordered by the rule catalogue, then by
message, never by discovery order. ``checked_at``/``gate_checked_at`` are deliberately absent;
the sync stamps them only when it writes for another reason.
"""

from __future__ import annotations

from kksync.checks.catalog import rule_order
from kksync.checks.findings import CheckReport, Finding, Severity
from kksync.core.model import NOTE_MAX, TEXT_MAX, Completeness, GateStatus, Initiative, Plan
from kksync.texts import MISSING_LIST, counted

__all__ = ["initiative_bot_values", "missing_text", "plan_bot_values", "shown_findings"]

_SHOWN = (Severity.ERROR, Severity.WARNING)


def _sort_key(finding: Finding) -> tuple[int, str]:
    return rule_order(finding.rule), finding.message


def shown_findings(findings: list[Finding]) -> list[Finding]:
    """The findings "Hvad mangler" shows (errors and warnings), in its order."""
    return sorted((f for f in findings if f.severity in _SHOWN), key=_sort_key)


def missing_text(findings: list[Finding], max_items: int = 10) -> str | None:
    """A Danish bullet list of what is missing (errors and warnings), capped at ``max_items``."""
    shown = shown_findings(findings)
    if not shown:
        return None
    lines = [MISSING_LIST["item"].format(requirement=f.requirement.value, message=f.message) for f in shown[:max_items]]
    if len(shown) > max_items:
        lines.append(MISSING_LIST["more"].format(more=counted(len(shown) - max_items, "mangel")))
    return "\n".join(lines)[:NOTE_MAX]


def initiative_bot_values(report: CheckReport, initiative: Initiative) -> dict[str, object]:
    """``completeness``, ``missing``, ``computed_light``, ``light_reason``, ``reported_light`` and ``plan_stage`` keyed by attribute."""
    iid = initiative.id
    if iid is None:
        raise ValueError("the initiative has no SharePoint id; check it after it is created")
    light = report.lights.get(iid)
    return {
        "completeness": report.completeness.get(iid, Completeness.IKKE_KRAEVET),
        "missing": missing_text(report.for_initiative(iid), report.missing_max_items),
        "computed_light": light.light if light is not None else None,
        "light_reason": light.reason[:TEXT_MAX] if light is not None else None,
        "reported_light": light.reported if light is not None else None,
        "plan_stage": report.plan_stages.get(initiative.plan_id) if initiative.plan_id is not None else None,
    }


def plan_bot_values(report: CheckReport, plan: Plan) -> dict[str, object]:
    """``gate_status`` and ``gate_reasons`` keyed by attribute (``None`` when the plan was not checked)."""
    verdict = report.verdicts.get(plan.id) if plan.id is not None else None
    if verdict is None:
        return {"gate_status": None, "gate_reasons": None}
    status = GateStatus.IKKE_RELEVANT if not verdict.applies else GateStatus.KLAR if verdict.ready else GateStatus.IKKE_KLAR
    return {"gate_status": status, "gate_reasons": "\n".join(verdict.reasons)[:NOTE_MAX] or None}
