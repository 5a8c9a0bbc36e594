"""The Word template: building kksync's default one, and loading and checking a replacement.

``build_template()`` makes the municipal base template (A4, restrained dark-blue headings,
Danish language, a table style with a marked header row, header/footer with the organisation
and page numbers) reproducibly; ``scripts/build_template.py`` writes it to
``kksync/documents/word/templates/kksync.docx``. ``load_template()`` accepts a path to a .docx, a directory holding
``kksync.docx`` (``KKSYNC_TEMPLATE_DIR``), raw bytes, or ``None`` for the default, and refuses a
broken or foreign template with a ``TemplateError`` that says what is wrong.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kksync.documents.word.package import APP_XML, deterministic_zip
from kksync.documents.word.template_safety import active_content
from kksync.errors import TemplateError
from kksync.texts import ORGANISATION

__all__ = [
    "DEFAULT_TEMPLATE",
    "REQUIRED_STYLES",
    "TEMPLATE_NAME",
    "TemplateSource",
    "build_template",
    "load_template",
    "open_template",
]

TEMPLATE_NAME = "kksync.docx"
DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "templates" / TEMPLATE_NAME
REQUIRED_STYLES = (
    "Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Caption",
    "KK Tabel", "KK Markering", "KK Felt",
)
DARK_BLUE = "1F3A5F"
TEXT = "222222"
FONT = "Arial"
_TEMPLATE_DATE = datetime(2010, 1, 1, tzinfo=UTC)

TemplateSource = str | Path | bytes | None


def load_template(source: TemplateSource = None) -> bytes:
    """The template's bytes, checked; a missing default falls back to ``build_template()``."""
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source) if source is not None else DEFAULT_TEMPLATE
        if path.is_dir():
            path = path / TEMPLATE_NAME
        if not path.is_file():
            if source is None:
                return build_template()
            raise TemplateError(f"Skabelonen {path} findes ikke eller er ikke en fil. Angiv en .docx-fil eller en mappe med {TEMPLATE_NAME}.")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise TemplateError(f"Skabelonen {path} kan ikke læses: {error.strerror or error}") from None
        # The administrator must learn which file is meant (KKSYNC_TEMPLATE_DIR), not only what is wrong.
        open_template(data, name=f"Skabelonen {path}")
        return data
    open_template(data)
    return data


def open_template(data: bytes, *, name: str = "Skabelonen") -> Any:
    """A python-docx Document from template bytes, or a ``TemplateError`` saying what is wrong with ``name``."""
    import docx

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateError(f"{name} er ikke et Word-dokument (.docx): filen er ikke en zip-pakke.")
    active = active_content(data)  # it would be copied into every generated document
    if active:
        raise TemplateError(f"{name} indeholder aktivt eller eksternt indhold, som kksync ikke fører videre: "
                            + "; ".join(active[:5]) + ". Fjern det, eller tag udgangspunkt i den medfølgende skabelon (kksync/documents/word/templates/kksync.docx).")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors …
        raise TemplateError(f"{name} kan ikke åbnes som Word-dokument (.docx): {error}") from None
    names = {style.name for style in document.styles}
    missing = [style for style in REQUIRED_STYLES if style not in names]
    if missing:
        raise TemplateError(
            f"{name} er ikke en kksync-skabelon; den mangler typografierne " + ", ".join(missing)
            + ". Tag udgangspunkt i den medfølgende skabelon (kksync/documents/word/templates/kksync.docx)."
        )
    return document


def _xml(text: str) -> Any:
    from docx.oxml import parse_xml

    return parse_xml(text)


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _table_style_xml() -> str:
    border = f'w:val="single" w:sz="4" w:space="0" w:color="{DARK_BLUE}"'
    light = 'w:val="single" w:sz="4" w:space="0" w:color="BFC9D6"'
    return (
        f'<w:style {_W} w:type="table" w:customStyle="1" w:styleId="KKTabel"><w:name w:val="KK Tabel"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:qFormat/>'
        '<w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr>'
        f'<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
        f'<w:tblPr><w:tblBorders><w:top {border}/><w:bottom {border}/><w:insideH {light}/></w:tblBorders>'
        '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/><w:color w:val="FFFFFF"/></w:rPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{DARK_BLUE}"/></w:tcPr></w:tblStylePr>'
        '</w:style>'
    )


def _paragraph_style(document: Any, name: str, *, size: float, bold: bool = False, color: str = TEXT,
                     before: float = 0, after: float = 4) -> Any:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = document.styles
    style = styles[name] if name in {s.name for s in styles} else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if style.base_style is None and name != "Normal":
        style.base_style = styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor.from_string(color)
    style.paragraph_format.space_before = Pt(before)
    style.paragraph_format.space_after = Pt(after)
    return style


