// Text results through a caller's buffer (capi/capi_text.h).
#include "capi/capi_text.h"

#include <cstring>

namespace tfl::capi {

tfl_status write_text(const char* fn, char* out, size_t* out_len, size_t capacity, const std::string& text,
                      const char* capacity_arg) {
  *out_len = text.size();
  if (capacity == 0) return TFL_OK;
  if (capacity <= text.size())
    return set_error(TFL_ERR_INVALID_ARGUMENT, std::string(fn) + ": argument '" + capacity_arg + "': " +
                                                   std::to_string(capacity) + " bytes given, the text needs " +
                                                   std::to_string(text.size() + 1) + " with its NUL");
  std::memcpy(out, text.c_str(), text.size() + 1);
  return TFL_OK;
}

}  // namespace tfl::capi
