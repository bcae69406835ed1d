// Run-time loading of OpenBLAS with the right kernel family.
#include "kernels/cpu/blas.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <thread>

#include "core/error.h"

namespace tfl {

// Note [OpenBLAS core]
// Debian's OpenBLAS is built with DYNAMIC_ARCH and picks its kernels once, when the library is
// loaded, from cpuid or from OPENBLAS_CORETYPE. On virtual CPUs that report a generic model number
// (as on our CI Xeons) its detection falls back to "Prescott", ~5x slower than the SkylakeX kernels
// the CPU can run. So we do not link OpenBLAS: we dlopen it on first use, and, unless the user set
// OPENBLAS_CORETYPE on purpose, set it for the duration of the load to the best family the CPU's
// feature bits support. The variable is removed again so that nothing else in the process sees it.
// If the process had already loaded libopenblas, dlopen returns that copy with its existing core;
// blas_info() reports the core actually in use, whatever happened.

namespace {

enum CblasOrder { kRowMajor = 101 };
enum CblasTranspose { kNoTrans = 111, kTrans = 112 };
using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float,
                         float*, int);
using DgemmFn = void (*)(int, int, int, int, int, int, double, const double*, int, const double*, int,
                         double, double*, int);
using SetThreadsFn = void (*)(int);
using StrFn = char* (*)();

struct Blas {
  SgemmFn sgemm = nullptr;
  DgemmFn dgemm = nullptr;
  SetThreadsFn set_threads = nullptr;
  BlasInfo info;
};

const char* best_core_for_cpu() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return nullptr;  // leave OpenBLAS's own detection alone
}

Blas load_blas() {
  Blas b;
  const char* user_core = std::getenv("OPENBLAS_CORETYPE");
  b.info.core_forced_by_user = user_core != nullptr && *user_core != '\0';
  const char* chosen = b.info.core_forced_by_user ? nullptr : best_core_for_cpu();
  if (chosen) setenv("OPENBLAS_CORETYPE", chosen, 1);
  const char* candidates[] = {"libopenblas.so.0", "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
                              "libopenblas.so"};
  void* handle = nullptr;
  for (const char* name : candidates) {
    handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (handle) {
      b.info.library = name;
      break;
    }
  }
  if (chosen) unsetenv("OPENBLAS_CORETYPE");
  if (!handle)
    TFL_THROW(NotImplementedError, "blas", "OpenBLAS (libopenblas.so.0) could not be loaded: ", dlerror(),
              "; install libopenblas0-pthread");
  b.sgemm = reinterpret_cast<SgemmFn>(dlsym(handle, "cblas_sgemm"));
  b.dgemm = reinterpret_cast<DgemmFn>(dlsym(handle, "cblas_dgemm"));
  b.set_threads = reinterpret_cast<SetThreadsFn>(dlsym(handle, "openblas_set_num_threads"));
  auto corename = reinterpret_cast<StrFn>(dlsym(handle, "openblas_get_corename"));
  auto config = reinterpret_cast<StrFn>(dlsym(handle, "openblas_get_config"));
  if (!b.sgemm || !b.dgemm)
    TFL_THROW(NotImplementedError, "blas", "the loaded BLAS lacks cblas_sgemm/cblas_dgemm");
  b.info.core = corename ? corename() : "unknown";
  b.info.config = config ? config() : "unknown";
  return b;
}

std::mutex g_blas_mu;
Blas* g_blas = nullptr;
int g_pending_threads = 0;

Blas& blas() {
  std::lock_guard<std::mutex> lock(g_blas_mu);
  if (!g_blas) {
    g_blas = new Blas(load_blas());  // leaked: OpenBLAS stays loaded for the process lifetime
    int n = g_pending_threads;
    if (n <= 0) {
      unsigned hc = std::thread::hardware_concurrency();
      n = hc == 0 ? 1 : static_cast<int>(hc);
    }
    if (g_blas->set_threads) g_blas->set_threads(n);
    g_blas->info.threads = n;
  }
  return *g_blas;
}

void check_dims(const char* op, int64_t m, int64_t n, int64_t k) {
  const int64_t kMax = 0x7fffffff;
  if (m > kMax || n > kMax || k > kMax)
    TFL_THROW(NotImplementedError, op, "GEMM dimensions ", m, "x", n, "x", k, " exceed 32-bit BLAS limits");
}

}  // namespace

const BlasInfo& blas_info() { return blas().info; }

void blas_set_num_threads(int n) {
  std::lock_guard<std::mutex> lock(g_blas_mu);
  if (g_blas) {
    if (g_blas->set_threads) g_blas->set_threads(n);
    g_blas->info.threads = n;
  } else {
    g_pending_threads = n;
  }
}

void blas_sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  check_dims("matmul", m, n, k);
  blas().sgemm(kRowMajor, ta ? kTrans : kNoTrans, tb ? kTrans : kNoTrans, static_cast<int>(m),
               static_cast<int>(n), static_cast<int>(k), alpha, a, static_cast<int>(lda), b,
               static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

void blas_dgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
                int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  check_dims("matmul", m, n, k);
  blas().dgemm(kRowMajor, ta ? kTrans : kNoTrans, tb ? kTrans : kNoTrans, static_cast<int>(m),
               static_cast<int>(n), static_cast<int>(k), alpha, a, static_cast<int>(lda), b,
               static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

}  // namespace tfl
