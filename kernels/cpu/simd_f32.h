// Hot contiguous f32 loops, built for AVX-512, AVX2+FMA and baseline x86-64 and picked at run time
// (see Note [Runtime ISA dispatch] in simd_f32.cpp), plus the glue that routes a kernel's
// contiguous runs to them and its other runs to a plain scalar loop.
#pragma once

#include <cstdint>

#include "kernels/cpu/loops.h"

namespace tfl::cpu {

using UnaryF32 = void (*)(float* out, const float* a, int64_t n);
using BinaryF32 = void (*)(float* out, const float* a, const float* b, int64_t n);

// Outputs may alias inputs exactly (in-place ops); no other overlap.
void add_f32(float* out, const float* a, const float* b, int64_t n);
void sub_f32(float* out, const float* a, const float* b, int64_t n);
void mul_f32(float* out, const float* a, const float* b, int64_t n);
void div_f32(float* out, const float* a, const float* b, int64_t n);
void exp_f32(float* out, const float* a, int64_t n);
void tanh_f32(float* out, const float* a, int64_t n);
void sigmoid_f32(float* out, const float* a, int64_t n);
void silu_f32(float* out, const float* a, int64_t n);
void gelu_tanh_f32(float* out, const float* a, int64_t n);
void gelu_erf_f32(float* out, const float* a, int64_t n);

// Scalar versions of the same approximations, for the strided runs, so that a value does not
// depend on the layout it was read from.
float exp_approx(float x);
float tanh_approx(float x);
float sigmoid_approx(float x);

// out = f(a) over args: contiguous runs call `contig`, others call the scalar f.
template <class F>
void unary_f32_loop(const KernelArgs& args, UnaryF32 contig, F f, int64_t cost) {
  const TensorArg* ops[2] = {&args.out, &args.in[0]};
  auto L = make_loop<2>(args.out.ndim, args.out.shape, ops);
  for_each(L, [&](char* const* p, const int64_t* s, int64_t n) {
    if (s[0] == 4 && s[1] == 4) {
      contig(reinterpret_cast<float*>(p[0]), reinterpret_cast<const float*>(p[1]), n);
    } else {
      for (int64_t i = 0; i < n; ++i) at<float>(p[0], i * s[0]) = f(at<float>(p[1], i * s[1]));
    }
  }, cost);
}

// out = f(a, b): fully contiguous runs call `contig`, others the scalar f.
template <class F>
void binary_f32_loop(const KernelArgs& args, BinaryF32 contig, F f) {
  const TensorArg* ops[3] = {&args.out, &args.in[0], &args.in[1]};
  auto L = make_loop<3>(args.out.ndim, args.out.shape, ops);
  for_each(L, [&](char* const* p, const int64_t* s, int64_t n) {
    auto* o = reinterpret_cast<float*>(p[0]);
    auto* a = reinterpret_cast<const float*>(p[1]);
    auto* b = reinterpret_cast<const float*>(p[2]);
    if (s[0] == 4 && s[1] == 4 && s[2] == 4) {
      contig(o, a, b, n);
    } else if (s[0] == 4 && s[1] == 4 && s[2] == 0) {
      const float bv = b[0];
      for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], bv);
    } else if (s[0] == 4 && s[1] == 0 && s[2] == 4) {
      const float av = a[0];
      for (int64_t i = 0; i < n; ++i) o[i] = f(av, b[i]);
    } else {
      for (int64_t i = 0; i < n; ++i)
        at<float>(p[0], i * s[0]) = f(at<float>(p[1], i * s[1]), at<float>(p[2], i * s[2]));
    }
  });
}

}  // namespace tfl::cpu
