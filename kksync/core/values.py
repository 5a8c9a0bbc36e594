"""Parsing and cleaning of single values as departments type them (pure, stdlib only).

Each parser returns ``(value, problem_code)``: a value it could take, or ``None`` with the code of
the Danish message in ``kksync.texts.problems``. Nothing here raises on user input.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

__all__ = [
    "COPENHAGEN",
    "clean_text",
    "date_to_sharepoint",
    "datetime_to_sharepoint",
    "html_to_text",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
]

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

# Control characters, non-characters and lone surrogates (JSON can carry ``\\ud800``, UTF-8 and XML cannot).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_INTEGER = re.compile(r"^[-+]?\d+$")
_DANISH_GROUPED = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+(,\d+)?$")
_DANISH_DECIMAL = re.compile(r"^[-+]?\d+,\d+$")
_ENGLISH_GROUPED = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DOT_DECIMAL = re.compile(r"^[-+]?\d*\.\d+$")
_EXPONENT = re.compile(r"^[-+]?\d+(\.\d+)?[eE][-+]?\d+$")
_CURRENCY_NOISE = re.compile(r"(?i)\s|\u00a0|\u202f|kr\.?|dkk")

_DANISH_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januar", "jan"), ("februar", "feb"), ("marts", "mar"), ("april", "apr"),
            ("maj",), ("juni", "jun"), ("juli", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("oktober", "okt"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_DANISH_LONG_DATE = re.compile(r"^(\d{1,2})\.?\s+([a-zæøå]+)\.?\s+(\d{4})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")


def clean_text(value: str) -> tuple[str, bool]:
    """Remove characters Word and XML cannot hold; report whether any were removed."""
    cleaned = _CONTROL.sub("", value)
    return cleaned, cleaned != value


def parse_decimal(value: object) -> tuple[Decimal | None, str | None]:
    """Read a number from SharePoint JSON or from Danish text, never guessing.

    JSON numbers are exact. Text is read as Danish (``1.234.567,50``); a plain invariant decimal
    such as ``1234.5`` (how SharePoint itself writes numbers into strings) is accepted, English
    grouping (``1,234.5``) is refused, and text that reads two ways (``1,234`` or ``1.234``) is
    reported as ambiguous.
    """
    if isinstance(value, bool):
        return None, "not_a_number"
    if isinstance(value, int):
        return Decimal(value), None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None, "not_a_number"
        return Decimal(repr(value)), None
    if isinstance(value, Decimal):
        return (value, None) if value.is_finite() else (None, "not_a_number")
    if not isinstance(value, str):
        return None, "not_a_number"
    text = _CURRENCY_NOISE.sub("", value)
    if not text:
        return None, None
    if _INTEGER.match(text):
        return Decimal(text), None
    if re.fullmatch(r"[-+]?\d{1,3}[.,]\d{3}", text):
        return None, "ambiguous_number"
    if _DANISH_GROUPED.match(text):
        return Decimal(text.replace(".", "").replace(",", ".")), None
    if _DANISH_DECIMAL.match(text):
        return Decimal(text.replace(",", ".")), None
    if _ENGLISH_GROUPED.match(text):
        return None, "foreign_number"
    if _DOT_DECIMAL.match(text) or _EXPONENT.match(text):
        try:
            return Decimal(text), None
        except InvalidOperation:  # pragma: no cover - the patterns admit only valid literals
            return None, "not_a_number"
    return None, "not_a_number"


def parse_datetime(value: object) -> tuple[datetime | None, str | None]:
    """An ISO 8601 timestamp as SharePoint returns it, as an aware UTC datetime."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC), None
    if not isinstance(value, str) or not value.strip():
        return None, ("bad_date" if value not in (None, "") else None)
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        day, problem = parse_date(value)
        if day is None:
            return None, problem
        parsed = datetime.combine(day, time(0), COPENHAGEN)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC), None
    except OverflowError:  # year 1 or 9999 shifted across the date line
        return None, "bad_date"


def parse_date(value: object) -> tuple[date | None, str | None]:
    """A calendar date. SharePoint stores date-only columns as local midnight in UTC
    (``2010-12-31T23:00:00Z`` is 1 January 2011 in Copenhagen), so timestamps are read in
    Copenhagen time. Danish spellings (``31-12-2012``, ``27. november 2026``) are accepted."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(COPENHAGEN).date(), None
    if isinstance(value, date):
        return value, None
    if not isinstance(value, str):
        return None, "bad_date"
    text = value.strip().lower()
    try:
        if re.match(r"\d{4}-\d{2}-\d{2}[t ]\d", text):
            stamp = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
            if stamp.tzinfo is None:
                return stamp.date(), None
            return stamp.astimezone(COPENHAGEN).date(), None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text), None
        if match := _NUMERIC_DATE.match(text):
            return date(int(match[3]), int(match[2]), int(match[1])), None
        if (match := _DANISH_LONG_DATE.match(text)) and match[2] in _DANISH_MONTHS:
            return date(int(match[3]), _DANISH_MONTHS[match[2]], int(match[1])), None
    except (ValueError, OverflowError):  # OverflowError: 9999-12-31T23:00Z is year 10000 in Copenhagen
        return None, "bad_date"
    return None, "bad_date"


def date_to_sharepoint(day: date) -> str:
    """Midnight in Copenhagen, in UTC, as SharePoint stores a date-only column."""
    stamp = datetime.combine(day, time(0), COPENHAGEN).astimezone(UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def datetime_to_sharepoint(stamp: datetime) -> str:
    aware = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_bool(value: object) -> tuple[bool | None, str | None]:
    if isinstance(value, bool):
        return value, None
    if value is None or value == "":
        return None, None
    text = str(value).strip().lower()
    if text in {"1", "true", "ja", "yes", "sand"}:
        return True, None
    if text in {"0", "false", "nej", "no", "falsk"}:
        return False, None
    return None, "bad_boolean"


class _TextExtractor(HTMLParser):
    """Turns rich-text HTML into plain paragraphs; drops scripts, styles and embedded content."""

    _BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"})
    _DROPPED = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropped_depth = 0
        self.dropped_any = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._DROPPED:
            self.dropped_depth += 1
            self.dropped_any = True
        elif tag in self._BLOCKS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._DROPPED:
            self.dropped_depth = max(0, self.dropped_depth - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.dropped_depth:
            self.parts.append(data)

    def unknown_decl(self, data: str) -> None:
        # <![CDATA[…]]> is text the department pasted: kept as text (never as markup), not dropped.
        if data.startswith("CDATA[") and not self.dropped_depth:
            self.parts.append(data[len("CDATA["):])


_TAG_HINT = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


def html_to_text(value: str) -> tuple[str, bool]:
    """Plain text from SharePoint's enhanced rich text; reports whether active content was dropped.

    Text without tags is returned unchanged, so plain notes round-trip exactly.
    """
    if not _TAG_HINT.search(value):
        return value, False
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts).replace("\u200b", "")
    # One line per paragraph or list item: documents turn each line into a paragraph of their own.
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line), parser.dropped_any
