""""Ændringer siden sidste statusår": status year N against N−1, and the records against the previous snapshot (pure).

Phase, light and progress are yearly reports, so they are compared year with year inside the status
document's own snapshot: comparing the latest status of two snapshots frozen from the same lists says
"no change" while every initiative moved. Rank, funding and owner are not reported per year; they are
compared with the previous snapshot, when there is one, and the section says which comparison it made.
"""

from __future__ import annotations

from kksync.core import fmt
from kksync.core.model import Initiative, Phase, StatusEntry, latest_status
from kksync.core.snapshots import Snapshot, diff_snapshots
from kksync.documents.content.common import initiative_name, light_text, ordered
from kksync.documents.content.model import BulletList, Document, Paragraph
from kksync.texts import T

__all__ = ["YearChanges", "add_changes", "year_changes"]


class YearChanges:
    """What changed in the reports from status year ``year - 1`` to ``year``, initiative by initiative."""

    def __init__(self, initiatives: list[Initiative], statuses: dict[int, list[StatusEntry]], year: int) -> None:
        self.new: list[str] = []
        self.closed: list[str] = []
        self.phase: list[str] = []
        self.light: list[str] = []
        self.unreported: list[str] = []
        for ini in ordered(initiatives):
            entries = statuses.get(ini.id or -1, [])
            now, before = latest_status(entries, year), latest_status(entries, year - 1)
            name = initiative_name(ini)
            if now is None:
                if before is not None:
                    self.unreported.append(name)
                continue
            if before is None:
                self.new.append(name)
                continue
            if now.phase is Phase.AFSLUTTET and before.phase is not Phase.AFSLUTTET:
                self.closed.append(name)
            if now.phase != before.phase:
                self.phase.append(T.change.format(name=name, old=_phase(before), new=_phase(now)))
            if now.reported_light != before.reported_light:
                self.light.append(T.change.format(
                    name=name, old=light_text(before.reported_light), new=light_text(now.reported_light)))

    @property
    def empty(self) -> bool:
        return not (self.new or self.closed or self.phase or self.light or self.unreported)


def _n(items: list[str]) -> str:
    return fmt.number(len(items))


def _phase(entry: StatusEntry) -> str:
    return entry.phase.value if entry.phase else fmt.MISSING


def year_changes(snapshot: Snapshot, year: int) -> YearChanges:
    return YearChanges(snapshot.initiatives, snapshot.portfolio.children().statuses, year)


def add_changes(doc: Document, snapshot: Snapshot, previous: Snapshot | None, year: int) -> YearChanges:
    top = doc.section(T.changes.format(year=year - 1))
    changes = year_changes(snapshot, year)
    section = top.sub(T.changes_years_title.format(year=year, previous=year - 1))
    section.add(Paragraph(T.changes_years.format(year=year, previous=year - 1)))
    groups = (
        (T.first_status.format(count=_n(changes.new)), changes.new), (T.closed.format(count=_n(changes.closed)), changes.closed),
        (T.phase_changed.format(count=_n(changes.phase)), changes.phase),
        (T.light_changed.format(count=_n(changes.light)), changes.light),
        (T.unreported.format(count=_n(changes.unreported)), changes.unreported),
    )
    if changes.empty:
        section.add(Paragraph(T.no_year_changes.format(year=year, previous=year - 1)))
    for title, items in groups:
        if items:
            section.sub(title).add(BulletList(tuple(items)))
    section = top.sub(T.changes_records_title)
    if previous is None:
        section.add(Paragraph(T.no_previous))
        return changes
    diff = diff_snapshots(previous, snapshot)

    def name(ref: object) -> str:
        return f"{getattr(ref, 'key', '')} {getattr(ref, 'title', '')}".strip()

    added, removed = [name(r) for r in diff.added], [name(r) for r in diff.removed]
    reranked = [T.change.format(name=name(r), old=r.old_rank or T.unranked, new=r.new_rank or T.unranked)
                for r in diff.reranked]
    refunded = [T.change.format(name=name(r), old=fmt.mio(r.old_total), new=fmt.mio(r.new_total)) for r in diff.refunded]
    owners = [T.change.format(name=name(r), old=r.old_owner or fmt.MISSING, new=r.new_owner or fmt.MISSING)
              for r in diff.owner_changed]
    records = (
        (T.added.format(count=_n(added)), added), (T.removed.format(count=_n(removed)), removed),
        (T.reranked.format(count=_n(reranked)), reranked), (T.refunded.format(count=_n(refunded)), refunded),
        (T.owner_changed.format(count=_n(owners)), owners),
    )
    when = fmt.long_date(previous.status_date)
    if not any(items for _, items in records):
        section.add(Paragraph(T.no_record_changes.format(date=when)))
        return changes
    section.add(Paragraph(T.record_changes.format(date=when)))
    for title, items in records:
        if items:
            section.sub(title).add(BulletList(tuple(items)))
    return changes
