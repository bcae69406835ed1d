// The CUDA runtime interface of a build without TFL_CUDA (CMake leaves this file out of CUDA builds):
// no devices, every device use is a DeviceError.
#include "core/cuda_device.h"

#include "core/error.h"

namespace tfl {
namespace cuda {

namespace {
[[noreturn]] void unavailable(const char* op) { TFL_THROW(DeviceError, op, "CUDA unavailable: ", unavailable_reason()); }
}  // namespace

bool compiled() { return false; }
bool available() { return false; }
std::string unavailable_reason() { return "built without CUDA (configure with -DTFL_CUDA=ON)"; }
int device_count() { return 0; }
DeviceProperties device_properties(int) { unavailable("device_properties"); }
void check_device(const Device& device, const char* op) {
  if (device.type == DeviceType::CUDA) unavailable(op);
}
void* raw_malloc(int, size_t) { unavailable("allocate"); }
void raw_free(int, void*) {}
void copy_host_to_device(int, void*, const void*, size_t) { unavailable("to_device"); }
void copy_device_to_host(int, void*, const void*, size_t) { unavailable("to_device"); }
void copy_device_to_device(int, void*, int, const void*, size_t) { unavailable("to_device"); }
void synchronize(int) { unavailable("synchronize"); }
void set_allow_tf32(bool) {}
bool allow_tf32() { return false; }

}  // namespace cuda
}  // namespace tfl
