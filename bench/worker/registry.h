// Benchmark case registry of the C++ worker: each case sets up its data once, then runs one iteration.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tfl::bench {

// One prepared case. run() does one iteration of the timed work; the object owns its data, so
// destroying it frees the memory before the next case is set up.
struct Prepared {
  virtual ~Prepared() = default;
  virtual void run() = 0;
};

// A case: its name (shared with the Python references, see bench/cases.py) and a factory that
// allocates and warms its data. Setup code is not on the hot path, so std::function is fine here.
struct Case {
  std::string name;
  std::function<std::unique_ptr<Prepared>()> make;
};

// Prepared from a lambda holding its own state.
template <class F>
std::unique_ptr<Prepared> prepared(F f) {
  struct P : Prepared {
    explicit P(F g) : fn(std::move(g)) {}
    void run() override { fn(); }
    F fn;
  };
  return std::make_unique<P>(std::move(f));
}

// The cases of each library the worker can stand for.
std::vector<Case> tfl_cases();  // tenflowers through its C++ core
std::vector<Case> raw_cases();  // raw OpenBLAS, STREAM-style C loops, FMA peak

// Peak-memory mode: `steps` MLP training steps in this (fresh) process; the caller reads VmHWM.
void tfl_mlp_loop(int steps);

// Runs the FMA kernel for `iters` iterations (the timed body of the fma_peak case).
void fma_kernel(long iters);
// FLOPs done by fma_kernel(iters).
double fma_kernel_flops(long iters);

// Keeps a value alive so the compiler cannot drop the work that produced it.
void sink(float v);

}  // namespace tfl::bench
