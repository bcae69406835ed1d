// Copies and dtype casts.
#pragma once

#include "core/tensor.h"

namespace tfl {

// `t` itself when already contiguous, otherwise a row-major copy.
Tensor contiguous(const Tensor& t);
// A copy with the given dtype (always a new tensor, even for the same dtype: see clone()).
Tensor to_dtype(const Tensor& t, DType dtype);
// `t` itself when it already has `dtype`, a converted copy otherwise.
Tensor cast_if_needed(const Tensor& t, DType dtype);
// A new contiguous tensor with the same values.
Tensor clone(const Tensor& t);
// A contiguous copy on `device` (always a new tensor, even on the same device, like to_dtype). Host <->
// device copies are synchronisation points: the values are in place when the call returns.
// DeviceError "CUDA unavailable: <reason>" when the target is a CUDA device that cannot be used.
Tensor to_device(const Tensor& t, Device device);
// Writes src (broadcast to dst's shape, converted to dst's dtype) into dst, in place.
void copy_(const Tensor& dst, const Tensor& src);

}  // namespace tfl
