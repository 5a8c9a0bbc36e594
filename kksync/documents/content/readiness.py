"""Builder of "Klar til politisk behandling?": the plan's verdict and every missing item (pure)."""

from __future__ import annotations

from collections import Counter

from kksync.checks.findings import CheckReport, Finding, PlanVerdict, Requirement, Severity
from kksync.core import fmt
from kksync.core.model import Administration, Initiative
from kksync.core.snapshots import Snapshot
from kksync.documents.content.common import ADMIN_ORDER, admin_text, cover_lines, ordered, ranked_table
from kksync.documents.content.model import BulletList, Column, Document, Paragraph, Table
from kksync.texts import T

__all__ = ["build_readiness", "plan_findings", "plan_ready"]

_FIVE = (Requirement.RANKING, Requirement.BUSINESS_CASE, Requirement.RESPONSIBILITY, Requirement.FUNDING, Requirement.DELIVERY)
_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def plan_findings(snapshot: Snapshot, report: CheckReport) -> list[Finding]:
    """Findings about the plan or any of its initiatives."""
    plan = snapshot.plan
    own = {i.id for i in snapshot.initiatives if i.id is not None}
    return [
        f for f in report.findings
        if (f.initiative_id is not None and f.initiative_id in own)
        or (f.initiative_id is None and (f.plan_id == plan.id if f.plan_id is not None else f.plan_key == plan.key))
    ]


def plan_ready(snapshot: Snapshot, report: CheckReport) -> bool | None:
    """True/False for the plan's verdict; ``None`` where no gate applies (a transition plan)."""
    verdict = report.verdicts.get(snapshot.plan.id) if snapshot.plan.id is not None else None
    if verdict is None:
        return False
    return verdict.ready if verdict.applies else None


def _verdict_section(doc: Document, snapshot: Snapshot, verdict: PlanVerdict | None) -> None:
    section = doc.section(T.verdict)
    plan = snapshot.plan
    if verdict is None:
        section.add(Paragraph(T.no_verdict))
    elif not verdict.applies:
        section.add(Paragraph(T.not_applicable.format(kind=plan.kind.value if plan.kind else T.missing)))
    elif verdict.ready:
        section.add(Paragraph(T.ready))
    else:
        section.add(Paragraph(T.not_ready.format(errors=fmt.number(verdict.errors), warnings=fmt.number(verdict.warnings))))
    if verdict is not None and verdict.reasons:
        section.sub(T.reasons).add(BulletList(tuple(verdict.reasons)))


def _counts(findings: list[Finding], initiatives: dict[int, Initiative]) -> tuple[Counter[str], Counter[str]]:
    by_admin: Counter[str] = Counter()
    by_requirement: Counter[str] = Counter()
    for f in findings:
        if f.severity is not Severity.ERROR:
            continue
        initiative = initiatives.get(f.initiative_id) if f.initiative_id is not None else None
        admin = f.administration or (initiative.administration.value if initiative and initiative.administration else "")
        by_admin[admin] += 1
        by_requirement[f.requirement.value] += 1
    return by_admin, by_requirement


def _admin_name(code: str) -> str:
    try:
        return Administration(code).label
    except ValueError:
        return code or T.without_administration


def build_readiness(snapshot: Snapshot, report: CheckReport) -> Document:
    """Which initiatives fail which requirement, per administration, with the ranked list."""
    plan = snapshot.plan
    verdict = report.verdicts.get(plan.id) if plan.id is not None else None
    findings = plan_findings(snapshot, report)
    initiatives = ordered(snapshot.initiatives)
    by_id = {i.id: i for i in initiatives if i.id is not None}
    doc = Document(
        title=T.readiness_title, subtitle=plan.title, cover_lines=cover_lines(snapshot), subject=plan.title,
        keywords=f"{plan.key}; {T.readiness_title}",
    )
    _verdict_section(doc, snapshot, verdict)

    by_admin, by_requirement = _counts(findings, by_id)
    if verdict is not None and verdict.by_administration:
        by_admin = Counter(verdict.by_administration)
    if verdict is not None and verdict.by_requirement:
        by_requirement = Counter(verdict.by_requirement)
    admin_keys = [a.value for a in ADMIN_ORDER if by_admin[a.value]] + sorted(
        k for k in by_admin if k not in {a.value for a in ADMIN_ORDER} and by_admin[k]
    )
    doc.section(T.per_administration).add(
        Table(
            T.per_administration, (Column(T.administration, width=3.0), Column(T.count, True)),
            (*((_admin_name(k), fmt.number(by_admin[k])) for k in admin_keys),
             (T.total, fmt.number(sum(by_admin.values())))),
        )
    )
    requirements = [r.value for r in _FIVE] + sorted(k for k in by_requirement if k not in {r.value for r in _FIVE})
    doc.section(T.per_requirement).add(
        Table(
            T.per_requirement, (Column(T.requirement, width=3.0), Column(T.count, True)),
            tuple((k, fmt.number(by_requirement[k])) for k in requirements),
        )
    )

    per_initiative: dict[int, list[Finding]] = {}
    plan_level: list[Finding] = []
    for f in findings:
        if f.initiative_id is not None and f.initiative_id in by_id:
            per_initiative.setdefault(f.initiative_id, []).append(f)
        else:
            plan_level.append(f)
    rows: list[tuple[str, ...]] = []
    for f in sorted(plan_level, key=lambda f: (_SEVERITY_ORDER[f.severity], f.requirement.value, f.message)):
        rows.append((T.plan_findings, "", f.requirement.value, f.severity.value, f.message))
    for i in initiatives:
        items = sorted(per_initiative.get(i.id or -1, []), key=lambda f: (_SEVERITY_ORDER[f.severity], f.requirement.value, f.message))
        name = f"{i.key} {i.title}"
        if not items:
            rows.append((name, admin_text(i.administration), "–", "–", T.no_findings))
        for f in items:
            rows.append((name, admin_text(i.administration), f.requirement.value, f.severity.value, f.message))
    doc.section(T.missing_items).add(
        Table(
            T.missing_items,
            (Column(T.initiative, width=2.4), Column(T.administration, width=2.5), Column(T.requirement, width=1.8),
             Column(T.severity, width=1.2), Column(T.missing_item, width=3.3)),
            tuple(rows),
        )
    )

    errors = {i for i, fs in per_initiative.items() if any(f.severity is Severity.ERROR for f in fs)}
    ranked_table(
        doc.section(T.ranked_list), T.ranked_list, initiatives, title_width=3.2, extra=(Column(T.is_ready, width=0.8),),
        cells=lambda i: (T.no if i.id in errors else T.yes,),
    )
    return doc
