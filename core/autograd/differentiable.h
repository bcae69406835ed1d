// The list of ops that record a backward, so the gradient checker can prove each one is tested.
#pragma once

#include <string>
#include <vector>

namespace tfl::autograd {

void register_differentiable(const char* name);
bool is_registered_differentiable(const std::string& name);
std::vector<std::string> differentiable_ops();

}  // namespace tfl::autograd

// At namespace scope in the op file that records `name`: TFL_DIFFERENTIABLE(add);
#define TFL_DIFFERENTIABLE(name)                                                   \
  static const bool TFL_DIFF_CONCAT_(tfl_differentiable_, __COUNTER__) =           \
      (::tfl::autograd::register_differentiable(#name), true)
#define TFL_DIFF_CONCAT_INNER_(a, b) a##b
#define TFL_DIFF_CONCAT_(a, b) TFL_DIFF_CONCAT_INNER_(a, b)
