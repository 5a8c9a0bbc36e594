"""Typesetting of a finished document's text (pure): what keeps numbers, units and ranges together.

Applied once to a whole ``Document`` by ``kksync.documents.api.build_document``, so no builder has to
remember it:

- a non-breaking space (U+00A0) between a number and its unit ("12,3 mio. kr.", "60 %", "3 år"), so
  "kr." is never wrapped onto a line of its own;
- a word joiner (U+2060) on both sides of the en dash in a year range ("2011–2012"): Unicode's
  line-breaking rules allow a break after an en dash, the word joiner forbids it, and it takes no
  space (LibreOffice honours it; Word treats it as a zero-width no-break character);
- one full stop where two met ("151.550.000 kr.." → "151.550.000 kr."); an ellipsis is left alone.

The title is typeset too (the writer shows it on the cover, where a long plan title wraps); the subject
and keywords are left as typed, so a search for "2011–2012" finds the document by its plan.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kksync.documents.content.model import (
    Block,
    BulletList,
    Document,
    KeyValues,
    Marking,
    Paragraph,
    Section,
    Table,
)

__all__ = ["NBSP", "WORD_JOINER", "typeset", "typeset_document"]

NBSP = "\u00a0"
WORD_JOINER = "\u2060"
_UNIT = re.compile(r"(?<=\d) (?=(?:kr\.|mio\.|mia\.|%|år\b|måned|dag|dage\b|uger?\b))")
_MIO_KR = re.compile(r"\b(mio|mia)\. kr\.")
_RANGE = re.compile(r"(?<=\d)[\u2060]?–[\u2060]?(?=\d)")
_DOUBLE_STOP = re.compile(r"(?<![.…])\.\.(?!\.)")


def typeset(text: str) -> str:
    """Non-breaking unit spaces, unbreakable year ranges, no doubled full stop."""
    if not text:
        return text
    text = _DOUBLE_STOP.sub(".", text)
    text = _UNIT.sub(NBSP, text)
    text = _MIO_KR.sub(lambda m: f"{m.group(1)}.{NBSP}kr.", text)
    return _RANGE.sub(f"{WORD_JOINER}–{WORD_JOINER}", text)


def _table(table: Table) -> Table:
    columns = tuple(replace(c, header=typeset(c.header)) for c in table.columns)
    rows = tuple(tuple(typeset(cell) for cell in row) for row in table.rows)
    return Table(typeset(table.caption), columns, rows)


def _block(block: Block) -> Block:
    if isinstance(block, Paragraph):
        return Paragraph(typeset(block.text), bold_lead=typeset(block.bold_lead))
    if isinstance(block, Marking):
        return Marking(typeset(block.text))
    if isinstance(block, BulletList):
        return BulletList(tuple(typeset(i) for i in block.items))
    if isinstance(block, KeyValues):
        return KeyValues(tuple((typeset(k), typeset(v)) for k, v in block.pairs))
    if isinstance(block, Table):
        return _table(block)
    # A chart's categories and series names are drawn by the chart engine, not wrapped as text.
    return replace(block, title=typeset(block.title), alt_text=typeset(block.alt_text), table=_table(block.table))


def _section(section: Section) -> None:
    section.title = typeset(section.title)
    section.blocks = [_block(b) for b in section.blocks]
    for child in section.sections:
        _section(child)


def typeset_document(doc: Document) -> Document:
    """The same document with every visible text typeset (in place; returned for chaining)."""
    doc.title = typeset(doc.title)
    doc.subtitle = typeset(doc.subtitle)
    doc.cover_lines = [typeset(line) for line in doc.cover_lines]
    if doc.marking:
        doc.marking = typeset(doc.marking)
    for section in doc.sections:
        _section(section)
    return doc


