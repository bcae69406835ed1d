// Parameter: the side table of marked tensors (see Note [Parameter marking]).
#include "core/nn/parameter.h"

#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/autograd/variable.h"
#include "core/error.h"

namespace tfl::nn {

namespace {

struct MarkTable {
  std::mutex mu;
  std::unordered_map<const TensorImpl*, std::weak_ptr<TensorImpl>> marked;
  size_t sweep_at = 64;  // drop expired entries when the table grows past this (amortised O(1))
};

MarkTable& table() {
  static MarkTable* t = new MarkTable();  // never destroyed: tensors may die during static destruction
  return *t;
}

void add_mark(const Tensor& t) {
  MarkTable& tb = table();
  std::lock_guard<std::mutex> lock(tb.mu);
  if (tb.marked.size() >= tb.sweep_at) {
    for (auto it = tb.marked.begin(); it != tb.marked.end();) it = it->second.expired() ? tb.marked.erase(it) : std::next(it);
    tb.sweep_at = 2 * tb.marked.size() + 64;
  }
  tb.marked[t.impl()] = t.impl_ptr();
}

}  // namespace

Parameter::Parameter(const Tensor& data, bool requires_grad) {
  if (!data.defined()) return;
  *this = mark(autograd::detach(data), requires_grad);
}

Parameter Parameter::mark(const Tensor& t, bool requires_grad) {
  check_defined(t, "Parameter", "t");
  if (!autograd::is_leaf(t))
    TFL_THROW(InvalidArgumentError, "Parameter", "a parameter must be a leaf tensor (computed by no op); use detach(t)");
  autograd::set_requires_grad(t, requires_grad);
  add_mark(t);
  return Parameter(Marked{}, t);
}

bool is_parameter(const Tensor& t) {
  if (!t.defined()) return false;
  MarkTable& tb = table();
  std::lock_guard<std::mutex> lock(tb.mu);
  auto it = tb.marked.find(t.impl());
  if (it == tb.marked.end()) return false;
  std::shared_ptr<TensorImpl> live = it->second.lock();
  if (live.get() == t.impl()) return true;
  tb.marked.erase(it);  // a dead parameter's address, reused
  return false;
}

}  // namespace tfl::nn
