// C API: the AdaBelief, RAdam, NAdam and Adadelta optimizers (core/optim/*.h). They return ordinary
// tfl_optimizer handles, so step, zero_grad, hyperparameters and checkpoints are those of capi/optim.cpp.
#include <memory>

#include "capi/capi_tensor_util.h"
#include "capi/handles_optim.h"
#include "core/optim/adabelief.h"
#include "core/optim/adadelta.h"
#include "core/optim/nadam.h"
#include "core/optim/radam.h"

using tfl::capi::to_tensors;

// The body of an optimizer constructor: checks out and the parameter array, then builds `Type` from
// the parameters and an options value `o` the caller's statements filled in.
#define TFL_OPTIM_MORE_CREATE(Type, Options, ...)                                    \
  TFL_CAPI_BEGIN                                                                     \
  TFL_CHECK_OUT(out);                                                                \
  TFL_CHECK_TENSOR_ARRAY(params, nparams);                                           \
  Options o;                                                                         \
  __VA_ARGS__;                                                                       \
  *out = new tfl_optimizer(std::make_unique<Type>(to_tensors(params, nparams), o)); \
  TFL_CAPI_END

/// Creates an AdaBelief optimizer (Zhuang et al. 2020, as in the authors' adabelief-pytorch with
/// rectify off) at step t: decoupled: p *= 1 - lr weight_decay, else g += weight_decay p;
/// m = beta1 m + (1 - beta1) g; s = beta2 s + (1 - beta2) (g - m)^2 + eps (amsgrad: the running maximum
/// of s is used); p -= lr / (1 - beta1^t) m / (sqrt(s) / sqrt(1 - beta2^t) + eps). Hyperparameter names:
/// lr, beta1, beta2, eps, weight_decay, amsgrad, decoupled_weight_decay.
/// @param[out] out New optimizer; release with tfl_optimizer_release.
/// @param params The parameters to update (floating point, each at most once).
/// @param nparams Number of parameters.
/// @param lr Learning rate (>= 0; default 1e-3).
/// @param beta1 Decay of the first moment, in [0, 1) (default 0.9).
/// @param beta2 Decay of the gradient-residual variance, in [0, 1) (default 0.999).
/// @param eps Added to the variance each step and to the denominator (>= 0; the reference default is 1e-16).
/// @param weight_decay Weight decay (>= 0).
/// @param amsgrad Use the maximum of past variances.
/// @param decoupled_weight_decay AdamW-style decay (the reference's weight_decouple, default true);
///        false adds weight_decay p to the gradient.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OPTIMIZER for repeated
///         parameters or out-of-range hyperparameters; TFL_ERR_DTYPE for a non-floating parameter.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optim_adabelief_create(TFL_OUT tfl_optimizer** out,
                                                               TFL_ARRAY(nparams) const tfl_tensor* const* params,
                                                               size_t nparams, double lr, double beta1, double beta2,
                                                               double eps, double weight_decay, bool amsgrad,
                                                               bool decoupled_weight_decay) {
  TFL_OPTIM_MORE_CREATE(tfl::optim::AdaBelief, tfl::optim::AdaBeliefOptions, o.lr = lr; o.beta1 = beta1;
                        o.beta2 = beta2; o.eps = eps; o.weight_decay = weight_decay; o.amsgrad = amsgrad;
                        o.decoupled_weight_decay = decoupled_weight_decay)
}

/// Creates a RAdam optimizer (Liu et al. 2019) with PyTorch's rule at step t: decoupled: p *= 1 - lr
/// weight_decay, else g += weight_decay p; m and v as in Adam; mh = m / (1 - beta1^t);
/// rho_inf = 2 / (1 - beta2) - 1; rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t); when rho_t > 5,
/// p -= lr mh r sqrt(1 - beta2^t) / (sqrt(v) + eps) with
/// r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)); otherwise p -= lr mh.
/// Hyperparameter names: lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay.
/// @param[out] out New optimizer; release with tfl_optimizer_release.
/// @param params The parameters to update (floating point, each at most once).
/// @param nparams Number of parameters.
/// @param lr Learning rate (>= 0; default 1e-3).
/// @param beta1 Decay of the first moment, in [0, 1) (default 0.9).
/// @param beta2 Decay of the second moment, in [0, 1) (default 0.999).
/// @param eps Added to the denominator (>= 0; default 1e-8).
/// @param weight_decay Weight decay (>= 0).
/// @param decoupled_weight_decay AdamW-style decay instead of an L2 term in the gradient.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OPTIMIZER for repeated
///         parameters or out-of-range hyperparameters; TFL_ERR_DTYPE for a non-floating parameter.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optim_radam_create(TFL_OUT tfl_optimizer** out,
                                                           TFL_ARRAY(nparams) const tfl_tensor* const* params,
                                                           size_t nparams, double lr, double beta1, double beta2,
                                                           double eps, double weight_decay,
                                                           bool decoupled_weight_decay) {
  TFL_OPTIM_MORE_CREATE(tfl::optim::RAdam, tfl::optim::RAdamOptions, o.lr = lr; o.beta1 = beta1; o.beta2 = beta2;
                        o.eps = eps; o.weight_decay = weight_decay; o.decoupled_weight_decay = decoupled_weight_decay)
}

