"""The document content model: what a document says, independent of Word (pure, no docx import).

A ``Document`` is a cover plus a tree of ``Section``s; a section's heading level is its depth in
the tree, so headings can never skip a level. Blocks are paragraphs, bullet lists, tables,
charts, key–value blocks and markings. Text is cleaned of XML-incompatible characters when a
block is made, so every writer can trust it. A ``Chart`` always carries its numbers, and the
writer shows them in a table beside the chart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from kksync.core.values import clean_text, html_to_text

__all__ = [
    "Block",
    "BulletList",
    "Chart",
    "ChartKind",
    "Column",
    "Document",
    "KeyValues",
    "Marking",
    "Paragraph",
    "Section",
    "Series",
    "Table",
    "clean",
    "rich_text_blocks",
]

MAX_TEXT = 200_000
"""Longest text one block shows; longer text is cut with a note (a 1 MB note is a mistake)."""

_SPACES = re.compile(r"[ \t]+")


def clean(text: str | None, *, limit: int = MAX_TEXT) -> str:
    """Text Word can hold: no control characters or U+FFFE/U+FFFF, bounded length."""
    if not text:
        return ""
    cleaned, _ = clean_text(text)
    cleaned = cleaned.replace("\r\n", "\n").replace("\r", "\n")
    # lone surrogates cannot be encoded as UTF-8 XML
    cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")
    if len(cleaned) > limit:
        cleaned = cleaned[:limit].rstrip() + " […]"
    return cleaned


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    bold_lead: str = ""
    """Optional bold lead-in before the text (e.g. ``"Fase: "``)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean(self.text))
        object.__setattr__(self, "bold_lead", clean(self.bold_lead, limit=500))


@dataclass(frozen=True, slots=True)
class Marking:
    """A prominent notice, e.g. the draft marking of a plan that is not ready."""

    text: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean(self.text, limit=500))


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(clean(i) for i in self.items))


@dataclass(frozen=True, slots=True)
class KeyValues:
    """Label–value pairs, shown as paragraphs with bold labels (not as a layout table)."""

    pairs: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "pairs", tuple((clean(k, limit=500), clean(v)) for k, v in self.pairs))


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    numeric: bool = False
    width: float = 1.0
    """Relative width."""


@dataclass(frozen=True, slots=True)
class Table:
    """A data table: one header row (repeated on every page), then the rows."""

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        width = len(self.columns)
        rows = tuple(tuple(clean(c, limit=20_000) for c in (*row, *([""] * (width - len(row))))[:width]) for row in self.rows)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "caption", clean(self.caption, limit=500))
        cols = tuple(Column(clean(c.header, limit=200) or "–", c.numeric, c.width) for c in self.columns)
        object.__setattr__(self, "columns", cols)


class ChartKind(StrEnum):
    BAR = "bar"
    """Clustered horizontal bars."""
    STACKED_BAR = "stacked_bar"
    COLUMN = "column"
    LINE = "line"


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float, ...]
    color: str | None = None
    """RGB hex such as ``"2E7D32"``; ``None`` takes the theme colour."""


@dataclass(frozen=True, slots=True)
class Chart:
    """A native chart. ``alt_text`` describes it; ``table`` gives the same numbers as text."""

    kind: ChartKind
    title: str
    alt_text: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    value_label: str
    table: Table
    number_format: str = "General"
    integers: bool = False
    """Counts: the value axis steps by whole numbers."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", clean(self.title, limit=300))
        object.__setattr__(self, "alt_text", clean(self.alt_text, limit=2000))
        object.__setattr__(self, "categories", tuple(clean(c, limit=200) or "–" for c in self.categories))


Block = Paragraph | Marking | BulletList | KeyValues | Table | Chart


@dataclass(slots=True)
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.title = clean(self.title, limit=500) or "–"

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self

    def sub(self, title: str) -> Section:
        child = Section(title)
        self.sections.append(child)
        return child


@dataclass(slots=True)
class Document:
    """One document: core properties, a cover, and sections (heading level = depth)."""

    title: str
    subtitle: str
    cover_lines: list[str]
    sections: list[Section] = field(default_factory=list)
    marking: str | None = None
    """Shown on the cover and in the page header (the draft marking)."""
    subject: str = ""
    keywords: str = ""
    language: str = "da-DK"

    def __post_init__(self) -> None:
        self.title = clean(self.title, limit=500) or "–"
        self.subtitle = clean(self.subtitle, limit=500)
        self.cover_lines = [clean(line, limit=500) for line in self.cover_lines]
        self.marking = clean(self.marking, limit=500) or None
        self.subject = clean(self.subject, limit=500)
        self.keywords = clean(self.keywords, limit=500)

    def section(self, title: str) -> Section:
        child = Section(title)
        self.sections.append(child)
        return child


def rich_text_blocks(value: str | None, *, missing: str) -> list[Block]:
    """Paragraphs and bullet lists from a rich-text column's HTML (scripts dropped) or plain text."""
    if not value or not value.strip():
        return [Paragraph(missing)]
    text, _ = html_to_text(clean(value))
    blocks: list[Block] = []
    bullets: list[str] = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if line.startswith("• "):
            bullets.append(line[2:].strip())
            continue
        if bullets:
            blocks.append(BulletList(tuple(bullets)))
            bullets = []
        if line:
            blocks.append(Paragraph(line))
    if bullets:
        blocks.append(BulletList(tuple(bullets)))
    return blocks or [Paragraph(missing)]
