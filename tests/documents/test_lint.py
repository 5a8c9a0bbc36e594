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
