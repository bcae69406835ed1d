"""Reference side of the benchmark cases: NumPy, PyTorch or TensorFlow, answering the driver's line
protocol (bench/README.md) one sample at a time. Shapes, models and optimizers mirror
bench/worker/cases_tfl.cpp exactly.

  ref_worker.py --lib numpy|torch|tf|tfl-py --threads N     protocol on stdin/stdout (tfl-py: tenflowers)
  ref_worker.py --lib torch|tf --threads 1 --peak-mlp STEPS    peak RSS of the MLP loop (fresh process)
  ref_worker.py --lib numpy|torch|tf|tenflowers|tfl-lib --import-time [PATH]   seconds to import (or dlopen PATH)
"""
import argparse
import json
import math
import os
import re
import sys
import time

N16M = 1 << 24


def peak_rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def blas_info():
    """The BLAS libraries loaded in this process, with OpenBLAS's core, from threadpoolctl."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return [{"error": "threadpoolctl not installed"}]
    out = []
    for i in threadpool_info():
        if i.get("user_api") != "blas":
            continue
        out.append({"api": i.get("internal_api"), "version": i.get("version"), "core": i.get("architecture"),
                    "threads": i.get("num_threads"), "library": os.path.basename(i.get("filepath", ""))})
    return out


# --- NumPy --------------------------------------------------------------------------------------------
def numpy_cases(np):
    rng = np.random.default_rng(0)

    def randn(*s):
        return rng.standard_normal(s, dtype=np.float32)

    def sgemm(n):
        a, b = randn(n, n), randn(n, n)
        return lambda: a @ b

    def full(v):
        return np.full(N16M, v, dtype=np.float32)

    def softmax(x):
        e = np.exp(x - x.max())
        return e / e.sum()

    def logsumexp(x):
        m = x.max()
        return np.log(np.exp(x - m).sum()) + m

    cases = {f"sgemm_{n}": (lambda n=n: sgemm(n)) for n in (128, 256, 512, 1024, 2048)}

    def add():
        a, b = full(1.5), full(2.25)
        return lambda: a + b

    def chain():
        a, b, c = full(1.5), full(-0.25), full(0.5)
        return lambda: np.maximum(a * b + c, 0)

    def red(fn):
        def make():
            x = rng.uniform(-1, 1, N16M).astype(np.float32)
            return lambda: fn(x)
        return make

    def tiny(shape, fn):
        def make():
            a, b = np.full(shape, 1.5, np.float32), np.full(shape, 0.5, np.float32)
            return lambda: fn(a, b)
        return make

    cases.update({"add_16m": add, "chain_16m": chain, "sum_16m": red(np.sum), "softmax_16m": red(softmax),
                  "logsumexp_16m": red(logsumexp), "op_add1": tiny((1,), np.add),
                  "op_relu100": tiny((100,), lambda a, b: np.maximum(a, 0)),
                  "op_matmul4": tiny((4, 4), np.matmul)})
    return cases


# --- PyTorch ------------------------------------------------------------------------------------------
def torch_cases(torch):
    nn, F = torch.nn, torch.nn.functional

    def randn(*s):
        return torch.randn(*s, dtype=torch.float32)

    def sgemm(n):
        a, b = randn(n, n), randn(n, n)
        return lambda: torch.matmul(a, b)

    def full(v):
        return torch.full((N16M,), v, dtype=torch.float32)

    def add():
        a, b = full(1.5), full(2.25)
        return lambda: a + b

    def chain():
        a, b, c = full(1.5), full(-0.25), full(0.5)
        return lambda: torch.relu(a * b + c)

    def red(fn):
        def make():
            x = torch.empty(N16M).uniform_(-1, 1)
            return lambda: fn(x)
        return make

    def conv(xs, ws):
        def make():
            x = randn(*xs).requires_grad_()
            w = randn(*ws).requires_grad_()
            b = randn(ws[0]).requires_grad_()

            def run():
                y = F.conv2d(x, w, b, padding=1)
                torch.autograd.grad(y.sum(), (x, w, b))
            return run
        return make

    def trainer(model, x, loss_fn):
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

        def run():
            opt.zero_grad()
            loss = loss_fn(model(x))
            loss.backward()
            opt.step()
        return run

    def mlp():
        model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
        x, y = randn(128, 784), torch.randint(0, 10, (128,))
        return trainer(model, x, lambda out: F.cross_entropy(out, y))

    def cnn():
        model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(128, 10))
        x, y = randn(64, 1, 8, 8), torch.randint(0, 10, (64,))
        return trainer(model, x, lambda out: F.cross_entropy(out, y))

    def mamba():
        model = MambaRef(torch, 64)
        return trainer(model, randn(8, 64, 64), lambda out: (out * out).mean())

    def tiny(shape, fn, grad):
        def make():
            a = torch.full(shape, 1.5).requires_grad_(grad)
            b = torch.full(shape, 0.5).requires_grad_(grad)
            return lambda: fn(a, b)
        return make

    def tiny_graph():
        a, b = randn(100).requires_grad_(), randn(100).requires_grad_()

        def run():
            torch.relu(a * b + a).sum().backward()
        return run

    cases = {f"sgemm_{n}": (lambda n=n: sgemm(n)) for n in (128, 256, 512, 1024, 2048)}
    cases.update({"add_16m": add, "chain_16m": chain, "sum_16m": red(torch.sum),
                  "softmax_16m": red(lambda x: torch.softmax(x, -1)), "logsumexp_16m": red(lambda x: torch.logsumexp(x, 0)),
                  "conv_digits": conv((128, 1, 8, 8), (16, 1, 3, 3)), "conv_cifar": conv((32, 3, 32, 32), (16, 3, 3, 3)),
                  "mlp_step": mlp, "cnn_step": cnn, "mamba_step": mamba, "tiny_graph": tiny_graph})
    for g in (False, True):
        suf = "_ag" if g else ""
        cases["op_add1" + suf] = tiny((1,), torch.add, g)
        cases["op_relu100" + suf] = tiny((100,), lambda a, b: torch.relu(a), g)
        cases["op_matmul4" + suf] = tiny((4, 4), torch.matmul, g)
    return cases


def MambaRef(torch, d_model, d_state=16, d_conv=4, expand=2):
    """The Mamba block in plain PyTorch, as mamba_ssm's mamba_simple.py with its reference selective scan
    (selective_scan_ref: a Python loop over the sequence), the same layout as tenflowers' nn::Mamba."""
    nn, F = torch.nn, torch.nn.functional
    d_inner, dt_rank = expand * d_model, math.ceil(d_model / 16)

    class Mamba(nn.Module):
        def __init__(self):
            super().__init__()
            self.A_log = nn.Parameter(torch.log(torch.arange(1, d_state + 1, dtype=torch.float32)).repeat(d_inner, 1))
            self.D = nn.Parameter(torch.ones(d_inner))
            self.in_proj = nn.Linear(d_model, 2 * d_inner, bias=False)
            self.conv1d = nn.Conv1d(d_inner, d_inner, d_conv, groups=d_inner, padding=d_conv - 1)
            self.x_proj = nn.Linear(d_inner, dt_rank + 2 * d_state, bias=False)
            self.dt_proj = nn.Linear(dt_rank, d_inner)
            self.out_proj = nn.Linear(d_inner, d_model, bias=False)

        def forward(self, u):
            L = u.shape[1]
            x, z = self.in_proj(u).chunk(2, dim=-1)
            x = F.silu(self.conv1d(x.transpose(1, 2))[..., :L]).transpose(1, 2)
            dt, Bm, Cm = self.x_proj(x).split([dt_rank, d_state, d_state], dim=-1)
            delta = F.softplus(self.dt_proj(dt))
            A = -torch.exp(self.A_log)
            dA = torch.exp(torch.einsum("bld,dn->bldn", delta, A))
            dBu = torch.einsum("bld,bln,bld->bldn", delta, Bm, x)
            h = x.new_zeros(x.shape[0], d_inner, d_state)
            ys = []
            for i in range(L):
                h = dA[:, i] * h + dBu[:, i]
                ys.append(torch.einsum("bdn,bn->bd", h, Cm[:, i]))
            y = torch.stack(ys, dim=1) + x * self.D
            return self.out_proj(y * F.silu(z))

    return Mamba()


