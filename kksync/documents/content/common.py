"""Helpers the three document builders share (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache

from kksync.checks.findings import CheckReport, ComputedLight
from kksync.core import fmt
from kksync.core.model import Administration, FocusArea, Initiative, Light, Person, Phase, Plan, StatusEntry
from kksync.core.schema import list_schema
from kksync.core.snapshots import Snapshot, latest_status
from kksync.documents.content.model import (
    Block,
    Chart,
    ChartKind,
    Column,
    Paragraph,
    Section,
    Series,
    Table,
    rich_text_blocks,
)
from kksync.texts import T

__all__ = [
    "ADMIN_ORDER",
    "Progress",
    "current_phase",
    "lead_blocks",
    "mio_text",
    "plain_label",
    "progress_of",
    "LIGHT_COLORS",
    "LIGHT_ORDER",
    "InitiativeStatus",
    "admin_text",
    "chart_block",
    "focus_titles",
    "cover_lines",
    "initiative_name",
    "initiative_status",
    "label",
    "light_text",
    "ordered",
    "person_text",
    "plan_period",
    "ranked_table",
    "sentence",
    "total",
]

ADMIN_ORDER: tuple[Administration, ...] = tuple(Administration)
LIGHT_ORDER: tuple[Light, ...] = (Light.GROEN, Light.GUL, Light.ROED)
LIGHT_COLORS = {Light.GROEN: "2E7D32", Light.GUL: "F2B600", Light.ROED: "C62828"}
NO_LIGHT_COLOR = "9E9E9E"


@cache
def label(list_key: str, attr: str) -> str:
    """The Danish display name of a model field's column, e.g. ``label("initiatives", "rank")`` → "Prioritet"."""
    return next(c.title for c in list_schema(list_key).columns if c.attr == attr)


_UNIT_SUFFIX = re.compile(r"\s*\((?:%|kr\.|år|baseline, kr\.)\)$")


def plain_label(list_key: str, attr: str) -> str:
    """The display name without its unit ("Fremdrift (%)" → "Fremdrift"): the value beside it carries the unit."""
    return _UNIT_SUFFIX.sub("", label(list_key, attr))


def mio_text(value: Decimal | None) -> str:
    """An amount in mio. kr. with one decimal, or the one word for a missing value."""
    return fmt.number(value / Decimal(1_000_000), 1) if value is not None else fmt.MISSING


def lead_blocks(lead: str, value: str | None) -> list[Block]:
    """A rich-text value with a bold lead-in on its first paragraph (never a bold paragraph posing as a heading)."""
    blocks = rich_text_blocks(value, missing=fmt.MISSING)
    first = blocks[0]
    if isinstance(first, Paragraph):
        return [Paragraph(first.text, bold_lead=lead), *blocks[1:]]
    return [Paragraph(T.listed_below, bold_lead=lead), *blocks]


class Progress(StrEnum):
    """Where an initiative stands in a status year: the status document's three groups."""

    COMPLETED = "completed"
    RUNNING = "running"
    NOT_STARTED = "not_started"


def current_phase(initiative: Initiative, statuses: list[StatusEntry], year: int) -> Phase | None:
    """The phase of the latest status up to ``year``, else the initiative's own: every document shows this one."""
    entry = latest_status(statuses, until_year=year)
    return entry.phase if entry is not None and entry.phase is not None else initiative.phase


def progress_of(phase: Phase | None, entry: StatusEntry | None) -> Progress:
    if phase is Phase.AFSLUTTET:
        return Progress.COMPLETED
    if phase in (None, Phase.IDE) and (entry is None or not entry.progress):
        return Progress.NOT_STARTED
    return Progress.RUNNING


def ordered(initiatives: Iterable[Initiative]) -> list[Initiative]:
    """By rank (unranked last), then by key: the order every document lists initiatives in."""
    return sorted(initiatives, key=lambda i: (i.rank is None, i.rank or 0, i.key, i.id or 0))


