"""The portfolio workbook: read back with openpyxl (one real table per sheet, frozen header row, number
formats, properties), values from departments never formulas, LibreOffice converts it, and its totals are
the status document's portfolio section."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from time import sleep

import docx
import openpyxl
import pytest

from kksync.checks import check_portfolio
from kksync.core.model import DocumentType, ItProject, Person, Portfolio
from kksync.core.snapshots import snapshot_of
from kksync.documents import render
from kksync.documents.content.portfolio_columns import portfolio_columns
from kksync.documents.word.lint import lint_docx
from kksync.sample import sample_portfolio
from kksync.services.portfolio_report import portfolio_workbook_of, write_portfolio_workbook
from kksync.texts import T
from kksync.texts.portfolio import PF

C = portfolio_columns()
SYNCED = datetime(2014, 12, 31, 12, tzinfo=UTC)
DDE = "=cmd|' /C calc'!A0"
HOSTILE = ("=1+1", "+SUM(A1:A9)", "-2+3", "@SUM(1)", '=HYPERLINK("http://evil.example","klik")')
DOCS = (("FHP-2011-2012", date(2012, 12, 31), 2012), ("FHP-2013-2014", date(2014, 6, 30), 2014))
SHEETS = [PF.sheet_projects, PF.sheet_years, PF.sheet_admins, PF.sheet_plans, PF.sheet_unlinked, PF.sheet_about]


def _portfolio() -> Portfolio:
    """The sample, plus a second project under P-1001's initiative and projects named like formulas."""
    sample = sample_portfolio()
    first = next(p for p in sample.it_projects if p.key == "P-1001")
    extra = [ItProject(id=100, key="P-2001", title="IAM, anden del", total_cost=Decimal(11_000_000),
                       initiative_id=first.initiative_id)]
    extra += [ItProject(id=101 + n, key=f"P-30{n:02d}", title=title, total_cost=Decimal(50_000_000),
                        project_manager=Person(id=90 + n, name=DDE, email="x@kk.dk"))
              for n, title in enumerate(HOSTILE)]
    return sample.model_copy(update={"it_projects": [*sample.it_projects, *extra]})


@pytest.fixture(scope="module")
def portfolio() -> Portfolio:
    return _portfolio()


@pytest.fixture(scope="module")
def xlsx(portfolio: Portfolio) -> bytes:
    return portfolio_workbook_of(portfolio, governance=None, synced_at=SYNCED).data


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_one_real_table_per_sheet_with_a_frozen_header_row(xlsx: bytes) -> None:
    book = _open(xlsx)
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert len(sheet.tables) == 1, sheet.title
        (table,) = sheet.tables.values()
        assert table.ref == f"A1:{openpyxl.utils.get_column_letter(sheet.max_column)}{sheet.max_row}", sheet.title
        assert table.tableStyleInfo is not None and table.tableStyleInfo.name.startswith("TableStyle")
        assert table.headerRowCount in (None, 1)
        headers = [c.value for c in sheet[1]]
        assert [c.name for c in table.tableColumns] == headers and all(isinstance(h, str) and h for h in headers)
        assert sheet.freeze_panes is not None
        assert openpyxl.utils.cell.coordinate_from_string(sheet.freeze_panes)[1] == 2  # the header row stays put
        assert sheet.print_title_rows == "$1:$1"


def test_danish_columns_and_number_formats(xlsx: bytes) -> None:
    sheet = _open(xlsx)[PF.sheet_projects]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == [PF.col_year, "Projektnummer", "Projekt"]  # the list's own display names
    money = [headers.index(h) for h in (C.total_cost, C.budget, C.spent, C.forecast, PF.col_deviation)]
    amounts = 0
    for row in sheet.iter_rows(min_row=2):
        assert row[0].number_format == "0" and isinstance(row[0].value, int)  # 2012, never 2.012
        for n in money:
            if row[n].value is not None:
                assert row[n].number_format == "#,##0" and isinstance(row[n].value, int | float)
                amounts += 1
    assert amounts > 20
    years = _open(xlsx)[PF.sheet_years]
    assert [c.number_format for c in years[2]][1] == "#,##0"


