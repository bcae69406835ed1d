/* Optimizers, schedulers and gradient clipping through the C API. Each optimizer takes a few steps on
 * the quadratic f(p) = sum(p^2) (gradient 2p) and is compared with its update rule written out below in
 * plain C; schedules are compared with their closed-form formulas. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>

#include "test_util.h"

#define STEPS 4
#include "optim_test_util.h"

static const double PI = 3.14159265358979323846;

/* SGD lr 0.1, momentum 0.9, dampening 0, weight_decay 0.1, nesterov:
 * d = g + wd p; b = d (t = 1) else mom b + (1 - damp) d; p -= lr (d + mom b). */
static void ref_sgd(double* q, double* b, double* u2, double* u3, int t) {
  int i;
  (void)u2, (void)u3;
  for (i = 0; i < N; ++i) {
    double d = 2 * q[i] + 0.1 * q[i];
    b[i] = t == 1 ? d : 0.9 * b[i] + d;
    q[i] -= 0.1 * (d + 0.9 * b[i]);
  }
}
/* SGD lr 0.05, momentum 0.5, dampening 0.25: b = d (t = 1) else 0.5 b + 0.75 d; p -= lr b. */
static void ref_sgd_damp(double* q, double* b, double* u2, double* u3, int t) {
  int i;
  (void)u2, (void)u3;
  for (i = 0; i < N; ++i) {
    double d = 2 * q[i];
    b[i] = t == 1 ? d : 0.5 * b[i] + 0.75 * d;
    q[i] -= 0.05 * b[i];
  }
}
/* Adam lr 0.1, betas (0.9, 0.999), eps 1e-8, weight_decay 0.01 (L2), amsgrad:
 * g += wd p; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; vmax = max(vmax, v);
 * p -= lr / (1 - b1^t) m / (sqrt(vmax) / sqrt(1 - b2^t) + eps). */
static void ref_adam(double* q, double* m, double* v, double* vmax, int t) {
  int i;
  for (i = 0; i < N; ++i) {
    double g = 2 * q[i] + 0.01 * q[i];
    m[i] = 0.9 * m[i] + 0.1 * g;
    v[i] = 0.999 * v[i] + 0.001 * g * g;
    if (v[i] > vmax[i]) vmax[i] = v[i];
    q[i] -= 0.1 / (1 - pow(0.9, t)) * m[i] / (sqrt(vmax[i]) / sqrt(1 - pow(0.999, t)) + 1e-8);
  }
}
/* AdamW lr 0.1, betas (0.8, 0.99), eps 1e-6, weight_decay 0.5: g from the old p; p *= 1 - lr wd; Adam. */
static void ref_adamw(double* q, double* m, double* v, double* u3, int t) {
  int i;
  (void)u3;
  for (i = 0; i < N; ++i) {
    double g = 2 * q[i];
    q[i] *= 1 - 0.1 * 0.5;
    m[i] = 0.8 * m[i] + 0.2 * g;
    v[i] = 0.99 * v[i] + 0.01 * g * g;
    q[i] -= 0.1 / (1 - pow(0.8, t)) * m[i] / (sqrt(v[i]) / sqrt(1 - pow(0.99, t)) + 1e-6);
  }
}
/* RMSprop lr 0.01, alpha 0.9, eps 1e-8, momentum 0.5, centered:
 * s = a s + (1 - a) g^2; c = a c + (1 - a) g; r = sqrt(s - c^2) + eps; b = mom b + g / r; p -= lr b. */
static void ref_rmsprop(double* q, double* s, double* c, double* b, int t) {
  int i;
  (void)t;
  for (i = 0; i < N; ++i) {
    double g = 2 * q[i], r;
    s[i] = 0.9 * s[i] + 0.1 * g * g;
    c[i] = 0.9 * c[i] + 0.1 * g;
    r = sqrt(s[i] - c[i] * c[i]) + 1e-8;
    b[i] = 0.5 * b[i] + g / r;
    q[i] -= 0.01 * b[i];
  }
}
/* Adagrad lr 0.5, lr_decay 0.1, initial accumulator 0.2, eps 1e-10:
 * clr = lr / (1 + (t - 1) lr_decay); s += g^2; p -= clr g / (sqrt(s) + eps). */
