// Parameter structs of the fused optimizer-update kernels (kernels/cpu/optim.cpp).
#pragma once

#include <cstdint>

namespace tfl {

// Operands of every *_step kernel: out = the parameter (updated in place), in[0] = its gradient,
// in[1..] = the optimizer's state buffers in the order documented per struct. All are contiguous
// 1-D views of the same length and dtype.

// in[1] = momentum buffer (when momentum != 0). `first` initialises it to the gradient.
struct SgdStepParams {
  double lr, momentum, dampening, weight_decay;
  bool nesterov, first;
};

// in[1] = exp_avg, in[2] = exp_avg_sq, in[3] = max_exp_avg_sq (amsgrad). `decoupled` is AdamW.
struct AdamStepParams {
  double lr, beta1, beta2, eps, weight_decay;
  int64_t step;  // already incremented: 1 on the first update
  bool decoupled, amsgrad;
};

// in[1] = square_avg, then the momentum buffer (momentum > 0), then grad_avg (centered).
struct RmspropStepParams {
  double lr, alpha, eps, weight_decay, momentum;
  bool centered;
};

// in[1] = sum of squared gradients. clr is the decayed learning rate of this step.
struct AdagradStepParams {
  double clr, eps, weight_decay;
};

// in[1] = exp_avg.
struct LionStepParams {
  double lr, beta1, beta2, weight_decay;
};

// in[1] = exp_avg, in[2] = exp_avg_var, in[3] = max_exp_avg_var (amsgrad). `decoupled` is AdamW-style decay.
struct AdaBeliefStepParams {
  double lr, beta1, beta2, eps, weight_decay;
  int64_t step;  // already incremented
  bool decoupled, amsgrad;
};

// in[1] = exp_avg, in[2] = exp_avg_sq.
struct RAdamStepParams {
  double lr, beta1, beta2, eps, weight_decay;
  int64_t step;  // already incremented
  bool decoupled;
};

// in[1] = exp_avg, in[2] = exp_avg_sq. The momentum-schedule coefficients are computed by the op (they
// depend on the running product of mu): p -= c_grad g / d + c_avg m / d, d = sqrt(v / (1 - beta2^t)) + eps.
struct NAdamStepParams {
  double lr, beta1, beta2, eps, weight_decay, c_grad, c_avg;
  int64_t step;  // already incremented
  bool decoupled;
};

// in[1] = square_avg, in[2] = acc_delta.
struct AdadeltaStepParams {
  double lr, rho, eps, weight_decay;
};

}  // namespace tfl
