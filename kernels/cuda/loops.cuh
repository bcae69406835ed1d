// Device-side building blocks of the CUDA kernels: element types, strided indexing, launch helpers.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <limits>
#include <type_traits>

#include "core/dispatch.h"
#include "kernels/cuda/runtime.h"

namespace tfl {
namespace cuda {

// Storage <-> compute conversion: f16/bf16 are stored natively and computed in float, like the CPU
// path (compute_t<T>); float -> f16/bf16 rounds to nearest even.
template <class T> struct Compute { using type = T; };
template <> struct Compute<__half> { using type = float; };
template <> struct Compute<__nv_bfloat16> { using type = float; };
template <class T> using compute_t = typename Compute<T>::type;

template <class T> __device__ __forceinline__ compute_t<T> load(const T* p) { return *p; }
template <> __device__ __forceinline__ float load<__half>(const __half* p) { return __half2float(*p); }
template <> __device__ __forceinline__ float load<__nv_bfloat16>(const __nv_bfloat16* p) { return __bfloat162float(*p); }

// Value conversion with the CPU's rules (kernels/cpu/convert.h): float -> integer truncates and
// saturates, NaN -> 0; anything -> bool is "!= 0".
template <class To, class From>
__device__ __forceinline__ To convert(From v) {
  if constexpr (std::is_same<To, bool>::value) {
    return v != From(0);
  } else if constexpr (std::is_same<To, __half>::value) {
    return __float2half_rn(static_cast<float>(v));
  } else if constexpr (std::is_same<To, __nv_bfloat16>::value) {
    return __float2bfloat16_rn(static_cast<float>(v));
  } else if constexpr (std::is_integral<To>::value && std::is_floating_point<From>::value) {
    if (v != v) return To(0);
    if (v <= static_cast<From>(std::numeric_limits<To>::min())) return std::numeric_limits<To>::min();
    if (v >= static_cast<From>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

template <class T> __device__ __forceinline__ void store(T* p, compute_t<T> v) { *p = convert<T>(v); }

// Up to four operands over one shape: a linear index of the shape -> element offset of each operand.
// Passed to kernels by value (it lives in the launch's parameter space).
struct Indexer {
  int ndim = 0;
  int64_t sizes[kMaxDims];
  int64_t strides[4][kMaxDims];

  __device__ __forceinline__ void offsets(int64_t linear, int64_t* off, int n) const {
    for (int k = 0; k < n; ++k) off[k] = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      const int64_t i = linear % sizes[d];
      linear /= sizes[d];
      for (int k = 0; k < n; ++k) off[k] += i * strides[k][d];
    }
  }
};

// The indexer of operands args[0..n) that all have `shape` (broadcast strides already applied by the
// op). Adjacent dimensions that are contiguous in every operand merge, so dense tensors index flat.
inline Indexer make_indexer(const TensorArg* const* args, int n) {
  Indexer ix;
  const TensorArg& ref = *args[0];
  for (int d = 0; d < ref.ndim; ++d) {
    if (ref.shape[d] == 1) continue;  // size-1 dimensions contribute nothing
    bool merge = ix.ndim > 0;
    for (int k = 0; k < n && merge; ++k)
      merge = ix.strides[k][ix.ndim - 1] == args[k]->strides[d] * ref.shape[d];
    if (merge) {
      ix.sizes[ix.ndim - 1] *= ref.shape[d];
      for (int k = 0; k < n; ++k) ix.strides[k][ix.ndim - 1] = args[k]->strides[d];
    } else {
      ix.sizes[ix.ndim] = ref.shape[d];
      for (int k = 0; k < n; ++k) ix.strides[k][ix.ndim] = args[k]->strides[d];
      ++ix.ndim;
    }
  }
  return ix;
}

inline int64_t numel_of(const TensorArg& a) {
  int64_t n = 1;
  for (int d = 0; d < a.ndim; ++d) n *= a.shape[d];
  return n;
}

// True when the indexer is one dense run (every operand has stride 1 or is a single element).
inline bool is_flat(const Indexer& ix, int n) {
  if (ix.ndim == 0) return true;
  if (ix.ndim != 1) return false;
  for (int k = 0; k < n; ++k)
    if (ix.strides[k][0] != 1) return false;
  return true;
}

constexpr int kThreads = 256;
inline unsigned blocks_for(int64_t n) {
  // Grid-stride loops cover the rest; 2^16 blocks keep every SM busy on any current GPU.
  const int64_t b = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(b < 65536 ? (b > 0 ? b : 1) : 65536);
}

// Throws DeviceError naming op if the last launch failed (bad configuration, no kernel image).
inline void check_launch(const char* op) { check(cudaGetLastError(), op, "kernel launch"); }

}  // namespace cuda
}  // namespace tfl
