// Learning-rate schedulers: closed-form schedules written into the optimizer's parameter groups.
#include "core/optim/scheduler.h"

#include <cmath>

#include "core/error.h"
#include "core/ops/creation.h"

namespace tfl::optim {

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(&optimizer) {
  for (const auto& g : optimizer.param_groups()) base_lrs_.push_back(g.get("lr"));
}

void LRScheduler::apply() {
  auto& groups = optimizer_->param_groups();
  for (size_t i = 0; i < groups.size(); ++i) groups[i].set("lr", lr_at(last_epoch_, base_lrs_[i]));
}

void LRScheduler::step() {
  ++last_epoch_;
  apply();
}

StateDict LRScheduler::state_dict() const {
  return {{"last_epoch", scalar_tensor(static_cast<double>(last_epoch_), DType::I64)},
          {"base_lrs", from_buffer(base_lrs_.data(), base_lrs_.size() * sizeof(double),
                                   {static_cast<int64_t>(base_lrs_.size())}, DType::F64)}};
}

void LRScheduler::load_state_dict(const StateDict& state) {
  const char* op = "load_state_dict";
  Tensor epoch, bases;
  for (const auto& [k, t] : state) {
    if (k == "last_epoch") epoch = t;
    else if (k == "base_lrs") bases = t;
    else TFL_THROW(SerializationError, op, "unexpected key '", k, "'");
  }
  if (!epoch.defined() || !bases.defined()) TFL_THROW(SerializationError, op, "needs last_epoch and base_lrs");
  if (epoch.numel() != 1) TFL_THROW(SerializationError, op, "last_epoch must hold one value");
  if (bases.ndim() != 1 || bases.dtype() != DType::F64)
    TFL_THROW(SerializationError, op, "base_lrs must be f64 of shape ", base_lrs_.size(), ", got ",
              dtype_name(bases.dtype()), " ", shape_str(bases.shape()));
  // Well-formed, but saved from an optimizer with another number of parameter groups.
  if (bases.numel() != static_cast<int64_t>(base_lrs_.size()))
    TFL_THROW(OptimizerError, op, "base_lrs must be f64 of shape ", base_lrs_.size(), ", got ",
              dtype_name(bases.dtype()), " ", shape_str(bases.shape()));
  for (int64_t i = 0; i < bases.numel(); ++i)
    base_lrs_[static_cast<size_t>(i)] = bases.as_strided({}, {}, bases.offset() + i * bases.strides()[0]).item();
  last_epoch_ = static_cast<int64_t>(epoch.item());
  apply();
}

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  if (step_size <= 0) TFL_THROW(OptimizerError, "StepLR", "step_size must be > 0, got ", step_size);
  apply();
}

double StepLR::lr_at(int64_t epoch, double base) const {
  return base * std::pow(gamma_, static_cast<double>(epoch / step_size_));
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma) : LRScheduler(optimizer), gamma_(gamma) { apply(); }

double ExponentialLR::lr_at(int64_t epoch, double base) const {
  return base * std::pow(gamma_, static_cast<double>(epoch));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t t_max, double eta_min)
    : LRScheduler(optimizer), t_max_(t_max), eta_min_(eta_min) {
  if (t_max <= 0) TFL_THROW(OptimizerError, "CosineAnnealingLR", "t_max must be > 0, got ", t_max);
  apply();
}

double CosineAnnealingLR::lr_at(int64_t epoch, double base) const {
  const double pi = std::acos(-1.0);
  return eta_min_ + (base - eta_min_) * (1.0 + std::cos(pi * static_cast<double>(epoch) / static_cast<double>(t_max_))) / 2.0;
}

LinearWarmup::LinearWarmup(Optimizer& optimizer, int64_t warmup_steps, double start_factor,
                           std::unique_ptr<LRScheduler> after)
    : LRScheduler(optimizer), warmup_steps_(warmup_steps), start_factor_(start_factor), after_(std::move(after)) {
  if (warmup_steps < 0) TFL_THROW(OptimizerError, "LinearWarmup", "warmup_steps must be >= 0, got ", warmup_steps);
  if (!(start_factor >= 0.0 && start_factor <= 1.0))
    TFL_THROW(OptimizerError, "LinearWarmup", "start_factor must lie in [0, 1], got ", start_factor);
  // The wrapped schedule already applied its step 0: start from the base rates it recorded.
  if (after_) base_lrs_ = after_->base_lrs();
  apply();
}

