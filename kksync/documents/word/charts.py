"""Native Word charts: DrawingML chart parts with an embedded workbook (adapter: python-docx/pptx).

python-pptx writes the chart XML (``ChartXmlWriter``) and the workbook (``CategoryWorkbookWriter``);
here the chart becomes a part of the .docx package (``/word/charts/chartN.xml``, related from the
document with the chart relationship), the workbook an embedded package part related from the
chart (``c:externalData``), and the body gets an inline drawing whose ``wp:docPr`` carries the alt
text. The workbook's creation date is fixed so the document stays byte-identical.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import parse_xml
from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.chart.xmlwriter import ChartXmlWriter
from pptx.enum.chart import XL_CHART_TYPE
from xlsxwriter import Workbook

from kksync.documents.content.model import Chart, ChartKind
from kksync.documents.word.colours import accessible_colours

__all__ = ["add_chart"]

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
EMU_PER_CM = 360_000
WIDTH_CM = 16.0

_TYPES = {
    ChartKind.BAR: XL_CHART_TYPE.BAR_CLUSTERED,
    ChartKind.STACKED_BAR: XL_CHART_TYPE.BAR_STACKED,
    ChartKind.COLUMN: XL_CHART_TYPE.COLUMN_CLUSTERED,
    ChartKind.LINE: XL_CHART_TYPE.LINE_MARKERS,
}


class _FixedDateWorkbookWriter(CategoryWorkbookWriter):  # type: ignore[misc]
    """python-pptx's workbook writer with a fixed creation date (xlsxwriter uses "now").

    Labels are department text: xlsxwriter would turn ``=cmd|' /C calc'!A0`` into a live formula
    (and ``https://…`` into a link) in the workbook behind the chart, so strings stay strings.
    """

    def __init__(self, chart_data: CategoryChartData, created: datetime) -> None:
        super().__init__(chart_data)
        self._created = created

    @contextmanager
    def _open_worksheet(self, xlsx_file: io.BytesIO) -> Iterator[tuple[Any, Any]]:
        workbook = Workbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        workbook.set_properties({"created": self._created, "author": "kksync"})
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


def _c(tag: str) -> str:
    return f"{{{C}}}{tag}"


def _sp_pr(color: str, line: bool) -> etree._Element:
    fill = f'<a:solidFill><a:srgbClr val="{color}"/></a:solidFill>'
    inner = f'<a:ln w="28575">{fill}</a:ln>' if line else fill
    return etree.fromstring(f'<c:spPr xmlns:c="{C}" xmlns:a="{A}">{inner}</c:spPr>')


DEFAULT_COLOURS = ("1F3A5F", "B35900", "2E7D32", "6A3D9A", "8C2D04", "00607A")
"""For series that name no colour: dark blue, burnt orange, green, purple, brown, teal."""


def series_colours(chart: Chart) -> list[str]:
    """The series' colours made readable: 3:1 against white, apart under red–green deficiency."""
    cycle = itertools.cycle(DEFAULT_COLOURS)
    wanted = [s.color or next(cycle) for s in chart.series]
    return accessible_colours(wanted)


def _data_labels(chart: Chart) -> etree._Element:
    position = "t" if chart.kind is ChartKind.LINE else "outEnd"
    code = "0;-0;;" if chart.integers else (chart.number_format if chart.number_format != "General" else "General")
    return etree.fromstring(
        f'<c:dLbls xmlns:c="{C}" xmlns:a="{A}"><c:numFmt formatCode={quoteattr(code)} sourceLinked="0"/>'
        '<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>'
        '<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="800"><a:solidFill><a:srgbClr val="222222"/>'
        '</a:solidFill></a:defRPr></a:pPr><a:endParaRPr lang="da-DK"/></a:p></c:txPr>'
        f'<c:dLblPos val="{position}"/><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>'
        '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>'
    )


def _chart_xml(chart: Chart, chart_data: CategoryChartData, workbook_rid: str) -> bytes:
    """python-pptx's chart XML, tuned for Word: legend, Danish, small font, colours, workbook link."""
    xml = ChartXmlWriter(_TYPES[chart.kind], chart_data).xml
    root = etree.fromstring(xml.encode("utf-8"))
    date1904 = root.find(_c("date1904"))
    assert date1904 is not None
    date1904.addnext(etree.fromstring(f'<c:roundedCorners xmlns:c="{C}" val="0"/>'))
    date1904.addnext(etree.fromstring(f'<c:lang xmlns:c="{C}" val="da-DK"/>'))
    chart_el = root.find(_c("chart"))
    assert chart_el is not None
    auto_title = chart_el.find(_c("autoTitleDeleted"))
    if auto_title is not None:
        auto_title.set("val", "1")
    blanks = chart_el.find(_c("dispBlanksAs"))
    legend = etree.fromstring(
        f'<c:legend xmlns:c="{C}"><c:legendPos val="b"/><c:overlay val="0"/></c:legend>'
    )
    if blanks is not None:
        blanks.addprevious(legend)
        blanks.addprevious(etree.fromstring(f'<c:plotVisOnly xmlns:c="{C}" val="1"/>'))
    else:
        chart_el.append(legend)
    colours = series_colours(chart)
    for n, ser in enumerate(root.iter(_c("ser"))):
        tx = ser.find(_c("tx"))
        if n < len(colours) and tx is not None:
            tx.addnext(_sp_pr(colours[n], chart.kind is ChartKind.LINE))
        cat = ser.find(_c("cat"))
        if chart.kind is not ChartKind.STACKED_BAR and cat is not None:
            # the value on every bar or point: the reading does not hang on telling colours apart
            cat.addprevious(_data_labels(chart))
    if chart.kind in (ChartKind.BAR, ChartKind.STACKED_BAR):
        # first category at the top, value axis below the bars
        for orientation in root.iter(_c("orientation")):
            orientation.set("val", "maxMin")
            break
        val_crosses = root.find(f".//{_c('valAx')}/{_c('crosses')}")
        if val_crosses is not None:
            val_crosses.set("val", "max")
    for def_rpr in root.iter(f"{{{A}}}defRPr"):
        def_rpr.set("sz", "900")
        if def_rpr.find(f"{{{A}}}latin") is None:
            etree.SubElement(def_rpr, f"{{{A}}}latin").set("typeface", "Arial")
    if chart.integers:
        for val_ax in root.iter(_c("valAx")):
            cross_ax = val_ax.find(_c("crossBetween"))
            unit = etree.fromstring(f'<c:majorUnit xmlns:c="{C}" val="1"/>')
            (cross_ax.addnext(unit) if cross_ax is not None else val_ax.find(_c("crosses")).addnext(unit))
    tx_pr = root.find(_c("txPr"))
    external = etree.fromstring(
        f'<c:externalData xmlns:c="{C}" xmlns:r="{R}" r:id="{workbook_rid}"><c:autoUpdate val="0"/></c:externalData>'
    )
    if tx_pr is not None:
        tx_pr.addnext(external)
    else:
        root.append(external)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


MAX_HEIGHT_CM = 11.0
"""A chart never takes more than this, so it fits below a heading on a page that is half full."""


def chart_height_cm(chart: Chart) -> float:
    """Bars get room per category (and per series in a cluster); columns and lines a fixed height."""
    rows = max(len(chart.categories), 1)
    if chart.kind is ChartKind.BAR:
        return min(MAX_HEIGHT_CM, max(5.0, 2.2 + rows * (0.3 + 0.3 * len(chart.series))))
    if chart.kind is ChartKind.STACKED_BAR:
        return min(MAX_HEIGHT_CM, max(4.5, 2.2 + rows * 0.6))
    return 7.0


def add_chart(document_part: Any, chart: Chart, *, number: int, created: datetime) -> Any:
    """Add ``chart`` to the package; return the ``w:r`` holding its inline drawing."""
    chart_data = CategoryChartData(number_format=chart.number_format)
    chart_data.categories = list(chart.categories)
    for series in chart.series:
        chart_data.add_series(series.name or "–", list(series.values))
    package = document_part.package
    xlsx_blob = _FixedDateWorkbookWriter(chart_data, created).xlsx_blob
    xlsx_part = Part(
        PackURI(f"/word/embeddings/Microsoft_Excel_Worksheet{number}.xlsx"), CT.SML_SHEET, xlsx_blob, package
    )
    chart_part = XmlPart(PackURI(f"/word/charts/chart{number}.xml"), CT.DML_CHART, parse_xml(b"<x/>"), package)
    workbook_rid = chart_part.relate_to(xlsx_part, RT.PACKAGE)
    chart_part._element = parse_xml(_chart_xml(chart, chart_data, workbook_rid))
    rid = document_part.relate_to(chart_part, RT.CHART)

    height_cm = chart_height_cm(chart)
    cx, cy = int(WIDTH_CM * EMU_PER_CM), int(height_cm * EMU_PER_CM)
    return parse_xml(
        f'<w:r xmlns:w="{W}"><w:drawing>'
        f'<wp:inline xmlns:wp="{WP}" distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{1000 + number}" name="Diagram {number}" descr={quoteattr(chart.alt_text)}'
        f' title={quoteattr(chart.title)}/>'
        '<wp:cNvGraphicFramePr/>'
        f'<a:graphic xmlns:a="{A}"><a:graphicData uri="{C}">'
        f'<c:chart xmlns:c="{C}" xmlns:r="{R}" r:id="{rid}"/>'
        '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
    )
