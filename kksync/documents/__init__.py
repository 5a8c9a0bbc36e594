"""Status, readiness and action-plan documents (.docx), accessible and reproducible.

Layers: a pure content model (``content``) built by ``status``, ``readiness`` and ``plan`` from a
``Snapshot`` and a ``CheckReport``, with the Danish formats of ``kksync.core.fmt`` (shared with the
check messages); the .docx side (``word``: writer, charts and the template), which alone imports
python-docx/pptx, and only when a document is written; the accessibility linter (``word.lint``);
safe file names (``content.names``).

The public API is ``api.__all__`` plus the file-name helpers, listed once each.
"""

from __future__ import annotations

from kksync.documents import api
from kksync.documents.api import *  # noqa: F403
from kksync.documents.content.names import is_safe_file_name, safe_file_name

__all__ = ["is_safe_file_name", "safe_file_name"]
__all__ += api.__all__
