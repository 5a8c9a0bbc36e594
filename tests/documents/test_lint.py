"""The linter fails deliberately inaccessible documents."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest

from kksync.documents.word.lint import lint_docx, lint_main


def _codes(data: bytes) -> set[str]:
    return {i.code for i in lint_docx(data)}


def _rewrite(data: bytes, name: str, change: object) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == name:
                body = change(body.decode()).encode()  # type: ignore[operator]
            dst.writestr(info, body)
    return out.getvalue()


@pytest.fixture(scope="module")
def good(snapshot, report) -> bytes:  # type: ignore[no-untyped-def]
    from kksync.documents import render_status

    return render_status(snapshot, report, year=2012)


def test_bare_python_docx_document_fails() -> None:
    document = docx.Document()
    document.add_heading("Afsnit", 2)
    document.add_table(rows=2, cols=2)
    out = io.BytesIO()
    document.save(out)
    assert {"title-missing", "language-missing", "heading-skip", "table-header-missing"} <= _codes(out.getvalue())


def test_chart_without_alt_text_fails(good: bytes) -> None:
    bad = _rewrite(good, "word/document.xml", lambda x: re.sub(r' descr="[^"]*"', "", x, count=1))
    assert "alt-text-missing" in _codes(bad)


def test_table_without_header_row_fails(good: bytes) -> None:
    bad = _rewrite(good, "word/document.xml", lambda x: x.replace("<w:tblHeader/>", "", 1))
    assert "table-header-missing" in _codes(bad)


def test_skipped_heading_fails(good: bytes) -> None:
    bad = _rewrite(good, "word/document.xml", lambda x: x.replace('w:val="Heading1"', 'w:val="Heading3"', 1))
    assert "heading-skip" in _codes(bad)


def test_missing_title_and_language_fail(good: bytes) -> None:
    bad = _rewrite(good, "docProps/core.xml", lambda x: re.sub(r"<dc:title>.*?</dc:title>", "", re.sub(r"<dc:language>.*?</dc:language>", "", x)))
    bad = _rewrite(bad, "word/styles.xml", lambda x: re.sub(r"<w:lang [^>]*/>", "", x))
    assert {"title-missing", "language-missing"} <= _codes(bad)


def test_merged_header_layout_table_and_link_text_fail(good: bytes) -> None:
    bad = _rewrite(good, "word/document.xml", lambda x: x.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="2"/>', 1))
    assert "table-header-merged" in _codes(bad)
    layout = (
        '<w:tbl><w:tblPr/><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
        '<w:p><w:hyperlink r:id="rId1"><w:r><w:t>klik her</w:t></w:r></w:hyperlink></w:p>'
    )
    bad = _rewrite(good, "word/document.xml", lambda x: x.replace("<w:sectPr", layout + "<w:sectPr", 1))
    assert {"layout-table", "link-text"} <= _codes(bad)


def test_lint_main_exit_codes(tmp_path: Path, good: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    ok = tmp_path / "ok.docx"
    ok.write_bytes(good)
    assert lint_main(ok) == 0
    bad = tmp_path / "bad.docx"
    bad.write_bytes(_rewrite(good, "word/document.xml", lambda x: x.replace("<w:tblHeader/>", "", 1)))
    assert lint_main(bad) == 1
    assert "table-header-missing" in capsys.readouterr().out
    assert lint_main(tmp_path / "nope.docx") == 2
    junk = tmp_path / "junk.docx"
    junk.write_text("not a zip")
    assert lint_main(junk) == 1


# --- the rules beyond structure: each with a document that fails it -----------------------------------


def test_empty_spacing_paragraph_fails(good: bytes) -> None:
    assert "empty-paragraph" not in _codes(good)
    bad = _rewrite(good, "word/document.xml", lambda x: x.replace("</w:tbl>", "</w:tbl><w:p/><w:p/>", 1))
    assert "empty-paragraph" in _codes(bad)


def test_bold_normal_paragraph_as_heading_fails(good: bytes) -> None:
    assert "fake-heading" not in _codes(good)
    fake = '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Kommentar</w:t></w:r></w:p><w:p><w:r><w:t>Se risici.</w:t></w:r></w:p>'
    bad = _rewrite(good, "word/document.xml", lambda x: x.replace("<w:sectPr", fake + "<w:sectPr", 1))
    assert "fake-heading" in _codes(bad)


def test_title_that_does_not_name_the_plan_fails(good: bytes) -> None:
    assert "title-plan" not in _codes(good)
    bad = _rewrite(good, "docProps/core.xml", lambda x: re.sub(r"<dc:title>.*?</dc:title>", "<dc:title>Status på implementering 2012</dc:title>", x))
    assert "title-plan" in _codes(bad)
    no_subject = _rewrite(good, "docProps/core.xml", lambda x: re.sub(r"<dc:subject>.*?</dc:subject>", "", x))
    assert "title-plan" in _codes(no_subject)


def test_alt_text_naming_the_wrong_chart_type_or_no_finding_fails(good: bytes) -> None:
    assert "alt-text-chart" not in _codes(good)
    wrong_type = _rewrite(good, "word/document.xml", lambda x: re.sub(r' descr="[^"]*"', ' descr="Kurvediagram over 7 indsatsområder."', x, count=1))
    issues = [i for i in lint_docx(wrong_type) if i.code == "alt-text-chart"]
    assert issues and "diagramtypen" in issues[0].message
    no_finding = _rewrite(good, "word/document.xml", lambda x: re.sub(r' descr="[^"]*"', ' descr="Liggende søjlediagram over budget."', x, count=1))
    assert any("hovedresultat" in i.message for i in lint_docx(no_finding) if i.code == "alt-text-chart")


def test_low_contrast_and_red_green_chart_colours_fail(good: bytes) -> None:
    codes = _codes(good)
    assert "chart-contrast" not in codes and "chart-colour-blind" not in codes
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        chart = archive.read("word/charts/chart2.xml").decode()
    colours = re.findall(r'<c:spPr><a:solidFill><a:srgbClr val="([0-9A-F]{6})"', chart)
    assert len(colours) >= 3
    replacements = iter(["2E7D32", "F2B600", "C62828", "9E9E9E"])  # the traffic lights as they were

    def old_palette(xml: str) -> str:
        return re.sub(r'(<c:spPr><a:solidFill><a:srgbClr val=")[0-9A-F]{6}', lambda m: m[1] + next(replacements, "1F3A5F"), xml)

    bad = _rewrite(good, "word/charts/chart2.xml", old_palette)
    issues = lint_docx(bad)
    assert any(i.code == "chart-contrast" and "F2B600" in i.message for i in issues)
    assert any(i.code == "chart-colour-blind" and "2E7D32" in i.message and "C62828" in i.message for i in issues)


def test_template_language_leftovers_fail(good: bytes) -> None:
    assert "language-settings" not in _codes(good)
    bad = _rewrite(good, "word/settings.xml", lambda x: x.replace('w:themeFontLang w:val="da-DK"', 'w:themeFontLang w:val="en-US"')
                   .replace('<w:decimalSymbol w:val=","/>', '<w:decimalSymbol w:val="."/>'))
    messages = [i.message for i in lint_docx(bad) if i.code == "language-settings"]
    assert any("en-US" in m for m in messages) and any("Decimaltegnet" in m for m in messages)
    styles = _rewrite(good, "word/styles.xml", lambda x: x.replace('<w:rFonts w:ascii="Arial"', '<w:rFonts w:asciiTheme="majorHAnsi" w:ascii="Arial"'))
    assert any("temaets skrift" in i.message for i in lint_docx(styles) if i.code == "language-settings")
