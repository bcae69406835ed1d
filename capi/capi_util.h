// The boundary between C and C++: argument checks, exception translation, the thread-local message.
#pragma once

#include <string>

#include "capi/annotations.h"
#include "capi/api_types.h"

namespace tfl::capi {

// Records the message of the current thread's last failure and returns `code`.
tfl_status set_error(tfl_status code, const std::string& message);
// Maps the exception in flight to a status (call only from a catch block), recording its message.
tfl_status translate_exception(const char* function);

// Brackets a call into a user's C callback (a hook). The thread's error message is cleared before the
// call, so a message found after a failing call was set inside the callback (by a tfl_* function it
// called) and is quoted; after a successful call the previous message is put back.
class CallbackCall {
 public:
  CallbackCall();
  // On TFL_OK restores the message; otherwise throws the core error whose code equals `st` (so the
  // callback's status comes out of the library call unchanged) with the message
  // "[hook] <what> returned <status name> (<message set inside the callback>)".
  void finish(tfl_status st, const std::string& what);

 private:
  std::string previous_;
};

}  // namespace tfl::capi

// Every C API body is TFL_CAPI_BEGIN ... TFL_CAPI_END: nothing unwinds across the ABI (STYLE.md rule 11).
#define TFL_CAPI_BEGIN try {
#define TFL_CAPI_END                                  \
  return TFL_OK;                                      \
  }                                                   \
  catch (...) {                                       \
    return ::tfl::capi::translate_exception(__func__); \
  }

// Fails with TFL_ERR_INVALID_ARGUMENT naming the function and argument when cond is false.
#define TFL_CHECK_ARG(cond, arg, what)                                                                  \
  do {                                                                                                 \
    if (!(cond))                                                                                       \
      return ::tfl::capi::set_error(TFL_ERR_INVALID_ARGUMENT,                                          \
                                    std::string(__func__) + ": argument '" + (arg) + "': " + (what)); \
  } while (0)

// Sets *out to NULL first, so that it is NULL on every failure path (STYLE.md rule 16).
#define TFL_CHECK_OUT(out)                     \
  do {                                         \
    TFL_CHECK_ARG((out) != nullptr, #out, "must not be NULL"); \
    *(out) = nullptr;                          \
  } while (0)
