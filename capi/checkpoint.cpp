// C API: checkpoints of named tensors in the safetensors format (core/io/safetensors.h). Loading gives
// one handle over the whole file, from which tensors are taken by index or name: the caller releases one
// object instead of n tensors and n names, and the tensors stay zero-copy views of the memory map.
#include <string>
#include <iterator>

#include "capi/capi_tensor_util.h"
#include "capi/handles_optim.h"
#include "core/io/safetensors.h"

using tfl::capi::from_handle;
using tfl::capi::to_handle;

#define TFL_CHECK_FILE(h) TFL_CHECK_ARG((h) != nullptr, #h, "must not be NULL")

/// Writes named tensors to a safetensors file (the format the reference Python package reads), through
/// a temporary file renamed into place so that a failed save leaves an old file intact. Data is written
/// contiguous and little-endian, each tensor aligned for its dtype.
/// @param path File to write.
/// @param names Names of the tensors (unique, not "__metadata__").
/// @param tensors The tensors (any layout and dtype, on the CPU).
/// @param ntensors Number of names and of tensors.
/// @param metadata_keys Keys of the file's free-form "__metadata__" string pairs, or NULL when nmetadata is 0.
/// @param metadata_values Values of the pairs, or NULL when nmetadata is 0.
/// @param nmetadata Number of metadata pairs (keys unique).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or elements, duplicate or reserved names,
///         or duplicate metadata keys; TFL_ERR_IO when the file cannot be written.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_safetensors_save(const char* path, TFL_ARRAY(ntensors) const char* const* names,
                                                         TFL_ARRAY(ntensors) const tfl_tensor* const* tensors,
                                                         size_t ntensors,
                                                         TFL_NULLABLE TFL_ARRAY(nmetadata) const char* const* metadata_keys,
                                                         TFL_NULLABLE TFL_ARRAY(nmetadata) const char* const* metadata_values,
                                                         size_t nmetadata) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(path != nullptr, "path", "must not be NULL");
  TFL_CHECK_ARRAY(names, ntensors);
  TFL_CHECK_TENSOR_ARRAY(tensors, ntensors);
  TFL_CHECK_ARRAY(metadata_keys, nmetadata);
  TFL_CHECK_ARRAY(metadata_values, nmetadata);
  tfl::StateDict dict;
  dict.reserve(ntensors);
  for (size_t i = 0; i < ntensors; ++i) {
    TFL_CHECK_ARG(names[i] != nullptr, "names", "element " + std::to_string(i) + " is NULL");
    dict.emplace_back(names[i], from_handle(tensors[i]));
  }
  tfl::SafetensorsMetadata meta;
  for (size_t i = 0; i < nmetadata; ++i) {
    TFL_CHECK_ARG(metadata_keys[i] != nullptr, "metadata_keys", "element " + std::to_string(i) + " is NULL");
    TFL_CHECK_ARG(metadata_values[i] != nullptr, "metadata_values", "element " + std::to_string(i) + " is NULL");
    TFL_CHECK_ARG(meta.emplace(metadata_keys[i], metadata_values[i]).second, "metadata_keys",
                  std::string("key '") + metadata_keys[i] + "' appears more than once");
  }
  tfl::save_safetensors(path, dict, meta);
  TFL_CAPI_END
}

/// Opens a safetensors file. The file is memory-mapped (private, copy-on-write): each tensor whose data
/// is aligned for its dtype is a view of the mapping without a copy, the others are copied. The mapping
/// stays until the handle and every tensor taken from it are released. Every structural problem of the
/// file (short or oversized header, invalid JSON, unknown dtype, offsets outside the file or
/// overlapping, duplicate names) is reported, never read past.
/// @param[out] out New handle; release with tfl_safetensors_release.
/// @param path File to read.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_IO (with the file name) when the
///         file cannot be opened or read; TFL_ERR_SERIALIZATION (with the file name and the problem) when
///         it is malformed or truncated (bad header length, JSON, dtype tag or data offsets).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_safetensors_from_file(TFL_OUT tfl_safetensors** out, const char* path) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_ARG(path != nullptr, "path", "must not be NULL");
  *out = new tfl_safetensors(tfl::load_safetensors(path));
  TFL_CAPI_END
}

/// Adds a reference to a loaded file.
/// @param file Handle from tfl_safetensors_from_file.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if file is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_safetensors_retain(TFL_IN tfl_safetensors* file) {
  TFL_CAPI_BEGIN
  TFL_CHECK_FILE(file);
  file->refs.fetch_add(1, std::memory_order_relaxed);
  TFL_CAPI_END
}

