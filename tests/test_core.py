"""The core's promises: one source of truth for columns, light imports, settings that explain themselves."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from kksync.core.columns import FieldKind
from kksync.core.schema import LISTS, list_schema
from kksync.errors import ConfigError
from kksync.settings import AuthMode, load_settings

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("docx", "pptx", "office365", "azure", "matplotlib", "msal", "babel", "lxml")


@pytest.mark.parametrize(
    "module", ["kksync.core.model", "kksync.core.schema", "kksync.core.mapping", "kksync.core.fmt", "kksync.checks"]
)
def test_core_import_stays_light(module: str) -> None:
    code = f"import sys, {module}; print(' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())
    assert not loaded & set(HEAVY), f"{module} pulls in {sorted(loaded & set(HEAVY))}"


def test_internal_names_are_unique_ascii_and_bot_columns_are_marked() -> None:
    initiatives = list_schema("initiatives")
    assert {c.name for c in initiatives.bot_columns} == {
        "KkCompleteness", "KkMissing", "KkComputedLight", "KkLightReason", "KkCheckedAt", "KkPlanStage",
        "KkLatestReportedLight",
    }
    assert {c.name for c in list_schema("plans").bot_columns} == {"KkGateStatus", "KkGateReasons", "KkGateCheckedAt"}
    for schema in LISTS:
        names = [c.name for c in schema.columns]
        assert len(names) == len(set(names))
        assert all(n.isascii() and n.isidentifier() for n in names)
        assert all(c.title for c in schema.columns)


def test_lookups_point_at_lists_that_exist_and_come_first() -> None:
    order = [s.key for s in LISTS]
    for schema in LISTS:
        for col in schema.columns:
            if col.kind in (FieldKind.LOOKUP, FieldKind.LOOKUPMULTI):
                assert col.lookup in order
                assert order.index(col.lookup) <= order.index(schema.key)


def test_choices_come_from_the_model() -> None:
    col = list_schema("initiatives").column("KkAdministration")
    assert col.choices == ("ØKF", "KFF", "BUF", "SUF", "SOF", "TMF", "BIF")


def _string_constants(path: Path) -> set[str]:
    return {n.value for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def test_column_names_appear_nowhere_else_in_the_product() -> None:
    names = {c.name for s in LISTS for c in s.columns if c.name.startswith("Kk")}
    allowed = {ROOT / "kksync" / "core" / "model.py"}
    offenders = []
    for path in [*ROOT.glob("kksync/**/*.py"), *ROOT.glob("functions/*.py")]:
        if path in allowed or "emulator" in path.parts:
            continue
        hits = names & _string_constants(path)
        if hits:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(hits)}")
    assert offenders == []


def test_settings_defaults_are_for_the_local_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("KKSYNC_SITE_URL", "KKSYNC_AUTH", "KKSYNC_STATE"):
        monkeypatch.delenv(var, raising=False)
    settings = load_settings()
    assert settings.auth is AuthMode.EMULATOR
    assert settings.site_url.startswith("http://127.0.0.1")
    assert not settings.state_is_azure


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KKSYNC_SITE_URL", "https://kk.sharepoint.com/sites/it-strategi/")
    monkeypatch.setenv("KKSYNC_AUTH", "managed-identity")
    monkeypatch.setenv("KKSYNC_STATE", "DefaultEndpointsProtocol=https;AccountName=kk;AccountKey=eA==;")
    settings = load_settings()
    assert settings.site_url == "https://kk.sharepoint.com/sites/it-strategi"
    assert settings.state_is_azure and settings.site_name == "it-strategi"


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"KKSYNC_SITE_URL": "ftp://x/sites/a"}, "KKSYNC_SITE_URL"),
        ({"KKSYNC_SITE_URL": "https://kk.sharepoint.com"}, "KKSYNC_SITE_URL"),
        ({"KKSYNC_AUTH": "client-secret"}, "KKSYNC_AUTH"),
        ({"KKSYNC_AUTH": "certificate"}, "KKSYNC_TENANT_ID"),
        ({"KKSYNC_SITE_URL": "https://kk.sharepoint.com/sites/a", "KKSYNC_AUTH": "emulator"}, "emulator"),
        ({"KKSYNC_PAGE_SIZE": "10"}, "KKSYNC_PAGE_SIZE"),
    ],
)
def test_bad_settings_name_the_variable(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], needle: str) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert needle in str(error.value)


def test_requirements_txt_is_in_step_with_pyproject() -> None:
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    listed = [
        line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert sorted(declared) == sorted(listed)
