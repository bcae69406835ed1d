/* AdaBelief, RAdam, NAdam and Adadelta through the C API. Each takes a few steps on the quadratic
 * f(p) = sum(p^2) (gradient 2p) and is compared with its published update rule written out below in
 * plain C; then a checkpoint round trip through a file and the argument errors. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>

#include "test_util.h"

#define STEPS 8
#include "optim_test_util.h"


/* AdaBelief (Zhuang et al. 2020, Alg. 2; eps added to s each step as in adabelief-pytorch) lr 0.1,
 * betas (0.9, 0.99), eps 1e-10, weight_decay 0.1 decoupled, amsgrad:
 * p *= 1 - lr wd; m = b1 m + (1-b1) g; s = b2 s + (1-b2)(g-m)^2 + eps; smax = max(smax, s);
 * p -= lr / (1 - b1^t) m / (sqrt(smax) / sqrt(1 - b2^t) + eps). */
static void ref_adabelief(double* q, double* m, double* s, double* smax, int t) {
  int i;
  for (i = 0; i < N; ++i) {
    double g = 2 * q[i];
    q[i] *= 1 - 0.1 * 0.1;
    m[i] = 0.9 * m[i] + 0.1 * g;
    s[i] = 0.99 * s[i] + 0.01 * (g - m[i]) * (g - m[i]) + 1e-10;
    if (s[i] > smax[i]) smax[i] = s[i];
    q[i] -= 0.1 / (1 - pow(0.9, t)) * m[i] / (sqrt(smax[i]) / sqrt(1 - pow(0.99, t)) + 1e-10);
  }
}
/* RAdam (Liu et al. 2019; torch.optim.RAdam docs) lr 0.1, betas (0.9, 0.9), eps 1e-8, weight_decay 0.05 (L2):
 * rho_inf = 2/(1-b2) - 1 = 19; rho_t = rho_inf - 2 t b2^t / (1 - b2^t) (> 5 from t = 6);
 * rectified: p -= lr mh r sqrt(1 - b2^t) / (sqrt(v) + eps); else p -= lr mh. */
static void ref_radam(double* q, double* m, double* v, double* u3, int t) {
  const double rho_inf = 2 / (1 - 0.9) - 1, b2t = pow(0.9, t), rho_t = rho_inf - 2 * t * b2t / (1 - b2t);
  int i;
  (void)u3;
  for (i = 0; i < N; ++i) {
    double g = 2 * q[i] + 0.05 * q[i], mh;
    m[i] = 0.9 * m[i] + 0.1 * g;
    v[i] = 0.9 * v[i] + 0.1 * g * g;
    mh = m[i] / (1 - pow(0.9, t));
    if (rho_t > 5) {
      double r = sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t));
      q[i] -= 0.1 * mh * r * sqrt(1 - b2t) / (sqrt(v[i]) + 1e-8);
    } else {
      q[i] -= 0.1 * mh;
    }
  }
}
/* NAdam (Dozat 2016; torch.optim.NAdam docs) lr 0.05, betas (0.9, 0.999), eps 1e-8, momentum_decay 0.05:
 * mu_t = b1 (1 - 0.5 * 0.96^(t psi)); P = mu_1 ... mu_t;
 * p -= lr [(1 - mu_t)/(1 - P) g + mu_{t+1}/(1 - P mu_{t+1}) m] / (sqrt(v / (1 - b2^t)) + eps). */
static void ref_nadam(double* q, double* m, double* v, double* st, int t) {
  const double mu = 0.9 * (1 - 0.5 * pow(0.96, t * 0.05)), mu1 = 0.9 * (1 - 0.5 * pow(0.96, (t + 1) * 0.05));
  int i;
  st[N] *= mu;
  for (i = 0; i < N; ++i) {
    double g = 2 * q[i];
    m[i] = 0.9 * m[i] + 0.1 * g;
    v[i] = 0.999 * v[i] + 0.001 * g * g;
    q[i] -= 0.05 * ((1 - mu) / (1 - st[N]) * g + mu1 / (1 - st[N] * mu1) * m[i]) /
            (sqrt(v[i] / (1 - pow(0.999, t))) + 1e-8);
  }
}
/* Adadelta (Zeiler 2012; torch.optim.Adadelta docs) lr 1.0, rho 0.9, eps 1e-6, weight_decay 0.1:
 * v = rho v + (1-rho) g^2; d = sqrt(u + eps)/sqrt(v + eps) g; u = rho u + (1-rho) d^2; p -= lr d. */
static void ref_adadelta(double* q, double* v, double* u, double* u3, int t) {
  int i;
  (void)u3, (void)t;
  for (i = 0; i < N; ++i) {
    double g = 2 * q[i] + 0.1 * q[i], d;
    v[i] = 0.9 * v[i] + 0.1 * g * g;
    d = sqrt(u[i] + 1e-6) / sqrt(v[i] + 1e-6) * g;
    u[i] = 0.9 * u[i] + 0.1 * d * d;
    q[i] -= 1.0 * d;
  }
}

