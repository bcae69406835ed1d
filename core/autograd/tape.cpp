// GradientTape: scoped recording, watched sources, one-shot or persistent gradient queries.
#include "core/autograd/tape.h"

#include <algorithm>

#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/ops/creation.h"

namespace tfl::autograd {
namespace {
thread_local std::vector<GradientTape*> t_active;
}

GradientTape::GradientTape(bool persistent) : persistent_(persistent), prev_grad_mode_(grad_enabled()) {
  set_grad_enabled(true);
  t_active.push_back(this);
}

GradientTape::~GradientTape() {
  try {
    if (recording_) stop();
  } catch (...) {
    // stop() only throws for out-of-order stops; a destructor must not throw. Drop this tape.
    t_active.erase(std::remove(t_active.begin(), t_active.end(), this), t_active.end());
  }
  for (const Tensor& t : watched_)
    if (is_leaf(t)) set_requires_grad(t, false);
}

void GradientTape::watch(const Tensor& t) {
  check_defined(t, "tape_watch", "t");
  if (!recording_) TFL_THROW(GradientError, "tape_watch", "the tape has stopped recording");
  if (requires_grad(t)) return;  // already a source of gradients (a leaf or a recorded result)
  if (!is_floating(t.dtype()))
    TFL_THROW(DTypeError, "tape_watch", "only floating tensors can be watched, got ", dtype_name(t.dtype()));
  set_requires_grad(t, true);
  watched_.push_back(t);
}

void GradientTape::stop() {
  if (!recording_) return;
  if (t_active.empty() || t_active.back() != this)
    TFL_THROW(GradientError, "tape_stop", "tapes must stop in the reverse order of their creation");
  t_active.pop_back();
  set_grad_enabled(prev_grad_mode_);
  recording_ = false;
}

std::vector<Tensor> GradientTape::gradient(const Tensor& target, const std::vector<Tensor>& sources,
                                           bool unconnected_zeros, const Tensor& output_gradient) {
  check_defined(target, "tape_gradient", "target");
  if (used_ && !persistent_)
    TFL_THROW(GradientError, "tape_gradient",
              "a non-persistent tape computes gradients once; create it with persistent=true to call gradient again");
  used_ = true;
  // Another tape still recording (an outer one) must see this computation, for higher-order gradients.
  bool outer_recording = std::any_of(t_active.begin(), t_active.end(), [this](GradientTape* t) { return t != this; });
  BackwardOptions opt;
  opt.create_graph = outer_recording;
  opt.retain_graph = persistent_ || outer_recording;
  if (!requires_grad(target)) {
    std::vector<Tensor> none;
    for (const Tensor& s : sources) none.push_back(unconnected_zeros && s.defined() ? zeros_like(s) : Tensor());
    return none;
  }
  std::vector<Tensor> grad_outputs;
  if (output_gradient.defined()) grad_outputs.push_back(output_gradient);
  return grad(std::vector<Tensor>{target}, sources, grad_outputs, opt, unconnected_zeros);
}

}  // namespace tfl::autograd
