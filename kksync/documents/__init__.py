"""Status, readiness and action-plan documents (.docx), accessible and reproducible.

Layers: a pure content model (``content``) built by ``status``, ``readiness`` and ``plan`` from a
``Snapshot`` and a ``CheckReport``; Danish formats in ``fmt``; the .docx writer (``writer``,
``charts``) and the template (``template``), which alone import python-docx/pptx, and only when
a document is written; the accessibility linter (``lint``); safe file names (``names``).
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
