"""The portfolio of all larger IT projects, across plans and years (pure: no I/O).

Which projects: every ``ItProject`` whose total budget (``total_cost``) is at least the governance's
``portfolio_threshold_kr`` — the same limit, compared the same way, as the rule ``PORT-PROJECT-UNLINKED``,
whose finding is the flag on a project without an (existing) initiative.

Where the yearly figures come from: a project is followed up through the initiative it belongs to.
Departments report status per initiative once a year (``StatusEntry``: Statens It-råd's four measures,
the overall judgement, baseline vs spent vs forecast cost), and the status document already shows those
figures per initiative; the portfolio reads the same entries, so its totals are the status document's.
``ItProject`` itself keeps only what does not change per year (number, title, administration, total
budget, project manager), so no new columns were needed. Two projects under one initiative share one
status: its figures are counted once, on the first project (by number), and the others say so — a
column that adds up is never a double count.

Years: a linked project appears in each year of its initiative's plan period and each year its
initiative has a status for; a project without an initiative appears in every year of the overview
(it is unaccounted for each year, and flagged each year), and so does a linked project that would
otherwise stand in no year (its plan has no period, its initiative no status).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from kksync.checks.context import Index
from kksync.checks.plan_rules import project_issues
from kksync.core.model import Administration, Initiative, ItProject, Light, Person, Phase, Plan, Portfolio, StatusEntry
from kksync.core.model import latest_status as _latest

__all__ = ["PortfolioOverview", "ProjectYear", "Totals", "portfolio_overview"]


@dataclass(frozen=True, slots=True)
class ProjectYear:
    """One larger IT project in one year."""

    project: ItProject
    year: int
    initiative: Initiative | None
    plan: Plan | None
    status: StatusEntry | None
    """The initiative's latest status of the year (``None``: none reported, or no initiative)."""
    shared_with: str | None = None
    """Number of the project the shared initiative's figures are counted on (this row shows none)."""
    unlinked: str | None = None
    """The ``PORT-PROJECT-UNLINKED`` finding's message when the project belongs to no existing initiative."""
    computed: Light | None = None
    """The checks' computed light of the initiative (``None`` when not computed or not counted here)."""

    def _own(self, value: Decimal | None) -> Decimal | None:
        return None if self.shared_with is not None or self.status is None else value

    @property
    def budget(self) -> Decimal | None:
        return self._own(self.status.baseline_cost) if self.status else None

    @property
    def spent(self) -> Decimal | None:
        return self._own(self.status.spent) if self.status else None

    @property
    def forecast(self) -> Decimal | None:
        return self._own(self.status.forecast_cost) if self.status else None

    @property
    def deviation(self) -> Decimal | None:
        """Forecast minus budget: positive is an expected overrun."""
        return self.forecast - self.budget if self.forecast is not None and self.budget is not None else None

    def _light(self, attr: str) -> Light | None:
        return getattr(self.status, attr) if self.status is not None and self.shared_with is None else None

    @property
    def cost_light(self) -> Light | None:
        return self._light("cost_light")

    @property
    def schedule_light(self) -> Light | None:
        return self._light("schedule_light")

    @property
    def benefit_light(self) -> Light | None:
        return self._light("benefit_light")

    @property
    def nonfinancial_light(self) -> Light | None:
        return self._light("nonfinancial_light")

    @property
    def overall_light(self) -> Light | None:
        return self._light("reported_light")

    @property
    def administration(self) -> Administration | None:
        return self.project.administration or (self.initiative.administration if self.initiative else None)

    @property
    def phase(self) -> Phase | None:
        if self.status is not None and self.status.phase is not None:
            return self.status.phase
        return self.initiative.phase if self.initiative else None

    @property
    def owner(self) -> Person | None:
        """The initiative's project owner (projektejer)."""
        return self.initiative.project_owner if self.initiative else None

    @property
    def manager(self) -> Person | None:
        """The project's own manager, else the initiative's."""
        return self.project.project_manager or (self.initiative.project_manager if self.initiative else None)


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if b is None:
        return a
    return b if a is None else a + b


@dataclass(slots=True)
class Totals:
    """Counts and sums over some project-years (amounts ``None`` when no row has one)."""

    projects: int = 0
    green: int = 0
    yellow: int = 0
    red: int = 0
    no_light: int = 0
    """Rows without an overall light of their own: no status, or no initiative."""
    shared: int = 0
    """Rows whose initiative's status (light and figures) is counted on another project's row."""
    unlinked: int = 0
    computed_red: int = 0
    """Rows whose computed light (baseline vs forecast) is red, whatever the department reported."""
    total_cost: Decimal | None = None
    budget: Decimal | None = None
    spent: Decimal | None = None
    forecast: Decimal | None = None

    @property
    def deviation(self) -> Decimal | None:
        return self.forecast - self.budget if self.forecast is not None and self.budget is not None else None

    def add(self, row: ProjectYear) -> None:
        self.projects += 1
        light = row.overall_light
        if row.shared_with is not None:
            self.shared += 1
        elif light is Light.GROEN:
            self.green += 1
        elif light is Light.GUL:
            self.yellow += 1
        elif light is Light.ROED:
            self.red += 1
        else:
            self.no_light += 1
        self.unlinked += row.unlinked is not None
        self.computed_red += row.computed is Light.ROED
        self.total_cost = _add(self.total_cost, row.project.total_cost)
        self.budget = _add(self.budget, row.budget)
        self.spent = _add(self.spent, row.spent)
        self.forecast = _add(self.forecast, row.forecast)

    @classmethod
    def of(cls, rows: Iterable[ProjectYear]) -> Totals:
        totals = cls()
        for row in rows:
            totals.add(row)
        return totals


