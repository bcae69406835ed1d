// Argument checks shared by the tensor functions of the C API.
#pragma once

#include <string>

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
