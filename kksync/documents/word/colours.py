"""Chart colours readers can tell apart: contrast against white and colour-vision deficiency (pure).

WCAG 2.1 SC 1.4.11 (non-text contrast) asks graphical objects to reach 3:1 against the adjacent
colour; a chart's bars and lines stand on white. Red and green traffic lights look alike to the
about 8 % of men with a red–green deficiency, so two series must also stay apart when the colours
are seen as a protanope or a deuteranope sees them (Viénot, Brettel & Mollon 1999, the simulation
colour-blindness tools use), measured as CIE76 ΔE in CIELAB.

``accessible_colours`` keeps each series' hue and moves only its lightness until both hold, so a
document's red stays recognisably red for everyone else. The linter uses the same measures.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence

__all__ = [
    "MIN_CONTRAST",
    "MIN_CVD_DELTA_E",
    "accessible_colours",
    "contrast_ratio",
    "cvd_delta_e",
]

MIN_CONTRAST = 3.0
"""WCAG 2.1 SC 1.4.11, against white."""
MIN_CVD_DELTA_E = 20.0
"""Smallest CIE76 distance between two series under simulated protanopia and deuteranopia."""

# Viénot, Brettel & Mollon (1999), in linear RGB.
_PROTAN = ((0.11238, 0.88762, 0.0), (0.11238, 0.88762, 0.0), (0.00401, -0.00401, 1.0))
_DEUTAN = ((0.29275, 0.70725, 0.0), (0.29275, 0.70725, 0.0), (-0.02234, 0.02234, 1.0))

RGB = tuple[float, float, float]


def _rgb(hex_colour: str) -> RGB:
    value = hex_colour.strip().lstrip("#")
    if len(value) != 6:
        raise ValueError(f"not an RGB hex colour: {hex_colour!r}")
    return int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255


def _hex(rgb: RGB) -> str:
    return "".join(f"{round(max(0.0, min(1.0, c)) * 255):02X}" for c in rgb)


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _luminance(rgb: RGB) -> float:
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(hex_colour: str, background: str = "FFFFFF") -> float:
    """WCAG contrast ratio between two colours (1 … 21)."""
    a, b = _luminance(_rgb(hex_colour)), _luminance(_rgb(background))
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def _lab(linear: RGB) -> RGB:
    r, g, b = linear
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _simulate(matrix: tuple[RGB, RGB, RGB], rgb: RGB) -> RGB:
    lin = tuple(_linear(c) for c in rgb)
    out = tuple(max(0.0, min(1.0, sum(m * c for m, c in zip(row, lin, strict=True)))) for row in matrix)
    return out[0], out[1], out[2]


def _distance(a: RGB, b: RGB) -> float:
    return float(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5)


def cvd_delta_e(first: str, second: str) -> float:
    """The smaller CIE76 distance of two colours as a protanope and as a deuteranope sees them."""
    a, b = _rgb(first), _rgb(second)
    return min(_distance(_lab(_simulate(m, a)), _lab(_simulate(m, b))) for m in (_PROTAN, _DEUTAN))


def _with_lightness(hex_colour: str, lightness: float) -> str:
    h, _, s = colorsys.rgb_to_hls(*_rgb(hex_colour))
    r, g, b = colorsys.hls_to_rgb(h, max(0.0, min(1.0, lightness)), s)
    return _hex((r, g, b))


def _darkened(hex_colour: str) -> str:
    """The lightest version of the colour (same hue and saturation) with 3:1 against white."""
    colour = hex_colour.upper()
    _, lightness, _ = colorsys.rgb_to_hls(*_rgb(colour))
    while contrast_ratio(colour) < MIN_CONTRAST + 0.05 and lightness > 0:
        lightness -= 0.01
        colour = _with_lightness(hex_colour, lightness)
    return colour


def _lightness(hex_colour: str) -> float:
    return colorsys.rgb_to_hls(*_rgb(hex_colour))[1]


def _variants(hex_colour: str) -> list[tuple[float, str]]:
    """(lightness moved, colour) for the colour and its lighter and darker versions with 3:1, least moved first."""
    base = _darkened(hex_colour)
    lightness = _lightness(base)
    found = [(abs(lightness - _lightness(hex_colour)), base)]
    for step in range(1, 50):
        for sign in (-1, 1):
            candidate = _with_lightness(base, lightness + sign * step * 0.01)
            if contrast_ratio(candidate) >= MIN_CONTRAST + 0.05:
                found.append((abs(_lightness(candidate) - _lightness(hex_colour)), candidate))
    return sorted(found)


def accessible_colours(colours: Sequence[str]) -> list[str]:
    """The colours with 3:1 against white and pairwise apart under red–green deficiency.

    Each colour keeps its hue and saturation; only lightness moves, as little as it must. A colour
    that clashes with an earlier one is fitted together with it (both may move, the smallest sum
    of moves wins), so red and green part by meeting halfway. Accessible palettes come back unchanged.
    """
    options = [_variants(c) for c in colours]
    chosen: list[str] = []
    for n, variants in enumerate(options):
        fits = [c for _, c in variants if all(cvd_delta_e(c, other) >= MIN_CVD_DELTA_E for other in chosen)]
        clashes = [j for j, other in enumerate(chosen) if cvd_delta_e(variants[0][1], other) < MIN_CVD_DELTA_E]
        best = (variants[0][0], n, variants[0][1]) if not clashes else None
        if fits and best is None:
            best = (next(m for m, c in variants if c == fits[0]), n, fits[0])
        if len(clashes) == 1:  # try moving the earlier colour too
            j = clashes[0]
            others = [c for k, c in enumerate(chosen) if k != j]
            for moved_j, cj in options[j][:40]:
                if any(cvd_delta_e(cj, o) < MIN_CVD_DELTA_E for o in others):
                    continue
                for moved_n, cn in variants:
                    if best is not None and moved_j + moved_n >= best[0] - 1e-9:
                        break
                    if cvd_delta_e(cn, cj) >= MIN_CVD_DELTA_E and all(cvd_delta_e(cn, o) >= MIN_CVD_DELTA_E for o in others):
                        best = (moved_j + moved_n, n, cn)
                        chosen[j] = cj
                        break
        chosen.append(best[2] if best is not None else variants[0][1])
    return chosen
