"""Render a content-model ``Document`` as .docx bytes (adapter: python-docx and lxml).

Body XML is built directly with lxml (python-docx's cell API is quadratic on big tables);
python-docx opens the template, holds the package, sets core properties and saves. Text arrives
clean from the content model and is only ever put into ``w:t`` runs, so ``{{ }}`` or ``{% %}``
in user text stays literal. Tables get a repeated, marked header row and rows that do not split
across pages; charts get alt text and are followed by a table with their numbers.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time
from typing import Any

from docx.oxml.ns import qn
from lxml import etree

from kksync.documents.content.model import (
    Block,
    BulletList,
    Chart,
    Document,
    KeyValues,
    Marking,
    Paragraph,
    Section,
    Table,
)
from kksync.documents.word.charts import add_chart
from kksync.documents.word.furniture import (
    Heading,
    add_toc,
    bookmark,
    header_name,
    set_language,
)
from kksync.documents.word.layout import column_widths, fitting_size
from kksync.documents.word.lint import plain_text
from kksync.documents.word.package import APP_XML, deterministic_zip
from kksync.documents.word.template import open_template
from kksync.texts import ORGANISATION

__all__ = ["TEXT_WIDTH_TWIPS", "full_title", "render_docx"]

TEXT_WIDTH_TWIPS = 9070  # 16 cm between A4 margins of 2,5 cm
TABLE_FONT_PT = 9.0
"""The "KK Tabel" style's size; column widths are measured at the size a table is set in."""
TABLE_FONT_SIZES = (TABLE_FONT_PT, 8.5, 8.0, 7.5, 7.0)
CELL_MARGIN_TWIPS = 85
CELL_SLACK_TWIPS = 60
"""Room for borders and a renderer's rounding, so a word measured to fit does fit."""
AFTER_TABLE_TWIPS = 200
SHORT_TABLE_ROWS = 12
INTRO_MAX_CHARS = 400
TOC_MIN_HEADINGS = 8
"""Documents with at least this many headings get a table of contents after the cover."""
HEADER_FILL = "1F3A5F"
HEADER_TEXT = "FFFFFF"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _el(parent: Any, tag: str, **attrs: str) -> Any:
    element = etree.SubElement(parent, qn(tag))
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


