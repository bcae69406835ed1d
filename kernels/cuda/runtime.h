// What CUDA kernels share: the default stream of a device, the device a pointer lives on, error checks.
#pragma once

#include <cuda_runtime_api.h>

namespace tfl {
namespace cuda {

// The one default stream of `device` (created on first use, never destroyed); also makes `device`
// current on the calling thread, so the launches that follow go to it.
cudaStream_t stream_for(int device);
// The device whose memory `ptr` is (a pointer from the device allocator, or inside such a block).
int device_of(const void* ptr);
// Throws DeviceError "[op] <what>: <CUDA error name>: <message>" unless err is cudaSuccess.
void check(cudaError_t err, const char* op, const char* what);
// The stream of the device that owns `ptr`, made current: what a kernel launch uses.
inline cudaStream_t stream_of(const void* ptr) { return stream_for(device_of(ptr)); }

}  // namespace cuda
}  // namespace tfl