double LinearWarmup::lr_at(int64_t epoch, double base) const {
  if (epoch < warmup_steps_)
    return base * (start_factor_ + (1.0 - start_factor_) * static_cast<double>(epoch) / static_cast<double>(warmup_steps_));
  return after_ ? after_->lr_at(epoch - warmup_steps_, base) : base;
}

OneCycleLR::OneCycleLR(Optimizer& optimizer, double max_lr, int64_t total_steps, const OneCycleOptions& o)
    : LRScheduler(optimizer), max_lr_(max_lr), total_steps_(total_steps), o_(o) {
  const char* op = "OneCycleLR";
  if (total_steps <= 0) TFL_THROW(OptimizerError, op, "total_steps must be > 0, got ", total_steps);
  if (!(o.pct_start >= 0.0 && o.pct_start <= 1.0))
    TFL_THROW(OptimizerError, op, "pct_start must lie in [0, 1], got ", o.pct_start);
  if (!(max_lr > 0.0)) TFL_THROW(OptimizerError, op, "max_lr must be > 0, got ", max_lr);
  const double initial = max_lr / o.div_factor, min_lr = initial / o.final_div_factor;
  const double t = static_cast<double>(total_steps), pct = o.pct_start;
  const double bm = o.base_momentum, mm = o.max_momentum;
  if (o.three_phase)
    phases_ = {{pct * t - 1.0, initial, max_lr, mm, bm},
               {2.0 * pct * t - 2.0, max_lr, initial, bm, mm},
               {t - 1.0, initial, min_lr, mm, mm}};
  else
    phases_ = {{pct * t - 1.0, initial, max_lr, mm, bm}, {t - 1.0, max_lr, min_lr, bm, mm}};
  if (o.cycle_momentum) {
    const auto& g0 = optimizer.param_groups()[0];
    momentum_name_ = g0.has("momentum") ? "momentum" : g0.has("beta1") ? "beta1" : nullptr;
    if (!momentum_name_)
      TFL_THROW(OptimizerError, op, optimizer.name(), " has no momentum or beta1 to cycle; set cycle_momentum = false");
  }
  for (double& b : base_lrs_) b = initial;
  apply();
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (o_.anneal == AnnealStrategy::kCos) return end + (start - end) / 2.0 * (std::cos(std::acos(-1.0) * pct) + 1.0);
  return (end - start) * pct + start;
}

void OneCycleLR::locate(int64_t epoch, const Phase** phase, double* pct) const {
  if (epoch > total_steps_)
    TFL_THROW(OptimizerError, "OneCycleLR", "tried to step ", epoch, " times; total_steps is ", total_steps_);
  double start = 0.0;
  const double e = static_cast<double>(epoch);
  for (size_t i = 0; i < phases_.size(); ++i) {
    const Phase& ph = phases_[i];
    if (e <= ph.end_step || i + 1 == phases_.size()) {
      *phase = &ph;
      *pct = (e - start) / (ph.end_step - start);
      return;
    }
    start = ph.end_step;
  }
}

double OneCycleLR::lr_at(int64_t epoch, double) const {
  const Phase* ph = &phases_.back();
  double pct = 0.0;
  locate(epoch, &ph, &pct);
  return anneal(ph->start_lr, ph->end_lr, pct);
}

double OneCycleLR::momentum_at(int64_t epoch) const {
  const Phase* ph = &phases_.back();
  double pct = 0.0;
  locate(epoch, &ph, &pct);
  return anneal(ph->start_m, ph->end_m, pct);
}

void OneCycleLR::apply() {
  LRScheduler::apply();
  if (!momentum_name_) return;
  const double m = momentum_at(last_epoch_);
  for (auto& g : optimizer_->param_groups()) g.set(momentum_name_, m);
}

}  // namespace tfl::optim
