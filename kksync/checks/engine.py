"""The check engine: run the governed rules over a portfolio, compute lights and gate verdicts.

One pass over the initiatives with indexes built once (``Index``); findings are created only
for codes the governance switches on. Each plan is also judged *as if it stood at the gate*
("Klar til politisk behandling"): a draft shows warnings to its departments, yet its verdict
already says what would block political decision.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from kksync.checks.catalog import RULES, Issue
from kksync.checks.catalog import issue as make_issue
from kksync.checks.context import Index, Subject
from kksync.checks.findings import CheckReport, ComputedLight, Finding, PlanVerdict, Requirement, Severity
from kksync.checks.governance import Governance, load_governance
from kksync.checks.lights import compute_light
from kksync.checks.plan_rules import (
    STAGE,
    coverage_issues,
    duplicate_key_issues,
    orphan_issue,
    plan_issues,
    project_issues,
    ranking_order_issues,
)
from kksync.checks.rules import INITIATIVE_RULES, data_issues, located_issue
from kksync.core.model import Administration, Completeness, Initiative, Plan, PlanStage, Portfolio
from kksync.texts import VERDICT_TEXTS, counted

__all__ = ["check_plan", "check_portfolio"]

_BLOCKING = (Severity.ERROR, Severity.WARNING)
_ADMIN_ORDER = {a.value: n for n, a in enumerate(Administration)}
_REQ_ORDER = {r.value: n for n, r in enumerate(Requirement)}
_UNKNOWN_ADMIN = "Ukendt"


def check_portfolio(portfolio: Portfolio, *, governance: Governance | None = None, today: date, now: datetime) -> CheckReport:
    """Check every plan, initiative and larger IT project of the site."""
    run = _Run(portfolio, governance, today)
    for plan in portfolio.plans:
        run.plan(plan)
    run.portfolio_level()
    return run.report(now)


def check_plan(
    portfolio: Portfolio, plan_id: int, *, governance: Governance | None = None, today: date, now: datetime,
) -> CheckReport:
    """Check one plan and its initiatives (the rest of the portfolio is read for cross-references)."""
    run = _Run(portfolio, governance, today)
    plan = run.index.plans.get(plan_id)
    if plan is None:
        raise KeyError(f"no plan with id {plan_id}")
    run.plan(plan)
    return run.report(now)


class _Run:
    def __init__(self, portfolio: Portfolio, governance: Governance | None, today: date) -> None:
        self.portfolio = portfolio
        self.gov = governance if governance is not None else load_governance()
        self.index = Index.build(portfolio)
        self.today = today
        self.findings: list[Finding] = []
        self.verdicts: dict[int, PlanVerdict] = {}
        self.lights: dict[int, ComputedLight] = {}
        self.completeness: dict[int, Completeness] = {}

    def report(self, now: datetime) -> CheckReport:
        return CheckReport(
            findings=self.findings, verdicts=self.verdicts, lights=self.lights, completeness=self.completeness,
            missing_max_items=self.gov.thresholds.missing_max_items, checked_at=now,
            portfolio_threshold_kr=self.gov.thresholds.portfolio_threshold_kr,
            plan_stages={p.id: p.stage for p in self.portfolio.plans if p.id is not None},
        )

    def _emit(self, issues: list[Issue], severities: dict[str, Severity], plan: Plan | None,
              initiative: Initiative | None, administration: str | None,
              gate: dict[str, Severity] | None = None) -> bool:
        """Turn enabled issues into findings; report whether any of them blocks completeness."""
        blocking = False
        for code, message, fields in issues:
            severity = severities.get(code)
            if severity is None:
                continue
            blocking = blocking or severity in _BLOCKING
            # Built by our own code from typed values: skipping validation keeps the run fast.
            self.findings.append(Finding.model_construct(
                rule=code, requirement=RULES[code].requirement, severity=severity, message=message, fields=fields,
                plan_id=plan.id if plan is not None else None, plan_key=plan.key if plan is not None else None,
                initiative_id=initiative.id if initiative is not None else None,
                initiative_key=initiative.key if initiative is not None else None,
                administration=administration,
                blocks_gate=gate is not None and gate.get(code) is Severity.ERROR,
            ))
        return blocking

    def _light(self, initiative: Initiative) -> None:
        if initiative.id is not None:
            statuses = self.index.statuses.get(initiative.id, [])
            self.lights[initiative.id] = compute_light(statuses, self.gov.lights, until_year=self.today.year, today=self.today)

    def plan(self, plan: Plan) -> None:
        gov, index = self.gov, self.index
        current = gov.severities(plan.kind, plan.stage)
        gated = gov.gate_applies(plan.kind)
        gate = gov.severities(plan.kind, PlanStage.KLAR) if gated else {}
        wanted = current.keys() | gate.keys()
        functions = [fn for codes, fn in INITIATIVE_RULES if codes & wanted]
        initiatives = index.by_plan.get(plan.id, []) if plan.id is not None else []
        ranks = ranking_order_issues(initiatives) if wanted & {"RANK-DUPLICATE", "RANK-GAP"} else {}
        keys = duplicate_key_issues(initiatives) if "DATA-KEY-DUPLICATE" in wanted else {}
        coverage, data = "CONTRIB-UNCOVERED" in wanted, "DATA-PROBLEM" in wanted
        owner_reported = "RESP-OWNER-UNKNOWN" in current  # else the DATA finding is the only word on it
        tally = _Tally()
        for ini in initiatives:
            subject = Subject.of(ini, plan, index, gov.thresholds, today=self.today, calendar=gov.budget_calendar)
            issues: list[Issue] = []
            for fn in functions:
                issues.extend(fn(subject))
            if ranks and ini.id is not None and ini.id in ranks:
                issues.extend(ranks[ini.id])
            if keys and ini.id is not None and ini.id in keys:
                issues.extend(keys[ini.id])
            if coverage:
                issues.extend(coverage_issues(ini, index))
            if data and subject.problems:
                issues.extend(data_issues(subject, owner_reported=owner_reported))
            admin = ini.administration or plan.administration
            admin_code = admin.value if admin is not None else None
            blocking = self._emit(issues, current, plan, ini, admin_code, gate if gated else None)
            if ini.id is not None:
                self.completeness[ini.id] = (
                    Completeness.MANGLER if blocking else Completeness.KOMPLET if current else Completeness.IKKE_KRAEVET
                )
            if gated:
                tally.add(issues, gate, admin_code or _UNKNOWN_ADMIN)
            self._light(ini)
        own = plan_issues(plan, self.today)
        stage_issue = self._unknown_stage(plan)
        if stage_issue is not None:
            # A stage renamed in SharePoint reads as no stage, and no stage is no gate: the plan would
            # pass silently. It is an error whatever the governance says, and it fails the gate.
            forced = {stage_issue.code: Severity.ERROR}
            self._emit([stage_issue], forced, plan, None, plan.administration.value if plan.administration else None,
                       forced)
            own.append(stage_issue)
            gate = {**gate, **forced}
        if data and plan.id is not None:
            own.extend(located_issue(p.list_key, p.item_id, p.problem.column, p.problem.message)
                       for p in index.plan_problems.get(plan.id, []))
        plan_admin = plan.administration.value if plan.administration is not None else None
        self._emit(own, current, plan, None, plan_admin, gate if gated else None)
        if plan.id is not None:
            self.verdicts[plan.id] = _verdict(plan, initiatives, own, tally, gate if gated else None)

    def _unknown_stage(self, plan: Plan) -> Issue | None:
        """The issue for a plan whose stage SharePoint holds as a value none of the model's stages."""
        if plan.id is None:  # (the model's default stage stands in for the unknown one: look at the problem)
            return None
        problem = next((p for p in self.portfolio.problems.get(f"plans/{plan.id}", [])
                        if p.attr == STAGE.attr and p.code == "unknown_choice"), None)
        if problem is None:
            return None
        return make_issue("PLAN-STAGE-UNKNOWN", (STAGE,), value=problem.value, stages=", ".join(f"«{s.value}»" for s in PlanStage))

    def portfolio_level(self) -> None:
        index, severities = self.index, self.gov.severities(None, None)
        for ini in index.orphans:
            issues = [orphan_issue()]
            if ini.id is not None:
                subject_problems = index.problems.get(ini.id, [])
                issues.extend(located_issue(p.list_key, p.item_id, p.problem.column, p.problem.message)
                              for p in subject_problems)
            admin = ini.administration.value if ini.administration is not None else None
            blocking = self._emit(issues, severities, None, ini, admin)
            if ini.id is not None:
                self.completeness[ini.id] = Completeness.MANGLER if blocking else Completeness.IKKE_KRAEVET
            self._light(ini)
        loose = [located_issue(p.list_key, p.item_id, p.problem.column, p.problem.message) for p in index.loose_problems]
        self._emit(loose, severities, None, None, None)
        threshold = self.gov.thresholds.portfolio_threshold_kr
        for project in self.portfolio.it_projects:
            admin = project.administration.value if project.administration is not None else None
            self._emit(project_issues(project, index, threshold), severities, None, None, admin)


