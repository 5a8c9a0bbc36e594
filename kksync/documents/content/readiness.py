"""Builder of "Klar til politisk behandling?": the plan's verdict and every missing item (pure).

Every count says what it counts, and all of them come from the same findings, so they agree:
*mangler* (findings that block the gate), *initiativer med mangler*, and *initiativ × krav* (an
initiative failing two requirements counts twice there, once under each). Each administration gets
its own section listing its initiatives and what they lack, so a department finds its items on one page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from kksync.checks.findings import CheckReport, Finding, PlanVerdict, Requirement, Severity
from kksync.checks.scenarios import Scenario
from kksync.core import fmt
from kksync.core.model import Administration, Initiative, PlanStage
from kksync.core.snapshots import Snapshot
from kksync.documents.content.common import (
    ADMIN_ORDER,
    cover_lines,
    initiative_name,
    ordered,
    plan_period,
    ranked_table,
)
from kksync.documents.content.cross_edits import CrossEdit, cross_edit_section
from kksync.documents.content.model import BulletList, Column, Document, Paragraph, Section, Table
from kksync.documents.content.scenarios import add_scenario_section
from kksync.texts import T, counted

__all__ = ["ReadinessCounts", "build_readiness", "decision_passed", "plan_findings", "plan_ready", "readiness_counts"]

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


def decision_passed(snapshot: Snapshot) -> bool:
    """The plan stands "Klar til politisk behandling" with an expected decision before the status date."""
    plan = snapshot.plan
    return plan.stage is PlanStage.KLAR and plan.decision_date is not None and plan.decision_date < snapshot.status_date


class ReadinessCounts:
    """The document's totals, all from the findings that block the gate."""

    def __init__(self, findings: list[Finding], initiatives: list[Initiative]) -> None:
        by_id = {i.id: i for i in initiatives if i.id is not None}
        blocking = [f for f in findings if f.blocks_gate]
        self.findings = len(blocking)
        self.plan_level = sum(1 for f in blocking if f.initiative_id not in by_id)
        self.warnings = sum(1 for f in findings if not f.blocks_gate and f.severity is not Severity.INFO)
        self.failing = {f.initiative_id for f in blocking if f.initiative_id in by_id}
        self.pairs = {(f.initiative_id, f.requirement.value) for f in blocking if f.initiative_id in by_id}
        self.by_requirement = Counter(req for _, req in self.pairs)
        self.by_admin_total: Counter[str] = Counter()
        self.by_admin_failing: Counter[str] = Counter()
        self.by_admin_findings: Counter[str] = Counter()
        for ini in initiatives:
            self.by_admin_total[_admin_key(ini)] += 1
        for iid in self.failing:
            self.by_admin_failing[_admin_key(by_id[iid])] += 1
        for f in blocking:
            if f.initiative_id in by_id:
                self.by_admin_findings[_admin_key(by_id[f.initiative_id])] += 1


def readiness_counts(snapshot: Snapshot, report: CheckReport) -> ReadinessCounts:
    return ReadinessCounts(plan_findings(snapshot, report), snapshot.initiatives)


def _admin_key(initiative: Initiative) -> str:
    return initiative.administration.value if initiative.administration else ""


def _admin_name(code: str) -> str:
    try:
        admin = Administration(code)
    except ValueError:
        return code or T.without_administration
    return T.admin_with_code.format(name=admin.label, code=admin.value)


def _verdict_section(doc: Document, snapshot: Snapshot, verdict: PlanVerdict | None, counts: ReadinessCounts) -> None:
    section = doc.section(T.verdict)
    plan = snapshot.plan
    if verdict is None:
        section.add(Paragraph(T.no_verdict))
    elif not verdict.applies:
        section.add(Paragraph(T.not_applicable.format(kind=plan.kind.value if plan.kind else fmt.MISSING)))
    elif verdict.ready:
        section.add(Paragraph(T.ready))
    else:
        section.add(Paragraph(T.not_ready_counts.format(
            failing=fmt.number(len(counts.failing)), initiatives=fmt.number(len(snapshot.initiatives)),
            findings=fmt.number(counts.findings), pairs=fmt.number(len(counts.pairs)),
        )))
    if counts.plan_level:
        section.add(Paragraph(T.plan_level_count.format(count=fmt.number(counts.plan_level))))
    if counts.warnings:
        section.add(Paragraph(T.warnings_count.format(count=fmt.number(counts.warnings))))
    section.add(Paragraph(T.stage_line.format(stage=plan.stage.value, date=fmt.long_date(plan.decision_date))))
    if decision_passed(snapshot):
        section.add(Paragraph(T.decision_passed.format(
            date=fmt.long_date(plan.decision_date), status_date=fmt.long_date(snapshot.status_date))))


