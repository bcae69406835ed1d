# tfl.diagnostics: gradient-flow tracking (real vanishing and exploding networks, a healthy one) and
# progress tracking (epoch means, best epoch, throughput against values computed by hand).
import math
import warnings

import numpy as np
import pytest

import tenflowers as tfl
import tenflowers.nn as nn
import tenflowers.nn.functional as F
from tenflowers.diagnostics import (ExplodingGradientWarning, GradientFlowTracker, GradientFlowWarning,
                                    ProgressTracker, VanishingGradientWarning)


def _train(model, tracker, steps, lr, n_in=16, seed=0):
    rng = np.random.default_rng(seed)
    opt = tfl.optim.SGD(model.parameters(), lr=lr)
    x = tfl.from_numpy(rng.standard_normal((32, n_in)).astype(np.float32))
    y = tfl.from_numpy(np.sin(rng.standard_normal((32, 1))).astype(np.float32))
    for _ in range(steps):
        loss = F.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        tracker.record()
        opt.step()


def _init(model, std):
    with tfl.no_grad():
        for p in model.parameters():
            p.normal_(0.0, std)


def test_deep_sigmoid_stack_with_tiny_init_vanishes():
    tfl.manual_seed(1)
    layers = []
    for _ in range(10):
        layers += [nn.Linear(16, 16), nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(16, 1))
    _init(model, 1e-3)
    tracker = GradientFlowTracker(model)
    with pytest.warns(VanishingGradientWarning) as rec:
        _train(model, tracker, steps=5, lr=0.01)
    assert any("vanishing gradients in layer '0'" in str(w.message) for w in rec)
    vanished = {f.layer for f in tracker.vanishing()}
    assert "0" in vanished and "2" in vanished  # the first layers, far from the loss
    assert "20" not in vanished                 # the output layer gets a healthy gradient
    assert not tracker.exploding()
    # The first layer's recorded norm is the norm of its weight and bias gradients together, below 1e-7.
    assert all(v < 1e-7 for v in tracker.layer_grad_norms["0"])
    assert len(tracker.steps) == 5 and tracker.layers[0] == "0"
    # One finding (and one warning) per layer and kind, however many steps repeat it.
    assert len(tracker.findings) == len({(f.kind, f.layer) for f in tracker.findings})


def test_large_init_explodes():
    tfl.manual_seed(2)
    model = nn.Sequential(*[nn.Linear(16, 16) for _ in range(6)], nn.Linear(16, 1))
    _init(model, 2.0)
    tracker = GradientFlowTracker(model)
    with pytest.warns(ExplodingGradientWarning):
        _train(model, tracker, steps=3, lr=1e-3)
    assert tracker.exploding()
    f = tracker.exploding()[0]
    assert f.step == 0 and f.value > 1e3 and "exploding gradients" in str(f)


