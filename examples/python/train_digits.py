"""Trains a small CNN on scikit-learn's digits (8x8 images, 10 classes) with tenflowers from Python:
a Python-defined tfl.nn.Module over core layers, AdamW with a one-cycle schedule, a tqdm bar per epoch,
a safetensors checkpoint reloaded into a fresh model, the memory profiler's findings, and a training report
(build/digits_report.html unless --report names another path): loss and accuracy per epoch, per-layer
gradient norms with vanishing/exploding findings, the op profiler's breakdown of a few profiled steps, the
memory timeline, and the test set's accuracy, per-class precision/recall/F1 and confusion matrix.

    PYTHONPATH=python TENFLOWERS_LIBRARY=build/libtenflowers.so python3 examples/python/train_digits.py
"""

import argparse
import os
import tempfile
import time

import numpy as np
from sklearn.datasets import load_digits
from tqdm import tqdm

import tenflowers as tfl
import tenflowers.nn as nn
import tenflowers.nn.functional as F
from tenflowers.diagnostics import GradientFlowTracker, ProgressTracker, write_report

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class DigitsCNN(nn.Module):
    """conv(1->16) -> relu -> conv(16->32) -> relu -> maxpool -> flatten -> linear(512->64) -> relu -> linear(64->10)."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2), nn.Flatten())
        self.hidden = nn.Linear(32 * 4 * 4, 64)
        self.dropout = nn.Dropout(0.2)
        self.out = nn.Linear(64, 10)

    def forward(self, x: tfl.Tensor) -> tfl.Tensor:
        h = F.relu(self.hidden(self.features(x)))
        return self.out(self.dropout(h))


def predict(model: nn.Module, x: np.ndarray, batch: int = 256) -> np.ndarray:
    """The logits for x, in batches, as one NumPy array."""
    model.eval()
    out = []
    with tfl.no_grad():
        for i in range(0, len(x), batch):
            out.append(model(tfl.from_numpy(x[i:i + batch])).numpy().copy())
    return np.concatenate(out)


def accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray, batch: int = 256) -> float:
    return float((predict(model, x, batch).argmax(axis=1) == y).mean())


def test_metrics(logits: np.ndarray, y: np.ndarray, classes: int = 10) -> dict:
    """Accuracy, top-3 accuracy, per-class precision/recall/F1 and the confusion matrix of the test set:
    tfl.metrics when this build has it, else the same definitions in NumPy."""
    m = getattr(tfl, "metrics", None)
    if m is not None:
        lt, yt = tfl.from_numpy(logits), tfl.from_numpy(y)
        prf = m.precision_recall_f1(lt, yt, num_classes=classes)
        if isinstance(prf, dict):
            per_class = {k: np.asarray(prf[k], dtype=np.float64).tolist() for k in ("precision", "recall", "f1")}
        else:  # a tuple or an object with precision, recall, f1
            vals = prf[:3] if isinstance(prf, (tuple, list)) else (prf.precision, prf.recall, prf.f1)
            per_class = {k: np.asarray(v, dtype=np.float64).tolist() for k, v in zip(("precision", "recall", "f1"), vals)}
        return {"accuracy": float(m.accuracy(lt, yt)), "top3_accuracy": float(m.top_k_accuracy(lt, yt, 3)),
                "per_class": per_class,
                "confusion_matrix": np.asarray(m.confusion_matrix(lt, yt, num_classes=classes)).tolist()}
    pred = logits.argmax(axis=1)
    cm = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(cm, (y, pred), 1)
    tp = np.diag(cm).astype(np.float64)
    precision = np.divide(tp, cm.sum(axis=0), out=np.zeros(classes), where=cm.sum(axis=0) > 0)
    recall = np.divide(tp, cm.sum(axis=1), out=np.zeros(classes), where=cm.sum(axis=1) > 0)
    f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros(classes), where=precision + recall > 0)
    top3 = (np.argsort(-logits, axis=1)[:, :3] == y[:, None]).any(axis=1).mean()
    return {"accuracy": float((pred == y).mean()), "top3_accuracy": float(top3),
            "per_class": {"precision": precision.tolist(), "recall": recall.tolist(), "f1": f1.tolist()},
            "confusion_matrix": cm.tolist()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--checkpoint", default=os.path.join(tempfile.gettempdir(), "digits_cnn.safetensors"))
    ap.add_argument("--quiet", action="store_true", help="no progress bars")
    ap.add_argument("--report", default=os.path.join(_ROOT, "build", "digits_report.html"),
                    help="where the HTML training report goes (default: build/digits_report.html)")
    ap.add_argument("--profile-steps", type=int, default=10,
                    help="steps of the second epoch the op profiler records (0: none)")
    args = ap.parse_args()

    print("tenflowers %s (library %s), %d threads" % (tfl.__version__, tfl.library_version(), tfl.get_num_threads()))
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None, :, :]  # (N, 1, 8, 8) in [0, 1]
    y = digits.target.astype(np.int64)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(x))
    n_train = len(x) * 4 // 5
    tr, te = order[:n_train], order[n_train:]
    x_train, y_train, x_test, y_test = x[tr], y[tr], x[te], y[te]
    print("digits: %d samples, %d train / %d test, 1x8x8 images, 10 classes" % (len(x), len(tr), len(te)))

    tfl.manual_seed(0)
    model = DigitsCNN()
    print(model)
    print("parameters: %d" % model.num_parameters())
    steps_per_epoch = (n_train + args.batch - 1) // args.batch
    opt = tfl.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = tfl.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps_per_epoch)

    # Diagnostics: progress per step and epoch, gradient norms per layer every 5th step, and the op
    # profiler (when this build has it) for a few steps of the second epoch only, to keep its cost away.
    progress = ProgressTracker(monitor="test_accuracy", mode="max")
    grad_flow = GradientFlowTracker(model, every=5, optimizer=opt)
    profiler = getattr(tfl, "profiler", None) if args.profile_steps > 0 else None
    profile_epoch = min(2, args.epochs)
    profiler_on = False
    step = 0

    tfl.memory.start()
    t0 = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        perm = rng.permutation(n_train)
        loss_sum, seen = 0.0, 0
        progress.start_epoch()
        bar = tqdm(range(0, n_train, args.batch), desc="epoch %2d/%d" % (epoch, args.epochs), unit="batch",
                   leave=epoch == args.epochs or epoch % 5 == 0, disable=args.quiet, ncols=90)
        for i, b in enumerate(bar):
            profiling = profiler is not None and epoch == profile_epoch and i < args.profile_steps
            if profiling and i == 0:
                profiler.start()
                profiler_on = True
            idx = perm[b:b + args.batch]
            xb, yb = tfl.from_numpy(x_train[idx]), tfl.from_numpy(y_train[idx])
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            grad_flow.record(step)
            opt.step()
            sched.step()
            if profiling and i == args.profile_steps - 1:
                profiler.stop()
                profiler_on = False
            loss_value = float(loss)
            loss_sum += loss_value * len(idx)
            seen += len(idx)
            progress.log_step(loss=loss_value, n=len(idx))
            step += 1
            bar.set_postfix(loss="%.4f" % (loss_sum / seen), lr="%.2e" % opt.lr)
        if profiler_on:  # the epoch had fewer steps than --profile-steps
            profiler.stop()
            profiler_on = False
        # The test accuracy per epoch is cheap here (360 images) and makes the report's metric curve.
        progress.end_epoch(test_accuracy=accuracy(model, x_test, y_test))
        if args.quiet and (epoch == 1 or epoch % 5 == 0):
            print("epoch %2d  train loss %.4f" % (epoch, loss_sum / seen))
    train_s = time.perf_counter() - t0
    tfl.memory.stop()

    acc = accuracy(model, x_test, y_test)
    print("test accuracy %.2f%% after %d epochs, training took %.2f s" % (100 * acc, args.epochs, train_s))

    tfl.save(model, args.checkpoint, metadata={"format": "pt", "model": "DigitsCNN"})
    fresh = DigitsCNN()
    fresh.load_state_dict(tfl.load(args.checkpoint))
    acc_reloaded = accuracy(fresh, x_test, y_test)
    print("checkpoint %s (%d tensors) reloaded into a fresh model: test accuracy %.2f%%"
          % (args.checkpoint, len(tfl.load(args.checkpoint)), 100 * acc_reloaded))

    stats = tfl.memory.stats()
    print("memory: peak %.1f KiB live, %d allocations (%d cache hits), %.1f KiB cached now"
          % (stats["peak_bytes"] / 1024, stats["allocations"], stats["cache_hits"], stats["cached_bytes"] / 1024))
    for line in tfl.memory.findings():
        print("  - " + line)

    metrics = test_metrics(predict(model, x_test), y_test)
    for f in grad_flow.findings:
        print("gradient flow: " + f.message)
    best = progress.best_epoch()
    report = write_report(
        args.report, progress=progress, grad_flow=grad_flow,
        profiler=profiler.report() if profiler is not None else None,
        memory=tfl.memory.snapshot(), metrics=metrics, title="tenflowers: DigitsCNN on scikit-learn digits",
        notes=["%d epochs of %d steps, batch %d, AdamW + one-cycle (max lr %g); best test accuracy %.2f%% at epoch %d"
               % (args.epochs, steps_per_epoch, args.batch, args.lr, 100 * best["test_accuracy"], best["epoch"]),
               "op profiler: %s" % ("%d steps of epoch %d" % (args.profile_steps, profile_epoch)
                                    if profiler is not None else "not in this build (tfl.profiler missing)")])
    print("training report: %s" % os.path.abspath(report))

    if acc < 0.97 or acc_reloaded != acc:
        raise SystemExit("FAILED: accuracy %.4f (needs >= 0.97), reloaded %.4f (needs the same)" % (acc, acc_reloaded))


if __name__ == "__main__":
    main()
