// C API: optimizers over arrays of parameter tensors (core/optim/*.h), their checkpoints, and gradient
// clipping. Hyperparameters are plain scalars (a fixed list per optimizer), readable and settable by
// name afterwards, so no options struct needs versioning.
#include <memory>
#include <string>
#include <vector>

#include "capi/capi_tensor_util.h"
#include "capi/handles_optim.h"
#include "core/io/safetensors.h"
#include "core/optim/adagrad.h"
#include "core/optim/adam.h"
#include "core/optim/clip.h"
#include "core/optim/lion.h"
#include "core/optim/rmsprop.h"
#include "core/optim/sgd.h"

using tfl::capi::to_tensors;

// Checks an optimizer handle argument.
#define TFL_CHECK_OPTIMIZER(h) TFL_CHECK_ARG((h) != nullptr, #h, "must not be NULL")

// The body of an optimizer constructor: checks out and the parameter array, then builds `Type` from
// the parameters and an options value `o` the caller's statements filled in.
#define TFL_OPTIM_CREATE(Type, Options, ...)                                              \
  TFL_CAPI_BEGIN                                                                          \
  TFL_CHECK_OUT(out);                                                                     \
  TFL_CHECK_TENSOR_ARRAY(params, nparams);                                                \
  Options o;                                                                              \
  __VA_ARGS__;                                                                            \
  *out = new tfl_optimizer(std::make_unique<Type>(to_tensors(params, nparams), o));      \
  TFL_CAPI_END

/// Creates an SGD optimizer with PyTorch's rule: d = g + weight_decay p; b = d on the first step, else
/// momentum b + (1 - dampening) d; p -= lr (nesterov ? d + momentum b : b) (just lr d without momentum).
/// Hyperparameter names: lr, momentum, dampening, weight_decay, nesterov.
/// @param[out] out New optimizer; release with tfl_optimizer_release.
/// @param params The parameters to update (floating point, each at most once); the optimizer holds a
///        reference to each and updates them in place.
/// @param nparams Number of parameters.
/// @param lr Learning rate (>= 0).
/// @param momentum Momentum factor (>= 0; 0 for none).
/// @param dampening Dampening of the momentum.
/// @param weight_decay L2 penalty (>= 0).
/// @param nesterov Nesterov momentum (needs momentum > 0 and dampening 0).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OPTIMIZER for repeated
///         parameters or out-of-range hyperparameters; TFL_ERR_DTYPE for a non-floating parameter.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optim_sgd_create(TFL_OUT tfl_optimizer** out,
                                                         TFL_ARRAY(nparams) const tfl_tensor* const* params,
                                                         size_t nparams, double lr, double momentum, double dampening,
                                                         double weight_decay, bool nesterov) {
  TFL_OPTIM_CREATE(tfl::optim::SGD, tfl::optim::SGDOptions, o.lr = lr; o.momentum = momentum;
                   o.dampening = dampening; o.weight_decay = weight_decay; o.nesterov = nesterov)
}

/// Creates an Adam optimizer with PyTorch's rule at step t: g += weight_decay p; m = beta1 m + (1 - beta1) g;
/// v = beta2 v + (1 - beta2) g^2 (amsgrad: the running maximum of v is used); p -= lr / (1 - beta1^t) m /
/// (sqrt(v) / sqrt(1 - beta2^t) + eps). Hyperparameter names: lr, beta1, beta2, eps, weight_decay, amsgrad.
/// @param[out] out New optimizer; release with tfl_optimizer_release.
/// @param params The parameters to update (floating point, each at most once).
/// @param nparams Number of parameters.
/// @param lr Learning rate (>= 0; PyTorch's default is 1e-3).
/// @param beta1 Decay of the first moment, in [0, 1) (default 0.9).
/// @param beta2 Decay of the second moment, in [0, 1) (default 0.999).
/// @param eps Added to the denominator (>= 0; default 1e-8).
/// @param weight_decay L2 penalty added to the gradient (>= 0).
/// @param amsgrad Use the maximum of past second moments.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OPTIMIZER for repeated
///         parameters or out-of-range hyperparameters; TFL_ERR_DTYPE for a non-floating parameter.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optim_adam_create(TFL_OUT tfl_optimizer** out,
                                                          TFL_ARRAY(nparams) const tfl_tensor* const* params,
                                                          size_t nparams, double lr, double beta1, double beta2,
                                                          double eps, double weight_decay, bool amsgrad) {
  TFL_OPTIM_CREATE(tfl::optim::Adam, tfl::optim::AdamOptions, o.lr = lr; o.beta1 = beta1; o.beta2 = beta2;
                   o.eps = eps; o.weight_decay = weight_decay; o.amsgrad = amsgrad)
}

