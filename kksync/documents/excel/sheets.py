"""One sheet, one real table: the few openpyxl details every sheet of a kksync workbook shares (adapter).

Values from departments are data: every text cell is written as a string (openpyxl would otherwise
store a text beginning with "=" as a formula), and a text beginning with a character a spreadsheet
reads as the start of a formula ("=", "+", "-", "@") gets the quote prefix, as if typed after an
apostrophe, so editing the cell in Excel or LibreOffice does not turn it into one either. Number
formats are stored in the file's neutral syntax (``#,##0``): Excel and LibreOffice show them with
the reader's separators, 1.234.567 in a Danish locale. No cell holds a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from kksync.documents.content.model import clean

__all__ = ["FORMULA_STARTS", "Cell", "Kind", "SheetColumn", "add_table_sheet"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell a spreadsheet would read as a formula begins (OWASP's CSV-injection list)."""
CELL_MAX = 32_000
"""Excel holds 32.767 characters in a cell."""
AMOUNT_FORMAT = "#,##0"
COUNT_FORMAT = "#,##0"
YEAR_FORMAT = "0"
DATE_FORMAT = "d. mmmm yyyy"
TABLE_STYLE = "TableStyleMedium2"
LIGHT_FILLS = {"Grøn": "C8E6C9", "Gul": "FFF3B0", "Rød": "F8C8C8"}
"""Light tints behind a traffic light's word (the word says it; the colour only helps)."""


class Kind(StrEnum):
    TEXT = "text"
    AMOUNT = "amount"
    COUNT = "count"
    YEAR = "year"
    LIGHT = "light"
    DATE = "date"


Cell = str | int | Decimal | date | None


@dataclass(frozen=True, slots=True)
class SheetColumn:
    header: str
    kind: Kind = Kind.TEXT
    width: float = 14.0


_FORMATS = {Kind.AMOUNT: AMOUNT_FORMAT, Kind.COUNT: COUNT_FORMAT, Kind.YEAR: YEAR_FORMAT, Kind.DATE: DATE_FORMAT}


class _Styles:
    """Each distinct cell style made once and copied after (openpyxl's per-cell style setters are slow)."""

    def __init__(self) -> None:
        self._made: dict[tuple[Kind, str | None, bool], StyleArray] = {}

    def apply(self, cell: Any, kind: Kind, light: str | None, quote: bool) -> None:
        key = (kind, light, quote)
        made = self._made.get(key)
        if made is not None:
            cell._style = copy(made)
            return
        if quote:
            cell.quotePrefix = True
        if light is not None:
            cell.fill = PatternFill("solid", fgColor=LIGHT_FILLS[light])
        number_format = _FORMATS.get(kind)
        if number_format is not None:
            cell.number_format = number_format
        self._made[key] = copy(cell._style)


def _put(sheet: Worksheet, row: int, col: int, value: Cell, kind: Kind, styles: _Styles) -> None:
    if value is None:
        return
    cell = sheet.cell(row=row, column=col)
    if isinstance(value, str):
        text = clean(value, limit=CELL_MAX)
        cell.value = text
        cell.data_type = "s"  # never "f": a department's "=HYPERLINK(…)" is text
        quote = text.startswith(FORMULA_STARTS)
        light = text if kind is Kind.LIGHT and text in LIGHT_FILLS else None
        if quote or light:
            styles.apply(cell, Kind.TEXT, light, quote)
        return
    if isinstance(value, bool):  # (a bool is an int: never meant here)
        raise TypeError("a workbook cell is never a bool")
    # Exact amounts (øre kept): the format shows whole kroner, and a SUM over a column equals its total.
    cell.value = value
    if kind in _FORMATS:
        styles.apply(cell, kind, None, False)


def add_table_sheet(
    workbook: Workbook, title: str, table_name: str, columns: Sequence[SheetColumn], rows: Sequence[Sequence[Cell]],
    *, empty: str, freeze: str = "A2", fit_width: bool = True,
) -> Worksheet:
    """A sheet holding exactly one table (header row frozen, filters, banded rows); no rows → one row saying ``empty``."""
    sheet = workbook.create_sheet(title)
    bold = Font(bold=True)
    for n, column in enumerate(columns, 1):
        cell = sheet.cell(row=1, column=n)
        cell.value, cell.data_type, cell.font = column.header, "s", bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(n)].width = column.width
    sheet.row_dimensions[1].height = 45  # three lines of a wrapped header
    body = list(rows) or [(empty, *([None] * (len(columns) - 1)))]
    styles = _Styles()
    for r, values in enumerate(body, 2):
        for n, (column, value) in enumerate(zip(columns, values, strict=True), 1):
            _put(sheet, r, n, value, column.kind, styles)
    ref = f"A1:{get_column_letter(len(columns))}{len(body) + 1}"
    table = Table(displayName=table_name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True, showFirstColumn=False,
                                          showLastColumn=False, showColumnStripes=False)
    sheet.add_table(table)
    sheet.freeze_panes = freeze
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    if fit_width:  # (a sheet as wide as the projects' would print unreadably small)
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return sheet
