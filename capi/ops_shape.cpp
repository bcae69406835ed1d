// C API: shape ops (views: reshape, transpose, squeeze, expand, slice, flatten) and assembling ops
// (concat, stack, split, pad, flip, roll, tril/triu, repeat, tile).
#include <string>
#include <utility>
#include <vector>

#include "capi/capi_tensor_util.h"
#include "core/ops/assemble.h"
#include "core/ops/shape.h"

using tfl::capi::from_handle;
using tfl::capi::to_handle;
using tfl::capi::to_vector;

namespace {

// Hands `pieces` to a caller array of `capacity` handles (see the ownership rules in the doc of
// tfl_tensor_split): all or nothing, so a failure never leaves a handle the caller does not know about.
tfl_status hand_out(const char* fn, tfl_tensor** out, size_t* out_count, size_t capacity,
                    const std::vector<tfl::Tensor>& pieces) {
  *out_count = pieces.size();
  if (out == nullptr) return TFL_OK;  // capacity == 0 (checked by the caller): a count query
  if (capacity < pieces.size())
    return tfl::capi::set_error(TFL_ERR_INVALID_ARGUMENT,
                                std::string(fn) + ": argument 'capacity': " + std::to_string(capacity) +
                                    " is less than the " + std::to_string(pieces.size()) + " pieces");
  size_t made = 0;
  try {
    for (; made < pieces.size(); ++made) out[made] = to_handle(pieces[made]);
  } catch (...) {
    for (size_t i = 0; i < made; ++i) {
      delete out[i];  // a fresh handle nobody else has seen: its only reference
      out[i] = nullptr;
    }
    throw;
  }
  return TFL_OK;
}

}  // namespace

// --- views ----------------------------------------------------------------------------------------

/// The tensor with a new shape and the same elements in row-major order: a view when the strides
/// allow it, otherwise a copy.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param shape New sizes; one of them may be -1, inferred from the element count.
/// @param ndim Number of new dimensions.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the element counts differ.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_reshape(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                       TFL_ARRAY(ndim) const int64_t* shape, size_t ndim) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_SHAPE(shape, ndim);
  *out = to_handle(tfl::reshape(from_handle(t), tfl::Shape(shape, ndim)));
  TFL_CAPI_END
}

/// Like tfl_tensor_reshape, but always a view (sharing t's memory), never a copy.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param shape New sizes; one of them may be -1.
/// @param ndim Number of new dimensions.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if the element counts differ
///         or t's strides do not allow a view.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_view(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                    TFL_ARRAY(ndim) const int64_t* shape, size_t ndim) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_SHAPE(shape, ndim);
  *out = to_handle(tfl::view(from_handle(t), tfl::Shape(shape, ndim)));
  TFL_CAPI_END
}

/// A view with two axes swapped.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param dim0 First axis (negative counts from the end).
/// @param dim1 Second axis.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_transpose(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t dim0,
                                                         int64_t dim1) {
  TFL_TENSOR_OP1(t, tfl::transpose(from_handle(t), dim0, dim1))
}

/// A view with the axes reordered: result axis i is input axis dims[i].
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param dims A permutation of the axes (negative values count from the end).
/// @param ndims Number of entries in dims; must equal t's ndim.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or dims that are not a permutation;
///         TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_permute(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                       TFL_ARRAY(ndims) const int64_t* dims, size_t ndims) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(dims, ndims);
  *out = to_handle(tfl::permute(from_handle(t), to_vector(dims, ndims)));
  TFL_CAPI_END
}

/// A view with the last two axes swapped (a batched matrix transpose).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor with at least 2 dimensions.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if t has fewer than 2 dimensions.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_matrix_transpose(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::matrix_transpose(from_handle(t)))
}

/// A view without any size-1 axis.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_squeeze(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::squeeze(from_handle(t)))
}

/// A view without the given axes, each of which must have size 1.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axes Axes to drop (negative counts from the end).
/// @param naxes Number of axes.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range;
///         TFL_ERR_SHAPE if an axis does not have size 1.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_squeeze_axes(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                            TFL_ARRAY(naxes) const int64_t* axes, size_t naxes) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(axes, naxes);
  *out = to_handle(tfl::squeeze(from_handle(t), to_vector(axes, naxes)));
  TFL_CAPI_END
}

/// A view with a new size-1 axis at position axis of the result.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axis Position in [-ndim - 1, ndim].
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_unsqueeze(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t axis) {
  TFL_TENSOR_OP1(t, tfl::unsqueeze(from_handle(t), axis))
}

