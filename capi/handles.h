// The structs behind the opaque C handles, and conversions between handles and core objects.
#pragma once

#include <atomic>
#include <cstdint>

#include "capi/api_types.h"
#include "core/tensor.h"

struct tfl_tensor {
  explicit tfl_tensor(tfl::Tensor t) : impl(std::move(t)) {}
  tfl::Tensor impl;
  std::atomic<int32_t> refs{1};
};

namespace tfl::capi {

// A new handle owning one reference to t.
inline tfl_tensor* to_handle(Tensor t) { return new tfl_tensor(std::move(t)); }
inline const Tensor& from_handle(const tfl_tensor* h) { return h->impl; }

}  // namespace tfl::capi
