"""Accessibility linter for any .docx (WCAG 2.1 AA / EN 301 549 as the Danish web-accessibility law asks).

Checks what can be checked in the file: document title and language set (core properties and
the default run language), headings present and in order without skipped levels, tables with a
marked (repeated) header row and no merged header cells, no layout tables (nested, or a single
cell), alt text on every drawing (charts and images), and meaningful link text; and, in
``lint_more``, empty spacing paragraphs, bold text posing as headings, a title that does not name the
plan, chart alt text that misnames the chart or gives no finding, chart colours under 3:1 or
indistinguishable for red–green colour blindness, and language settings left over from a template.
Reads the zip with the standard library and lxml only, so it also runs on documents kksync did not write.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from kksync.documents.word.lint_more import check_charts, check_language_settings, check_paragraphs, check_title

__all__ = ["LintIssue", "lint_docx", "lint_main", "plain_text"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
DC = "http://purl.org/dc/elements/1.1/"
_GENERIC_LINKS = {"her", "klik her", "læs mere", "link", "click here", "here", "read more", "mere", "more"}
_URL = re.compile(r"^\s*(https?://|www\.)\S+\s*$", re.IGNORECASE)
_HEADING_NAME = re.compile(r"^heading ([1-9])$", re.IGNORECASE)


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\xad"))
_INVISIBLE.update({ord("\xa0"): " ", ord("\u202f"): " ", ord("\u2011"): "-", ord("\u2010"): "-"})


def plain_text(text: str) -> str:
    """Text as a reader searches it: no joiners or soft hyphens, ordinary spaces and hyphens."""
    return " ".join(text.translate(_INVISIBLE).split())


@dataclass(frozen=True, slots=True)
class LintIssue:
    code: str
    message: str
    """Danish."""
    message_en: str
    where: str = ""

    def __str__(self) -> str:
        where = f" ({self.where})" if self.where else ""
        return f"[{self.code}] {self.message} / {self.message_en}{where}"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(_w("t")))


def _parse(archive: zipfile.ZipFile, name: str) -> Any | None:
    try:
        return etree.fromstring(archive.read(name))
    except KeyError:
        return None


def _heading_levels(styles: Any | None) -> dict[str, int]:
    """styleId → heading level, from the style name or an outline level (following basedOn)."""
    if styles is None:
        return {}
    by_id: dict[str, Any] = {s.get(_w("styleId")): s for s in styles.iter(_w("style"))}

    def level(style_id: str, depth: int = 0) -> int | None:
        style = by_id.get(style_id)
        if style is None or depth > 10:
            return None
        name = style.find(_w("name"))
        if name is not None and (match := _HEADING_NAME.match(name.get(_w("val"), ""))):
            return int(match[1])
        outline = style.find(f"{_w('pPr')}/{_w('outlineLvl')}")
        if outline is not None and outline.get(_w("val"), "9").isdigit() and int(outline.get(_w("val"), "9")) < 9:
            return int(outline.get(_w("val"), "9")) + 1
        based = style.find(_w("basedOn"))
        return level(based.get(_w("val"), ""), depth + 1) if based is not None else None

    return {sid: lvl for sid in by_id if (lvl := level(sid)) is not None}


def _check_properties(archive: zipfile.ZipFile, styles: Any | None, issues: list[LintIssue]) -> None:
    core = _parse(archive, "docProps/core.xml")
    title = core.find(f"{{{DC}}}title") if core is not None else None
    if title is None or not (title.text or "").strip():
        issues.append(LintIssue("title-missing", "Dokumentet har ingen titel i egenskaberne.", "The document has no title property."))
    language = core.find(f"{{{DC}}}language") if core is not None else None
    lang = styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}/{_w('lang')}") if styles is not None else None
    if language is None or not (language.text or "").strip():
        issues.append(LintIssue("language-missing", "Dokumentets sprog er ikke angivet i egenskaberne.",
                                "The document language property is not set."))
    if lang is None or not lang.get(_w("val")):
        issues.append(LintIssue("language-missing", "Standardsproget for teksten er ikke angivet (w:lang).",
                                "The default text language (w:lang) is not set.", "styles.xml"))


def _check_headings(body: Any, levels: dict[str, int], issues: list[LintIssue]) -> None:
    previous = 0
    count = 0
    for p in body.iter(_w("p")):
        style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
        level = levels.get(style.get(_w("val"), "")) if style is not None else None
        outline = p.find(f"{_w('pPr')}/{_w('outlineLvl')}")
        if outline is not None and outline.get(_w("val"), "9").isdigit() and int(outline.get(_w("val"), "9")) < 9:
            level = int(outline.get(_w("val"), "9")) + 1
        if level is None:
            continue
        count += 1
        text = _text(p).strip()
        where = f"overskrift {count}: «{text[:60]}»"
        if not text:
            issues.append(LintIssue("heading-empty", "Tom overskrift.", "Empty heading.", where))
        if level > previous + 1:
            issues.append(LintIssue("heading-skip", f"Overskriften springer fra niveau {previous} til {level}.",
                                    f"Heading skips from level {previous} to {level}.", where))
        previous = level
    if count == 0:
        issues.append(LintIssue("no-headings", "Dokumentet har ingen rigtige overskrifter.", "The document has no real headings."))


def _check_tables(body: Any, issues: list[LintIssue]) -> None:
    for n, tbl in enumerate(body.iter(_w("tbl")), start=1):
        where = f"tabel {n}"
        rows = tbl.findall(_w("tr"))
        if tbl.getparent() is not None and any(a.tag == _w("tbl") for a in tbl.iterancestors()):
            issues.append(LintIssue("layout-table", "Tabel inde i en tabel (layouttabel).", "Nested (layout) table.", where))
            continue
        cells = rows[0].findall(_w("tc")) if rows else []
        if len(rows) <= 1 and len(cells) <= 1:
            issues.append(LintIssue("layout-table", "Tabel med én celle bruges til layout.", "Single-cell table used for layout.", where))
            continue
        if rows[0].find(f"{_w('trPr')}/{_w('tblHeader')}") is None:
            issues.append(LintIssue("table-header-missing", "Tabellens første række er ikke markeret som overskriftsrække.",
                                    "The table's first row is not marked as a header row.", where))
        for tc in cells:
            pr = tc.find(_w("tcPr"))
            span = pr.find(_w("gridSpan")) if pr is not None else None
            if pr is not None and (pr.find(_w("vMerge")) is not None or pr.find(_w("hMerge")) is not None
                                   or (span is not None and span.get(_w("val"), "1") != "1")):
                issues.append(LintIssue("table-header-merged", "Overskriftsrækken har flettede celler.",
                                        "The header row has merged cells.", where))
                break


def _check_drawings_and_links(archive: zipfile.ZipFile, issues: list[LintIssue]) -> None:
    parts = sorted(n for n in archive.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n))
    for name in parts:
        root = _parse(archive, name)
        if root is None:
            continue
        for n, doc_pr in enumerate(root.iter(f"{{{WP}}}docPr"), start=1):
            if not (doc_pr.get("descr") or "").strip() and doc_pr.get("hidden") not in ("1", "true"):
                issues.append(LintIssue("alt-text-missing", "Diagram eller billede uden alternativ tekst.",
                                        "Chart or image without alt text.", f"{name}: {doc_pr.get('name') or n}"))
        for link in root.iter(_w("hyperlink")):
            text = _text(link).strip()
            if not text or text.lower().rstrip(".:") in _GENERIC_LINKS or _URL.match(text):
                issues.append(LintIssue("link-text", "Linkteksten siger ikke, hvor linket fører hen.",
                                        "The link text does not say where the link goes.", f"{name}: «{text[:60]}»"))


def lint_docx(data: bytes | str | Path) -> list[LintIssue]:
    """Accessibility problems in a .docx; an empty list means it passes."""
    raw = data if isinstance(data, bytes) else Path(data).read_bytes()
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        return [LintIssue("not-docx", "Filen er ikke et Word-dokument (.docx).", "The file is not a Word document (.docx).")]
    with archive:
        document = _parse(archive, "word/document.xml")
        if document is None:
            return [LintIssue("not-docx", "Filen er ikke et Word-dokument (.docx).", "The file is not a Word document (.docx).")]
        styles = _parse(archive, "word/styles.xml")
        issues: list[LintIssue] = []

        def issue(code: str, message: str, message_en: str, where: str = "") -> None:
            issues.append(LintIssue(code, message, message_en, where))

        _check_properties(archive, styles, issues)
        body = document.find(_w("body"))
        if body is not None:
            _check_headings(body, _heading_levels(styles), issues)
            _check_tables(body, issues)
            check_paragraphs(body, styles, plain_text, issue)
        _check_drawings_and_links(archive, issues)
        check_title(archive, body, styles, plain_text, issue)
        check_charts(archive, document, plain_text, issue)
        check_language_settings(archive, styles, issue)
    return issues


def lint_main(path: str | Path) -> int:
    """``kksync report lint FILE``: print the issues; 0 when none, 1 when any, 2 when unreadable."""
    try:
        issues = lint_docx(Path(path))
    except (OSError, etree.XMLSyntaxError) as error:
        print(f"Kan ikke læse {path}: {error} / Cannot read {path}", file=sys.stderr)
        return 2
    if not issues:
        print(f"{path}: ingen tilgængelighedsproblemer fundet / no accessibility issues found")
        return 0
    print(f"{path}: {len(issues)} tilgængelighedsproblemer / accessibility issues")
    for issue in issues:
        print(f"  {issue}")
    return 1
