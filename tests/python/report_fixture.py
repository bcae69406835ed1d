# A report built from known inputs (shared by the HTML test and the headless-Chromium screenshot test):
# a progress tracker fed by hand, a gradient-flow dict, an op-profiler dict in the profiler's JSON shape,
# a memory snapshot dict and metrics with a confusion matrix.
import math

from tenflowers.diagnostics import ProgressTracker, svg

LAYERS = ["features.0", "features.2", "hidden", "out"]


def build_inputs():
    clock = [0.0]
    p = ProgressTracker(clock=lambda: clock[0])
    step = 0
    for epoch in range(1, 6):
        p.start_epoch()
        for _ in range(20):
            clock[0] += 0.01
            p.log_step(loss=2.5 * math.exp(-step / 30.0) + 0.05, n=32)
            step += 1
        p.end_epoch(accuracy=0.5 + 0.09 * epoch, val_loss=1.5 / epoch)
    steps = list(range(100))
    grad = {
        "steps": steps, "layers": LAYERS,
        # the largest norm (10) is in 'out', the smallest (1e-6) in 'features.0'
        "grad_norms": {"features.0": [1e-6] * 100, "features.2": [1e-3] * 100, "hidden": [0.1] * 100,
                       "out": [10.0] * 100},
        "findings": [{"kind": "vanishing", "layer": "features.0", "step": 2, "value": 1e-6,
                      "message": "vanishing gradients in layer 'features.0': gradient norm 1e-06 is tiny"}],
        "summary": [{"layer": l, "last": 1.0, "mean": 1.0, "min": 1.0, "max": 1.0, "weight_norm": 2.0,
                     "update_ratio": 0.001} for l in LAYERS],
    }
    profiler = {
        "ops": [{"name": "matmul", "calls": 300, "total_ns": 9.0e8, "self_ns": 8.5e8, "category": "blas"},
                {"name": "conv2d", "calls": 200, "total_ns": 6.0e8, "self_ns": 5.0e8, "category": "blas"},
                {"name": "add", "calls": 900, "total_ns": 2.0e8, "self_ns": 2.0e8, "category": "elementwise"},
                {"name": "relu", "calls": 400, "total_ns": 1.0e8, "self_ns": 1.0e8, "category": "elementwise"},
                {"name": "sum", "calls": 100, "total_ns": 0.5e8, "self_ns": 0.5e8, "category": "reduction"}],
        "modules": [{"path": "features.0", "calls": 100, "total_ns": 7.0e8},
                    {"path": "hidden", "calls": 100, "total_ns": 3.0e8}],
        "categories": {"blas": 1.35e9, "elementwise": 3.0e8, "reduction": 0.5e8, "overhead": 1.0e8},
        "slowest": ["matmul", "conv2d", "add"],
        "bottleneck": "Bottleneck: 'matmul' (blas) takes 47.2% of the op time",
    }
    timeline = []
    live = 0
    for i in range(200):
        live += 4096 * (3 if i % 4 else -5) + 1024
        timeline.append({"t_ns": i * 100000, "live_bytes": max(live, 0), "cached_bytes": 8192 * (i % 7)})
    memory = {"timeline": timeline, "recording": {"peak_bytes": max(e["live_bytes"] for e in timeline),
                                                  "peak_op": "matmul", "peak_module": "hidden"},
              "findings": ["peak 1.2 MiB reached in matmul (module hidden)"]}
    cm = [[50, 2, 0], [3, 45, 1], [0, 4, 60]]
    metrics = {"accuracy": 155 / 165, "top3_accuracy": 1.0, "confusion_matrix": cm, "class_names": ["a", "b", "c"],
               "per_class": {"precision": [50 / 53, 45 / 51, 60 / 61], "recall": [50 / 52, 45 / 49, 60 / 64],
                             "f1": [0.95, 0.90, 0.95]}}
    return p, grad, profiler, memory, metrics


# The colour each plot draws its data in (the screenshot test looks for these exact pixels).
PLOT_COLORS = {
    "plot-loss": svg.LOSS_COLOR,
    "plot-metrics": svg.METRIC_COLORS[0],
    "plot-gradflow": svg.RAMP[-1],  # the largest gradient norm ('out') is drawn in the ramp's last colour
    "plot-ops": svg.CATEGORY_COLORS["blas"],
    "plot-memory": svg.MEMORY_LIVE_COLOR,
}