/// A read-only view of t broadcast to shape (numpy.broadcast_to): broadcast axes have stride 0, so do
/// not write through it.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param shape Target sizes: at least t's rank; each aligned axis of t is 1 or equal.
/// @param ndim Number of target dimensions.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if t does not broadcast to shape.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_broadcast_to(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                            TFL_ARRAY(ndim) const int64_t* shape, size_t ndim) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_SHAPE(shape, ndim);
  *out = to_handle(tfl::broadcast_to(from_handle(t), tfl::Shape(shape, ndim)));
  TFL_CAPI_END
}

/// Like tfl_tensor_broadcast_to, where -1 keeps the size of the aligned axis of t (PyTorch expand).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param shape Target sizes, -1 allowed where aligned with an axis of t.
/// @param ndim Number of target dimensions.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if t does not broadcast to shape.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_expand(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                      TFL_ARRAY(ndim) const int64_t* shape, size_t ndim) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_SHAPE(shape, ndim);
  *out = to_handle(tfl::expand(from_handle(t), tfl::Shape(shape, ndim)));
  TFL_CAPI_END
}

/// The view t[start:stop:step] along one axis, with Python semantics: negative bounds count from the
/// end and out-of-range bounds clamp.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axis Axis to slice (negative counts from the end).
/// @param start First index, or NULL for the default of the step's direction (Python's omitted bound).
/// @param stop End index (excluded), or NULL for the default.
/// @param step Non-zero step; negative walks backwards.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or step 0; TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_slice(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t axis,
                                                     TFL_NULLABLE const int64_t* start,
                                                     TFL_NULLABLE const int64_t* stop, int64_t step) {
  TFL_TENSOR_OP1(t, tfl::slice(from_handle(t), axis, tfl::capi::optional_of(start), tfl::capi::optional_of(stop), step))
}

/// Merges the axes start_dim..end_dim (inclusive) into one; a 0-d t gives shape [1]. A view when
/// possible, otherwise a copy.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param start_dim First axis to merge (negative counts from the end).
/// @param end_dim Last axis to merge (-1: the last axis).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range or
///         start_dim after end_dim.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_flatten(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t start_dim,
                                                       int64_t end_dim) {
  TFL_TENSOR_OP1(t, tfl::flatten(from_handle(t), start_dim, end_dim))
}

/// t as a 1-D tensor in row-major order (numpy.ravel): a view when possible, otherwise a copy.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_ravel(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::ravel(from_handle(t)))
}

// --- joining and splitting ------------------------------------------------------------------------

/// Joins tensors along an existing axis; dtypes promote. Empty pieces are allowed.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param tensors The pieces (borrowed), all of the same rank (>= 1) and equal sizes off axis.
/// @param ntensors Number of pieces, >= 1.
/// @param axis Axis to join along (negative counts from the end).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments (or a NULL element) or no pieces;
///         TFL_ERR_SHAPE if the sizes do not match; TFL_ERR_INDEX for an axis out of range; TFL_ERR_DTYPE
///         if the dtypes do not promote.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_concat(TFL_OUT tfl_tensor** out,
                                                      TFL_ARRAY(ntensors) const tfl_tensor* const* tensors,
                                                      size_t ntensors, int64_t axis) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR_ARRAY(tensors, ntensors);
  *out = to_handle(tfl::concat(tfl::capi::to_tensors(tensors, ntensors), axis));
  TFL_CAPI_END
}

/// Joins equally shaped tensors along a new axis; dtypes promote.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param tensors The pieces (borrowed), all of the same shape.
/// @param ntensors Number of pieces, >= 1.
/// @param axis Position of the new axis in [-ndim - 1, ndim].
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments (or a NULL element) or no pieces;
///         TFL_ERR_SHAPE if the shapes differ; TFL_ERR_INDEX for an axis out of range; TFL_ERR_DTYPE if the
///         dtypes do not promote.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_stack(TFL_OUT tfl_tensor** out,
                                                     TFL_ARRAY(ntensors) const tfl_tensor* const* tensors,
                                                     size_t ntensors, int64_t axis) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR_ARRAY(tensors, ntensors);
  *out = to_handle(tfl::stack(tfl::capi::to_tensors(tensors, ntensors), axis));
  TFL_CAPI_END
}

