// C API: random sampling from the process-wide Philox generator (seed, state, rand, randn, uniform,
// normal, randint, bernoulli). Values depend only on (seed, offset, element index), never on threads.
#include "capi/capi_tensor_util.h"
#include "core/default_device.h"
#include "core/ops/random.h"
#include "core/rng.h"

using tfl::capi::from_handle;
using tfl::capi::to_dtype;
using tfl::capi::to_handle;

/// Seeds the default generator and rewinds it, so that the following draws repeat exactly.
/// @param seed Any 64-bit value.
/// @return TFL_OK.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_random_seed(uint64_t seed) {
  TFL_CAPI_BEGIN
  tfl::manual_seed(seed);
  TFL_CAPI_END
}

/// State of the default generator: its seed and the offset of the next unused counter block. Passing
/// both to tfl_random_set_state later replays the draws made from here on.
/// @param[out] out_seed Receives the seed.
/// @param[out] out_offset Receives the offset.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_random_state(TFL_OUT uint64_t* out_seed, TFL_OUT uint64_t* out_offset) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out_seed != nullptr, "out_seed", "must not be NULL");
  TFL_CHECK_ARG(out_offset != nullptr, "out_offset", "must not be NULL");
  // One copy, so that seed and offset come from the same instant.
  tfl::Generator g = tfl::default_generator();
  *out_seed = g.seed();
  *out_offset = g.offset();
  TFL_CAPI_END
}

/// Restores a state read with tfl_random_state.
/// @param seed Seed.
/// @param offset Offset of the next counter block.
/// @return TFL_OK.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_random_set_state(uint64_t seed, uint64_t offset) {
  TFL_CAPI_BEGIN
  tfl::Generator& g = tfl::default_generator();
  g.manual_seed(seed);
  g.set_offset(offset);
  TFL_CAPI_END
}

/// Samples uniform in [0, 1).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param shape Sizes of the dimensions.
/// @param ndim Number of dimensions.
/// @param dtype A float type.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad dtype; TFL_ERR_SHAPE for negative
///         sizes; TFL_ERR_DTYPE for a non-float dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_rand(TFL_OUT tfl_tensor** out, TFL_ARRAY(ndim) const int64_t* shape,
                                                    size_t ndim, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_SHAPE(shape, ndim);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::on_default_device(tfl::rand(tfl::checked_shape(shape, ndim, "rand"), to_dtype(dtype))));
  TFL_CAPI_END
}

/// Samples from the standard normal distribution.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param shape Sizes of the dimensions.
/// @param ndim Number of dimensions.
/// @param dtype A float type.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a bad dtype; TFL_ERR_SHAPE for negative
///         sizes; TFL_ERR_DTYPE for a non-float dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_randn(TFL_OUT tfl_tensor** out, TFL_ARRAY(ndim) const int64_t* shape,
                                                     size_t ndim, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_SHAPE(shape, ndim);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::on_default_device(tfl::randn(tfl::checked_shape(shape, ndim, "randn"), to_dtype(dtype))));
  TFL_CAPI_END
}

/// Samples uniform in [low, high).
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param shape Sizes of the dimensions.
/// @param ndim Number of dimensions.
/// @param low Lower bound (included), finite.
/// @param high Upper bound (excluded), finite, > low.
/// @param dtype A float type.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a bad dtype or bad bounds; TFL_ERR_SHAPE for
///         negative sizes; TFL_ERR_DTYPE for a non-float dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_uniform(TFL_OUT tfl_tensor** out, TFL_ARRAY(ndim) const int64_t* shape,
                                                       size_t ndim, double low, double high, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_SHAPE(shape, ndim);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::on_default_device(tfl::uniform(tfl::checked_shape(shape, ndim, "uniform"), low, high, to_dtype(dtype))));
  TFL_CAPI_END
}

/// Samples from the normal distribution with the given mean and standard deviation.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param shape Sizes of the dimensions.
/// @param ndim Number of dimensions.
/// @param mean Mean, finite.
/// @param std Standard deviation, finite and >= 0.
/// @param dtype A float type.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a bad dtype or bad parameters; TFL_ERR_SHAPE
///         for negative sizes; TFL_ERR_DTYPE for a non-float dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_normal(TFL_OUT tfl_tensor** out, TFL_ARRAY(ndim) const int64_t* shape,
                                                      size_t ndim, double mean, double std, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_SHAPE(shape, ndim);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::on_default_device(tfl::normal(tfl::checked_shape(shape, ndim, "normal"), mean, std, to_dtype(dtype))));
  TFL_CAPI_END
}