/// Creates an AdamW optimizer: Adam with decoupled weight decay, p *= 1 - lr weight_decay before the
/// Adam update (which then sees no L2 term). Hyperparameter names as tfl_optim_adam_create.
/// @param[out] out New optimizer; release with tfl_optimizer_release.
/// @param params The parameters to update (floating point, each at most once).
/// @param nparams Number of parameters.
/// @param lr Learning rate (>= 0; PyTorch's default is 1e-3).
/// @param beta1 Decay of the first moment, in [0, 1) (default 0.9).
/// @param beta2 Decay of the second moment, in [0, 1) (default 0.999).
/// @param eps Added to the denominator (>= 0; default 1e-8).
/// @param weight_decay Decoupled weight decay (>= 0; PyTorch's default is 1e-2).
/// @param amsgrad Use the maximum of past second moments.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OPTIMIZER for repeated
///         parameters or out-of-range hyperparameters; TFL_ERR_DTYPE for a non-floating parameter.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optim_adamw_create(TFL_OUT tfl_optimizer** out,
                                                           TFL_ARRAY(nparams) const tfl_tensor* const* params,
                                                           size_t nparams, double lr, double beta1, double beta2,
                                                           double eps, double weight_decay, bool amsgrad) {
  TFL_OPTIM_CREATE(tfl::optim::AdamW, tfl::optim::AdamOptions, o.lr = lr; o.beta1 = beta1; o.beta2 = beta2;
                   o.eps = eps; o.weight_decay = weight_decay; o.amsgrad = amsgrad)
}

/// Creates an RMSprop optimizer with PyTorch's rule: g += weight_decay p; s = alpha s + (1 - alpha) g^2;
/// r = sqrt(s) + eps (centered: a = alpha a + (1 - alpha) g, r = sqrt(s - a^2) + eps); with momentum
/// b = momentum b + g / r, p -= lr b, else p -= lr g / r. Hyperparameter names: lr, alpha, eps,
/// weight_decay, momentum, centered.
/// @param[out] out New optimizer; release with tfl_optimizer_release.
/// @param params The parameters to update (floating point, each at most once).
/// @param nparams Number of parameters.
/// @param lr Learning rate (>= 0; PyTorch's default is 1e-2).
/// @param alpha Smoothing of the squared-gradient average (default 0.99).
/// @param eps Added to the denominator (>= 0; default 1e-8).
/// @param weight_decay L2 penalty (>= 0).
/// @param momentum Momentum factor (>= 0; 0 for none).
/// @param centered Divide by the estimated standard deviation instead of the RMS.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OPTIMIZER for repeated
///         parameters or out-of-range hyperparameters; TFL_ERR_DTYPE for a non-floating parameter.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optim_rmsprop_create(TFL_OUT tfl_optimizer** out,
                                                             TFL_ARRAY(nparams) const tfl_tensor* const* params,
                                                             size_t nparams, double lr, double alpha, double eps,
                                                             double weight_decay, double momentum, bool centered) {
  TFL_OPTIM_CREATE(tfl::optim::RMSprop, tfl::optim::RMSpropOptions, o.lr = lr; o.alpha = alpha; o.eps = eps;
                   o.weight_decay = weight_decay; o.momentum = momentum; o.centered = centered)
}

