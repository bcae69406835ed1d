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
    # The first steps blow up (x100 and more within two steps); later the ReLUs die, which is vanishing.
    assert tracker.exploding() and tracker.exploding()[0].step <= 3
    assert any("grew from" in f.message for f in tracker.exploding())


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
