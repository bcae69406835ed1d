// CPU matmul kernels: stacked GEMM on BLAS for f32/f64, a blocked loop for integers.
#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "core/dispatch.h"
#include "core/thread_pool.h"
#include "kernels/cpu/blas.h"
#include "kernels/cpu/register.h"

namespace tfl::cpu {
namespace {

// One matrix operand: rows x cols elements at p, steps rs/cs in elements between rows/columns.
template <class T>
struct Mat {
  const T* p;
  int64_t rows, cols, rs, cs;
};

// How BLAS reads a matrix without a copy: row-major with leading dimension ld, or (trans) as the
// transpose of a row-major cols x rows matrix. False when the layout is neither (negative, zero or
// interleaved strides), and the matrix must be packed first. Strides of size-1 dimensions are ignored,
// and BLAS requires ld >= max(1, row length) even where it reads only one row.
bool blas_layout(int64_t rows, int64_t cols, int64_t rs, int64_t cs, bool* trans, int64_t* ld) {
  const int64_t kMaxLd = std::numeric_limits<int>::max();
  if ((cs == 1 || cols == 1) && (rows == 1 || rs >= std::max<int64_t>(1, cols))) {
    *trans = false;
    *ld = rows == 1 ? std::max<int64_t>(1, cols) : rs;
    return *ld <= kMaxLd;
  }
  if ((rs == 1 || rows == 1) && (cols == 1 || cs >= std::max<int64_t>(1, rows))) {
    *trans = true;
    *ld = cols == 1 ? std::max<int64_t>(1, rows) : cs;
    return *ld <= kMaxLd;
  }
  return false;
}

// Copies a strided matrix into row-major `buf`.
template <class T>
const T* pack(const Mat<T>& m, std::vector<T>& buf) {
  buf.resize(static_cast<size_t>(m.rows * m.cols));
  T* d = buf.data();
  for (int64_t i = 0; i < m.rows; ++i) {
    const T* src = m.p + i * m.rs;
    T* dst = d + i * m.cols;
    for (int64_t j = 0; j < m.cols; ++j) dst[j] = src[j * m.cs];
  }
  return d;
}

inline void gemm_call(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b,
                      int64_t ldb, float* c, int64_t ldc) {
  blas_sgemm(ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
}
inline void gemm_call(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const double* a, int64_t lda, const double* b,
                      int64_t ldb, double* c, int64_t ldc) {
  blas_dgemm(ta, tb, m, n, k, 1.0, a, lda, b, ldb, 0.0, c, ldc);
}

// c (m x n, row-major, leading dimension n) = a * b on BLAS, packing operands BLAS cannot read.
template <class T>
void blas_matmul(const Mat<T>& a, const Mat<T>& b, T* c, std::vector<T>& buf_a, std::vector<T>& buf_b) {
  bool ta = false, tb = false;
  int64_t lda = 0, ldb = 0;
  const T* pa = a.p;
  const T* pb = b.p;
  if (!blas_layout(a.rows, a.cols, a.rs, a.cs, &ta, &lda)) {
    pa = pack(a, buf_a);
    ta = false;
    lda = std::max<int64_t>(1, a.cols);
  }
  if (!blas_layout(b.rows, b.cols, b.rs, b.cs, &tb, &ldb)) {
    pb = pack(b, buf_b);
    tb = false;
    ldb = std::max<int64_t>(1, b.cols);
  }
  gemm_call(ta, tb, a.rows, b.cols, a.cols, pa, lda, pb, ldb, c, std::max<int64_t>(1, b.cols));
}

// c (m x n, row-major) = a * b for integers. Products wrap modulo 2^bits like NumPy's integer matmul,
// computed in the unsigned type so that overflow is defined. Blocked over k and n so that a band of b
// stays in cache while the rows of c stream through it; rows are split across the pool.
template <class T>
void int_matmul(const Mat<T>& a, const Mat<T>& b, T* c, std::vector<T>& buf_b) {
  using U = std::make_unsigned_t<T>;
  // Products in at least `unsigned`: uint16 operands promote to int, where 65535 * 65535 overflows.
  using W = std::conditional_t<(sizeof(U) < sizeof(unsigned)), unsigned, U>;
  const int64_t m = a.rows, k = a.cols, n = b.cols;
  const T* pb = (b.cs == 1 || n == 1) ? b.p : pack(b, buf_b);
  const int64_t ldb = (b.cs == 1 || n == 1) ? b.rs : n;
  U* cu = reinterpret_cast<U*>(c);
  std::fill(cu, cu + m * n, U(0));
  constexpr int64_t kBlockK = 128, kBlockN = 1024;
  const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, k * n));
  parallel_for(m, grain, [&](int64_t i0, int64_t i1) {
    for (int64_t p0 = 0; p0 < k; p0 += kBlockK) {
      const int64_t p1 = std::min(k, p0 + kBlockK);
      for (int64_t j0 = 0; j0 < n; j0 += kBlockN) {
        const int64_t j1 = std::min(n, j0 + kBlockN);
        for (int64_t i = i0; i < i1; ++i) {
          U* crow = cu + i * n;
          for (int64_t p = p0; p < p1; ++p) {
            const U av = static_cast<U>(a.p[i * a.rs + p * a.cs]);
            const T* brow = pb + p * ldb;
            for (int64_t j = j0; j < j1; ++j) crow[j] = static_cast<U>(W(crow[j]) + W(av) * W(brow[j]));
          }
        }
      }
    }
  });
}

// Iterates the broadcast batch of a (batch..., m, k) x (batch..., k, n) -> (batch..., m, n) product,
// calling mm(a, b, c) once per matrix. See Note [matmul batching].
template <class T, class MM>
void for_each_matrix(const KernelArgs& args, MM mm) {
  const TensorArg& o = args.out;
  const TensorArg& ia = args.in[0];
  const TensorArg& ib = args.in[1];
  const int nd = o.ndim, nb = nd - 2;
  const int64_t m = o.shape[nd - 2], n = o.shape[nd - 1], k = ia.shape[nd - 1];
  int64_t nbatch = 1;
  for (int d = 0; d < nb; ++d) nbatch *= o.shape[d];
  if (nbatch == 0 || m == 0 || n == 0) return;
  T* out = reinterpret_cast<T*>(o.data);
  if (k == 0) {  // empty sums
    std::fill(out, out + nbatch * m * n, T(0));
    return;
  }
  const T* pa = reinterpret_cast<const T*>(ia.data);
  const T* pb = reinterpret_cast<const T*>(ib.data);
  const int64_t ars = ia.strides[nd - 2], acs = ia.strides[nd - 1];
  const int64_t brs = ib.strides[nd - 2], bcs = ib.strides[nd - 1];

  // Note [matmul batching]
  // When b is one matrix shared by the whole batch and a's batch and row dimensions step uniformly
  // (e.g. a contiguous (batch, m, k) activation times a (k, n) weight), the stack is a single
  // (batch * m) x k by k x n product: one large GEMM instead of many small ones.
  bool b_shared = true;
  for (int d = 0; d < nb; ++d) b_shared = b_shared && (ib.strides[d] == 0 || o.shape[d] == 1);
  if (b_shared && nbatch > 1) {
    int64_t rows = m, step = ars;
    bool uniform = true;
    for (int d = nb - 1; d >= 0 && uniform; --d) {
      if (o.shape[d] == 1) continue;
      if (rows > 1 && ia.strides[d] != step * rows) uniform = false;
      step = rows > 1 ? step : ia.strides[d];
      rows *= o.shape[d];
    }
    if (uniform) {
      mm(Mat<T>{pa, rows, k, step, acs}, Mat<T>{pb, k, n, brs, bcs}, out);
      return;
    }
  }

  int64_t idx[kMaxDims] = {0};
  for (int64_t bi = 0; bi < nbatch; ++bi) {
    int64_t offa = 0, offb = 0;
    for (int d = 0; d < nb; ++d) {
      offa += idx[d] * ia.strides[d];
      offb += idx[d] * ib.strides[d];
    }
    mm(Mat<T>{pa + offa, m, k, ars, acs}, Mat<T>{pb + offb, k, n, brs, bcs}, out + bi * m * n);
    for (int d = nb - 1; d >= 0; --d) {
      if (++idx[d] < o.shape[d]) break;
      idx[d] = 0;
    }
  }
}

// Batches run one after another: OpenBLAS threads each GEMM itself, and our pool must not nest
// around it (the two would oversubscribe the cores).
template <class T>
void matmul_blas_kernel(const KernelArgs& args) {
  std::vector<T> buf_a, buf_b;
  for_each_matrix<T>(args, [&](const Mat<T>& a, const Mat<T>& b, T* c) { blas_matmul(a, b, c, buf_a, buf_b); });
}

template <class T>
void matmul_int_kernel(const KernelArgs& args) {
  std::vector<T> buf_b;
  for_each_matrix<T>(args, [&](const Mat<T>& a, const Mat<T>& b, T* c) { int_matmul(a, b, c, buf_b); });
}

}  // namespace

TFL_REGISTER_KERNEL(matmul, cpu, f32, matmul_blas_kernel<float>);
TFL_REGISTER_KERNEL(matmul, cpu, f64, matmul_blas_kernel<double>);
TFL_REGISTER_CPU_INTEGER(matmul, matmul_int_kernel);

}  // namespace tfl::cpu
