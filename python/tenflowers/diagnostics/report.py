"""The training report: one self-contained HTML file (inline CSS and SVG plots, no scripts, no external
URL) that puts together the progress of a run, its gradient flow, the op profiler's report, the memory
profiler's timeline and findings, and evaluation metrics.

    tfl.diagnostics.write_report("report.html", progress=progress, grad_flow=tracker,
                                 profiler=tfl.profiler.report(), memory=tfl.memory.snapshot(),
                                 metrics={"accuracy": acc, "confusion_matrix": cm})
"""

import datetime
import html
import math
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import svg

_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 16px 20px; color: #222; background: #fafafa; }
h1 { font-size: 22px; margin: 0 0 4px 0; } h2 { font-size: 17px; margin: 22px 0 8px 0; }
.sub { color: #555; font-size: 12px; margin-bottom: 10px; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.card { background: #fff; border: 1px solid #ddd; border-radius: 4px; padding: 6px 12px; min-width: 110px; }
.card .k { font-size: 11px; color: #666; } .card .v { font-size: 17px; font-weight: bold; }
.bottleneck { background: #fff4e5; border-left: 4px solid #e69500; padding: 8px 12px; margin: 8px 0; font-size: 13px; }
.plots { display: grid; grid-template-columns: 565px 565px; gap: 10px; }
.plots svg { background: #fff; border: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 12px; background: #fff; margin-bottom: 8px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; } th { background: #f0f0f0; }
td.l, th.l { text-align: left; }
ul.findings li { font-size: 13px; margin: 3px 0; }
li.vanishing { color: #7a4b00; } li.exploding { color: #a00000; }
"""


def _e(s: Any) -> str:
    return html.escape(str(s), quote=True)


def _num(v: Any, digits: int = 4) -> str:
    if isinstance(v, bool) or v is None:
        return _e(v)
    if isinstance(v, int):
        return "%d" % v
    try:
        f = float(v)
    except (TypeError, ValueError):
        return _e(v)
    if not math.isfinite(f):
        return _e(f)
    if f != 0 and (abs(f) >= 1e6 or abs(f) < 1e-3):
        return "%.3e" % f
    return ("%%.%dg" % digits) % f


def _as_dict(obj: Any) -> Optional[Dict[str, Any]]:
    """Trackers, modules with snapshot()/report(), and plain dicts all become dicts."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj
    for attr in ("to_dict", "report", "snapshot"):
        fn = getattr(obj, attr, None)
        if callable(fn):
            return fn()
    raise TypeError("write_report: cannot read %s (pass a dict or an object with to_dict())" % type(obj).__name__)


def _to_list(v: Any) -> Any:
    if hasattr(v, "tolist"):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return [_to_list(x) for x in v]
    return v


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], left: int = 1) -> str:
    out = ["<table><tr>"]
    out += ['<th class="l">%s</th>' % _e(h) if i < left else "<th>%s</th>" % _e(h) for i, h in enumerate(headers)]
    out.append("</tr>")
    for r in rows:
        out.append("<tr>" + "".join('<td class="l">%s</td>' % _e(c) if i < left else "<td>%s</td>" % _num(c)
                                    for i, c in enumerate(r)) + "</tr>")
    out.append("</table>")
    return "".join(out)


# ---- sections ------------------------------------------------------------------------------------------


def _progress_parts(p: Dict[str, Any]) -> Tuple[List[str], List[str], List[Tuple[str, str]]]:
    plots, tables, cards = [], [], []
    steps, epochs = p.get("steps", []), p.get("epochs", [])
    names = []
    for rows in (steps, epochs):
        for r in rows:
            for k in r:
                if k not in _PROGRESS_RESERVED and k not in names:
                    names.append(k)
    if any("loss" in s for s in steps):
        xs = [s["step"] for s in steps if "loss" in s]
        ys = [s["loss"] for s in steps if "loss" in s]
        series = [("loss per step", xs, ys, svg.LOSS_COLOR)]
        plots.append(svg.line_chart(series, "Training loss", "step", "loss", plot_id="plot-loss"))
    elif any("loss" in e for e in epochs):
        xs = [e["epoch"] for e in epochs if "loss" in e]
        plots.append(svg.line_chart([("loss per epoch", xs, [e["loss"] for e in epochs if "loss" in e],
                                      svg.LOSS_COLOR)], "Training loss", "epoch", "loss", plot_id="plot-loss"))
    metric_names = [n for n in names if n != "loss"]
    if metric_names and epochs:
        series = []
        for i, n in enumerate(metric_names[:len(svg.METRIC_COLORS)]):
            pts = [(e["epoch"], e[n]) for e in epochs if n in e]
            if pts:
                series.append((n, [q[0] for q in pts], [q[1] for q in pts], svg.METRIC_COLORS[i]))
        if series:
            plots.append(svg.line_chart(series, "Metrics per epoch", "epoch", "value", plot_id="plot-metrics"))
    if epochs:
        cols = ["epoch"] + names + ["wall_s", "samples_per_s"]
        rows = [[e.get("epoch")] + [e.get(n, "") for n in names] + [e.get("wall_s"), e.get("samples_per_s")]
                for e in epochs]
        best = p.get("best_epoch")
        tables.append("<h2>Epochs</h2>" + (
            '<p class="sub">best epoch: %s (by %s, %s)</p>' % (_e(best), _e(p.get("monitor")), _e(p.get("mode")))
            if best is not None else "") + _table(cols, rows))
        last = epochs[-1]
        cards.append(("epochs", str(len(epochs))))
        if "loss" in last:
            cards.append(("final loss", _num(last["loss"])))
        if best is not None:
            cards.append(("best epoch", str(best)))
        total = p.get("total_time_s", sum(e.get("wall_s", 0.0) for e in epochs))
        cards.append(("training time", "%.2f s" % total))
        samples = p.get("total_samples", sum(e.get("samples", 0) for e in epochs))
        if samples and total > 0:
            cards.append(("throughput", "%.0f samples/s" % (samples / total)))
    return plots, tables, cards


_PROGRESS_RESERVED = ("step", "epoch", "n", "time", "wall_s", "steps", "samples", "samples_per_s")


def _grad_flow_parts(g: Dict[str, Any]) -> Tuple[List[str], List[str], List[Dict[str, Any]]]:
    plots, tables = [], []
    layers = g.get("layers") or list(g.get("grad_norms", {}))
    steps = g.get("steps", [])
    norms = g.get("grad_norms", {})
    if layers and steps:
        values = [norms.get(l, []) for l in layers]
        plots.append(svg.heatmap(layers, steps, values, "Gradient L2 norm per layer (log10)", "step",
                                 plot_id="plot-gradflow", value_label="|grad|"))
    summary = g.get("summary") or []
    if summary:
        tables.append("<h2>Gradient flow per layer</h2>" + _table(
            ["layer", "last |grad|", "mean", "min", "max", "|weight|", "update ratio"],
            [[r["layer"], r["last"], r["mean"], r["min"], r["max"], r["weight_norm"], r["update_ratio"]]
             for r in summary]))
    return plots, tables, list(g.get("findings", []))


def _profiler_parts(pr: Dict[str, Any]) -> Tuple[List[str], List[str], str]:
    plots, tables = [], []
    ops = list(pr.get("ops", []))
    ops.sort(key=lambda o: -float(o.get("self_ns", o.get("total_ns", 0))))
    cat_index: Dict[str, int] = {}

    def color(cat: str) -> str:
        if cat not in cat_index:
            cat_index[cat] = len(cat_index)
        return svg.category_color(cat, cat_index[cat])

    top = ops[:12]
    if top:
        plots.append(svg.bar_chart([o.get("name", "?") for o in top],
                                   [float(o.get("self_ns", o.get("total_ns", 0))) / 1e6 for o in top],
                                   [color(str(o.get("category", "other"))) for o in top],
                                   "Op time (self, ms)", "milliseconds", plot_id="plot-ops",
                                   legend=[(c, color(c)) for c in list(dict.fromkeys(
                                       str(o.get("category", "other")) for o in top))]))
    cats = pr.get("categories") or {}
    if cats:
        def ns(v: Any) -> float:
            return float(v.get("total_ns", v.get("ns", 0))) if isinstance(v, dict) else float(v)
        total = sum(ns(v) for v in cats.values()) or 1.0
        tables.append("<h2>Time by category</h2>" + _table(
            ["category", "ms", "share %"],
            [[k, ns(v) / 1e6, 100.0 * ns(v) / total] for k, v in sorted(cats.items(), key=lambda kv: -ns(kv[1]))
             if ns(v) > 0]))
    # Slowest ops: aggregated per op, in the order "slowest" names them when it is a list of names, else
    # by self time. When "slowest" lists single calls (the profiler's report), they get their own table.
    slow = pr.get("slowest") or []
    by_name = {o.get("name"): o for o in ops}
    names = [s for s in slow if isinstance(s, str)] or [o.get("name") for o in ops]
    rows = []
    for n in names[:15]:
        o = by_name.get(n, {"name": n})
        calls = o.get("calls", 0) or 0
        rows.append([o.get("name", "?"), o.get("category", ""), calls, float(o.get("total_ns", 0)) / 1e6,
                     float(o.get("self_ns", o.get("total_ns", 0))) / 1e6,
                     float(o.get("total_ns", 0)) / 1e3 / calls if calls else ""])
    if rows:
        tables.append("<h2>Slowest ops</h2>" + _table(["op", "category", "calls", "total ms", "self ms",
                                                       "mean us"], rows, left=2))
    calls_rows = [[c.get("name", "?"), c.get("module", ""), c.get("category", ""),
                   float(c.get("total_ns", 0)) / 1e3, float(c.get("self_ns", c.get("total_ns", 0))) / 1e3]
                  for c in slow[:15] if isinstance(c, dict)]
    if calls_rows:
        tables.append("<h2>Slowest single calls</h2>" + _table(["op", "module", "category", "total us", "self us"],
                                                               calls_rows, left=3))
    mods = sorted(pr.get("modules") or [], key=lambda m: -float(m.get("total_ns", 0)))[:15]
    if mods:
        tables.append("<h2>Modules</h2>" + _table(
            ["module", "calls", "total ms"], [[m.get("path", "?"), m.get("calls", 0), float(m.get("total_ns", 0)) / 1e6]
                                              for m in mods]))
    return plots, tables, str(pr.get("bottleneck") or "")


def _memory_parts(m: Dict[str, Any]) -> Tuple[List[str], List[str], List[str]]:
    plots = []
    events = m.get("timeline") or []
    if events:
        t0 = events[0].get("t_ns", 0)
        t = [(e.get("t_ns", 0) - t0) * 1e-6 for e in events]
        live = [e.get("live_bytes", 0) / 2 ** 20 for e in events]
        series = [("live", t, live, svg.MEMORY_LIVE_COLOR)]
        if any("cached_bytes" in e for e in events):
            series.append(("cached", t, [e.get("cached_bytes", 0) / 2 ** 20 for e in events], svg.MEMORY_CACHED_COLOR))
        plots.append(svg.line_chart(series, "Memory timeline (MiB)", "ms since the recording started", "MiB",
                                    plot_id="plot-memory", step=True, fill={"live": svg.MEMORY_FILL_COLOR},
                                    stroke_width=2.0))
    tables = []
    rec = m.get("recording") or {}
    items = [(k, rec[k]) for k in ("peak_bytes", "peak_op", "peak_module") if k in rec]
    if items:
        tables.append("<h2>Memory</h2>" + _table(["", "value"], items))
    findings = m.get("findings") or []
    if isinstance(findings, str):
        findings = [ln for ln in findings.splitlines() if ln.strip()]
    return plots, tables, [str(f.get("message", f)) if isinstance(f, dict) else str(f) for f in findings]


def _metrics_parts(mt: Dict[str, Any]) -> Tuple[List[str], List[Tuple[str, str]]]:
    tables, cards = [], []
    scalars, other = [], []
    cm = None
    names = mt.get("class_names")
    for k, v in mt.items():
        if k == "class_names":
            continue
        v = _to_list(v)
        if k == "confusion_matrix":
            cm = v
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            scalars.append((k, v))
        else:
            other.append((k, v))
    if scalars:
        tables.append("<h2>Metrics</h2>" + _table(["metric", "value"], scalars))
        for k, v in scalars[:3]:
            cards.append((k, ("%.2f%%" % (100 * v)) if "acc" in k and 0 <= v <= 1 else _num(v)))
    for k, v in other:
        if isinstance(v, dict) and v and all(isinstance(x, list) for x in v.values()):
            keys = list(v)
            n = max(len(x) for x in v.values())
            rows = [[names[i] if names and i < len(names) else i] + [v[kk][i] if i < len(v[kk]) else "" for kk in keys]
                    for i in range(n)]
            tables.append("<h2>%s</h2>" % _e(k) + _table(["class"] + keys, rows))
        elif isinstance(v, dict):
            tables.append("<h2>%s</h2>" % _e(k) + _table(["", "value"], [[kk, _to_list(x)] for kk, x in v.items()]))
        else:
            tables.append("<h2>%s</h2><p>%s</p>" % (_e(k), _e(v)))
    if cm:
        n = len(cm)
        lab = [str(names[i]) if names and i < len(names) else str(i) for i in range(n)]
        peak = max((max(r) for r in cm if r), default=1) or 1
        out = ['<h2>Confusion matrix</h2><p class="sub">rows: true class, columns: predicted class</p>'
               '<table class="cm"><tr><th class="l">true \\ pred</th>']
        out += ["<th>%s</th>" % _e(c) for c in lab]
        out.append("</tr>")
        for i, r in enumerate(cm):
            out.append('<tr><th class="l">%s</th>' % _e(lab[i]))
            for j, v in enumerate(r):
                a = float(v) / peak
                bg = "rgba(31,119,180,%.2f)" % (0.08 + 0.8 * a) if v else "#ffffff"
                fg = "#ffffff" if a > 0.55 else "#222222"
                out.append('<td style="background:%s;color:%s%s">%s</td>'
                           % (bg, fg, ";font-weight:bold" if i == j else "", _num(v)))
            out.append("</tr>")
        out.append("</table>")
        tables.append("".join(out))
    return tables, cards


# ---- the report ----------------------------------------------------------------------------------------


def render_report(*, progress: Any = None, grad_flow: Any = None, profiler: Any = None, memory: Any = None,
                  metrics: Optional[Dict[str, Any]] = None, title: str = "tenflowers training report",
                  notes: Sequence[str] = ()) -> str:
    """The report as HTML text (see write_report)."""
    plots: List[str] = []
    tables: List[str] = []
    cards: List[Tuple[str, str]] = []
    findings_html: List[str] = []
    bottleneck = ""
    p = _as_dict(progress)
    if p:
        pl, tb, cd = _progress_parts(p)
        plots += pl
        tables += tb
        cards += cd
    m = dict(metrics) if metrics else None
    if m:
        tb, cd = _metrics_parts(m)
        cards += cd
    g = _as_dict(grad_flow)
    if g:
        pl, tb, fnd = _grad_flow_parts(g)
        plots += pl
        tables += tb
        for f in fnd:
            kind = f.get("kind", "") if isinstance(f, dict) else ""
            msg = f.get("message", f) if isinstance(f, dict) else f
            findings_html.append('<li class="%s">%s</li>' % (_e(kind), _e(msg)))
        if not fnd and g.get("steps"):
            findings_html.append("<li>gradient flow: no vanishing or exploding gradients in %d recorded steps</li>"
                                 % len(g["steps"]))
    pr = _as_dict(profiler)
    if pr:
        pl, tb, bottleneck = _profiler_parts(pr)
        plots += pl
        tables += tb
    mem = _as_dict(memory)
    if mem:
        pl, tb, fnd = _memory_parts(mem)
        plots += pl
        tables += tb
        findings_html += ["<li>memory: %s</li>" % _e(f) for f in fnd]
    if m:
        tables += _metrics_parts(m)[0]
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', "<title>%s</title>" % _e(title),
           "<style>%s</style></head><body>" % _CSS, "<h1>%s</h1>" % _e(title),
           '<div class="sub">generated %s by tenflowers.diagnostics</div>' % now]
    if cards:
        out.append('<div class="cards">' + "".join('<div class="card"><div class="k">%s</div><div class="v">%s</div>'
                                                   '</div>' % (_e(k), _e(v)) for k, v in cards) + "</div>")
    if bottleneck:
        out.append('<div class="bottleneck">%s</div>' % _e(bottleneck))
    for n in notes:
        out.append('<p class="sub">%s</p>' % _e(n))
    if plots:
        out.append('<div class="plots">' + "\n".join(plots) + "</div>")
    if findings_html:
        out.append('<h2>Findings</h2><ul class="findings">' + "".join(findings_html) + "</ul>")
    out += tables
    out.append("</body></html>")
    return "\n".join(out)


def write_report(path: str, *, progress: Any = None, grad_flow: Any = None, profiler: Any = None,
                 memory: Any = None, metrics: Optional[Dict[str, Any]] = None,
                 title: str = "tenflowers training report", notes: Sequence[str] = ()) -> str:
    """Writes one self-contained HTML file (inline CSS and SVG; no script, no external URL) to path and
    returns the path. Every part is optional:
      progress:  a ProgressTracker or its to_dict(): loss curve, metrics per epoch, epoch table, cards;
      grad_flow: a GradientFlowTracker or its to_dict(): heatmap of per-layer gradient norms, table, findings;
      profiler:  the op profiler's report dict (ops[{name, calls, total_ns, self_ns, category}],
                 modules[{path, calls, total_ns}], categories{name: ns}, slowest[], bottleneck), or an object
                 with report(): op-time bar chart, slowest ops, modules, categories, the bottleneck sentence;
      memory:    tfl.memory.snapshot() (or the tfl.memory module): timeline plot, peak, findings;
      metrics:   {"accuracy": 0.98, ..., "confusion_matrix": [[...]], "class_names": [...], other dicts}."""
    text = render_report(progress=progress, grad_flow=grad_flow, profiler=profiler, memory=memory,
                         metrics=metrics, title=title, notes=notes)
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


__all__ = ["write_report", "render_report"]
