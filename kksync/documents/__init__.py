"""Status, readiness and action-plan documents (.docx), accessible and reproducible.

Layers: a pure content model (``content``) built by ``status``, ``readiness`` and ``plan`` from a
``Snapshot`` and a ``CheckReport``, with the Danish formats of ``kksync.core.fmt`` (shared with the
check messages); the .docx side (``word``: writer, charts and the template), which alone imports
python-docx/pptx, and only when a document is written; the accessibility linter (``word.lint``);
safe file names (``content.names``).
"""

from __future__ import annotations

from kksync.documents.api import (
    DOCX_CONTENT_TYPE,
    DocumentSpec,
    RenderedDocument,
    build_document,
    document_spec,
    render,
    render_plan,
    render_readiness,
    render_status,
)
from kksync.documents.content.names import is_safe_file_name, safe_file_name

__all__ = [
    "DOCX_CONTENT_TYPE",
    "DocumentSpec",
    "RenderedDocument",
    "build_document",
    "document_spec",
    "is_safe_file_name",
    "render",
    "render_plan",
    "render_readiness",
    "render_status",
    "safe_file_name",
]
