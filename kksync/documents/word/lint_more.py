"""The linter's checks beyond structure: spacing, fake headings, the title, charts, language settings.

- ``empty-paragraph``: an empty body paragraph used as spacing (spacing before/after does that; a
  screen reader announces every empty paragraph as "blank"). The one paragraph Word needs between two
  tables, and a body's last paragraph after a table, are allowed.
- ``fake-heading``: a short Normal paragraph set wholly in bold, followed by content: it looks like a
  heading but is not one for a screen reader or the navigation pane.
- ``title-plan``: the title (core property, and the title page's Title and Subtitle) does not name the
  plan, which kksync states as the document's subject (or, for a plan without a name, as the first
  keyword: its key).
- ``alt-text-chart``: a chart's alt text that does not name the chart's type (horizontal or vertical
  bars, stacked or not, lines, pie) or gives no finding (no number, or only the title again).
- ``chart-contrast`` / ``chart-colour-blind``: a series colour under 3:1 against white (WCAG 1.4.11),
  or two series that a protanope or deuteranope cannot tell apart.
- ``language-settings``: the theme font language, the style languages or the decimal symbol do not
  follow the document language (a template's ``en-US`` and "." left over), or heading styles whose
  font the theme overrides.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable
from typing import Any

from lxml import etree

from kksync.documents.word.colours import MIN_CONTRAST, MIN_CVD_DELTA_E, contrast_ratio, cvd_delta_e

__all__ = ["check_charts", "check_language_settings", "check_paragraphs", "check_title"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DC = "http://purl.org/dc/elements/1.1/"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
FAKE_HEADING_MAX = 100
"""A bold paragraph longer than this is emphasis, not a heading."""

Issue = Callable[[str, str, str, str], None]


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(_w("t")))


def _spoken(element: Any) -> str:
    """The text with tabs and line breaks as spaces (how the words read, not how ``w:t`` splits them)."""
    parts = []
    for node in element.iter(_w("t"), _w("tab"), _w("br"), _w("cr")):
        parts.append(node.text or "" if node.tag == _w("t") else " ")
    return "".join(parts)


def _on(element: Any | None) -> bool:
    return element is not None and element.get(_w("val"), "true").lower() not in ("0", "false", "off")


def _is_blank(p: Any) -> bool:
    if _text(p).strip():
        return False
    for tag in ("drawing", "pict", "object", "br", "fldChar", "instrText", "fldSimple", "tab", "sym"):
        if p.find(f".//{_w(tag)}") is not None:
            return False
    return p.find(f"{_w('pPr')}/{_w('sectPr')}") is None


def check_paragraphs(body: Any, styles: Any | None, plain: Callable[[str], str], issue: Issue) -> None:
    """``empty-paragraph`` and ``fake-heading`` over the body's own paragraphs (not table cells)."""
    by_name = {}
    if styles is not None:
        for style in styles.iter(_w("style")):
            name = style.find(_w("name"))
            if name is not None:
                by_name[name.get(_w("val"), "").lower()] = style.get(_w("styleId"))
    normal = by_name.get("normal", "Normal")
    bold_styles = set()
    if styles is not None:
        for style in styles.iter(_w("style")):
            if _on(style.find(f"{_w('rPr')}/{_w('b')}")):
                bold_styles.add(style.get(_w("styleId")))
    children = [c for c in body if c.tag in (_w("p"), _w("tbl"))]
    empty = fake = 0
    for n, element in enumerate(children):
        if element.tag != _w("p"):
            continue
        before = children[n - 1].tag if n else None
        after = children[n + 1].tag if n + 1 < len(children) else None
        if _is_blank(element):
            between_tables = before == _w("tbl") and after == _w("tbl")
            closing = after is None and before == _w("tbl")
            if not (between_tables or closing):
                empty += 1
                issue("empty-paragraph", "Tomt afsnit brugt som luft; brug afstand før/efter i stedet.",
                      "Empty paragraph used as spacing; use spacing before/after instead.", f"tomt afsnit {empty}")
            continue
        style = element.find(f"{_w('pPr')}/{_w('pStyle')}")
        style_id = style.get(_w("val"), "") if style is not None else normal
        if style_id != normal or after is None:
            continue
        if element.find(f"{_w('pPr')}/{_w('outlineLvl')}") is not None:
            continue
        text = plain(_text(element))
        if not text or len(text) > FAKE_HEADING_MAX or text.endswith((".", "!", "?")):
            continue
        runs = [r for r in element.iter(_w("r")) if _text(r).strip()]
        if runs and all(_on(r.find(f"{_w('rPr')}/{_w('b')}")) or style_id in bold_styles for r in runs):
            fake += 1
            issue("fake-heading", f"Fed brødtekst brugt som overskrift: «{text[:60]}». Brug en overskriftstypografi.",
                  "Bold body text used as a heading; use a heading style.", f"afsnit «{text[:60]}»")