def build_template() -> bytes:
    """kksync's base template, byte-identical every time."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    styles = document.styles
    _paragraph_style(document, "Normal", size=10.5, after=6)
    styles["Normal"].paragraph_format.line_spacing = 1.15
    _paragraph_style(document, "Title", size=28, bold=True, color=DARK_BLUE, before=120, after=12)
    _paragraph_style(document, "Subtitle", size=16, color="4A5A6A", after=24)
    for level, size, before in ((1, 18, 18), (2, 14, 14), (3, 12, 10)):
        style = _paragraph_style(document, f"Heading {level}", size=size, bold=True, color=DARK_BLUE, before=before, after=6)
        style.paragraph_format.keep_with_next = True
    _paragraph_style(document, "Caption", size=9, bold=True, color="4A5A6A", before=6, after=3).paragraph_format.keep_with_next = True
    _paragraph_style(document, "List Bullet", size=10.5, after=2)
    _paragraph_style(document, "KK Felt", size=10.5, after=1)
    marking = _paragraph_style(document, "KK Markering", size=14, bold=True, color="B00020", before=12, after=12)
    marking.element.get_or_add_pPr().append(
        _xml(f'<w:pBdr {_W}><w:top w:val="single" w:sz="12" w:space="4" w:color="B00020"/>'
             '<w:bottom w:val="single" w:sz="12" w:space="4" w:color="B00020"/></w:pBdr>')
    )
    styles.element.append(_xml(_table_style_xml()))

    # Danish everywhere: the default run language, and the theme font language
    rpr_default = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in rpr_default.findall(qn("w:lang")):
        rpr_default.remove(old)
    rpr_default.append(_xml(f'<w:lang {_W} w:val="da-DK" w:eastAsia="da-DK" w:bidi="ar-SA"/>'))

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.2)
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.text = ORGANISATION
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in header.runs:
        run.font.size = Pt(8.5)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer._p.append(_xml(f'<w:r {_W}><w:rPr><w:sz w:val="17"/></w:rPr><w:t xml:space="preserve">Side </w:t></w:r>'))
    footer._p.append(_xml(f'<w:fldSimple {_W} w:instr=" PAGE "><w:r><w:rPr><w:sz w:val="17"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple>'))
    footer._p.append(_xml(f'<w:r {_W}><w:rPr><w:sz w:val="17"/></w:rPr><w:t xml:space="preserve"> af </w:t></w:r>'))
    footer._p.append(_xml(f'<w:fldSimple {_W} w:instr=" NUMPAGES "><w:r><w:rPr><w:sz w:val="17"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple>'))

    _no_theme_fonts(styles.element)
    _toc_styles(styles)
    _danish_settings(document.settings.element)

    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    props = document.core_properties
    props.title = "kksync – skabelon"
    props.subject = "Skabelon til status, klar-tjek og handlingsplaner"
    props.author = props.last_modified_by = ORGANISATION
    props.language = "da-DK"
    props.created = props.modified = props.last_printed = _TEMPLATE_DATE
    props.revision = 1
    props.keywords = props.comments = props.category = ""
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue(), replace={"docProps/app.xml": APP_XML, "word/theme/theme1.xml": _theme(out.getvalue())},
                             drop=TEMPLATE_LEFTOVERS)


TEMPLATE_LEFTOVERS = ("docProps/thumbnail.jpeg", "word/stylesWithEffects.xml")
"""python-docx's default template carries a blank preview picture and Word 2010's copy of the styles (en-US)."""
_THEME_FONTS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def _no_theme_fonts(styles: Any) -> None:
    """Fonts named, not taken from the theme: a theme font attribute wins over ``w:ascii`` in Word."""
    from docx.oxml.ns import qn

    for fonts in styles.iter(qn("w:rFonts")):
        for attr in _THEME_FONTS:
            fonts.attrib.pop(qn(f"w:{attr}"), None)
        for attr in ("ascii", "hAnsi", "cs"):
            fonts.set(qn(f"w:{attr}"), FONT)


def _toc_styles(styles: Any) -> None:
    for level in (1, 2):
        styles.element.append(_xml(
            f'<w:style {_W} w:type="paragraph" w:styleId="TOC{level}"><w:name w:val="toc {level}"/>'
            '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/>'
            f'<w:pPr><w:spacing w:before="{60 if level == 1 else 0}" w:after="40"/>'
            f'<w:ind w:left="{0 if level == 1 else 284}"/></w:pPr>'
            f'<w:rPr>{"<w:b/>" if level == 1 else ""}</w:rPr></w:style>'
        ))


def _danish_settings(settings: Any) -> None:
    """Danish theme font language, decimal comma and list separator; no preview picture saved."""
    from docx.oxml.ns import qn

    for tag in ("savePreviewPicture", "rsids", "themeFontLang"):
        for element in settings.findall(qn(f"w:{tag}")):
            settings.remove(element)
    mapping = settings.find(qn("w:clrSchemeMapping"))
    theme_lang = _xml(f'<w:themeFontLang {_W} w:val="da-DK" w:eastAsia="da-DK" w:bidi="ar-SA"/>')
    (mapping.addprevious(theme_lang) if mapping is not None else settings.append(theme_lang))
    decimal, separator = settings.find(qn("w:decimalSymbol")), settings.find(qn("w:listSeparator"))
    if decimal is None:
        decimal = _xml(f'<w:decimalSymbol {_W} w:val=","/>')
        settings.append(decimal)
    decimal.set(qn("w:val"), ",")
    if separator is None:
        separator = _xml(f'<w:listSeparator {_W} w:val=";"/>')
        settings.append(separator)
    separator.set(qn("w:val"), ";")


def _theme(package: bytes) -> bytes:
    """The theme with Arial as its heading and body font, so nothing that asks the theme gets Calibri or Cambria."""
    import re

    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        theme = archive.read("word/theme/theme1.xml").decode("utf-8")
    theme = re.sub(r'(<a:(?:major|minor)Font>\s*<a:latin typeface=")[^"]*(")', rf"\g<1>{FONT}\g<2>", theme)
    return theme.encode("utf-8")
