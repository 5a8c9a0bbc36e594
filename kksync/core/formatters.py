"""The column formatters kksync sets (pure): completeness, the computed and the reported traffic light,
and «Hvad mangler».

Meaning is never carried by colour alone: every coloured cell starts with a symbol and shows the word
(✓ Komplet, ✗ Mangler, ✔ Grøn, ▲ Gul, ✖ Rød, ...), and every text colour is set together with its
background, so the contrast is known and ≥ 4.5:1 (WCAG 2.1 AA, 1.4.3) whatever the site's theme.
The computed light («Beregnet trafiklys») and the department's own light («Samlet vurdering», on status
entries, and its copy on initiatives «Samlet vurdering (seneste status)», shown beside the computed one
in the views) look the same, so the two can be compared at a glance; the computed light's reason is its
tooltip. Values are the model's choice values, so a renamed choice renames its
formatter too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from kksync.core.formatting import ColumnFormatter, Expr, Value, field_value, op
from kksync.core.model import Completeness, Light
from kksync.core.schema import Column, list_schema
from kksync.texts.views import FORMAT_TEXTS

__all__ = ["FORMATTERS", "FormatterDef", "Tone", "TONES", "formatters_for"]


@dataclass(frozen=True, slots=True)
class Tone:
    """A symbol with its text colour and background (contrast checked in the tests)."""

    symbol: str
    color: str
    background: str


GOOD = Tone("✓", "#0B5A0B", "#DFF6DD")
BAD = Tone("✗", "#A4262C", "#FDE7E9")
NEUTRAL = Tone("–", "#3B3A39", "#EDEBE9")
GREEN = Tone("✔", "#0B5A0B", "#DFF6DD")
YELLOW = Tone("▲", "#5C4A00", "#FFF4CE")
RED = Tone("✖", "#A4262C", "#FDE7E9")

COMPLETENESS_TONES = {Completeness.KOMPLET.value: GOOD, Completeness.MANGLER.value: BAD, Completeness.IKKE_KRAEVET.value: NEUTRAL}
LIGHT_TONES = {Light.GROEN.value: GREEN, Light.GUL.value: YELLOW, Light.ROED.value: RED}
TONES: tuple[Tone, ...] = (GOOD, BAD, NEUTRAL, GREEN, YELLOW, RED)

_PILL = {"padding": "2px 8px", "border-radius": "12px", "font-weight": "600", "white-space": "nowrap"}


def _pick(tones: dict[str, Tone], attribute: str, otherwise: Value = "") -> Value:
    """``@currentField == v1 ? t1 : @currentField == v2 ? t2 : ... : otherwise``."""
    result: Value = otherwise
    for value, tone in reversed(tones.items()):
        result = op("?", op("==", "@currentField", value), getattr(tone, attribute), result)
    return result


def _choice_pill(tones: dict[str, Tone], *, empty: Value = "", title: Value | None = None) -> ColumnFormatter:
    text: Expr = op("?", op("==", "@currentField", ""), empty, op("+", _pick(tones, "symbol"), " ", "@currentField"))
    style: dict[str, Value] = {**_PILL, "color": _pick(tones, "color", NEUTRAL.color if empty else ""),
                               "background-color": _pick(tones, "background", NEUTRAL.background if empty else "")}
    attributes: dict[str, Value] = {"title": title} if title is not None else {}
    return ColumnFormatter.model_validate({"elmType": "span", "txtContent": text, "style": style,
                                           **({"attributes": attributes} if attributes else {})})


def completeness_formatter() -> ColumnFormatter:
    return _choice_pill(COMPLETENESS_TONES, empty=f"{NEUTRAL.symbol} {FORMAT_TEXTS['not_checked']}")


def light_formatter(reason: Column | None = None) -> ColumnFormatter:
    return _choice_pill(LIGHT_TONES, title=field_value(reason.name) if reason is not None else None)


def missing_formatter(completeness: Column) -> ColumnFormatter:
    """The bullets one per line (``pre-wrap``); an empty cell of a complete initiative says so."""
    empty = op("==", "@currentField", "")
    complete = op("==", field_value(completeness.name), Completeness.KOMPLET.value)
    text = op("?", empty, op("?", complete, f"{GOOD.symbol} {FORMAT_TEXTS['nothing_missing']}", ""), "@currentField")
    colour = op("?", empty, op("?", complete, GOOD.color, ""), BAD.color)
    background = op("?", empty, op("?", complete, GOOD.background, ""), BAD.background)
    return ColumnFormatter.model_validate({
        "elmType": "div", "txtContent": text,
        "style": {"white-space": "pre-wrap", "padding": "4px 6px", "border-radius": "4px", "line-height": "1.4",
                  "color": colour, "background-color": background},
    })


@dataclass(frozen=True, slots=True)
class FormatterDef:
    list_key: str
    column: Column
    formatter: ColumnFormatter
    values: Sequence[str]
    """The values the column can hold (for tests and the demo): its choices, or examples."""

    @property
    def list_title(self) -> str:
        return list_schema(self.list_key).title


def _column(list_key: str, attr: str) -> Column:
    return next(c for c in list_schema(list_key).columns if c.attr == attr)


def _formatters() -> tuple[FormatterDef, ...]:
    completeness = _column("initiatives", "completeness")
    computed = _column("initiatives", "computed_light")
    reported = _column("statuses", "reported_light")
    copied = _column("initiatives", "reported_light")
    missing = _column("initiatives", "missing")
    return (
        FormatterDef("initiatives", completeness, completeness_formatter(), completeness.choices),
        FormatterDef("initiatives", computed, light_formatter(_column("initiatives", "light_reason")), computed.choices),
        FormatterDef("initiatives", copied, light_formatter(), copied.choices),
        FormatterDef("statuses", reported, light_formatter(), reported.choices),
        FormatterDef("initiatives", missing, missing_formatter(completeness),
                     ("• Business case: Business casen mangler et ledelsesresumé.\n• Finansiering: Ingen finansieringslinjer.",)),
    )


FORMATTERS: tuple[FormatterDef, ...] = _formatters()


@cache
def formatters_for(list_key: str) -> tuple[FormatterDef, ...]:
    return tuple(f for f in FORMATTERS if f.list_key == list_key)