@dataclass(slots=True)
class PortfolioOverview:
    threshold_kr: Decimal
    years: list[int]
    rows: list[ProjectYear]
    """By year, then project number."""
    unlinked: list[tuple[ItProject, str]] = field(default_factory=list)
    """Projects above the threshold without an initiative, each with its finding's message."""
    without_cost: list[ItProject] = field(default_factory=list)
    """Projects without a total budget: they cannot be held against the threshold and are not counted."""
    undated: list[ItProject] = field(default_factory=list)
    """Linked projects whose plan has no period and whose initiative no status: shown in every year."""

    def rows_of(self, year: int, *, plan_id: int | None = None) -> list[ProjectYear]:
        return [r for r in self.rows if r.year == year and (plan_id is None or (r.plan is not None and r.plan.id == plan_id))]

    def by_year(self) -> list[tuple[int, Totals]]:
        return [(year, Totals.of(self.rows_of(year))) for year in self.years]

    def by_administration(self, year: int) -> list[tuple[Administration | None, Totals]]:
        groups: dict[Administration | None, list[ProjectYear]] = {a: [] for a in Administration}
        for row in self.rows_of(year):
            groups.setdefault(row.administration, []).append(row)
        return [(a, Totals.of(members)) for a, members in groups.items() if members]

    def by_plan(self, year: int) -> list[tuple[Plan | None, Totals]]:
        """Per plan in the year (``None``: the projects without an initiative, last)."""
        groups: dict[int | None, tuple[Plan | None, list[ProjectYear]]] = {}
        for row in self.rows_of(year):
            key = row.plan.id if row.plan is not None else None
            groups.setdefault(key, (row.plan, []))[1].append(row)
        ordered = sorted(groups.values(), key=lambda g: (g[0] is None, g[0].key if g[0] else ""))
        return [(plan, Totals.of(members)) for plan, members in ordered]


def _plan_years(plan: Plan | None) -> set[int]:
    if plan is None or plan.period_start is None or plan.period_end is None:
        return set()
    return set(range(plan.period_start.year, plan.period_end.year + 1))


def portfolio_overview(
    portfolio: Portfolio, *, threshold_kr: float | Decimal, lights: dict[int, Light | None] | None = None,
    years: Iterable[int] | None = None,
) -> PortfolioOverview:
    """Every IT project of at least ``threshold_kr`` per year; ``lights`` are computed lights by initiative id.

    ``years`` restricts the overview to those years (default: every year a project appears in).
    """
    threshold = Decimal(str(threshold_kr))
    index = Index.build(portfolio)
    kids = portfolio.children()
    projects = sorted(portfolio.it_projects, key=lambda p: (p.key, p.id or 0))
    without_cost = [p for p in projects if p.total_cost is None]
    large = [p for p in projects if p.total_cost is not None and p.total_cost >= threshold]
    linked: list[tuple[ItProject, Initiative, Plan | None, set[int]]] = []
    unlinked: list[tuple[ItProject, str]] = []
    all_years: set[int] = set().union(*(_plan_years(p) for p in portfolio.plans))
    for project in large:
        issues = project_issues(project, index, float(threshold))
        initiative = index.initiatives.get(project.initiative_id) if project.initiative_id is not None else None
        if issues or initiative is None:
            unlinked.append((project, issues[0].message if issues else ""))
            continue
        plan = index.plans.get(initiative.plan_id) if initiative.plan_id is not None else None
        status_years = {s.year for s in kids.statuses.get(initiative.id or -1, []) if s.year is not None}
        project_years = _plan_years(plan) | status_years
        all_years |= project_years
        linked.append((project, initiative, plan, project_years))
    # A linked project whose plan has no period and whose initiative no status would stand in no year:
    # it stands in every year instead, like a project without an initiative, never silently nowhere.
    undated = [project for project, _, _, project_years in linked if not project_years]
    linked = [(p, i, pl, py or all_years) for p, i, pl, py in linked]
    wanted = sorted(all_years if years is None else set(years))
    rows: list[ProjectYear] = []
    for year in wanted:
        counted_on: dict[int, str] = {}
        for project, initiative, plan, project_years in linked:
            if year not in project_years:
                continue
            assert initiative.id is not None  # index.initiatives holds only records with an id
            status = _latest(kids.statuses.get(initiative.id, []), year)
            first = counted_on.setdefault(initiative.id, project.key)
            shared = first if first != project.key else None
            computed = lights.get(initiative.id) if lights is not None and shared is None else None
            rows.append(ProjectYear(project, year, initiative, plan, status, shared, None, computed))
        rows.extend(ProjectYear(project, year, None, None, None, None, message) for project, message in unlinked)
    rows.sort(key=lambda r: (r.year, r.project.key, r.project.id or 0))
    return PortfolioOverview(threshold, wanted, rows, unlinked, without_cost, undated)
