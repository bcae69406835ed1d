#!/usr/bin/env python3
"""Runs the benchmark suite: starts one worker process per (library, thread count), then for every case
alternates single samples of tenflowers and each reference (A B C A B C ...), so that all see the same
machine load, and reports the median, the spread (interquartile range / median) and the median of the
paired ratios time(tenflowers) / time(reference). Standard library only (the references run in the
venv's Python). See bench/README.md.

  driver.py [--quick] [--reps N] [--only REGEX] [--json OUT] [--text OUT]
            [--check BASELINE [--factor F]] [--write-baseline OUT]
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases as C  # noqa: E402


class Worker:
    """One worker process speaking the line protocol."""

    def __init__(self, name, cmd, env):
        self.name, self.cmd = name, cmd
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env, bufsize=1)
        line = self.proc.stdout.readline()
        if not line.startswith("ready "):
            err = self.proc.stderr.read().strip().splitlines()
            self.proc.kill()
            raise RuntimeError((err[-1] if err else line.strip()) or "exited before ready")
        self.info = json.loads(line[6:])

    def ask(self, cmd):
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read().strip().splitlines()
            raise RuntimeError("worker died: " + (err[-1] if err else "no output"))
        return line.strip()

    def close(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


class Suite:
    def __init__(self, args):
        self.args = args
        self.workers, self.unavailable = {}, {}
        self.python = args.python

    def tfl_python(self):
        """The interpreter for the tenflowers package: the references' venv when it has cffi (so both sides
        run the same Python), else the driver's own."""
        for py in (self.python, sys.executable):
            if py and subprocess.run([py, "-c", "import cffi, numpy"], capture_output=True).returncode == 0:
                return py
        raise RuntimeError("no Python with cffi and numpy for the tenflowers package (pip install cffi numpy)")

    def env(self, threads, extra=None):
        e = dict(os.environ)
        # The package from the source tree against this build's library.
        root = os.path.dirname(HERE)
        e["PYTHONPATH"] = os.path.join(root, "python") + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
        e["TENFLOWERS_LIBRARY"] = os.path.join(os.path.abspath(self.args.build), "libtenflowers.so")
        for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            e[k] = str(threads)
        e.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        e.update(extra or {})
        return e

    def command(self, lib, threads):
        suite = os.path.join(self.args.build, "bench", "suite")
        if lib in ("tfl", "raw"):
            return [os.path.join(suite, "tfl_bench_worker"), "--lib", lib, "--threads", str(threads)], {}
        if lib == "capi":
            return [os.path.join(suite, "tfl_bench_capi_worker"), "--threads", str(threads)], {}
        if lib == "tfl-py":
            return [self.tfl_python(), os.path.join(HERE, "ref_worker.py"), "--lib", lib, "--threads", str(threads)], {}
        if self.python is None:
            raise RuntimeError("no reference venv (run bench/setup_refs.sh)")
        base = lib.split("-")[0]
        extra = {}
        if lib == "torch-ob":
            torch = self.worker("torch", threads)
            if "open" not in torch.info.get("blas_build", "").lower():
                raise RuntimeError(f"torch is not built on OpenBLAS ({torch.info.get('blas_build')}): "
                                   "OPENBLAS_CORETYPE does not apply")
            extra["OPENBLAS_CORETYPE"] = self.worker("tfl", 1).info["blas"]["core"]
        return [self.python, os.path.join(HERE, "ref_worker.py"), "--lib", base, "--threads", str(threads)], extra

    def worker(self, lib, threads):
        key = (lib, threads)
        if key in self.unavailable:
            raise RuntimeError(self.unavailable[key])
        if key not in self.workers:
            try:
                cmd, extra = self.command(lib, threads)
                self.workers[key] = Worker(f"{lib}@{threads}", cmd, self.env(threads, extra))
            except Exception as e:
                self.unavailable[key] = str(e)
                print(f"  [skip] {lib} ({threads} thread(s)): {e}", flush=True)
                raise
        return self.workers[key]

    def close(self):
        for w in self.workers.values():
            w.close()


def quantiles(xs):
    s = sorted(xs)
    q = lambda p: s[min(len(s) - 1, max(0, round(p * (len(s) - 1))))]
    return statistics.median(s), q(0.25), q(0.75)


