// Benchmark of the selective scan (Mamba S6) forward and backward, f32, B=8 L=256 D=128 N=16, against a
// plain scalar loop of the forward recurrence in the same run.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <vector>

#include "core/autograd/engine.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/random.h"
#include "core/ops/ssm.h"
#include "core/thread_pool.h"

using namespace tfl;

namespace {

using Clock = std::chrono::steady_clock;

// Median wall time and median CPU time of the calling thread (on a loaded machine wall time also counts
// time spent descheduled; with 1 thread the CPU time is the cost of the code).
template <class F>
std::pair<double, double> median_seconds(int reps, F&& f) {
  std::vector<double> wall, cpu;
  for (int r = 0; r < reps; ++r) {
    timespec c0, c1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    auto t0 = Clock::now();
    f();
    wall.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
    cpu.push_back(static_cast<double>(c1.tv_sec - c0.tv_sec) + 1e-9 * static_cast<double>(c1.tv_nsec - c0.tv_nsec));
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

// The forward recurrence as a plain loop (std::exp, no buffers), the obvious scalar implementation.
__attribute__((noinline)) void naive_forward(const float* u, const float* delta, const float* A, const float* B,
                                             const float* C, const float* D, float* y, int64_t nb, int64_t len,
                                             int64_t dim, int64_t ns) {
  std::vector<float> h(static_cast<size_t>(ns));
  for (int64_t b = 0; b < nb; ++b)
    for (int64_t d = 0; d < dim; ++d) {
      std::fill(h.begin(), h.end(), 0.f);
      for (int64_t t = 0; t < len; ++t) {
        const int64_t i = (b * len + t) * dim + d;
        float acc = 0;
        for (int64_t n = 0; n < ns; ++n) {
          h[n] = std::exp(delta[i] * A[d * ns + n]) * h[n] + delta[i] * B[(b * len + t) * ns + n] * u[i];
          acc += C[(b * len + t) * ns + n] * h[n];
        }
        y[i] = acc + D[d] * u[i];
      }
    }
}

}  // namespace

int main() {
  const int64_t nb = 8, len = 256, dim = 128, ns = 16;
  const int reps = 11;
  Generator gen(1);
  Tensor u = randn({nb, len, dim}, DType::F32, &gen), delta = uniform({nb, len, dim}, 0.001, 0.1, DType::F32, &gen);
  Tensor A = uniform({dim, ns}, -16.0, -1.0, DType::F32, &gen), B = randn({nb, len, ns}, DType::F32, &gen),
         C = randn({nb, len, ns}, DType::F32, &gen), D = ones({dim});
  Tensor gy = randn({nb, len, dim}, DType::F32, &gen);
  const int threads = num_threads();
  std::printf("ssm_bench: selective_scan f32 B=%lld L=%lld D=%lld N=%lld, median of %d\n", static_cast<long long>(nb),
              static_cast<long long>(len), static_cast<long long>(dim), static_cast<long long>(ns), reps);
  for (int th : {1, threads}) {
    set_num_threads(th);
    auto fwd = median_seconds(reps, [&] { selective_scan(u, delta, A, B, C, D); });
    auto bwd = median_seconds(reps, [&] { selective_scan_backward(gy, u, delta, A, B, C, D); });
    // Forward + backward through autograd (what training pays).
    Tensor ug = u, dg = delta, ag = A, bg = B, cg = C, sg = D;
    for (Tensor* t : {&ug, &dg, &ag, &bg, &cg, &sg}) {
      *t = tfl::clone(*t);
      autograd::set_requires_grad(*t, true);
    }
    auto both = median_seconds(reps, [&] {
      Tensor y = selective_scan(ug, dg, ag, bg, cg, sg);
      autograd::grad({y}, {ug, dg, ag, bg, cg, sg}, {gy});
    });
    std::printf("  threads=%2d  wall: forward %7.2f ms  backward %7.2f ms  forward+backward (autograd) %7.2f ms\n", th,
                fwd.first * 1e3, bwd.first * 1e3, both.first * 1e3);
    if (th == 1)
      std::printf("              thread cpu: forward %7.2f ms  backward %7.2f ms  forward+backward (autograd) %7.2f ms\n",
                  fwd.second * 1e3, bwd.second * 1e3, both.second * 1e3);
  }
  set_num_threads(threads);
  Tensor y = empty({nb, len, dim});
  auto naive = median_seconds(3, [&] {
    naive_forward(u.data<float>(), delta.data<float>(), A.data<float>(), B.data<float>(), C.data<float>(),
                  D.data<float>(), y.data<float>(), nb, len, dim, ns);
  });
  std::printf("  plain scalar loop, forward only, 1 thread: %7.2f ms (thread cpu %7.2f ms)\n", naive.first * 1e3,
              naive.second * 1e3);
  return 0;
}