static void ref_adagrad(double* q, double* s, double* u2, double* u3, int t) {
  int i;
  (void)u2, (void)u3;
  for (i = 0; i < N; ++i) {
    double g = 2 * q[i], clr = 0.5 / (1 + (t - 1) * 0.1);
    if (t == 1) s[i] = 0.2;
    s[i] += g * g;
    q[i] -= clr * g / (sqrt(s[i]) + 1e-10);
  }
}
/* Lion lr 0.1, betas (0.9, 0.99), weight_decay 0.2:
 * c = b1 m + (1 - b1) g; p *= 1 - lr wd; p -= lr sign(c); m = b2 m + (1 - b2) g. */
static void ref_lion(double* q, double* m, double* u2, double* u3, int t) {
  int i;
  (void)u2, (void)u3, (void)t;
  for (i = 0; i < N; ++i) {
    double g = 2 * q[i], c = 0.9 * m[i] + 0.1 * g;
    q[i] *= 1 - 0.1 * 0.2;
    q[i] -= 0.1 * (c > 0 ? 1.0 : c < 0 ? -1.0 : 0.0);
    m[i] = 0.99 * m[i] + 0.01 * g;
  }
}

static void optimizers(void) {
  tfl_optimizer* opt = NULL;
  tfl_tensor* p;
  const char* name = NULL;
  double v = 0;

  p = param();
  OK(tfl_optim_sgd_create(&opt, (const tfl_tensor* const[]){p}, 1, 0.1, 0.9, 0.0, 0.1, true));
  run("sgd nesterov", opt, p, ref_sgd);
  OK(tfl_optimizer_name(&name, opt));
  CHECK(name != NULL && strcmp(name, "SGD") == 0);
  OK(tfl_optimizer_hyperparameter(&v, opt, "nesterov"));
  CHECK(v == 1.0);
  OK(tfl_optimizer_hyperparameter(&v, opt, "momentum"));
  CHECK(v == 0.9);
  FAILS(tfl_optimizer_hyperparameter(&v, opt, "beta1"), TFL_ERR_OPTIMIZER, "beta1");
  OK(tfl_optimizer_set_hyperparameter(opt, "weight_decay", 0.25));
  OK(tfl_optimizer_hyperparameter(&v, opt, "weight_decay"));
  CHECK(v == 0.25);
  OK(tfl_optimizer_lr(&v, opt));
  CHECK(v == 0.1);
  OK(tfl_optimizer_set_lr(opt, 0.5));
  OK(tfl_optimizer_lr(&v, opt));
  CHECK(v == 0.5);
  FAILS(tfl_optimizer_set_lr(opt, -1.0), TFL_ERR_OPTIMIZER, "lr must be >= 0");
  FAILS(tfl_optimizer_set_hyperparameter(opt, "lr", -1.0), TFL_ERR_OPTIMIZER, "lr must be >= 0");
  /* zero_grad(false) keeps a zero gradient; (true) drops it */
  {
    tfl_tensor* g = NULL;
    OK(tfl_optimizer_zero_grad(opt, false));
    OK(tfl_tensor_grad(&g, p));
    EXPECT(keep(g), TFL_DTYPE_F64, 1, S(N), V(0, 0, 0));
    OK(tfl_optimizer_zero_grad(opt, true));
    OK(tfl_tensor_grad(&g, p));
    CHECK(g == NULL);
  }
  tfl_optimizer_release(opt);

  p = param();
  OK(tfl_optim_sgd_create(&opt, (const tfl_tensor* const[]){p}, 1, 0.05, 0.5, 0.25, 0.0, false));
  run("sgd dampening", opt, p, ref_sgd_damp);
  tfl_optimizer_release(opt);

  p = param();
  OK(tfl_optim_adam_create(&opt, (const tfl_tensor* const[]){p}, 1, 0.1, 0.9, 0.999, 1e-8, 0.01, true));
  run("adam amsgrad", opt, p, ref_adam);
  tfl_optimizer_release(opt);

  p = param();
  OK(tfl_optim_adamw_create(&opt, (const tfl_tensor* const[]){p}, 1, 0.1, 0.8, 0.99, 1e-6, 0.5, false));
  run("adamw", opt, p, ref_adamw);
  OK(tfl_optimizer_name(&name, opt));
  CHECK(strcmp(name, "AdamW") == 0);
  tfl_optimizer_release(opt);

  p = param();
  OK(tfl_optim_rmsprop_create(&opt, (const tfl_tensor* const[]){p}, 1, 0.01, 0.9, 1e-8, 0.0, 0.5, true));
  run("rmsprop centered momentum", opt, p, ref_rmsprop);
  tfl_optimizer_release(opt);

  p = param();
  OK(tfl_optim_adagrad_create(&opt, (const tfl_tensor* const[]){p}, 1, 0.5, 0.1, 0.0, 0.2, 1e-10));
  run("adagrad", opt, p, ref_adagrad);
  tfl_optimizer_release(opt);

  p = param();
  OK(tfl_optim_lion_create(&opt, (const tfl_tensor* const[]){p}, 1, 0.1, 0.9, 0.99, 0.2));
  run("lion", opt, p, ref_lion);
  tfl_optimizer_release(opt);

  /* errors */
  p = param();
  FAILS(tfl_optim_sgd_create(&opt, (const tfl_tensor* const[]){p, p}, 2, 0.1, 0, 0, 0, false),
        TFL_ERR_OPTIMIZER, "more than once");
  CHECK(opt == NULL);
  FAILS(tfl_optim_adam_create(&opt, (const tfl_tensor* const[]){p}, 1, -0.1, 0.9, 0.999, 1e-8, 0, false),
        TFL_ERR_OPTIMIZER, "lr");
  FAILS(tfl_optim_sgd_create(&opt, (const tfl_tensor* const[]){p, NULL}, 2, 0.1, 0, 0, 0, false),
        TFL_ERR_INVALID_ARGUMENT, "element 1");
  FAILS(tfl_optim_lion_create(&opt, (const tfl_tensor* const[]){mk(TFL_DTYPE_I64, 1, S(2), V(1, 2))}, 1, 0.1, 0.9,
                              0.99, 0),
        TFL_ERR_DTYPE, "floating");
  FAILS(tfl_optimizer_step(NULL), TFL_ERR_INVALID_ARGUMENT, "'optimizer'");
}

