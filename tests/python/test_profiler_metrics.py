"""tfl.profiler (op times per op/module/category, bottleneck) and tfl.metrics (against scikit-learn)."""
import math

import numpy as np
import pytest

import tenflowers as tfl

sk = pytest.importorskip("sklearn.metrics")


# ---- metrics vs scikit-learn on random data ---------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_metrics_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    n, c = 200, 5
    logits = rng.normal(size=(n, c))
    y = rng.integers(0, c, size=n)
    pred = logits.argmax(1)
    assert tfl.metrics.accuracy(logits, y) == pytest.approx(sk.accuracy_score(y, pred))
    assert tfl.metrics.accuracy(tfl.tensor(pred), tfl.tensor(y)) == pytest.approx(sk.accuracy_score(y, pred))
    for k in (1, 2, 3, 5):
        assert tfl.metrics.top_k_accuracy(logits, y, k=k) == pytest.approx(
            sk.top_k_accuracy_score(y, logits, k=k, labels=list(range(c))))
    cm = tfl.metrics.confusion_matrix(logits, y, num_classes=c)
    assert cm.dtype == tfl.int64
    np.testing.assert_array_equal(np.array(cm.tolist()), sk.confusion_matrix(y, pred, labels=list(range(c))))
    for zd in (0.0, 1.0):
        p, r, f, s = sk.precision_recall_fscore_support(y, pred, labels=list(range(c)), zero_division=zd)
        got = tfl.metrics.precision_recall_f1(logits, y, num_classes=c, zero_division=zd)
        np.testing.assert_allclose(got["precision"], p)
        np.testing.assert_allclose(got["recall"], r)
        np.testing.assert_allclose(got["f1"], f)
        assert got["support"] == s.tolist()
        for avg in ("macro", "micro", "weighted"):
            want = sk.precision_recall_fscore_support(y, pred, labels=list(range(c)), zero_division=zd,
                                                      average=avg)[:3]
            got_avg = tfl.metrics.precision_recall_f1(pred, y, num_classes=c, average=avg, zero_division=zd)
            np.testing.assert_allclose(got_avg, want)


def test_metrics_zero_division_nan_and_absent_classes():
    y, yp = [0, 1, 1, 0], [0, 0, 0, 0]
    labels = [0, 1, 2]
    for avg in ("macro", "weighted", "micro"):
        want = sk.precision_recall_fscore_support(y, yp, labels=labels, zero_division=np.nan, average=avg)[:3]
        got = tfl.metrics.precision_recall_f1(yp, y, num_classes=3, average=avg, zero_division=float("nan"))
        np.testing.assert_allclose(got, want)
    per = tfl.metrics.precision_recall_f1(yp, y, num_classes=3, zero_division=float("nan"))
    assert math.isnan(per["precision"][1]) and math.isnan(per["recall"][2])


def test_metric_errors():
    with pytest.raises(tfl.ShapeError):
        tfl.metrics.accuracy([0, 1], [0, 1, 2])
    with pytest.raises(IndexError):
        tfl.metrics.confusion_matrix([0, 5], [0, 1], num_classes=3)
    with pytest.raises(ValueError):
        tfl.metrics.top_k_accuracy([[0.1, 0.9]], [1], k=3)
    with pytest.raises(ValueError):
        tfl.metrics.precision_recall_f1([0, 1], [0, 1], average="samples")
    with pytest.raises(ValueError):
        tfl.metrics.precision_recall_f1([0, 1], [0, 1], zero_division=0.5)


# ---- profiler ---------------------------------------------------------------------------------------


class MLP(tfl.nn.Module):
    def __init__(self):
        super().__init__()
        self.body = tfl.nn.Sequential(tfl.nn.Linear(32, 64), tfl.nn.ReLU(), tfl.nn.Linear(64, 10))

    def forward(self, x):
        return self.body(x)


def test_profiler_sees_matmul_blas_and_module_paths():
    model = MLP()
    opt = tfl.optim.SGD(model.parameters(), lr=0.01)
    x = tfl.random.randn(16, 32)
    with tfl.profiler.profile() as prof:
        for _ in range(3):
            opt.zero_grad()
            loss = (model(x) ** 2).mean()
            loss.backward()
            opt.step()
    assert not tfl.profiler.is_enabled()
    r = prof.report()
    ops = {o["name"]: o for o in r["ops"]}
    assert "matmul" in ops
    assert ops["matmul"]["category"] == "blas"
    assert ops["matmul"]["calls"] >= 6  # 2 layers x 3 steps forward, more in backward
    assert any(name.endswith("_backward") for name in ops)
    assert r["categories"]["blas"] > 0
    assert "framework_overhead" in r["categories"]
    assert sum(o["self_ns"] for o in r["ops"]) == r["op_ns"]
    paths = {m["path"] for m in r["modules"]}
    assert "MLP" in paths
    assert any(p.startswith("MLP.") and p.endswith(".0") for p in paths), paths
    assert r["bottleneck"]
    text = prof.summary()
    assert "matmul" in text and r["bottleneck"] in text


def test_profiler_start_stop_reset():
    tfl.profiler.reset()
    tfl.profiler.start()
    assert tfl.profiler.is_enabled()
    a = tfl.ones((8, 8))
    a @ a
    tfl.profiler.stop()
    r = tfl.profiler.report()
    assert {o["name"] for o in r["ops"]} >= {"matmul"}
    a @ a  # not recorded after stop
    assert [o["calls"] for o in tfl.profiler.report()["ops"] if o["name"] == "matmul"] == [1]
    tfl.profiler.reset()
    assert tfl.profiler.report()["ops"] == []
    assert "Nothing was recorded" in tfl.profiler.summary()
