// C API: data loading (core/data/): .npy files and a batch iterator over tensors (the tfl_dataloader
// handle); and the numerical check mode (core/numerical_check.h).
#include <string>
#include <utility>
#include <vector>

#include "capi/capi_tensor_util.h"
#include "capi/handles_data.h"
#include "core/data/npy.h"
#include "core/numerical_check.h"

using tfl::capi::from_handles;

// Checks a data loader handle argument.
#define TFL_CHECK_LOADER(h) TFL_CHECK_ARG((h) != nullptr, #h, "must not be NULL")

/// Turns the numerical check mode on or off for the whole process. While on, every CPU kernel's
/// floating output and every gradient a backward function returns is scanned, and NaN or Inf that the
/// op's inputs did not already hold fails the op with TFL_ERR_NUMERICAL, naming the op (and, during
/// backward, the op whose gradient was computed), like torch.autograd.detect_anomaly. Off by default;
/// it slows ops down while on.
/// @param enabled Whether ops are checked.
/// @return TFL_OK.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_numerical_check_set_enabled(bool enabled) {
  TFL_CAPI_BEGIN
  tfl::set_numerical_check_enabled(enabled);
  TFL_CAPI_END
}

/// Whether the numerical check mode is on (see tfl_numerical_check_set_enabled).
/// @param[out] out Receives the flag.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_numerical_check_enabled(TFL_OUT bool* out) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  *out = tfl::numerical_check_enabled();
  TFL_CAPI_END
}

/// Reads a NumPy .npy file (format 1.0, 2.0 or 3.0, as numpy.save writes it) into a new contiguous CPU
/// tensor. Supported dtypes: <f2 <f4 <f8 <i4 <i8 |u1 |b1 (little-endian, C order).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param path File name (UTF-8).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_IO when the file cannot be
///         opened or read; TFL_ERR_DATA_LOADING for a file that is not a valid .npy file or holds
///         something this library cannot load (truncated data, a malformed header, big-endian or
///         structured dtypes, fortran_order True).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_data_load_npy(TFL_OUT tfl_tensor** out, const char* path) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_ARG(path != nullptr, "path", "must not be NULL");
  *out = tfl::capi::to_handle(tfl::data::load_npy(path));
  TFL_CAPI_END
}

/// Writes a tensor (any layout) as a NumPy .npy file (format 1.0) that numpy.load reads back.
/// @param path File name (UTF-8).
/// @param t The tensor (CPU; any dtype but bfloat16, which NumPy lacks).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for bfloat16;
///         TFL_ERR_DEVICE for a tensor not on the CPU; TFL_ERR_IO when the file cannot be written.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_data_save_npy(const char* path, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(path != nullptr, "path", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  tfl::data::save_npy(path, tfl::capi::from_handle(t));
  TFL_CAPI_END
}

/// Creates a data loader over ntensors tensors whose rows (dimension 0) are the samples, like PyTorch's
/// DataLoader over a TensorDataset. Each batch holds batch_size samples of every tensor (the last one
/// fewer, unless drop_last). Without shuffle the batches are views of the tensors, in order; with
/// shuffle each epoch visits a new permutation determined by seed and the epoch number alone.
/// @param[out] out New loader; release with tfl_dataloader_release. It holds a reference to each tensor.
/// @param tensors The dataset tensors, each at least 1-D, all with the same first dimension.
/// @param ntensors Number of tensors, at least 1.
/// @param batch_size Samples per batch, at least 1.
/// @param shuffle Visit the samples in a new random order each epoch.
/// @param seed Seed of the shuffling (ignored without shuffle).
/// @param drop_last Drop the last batch when it would be smaller than batch_size.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DATA_LOADING for no tensors,
///         a 0-d tensor, first dimensions that differ, or batch_size < 1.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_dataloader_create(TFL_OUT tfl_dataloader** out,
                                                          TFL_ARRAY(ntensors) const tfl_tensor* const* tensors,
                                                          size_t ntensors, int64_t batch_size, bool shuffle,
                                                          uint64_t seed, bool drop_last) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR_ARRAY(tensors, ntensors);
  *out = new tfl_dataloader(
      tfl::data::DataLoader(from_handles(tensors, ntensors), batch_size, shuffle, seed, drop_last));
  TFL_CAPI_END
}