/// Creates an Adagrad optimizer with PyTorch's rule at step t: g += weight_decay p;
/// clr = lr / (1 + (t - 1) lr_decay); s += g^2; p -= clr g / (sqrt(s) + eps). Hyperparameter names:
/// lr, lr_decay, weight_decay, initial_accumulator_value, eps.
/// @param[out] out New optimizer; release with tfl_optimizer_release.
/// @param params The parameters to update (floating point, each at most once).
/// @param nparams Number of parameters.
/// @param lr Learning rate (>= 0; PyTorch's default is 1e-2).
/// @param lr_decay Learning-rate decay (>= 0).
/// @param weight_decay L2 penalty (>= 0).
/// @param initial_accumulator_value Starting value of s (>= 0).
/// @param eps Added to the denominator (>= 0; default 1e-10).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OPTIMIZER for repeated
///         parameters or out-of-range hyperparameters; TFL_ERR_DTYPE for a non-floating parameter.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optim_adagrad_create(TFL_OUT tfl_optimizer** out,
                                                             TFL_ARRAY(nparams) const tfl_tensor* const* params,
                                                             size_t nparams, double lr, double lr_decay,
                                                             double weight_decay, double initial_accumulator_value,
                                                             double eps) {
  TFL_OPTIM_CREATE(tfl::optim::Adagrad, tfl::optim::AdagradOptions, o.lr = lr; o.lr_decay = lr_decay;
                   o.weight_decay = weight_decay; o.initial_accumulator_value = initial_accumulator_value; o.eps = eps)
}

/// Creates a Lion optimizer (Chen et al. 2023): p *= 1 - lr weight_decay; p -= lr sign(beta1 m + (1 - beta1) g);
/// m = beta2 m + (1 - beta2) g. Hyperparameter names: lr, beta1, beta2, weight_decay.
/// @param[out] out New optimizer; release with tfl_optimizer_release.
/// @param params The parameters to update (floating point, each at most once).
/// @param nparams Number of parameters.
/// @param lr Learning rate (>= 0; the paper's default is 1e-4).
/// @param beta1 Interpolation of the update direction, in [0, 1) (default 0.9).
/// @param beta2 Decay of the momentum, in [0, 1) (default 0.99).
/// @param weight_decay Decoupled weight decay (>= 0).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OPTIMIZER for repeated
///         parameters or out-of-range hyperparameters; TFL_ERR_DTYPE for a non-floating parameter.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optim_lion_create(TFL_OUT tfl_optimizer** out,
                                                          TFL_ARRAY(nparams) const tfl_tensor* const* params,
                                                          size_t nparams, double lr, double beta1, double beta2,
                                                          double weight_decay) {
  TFL_OPTIM_CREATE(tfl::optim::Lion, tfl::optim::LionOptions, o.lr = lr; o.beta1 = beta1; o.beta2 = beta2;
                   o.weight_decay = weight_decay)
}

/// Adds a reference to an optimizer.
/// @param optimizer Optimizer handle.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if optimizer is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optimizer_retain(TFL_IN tfl_optimizer* optimizer) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OPTIMIZER(optimizer);
  optimizer->refs.fetch_add(1, std::memory_order_relaxed);
  TFL_CAPI_END
}

/// Drops a reference; the last one frees the optimizer, its state and its references to the parameters
/// (schedulers built over it hold references of their own).
/// @param optimizer Optimizer handle, or NULL (ignored).
TFL_API TFL_SINCE(0, 1) void tfl_optimizer_release(TFL_IN TFL_NULLABLE tfl_optimizer* optimizer) {
  tfl::capi::release_optimizer(optimizer);
}

