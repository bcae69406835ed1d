#!/usr/bin/env python3
"""Files written by tenflowers load in the reference `safetensors` package, and the other way round.

Usage: check_safetensors_interop.py PATH_TO_tfl_safetensors_interop WORK_DIR
Fails when safetensors or numpy is missing: scripts/setup.sh installs them, so a missing package is a
broken set-up, not a reason to skip.
"""
import json
import os
import subprocess
import sys

try:
    import numpy as np
    import safetensors
    from safetensors import safe_open
    from safetensors.numpy import save_file
except ImportError as e:  # pragma: no cover
    print(f"FAILED: {e}; run scripts/setup.sh (it installs safetensors and numpy for {sys.executable})")
    sys.exit(1)


def bf16_bytes(values):
    # bf16 = the upper 16 bits of the f32 pattern (exact for these values), little-endian.
    u32 = np.array(values, dtype="<f4").view("<u4")
    return (u32 >> 16).astype("<u2").tobytes()


def main():
    prog, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    # --- tenflowers writes, the reference package reads ------------------------------------------------
    ours = os.path.join(work, "from_tenflowers.safetensors")
    subprocess.run([prog, "write", ours], check=True)
    expected = {
        "f32_t": np.array([[-1.0, -0.5, 0.0], [0.5, 1.0, 1.5]], dtype=np.float32).T,
        "f64": np.array([1.0, 0.5, 0.25, 0.125]),
        "f16": np.array([0.5, -1.25, 2.0], dtype=np.float16),
        "i32": np.array([[-3, -2, -1], [0, 1, 2]], dtype=np.int32),
        "i64": np.array([2**40, -1], dtype=np.int64),
        "u8": np.array([0, 255, 7], dtype=np.uint8),
        "bool": np.array([True, False, True]),
        "scalar": np.array(3.5, dtype=np.float32),
        "empty": np.zeros((0, 4), dtype=np.float32),
        "i8": np.array([-128, 0, 127], dtype=np.int8),
        "i16": np.array([-32768, 12345], dtype=np.int16),
        "u16": np.array([0, 65535], dtype=np.uint16),
        "u32": np.array([4294967295, 7], dtype=np.uint32),
        "u64": np.array([2**64 - 1, 2**63], dtype=np.uint64),
    }
    with safe_open(ours, framework="np") as f:
        check(f.metadata() == {"framework": "tenflowers", "note": "\u00fc"}, f"metadata {f.metadata()}")
        check(sorted(f.keys()) == sorted(list(expected) + ["bf16"]), f"keys {sorted(f.keys())}")
        for name, want in expected.items():
            got = f.get_tensor(name)
            check(got.dtype == want.dtype and got.shape == want.shape and np.array_equal(got, want),
                  f"{name}: got {got!r} ({got.dtype}, {got.shape}), want {want!r}")
    # bf16 has no numpy dtype: read the raw entry.
    with open(ours, "rb") as fh:
        raw = dict(safetensors.deserialize(fh.read()))
    check(raw["bf16"]["dtype"] in ("BF16", "bfloat16"), f"bf16 dtype {raw['bf16']['dtype']}")
    check(list(raw["bf16"]["shape"]) == [3], f"bf16 shape {raw['bf16']['shape']}")
    check(bytes(raw["bf16"]["data"]) == bf16_bytes([1.0, -0.5, 3.0]), "bf16 bytes")

    # --- the reference package writes, tenflowers reads ------------------------------------------------
    rng = np.random.default_rng(0)
    theirs = {
        "weight": rng.standard_normal((3, 5)).astype(np.float32),
        "bias": rng.standard_normal(5),
        "half": rng.standard_normal((2, 2)).astype(np.float16),
        "ids": rng.integers(-1000, 1000, size=(4,), dtype=np.int32),
        "steps": np.array(123456789012, dtype=np.int64),
        "pixels": rng.integers(0, 256, size=(2, 3), dtype=np.uint8),
        "mask": rng.integers(0, 2, size=(5,)).astype(bool),
        "nothing": np.zeros((2, 0), dtype=np.float64),
        "small": rng.integers(-128, 128, size=(3,), dtype=np.int8),
        "short": rng.integers(-32768, 32768, size=(2, 2), dtype=np.int16),
        "ushort": rng.integers(0, 65536, size=(3,), dtype=np.uint16),
        "uint": rng.integers(0, 2**32, size=(2,), dtype=np.uint32),
        "ulong": np.array([2**64 - 1, 12345], dtype=np.uint64),
    }
    meta = {"format": "np", "epoch": "7"}
    path_np = os.path.join(work, "from_reference.safetensors")
    save_file(theirs, path_np, metadata=meta)
    path_bf = os.path.join(work, "from_reference_bf16.safetensors")
    g_bits = np.frombuffer(bf16_bytes([0.5, -4.0]), dtype="<u2").copy()  # kept alive across the call
    safetensors.serialize_file(
        {"g": safetensors.TensorSpec(dtype="bfloat16", shape=[2], data_ptr=g_bits.ctypes.data, data_len=g_bits.nbytes)},
        path_bf)

    def dump(path):
        out = subprocess.run([prog, "dump", path], check=True, capture_output=True, text=True).stdout
        return json.loads(out)

    names = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.float16): "F16",
             np.dtype(np.int32): "I32", np.dtype(np.int64): "I64", np.dtype(np.uint8): "U8", np.dtype(bool): "BOOL",
             np.dtype(np.int8): "I8", np.dtype(np.int16): "I16", np.dtype(np.uint16): "U16",
             np.dtype(np.uint32): "U32", np.dtype(np.uint64): "U64"}
    d = dump(path_np)
    check(d["metadata"] == meta, f"metadata {d['metadata']}")
    got = {t["name"]: t for t in d["tensors"]}
    check(sorted(got) == sorted(theirs), f"names {sorted(got)}")
    for name, arr in theirs.items():
        t = got.get(name)
        if t is None:
            continue
        check(t["dtype"] == names[arr.dtype], f"{name}: dtype {t['dtype']}")
        check(t["shape"] == list(arr.shape), f"{name}: shape {t['shape']}")
        check(bytes.fromhex(t["hex"]) == np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes(),
              f"{name}: bytes differ")
    d = dump(path_bf)
    check(d["tensors"] == [{"name": "g", "dtype": "BF16", "shape": [2], "hex": bf16_bytes([0.5, -4.0]).hex()}],
          f"bf16 file: {d}")

    for f in failures:
        print("FAIL:", f)
    print(f"safetensors interop: {'FAILED' if failures else 'ok'} (safetensors {safetensors.__version__})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
