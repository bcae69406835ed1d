// Checkpoints in the safetensors format: save a StateDict, load one zero-copy over a memory map.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/nn/state_dict.h"

namespace tfl {

// The file's "__metadata__": free-form string pairs (format version, framework, ...).
using SafetensorsMetadata = std::map<std::string, std::string>;

struct SafetensorsFile {
  StateDict tensors;  // in the order of the header
  SafetensorsMetadata metadata;
};

// Writes `tensors` to `path` (through a temporary file renamed into place, so a failed save leaves any
// old file intact). Any layout and dtype is accepted; data is written contiguous, little-endian, with
// tensors laid out by decreasing item size so every tensor starts aligned for its dtype, and the header
// padded with spaces to a multiple of 8 bytes. InvalidArgumentError for undefined tensors, duplicate
// or reserved names, non-CPU tensors; IoError when the file cannot be written.
void save_safetensors(const std::string& path, const StateDict& tensors, const SafetensorsMetadata& metadata = {});

// Reads a safetensors file. The file is memory-mapped (private, copy-on-write) and each tensor whose data
// is aligned for its dtype is a view of the mapping with no copy; the others are copied. The mapping is
// unmapped when the last tensor over it goes away. Every structural problem (short or oversized header,
// invalid JSON, unknown dtype, shape/offset mismatch, overlapping, out-of-range or unused bytes,
// duplicate names, bool bytes other than 0/1) is a SerializationError naming the file and the problem;
// a file that cannot be opened, stat'ed or mapped is an IoError.
// Note: truncating the file while its tensors are alive is outside our control (the OS raises SIGBUS).
SafetensorsFile load_safetensors(const std::string& path);

// Number of safetensors mappings still alive (held by loaded tensors); for tests and diagnostics.
int64_t safetensors_live_mappings();

}  // namespace tfl
