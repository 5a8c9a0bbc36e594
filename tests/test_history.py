"""Snapshots: restricted to one plan, canonical and deterministic; differences between two."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kksync.core.model import Administration, FocusArea, Light, Phase, PlanKind, Portfolio
from kksync.core.snapshots import Snapshot, diff_snapshots, latest_status, snapshot_of
from kksync.errors import KksyncError
from testkit.portfolios import make_funding, make_initiative, make_person, make_plan, make_portfolio, make_status

DAY = date(2012, 11, 27)


def _portfolio() -> Portfolio:
    """A joint plan (two initiatives), a local one contributing to it, and a plan of another kind."""
    joint = make_plan(1, key="F2011-2012", title="Fælles")
    local = make_plan(2, key="L-BUF", title="Lokal BUF", kind=PlanKind.LOKAL, administration=Administration.BUF)
    other = make_plan(3, key="X", title="Anden", kind=None)
    return make_portfolio(
        [joint, local, other],
        focus_areas=[FocusArea(id=2, key="IO2", title="Infrastruktur"), FocusArea(id=1, key="IO1", title="Borgerservice")],
        initiatives=[
            make_initiative(11, plan=joint, complete=False, key="F-2", title="To", rank=2, focus_area_ids=[1]),
            make_initiative(10, plan=joint, complete=False, key="F-1", title="En", rank=1,
                            project_owner=make_person(5, "Anna")),
            make_initiative(20, plan=local, complete=False, key="L-1", title="Lokal", rank=None, contributes_to_ids=[10]),
            make_initiative(30, plan=other, complete=False, key="X-1", title="Fremmed", rank=None),
        ],
        funding_lines=[make_funding(10, year=2011, amount=Decimal("1000.00"), id=1),
                       make_funding(30, year=2011, amount=Decimal(5), id=2)],
        statuses=[
            make_status(10, year=2011, id=1, reported_light=Light.GROEN, phase=Phase.ANALYSE),
            make_status(10, year=2012, id=2, reported_light=Light.GUL, status_date=date(2012, 10, 1)),
        ],
        problems={"initiatives/10": [], "initiatives/30": []},
    )


def test_snapshot_keeps_only_the_plan_and_its_context() -> None:
    snap = snapshot_of(_portfolio(), "L-BUF", DAY)
    assert [i.key for i in snap.portfolio.initiatives] == ["F-1", "L-1"]  # own + the joint one it contributes to
    assert [p.key for p in snap.portfolio.plans] == ["F2011-2012", "L-BUF"]
    assert [i.key for i in snap.initiatives] == ["L-1"]
    assert [a.key for a in snap.portfolio.focus_areas] == ["IO1", "IO2"]
    assert snap.portfolio.funding_lines == []
    joint = snapshot_of(_portfolio(), "F2011-2012", DAY)
    assert [f.id for f in joint.portfolio.funding_lines] == [1]
    assert list(joint.portfolio.problems) == ["initiatives/10"]


def test_unknown_plan_is_a_clear_error() -> None:
    with pytest.raises(KksyncError, match="findes ikke"):
        snapshot_of(_portfolio(), "NOPE", DAY)


def test_digest_is_deterministic_and_canonical() -> None:
    a = snapshot_of(_portfolio(), "F2011-2012", DAY)
    shuffled = _portfolio()
    shuffled = shuffled.model_copy(update={"initiatives": list(reversed(shuffled.initiatives))})
    b = snapshot_of(shuffled, "F2011-2012", DAY)
    assert a.digest() == b.digest() and len(a.digest()) == 64
    lines = [line.model_copy(update={"amount": Decimal("1000")}) for line in _portfolio().funding_lines]
    c = snapshot_of(_portfolio().model_copy(update={"funding_lines": lines}), "F2011-2012", DAY)
    assert c.digest() == a.digest()  # 1000 == 1000.00
    assert snapshot_of(_portfolio(), "F2011-2012", date(2012, 1, 1)).digest() != a.digest()


def test_json_round_trip() -> None:
    snap = snapshot_of(_portfolio(), "F2011-2012", DAY)
    again = Snapshot.from_json(snap.to_json())
    assert again == snap and again.digest() == snap.digest()
    assert snap.to_json() == again.to_json()


def test_diff_lists_every_kind_of_change() -> None:
    old = snapshot_of(_portfolio(), "F2011-2012", date(2011, 11, 1))
    p = _portfolio()
    inits = {i.id: i for i in p.initiatives}
    inits[10] = inits[10].model_copy(update={"rank": 2, "project_owner": make_person(6, "Bo"), "phase": Phase.AFSLUTTET})
    inits[11] = inits[11].model_copy(update={"plan_id": 3})
    new_one = make_initiative(12, plan=p.plans[0], complete=False, key="F-3", title="Tre")
    funding = [f.model_copy(update={"amount": Decimal(2000)}) if f.id == 1 else f for f in p.funding_lines]
    statuses = [*p.statuses, make_status(10, year=2013, id=3, reported_light=Light.ROED)]
    p = p.model_copy(update={"initiatives": [*inits.values(), new_one], "funding_lines": funding, "statuses": statuses})
    diff = diff_snapshots(old, snapshot_of(p, "F2011-2012", DAY))
    assert [r.key for r in diff.added] == ["F-3"]
    assert [r.key for r in diff.removed] == ["F-2"]
    assert [r.key for r in diff.closed] == ["F-1"]
    assert [(r.key, r.old_rank, r.new_rank) for r in diff.reranked] == [("F-1", 1, 2)]
    assert [(r.old_total, r.new_total) for r in diff.refunded] == [(Decimal(1000), Decimal(2000))]
    assert [(r.old_owner, r.new_owner) for r in diff.owner_changed] == [("Anna", "Bo")]
    change = diff.status_changed[0]
    assert (change.old_light, change.new_light) == (Light.GUL, Light.ROED)
    assert not diff.empty
    assert diff_snapshots(old, old).empty


def test_latest_status_prefers_year_then_date() -> None:
    statuses = _portfolio().statuses
    assert latest_status(statuses) is statuses[1]
    assert latest_status(statuses, 2011) is statuses[0]
    assert latest_status(statuses, 2014) is None