def run_case(suite, case, threads, reps, target):
    """Alternating samples of tenflowers and its references; one result row per reference."""
    names = [case["tfl"]] + [r for r in case["refs"] if not suite.args.quick or r == "raw"]
    parts = []
    for lib in names:
        try:
            w = suite.worker(lib, threads)
        except Exception:
            continue
        reply = w.ask(f"setup {case['id']} {target}")
        if reply.startswith("ok"):
            parts.append((lib, w))
        elif lib == case["tfl"]:
            print(f"  [fail] {case['id']}: tenflowers: {reply}", flush=True)
            return []
        elif not reply.startswith("skip"):
            print(f"  [skip] {case['id']} {lib}: {reply}", flush=True)
    if len(parts) < 2:
        return []
    times = {lib: [] for lib, _ in parts}
    for r in range(reps):
        order = parts[r % len(parts):] + parts[:r % len(parts)]  # rotate who goes first
        for lib, w in order:
            reply = w.ask("sample")
            try:
                times[lib].append(float(reply))
            except ValueError:
                print(f"  [error] {case['id']} {lib}: {reply}", flush=True)
                return []
    for _, w in parts:
        w.ask("teardown")
    tfl = case["tfl"]
    med_t, lo_t, hi_t = quantiles(times[tfl])
    rows = []
    for lib, _ in parts[1:]:
        med_r, lo_r, hi_r = quantiles(times[lib])
        paired = [a / b for a, b in zip(times[tfl], times[lib])]
        rows.append(dict(case=case["id"], title=case["title"], threads=threads, tfl=tfl, ref=lib,
                         tfl_s=med_t, tfl_spread=(hi_t - lo_t) / med_t, ref_s=med_r, ref_spread=(hi_r - lo_r) / med_r,
                         ratio=statistics.median(paired), ratio_of_medians=med_t / med_r, reps=reps,
                         work=case["work"]))
    return rows


def fresh_process(cmd, env, key):
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    for line in out.stdout.splitlines():
        if line.startswith(key + " "):
            return float(line.split()[1])
    raise RuntimeError((out.stderr.strip().splitlines() or ["no output"])[-1])


def whole_process_rows(suite, rounds):
    """Peak RSS of 30 MLP steps and import / load time, each in fresh processes, alternated."""
    rows = []
    build = suite.args.build
    worker = os.path.join(build, "bench", "suite", "tfl_bench_worker")
    py = suite.python
    specs = {"peak_rss_mlp": {"tfl": [worker, "--peak-mlp", "30"]},
             "import_time": {"tfl": [py or sys.executable, os.path.join(HERE, "ref_worker.py"), "--lib", "tfl-lib",
                                     "--import-time", os.path.join(build, "libtenflowers.so")]},
             "import_time_py": {}}
    try:
        specs["import_time_py"]["tfl"] = [suite.tfl_python(), os.path.join(HERE, "ref_worker.py"), "--lib", "tenflowers",
                                          "--import-time"]
    except RuntimeError as e:
        print(f"  [skip] import_time_py: {e}", flush=True)
    if py:
        for lib in ("torch", "tf"):
            specs["peak_rss_mlp"][lib] = [py, os.path.join(HERE, "ref_worker.py"), "--lib", lib, "--peak-mlp", "30"]
        for lib in ("numpy", "torch", "tf"):
            specs["import_time"][lib] = [py, os.path.join(HERE, "ref_worker.py"), "--lib", lib, "--import-time"]
            if specs["import_time_py"]:
                specs["import_time_py"][lib] = specs["import_time"][lib]
    for cid, libs in specs.items():
        key = "peak_rss_kib" if cid == "peak_rss_mlp" else "import_s"
        vals = {lib: [] for lib in libs}
        for _ in range(rounds):
            for lib, cmd in libs.items():
                if vals.get(lib) is None:
                    continue
                try:
                    vals[lib].append(fresh_process(cmd, suite.env(1), key))
                except Exception as e:
                    print(f"  [skip] {cid} {lib}: {e}", flush=True)
                    vals[lib] = None
        if not vals.get("tfl"):
            continue
        t = statistics.median(vals["tfl"])
        for lib, v in vals.items():
            if lib == "tfl" or not v:
                continue
            m = statistics.median(v)
            unit = "KiB" if key == "peak_rss_kib" else "s"
            title = {"peak_rss_mlp": "peak RSS, 30 MLP steps, fresh process",
                     "import_time": "import (tenflowers: dlopen of libtenflowers.so)",
                     "import_time_py": "import (tenflowers: import tenflowers, the Python package)"}[cid]
            rows.append(dict(case=cid, title=title, threads=1, tfl="tfl", ref=lib, tfl_s=t, ref_s=m, unit=unit,
                             tfl_spread=0.0, ref_spread=0.0, ratio=t / m, ratio_of_medians=t / m, reps=rounds, work=None))
    return rows


