// Optimizer: the base of all optimizers (parameter groups, per-parameter state, step, checkpointing).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/nn/state_dict.h"
#include "core/tensor.h"

namespace tfl::optim {

// Named hyperparameters (lr, weight_decay, beta1, ...), in a fixed order per optimizer. Flags such as
// nesterov are stored as 0/1 so that every hyperparameter checkpoints as one f64 value.
using Options = std::vector<std::pair<std::string, double>>;

// A set of parameters sharing hyperparameters.
struct ParamGroup {
  std::vector<Tensor> params;
  Options options;

  bool has(const std::string& name) const;
  // OptimizerError naming the option when the group has no such hyperparameter.
  double get(const std::string& name) const;
  void set(const std::string& name, double value);
};

// What a constructor takes per group: the parameters and overrides of the optimizer's defaults
// (e.g. {{"lr", 0.1}, {"weight_decay", 0}}); an override of an unknown name is an error.
struct ParamGroupSpec {
  std::vector<Tensor> params;
  Options overrides;
};

// State of one parameter, created on its first update.
struct ParamState {
  int64_t step = 0;  // number of updates this parameter received
  StateDict buffers;  // contiguous, the parameter's shape, in its compute dtype (f32 for f16/bf16)
  Options scalars;    // per-parameter running scalars (e.g. NAdam's mu_product), checkpointed as 0-d f64
  bool initialized() const { return !buffers.empty() || step > 0; }
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // Updates every parameter that has a gradient, in place (bumping its version), with recording off.
  // Parameters without a gradient are skipped and their state is left untouched.
  void step();
  // Drops every gradient (set_to_none) or fills it with zeros.
  void zero_grad(bool set_to_none = true);

  // Learning rate of group 0; set_lr sets it in every group.
  double lr() const;
  void set_lr(double lr);

  std::vector<ParamGroup>& param_groups() { return groups_; }
  const std::vector<ParamGroup>& param_groups() const { return groups_; }
  // State of the k-th parameter counting across groups in order.
  const ParamState& state(size_t k) const;
  const char* name() const { return name_; }

  // Keys: "param_groups.<g>.<option>" (0-d f64), "param_groups.<g>.num_params" (0-d i64),
  // "state.<k>.step" (0-d i64), "state.<k>.<buffer>" and "state.<k>.<scalar>" (0-d f64) for every
  // parameter that has state. The buffers are shared with the optimizer, not copied.
  StateDict state_dict() const;
  // Restores hyperparameters, step counts and (copies of) the buffers, so that training resumes
  // bit-identically. The optimizer must have been built over parameters of the same group sizes,
  // shapes and dtypes; missing or unknown keys and mismatched tensors (the state of another optimizer
  // type or parameter set) are OptimizerErrors, a malformed dict (duplicate keys, a scalar entry that
  // does not hold one value) a SerializationError, and nothing is changed when one is found.
  void load_state_dict(const StateDict& state);

 protected:
  Optimizer(const char* name, std::vector<ParamGroupSpec> groups, Options defaults);

  // Checks a group's hyperparameters (OptimizerError for out-of-range values).
  virtual void validate(const ParamGroup& group) const = 0;
  // Names of the state buffers a parameter of this group keeps (created as zeros unless
  // init_buffer says otherwise).
  virtual std::vector<std::string> buffer_names(const ParamGroup& group) const = 0;
  virtual double buffer_init(const ParamGroup&, const std::string&) const { return 0.0; }
  // Names and initial values of the running scalars a parameter of this group keeps (none by default).
  virtual Options scalar_state(const ParamGroup&) const { return {}; }
  // One update: p and g are contiguous tensors of the compute dtype, state.step is already incremented.
  virtual void update(const ParamGroup& group, ParamState& state, const Tensor& p, const Tensor& g) = 0;

  // Runs validate on every group; derived constructors call it (virtual calls do not reach them
  // from the base constructor).
  void validate_groups() const;
  // Calls the fused kernel `op` on p (out), g and the state buffers (in that order).
  static void run_kernel(int op, const Tensor& p, const Tensor& g, const ParamState& state, const void* params);

 private:
  const char* name_;
  std::vector<ParamGroup> groups_;
  std::vector<ParamState> state_;  // per parameter across groups
};

}  // namespace tfl::optim
