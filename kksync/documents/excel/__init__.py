"""The Excel side of the documents (openpyxl): the portfolio workbook the finance staff work in."""

from __future__ import annotations

from kksync.documents.excel.workbook import XLSX_CONTENT_TYPE, portfolio_workbook

__all__ = ["XLSX_CONTENT_TYPE", "portfolio_workbook"]
