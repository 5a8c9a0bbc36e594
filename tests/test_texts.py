"""The catalogue of Danish text (``kksync.texts``): at the bottom of the import graph, complete, every
template well formed."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from kksync.checks import RULES
from kksync.texts import (
    LEASE_MESSAGES,
    LIGHT_TEXTS,
    MISSING_LIST,
    PROBLEMS,
    RULE_TEXTS,
    RULE_WORDS,
    STATE_MESSAGES,
    VERDICT_TEXTS,
    T,
    counted,
    problem_text,
    state_error,
)

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = sorted((ROOT / "kksync" / "texts").glob("*.py"))


def _kksync_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "kksync" or name.startswith("kksync.")}


def test_the_catalogue_imports_nothing_from_kksync_but_the_errors() -> None:
    assert len(CATALOGUE) >= 5
    for path in CATALOGUE:
        outside = {name for name in _kksync_imports(path) if not name.startswith("kksync.texts")}
        assert outside <= {"kksync.errors"}, f"{path.name} imports {sorted(outside)}"


def test_every_rule_has_its_message_and_every_message_its_rule() -> None:
    assert list(RULE_TEXTS) == list(RULES)  # the same codes, in catalogue order
    assert all(rule.text is RULE_TEXTS[code] for code, rule in RULES.items())


def test_every_state_message_the_stores_raise_is_in_the_catalogue() -> None:
    used = set()
    for path in (ROOT / "kksync" / "state").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "state_error":
                first = node.args[0]
                assert isinstance(first, ast.Constant), ast.unparse(node)
                used.add(first.value)
    assert used == set(STATE_MESSAGES)


def _templates() -> list[str]:
    tables = (PROBLEMS, RULE_TEXTS, STATE_MESSAGES, LEASE_MESSAGES, RULE_WORDS, LIGHT_TEXTS, VERDICT_TEXTS, MISSING_LIST)
    texts = [text for table in tables for text in table.values()]
    return texts + [value for name, value in vars(T).items() if not name.startswith("_") and isinstance(value, str)]


def _malformed(text: str) -> bool:
    fields = [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]
    return any(not field.isidentifier() for field in fields) or text != text.strip() or "  " in text


def test_templates_are_well_formed() -> None:
    """Every placeholder is a plain name (no attribute access or indexing a value could be abused for),
    and no text carries stray spaces."""
    templates = _templates()
    assert len(templates) > 150
    assert [text for text in templates if _malformed(text)] == []
    assert _malformed("{value.__class__}") and _malformed("{0[1]}") and _malformed("to  mellemrum")


def test_helpers_fill_in_the_templates() -> None:
    assert problem_text("too_long", title="Titel", length=12345, limit=255) == (
        "«Titel» er for lang (12.345 tegn); kun de første 255 tegn kommer med i rapporterne. Forkort teksten."
    )
    error = state_error("bad_limit", limit=0)
    assert str(error) == "Antallet af kørsler skal være mindst 1 (fik 0)."
    assert (counted(1, "initiativ"), counted(2, "advarsel"), counted(0, "mangel")) == ("1 initiativ", "2 advarsler", "0 mangler")