def extra_column(row, peak):
    work = row.get("work")
    if not work:
        return ""
    kind, amount = work
    if kind == "flop":
        g_t, g_r = amount / row["tfl_s"] * 1e-9, amount / row["ref_s"] * 1e-9
        s = f"{g_t:.1f} vs {g_r:.1f} GFLOP/s"
        if peak:
            s += f", tfl {100 * g_t / (peak * row['threads']):.0f}% of FMA peak"
        return s
    g_t, g_r = amount / row["tfl_s"] * 1e-9, amount / row["ref_s"] * 1e-9
    s = f"{g_t:.2f} vs {g_r:.2f} GB/s"
    if row["ref"] == "raw":
        s += f", tfl {100 * g_t / g_r:.0f}% of the C loop"
    return s


def fmt_time(row):
    if row.get("unit") == "KiB":
        return f"{row['tfl_s'] / 1024:.1f} MiB", f"{row['ref_s'] / 1024:.1f} MiB"
    def f(s):
        return f"{s * 1e6:.2f} us" if s < 1e-3 else f"{s * 1e3:.3f} ms" if s < 1 else f"{s:.3f} s"
    return (f(row["tfl_s"]) + f" ±{50 * row['tfl_spread']:.0f}%", f(row["ref_s"]) + f" ±{50 * row['ref_spread']:.0f}%")


def machine_info():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except Exception:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(),
            "load_avg": os.getloadavg() if hasattr(os, "getloadavg") else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(os.path.dirname(HERE), "build"))
    ap.add_argument("--python", default=None, help="the references' Python (default: build/bench-venv)")
    ap.add_argument("--quick", action="store_true", help="regression mode: few cases, against raw only")
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--target", type=float, default=None, help="seconds per sample")
    ap.add_argument("--only", default=None, help="regex over case ids")
    ap.add_argument("--json", default=None)
    ap.add_argument("--text", default=None)
    ap.add_argument("--check", default=None, help="baseline JSON: fail when a ratio is --factor times worse")
    ap.add_argument("--factor", type=float, default=2.0)
    ap.add_argument("--write-baseline", default=None)
    a = ap.parse_args()
    if a.python is None and not a.quick:
        venv_py = os.path.join(a.build, "bench-venv", "bin", "python")
        a.python = venv_py if os.path.exists(venv_py) else None
    reps = a.reps or 7
    target = a.target or (0.01 if a.quick else 0.1)
    suite = Suite(a)
    started = time.time()
    rows, peak = [], None
    print(f"tenflowers benchmark suite: {'quick (regression) mode, ' if a.quick else ''}{reps} alternating samples per case, "
          f"~{target}s each", flush=True)
    if not a.python and not a.quick:
        print("  [skip] numpy, torch, tf: no reference venv (run bench/setup_refs.sh)")
    try:
        if not a.quick:
            raw = suite.worker("raw", 1)
            raw.ask(f"setup fma_peak {target}")
            peak = 2.0 * 8 * 12 * (1 << 20) / min(float(raw.ask("sample")) for _ in range(reps)) * 1e-9
            raw.ask("teardown")
            print(f"  measured FMA peak (1 core, AVX2): {peak:.1f} GFLOP/s", flush=True)
        for case in C.CASES:
            if a.quick and not case["quick"]:
                continue
            if a.only and not re.search(a.only, case["id"]):
                continue
            for th in case["threads"]:
                if a.quick and th != 1:
                    continue
                got = run_case(suite, case, th, reps, target)
                for r in got:
                    r["extra"] = extra_column(r, peak)
                    print(f"  {r['case']:<16} {th}t vs {r['ref']:<9} ratio {r['ratio']:7.3f}   {r['extra']}", flush=True)
                rows += got
        if not a.quick and not a.only:
            rows += whole_process_rows(suite, 3)
    finally:
        suite.close()
    libs = {f"{k[0]}@{k[1]}": w.info for k, w in suite.workers.items()}
    result = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "machine": machine_info(),
              "fma_peak_gflops_1core": peak, "reps": reps, "quick": a.quick, "libraries": libs,
              "unavailable": {f"{k[0]}@{k[1]}": v for k, v in suite.unavailable.items()},
              "pending": [p for p in [C.PYTHON_TFL_PENDING] if p], "seconds": time.time() - started, "rows": rows}
    text = render(result)
    print(text)
    if a.json:
        os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)
    if a.text:
        with open(a.text, "w") as f:
            f.write(text)
    if a.write_baseline:
        with open(a.write_baseline, "w") as f:
            json.dump({"factor_note": "time ratios tenflowers/reference from driver.py --quick",
                       "ratios": {f"{r['case']}@{r['threads']}:{r['ref']}": round(r["ratio"], 4) for r in rows}},
                      f, indent=1, sort_keys=True)
    if a.check:
        return check(rows, a.check, a.factor, lambda cid: retry(a, cid, reps, target))
    return 0


