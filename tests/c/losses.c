/* The loss functions through the C API. Expected values are literals computed with NumPy 2.4
 * (python3 -c "import numpy as np; ...", the formulas written in each comment), not by tenflowers. */
#include "test_util.h"

/* The value of a 0-d loss, or NAN. */
static double scalar_of(tfl_tensor* t) {
  double v = NAN;
  if (t == NULL || tfl_tensor_item_at(&v, t, 0) != TFL_OK) return NAN;
  return v;
}

#define CLOSE(a, b) CHECK(fabs((a) - (b)) <= 1e-9 + 1e-9 * fabs(b))

/* x - t = [[-0.5, -2, 2], [1.5, -0.25, 2.5]] */
static tfl_tensor *x, *t;

static void regression(void) {
  tfl_tensor* o = NULL;
  /* mean(d^2) = 16.8125 / 6 */
  OK(tfl_loss_mse(&o, x, t, TFL_REDUCTION_MEAN));
  CLOSE(scalar_of(keep(o)), 2.8020833333333335);
  /* sum |d| */
  OK(tfl_loss_l1(&o, x, t, TFL_REDUCTION_SUM));
  CLOSE(scalar_of(keep(o)), 8.75);
  /* beta = 1: 0.5 d^2 where |d| < 1, |d| - 0.5 elsewhere */
  OK(tfl_loss_smooth_l1(&o, x, t, TFL_REDUCTION_NONE, 1.0));
  EXPECT_NEAR(keep(o), TFL_DTYPE_F64, 2, S(2, 3), V(0.125, 1.5, 1.5, 1.0, 0.03125, 2.0), 1e-12);
  /* beta = 0.5: d^2 where |d| < 0.5, |d| - 0.25 elsewhere; mean */
  OK(tfl_loss_smooth_l1(&o, x, t, TFL_REDUCTION_MEAN, 0.5));
  CLOSE(scalar_of(keep(o)), 1.21875);
  /* delta = 2: 0.5 d^2 where |d| <= 2, 2 (|d| - 1) elsewhere; sum */
  OK(tfl_loss_huber(&o, x, t, TFL_REDUCTION_SUM, 2.0));
  CLOSE(scalar_of(keep(o)), 8.28125);
  /* f32 inputs give an f32 loss */
  OK(tfl_loss_mse(&o, mk(TFL_DTYPE_F32, 1, S(2), V(1, 2)), mk(TFL_DTYPE_F32, 1, S(2), V(0, 0)), TFL_REDUCTION_NONE));
  EXPECT(keep(o), TFL_DTYPE_F32, 1, S(2), V(1, 4));

  FAILS(tfl_loss_mse(&o, x, mk(TFL_DTYPE_F64, 1, S(3), V(1, 2, 3)), TFL_REDUCTION_MEAN), TFL_ERR_SHAPE, "2x3");
  CHECK(o == NULL);
  FAILS(tfl_loss_l1(&o, x, t, (tfl_reduction)7), TFL_ERR_INVALID_ARGUMENT, "'reduction'");
  FAILS(tfl_loss_mse(&o, x, t, TFL_REDUCTION_BATCHMEAN), TFL_ERR_INVALID_ARGUMENT, "only supported by kl_div");
  FAILS(tfl_loss_huber(&o, x, t, TFL_REDUCTION_MEAN, 0.0), TFL_ERR_INVALID_ARGUMENT, "delta");
  FAILS(tfl_loss_mse(&o, mk(TFL_DTYPE_I32, 1, S(2), V(1, 2)), mk(TFL_DTYPE_I32, 1, S(2), V(1, 2)), TFL_REDUCTION_MEAN),
        TFL_ERR_DTYPE, "int32");
  FAILS(tfl_loss_mse(NULL, x, t, TFL_REDUCTION_MEAN), TFL_ERR_INVALID_ARGUMENT, "'out'");
  FAILS(tfl_loss_mse(&o, x, NULL, TFL_REDUCTION_MEAN), TFL_ERR_INVALID_ARGUMENT, "'target'");
}

