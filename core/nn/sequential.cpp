// Sequential container.
#include "core/nn/sequential.h"

#include <string>

#include "core/error.h"

namespace tfl::nn {

Sequential::Sequential(std::vector<std::shared_ptr<Module>> modules) : Module("Sequential") {
  for (auto& m : modules) push_back(std::move(m));
}

Sequential& Sequential::push_back(std::shared_ptr<Module> m) {
  register_module(std::to_string(modules_.size()), m);
  modules_.push_back(std::move(m));
  return *this;
}

std::shared_ptr<Module> Sequential::operator[](int64_t i) const {
  int64_t n = static_cast<int64_t>(modules_.size());
  int64_t j = i < 0 ? i + n : i;
  if (j < 0 || j >= n) TFL_THROW(IndexError, "Sequential", "index ", i, " is out of range for ", n, " modules");
  return modules_[static_cast<size_t>(j)];
}

Tensor Sequential::forward(const std::vector<Tensor>& inputs) {
  if (modules_.empty()) {
    check_input_count(inputs, 1);
    return inputs[0];
  }
  Tensor x = (*modules_[0])(inputs);
  for (size_t i = 1; i < modules_.size(); ++i) x = (*modules_[i])(x);
  return x;
}

}  // namespace tfl::nn
