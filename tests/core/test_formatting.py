"""Column formatting: valid by its typed model, every colour paired with a word or symbol, contrast ≥ 4.5:1."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import ValidationError

from kksync.core.formatters import FORMATTERS, TONES, FormatterDef
from kksync.core.formatting import SCHEMA_URL, ColumnFormatter, contrast_ratio, evaluate, op, relative_luminance

_ITEM = {"KkCompleteness": "Komplet", "KkLightReason": "Forventet overskridelse 20 %"}


def _values(definition: FormatterDef) -> list[str]:
    return [*definition.values, "", "Et valg kksync ikke kender"]


@pytest.mark.parametrize("definition", FORMATTERS, ids=lambda d: d.column.name)
def test_formatter_json_is_valid_by_the_typed_model(definition: FormatterDef) -> None:
    text = definition.formatter.to_json()
    data = json.loads(text)
    assert data["$schema"] == SCHEMA_URL
    assert ColumnFormatter.model_validate(data).to_json() == text  # a round trip changes nothing
    assert not [s for s in _strings(data) if s.startswith("=")]  # operator objects only: no Excel-style strings


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for key, value in node.items() if key != "operator" for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


@pytest.mark.parametrize("definition", FORMATTERS, ids=lambda d: d.column.name)
def test_every_colour_comes_with_a_word_or_symbol_and_enough_contrast(definition: FormatterDef) -> None:
    coloured = 0
    for value in _values(definition):
        for cell in evaluate(definition.formatter, value, _ITEM):
            if cell.color is None and cell.background is None:
                continue
            coloured += 1
            assert cell.color is not None and cell.background is not None, (value, cell)  # both, so contrast is known
            assert cell.text.strip(), (value, cell)
            assert contrast_ratio(cell.color, cell.background) >= 4.5, (value, cell)
            if value and value in definition.values and definition.column.choices:
                symbol, _, word = cell.text.partition(" ")
                assert word == value and symbol and not symbol.isalnum(), cell.text
    assert coloured >= len(definition.values)


@pytest.mark.parametrize("definition", [d for d in FORMATTERS if d.column.choices], ids=lambda d: d.column.name)
def test_each_choice_has_its_own_symbol(definition: FormatterDef) -> None:
    symbols = [evaluate(definition.formatter, v, _ITEM)[0].text.split(" ")[0] for v in definition.values]
    assert len(set(symbols)) == len(symbols)


def test_every_colour_in_the_json_is_a_checked_tone() -> None:
    checked = {c.lower() for t in TONES for c in (t.color, t.background)}
    for definition in FORMATTERS:
        used = {c.lower() for c in re.findall(r"#[0-9A-Fa-f]{6}", definition.formatter.to_json())}
        assert used and used <= checked, definition.column.name
    for tone in TONES:
        assert contrast_ratio(tone.color, tone.background) >= 4.5, tone


def test_the_missing_column_reads_as_bullets_and_says_when_nothing_is_missing() -> None:
    missing = next(d for d in FORMATTERS if d.column.name == "KkMissing")
    [cell] = evaluate(missing.formatter, "• Prioritet: mangler\n• Finansiering: mangler", _ITEM)
    assert cell.text.count("\n") == 1 and cell.text.startswith("•")
    assert evaluate(missing.formatter, "", _ITEM)[0].text == "✓ Intet mangler"
    assert evaluate(missing.formatter, "", {"KkCompleteness": "Ikke krævet"})[0].text == ""  # no claim it cannot make
    assert json.loads(missing.formatter.to_json())["style"]["white-space"] == "pre-wrap"


def test_the_computed_light_carries_its_reason_as_tooltip() -> None:
    computed = next(d for d in FORMATTERS if d.column.name == "KkComputedLight")
    [cell] = evaluate(computed.formatter, "Rød", _ITEM)
    assert (cell.text, cell.title) == ("✖ Rød", "Forventet overskridelse 20 %")
    reported = next(d for d in FORMATTERS if d.column.name == "KkReportedLight")
    assert evaluate(reported.formatter, "Rød", {})[0].text == cell.text  # beside each other, they look alike


def test_contrast_ratio_is_wcag_2() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # the classic just-too-light grey
    assert contrast_ratio("#123456", "#123456") == pytest.approx(1.0)
    assert relative_luminance("#FFFFFF") == pytest.approx(1.0)
    with pytest.raises(ValueError):
        relative_luminance("red")


@pytest.mark.parametrize("bad", [
    {"elmType": "marquee", "txtContent": "x"},
    {"elmType": "span", "style": {"behavior": "url(x)"}},
    {"elmType": "span", "attributes": {"onclick": "alert(1)"}},
    {"elmType": "span", "txtContent": {"operator": "?", "operands": ["@currentField", "a"]}},
    {"elmType": "span", "txtContent": {"operator": "eval", "operands": ["x"]}},
    {"elmType": "div", "txtContent": "x", "children": [{"elmType": "span"}]},
    {"elmType": "span", "txtContent": "x", "$schema": "https://example.org/other.json"},
])
def test_what_is_not_column_formatting_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ColumnFormatter.model_validate(bad)


def test_operator_arity_is_checked_when_built() -> None:
    with pytest.raises(ValidationError):
        op("?", "@currentField", "a")
    assert evaluate(ColumnFormatter.model_validate({"elmType": "span", "txtContent": op("+", "a", "-", "@currentField")}),
                    "b")[0].text == "a-b"
