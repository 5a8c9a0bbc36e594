"""One initiative in "Status på implementering": the four measures, economy, milestones, risks (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from kksync.core import fmt
from kksync.core.model import Initiative, Light, Milestone, StatusEntry
from kksync.documents.content.common import (
    InitiativeStatus,
    admin_text,
    initiative_name,
    label,
    lead_blocks,
    light_text,
    person_text,
    plain_label,
)
from kksync.documents.content.model import Column, KeyValues, Paragraph, Section, Table
from kksync.texts import T

__all__ = ["MilestoneState", "Row", "add_initiative", "milestone_state"]


class MilestoneState(StrEnum):
    REACHED = "reached"
    OVERDUE = "overdue"
    PLANNED = "planned"


def milestone_state(milestone: Milestone, on: date) -> MilestoneState:
    """As of the status date: reached by then, overdue (its date passed, not reached), or still ahead."""
    if milestone.completed_on is not None and milestone.completed_on <= on:
        return MilestoneState.REACHED
    if milestone.due is not None and milestone.due < on:
        return MilestoneState.OVERDUE
    return MilestoneState.PLANNED


@dataclass(frozen=True, slots=True)
class Row:
    initiative: Initiative
    status: InitiativeStatus
    milestones: tuple[Milestone, ...] = ()

    @property
    def budget(self) -> Decimal | None:
        return self.status.entry.baseline_cost if self.status.entry else None

    @property
    def spent(self) -> Decimal | None:
        return self.status.entry.spent if self.status.entry else None

    @property
    def forecast(self) -> Decimal | None:
        return self.status.entry.forecast_cost if self.status.entry else None

    def overdue(self, on: date) -> list[Milestone]:
        return [m for m in self.milestones if milestone_state(m, on) is MilestoneState.OVERDUE]


def _measures(status: InitiativeStatus) -> Table:
    """Statens It-råd's four measures plus the overall judgement: reported beside computed."""
    entry: StatusEntry | None = status.entry
    computed = status.light

    def reported(light: Light | None) -> str:
        return light_text(light)

    def lit(light: Light | None) -> str:
        return light_text(light) if light is not None else T.no_computed_light

    rows = (
        (T.measure_cost, reported(entry.cost_light if entry else None),
         lit(computed.cost) if computed else T.not_computed, computed.cost_reason if computed else T.no_status_reason),
        (T.measure_schedule, reported(entry.schedule_light if entry else None),
         lit(computed.schedule) if computed else T.not_computed,
         computed.schedule_reason if computed else T.no_status_reason),
        (T.measure_benefits, reported(entry.benefit_light if entry else None), T.not_computed, T.benefits_not_computed),
        (T.measure_nonfinancial, reported(entry.nonfinancial_light if entry else None), T.not_computed,
         T.benefits_not_computed),
        (T.measure_overall, reported(status.reported), lit(status.computed), status.reason or fmt.MISSING),
    )
    return Table(
        T.measures_caption,
        (Column(T.measure, width=1.8), Column(T.reported, width=1.1), Column(T.computed, width=1.1),
         Column(T.light_reason, width=3.4)),
        rows,
    )


def _milestones(initiative: Initiative, milestones: tuple[Milestone, ...], on: date) -> Table | Paragraph:
    if not milestones:
        return Paragraph(T.no_milestones)
    ordered_ms = sorted(milestones, key=lambda m: (m.due is None, m.due or date.min, m.title, m.id or 0))
    words = {MilestoneState.REACHED: T.milestone_reached, MilestoneState.OVERDUE: T.milestone_overdue,
             MilestoneState.PLANNED: T.milestone_planned}
    return Table(
        T.milestones_of.format(name=initiative_name(initiative), date=fmt.long_date(on)),
        (Column(label("milestones", "title"), width=2.6), Column(label("milestones", "due"), width=1.3),
         Column(label("milestones", "completed_on"), width=1.3), Column(T.milestone_state, width=1.1)),
        tuple(
            (m.title, fmt.long_date(m.due),
             fmt.long_date(m.completed_on) if milestone_state(m, on) is MilestoneState.REACHED else T.not_reached,
             words[milestone_state(m, on)])
            for m in ordered_ms
        ),
    )


def add_initiative(section: Section, row: Row, areas_text: str, *, plan_size: int, on: date) -> None:
    initiative, status = row.initiative, row.status
    entry = status.entry
    sub = section.sub(initiative_name(initiative))
    rank = T.rank_of.format(rank=initiative.rank, n=plan_size) if initiative.rank is not None else T.unranked
    sub.add(
        KeyValues((
            (label("initiatives", "rank"), rank),
            (label("initiatives", "administration"), admin_text(initiative.administration)),
            (label("initiatives", "focus_area_ids"), areas_text),
            (label("initiatives", "project_owner"), person_text(initiative.project_owner)),
            (label("statuses", "phase"), status.phase.value if status.phase else fmt.MISSING),
            (plain_label("statuses", "progress"), fmt.percent(entry.progress if entry else None)),
            (plain_label("statuses", "baseline_end"), fmt.long_date(entry.baseline_end if entry else None)),
            (label("statuses", "forecast_end"), fmt.long_date(entry.forecast_end if entry else None)),
        ))
    )
    if entry is None:
        sub.add(Paragraph(T.no_status_for_year))
    sub.add(_measures(status))
    sub.add(
        KeyValues((
            (T.budget_baseline, fmt.mio(row.budget)),
            (T.spent, fmt.mio(row.spent)),
            (T.forecast, fmt.mio(row.forecast)),
            (T.deviation, fmt.mio(row.forecast - row.budget) if row.forecast is not None and row.budget else fmt.MISSING),
        ))
    )
    sub.add(*lead_blocks(label("statuses", "comment"), entry.comment if entry else None))
    sub.add(*lead_blocks(label("initiatives", "risks"), initiative.risks))
    overdue = row.overdue(on)
    if overdue:
        sub.add(Paragraph(T.overdue_note.format(count=fmt.number(len(overdue)), date=fmt.long_date(on))))
    sub.add(_milestones(initiative, row.milestones, on))
