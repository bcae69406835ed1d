// C API: the library itself: versions, build information, threads.
#include <string>

#include "capi/capi_util.h"
#include "core/cuda_device.h"
#include "core/thread_pool.h"
#include "kernels/cpu/blas.h"

#define TFL_STR2_(x) #x
#define TFL_STR_(x) TFL_STR2_(x)

namespace {
// The "cuda" member of the build information; the reason is quoted with JSON escapes.
std::string cuda_json() {
  std::string reason;
  if (!tfl::cuda::available()) {
    for (char c : "CUDA unavailable: " + tfl::cuda::unavailable_reason()) {
      if (c == '"' || c == '\\') reason += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) reason += c;
    }
  }
  return std::string("{\"compiled\": ") + (tfl::cuda::compiled() ? "true" : "false") +
         ", \"available\": " + (tfl::cuda::available() ? "true" : "false") +
         ", \"devices\": " + std::to_string(tfl::cuda::device_count()) + ", \"reason\": \"" + reason + "\"}";
}
}  // namespace

/// Version of the loaded library, "MAJOR.MINOR.PATCH".
/// @return A static string, never NULL. Compare with TFL_VERSION_STRING to detect a header/library mismatch.
TFL_API TFL_SINCE(0, 1) const char* tfl_version(void) { return TFL_VERSION_STRING_; }

/// ABI version of the loaded library as MAJOR * 1000 + MINOR (e.g. 1 for 0.1): bindings refuse a
/// library whose ABI version is older than the header they were generated from.
/// @return The ABI version number.
TFL_API TFL_SINCE(0, 1) int32_t tfl_version_abi(void) { return TFL_VERSION_MAJOR_ * 1000 + TFL_VERSION_MINOR_; }

/// Describes the build and the running configuration as a JSON object: version, BLAS library and
/// core in use, whether the core was forced by OPENBLAS_CORETYPE, thread count, CUDA availability:
/// "cuda": {"compiled": bool, "available": bool, "devices": N, "reason": "CUDA unavailable: ..." or ""}.
/// @param[out] out Receives a NUL-terminated JSON string, valid until the next call of this function.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL; TFL_ERR_NOT_IMPLEMENTED if OpenBLAS cannot be loaded.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_library_build_info(TFL_OUT const char** out) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  static thread_local std::string json;
  const tfl::BlasInfo& blas = tfl::blas_info();
  json = std::string("{\"version\": \"") + TFL_VERSION_STRING_ + "\", \"blas_library\": \"" + blas.library +
         "\", \"blas_core\": \"" + blas.core + "\", \"blas_core_forced_by_user\": " +
         (blas.core_forced_by_user ? "true" : "false") + ", \"threads\": " + std::to_string(tfl::num_threads()) +
         ", \"cuda\": " + cuda_json() + "}";
  *out = json.c_str();
  TFL_CAPI_END
}

/// Sets the number of threads ops may use (the intra-op pool and OpenBLAS together).
/// @param n Thread count, >= 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if n < 1.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_threads_set_count(int32_t n) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(n >= 1, "n", "must be >= 1, got " + std::to_string(n));
  tfl::set_num_threads(n);
  TFL_CAPI_END
}

/// Number of threads ops may use.
/// @param[out] out Receives the count.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_threads_count(TFL_OUT int32_t* out) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  *out = tfl::num_threads();
  TFL_CAPI_END
}