/// Updates every parameter that has a gradient, in place, with recording off; parameters without a
/// gradient are skipped and keep their state.
/// @param optimizer The optimizer.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if optimizer is NULL; TFL_ERR_SHAPE when a gradient's shape
///         differs from its parameter's.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optimizer_step(TFL_IN tfl_optimizer* optimizer) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OPTIMIZER(optimizer);
  optimizer->impl->step();
  TFL_CAPI_END
}

/// Clears the gradients of the parameters.
/// @param optimizer The optimizer.
/// @param set_to_none true drops the gradients (tfl_tensor_grad then gives NULL); false fills them with zeros.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if optimizer is NULL.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optimizer_zero_grad(TFL_IN tfl_optimizer* optimizer, bool set_to_none) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OPTIMIZER(optimizer);
  optimizer->impl->zero_grad(set_to_none);
  TFL_CAPI_END
}

/// The current learning rate.
/// @param[out] out Receives the learning rate.
/// @param optimizer The optimizer.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optimizer_lr(TFL_OUT double* out, const tfl_optimizer* optimizer) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_OPTIMIZER(optimizer);
  *out = optimizer->impl->lr();
  TFL_CAPI_END
}

/// Sets the learning rate (a scheduler overwrites it at its next step).
/// @param optimizer The optimizer.
/// @param lr The new learning rate (>= 0).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT if optimizer is NULL or lr is negative or NaN.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optimizer_set_lr(TFL_IN tfl_optimizer* optimizer, double lr) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OPTIMIZER(optimizer);
  optimizer->impl->set_lr(lr);
  TFL_CAPI_END
}

/// Reads a hyperparameter by the name listed in the optimizer's constructor doc (flags read as 0 or 1).
/// @param[out] out Receives the value.
/// @param optimizer The optimizer.
/// @param name Hyperparameter name, e.g. "momentum" or "beta1".
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a name this optimizer does not have.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optimizer_hyperparameter(TFL_OUT double* out, const tfl_optimizer* optimizer,
                                                                 const char* name) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out != nullptr, "out", "must not be NULL");
  TFL_CHECK_OPTIMIZER(optimizer);
  TFL_CHECK_ARG(name != nullptr, "name", "must not be NULL");
  *out = optimizer->impl->param_groups().front().get(name);
  TFL_CAPI_END
}

/// Sets a hyperparameter by name. Only "lr" is range-checked again (as tfl_optimizer_set_lr); a value the optimizer's
/// constructor would refuse gives undefined training results, and turning on state (momentum after the
/// first step) fails at the next tfl_optimizer_step.
/// @param optimizer The optimizer.
/// @param name Hyperparameter name, e.g. "weight_decay".
/// @param value The new value (flags: 0 or 1).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a name this optimizer does not have.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optimizer_set_hyperparameter(TFL_IN tfl_optimizer* optimizer, const char* name,
                                                                     double value) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OPTIMIZER(optimizer);
  TFL_CHECK_ARG(name != nullptr, "name", "must not be NULL");
  if (std::string(name) == "lr") {
    optimizer->impl->set_lr(value);  // the one hyperparameter the core range-checks after construction
  } else {
    for (auto& g : optimizer->impl->param_groups()) g.set(name, value);
  }
  TFL_CAPI_END
}

/// The optimizer's kind ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Lion", "AdaBelief", "RAdam", "NAdam",
/// "Adadelta").
/// @param[out] out Receives a static NUL-terminated string, valid for the life of the process.
/// @param optimizer The optimizer.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optimizer_name(TFL_OUT const char** out, const tfl_optimizer* optimizer) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OUT(out);
  TFL_CHECK_OPTIMIZER(optimizer);
  *out = optimizer->impl->name();
  TFL_CAPI_END
}