/* Optimizer state written after two steps and loaded into a fresh optimizer resumes identically. */
static void state_checkpoint(void) {
  char path[] = "/tmp/tfl_optim_XXXXXX";
  int fd = mkstemp(path);
  tfl_optimizer *a = NULL, *b = NULL;
  tfl_tensor *pa = param(), *pb = NULL;
  double va[N], vb[N];
  CHECK(fd >= 0);
  if (fd < 0) return;
  close(fd);
  OK(tfl_optim_adam_create(&a, (const tfl_tensor* const[]){pa}, 1, 0.1, 0.9, 0.999, 1e-8, 0.0, false));
  train_step(a, pa);
  train_step(a, pa);
  OK(tfl_optimizer_state_save(a, path));
  /* b starts from a's parameters and state */
  {
    tfl_tensor* d = NULL;
    OK(tfl_tensor_detach(&d, pa));
    OK(tfl_tensor_clone(&pb, d));
    tfl_tensor_release(d);
  }
  keep(pb);
  OK(tfl_tensor_set_requires_grad(pb, true));
  OK(tfl_optim_adam_create(&b, (const tfl_tensor* const[]){pb}, 1, 0.5, 0.5, 0.5, 1e-3, 0.0, false));
  OK(tfl_optimizer_state_load(b, path));
  train_step(a, pa);
  train_step(b, pb);
  values_of(pa, va, N);
  values_of(pb, vb, N);
  CHECK(memcmp(va, vb, sizeof va) == 0);
  {
    double lr = 0;
    OK(tfl_optimizer_lr(&lr, b));
    CHECK(lr == 0.1); /* hyperparameters come back too */
  }
  /* a state for one parameter does not fit an optimizer over two, nor an SGD */
  {
    tfl_optimizer* c = NULL;
    tfl_tensor* p2 = param();
    OK(tfl_optim_adam_create(&c, (const tfl_tensor* const[]){p2, pb}, 2, 0.1, 0.9, 0.999, 1e-8, 0.0, false));
    CHECK(tfl_optimizer_state_load(c, path) != TFL_OK);
    tfl_optimizer_release(c);
    OK(tfl_optim_sgd_create(&c, (const tfl_tensor* const[]){p2}, 1, 0.1, 0.0, 0.0, 0.0, false));
    FAILS(tfl_optimizer_state_load(c, path), TFL_ERR_OPTIMIZER, "");
    tfl_optimizer_release(c);
  }
  FAILS(tfl_optimizer_state_load(b, "/nonexistent/dir/state.safetensors"), TFL_ERR_IO, "/nonexistent/dir");
  FAILS(tfl_optimizer_state_save(a, "/nonexistent/dir/state.safetensors"), TFL_ERR_IO, "/nonexistent/dir");
  tfl_optimizer_release(a);
  tfl_optimizer_release(b);
  remove(path);
}