def test_too_large_learning_rate_explodes_by_growth_or_size():
    tfl.manual_seed(3)
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 1))
    tracker = GradientFlowTracker(model, warn=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", GradientFlowWarning)  # warn=False: nothing is warned
        _train(model, tracker, steps=4, lr=3.0)
    # The first steps blow up (x100 and more per step, past 1e3 within four); later the ReLUs die.
    assert tracker.exploding() and tracker.exploding()[0].step <= 3
    assert max(max(v) for v in tracker.layer_grad_norms.values()) > 1e3


def test_healthy_mlp_has_no_findings():
    tfl.manual_seed(4)
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1))
    tracker = GradientFlowTracker(model, lr=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("error", GradientFlowWarning)
        _train(model, tracker, steps=40, lr=0.05)
    assert tracker.healthy() and tracker.findings == []
    assert tracker.layers == ["0", "2", "4"]
    assert all(len(v) == 40 for v in tracker.layer_grad_norms.values())


def test_recorded_norms_match_numpy():
    tfl.manual_seed(5)
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    x = tfl.from_numpy(np.arange(8, dtype=np.float32).reshape(2, 4) / 8)
    model(x).sum().backward()
    tracker = GradientFlowTracker(model, lr=0.5)
    assert tracker.record()
    params = dict(model.named_parameters())
    for layer in ("0", "2"):
        g = [params[layer + ".weight"].grad.numpy(), params[layer + ".bias"].grad.numpy()]
        w = [params[layer + ".weight"].numpy(), params[layer + ".bias"].numpy()]
        gn = math.sqrt(sum(float((a.astype(np.float64) ** 2).sum()) for a in g))
        wn = math.sqrt(sum(float((a.astype(np.float64) ** 2).sum()) for a in w))
        assert tracker.layer_grad_norms[layer][0] == pytest.approx(gn, rel=1e-5)
        assert tracker.layer_weight_norms[layer][0] == pytest.approx(wn, rel=1e-5)
        assert tracker.layer_update_ratios[layer][0] == pytest.approx(0.5 * gn / wn, rel=1e-5)
        assert tracker.param_grad_norms[layer + ".weight"][0] == pytest.approx(np.linalg.norm(g[0]), rel=1e-5)
    d = tracker.to_dict()
    assert d["layers"] == ["0", "2"] and d["steps"] == [0] and d["findings"] == []


def test_record_every_and_no_grads():
    model = nn.Linear(2, 2)
    tracker = GradientFlowTracker(model, every=2)
    assert not tracker.record()  # no gradients yet: nothing recorded
    model(tfl.ones((1, 2))).sum().backward()
    assert not tracker.record()  # every=2 skips the second call
    assert tracker.record(step=7)
    assert tracker.steps == [7] and tracker.layers == ["(root)"]
    with pytest.raises(ValueError):
        GradientFlowTracker(model, every=0)


class _Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def test_progress_epoch_means_best_epoch_and_throughput():
    clock = _Clock()
    p = ProgressTracker(clock=clock)
    # epoch 1: losses 2.0 (n=10), 1.0 (n=30), accuracy 0.5, 0.7; 4 s
    p.start_epoch()
    p.log_step(loss=tfl.scalar(2.0), n=10, acc=0.5)
    clock.t += 1.5
    p.log_step(loss=1.0, n=30, acc=0.7)
    assert p.running()["loss"] == pytest.approx((2.0 * 10 + 1.0 * 30) / 40)
    assert p.postfix() == {"loss": "1.2500", "acc": "0.6500"}
    clock.t += 2.5
    e1 = p.end_epoch(val_acc=0.6)
    # epoch 2 opened by log_step itself: losses 0.5, 0.25, 0.75 (n=20 each); 2 s
    p.log_step(loss=0.5, n=20)
    p.log_step(loss=0.25, n=20)
    p.log_step(loss=0.75, n=20)
    clock.t += 2.0
    e2 = p.end_epoch(val_acc=0.9)
    assert e1["loss"] == pytest.approx(1.25) and e1["acc"] == pytest.approx(0.65)
    assert e1["wall_s"] == pytest.approx(4.0) and e1["samples"] == 40 and e1["samples_per_s"] == pytest.approx(10.0)
    assert e1["steps"] == 2 and e1["val_acc"] == 0.6
    assert e2["loss"] == pytest.approx(0.5) and e2["samples_per_s"] == pytest.approx(30.0) and "acc" not in e2
    assert p.best_epoch()["epoch"] == 2
    assert p.best_epoch("val_acc", "max")["epoch"] == 2
    assert p.best_epoch("acc", "max")["epoch"] == 1
    assert p.best_epoch("nothing") is None
    assert p.series("loss") == [2.0, 1.0, 0.5, 0.25, 0.75]
    assert p.series("loss", per="epoch") == pytest.approx([1.25, 0.5])
    assert [s["epoch"] for s in p.steps] == [1, 1, 2, 2, 2]
    assert p.steps[1]["time"] == pytest.approx(1.5)
    assert p.total_time == pytest.approx(6.0) and p.total_samples == 100
    assert p.names() == ["loss", "acc", "val_acc"]
    d = p.to_dict()
    assert d["best_epoch"] == 2 and len(d["steps"]) == 5 and len(d["epochs"]) == 2


def test_progress_plain_mean_without_n_and_bad_mode():
    p = ProgressTracker(monitor="acc", mode="max")
    for v in (1.0, 2.0, 6.0):
        p.log_step(acc=v)
    e = p.end_epoch()
    assert e["acc"] == pytest.approx(3.0) and e["samples"] == 0
    assert p.best_epoch()["epoch"] == 1
    with pytest.raises(ValueError):
        ProgressTracker(mode="best")


def test_progress_with_tqdm():
    tqdm = pytest.importorskip("tqdm").tqdm
    p = ProgressTracker()
    bar = tqdm(range(3), disable=True)
    for i in bar:
        p.log_step(loss=float(i), n=2)
        bar.set_postfix(p.postfix())
    assert p.end_epoch()["loss"] == pytest.approx(1.0)


# ---- the HTML report -------------------------------------------------------------------------------------

from html.parser import HTMLParser  # noqa: E402

from report_fixture import LAYERS, PLOT_COLORS, build_inputs  # noqa: E402
from tenflowers.diagnostics import render_report, write_report  # noqa: E402
from tenflowers.diagnostics import svg as tsvg  # noqa: E402


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text, self.stack, self.errors = [], [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))
        if tag not in ("meta", "br", "img", "input", "link", "hr") and not tag in _VOID_SVG:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("unbalanced </%s> (open: %s)" % (tag, self.stack[-3:]))
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