static void rules(void) {
  tfl_optimizer* opt = NULL;
  tfl_tensor* p;
  const char* name = NULL;
  double v = 0;

  p = param();
  OK(tfl_optim_adabelief_create(&opt, (const tfl_tensor* const[]){p}, 1, 0.1, 0.9, 0.99, 1e-10, 0.1, true, true));
  run("adabelief", opt, p, ref_adabelief);
  OK(tfl_optimizer_name(&name, opt));
  CHECK(name != NULL && strcmp(name, "AdaBelief") == 0);
  OK(tfl_optimizer_hyperparameter(&v, opt, "decoupled_weight_decay"));
  CHECK(v == 1.0);
  tfl_optimizer_release(opt);

  p = param();
  OK(tfl_optim_radam_create(&opt, (const tfl_tensor* const[]){p}, 1, 0.1, 0.9, 0.9, 1e-8, 0.05, false));
  run("radam", opt, p, ref_radam);
  OK(tfl_optimizer_name(&name, opt));
  CHECK(strcmp(name, "RAdam") == 0);
  tfl_optimizer_release(opt);

  p = param();
  OK(tfl_optim_nadam_create(&opt, (const tfl_tensor* const[]){p}, 1, 0.05, 0.9, 0.999, 1e-8, 0.0, 0.05, false));
  run("nadam", opt, p, ref_nadam);
  OK(tfl_optimizer_hyperparameter(&v, opt, "momentum_decay"));
  CHECK(v == 0.05);
  OK(tfl_optimizer_name(&name, opt));
  CHECK(strcmp(name, "NAdam") == 0);
  tfl_optimizer_release(opt);

  p = param();
  OK(tfl_optim_adadelta_create(&opt, (const tfl_tensor* const[]){p}, 1, 1.0, 0.9, 1e-6, 0.1));
  run("adadelta", opt, p, ref_adadelta);
  OK(tfl_optimizer_name(&name, opt));
  CHECK(strcmp(name, "Adadelta") == 0);
  tfl_optimizer_release(opt);
}

/* NAdam's state (with its mu product) saved after three steps and loaded into a fresh optimizer resumes
 * identically; the file does not fit a RAdam. */
static void checkpoint(void) {
  char path[] = "/tmp/tfl_optim_more_XXXXXX";
  int fd = mkstemp(path);
  tfl_optimizer *a = NULL, *b = NULL, *c = NULL;
  tfl_tensor *pa = param(), *pb = NULL;
  double va[N], vb[N];
  int k;
  CHECK(fd >= 0);
  if (fd < 0) return;
  close(fd);
  OK(tfl_optim_nadam_create(&a, (const tfl_tensor* const[]){pa}, 1, 0.05, 0.9, 0.999, 1e-8, 0.01, 0.004, true));
  for (k = 0; k < 3; ++k) train_step(a, pa);
  OK(tfl_optimizer_state_save(a, path));
  {
    tfl_tensor* d = NULL;
    OK(tfl_tensor_detach(&d, pa));
    OK(tfl_tensor_clone(&pb, d));
    tfl_tensor_release(d);
  }
  keep(pb);
  OK(tfl_tensor_set_requires_grad(pb, true));
  OK(tfl_optim_nadam_create(&b, (const tfl_tensor* const[]){pb}, 1, 0.5, 0.5, 0.5, 1e-3, 0.0, 0.1, false));
  OK(tfl_optimizer_state_load(b, path));
  for (k = 0; k < 3; ++k) {
    train_step(a, pa);
    train_step(b, pb);
  }
  values_of(pa, va, N);
  values_of(pb, vb, N);
  CHECK(memcmp(va, vb, sizeof va) == 0);
  OK(tfl_optim_radam_create(&c, (const tfl_tensor* const[]){pb}, 1, 0.1, 0.9, 0.999, 1e-8, 0.0, false));
  FAILS(tfl_optimizer_state_load(c, path), TFL_ERR_OPTIMIZER, "momentum_decay");
  tfl_optimizer_release(a);
  tfl_optimizer_release(b);
  tfl_optimizer_release(c);
  unlink(path);
}

static void errors(void) {
  tfl_optimizer* opt = NULL;
  tfl_tensor* p = param();
  const tfl_tensor* const ps[] = {p};
  FAILS(tfl_optim_adabelief_create(&opt, ps, 1, 0.1, 1.0, 0.999, 1e-16, 0, false, true), TFL_ERR_OPTIMIZER,
        "beta1");
  CHECK(opt == NULL);
  FAILS(tfl_optim_radam_create(&opt, ps, 1, 0.1, 0.9, 0.999, -1e-8, 0, false), TFL_ERR_OPTIMIZER, "eps");
  FAILS(tfl_optim_nadam_create(&opt, ps, 1, 0.1, 0.9, 0.999, 1e-8, 0, -0.004, false), TFL_ERR_OPTIMIZER,
        "momentum_decay");
  FAILS(tfl_optim_adadelta_create(&opt, ps, 1, 1.0, 1.5, 1e-6, 0), TFL_ERR_OPTIMIZER, "rho");
  FAILS(tfl_optim_adadelta_create(&opt, ps, 1, NAN, 0.9, 1e-6, 0), TFL_ERR_OPTIMIZER, "lr");
  FAILS(tfl_optim_adadelta_create(&opt, (const tfl_tensor* const[]){p, p}, 2, 1.0, 0.9, 1e-6, 0),
        TFL_ERR_OPTIMIZER, "more than once");
  FAILS(tfl_optim_nadam_create(&opt, (const tfl_tensor* const[]){mk(TFL_DTYPE_I32, 1, S(2), V(1, 2))}, 1, 0.1, 0.9,
                               0.999, 1e-8, 0, 0.004, false),
        TFL_ERR_DTYPE, "floating");
  FAILS(tfl_optim_radam_create(NULL, ps, 1, 0.1, 0.9, 0.999, 1e-8, 0, false), TFL_ERR_INVALID_ARGUMENT, "'out'");
  FAILS(tfl_optim_adabelief_create(&opt, NULL, 1, 0.1, 0.9, 0.999, 1e-16, 0, false, true), TFL_ERR_INVALID_ARGUMENT,
        "'params'");
  CHECK(opt == NULL);
}

int main(void) {
  rules();
  checkpoint();
  errors();
  return finish("optim_more");
}