# --- TensorFlow ---------------------------------------------------------------------------------------
def tf_cases(tf):
    def randn(*s):
        return tf.random.normal(s, dtype=tf.float32)

    def sgemm(n):
        a, b = randn(n, n), randn(n, n)
        return lambda: tf.linalg.matmul(a, b)

    def full(v):
        return tf.fill([N16M], tf.constant(v, tf.float32))

    def add():
        a, b = full(1.5), full(2.25)
        return lambda: a + b

    def chain():
        a, b, c = full(1.5), full(-0.25), full(0.5)
        return lambda: tf.nn.relu(a * b + c)

    def red(fn):
        def make():
            x = tf.random.uniform([N16M], -1, 1)
            return lambda: fn(x)
        return make

    def conv(xs, ws):
        # TensorFlow's CPU conv2d is NHWC / HWIO: the same arithmetic in its native layout.
        def make():
            n, c, h, w = xs
            x = tf.Variable(randn(n, h, w, c))
            k = tf.Variable(randn(3, 3, ws[1], ws[0]))
            b = tf.Variable(randn(ws[0]))

            @tf.function
            def step():
                with tf.GradientTape() as tape:
                    s = tf.reduce_sum(tf.nn.bias_add(tf.nn.conv2d(x, k, 1, "SAME"), b))
                return tape.gradient(s, [x, k, b])
            return step
        return make

    def trainer(layers, x, y):
        model = tf.keras.Sequential(layers)
        model.build(x.shape)
        opt = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
        loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

        @tf.function
        def step():
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables))
        return step

    def mlp():
        L = tf.keras.layers
        return trainer([L.Dense(512, activation="relu"), L.Dense(512, activation="relu"), L.Dense(10)],
                       randn(128, 784), tf.random.uniform([128], 0, 10, tf.int64))

    def cnn():
        L = tf.keras.layers
        return trainer([L.Conv2D(16, 3, padding="same", activation="relu"), L.MaxPool2D(2),
                        L.Conv2D(32, 3, padding="same", activation="relu"), L.MaxPool2D(2),
                        L.Flatten(), L.Dense(10)], randn(64, 8, 8, 1), tf.random.uniform([64], 0, 10, tf.int64))

    def tiny(shape, fn):
        def make():
            a, b = tf.fill(shape, 1.5), tf.fill(shape, 0.5)
            return lambda: fn(a, b)
        return make

    def tiny_graph():
        a, b = tf.Variable(randn(100)), tf.Variable(randn(100))

        def run():
            with tf.GradientTape() as tape:
                s = tf.reduce_sum(tf.nn.relu(a * b + a))
            tape.gradient(s, [a, b])
        return run

    cases = {f"sgemm_{n}": (lambda n=n: sgemm(n)) for n in (128, 256, 512, 1024, 2048)}
    cases.update({"add_16m": add, "chain_16m": chain, "sum_16m": red(tf.reduce_sum),
                  "softmax_16m": red(tf.nn.softmax), "logsumexp_16m": red(tf.reduce_logsumexp),
                  "conv_digits": conv((128, 1, 8, 8), (16, 1, 3, 3)), "conv_cifar": conv((32, 3, 32, 32), (16, 3, 3, 3)),
                  "mlp_step": mlp, "cnn_step": cnn, "tiny_graph": tiny_graph,
                  "op_add1": tiny([1], tf.add), "op_relu100": tiny([100], lambda a, b: tf.nn.relu(a)),
                  "op_matmul4": tiny([4, 4], tf.linalg.matmul)})
    return cases


