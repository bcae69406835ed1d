// dtype introspection, derived from std::numeric_limits of each dtype's C++ type (so dtypes added to
// dispatch_all_types are covered without a table to update).
#include "core/dtype_info.h"

#include <limits>
#include <type_traits>

namespace tfl {
namespace {

// Significand digits (with the implicit bit) and the largest binary exponent of a floating type.
template <class T> struct FloatDigits {
  static constexpr int digits = std::numeric_limits<T>::digits;
  static constexpr int max_exponent = std::numeric_limits<T>::max_exponent;
};
template <> struct FloatDigits<Half> {
  static constexpr int digits = 11;
  static constexpr int max_exponent = 16;
};
template <> struct FloatDigits<BFloat16> {
  static constexpr int digits = 8;
  static constexpr int max_exponent = 128;
};

template <class T> constexpr bool kFloat = std::is_floating_point_v<T> || std::is_same_v<T, Half> ||
                                           std::is_same_v<T, BFloat16>;

template <class F, class T>
bool safe_cast() {
  if constexpr (std::is_same_v<F, T> || std::is_same_v<F, bool>) {
    return true;
  } else if constexpr (std::is_same_v<T, bool>) {
    return false;
  } else if constexpr (kFloat<F>) {
    if constexpr (!kFloat<T>) return false;
    else return FloatDigits<F>::digits <= FloatDigits<T>::digits && FloatDigits<F>::max_exponent <= FloatDigits<T>::max_exponent;
  } else if constexpr (kFloat<T>) {
    // An integer type converts exactly when its magnitude bits fit the significand (digits excludes the sign).
    return std::numeric_limits<F>::digits <= FloatDigits<T>::digits;
  } else {
    using LF = std::numeric_limits<F>;
    using LT = std::numeric_limits<T>;
    if (LF::is_signed && !LT::is_signed) return false;
    if (!LF::is_signed && LT::is_signed) return LF::digits <= LT::digits;
    return LF::digits <= LT::digits;
  }
}

}  // namespace

bool dtype_is_signed(DType dt) {
  return dispatch_all_types(dt, "dtype_is_signed", [](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) return false;
    else if constexpr (kFloat<T>) return true;
    else return std::numeric_limits<T>::is_signed;
  });
}

bool dtype_can_cast(DType from, DType to) {
  return dispatch_all_types(from, "can_cast", [&](auto ftag) {
    return dispatch_all_types(to, "can_cast", [&](auto ttag) {
      return safe_cast<typename decltype(ftag)::type, typename decltype(ttag)::type>();
    });
  });
}

}  // namespace tfl