class _Body:
    def __init__(self, document: Any, created: datetime) -> None:
        self.document = document
        self.created = created
        styles = {style.name: style.style_id for style in document.styles}
        # Word's built-in names are lower case in styles.xml ("toc 1"); python-docx shows some capitalised
        styles.update({name.lower(): sid for name, sid in list(styles.items())})
        self.style = styles
        self.body = document.element.body
        self.sect_pr = self.body.find(qn("w:sectPr"))
        for child in list(self.body):
            self.body.remove(child)
        self.charts = 0
        self.headings: list[Heading] = []
        self.after_table = False

    def finish(self) -> None:
        if len(self.body) and self.body[-1].tag == qn("w:tbl"):
            self.paragraph(None)  # a body cannot end in a table
        if self.sect_pr is not None:
            self.body.append(self.sect_pr)

    # --- paragraphs ---------------------------------------------------------------------

    def paragraph(self, style: str | None, text: str = "", *, bold_lead: str = "", parent: Any = None,
                  align: str | None = None, bold: bool = False, keep_next: bool = False) -> Any:
        in_body = parent is None
        p = _el(self.body if in_body else parent, "w:p")
        space_before = in_body and self.after_table
        if in_body:
            self.after_table = False
        if not in_body or style is not None or align or keep_next or space_before:
            ppr = _el(p, "w:pPr")
            if style is not None:
                _el(ppr, "w:pStyle", val=self.style[style])
            if keep_next:
                _el(ppr, "w:keepNext")
            if space_before:  # air after a table, as spacing rather than an empty paragraph
                _el(ppr, "w:spacing", before=str(AFTER_TABLE_TWIPS))
            elif not in_body:  # a cell's own spacing: the Normal style's would beat the table style's
                _el(ppr, "w:spacing", before="20", after="20", line="240", lineRule="auto")
            if align:
                _el(ppr, "w:jc", val=align)
        if bold_lead:
            self.run(p, bold_lead, bold=True)
        if text:
            self.run(p, text, bold=bold)
        return p

    def run(self, p: Any, text: str, *, bold: bool = False, color: str | None = None, size: float | None = None) -> None:
        r = _el(p, "w:r")
        if bold or color or size:
            rpr = _el(r, "w:rPr")
            if bold:
                _el(rpr, "w:b")
            if color:
                _el(rpr, "w:color", val=color)
            if size:
                _el(rpr, "w:sz", val=str(round(size * 2)))
                _el(rpr, "w:szCs", val=str(round(size * 2)))
        for n, line in enumerate(text.split("\n")):
            if n:
                _el(r, "w:br")
            for m, piece in enumerate(line.split("\t")):
                if m:
                    _el(r, "w:tab")
                if piece:
                    t = _el(r, "w:t")
                    t.text = piece
                    if piece != piece.strip():
                        t.set(_XML_SPACE, "preserve")

    def page_break(self) -> Any:
        p = _el(self.body, "w:p")
        _el(_el(p, "w:r"), "w:br", type="page")
        return p

    def heading(self, level: int, text: str) -> None:
        names = [f"Heading {n}" for n in range(1, 10) if f"Heading {n}" in self.style]
        style = names[min(level, len(names)) - 1]
        p = self.paragraph(style, text or "–")
        number = len(self.headings) + 1
        name = f"_Toc{number:06d}"
        bookmark(p, name, number)
        self.headings.append(Heading(level, text or "–", name))

    # --- blocks -------------------------------------------------------------------------

    def block(self, block: Block, level: int, following: Block | None) -> None:
        if isinstance(block, Paragraph):
            if block.bold_lead and not block.text:
                # a label over the blocks that follow is a heading, not bold body text
                self.heading(level + 1, block.bold_lead)
            else:
                # a short lead-in stays with the table or chart it introduces (and so with the heading above)
                introduces = isinstance(following, Table | Chart) and len(block.text) <= INTRO_MAX_CHARS
                self.paragraph("Normal", block.text, bold_lead=f"{block.bold_lead}: " if block.bold_lead else "",
                               keep_next=introduces)
        elif isinstance(block, Marking):
            self.paragraph("KK Markering", block.text)
        elif isinstance(block, BulletList):
            for n, item in enumerate(block.items):
                self.paragraph("List Bullet", item or "–", keep_next=n < len(block.items) - 1 and len(block.items) <= 8)
        elif isinstance(block, KeyValues):
            for n, (key, value) in enumerate(block.pairs):
                # the fields of one item stay together (and with the heading above them)
                self.paragraph("KK Felt", value or "–", bold_lead=f"{key}: ", keep_next=n < len(block.pairs) - 1)
        elif isinstance(block, Table):
            self.table(block, separate=isinstance(following, Table | Chart) and not _caption_of(following))
        elif isinstance(block, Chart):
            self.chart(block)

    def table(self, table: Table, *, separate: bool = False) -> None:
        if table.caption:
            self.paragraph("Caption", table.caption, keep_next=True)
        elif self.after_table:
            self.paragraph(None)  # two tables side by side would merge into one
        self.after_table = False
        tbl = _el(self.body, "w:tbl")
        tbl_pr = _el(tbl, "w:tblPr")
        _el(tbl_pr, "w:tblStyle", val=self.style["KK Tabel"])
        _el(tbl_pr, "w:tblW", w="5000", type="pct")
        _el(tbl_pr, "w:tblLayout", type="fixed")
        margins = _el(tbl_pr, "w:tblCellMar")  # stated here too: not every reader takes it from the table style
        _el(margins, "w:left", w=str(CELL_MARGIN_TWIPS), type="dxa")
        _el(margins, "w:right", w=str(CELL_MARGIN_TWIPS), type="dxa")
        _el(tbl_pr, "w:tblLook", val="0620", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0",
            noHBand="1", noVBand="1")
        if table.caption:
            _el(tbl_pr, "w:tblCaption", val=table.caption[:255])
        rows = table.rows or (tuple("–" for _ in table.columns),)
        headers = [c.header for c in table.columns]
        margin = 2 * CELL_MARGIN_TWIPS + CELL_SLACK_TWIPS
        # a wide table is set smaller rather than breaking its words (down to 7 pt, still readable)
        size = fitting_size(headers, rows, total=TEXT_WIDTH_TWIPS, sizes=TABLE_FONT_SIZES, margin=margin)
        widths = [str(w) for w in column_widths(
            headers, rows, [c.width for c in table.columns], total=TEXT_WIDTH_TWIPS, size_pt=size, margin=margin,
        )]
        grid = _el(tbl, "w:tblGrid")
        for width in widths:
            _el(grid, "w:gridCol", w=width)
        aligns = ["right" if c.numeric else None for c in table.columns]
        short = len(rows) <= SHORT_TABLE_ROWS  # a short table is kept on one page
        self.row(tbl, headers, widths, aligns, header=True, keep_next=True, size=size)
        for n, row in enumerate(rows):
            self.row(tbl, list(row), widths, aligns, header=False, keep_next=short and n < len(rows) - 1, size=size)
        self.after_table = True

    def row(self, tbl: Any, cells: list[str], widths: list[str], aligns: list[str | None], *, header: bool,
            keep_next: bool, size: float) -> None:
        tr = _el(tbl, "w:tr")
        tr_pr = _el(tr, "w:trPr")
        _el(tr_pr, "w:cantSplit")
        if header:
            _el(tr_pr, "w:tblHeader")
        for text, width, align in zip(cells, widths, aligns, strict=True):
            tc = _el(tr, "w:tc")
            tc_pr = _el(tc, "w:tcPr")
            _el(tc_pr, "w:tcW", w=width, type="dxa")
            if header:
                # direct formatting too: not every reader applies a table style's first-row look
                _el(tc_pr, "w:shd", val="clear", color="auto", fill=HEADER_FILL)
            p = self.paragraph(None, parent=tc, align=align, keep_next=keep_next)
            if text:
                # the size stated on the run: whether a table style's size beats the Normal style's differs
                # between Word versions (overrideTableStyleFontSizeAndJustification) and LibreOffice
                self.run(p, text, bold=header, color=HEADER_TEXT if header else None, size=size)

    def chart(self, chart: Chart) -> None:
        self.charts += 1
        self.paragraph("Caption", chart.title, keep_next=True)
        p = self.paragraph(None)
        p.append(add_chart(self.document.part, chart, number=self.charts, created=self.created))
        self.table(chart.table)

    def section(self, section: Section, level: int) -> None:
        self.heading(level, section.title or "–")
        for n, block in enumerate(section.blocks):
            following = section.blocks[n + 1] if n + 1 < len(section.blocks) else None
            self.block(block, level, following)
        for child in section.sections:
            self.section(child, level + 1)


