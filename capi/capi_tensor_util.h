// Argument checks shared by the tensor functions of the C API.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capi/capi_util.h"
#include "capi/handles.h"

// Checks a borrowed tensor handle argument.
#define TFL_CHECK_TENSOR(h) TFL_CHECK_ARG((h) != nullptr, #h, "must not be NULL")

// Checks a dtype code argument.
#define TFL_CHECK_DTYPE(dt)                                                                  \
  TFL_CHECK_ARG(::tfl::dtype_is_valid(static_cast<int32_t>(dt)), #dt,                        \
                "is not a valid tfl_dtype (got " + std::to_string(static_cast<int>(dt)) + ")")

// Checks a (shape, ndim) pair: the pointer may be NULL only for ndim == 0.
#define TFL_CHECK_SHAPE(shape, ndim)                                                         \
  TFL_CHECK_ARG((shape) != nullptr || (ndim) == 0, #shape, "must not be NULL when " #ndim " > 0")

namespace tfl::capi {
inline DType to_dtype(tfl_dtype dt) { return static_cast<DType>(dt); }
}  // namespace tfl::capi

// --- helpers of the op wrappers (capi/ops_*.cpp) ---------------------------------------------------

// The whole body of an op wrapper whose result is one new tensor in `out` and whose only handle
// arguments are the listed ones: checks out and each handle, then *out = the expression (variadic, so
// that braced arguments may hold commas). Keeps __func__ (and so every message) naming the exported
// function.
#define TFL_TENSOR_OP1(t, ...) \
  TFL_CAPI_BEGIN                \
  TFL_CHECK_OUT(out);           \
  TFL_CHECK_TENSOR(t);          \
  *out = ::tfl::capi::to_handle(__VA_ARGS__); \
  TFL_CAPI_END
#define TFL_TENSOR_OP2(a, b, ...) \
  TFL_CAPI_BEGIN                   \
  TFL_CHECK_OUT(out);              \
  TFL_CHECK_TENSOR(a);             \
  TFL_CHECK_TENSOR(b);             \
  *out = ::tfl::capi::to_handle(__VA_ARGS__); \
  TFL_CAPI_END

// Checks an (array, count) pair: the pointer may be NULL only for count == 0.
#define TFL_CHECK_ARRAY(ptr, n) \
  TFL_CHECK_ARG((ptr) != nullptr || (n) == 0, #ptr, "must not be NULL when " #n " > 0")

// Checks an array of borrowed tensor handles: the array, and each of its elements.
#define TFL_CHECK_TENSOR_ARRAY(ts, n)                                                              \
  do {                                                                                             \
    TFL_CHECK_ARRAY(ts, n);                                                                        \
    for (size_t i_ = 0; i_ < (n); ++i_)                                                            \
      TFL_CHECK_ARG((ts)[i_] != nullptr, #ts, "element " + std::to_string(i_) + " is NULL");       \
  } while (0)

// Checks a caller array of `capacity` out handles and sets every slot to NULL (STYLE.md rule 16).
#define TFL_CHECK_OUT_ARRAY(out, capacity)                                                         \
  do {                                                                                             \
    TFL_CHECK_ARG((out) != nullptr || (capacity) == 0, #out, "must not be NULL when " #capacity " > 0"); \
    for (size_t i_ = 0; i_ < (capacity); ++i_) (out)[i_] = nullptr;                                \
  } while (0)

namespace tfl::capi {

inline std::vector<int64_t> to_vector(const int64_t* p, size_t n) {
  return n == 0 ? std::vector<int64_t>() : std::vector<int64_t>(p, p + n);
}

inline std::vector<Tensor> to_tensors(const tfl_tensor* const* ts, size_t n) {
  std::vector<Tensor> r;
  r.reserve(n);
  for (size_t i = 0; i < n; ++i) r.push_back(from_handle(ts[i]));
  return r;
}

// An optional value passed as a nullable pointer (NULL = absent).
inline std::optional<int64_t> optional_of(const int64_t* p) {
  return p ? std::optional<int64_t>(*p) : std::nullopt;
}

}  // namespace tfl::capi
