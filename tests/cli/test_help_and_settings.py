"""Help in Danish, no type placeholders, --version, --quiet, and misspelt KKSYNC_* names warned about."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Cli

COMMANDS = [[], ["schema"], ["provision"], ["seed"], ["sync"], ["check"], ["snapshot"], ["snapshot", "list"],
            ["snapshot", "delete"], ["diff"], ["subscribe"], ["runs"], ["doctor"], ["report"], ["report", "status"],
            ["report", "readiness"], ["report", "plan"], ["report", "proposals"], ["report", "lint"]]
ENGLISH = ("Usage:", "Options", "Show this message", "Commands:", "Arguments:", "[default", "[required", "<bool>",
           "<str>", "<int>", "<float", "Install completion")


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) or "kksync" for c in COMMANDS])
def test_help_is_danish(empty: Cli, command: list[str]) -> None:
    result = empty(*command, "--help")
    assert result.code == 0, result
    assert "Brug:" in result.out and "Vis denne hjælp og afslut." in result.out
    for word in ENGLISH:
        assert word not in result.out, (word, result.out)


def test_the_plan_options_example_key_exists() -> None:
    from kksync.sample import sample_portfolio
    from kksync.texts.cli import HELP

    keys = {p.key for p in sample_portfolio().plans}
    example = HELP["plan"].split("fx ")[1].split(" ")[0]
    assert example in keys


def test_version(empty: Cli) -> None:
    result = empty("--version")
    assert result.code == 0 and result.out.startswith("kksync ")


def test_a_misspelt_setting_is_named_with_the_nearest_valid_one(empty: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KKSYNC_SITE_ULR", "https://kk.sharepoint.com/sites/x")
    (empty.folder / ".env").write_text("KKSYNC_STAET=foo.db\nKKSYNC_PAGE_SIZE=500\n", encoding="utf-8")
    result = empty("schema")
    assert result.code == 0
    assert "KKSYNC_SITE_ULR kendes ikke" in result.text and "Mente du KKSYNC_SITE_URL?" in result.text
    assert "KKSYNC_STAET kendes ikke" in result.text and "Mente du KKSYNC_STATE?" in result.text
    assert "KKSYNC_PAGE_SIZE" not in result.text
    quiet = empty("--quiet", "schema")
    assert "kendes ikke" not in quiet.text
