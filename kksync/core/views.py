"""The lists' views, derived from the model (pure): which columns a department sees, filtered how.

A view names model attributes (``"rank"``, ``"project_owner"``), never column strings: ``_cols``
resolves them through ``kksync.core.schema`` (the ``Col`` annotations), so a renamed column renames
every view that shows it and a view naming an attribute the model lacks fails at import. Titles are
Danish because departments read them in SharePoint's view menu.

- Initiatives: a lean default view with the columns a department edits first; «Mine initiativer»
  (I am project owner or project manager: ``<UserID/>``); «Mangler – pr. forvaltning» (not complete,
  grouped by administration, by priority); «Til politisk behandling» (plans at that stage, through the
  bot-written copy of the plan's stage ``KkPlanStage``: a view cannot filter on a Choice column of
  the looked-up plan, see ``Initiative.plan_stage``).
- Funding lines, milestones, status: one default view grouped by initiative and one for what needs
  attention (funding not agreed, milestones overdue, red and yellow status).

Every filtered or sorted column is indexed in the model, so the views keep working above SharePoint's
list view threshold of 5,000 items.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kksync.core import caml
from kksync.core.caml import ME, Query, Today
from kksync.core.columns import FieldKind
from kksync.core.model import AgreementStatus, Completeness, Light, PlanStage
from kksync.core.schema import Column, list_schema

__all__ = ["VIEWS", "ViewDef", "view", "view_field_name", "views_for"]

LINK_TITLE = "LinkTitle"
"""The title column as views show it: a link that opens the item (SharePoint's computed field)."""


@dataclass(frozen=True, slots=True)
class ViewDef:
    """One list view as kksync provisions it."""

    list_key: str
    title: str
    columns: tuple[Column, ...]
    query: Query
    row_limit: int = 100
    default: bool = False

    @property
    def list_title(self) -> str:
        return list_schema(self.list_key).title

    @property
    def fields(self) -> tuple[str, ...]:
        """The view's field names in order, as ``ViewFields`` holds them."""
        return tuple(view_field_name(c) for c in self.columns)

    @property
    def query_xml(self) -> str:
        return self.query.xml()


def view_field_name(col: Column) -> str:
    return LINK_TITLE if col.is_builtin else col.name


def _cols(list_key: str, *attrs: str) -> tuple[Column, ...]:
    schema = list_schema(list_key)
    by_attr = {c.attr: c for c in schema.columns}
    missing = [a for a in attrs if a not in by_attr]
    if missing:
        raise KeyError(f"{schema.title} has no column for {', '.join(missing)}")
    return tuple(by_attr[a] for a in attrs)


def _col(list_key: str, attr: str) -> Column:
    return _cols(list_key, attr)[0]


def _asc(list_key: str, *attrs: str) -> tuple[tuple[Column, bool], ...]:
    return tuple((c, True) for c in _cols(list_key, *attrs))


def _initiative_views() -> tuple[ViewDef, ...]:
    ini = "initiatives"
    lean = _cols(ini, "key", "title", "plan_id", "administration", "rank", "phase", "project_owner",
                 "project_manager", "completeness", "missing")
    return (
        ViewDef(ini, "Alle initiativer", lean, Query(order_by=_asc(ini, "plan_id", "rank")), default=True),
        ViewDef(
            ini, "Mine initiativer",
            _cols(ini, "key", "title", "plan_id", "rank", "phase", "project_owner", "project_manager",
                  "completeness", "missing", "computed_light", "reported_light"),
            Query(where=caml.any_of(caml.eq(_col(ini, "project_owner"), ME), caml.eq(_col(ini, "project_manager"), ME)),
                  order_by=_asc(ini, "plan_id", "rank")),
        ),
        ViewDef(
            ini, "Mangler – pr. forvaltning",
            _cols(ini, "key", "title", "plan_id", "rank", "project_owner", "project_manager", "missing", "checked_at"),
            Query(where=caml.eq(_col(ini, "completeness"), Completeness.MANGLER.value),
                  order_by=_asc(ini, "rank"), group_by=_cols(ini, "administration")),
        ),
        ViewDef(
            ini, "Til politisk behandling",
            _cols(ini, "key", "title", "administration", "rank", "completeness", "missing", "computed_light",
                  "reported_light"),
            Query(where=caml.eq(_col(ini, "plan_stage"), PlanStage.KLAR.value),
                  order_by=_asc(ini, "rank"), group_by=_cols(ini, "plan_id")),
        ),
    )


def _child_views() -> tuple[ViewDef, ...]:
    fun, mil, sta = "funding_lines", "milestones", "statuses"
    funding = _cols(fun, "initiative_id", "title", "source", "category", "year", "amount", "status", "agreed_on")
    milestones = _cols(mil, "initiative_id", "title", "due", "completed_on")
    statuses = _cols(sta, "initiative_id", "year", "phase", "reported_light", "cost_light", "schedule_light",
                     "forecast_end", "progress")
    status_col = _col(fun, "status")
    return (
        ViewDef(fun, "Finansiering pr. initiativ", funding,
                Query(order_by=_asc(fun, "year"), group_by=_cols(fun, "initiative_id")), default=True),
        ViewDef(fun, "Ikke aftalt finansiering", funding,
                Query(where=caml.any_of(caml.is_null(status_col), caml.neq(status_col, AgreementStatus.AFTALT.value)),
                      order_by=_asc(fun, "year"), group_by=_cols(fun, "initiative_id"))),
        ViewDef(mil, "Milepæle pr. initiativ", milestones,
                Query(order_by=_asc(mil, "due"), group_by=_cols(mil, "initiative_id")), default=True),
        ViewDef(mil, "Forfaldne milepæle", milestones,
                Query(where=caml.all_of(caml.is_null(_col(mil, "completed_on")), caml.lt(_col(mil, "due"), Today())),
                      order_by=_asc(mil, "due"))),
        ViewDef(sta, "Status pr. år", statuses,
                Query(order_by=((_col(sta, "year"), False),), group_by=_cols(sta, "year")), default=True),
        ViewDef(sta, "Røde og gule status", statuses,
                Query(where=caml.in_(_col(sta, "reported_light"), Light.ROED.value, Light.GUL.value),
                      order_by=((_col(sta, "year"), False),))),
    )


VIEWS: tuple[ViewDef, ...] = _initiative_views() + _child_views()
"""Every view kksync provisions, list by list; one default view per list."""


def _check(views: tuple[ViewDef, ...]) -> None:
    for key in {v.list_key for v in views}:
        mine = [v for v in views if v.list_key == key]
        if sum(v.default for v in mine) != 1 or len({v.title for v in mine}) != len(mine):
            raise ValueError(f"{key}: exactly one default view and unique titles")
    for v in views:
        for col in v.columns:
            if col.kind is FieldKind.NOTE and col.rich:
                raise ValueError(f"{v.title}: rich text {col.name} makes a list unreadable")


_check(VIEWS)


@cache
def views_for(list_key: str) -> tuple[ViewDef, ...]:
    return tuple(v for v in VIEWS if v.list_key == list_key)


def view(list_key: str, title: str) -> ViewDef:
    return next(v for v in views_for(list_key) if v.title == title)
