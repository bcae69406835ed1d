// The structs behind the opaque C handles, and conversions between handles and core objects.
#pragma once

#include <atomic>
#include <cstdint>

#include "capi/api_types.h"
#include "core/object_pool.h"
#include "core/tensor.h"

struct tfl_tensor {
  explicit tfl_tensor(tfl::Tensor t) : impl(std::move(t)) {}
  // Every op returns a new handle: take its memory from the thread's block cache, not malloc
  // (see Note [Object pool] in core/object_pool.h).
  static void* operator new(size_t) { return Cache::local().get(); }
  static void operator delete(void* p) { Cache::local().put(p); }
  using Cache = tfl::detail::BlockCache<tfl::detail::pool_block_size(sizeof(tfl::Tensor) + sizeof(std::atomic<int32_t>))>;
  tfl::Tensor impl;
  std::atomic<int32_t> refs{1};
};
static_assert(sizeof(tfl_tensor) <= tfl::detail::pool_block_size(sizeof(tfl::Tensor) + sizeof(std::atomic<int32_t>)),
              "tfl_tensor outgrew its pool block");

namespace tfl::capi {

// A new handle owning one reference to t.
inline tfl_tensor* to_handle(Tensor t) { return new tfl_tensor(std::move(t)); }
inline const Tensor& from_handle(const tfl_tensor* h) { return h->impl; }

}  // namespace tfl::capi

// --- autograd handles and conversions -------------------------------------------------------------

#include <memory>
#include <vector>

#include "core/autograd/tape.h"

struct tfl_tape {
  explicit tfl_tape(bool persistent) : impl(persistent) {}
  tfl::autograd::GradientTape impl;
  std::atomic<int32_t> refs{1};
};

namespace tfl::capi {

// Drops one reference of a tensor handle (the body of tfl_tensor_release, for C++ callers).
inline void release_handle(tfl_tensor* h) {
  if (h != nullptr && h->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete h;
}

// The tensors behind an array of handles; a NULL element gives an undefined Tensor (the caller checks
// elements that must not be NULL).
inline std::vector<Tensor> from_handles(const tfl_tensor* const* hs, size_t n) {
  std::vector<Tensor> v;
  v.reserve(n);
  for (size_t i = 0; i < n; ++i) v.push_back(hs[i] ? hs[i]->impl : Tensor());
  return v;
}

// Writes one new handle per tensor into out[0..ts.size()) (NULL for undefined tensors). Either every
// handle is written or, when an allocation fails, none is (and the exception propagates).
inline void to_handles(tfl_tensor** out, const std::vector<Tensor>& ts) {
  std::vector<std::unique_ptr<tfl_tensor>> made(ts.size());
  for (size_t i = 0; i < ts.size(); ++i)
    if (ts[i].defined()) made[i] = std::make_unique<tfl_tensor>(ts[i]);
  for (size_t i = 0; i < ts.size(); ++i) out[i] = made[i].release();
}

}  // namespace tfl::capi
