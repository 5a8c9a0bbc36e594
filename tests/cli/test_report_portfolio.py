"""``kksync report portfolio --out FILE.xlsx`` against a synced site: the workbook, and the refusals."""

from __future__ import annotations

import io

import openpyxl

from kksync.cli_errors import ExitCode
from kksync.texts.portfolio import PF
from tests.cli.conftest import Cli


def test_writes_the_workbook_of_the_synced_portfolio(synced: Cli) -> None:
    before = synced.fingerprint()
    result = synced("report", "portfolio", "--out", "regneark/portefølje.xlsx")
    assert result.code == 0, result
    out = synced.folder / "regneark" / "portefølje.xlsx"
    assert str(out.name) in result.text and "projekter" in result.text
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert book.sheetnames[0] == PF.sheet_projects
    keys = {row[1] for row in book[PF.sheet_projects].iter_rows(min_row=2, values_only=True)}
    assert {"P-1001", "P-1009"} <= keys and "P-1010" not in keys  # 4,2 mio. kr. is below the limit
    unlinked = [row[0] for row in book[PF.sheet_unlinked].iter_rows(min_row=2, values_only=True)]
    assert unlinked == ["P-1009"]
    assert synced.fingerprint() == before  # only reads


def test_one_year(synced: Cli) -> None:
    result = synced("report", "portfolio", "--out", "p.xlsx", "--year", "2013")
    assert result.code == 0, result
    book = openpyxl.load_workbook(synced.folder / "p.xlsx")
    assert {row[0] for row in book[PF.sheet_years].iter_rows(min_row=2, values_only=True)} == {2013}


def test_refusals_say_what_to_do_and_write_nothing(synced: Cli) -> None:
    for args, needle in (
        (["--out", "p.txt"], ".xlsx"),
        (["--out", "p.xlsx", "--year", "1999"], "1999"),
        (["--out", "p.xlsx", "--year", "20x3"], "fire cifre"),
    ):
        result = synced("report", "portfolio", *args)
        assert result.code == ExitCode.USAGE, (args, result)
        assert needle in result.text and "Traceback" not in result.text
    assert not list(synced.folder.glob("*.xlsx")) and not list(synced.folder.glob("*.txt"))


def test_no_synced_data_is_a_state_error(empty: Cli) -> None:
    result = empty("report", "portfolio", "--out", "p.xlsx")
    assert result.code == ExitCode.STATE, result
    assert not (empty.folder / "p.xlsx").exists()


def test_help_is_danish(empty: Cli) -> None:
    result = empty("report", "portfolio", "--help")
    assert result.code == 0 and "Brug:" in result.out and "--out" in result.out and "Usage:" not in result.out


def test_publish_puts_it_in_the_library_once_per_workbook(synced: Cli) -> None:
    first = synced("report", "portfolio", "--out", "p.xlsx", "--publish")
    assert first.code == 0, first
    assert "Publikationer/Portefoeljeoversigt_alle-aar.xlsx" in first.text and "version" in first.text
    again = synced("report", "portfolio", "--out", "p.xlsx", "--publish")
    assert again.code == 0 and f"({PF.published_unchanged})" in again.text, again
    sp = synced.sp
    items = [i for i in sp.items("Publikationer") if i["FileLeafRef"] == "Portefoeljeoversigt_alle-aar.xlsx"]  # type: ignore[attr-defined]
    assert len(items) == 1 and items[0]["Title"] == PF.workbook_title