class _Tally:
    """Counts of what would block the plan at the gate."""

    def __init__(self) -> None:
        self.errors = 0
        self.warnings = 0
        self.failing = 0
        self.by_admin: Counter[str] = Counter()
        self.by_requirement: Counter[str] = Counter()

    def add(self, issues: list[Issue], gate: dict[str, Severity], admin: str) -> None:
        failed: set[str] = set()
        for issue in issues:
            severity = gate.get(issue.code)
            if severity is Severity.ERROR:
                self.errors += 1
                failed.add(RULES[issue.code].requirement.value)
            elif severity is Severity.WARNING:
                self.warnings += 1
        if failed:
            self.failing += 1
            self.by_admin[admin] += 1
            self.by_requirement.update(failed)


def _verdict(plan: Plan, initiatives: list[Initiative], own: list[Issue], tally: _Tally,
             gate: dict[str, Severity] | None) -> PlanVerdict:
    assert plan.id is not None
    if gate is None:
        kind = f"«{plan.kind.value}»" if plan.kind is not None else VERDICT_TEXTS["no_kind"]
        reasons = (VERDICT_TEXTS["not_applicable"].format(kind=kind), *(i.message for i in own))
        return PlanVerdict(plan_id=plan.id, plan_key=plan.key, applies=False, ready=False, reasons=reasons)
    own_errors = [i for i in own if gate.get(i.code) is Severity.ERROR]
    errors = tally.errors + len(own_errors)
    warnings = tally.warnings + sum(1 for i in own if gate.get(i.code) is Severity.WARNING)
    n = len(initiatives)
    ready = errors == 0 and n > 0
    by_admin = dict(sorted(tally.by_admin.items(), key=lambda kv: _ADMIN_ORDER.get(kv[0], len(_ADMIN_ORDER))))
    by_req = dict(sorted(tally.by_requirement.items(), key=lambda kv: _REQ_ORDER[kv[0]]))
    lines: list[str] = []
    if n == 0:
        lines.append(VERDICT_TEXTS["no_initiatives"])
    elif ready:
        lines.append(VERDICT_TEXTS["one_ready"] if n == 1 else VERDICT_TEXTS["all_ready"].format(n=n))
    else:
        lines.append(VERDICT_TEXTS["failing"].format(failing=tally.failing, initiatives=counted(n, "initiativ")))
        lines.extend(
            VERDICT_TEXTS["requirement_failing"].format(requirement=req, initiatives=counted(count, "initiativ"))
            for req, count in by_req.items()
        )
        if by_admin:
            lines.append(VERDICT_TEXTS["by_administration"].format(counts=", ".join(f"{a} {c}" for a, c in by_admin.items())))
    lines.extend(i.message for i in own_errors)
    if warnings:
        lines.append(VERDICT_TEXTS["warnings"].format(warnings=counted(warnings, "advarsel")))
    return PlanVerdict(
        plan_id=plan.id, plan_key=plan.key, applies=True, ready=ready, errors=errors, warnings=warnings,
        by_administration=by_admin, by_requirement=by_req, reasons=tuple(lines),
    )
