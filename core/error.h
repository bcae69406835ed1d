// Typed errors of the core; each maps to exactly one C status code (see capi).
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace tfl {

// Values equal the public tfl_status codes; never renumber.
enum class ErrorCode : int {
  kInvalidArgument = 1,
  kShape = 2,
  kDType = 3,
  kDevice = 4,
  kOutOfMemory = 5,
  kIndex = 6,
  kNotImplemented = 7,
  kIo = 8,
  kInternal = 9,
  // Error classes users of a training library tell apart (issue 9); appended, never renumbered.
  kGradient = 10,       // autograd misuse: backward through a freed graph, no grad required, ...
  kNumerical = 11,      // NaN/Inf found while the numerical check mode is on
  kTensorOp = 12,       // an op's inputs are well-formed but the op cannot be computed (singular matrix, ...)
  kLayerConfig = 13,    // a layer was configured with impossible hyperparameters
  kOptimizer = 14,      // bad optimizer hyperparameters or state
  kSerialization = 15,  // bytes that do not decode: malformed file header, JSON, dtype tag
  kDataLoading = 16,    // a dataset or loader cannot deliver samples
  kCheckpoint = 17,     // a checkpoint does not match the model or optimizer it is loaded into
};

// Mixed into every tfl exception so a single catch (const tfl::Error&) recovers the code.
class Error {
 public:
  virtual ~Error() = default;
  virtual ErrorCode code() const noexcept = 0;
  virtual const char* message() const noexcept = 0;
};

template <class StdBase, ErrorCode kCode>
class TypedError : public StdBase, public Error {
 public:
  explicit TypedError(const std::string& what) : StdBase(what) {}
  ErrorCode code() const noexcept override { return kCode; }
  const char* message() const noexcept override { return StdBase::what(); }
};

using InvalidArgumentError = TypedError<std::invalid_argument, ErrorCode::kInvalidArgument>;
using ShapeError = TypedError<std::invalid_argument, ErrorCode::kShape>;
using DTypeError = TypedError<std::invalid_argument, ErrorCode::kDType>;
using DeviceError = TypedError<std::runtime_error, ErrorCode::kDevice>;
using OutOfMemoryError = TypedError<std::runtime_error, ErrorCode::kOutOfMemory>;
using IndexError = TypedError<std::out_of_range, ErrorCode::kIndex>;
using NotImplementedError = TypedError<std::logic_error, ErrorCode::kNotImplemented>;
using IoError = TypedError<std::runtime_error, ErrorCode::kIo>;
using InternalError = TypedError<std::logic_error, ErrorCode::kInternal>;
using GradientError = TypedError<std::runtime_error, ErrorCode::kGradient>;
using NumericalError = TypedError<std::range_error, ErrorCode::kNumerical>;
using TensorOpError = TypedError<std::runtime_error, ErrorCode::kTensorOp>;
using LayerConfigError = TypedError<std::invalid_argument, ErrorCode::kLayerConfig>;
using OptimizerError = TypedError<std::invalid_argument, ErrorCode::kOptimizer>;
using SerializationError = TypedError<std::runtime_error, ErrorCode::kSerialization>;
using DataLoadingError = TypedError<std::runtime_error, ErrorCode::kDataLoading>;
using CheckpointError = TypedError<std::runtime_error, ErrorCode::kCheckpoint>;

namespace detail {
template <class... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream os;
  (os << ... << parts);
  return os.str();
}
}  // namespace detail

// Throws E with "[op] " followed by the streamed parts: TFL_THROW(ShapeError, "add", "shapes ", a, " and ", b).
#define TFL_THROW(ErrorType, op, ...) \
  throw ::tfl::ErrorType(::tfl::detail::concat("[", op, "] ", __VA_ARGS__))

// For conditions user input can trigger.
#define TFL_CHECK(cond, ErrorType, op, ...) \
  do {                                      \
    if (!(cond)) TFL_THROW(ErrorType, op, __VA_ARGS__); \
  } while (0)

// For invariants of the library itself; a failure is a bug, reported as InternalError, never an abort.
#define TFL_INTERNAL_ASSERT(cond)                                                              \
  do {                                                                                         \
    if (!(cond))                                                                               \
      throw ::tfl::InternalError(::tfl::detail::concat("[internal] ", __FILE__, ":", __LINE__, \
                                                       ": assertion failed: " #cond));         \
  } while (0)

}  // namespace tfl