def _overview(doc: Document, counts: ReadinessCounts) -> None:
    section = doc.section(T.overview)
    keys = [a.value for a in ADMIN_ORDER if counts.by_admin_total[a.value]] + sorted(
        k for k in counts.by_admin_total if k not in {a.value for a in ADMIN_ORDER})
    rows = [(_admin_name(k), fmt.number(counts.by_admin_total[k]), fmt.number(counts.by_admin_failing[k]),
             fmt.number(counts.by_admin_findings[k])) for k in keys]
    rows.append((T.total, fmt.number(sum(counts.by_admin_total.values())), fmt.number(len(counts.failing)),
                 fmt.number(counts.findings - counts.plan_level)))
    section.add(Table(
        T.per_administration,
        (Column(T.administration, width=3.0), Column(T.col_initiatives, True), Column(T.col_failing, True),
         Column(T.col_findings, True)),
        tuple(rows),
    ))
    requirements = [r.value for r in _FIVE] + sorted(k for k in counts.by_requirement if k not in {r.value for r in _FIVE})
    section.add(Table(
        T.per_requirement,
        (Column(T.requirement, width=3.0), Column(T.col_failing_requirement, True)),
        (*((k, fmt.number(counts.by_requirement[k])) for k in requirements),
         (T.total_pairs, fmt.number(len(counts.pairs)))),
    ))
    section.add(Paragraph(T.counts_explained))


def _gate_word(finding: Finding) -> str:
    if finding.blocks_gate:
        return T.must_fix
    return T.should_fix if finding.severity is not Severity.INFO else T.for_information


def _findings_table(caption: str, initiatives: list[Initiative], per_initiative: dict[int, list[Finding]]) -> Table:
    rows: list[tuple[str, ...]] = []
    for ini in initiatives:
        items = sorted(per_initiative.get(ini.id or -1, []),
                       key=lambda f: (not f.blocks_gate, _SEVERITY_ORDER[f.severity], f.requirement.value, f.message))
        if not items:
            rows.append((initiative_name(ini), "–", T.no_findings, ""))
        rows.extend((initiative_name(ini), f.requirement.value, _gate_word(f), f.message) for f in items)
    return Table(
        caption,
        (Column(T.initiative, width=2.2), Column(T.requirement, width=1.6), Column(T.at_gate, width=1.1),
         Column(T.missing_item, width=4.3)),
        tuple(rows),
    )


def _per_administration(doc: Document, initiatives: list[Initiative], per_initiative: dict[int, list[Finding]],
                        counts: ReadinessCounts) -> None:
    top = doc.section(T.missing_items)
    top.add(Paragraph(T.missing_items_intro))
    groups: dict[str, list[Initiative]] = {}
    for ini in initiatives:
        groups.setdefault(_admin_key(ini), []).append(ini)
    order = [a.value for a in ADMIN_ORDER if a.value in groups] + sorted(k for k in groups if k not in {a.value for a in ADMIN_ORDER})
    for key in order:
        members = groups[key]
        sub: Section = top.sub(_admin_name(key))
        sub.add(Paragraph(T.admin_summary.format(
            count=counted(len(members), "initiativ"), failing=fmt.number(counts.by_admin_failing[key]),
            findings=counted(counts.by_admin_findings[key], "mangel"))))
        sub.add(_findings_table(T.findings_of.format(admin=_admin_name(key)), members, per_initiative))


def build_readiness(snapshot: Snapshot, report: CheckReport, *, cross_edits: Sequence[CrossEdit] | None = None,
                    cross_groups: Sequence[str] = (), scenario: Scenario | None = None) -> Document:
    """Which initiatives fail which requirement, per administration, with the ranked list; with
    ``cross_edits`` (a site with permissions per administration), the edits made across administrations; with ``scenario``, the budget frames."""
    plan = snapshot.plan
    verdict = report.verdicts.get(plan.id) if plan.id is not None else None
    findings = plan_findings(snapshot, report)
    initiatives = ordered(snapshot.initiatives)
    by_id = {i.id: i for i in initiatives if i.id is not None}
    counts = ReadinessCounts(findings, initiatives)
    doc = Document(
        title=T.readiness_doc_title.format(plan=plan.title), subtitle=plan_period(plan), cover_lines=cover_lines(snapshot),
        subject=plan.title, keywords=f"{plan.key}; {T.readiness_title}",
    )
    _verdict_section(doc, snapshot, verdict, counts)
    _overview(doc, counts)
    per_initiative: dict[int, list[Finding]] = {}
    plan_level: list[Finding] = []
    for f in findings:
        if f.initiative_id is not None and f.initiative_id in by_id:
            per_initiative.setdefault(f.initiative_id, []).append(f)
        else:
            plan_level.append(f)
    _per_administration(doc, initiatives, per_initiative, counts)
    section = doc.section(T.plan_findings)
    if plan_level:
        section.add(BulletList(tuple(
            f"{_gate_word(f)}: {f.message}"
            for f in sorted(plan_level, key=lambda f: (not f.blocks_gate, f.requirement.value, f.message)))))
    else:
        section.add(Paragraph(T.no_plan_findings))
    ranked_table(
        doc.section(T.ranked_list), T.ranked_list, initiatives, title_width=3.2, extra=(Column(T.is_ready, width=0.9),),
        cells=lambda i: (T.no if i.id in counts.failing else T.yes,),
    )
    if cross_edits is not None:
        cross_edit_section(doc, cross_edits, set(by_id), cross_groups)
    if scenario is not None:
        add_scenario_section(doc, scenario)
    return doc