/// Samples integers uniform in [low, high), without modulo bias.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param shape Sizes of the dimensions.
/// @param ndim Number of dimensions.
/// @param low Lower bound (included), within dtype's range.
/// @param high Upper bound (excluded), > low, within dtype's range.
/// @param dtype An integer type (TFL_DTYPE_I8 ... TFL_DTYPE_U64); [low, high) must fit in it.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a bad dtype or bad bounds; TFL_ERR_SHAPE for
///         negative sizes; TFL_ERR_DTYPE for another dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_randint(TFL_OUT tfl_tensor** out, TFL_ARRAY(ndim) const int64_t* shape,
                                                       size_t ndim, int64_t low, int64_t high, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_SHAPE(shape, ndim);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::on_default_device(tfl::randint(low, high, tfl::checked_shape(shape, ndim, "randint"), to_dtype(dtype))));
  TFL_CAPI_END
}

/// Samples 1 with probability p and 0 otherwise, independently per element.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param shape Sizes of the dimensions.
/// @param ndim Number of dimensions.
/// @param p Probability in [0, 1].
/// @param dtype A float type or TFL_DTYPE_BOOL.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a bad dtype or p outside [0, 1];
///         TFL_ERR_SHAPE for negative sizes; TFL_ERR_DTYPE for another dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_bernoulli(TFL_OUT tfl_tensor** out, TFL_ARRAY(ndim) const int64_t* shape,
                                                         size_t ndim, double p, tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_SHAPE(shape, ndim);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::on_default_device(tfl::bernoulli(tfl::checked_shape(shape, ndim, "bernoulli"), p, to_dtype(dtype))));
  TFL_CAPI_END
}

/// One Bernoulli sample per element of a tensor of probabilities.
/// @param[out] out New tensor of p's shape; release with tfl_tensor_release.
/// @param p Float tensor of probabilities in [0, 1].
/// @param dtype Result type: a float type or TFL_DTYPE_BOOL.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments, a bad dtype or a probability outside [0, 1];
///         TFL_ERR_DTYPE for a non-float p or another result dtype.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_bernoulli_probs(TFL_OUT tfl_tensor** out, const tfl_tensor* p,
                                                               tfl_dtype dtype) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_TENSOR(p);
  TFL_CHECK_DTYPE(dtype);
  *out = to_handle(tfl::bernoulli(from_handle(p), to_dtype(dtype)));
  TFL_CAPI_END
}

/// Samples uniform in [0, 1) with t's shape and dtype.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor giving shape and dtype (a float type).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for a non-float t.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_rand_like(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::rand_like(from_handle(t)))
}

/// Samples from the standard normal distribution with t's shape and dtype.
/// @param[out] out New tensor; release with tfl_tensor_release.
/// @param t Tensor giving shape and dtype (a float type).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_DTYPE for a non-float t.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_randn_like(TFL_OUT tfl_tensor** out, const tfl_tensor* t) {
  TFL_TENSOR_OP1(t, tfl::randn_like(from_handle(t)))
}

/// Overwrites t with samples uniform in [low, high) (any layout without overlapping elements).
/// @param t Float tensor, modified in place.
/// @param low Lower bound (included), finite.
/// @param high Upper bound (excluded), finite, > low.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or bad bounds; TFL_ERR_DTYPE for a non-float t.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_uniform_inplace(TFL_IN tfl_tensor* t, double low, double high) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(t);
  tfl::uniform_(from_handle(t), low, high);
  TFL_CAPI_END
}

/// Overwrites t with normal samples (any layout without overlapping elements).
/// @param t Float tensor, modified in place.
/// @param mean Mean, finite.
/// @param std Standard deviation, finite and >= 0.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or bad parameters; TFL_ERR_DTYPE for a
///         non-float t.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_tensor_normal_inplace(TFL_IN tfl_tensor* t, double mean, double std) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR(t);
  tfl::normal_(from_handle(t), mean, std);
  TFL_CAPI_END
}
