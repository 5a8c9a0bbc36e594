"""Every generated document converts with LibreOffice; page previews land in out/previews/."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kksync.checks.findings import CheckReport
from kksync.core.model import DocumentType
from kksync.core.snapshots import Snapshot, snapshot_of
from kksync.documents import render
from testkit.scenarios import STATUS_DATE, TRANSITION, documents_portfolio, documents_report

PREVIEWS = Path(__file__).resolve().parents[2] / "out" / "previews"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run `make test`, which installs LibreOffice and poppler-utils")
    return path


@pytest.mark.soffice
@pytest.mark.parametrize("doc_type", list(DocumentType))
@pytest.mark.parametrize("plan", ["joint", "transition"])
def test_converts_to_pdf_and_previews(
    doc_type: DocumentType, plan: str, snapshot: Snapshot, report: CheckReport, tmp_path: Path
) -> None:
    soffice, pdftoppm = _tool("soffice"), _tool("pdftoppm")
    if plan == "transition":
        portfolio = documents_portfolio(3)
        snapshot, report = snapshot_of(portfolio, TRANSITION, STATUS_DATE), documents_report(portfolio)
    result = render(snapshot, report, doc_type, year=2012)
    source = tmp_path / result.spec.file_name
    source.write_bytes(result.data)
    profile = (tmp_path / "profile").as_uri()
    completed = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = source.with_suffix(".pdf")
    assert completed.returncode == 0 and pdf.is_file(), completed.stderr + completed.stdout
    assert pdf.stat().st_size > 1000
    PREVIEWS.mkdir(parents=True, exist_ok=True)
    prefix = PREVIEWS / source.stem
    subprocess.run([pdftoppm, "-png", "-r", "50", "-f", "1", "-l", "2", str(pdf), str(prefix)], check=True, timeout=120)
    assert list(PREVIEWS.glob(f"{source.stem}*.png"))