# --- tenflowers from Python (the package on cffi) --------------------------------------------------
def tfl_py_cases(tfl):
    def tiny(shape, fn, grad):
        def make():
            a = tfl.full(shape, 1.5, dtype=tfl.float32, requires_grad=grad)
            b = tfl.full(shape, 0.5, dtype=tfl.float32, requires_grad=grad)
            return lambda: fn(a, b)
        return make

    def tiny_graph():
        rng = __import__("numpy").random.default_rng(0)
        a = tfl.tensor(rng.standard_normal(100, dtype="float32"), requires_grad=True)
        b = tfl.tensor(rng.standard_normal(100, dtype="float32"), requires_grad=True)

        def run():
            (a * b + a).relu().sum().backward()
        return run

    cases = {"py_tiny_graph": tiny_graph}
    for g in (False, True):
        suf = "_ag" if g else ""
        cases["py_add1" + suf] = tiny((1,), lambda a, b: a + b, g)
        cases["py_relu100" + suf] = tiny((100,), lambda a, b: a.relu(), g)
        cases["py_matmul4" + suf] = tiny((4, 4), lambda a, b: a @ b, g)
    return cases


# --- the worker ---------------------------------------------------------------------------------------
def load(lib, threads):
    """Imports the library with its thread count pinned; returns (cases, info)."""
    info = {"lib": lib, "threads": threads, "python": sys.version.split()[0]}
    if lib == "numpy":
        import numpy as np
        info["version"] = np.__version__
        cases = numpy_cases(np)
    elif lib == "torch":
        import torch
        torch.set_num_threads(threads)
        torch.set_num_interop_threads(1)
        info["version"] = torch.__version__
        cfg = torch.__config__.show()
        m = re.search(r"BLAS_INFO=(\w+)", cfg)
        info["blas_build"] = "BLAS_INFO=" + (m.group(1) if m else "?")
        info["mkldnn"] = torch.backends.mkldnn.is_available()
        cases = torch_cases(torch)
    elif lib == "tfl-py":
        import tenflowers as tfl
        tfl.set_num_threads(threads)
        info["version"] = tfl.__version__
        info["library"] = tfl._lib.library_path
        cases = tfl_py_cases(tfl)
    elif lib == "tf":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        info["version"] = tf.__version__
        info["onednn"] = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default")
        cases = tf_cases(tf)
    else:
        raise SystemExit(f"unknown --lib {lib}")
    info["blas"] = blas_info()
    return cases, info