def check_title(archive: zipfile.ZipFile, body: Any | None, styles: Any | None, plain: Callable[[str], str],
                issue: Issue) -> None:
    """``title-plan``: the core title and the title page name the plan (the subject)."""
    try:
        core = etree.fromstring(archive.read("docProps/core.xml"))
    except KeyError:
        return
    title_el, subject_el = core.find(f"{{{DC}}}title"), core.find(f"{{{DC}}}subject")
    title, subject = plain(title_el.text or "") if title_el is not None else "", plain(subject_el.text or "") if subject_el is not None else ""
    if not title:
        return  # title-missing says so
    if not subject:  # a plan without a name is known by its key, kksync's first keyword
        keywords = core.find(f"{{{CP}}}keywords")
        subject = plain((keywords.text or "").split(";")[0]) if keywords is not None else ""
    if not subject:
        issue("title-plan", "Dokumentets emne (planen, det handler om) er ikke angivet i egenskaberne.",
              "The document's subject (the plan it is about) is not set.", "docProps/core.xml")
        return
    if not _names(title, subject):
        issue("title-plan", f"Titlen «{title[:80]}» nævner ikke planen «{subject[:80]}».",
              "The title property does not name the plan.", "docProps/core.xml")
    if body is None or styles is None:
        return
    ids = {}
    for style in styles.iter(_w("style")):
        name = style.find(_w("name"))
        if name is not None:
            ids[style.get(_w("styleId"))] = name.get(_w("val"), "").lower()
    shown = []
    for p in body.iter(_w("p")):
        style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
        if style is not None and ids.get(style.get(_w("val"), "")) in ("title", "subtitle"):
            shown.append(_spoken(p))
    page = plain(" ".join(shown))
    if not page:
        issue("title-plan", "Dokumentet har ingen titel på forsiden (typografien Titel).",
              "The document has no title paragraph (Title style).", "forside")
    elif not _names(page, subject):
        issue("title-plan", f"Forsidens titel «{page[:80]}» nævner ikke planen «{subject[:80]}».",
              "The title page does not name the plan.", "forside")


NAME_PREFIX = 40
"""A long plan name may be shortened in a title; its first this many characters must still be there."""


def _names(title: str, subject: str) -> bool:
    title, subject = title.casefold(), subject.casefold()
    if subject in title:
        return True
    return len(subject) > NAME_PREFIX and subject[:NAME_PREFIX] in title


# chart type → (words of which one must appear, words that must not)
_BAR_WORDS = ("liggende søjle", "bjælke", "vandret")
_COLUMN_WORDS = ("søjle",)
_TYPE_WORDS = {
    "bar": (_BAR_WORDS, ()),
    "col": (_COLUMN_WORDS, _BAR_WORDS),
    "line": (("kurve", "linje"), ("søjle", "bjælke")),
    "pie": (("cirkel", "lagkage"), ("søjle", "kurve")),
    "area": (("areal", "flade"), ("søjle", "kurve")),
}
_TYPE_NAMES = {"bar": "liggende søjlediagram", "col": "søjlediagram", "line": "kurvediagram", "pie": "cirkeldiagram",
               "area": "arealdiagram"}


def _chart_kind(chart: Any) -> tuple[str, bool] | None:
    plot = chart.find(f".//{{{C}}}plotArea")
    if plot is None:
        return None
    for element in plot:
        local = etree.QName(element).localname
        if local in ("barChart", "bar3DChart"):
            direction = element.find(f"{{{C}}}barDir")
            grouping = element.find(f"{{{C}}}grouping")
            stacked = grouping is not None and "tacked" in (grouping.get("val") or "")
            return ("bar" if direction is not None and direction.get("val") == "bar" else "col"), stacked
        if local in ("lineChart", "line3DChart"):
            return "line", False
        if local in ("pieChart", "pie3DChart", "doughnutChart"):
            return "pie", False
        if local in ("areaChart", "area3DChart"):
            grouping = element.find(f"{{{C}}}grouping")
            return "area", grouping is not None and "tacked" in (grouping.get("val") or "")
    return None


def _series_colours(chart: Any) -> list[tuple[str, str]]:
    found = []
    for ser in chart.iter(f"{{{C}}}ser"):
        name = "".join(v.text or "" for v in ser.iterfind(f"{{{C}}}tx//{{{C}}}v")) or "?"
        colour = ser.find(f"{{{C}}}spPr/{{{A}}}solidFill/{{{A}}}srgbClr")
        if colour is None:
            colour = ser.find(f"{{{C}}}spPr/{{{A}}}ln/{{{A}}}solidFill/{{{A}}}srgbClr")
        if colour is not None and re.fullmatch(r"[0-9A-Fa-f]{6}", colour.get("val") or ""):
            found.append((name, colour.get("val", "")))
    return found


