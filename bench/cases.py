"""The benchmark cases of the suite: which worker stands for tenflowers, which references run against
it, at which thread counts, and what throughput a time converts to. Shared by driver.py and plot.py."""

GEMM_SIZES = (128, 256, 512, 1024, 2048)
N16M = 1 << 24

# tfl: the worker that stands for tenflowers ("tfl" = C++ core, "capi" = the C ABI from C).
# refs: reference workers: "raw" (OpenBLAS's cblas_sgemm on tenflowers' core, STREAM-style C loops,
# the MLP's GEMMs alone), "numpy", "torch", "torch-ob" (torch with OPENBLAS_CORETYPE forced, only
# when torch is built on OpenBLAS), "tf". A reference that does not implement a case is skipped.
# work: ("flop", n) or ("byte", n) per iteration, for GFLOP/s and GB/s columns.
# quick: part of the regression mode (ctest), which compares only against "raw" (always available).
CASES = []


def case(cid, title, refs, threads=(1,), tfl="tfl", work=None, quick=False):
    CASES.append(dict(id=cid, title=title, refs=list(refs), threads=list(threads), tfl=tfl, work=work, quick=quick))


for n in GEMM_SIZES:
    case(f"sgemm_{n}", f"SGEMM {n}x{n}x{n}", ["raw", "numpy", "torch", "tf"],
         threads=(1, 2) if n in (1024,) else (1,), work=("flop", 2.0 * n ** 3), quick=n in (256, 512))
case("add_16m", "add 16M f32 (fresh output) vs STREAM add", ["raw", "numpy", "torch", "tf"], threads=(1, 2),
     work=("byte", 12.0 * N16M), quick=True)
case("chain_16m", "relu(a*b+c) 16M f32 vs one fused C loop", ["raw", "numpy", "torch", "tf"],
     work=("byte", 16.0 * N16M), quick=True)
case("sum_16m", "sum 16M f32", ["raw", "numpy", "torch", "tf"], work=("byte", 4.0 * N16M), quick=True)
case("softmax_16m", "softmax 16M f32", ["numpy", "torch", "tf"], work=("byte", 8.0 * N16M))
case("logsumexp_16m", "logsumexp 16M f32", ["numpy", "torch", "tf"], work=("byte", 4.0 * N16M))
case("conv_digits", "conv2d fwd+bwd 128x1x8x8, 16 3x3 filters", ["torch", "tf"])
case("conv_cifar", "conv2d fwd+bwd 32x3x32x32, 16 3x3 filters", ["torch", "tf"])
case("mlp_step", "MLP 784-512-512-10 train step, batch 128, SGD m=0.9", ["raw", "torch", "torch-ob", "tf"],
     threads=(1, 2), quick=True)
case("cnn_step", "digits CNN train step, batch 64", ["torch", "tf"])
case("mamba_step", "Mamba block (d_model 64) train step, 8x64x64", ["torch"])
for g in ("", "_ag"):
    what = " with autograd" if g else ""
    case(f"op_add1{g}", f"per-op: add, 1 element{what} (C ABI)", ["numpy", "torch", "tf"] if not g else ["torch"], tfl="capi")
    case(f"op_relu100{g}", f"per-op: relu, 100 elements{what} (C ABI)", ["numpy", "torch", "tf"] if not g else ["torch"], tfl="capi")
    case(f"op_matmul4{g}", f"per-op: matmul 4x4{what} (C ABI)", ["numpy", "torch", "tf"] if not g else ["torch"], tfl="capi")
case("tiny_graph", "relu(a*b+a).sum() fwd+bwd, 100 elements (C ABI)", ["torch", "tf"], tfl="capi")

# The same per-op cases from Python: "tfl-py" is ref_worker.py --lib tfl-py (the tenflowers package on cffi),
# in the references' venv when it has cffi, else in the driver's own Python. Reference workers serve a
# py_<id> case with their <id> case (they are Python already).
for g in ("", "_ag"):
    what = " with autograd" if g else ""
    refs = ["numpy", "torch"] if not g else ["torch"]
    case(f"py_add1{g}", f"per-op from Python: add, 1 element{what}", refs, tfl="tfl-py")
    case(f"py_relu100{g}", f"per-op from Python: relu, 100 elements{what}", refs, tfl="tfl-py")
    case(f"py_matmul4{g}", f"per-op from Python: matmul 4x4{what}", refs, tfl="tfl-py")
case("py_tiny_graph", "relu(a*b+a).sum() fwd+bwd, 100 elements, from Python", ["torch", "tf"], tfl="tfl-py")
PYTHON_TFL_PENDING = None

# What a ratio means: time(tenflowers) / time(reference); below 1 tenflowers is faster.
TARGETS = {  # issue 7's targets, as time ratios (tfl / ref)
    ("sgemm_1024", "raw"): 1 / 0.95, ("sgemm_2048", "raw"): 1 / 0.95,
    ("add_16m", "raw"): 1 / 0.9,
    ("tiny_graph", "torch"): 0.35, ("py_tiny_graph", "torch"): 0.35,
    ("py_add1", "torch"): 0.5, ("py_add1_ag", "torch"): 0.5,
    ("mlp_step", "torch"): 1.0, ("mlp_step", "tf"): 1.0,
}