def _caption_of(block: Block | None) -> str:
    if isinstance(block, Table):
        return block.caption
    if isinstance(block, Chart):
        return block.title
    return ""


def _header_marking(document: Any, text: str) -> None:
    header = document.sections[0].header
    paragraph = header.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = True
    from docx.shared import RGBColor

    run.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)


_PROPERTY_MAX = 255
"""python-docx refuses longer core properties; a 255-character plan key plus "; 2012" is one."""


def _property(text: str) -> str:
    return text if len(text) <= _PROPERTY_MAX else text[: _PROPERTY_MAX - 1].rstrip() + "…"


def _plan_name(doc: Document) -> str:
    """What the document is about: its subject, or for a plan without a name its key (the first keyword)."""
    return doc.subject or doc.keywords.split(";")[0].strip()


def full_title(doc: Document) -> str:
    """The document's title naming its plan: the title, and the plan when the title leaves it out."""
    name = _plan_name(doc)
    if not name or plain_text(name).casefold() in plain_text(doc.title).casefold():
        return doc.title or "–"
    return f"{doc.title} – {name}"


def render_docx(doc: Document, *, template: bytes, status_date: date, identifier: str = "", category: str = "") -> bytes:
    """The .docx bytes for ``doc``; equal inputs give byte-identical output."""
    document = open_template(template)
    stamp = datetime.combine(status_date, time(12, 0), UTC)
    body = _Body(document, stamp)
    name = plain_text(_plan_name(doc)).casefold()
    on_cover = plain_text(f"{doc.title} {doc.subtitle}").casefold()
    body.paragraph("Title", doc.title if name in on_cover else full_title(doc))
    if doc.subtitle:
        body.paragraph("Subtitle", doc.subtitle)
    if doc.marking:
        body.paragraph("KK Markering", doc.marking)
    for line in doc.cover_lines:
        if line and line not in (doc.subtitle, doc.title):
            body.paragraph("Normal", line)
    cover_end = body.page_break()
    for section in doc.sections:
        body.section(section, 1)
    body.finish()
    if len(body.headings) >= TOC_MIN_HEADINGS and cover_end.getnext() is not None:
        first = cover_end.getnext()
        add_toc(first, body.headings, body.style)
        breaker = body.page_break()  # appended at the end: move it before the first section
        first.addprevious(breaker)
    title = full_title(doc)
    header_name(document, title)
    if doc.marking:
        _header_marking(document, doc.marking)
    set_language(document, doc.language)

    props = document.core_properties
    props.title = _property(plain_text(title))
    props.subject = _property(doc.subject)
    props.keywords = _property(doc.keywords)
    props.category = _property(category)
    props.language = doc.language
    props.author = props.last_modified_by = ORGANISATION
    props.identifier = identifier
    props.content_status = "Udkast" if doc.marking else ""
    props.comments = ""
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue(), replace={"docProps/app.xml": APP_XML}, drop=_LEFTOVERS)


_LEFTOVERS = ("docProps/thumbnail.jpeg", "word/stylesWithEffects.xml")
"""Template leftovers a generated document does not carry (a blank preview picture, Word 2010 style copies)."""
