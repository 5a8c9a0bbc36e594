"""A small OData v3 `$filter` / `$orderby` implementation, enough for what SharePoint list queries accept.

The parser builds a tuple AST; evaluation is a closure over a value resolver so the item store decides how
`Author/Id`, `AuthorId` or lookup columns map onto stored values.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

Node = tuple[Any, ...]  # ("cmp", op, left, right), ("field", name), ("lit", value), ...

__all__ = ["FilterError", "parse_filter", "evaluate", "filter_fields", "parse_orderby", "normalize_datetime"]


class FilterError(ValueError):
    """The expression is not valid OData; the server answers 400 like SharePoint."""


_TOKEN = re.compile(
    r"""\s*(?:
    (?P<dt>datetime'[^']*')
    |(?P<str>'(?:[^']|'')*')
    |(?P<num>-?\d+(?:\.\d+)?(?:[mMdDlLfF])?)
    |(?P<lp>\()|(?P<rp>\))|(?P<comma>,)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_/.]*)
    )""",
    re.VERBOSE,
)

_CMP = {"eq", "ne", "lt", "gt", "le", "ge"}
_FUNCS = {"substringof", "startswith", "endswith"}


def normalize_datetime(text: str) -> str:
    """Canonical `YYYY-MM-DDTHH:MM:SSZ` (UTC) so dates compare correctly as strings."""
    raw = text.strip()
    if raw.endswith("Z"):
        raw = raw[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise FilterError(f"Invalid datetime '{text}'") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise FilterError(f"Syntax error at position {pos} in '{text}'.")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0
        self.text = text

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise FilterError(f"Unexpected end of expression '{self.text}'.")
        self.pos += 1
        return tok

    def keyword(self, word: str) -> bool:
        tok = self.peek()
        if tok and tok[0] == "ident" and tok[1].lower() == word:
            self.pos += 1
            return True
        return False

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek() is not None:
            raise FilterError(f"Syntax error at '{self.peek()[1]}' in '{self.text}'.")  # type: ignore[index]
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.keyword("or"):
            node = ("or", node, self.and_expr())
        return node

    def and_expr(self) -> Node:
        node = self.unary()
        while self.keyword("and"):
            node = ("and", node, self.unary())
        return node

    def unary(self) -> Node:
        if self.keyword("not"):
            return ("not", self.unary())
        return self.comparison()

    def comparison(self) -> Node:
        left = self.primary()
        tok = self.peek()
        if tok and tok[0] == "ident" and tok[1].lower() in _CMP:
            self.pos += 1
            return ("cmp", tok[1].lower(), left, self.primary())
        return left

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "lp":
            node = self.or_expr()
            if self.take()[0] != "rp":
                raise FilterError("Expected ')'.")
            return node
        if kind == "str":
            return ("lit", value[1:-1].replace("''", "'"))
        if kind == "dt":
            return ("lit", normalize_datetime(value[9:-1]))
        if kind == "num":
            digits = value.rstrip("mMdDlLfF")
            return ("lit", float(digits) if "." in digits else int(digits))
        if kind == "ident":
            low = value.lower()
            if low in ("true", "false"):
                return ("lit", low == "true")
            if low == "null":
                return ("lit", None)
            nxt = self.peek()
            if low in _FUNCS and nxt and nxt[0] == "lp":
                self.take()
                args = [self.or_expr()]
                while self.peek() and self.peek()[0] == "comma":  # type: ignore[index]
                    self.take()
                    args.append(self.or_expr())
                if self.take()[0] != "rp":
                    raise FilterError("Expected ')'.")
                return ("call", low, args)
            return ("field", value)
        raise FilterError(f"Syntax error at '{value}' in '{self.text}'.")


def parse_filter(text: str) -> Node:
    return _Parser(text).parse()


def filter_fields(node: Node) -> set[str]:
    """Every field name the expression touches (for the list view threshold check)."""
    if node[0] == "field":
        return {node[1]}
    if node[0] == "lit":
        return set()
    if node[0] == "call":
        out: set[str] = set()
        for arg in node[2]:
            out |= filter_fields(arg)
        return out
    out = set()
    for child in node[1:]:
        if isinstance(child, tuple):
            out |= filter_fields(child)
    return out


def _compare(op: str, left: Any, right: Any) -> Any:
    if isinstance(left, list):  # multi-value columns match when any value matches (like SharePoint)
        return any(_compare(op, v, right) for v in left) if op != "ne" else all(_compare(op, v, right) for v in left)
    if op == "eq":
        return left == right
    if op == "ne":
        return left != right
    if left is None or right is None:
        return False
    if isinstance(left, bool) or isinstance(right, bool):
        left, right = int(left), int(right)
    try:
        if op == "lt":
            return left < right
        if op == "gt":
            return left > right
        if op == "le":
            return left <= right
        return left >= right
    except TypeError:
        return str(left) < str(right) if op in ("lt", "le") else str(left) > str(right)


def evaluate(node: Node, resolve: Callable[[str], Any]) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "field":
        return resolve(node[1])
    if kind == "and":
        return bool(evaluate(node[1], resolve)) and bool(evaluate(node[2], resolve))
    if kind == "or":
        return bool(evaluate(node[1], resolve)) or bool(evaluate(node[2], resolve))
    if kind == "not":
        return not evaluate(node[1], resolve)
    if kind == "cmp":
        left, right = evaluate(node[2], resolve), evaluate(node[3], resolve)
        if isinstance(right, str) and isinstance(left, (int, float)) and not isinstance(left, bool):
            with contextlib.suppress(ValueError):
                right = float(right)
        return _compare(node[1], left, right)
    if kind == "call":
        args = [evaluate(a, resolve) for a in node[2]]
        if len(args) != 2:
            raise FilterError(f"{node[1]} takes two arguments.")
        if node[1] == "substringof":  # OData v3: substringof('needle', Field)
            needle, hay = args
            return needle is not None and hay is not None and str(needle).lower() in str(hay).lower()
        hay, needle = args
        if hay is None or needle is None:
            return False
        if node[1] == "startswith":
            return str(hay).lower().startswith(str(needle).lower())
        return str(hay).lower().endswith(str(needle).lower())
    raise FilterError(f"Unknown node {kind}")


def parse_orderby(text: str) -> list[tuple[str, bool]]:
    """`Title desc, ID` → [("Title", True), ("ID", False)]; the flag means descending."""
    keys: list[tuple[str, bool]] = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise FilterError(f"Invalid $orderby '{text}'.")
        keys.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
    return keys