static void classification(void) {
  tfl_tensor* o = NULL;
  /* logits [[1, 2, 3], [1, 0, -1]]: log_softmax = [[-2.4076, -1.4076, -0.4076], [-0.4076, -1.4076, -2.4076]]
   * (x - log(sum(exp(x))) per row, NumPy) */
  tfl_tensor* logits = mk(TFL_DTYPE_F64, 2, S(2, 3), V(1, 2, 3, 1, 0, -1));
  tfl_tensor* idx = mk(TFL_DTYPE_I64, 1, S(2), V(2, 0));
  tfl_tensor* idx21 = mk(TFL_DTYPE_I64, 1, S(2), V(2, 1));
  const double lp = 0.40760596444438024; /* -log_softmax at the largest logit */

  OK(tfl_loss_cross_entropy(&o, logits, idx, TFL_REDUCTION_NONE, -100, 0.0, NULL));
  EXPECT_NEAR(keep(o), TFL_DTYPE_F64, 1, S(2), V(lp, lp), 1e-12);
  OK(tfl_loss_cross_entropy(&o, logits, idx, TFL_REDUCTION_MEAN, -100, 0.0, NULL));
  CLOSE(scalar_of(keep(o)), lp);
  /* ignore_index = 1 drops the second sample from the sum and from the count */
  OK(tfl_loss_cross_entropy(&o, logits, idx21, TFL_REDUCTION_MEAN, 1, 0.0, NULL));
  CLOSE(scalar_of(keep(o)), lp);
  /* label smoothing 0.1: 0.9 (-logp[t]) + 0.1 / 3 sum(-logp) = 0.50760596444 per sample */
  OK(tfl_loss_cross_entropy(&o, logits, idx, TFL_REDUCTION_MEAN, -100, 0.1, NULL));
  CLOSE(scalar_of(keep(o)), 0.5076059644443802);
  /* class weights [1, 2, 0.5], targets [2, 1]: (0.5 * 0.40761 + 2 * 1.40761) / (0.5 + 2) */
  OK(tfl_loss_cross_entropy(&o, logits, idx21, TFL_REDUCTION_MEAN, -100, 0.0, mk(TFL_DTYPE_F64, 1, S(3), V(1, 2, 0.5))));
  CLOSE(scalar_of(keep(o)), 1.2076059644443803);
  /* probabilities [[0.2, 0.3, 0.5], [0, 1, 0]]: sum over samples of -sum(p logp) */
  OK(tfl_loss_cross_entropy(&o, logits, mk(TFL_DTYPE_F64, 2, S(2, 3), V(0.2, 0.3, 0.5, 0, 1, 0)), TFL_REDUCTION_SUM,
                            -100, 0.0, NULL));
  CLOSE(scalar_of(keep(o)), 2.5152119288887604);
  /* nll of the log-probabilities at [2, 0], summed */
  OK(tfl_tensor_log_softmax(&o, logits, 1));
  tfl_tensor* logp = keep(o);
  OK(tfl_loss_nll(&o, logp, idx, TFL_REDUCTION_SUM, -100, NULL));
  CLOSE(scalar_of(keep(o)), 0.8152119288887605);

  FAILS(tfl_loss_cross_entropy(&o, logits, mk(TFL_DTYPE_I64, 1, S(2), V(2, 3)), TFL_REDUCTION_MEAN, -100, 0.0, NULL),
        TFL_ERR_INDEX, "3");
  FAILS(tfl_loss_cross_entropy(&o, logits, idx, TFL_REDUCTION_MEAN, -100, 1.5, NULL), TFL_ERR_INVALID_ARGUMENT,
        "label_smoothing");
  FAILS(tfl_loss_cross_entropy(&o, logits, idx, (tfl_reduction)-1, -100, 0.0, NULL), TFL_ERR_INVALID_ARGUMENT,
        "'reduction'");
  FAILS(tfl_loss_nll(&o, logp, NULL, TFL_REDUCTION_SUM, -100, NULL), TFL_ERR_INVALID_ARGUMENT, "'target'");
  CHECK(o == NULL);
}

