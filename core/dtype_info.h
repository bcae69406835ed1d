// dtype introspection: signedness, and which casts preserve every value (NumPy's "safe" casting).
#pragma once

#include "core/dtype.h"

namespace tfl {

// True for floating dtypes and signed integers; false for unsigned integers and bool.
bool dtype_is_signed(DType dt);
// True iff every value of `from` converts to `to` exactly (same dtype; bool to anything; integers into
// integers of wider range or floats with enough significand digits; floats into floats of at least the
// same precision and range). Never true for float -> integer or number -> bool.
bool dtype_can_cast(DType from, DType to);

}  // namespace tfl