def test_document_properties(xlsx: bytes) -> None:
    props = _open(xlsx).properties
    assert props.title == PF.workbook_title and props.language == "da-DK"
    assert "10,0 mio. kr." in (props.subject or "")
    assert props.creator == "kksync" and props.created == SYNCED.replace(tzinfo=None)


def test_a_value_like_a_formula_stays_text(xlsx: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            assert not re.search(rb"<f[ >]", archive.read(name)), f"{name} holds a formula"
    book = _open(xlsx)
    for sheet_name, column in ((PF.sheet_projects, 3), (PF.sheet_unlinked, 2)):
        cells = {c.value: c for c in book[sheet_name].iter_cols(min_col=column, max_col=column).__next__()}
        for title in HOSTILE:
            cell = cells[title]
            assert cell.data_type == "s" and cell.quotePrefix, (sheet_name, title)
    managers = [c for c in book[PF.sheet_unlinked]["E"][1:] if c.value == DDE]
    assert len(managers) == len(HOSTILE) and all(c.data_type == "s" and c.quotePrefix for c in managers)
    ordinary = next(c for c in book[PF.sheet_projects]["C"][1:] if c.value == "Datacenterkonsolidering")
    assert not ordinary.quotePrefix


def test_the_same_data_gives_the_same_bytes(portfolio: Portfolio, xlsx: bytes) -> None:
    sleep(1.05)  # openpyxl's save() would stamp the second it saves in
    assert portfolio_workbook_of(portfolio, governance=None, synced_at=SYNCED).data == xlsx


def test_written_to_a_file_atomically(portfolio: Portfolio, tmp_path: Path) -> None:
    out = tmp_path / "ny mappe" / "portefølje.xlsx"
    made = write_portfolio_workbook(portfolio, out, governance=None, synced_at=SYNCED, year=2013)
    assert out.read_bytes() == made.data and [p.name for p in out.parent.iterdir()] == [out.name]
    assert {r.year for r in made.overview.rows} == {2013}
    assert {row[0].value for row in _open(made.data)[PF.sheet_projects].iter_rows(min_row=2)} == {2013}


def _plain(text: str) -> str:
    return text.replace("\u2060", "").replace("\u00a0", " ").strip()


def _doc_tables(data: bytes) -> list[list[list[str]]]:
    return [[[_plain(c.text) for c in row.cells] for row in table.rows] for table in docx.Document(io.BytesIO(data)).tables]


def _mio(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


@pytest.mark.parametrize(("plan_key", "on", "year"), DOCS, ids=[d[0] for d in DOCS])
def test_the_workbooks_totals_are_the_status_documents(portfolio: Portfolio, xlsx: bytes, plan_key: str, on: date,
                                                        year: int) -> None:
    snap = snapshot_of(portfolio, plan_key, on)
    report = check_portfolio(snap.portfolio, today=on, now=datetime.combine(on, time(12), UTC))
    data = render(snap, report, DocumentType.STATUS, year=year).data
    assert lint_docx(data) == []
    tables = _doc_tables(data)
    economy = next(t for t in tables if t[0][:2] == [PF.project, T.administration])
    admins = next(t for t in tables if t[0][:3] == [T.administration, PF.col_projects, PF.col_green])
    assert economy[-1][0] == T.total and admins[-1][0] == T.total
    sheet = _open(xlsx)[PF.sheet_plans]
    headers = [c.value for c in sheet[1]]
    (row,) = [dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
              if r[0] == year and r[1] == plan_key]
    assert row[PF.col_projects] == int(admins[-1][1]) == len(economy) - 2 > 0
    assert (row[PF.col_green], row[PF.col_yellow], row[PF.col_red]) == tuple(int(v) for v in admins[-1][2:5])
    for n, column in ((2, C.total_cost), (3, C.budget), (4, C.spent), (5, C.forecast)):
        shown = _mio(economy[-1][n])
        assert abs(Decimal(str(row[column])) / Decimal(1_000_000) - shown) <= Decimal("0.05"), column
    # the project rows in the document are the workbook's rows of the plan and the year
    projects = _open(xlsx)[PF.sheet_projects]
    wb_keys = sorted(r[1] for r in projects.iter_rows(min_row=2, values_only=True) if r[0] == year and r[4] == plan_key)
    assert sorted(r[0].split(" ")[0] for r in economy[1:-1]) == wb_keys


def test_a_shared_initiative_is_said_in_both(portfolio: Portfolio, xlsx: bytes) -> None:
    snap = snapshot_of(portfolio, "FHP-2011-2012", date(2012, 12, 31))
    report = check_portfolio(snap.portfolio, today=date(2012, 12, 31), now=datetime(2012, 12, 31, 12, tzinfo=UTC))
    economy = next(t for t in _doc_tables(render(snap, report, DocumentType.STATUS, year=2012).data)
                   if t[0][:2] == [PF.project, T.administration])
    shared = next(r for r in economy if r[0].startswith("P-2001"))
    assert shared[3] == PF.shared_cell.format(key="P-1001")
    projects = _open(xlsx)[PF.sheet_projects]
    headers = [c.value for c in projects[1]]
    row = next(dict(zip(headers, r, strict=True)) for r in projects.iter_rows(min_row=2, values_only=True)
               if r[0] == 2012 and r[1] == "P-2001")
    assert row[C.budget] is None and row[PF.col_note] == PF.shared_row.format(key="P-1001")


@pytest.mark.soffice
def test_libreoffice_converts_it_and_reads_formula_like_titles_as_text(xlsx: bytes, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("soffice is not installed: run `make tools` (part of `make test`)")
    source = tmp_path / "portefolje.xlsx"
    source.write_bytes(xlsx)
    profile = (tmp_path / "profile").as_uri()
    for target in ("pdf", "csv:Text - txt - csv (StarCalc):44,34,76,1"):
        completed = subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target, "--outdir", str(tmp_path),
             str(source)], capture_output=True, text=True, timeout=300,
        )
        assert completed.returncode == 0, completed.stderr + completed.stdout
        if "could not be loaded" in completed.stderr + completed.stdout:
            pytest.fail("LibreOffice Calc is not installed (libreoffice-calc-nogui): run `make tools`")
    pdf = source.with_suffix(".pdf")
    assert pdf.is_file() and pdf.stat().st_size > 5_000 and pdf.read_bytes().startswith(b"%PDF")
    text = source.with_suffix(".csv").read_text(encoding="utf-8")
    assert "Datacenterkonsolidering" in text  # the first sheet: the projects
    for title in (*HOSTILE, DDE):
        assert title.replace('"', '""') in text, title  # kept as typed, not evaluated (=1+1 never shows as 2)


def test_a_year_without_status_says_so_instead_of_an_amount(portfolio: Portfolio) -> None:
    from kksync.documents import build_document
    from kksync.documents.content.model import Paragraph

    plan = portfolio.plan_by_key("FHP-2013-2014")
    assert plan is not None
    own = {i.id for i in portfolio.initiatives if i.plan_id == plan.id}
    bare = portfolio.model_copy(update={"statuses": [s for s in portfolio.statuses if s.initiative_id not in own]})
    snap = snapshot_of(bare, "FHP-2013-2014", date(2013, 12, 31))
    report = check_portfolio(snap.portfolio, today=snap.status_date, now=SYNCED)
    doc = build_document(snap, report, DocumentType.STATUS, year=2013)
    (chapter,) = [s for s in doc.sections if s.title == PF.section]
    texts = [b.text for b in chapter.blocks if isinstance(b, Paragraph)]
    assert PF.economy_none.format(year=2013) in texts
    assert not any("budget på ikke angivet" in t for t in texts)
    assert any(t.startswith("Samlet vurdering: grøn 0, gul 0, rød 0, uden vurdering 3") for t in texts), texts
