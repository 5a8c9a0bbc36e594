"""Table column widths from the content, at Arial's own widths, so no word breaks inside a cell (pure).

Word lays out a fixed-layout table at the grid's widths and breaks a word that is wider than its
cell in the middle ("Initiative|r"). Every column therefore gets at least the width of its longest
unbreakable piece (header in bold, cells in regular, plus the cell margins); the space left goes to
the columns whose text would otherwise wrap most, in proportion to how much more they want, and
then by the content's relative widths. Only when even the longest words cannot fit side by side
are the columns scaled down together (the words then break, as they would in any layout).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kksync.documents.word.arial_widths import BOLD, CHARS, REGULAR

__all__ = ["column_widths", "fitting_size", "text_width"]

_WIDTH = {False: dict(zip(CHARS, REGULAR, strict=True)), True: dict(zip(CHARS, BOLD, strict=True))}
_WIDEST = {False: max(REGULAR), True: max(BOLD)}
# Word breaks lines at spaces and after a hyphen; U+00A0 and U+2011 hold their neighbours together.
_BREAKS = re.compile(r"(?<=-)|[ \t\n]+")
_DESIRED_CAP = 4.0
"""A long cell text asks for at most this many times its longest word (it may wrap, just not mid-word)."""


_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_SAME_AS = {"\u2011": "-", "\u2010": "-", "\u202f": "\xa0"}


def text_width(text: str, *, size_pt: float, bold: bool = False) -> int:
    """Width of ``text`` on one line, in twips (1/20 pt)."""
    widths = _WIDTH[bold]
    units = sum(widths.get(_SAME_AS.get(ch, ch), _WIDEST[bold]) for ch in text if ch not in _ZERO_WIDTH)
    return round(units * size_pt * 20 / 1000)


def _pieces(text: str) -> list[str]:
    return [p for p in _BREAKS.split(text) if p]


def _needs(headers: Sequence[str], rows: Sequence[Sequence[str]], size_pt: float, margin: int) -> tuple[list[int], list[int]]:
    """Per column: the least width (longest unbreakable piece) and the wanted width (longest line, capped)."""
    count = len(headers)
    least = [0] * count
    wanted = [0] * count
    for n in range(count):
        texts = [(headers[n], True), *((row[n], False) for row in rows if n < len(row))]
        for text, bold in texts:
            pieces = _pieces(text)
            longest = max((text_width(p, size_pt=size_pt, bold=bold) for p in pieces), default=0)
            least[n] = max(least[n], longest + margin)
            lines = text.split("\n")
            line = max((text_width(x, size_pt=size_pt, bold=bold) for x in lines), default=0)
            wanted[n] = max(wanted[n], min(line, int(longest * _DESIRED_CAP)) + margin)
    return least, [max(w, m) for w, m in zip(wanted, least, strict=True)]


def fitting_size(headers: Sequence[str], rows: Sequence[Sequence[str]], *, total: int, sizes: Sequence[float],
                 margin: int) -> float:
    """The largest of ``sizes`` at which every column's longest word fits side by side (else the smallest)."""
    for size in sizes:
        if sum(_needs(headers, rows, size, margin)[0]) <= total:
            return size
    return sizes[-1]


def column_widths(
    headers: Sequence[str], rows: Sequence[Sequence[str]], weights: Sequence[float], *, total: int,
    size_pt: float, margin: int,
) -> list[int]:
    """Widths in twips that add up to ``total``; ``margin`` is a cell's left plus right margin."""
    least, wanted = _needs(headers, rows, size_pt, margin)
    if sum(least) >= total:
        scale = total / (sum(least) or 1)
        widths = [int(w * scale) for w in least]
    else:
        widths = list(least)
        spare = total - sum(widths)
        hunger = [w - m for w, m in zip(wanted, least, strict=True)]
        if sum(hunger) > 0:
            share = min(1.0, spare / sum(hunger))
            widths = [m + int(h * share) for m, h in zip(least, hunger, strict=True)]
            spare = total - sum(widths)
        if spare > 0:
            weight_sum = sum(weights) or 1.0
            widths = [w + int(spare * weight / weight_sum) for w, weight in zip(widths, weights, strict=True)]
    widths[-1] += total - sum(widths)  # rounding
    return widths
