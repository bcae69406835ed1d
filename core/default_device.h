// The default device: where creation functions without a device argument put new tensors, and device info.
#pragma once

#include <string>

#include "core/device.h"
#include "core/tensor.h"

namespace tfl {

// The process-wide default device (cpu until set).
Device default_device();
// Sets the default device. InvalidArgumentError for cpu with an index other than 0 or a negative CUDA
// index; DeviceError "CUDA unavailable: <reason>" when CUDA is unusable, or naming the missing device.
void set_default_device(const Device& device);
// t moved to the default device (t itself when it is already there): what the C API's creation
// functions return whose core op has no device argument (arange, eye, random, ...); empty, zeros, ones and
// full are made on the default device directly instead of on the host first.
Tensor on_default_device(const Tensor& t);

// Every device as one JSON object: {"default": "cpu", "cuda": {"compiled": b, "available": b, "reason": s,
// "device_count": n}, "devices": [{"name": "cpu", "type": "cpu", "index": 0, "available": true,
// "description": s, "total_memory": bytes, "threads": n}, {"name": "cuda:0", "type": "cuda", "index": 0,
// "available": true, "description": "<GPU name>", "total_memory": bytes, "compute_capability": "9.0",
// "multiprocessors": n}, ...]}. Never throws for want of CUDA.
std::string device_info_json();

}  // namespace tfl
