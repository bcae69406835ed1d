// Benchmark of one optimizer step (Adam, SGD momentum) over 1M f32 parameters, 1 thread and the
// default pool. The plain loop below is built like any bench file (math errno on, no restrict), so
// it is scalar: it shows what the fused, vectorised kernel saves, not a memory-bandwidth floor.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "core/autograd/variable.h"
#include "core/ops/creation.h"
#include "core/ops/random.h"
#include "core/optim/adam.h"
#include "core/optim/sgd.h"
#include "core/thread_pool.h"

using namespace tfl;

namespace {
using Clock = std::chrono::steady_clock;

template <class F>
double median_ms(int reps, F&& f) {
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    auto t0 = Clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

// The same Adam arithmetic as a bare loop over std::vector: the memory-bound floor.
double plain_adam_ms(int64_t n) {
  std::vector<float> p(n, 0.5f), g(n, 0.1f), m(n), v(n);
  int step = 0;
  return median_ms(21, [&] {
    ++step;
    const float b1 = 0.9f, b2 = 0.999f, lr = 1e-3f, eps = 1e-8f;
    const float ss = lr / static_cast<float>(1 - std::pow(0.9, step));
    const float ib = static_cast<float>(1 / std::sqrt(1 - std::pow(0.999, step)));
    for (int64_t i = 0; i < n; ++i) {
      m[i] += (1 - b1) * (g[i] - m[i]);
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      p[i] -= ss * m[i] / (std::sqrt(v[i]) * ib + eps);
    }
  });
}
}  // namespace

int main() {
  const int64_t n = 1 << 20;
  const int threads = num_threads();
  for (int nt : {1, threads}) {
    set_num_threads(nt);
    Tensor p = full({n}, 0.5, DType::F32);
    autograd::set_requires_grad(p, true);
    autograd::set_grad(p, full({n}, 0.1, DType::F32));
    optim::Adam adam({p});
    adam.step();  // state allocation happens here, outside the timing
    const double adam_ms = median_ms(21, [&] { adam.step(); });
    Tensor q = full({n}, 0.5, DType::F32);
    autograd::set_requires_grad(q, true);
    autograd::set_grad(q, full({n}, 0.1, DType::F32));
    optim::SGD sgd({q}, optim::SGDOptions{0.01, 0.9});
    sgd.step();
    const double sgd_ms = median_ms(21, [&] { sgd.step(); });
    std::printf("threads %2d  Adam step, 1M f32 params: %.3f ms   SGD momentum step: %.3f ms\n", nt, adam_ms, sgd_ms);
  }
  set_num_threads(1);
  std::printf("scalar C loop Adam (1 thread): %.3f ms\n", plain_adam_ms(n));
  return 0;
}
