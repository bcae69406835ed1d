"""A small SVG plotting kit for the training report: line charts, a heatmap and a horizontal bar chart,
written as inline <svg> text with no dependency (the report must render without matplotlib and without
fetching anything).

Colours are exact hex values and shapes are drawn with crisp edges, so a screenshot of the report holds
pixels of exactly these colours (the headless-Chromium test looks for them).
"""

import math
from typing import Dict, List, Optional, Sequence, Tuple
from xml.sax.saxutils import escape

# Per-plot colours: each plot draws its data in colours no other part of the report uses.
LOSS_COLOR = "#d62728"
METRIC_COLORS = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")
MEMORY_LIVE_COLOR = "#0b7a75"
MEMORY_FILL_COLOR = "#a8ddd9"
MEMORY_CACHED_COLOR = "#b8860b"
CATEGORY_COLORS = {"blas": "#ff7f0e", "gemm": "#ff7f0e", "matmul": "#ff7f0e", "conv": "#f4a460",
                   "elementwise": "#6b8e23", "reduction": "#4682b4", "reduce": "#4682b4", "copy": "#a0522d",
                   "memory": "#a0522d", "optimizer": "#c71585", "framework_overhead": "#808080",
                   "shape": "#708090", "indexing": "#b03060", "nn": "#daa520", "autograd": "#483d8b",
                   "overhead": "#808080", "framework": "#808080", "other": "#bc8f8f"}
EXTRA_COLORS = ("#20b2aa", "#cd5c5c", "#9acd32", "#ba55d3", "#5f9ea0", "#d2691e")
# Heatmap ramp (viridis anchors): the lowest value is drawn in the first colour, the highest in the last.
RAMP = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
NONFINITE_COLOR = "#ff00ff"

_AXIS = "#333333"
_GRID = "#e6e6e6"
_TEXT = "#222222"
_FONT = "font-family=\"DejaVu Sans, Arial, sans-serif\""

Series = Tuple[str, Sequence[float], Sequence[float], str]  # label, xs, ys, colour


def category_color(name: str, index: int = 0) -> str:
    return CATEGORY_COLORS.get(str(name).lower(), EXTRA_COLORS[index % len(EXTRA_COLORS)])


def _fmt(v: float) -> str:
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1e5 or a < 1e-3:
        return "%.0e" % v if a == 10 ** round(math.log10(a)) else "%.1e" % v
    if a >= 100:
        return "%.0f" % v
    return ("%.3g" % v)


