// copy (with dtype conversion) and fill kernels.
#include "core/dispatch.h"
#include "kernels/cpu/convert.h"
#include "kernels/cpu/loops.h"
#include "kernels/params.h"

#include <cstring>

namespace tfl::cpu {
namespace {

// out (dtype To) = in[0] (any dtype), elementwise over the out shape.
template <class To>
void copy_kernel(const KernelArgs& args) {
  dispatch_all_types(args.in[0].dtype, "copy", [&](auto tag) {
    using From = typename decltype(tag)::type;
    const TensorArg* ops[2] = {&args.out, &args.in[0]};
    auto L = make_loop<2>(args.out.ndim, args.out.shape, ops);
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
TFL_REGISTER_KERNEL(copy, cpu, i32, copy_kernel<int32_t>);
TFL_REGISTER_KERNEL(copy, cpu, i64, copy_kernel<int64_t>);
TFL_REGISTER_KERNEL(copy, cpu, u8, copy_kernel<uint8_t>);
TFL_REGISTER_KERNEL(copy, cpu, bool, copy_kernel<bool>);

TFL_REGISTER_KERNEL(fill, cpu, f32, fill_kernel<float>);
TFL_REGISTER_KERNEL(fill, cpu, f64, fill_kernel<double>);
TFL_REGISTER_KERNEL(fill, cpu, f16, fill_kernel<Half>);
TFL_REGISTER_KERNEL(fill, cpu, bf16, fill_kernel<BFloat16>);
TFL_REGISTER_KERNEL(fill, cpu, i32, fill_kernel<int32_t>);
TFL_REGISTER_KERNEL(fill, cpu, i64, fill_kernel<int64_t>);
TFL_REGISTER_KERNEL(fill, cpu, u8, fill_kernel<uint8_t>);
TFL_REGISTER_KERNEL(fill, cpu, bool, fill_kernel<bool>);

}  // namespace tfl::cpu
