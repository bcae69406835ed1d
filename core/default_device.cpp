// The default device (an atomic pair) and the device-info JSON (CPU from sysconf and /proc/cpuinfo).
#include "core/default_device.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/cuda_device.h"
#include "core/error.h"
#include "core/ops/copy.h"
#include "core/thread_pool.h"

namespace tfl {

namespace {
// type * 2^16 + index in one atomic, so that readers never see a torn pair.
std::atomic<int64_t> g_default{0};

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  return "";
}
}  // namespace

Device default_device() {
  int64_t v = g_default.load(std::memory_order_acquire);
  return Device{static_cast<DeviceType>(v >> 16), static_cast<int>(v & 0xffff)};
}

void set_default_device(const Device& device) {
  const char* op = "set_default_device";
  if (device.type == DeviceType::CPU) {
    if (device.index != 0) TFL_THROW(InvalidArgumentError, op, "the cpu device has index 0, got ", device.index);
  } else if (device.type == DeviceType::CUDA) {
    if (device.index < 0 || device.index > 0xffff)
      TFL_THROW(InvalidArgumentError, op, "CUDA device index must be >= 0, got ", device.index);
    cuda::check_device(device, op);
  } else {
    TFL_THROW(InvalidArgumentError, op, "unknown device type ", static_cast<int>(device.type));
  }
  g_default.store((static_cast<int64_t>(device.type) << 16) | device.index, std::memory_order_release);
}

Tensor on_default_device(const Tensor& t) {
  const Device d = default_device();
  return t.device() == d ? t : to_device(t, d);
}

std::string device_info_json() {
  std::ostringstream os;
  const bool avail = cuda::available();
  const int n = cuda::device_count();
  os << "{\"default\": " << json_string(default_device().str()) << ", \"cuda\": {\"compiled\": "
     << (cuda::compiled() ? "true" : "false") << ", \"available\": " << (avail ? "true" : "false")
     << ", \"reason\": " << json_string(cuda::unavailable_reason()) << ", \"device_count\": " << n << "}";
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  const int64_t mem = pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page : 0;
  os << ", \"devices\": [{\"name\": \"cpu\", \"type\": \"cpu\", \"index\": 0, \"available\": true, \"description\": "
     << json_string(cpu_model()) << ", \"total_memory\": " << mem << ", \"threads\": " << num_threads() << "}";
  for (int i = 0; i < n; ++i) {
    cuda::DeviceProperties p = cuda::device_properties(i);
    os << ", {\"name\": \"cuda:" << i << "\", \"type\": \"cuda\", \"index\": " << i
       << ", \"available\": true, \"description\": " << json_string(p.name) << ", \"total_memory\": " << p.total_memory
       << ", \"compute_capability\": \"" << p.major << "." << p.minor << "\", \"multiprocessors\": " << p.multiprocessors
       << "}";
  }
  os << "]}";
  return os.str();
}

}  // namespace tfl
