"""The command line's one error path: every expected failure becomes a Danish message and an exit code.

``KksyncGroup.main`` wraps every command (the installed ``kksync`` and typer's ``CliRunner`` alike):
click's usage errors, kksync's own errors (``kksync.errors``), file-system errors and, as a last
resort, anything unexpected, each mapped by ``classify`` to one line on stderr and an exit code of
``ExitCode`` (the table is ``kksync.texts.cli.EXIT_CODES``, printed in the README). A traceback is
shown only with ``--debug``.

click and typer print their own English (help, "No such option"): ``install_danish`` points their
``gettext`` at ``kksync.texts.cli.CLICK``. Libraries' log records (office365 logs a full traceback for
every failed request in an event listener) stay out of the terminal unless ``--debug``.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any

from typer._click import exceptions as click_exceptions
from typer.core import TyperGroup
from typer.exceptions import Abort

from kksync.cli_output import OPTIONS, clean, err
from kksync.errors import (
    ConfigError,
    DocumentError,
    InvalidInputError,
    KksyncError,
    LeaseHeldError,
    NotFoundError,
    SchemaError,
    SharePointError,
    StateError,
    UnknownError,
)
from kksync.texts.cli import CLICK, CLICK_ERRORS, HELP_WORDS, cli_text

__all__ = ["ExitCode", "KksyncGroup", "classify", "configure_logging", "install_danish"]


class ExitCode(IntEnum):
    """The documented exit codes (``kksync.texts.cli.EXIT_CODES`` says what each means)."""

    OK = 0
    GATE_FAILED = 1
    USAGE = 2
    SHAREPOINT = 3
    STATE = 4
    PARTIAL = 5
    BUSY = 6
    INTERRUPTED = 130
    UNEXPECTED = 70


_MISSING_LIST = re.compile(r"List '([^']+)' does not exist")


def _gettext(message: str) -> str:
    return CLICK.get(message, message)


def translate_usage(message: str) -> str:
    """A usage error of click (English f-strings in typer's copy) in Danish; unknown ones stay as they are."""
    for pattern, danish in CLICK_ERRORS:
        found = re.fullmatch(pattern, message.strip(), flags=re.DOTALL | re.IGNORECASE)
        if found:
            values = found.groupdict(default="")
            if "Did you mean" in pattern:
                values["b"] = f" Mente du {values['b']}?" if values["b"] else ""
                values["c"] = f" Mente du {values['c']}?" if values.get("c") else ""
            elif values.get("b"):
                values["b"] = translate_usage(values["b"])  # the inner message of "Invalid value for …"
            return danish.format(**values)
    return message


def _danish_help(get_help: Callable[..., str]) -> Callable[..., str]:
    def wrapped(self: Any, ctx: Any) -> str:
        text = get_help(self, ctx)
        for english, danish in HELP_WORDS.items():
            text = text.replace(english, danish)
        return text

    wrapped._kksync = True  # type: ignore[attr-defined]
    return wrapped


def install_danish() -> None:
    """typer's own texts in Danish: its ``gettext`` ids, and the help page's fixed words (idempotent)."""
    import typer.core
    import typer.rich_utils
    from typer._click import core as click_core

    typer.core._ = _gettext  # type: ignore[attr-defined]
    typer.rich_utils._ = _gettext  # type: ignore[attr-defined]
    if not getattr(click_core.Command.get_help, "_kksync", False):
        click_core.Command.get_help = _danish_help(click_core.Command.get_help)  # type: ignore[method-assign]


class _Quiet(logging.NullHandler):
    """Marks the handler kksync put on the root logger, so configuring twice replaces it."""


def _kksync_only(record: logging.LogRecord) -> bool:
    """kksync's own records, one line each (no library noise, no tracebacks)."""
    record.exc_info = None
    record.exc_text = None
    return record.name.startswith("kksync")


def configure_logging(*, debug: bool, verbose: bool) -> None:
    """Log records to stderr only when asked: ``--debug`` everything, ``--verbose`` kksync's warnings."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Quiet) or getattr(h, "_kksync", False)]:
        root.removeHandler(old)
    handler: logging.Handler
    if debug:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.setLevel(logging.DEBUG)
        handler._kksync = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        return
    # A handler on the root keeps logging's "last resort" (stderr, WARNING and up) from printing the
    # libraries' tracebacks; --verbose shows kksync's own warnings, one line each, without tracebacks.
    root.addHandler(_Quiet())
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler.addFilter(_kksync_only)
        handler.setLevel(logging.INFO)
        handler._kksync = True  # type: ignore[attr-defined]
        root.addHandler(handler)


def classify(error: BaseException, *, command: str = "kksync") -> tuple[int, str, str]:
    """``(exit code, prefix, message)`` for an error; the message is Danish and says what to do."""
    if isinstance(error, click_exceptions.UsageError):
        where = error.ctx.command_path if error.ctx is not None else command
        message = translate_usage(error.format_message())
        return ExitCode.USAGE, cli_text("usage"), f"{message} {cli_text('usage_hint', command=where)}"
    if isinstance(error, click_exceptions.ClickException):
        return ExitCode.USAGE, cli_text("usage"), translate_usage(error.format_message())
    if isinstance(error, Abort | KeyboardInterrupt):
        return ExitCode.INTERRUPTED, "", cli_text("interrupted")
    if isinstance(error, UnknownError):
        return ExitCode.USAGE, cli_text("unknown"), str(error)
    if isinstance(error, ConfigError | SchemaError | DocumentError | InvalidInputError):
        return ExitCode.USAGE, cli_text("error"), str(error)
    if isinstance(error, LeaseHeldError):
        return ExitCode.BUSY, cli_text("busy"), str(error)
    if isinstance(error, NotFoundError) and (found := _MISSING_LIST.search(str(error))):
        from kksync.settings import load_settings

        return ExitCode.SHAREPOINT, cli_text("sharepoint"), cli_text(
            "not_provisioned", list=found.group(1), site=load_settings().site_url)
    if isinstance(error, SharePointError):
        return ExitCode.SHAREPOINT, cli_text("sharepoint"), str(error)
    if isinstance(error, StateError):
        return ExitCode.STATE, cli_text("state"), str(error)
    if isinstance(error, KksyncError):
        return ExitCode.UNEXPECTED, cli_text("error"), str(error)
    if isinstance(error, OSError):
        name = error.filename if error.filename is not None else ""
        return ExitCode.USAGE, cli_text("error"), cli_text("file_unreadable", path=name, error=error.strerror or error)
    return ExitCode.UNEXPECTED, "", cli_text("unexpected", kind=type(error).__name__, error=error)


def report(error: BaseException, *, command: str = "kksync") -> int:
    """Print ``error`` the one way (and its traceback with ``--debug``); return its exit code."""
    from rich.text import Text

    code, prefix, message = classify(error, command=command)
    if OPTIONS.debug:
        err.print(Text("".join(traceback.format_exception(error)), style="dim"))
    err.print(Text.assemble(Text(prefix, style="bold red"), Text(clean(message, 4000))))
    return int(code)


class KksyncGroup(TyperGroup):
    """The ``kksync`` command group: runs the command and turns what it raises into an exit code."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        install_danish()
        OPTIONS.debug = OPTIONS.verbose = OPTIONS.quiet = False
        configure_logging(debug=False, verbose=False)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False,
                                windows_expand_args=windows_expand_args, **extra)
        except BaseException as error:
            if isinstance(error, SystemExit):
                raise
            code = report(error, command=prog_name or "kksync")
        if not isinstance(code, int):
            code = 0
        if standalone_mode:
            sys.exit(code)
        return code
