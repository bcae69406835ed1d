// C API: learning-rate schedulers over an optimizer (core/optim/scheduler.h). Each writes the closed-form
// rate of its step count into the optimizer; like PyTorch, creation applies step 0.
#include <memory>
#include <string>
#include <utility>

#include "capi/capi_util.h"
#include "capi/handles_optim.h"
#include "core/io/safetensors.h"

namespace {

// A new scheduler handle over `opt` (which it retains) owning s.
tfl_scheduler* make(tfl_optimizer* opt, std::unique_ptr<tfl::optim::LRScheduler> s) {
  return new tfl_scheduler(opt, std::move(s));
}

}  // namespace

#define TFL_CHECK_HANDLE(h) TFL_CHECK_ARG((h) != nullptr, #h, "must not be NULL")

/// Creates a step schedule: lr = base * gamma^floor(epoch / step_size) (torch.optim.lr_scheduler.StepLR),
/// where base is the optimizer's learning rate now.
/// @param[out] out New scheduler; release with tfl_scheduler_release.
/// @param optimizer The optimizer whose learning rate it sets; the scheduler keeps a reference.
/// @param step_size Steps between decays (> 0).
/// @param gamma Factor of each decay (PyTorch's default is 0.1).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or step_size <= 0.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_sched_step_create(TFL_OUT tfl_scheduler** out, TFL_IN tfl_optimizer* optimizer,
                                                          int64_t step_size, double gamma) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_HANDLE(optimizer);
  *out = make(optimizer, std::make_unique<tfl::optim::StepLR>(*optimizer->impl, step_size, gamma));
  TFL_CAPI_END
}

/// Creates an exponential schedule: lr = base * gamma^epoch (torch.optim.lr_scheduler.ExponentialLR).
/// @param[out] out New scheduler; release with tfl_scheduler_release.
/// @param optimizer The optimizer whose learning rate it sets; the scheduler keeps a reference.
/// @param gamma Factor per step.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_sched_exponential_create(TFL_OUT tfl_scheduler** out,
                                                                 TFL_IN tfl_optimizer* optimizer, double gamma) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_HANDLE(optimizer);
  *out = make(optimizer, std::make_unique<tfl::optim::ExponentialLR>(*optimizer->impl, gamma));
  TFL_CAPI_END
}

/// Creates a cosine annealing schedule: lr = eta_min + (base - eta_min) (1 + cos(pi epoch / t_max)) / 2
/// (torch.optim.lr_scheduler.CosineAnnealingLR's closed form; periodic after t_max).
/// @param[out] out New scheduler; release with tfl_scheduler_release.
/// @param optimizer The optimizer whose learning rate it sets; the scheduler keeps a reference.
/// @param t_max Steps of the half period (> 0).
/// @param eta_min The lowest learning rate.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or t_max <= 0.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_sched_cosine_create(TFL_OUT tfl_scheduler** out, TFL_IN tfl_optimizer* optimizer,
                                                            int64_t t_max, double eta_min) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_HANDLE(optimizer);
  *out = make(optimizer, std::make_unique<tfl::optim::CosineAnnealingLR>(*optimizer->impl, t_max, eta_min));
  TFL_CAPI_END
}

