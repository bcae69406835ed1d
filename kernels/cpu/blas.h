// OpenBLAS, loaded at run time with its fastest core for this CPU. See Note [OpenBLAS core].
#pragma once

#include <cstdint>
#include <string>

namespace tfl {

struct BlasInfo {
  std::string library;   // the file that was loaded
  std::string core;      // OpenBLAS's kernel family in use, e.g. "SkylakeX"
  std::string config;    // openblas_get_config()
  bool core_forced_by_user = false;  // OPENBLAS_CORETYPE was set before tenflowers loaded BLAS
  int threads = 0;
};

const BlasInfo& blas_info();
void blas_set_num_threads(int n);

// Row-major C = alpha * op(A) * op(B) + beta * C, where op transposes when trans_* is true.
void blas_sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
void blas_dgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
                int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc);

}  // namespace tfl
