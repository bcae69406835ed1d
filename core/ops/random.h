// Random sampling ops: uniform, normal, integer and Bernoulli samples from a Philox Generator.
#pragma once

#include "core/rng.h"
#include "core/tensor.h"

namespace tfl {

// Every op draws from `gen`, or from default_generator() when gen is null, and advances it past the
// counters it used. Values depend only on (seed, offset, element index): never on the thread count.
// See Note [Counter-based random numbers].

// Uniform in [0, 1). dtype: any float type.
Tensor rand(const Shape& shape, DType dtype = DType::F32, Generator* gen = nullptr);
// Uniform in [low, high): low < high, both finite in dtype. dtype: any float type.
Tensor uniform(const Shape& shape, double low, double high, DType dtype = DType::F32, Generator* gen = nullptr);
// Standard normal. dtype: any float type.
Tensor randn(const Shape& shape, DType dtype = DType::F32, Generator* gen = nullptr);
// Normal with the given mean and standard deviation (std >= 0, both finite). dtype: any float type.
Tensor normal(const Shape& shape, double mean, double std, DType dtype = DType::F32, Generator* gen = nullptr);
// Integers uniform in [low, high), without modulo bias; low < high and both within dtype's range.
// dtype: int32, int64 or uint8.
Tensor randint(int64_t low, int64_t high, const Shape& shape, DType dtype = DType::I64, Generator* gen = nullptr);
// 1 with probability p, else 0, independently per element; p in [0, 1]. dtype: any float type or bool.
Tensor bernoulli(const Shape& shape, double p, DType dtype = DType::F32, Generator* gen = nullptr);
// One sample per element of p (float dtype, values in [0, 1]); result has p's shape and dtype.
Tensor bernoulli(const Tensor& p, Generator* gen = nullptr);
// Same with the result dtype chosen (any float type or bool).
Tensor bernoulli(const Tensor& p, DType dtype, Generator* gen = nullptr);

Tensor rand_like(const Tensor& t, Generator* gen = nullptr);
Tensor randn_like(const Tensor& t, Generator* gen = nullptr);

// In place, over any layout without overlapping elements (element order: row-major of t's shape).
void uniform_(const Tensor& t, double low, double high, Generator* gen = nullptr);
void normal_(const Tensor& t, double mean, double std, Generator* gen = nullptr);

}  // namespace tfl
