"""Generating the documents: the functions the CLI and the Azure Functions call.

``render_status``, ``render_readiness``, ``render_plan`` and ``render_proposals`` return .docx bytes; ``render``
returns them with a ``DocumentSpec`` (title, file name, type, plan, year, status date, snapshot
digest) for publishing. The content builders are pure; python-docx is imported only when a
document is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kksync.checks.budget_calendar import BudgetCalendar
from kksync.checks.findings import CheckReport
from kksync.checks.scenarios import Scenario
from kksync.core.model import TEXT_MAX, DocumentType
from kksync.core.snapshots import Snapshot
from kksync.documents.content.cross_edits import CrossEdit
from kksync.documents.content.model import Document
from kksync.documents.content.names import safe_file_name
from kksync.documents.content.plan import build_plan
from kksync.documents.content.proposals import build_proposals
from kksync.documents.content.readiness import build_readiness
from kksync.documents.content.status import build_status
from kksync.documents.content.typography import NBSP, WORD_JOINER, typeset_document
from kksync.documents.word.template import TemplateSource, load_template

CrossEdits = tuple[Sequence[CrossEdit], Sequence[str]]
"""Edits across administrations and the groups allowed to make them (the readiness document only)."""

__all__ = [
    "DOCX_CONTENT_TYPE",
    "DocumentSpec",
    "RenderedDocument",
    "build_document",
    "document_spec",
    "render",
    "render_plan",
    "render_proposals",
    "render_readiness",
    "render_status",
]

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """What a publisher needs to know about one generated document."""

    document_type: DocumentType
    title: str
    file_name: str
    plan_key: str
    year: int | None
    status_date: date
    snapshot_digest: str
    content_type: str = DOCX_CONTENT_TYPE


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    spec: DocumentSpec
    data: bytes


def build_document(
    snapshot: Snapshot, report: CheckReport, document_type: DocumentType, *, year: int | None = None,
    previous: Snapshot | None = None, calendar: BudgetCalendar | None = None, cross_edits: CrossEdits | None = None,
    scenario: Scenario | None = None,
) -> Document:
    """The content model of one document (pure; no python-docx), typeset (units and ranges kept together).

    ``calendar`` is the governance file's budget calendar (the proposals' deadlines and price level); without
    one the shipped governance file's is used.
    """
    if document_type is DocumentType.STATUS:
        doc = build_status(snapshot, report, year=year or snapshot.status_date.year, previous=previous)
    elif document_type is DocumentType.READINESS:
        doc = build_readiness(snapshot, report, cross_edits=cross_edits[0] if cross_edits else None,
                              cross_groups=cross_edits[1] if cross_edits else (), scenario=scenario)
    elif document_type is DocumentType.PROPOSALS:
        if calendar is None:
            from kksync.checks.governance import load_governance

            calendar = load_governance().budget_calendar
        doc = build_proposals(snapshot, report, calendar=calendar)
    else:
        doc = build_plan(snapshot, report)
    return typeset_document(doc)


def document_spec(snapshot: Snapshot, document_type: DocumentType, *, title: str, year: int | None = None) -> DocumentSpec:
    if document_type is DocumentType.STATUS:
        year = year or snapshot.status_date.year
    when: int | date = year if year is not None else snapshot.status_date
    return DocumentSpec(
        document_type=document_type, title=title, file_name=safe_file_name(snapshot.plan_key, document_type, when),
        plan_key=snapshot.plan_key, year=year, status_date=snapshot.status_date, snapshot_digest=snapshot.digest(),
    )


def _library_title(title: str) -> str:
    """The title as the library holds it: typed characters only, within SharePoint's 255 for a text column."""
    plain = title.replace(WORD_JOINER, "").replace(NBSP, " ")
    return plain if len(plain) <= TEXT_MAX else plain[: TEXT_MAX - 1].rstrip() + "…"


def render(
    snapshot: Snapshot, report: CheckReport, document_type: DocumentType, *, year: int | None = None,
    previous: Snapshot | None = None, template: TemplateSource = None, calendar: BudgetCalendar | None = None,
    cross_edits: CrossEdits | None = None,
    scenario: Scenario | None = None,
) -> RenderedDocument:
    """Build and write one document; same snapshot, report, template and calendar give the same bytes."""
    from kksync.documents.word.writer import render_docx

    template_bytes = load_template(template)
    content = build_document(snapshot, report, document_type, year=year, previous=previous, calendar=calendar,
                             cross_edits=cross_edits, scenario=scenario)
    spec = document_spec(snapshot, document_type, title=_library_title(content.title), year=year)
    data = render_docx(
        content, template=template_bytes, status_date=snapshot.status_date, identifier=spec.snapshot_digest,
        category=document_type.value,
    )
    return RenderedDocument(spec, data)


def render_status(
    snapshot: Snapshot, report: CheckReport, *, year: int, previous: Snapshot | None = None,
    template: TemplateSource = None,
) -> bytes:
    return render(snapshot, report, DocumentType.STATUS, year=year, previous=previous, template=template).data


def render_readiness(snapshot: Snapshot, report: CheckReport, *, template: TemplateSource = None) -> bytes:
    return render(snapshot, report, DocumentType.READINESS, template=template).data


def render_plan(snapshot: Snapshot, report: CheckReport, *, template: TemplateSource = None) -> bytes:
    return render(snapshot, report, DocumentType.PLAN, template=template).data


def render_proposals(snapshot: Snapshot, report: CheckReport, *, template: TemplateSource = None,
                     calendar: BudgetCalendar | None = None) -> bytes:
    return render(snapshot, report, DocumentType.PROPOSALS, template=template, calendar=calendar).data
