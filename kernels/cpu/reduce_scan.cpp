// CPU kernels of the inclusive scans along one axis: cumsum, cumprod.
#include <algorithm>
#include <cstdlib>
#include <type_traits>

#include "kernels/cpu/loops.h"
#include "kernels/cpu/register.h"
#include "kernels/params_reduce.h"

namespace tfl::cpu {
namespace {

template <class T>
constexpr bool kIsFloat = std::is_floating_point_v<compute_t<T>>;
// Same accumulators and result types as sum/prod: double for floats, wrapping uint64 read back as
// int64 for integers and bool (uint64 for uint64).
template <class T>
using ScanAcc = std::conditional_t<kIsFloat<T>, double, uint64_t>;
template <class T>
using ScanOut = std::conditional_t<kIsFloat<T>, T, std::conditional_t<std::is_same_v<T, uint64_t>, uint64_t, int64_t>>;

template <class T>
inline ScanAcc<T> widen(T x) {
  if constexpr (kIsFloat<T>) return static_cast<double>(static_cast<compute_t<T>>(x));
  else return static_cast<uint64_t>(static_cast<int64_t>(x));
}
template <class T>
inline ScanOut<T> narrow(ScanAcc<T> a) {
  if constexpr (kIsFloat<T>) return static_cast<T>(static_cast<compute_t<T>>(a));
  else return static_cast<ScanOut<T>>(a);
}

template <class T, bool kProd>
inline void step(ScanAcc<T>& a, T x) {
  if constexpr (kProd) a *= widen(x);
  else a += widen(x);
}

template <class T, bool kProd>
void scan_kernel(const KernelArgs& a) {
  using Acc = ScanAcc<T>;
  using Out = ScanOut<T>;
  const Acc init = kProd ? Acc(1) : Acc(0);
  const TensorArg& in = a.in[0];
  if (in.ndim == 0) {  // a single element
    Acc acc = init;
    step<T, kProd>(acc, *reinterpret_cast<const T*>(in.data));
    *reinterpret_cast<Out*>(a.out.data) = narrow<T>(acc);
    return;
  }
  const int axis = static_cast<const ScanParams*>(a.params)->axis;
  const int64_t len = in.shape[axis];
  if (len == 0) return;
  const int64_t sa = in.strides[axis] * static_cast<int64_t>(sizeof(T));
  const int64_t so = a.out.strides[axis] * static_cast<int64_t>(sizeof(Out));
  // Iterate every position of the other axes (the scan axis collapsed to size 1); each run is a line
  // of independent scans.
  int64_t shape[kMaxDims];
  for (int d = 0; d < in.ndim; ++d) shape[d] = d == axis ? 1 : in.shape[d];
  TensorArg out_arg = a.out, in_arg = in;
  out_arg.shape = in_arg.shape = shape;
  const TensorArg* ops[2] = {&out_arg, &in_arg};
  auto L = make_loop<2>(in.ndim, shape, ops);
  for_each(L, [&](char* const* p, const int64_t* s, int64_t n) {
    if (n == 1 || std::llabs(sa) < std::llabs(s[1])) {
      // The scan axis is the denser one: scan each line on its own.
      for (int64_t i = 0; i < n; ++i) {
        const char* ip = p[1] + i * s[1];
        char* op = p[0] + i * s[0];
        Acc acc = init;
        for (int64_t k = 0; k < len; ++k) {
          step<T, kProd>(acc, *reinterpret_cast<const T*>(ip + k * sa));
          *reinterpret_cast<Out*>(op + k * so) = narrow<T>(acc);
        }
      }
      return;
    }
    // The lines lie side by side in memory: advance a tile of them together, row by row.
    constexpr int64_t kTile = 256;
    Acc acc[kTile];
    for (int64_t t0 = 0; t0 < n; t0 += kTile) {
      const int64_t w = std::min(kTile, n - t0);
      for (int64_t j = 0; j < w; ++j) acc[j] = init;
      for (int64_t k = 0; k < len; ++k) {
        const char* ip = p[1] + t0 * s[1] + k * sa;
        char* op = p[0] + t0 * s[0] + k * so;
        if (s[1] == static_cast<int64_t>(sizeof(T)) && s[0] == static_cast<int64_t>(sizeof(Out))) {
          const T* x = reinterpret_cast<const T*>(ip);
          Out* o = reinterpret_cast<Out*>(op);
          for (int64_t j = 0; j < w; ++j) {
            step<T, kProd>(acc[j], x[j]);
            o[j] = narrow<T>(acc[j]);
          }
        } else {
          for (int64_t j = 0; j < w; ++j) {
            step<T, kProd>(acc[j], *reinterpret_cast<const T*>(ip + j * s[1]));
            *reinterpret_cast<Out*>(op + j * s[0]) = narrow<T>(acc[j]);
          }
        }
      }
    }
  }, len);
}

template <class T> void cumsum_kernel(const KernelArgs& a) { scan_kernel<T, false>(a); }
template <class T> void cumprod_kernel(const KernelArgs& a) { scan_kernel<T, true>(a); }

}  // namespace

TFL_REGISTER_CPU_ALL(cumsum, cumsum_kernel);
TFL_REGISTER_CPU_ALL(cumprod, cumprod_kernel);

}  // namespace tfl::cpu
