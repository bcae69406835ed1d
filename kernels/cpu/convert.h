// Value conversion between element types, defined for every input (no undefined behaviour).
#pragma once

#include <cmath>
#include <limits>
#include <type_traits>

#include "core/dtype.h"

namespace tfl::cpu {

// Converts a compute value to storage type To. Float -> integer truncates toward zero and saturates
// at the integer's range; NaN becomes 0. Integer -> integer keeps the low bits (wraps modulo 2^bits, as
// numpy's astype does). Anything -> bool is "!= 0".
template <class To, class From>
inline To convert(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    if (std::isnan(v)) return To(0);
    if (v <= static_cast<From>(std::numeric_limits<To>::min())) return std::numeric_limits<To>::min();
    if (v >= static_cast<From>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace tfl::cpu
