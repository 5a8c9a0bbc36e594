"""PNG previews of every page of the eight demo documents in out/previews/, rendered with Word's font metrics.

LibreOffice lays the pages out with Liberation Sans for Arial (metric-compatible, so lines wrap where
Word wraps them); the test fails if Arial would fall back to another font, which would make the
previews lie about the layout. ``make tools`` installs the fonts.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from kksync.checks import check_portfolio
from kksync.core.model import DocumentType
from kksync.core.snapshots import snapshot_of
from kksync.documents import render
from kksync.sample import sample_portfolio

PREVIEWS = Path(__file__).resolve().parents[2] / "out" / "previews"
DEMO = (("FHP-2011-2012", date(2011, 12, 31), date(2012, 12, 31), 2012),
        ("FHP-2013-2014", date(2013, 12, 31), date(2014, 6, 30), 2014))


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run `make tools` (part of `make test`)")
    return path


def test_arial_resolves_to_a_metric_compatible_font() -> None:
    matched = subprocess.run([_tool("fc-match"), "Arial"], capture_output=True, text=True, check=True).stdout
    assert "Liberation Sans" in matched, f"Arial falls back to {matched.strip()}: run `make tools`"


@pytest.mark.soffice
def test_every_page_of_the_demo_documents_previews(tmp_path: Path) -> None:
    soffice, pdftoppm, pdfinfo, pdffonts = (_tool(n) for n in ("soffice", "pdftoppm", "pdfinfo", "pdffonts"))
    sample = sample_portfolio()
    sources = []
    for key, before, on, year in DEMO:
        snap, previous = snapshot_of(sample, key, on), snapshot_of(sample, key, before)
        report = check_portfolio(snap.portfolio, today=on, now=datetime.combine(on, time(12), UTC))
        for doc_type in DocumentType:
            result = render(snap, report, doc_type, year=year if doc_type is DocumentType.STATUS else None, previous=previous)
            source = tmp_path / result.spec.file_name
            source.write_bytes(result.data)
            sources.append(source)
    assert len(sources) == 2 * len(DocumentType) == 8
    profile = (tmp_path / "profile").as_uri()
    completed = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         *map(str, sources)], capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr + completed.stdout
    PREVIEWS.mkdir(parents=True, exist_ok=True)
    for source in sources:
        pdf = source.with_suffix(".pdf")
        assert pdf.is_file(), completed.stderr + completed.stdout
        fonts = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "LiberationSans" in fonts and "DejaVu" not in fonts, fonts
        pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True,
                                                                 check=True).stdout)[1])  # type: ignore[index]
        for old in PREVIEWS.glob(f"{source.stem}-*.png"):
            old.unlink()
        subprocess.run([pdftoppm, "-png", "-r", "60", str(pdf), str(PREVIEWS / source.stem)], check=True, timeout=300)
        assert len(list(PREVIEWS.glob(f"{source.stem}-*.png"))) == pages > 1
