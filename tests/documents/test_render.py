"""Writing .docx: opens, lints clean, byte-identical, native charts, template handling."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from kksync.checks.findings import CheckReport
from kksync.core.model import DocumentType
from kksync.core.snapshots import Snapshot
from kksync.documents import render, render_plan, render_readiness, render_status
from kksync.documents.word.lint import lint_docx
from kksync.documents.word.template import DEFAULT_TEMPLATE, REQUIRED_STYLES, build_template, load_template
from kksync.errors import TemplateError
from kksync.texts import T

ROOT = Path(__file__).resolve().parents[2]


def _all(snapshot: Snapshot, report: CheckReport) -> dict[str, bytes]:
    return {
        "status": render_status(snapshot, report, year=2012),
        "readiness": render_readiness(snapshot, report),
        "plan": render_plan(snapshot, report),
    }


@pytest.fixture(scope="module")
def rendered(snapshot: Snapshot, report: CheckReport) -> dict[str, bytes]:
    return _all(snapshot, report)


def test_documents_open_and_pass_the_linter(rendered: dict[str, bytes]) -> None:
    for name, data in rendered.items():
        document = docx.Document(io.BytesIO(data))
        assert document.core_properties.title, name
        assert document.core_properties.language == "da-DK"
        assert lint_docx(data) == [], name


def test_byte_identical_regeneration(snapshot: Snapshot, report: CheckReport, rendered: dict[str, bytes]) -> None:
    assert _all(snapshot, report) == rendered


def test_zip_entries_have_fixed_timestamps(rendered: dict[str, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(rendered["status"])) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.namelist()[0] == "[Content_Types].xml"


def test_status_has_native_charts_with_workbooks_and_alt_text(rendered: dict[str, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(rendered["status"])) as archive:
        names = archive.namelist()
        charts = sorted(n for n in names if n.startswith("word/charts/chart"))
        assert charts == ["word/charts/chart1.xml", "word/charts/chart2.xml", "word/charts/chart3.xml"]
        assert sum(1 for n in names if n.startswith("word/embeddings/") and n.endswith(".xlsx")) == 3
        types = archive.read("[Content_Types].xml").decode()
        assert "application/vnd.openxmlformats-officedocument.drawingml.chart+xml" in types
        rels = archive.read("word/_rels/document.xml.rels").decode()
        assert rels.count("relationships/chart") == 3
        assert "relationships/package" in archive.read("word/charts/_rels/chart1.xml.rels").decode()
        chart = etree.fromstring(archive.read("word/charts/chart1.xml"))
        assert chart.find("{http://schemas.openxmlformats.org/drawingml/2006/chart}externalData") is not None
        body = archive.read("word/document.xml").decode()
        assert body.count("<c:chart ") == 3 and body.count('descr="') == 3


def test_chart_workbook_is_reproducible(snapshot: Snapshot, report: CheckReport, rendered: dict[str, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(rendered["status"])) as archive:
        workbook = zipfile.ZipFile(io.BytesIO(archive.read("word/embeddings/Microsoft_Excel_Worksheet1.xlsx")))
        core = workbook.read("docProps/core.xml").decode()
        assert "2012-11-27T12:00:00Z" in core


def test_tables_repeat_a_marked_header_and_rows_do_not_split(rendered: dict[str, bytes]) -> None:
    document = docx.Document(io.BytesIO(rendered["readiness"]))
    assert document.tables
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
        assert all(r._tr.trPr.find(docx.oxml.ns.qn("w:cantSplit")) is not None for r in table.rows)


def test_draft_marking_is_visible(rendered: dict[str, bytes]) -> None:
    document = docx.Document(io.BytesIO(rendered["plan"]))
    assert any(p.text == T.draft_marking for p in document.paragraphs)
    assert any(p.text == T.draft_marking for p in document.sections[0].header.paragraphs)


def test_spec_names_the_file(snapshot: Snapshot, report: CheckReport) -> None:
    result = render(snapshot, report, DocumentType.STATUS, year=2012)
    assert result.spec.file_name == "Status-paa-implementering_F2011-2012_2012.docx"
    assert result.spec.snapshot_digest == snapshot.digest()
    assert docx.Document(io.BytesIO(result.data)).core_properties.identifier == snapshot.digest()
    readiness = render(snapshot, report, DocumentType.READINESS).spec
    assert readiness.file_name == "Klar-til-politisk-behandling_F2011-2012_2012-11-27.docx"


def test_committed_template_is_what_the_script_builds() -> None:
    assert DEFAULT_TEMPLATE.read_bytes() == build_template()
    names = {s.name for s in docx.Document(io.BytesIO(build_template())).styles}
    assert set(REQUIRED_STYLES) <= names


def test_template_path_or_directory(tmp_path: Path, snapshot: Snapshot, report: CheckReport) -> None:
    (tmp_path / "kksync.docx").write_bytes(build_template())
    assert load_template(tmp_path) == build_template()
    assert render_plan(snapshot, report, template=tmp_path) == render_plan(snapshot, report)


def test_broken_or_foreign_templates_are_refused(tmp_path: Path, snapshot: Snapshot, report: CheckReport) -> None:
    not_docx = tmp_path / "x.docx"
    not_docx.write_text("hello")
    with pytest.raises(TemplateError, match="ikke et Word-dokument"):
        render_plan(snapshot, report, template=not_docx)
    foreign = io.BytesIO()
    docx.Document().save(foreign)
    with pytest.raises(TemplateError, match="KK Tabel"):
        render_plan(snapshot, report, template=foreign.getvalue())
    with pytest.raises(TemplateError, match="findes ikke"):
        render_plan(snapshot, report, template=tmp_path / "missing.docx")
    corrupt = io.BytesIO()
    with zipfile.ZipFile(corrupt, "w") as archive:
        archive.writestr("[Content_Types].xml", "<nope")
    with pytest.raises(TemplateError):
        render_plan(snapshot, report, template=corrupt.getvalue())


def test_template_is_committed() -> None:
    assert (ROOT / "kksync" / "documents" / "word" / "templates" / "kksync.docx").is_file()
    assert (ROOT / "scripts" / "build_template.py").is_file()
