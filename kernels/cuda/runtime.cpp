// The CUDA runtime interface of core/cuda_device.h over cudart: lazy probe, streams, staged copies.
#include "kernels/cuda/runtime.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <vector>

#include "core/cuda_device.h"
#include "core/error.h"

namespace tfl {
namespace cuda {

namespace {

// See Note [Lazy CUDA availability]: probed once, on first use, never at load time.
struct Probe {
  int count = 0;
  std::string reason;
};

const Probe& probe() {
  static const Probe p = [] {
    Probe r;
    int n = 0;
    cudaError_t err = cudaGetDeviceCount(&n);
    if (err != cudaSuccess) {
      r.reason = std::string(cudaGetErrorName(err)) + ": " + cudaGetErrorString(err);
      cudaGetLastError();  // clear the sticky-free error so later calls start clean
    } else if (n == 0) {
      r.reason = "no CUDA device found";
    } else {
      r.count = n;
    }
    return r;
  }();
  return p;
}

constexpr int kMaxDevices = 64;
std::atomic<bool> g_allow_tf32{false};

// Pinned staging for host<->device copies: two buffers per device, so the CPU fills (or drains) one
// while the DMA engine moves the other. Copies of one device are serialised by its mutex.
constexpr size_t kStageBytes = size_t{8} << 20;
struct Staging {
  std::mutex mu;
  void* buf[2] = {nullptr, nullptr};
  cudaEvent_t done[2] = {nullptr, nullptr};
};

Staging& staging(int device) {
  static Staging* all = new Staging[kMaxDevices];  // leaked: copies may run during static destruction
  Staging& s = all[device];
  if (!s.buf[0]) {
    stream_for(device);  // makes the device current
    for (int i = 0; i < 2; ++i) {
      check(cudaMallocHost(&s.buf[i], kStageBytes), "to_device", "cudaMallocHost of the staging buffer");
      check(cudaEventCreateWithFlags(&s.done[i], cudaEventDisableTiming), "to_device", "cudaEventCreate");
    }
  }
  return s;
}

}  // namespace

void check(cudaError_t err, const char* op, const char* what) {
  if (err == cudaSuccess) return;
  cudaGetLastError();
  TFL_THROW(DeviceError, op, what, ": ", cudaGetErrorName(err), ": ", cudaGetErrorString(err));
}

bool compiled() { return true; }
bool available() { return probe().count > 0; }
std::string unavailable_reason() { return probe().reason; }
int device_count() { return probe().count; }

void check_device(const Device& device, const char* op) {
  if (device.type != DeviceType::CUDA) return;
  const Probe& p = probe();
  if (p.count == 0) TFL_THROW(DeviceError, op, "CUDA unavailable: ", p.reason);
  if (device.index < 0 || device.index >= p.count)
    TFL_THROW(DeviceError, op, "device ", device.str(), " does not exist (", p.count, " CUDA device",
              p.count == 1 ? "" : "s", ")");
}

DeviceProperties device_properties(int index) {
  check_device(Device{DeviceType::CUDA, index}, "device_properties");
  cudaDeviceProp prop;
  check(cudaGetDeviceProperties(&prop, index), "device_properties", "cudaGetDeviceProperties");
  DeviceProperties out;
  out.name = prop.name;
  out.total_memory = static_cast<int64_t>(prop.totalGlobalMem);
  out.major = prop.major;
  out.minor = prop.minor;
  out.multiprocessors = prop.multiProcessorCount;
  return out;
}

cudaStream_t stream_for(int device) {
  static std::mutex* mu = new std::mutex();
  static cudaStream_t streams[kMaxDevices] = {};
  // Set the device first: cudaStreamCreate and the launches after this call go to it.
  thread_local int current = -1;
  if (current != device) {
    check(cudaSetDevice(device), "cuda", "cudaSetDevice");
    current = device;
  }
  cudaStream_t s = __atomic_load_n(&streams[device], __ATOMIC_ACQUIRE);
  if (s) return s;
  std::lock_guard<std::mutex> lock(*mu);
  if (!streams[device]) {
    cudaStream_t created;
    check(cudaStreamCreateWithFlags(&created, cudaStreamNonBlocking), "cuda", "cudaStreamCreate");
    __atomic_store_n(&streams[device], created, __ATOMIC_RELEASE);
  }
  return streams[device];
}

int device_of(const void* ptr) {
  // One device (the common case): no driver query per launch.
  if (device_count() <= 1) return 0;
  cudaPointerAttributes attr;
  check(cudaPointerGetAttributes(&attr, ptr), "cuda", "cudaPointerGetAttributes");
  return attr.device;
}

void* raw_malloc(int device, size_t nbytes) {
  stream_for(device);
  void* p = nullptr;
  cudaError_t err = cudaMalloc(&p, nbytes);
  if (err == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    return nullptr;
  }
  check(err, "allocate", "cudaMalloc");
  return p;
}

void raw_free(int device, void* ptr) {
  stream_for(device);
  cudaFree(ptr);  // errors at exit (driver shutting down) are not actionable
}

void copy_host_to_device(int device, void* dst, const void* src, size_t nbytes) {
  if (nbytes == 0) return;
  cudaStream_t stream = stream_for(device);
  Staging& s = staging(device);
  std::lock_guard<std::mutex> lock(s.mu);
  size_t done = 0;
  for (int chunk = 0; done < nbytes; ++chunk) {
    const int b = chunk & 1;
    const size_t n = std::min(kStageBytes, nbytes - done);
    // The buffer's previous DMA must have finished before the CPU overwrites it.
    check(cudaEventSynchronize(s.done[b]), "to_device", "cudaEventSynchronize");
    std::memcpy(s.buf[b], static_cast<const char*>(src) + done, n);
    check(cudaMemcpyAsync(static_cast<char*>(dst) + done, s.buf[b], n, cudaMemcpyHostToDevice, stream), "to_device",
          "cudaMemcpyAsync host to device");
    check(cudaEventRecord(s.done[b], stream), "to_device", "cudaEventRecord");
    done += n;
  }
  check(cudaStreamSynchronize(stream), "to_device", "cudaStreamSynchronize");
}

void copy_device_to_host(int device, void* dst, const void* src, size_t nbytes) {
  if (nbytes == 0) return;
  cudaStream_t stream = stream_for(device);
  Staging& s = staging(device);
  std::lock_guard<std::mutex> lock(s.mu);
  // Queue chunk i+1 before draining chunk i, so the DMA of one overlaps the memcpy of the other.
  const size_t chunks = (nbytes + kStageBytes - 1) / kStageBytes;
  auto enqueue = [&](size_t i) {
    const size_t off = i * kStageBytes, n = std::min(kStageBytes, nbytes - off);
    check(cudaMemcpyAsync(s.buf[i & 1], static_cast<const char*>(src) + off, n, cudaMemcpyDeviceToHost, stream),
          "to_device", "cudaMemcpyAsync device to host");
    check(cudaEventRecord(s.done[i & 1], stream), "to_device", "cudaEventRecord");
  };
  enqueue(0);
  for (size_t i = 0; i < chunks; ++i) {
    if (i + 1 < chunks) enqueue(i + 1);
    check(cudaEventSynchronize(s.done[i & 1]), "to_device", "cudaEventSynchronize");
    const size_t off = i * kStageBytes, n = std::min(kStageBytes, nbytes - off);
    std::memcpy(static_cast<char*>(dst) + off, s.buf[i & 1], n);
  }
}

void copy_device_to_device(int dst_device, void* dst, int src_device, const void* src, size_t nbytes) {
  if (nbytes == 0) return;
  // Both streams drained: the source's producers are done and the destination's readers are ordered after.
  synchronize(dst_device);
  cudaStream_t stream = stream_for(src_device);
  if (dst_device == src_device)
    check(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDeviceToDevice, stream), "to_device", "cudaMemcpyAsync");
  else
    check(cudaMemcpyPeerAsync(dst, dst_device, src, src_device, nbytes, stream), "to_device", "cudaMemcpyPeerAsync");
  check(cudaStreamSynchronize(stream), "to_device", "cudaStreamSynchronize");
}

void synchronize(int device) {
  check_device(Device{DeviceType::CUDA, device}, "synchronize");
  check(cudaStreamSynchronize(stream_for(device)), "synchronize", "cudaStreamSynchronize");
}

void set_allow_tf32(bool allow) { g_allow_tf32.store(allow, std::memory_order_relaxed); }
bool allow_tf32() { return g_allow_tf32.load(std::memory_order_relaxed); }

}  // namespace cuda
}  // namespace tfl
