"""Inline SVG charts for the HTML report: a histogram with outlier bounds, horizontal bars, a missing-value matrix.

Plain SVG elements written into the page: no script, no external file, not even an xmlns URL, so the
report stays one file under its strict Content-Security-Policy. Charts take plain numbers and raw
labels; every string goes through ``esc`` here (``<text>`` and ``<title>`` too), and coordinates are
rounded to one decimal, so the same input gives the same bytes.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

__all__ = ["BAR", "OVERFLOW", "BOUND", "MISSING", "LABEL_CHARS", "esc", "num", "Bins", "bin_values", "histogram",
           "hbars", "missing_matrix", "heatmap"]

BAR = "#5b84b1"
OVERFLOW = "#c0504d"  # the end bins: values beyond the plotted range
BOUND = "#b00"
MISSING = "#333"
LABEL_CHARS = 26  # longer labels are cut (the full one is in the tooltip)


def esc(value: object) -> str:
    """Escape anything that came from the data (names, values, messages) for HTML/SVG text and attributes."""
    return html.escape(str(value), quote=True)


def _n(x: float) -> str:
    """A coordinate, one decimal, no trailing '.0': short and byte-stable."""
    s = f"{x:.1f}"
    s = s[:-2] if s.endswith(".0") else s
    return "0" if s == "-0" else s


def num(x: float) -> str:
    """A data value on an axis: four significant digits."""
    return f"{x:.4g}"


def _values(count: int) -> str:
    return f"{count:,} value{'' if count == 1 else 's'}"


def _short(label: str, chars: int = LABEL_CHARS) -> str:
    return label if len(label) <= chars else label[: chars - 1] + "…"


def _text(x: float, y: float, content: str, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{klass}>{esc(content)}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str, title: str | None = None) -> str:
    head = f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"'
    return f"{head}><title>{esc(title)}</title></rect>" if title else head + "/>"


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (f'<svg width="{_n(width)}" height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" role="img" '
            f'aria-label="{esc(title)}"><title>{esc(title)}</title>' + "".join(body) + "</svg>")


@dataclass(frozen=True)
class Bins:
    """Histogram counts over the plotted range [low, high], plus what lies below and above it."""

    edges: np.ndarray
    counts: np.ndarray
    low: float  # the plotted range of values (whole-number bins reach half a unit beyond it)
    high: float
    below: int  # values (and -inf) left of the plotted range
    above: int  # values (and +inf) right of it
    outside: int  # finite values outside the bounds (0 without bounds)
    total: int  # finite values, weighted
    whole: bool = False  # bins of whole numbers, edges half-way between them

    def span(self, a: float, b: float, fmt: Callable[[float], str] | None = None) -> str:
        """The values a bin holds, in words: '[5, 8.661)', or '5–6' for whole numbers; ``fmt`` writes a value
        (dates from seconds since 1970)."""
        if fmt is not None or not self.whole:
            fmt = fmt or num
            return f"[{fmt(a)}, {fmt(b)})"
        return num(a + 0.5) if b - a == 1 else f"{num(a + 0.5)}–{num(b - 0.5)}"


def bin_values(values: np.ndarray, *, weight: int = 1, bounds: tuple[float, float] | None = None,
               integral: bool = False, bins: int = 40, neginf: int = 0, posinf: int = 0) -> Bins:
    """Bin sorted finite values over their range clipped to the bounds widened by a tenth.

    One value at 1e6 among values near 50 would otherwise squeeze the whole bulk into the first bin;
    what lies beyond the clipped range is counted in the end bins instead. Whole numbers get bins a
    whole number wide, centred on the integers (equal-width bins would hold one or two integers each and
    draw a comb). ``weight`` undoes the thinning of ``NumericStats.values``.
    """
    lo, hi = float(values[0]), float(values[-1])
    outside = 0
    if bounds is not None:
        pad = 0.1 * (bounds[1] - bounds[0])
        lo, hi = max(lo, bounds[0] - pad), min(hi, bounds[1] + pad)
        outside = int(np.searchsorted(values, bounds[0], "left") + values.size
                      - np.searchsorted(values, bounds[1], "right")) * weight
    if not np.isfinite(hi - lo):  # values near ±1.8e308: the span overflows; plot the central 98%
        lo, hi = (max(float(q), -1e307) if i == 0 else min(float(q), 1e307)
                  for i, q in enumerate(values[[values.size // 100, values.size - 1 - values.size // 100]]))
    if integral:
        lo, hi = float(np.floor(lo)), float(np.ceil(hi))
        step = max(np.ceil((hi - lo + 1) / bins), 1.0)
        edges = np.arange(lo - 0.5, hi + 0.5 + step, step)
        edges = edges[: np.searchsorted(edges, hi + 0.5, "left") + 1]
    elif hi > lo:
        edges = np.linspace(lo, hi, bins + 1)
    else:  # a single value
        edges = np.array([lo - 0.5, lo + 0.5])
    start, stop = np.searchsorted(values, lo, "left"), np.searchsorted(values, hi, "right")
    counts = np.histogram(values[start:stop], bins=edges)[0] * weight
    return Bins(edges, counts, lo, hi, int(start) * weight + neginf, int(values.size - stop) * weight + posinf,
                outside, int(values.size) * weight, whole=integral)


def histogram(bins: Bins, *, title: str, bounds: tuple[float, float] | None = None, approx: bool = False,
              width: float = 340, height: float = 160, fmt: Callable[[float], str] | None = None) -> str:
    """Bars for the bins, red end bins for what lies beyond the range, dashed lines at the bounds. ``fmt``
    writes the range's ends and the bins' spans (dates); numbers by default."""
    ends = fmt or num
    left, right, top, bottom = 42.0, width - 8, 26.0, height - 34
    end_w, gap = 30.0, 6.0
    x0 = left + (end_w + gap if bins.below else 0)
    x1 = right - (end_w + gap if bins.above else 0)
    peak = max(int(bins.counts.max(initial=0)), bins.below, bins.above, 1)
    about = "≈" if approx else ""

    first, last = float(bins.edges[0]), float(bins.edges[-1])

    def x(v: float) -> float:
        return x0 + (v - first) / (last - first) * (x1 - x0)

    def bar(count: int) -> float:
        return max(count / peak * (bottom - top), 1.0) if count else 0.0

    body = [f'<line x1="{_n(left)}" y1="{_n(bottom)}" x2="{_n(right)}" y2="{_n(bottom)}" stroke="#999"/>',
            _text(left - 4, top + 4, f"{peak:,}", "end"), _text(left - 4, bottom, "0", "end")]
    for a, b, count in zip(bins.edges[:-1], bins.edges[1:], bins.counts.tolist()):
        if count:
            xa, xb = x(a), x(b)
            body.append(_rect(xa, bottom - bar(count), max(xb - xa - 0.5, 0.5), bar(count), BAR,
                              f"{bins.span(a, b, fmt)}: {about}{_values(count)}"))
    body += [_text(x0, bottom + 12, ends(bins.low)), _text(x1, bottom + 12, ends(bins.high), "end")]
    for count, start, sign, edge, anchor in ((bins.below, left, "<", bins.low, "start"),
                                             (bins.above, right - end_w, ">", bins.high, "end")):
        if count:
            body.append(_rect(start, bottom - bar(count), end_w, bar(count), OVERFLOW,
                              f"{about}{_values(count)} {sign} {num(edge)} (beyond the plotted range)"))
            body.append(_text(start + end_w / 2, bottom - bar(count) - 3, f"{about}{count:,}", "middle"))
            body.append(_text(left if anchor == "start" else right, bottom + 25, f"{sign} {num(edge)}", anchor,
                              "overflow"))
    if bounds is not None:
        shown = [(v, name) for v, name in zip(bounds, ("low", "high")) if bins.low <= v <= bins.high]
        close = len(shown) == 2 and x(shown[1][0]) - x(shown[0][0]) < 110  # stagger labels that would overlap
        for i, (v, name) in enumerate(shown):
            xv = x(v)
            anchor, dx = ("start", 3) if xv < (x0 + x1) / 2 else ("end", -3)
            body.append(f'<line x1="{_n(xv)}" y1="{_n(top - 14)}" x2="{_n(xv)}" y2="{_n(bottom)}" stroke="{BOUND}" '
                        f'stroke-dasharray="4 3"><title>{esc(f"{name} outlier bound {num(v)}")}</title></line>')
            body.append(_text(xv + dx, top - 16 + (11 if close and i else 0) + 9, f"{name} {num(v)}", anchor, "bound"))
    return _svg(width, height, title, body)


def hbars(labels: Sequence[str], series: Sequence[Sequence[float]], notes: Sequence[Sequence[str]], *,
          title: str, names: Sequence[str] = (), scale: float | None = None, width: float = 560,
          label_w: float = 170.0, note_w: float = 110.0) -> str:
    """Horizontal bars, one row per label and one bar per series (before/after), each with its note.

    ``scale`` is the value drawn at full length (1 for shares; the largest value by default), so the
    series share one axis and are comparable bar by bar. A label longer than ``label_w`` allows is cut
    (the full one is in the bar's tooltip).
    """
    bar_h, pad = 13.0, 6.0
    chars = max(int(label_w / 6.5), 4)  # 26 at the default width
    legend = 18.0 if names else 0.0
    full = scale or max((v for s in series for v in s), default=1) or 1
    row_h = bar_h * len(series) + pad
    height = legend + row_h * len(labels) + 4
    span = width - label_w - note_w
    body = []
    for k, name in enumerate(names):
        body += [_rect(label_w + k * 90, 3, 10, 10, _colour(k)), _text(label_w + k * 90 + 14, 12, name)]
    for i, label in enumerate(labels):
        y = legend + i * row_h
        body.append(_text(label_w - 6, y + row_h / 2 + 1, _short(label, chars), "end"))
        for k, values in enumerate(series):
            value, note = values[i], notes[k][i]
            if scale:  # a fixed full length (a share of 100%): show it as a pale track
                body.append(_rect(label_w, y + k * bar_h, span, bar_h - 2, "#eef1f5"))
            w = max(value / full * span, 1.0) if value else 0.0
            tip = f"{label}{f' ({names[k]})' if names else ''}: {note}"
            body.append(_rect(label_w, y + k * bar_h, w, bar_h - 2, _colour(k), tip))
            body.append(_text(label_w + w + 4, y + k * bar_h + bar_h - 4, note))
    return _svg(width, height, title, body)


def _colour(k: int) -> str:
    return (BAR, "#e39b3c")[k % 2]


def missing_matrix(labels: Sequence[str], mask: np.ndarray, rows: Sequence[int], *, title: str,
                   width: float = 760) -> str:
    """One strip per column across the shown rows, dark where the cell is missing.

    Runs of missing cells are drawn as one rectangle, so the size grows with the number of gaps, not
    of cells. ``mask`` is columns × rows; ``rows`` are the 0-based data rows shown, in file order.
    """
    label_w, strip_h, top = 170.0, 12.0, 4.0
    n = mask.shape[1]
    cell = (width - label_w - 8) / max(n, 1)
    height = top + strip_h * len(labels) + 20
    body = []
    for i, (label, m) in enumerate(zip(labels, mask)):
        y = top + i * strip_h
        body.append(f"<g><title>{esc(f'{label}: {int(m.sum()):,} of {n:,} shown rows missing')}</title>")
        body.append(_text(label_w - 6, y + strip_h - 3, _short(label), "end"))
        body.append(_rect(label_w, y, cell * n, strip_h - 1, "#eee"))
        edges = np.flatnonzero(np.diff(np.r_[0, m.astype(np.int8), 0]))
        for start, stop in zip(edges[::2].tolist(), edges[1::2].tolist()):
            body.append(_rect(label_w + start * cell, y, (stop - start) * cell, strip_h - 1, MISSING))
        body.append("</g>")
    bottom = top + strip_h * len(labels) + 13
    if len(rows):
        body += [_text(label_w, bottom, f"row {rows[0]:,}"), _text(label_w + cell * n, bottom, f"row {rows[-1]:,}", "end")]
    return _svg(width, height, title, body)


def heatmap(labels: Sequence[str], values: np.ndarray, notes: Sequence[Sequence[str]], marked: set[tuple[int, int]],
            *, title: str, cell: float = 16.0) -> str:
    """The lower triangle of a symmetric matrix of strengths in [0, 1], darker is stronger.

    ``notes[i][j]`` is the tooltip of a cell; ``marked`` holds (i, j) pairs (i > j) outlined in red, the
    pairs a check reported. A NaN cell (not measured) is left blank. Labels sit left of the rows and,
    cut short, under the columns.
    """
    n = len(labels)
    label_w, top = 150.0, 4.0
    width = label_w + cell * n + 8
    height = top + cell * n + 96
    body = []
    for i, label in enumerate(labels):
        y = top + i * cell
        body.append(_text(label_w - 4, y + cell - 4, _short(label, 22), "end"))
        for j in range(i):
            v = float(values[i, j])
            if not np.isfinite(v):
                continue
            body.append(_rect(label_w + j * cell, y, cell - 1, cell - 1, _shade(v), notes[i][j]))
            if (i, j) in marked:
                body.append(f'<rect x="{_n(label_w + j * cell + 0.5)}" y="{_n(y + 0.5)}" width="{_n(cell - 2)}" '
                            f'height="{_n(cell - 2)}" fill="none" stroke="{BOUND}" stroke-width="2"/>')
    base = top + cell * n + 4
    for j, label in enumerate(labels[:-1]):
        x = label_w + j * cell + cell / 2 + 3
        body.append(f'<text x="{_n(x)}" y="{_n(base)}" text-anchor="end" transform="rotate(-60 {_n(x)} {_n(base)})">'
                    f"{esc(_short(label, 14))}</text>")
    return _svg(width, height, title, body)


def _shade(v: float) -> str:
    """A strength in [0, 1] as a colour from a pale grey (0) to a dark blue (1)."""
    t = min(max(v, 0.0), 1.0)
    return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in ((0xf2, 0x1f), (0xf4, 0x4e), (0xf7, 0x79)))
