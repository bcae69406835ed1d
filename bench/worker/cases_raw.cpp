// The machine's own references: raw cblas_sgemm from the OpenBLAS tenflowers loaded (same core),
// STREAM-style C loops over the same sizes, and the single-core FMA peak.
#include <dlfcn.h>
#include <immintrin.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/worker/registry.h"
#include "kernels/cpu/blas.h"

namespace tfl::bench {

namespace {
volatile float g_sink;
}
void sink(float v) { g_sink = v; }

namespace {

using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;
constexpr int64_t k16M = int64_t{1} << 24;

// cblas_sgemm of the very library handle tenflowers loaded (RTLD_NOLOAD returns the loaded copy).
SgemmFn raw_sgemm() {
  const BlasInfo& info = blas_info();
  void* h = dlopen(info.library.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (!h) throw std::runtime_error("cannot reopen " + info.library);
  auto fn = reinterpret_cast<SgemmFn>(dlsym(h, "cblas_sgemm"));
  if (!fn) throw std::runtime_error("cblas_sgemm missing in " + info.library);
  return fn;
}

std::vector<float> random_vec(size_t n, unsigned seed, float lo = -1.f, float hi = 1.f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

// The loops are noinline so that each is timed as the plain function it is.
__attribute__((noinline)) void stream_add(float* o, const float* a, const float* b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) o[i] = a[i] + b[i];
}
__attribute__((noinline)) void fused_chain(float* o, const float* a, const float* b, const float* c, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = a[i] * b[i] + c[i];
    o[i] = v > 0.f ? v : 0.f;
  }
}
// 16 independent partial sums: the order of additions is fixed, so it vectorises without -ffast-math.
__attribute__((noinline)) float blocked_sum(const float* a, int64_t n) {
  float acc[16] = {};
  const int64_t blocks = n / 16;
  for (int64_t k = 0; k < blocks; ++k)
    for (int j = 0; j < 16; ++j) acc[j] += a[k * 16 + j];
  float s = 0;
  for (int64_t i = blocks * 16; i < n; ++i) s += a[i];
  for (float v : acc) s += v;
  return s;
}

struct SgemmCall {
  int ta, tb, m, n, k;
};

// The GEMMs of one MLP 784-512-512-10 step at batch 128 (3 forward, 3 weight gradients, 2 input
// gradients): the BLAS floor of mlp_step, a machine-relative reference that needs no framework.
std::vector<SgemmCall> mlp_gemms() {
  const int b = 128, dims[] = {784, 512, 512, 10};
  std::vector<SgemmCall> calls;
  for (int l = 0; l < 3; ++l) calls.push_back({kNoTrans, kTrans, b, dims[l + 1], dims[l]});          // y = x W^T
  for (int l = 0; l < 3; ++l) calls.push_back({kTrans, kNoTrans, dims[l + 1], dims[l], b});          // dW = g^T x
  for (int l = 1; l < 3; ++l) calls.push_back({kNoTrans, kNoTrans, b, dims[l], dims[l + 1]});        // dx = g W
  return calls;
}

}  // namespace

std::vector<Case> raw_cases() {
  std::vector<Case> cs;
  for (int n : {128, 256, 512, 1024, 2048})
    cs.push_back({"sgemm_" + std::to_string(n), [n] {
                    SgemmFn f = raw_sgemm();
                    auto a = std::make_shared<std::vector<float>>(random_vec(size_t(n) * n, 1));
                    auto b = std::make_shared<std::vector<float>>(random_vec(size_t(n) * n, 2));
                    auto c = std::make_shared<std::vector<float>>(size_t(n) * n);
                    return prepared([=] {
                      f(kRowMajor, kNoTrans, kNoTrans, n, n, n, 1.f, a->data(), n, b->data(), n, 0.f, c->data(), n);
                    });
                  }});
  cs.push_back({"add_16m", [] {
                  auto a = std::make_shared<std::vector<float>>(k16M, 1.5f), b = std::make_shared<std::vector<float>>(k16M, 2.25f),
                       o = std::make_shared<std::vector<float>>(k16M);
                  return prepared([=] { stream_add(o->data(), a->data(), b->data(), k16M); });
                }});
  cs.push_back({"chain_16m", [] {
                  auto a = std::make_shared<std::vector<float>>(k16M, 1.5f), b = std::make_shared<std::vector<float>>(k16M, -0.25f),
                       c = std::make_shared<std::vector<float>>(k16M, 0.5f), o = std::make_shared<std::vector<float>>(k16M);
                  return prepared([=] { fused_chain(o->data(), a->data(), b->data(), c->data(), k16M); });
                }});
  cs.push_back({"sum_16m", [] {
                  auto a = std::make_shared<std::vector<float>>(random_vec(k16M, 3));
                  return prepared([=] { sink(blocked_sum(a->data(), k16M)); });
                }});
  cs.push_back({"mlp_step", [] {
                  SgemmFn f = raw_sgemm();
                  auto calls = mlp_gemms();
                  // One buffer big enough for any operand; the values do not matter for the timing.
                  auto buf = std::make_shared<std::vector<float>>(random_vec(3 * 784 * 512, 4));
                  return prepared([=] {
                    float* a = buf->data();
                    float* b = a + 784 * 512;
                    float* c = b + 784 * 512;
                    for (const SgemmCall& s : calls) {
                      const int lda = s.ta == kNoTrans ? s.k : s.m, ldb = s.tb == kNoTrans ? s.n : s.k;
                      f(kRowMajor, s.ta, s.tb, s.m, s.n, s.k, 1.f, a, lda, b, ldb, 0.f, c, s.n);
                    }
                  });
                }});
  cs.push_back({"fma_peak", [] { return prepared([] { fma_kernel(1 << 20); }); }});
  return cs;
}

// 12 independent accumulator chains of 8-lane FMAs: enough to cover the FMA latency on both pipes of
// current x86 cores. Built for AVX2+FMA only here (no -march=native); chosen at run time.
__attribute__((target("avx2,fma"), noinline)) static float fma_avx2(long iters) {
  __m256 acc[12];
  for (int j = 0; j < 12; ++j) acc[j] = _mm256_set1_ps(0.001f * static_cast<float>(j));
  const __m256 m = _mm256_set1_ps(0.999999f), a = _mm256_set1_ps(1e-7f);
  for (long i = 0; i < iters; ++i)
    for (int j = 0; j < 12; ++j) acc[j] = _mm256_fmadd_ps(acc[j], m, a);
  __m256 s = acc[0];
  for (int j = 1; j < 12; ++j) s = _mm256_add_ps(s, acc[j]);
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0];
}

void fma_kernel(long iters) {
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
    throw std::runtime_error("fma_peak needs AVX2 and FMA");
  sink(fma_avx2(iters));
}

double fma_kernel_flops(long iters) { return 2.0 * 8 * 12 * static_cast<double>(iters); }

}  // namespace tfl::bench
