// Registry of differentiable op names.
#include "core/autograd/differentiable.h"

#include <algorithm>
#include <mutex>
#include <set>

namespace tfl::autograd {
namespace {
struct Registry {
  std::mutex mu;
  std::set<std::string> names;
};
Registry& registry() {
  static Registry* r = new Registry();
  return *r;
}
}  // namespace

void register_differentiable(const char* name) {
  std::lock_guard<std::mutex> lock(registry().mu);
  registry().names.insert(name);
}

bool is_registered_differentiable(const std::string& name) {
  std::lock_guard<std::mutex> lock(registry().mu);
  return registry().names.count(name) > 0;
}

std::vector<std::string> differentiable_ops() {
  std::lock_guard<std::mutex> lock(registry().mu);
  return {registry().names.begin(), registry().names.end()};
}

}  // namespace tfl::autograd