/* Schedules against their closed forms; base lr 0.1. */
static double lr_of(tfl_scheduler* s) {
  double v = NAN;
  OK(tfl_scheduler_last_lr(&v, s));
  return v;
}
#define LR_IS(s, e) CHECK(fabs(lr_of(s) - (e)) <= 1e-12)
static double cos_anneal(double start, double end, double pct) { return end + (start - end) / 2 * (cos(PI * pct) + 1); }

static void schedulers(void) {
  tfl_tensor* p = param();
  tfl_optimizer* opt = NULL;
  tfl_scheduler *s = NULL, *after = NULL;
  int e;
  int64_t epoch = -1;
  double v;

  OK(tfl_optim_sgd_create(&opt, (const tfl_tensor* const[]){p}, 1, 0.1, 0.9, 0.0, 0.0, false));
  /* step: 0.1 * 0.5^floor(e / 2) */
  OK(tfl_sched_step_create(&s, opt, 2, 0.5));
  for (e = 0; e < 6; ++e) {
    LR_IS(s, 0.1 * pow(0.5, e / 2));
    OK(tfl_scheduler_step(s));
  }
  OK(tfl_scheduler_last_epoch(&epoch, s));
  CHECK(epoch == 6);
  OK(tfl_optimizer_lr(&v, opt));
  CHECK(fabs(v - 0.1 * pow(0.5, 3)) <= 1e-15); /* the scheduler wrote into the optimizer */
  tfl_scheduler_release(s);

  OK(tfl_optimizer_set_lr(opt, 0.1));
  /* exponential: 0.1 * 0.9^e */
  OK(tfl_sched_exponential_create(&s, opt, 0.9));
  for (e = 0; e < 5; ++e) {
    LR_IS(s, 0.1 * pow(0.9, e));
    OK(tfl_scheduler_step(s));
  }
  tfl_scheduler_release(s);

  OK(tfl_optimizer_set_lr(opt, 0.1));
  /* cosine: 0.01 + (0.1 - 0.01) (1 + cos(pi e / 4)) / 2 */
  OK(tfl_sched_cosine_create(&s, opt, 4, 0.01));
  for (e = 0; e < 9; ++e) {
    LR_IS(s, 0.01 + 0.09 * (1 + cos(PI * e / 4)) / 2);
    OK(tfl_scheduler_step(s));
  }
  tfl_scheduler_release(s);

  OK(tfl_optimizer_set_lr(opt, 0.1));
  /* warm-up of 3 steps from 0.25, then exponential 0.5^(e - 3) */
  OK(tfl_sched_exponential_create(&after, opt, 0.5));
  OK(tfl_sched_linear_warmup_create(&s, opt, 3, 0.25, after));
  for (e = 0; e < 7; ++e) {
    LR_IS(s, e < 3 ? 0.1 * (0.25 + 0.75 * e / 3.0) : 0.1 * pow(0.5, e - 3));
    OK(tfl_scheduler_step(s));
  }
  {
    tfl_scheduler* s2 = NULL;
    FAILS(tfl_sched_linear_warmup_create(&s2, opt, 3, 0.25, after), TFL_ERR_INVALID_ARGUMENT, "already taken over");
    CHECK(s2 == NULL);
  }
  /* releasing the warm-up first keeps `after` usable; releasing `after` then frees both */
  tfl_scheduler_release(s);
  LR_IS(after, 0.1 * pow(0.5, 4)); /* 7 steps: 3 of warm-up, 4 of the exponential */
  tfl_scheduler_release(after);

  /* warm-up alone: the base rate after the warm-up */
  OK(tfl_optimizer_set_lr(opt, 0.1));
  OK(tfl_sched_linear_warmup_create(&s, opt, 2, 0.5, NULL));
  LR_IS(s, 0.05);
  OK(tfl_scheduler_step(s));
  LR_IS(s, 0.075);
  OK(tfl_scheduler_step(s));
  LR_IS(s, 0.1);
  tfl_scheduler_release(s);
  FAILS(tfl_sched_linear_warmup_create(&s, opt, -1, 0.5, NULL), TFL_ERR_OPTIMIZER, "warmup_steps");

  /* one-cycle, max_lr 1, 10 steps, pct_start 0.3, cos, div 25, final_div 1e4: phase 1 ends at step
   * 0.3 * 10 - 1 = 2 rising 0.04 -> 1 (momentum 0.95 -> 0.85), phase 2 ends at 9 falling to 0.04 / 1e4. */
  OK(tfl_sched_one_cycle_create(&s, opt, 1.0, 10, 0.3, TFL_ANNEAL_COS, 25.0, 1e4, false, true, 0.85, 0.95));
  for (e = 0; e <= 9; ++e) {
    double lr = e <= 2 ? cos_anneal(0.04, 1.0, e / 2.0) : cos_anneal(1.0, 4e-6, (e - 2) / 7.0);
    double mom = e <= 2 ? cos_anneal(0.95, 0.85, e / 2.0) : cos_anneal(0.85, 0.95, (e - 2) / 7.0);
    LR_IS(s, lr);
    OK(tfl_optimizer_hyperparameter(&v, opt, "momentum"));
    CHECK(fabs(v - mom) <= 1e-12);
    if (e < 9) OK(tfl_scheduler_step(s));
  }
  OK(tfl_scheduler_step(s)); /* step 10 = total_steps is still allowed (PyTorch's bound) */
  FAILS(tfl_scheduler_step(s), TFL_ERR_OPTIMIZER, "total_steps");
  tfl_scheduler_release(s);
  /* linear, no momentum cycling */
  OK(tfl_sched_one_cycle_create(&s, opt, 1.0, 10, 0.5, TFL_ANNEAL_LINEAR, 10.0, 100.0, false, false, 0.85, 0.95));
  LR_IS(s, 0.1);
  OK(tfl_scheduler_step(s));
  LR_IS(s, 0.1 + (1.0 - 0.1) / 4.0); /* phase 1 ends at 0.5 * 10 - 1 = 4 */
  tfl_scheduler_release(s);
  FAILS(tfl_sched_one_cycle_create(&s, opt, 1.0, 10, 0.3, (tfl_anneal_strategy)5, 25, 1e4, false, true, 0.85, 0.95),
        TFL_ERR_INVALID_ARGUMENT, "'anneal'");
  FAILS(tfl_sched_step_create(&s, opt, 0, 0.5), TFL_ERR_OPTIMIZER, "step_size");
  CHECK(s == NULL);

  /* a scheduler keeps its optimizer alive */
  OK(tfl_optimizer_set_lr(opt, 0.1));
  OK(tfl_sched_exponential_create(&s, opt, 0.5));
  tfl_optimizer_release(opt);
  OK(tfl_scheduler_step(s));
  LR_IS(s, 0.05);
  /* scheduler checkpoint: position 1 saved, 2 more steps, loaded back */
  {
    char path[] = "/tmp/tfl_sched_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) {
      close(fd);
      OK(tfl_scheduler_state_save(s, path));
      OK(tfl_scheduler_step(s));
      OK(tfl_scheduler_step(s));
      LR_IS(s, 0.0125);
      OK(tfl_scheduler_state_load(s, path));
      LR_IS(s, 0.05);
      OK(tfl_scheduler_last_epoch(&epoch, s));
      CHECK(epoch == 1);
      remove(path);
    }
  }
  tfl_scheduler_release(s);
}