def ranked_table(
    section: Section, title: str, initiatives: list[Initiative], *, title_width: float, extra: tuple[Column, ...],
    cells: Callable[[Initiative], tuple[str, ...]],
) -> None:
    """The initiatives in rank order: rank, key, title and administration, then the ``extra`` columns
    with the ``cells`` of each initiative; a plan without initiatives says so."""
    first = (
        Column(label("initiatives", "rank"), True, 1.05), Column(label("initiatives", "key"), width=1.2),
        Column(label("initiatives", "title"), width=title_width), Column(label("initiatives", "administration"), width=2.7),
    )
    rows = tuple(
        (str(i.rank) if i.rank is not None else T.missing, i.key, i.title, admin_text(i.administration), *cells(i))
        for i in initiatives
    )
    section.add(Table(title, (*first, *extra), rows))
    if not initiatives:
        section.add(Paragraph(T.no_initiatives))


def initiative_name(initiative: Initiative) -> str:
    return f"{initiative.key} {initiative.title}".strip()


def person_text(person: Person | None) -> str:
    if person is None:
        return fmt.MISSING
    return person.name or person.email or f"bruger {person.id}"


def admin_text(administration: Administration | None) -> str:
    return administration.label if administration is not None else fmt.MISSING


def light_text(light: Light | None) -> str:
    return light.value if light is not None else fmt.MISSING


def total(values: Iterable[Decimal | None]) -> Decimal | None:
    """Sum of the known values; ``None`` when none is known (shown as "ikke angivet")."""
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) if known else None


def sentence(text: str) -> str:
    """End with one full stop, also after an amount ending in "kr."."""
    return text if text.endswith(".") else text + "."


def plan_period(plan: Plan) -> str:
    return T.plan_period.format(start=fmt.long_date(plan.period_start), end=fmt.long_date(plan.period_end))


def cover_lines(snapshot: Snapshot) -> list[str]:
    plan = snapshot.plan
    return [
        plan.kind.value if plan.kind else fmt.MISSING,
        plan_period(plan),
        T.status_date.format(date=fmt.long_date(snapshot.status_date)),
        T.organisation,
    ]


@dataclass(frozen=True, slots=True)
class InitiativeStatus:
    """What the status document says about one initiative in one year."""

    entry: StatusEntry | None
    phase: Phase | None
    reported: Light | None
    computed: Light | None
    reason: str | None
    light: ComputedLight | None = None
    """The check's computed light with its per-measure parts (``None`` when the report has none)."""


def initiative_status(
    initiative: Initiative, statuses: list[StatusEntry], report: CheckReport, year: int
) -> InitiativeStatus:
    entry = latest_status(statuses, year)
    computed = report.lights.get(initiative.id) if initiative.id is not None else None
    phase = current_phase(initiative, statuses, year)
    reason: str | None
    if computed is not None:
        light, reason = computed.light, computed.reason
    else:
        light, reason = initiative.computed_light, initiative.light_reason
    return InitiativeStatus(entry, phase, entry.reported_light if entry else None, light, reason, computed)


def focus_titles(initiative: Initiative, areas: dict[int, FocusArea]) -> list[str]:
    return [areas[i].title for i in initiative.focus_area_ids if i in areas]


def chart_block(
    kind: ChartKind, title: str, alt: str, categories: list[str], series: list[Series], *,
    category_header: str, value_format: Callable[[float], str], number_format: str = "General", integers: bool = False,
) -> Chart:
    """A chart and the table with its numbers; the alt text names what the chart shows."""
    columns = (Column(category_header, width=2.0), *(Column(s.name, numeric=True) for s in series))
    rows = tuple(
        (category, *(value_format(s.values[n]) for s in series)) for n, category in enumerate(categories)
    )
    table = Table(T.chart_data_caption.format(title=title), columns, rows)
    return Chart(
        kind=kind, title=title, alt_text=alt, categories=tuple(categories), series=tuple(series),
        value_label=category_header, table=table, number_format=number_format, integers=integers,
    )
