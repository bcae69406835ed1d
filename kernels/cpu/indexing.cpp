// CPU kernels of indexing: index normalization, gather, scatter-add, boolean masks and one_hot.
#include <atomic>
#include <cstdlib>
#include <type_traits>

#include "core/error.h"
#include "kernels/cpu/convert.h"
#include "kernels/cpu/loops.h"
#include "kernels/cpu/register.h"
#include "kernels/params_indexing.h"

namespace tfl::cpu {
namespace {

[[noreturn]] void throw_out_of_range(const IndexNormalizeParams& p, int64_t v) {
  const int64_t lo = p.allow_negative ? -p.size : 0;
  if (p.axis == IndexNormalizeParams::kClasses)
    TFL_THROW(IndexError, p.op, "class value ", v, " is out of range for num_classes ", p.size, " (valid range [",
              lo, ", ", p.size, "))");
  if (p.axis == IndexNormalizeParams::kFlat)
    TFL_THROW(IndexError, p.op, "index ", v, " is out of bounds for the flattened input of size ", p.size,
              " (valid range [", lo, ", ", p.size, "))");
  TFL_THROW(IndexError, p.op, "index ", v, " is out of bounds for axis ", p.axis, " with size ", p.size,
            " (valid range [", lo, ", ", p.size, "))");
}

// Writes wrapped indices to a scratch i64 tensor; the branch-free first loop vectorises, and only a
// run that saw a bad value is scanned again to report the first offender of that run.
template <class I>
void index_normalize_kernel(const KernelArgs& args) {
  const auto& p = *static_cast<const IndexNormalizeParams*>(args.params);
  const int64_t size = p.size, lo = p.allow_negative ? -size : 0;
  const TensorArg* ops[2] = {&args.out, &args.in[0]};
  auto L = make_loop<2>(args.out.ndim, args.out.shape, ops);
  for_each(L, [&](char* const* ptr, const int64_t* s, int64_t n) {
    bool bad = false;
    if (s[0] == sizeof(int64_t) && s[1] == sizeof(I)) {
      auto* o = reinterpret_cast<int64_t*>(ptr[0]);
      auto* in = reinterpret_cast<const I*>(ptr[1]);
      for (int64_t i = 0; i < n; ++i) {
        const int64_t v = in[i];
        bad |= (v < lo) | (v >= size);
        o[i] = v < 0 ? v + size : v;
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        const int64_t v = at<I>(ptr[1], i * s[1]);
        bad |= (v < lo) | (v >= size);
        at<int64_t>(ptr[0], i * s[0]) = v < 0 ? v + size : v;
      }
    }
    if (bad) {
      for (int64_t i = 0; i < n; ++i) {
        const int64_t v = at<I>(ptr[1], i * s[1]);
        if (v < lo || v >= size) throw_out_of_range(p, v);
      }
    }
  });
}

template <class T>
void gather_kernel(const KernelArgs& args) {
  const int64_t axis_bytes = static_cast<const GatherParams*>(args.params)->src_axis_stride *
                             static_cast<int64_t>(sizeof(T));
  const TensorArg* ops[3] = {&args.out, &args.in[0], &args.in[1]};
  auto L = make_loop<3>(args.out.ndim, args.out.shape, ops);
  for_each(L, [&](char* const* p, const int64_t* s, int64_t n) {
    if (s[2] == 0) {  // one index for the whole run (index_select rows): a strided copy
      const char* src = p[1] + at<int64_t>(p[2], 0) * axis_bytes;
      if (s[0] == sizeof(T) && s[1] == sizeof(T)) {
        auto* o = reinterpret_cast<T*>(p[0]);
        auto* a = reinterpret_cast<const T*>(src);
        for (int64_t i = 0; i < n; ++i) o[i] = a[i];
      } else {
        for (int64_t i = 0; i < n; ++i) at<T>(p[0], i * s[0]) = *reinterpret_cast<const T*>(src + i * s[1]);
      }
    } else if (s[0] == sizeof(T) && s[2] == sizeof(int64_t)) {
      auto* o = reinterpret_cast<T*>(p[0]);
      auto* idx = reinterpret_cast<const int64_t*>(p[2]);
      for (int64_t i = 0; i < n; ++i) o[i] = at<T>(p[1], i * s[1] + idx[i] * axis_bytes);
    } else {
      for (int64_t i = 0; i < n; ++i)
        at<T>(p[0], i * s[0]) = at<T>(p[1], i * s[1] + at<int64_t>(p[2], i * s[2]) * axis_bytes);
    }
  });
}

// Wrapping arithmetic for accumulation: signed overflow must not be UB, and bool addition is "or".
template <class C>
inline C acc_add(C a, C b) {
  if constexpr (std::is_same_v<C, bool>) {
    return a || b;
  } else if constexpr (std::is_integral_v<C>) {
    using U = std::make_unsigned_t<C>;
    return static_cast<C>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}
template <class C>
inline C acc_mul(C a, C b) {
  if constexpr (std::is_same_v<C, bool>) {
    return a && b;
  } else if constexpr (std::is_integral_v<C>) {
    using U = std::conditional_t<(sizeof(C) < sizeof(unsigned)), unsigned, std::make_unsigned_t<C>>;
    return static_cast<C>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
  } else {
    return a * b;
  }
}

// Registered only for compute dtypes: the op accumulates f16/bf16 in an f32 buffer.
template <class T>
void scatter_add_kernel(const KernelArgs& args) {
  static_assert(std::is_same_v<T, compute_t<T>>, "scatter_add accumulates in the compute dtype");
  const auto& p = *static_cast<const ScatterParams*>(args.params);
  const int axis = p.axis, nd = args.in[0].ndim;
  const int64_t K = args.in[0].shape[axis];
  const int64_t out_axis_bytes = p.out_axis_stride * static_cast<int64_t>(sizeof(T));
  const int64_t src_axis_bytes = args.in[0].strides[axis] * static_cast<int64_t>(sizeof(T));
  const int64_t idx_axis_bytes = args.in[1].strides[axis] * static_cast<int64_t>(sizeof(int64_t));
  // alpha is always applied: multiplying by 1 is exact in every dtype, and saves a branch.
  // Integer alpha wraps like the additions do (u8 with alpha -1 subtracts); the op checked it is integral.
  T alpha;
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) alpha = static_cast<T>(convert<int64_t>(p.alpha));
  else alpha = convert<T>(p.alpha);
  // Rows: every coordinate but `axis`. Each row writes its own slice of out, so rows run in parallel
  // and the walk along `axis` inside a row is serial (duplicates accumulate in index order).
  int64_t shape[kMaxDims], so[kMaxDims], ss[kMaxDims], si[kMaxDims];
  int r = 0;
  for (int d = 0; d < nd; ++d) {
    if (d == axis) continue;
    shape[r] = args.in[0].shape[d];
    so[r] = args.out.strides[d];
    ss[r] = args.in[0].strides[d];
    si[r] = args.in[1].strides[d];
    ++r;
  }
  TensorArg out = args.out, src = args.in[0], idx = args.in[1];
  out.ndim = src.ndim = idx.ndim = r;
  out.shape = src.shape = idx.shape = shape;
  out.strides = so;
  src.strides = ss;
  idx.strides = si;
  const TensorArg* ops[3] = {&out, &src, &idx};
  auto L = make_loop<3>(r, shape, ops);
  if (K == 0) return;
  auto index_at = [](const char* p) { return *reinterpret_cast<const int64_t*>(p); };
  for_each(L, [&](char* const* ptr, const int64_t* s, int64_t n) {
    // Walk whichever of (run, axis) has the smaller src stride innermost, for locality. Both orders
    // visit each row's axis positions in increasing order, so results are identical.
    const bool axis_outer = n > 1 && std::abs(s[1]) <= std::abs(src_axis_bytes);
    if (axis_outer) {
      for (int64_t k = 0; k < K; ++k) {
        const char* a = ptr[1] + k * src_axis_bytes;
        const char* ix = ptr[2] + k * idx_axis_bytes;
        if (s[2] == 0 && s[0] == sizeof(T) && s[1] == sizeof(T)) {  // index_add rows: a vector add
          T* o = reinterpret_cast<T*>(ptr[0] + index_at(ix) * out_axis_bytes);
          const T* av = reinterpret_cast<const T*>(a);
          for (int64_t i = 0; i < n; ++i) o[i] = acc_add(o[i], acc_mul(av[i], alpha));
        } else {
          for (int64_t i = 0; i < n; ++i) {
            T& dst = at<T>(ptr[0], i * s[0] + index_at(ix + i * s[2]) * out_axis_bytes);
            dst = acc_add(dst, acc_mul(at<T>(const_cast<char*>(a), i * s[1]), alpha));
          }
        }
      }
      return;
    }
    for (int64_t i = 0; i < n; ++i) {
      char* o = ptr[0] + i * s[0];
      const char* a = ptr[1] + i * s[1];
      const char* ix = ptr[2] + i * s[2];
      for (int64_t k = 0; k < K; ++k) {
        T& dst = at<T>(o, index_at(ix + k * idx_axis_bytes) * out_axis_bytes);
        dst = acc_add(dst, acc_mul(*reinterpret_cast<const T*>(a + k * src_axis_bytes), alpha));
      }
    }
  }, K);
}

// out (0-d i64) = number of true elements of in[0] (bool, any layout).
void masked_count_kernel(const KernelArgs& args) {
  const TensorArg* ops[1] = {&args.in[0]};
  auto L = make_loop<1>(args.in[0].ndim, args.in[0].shape, ops);
  std::atomic<int64_t> total{0};
  for_each(L, [&](char* const* p, const int64_t* s, int64_t n) {
    int64_t c = 0;
    for (int64_t i = 0; i < n; ++i) c += at<bool>(p[0], i * s[0]) ? 1 : 0;
    total.fetch_add(c, std::memory_order_relaxed);
  });
  *reinterpret_cast<int64_t*>(args.out.data) = total.load();
}

// out (contiguous 1-D) = elements of in[0] where in[1] (bool) is true, in row-major order of the
// common shape. Serial: each output position depends on the count of all earlier true elements.
template <class T>
void masked_select_kernel(const KernelArgs& args) {
  const TensorArg* ops[2] = {&args.in[0], &args.in[1]};
  auto L = make_loop<2>(args.in[0].ndim, args.in[0].shape, ops);
  T* out = reinterpret_cast<T*>(args.out.data);
  const int64_t cap = args.out.shape[0];
  int64_t w = 0;
  auto inner = [&](char* const* p, const int64_t* s, int64_t n) {
    for (int64_t i = 0; i < n; ++i)
      if (at<bool>(p[1], i * s[1])) {
        TFL_INTERNAL_ASSERT(w < cap);
        out[w++] = at<T>(p[0], i * s[0]);
      }
  };
  if (L.numel > 0) loop_range(L, 0, L.numel, inner);
  TFL_INTERNAL_ASSERT(w == cap);
}

template <class T>
void one_hot_kernel(const KernelArgs& args) {
  const int64_t C = static_cast<const OneHotParams*>(args.params)->num_classes;
  const int64_t n = shape_numel(Shape(args.in[0].shape, static_cast<size_t>(args.in[0].ndim)));
  const int64_t* idx = reinterpret_cast<const int64_t*>(args.in[0].data);
  T* out = reinterpret_cast<T*>(args.out.data);
  if (C == 0) return;
  parallel_for(n, kParallelGrain / C + 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      T* row = out + i * C;
      for (int64_t j = 0; j < C; ++j) row[j] = T(0);
      row[idx[i]] = convert<T>(1.0);
    }
  });
}

}  // namespace

TFL_REGISTER_KERNEL(index_normalize, cpu, i32, index_normalize_kernel<int32_t>);
TFL_REGISTER_KERNEL(index_normalize, cpu, i64, index_normalize_kernel<int64_t>);
TFL_REGISTER_CPU_ALL(gather, gather_kernel);
TFL_REGISTER_KERNEL(scatter_add, cpu, f32, scatter_add_kernel<float>);
TFL_REGISTER_KERNEL(scatter_add, cpu, f64, scatter_add_kernel<double>);
TFL_REGISTER_CPU_INTEGER(scatter_add, scatter_add_kernel);
TFL_REGISTER_KERNEL(scatter_add, cpu, bool, scatter_add_kernel<bool>);
TFL_REGISTER_KERNEL(masked_count, cpu, bool, masked_count_kernel);
TFL_REGISTER_CPU_ALL(masked_select, masked_select_kernel);
TFL_REGISTER_CPU_ALL(one_hot, one_hot_kernel);

}  // namespace tfl::cpu
