// Reductions over sets of axes (sum, mean, prod, max, min, var, std_dev, logsumexp, all, any), arg
// reductions (argmax, argmin) and scans along one axis (cumsum, cumprod).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/tensor.h"

namespace tfl {

// Axes to reduce, possibly negative; an empty list means every axis. Duplicates are an error.
using AxisList = std::vector<int64_t>;

// Result dtypes follow NumPy / the array API: sum and prod of bool and every integer dtype but u64 give
// i64 (wrapping on overflow), u64 gives u64; floats keep their dtype (f16/bf16 accumulate in wider precision). Float sums are
// pairwise (error O(log n)) and accumulated in f64. An empty reduction gives 0 (sum) or 1 (prod).
Tensor sum(const Tensor& a, const AxisList& axes = {}, bool keepdims = false);
Tensor prod(const Tensor& a, const AxisList& axes = {}, bool keepdims = false);
// Float results: floats keep their dtype, integer and bool inputs give f32. Empty: NaN.
Tensor mean(const Tensor& a, const AxisList& axes = {}, bool keepdims = false);
// Keep the input dtype; NaN propagates. Reducing a zero-size extent is a TensorOpError (no identity).
Tensor max(const Tensor& a, const AxisList& axes = {}, bool keepdims = false);
Tensor min(const Tensor& a, const AxisList& axes = {}, bool keepdims = false);
// Variance and standard deviation with divisor N - correction (1 gives the unbiased estimator);
// NaN when N - correction <= 0. Float results like mean.
Tensor var(const Tensor& a, const AxisList& axes = {}, double correction = 0.0, bool keepdims = false);
Tensor std_dev(const Tensor& a, const AxisList& axes = {}, double correction = 0.0, bool keepdims = false);
// log(sum(exp(a))) without overflow; float results like mean; -inf for an empty reduction.
Tensor logsumexp(const Tensor& a, const AxisList& axes = {}, bool keepdims = false);
// bool results for any input dtype (non-zero, NaN included, is true). Empty: all = true, any = false.
Tensor all(const Tensor& a, const AxisList& axes = {}, bool keepdims = false);
Tensor any(const Tensor& a, const AxisList& axes = {}, bool keepdims = false);

// i64 index of the first maximum/minimum (the first NaN for floats) along `axis`, or into the
// row-major flattened tensor when axis is absent (keepdims then keeps every axis with size 1).
// A zero-size extent is a TensorOpError.
Tensor argmax(const Tensor& a, std::optional<int64_t> axis = std::nullopt, bool keepdims = false);
Tensor argmin(const Tensor& a, std::optional<int64_t> axis = std::nullopt, bool keepdims = false);

// Inclusive running sum/product along `axis`; same shape as a, dtype as for sum/prod.
Tensor cumsum(const Tensor& a, int64_t axis);
Tensor cumprod(const Tensor& a, int64_t axis);

}  // namespace tfl