/// Adds a reference to a data loader.
/// @param loader Loader handle.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if loader is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_dataloader_retain(TFL_IN tfl_dataloader* loader) {
  TFL_CAPI_BEGIN
  TFL_CHECK_LOADER(loader);
  loader->refs.fetch_add(1, std::memory_order_relaxed);
  TFL_CAPI_END
}

/// Drops a reference; the last one frees the loader and its references to the tensors.
/// @param loader Loader handle, or NULL (ignored).
TFL_API TFL_SINCE(0, 1) void tfl_dataloader_release(TFL_IN TFL_NULLABLE tfl_dataloader* loader) {
  if (loader != nullptr && loader->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete loader;
}

/// The next batch of the current epoch: one new tensor per dataset tensor, in the order given to
/// tfl_dataloader_create. At the end of the epoch *out_count is 0 and nothing is written, until
/// tfl_dataloader_reset starts the next epoch. With capacity 0 nothing is consumed: *out_count
/// receives the number of tensors the next batch holds (0 at the end of the epoch), so a caller may
/// size out first.
/// @param[out] out Receives *out_count new references (release each with tfl_tensor_release); every
///             entry out[0..capacity) is set to NULL first, and stays NULL on failure. May be NULL
///             when capacity is 0.
/// @param[out] out_count Receives the number of tensors written (or, with capacity 0, that the next
///             batch holds): the number of dataset tensors, or 0 at the end of the epoch.
/// @param capacity Length of out: 0 (a query), or at least the loader's number of tensors.
/// @param loader The loader.
/// @return TFL_OK (also at the end of the epoch); TFL_ERR_INVALID_ARGUMENT for NULL arguments or a
///         capacity that is neither 0 nor at least the number of tensors.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_dataloader_next(TFL_OUT TFL_NULLABLE TFL_ARRAY(capacity) tfl_tensor** out,
                                                        TFL_OUT size_t* out_count, size_t capacity,
                                                        TFL_IN tfl_dataloader* loader) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT_ARRAY(out, capacity);
  TFL_CHECK_ARG(out_count != nullptr, "out_count", "must not be NULL");
  TFL_CHECK_LOADER(loader);
  *out_count = 0;
  const size_t n = loader->impl.num_tensors();
  if (capacity == 0) {
    *out_count = loader->impl.has_next() ? n : 0;
    return TFL_OK;
  }
  TFL_CHECK_ARG(capacity >= n, "capacity",
                std::to_string(capacity) + " is neither 0 nor at least the loader's " + std::to_string(n) + " tensors");
  std::vector<tfl::Tensor> batch;
  if (!loader->impl.next(&batch)) return TFL_OK;
  tfl::capi::to_handles(out, batch);
  *out_count = batch.size();
  TFL_CAPI_END
}

/// Starts the next epoch (a new permutation when shuffling); the next call of tfl_dataloader_next
/// returns its first batch.
/// @param loader The loader.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if loader is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_dataloader_reset(TFL_IN tfl_dataloader* loader) {
  TFL_CAPI_BEGIN
  TFL_CHECK_LOADER(loader);
  loader->impl.reset();
  TFL_CAPI_END
}

/// The number of batches per epoch (len of the loader): ceil(samples / batch_size), or
/// floor(samples / batch_size) with drop_last.
/// @param[out] out Receives the count.
/// @param loader The loader.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_dataloader_len(TFL_OUT int64_t* out, const tfl_dataloader* loader) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_LOADER(loader);
  *out = loader->impl.num_batches();
  TFL_CAPI_END
}

/// The number of dataset tensors (the tensors each batch holds).
/// @param[out] out Receives the count.
/// @param loader The loader.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_dataloader_num_tensors(TFL_OUT size_t* out, const tfl_dataloader* loader) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_LOADER(loader);
  *out = loader->impl.num_tensors();
  TFL_CAPI_END
}

/// The number of samples (the tensors' first dimension).
/// @param[out] out Receives the count.
/// @param loader The loader.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_dataloader_num_samples(TFL_OUT int64_t* out, const tfl_dataloader* loader) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_LOADER(loader);
  *out = loader->impl.num_samples();
  TFL_CAPI_END
}