/// Splits t along axis into consecutive views of the given sizes.
///
/// Ownership (the same for tfl_tensor_split_sections and tfl_tensor_chunk): the caller passes an array
/// of capacity handles. On success *out_count is the number of pieces and out[0 .. *out_count) each
/// hold one new reference, released with tfl_tensor_release; the other slots are NULL. On failure every
/// slot is NULL and no reference was created. To learn the number of pieces first, pass out = NULL and
/// capacity = 0: the call sets *out_count and returns TFL_OK without creating anything. When capacity
/// is too small the call fails with TFL_ERR_INVALID_ARGUMENT and still sets *out_count.
/// @param[out] out Array of capacity handles receiving the pieces; NULL only when capacity is 0.
/// @param[out] out_count Receives the number of pieces.
/// @param capacity Length of out.
/// @param t Input tensor.
/// @param sizes Sizes of the pieces along axis; they must sum to the axis size.
/// @param nsizes Number of pieces.
/// @param axis Axis to split (negative counts from the end).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a too small capacity; TFL_ERR_SHAPE if the
///         sizes do not sum to the axis size; TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_split(TFL_OUT TFL_ARRAY(capacity) tfl_tensor** out,
                                                     TFL_OUT size_t* out_count, size_t capacity, const tfl_tensor* t,
                                                     TFL_ARRAY(nsizes) const int64_t* sizes, size_t nsizes,
                                                     int64_t axis) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT_ARRAY(out, capacity);
  TFL_CHECK_ARG(out_count != nullptr, "out_count", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(sizes, nsizes);
  return hand_out(__func__, out, out_count, capacity, tfl::split(from_handle(t), to_vector(sizes, nsizes), axis));
  TFL_CAPI_END
}

/// Splits t along axis into `sections` equal views (numpy.split with an integer). Ownership of the
/// pieces and the count query work as in tfl_tensor_split.
/// @param[out] out Array of capacity handles receiving the pieces; NULL only when capacity is 0.
/// @param[out] out_count Receives the number of pieces (sections).
/// @param capacity Length of out.
/// @param t Input tensor.
/// @param sections Number of pieces; must divide the axis size.
/// @param axis Axis to split (negative counts from the end).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a too small capacity or sections < 1;
///         TFL_ERR_SHAPE if sections does not divide the axis size; TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_split_sections(TFL_OUT TFL_ARRAY(capacity) tfl_tensor** out,
                                                              TFL_OUT size_t* out_count, size_t capacity,
                                                              const tfl_tensor* t, int64_t sections, int64_t axis) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT_ARRAY(out, capacity);
  TFL_CHECK_ARG(out_count != nullptr, "out_count", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  return hand_out(__func__, out, out_count, capacity, tfl::split_sections(from_handle(t), sections, axis));
  TFL_CAPI_END
}

/// Splits t along axis into views of ceil(size / chunks) elements, the last possibly smaller, so fewer
/// than `chunks` pieces may come back (torch.chunk). Ownership of the pieces and the count query work
/// as in tfl_tensor_split.
/// @param[out] out Array of capacity handles receiving the pieces; NULL only when capacity is 0.
/// @param[out] out_count Receives the number of pieces.
/// @param capacity Length of out.
/// @param t Input tensor.
/// @param chunks Requested number of pieces, >= 1.
/// @param axis Axis to split (negative counts from the end).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a too small capacity or chunks < 1;
///         TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_chunk(TFL_OUT TFL_ARRAY(capacity) tfl_tensor** out,
                                                     TFL_OUT size_t* out_count, size_t capacity, const tfl_tensor* t,
                                                     int64_t chunks, int64_t axis) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT_ARRAY(out, capacity);
  TFL_CHECK_ARG(out_count != nullptr, "out_count", "must not be NULL");
  TFL_CHECK_TENSOR(t);
  return hand_out(__func__, out, out_count, capacity, tfl::chunk(from_handle(t), chunks, axis));
  TFL_CAPI_END
}

// --- rearranging ----------------------------------------------------------------------------------

/// A padded copy of t (numpy.pad order: the first pair belongs to axis 0).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param widths (before, after) pairs, flattened: widths[2 * i] and widths[2 * i + 1] pad axis i. Either
///               one pair per axis or a single pair for every axis.
/// @param nwidths Number of entries in widths: 2 * ndim, or 2.
/// @param mode TFL_PAD_CONSTANT or TFL_PAD_REFLECT (mirror without repeating the edge).
/// @param value Fill value for TFL_PAD_CONSTANT (converted to t's dtype), ignored otherwise.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, an odd nwidths, a bad mode or a negative
///         width; TFL_ERR_SHAPE for a wrong number of pairs, or reflect widths not smaller than the axis.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_pad(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                   TFL_ARRAY(nwidths) const int64_t* widths, size_t nwidths,
                                                   tfl_pad_mode mode, double value) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(widths, nwidths);
  TFL_CHECK_ARG(nwidths % 2 == 0, "nwidths", "must be even (before, after pairs), got " + std::to_string(nwidths));
  TFL_CHECK_ARG(mode == TFL_PAD_CONSTANT || mode == TFL_PAD_REFLECT, "mode",
                "is not a valid tfl_pad_mode (got " + std::to_string(static_cast<int>(mode)) + ")");
  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (size_t i = 0; i < nwidths; i += 2) pairs.emplace_back(widths[i], widths[i + 1]);
  tfl::PadMode m = mode == TFL_PAD_REFLECT ? tfl::PadMode::kReflect : tfl::PadMode::kConstant;
  *out = to_handle(tfl::pad(from_handle(t), pairs, m, value));
  TFL_CAPI_END
}

