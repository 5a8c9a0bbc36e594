"""The Word side's own words: the table of contents (the documents' content texts are in ``documents``)."""

from __future__ import annotations

__all__ = ["WORD"]


class WORD:
    toc_title = "Indhold"
    application = "kksync"
