"""Layout the Word side promises: columns wide enough for their words, tables and headings kept together,
a table of contents, a page header naming the document, spacing without empty paragraphs."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from kksync.checks.findings import CheckReport
from kksync.core.snapshots import Snapshot
from kksync.documents import render_plan, render_readiness, render_status
from kksync.documents.content.model import Column, Table
from kksync.documents.word.layout import column_widths, text_width
from kksync.documents.word.lint import plain_text
from kksync.documents.word.writer import CELL_MARGIN_TWIPS, TABLE_FONT_PT, TEXT_WIDTH_TWIPS


@pytest.fixture(scope="module")
def rendered(snapshot: Snapshot, report: CheckReport) -> dict[str, bytes]:
    return {
        "status": render_status(snapshot, report, year=2012),
        "readiness": render_readiness(snapshot, report),
        "plan": render_plan(snapshot, report),
    }


def _pieces(text: str) -> list[str]:
    return [p for p in re.split(r"(?<=-)|\s+", text) if p]


def test_every_word_fits_its_column(rendered: dict[str, bytes]) -> None:
    for name, data in rendered.items():
        document = docx.Document(io.BytesIO(data))
        for t, table in enumerate(document.tables):
            grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
            assert sum(grid) <= TEXT_WIDTH_TWIPS + len(grid), (name, t)
            for r, row in enumerate(table.rows):
                for width, cell in zip(grid, row.cells, strict=True):
                    sizes = [int(s.get(qn("w:val"))) / 2 for s in cell._tc.iter(qn("w:sz"))] or [TABLE_FONT_PT]
                    assert min(sizes) >= 7, (name, t)  # smaller for a wide table, never unreadable
                    for piece in _pieces(cell.text):
                        needed = text_width(piece, size_pt=max(sizes), bold=r == 0) + 2 * CELL_MARGIN_TWIPS
                        assert needed <= width, (name, t, r, piece, needed, width)


def test_column_widths_follow_the_content() -> None:
    headers = ["Forvaltning", "Initiativer", "Grøn", "Gul", "Rød", "Uden vurdering", "Budget (mio. kr.)"]
    rows = [["Beskæftigelses- og Integrationsforvaltningen (BIF)", "8", "6", "2", "0", "0", "86,0"]]
    widths = column_widths(headers, rows, [2, 1, 1, 1, 1, 1, 1], total=9070, size_pt=9, margin=170)
    assert sum(widths) == 9070
    assert widths[1] >= text_width("Initiativer", size_pt=9, bold=True) + 170
    assert widths[5] >= text_width("vurdering", size_pt=9, bold=True) + 170
    assert widths[0] == max(widths)  # the long names get the room
    too_many = column_widths(["Overordentligt"] * 12, [], [1] * 12, total=9070, size_pt=9, margin=170)
    assert sum(too_many) == 9070  # scaled down together when the words cannot fit side by side


def test_rows_do_not_split_headers_repeat_and_short_tables_keep_together(rendered: dict[str, bytes]) -> None:
    document = docx.Document(io.BytesIO(rendered["status"]))
    for table in document.tables:
        rows = table._tbl.findall(qn("w:tr"))
        assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert all(r.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for r in rows)
        if len(rows) <= 13:  # header + up to 12 rows: every row but the last keeps with the next
            for row in rows[:-1]:
                assert all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in row.iter(qn("w:p")))


def test_headings_and_captions_keep_with_next(rendered: dict[str, bytes]) -> None:
    document = docx.Document(io.BytesIO(rendered["status"]))
    for name in ("Heading 1", "Heading 2", "Heading 3", "Caption"):
        assert document.styles[name].paragraph_format.keep_with_next, name


def test_long_documents_have_a_table_of_contents(rendered: dict[str, bytes]) -> None:
    document = docx.Document(io.BytesIO(rendered["status"]))
    body = document.element.body
    assert body.find(f".//{qn('w:instrText')}") is None and body.find(f".//{qn('w:fldChar')}") is None
    headings = [p.text for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    entries = ["".join(t.text for t in link.iter(qn("w:t"))) for link in body.iter(qn("w:hyperlink"))]
    assert entries == headings  # one entry per heading of level 1 and 2, in order, before any field update
    anchors = {link.get(qn("w:anchor")) for link in body.iter(qn("w:hyperlink"))}
    assert anchors <= {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}


def test_page_header_names_the_document_and_its_plan(rendered: dict[str, bytes], snapshot: Snapshot) -> None:
    plan = next(p for p in snapshot.portfolio.plans if p.key == snapshot.plan_key)
    for name, data in rendered.items():
        document = docx.Document(io.BytesIO(data))
        header = plain_text(" ".join(p.text for p in document.sections[0].header.paragraphs))
        assert plain_text(plan.title) in header, name
        assert plain_text(document.core_properties.title) in header, name


def test_no_empty_spacing_paragraphs_and_no_bold_lead_only_paragraphs(rendered: dict[str, bytes]) -> None:
    for name, data in rendered.items():
        document = docx.Document(io.BytesIO(data))
        children = [c for c in document.element.body if c.tag in (qn("w:p"), qn("w:tbl"))]
        for n, p in enumerate(children):
            if p.tag != qn("w:p") or "".join(t.text or "" for t in p.iter(qn("w:t"))).strip():
                continue
            has_break = p.find(f".//{qn('w:br')}") is not None or p.find(f".//{qn('w:drawing')}") is not None
            after_table = n and children[n - 1].tag == qn("w:tbl")
            assert has_break or (after_table and (n + 1 == len(children) or children[n + 1].tag == qn("w:tbl"))), name


def test_adjacent_tables_stay_two_tables() -> None:
    from kksync.documents.content.model import Document
    from kksync.documents.word.template import build_template
    from kksync.documents.word.writer import render_docx

    doc = Document("Prøve: Plan A", "Plan A", [], subject="Plan A")
    first = Table("", (Column("A"), Column("B")), (("1", "2"),))
    doc.section("Tabeller").add(first, first)
    data = render_docx(doc, template=build_template(), status_date=__import__("datetime").date(2012, 1, 1))
    assert len(docx.Document(io.BytesIO(data)).tables) == 2


def test_generated_package_has_no_template_leftovers(rendered: dict[str, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(rendered["plan"])) as archive:
        names = archive.namelist()
        assert "docProps/thumbnail.jpeg" not in names and "word/stylesWithEffects.xml" not in names
        app = archive.read("docProps/app.xml").decode()
        assert "Microsoft" not in app and "<Application>kksync</Application>" in app
        assert "thumbnail" not in archive.read("_rels/.rels").decode()
        assert "stylesWithEffects" not in archive.read("[Content_Types].xml").decode()
        settings = archive.read("word/settings.xml").decode()
        assert 'w:themeFontLang w:val="da-DK"' in settings and '<w:decimalSymbol w:val=","/>' in settings
        theme = archive.read("word/theme/theme1.xml").decode()
        assert re.search(r'<a:majorFont>\s*<a:latin typeface="Arial"', theme)
        assert "asciiTheme" not in archive.read("word/styles.xml").decode()
