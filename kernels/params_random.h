// Parameters of the random-number kernels (uniform, normal, randint, bernoulli).
#pragma once

#include <cstdint>

#include "core/dtype.h"

namespace tfl {

// Counter-block coordinates shared by every random kernel; see Note [Counter-based random numbers].
struct RandomParams {
  uint64_t seed;    // Philox key
  uint64_t offset;  // first counter block reserved for this op
  double a;         // uniform: low; normal: mean; bernoulli: p (scalar form)
  double b;         // uniform: high; normal: std
};

struct RandintParams {
  uint64_t seed;
  uint64_t offset;
  int64_t low;
  uint64_t range;  // high - low, >= 1 (fits in 64 bits even for the full int64 range)
};

// Output elements one Philox block (128 bits) yields. Element i reads block offset + i / n at lane
// i % n, so ops reserve ceil(numel / n) blocks.
// uniform, normal: 2 for f64 (53-bit doubles from two words), 4 for the 32-bit-or-narrower floats.
inline int64_t random_values_per_block(DType dt) { return dt == DType::F64 ? 2 : 4; }
// bernoulli: one 32-bit word per element whatever the dtype.
constexpr int64_t kBernoulliPerBlock = 4;
// randint: one block per element (its other words and streams serve rejection redraws).
constexpr int64_t kRandintPerBlock = 1;

}  // namespace tfl
