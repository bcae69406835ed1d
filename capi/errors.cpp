// Status codes and the thread-local error message.
#include <new>
#include <string>

#include "capi/capi_util.h"
#include "core/error.h"

namespace tfl::capi {
namespace {
thread_local std::string t_last_error;
}

tfl_status set_error(tfl_status code, const std::string& message) {
  try {
    t_last_error = message;
  } catch (...) {
    // Out of memory while recording the message: keep the code, the old message stays.
  }
  return code;
}

tfl_status translate_exception(const char* function) {
  std::string prefix = std::string(function) + ": ";
  try {
    throw;
  } catch (const tfl::Error& e) {
    return set_error(static_cast<tfl_status>(static_cast<int>(e.code())), prefix + e.message());
  } catch (const std::bad_alloc&) {
    return set_error(TFL_ERR_OUT_OF_MEMORY, prefix + "out of memory");
  } catch (const std::exception& e) {
    return set_error(TFL_ERR_INTERNAL, prefix + "internal error: " + e.what());
  } catch (...) {
    return set_error(TFL_ERR_INTERNAL, prefix + "internal error: unknown exception");
  }
}

}  // namespace tfl::capi

extern "C" const char* tfl_status_name(tfl_status status);

namespace tfl::capi {
namespace {

// Throws the core error whose code equals `st`.
[[noreturn]] void throw_status(tfl_status st, const std::string& msg) {
  switch (st) {
    case TFL_ERR_SHAPE: throw tfl::ShapeError(msg);
    case TFL_ERR_DTYPE: throw tfl::DTypeError(msg);
    case TFL_ERR_DEVICE: throw tfl::DeviceError(msg);
    case TFL_ERR_OUT_OF_MEMORY: throw tfl::OutOfMemoryError(msg);
    case TFL_ERR_INDEX: throw tfl::IndexError(msg);
    case TFL_ERR_NOT_IMPLEMENTED: throw tfl::NotImplementedError(msg);
    case TFL_ERR_IO: throw tfl::IoError(msg);
    case TFL_ERR_INTERNAL: throw tfl::InternalError(msg);
    case TFL_ERR_GRADIENT: throw tfl::GradientError(msg);
    case TFL_ERR_NUMERICAL: throw tfl::NumericalError(msg);
    case TFL_ERR_TENSOR_OP: throw tfl::TensorOpError(msg);
    case TFL_ERR_LAYER_CONFIG: throw tfl::LayerConfigError(msg);
    case TFL_ERR_OPTIMIZER: throw tfl::OptimizerError(msg);
    case TFL_ERR_SERIALIZATION: throw tfl::SerializationError(msg);
    case TFL_ERR_DATA_LOADING: throw tfl::DataLoadingError(msg);
    case TFL_ERR_CHECKPOINT: throw tfl::CheckpointError(msg);
    default: throw tfl::InvalidArgumentError(msg);  // TFL_ERR_INVALID_ARGUMENT and unknown codes
  }
}

}  // namespace

CallbackCall::CallbackCall() : previous_(t_last_error) { set_error(TFL_OK, ""); }

void CallbackCall::finish(tfl_status st, const std::string& what) {
  if (st == TFL_OK) {
    set_error(TFL_OK, previous_);
    return;
  }
  std::string inner = t_last_error;
  throw_status(st, "[hook] " + what + " returned " + tfl_status_name(st) +
                       (inner.empty() ? std::string() : " (" + inner + ")"));
}

}  // namespace tfl::capi

/// Message of the calling thread's most recent failure.
/// @return A NUL-terminated string, never NULL ("" before any failure). Valid until the next failing
///         call on the same thread.
TFL_API TFL_SINCE(0, 1) const char* tfl_last_error_message(void) {
  return tfl::capi::t_last_error.c_str();
}

/// Name of a status code, e.g. "TFL_ERR_SHAPE".
/// @param status Any value; unknown values give "TFL_ERR_UNKNOWN".
/// @return A static string, never NULL.
TFL_API TFL_SINCE(0, 1) const char* tfl_status_name(tfl_status status) {
  switch (status) {
    case TFL_OK: return "TFL_OK";
    case TFL_ERR_INVALID_ARGUMENT: return "TFL_ERR_INVALID_ARGUMENT";
    case TFL_ERR_SHAPE: return "TFL_ERR_SHAPE";
    case TFL_ERR_DTYPE: return "TFL_ERR_DTYPE";
    case TFL_ERR_DEVICE: return "TFL_ERR_DEVICE";
    case TFL_ERR_OUT_OF_MEMORY: return "TFL_ERR_OUT_OF_MEMORY";
    case TFL_ERR_INDEX: return "TFL_ERR_INDEX";
    case TFL_ERR_NOT_IMPLEMENTED: return "TFL_ERR_NOT_IMPLEMENTED";
    case TFL_ERR_IO: return "TFL_ERR_IO";
    case TFL_ERR_INTERNAL: return "TFL_ERR_INTERNAL";
    case TFL_ERR_GRADIENT: return "TFL_ERR_GRADIENT";
    case TFL_ERR_NUMERICAL: return "TFL_ERR_NUMERICAL";
    case TFL_ERR_TENSOR_OP: return "TFL_ERR_TENSOR_OP";
    case TFL_ERR_LAYER_CONFIG: return "TFL_ERR_LAYER_CONFIG";
    case TFL_ERR_OPTIMIZER: return "TFL_ERR_OPTIMIZER";
    case TFL_ERR_SERIALIZATION: return "TFL_ERR_SERIALIZATION";
    case TFL_ERR_DATA_LOADING: return "TFL_ERR_DATA_LOADING";
    case TFL_ERR_CHECKPOINT: return "TFL_ERR_CHECKPOINT";
  }
  return "TFL_ERR_UNKNOWN";
}
