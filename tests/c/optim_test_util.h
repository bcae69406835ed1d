/* Shared by the optimizer C tests: a parameter on the quadratic f(p) = sum(p^2) (gradient 2p), one
 * training step through the C API, and the comparison of STEPS steps with an update rule written out in
 * plain C. The including file defines STEPS and includes test_util.h first. */
#ifndef TFL_TESTS_C_OPTIM_TEST_UTIL_H
#define TFL_TESTS_C_OPTIM_TEST_UTIL_H

#ifndef STEPS
#error "define STEPS (the number of optimizer steps compared) before including optim_test_util.h"
#endif

#define N 3
static const double P0[N] = {1.0, -2.0, 0.5};

static tfl_tensor* param(void) {
  tfl_tensor* p = mk(TFL_DTYPE_F64, 1, S(N), P0);
  OK(tfl_tensor_set_requires_grad(p, true));
  return p;
}

/* One training step: zero_grad, loss = sum(p^2), backward, step. */
static void train_step(tfl_optimizer* opt, tfl_tensor* p) {
  tfl_tensor *sq = NULL, *loss = NULL;
  OK(tfl_optimizer_zero_grad(opt, true));
  OK(tfl_tensor_square(&sq, p));
  OK(tfl_tensor_sum(&loss, sq));
  OK(tfl_tensor_backward(loss, NULL, false, false));
  OK(tfl_optimizer_step(opt));
  tfl_tensor_release(sq);
  tfl_tensor_release(loss);
}

/* Runs STEPS steps and compares p with the reference after each; `ref` advances q and its state by one
 * step (s3 may hold a per-step scalar such as NAdam's mu product in s3[N], which starts at 1). */
typedef void (*ref_fn)(double* q, double* s1, double* s2, double* s3, int t);
static void run(const char* what, tfl_optimizer* opt, tfl_tensor* p, ref_fn ref) {
  double q[N], s1[N] = {0}, s2[N] = {0}, s3[N + 1] = {0};
  int t, i;
  memcpy(q, P0, sizeof q);
  s3[N] = 1.0;
  for (t = 1; t <= STEPS; ++t) {
    train_step(opt, p);
    ref(q, s1, s2, s3, t);
    for (i = 0; i < N; ++i) {
      double v = NAN;
      OK(tfl_tensor_item_at(&v, p, i));
      if (!(fabs(v - q[i]) <= 1e-12 + 1e-12 * fabs(q[i]))) {
        ++failures;
        fprintf(stderr, "%s: step %d element %d: %.17g, expected %.17g\n", what, t, i, v, q[i]);
        return;
      }
    }
  }
  ++passes;
}

#endif
