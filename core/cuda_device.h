// The CUDA runtime as the core sees it: availability, devices, streams, copies (no CUDA headers here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/device.h"

namespace tfl {
namespace cuda {

// Note [Lazy CUDA availability]
// A library built with CUDA must load and run its CPU path on machines without a GPU or a driver, so
// nothing touches the CUDA runtime at load time. The first question about devices probes once
// (cudaGetDeviceCount); any error there means "no CUDA" and is kept as the reason quoted in messages:
// "CUDA unavailable: <reason>". Builds without TFL_CUDA answer with the reason "built without CUDA".

// True when this library was built with the CUDA backend.
bool compiled();
// True when compiled and at least one device is usable.
bool available();
// Why CUDA is unavailable ("" when it is available).
std::string unavailable_reason();
// Number of usable devices; 0 when unavailable. Never throws.
int device_count();

struct DeviceProperties {
  std::string name;
  int64_t total_memory = 0;  // bytes
  int major = 0;             // compute capability
  int minor = 0;
  int multiprocessors = 0;
};
// DeviceError when CUDA is unavailable or index is out of range.
DeviceProperties device_properties(int index);

// Throws DeviceError naming `op` unless `device` is a usable CUDA device: "CUDA unavailable: <reason>"
// or "device cuda:3 does not exist (2 devices)".
void check_device(const Device& device, const char* op);

// Raw device memory (the caching allocator sits on these). raw_malloc returns nullptr when the device
// is out of memory; other failures throw DeviceError.
void* raw_malloc(int device, size_t nbytes);
void raw_free(int device, void* ptr);

// Copies between host and device memory, ordered on the device's default stream and complete when the
// call returns (host buffers are staged through pinned memory). nbytes may be 0.
void copy_host_to_device(int device, void* dst, const void* src, size_t nbytes);
void copy_device_to_host(int device, void* dst, const void* src, size_t nbytes);
void copy_device_to_device(int dst_device, void* dst, int src_device, const void* src, size_t nbytes);
// Waits until all work queued on the device's default stream has finished.
void synchronize(int device);

// TF32 tensor-core math for f32 matmul (faster, ~10-bit mantissa inputs). Off by default.
void set_allow_tf32(bool allow);
bool allow_tf32();

}  // namespace cuda
}  // namespace tfl
