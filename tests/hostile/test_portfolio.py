"""The hostile field corpus through the portfolio: the status document's chapter on larger IT projects and
the workbook stay sound whatever a department typed on the initiative or its status."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from kksync.checks import check_portfolio
from kksync.checks.portfolio_overview import portfolio_overview
from kksync.core import model as m
from kksync.core.snapshots import snapshot_of
from kksync.documents import render
from kksync.documents.excel import portfolio_workbook
from kksync.texts.portfolio import PF
from tests.hostile.corpus import FIELDS, INI, FieldCase
from tests.hostile.pipeline import JOINT, NOW, STATUS_DATE, assert_sound_docx, document_text, run_pipeline

CASES = [c for c in FIELDS if c.list_key in ("initiatives", "statuses")]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_values_leave_the_portfolio_sound(case: FieldCase) -> None:
    edits = [(case.list_key, case.item_id, case.prop, case.raw), *((case.list_key, case.item_id, k, v) for k, v in case.also.items())]
    base = run_pipeline(edits, documents=False).portfolio
    manager = next((i.project_manager for i in base.initiatives if i.id == INI), None)
    projects = [m.ItProject(id=1, key="P-1", title="Projekt under det redigerede initiativ", total_cost=Decimal(25_000_000),
                            initiative_id=INI, project_manager=manager),
                m.ItProject(id=2, key="P-2", title="Andet projekt, samme initiativ", total_cost=Decimal(12_000_000),
                            initiative_id=INI)]
    portfolio = base.model_copy(update={"it_projects": projects})
    report = check_portfolio(portfolio, today=STATUS_DATE, now=NOW)
    if portfolio.plan_by_key(JOINT) is not None:
        snapshot = snapshot_of(portfolio, JOINT, STATUS_DATE)
        data = render(snapshot, report, m.DocumentType.STATUS, year=STATUS_DATE.year).data
        assert_sound_docx(data)
        text = document_text(data)
        ini = next(i for i in portfolio.initiatives if i.id == INI)
        if ini.plan_id == snapshot.plan.id:
            assert "P-1 Projekt under det redigerede initiativ" in text and PF.shared_cell.format(key="P-1") in text
    lights = {iid: light.light for iid, light in report.lights.items()}
    xlsx = portfolio_workbook(portfolio_overview(portfolio, threshold_kr=report.portfolio_threshold_kr, lights=lights))
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        assert archive.testzip() is None
        assert not any(re.search(rb"<f[ >]", archive.read(n)) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    keys = {row[1] for row in book[PF.sheet_projects].iter_rows(min_row=2, values_only=True)}
    assert {"P-1", "P-2"} <= keys  # neither project is lost, whatever the initiative holds