/// Creates a NAdam optimizer (Dozat 2016) with PyTorch's rule at step t: decoupled: p *= 1 - lr
/// weight_decay, else g += weight_decay p; mu_t = beta1 (1 - 0.5 * 0.96^(t momentum_decay)); P_t the
/// product mu_1 ... mu_t (kept per parameter, saved as "state.<k>.mu_product"); m and v as in Adam;
/// p -= lr [(1 - mu_t) / (1 - P_t) g + mu_{t+1} / (1 - P_t mu_{t+1}) m] / (sqrt(v / (1 - beta2^t)) + eps).
/// Hyperparameter names: lr, beta1, beta2, eps, weight_decay, momentum_decay, decoupled_weight_decay.
/// @param[out] out New optimizer; release with tfl_optimizer_release.
/// @param params The parameters to update (floating point, each at most once).
/// @param nparams Number of parameters.
/// @param lr Learning rate (>= 0; PyTorch's default is 2e-3).
/// @param beta1 Decay of the first moment, in [0, 1) (default 0.9).
/// @param beta2 Decay of the second moment, in [0, 1) (default 0.999).
/// @param eps Added to the denominator (>= 0; default 1e-8).
/// @param weight_decay Weight decay (>= 0).
/// @param momentum_decay psi of the momentum schedule (>= 0; default 4e-3).
/// @param decoupled_weight_decay AdamW-style decay instead of an L2 term in the gradient.
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OPTIMIZER for repeated
///         parameters or out-of-range hyperparameters; TFL_ERR_DTYPE for a non-floating parameter.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optim_nadam_create(TFL_OUT tfl_optimizer** out,
                                                           TFL_ARRAY(nparams) const tfl_tensor* const* params,
                                                           size_t nparams, double lr, double beta1, double beta2,
                                                           double eps, double weight_decay, double momentum_decay,
                                                           bool decoupled_weight_decay) {
  TFL_OPTIM_MORE_CREATE(tfl::optim::NAdam, tfl::optim::NAdamOptions, o.lr = lr; o.beta1 = beta1; o.beta2 = beta2;
                        o.eps = eps; o.weight_decay = weight_decay; o.momentum_decay = momentum_decay;
                        o.decoupled_weight_decay = decoupled_weight_decay)
}

/// Creates an Adadelta optimizer (Zeiler 2012) with PyTorch's rule: g += weight_decay p;
/// v = rho v + (1 - rho) g^2; d = sqrt(u + eps) / sqrt(v + eps) g; u = rho u + (1 - rho) d^2; p -= lr d.
/// Hyperparameter names: lr, rho, eps, weight_decay.
/// @param[out] out New optimizer; release with tfl_optimizer_release.
/// @param params The parameters to update (floating point, each at most once).
/// @param nparams Number of parameters.
/// @param lr Scale of the update (>= 0; default 1.0).
/// @param rho Decay of the running averages, in [0, 1] (default 0.9).
/// @param eps Added inside both square roots (>= 0; default 1e-6).
/// @param weight_decay L2 penalty (>= 0).
/// @return TFL_OK; TFL_ERR_INVALID_ARGUMENT for NULL arguments; TFL_ERR_OPTIMIZER for repeated
///         parameters or out-of-range hyperparameters; TFL_ERR_DTYPE for a non-floating parameter.
TFL_API TFL_SINCE(0, 1) tfl_status tfl_optim_adadelta_create(TFL_OUT tfl_optimizer** out,
                                                              TFL_ARRAY(nparams) const tfl_tensor* const* params,
                                                              size_t nparams, double lr, double rho, double eps,
                                                              double weight_decay) {
  TFL_OPTIM_MORE_CREATE(tfl::optim::Adadelta, tfl::optim::AdadeltaOptions, o.lr = lr; o.rho = rho; o.eps = eps;
                        o.weight_decay = weight_decay)
}
