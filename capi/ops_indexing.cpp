// C API: indexing ops (gather, take, index_select, take_along_axis, scatter_add, index_add,
// masked_select, one_hot) and sorting (sort, argsort, topk).
#include <memory>
#include <utility>

#include "capi/capi_tensor_util.h"
#include "core/ops/indexing.h"
#include "core/ops/sort.h"

using tfl::capi::from_handle;
using tfl::capi::to_handle;

// --- gathering ------------------------------------------------------------------------------------

/// Picks elements along axis by index (torch.gather): out[i][j] = t[index[i][j]][j] for axis 0.
/// Indices may be negative (counting from the end of the axis).
/// @param[out] out New tensor with index's shape and t's dtype; release with tfl_tensor_release.
/// @param t Source tensor.
/// @param axis Axis to index (negative counts from the end).
/// @param index i32 or i64 tensor of t's rank, no larger than t off axis.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if index is not i32/i64;
///         TFL_ERR_SHAPE if the shapes do not fit; TFL_ERR_INDEX for an index or axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_gather(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t axis,
                                                      const tfl_tensor* index) {
  TFL_TENSOR_OP2(t, index, tfl::gather(from_handle(t), axis, from_handle(index)))
}

/// Elements of the row-major flattened t at the given indices (numpy.take without axis).
/// @param[out] out New tensor with index's shape and t's dtype; release with tfl_tensor_release.
/// @param t Source tensor.
/// @param index i32 or i64 tensor of flat indices (negative counts from the end).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if index is not i32/i64;
///         TFL_ERR_INDEX for an index out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_take(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                    const tfl_tensor* index) {
  TFL_TENSOR_OP2(t, index, tfl::take(from_handle(t), from_handle(index)))
}

/// Slices of t along axis picked by a 1-D index (repeats allowed).
/// @param[out] out New tensor: t's shape with the axis size replaced by index's length; release with
///             tfl_tensor_release.
/// @param t Source tensor.
/// @param axis Axis to index (negative counts from the end).
/// @param index 1-D i32 or i64 tensor.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if index is not i32/i64;
///         TFL_ERR_SHAPE if index is not 1-D; TFL_ERR_INDEX for an index or axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_index_select(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                            int64_t axis, const tfl_tensor* index) {
  TFL_TENSOR_OP2(t, index, tfl::index_select(from_handle(t), axis, from_handle(index)))
}

/// numpy.take_along_axis: like tfl_tensor_gather, but t and indices broadcast against each other on
/// every axis other than axis.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Source tensor.
/// @param indices i32 or i64 tensor of t's rank.
/// @param axis Axis to index (negative counts from the end).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if indices is not i32/i64;
///         TFL_ERR_SHAPE if the shapes do not broadcast; TFL_ERR_INDEX for an index or axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_take_along_axis(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                               const tfl_tensor* indices, int64_t axis) {
  TFL_TENSOR_OP2(t, indices, tfl::take_along_axis(from_handle(t), from_handle(indices), axis))
}

/// Elements of t where mask is true, as a 1-D tensor in row-major order of the broadcast of t and mask.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Source tensor.
/// @param mask Bool tensor broadcastable with t.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE if mask is not bool;
///         TFL_ERR_SHAPE if the shapes do not broadcast.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_masked_select(TFL_OUT tfl_tensor** out, const tfl_tensor* t,
                                                             const tfl_tensor* mask) {
  TFL_TENSOR_OP2(t, mask, tfl::masked_select(from_handle(t), from_handle(mask)))
}

/// One-hot encoding: shape indices.shape + [num_classes], 1 at each index and 0 elsewhere.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param indices i32 or i64 tensor of class values in [0, num_classes).
/// @param num_classes Number of classes.
/// @param dtype Element type of the result.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a bad dtype or num_classes < 0;
///         TFL_ERR_DTYPE if indices is not i32/i64; TFL_ERR_INDEX for a class value out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_one_hot(TFL_OUT tfl_tensor** out, const tfl_tensor* indices,
                                                       int64_t num_classes, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(indices);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::one_hot(from_handle(indices), num_classes, tfl::capi::to_dtype(dtype)));
  TFL_CAPI_END
}

// --- accumulating ---------------------------------------------------------------------------------

/// A copy of t with src added at index along axis (torch.scatter_add); duplicate indices accumulate.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Destination values.
/// @param axis Axis to index (negative counts from the end).
/// @param index i32 or i64 tensor of t's rank, no larger than src, and no larger than t off axis.
/// @param src Values to add, with t's dtype and rank.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for a wrong index or src
///         dtype; TFL_ERR_SHAPE if the shapes do not fit; TFL_ERR_INDEX for an index or axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_scatter_add(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t axis,
                                                           const tfl_tensor* index, const tfl_tensor* src) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_TENSOR(index);
  TFL_CHECK_TENSOR(src);
  *out = to_handle(tfl::scatter_add(from_handle(t), axis, from_handle(index), from_handle(src)));
  TFL_CAPI_END
}

/// tfl_tensor_scatter_add in place: t (and every view of its memory) is modified; nothing is written
/// when the call fails.
/// @param t Destination, modified in place.
/// @param axis Axis to index (negative counts from the end).
/// @param index i32 or i64 tensor of t's rank.
/// @param src Values to add, with t's dtype and rank.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for a wrong index or src
///         dtype; TFL_ERR_SHAPE if the shapes do not fit; TFL_ERR_INDEX for an index or axis out of range;
///         TFL_ERR_GRADIENT when t or src takes part in autograd (grad mode on and one requires grad).
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_scatter_add_inplace(TFL_IN tfl_tensor* t, int64_t axis,
                                                                   const tfl_tensor* index, const tfl_tensor* src) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_TENSOR(index);
  TFL_CHECK_TENSOR(src);
  tfl::scatter_add_(from_handle(t), axis, from_handle(index), from_handle(src));
  TFL_CAPI_END
}

