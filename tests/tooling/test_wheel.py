"""The built wheel is the product alone: ``kksync/`` with its template and governance file, no emulator or demo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy of what git tracks, so a developer's stale build/ folder cannot leak into it (and the
    # checkout gets no build/ of its own); no build isolation: the venv's setuptools builds it, no index needed.
    source = tmp_path_factory.mktemp("source")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout.split(b"\0")
    for name in filter(None, (t.decode() for t in tracked)):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out),
                    str(source)], check=True, capture_output=True, timeout=300)
    (built,) = out.glob("kksync-*.whl")
    return built


def test_the_wheel_holds_the_product_and_nothing_else(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/", 1)[0] for name in names if not name.startswith("kksync-")}
    assert tops == {"kksync"}
    assert "kksync/documents/word/templates/kksync.docx" in names
    assert "kksync/governance.toml" in names
    assert "kksync/py.typed" in names
    assert not [n for n in names if "emulator" in n or n.startswith(("demo/", "tests/", "testkit/", "bench/"))]


def test_an_installed_wheel_finds_its_template(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    code = ("import kksync.documents.word.template as t; "
            "assert t.DEFAULT_TEMPLATE.is_file(), t.DEFAULT_TEMPLATE; "
            f"assert str(t.DEFAULT_TEMPLATE).startswith({str(target)!r}), t.DEFAULT_TEMPLATE; "
            "t.load_template(None); print('ok')")
    # Run outside the checkout so the installed copy, not the working tree, is imported.
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONSAFEPATH": "1"}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
