// C API: GradientTape, TensorFlow-style scoped recording and gradient queries.
#include <string>
#include <vector>

#include "capi/capi_tensor_util.h"

using tfl::capi::from_handle;
using tfl::capi::from_handles;
using tfl::capi::to_handles;

/// Starts a tape: from now until tfl_tape_stop (or the last release), ops on the calling thread are
/// recorded even inside a no-grad scope, and watched tensors become sources of gradients. A tape
/// belongs to the thread that created it: watch, stop and release it there. Tapes nest (an inner
/// tape's gradient, taken while an outer one records, is itself recorded) and stop in reverse order.
/// @param[out] out New tape; release with tfl_tape_release.
/// @param persistent Whether tfl_tape_gradient may be called more than once.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if out is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tape_create(TFL_OUT tfl_tape** out, bool persistent) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  *out = new tfl_tape(persistent);
  TFL_CAPI_END
}

/// Adds a reference to a tape.
/// @param tape Tape handle.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if tape is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tape_retain(TFL_IN tfl_tape* tape) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(tape != nullptr, "tape", "must not be NULL");
  tape->refs.fetch_add(1, std::memory_order_relaxed);
  TFL_CAPI_END
}

/// Drops a reference. The last one stops the tape if it is still recording (when tapes are released
/// out of order, recording state is left as it is) and makes watched tensors stop requiring grad.
/// @param tape Tape handle, or NULL (ignored).
TFL_API TFL_SINCE(0, 1) void tfl_tape_release(TFL_IN TFL_NULLABLE tfl_tape* tape) {
  if (tape != nullptr && tape->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete tape;
}

/// Makes a tensor a source of gradients for this tape's lifetime (it requires grad until the tape is
/// released). Tensors that already require grad need no watching.
/// @param tape A recording tape.
/// @param t A floating-point tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_GRADIENT for a stopped tape; TFL_ERR_DTYPE for a
///         tensor that is not floating point.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tape_watch(TFL_IN tfl_tape* tape, const tfl_tensor* t) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(tape != nullptr, "tape", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  tape->impl.watch(from_handle(t));
  TFL_CAPI_END
}

/// Ends recording and restores the calling thread's previous grad mode; gradients can still be
/// asked for. Stopping a stopped tape does nothing.
/// @param tape The tape; tapes must stop in the reverse order of their creation.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL tape or when a tape created later still records.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tape_stop(TFL_IN tfl_tape* tape) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(tape != nullptr, "tape", "must not be NULL");
  tape->impl.stop();
  TFL_CAPI_END
}

/// Gradients of target with respect to each source, d(sum(target * output_gradient))/d(sources[j]).
/// A non-persistent tape answers once.
/// @param[out] out Receives nsources new references, out[j] for sources[j]; an entry is NULL when the
///             target does not depend on that source (unless unconnected_zeros). Release each with
///             tfl_tensor_release. On failure every entry out[0..nsources) is NULL.
/// @param out_capacity Length of out; must be at least nsources.
/// @param tape The tape that recorded target.
/// @param target The tensor to differentiate.
/// @param sources Tensors that were watched or require grad.
/// @param nsources Number of sources.
/// @param unconnected_zeros Give zeros instead of NULL for sources the target does not depend on.
/// @param output_gradient Weights of a target with several elements (target's shape), or NULL for an
///                        implicit 1 (target must then have one element).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or elements or a too small out_capacity;
///         TFL_ERR_GRADIENT for a second call on a non-persistent tape or a NULL output_gradient with a
///         target of several elements; TFL_ERR_SHAPE when output_gradient's shape differs from
///         target's; any status returned by a gradient hook.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tape_gradient(TFL_OUT TFL_ARRAY(out_capacity) tfl_tensor** out,
                                                      size_t out_capacity, TFL_IN tfl_tape* tape,
                                                      const tfl_tensor* target,
                                                      TFL_ARRAY(nsources) const tfl_tensor* const* sources,
                                                      size_t nsources, bool unconnected_zeros,
                                                      TFL_NULLABLE const tfl_tensor* output_gradient) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr || nsources == 0, "out", "must not be NULL");
  TFL_CHECK_ARG(out_capacity >= nsources, "out_capacity",
                std::to_string(out_capacity) + " is less than nsources (" + std::to_string(nsources) + ")");
  for (size_t i = 0; i < nsources; ++i) out[i] = nullptr;
  TFL_CHECK_ARG(tape != nullptr, "tape", "must not be NULL");
  TFL_CHECK_TENSOR(target);
  TFL_CHECK_TENSOR_ARRAY(sources, nsources);
  std::vector<tfl::Tensor> grads =
      tape->impl.gradient(from_handle(target), from_handles(sources, nsources), unconnected_zeros,
                          output_gradient ? from_handle(output_gradient) : tfl::Tensor());
  to_handles(out, grads);
  TFL_CAPI_END
}
