"""What departments type: control characters, U+FFFF, huge text, scripts, template syntax, odd keys."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest

from kksync.core.model import DocumentType, Portfolio
from kksync.core.snapshots import snapshot_of
from kksync.documents import render, safe_file_name
from kksync.documents.content.names import MAX_FILE_NAME, is_safe_file_name
from kksync.documents.word.lint import lint_docx
from testkit.scenarios import JOINT, STATUS_DATE, documents_portfolio, documents_report

HOSTILE = "Ctrl\x00\x01\x08\x0b\x0c\x1f\x7f tegn \ufffe\uffff {{ plan.key }} {% if x %}ja{% endif %} <b>fed</b> æøå\ttab\r\nlinje "
BIG = "Lang tekst. " * 90_000  # ~1 MB


def _hostile_portfolio() -> Portfolio:
    base = documents_portfolio(4)
    # model_copy skips validation: this is text as it could arrive from a lax source
    initiatives = [
        i.model_copy(update={"title": HOSTILE + i.title, "purpose": BIG if n == 0 else f"<p>{HOSTILE}</p><script>alert('x')</script>"})
        for n, i in enumerate(base.initiatives)
    ]
    statuses = [s.model_copy(update={"comment": HOSTILE + "<ul><li>{{ x }}</li></ul>"}) for s in base.statuses]
    plans = [p.model_copy(update={"title": HOSTILE}) if p.key == JOINT else p for p in base.plans]
    areas = [a.model_copy(update={"title": "\uffff" + a.title}) for a in base.focus_areas]
    return base.model_copy(update={"initiatives": initiatives, "statuses": statuses, "plans": plans, "focus_areas": areas})


@pytest.mark.parametrize("doc_type", list(DocumentType))
def test_hostile_text_gives_valid_accessible_documents(doc_type: DocumentType) -> None:
    portfolio = _hostile_portfolio()
    snapshot = snapshot_of(portfolio, JOINT, STATUS_DATE)
    result = render(snapshot, documents_report(portfolio), doc_type, year=2012)
    document = docx.Document(io.BytesIO(result.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "\x00" not in text and "\uffff" not in text and "\x0b" not in text
    assert "{{ plan.key }}" in text and "{% if x %}" in text  # literal, never interpreted
    assert "alert(" not in text
    assert lint_docx(result.data) == []
    assert is_safe_file_name(result.spec.file_name)


@pytest.mark.parametrize(
    "key",
    ["CON", "con", "a:b", "a/b\\c", "trailing  ", " .dots. ", "~$lock", "_vti_bin", "desktop.ini", ".lock", "", "LPT1",
     "Fælles ÆØÅ plan", "x" * 400, 'q"*<>?|', "COM0.txt", "\x00\uffff"],
)
def test_hostile_plan_keys_give_safe_names(key: str) -> None:
    for doc_type in DocumentType:
        name = safe_file_name(key, doc_type, date(2012, 11, 27))
        assert is_safe_file_name(name), name
        assert len(name) <= MAX_FILE_NAME
        assert name == safe_file_name(key, doc_type, date(2012, 11, 27))
        assert name.endswith(".docx")


def test_names_are_distinct_and_readable() -> None:
    assert safe_file_name("F2011-2012", DocumentType.STATUS, 2012) == "Status-paa-implementering_F2011-2012_2012.docx"
    assert safe_file_name("a:b", DocumentType.PLAN, 2012) != safe_file_name("a/b", DocumentType.PLAN, 2012)
    assert safe_file_name("Fælles plan", DocumentType.PLAN, 2012).startswith("Handlingsplan_Faelles-plan-")
    for bad in ("CON", "a:b", " x", "x.", "~$x", "a_vti_b", "desktop.ini", "x" * 129, "COM1", "nul.docx"):
        assert not is_safe_file_name(bad)


def test_hostile_plan_key_in_a_snapshot_renders() -> None:
    portfolio = documents_portfolio(2)
    plans = [p.model_copy(update={"key": "CON:\x01 "}) if p.key == JOINT else p for p in portfolio.plans]
    portfolio = portfolio.model_copy(update={"plans": plans})
    snapshot = snapshot_of(portfolio, "CON:\x01 ", STATUS_DATE)
    result = render(snapshot, documents_report(portfolio), DocumentType.STATUS, year=2012)
    assert is_safe_file_name(result.spec.file_name)
    assert lint_docx(result.data) == []
