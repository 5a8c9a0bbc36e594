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
from kksync.documents.word.package import deterministic_zip
from kksync.documents.word.template import open_template
from kksync.errors import TemplateError
from kksync.texts import ORGANISATION

__all__ = ["TEXT_WIDTH_TWIPS", "render_docx"]

TEXT_WIDTH_TWIPS = 9070  # 16 cm between A4 margins of 2,5 cm
HEADER_FILL = "1F3A5F"
HEADER_TEXT = "FFFFFF"
_HEADINGS = ("Heading 1", "Heading 2", "Heading 3")
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
        self.style = styles
        self.body = document.element.body
        self.sect_pr = self.body.find(qn("w:sectPr"))
        for child in list(self.body):
            self.body.remove(child)
        self.charts = 0

    def finish(self) -> None:
        if self.sect_pr is not None:
            self.body.append(self.sect_pr)

    # --- paragraphs ---------------------------------------------------------------------

    def paragraph(self, style: str | None, text: str = "", *, bold_lead: str = "", parent: Any = None,
                  align: str | None = None, bold: bool = False, keep_next: bool = False) -> Any:
        p = _el(self.body if parent is None else parent, "w:p")
        if style is not None or align or keep_next:
            ppr = _el(p, "w:pPr")
            if style is not None:
                _el(ppr, "w:pStyle", val=self.style[style])
            if keep_next:
                _el(ppr, "w:keepNext")
            if align:
                _el(ppr, "w:jc", val=align)
        if bold_lead:
            self.run(p, bold_lead, bold=True)
        if text:
            self.run(p, text, bold=bold)
        return p

    def run(self, p: Any, text: str, *, bold: bool = False, color: str | None = None) -> None:
        r = _el(p, "w:r")
        if bold or color:
            rpr = _el(r, "w:rPr")
            if bold:
                _el(rpr, "w:b")
            if color:
                _el(rpr, "w:color", val=color)
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

    def page_break(self) -> None:
        _el(_el(_el(self.body, "w:p"), "w:r"), "w:br", type="page")

    # --- blocks -------------------------------------------------------------------------

    def block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            self.paragraph("Normal", block.text, bold_lead=(block.bold_lead + (": " if block.text else "")) if block.bold_lead else "",
                           keep_next=not block.text)
        elif isinstance(block, Marking):
            self.paragraph("KK Markering", block.text)
        elif isinstance(block, BulletList):
            for item in block.items:
                self.paragraph("List Bullet", item or "–")
        elif isinstance(block, KeyValues):
            for key, value in block.pairs:
                self.paragraph("KK Felt", value or "–", bold_lead=f"{key}: ")
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Chart):
            self.chart(block)

    def table(self, table: Table) -> None:
        if table.caption:
            self.paragraph("Caption", table.caption, keep_next=True)
        tbl = _el(self.body, "w:tbl")
        tbl_pr = _el(tbl, "w:tblPr")
        _el(tbl_pr, "w:tblStyle", val=self.style["KK Tabel"])
        _el(tbl_pr, "w:tblW", w="5000", type="pct")
        _el(tbl_pr, "w:tblLayout", type="fixed")
        _el(tbl_pr, "w:tblLook", val="0620", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0",
            noHBand="1", noVBand="1")
        if table.caption:
            _el(tbl_pr, "w:tblCaption", val=table.caption[:255])
        weights = sum(c.width for c in table.columns) or 1.0
        widths = [str(int(TEXT_WIDTH_TWIPS * c.width / weights)) for c in table.columns]
        grid = _el(tbl, "w:tblGrid")
        for width in widths:
            _el(grid, "w:gridCol", w=width)
        aligns = ["right" if c.numeric else None for c in table.columns]
        self.row(tbl, [c.header for c in table.columns], widths, aligns, header=True)
        rows = table.rows or (tuple("–" for _ in table.columns),)
        for row in rows:
            self.row(tbl, list(row), widths, aligns, header=False)
        self.paragraph(None)  # Word needs a paragraph between adjacent tables; it also gives air

    def row(self, tbl: Any, cells: list[str], widths: list[str], aligns: list[str | None], *, header: bool) -> None:
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
            p = self.paragraph(None, parent=tc, align=align)
            if text:
                self.run(p, text, bold=header, color=HEADER_TEXT if header else None)

    def chart(self, chart: Chart) -> None:
        self.charts += 1
        self.paragraph("Caption", chart.title, keep_next=True)
        p = self.paragraph(None, keep_next=True)
        p.append(add_chart(self.document.part, chart, number=self.charts, created=self.created))
        self.table(chart.table)

    def section(self, section: Section, level: int) -> None:
        style = _HEADINGS[min(level, len(_HEADINGS)) - 1]
        self.paragraph(style, section.title or "–")
        for block in section.blocks:
            self.block(block)
        for child in section.sections:
            self.section(child, level + 1)


def _header_marking(document: Any, text: str) -> None:
    header = document.sections[0].header
    paragraph = header.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = True
    from docx.shared import RGBColor

    run.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)


def _set_language(document: Any, language: str) -> None:
    """Make sure the default run language is set even in a restyled template."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        raise TemplateError("Skabelonen har ingen standardformatering (w:docDefaults); byg den med scripts/build_template.py.")
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = _el(defaults, "w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = _el(rpr_default, "w:rPr")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = _el(rpr, "w:lang")
    lang.set(qn("w:val"), language)


_PROPERTY_MAX = 255
"""python-docx refuses longer core properties; a 255-character plan key plus "; 2012" is one."""


def _property(text: str) -> str:
    return text if len(text) <= _PROPERTY_MAX else text[: _PROPERTY_MAX - 1].rstrip() + "…"


def render_docx(doc: Document, *, template: bytes, status_date: date, identifier: str = "", category: str = "") -> bytes:
    """The .docx bytes for ``doc``; equal inputs give byte-identical output."""
    document = open_template(template)
    stamp = datetime.combine(status_date, time(12, 0), UTC)
    body = _Body(document, stamp)
    body.paragraph("Title", doc.title or "–")
    if doc.subtitle:
        body.paragraph("Subtitle", doc.subtitle)
    if doc.marking:
        body.paragraph("KK Markering", doc.marking)
    for line in doc.cover_lines:
        if line and line not in (doc.subtitle, doc.title):
            body.paragraph("Normal", line)
    body.page_break()
    for section in doc.sections:
        body.section(section, 1)
    body.finish()
    if doc.marking:
        _header_marking(document, doc.marking)
    _set_language(document, doc.language)

    props = document.core_properties
    props.title = _property(doc.title)
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
    return deterministic_zip(out.getvalue())
