// Learning-rate schedulers: StepLR, ExponentialLR, CosineAnnealingLR, LinearWarmup, OneCycleLR.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/nn/state_dict.h"
#include "core/optim/optimizer.h"

namespace tfl::optim {

// A schedule is a closed-form function of the step count (PyTorch's formulas), applied to every
// parameter group from the group's base learning rate (its lr when the scheduler was built).
// As in PyTorch, construction applies step 0 and each step() advances by one; call it after
// optimizer.step().
class LRScheduler {
 public:
  virtual ~LRScheduler() = default;
  void step();
  int64_t last_epoch() const { return last_epoch_; }
  const std::vector<double>& base_lrs() const { return base_lrs_; }
  // The learning rate of group 0 after the last step.
  double lr() const { return optimizer_->lr(); }
  // The schedule: learning rate at `epoch` for a group whose base rate is base_lr.
  virtual double lr_at(int64_t epoch, double base_lr) const = 0;

  // "last_epoch" (0-d i64) and "base_lrs" (1-D f64); loading re-applies the schedule at last_epoch.
  // A malformed dict is a SerializationError; base_lrs of another group count an OptimizerError.
  StateDict state_dict() const;
  void load_state_dict(const StateDict& state);

 protected:
  explicit LRScheduler(Optimizer& optimizer);
  // Sets the optimizer's rates for last_epoch_; derived constructors call it once they are complete.
  virtual void apply();
  Optimizer* optimizer_;
  std::vector<double> base_lrs_;
  int64_t last_epoch_ = 0;
};

// base * gamma^floor(epoch / step_size)
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1);
  double lr_at(int64_t epoch, double base_lr) const override;

 private:
  int64_t step_size_;
  double gamma_;
};

// base * gamma^epoch
class ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma);
  double lr_at(int64_t epoch, double base_lr) const override;

 private:
  double gamma_;
};

// eta_min + (base - eta_min) (1 + cos(pi epoch / t_max)) / 2 (PyTorch's closed form; periodic after t_max).
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t t_max, double eta_min = 0.0);
  double lr_at(int64_t epoch, double base_lr) const override;

 private:
  int64_t t_max_;
  double eta_min_;
};

// base * (start_factor + (1 - start_factor) epoch / warmup_steps) for epoch < warmup_steps, then
// `after` (built over the same optimizer, its epochs counted from the end of the warm-up), or the
// base rate when `after` is null.
class LinearWarmup : public LRScheduler {
 public:
  LinearWarmup(Optimizer& optimizer, int64_t warmup_steps, double start_factor = 0.0,
               std::unique_ptr<LRScheduler> after = nullptr);
  double lr_at(int64_t epoch, double base_lr) const override;

 private:
  int64_t warmup_steps_;
  double start_factor_;
  std::unique_ptr<LRScheduler> after_;
};

enum class AnnealStrategy { kCos, kLinear };

struct OneCycleOptions {
  double pct_start = 0.3;
  AnnealStrategy anneal = AnnealStrategy::kCos;
  double div_factor = 25.0;          // initial_lr = max_lr / div_factor
  double final_div_factor = 1e4;     // min_lr = initial_lr / final_div_factor
  bool three_phase = false;
  bool cycle_momentum = true;        // momentum (SGD, RMSprop) or beta1 (Adam, Lion) runs inversely to lr
  double base_momentum = 0.85, max_momentum = 0.95;
};

// PyTorch's OneCycleLR: the rate rises from max_lr / div_factor to max_lr over pct_start of
// total_steps, then anneals to the minimum (three_phase: back to initial first). It replaces the
// groups' learning rates; stepping past total_steps is an OptimizerError.
class OneCycleLR : public LRScheduler {
 public:
  OneCycleLR(Optimizer& optimizer, double max_lr, int64_t total_steps, const OneCycleOptions& options = {});
  double lr_at(int64_t epoch, double base_lr) const override;
  double momentum_at(int64_t epoch) const;

 protected:
  void apply() override;

 private:
  struct Phase {
    double end_step, start_lr, end_lr, start_m, end_m;
  };
  double anneal(double start, double end, double pct) const;
  // Which phase and how far into it `epoch` is.
  void locate(int64_t epoch, const Phase** phase, double* pct) const;
  double max_lr_;
  int64_t total_steps_;
  OneCycleOptions o_;
  std::vector<Phase> phases_;
  const char* momentum_name_ = nullptr;
};

}  // namespace tfl::optim
