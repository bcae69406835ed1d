"""Trains a small CNN on scikit-learn's digits (8x8 images, 10 classes) with tenflowers from Python:
a Python-defined tfl.nn.Module over core layers, AdamW with a one-cycle schedule, a tqdm bar per epoch,
a safetensors checkpoint reloaded into a fresh model, and the memory profiler's findings.

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


def accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray, batch: int = 256) -> float:
    model.eval()
    correct = 0
    with tfl.no_grad():
        for i in range(0, len(x), batch):
            logits = model(tfl.from_numpy(x[i:i + batch]))
            correct += int((logits.argmax(axis=1).numpy() == y[i:i + batch]).sum())
    return correct / len(x)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--checkpoint", default=os.path.join(tempfile.gettempdir(), "digits_cnn.safetensors"))
    ap.add_argument("--quiet", action="store_true", help="no progress bars")
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

    tfl.memory.start()
    t0 = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        perm = rng.permutation(n_train)
        loss_sum, seen = 0.0, 0
        bar = tqdm(range(0, n_train, args.batch), desc="epoch %2d/%d" % (epoch, args.epochs), unit="batch",
                   leave=epoch == args.epochs or epoch % 5 == 0, disable=args.quiet, ncols=90)
        for b in bar:
            idx = perm[b:b + args.batch]
            xb, yb = tfl.from_numpy(x_train[idx]), tfl.from_numpy(y_train[idx])
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += float(loss) * len(idx)
            seen += len(idx)
            bar.set_postfix(loss="%.4f" % (loss_sum / seen), lr="%.2e" % opt.lr)
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

    if acc < 0.97 or acc_reloaded != acc:
        raise SystemExit("FAILED: accuracy %.4f (needs >= 0.97), reloaded %.4f (needs the same)" % (acc, acc_reloaded))


if __name__ == "__main__":
    main()