/// A copy of t with alpha * src added at the positions index along axis (torch.index_add).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Destination values.
/// @param axis Axis to index (negative counts from the end).
/// @param index 1-D i32 or i64 tensor.
/// @param src Values: t's shape with the axis size replaced by index's length, and t's dtype.
/// @param alpha Scale of src; must be integral for integer dtypes.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a non-integral alpha with integers;
///         TFL_ERR_DTYPE for a wrong index or src dtype; TFL_ERR_SHAPE if the shapes do not fit;
///         TFL_ERR_INDEX for an index or axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_index_add(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t axis,
                                                         const tfl_tensor* index, const tfl_tensor* src, double alpha) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_TENSOR(index);
  TFL_CHECK_TENSOR(src);
  *out = to_handle(tfl::index_add(from_handle(t), axis, from_handle(index), from_handle(src), alpha));
  TFL_CAPI_END
}

/// tfl_tensor_index_add in place: t (and every view of its memory) is modified; nothing is written
/// when the call fails.
/// @param t Destination, modified in place.
/// @param axis Axis to index (negative counts from the end).
/// @param index 1-D i32 or i64 tensor.
/// @param src Values: t's shape with the axis size replaced by index's length, and t's dtype.
/// @param alpha Scale of src; must be integral for integer dtypes.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a non-integral alpha with integers;
///         TFL_ERR_DTYPE for a wrong index or src dtype; TFL_ERR_SHAPE if the shapes do not fit;
///         TFL_ERR_INDEX for an index or axis out of range; TFL_ERR_GRADIENT when t or src takes part in
///         autograd.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_index_add_inplace(TFL_IN tfl_tensor* t, int64_t axis,
                                                                 const tfl_tensor* index, const tfl_tensor* src,
                                                                 double alpha) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(t);
  TFL_CHECK_TENSOR(index);
  TFL_CHECK_TENSOR(src);
  tfl::index_add_(from_handle(t), axis, from_handle(index), from_handle(src), alpha);
  TFL_CAPI_END
}

// --- sorting --------------------------------------------------------------------------------------

/// Sorts along axis, stably (equal elements keep their order); NaN sorts as larger than every number.
/// @param[out] out_values New tensor of sorted values (t's dtype); release with tfl_tensor_release.
/// @param[out] out_indices New i64 tensor of the values' positions along axis; release with
///             tfl_tensor_release.
/// @param t Input tensor (a 0-d t counts as one element).
/// @param axis Axis to sort (negative counts from the end).
/// @param descending Largest first.
/// @param stable Accepted for compatibility; the sort is always stable.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_sort(TFL_OUT tfl_tensor** out_values, TFL_OUT tfl_tensor** out_indices,
                                                    const tfl_tensor* t, int64_t axis, bool descending, bool stable) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out_values);
  TFL_CHECK_OUT(out_indices);
  TFL_CHECK_TENSOR(t);
  tfl::SortResult r = tfl::sort(from_handle(t), axis, descending, stable);
  std::unique_ptr<tfl_tensor> values(to_handle(std::move(r.values)));
  *out_indices = to_handle(std::move(r.indices));
  *out_values = values.release();
  TFL_CAPI_END
}

/// The i64 positions that would sort t along axis (stable; NaN last in ascending order).
/// @param[out] out New i64 tensor of t's shape; release with tfl_tensor_release.
/// @param t Input tensor.
/// @param axis Axis to sort (negative counts from the end).
/// @param descending Largest first.
/// @param stable Accepted for compatibility; the sort is always stable.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_INDEX for an axis out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_argsort(TFL_OUT tfl_tensor** out, const tfl_tensor* t, int64_t axis,
                                                       bool descending, bool stable) {
  TFL_TENSOR_OP1(t, tfl::argsort(from_handle(t), axis, descending, stable))
}

/// The k largest (or smallest) elements along axis and their positions.
/// @param[out] out_values New tensor: t's shape with the axis size k, t's dtype; release with
///             tfl_tensor_release.
/// @param[out] out_indices New i64 tensor of the values' positions along axis; release with
///             tfl_tensor_release.
/// @param t Input tensor.
/// @param k Number of elements, in [0, size of axis].
/// @param axis Axis to search (negative counts from the end).
/// @param largest true for the largest elements (NaN counts as largest), false for the smallest.
/// @param sorted true to order the results (largest first, or smallest first); false allows any order.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or k out of range; TFL_ERR_INDEX for an axis
///         out of range.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_topk(TFL_OUT tfl_tensor** out_values, TFL_OUT tfl_tensor** out_indices,
                                                    const tfl_tensor* t, int64_t k, int64_t axis, bool largest,
                                                    bool sorted) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out_values);
  TFL_CHECK_OUT(out_indices);
  TFL_CHECK_TENSOR(t);
  tfl::SortResult r = tfl::topk(from_handle(t), k, axis, largest, sorted);
  std::unique_ptr<tfl_tensor> values(to_handle(std::move(r.values)));
  *out_indices = to_handle(std::move(r.indices));
  *out_values = values.release();
  TFL_CAPI_END
}
