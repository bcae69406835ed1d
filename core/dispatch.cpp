// The kernel registry.
#include "core/dispatch.h"

#include "core/cuda_device.h"

#include <array>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace tfl {
namespace {

using Row = std::array<KernelFn, kNumDeviceTypes * kNumDTypes>;

// Rows never move once created (capacity is reserved up front), so lookups read them without a lock
// while another thread interns a new name.
constexpr size_t kMaxOps = 2048;

struct Registry {
  Registry() {
    names.reserve(kMaxOps);
    rows.reserve(kMaxOps);
  }
  std::mutex mu;  // guards interning; registration happens at static-init time
  std::unordered_map<std::string, int> index;
  std::vector<std::string> names;
  std::vector<Row> rows;
};

Registry& registry() {
  static Registry* r = new Registry();  // leaked: lookups may run during static destruction
  return *r;
}

size_t slot(DeviceType d, DType t) {
  return static_cast<size_t>(d) * kNumDTypes + static_cast<size_t>(t);
}

}  // namespace

int op_index(const char* name) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto [it, inserted] = r.index.emplace(name, static_cast<int>(r.names.size()));
  if (inserted) {
    TFL_INTERNAL_ASSERT(r.names.size() < kMaxOps);
    r.names.emplace_back(name);
    r.rows.emplace_back();
    r.rows.back().fill(nullptr);
  }
  return it->second;
}

const char* op_name(int index) { return registry().names.at(static_cast<size_t>(index)).c_str(); }

void register_kernel(const char* op, DeviceType device, DType dtype, KernelFn fn) {
  int i = op_index(op);
  registry().rows[static_cast<size_t>(i)][slot(device, dtype)] = fn;
}

bool has_kernel(int op, DeviceType device, DType dtype) {
  return registry().rows[static_cast<size_t>(op)][slot(device, dtype)] != nullptr;
}

Kernel find_kernel(int op, DeviceType device, DType dtype) {
  Registry& r = registry();
  KernelFn fn = r.rows[static_cast<size_t>(op)][slot(device, dtype)];
  if (fn) return Kernel{fn, op, device};
  const std::string& name = r.names[static_cast<size_t>(op)];
  if (device == DeviceType::CUDA && !cuda::compiled())
    TFL_THROW(NotImplementedError, name, "no kernel for (cuda, ", dtype_name(dtype), "): built without CUDA");
  TFL_THROW(NotImplementedError, name, "no kernel for (", device_type_name(device), ", ", dtype_name(dtype), ")");
}

}  // namespace tfl