def serve(cases, info):
    print("ready " + json.dumps(info), flush=True)
    run, inner = None, 1
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        try:
            if parts[0] == "setup":
                run = None
                name, target = parts[1], float(parts[2]) if len(parts) > 2 else 0.05
                if name not in cases and name.startswith("py_"):
                    # The Python-side cases: a Python reference runs its own case (py_add1 -> op_add1).
                    name = name[3:] if name[3:] in cases else "op_" + name[3:]
                if name not in cases:
                    print(f"skip not implemented by {info['lib']}", flush=True)
                    continue
                run = cases[name]()
                run()
                t0 = time.perf_counter()
                run()
                once = time.perf_counter() - t0
                inner = 1 if once >= target else max(1, int(target / max(once, 1e-9)))
                print(f"ok {inner}", flush=True)
            elif parts[0] == "sample":
                t0 = time.perf_counter()
                for _ in range(inner):
                    run()
                print(f"{(time.perf_counter() - t0) / inner:.9e}", flush=True)
            elif parts[0] == "teardown":
                run = None
                print("ok", flush=True)
            elif parts[0] == "quit":
                break
        except Exception as e:  # reported to the driver, which records the case as failed
            print("error " + f"{type(e).__name__}: {e}".replace("\n", " "), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--peak-mlp", type=int, default=0)
    ap.add_argument("--import-time", nargs="?", const="", default=None)
    a = ap.parse_args()
    if a.import_time is not None:
        t0 = time.perf_counter()
        if a.lib == "tfl-lib":
            import ctypes
            ctypes.CDLL(a.import_time)
        elif a.lib == "tf":
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
            import tensorflow  # noqa: F401
        else:
            __import__(a.lib)
        print(f"import_s {time.perf_counter() - t0:.6f}")
        return
    cases, info = load(a.lib, a.threads)
    if a.peak_mlp:
        step = cases["mlp_step"]()
        for _ in range(a.peak_mlp):
            step()
        print(f"peak_rss_kib {peak_rss_kib()}")
        return
    serve(cases, info)


if __name__ == "__main__":
    main()
