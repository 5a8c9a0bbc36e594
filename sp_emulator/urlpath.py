"""Splitting SharePoint REST paths like `web/lists/getbytitle('A/B')/items(3)` into segments with arguments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

__all__ = ["Segment", "split_path", "parse_args"]


@dataclass
class Segment:
    name: str  # lower-cased
    raw: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    has_parens: bool = False

    @property
    def arg(self) -> Any:
        if self.args:
            return self.args[0]
        if self.kwargs:
            return next(iter(self.kwargs.values()))
        return None


def _literal(text: str, aliases: dict[str, str]) -> Any:
    text = text.strip()
    if text.startswith("@") and text in aliases:
        text = aliases[text]
    low = text.lower()
    if low.startswith("guid'") and text.endswith("'"):
        return text[5:-1]
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if low in ("true", "false"):
        return low == "true"
    if low == "null":
        return None
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _split_top(text: str, sep: str) -> list[str]:
    """Split on `sep` outside single-quoted strings and parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth, quoted = 0, False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "'":
            quoted = not quoted  # a doubled '' toggles twice, which is exactly right
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        if ch == sep and not quoted and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def parse_args(text: str, aliases: dict[str, str] | None = None) -> tuple[list[Any], dict[str, Any]]:
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    if not text.strip():
        return args, kwargs
    for part in _split_top(text, ","):
        key, eq, value = part.partition("=")
        if eq and key.strip().replace("_", "").isalnum() and "'" not in key:
            kwargs[key.strip().lower()] = _literal(value, aliases or {})
        else:
            args.append(_literal(part, aliases or {}))
    return args, kwargs


def split_path(path: str, aliases: dict[str, str] | None = None) -> list[Segment]:
    """`path` is everything after `/_api/`, still percent-encoded."""
    segments: list[Segment] = []
    for raw in _split_top(unquote(path), "/"):
        if not raw:
            continue
        name, paren, rest = raw.partition("(")
        seg = Segment(name=name.strip().lower(), raw=raw, has_parens=bool(paren))
        if paren:
            inner = rest[: rest.rfind(")")] if ")" in rest else rest
            seg.args, seg.kwargs = parse_args(inner, aliases)
        segments.append(seg)
    return segments
