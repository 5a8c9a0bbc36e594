"""What each initiative asks of the investment frame per year, and what it is worth (pure).

The frame is the investment pool (``Investeringspulje/investeringskatalog``), so an initiative's ask
per year is, in this order:

1. the sum of its funding lines from that source, per year (the funding agreement names the money);
2. with no funding lines at all: its business case's yearly ``Investering`` figures (a proposal that
   has not got a funding agreement yet asks for what it will cost);
3. otherwise it is not in the scenario: funded from other sources only (egen ramme, internt lån, central
   pulje) it does not draw on the frame; with no figures at all it cannot be placed, and that is a
   finding, never a guess.

Its worth is the net present value the business-case checks recompute from the yearly figures
(``kksync.checks.finance``: every kind of figure and a discount rate are needed); where it cannot be
recomputed the stated NPV is used and that is said; with neither, the initiative can follow the ranking
but the optimum cannot count on it (a finding).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from kksync.checks.finance import cash_flows, npv
from kksync.core.model import ChildIndex, FigureKind, FundingSource, Initiative

__all__ = ["Candidate", "Outside", "ScenarioNote", "candidates_of", "ranking_key"]

POOL = FundingSource.INVESTERINGSPULJE
_ALL_KINDS = frozenset(FigureKind)

CostSource = Literal["funding", "business_case"]
NpvSource = Literal["computed", "stated"]
NoteCode = Literal["no_figures", "unreadable_lines", "no_source", "npv_stated", "no_npv", "from_business_case"]


@dataclass(frozen=True, slots=True, eq=False)
class Candidate:
    """One initiative in a scenario: its ask of the frame per year (kr.) and its NPV (kr., ``None``: unknown)."""

    key: str
    title: str
    rank: int | None
    costs: Mapping[int, Decimal]
    npv: float | None
    initiative_id: int | None = None
    cost_source: CostSource = "funding"
    npv_source: NpvSource | None = None
    stated_npv: Decimal | None = None
    administration: str | None = None

    def cost(self, year: int) -> Decimal:
        return self.costs.get(year, Decimal(0))

    @property
    def total(self) -> Decimal:
        return sum(self.costs.values(), Decimal(0))


@dataclass(frozen=True, slots=True)
class Outside:
    """An initiative that is not in the scenario, and why (``funded_elsewhere``, ``no_figures``, ``no_source``)."""

    key: str
    title: str
    rank: int | None
    reason: Literal["funded_elsewhere", "no_figures", "no_source"]
    sources: tuple[str, ...] = ()
    initiative_id: int | None = None


@dataclass(frozen=True, slots=True)
class ScenarioNote:
    """A finding about the scenario's input: which initiative, what (a code the texts turn into Danish)."""

    key: str
    title: str
    code: NoteCode
    values: Mapping[str, str] = field(default_factory=dict)


def ranking_key(candidate: Candidate | Outside) -> tuple[bool, int, str, str, int]:
    """The political order, ties broken the same way every time.

    By rank (1 first); equal ranks by initiative id (``Initiativ-id``) alphabetically, case-blind first;
    initiatives without a rank after all ranked ones, in the same id order; a duplicated id (itself a
    finding) by SharePoint item id.
    """
    return (candidate.rank is None, candidate.rank or 0, candidate.key.casefold(), candidate.key,
            candidate.initiative_id or 0)


def _npv_of(initiative: Initiative, children: ChildIndex) -> tuple[float | None, NpvSource | None]:
    bc = initiative.business_case
    flows = cash_flows(children.figures.get(initiative.id or -1, []))
    if flows is not None and flows.kinds == _ALL_KINDS and bc.discount_rate is not None:
        return npv(flows, float(bc.discount_rate)), "computed"
    if bc.npv is not None:
        return float(bc.npv), "stated"
    return None, None


def _sum_by_year(pairs: Iterable[tuple[int, Decimal]]) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    for year, amount in pairs:
        out[year] = out.get(year, Decimal(0)) + amount
    return dict(sorted(out.items()))


def candidates_of(
    initiatives: Iterable[Initiative], children: ChildIndex,
) -> tuple[list[Candidate], list[Outside], list[ScenarioNote]]:
    """The scenario's candidates (in ranking order), the initiatives outside it, and the findings."""
    candidates: list[Candidate] = []
    outside: list[Outside] = []
    notes: list[ScenarioNote] = []
    for ini in initiatives:
        iid = ini.id if ini.id is not None else -1
        lines = children.funding.get(iid, [])
        pool = [line for line in lines if line.source is POOL]
        cost_source: CostSource = "funding"
        if pool:
            usable = [(line.year, line.amount) for line in pool if line.year is not None and line.amount is not None]
            if len(usable) < len(pool):
                notes.append(ScenarioNote(ini.key, ini.title, "unreadable_lines",
                                          {"count": str(len(pool) - len(usable))}))
            if not usable:
                notes.append(ScenarioNote(ini.key, ini.title, "no_figures"))
                outside.append(Outside(ini.key, ini.title, ini.rank, "no_figures", initiative_id=ini.id))
                continue
            costs = _sum_by_year((y, a) for y, a in usable)
        elif lines:
            if any(line.source is None for line in lines):
                notes.append(ScenarioNote(ini.key, ini.title, "no_source"))
                outside.append(Outside(ini.key, ini.title, ini.rank, "no_source", initiative_id=ini.id))
            else:
                sources = tuple(sorted({line.source.value for line in lines if line.source is not None}))
                outside.append(Outside(ini.key, ini.title, ini.rank, "funded_elsewhere", sources, ini.id))
            continue
        else:
            invested = [(f.year, f.amount) for f in children.figures.get(iid, [])
                        if f.kind is FigureKind.INVESTERING and f.year is not None and f.amount is not None]
            if not invested:
                notes.append(ScenarioNote(ini.key, ini.title, "no_figures"))
                outside.append(Outside(ini.key, ini.title, ini.rank, "no_figures", initiative_id=ini.id))
                continue
            costs, cost_source = _sum_by_year(invested), "business_case"
            notes.append(ScenarioNote(ini.key, ini.title, "from_business_case"))
        value, source = _npv_of(ini, children)
        if source == "stated":
            notes.append(ScenarioNote(ini.key, ini.title, "npv_stated"))
        elif source is None:
            notes.append(ScenarioNote(ini.key, ini.title, "no_npv"))
        candidates.append(Candidate(
            key=ini.key, title=ini.title, rank=ini.rank, costs=costs, npv=value, initiative_id=ini.id,
            cost_source=cost_source, npv_source=source, stated_npv=ini.business_case.npv,
            administration=ini.administration.value if ini.administration else None,
        ))
    candidates.sort(key=ranking_key)
    outside.sort(key=ranking_key)
    return candidates, outside, notes