def nice_ticks(lo: float, hi: float, n: int = 5) -> List[float]:
    """About n round tick values covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.ceil(lo / step - 1e-9) * step
    ticks, v = [], start
    while v <= hi + step * 1e-9:
        ticks.append(round(v, 12))
        v += step
    return ticks


def downsample(xs: Sequence[float], ys: Sequence[float], max_points: int = 400) -> Tuple[List[float], List[float]]:
    """At most max_points points: bucket means (keeps the curve's shape without thousands of vertices)."""
    n = len(xs)
    if n <= max_points:
        return list(xs), list(ys)
    ox, oy = [], []
    for b in range(max_points):
        i0, i1 = b * n // max_points, (b + 1) * n // max_points
        seg = [(x, y) for x, y in zip(xs[i0:i1], ys[i0:i1]) if math.isfinite(y)]
        if seg:
            ox.append(sum(p[0] for p in seg) / len(seg))
            oy.append(sum(p[1] for p in seg) / len(seg))
    return ox, oy


class _Frame:
    """Plot area and the data-to-pixel mapping of a chart."""

    def __init__(self, width: int, height: int, xlo: float, xhi: float, ylo: float, yhi: float,
                 logy: bool = False, left: int = 62, right: int = 14, top: int = 30, bottom: int = 42) -> None:
        self.w, self.h = width, height
        self.l, self.r, self.t, self.b = left, width - right, top, height - bottom
        self.logy = logy
        if logy:
            ylo, yhi = math.log10(ylo), math.log10(yhi)
        if xhi <= xlo:
            xlo, xhi = xlo - 0.5, xhi + 0.5
        if yhi <= ylo:
            pad = abs(ylo) * 0.05 or 0.5
            ylo, yhi = ylo - pad, yhi + pad
        self.xlo, self.xhi, self.ylo, self.yhi = xlo, xhi, ylo, yhi

    def x(self, v: float) -> float:
        return self.l + (v - self.xlo) / (self.xhi - self.xlo) * (self.r - self.l)

    def y(self, v: float) -> float:
        if self.logy:
            v = math.log10(v) if v > 0 else self.ylo
        return self.b - (v - self.ylo) / (self.yhi - self.ylo) * (self.b - self.t)


def _open(width: int, height: int, title: str, plot_id: str) -> List[str]:
    return ['<svg xmlns="http://www.w3.org/2000/svg" class="plot" id="%s" width="%d" height="%d" '
            'viewBox="0 0 %d %d" role="img" aria-label="%s">' % (plot_id, width, height, width, height, escape(title)),
            '<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>' % (width, height),
            '<text x="%d" y="18" font-size="14" font-weight="bold" fill="%s" %s>%s</text>'
            % (10, _TEXT, _FONT, escape(title))]


def _axes(f: _Frame, xlabel: str, ylabel: str) -> List[str]:
    out = []
    if f.logy:
        yt = [10.0 ** e for e in range(math.ceil(f.ylo - 1e-9), math.floor(f.yhi + 1e-9) + 1)]
        if len(yt) > 8:
            k = math.ceil(len(yt) / 8)
            yt = yt[::k]
    else:
        yt = nice_ticks(f.ylo, f.yhi)
    for v in yt:
        py = f.y(v)
        out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1" '
                   'shape-rendering="crispEdges"/>' % (f.l, py, f.r, py, _GRID))
        out.append('<text x="%.1f" y="%.1f" font-size="10" text-anchor="end" fill="%s" %s>%s</text>'
                   % (f.l - 4, py + 3, _TEXT, _FONT, _fmt(v)))
    for v in nice_ticks(f.xlo, f.xhi, 6):
        px = f.x(v)
        out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1"/>'
                   % (px, f.b, px, f.b + 4, _AXIS))
        out.append('<text x="%.1f" y="%.1f" font-size="10" text-anchor="middle" fill="%s" %s>%s</text>'
                   % (px, f.b + 15, _TEXT, _FONT, _fmt(v)))
    out.append('<path d="M%d %d V%d H%d" fill="none" stroke="%s" stroke-width="1" shape-rendering="crispEdges"/>'
               % (f.l, f.t, f.b, f.r, _AXIS))
    out.append('<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="%s" %s>%s</text>'
               % ((f.l + f.r) / 2, f.h - 6, _TEXT, _FONT, escape(xlabel)))
    out.append('<text x="12" y="%.1f" font-size="11" text-anchor="middle" fill="%s" transform="rotate(-90 12 %.1f)" '
               '%s>%s</text>' % ((f.t + f.b) / 2, _TEXT, (f.t + f.b) / 2, _FONT, escape(ylabel)))
    return out


def _legend(items: Sequence[Tuple[str, str]], f: _Frame) -> List[str]:
    out, x = [], f.r
    for label, color in reversed(list(items)):
        wtxt = 7 * len(label) + 22
        x -= wtxt
        out.append('<rect x="%.1f" y="8" width="14" height="4" fill="%s" shape-rendering="crispEdges"/>'
                   % (x, color))
        out.append('<text x="%.1f" y="14" font-size="10" fill="%s" %s>%s</text>'
                   % (x + 17, _TEXT, _FONT, escape(label)))
    return out