_VOID_SVG = ()


def _parse(text):
    c = _Collect()
    c.feed(text)
    c.close()
    return c


def test_report_is_valid_self_contained_html(tmp_path):
    p, grad, prof, mem, metrics = build_inputs()
    path = write_report(str(tmp_path / "sub" / "report.html"), progress=p, grad_flow=grad, profiler=prof,
                        memory=mem, metrics=metrics)
    text = open(path, encoding="utf-8").read()
    assert text.startswith("<!DOCTYPE html>")
    c = _parse(text)
    assert not c.errors and not c.stack, (c.errors, c.stack)
    assert "script" not in c.tags and "link" not in c.tags and "iframe" not in c.tags
    for tag, attrs in c.attrs:
        for k in ("src", "href", "xlink:href", "action", "data"):
            v = attrs.get(k) or ""
            assert not v.lower().startswith(("http:", "https:", "//")), (tag, k, v)
    assert "url(" not in text and "@import" not in text
    ids = [a.get("id") for t, a in c.attrs if t == "svg"]
    assert ids == ["plot-loss", "plot-metrics", "plot-gradflow", "plot-ops", "plot-memory"]
    body = " ".join(c.text)
    assert "Bottleneck: 'matmul' (blas)" in body
    assert "vanishing gradients in layer 'features.0'" in body
    assert "memory: peak 1.2 MiB reached in matmul" in body
    assert "Confusion matrix" in body and "Slowest ops" in body and "Epochs" in body
    for layer in LAYERS:
        assert layer in body
    # the plots draw in their colours
    for pid, color in PLOT_COLORS.items():
        start = text.index('id="%s"' % pid)
        assert color in text[start:text.index("</svg>", start)], pid


def test_report_tables_hold_the_numbers():
    p, grad, prof, mem, metrics = build_inputs()
    c = _parse(render_report(progress=p, profiler=prof, metrics=metrics))
    cells = [t.strip() for t in c.text if t.strip()]
    # the confusion matrix rows: a label then its counts
    i = cells.index("true \\ pred")
    assert cells[i + 1:i + 4] == ["a", "b", "c"]
    assert cells[i + 4:i + 8] == ["a", "50", "2", "0"] and cells[i + 12:i + 16] == ["c", "0", "4", "60"]
    # the epoch table: epoch 1's mean loss over its 20 steps, computed here from the same formula
    mean1 = sum(2.5 * math.exp(-s / 30.0) + 0.05 for s in range(20)) / 20
    j = cells.index("Epochs")
    assert "%.4g" % mean1 in cells[j:j + 40]
    assert "94.0%" not in cells and "93.94%" in cells  # accuracy card: 155/165
    # slowest ops in the given order, with the mean time per call (matmul: 9e8 ns / 300 calls = 3000 us)
    k = cells.index("Slowest ops")
    assert cells[k + 7:k + 9] == ["matmul", "blas"] and "3000" in cells[k + 9:k + 14]


def test_report_parts_are_optional_and_empty_inputs_work(tmp_path):
    text = render_report()
    assert "<svg" not in text and _parse(text).errors == []
    text = render_report(progress={"steps": [], "epochs": []}, grad_flow={"steps": [], "grad_norms": {}},
                         profiler={"ops": []}, memory={"timeline": []}, metrics={})
    assert _parse(text).errors == []
    with pytest.raises(TypeError):
        render_report(progress=42)


def test_grad_flow_tracker_goes_into_the_report():
    tfl.manual_seed(6)
    model = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 1))
    tracker = GradientFlowTracker(model)
    _train(model, tracker, steps=3, lr=0.01)
    text = render_report(grad_flow=tracker)
    assert 'id="plot-gradflow"' in text and "no vanishing or exploding gradients in 3 recorded steps" in text


