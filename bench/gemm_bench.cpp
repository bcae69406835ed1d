// SGEMM throughput: tfl::matmul against raw cblas_sgemm on the same OpenBLAS core, and against the
// core Debian's detection falls back to (Prescott), measured in a child process.
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/ops/creation.h"
#include "core/ops/linalg.h"
#include "kernels/cpu/blas.h"

namespace {

using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
constexpr int kRowMajor = 101, kNoTrans = 111;
const int kSizes[] = {256, 512, 1024, 2048};

int reps_for(int n) { return n <= 256 ? 41 : n <= 512 ? 15 : n <= 1024 ? 7 : 5; }

double gflops(int n, double seconds) { return 2.0 * n * n * static_cast<double>(n) / seconds * 1e-9; }

template <class F>
double seconds_of(F&& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// cblas_sgemm from the very library handle tenflowers loaded (RTLD_NOLOAD returns the loaded copy).
SgemmFn raw_sgemm() {
  const tfl::BlasInfo& info = tfl::blas_info();
  void* h = dlopen(info.library.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (!h) {
    std::fprintf(stderr, "cannot reopen %s: %s\n", info.library.c_str(), dlerror());
    std::exit(1);
  }
  auto fn = reinterpret_cast<SgemmFn>(dlsym(h, "cblas_sgemm"));
  if (!fn) {
    std::fprintf(stderr, "cblas_sgemm missing\n");
    std::exit(1);
  }
  return fn;
}

std::vector<float> random_matrix(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n) * n);
  for (float& x : v) x = d(rng);
  return v;
}

// Median seconds of raw C = A * B, n x n row-major.
double time_raw(SgemmFn sgemm, int n) {
  std::vector<float> a = random_matrix(n, 1), b = random_matrix(n, 2), c(static_cast<size_t>(n) * n);
  auto run = [&] { sgemm(kRowMajor, kNoTrans, kNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n); };
  run();
  std::vector<double> t;
  for (int r = 0; r < reps_for(n); ++r) t.push_back(seconds_of(run));
  return median(t);
}

// The child: raw SGEMM of size n under whatever OPENBLAS_CORETYPE the parent set; prints
// "core <name>" and "<n> <median seconds>".
int child_main(int n) {
  SgemmFn sgemm = raw_sgemm();
  std::printf("core %s\n", tfl::blas_info().core.c_str());
  std::printf("%d %.9f\n", n, time_raw(sgemm, n));
  return 0;
}

// Median seconds of an n x n raw SGEMM in a child process started with OPENBLAS_CORETYPE=coretype
// (OpenBLAS picks its core once, at load time, so another core needs another process); 0 on failure.
double run_child(const char* coretype, int n, std::string* core) {
  char self[4096];
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  if (len <= 0) return 0;
  self[len] = '\0';
  std::string cmd = std::string("OPENBLAS_CORETYPE=") + coretype + " '" + self + "' --child-raw " + std::to_string(n);
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return 0;
  double seconds = 0;
  char line[256];
  while (std::fgets(line, sizeof line, p)) {
    char name[128];
    int m;
    double sec;
    if (std::sscanf(line, "core %127s", name) == 1)
      *core = name;
    else if (std::sscanf(line, "%d %lf", &m, &sec) == 2 && m == n)
      seconds = sec;
  }
  pclose(p);
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 && std::strcmp(argv[1], "--child-raw") == 0) return child_main(std::atoi(argv[2]));
  const tfl::BlasInfo& info = tfl::blas_info();
  std::printf("OpenBLAS %s, core %s%s, %d threads\n%s\n", info.library.c_str(), info.core.c_str(),
              info.core_forced_by_user ? " (forced by OPENBLAS_CORETYPE)" : "", info.threads, info.config.c_str());
  SgemmFn sgemm = raw_sgemm();
  std::printf("\nmedian GFLOP/s; 'default' is raw sgemm in a child process with OPENBLAS_CORETYPE=Prescott\n");
  std::printf("%6s %12s %12s %10s %12s %12s\n", "n", "tfl::matmul", "raw sgemm", "tfl/raw", "default", "tfl/default");
  std::string core;
  for (int n : kSizes) {
    std::vector<float> av = random_matrix(n, 1), bv = random_matrix(n, 2);
    tfl::Tensor a = tfl::from_buffer(av.data(), av.size() * sizeof(float), tfl::Shape{n, n}, tfl::DType::F32);
    tfl::Tensor b = tfl::from_buffer(bv.data(), bv.size() * sizeof(float), tfl::Shape{n, n}, tfl::DType::F32);
    std::vector<float> c(static_cast<size_t>(n) * n);
    auto raw = [&] {
      sgemm(kRowMajor, kNoTrans, kNoTrans, n, n, n, 1.0f, av.data(), n, bv.data(), n, 0.0f, c.data(), n);
    };
    auto ours = [&] { tfl::Tensor r = tfl::matmul(a, b); };
    raw();
    ours();
    // Interleaved, with the child's run in the middle, so that all three see the same machine load.
    std::vector<double> tr, to;
    auto sample = [&](int reps) {
      for (int r = 0; r < reps; ++r) {
        tr.push_back(seconds_of(raw));
        to.push_back(seconds_of(ours));
      }
    };
    sample((reps_for(n) + 1) / 2);
    const double t_default = run_child("Prescott", n, &core);
    sample(reps_for(n) / 2);
    const double g_ours = gflops(n, median(to)), g_raw = gflops(n, median(tr));
    const double g_default = t_default > 0 ? gflops(n, t_default) : 0;
    std::printf("%6d %12.1f %12.1f %10.3f %12.1f %11.2fx\n", n, g_ours, g_raw, g_ours / g_raw, g_default,
                g_default > 0 ? g_ours / g_default : 0.0);
    std::fflush(stdout);
  }
  std::printf("core reported by the child: %s\n", core.empty() ? "(child failed)" : core.c_str());
  return core.empty() ? 1 : 0;
}