/// Saves the optimizer's state (hyperparameters, step counts and per-parameter buffers) to a
/// safetensors file, written through a temporary file so that a failed save leaves an old file intact.
/// Keys: "param_groups.0.<name>", "param_groups.0.num_params", "state.<k>.step", "state.<k>.<buffer>".
/// @param optimizer The optimizer.
/// @param path File to write.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_IO when the file cannot be written.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optimizer_state_save(const tfl_optimizer* optimizer, const char* path) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OPTIMIZER(optimizer);
  TFL_CHECK_ARG(path != nullptr, "path", "must not be NULL");
  tfl::save_safetensors(path, optimizer->impl->state_dict(), {{"format", "tenflowers.optimizer"},
                                                             {"optimizer", optimizer->impl->name()}});
  TFL_CAPI_END
}

/// Restores a state saved by tfl_optimizer_state_save into an optimizer of the same kind built over
/// parameters of the same count, shapes and dtypes, so that training resumes bit-identically. Nothing
/// changes when the file does not fit.
/// @param optimizer The optimizer.
/// @param path File to read.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OPTIMIZER for missing, unknown
///         or mismatched entries (the state of another optimizer type, or of parameters with other
///         counts, shapes or dtypes); TFL_ERR_SERIALIZATION for a malformed state (a scalar entry that
///         does not hold one value) or a file that is not a valid safetensors file; TFL_ERR_IO when the
///         file cannot be read.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optimizer_state_load(TFL_IN tfl_optimizer* optimizer, const char* path) {
  TFL_CAPI_BEGIN
  TFL_CHECK_OPTIMIZER(optimizer);
  TFL_CHECK_ARG(path != nullptr, "path", "must not be NULL");
  optimizer->impl->load_state_dict(tfl::load_safetensors(path).tensors);
  TFL_CAPI_END
}

// --- gradient clipping ------------------------------------------------------------------------------

/// Scales the gradients of params in place by max_norm / (total + 1e-6) when that is below 1, where total
/// is the norm_type-norm of all gradients taken together (torch.nn.utils.clip_grad_norm_). Parameters
/// without a gradient are ignored.
/// @param[out] out_total_norm Receives the total norm before clipping (computed in f64).
/// @param params The parameters whose gradients are clipped.
/// @param nparams Number of parameters.
/// @param max_norm The largest norm allowed.
/// @param norm_type p of the p-norm (>= 1), or INFINITY for the largest |g|; 2 is usual.
/// @param error_if_nonfinite Fail (changing nothing) when the total is NaN or infinite; otherwise the
///        gradients are scaled by the NaN factor, like PyTorch.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OPTIMIZER for a negative
///         max_norm or a bad norm_type; TFL_ERR_NUMERICAL for a non-finite total with error_if_nonfinite.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_clip_grad_norm(TFL_OUT double* out_total_norm,
                                                       TFL_ARRAY(nparams) const tfl_tensor* const* params,
                                                       size_t nparams, double max_norm, double norm_type,
                                                       bool error_if_nonfinite) {
  TFL_CAPI_BEGIN
  TFL_CHECK_ARG(out_total_norm != nullptr, "out_total_norm", "must not be NULL");
  TFL_CHECK_TENSOR_ARRAY(params, nparams);
  *out_total_norm = tfl::optim::clip_grad_norm_(to_tensors(params, nparams), max_norm, norm_type, error_if_nonfinite);
  TFL_CAPI_END
}

/// Clamps every gradient element of params into [-clip_value, clip_value] in place
/// (torch.nn.utils.clip_grad_value_). Parameters without a gradient are ignored.
/// @param params The parameters whose gradients are clipped.
/// @param nparams Number of parameters.
/// @param clip_value The bound (>= 0).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments or a negative clip_value.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_clip_grad_value(TFL_ARRAY(nparams) const tfl_tensor* const* params,
                                                        size_t nparams, double clip_value) {
  TFL_CAPI_BEGIN
  TFL_CHECK_TENSOR_ARRAY(params, nparams);
  tfl::optim::clip_grad_value_(to_tensors(params, nparams), clip_value);
  TFL_CAPI_END
}