def line_chart(series: Sequence[Series], title: str, xlabel: str = "", ylabel: str = "", *, width: int = 560,
               height: int = 300, logy: bool = False, plot_id: str = "", step: bool = False,
               fill: Optional[Dict[str, str]] = None, stroke_width: float = 2.5) -> str:
    """Lines (or steps) of each (label, xs, ys, colour) series on common axes; logy: log10 y axis (only
    positive values drawn). fill maps a series label to an area fill colour drawn under it."""
    pts = []
    for label, xs, ys, color in series:
        dx, dy = downsample(xs, [float(v) for v in ys])
        keep = [(x, y) for x, y in zip(dx, dy) if math.isfinite(y) and (y > 0 or not logy)]
        pts.append((label, keep, color))
    allx = [p[0] for _, k, _ in pts for p in k]
    ally = [p[1] for _, k, _ in pts for p in k]
    out = _open(width, height, title, plot_id)
    if not allx:
        out.append('<text x="%d" y="%d" font-size="12" fill="%s" %s>no data</text>'
                   % (width // 2 - 25, height // 2, _TEXT, _FONT))
        return "\n".join(out + ["</svg>"])
    ylo, yhi = min(ally), max(ally)
    if not logy:
        if fill and ylo > 0:
            ylo = 0.0
        pad = (yhi - ylo) * 0.05
        ylo, yhi = ylo - (pad if ylo != 0 else 0), yhi + pad
    f = _Frame(width, height, min(allx), max(allx), ylo, yhi, logy=logy)
    out += _axes(f, xlabel, ylabel)
    for label, keep, color in pts:
        if not keep:
            continue
        coords = []
        for i, (x, y) in enumerate(keep):
            if step and i:
                coords.append("%.1f,%.1f" % (f.x(x), f.y(keep[i - 1][1])))
            coords.append("%.1f,%.1f" % (f.x(x), f.y(y)))
        if fill and label in fill:
            base = f.y(max(f.ylo, 0.0)) if not logy else f.b
            poly = ["%.1f,%.1f" % (f.x(keep[0][0]), base)] + coords + ["%.1f,%.1f" % (f.x(keep[-1][0]), base)]
            out.append('<polygon points="%s" fill="%s" stroke="none"/>' % (" ".join(poly), fill[label]))
        if len(keep) == 1:
            out.append('<circle cx="%s" cy="%s" r="4" fill="%s"/>' % (*coords[0].split(","), color))
        else:
            out.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="%.1f" stroke-linejoin="round"/>'
                       % (" ".join(coords), color, stroke_width))
    out += _legend([(label, color) for label, _, color in pts], f)
    return "\n".join(out + ["</svg>"])


def ramp_color(t: float) -> str:
    """Colour of t in [0, 1] on the heatmap ramp (piecewise-linear between the anchors)."""
    if not math.isfinite(t):
        return NONFINITE_COLOR
    t = min(max(t, 0.0), 1.0) * (len(RAMP) - 1)
    i = min(int(t), len(RAMP) - 2)
    u = t - i
    a = [int(RAMP[i][k:k + 2], 16) for k in (1, 3, 5)]
    b = [int(RAMP[i + 1][k:k + 2], 16) for k in (1, 3, 5)]
    return "#%02x%02x%02x" % tuple(int(round(a[c] + (b[c] - a[c]) * u)) for c in range(3))


def heatmap(rows: Sequence[str], cols: Sequence[float], values: Sequence[Sequence[float]], title: str,
            xlabel: str = "", *, width: int = 560, height: int = 300, log: bool = True, plot_id: str = "",
            max_cols: int = 120, value_label: str = "") -> str:
    """values[r][c] as coloured cells, one row per label, columns bucketed to at most max_cols (mean of
    the bucket, in log10 when log). Non-finite values are drawn in NONFINITE_COLOR."""
    out = _open(width, height, title, plot_id)
    if not rows or not cols:
        out.append('<text x="%d" y="%d" font-size="12" fill="%s" %s>no data</text>'
                   % (width // 2 - 25, height // 2, _TEXT, _FONT))
        return "\n".join(out + ["</svg>"])
    n = len(cols)
    nb = min(n, max_cols)

    def tr(v: float) -> float:
        if not math.isfinite(v):
            return float("nan")
        if log:
            return math.log10(v) if v > 0 else -30.0
        return v

    grid = []
    for r in range(len(rows)):
        line = []
        for b in range(nb):
            seg = [tr(v) for v in values[r][b * n // nb:(b + 1) * n // nb]]
            line.append(float("nan") if not seg or any(math.isnan(v) for v in seg) else sum(seg) / len(seg))
        grid.append(line)
    fin = [v for line in grid for v in line if math.isfinite(v)]
    lo, hi = (min(fin), max(fin)) if fin else (0.0, 1.0)
    label_w = min(150, 8 + 7 * max(len(str(r)) for r in rows))
    left, right, top, bottom = label_w, width - 70, 30, height - 42
    cw = (right - left) / nb
    ch = (bottom - top) / len(rows)
    for r, line in enumerate(grid):
        y0 = top + r * ch
        for b, v in enumerate(line):
            t = (v - lo) / (hi - lo) if hi > lo else 1.0
            out.append('<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="%s" shape-rendering="crispEdges"/>'
                       % (left + b * cw, y0, cw + 0.6, ch + 0.6, ramp_color(t if math.isfinite(v) else v)))
        if ch >= 9 or r % max(1, int(9 / max(ch, 1e-9))) == 0:
            out.append('<text x="%d" y="%.1f" font-size="10" text-anchor="end" fill="%s" %s>%s</text>'
                       % (left - 4, y0 + ch / 2 + 3, _TEXT, _FONT, escape(str(rows[r]))))
    for v in nice_ticks(cols[0], cols[-1], 6):
        frac = (v - cols[0]) / (cols[-1] - cols[0]) if cols[-1] > cols[0] else 0.0
        px = left + frac * (right - left)
        out.append('<text x="%.1f" y="%d" font-size="10" text-anchor="middle" fill="%s" %s>%s</text>'
                   % (px, bottom + 14, _TEXT, _FONT, _fmt(v)))
    out.append('<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="%s" %s>%s</text>'
               % ((left + right) / 2, height - 6, _TEXT, _FONT, escape(xlabel)))
    # colour bar
    for i in range(20):
        out.append('<rect x="%d" y="%.2f" width="12" height="%.2f" fill="%s" shape-rendering="crispEdges"/>'
                   % (width - 58, bottom - (i + 1) * (bottom - top) / 20, (bottom - top) / 20 + 0.6,
                      ramp_color(i / 19)))
    def lab(v):
        return ("1e%.1f" % v) if log else _fmt(v)
    out.append('<text x="%d" y="%d" font-size="9" fill="%s" %s>%s</text>' % (width - 44, top + 8, _TEXT, _FONT, lab(hi)))
    out.append('<text x="%d" y="%d" font-size="9" fill="%s" %s>%s</text>' % (width - 44, bottom, _TEXT, _FONT, lab(lo)))
    if value_label:
        out.append('<text x="%d" y="%d" font-size="9" fill="%s" %s>%s</text>'
                   % (width - 62, bottom + 14, _TEXT, _FONT, escape(value_label)))
    return "\n".join(out + ["</svg>"])


def bar_chart(labels: Sequence[str], values: Sequence[float], colors: Sequence[str], title: str,
              xlabel: str = "", *, width: int = 560, height: int = 300, plot_id: str = "",
              legend: Sequence[Tuple[str, str]] = ()) -> str:
    """Horizontal bars, one per label (top to bottom in the given order)."""
    out = _open(width, height, title, plot_id)
    if not labels:
        out.append('<text x="%d" y="%d" font-size="12" fill="%s" %s>no data</text>'
                   % (width // 2 - 25, height // 2, _TEXT, _FONT))
        return "\n".join(out + ["</svg>"])
    label_w = min(190, 10 + 6 * max(len(str(lb)) for lb in labels))
    hi = max(max(values), 1e-300)
    f = _Frame(width, height, 0.0, hi * 1.08, 0.0, 1.0, left=label_w, right=16)
    for v in nice_ticks(0.0, hi * 1.08, 5):
        px = f.x(v)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="1" shape-rendering="crispEdges"/>'
                   % (px, f.t, px, f.b, _GRID))
        out.append('<text x="%.1f" y="%d" font-size="10" text-anchor="middle" fill="%s" %s>%s</text>'
                   % (px, f.b + 14, _TEXT, _FONT, _fmt(v)))
    bh = (f.b - f.t) / len(labels)
    for i, (lb, v, c) in enumerate(zip(labels, values, colors)):
        y0 = f.t + i * bh + bh * 0.15
        out.append('<rect x="%d" y="%.1f" width="%.1f" height="%.1f" fill="%s" shape-rendering="crispEdges"/>'
                   % (f.l, y0, max(f.x(v) - f.l, 1.0), bh * 0.7, c))
        out.append('<text x="%d" y="%.1f" font-size="10" text-anchor="end" fill="%s" %s>%s</text>'
                   % (f.l - 4, y0 + bh * 0.35 + 3, _TEXT, _FONT, escape(str(lb))))
    out.append('<path d="M%d %d V%d H%d" fill="none" stroke="%s" stroke-width="1" shape-rendering="crispEdges"/>'
               % (f.l, f.t, f.b, f.r, _AXIS))
    out.append('<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="%s" %s>%s</text>'
               % ((f.l + f.r) / 2, height - 6, _TEXT, _FONT, escape(xlabel)))
    out += _legend(legend, f)
    return "\n".join(out + ["</svg>"])