/// A view with the order of elements reversed along every axis (negative strides).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_flip(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::flip(from_handle(t)))
}

/// A view with the order of elements reversed along the given axes.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axes Axes to reverse (negative counts from the end; no duplicates).
/// @param naxes Number of axes.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a repeated axis; TFL_ERR_INDEX for an axis
///         out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_flip_axes(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                         TFL_ARRAY(naxes) const int64_t* axes, size_t naxes) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(axes, naxes);
  *out = to_handle(tfl::flip(from_handle(t), to_vector(axes, naxes)));
  TFL_CAPI_END
}

/// t rolled as if flattened (numpy.roll without axis): element i moves to (i + shift) mod numel; the
/// shape is kept.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param shift Positions to move (negative moves backwards).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_roll(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t shift) {
  TFL_TENSOR_OP1(t, tfl::roll(from_handle(t), shift))
}

/// t rolled along the given axes (numpy.roll with axis); repeated axes add up.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param shifts One shift per axis, or a single shift for all of them.
/// @param nshifts Number of shifts: naxes or 1.
/// @param axes Axes to roll along (negative counts from the end).
/// @param naxes Number of axes, >= 1.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, no axis or a shift count that does not
///         match; TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_roll_axes(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                         TFL_ARRAY(nshifts) const int64_t* shifts, size_t nshifts,
                                                         TFL_ARRAY(naxes) const int64_t* axes, size_t naxes) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(shifts, nshifts);
  TFL_CHECK_ARRAY(axes, naxes);
  *out = to_handle(tfl::roll(from_handle(t), to_vector(shifts, nshifts), to_vector(axes, naxes)));
  TFL_CAPI_END
}

/// The lower triangle of the last two axes (batched over the others), zeros elsewhere.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor with at least 2 dimensions.
/// @param k Diagonal: 0 is the main one, k > 0 above it, k < 0 below it.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if t has fewer than 2 dimensions.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_tril(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t k) {
  TFL_TENSOR_OP1(t, tfl::tril(from_handle(t), k))
}

/// The upper triangle of the last two axes (batched over the others), zeros elsewhere.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor with at least 2 dimensions.
/// @param k Diagonal: 0 is the main one, k > 0 above it, k < 0 below it.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_SHAPE if t has fewer than 2 dimensions.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_triu(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t k) {
  TFL_TENSOR_OP1(t, tfl::triu(from_handle(t), k))
}

/// Each element of the flattened t repeated (numpy.repeat without axis); a 1-D result.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param repeats One count for every element, or one count per element.
/// @param nrepeats Number of counts: 1 or numel.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a negative count; TFL_ERR_SHAPE for a
///         wrong number of counts.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_repeat(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                      TFL_ARRAY(nrepeats) const int64_t* repeats, size_t nrepeats) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(repeats, nrepeats);
  *out = to_handle(tfl::repeat(from_handle(t), to_vector(repeats, nrepeats), std::nullopt));
  TFL_CAPI_END
}

/// Each element along axis repeated (numpy.repeat with axis).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param repeats One count for every element along axis, or one count per element.
/// @param nrepeats Number of counts: 1 or the axis size.
/// @param axis Axis to repeat along (negative counts from the end).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a negative count; TFL_ERR_SHAPE for a
///         wrong number of counts; TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_repeat_axis(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                           TFL_ARRAY(nrepeats) const int64_t* repeats,
                                                           size_t nrepeats, int64_t axis) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(repeats, nrepeats);
  *out = to_handle(tfl::repeat(from_handle(t), to_vector(repeats, nrepeats), axis));
  TFL_CAPI_END
}

/// The whole tensor repeated reps[i] times along axis i (numpy.tile): shorter reps get leading 1s and a
/// tensor of lower rank gets leading size-1 axes.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param reps Repetitions per axis, each >= 0.
/// @param nreps Number of entries in reps.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a negative count; TFL_ERR_SHAPE if the
///         result would have too many dimensions.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_tile(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                    TFL_ARRAY(nreps) const int64_t* reps, size_t nreps) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_ARRAY(reps, nreps);
  *out = to_handle(tfl::tile(from_handle(t), to_vector(reps, nreps)));
  TFL_CAPI_END
}