/* Gradients [3, 4] and [12]: total 2-norm 13, inf-norm 12. */
static void clipping(void) {
  tfl_tensor *a = mk(TFL_DTYPE_F64, 1, S(2), V(0, 0)), *b = mk(TFL_DTYPE_F32, 1, S(1), V(0));
  tfl_tensor* nograd = mk(TFL_DTYPE_F64, 1, S(1), V(0));
  tfl_tensor *ga = NULL, *gb = NULL;
  const tfl_tensor* const params[3] = {a, b, nograd};
  double total = 0, scale = 6.5 / (13 + 1e-6);

  OK(tfl_tensor_set_grad(a, mk(TFL_DTYPE_F64, 1, S(2), V(3, 4))));
  OK(tfl_tensor_set_grad(b, mk(TFL_DTYPE_F32, 1, S(1), V(12))));
  OK(tfl_clip_grad_norm(&total, params, 3, 6.5, 2.0, false));
  CHECK(fabs(total - 13.0) <= 1e-12);
  OK(tfl_tensor_grad(&ga, a));
  OK(tfl_tensor_grad(&gb, b));
  EXPECT_NEAR(keep(ga), TFL_DTYPE_F64, 1, S(2), V(3 * scale, 4 * scale), 1e-12);
  EXPECT_NEAR(keep(gb), TFL_DTYPE_F32, 1, S(1), V(12 * scale), 1e-6);
  /* below the bound nothing changes */
  OK(tfl_clip_grad_norm(&total, params, 3, 100.0, 2.0, false));
  CHECK(fabs(total - 6.5) <= 1e-5);
  /* infinity norm */
  OK(tfl_tensor_set_grad(a, mk(TFL_DTYPE_F64, 1, S(2), V(3, -4))));
  OK(tfl_tensor_set_grad(b, mk(TFL_DTYPE_F32, 1, S(1), V(-12))));
  OK(tfl_clip_grad_norm(&total, params, 3, 1000.0, INFINITY, false));
  CHECK(total == 12.0);
  /* by value */
  OK(tfl_clip_grad_value(params, 3, 3.5));
  OK(tfl_tensor_grad(&ga, a));
  OK(tfl_tensor_grad(&gb, b));
  EXPECT(keep(ga), TFL_DTYPE_F64, 1, S(2), V(3, -3.5));
  EXPECT(keep(gb), TFL_DTYPE_F32, 1, S(1), V(-3.5));

  FAILS(tfl_clip_grad_norm(&total, params, 3, 1.0, 0.5, false), TFL_ERR_OPTIMIZER, "norm_type");
  FAILS(tfl_clip_grad_value(params, 3, -1.0), TFL_ERR_OPTIMIZER, "clip_value");
  OK(tfl_tensor_set_grad(a, mk(TFL_DTYPE_F64, 1, S(2), V(INFINITY, 1))));
  FAILS(tfl_clip_grad_norm(&total, params, 3, 1.0, 2.0, true), TFL_ERR_NUMERICAL, "total norm");
  FAILS(tfl_clip_grad_norm(NULL, params, 3, 1.0, 2.0, false), TFL_ERR_INVALID_ARGUMENT, "'out_total_norm'");
  FAILS(tfl_clip_grad_value(NULL, 3, 1.0), TFL_ERR_INVALID_ARGUMENT, "'params'");
}

int main(void) {
  optimizers();
  state_checkpoint();
  schedulers();
  clipping();
  return finish("optim");
}