/// Creates a linear warm-up: lr = base * (start_factor + (1 - start_factor) epoch / warmup_steps) for
/// epoch < warmup_steps, then the schedule `after` with its epochs counted from the end of the warm-up
/// (or the base rate when after is NULL).
/// @param[out] out New scheduler; release with tfl_scheduler_release.
/// @param optimizer The optimizer whose learning rate it sets; the scheduler keeps a reference.
/// @param warmup_steps Length of the warm-up (>= 0).
/// @param start_factor Fraction of the base rate at step 0, in [0, 1].
/// @param after A scheduler built over the same optimizer just before this call, or NULL. The warm-up
///        takes it over: step only the warm-up from now on (after's handle stays valid and must still
///        be released, but stepping it would advance the wrong schedule). A scheduler can be taken over once.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or an `after` over another optimizer or
///         already taken over; TFL_ERR_OPTIMIZER for out-of-range values.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_sched_linear_warmup_create(TFL_OUT tfl_scheduler** out,
                                                                   TFL_IN tfl_optimizer* optimizer,
                                                                   int64_t warmup_steps, double start_factor,
                                                                   TFL_IN TFL_NULLABLE tfl_scheduler* after) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_HANDLE(optimizer);
  if (after != nullptr) {
    TFL_CHECK_ARG(after->optimizer == optimizer, "after", "was built over another optimizer");
    TFL_CHECK_ARG(after->owned != nullptr, "after", "was already taken over by another warm-up");
    // LinearWarmup's constructor validates these after it has taken `after` over, and a throw there would
    // destroy the schedule behind after's handle: check them first (same conditions, same messages).
    TFL_CHECK_ARG(warmup_steps >= 0, "warmup_steps", "must be >= 0, got " + std::to_string(warmup_steps));
    TFL_CHECK_ARG(start_factor >= 0.0 && start_factor <= 1.0, "start_factor",
                  "must lie in [0, 1], got " + std::to_string(start_factor));
  }
  auto made = std::make_unique<tfl_scheduler>(optimizer, nullptr);  // allocated before anything is moved
  std::unique_ptr<tfl::optim::LRScheduler> then = after ? std::move(after->owned) : nullptr;
  try {
    made->owned = std::make_unique<tfl::optim::LinearWarmup>(*optimizer->impl, warmup_steps, start_factor,
                                                             std::move(then));
  } catch (...) {
    if (then) after->owned = std::move(then);  // the allocation failed before taking it over
    throw;
  }
  made->impl = made->owned.get();
  if (after != nullptr) {
    made->refs.fetch_add(1, std::memory_order_relaxed);
    after->owner = made.get();
  }
  *out = made.release();
  TFL_CAPI_END
}

/// Creates a one-cycle schedule (torch.optim.lr_scheduler.OneCycleLR): the rate rises from
/// max_lr / div_factor to max_lr over pct_start of total_steps, then anneals to that / final_div_factor
/// (three_phase: back to the initial rate first, then to the minimum). With cycle_momentum the
/// optimizer's momentum (SGD, RMSprop) or beta1 (Adam, AdamW, Lion) runs inversely between max_momentum
/// and base_momentum. Stepping more than total_steps times fails.
/// @param[out] out New scheduler; release with tfl_scheduler_release.
/// @param optimizer The optimizer whose learning rate it sets; the scheduler keeps a reference.
/// @param max_lr The peak learning rate (> 0).
/// @param total_steps Number of steps in the cycle (> 0).
/// @param pct_start Fraction of the cycle spent rising, in [0, 1] (PyTorch's default is 0.3).
/// @param anneal Cosine or linear annealing.
/// @param div_factor initial rate = max_lr / div_factor (default 25).
/// @param final_div_factor minimum rate = initial rate / final_div_factor (default 1e4).
/// @param three_phase Use the three-phase variant.
/// @param cycle_momentum Cycle momentum / beta1 too (needs an optimizer that has one).
/// @param base_momentum Lowest momentum (default 0.85).
/// @param max_momentum Highest momentum (default 0.95).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad anneal; TFL_ERR_OPTIMIZER for
///         out-of-range values or cycle_momentum with an optimizer that has no momentum or beta1.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_sched_one_cycle_create(TFL_OUT tfl_scheduler** out,
                                                               TFL_IN tfl_optimizer* optimizer, double max_lr,
                                                               int64_t total_steps, double pct_start,
                                                               tfl_anneal_strategy anneal, double div_factor,
                                                               double final_div_factor, bool three_phase,
                                                               bool cycle_momentum, double base_momentum,
                                                               double max_momentum) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_HANDLE(optimizer);
  TFL_CHECK_ARG(anneal == TFL_ANNEAL_COS || anneal == TFL_ANNEAL_LINEAR, "anneal",
                "is not a valid tfl_anneal_strategy (got " + std::to_string(static_cast<int>(anneal)) + ")");
  tfl::optim::OneCycleOptions o;
  o.pct_start = pct_start;
  o.anneal = anneal == TFL_ANNEAL_COS ? tfl::optim::AnnealStrategy::kCos : tfl::optim::AnnealStrategy::kLinear;
  o.div_factor = div_factor;
  o.final_div_factor = final_div_factor;
  o.three_phase = three_phase;
  o.cycle_momentum = cycle_momentum;
  o.base_momentum = base_momentum;
  o.max_momentum = max_momentum;
  *out = make(optimizer, std::make_unique<tfl::optim::OneCycleLR>(*optimizer->impl, max_lr, total_steps, o));
  TFL_CAPI_END
}

