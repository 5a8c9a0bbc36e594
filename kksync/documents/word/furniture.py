"""What surrounds a document's content: table of contents, page header, language, package properties (adapter).

The table of contents is a generated list of the headings of level 1 and 2, each a link to a
bookmark on its heading, with no Word field: generated documents carry no fields in their body
(``tests/security``), and a ``TOC`` field's page numbers exist only after Word updates it (LibreOffice
and the intranet preview show the cached result). Page numbers are left out rather than guessed,
since a guessed page number would be false.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn
from lxml import etree

from kksync.errors import TemplateError
from kksync.texts.word import WORD

__all__ = ["Heading", "add_toc", "bookmark", "header_name", "set_language"]

TOC_LEVELS = 2


class Heading:
    """A heading the writer placed: its level, text and bookmark name."""

    __slots__ = ("bookmark", "level", "text")

    def __init__(self, level: int, text: str, bookmark: str) -> None:
        self.level, self.text, self.bookmark = level, text, bookmark


def _el(parent: Any, tag: str, **attrs: str) -> Any:
    element = etree.SubElement(parent, qn(tag))
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def bookmark(p: Any, name: str, number: int) -> None:
    """Wrap the paragraph's runs in a bookmark (the target of a TOC entry)."""
    start = etree.Element(qn("w:bookmarkStart"))
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    ppr = p.find(qn("w:pPr"))
    (ppr.addnext(start) if ppr is not None else p.insert(0, start))
    end = _el(p, "w:bookmarkEnd")
    end.set(qn("w:id"), str(number))


def add_toc(anchor: Any, headings: list[Heading], styles: dict[str, str]) -> None:
    """Insert the contents heading and the list of headings before ``anchor`` (a body element)."""
    entries = [h for h in headings if h.level <= TOC_LEVELS]
    title = etree.Element(qn("w:p"))
    _el(_el(title, "w:pPr"), "w:pStyle", val=styles.get("TOC Heading", styles["Heading 1"]))
    run = _el(title, "w:r")
    _el(run, "w:t").text = WORD.toc_title
    paragraphs = [title]
    for heading in entries:
        p = etree.Element(qn("w:p"))
        ppr = _el(p, "w:pPr")
        style = styles.get(f"toc {heading.level}")
        if style:
            _el(ppr, "w:pStyle", val=style)
        if style is None and heading.level > 1:
            _el(ppr, "w:ind", left="284")
        # no page number: only a field could give it, and a guessed one would be false
        link = _el(p, "w:hyperlink", anchor=heading.bookmark, history="1")
        _el(_el(link, "w:r"), "w:t").text = heading.text
        paragraphs.append(p)
    for p in paragraphs:
        anchor.addprevious(p)


def header_name(document: Any, text: str) -> None:
    """Name the document in the running page header, before what the template's header says."""
    header = document.sections[0].header
    paragraphs = header.paragraphs
    first = paragraphs[0] if paragraphs else header.add_paragraph()
    p = first.insert_paragraph_before(text)
    p.alignment = first.alignment
    for run in p.runs:
        run.font.size = first.runs[0].font.size if first.runs else None


def set_language(document: Any, language: str) -> None:
    """The default run language and the theme font language, even in a restyled template."""
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
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), language)
