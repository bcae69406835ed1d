// Text results through a caller's buffer: the one convention of every text-returning C function.
#pragma once

#include <cstddef>
#include <string>

#include "capi/capi_util.h"

namespace tfl::capi {

// Writes `text` NUL-terminated into `out` with the sizing protocol of tfl_tensor_graph_dot: *out_len
// always receives the length (without the NUL); with capacity 0 nothing else is written (the caller is
// sizing its buffer); a capacity that cannot hold the text and its NUL is TFL_ERR_INVALID_ARGUMENT naming
// `capacity_arg`, and nothing is written to out. `fn` names the exported function for the message.
tfl_status write_text(const char* fn, char* out, size_t* out_len, size_t capacity, const std::string& text,
                      const char* capacity_arg = "capacity");

}  // namespace tfl::capi

// The argument checks that go with write_text: out_len is required, out only when capacity > 0.
#define TFL_CHECK_TEXT_OUT(out, out_len, capacity)                                                  \
  do {                                                                                              \
    TFL_CHECK_ARG((out_len) != nullptr, #out_len, "must not be NULL");                              \
    TFL_CHECK_ARG((out) != nullptr || (capacity) == 0, #out, "must not be NULL when capacity > 0"); \
  } while (0)
