// Recording of elementwise ops' backward passes (called by core/ops/elementwise.cpp).
// A tensor-scalar form records one input (the tensor) under the name "<op>_scalar", whichever side
// the scalar is on (`scalar_first` says which).
#pragma once

#include <optional>

#include "core/tensor.h"

namespace tfl::autograd {

// --- binary, tensor-tensor ------------------------------------------------------------------------
void record_add(const Tensor& a, const Tensor& b, const Tensor& out);
void record_sub(const Tensor& a, const Tensor& b, const Tensor& out);
void record_mul(const Tensor& a, const Tensor& b, const Tensor& out);
void record_div(const Tensor& a, const Tensor& b, const Tensor& out);
void record_floor_divide(const Tensor& a, const Tensor& b, const Tensor& out);
void record_remainder(const Tensor& a, const Tensor& b, const Tensor& out);
void record_pow(const Tensor& a, const Tensor& b, const Tensor& out);
void record_maximum(const Tensor& a, const Tensor& b, const Tensor& out);
void record_minimum(const Tensor& a, const Tensor& b, const Tensor& out);
void record_atan2(const Tensor& a, const Tensor& b, const Tensor& out);
void record_where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out);

// --- binary, tensor-scalar (t op s, or s op t when scalar_first) ---------------------------------
void record_add_scalar(const Tensor& t, const Tensor& out);
void record_sub_scalar(const Tensor& t, bool scalar_first, const Tensor& out);
void record_mul_scalar(const Tensor& t, double s, const Tensor& out);
void record_div_scalar(const Tensor& t, double s, bool scalar_first, const Tensor& out);
void record_floor_divide_scalar(const Tensor& t, const Tensor& out);
void record_remainder_scalar(const Tensor& t, double s, bool scalar_first, const Tensor& out);
void record_pow_scalar(const Tensor& t, double s, bool scalar_first, const Tensor& out);
void record_maximum_scalar(const Tensor& t, double s, const Tensor& out);
void record_minimum_scalar(const Tensor& t, double s, const Tensor& out);
void record_atan2_scalar(const Tensor& t, double s, const Tensor& out);

// --- unary ----------------------------------------------------------------------------------------
void record_neg(const Tensor& a, const Tensor& out);
void record_abs(const Tensor& a, const Tensor& out);
void record_sign(const Tensor& a, const Tensor& out);
void record_square(const Tensor& a, const Tensor& out);
void record_relu(const Tensor& a, const Tensor& out);
void record_floor(const Tensor& a, const Tensor& out);
void record_ceil(const Tensor& a, const Tensor& out);
void record_round(const Tensor& a, const Tensor& out);
void record_clip(const Tensor& a, std::optional<double> lo, std::optional<double> hi, const Tensor& out);
void record_exp(const Tensor& a, const Tensor& out);
void record_expm1(const Tensor& a, const Tensor& out);
void record_log(const Tensor& a, const Tensor& out);
void record_log1p(const Tensor& a, const Tensor& out);
void record_sqrt(const Tensor& a, const Tensor& out);
void record_rsqrt(const Tensor& a, const Tensor& out);
void record_sin(const Tensor& a, const Tensor& out);
void record_cos(const Tensor& a, const Tensor& out);
void record_tan(const Tensor& a, const Tensor& out);
void record_tanh(const Tensor& a, const Tensor& out);
void record_sigmoid(const Tensor& a, const Tensor& out);
void record_silu(const Tensor& a, const Tensor& out);
void record_leaky_relu(const Tensor& a, double slope, const Tensor& out);
void record_elu(const Tensor& a, double alpha, const Tensor& out);
void record_gelu(const Tensor& a, bool approximate, const Tensor& out);
void record_softplus(const Tensor& a, double beta, double threshold, const Tensor& out);

}  // namespace tfl::autograd
