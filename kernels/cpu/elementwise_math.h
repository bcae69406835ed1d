// Scalar math shared by the elementwise kernels: wrapping integer arithmetic, floor division and
// remainder with Python signs, integer pow, NaN-propagating max/min. No undefined behaviour for any input.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

namespace tfl::cpu {

template <class T>
constexpr bool kSignedInt = std::is_integral_v<T> && std::is_signed_v<T>;

template <class T>
constexpr bool kWrapInt = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// The unsigned type integer arithmetic on T is done in: at least `unsigned`, because integer promotion
// turns int8/int16/uint16 operands into (signed) int, where 65535 * 65535 would overflow.
template <class T>
using wrap_unsigned_t = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;

// Signed overflow is undefined in C++; doing the arithmetic in an unsigned type gives the
// two's-complement wrap NumPy shows, and still vectorises.
template <class T>
inline auto wrap_add(T x, T y) {
  if constexpr (kWrapInt<T>) {
    using U = wrap_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(x) + static_cast<U>(y));
  } else {
    return x + y;
  }
}
template <class T>
inline auto wrap_sub(T x, T y) {
  if constexpr (kWrapInt<T>) {
    using U = wrap_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(x) - static_cast<U>(y));
  } else {
    return x - y;
  }
}
template <class T>
inline auto wrap_mul(T x, T y) {
  if constexpr (kWrapInt<T>) {
    using U = wrap_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(x) * static_cast<U>(y));
  } else {
    return x * y;
  }
}
template <class T>
inline auto wrap_neg(T x) {
  if constexpr (kWrapInt<T>) {
    using U = wrap_unsigned_t<T>;
    return static_cast<T>(U(0) - static_cast<U>(x));
  } else {
    return -x;
  }
}

// NumPy's npy_divmod for floats: the quotient floored, the remainder with the divisor's sign.
template <class C>
inline void float_divmod(C a, C b, C* floordiv, C* mod) {
  C m = std::fmod(a, b);
  if (b == C(0)) {  // x // 0 is +-inf or nan, x % 0 is nan, as in NumPy
    *mod = m;
    *floordiv = a / b;
    return;
  }
  C d = (a - m) / b;
  if (m != C(0)) {
    if ((b < C(0)) != (m < C(0))) {
      m += b;
      d -= C(1);
    }
  } else {
    m = std::copysign(C(0), b);
  }
  C f;
  if (d != C(0)) {
    f = std::floor(d);
    if (d - f > C(0.5)) f += C(1);
  } else {
    f = std::copysign(C(0), a / b);
  }
  *floordiv = f;
  *mod = m;
}

// Integer floor division. x // 0 is 0 (NumPy's value, without its warning); MIN // -1 wraps to MIN.
template <class T>
inline T int_floordiv(T a, T b) {
  if (b == 0) return T(0);
  if constexpr (kSignedInt<T>) {
    if (b == -1) return wrap_neg(a);
    T q = static_cast<T>(a / b);
    if (static_cast<T>(a % b) != 0 && ((a < 0) != (b < 0))) --q;
    return q;
  } else {
    return static_cast<T>(a / b);
  }
}

// Integer remainder with the divisor's sign. x % 0 is 0 (NumPy's value); MIN % -1 is 0.
template <class T>
inline T int_mod(T a, T b) {
  if (b == 0) return T(0);
  if constexpr (kSignedInt<T>) {
    if (b == -1) return T(0);
    T r = static_cast<T>(a % b);
    if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
    return r;
  } else {
    return static_cast<T>(a % b);
  }
}

// Integer power by squaring, wrapping modulo 2^bits. A negative exponent gives the real result
// truncated toward zero: 1 for base 1, +-1 for base -1, 0 otherwise.
template <class T>
inline T int_pow(T base, T e) {
  if constexpr (kSignedInt<T>) {
    if (e < 0) {
      if (base == 1) return T(1);
      if (base == -1) return (e & 1) ? T(-1) : T(1);
      return T(0);
    }
  }
  uint64_t r = 1, b = static_cast<uint64_t>(static_cast<int64_t>(base));
  uint64_t n = static_cast<uint64_t>(e);
  while (n) {
    if (n & 1u) r *= b;
    b *= b;
    n >>= 1;
  }
  return static_cast<T>(r);
}

// numpy.maximum / numpy.minimum: NaN in either operand wins.
template <class C>
inline C nan_max(C a, C b) {
  return (a > b || a != a) ? a : b;
}
template <class C>
inline C nan_min(C a, C b) {
  return (a < b || a != a) ? a : b;
}

}  // namespace tfl::cpu