/// Drops a reference; the last one frees the handle (tensors taken from it stay valid).
/// @param file Handle, or NULL (ignored).
TFL_API TFL_SINCE(0, 1) void tfl_safetensors_release(TFL_IN TFL_NULLABLE tfl_safetensors* file) {
  if (file != nullptr && file->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete file;
}

/// Number of tensors in the file.
/// @param[out] out Receives the count.
/// @param file The loaded file.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_safetensors_count(TFL_OUT size_t* out, const tfl_safetensors* file) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_FILE(file);
  *out = file->file.tensors.size();
  TFL_CAPI_END
}

/// Name of the index-th tensor, in the order of the file's header.
/// @param[out] out Receives a NUL-terminated string, valid until file is released.
/// @param file The loaded file.
/// @param index Position, in [0, count).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for index >= count.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_safetensors_name(TFL_OUT const char** out, const tfl_safetensors* file,
                                                         size_t index) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_FILE(file);
  const auto& ts = file->file.tensors;
  if (index >= ts.size())
    return tfl::capi::set_error(TFL_ERR_INDEX, std::string(__func__) + ": argument 'index': " + std::to_string(index) +
                                                   " is out of range for " + std::to_string(ts.size()) + " tensors");
  *out = ts[index].first.c_str();
  TFL_CAPI_END
}

/// The index-th tensor, in the order of the file's header.
/// @param[out] out New reference; release with tfl_tensor_release. Writing to it changes only this
///             process's copy of the data (the mapping is copy-on-write).
/// @param file The loaded file.
/// @param index Position, in [0, count).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for index >= count.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_safetensors_tensor(TFL_OUT tfl_tensor** out, const tfl_safetensors* file,
                                                           size_t index) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_FILE(file);
  const auto& ts = file->file.tensors;
  if (index >= ts.size())
    return tfl::capi::set_error(TFL_ERR_INDEX, std::string(__func__) + ": argument 'index': " + std::to_string(index) +
                                                   " is out of range for " + std::to_string(ts.size()) + " tensors");
  *out = to_handle(ts[index].second);
  TFL_CAPI_END
}

/// The tensor with the given name.
/// @param[out] out New reference; release with tfl_tensor_release.
/// @param file The loaded file.
/// @param name The tensor's name.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a name the file does not hold.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_safetensors_tensor_by_name(TFL_OUT tfl_tensor** out, const tfl_safetensors* file,
                                                                   const char* name) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_FILE(file);
  TFL_CHECK_ARG(name != nullptr, "name", "must not be NULL");
  for (const auto& [k, t] : file->file.tensors)
    if (k == name) {
      *out = to_handle(t);
      return TFL_OK;
    }
  TFL_CHECK_ARG(false, "name", std::string("the file has no tensor named '") + name + "'");
  TFL_CAPI_END
}

/// Number of "__metadata__" string pairs in the file.
/// @param[out] out Receives the count.
/// @param file The loaded file.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_safetensors_metadata_count(TFL_OUT size_t* out, const tfl_safetensors* file) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_FILE(file);
  *out = file->file.metadata.size();
  TFL_CAPI_END
}

/// The index-th metadata pair, in the order of the keys' bytes.
/// @param[out] out_key Receives the key, valid until file is released.
/// @param[out] out_value Receives the value, valid until file is released.
/// @param file The loaded file.
/// @param index Position, in [0, metadata count).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an index out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_safetensors_metadata_entry(TFL_OUT const char** out_key,
                                                                   TFL_OUT const char** out_value,
                                                                   const tfl_safetensors* file, size_t index) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out_key);
  TFL_CHECK_OUT(out_value);
  TFL_CHECK_FILE(file);
  const auto& m = file->file.metadata;
  if (index >= m.size())
    return tfl::capi::set_error(TFL_ERR_INDEX, std::string(__func__) + ": argument 'index': " + std::to_string(index) +
                                                   " is out of range for " + std::to_string(m.size()) +
                                                   " metadata entries");
  auto it = std::next(m.begin(), static_cast<std::ptrdiff_t>(index));
  *out_key = it->first.c_str();
  *out_value = it->second.c_str();
  TFL_CAPI_END
}

/// The metadata value of a key.
/// @param[out] out Receives the value, valid until file is released, or NULL when the file has no such key.
/// @param file The loaded file.
/// @param key The key.
/// @return TFL_OK (also when the key is absent); TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_safetensors_metadata(TFL_OUT const char** out, const tfl_safetensors* file,
                                                             const char* key) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_FILE(file);
  TFL_CHECK_ARG(key != nullptr, "key", "must not be NULL");
  auto it = file->file.metadata.find(key);
  if (it != file->file.metadata.end()) *out = it->second.c_str();
  TFL_CAPI_END
}
