// Benchmark of conv2d forward + backward (input, weight and bias gradients) through autograd:
// a batch of 32x3x32x32 f32 with 16 3x3 filters (padding 1), forward alone and forward + backward.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/ops/nn.h"
#include "core/ops/random.h"
#include "core/ops/reduce.h"
#include "core/thread_pool.h"

using namespace tfl;

namespace {
using Clock = std::chrono::steady_clock;

template <class F>
double median_seconds(int reps, F&& f) {
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    auto t0 = Clock::now();
    f();
    t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}
}  // namespace

int main() {
  Tensor x = randn(Shape{32, 3, 32, 32});
  Tensor w = randn(Shape{16, 3, 3, 3});
  Tensor b = randn(Shape{16});
  autograd::set_requires_grad(x, true);
  autograd::set_requires_grad(w, true);
  autograd::set_requires_grad(b, true);
  const int reps = 21;
  double t_fwd = median_seconds(reps, [&] {
    autograd::NoGradGuard ng;
    Tensor y = conv2d(x, w, b, {1, 1}, {1, 1});
  });
  double t_all = median_seconds(reps, [&] {
    Tensor y = conv2d(x, w, b, {1, 1}, {1, 1});
    std::vector<Tensor> g = autograd::grad({sum(y)}, {x, w, b});
  });
  std::printf("conv_backward_bench: threads=%d, x 32x3x32x32 f32, w 16x3x3x3, padding 1, median of %d\n",
              num_threads(), reps);
  std::printf("  forward           %8.3f ms\n", t_fwd * 1e3);
  std::printf("  forward+backward  %8.3f ms (backward ~%.3f ms)\n", t_all * 1e3, (t_all - t_fwd) * 1e3);
  return 0;
}