def retry(a, cid, reps, target):
    """Measures one quick case again in fresh workers (a loaded machine can spoil one measurement)."""
    suite = Suite(a)
    try:
        case = next(c for c in C.CASES if c["id"] == cid)
        return run_case(suite, case, 1, reps, target)
    finally:
        suite.close()


def render(res):
    lines = [f"date {res['date']}; machine {res['machine']['cpu']}, {res['machine']['cores']} cores, "
             f"load average {res['machine']['load_avg']}"]
    if res["fma_peak_gflops_1core"]:
        lines.append(f"measured FMA peak: {res['fma_peak_gflops_1core']:.1f} GFLOP/s per core (AVX2 kernel)")
    for k, info in sorted(res["libraries"].items()):
        lines.append(f"  {k}: {json.dumps(info)}")
    for k, v in sorted(res["unavailable"].items()):
        lines.append(f"  {k}: unavailable: {v}")
    for p in res["pending"]:
        lines.append(f"  pending: {p}")
    lines.append("ratio = time(tenflowers) / time(reference), median of paired alternating samples; < 1: tenflowers faster")
    hdr = f"| {'case':<62} | thr | {'reference':<9} | {'tenflowers':>17} | {'reference':>17} | {'ratio':>6} | notes |"
    lines += ["", hdr, "| --- | --: | --- | --: | --: | --: | --- |"]
    for r in res["rows"]:
        t, ref = fmt_time(r)
        tgt = C.TARGETS.get((r["case"], r["ref"]))
        note = r.get("extra", "")
        if tgt is not None:
            note += f"{'; ' if note else ''}target <= {tgt:.2f}: {'met' if r['ratio'] <= tgt else 'MISSED'}"
        lines.append(f"| {r['title'][:62]:<62} | {r['threads']:>3} | {r['ref']:<9} | {t:>17} | {ref:>17} | "
                     f"{r['ratio']:6.3f} | {note} |")
    lines.append(f"\n(suite ran {res['seconds']:.0f} s)")
    return "\n".join(lines) + "\n"


def check(rows, path, factor, remeasure):
    """Fails a ratio only when it is `factor` times the committed one in the first run and in two
    re-measurements (noise on a shared machine moves ratios by tens of percent, not 2x three times)."""
    with open(path) as f:
        base = json.load(f)["ratios"]
    failed = 0
    for r in rows:
        key = f"{r['case']}@{r['threads']}:{r['ref']}"
        if key not in base:
            print(f"regression check: {key}: no baseline, ratio {r['ratio']:.3f}")
            continue
        for _ in range(2):
            if r["ratio"] <= factor * base[key]:
                break
            print(f"regression check: {key}: ratio {r['ratio']:.3f} over the limit, measuring again")
            again = [x for x in remeasure(r["case"]) if x["ref"] == r["ref"]]
            if again:
                r = min([r] + again, key=lambda x: x["ratio"])
        bad = r["ratio"] > factor * base[key]
        failed += bad
        print(f"regression check: {key}: ratio {r['ratio']:.3f}, baseline {base[key]:.3f}, limit {factor * base[key]:.3f}: "
              f"{'REGRESSED' if bad else 'ok'}")
    missing = set(base) - {f"{r['case']}@{r['threads']}:{r['ref']}" for r in rows}
    for k in sorted(missing):
        print(f"regression check: {k}: in the baseline but not measured")
        failed += 1
    print(f"regression check: {len(rows) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
