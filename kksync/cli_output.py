"""The one way the command line prints: data is always text, never rich markup.

Both consoles are made with ``markup=False, emoji=False, highlight=False``: a string printed, put in a
table cell or a title is shown exactly as it is, so a department's ``[/]`` or ``:warning:`` in a
field, a ``--plan "[bold]X"`` argument or a governance file's ``[kinds."…"]`` can neither crash
rich nor change the output. Style comes only from ``Text`` objects built here (``styled``), never from
markup in a string. ``clean`` also takes control characters out of data (an ESC in a SharePoint field
would otherwise reach the terminal) and cuts long values with "…".

JSON goes to stdout through ``emit_json`` only (``json.dumps``: control characters escaped).
"""

from __future__ import annotations

import json
import sys
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kksync.texts.cli import cli_text

__all__ = ["CELL_LIMIT", "add_row", "OPTIONS", "FormatOpt", "OutputFormat", "clean", "emit_json", "err", "fmt_time", "make_table", "out", "say", "styled", "warn"]

class OutputFormat(StrEnum):
    table = "table"
    json = "json"


FormatOpt = Annotated[OutputFormat, typer.Option("--format", metavar="table|json", help="Udskrift: table (tabeller) eller json (maskinlæsbar, se schemas/).")]

CELL_LIMIT = 300
"""Longest value shown in a table cell; the rest is cut with "…" (JSON has it all)."""


def _console(*, stderr: bool) -> Console:
    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)


out = _console(stderr=False)
err = _console(stderr=True)


@dataclass
class Options:
    """The global options of one invocation (``--debug``, ``--verbose``, ``--quiet``)."""

    debug: bool = False
    verbose: bool = False
    quiet: bool = False


OPTIONS = Options()


def clean(value: object, limit: int | None = CELL_LIMIT, *, one_line: bool = False) -> str:
    """``value`` as printable text: control characters shown as «�», cut at ``limit`` with "…"."""
    text = "" if value is None else str(value)
    keep = "\t" if one_line else "\n\t"
    text = "".join(
        (" " if one_line and ch in "\r\n" else "\ufffd")
        if unicodedata.category(ch) == "Cc" and ch not in keep
        else ch
        for ch in text
    )
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def styled(text: object, style: str = "", *, limit: int | None = None) -> Text:
    """Data or a catalogue sentence as a styled ``Text`` (never parsed as markup)."""
    return Text(clean(text, limit), style=style)


def make_table(title: str, headers: list[str], *, right: tuple[str, ...] = (), keep: tuple[str, ...] = ()) -> Table:
    """A table; ``right``: numbers, right-aligned and never wrapped; ``keep``: short words never wrapped."""
    table = Table(title=Text(clean(title), style="italic"), title_justify="left")
    for header in headers:
        table.add_column(header, justify="right" if header in right else "left", overflow="fold",
                         no_wrap=header in right or header in keep)
    return table


def add_row(table: Table, *cells: Text | str) -> None:
    """A table row of ``Text``: never parsed as markup, whatever console prints the table."""
    table.add_row(*(c if isinstance(c, Text) else Text(c) for c in cells))


def say(*parts: Text | str, console: Console | None = None) -> None:
    """Print one line of results (stdout); suppressed by nothing, it is what the command is for."""
    (console or out).print(Text.assemble(*(p if isinstance(p, Text) else Text(clean(p, None)) for p in parts)))


def warn(prefix: str, text: object, *, style: str = "yellow") -> None:
    """A note or warning to stderr (kept out of the data on stdout); hidden with ``--quiet``."""
    if OPTIONS.quiet:
        return
    err.print(Text.assemble(Text(prefix, style=style), Text(clean(text, None))))


def emit_json(payload: Any) -> None:
    """Machine-readable output on stdout: one JSON document, UTF-8, control characters escaped."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def fmt_time(value: datetime | None) -> str:
    """A time for people: local time with its UTC offset, to the second (``2013-05-02 14:03:11 +02:00``)."""
    from kksync.services.freshness import local_time

    return "–" if value is None else local_time(value)


def last_sync_line(when: datetime | None) -> str:
    return cli_text("last_sync", when=fmt_time(when)) if when else cli_text("last_sync_never")
