// C API: CUDA devices (count, availability, properties, synchronisation, memory) and device copies.
// Every function here works in any build: without CUDA (or without a GPU or driver) the count is 0,
// and anything that needs a device fails with TFL_ERR_DEVICE "CUDA unavailable: <reason>".
#include <cstdint>
#include <string>

#include "capi/capi_tensor_util.h"
#include "capi/capi_util.h"
#include "capi/memory_counters.h"
#include "core/cuda_allocator.h"
#include "core/cuda_device.h"
#include "core/ops/copy.h"


/// Number of usable CUDA devices. Never fails for want of CUDA: a library built without CUDA, or a
/// machine without a GPU or driver, reports 0 (tfl_cuda_unavailable_reason says why).
/// @param[out] out Receives the count.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_cuda_device_count(TFL_OUT int32_t* out) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  *out = tfl::cuda::device_count();
  TFL_CAPI_END
}

/// Whether CUDA can be used: the library was built with it and at least one device is usable.
/// @param[out] out Receives true or false.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_cuda_is_available(TFL_OUT bool* out) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  *out = tfl::cuda::available();
  TFL_CAPI_END
}

/// Why CUDA cannot be used ("built without CUDA", the CUDA runtime's error such as
/// "cudaErrorInsufficientDriver: ...", or "no CUDA device found"); "" when it can.
/// @param[out] out Receives a NUL-terminated string, valid until the next call of this function on the
/// same thread.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_cuda_unavailable_reason(TFL_OUT const char** out) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  static thread_local std::string reason;
  reason = tfl::cuda::unavailable_reason();
  *out = reason.c_str();
  TFL_CAPI_END
}

/// Name of a CUDA device, e.g. "NVIDIA H100 80GB HBM3".
/// @param[out] out Receives a NUL-terminated string, valid until the next call of this function on the
/// same thread.
/// @param device Device index, 0 <= device < tfl_cuda_device_count.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL; TFL_ERR_DEVICE "CUDA unavailable: <reason>"
/// or for an index out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_cuda_device_name(TFL_OUT const char** out, int32_t device) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  static thread_local std::string name;
  name = tfl::cuda::device_properties(device).name;
  *out = name.c_str();
  TFL_CAPI_END
}

/// Properties of a CUDA device.
/// @param[out] total_memory Receives the device memory in bytes.
/// @param[out] major Receives the major compute capability (8 for an A100, 9 for an H100).
/// @param[out] minor Receives the minor compute capability.
/// @param[out] multiprocessors Receives the number of streaming multiprocessors.
/// @param device Device index, 0 <= device < tfl_cuda_device_count.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if an out-parameter is NULL; TFL_ERR_DEVICE "CUDA
/// unavailable: <reason>" or for an index out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_cuda_device_properties(TFL_OUT int64_t* total_memory, TFL_OUT int32_t* major,
                                                              TFL_OUT int32_t* minor, TFL_OUT int32_t* multiprocessors,
                                                              int32_t device) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(total_memory != nullptr, "total_memory", "must not be NULL");
  TFL_CHECK_ARG(major != nullptr, "major", "must not be NULL");
  TFL_CHECK_ARG(minor != nullptr, "minor", "must not be NULL");
  TFL_CHECK_ARG(multiprocessors != nullptr, "multiprocessors", "must not be NULL");
  const tfl::cuda::DeviceProperties p = tfl::cuda::device_properties(device);
  *total_memory = p.total_memory;
  *major = p.major;
  *minor = p.minor;
  *multiprocessors = p.multiprocessors;
  TFL_CAPI_END
}

/// Waits until every op queued on the device's default stream has finished. Copies to the host
/// (tfl_tensor_to_device, tfl_tensor_item...) synchronise by themselves; this is for timing and for
/// handing device memory to other libraries.
/// @param device Device index.
/// @return TFL_OK; TFL_ERR_DEVICE "CUDA unavailable: <reason>", for an index out of range, or when a
/// queued op failed.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_cuda_synchronize(int32_t device) {
  TFL_CAPI_BEGIN
  tfl::cuda::synchronize(device);
  TFL_CAPI_END
}

/// Allows TF32 tensor-core math in f32 matmul on CUDA (about 8x the throughput on A100/H100, inputs
/// rounded to a 10-bit mantissa). Off by default, so f32 results match the CPU within f32 tolerances.
/// @param allow true to allow TF32.
/// @return TFL_OK.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_cuda_set_allow_tf32(bool allow) {
  TFL_CAPI_BEGIN
  tfl::cuda::set_allow_tf32(allow);
  TFL_CAPI_END
}

/// Reads one counter of a CUDA device's caching allocator (the counters of tfl_memory_stat, per device).
/// @param[out] out Receives the value.
/// @param device Device index.
/// @param counter Which counter.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL or counter is unknown; TFL_ERR_DEVICE "CUDA
/// unavailable: <reason>" or for an index out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_cuda_memory_stat(TFL_OUT int64_t* out, int32_t device, tfl_memory_counter counter) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  const tfl::MemoryStats s = tfl::DeviceAllocator::instance(device).stats();
  int64_t v = 0;
  TFL_CHECK_ARG(tfl::capi::memory_counter_value(s, counter, &v), "counter",
                "is not a valid tfl_memory_counter (got " + std::to_string(static_cast<int>(counter)) + ")");
  *out = v;
  TFL_CAPI_END
}

/// Caps the live bytes of a CUDA device's caching allocator: an allocation past the limit fails with
/// TFL_ERR_OUT_OF_MEMORY.
/// @param device Device index.
/// @param bytes The limit in bytes, or 0 for none.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for a negative limit; TFL_ERR_DEVICE "CUDA unavailable:
/// <reason>" or for an index out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_cuda_memory_set_limit(int32_t device, int64_t bytes) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(bytes >= 0, "bytes", "must be >= 0, got " + std::to_string(bytes));
  tfl::DeviceAllocator::instance(device).set_limit(bytes);
  TFL_CAPI_END
}

/// Returns the cached free blocks of a CUDA device's allocator to the driver.
/// @param device Device index.
/// @return TFL_OK; TFL_ERR_DEVICE "CUDA unavailable: <reason>" or for an index out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_cuda_memory_empty_cache(int32_t device) {
  TFL_CAPI_BEGIN
  tfl::DeviceAllocator::instance(device).empty_cache();
  TFL_CAPI_END
}

/// A contiguous copy of t on another device (always a new tensor, even on t's own device). Copies
/// between host and device are synchronous: the values are in place when the call returns. Gradients
/// flow back to t's device.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor.
/// @param device_type TFL_DEVICE_CPU or TFL_DEVICE_CUDA.
/// @param device_index Device index (0 for the CPU).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or an unknown device type; TFL_ERR_DEVICE
/// "CUDA unavailable: <reason>" or for an index out of range; TFL_ERR_OUT_OF_MEMORY.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_to_device(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                        tfl_device_type device_type, int32_t device_index) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARG(device_type == TFL_DEVICE_CPU || device_type == TFL_DEVICE_CUDA, "device_type",
                "is not a valid tfl_device_type (got " + std::to_string(static_cast<int>(device_type)) + ")");
  const tfl::Device d{static_cast<tfl::DeviceType>(device_type), device_index};
  *out = ::tfl::capi::to_handle(tfl::to_device(::tfl::capi::from_handle(t), d));
  TFL_CAPI_END
}