def test_svg_helpers():
    assert tsvg.nice_ticks(0, 1, 5) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert tsvg.nice_ticks(3, 3) == [3]
    assert tsvg.ramp_color(0.0) == tsvg.RAMP[0] and tsvg.ramp_color(1.0) == tsvg.RAMP[-1]
    assert tsvg.ramp_color(0.125) == "#402a70"  # halfway between #440154 and #3b528b, rounded per channel
    assert tsvg.ramp_color(float("nan")) == tsvg.NONFINITE_COLOR
    xs, ys = tsvg.downsample(list(range(1000)), [float(v) for v in range(1000)], 10)
    assert len(xs) == 10 and ys[0] == pytest.approx(49.5)
    s = tsvg.line_chart([("a", [0, 1, 2], [1.0, float("nan"), 3.0], "#123456")], "t", logy=True)
    assert _parse(s).errors == [] and "#123456" in s


def test_report_reads_the_op_profilers_json_shape():
    # The shape tfl_profiler_report_json writes: slowest lists single calls; categories include zeros and
    # framework_overhead.
    prof = {"running": False, "total_ns": 3000000, "op_ns": 2500000,
            "ops": [{"name": "matmul", "category": "blas", "calls": 4, "total_ns": 2000000, "self_ns": 1800000,
                     "max_ns": 600000},
                    {"name": "relu", "category": "elementwise", "calls": 4, "total_ns": 500000, "self_ns": 500000,
                     "max_ns": 200000}],
            "modules": [{"path": "fc1", "calls": 4, "total_ns": 2100000, "self_ns": 100000}],
            "categories": {"blas": 1800000, "elementwise": 500000, "reduction": 0, "framework_overhead": 500000},
            "slowest": [{"name": "matmul", "module": "fc1", "category": "blas", "total_ns": 600000,
                         "self_ns": 550000, "start_ns": 10}],
            "bottleneck": "Bottleneck: 'matmul' (blas) takes 72.0% of the op time"}
    c = _parse(render_report(profiler=prof))
    cells = [t.strip() for t in c.text if t.strip()]
    assert c.errors == [] and "Slowest single calls" in cells and "reduction" not in cells
    k = cells.index("Slowest ops")
    assert cells[k + 7:k + 10] == ["matmul", "blas", "4"] and "500" in cells[k + 10:k + 14]  # 2 ms / 4 calls
    k = cells.index("Slowest single calls")
    assert cells[k + 6:k + 11] == ["matmul", "fc1", "blas", "600", "550"]
    assert "Bottleneck: 'matmul' (blas) takes 72.0% of the op time" in cells


class _FakeParam:
    """A parameter whose gradient norm the test sets (the tracker only needs grad, reshape and dot)."""

    def __init__(self):
        self.g = None

    @property
    def grad(self):
        return self.g

    def reshape(self, *_):
        return tfl.tensor([1.0])

    def dot(self, other):
        return tfl.tensor(1.0)


class _FakeModel:
    def __init__(self, n):
        self.ps = [("l%d.weight" % i, _FakeParam()) for i in range(n)]

    def named_parameters(self):
        return iter(self.ps)


def _feed(tracker, model, series):
    for step, norms in enumerate(zip(*series)):
        for (_, p), v in zip(model.ps, norms):
            p.g = tfl.tensor([float(v)])
        tracker.record(step)


def test_growth_rule_one_spike_is_not_an_explosion_but_a_sustained_rise_is():
    model = _FakeModel(2)
    tracker = GradientFlowTracker(model, warn=False)
    # l0: one x12 spike from 0.15 to 1.9 (healthy); l1: 0.2 then x20 and x50 for two steps (exploding)
    _feed(tracker, model, [[0.15] * 5 + [1.9] + [0.15] * 5, [0.2] * 5 + [4.0, 10.0] + [0.2] * 4])
    assert [f.layer for f in tracker.findings] == ["l1"]
    f = tracker.findings[0]
    assert f.kind == "exploding" and f.step == 6 and "from 0.2 to 10" in f.message
    # a rise below growth_min_norm never counts
    model2 = _FakeModel(1)
    t2 = GradientFlowTracker(model2, warn=False)
    _feed(t2, model2, [[1e-3] * 5 + [0.5] * 5])
    assert t2.findings == []
