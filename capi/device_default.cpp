// C API: the default device (where creation functions without a device argument put new tensors) and
// information about every device as JSON.
#include <string>

#include "capi/capi_tensor_util.h"
#include "capi/capi_text.h"
#include "capi/capi_util.h"
#include "core/default_device.h"

/// The default device: where tfl_tensor_from_buffer, _full, _zeros, _ones, _empty, _arange, _scalar,
/// _linspace, _eye and the random creation functions (tfl_tensor_rand, _randn, _uniform, _normal,
/// _randint, _bernoulli) put their new tensors. TFL_DEVICE_CPU index 0 until set.
/// @param[out] out_type Receives the device type.
/// @param[out] out_index Receives the device index.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_default_device_get(TFL_OUT tfl_device_type* out_type, TFL_OUT int32_t* out_index) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out_type != nullptr, "out_type", "must not be NULL");
  TFL_CHECK_ARG(out_index != nullptr, "out_index", "must not be NULL");
  const tfl::Device d = tfl::default_device();
  *out_type = static_cast<tfl_device_type>(d.type);
  *out_index = d.index;
  TFL_CAPI_END
}

/// Sets the default device for the whole process (see tfl_default_device_get). Tensors that already
/// exist stay where they are.
/// @param device_type TFL_DEVICE_CPU or TFL_DEVICE_CUDA.
/// @param device_index Device index: 0 for the CPU, an existing CUDA device otherwise.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for an unknown device type, a CPU index other than 0 or a
///         negative index; TFL_ERR_DEVICE "CUDA unavailable: <reason>" when CUDA cannot be used, or for a
///         CUDA device that does not exist (the default stays unchanged).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_default_device_set(tfl_device_type device_type, int32_t device_index) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(device_type == TFL_DEVICE_CPU || device_type == TFL_DEVICE_CUDA, "device_type",
                "is not a valid tfl_device_type (got " + std::to_string(static_cast<int>(device_type)) + ")");
  tfl::set_default_device(tfl::Device{static_cast<tfl::DeviceType>(device_type), device_index});
  TFL_CAPI_END
}

/// Every device as one JSON object: {"default": "cpu", "cuda": {"compiled": true, "available": false,
/// "reason": "...", "device_count": 0}, "devices": [{"name": "cpu", "type": "cpu", "index": 0,
/// "available": true, "description": "<CPU model>", "total_memory": <bytes of RAM>, "threads": <intra-op
/// threads>}, and per CUDA device {"name": "cuda:0", "type": "cuda", "index": 0, "available": true,
/// "description": "<GPU name>", "total_memory": <bytes>, "compute_capability": "9.0",
/// "multiprocessors": <count>}]}. Works without CUDA. To size the buffer, call with out = NULL and
/// capacity = 0 first.
/// @param[out] out Receives the NUL-terminated text; may be NULL when capacity is 0.
/// @param[out] out_len Receives the length of the text in bytes, without the NUL (also when capacity is too small).
/// @param capacity Size of out in bytes: 0, or at least *out_len + 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a capacity that is neither 0 nor large
///         enough (nothing is written to out then).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_device_info_json(TFL_OUT TFL_NULLABLE TFL_ARRAY(capacity) char* out,
                                                         TFL_OUT size_t* out_len, size_t capacity) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TEXT_OUT(out, out_len, capacity);
  return tfl::capi::write_text(__func__, out, out_len, capacity, tfl::device_info_json());
  TFL_CAPI_END
}