def check_charts(archive: zipfile.ZipFile, document: Any, plain: Callable[[str], str], issue: Issue) -> None:
    """``alt-text-chart``, ``chart-contrast`` and ``chart-colour-blind`` for every chart in the body."""
    try:
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
    except KeyError:
        return
    targets = {r.get("Id"): posixpath.normpath(posixpath.join("word", r.get("Target", ""))) for r in rels.iter(_REL)}
    for inline in document.iter(f"{{{WP}}}inline", f"{{{WP}}}anchor"):
        ref = inline.find(f".//{{{C}}}chart")
        doc_pr = inline.find(f"{{{WP}}}docPr")
        if ref is None or doc_pr is None:
            continue
        where = doc_pr.get("name") or "diagram"
        try:
            chart = etree.fromstring(archive.read(targets.get(ref.get(f"{{{R}}}id"), "")))
        except (KeyError, etree.XMLSyntaxError):
            continue
        alt = plain(doc_pr.get("descr") or "").casefold()
        kind = _chart_kind(chart)
        if alt and kind is not None:
            key, stacked = kind
            needed, wrong = _TYPE_WORDS[key]
            named = any(word in alt for word in needed) and not any(word in alt for word in wrong)
            if named and key in ("bar", "col", "area") and (("stable" in alt) != stacked):
                named = False
            if not named:
                expected = ("stablet " if stacked else "") + _TYPE_NAMES[key]
                issue("alt-text-chart", f"Den alternative tekst nævner ikke diagramtypen ({expected}).",
                      "The alt text does not name the chart type.", where)
            title = plain(doc_pr.get("title") or "").casefold()
            if not re.search(r"\d", alt) or alt.rstrip(".") == title.rstrip("."):
                issue("alt-text-chart", "Den alternative tekst giver ikke diagrammets hovedresultat (ingen tal).",
                      "The alt text gives no finding (no figure).", where)
        colours = _series_colours(chart)
        for name, colour in colours:
            if contrast_ratio(colour) < MIN_CONTRAST:
                ratio = f"{contrast_ratio(colour):.1f}".replace(".", ",")
                issue("chart-contrast", f"Serien «{name[:40]}» har farven #{colour} med kontrast {ratio}:1 mod hvid (mindst 3:1).",
                      "A chart series has less than 3:1 contrast against white.", where)
        for n, (first, a) in enumerate(colours):
            for second, b in colours[n + 1:]:
                if cvd_delta_e(a, b) < MIN_CVD_DELTA_E:
                    issue("chart-colour-blind", f"Serierne «{first[:40]}» og «{second[:40]}» (#{a}, #{b}) kan ikke "
                          "skelnes af farveblinde (rød–grøn).",
                          "Two chart series cannot be told apart with red–green colour blindness.", where)


def check_language_settings(archive: zipfile.ZipFile, styles: Any | None, issue: Issue) -> None:
    """``language-settings``: theme language, style languages, decimal symbol, theme-overridden heading fonts."""
    try:
        core = etree.fromstring(archive.read("docProps/core.xml"))
    except KeyError:
        return
    language_el = core.find(f"{{{DC}}}language")
    language = (language_el.text or "").strip() if language_el is not None else ""
    if not language:
        return  # language-missing says so
    try:
        settings = etree.fromstring(archive.read("word/settings.xml"))
    except KeyError:
        settings = None
    if settings is not None:
        theme = settings.find(_w("themeFontLang"))
        if theme is not None and theme.get(_w("val")) and theme.get(_w("val")) != language:
            issue("language-settings", f"Temaets sprog er {theme.get(_w('val'))}, ikke {language}.",
                  "The theme font language differs from the document language.", "word/settings.xml")
        decimal = settings.find(_w("decimalSymbol"))
        if language.lower().startswith("da") and decimal is not None and decimal.get(_w("val")) != ",":
            issue("language-settings", f"Decimaltegnet er «{decimal.get(_w('val'))}»; på dansk er det komma.",
                  "The decimal symbol is not a comma for a Danish document.", "word/settings.xml")
    for part, root in (("word/styles.xml", styles), ("word/stylesWithEffects.xml", _optional(archive, "word/stylesWithEffects.xml"))):
        if root is None:
            continue
        others = sorted({v for lang in root.iter(_w("lang")) if (v := lang.get(_w("val"))) and v != language})
        if others:
            issue("language-settings", f"Typografierne angiver sproget {', '.join(others)}, ikke {language}.",
                  "Styles set another language than the document's.", part)
    if styles is None:
        return
    for style in styles.iter(_w("style")):
        name = style.find(_w("name"))
        fonts = style.find(f"{_w('rPr')}/{_w('rFonts')}")
        if name is None or fonts is None or not name.get(_w("val"), "").lower().startswith(("heading", "title")):
            continue
        if fonts.get(_w("ascii")) and fonts.get(_w("asciiTheme")):
            issue("language-settings", f"Typografien «{name.get(_w('val'))}» angiver skriften {fonts.get(_w('ascii'))}, "
                  "men temaets skrift går forud.", "The theme font overrides the heading style's font.", "word/styles.xml")


def _optional(archive: zipfile.ZipFile, name: str) -> Any | None:
    try:
        return etree.fromstring(archive.read(name))
    except (KeyError, etree.XMLSyntaxError):
        return None
