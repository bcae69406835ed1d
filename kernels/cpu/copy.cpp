// copy (with dtype conversion) and fill kernels.
#include "core/dispatch.h"
#include "kernels/cpu/register.h"
#include "kernels/cpu/convert.h"
#include "kernels/cpu/loops.h"
#include "kernels/params.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace tfl::cpu {
namespace {

// True iff the source walks memory across the destination's rows: its innermost stride is not unit
// but its second-innermost is, as in copying a transposed matrix. Row-by-row copying then reads one
// element per cache line; tiles keep both sides in cache.
template <int N>
bool is_transposed_copy(const Loop<N>& L) {
  if (L.ndim < 2) return false;
  const int last = L.ndim - 1;
  return L.shape[last] >= 8 && L.shape[last - 1] >= 8 && L.strides[1][last] != L.strides[1][last - 1] &&
         std::abs(L.strides[1][last - 1]) < std::abs(L.strides[1][last]) &&
         std::abs(L.strides[0][last]) < std::abs(L.strides[0][last - 1]);
}

// Copies the last two dimensions in 32x32 tiles; outer dimensions and tile rows run in parallel.
template <class To, class From>
void transposed_copy(const Loop<2>& L) {
  constexpr int64_t kTile = 32;
  const int last = L.ndim - 1;
  const int64_t rows = L.shape[last - 1], cols = L.shape[last];
  const int64_t row_tiles = (rows + kTile - 1) / kTile;
  int64_t outer = 1;
  for (int d = 0; d < last - 1; ++d) outer *= L.shape[d];
  parallel_for(outer * row_tiles, 4, [&](int64_t begin, int64_t end) {
    for (int64_t job = begin; job < end; ++job) {
      int64_t o = job / row_tiles, rt = job % row_tiles;
      char* base[2] = {L.base[0], L.base[1]};
      for (int d = last - 2; d >= 0; --d) {  // offsets of outer index o
        int64_t idx = o % L.shape[d];
        o /= L.shape[d];
        base[0] += idx * L.strides[0][d];
        base[1] += idx * L.strides[1][d];
      }
      const int64_t r0 = rt * kTile, r1 = std::min(rows, r0 + kTile);
      for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
        const int64_t c1 = std::min(cols, c0 + kTile);
        for (int64_t c = c0; c < c1; ++c)
          for (int64_t r = r0; r < r1; ++r)
            at<To>(base[0], r * L.strides[0][last - 1] + c * L.strides[0][last]) =
                convert<To>(static_cast<compute_t<From>>(at<From>(base[1], r * L.strides[1][last - 1] + c * L.strides[1][last])));
      }
    }
  });
}

// out (dtype To) = in[0] (any dtype), elementwise over the out shape.
template <class To>
void copy_kernel(const KernelArgs& args) {
  dispatch_all_types(args.in[0].dtype, "copy", [&](auto tag) {
    using From = typename decltype(tag)::type;
    const TensorArg* ops[2] = {&args.out, &args.in[0]};
    auto L = make_loop<2>(args.out.ndim, args.out.shape, ops);
    if (is_transposed_copy(L)) {
      transposed_copy<To, From>(L);
      return;
    }
    for_each(L, [&](char* const* p, const int64_t* s, int64_t n) {
      if constexpr (std::is_same_v<To, From>) {
        if (s[0] == sizeof(To) && s[1] == sizeof(From)) {
          std::memcpy(p[0], p[1], static_cast<size_t>(n) * sizeof(To));
          return;
        }
      }
      for (int64_t i = 0; i < n; ++i)
        at<To>(p[0], i * s[0]) = convert<To>(static_cast<compute_t<From>>(at<From>(p[1], i * s[1])));
    });
  });
}

template <class T>
void fill_kernel(const KernelArgs& args) {
  const T v = convert<T>(static_cast<const FillParams*>(args.params)->value);
  const TensorArg* ops[1] = {&args.out};
  auto L = make_loop<1>(args.out.ndim, args.out.shape, ops);
  for_each(L, [&](char* const* p, const int64_t* s, int64_t n) {
    for (int64_t i = 0; i < n; ++i) at<T>(p[0], i * s[0]) = v;
  });
}

}  // namespace

TFL_REGISTER_KERNEL(copy, cpu, f32, copy_kernel<float>);
TFL_REGISTER_KERNEL(copy, cpu, f64, copy_kernel<double>);
TFL_REGISTER_KERNEL(copy, cpu, f16, copy_kernel<Half>);
TFL_REGISTER_KERNEL(copy, cpu, bf16, copy_kernel<BFloat16>);
TFL_REGISTER_CPU_INTEGER(copy, copy_kernel);
TFL_REGISTER_KERNEL(copy, cpu, bool, copy_kernel<bool>);

TFL_REGISTER_KERNEL(fill, cpu, f32, fill_kernel<float>);
TFL_REGISTER_KERNEL(fill, cpu, f64, fill_kernel<double>);
TFL_REGISTER_KERNEL(fill, cpu, f16, fill_kernel<Half>);
TFL_REGISTER_KERNEL(fill, cpu, bf16, fill_kernel<BFloat16>);
TFL_REGISTER_CPU_INTEGER(fill, fill_kernel);
TFL_REGISTER_KERNEL(fill, cpu, bool, fill_kernel<bool>);

}  // namespace tfl::cpu