/// Adds a reference to a scheduler.
/// @param scheduler Scheduler handle.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if scheduler is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_scheduler_retain(TFL_IN tfl_scheduler* scheduler) {
  TFL_CAPI_BEGIN
  TFL_CHECK_HANDLE(scheduler);
  scheduler->refs.fetch_add(1, std::memory_order_relaxed);
  TFL_CAPI_END
}

/// Drops a reference; the last one frees the scheduler and its reference to the optimizer.
/// @param scheduler Scheduler handle, or NULL (ignored).
TFL_API TFL_SINCE(0, 1) void tfl_scheduler_release(TFL_IN TFL_NULLABLE tfl_scheduler* scheduler) {
  tfl::capi::release_scheduler(scheduler);
}

/// Advances the schedule by one step and writes the new learning rate into the optimizer; call it
/// after tfl_optimizer_step.
/// @param scheduler The scheduler.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if scheduler is NULL, or a one-cycle schedule stepped past
///         total_steps.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_scheduler_step(TFL_IN tfl_scheduler* scheduler) {
  TFL_CAPI_BEGIN
  TFL_CHECK_HANDLE(scheduler);
  scheduler->impl->step();
  TFL_CAPI_END
}

/// The learning rate the last step (or the creation) set.
/// @param[out] out Receives the learning rate.
/// @param scheduler The scheduler.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_scheduler_last_lr(TFL_OUT double* out, const tfl_scheduler* scheduler) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_HANDLE(scheduler);
  *out = scheduler->impl->lr();
  TFL_CAPI_END
}

/// Number of steps taken since creation (0 right after creation).
/// @param[out] out Receives the step count.
/// @param scheduler The scheduler.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_scheduler_last_epoch(TFL_OUT int64_t* out, const tfl_scheduler* scheduler) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_HANDLE(scheduler);
  *out = scheduler->impl->last_epoch();
  TFL_CAPI_END
}

/// Saves the scheduler's position ("last_epoch", "base_lrs") to a safetensors file.
/// @param scheduler The scheduler.
/// @param path File to write.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_IO when the file cannot be written.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_scheduler_state_save(const tfl_scheduler* scheduler, const char* path) {
  TFL_CAPI_BEGIN
  TFL_CHECK_HANDLE(scheduler);
  TFL_CHECK_ARG(path != nullptr, "path", "must not be NULL");
  tfl::save_safetensors(path, scheduler->impl->state_dict(), {{"format", "tenflowers.scheduler"}});
  TFL_CAPI_END
}

/// Restores a position saved by tfl_scheduler_state_save into a scheduler of the same kind and
/// re-applies the schedule there (the optimizer's learning rate changes accordingly).
/// @param scheduler The scheduler.
/// @param path File to read.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SERIALIZATION for missing,
///         unknown or malformed entries or a file that is not a valid safetensors file;
///         TFL_ERR_OPTIMIZER for base_lrs of another number of parameter groups; TFL_ERR_IO when the
///         file cannot be read.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_scheduler_state_load(TFL_IN tfl_scheduler* scheduler, const char* path) {
  TFL_CAPI_BEGIN
  TFL_CHECK_HANDLE(scheduler);
  TFL_CHECK_ARG(path != nullptr, "path", "must not be NULL");
  scheduler->impl->load_state_dict(tfl::load_safetensors(path).tensors);
  TFL_CAPI_END
}
