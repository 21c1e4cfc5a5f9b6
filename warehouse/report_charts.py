"""The report's charts as inline SVG, and German number formats: pure functions, numbers in, markup out.

Every chart is drawn twice, wide (screen, print) and narrow (phones, chosen by CSS), so its text stays readable;
tick values are round numbers, the unit stands above the value axis, and the legend is HTML below the chart."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

# Okabe–Ito colours dark enough for 3:1 against white (yellow, orange and sky blue fail it), then two darker tones
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#000000", "#B4558C", "#7A5C00", "#5E4FA2"]
TARGET_COLOUR = "#A63B00"
TILE_FILLS = [("#E8F1FA", "#1B1B1B"), ("#B3D3EE", "#1B1B1B"), ("#2D6FAE", "#FFFFFF"), ("#08306B", "#FFFFFF")]
WIDE, NARROW = (720, 13), (380, 12)  # viewBox width and font size: narrow is shown below 40rem (a phone)
MINUS = "\u2212"


def fmt(value, digits: int = 1, sign: bool = False) -> str:
    """A German number: 1.234,5; a true minus sign; '+' before positive changes when `sign`; '–' for none."""
    if value is None or value != value:
        return "–"
    rounded = round(float(value), digits)
    if rounded == 0:
        rounded = 0.0  # no "−0,0"
    text = f"{abs(rounded):,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return (MINUS if rounded < 0 else "+" if sign and rounded > 0 else "") + text


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 × 10ⁿ apart) covering [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first, last = math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step
    return [round(first + i * step, 10) for i in range(int(round((last - first) / step)) + 1)]


def tick_digits(ticks: Sequence[float]) -> int:
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1
    return 0 if step >= 1 and float(step).is_integer() else 1 if round(step * 10, 6).is_integer() else 2


def _text_width(text: str, font: float) -> float:
    return len(text) * font * 0.6


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


@dataclass
class Series:
    label: str
    points: list[tuple[int, float]]
    kind: str = "data"  # data | path | projection
    colour: str = PALETTE[0]


@dataclass
class Legend:
    items: list[tuple[str, str, str]] = field(default_factory=list)  # label, colour, style: solid|dashed|dotted|box

    def html(self) -> str:
        def key(colour, style):
            if style == "box":
                return f"<span class='key' style='background:{colour}'></span>"
            return f"<span class='key line' style='border-top:3px {style} {colour}'></span>"
        spans = "".join(f"<span>{key(c, s)} {_esc(lbl)}</span>" for lbl, c, s in self.items)
        return f"<p class='legend'>{spans}</p>"


def _svg_open(width: float, height: float, title: str, variant: str, role: str = "img") -> str:
    return (f"<svg class='chart chart-{variant}' viewBox='0 0 {width:.0f} {height:.0f}' role='{role}' "
            f"aria-label='{_esc(title)}' xmlns='http://www.w3.org/2000/svg' font-family='system-ui,sans-serif'>"
            f"<title>{_esc(title)}</title>")


def _year_ticks(y0: int, y1: int, span: float, font: float) -> list[int]:
    for step in (1, 2, 5, 10, 20):
        if span / max(1, (y1 - y0) / step) >= _text_width("2020", font) + 10:
            break
    years = [y for y in range(y0, y1 + 1) if y % step == 0]
    return years or [y0]


def _value_axis(values: Sequence[float], extra: Sequence[float] = ()) -> tuple[list[float], int]:
    vals = [v for v in [*values, *extra, 0.0] if v is not None and v == v]
    ticks = nice_ticks(min(vals), max(vals))
    return ticks, tick_digits(ticks)


@dataclass
class _Axes:
    """The frame of a chart over years: the value axis on round ticks with the unit above it, the 'Jahr' title;
    `y` maps a value to its height, `year_label` writes a year under the axis."""
    width: int
    font: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    ticks: list[float]
    parts: list[str]

    @classmethod
    def of(cls, size: tuple[int, int], ratio: tuple[float, float], values: Sequence[float], unit: str, title: str,
           right: float = 10) -> _Axes:
        width, font = size
        height = round(width * (ratio[0] if width >= 600 else ratio[1]))
        ticks, digits = _value_axis(values)
        labels = [fmt(t, digits) for t in ticks]
        axes = cls(width, font, height, max(_text_width(lbl, font) for lbl in labels) + 12, right, 2 * font + 10,
                   2 * font + 20, ticks, [_svg_open(width, height, title, "wide" if width >= 600 else "narrow")])
        axes.parts.append(f"<text x='4' y='{font + 2}' font-size='{font}' class='axis-title'>{_esc(unit)}</text>")
        for tick, lbl in zip(ticks, labels, strict=True):
            axes.parts.append(
                f"<line x1='{axes.left:.1f}' x2='{width - right:.1f}' y1='{axes.y(tick):.1f}' y2='{axes.y(tick):.1f}' "
                f"stroke='{'#6b6b6b' if tick == 0 else '#d9d9d9'}'/><text x='{axes.left - 6:.1f}' "
                f"y='{axes.y(tick) + font * 0.35:.1f}' text-anchor='end' font-size='{font}'>{lbl}</text>")
        axes.parts.append(f"<text x='{axes.left + axes.span / 2:.1f}' y='{height - 4}' text-anchor='middle' "
                          f"font-size='{font}' class='axis-title'>Jahr</text>")
        return axes

    @property
    def span(self) -> float:
        return self.width - self.left - self.right

    def y(self, value: float) -> float:
        ticks = self.ticks
        return self.top + (1 - (value - ticks[0]) / (ticks[-1] - ticks[0])) * (self.height - self.top - self.bottom)

    def year_label(self, x: float, year: int) -> str:
        return (f"<text x='{x:.1f}' y='{self.height - self.bottom + self.font + 10:.1f}' text-anchor='middle' "
                f"font-size='{self.font}'>{year}</text>")


def line_chart(series: Sequence[Series], unit: str, title: str, years: tuple[int, int],
               target: tuple[int, float] | None = None, size: tuple[int, int] = WIDE) -> str:
    """Lines over years: data (points with their year), the target path (dashed), the projection (dotted, labelled
    'Projektion') and the target (a square), on round ticks, the unit above the value axis; "" without data."""
    width, font = size
    if not any(s.points for s in series if s.kind == "data"):
        return ""  # no value to draw: the page says so instead of an empty 0–1 axis
    values = [v for s in series for _, v in s.points] + ([target[1]] if target else [])
    right = 14 + (_text_width("Projektion", font) / 2 if any(s.kind == "projection" for s in series) else 0)
    axes = _Axes.of(size, (0.5, 0.8), values, unit, title, right)
    y0, y1 = years
    y, out = axes.y, axes.parts

    def x(year):
        return axes.left + (year - y0) / max(1, y1 - y0) * axes.span

    out += [axes.year_label(x(year), year) for year in _year_ticks(y0, y1, axes.span, font)]
    for s in series:
        dash = {"data": "", "path": " stroke-dasharray='7 5'", "projection": " stroke-dasharray='2 5'"}[s.kind]
        pts = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in s.points)
        if len(s.points) > 1:
            out.append(f"<polyline fill='none' stroke='{s.colour}' stroke-width='2.5'{dash} points='{pts}'/>")
        if s.kind == "data":
            out += [f"<circle class='data-point' data-year='{yr}' cx='{x(yr):.1f}' cy='{y(v):.1f}' r='3.5' "
                    f"fill='{s.colour}'><title>{yr}: {fmt(v, 2)} {_esc(unit)}</title></circle>" for yr, v in s.points]
        if s.kind == "projection" and s.points:
            yr, v = s.points[-1]
            above = len(s.points) < 2 or v >= s.points[0][1]
            out.append(f"<text x='{min(x(yr), width - 2 - _text_width('Projektion', font) / 2):.1f}' "
                       f"y='{y(v) + (-font * 0.9 if above else font * 1.6):.1f}' text-anchor='middle' "
                       f"font-size='{font}' fill='{s.colour}' class='label'>Projektion</text>")
    if target:
        tx, ty = x(target[0]), y(target[1])
        out.append(f"<rect x='{tx - 6:.1f}' y='{ty - 6:.1f}' width='12' height='12' fill='{TARGET_COLOUR}'>"
                   f"<title>Ziel {target[0]}: {fmt(target[1], 2)} {_esc(unit)}</title></rect>")
    out.append("</svg>")
    return "".join(out)


def stacked_columns(years: Sequence[int], stacks: Sequence[tuple[str, Sequence[float | None], str]], unit: str,
                    title: str, size: tuple[int, int] = WIDE, incomplete: Sequence[int] = ()) -> str:
    """Columns per year stacked by part (label, values per year, colour); a missing part is left out of its column,
    and the years in `incomplete` carry a '*' above their column; "" when no column has a value."""
    width, font = size
    totals = [sum(v for _, vals, _ in stacks if (v := vals[i]) is not None and v == v) for i in range(len(years))]
    if not any(v is not None and v == v for _, vals, _ in stacks for v in vals):
        return ""  # no value to draw (a real 0 is one): the page says so instead of an empty 0–1 axis
    axes = _Axes.of(size, (0.5, 0.85), totals, unit, title)
    y, out, left, span = axes.y, axes.parts, axes.left, axes.span
    slot = span / max(1, len(years))
    shown = set(_year_ticks(min(years), max(years), span, font)) if years else set()
    for i, year in enumerate(years):
        base = 0.0
        cx = left + slot * i + slot * 0.12
        for label, vals, colour in stacks:
            v = vals[i]
            if v is None or v != v or v <= 0:
                continue
            out.append(f"<rect x='{cx:.1f}' y='{y(base + v):.1f}' width='{slot * 0.76:.1f}' "
                       f"height='{y(base) - y(base + v):.1f}' fill='{colour}' stroke='#fff' stroke-width='0.5'>"
                       f"<title>{year}, {_esc(label)}: {fmt(v, 0)} {_esc(unit)}</title></rect>")
            base += v
        if year in incomplete:
            out.append(f"<text x='{left + slot * (i + 0.5):.1f}' y='{y(base) - 4:.1f}' text-anchor='middle' "
                       f"font-size='{font}' class='label'>*</text>")
        if year in shown:
            out.append(axes.year_label(left + slot * (i + 0.5), year))
    out.append("</svg>")
    return "".join(out)


def ranked_bars(items: Sequence[tuple[str, float]], unit: str, title: str, digits: int = 1,
                highlight: str | None = None, size: tuple[int, int] = WIDE) -> str:
    """Horizontal bars, largest value first, each labelled with its name and value; `highlight` (a name) in the
    second colour. Negative values grow to the left of zero."""
    width, font = size
    items = sorted(items, key=lambda i: -i[1])
    row = font * 2
    names_w = max([_text_width(n, font) for n, _ in items] + [20]) + 8
    value_w = max([_text_width(fmt(v, digits), font) for _, v in items] + [20]) + 6
    top, height = 2 * font + 10, 2 * font + 10 + row * len(items) + 8
    ticks = nice_ticks(min([0.0, *[v for _, v in items]]), max([0.0, *[v for _, v in items]]))
    lo, hi = ticks[0], ticks[-1]
    plot0, plot1 = names_w + (value_w if lo < 0 else 4), width - (value_w if hi > 0 else 4)

    def x(value):
        return plot0 + (value - lo) / (hi - lo) * (plot1 - plot0)

    out = [_svg_open(width, height, title, "wide" if width >= 600 else "narrow"),
           f"<text x='{plot0:.1f}' y='{font + 2}' font-size='{font}' class='axis-title'>{_esc(unit)}</text>",
           f"<line x1='{x(0):.1f}' x2='{x(0):.1f}' y1='{top - 4}' y2='{height - 4}' stroke='#6b6b6b'/>"]
    for i, (name, value) in enumerate(items):
        cy = top + row * i
        colour = PALETTE[1] if name == highlight else PALETTE[0]
        x_a, x_b = sorted((x(0), x(value)))
        out.append(f"<text x='{names_w - 8:.1f}' y='{cy + row * 0.62:.1f}' text-anchor='end' font-size='{font}'>"
                   f"{_esc(name)}</text><rect x='{x_a:.1f}' y='{cy + row * 0.18:.1f}' width='{max(1.0, x_b - x_a):.1f}'"
                   f" height='{row * 0.64:.1f}' fill='{colour}'><title>{_esc(name)}: {fmt(value, digits)} "
                   f"{_esc(unit)}</title></rect>"
                   f"<text x='{(x_b + 4) if value >= 0 else (x_a - 4):.1f}' y='{cy + row * 0.62:.1f}' "
                   f"text-anchor='{'start' if value >= 0 else 'end'}' font-size='{font}'>{fmt(value, digits)}</text>")
    out.append("</svg>")
    return "".join(out)


@dataclass
class Tile:
    name: str
    row: int
    col: int
    value: float | None
    text: str  # the value as shown
    href: str


MIN_TILE_FONT = 9  # px: no chart text is smaller (docs/report.md)


def tile_map(tiles: Sequence[Tile], title: str, size: tuple[int, int] = WIDE) -> tuple[str, list[tuple[str, str]]]:
    """The places as equal tiles in their configured (or computed) grid positions, shaded in four classes of the
    value; each tile links to its page and names its place and value in its title. Where a name would be smaller
    than MIN_TILE_FONT (a district of 134 municipalities) the tile shows its value alone, or nothing: the table
    beside the map names them all. Returns the SVG and the classes (label, fill) for the legend."""
    width, font = size
    rows, cols = max(t.row for t in tiles) + 1, max(t.col for t in tiles) + 1
    gap = 4
    tile = (width - gap * (cols + 1)) / cols
    tile_h = tile * (0.62 if width >= 600 else 0.9)
    height = gap + rows * (tile_h + gap)
    known = sorted(t.value for t in tiles if t.value is not None and t.value == t.value)
    # class bounds at the quartiles, rounded as the tiles show their values (one decimal)
    bounds = sorted({round(known[min(len(known) - 1, int(len(known) * q))], 1) for q in (0.25, 0.5, 0.75)}
                    if known else [])

    def shade(value):
        if value is None or value != value or not bounds:
            return ("#FFFFFF", "#1B1B1B")
        return TILE_FILLS[sum(round(value, 1) >= b for b in bounds) + 3 - len(bounds)]

    out = [_svg_open(width, height, title, "wide" if width >= 600 else "narrow", "group")]  # links inside: no img
    for t in tiles:
        fill, ink = shade(t.value)
        tx, ty = gap + t.col * (tile + gap), gap + t.row * (tile_h + gap)
        words = t.name.split(" ")
        fs = min(font, min(tile * 0.92 / (0.6 * max(len(w) for w in words)), tile_h / (len(words) + 2.2)))
        box = (f"<a href='{_esc(t.href)}'><title>{_esc(t.name)}: {_esc(t.text)}</title><rect x='{tx:.1f}' "
               f"y='{ty:.1f}' width='{tile:.1f}' height='{tile_h:.1f}' fill='{fill}' stroke='#4d4d4d'/>")
        if fs < MIN_TILE_FONT:  # too many places for names in their tiles: the value alone, if even that fits
            fits = tile * 0.92 >= 0.6 * len(t.text) * MIN_TILE_FONT and tile_h >= MIN_TILE_FONT * 1.4
            value = (f"<text x='{tx + tile / 2:.1f}' y='{ty + tile_h / 2 + MIN_TILE_FONT * 0.35:.1f}' "
                     f"text-anchor='middle' font-size='{MIN_TILE_FONT}' font-weight='bold' fill='{ink}'>"
                     f"{_esc(t.text)}</text>") if fits else ""
            out.append(box + value + "</a>")
            continue
        lines = "".join(f"<tspan x='{tx + tile / 2:.1f}' dy='{fs * (1.0 if i else 0):.1f}'>{_esc(w)}</tspan>"
                        for i, w in enumerate(words))
        first = ty + tile_h / 2 - fs * (len(words) - 1) / 2 - fs * 0.35
        out.append(box + f"<text x='{tx + tile / 2:.1f}' "
                   f"y='{first:.1f}' text-anchor='middle' font-size='{fs:.1f}' fill='{ink}'>{lines}</text>"
                   f"<text x='{tx + tile / 2:.1f}' y='{first + fs * (len(words) - 1) + fs * 1.25:.1f}' "
                   f"text-anchor='middle' font-size='{fs:.1f}' font-weight='bold' fill='{ink}'>{_esc(t.text)}</text>"
                   "</a>")
    out.append("</svg>")
    offset = 3 - len(bounds)
    classes = [(f"unter {fmt(bounds[0], 1)}", TILE_FILLS[offset][0])] if bounds else []
    classes += [(f"{fmt(a, 1)} bis unter {fmt(b, 1)}", TILE_FILLS[offset + i + 1][0]) for i, (a, b) in
                enumerate(zip(bounds, bounds[1:]))]
    classes += [(f"{fmt(bounds[-1], 1)} und mehr", TILE_FILLS[3][0])] if bounds else []
    return "".join(out), classes


def grid_positions(keys: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Tile positions when the configuration gives none: a near-square grid in key order."""
    cols = max(1, math.ceil(math.sqrt(len(keys))))
    return {k: (i // cols, i % cols) for i, k in enumerate(keys)}


def contrast(fg: str, bg: str = "#FFFFFF") -> float:
    """The WCAG 2.1 contrast ratio of two sRGB colours (#RRGGBB)."""
    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)
