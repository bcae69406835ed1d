// Optimizer base: parameter groups, lazily created per-parameter state, the step loop, state dicts.
#include "core/optim/optimizer.h"

#include <map>
#include <set>
#include <unordered_set>

#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/dispatch.h"
#include "core/error.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"

namespace tfl::optim {

bool ParamGroup::has(const std::string& name) const {
  for (const auto& [k, v] : options)
    if (k == name) return true;
  return false;
}

double ParamGroup::get(const std::string& name) const {
  for (const auto& [k, v] : options)
    if (k == name) return v;
  TFL_THROW(OptimizerError, "optimizer", "no hyperparameter named '", name, "'");
}

void ParamGroup::set(const std::string& name, double value) {
  for (auto& [k, v] : options)
    if (k == name) {
      v = value;
      return;
    }
  TFL_THROW(OptimizerError, "optimizer", "no hyperparameter named '", name, "'");
}

Optimizer::Optimizer(const char* name, std::vector<ParamGroupSpec> groups, Options defaults) : name_(name) {
  if (groups.empty()) TFL_THROW(OptimizerError, name, "needs at least one parameter group");
  std::unordered_set<const TensorImpl*> seen;
  for (auto& spec : groups) {
    ParamGroup g{std::move(spec.params), defaults};
    for (const auto& [k, v] : spec.overrides) {
      if (!g.has(k)) TFL_THROW(OptimizerError, name, "unknown hyperparameter '", k, "'");
      g.set(k, v);
    }
    for (const Tensor& p : g.params) {
      check_defined(p, name, "parameter");
      if (!is_floating(p.dtype()))
        TFL_THROW(DTypeError, name, "parameters must be floating, got ", dtype_name(p.dtype()));
      if (!seen.insert(p.impl()).second)
        TFL_THROW(OptimizerError, name, "a parameter appears more than once");
    }
    groups_.push_back(std::move(g));
  }
  size_t n = 0;
  for (const auto& g : groups_) n += g.params.size();
  state_.resize(n);
}

void Optimizer::validate_groups() const {
  for (const auto& g : groups_) {
    if (!(g.get("lr") >= 0.0)) TFL_THROW(OptimizerError, name_, "lr must be >= 0, got ", g.get("lr"));
    validate(g);
  }
}

const ParamState& Optimizer::state(size_t k) const {
  if (k >= state_.size())
    TFL_THROW(IndexError, name_, "parameter index ", k, " out of range for ", state_.size(), " parameters");
  return state_[k];
}

double Optimizer::lr() const { return groups_[0].get("lr"); }

void Optimizer::set_lr(double lr) {
  if (!(lr >= 0.0)) TFL_THROW(OptimizerError, name_, "lr must be >= 0, got ", lr);
  for (auto& g : groups_) g.set("lr", lr);
}

void Optimizer::zero_grad(bool set_to_none) {
  for (auto& g : groups_)
    for (const Tensor& p : g.params) {
      Tensor gr = autograd::grad(p);
      if (!gr.defined()) continue;
      if (set_to_none)
        autograd::set_grad(p, Tensor());
      else
        fill_(gr, 0.0);
    }
}

void Optimizer::step() {
  autograd::NoGradGuard no_grad;
  size_t k = 0;
  for (auto& group : groups_) {
    for (const Tensor& p : group.params) {
      ParamState& st = state_[k++];
      Tensor g = autograd::grad(p);
      if (!g.defined()) continue;
      if (g.shape() != p.shape())
        TFL_THROW(ShapeError, name_, "gradient of shape ", shape_str(g.shape()), " for a parameter of shape ",
                  shape_str(p.shape()));
      const DType cd = compute_dtype(p.dtype());
      // The kernels want dense f32/f64 operands; other layouts and dtypes update a working copy.
      const bool direct = p.is_contiguous() && p.dtype() == cd;
      Tensor work = direct ? p : contiguous(to_dtype(p, cd));
      Tensor gw = contiguous(cast_if_needed(g, cd));
      const auto names = buffer_names(group);
      if (!st.initialized()) {
        for (const auto& b : names) st.buffers.emplace_back(b, full(p.shape(), buffer_init(group, b), cd));
        st.scalars = scalar_state(group);
      } else if (st.buffers.size() != names.size()) {
        TFL_THROW(OptimizerError, name_, "hyperparameters changed which state buffers a parameter keeps ",
                  "(e.g. momentum turned on after the first step); build a new optimizer instead");
      }
      ++st.step;
      update(group, st, work, gw);
      if (direct)
        p.bump_version();
      else
        copy_(p, work);
    }
  }
}

void Optimizer::run_kernel(int op, const Tensor& p, const Tensor& g, const ParamState& state, const void* params) {
  const int64_t n = p.numel();
  if (n == 0) return;
  KernelArgs args;
  const Shape shape{n};
  const Strides strides{1};
  args.out = make_arg(p.data_ptr(), p.dtype(), shape, strides);
  args.in[0] = make_arg(g.data_ptr(), g.dtype(), shape, strides);
  args.nin = 1;
  for (const auto& [name, buf] : state.buffers) {
    TFL_INTERNAL_ASSERT(args.nin < KernelArgs::kMaxInputs);
    args.in[args.nin++] = make_arg(buf.data_ptr(), buf.dtype(), shape, strides);
  }
  args.params = params;
  find_kernel(op, p.device().type, p.dtype())(args);
}

namespace {
std::string group_key(size_t g, const std::string& name) { return "param_groups." + std::to_string(g) + "." + name; }
std::string state_key(size_t k, const std::string& name) { return "state." + std::to_string(k) + "." + name; }
}  // namespace

StateDict Optimizer::state_dict() const {
  StateDict out;
  for (size_t g = 0; g < groups_.size(); ++g) {
    out.emplace_back(group_key(g, "num_params"),
                     scalar_tensor(static_cast<double>(groups_[g].params.size()), DType::I64));
    for (const auto& [k, v] : groups_[g].options) out.emplace_back(group_key(g, k), scalar_tensor(v, DType::F64));
  }
  for (size_t k = 0; k < state_.size(); ++k) {
    if (!state_[k].initialized()) continue;
    out.emplace_back(state_key(k, "step"), scalar_tensor(static_cast<double>(state_[k].step), DType::I64));
    for (const auto& [name, buf] : state_[k].buffers) out.emplace_back(state_key(k, name), buf);
    for (const auto& [name, v] : state_[k].scalars) out.emplace_back(state_key(k, name), scalar_tensor(v, DType::F64));
  }
  return out;
}

void Optimizer::load_state_dict(const StateDict& sd) {
  const char* op = "load_state_dict";
  std::map<std::string, Tensor> by_name;
  for (const auto& [k, t] : sd) {
    check_defined(t, op, "state tensor");
    if (!by_name.emplace(k, t).second) TFL_THROW(SerializationError, op, "duplicate key '", k, "'");
  }
  size_t used = 0;
  std::set<std::string> consumed;
  auto take_scalar = [&](const std::string& key, bool required, double* value) {
    auto it = by_name.find(key);
    if (it == by_name.end()) {
      if (required) TFL_THROW(OptimizerError, op, "missing key '", key, "'");
      return false;
    }
    if (it->second.numel() != 1)
      TFL_THROW(SerializationError, op, "'", key, "' must hold one value, got shape ", shape_str(it->second.shape()));
    *value = it->second.item();
    consumed.insert(key);
    ++used;
    return true;
  };
  // Build everything first so that a bad state dict leaves the optimizer unchanged.
  std::vector<ParamGroup> groups = groups_;
  std::vector<ParamState> states(state_.size());
  size_t k = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    double n = 0;
    take_scalar(group_key(g, "num_params"), true, &n);
    if (n != static_cast<double>(groups[g].params.size()))
      TFL_THROW(OptimizerError, op, "group ", g, " has ", groups[g].params.size(),
                " parameters, the state dict ", static_cast<int64_t>(n));
    for (auto& [name, v] : groups[g].options) take_scalar(group_key(g, name), true, &v);
    validate(groups[g]);
    for (const Tensor& p : groups[g].params) {
      ParamState& st = states[k];
      double step = 0;
      if (take_scalar(state_key(k, "step"), false, &step)) {
        st.step = static_cast<int64_t>(step);
        const DType cd = compute_dtype(p.dtype());
        for (const auto& b : buffer_names(groups[g])) {
          const std::string key = state_key(k, b);
          auto it = by_name.find(key);
          if (it == by_name.end()) TFL_THROW(OptimizerError, op, "missing key '", key, "'");
          const Tensor& t = it->second;
          if (t.shape() != p.shape() || t.dtype() != cd)
            TFL_THROW(OptimizerError, op, "'", key, "' is ", dtype_name(t.dtype()), " ", shape_str(t.shape()),
                      ", expected ", dtype_name(cd), " ", shape_str(p.shape()));
          st.buffers.emplace_back(b, clone(t));
          consumed.insert(key);
          ++used;
        }
        for (const auto& [name, init] : scalar_state(groups[g])) {
          double v = init;
          take_scalar(state_key(k, name), true, &v);
          st.scalars.emplace_back(name, v);
        }
      }
      ++k;
    }
  }
  if (used != by_name.size())
    for (const auto& [key, t] : by_name)
      if (!consumed.count(key)) TFL_THROW(OptimizerError, op, "unexpected key '", key, "'");
  groups_ = std::move(groups);
  state_ = std::move(states);
}

}  // namespace tfl::optim
