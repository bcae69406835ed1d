// Sequential: a chain of modules, each fed the previous one's output.
#pragma once

#include <memory>
#include <vector>

#include "core/nn/module.h"

namespace tfl::nn {

// Children are named "0", "1", ... in order. The first child receives all inputs, each later child
// the previous output; every child runs through operator() so its hooks fire. An empty Sequential
// returns its single input.
class Sequential : public Module {
 public:
  Sequential() : Module("Sequential") {}
  explicit Sequential(std::vector<std::shared_ptr<Module>> modules);
  using Module::forward;
  Tensor forward(const std::vector<Tensor>& inputs) override;

  // Appends a module (named by its position) and returns *this.
  Sequential& push_back(std::shared_ptr<Module> m);
  size_t size() const { return modules_.size(); }
  // The module at position i (negative counts from the end); IndexError when out of range.
  std::shared_ptr<Module> operator[](int64_t i) const;

 private:
  std::vector<std::shared_ptr<Module>> modules_;
};

}  // namespace tfl::nn