static void bce_and_kl(void) {
  tfl_tensor* o = NULL;
  /* -(t log s(x) + (1 - t) log(1 - s(x))), s = 1 / (1 + exp(-x)) */
  tfl_tensor* tb = mk(TFL_DTYPE_F64, 2, S(2, 3), V(1, 0, 1, 0, 1, 0.5));
  OK(tfl_loss_binary_cross_entropy_with_logits(&o, x, tb, TFL_REDUCTION_NONE, NULL, NULL));
  EXPECT_NEAR(keep(o), TFL_DTYPE_F64, 2, S(2, 3),
              V(0.47407698418, 0.313261687518, 0.126928011043, 1.701413277983, 0.69314718056, 0.72407698418), 1e-10);
  OK(tfl_loss_binary_cross_entropy_with_logits(&o, x, tb, TFL_REDUCTION_MEAN, NULL, NULL));
  CLOSE(scalar_of(keep(o)), 0.6721506875773512);
  /* pos_weight [2, 1, 0.5] multiplies the t log s(x) term, per class (last axis) */
  OK(tfl_loss_binary_cross_entropy_with_logits(&o, x, tb, TFL_REDUCTION_MEAN, NULL,
                                                mk(TFL_DTYPE_F64, 1, S(3), V(2, 1, 0.5))));
  CLOSE(scalar_of(keep(o)), 0.69999964301295);
  /* a weight of 2 everywhere doubles the mean */
  OK(tfl_loss_binary_cross_entropy_with_logits(&o, x, tb, TFL_REDUCTION_MEAN, mk(TFL_DTYPE_F64, 0, NULL, V(2)), NULL));
  CLOSE(scalar_of(keep(o)), 2 * 0.6721506875773512);

  /* kl: target (log target - input), 0 where target is 0; input = log([[.25, .25, .5], [.1, .6, .3]]) */
  tfl_tensor* q = mk(TFL_DTYPE_F64, 2, S(2, 3), V(0.25, 0.25, 0.5, 0.1, 0.6, 0.3));
  tfl_tensor* p = mk(TFL_DTYPE_F64, 2, S(2, 3), V(0.5, 0.5, 0.0, 0.2, 0.3, 0.5));
  OK(tfl_tensor_log(&o, q));
  tfl_tensor* logq = keep(o);
  OK(tfl_loss_kl_div(&o, logq, p, TFL_REDUCTION_NONE, false));
  EXPECT_NEAR(keep(o), TFL_DTYPE_F64, 2, S(2, 3),
              V(0.34657359028, 0.34657359028, 0.0, 0.138629436112, -0.207944154168, 0.255412811883), 1e-10);
  OK(tfl_loss_kl_div(&o, logq, p, TFL_REDUCTION_BATCHMEAN, false));
  CLOSE(scalar_of(keep(o)), 0.43962263719347305);
  OK(tfl_loss_kl_div(&o, logq, p, TFL_REDUCTION_MEAN, false));
  CLOSE(scalar_of(keep(o)), 0.146540879064491);
  /* log_target: the same divergence where p > 0 (the p = 0 entry gives exp(-inf) * ... = 0 as well) */
  OK(tfl_tensor_log(&o, mk(TFL_DTYPE_F64, 2, S(2, 3), V(0.5, 0.5, 1.0, 0.2, 0.3, 0.5))));
  tfl_tensor* logp = keep(o);
  OK(tfl_loss_kl_div(&o, logq, logp, TFL_REDUCTION_SUM, true));
  /* with p[0][2] = 1 instead of 0: adds 1 * (log 1 - log 0.5) = 0.69314718056 */
  CLOSE(scalar_of(keep(o)), 0.8792452743869461 + 0.6931471805599453);

  FAILS(tfl_loss_kl_div(&o, logq, mk(TFL_DTYPE_F64, 1, S(3), V(1, 1, 1)), TFL_REDUCTION_SUM, false), TFL_ERR_SHAPE,
        "2x3");
  FAILS(tfl_loss_binary_cross_entropy_with_logits(&o, x, tb, (tfl_reduction)9, NULL, NULL), TFL_ERR_INVALID_ARGUMENT,
        "'reduction'");
}

/* Losses are differentiable: d mse_sum / dx = 2 (x - t). */
static void gradient(void) {
  tfl_tensor *o = NULL, *g = NULL;
  tfl_tensor* xp = mk(TFL_DTYPE_F64, 2, S(2, 3), V(0.5, -1.0, 2.0, 1.5, 0.0, -0.5));
  OK(tfl_tensor_set_requires_grad(xp, true));
  OK(tfl_loss_mse(&o, xp, t, TFL_REDUCTION_SUM));
  OK(tfl_tensor_backward(keep(o), NULL, false, false));
  OK(tfl_tensor_grad(&g, xp));
  EXPECT_NEAR(keep(g), TFL_DTYPE_F64, 2, S(2, 3), V(-1, -4, 4, 3, -0.5, 5), 1e-12);
}

int main(void) {
  x = mk(TFL_DTYPE_F64, 2, S(2, 3), V(0.5, -1.0, 2.0, 1.5, 0.0, -0.5));
  t = mk(TFL_DTYPE_F64, 2, S(2, 3), V(1.0, 1.0, 0.0, 0.0, 0.25, -3.0));
  regression();
  classification();
  bce_and_kl();
  gradient();
  return finish("losses");
}
