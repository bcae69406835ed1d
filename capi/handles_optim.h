// The structs behind the optimizer, scheduler and safetensors handles of the C API.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "capi/api_types.h"
#include "core/io/safetensors.h"
#include "core/optim/optimizer.h"
#include "core/optim/scheduler.h"

struct tfl_optimizer {
  explicit tfl_optimizer(std::unique_ptr<tfl::optim::Optimizer> o) : impl(std::move(o)) {}
  std::unique_ptr<tfl::optim::Optimizer> impl;
  std::atomic<int32_t> refs{1};
};

namespace tfl::capi {

inline void release_optimizer(tfl_optimizer* h) {
  if (h != nullptr && h->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete h;
}

}  // namespace tfl::capi

// A scheduler holds a reference to its optimizer, so that the optimizer outlives it whatever order the
// caller releases them in. A scheduler handed to tfl_sched_linear_warmup_create as `after` is owned by
// the warm-up's core object from then on (LinearWarmup takes a unique_ptr); its handle then holds a
// reference to the warm-up's handle instead (`owner`), which keeps `impl` alive as long as the handle is.
struct tfl_scheduler {
  tfl_scheduler(tfl_optimizer* opt, std::unique_ptr<tfl::optim::LRScheduler> s)
      : optimizer(opt), owned(std::move(s)), impl(owned.get()) {
    optimizer->refs.fetch_add(1, std::memory_order_relaxed);
  }
  ~tfl_scheduler();
  tfl_optimizer* optimizer;                         // one reference
  std::unique_ptr<tfl::optim::LRScheduler> owned;  // null once taken over by a warm-up
  tfl::optim::LRScheduler* impl;
  tfl_scheduler* owner = nullptr;  // one reference to the warm-up that took `owned` over
  std::atomic<int32_t> refs{1};
};

namespace tfl::capi {

inline void release_scheduler(tfl_scheduler* h) {
  if (h != nullptr && h->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete h;
}

}  // namespace tfl::capi

inline tfl_scheduler::~tfl_scheduler() {
  owned.reset();  // before the optimizer reference goes: the scheduler points into the optimizer
  tfl::capi::release_scheduler(owner);
  tfl::capi::release_optimizer(optimizer);
}

struct tfl_safetensors {
  explicit tfl_safetensors(tfl::SafetensorsFile f) : file(std::move(f)) {}
  tfl::SafetensorsFile file;
  std::atomic<int32_t> refs{1};
};
