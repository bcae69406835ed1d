/* Plain C99 checks of the elementwise C functions: expected values come from naive loops over libm
 * in this file (or from hand-worked literals), never from the library. */
#include "test_util.h"

typedef tfl_status (*binary_fn)(tfl_tensor**, const tfl_tensor*, const tfl_tensor*);
typedef tfl_status (*scalar_fn)(tfl_tensor**, const tfl_tensor*, double);
typedef tfl_status (*out_fn)(tfl_tensor*, const tfl_tensor*, const tfl_tensor*);
typedef tfl_status (*unary_fn)(tfl_tensor**, const tfl_tensor*);

static double r_add(double a, double b) { return a + b; }
static double r_sub(double a, double b) { return a - b; }
static double r_mul(double a, double b) { return a * b; }
static double r_div(double a, double b) { return a / b; }
static double r_floordiv(double a, double b) { return floor(a / b); }
static double r_rem(double a, double b) { return a - floor(a / b) * b; }
static double r_max(double a, double b) { return a > b ? a : b; }
static double r_min(double a, double b) { return a < b ? a : b; }
static double r_eq(double a, double b) { return a == b; }
static double r_ne(double a, double b) { return a != b; }
static double r_lt(double a, double b) { return a < b; }
static double r_le(double a, double b) { return a <= b; }
static double r_gt(double a, double b) { return a > b; }
static double r_ge(double a, double b) { return a >= b; }
static double r_and(double a, double b) { return a != 0 && b != 0; }
static double r_or(double a, double b) { return a != 0 || b != 0; }
static double r_xor(double a, double b) { return (a != 0) != (b != 0); }

struct binary_case {
  const char* name;
  binary_fn fn;
  scalar_fn scalar;
  scalar_fn rscalar;
  out_fn out;
  double (*ref)(double, double);
  int is_bool;
};

/* a: 2x3 f64, b: 3 f64 broadcast over the rows. */
static const double A[6] = {1.5, -2.0, 3.0, 4.0, -0.5, 6.0};
static const double B[3] = {2.0, -3.0, 0.5};

static void test_binary(void) {
  const struct binary_case cases[] = {
      {"add", tfl_tensor_add, tfl_tensor_add_scalar, NULL, tfl_tensor_add_out, r_add, 0},
      {"sub", tfl_tensor_sub, tfl_tensor_sub_scalar, tfl_tensor_sub_rscalar, tfl_tensor_sub_out, r_sub, 0},
      {"mul", tfl_tensor_mul, tfl_tensor_mul_scalar, NULL, tfl_tensor_mul_out, r_mul, 0},
      {"div", tfl_tensor_div, tfl_tensor_div_scalar, tfl_tensor_div_rscalar, tfl_tensor_div_out, r_div, 0},
      {"floor_divide", tfl_tensor_floor_divide, tfl_tensor_floor_divide_scalar, tfl_tensor_floor_divide_rscalar,
       tfl_tensor_floor_divide_out, r_floordiv, 0},
      {"remainder", tfl_tensor_remainder, tfl_tensor_remainder_scalar, tfl_tensor_remainder_rscalar,
       tfl_tensor_remainder_out, r_rem, 0},
      {"pow", tfl_tensor_pow, tfl_tensor_pow_scalar, tfl_tensor_pow_rscalar, tfl_tensor_pow_out, pow, 0},
      {"maximum", tfl_tensor_maximum, tfl_tensor_maximum_scalar, NULL, tfl_tensor_maximum_out, r_max, 0},
      {"minimum", tfl_tensor_minimum, tfl_tensor_minimum_scalar, NULL, tfl_tensor_minimum_out, r_min, 0},
      {"atan2", tfl_tensor_atan2, tfl_tensor_atan2_scalar, NULL, tfl_tensor_atan2_out, atan2, 0},
      {"eq", tfl_tensor_eq, tfl_tensor_eq_scalar, NULL, NULL, r_eq, 1},
      {"ne", tfl_tensor_ne, tfl_tensor_ne_scalar, NULL, NULL, r_ne, 1},
      {"lt", tfl_tensor_lt, tfl_tensor_lt_scalar, NULL, NULL, r_lt, 1},
      {"le", tfl_tensor_le, tfl_tensor_le_scalar, NULL, NULL, r_le, 1},
      {"gt", tfl_tensor_gt, tfl_tensor_gt_scalar, NULL, NULL, r_gt, 1},
      {"ge", tfl_tensor_ge, tfl_tensor_ge_scalar, NULL, NULL, r_ge, 1},
      {"logical_and", tfl_tensor_logical_and, NULL, NULL, NULL, r_and, 1},
      {"logical_or", tfl_tensor_logical_or, NULL, NULL, NULL, r_or, 1},
      {"logical_xor", tfl_tensor_logical_xor, NULL, NULL, NULL, r_xor, 1},
  };
  /* pow of a negative base needs an integral exponent: use |A| for pow. */
  double absA[6];
  size_t c;
  int i;
  for (i = 0; i < 6; ++i) absA[i] = fabs(A[i]);
  for (c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
    const struct binary_case* k = &cases[c];
    const double* av = k->ref == pow ? absA : A;
    tfl_tensor* a = mk(TFL_DTYPE_F64, 2, S(2, 3), av);
    tfl_tensor* b = mk(TFL_DTYPE_F64, 1, S(3), B);
    tfl_dtype rt = k->is_bool ? TFL_DTYPE_BOOL : TFL_DTYPE_F64;
    double expect[6];
    tfl_tensor* r = NULL;
    for (i = 0; i < 6; ++i) expect[i] = k->ref(av[i], B[i % 3]);
    if (OK(k->fn(&r, a, b))) expect_(keep(r), rt, 2, S(2, 3), expect, 1e-12, k->name, __FILE__, __LINE__);
    if (k->scalar) {
      /* tensor op 0.5 (the scalar takes a's dtype) */
      for (i = 0; i < 6; ++i) expect[i] = k->ref(av[i], 0.5);
      r = NULL;
      if (OK(k->scalar(&r, a, 0.5))) expect_(keep(r), rt, 2, S(2, 3), expect, 1e-12, k->name, __FILE__, __LINE__);
    }
    if (k->rscalar) {
      /* 2.5 op tensor */
      for (i = 0; i < 6; ++i) expect[i] = k->ref(2.5, av[i]);
      r = NULL;
      if (OK(k->rscalar(&r, a, 2.5))) expect_(keep(r), rt, 2, S(2, 3), expect, 1e-12, k->name, __FILE__, __LINE__);
    }
    if (k->out) {
      tfl_tensor* dst = NULL;
      for (i = 0; i < 6; ++i) expect[i] = k->ref(av[i], B[i % 3]);
      if (OK(tfl_tensor_zeros(&dst, S(2, 3), 2, TFL_DTYPE_F64))) {
        keep(dst);
        if (OK(k->out(dst, a, b))) expect_(dst, TFL_DTYPE_F64, 2, S(2, 3), expect, 1e-12, k->name, __FILE__, __LINE__);
      }
    }
  }
}

static void test_binary_errors_and_dtypes(void) {
  tfl_tensor *a = mk(TFL_DTYPE_F32, 1, S(3), V(1, 2, 3)), *b = mk(TFL_DTYPE_F32, 1, S(2), V(1, 2));
  tfl_tensor *i = mk(TFL_DTYPE_I32, 1, S(3), V(7, -7, 2)), *r = (tfl_tensor*)&failures;
  FAILS(tfl_tensor_add(&r, a, b), TFL_ERR_SHAPE, "tfl_tensor_add");
  CHECK(r == NULL);
  /* integers: floor division and remainder follow Python; true division gives f32 */
  if (OK(tfl_tensor_floor_divide_scalar(&r, i, 2))) EXPECT(keep(r), TFL_DTYPE_I32, 1, S(3), V(3, -4, 1));
  if (OK(tfl_tensor_remainder_scalar(&r, i, 3))) EXPECT(keep(r), TFL_DTYPE_I32, 1, S(3), V(1, 2, 2));
  if (OK(tfl_tensor_div(&r, i, i))) EXPECT(keep(r), TFL_DTYPE_F32, 1, S(3), V(1, 1, 1));
  /* i32 with i64 promotes to i64; integer with float has no rule (array API) */
  if (OK(tfl_tensor_add(&r, i, mk(TFL_DTYPE_I64, 1, S(3), V(1, 2, 3))))) EXPECT(keep(r), TFL_DTYPE_I64, 1, S(3), V(8, -5, 5));
  FAILS(tfl_tensor_add(&r, i, a), TFL_ERR_DTYPE, "no promotion rule");
  FAILS(tfl_tensor_add_scalar(&r, i, 0.5), TFL_ERR_DTYPE, "tfl_tensor_add_scalar");
  /* an _out destination of the wrong shape is refused */
  FAILS(tfl_tensor_add_out(b, a, a), TFL_ERR_SHAPE, "tfl_tensor_add_out");
}

static void test_where(void) {
  tfl_tensor* cond = mk(TFL_DTYPE_BOOL, 2, S(2, 2), V(1, 0, 0, 1));
  tfl_tensor* a = mk(TFL_DTYPE_F32, 1, S(2), V(10, 20));
  tfl_tensor* b = mk(TFL_DTYPE_F32, 0, NULL, V(-1));
  tfl_tensor *r = NULL, *f = mk(TFL_DTYPE_F32, 2, S(2, 2), V(1, 0, 0, 1));
  if (OK(tfl_tensor_where(&r, cond, a, b))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(2, 2), V(10, -1, -1, 20));
  FAILS(tfl_tensor_where(&r, f, a, b), TFL_ERR_DTYPE, "tfl_tensor_where");
}

static double r_neg(double x) { return -x; }
static double r_sign(double x) { return x > 0 ? 1 : x < 0 ? -1 : 0; }
static double r_square(double x) { return x * x; }
static double r_relu(double x) { return x > 0 ? x : 0; }
static double r_round(double x) { return nearbyint(x); } /* default rounding: halves to even */
static double r_rsqrt(double x) { return 1 / sqrt(x); }
static double r_sigmoid(double x) { return 1 / (1 + exp(-x)); }
static double r_silu(double x) { return x / (1 + exp(-x)); }
static double r_isnan(double x) { return isnan(x) ? 1 : 0; }
static double r_isinf(double x) { return isinf(x) ? 1 : 0; }
static double r_isfinite(double x) { return isfinite(x) ? 1 : 0; }
static double r_not(double x) { return x == 0 ? 1 : 0; }

static void test_unary(void) {
  const struct {
    const char* name;
    unary_fn fn;
    double (*ref)(double);
    int domain; /* 0: any input, 1: positive only */
    int is_bool;
  } cases[] = {
      {"neg", tfl_tensor_neg, r_neg, 0, 0},       {"abs", tfl_tensor_abs, fabs, 0, 0},
      {"sign", tfl_tensor_sign, r_sign, 0, 0},    {"square", tfl_tensor_square, r_square, 0, 0},
      {"relu", tfl_tensor_relu, r_relu, 0, 0},    {"floor", tfl_tensor_floor, floor, 0, 0},
      {"ceil", tfl_tensor_ceil, ceil, 0, 0},      {"round", tfl_tensor_round, r_round, 0, 0},
      {"exp", tfl_tensor_exp, exp, 0, 0},         {"expm1", tfl_tensor_expm1, expm1, 0, 0},
      {"log", tfl_tensor_log, log, 1, 0},         {"log1p", tfl_tensor_log1p, log1p, 1, 0},
      {"sqrt", tfl_tensor_sqrt, sqrt, 1, 0},      {"rsqrt", tfl_tensor_rsqrt, r_rsqrt, 1, 0},
      {"sin", tfl_tensor_sin, sin, 0, 0},         {"cos", tfl_tensor_cos, cos, 0, 0},
      {"tan", tfl_tensor_tan, tan, 0, 0},         {"tanh", tfl_tensor_tanh, tanh, 0, 0},
      {"sigmoid", tfl_tensor_sigmoid, r_sigmoid, 0, 0}, {"silu", tfl_tensor_silu, r_silu, 0, 0},
      {"isnan", tfl_tensor_isnan, r_isnan, 0, 1}, {"isinf", tfl_tensor_isinf, r_isinf, 0, 1},
      {"isfinite", tfl_tensor_isfinite, r_isfinite, 0, 1}, {"logical_not", tfl_tensor_logical_not, r_not, 0, 1},
  };
  const double any[6] = {-2.5, -1.0, 0.0, 0.5, 1.25, 2.5};
  const double pos[6] = {0.25, 0.5, 1.0, 2.0, 3.5, 10.0};
  size_t c;
  int i;
  for (c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
    const double* in = cases[c].domain ? pos : any;
    double expect[6];
    tfl_tensor *t = mk(TFL_DTYPE_F64, 2, S(3, 2), in), *r = NULL;
    for (i = 0; i < 6; ++i) expect[i] = cases[c].ref(in[i]);
    if (OK(cases[c].fn(&r, t)))
      expect_(keep(r), cases[c].is_bool ? TFL_DTYPE_BOOL : TFL_DTYPE_F64, 2, S(3, 2), expect, 1e-12, cases[c].name,
              __FILE__, __LINE__);
  }
  {
    /* the NaN / infinity tests on special values, and integer-preserving neg, float-valued exp on ints */
    tfl_tensor *t = mk(TFL_DTYPE_F32, 1, S(3), V(NAN, INFINITY, 1)), *r = NULL;
    tfl_tensor* n = mk(TFL_DTYPE_I32, 1, S(2), V(3, -4));
    if (OK(tfl_tensor_isnan(&r, t))) EXPECT(keep(r), TFL_DTYPE_BOOL, 1, S(3), V(1, 0, 0));
    if (OK(tfl_tensor_isinf(&r, t))) EXPECT(keep(r), TFL_DTYPE_BOOL, 1, S(3), V(0, 1, 0));
    if (OK(tfl_tensor_isfinite(&r, t))) EXPECT(keep(r), TFL_DTYPE_BOOL, 1, S(3), V(0, 0, 1));
    if (OK(tfl_tensor_neg(&r, n))) EXPECT(keep(r), TFL_DTYPE_I32, 1, S(2), V(-3, 4));
    if (OK(tfl_tensor_exp(&r, n))) EXPECT_NEAR(keep(r), TFL_DTYPE_F32, 1, S(2), V(exp(3.0), exp(-4.0)), 1e-6);
    FAILS(tfl_tensor_neg(&r, mk(TFL_DTYPE_BOOL, 1, S(1), V(1))), TFL_ERR_DTYPE, "tfl_tensor_neg");
  }
}

static void test_activations_with_parameters(void) {
  const double in[4] = {-2.0, -0.5, 0.5, 30.0};
  double e[4];
  int i;
  tfl_tensor *t = mk(TFL_DTYPE_F64, 1, S(4), in), *r = NULL;
  for (i = 0; i < 4; ++i) e[i] = in[i] > 0 ? in[i] : 0.1 * in[i];
  if (OK(tfl_tensor_leaky_relu(&r, t, 0.1))) EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 1, S(4), e, 1e-12);
  for (i = 0; i < 4; ++i) e[i] = in[i] > 0 ? in[i] : 2.0 * (exp(in[i]) - 1);
  if (OK(tfl_tensor_elu(&r, t, 2.0))) EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 1, S(4), e, 1e-12);
  for (i = 0; i < 4; ++i) e[i] = in[i] * 0.5 * (1 + erf(in[i] / sqrt(2.0)));
  if (OK(tfl_tensor_gelu(&r, t, false))) EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 1, S(4), e, 1e-12);
  for (i = 0; i < 4; ++i)
    e[i] = 0.5 * in[i] * (1 + tanh(sqrt(2 / 3.14159265358979323846) * (in[i] + 0.044715 * pow(in[i], 3))));
  if (OK(tfl_tensor_gelu(&r, t, true))) EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 1, S(4), e, 1e-12);
  /* softplus with beta 2, threshold 20: beta * 30 > 20 gives x itself */
  for (i = 0; i < 4; ++i) e[i] = 2 * in[i] > 20 ? in[i] : log1p(exp(2 * in[i])) / 2;
  if (OK(tfl_tensor_softplus(&r, t, 2.0, 20.0))) EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 1, S(4), e, 1e-12);
  /* clip: absent bounds are the infinities; NaN bound refused */
  if (OK(tfl_tensor_clip(&r, t, -1.0, 1.0))) EXPECT(keep(r), TFL_DTYPE_F64, 1, S(4), V(-1, -0.5, 0.5, 1));
  if (OK(tfl_tensor_clip(&r, t, 0.0, INFINITY))) EXPECT(keep(r), TFL_DTYPE_F64, 1, S(4), V(0, 0, 0.5, 30));
  if (OK(tfl_tensor_clip(&r, mk(TFL_DTYPE_I64, 1, S(3), V(-5, 2, 9)), -INFINITY, 4)))
    EXPECT(keep(r), TFL_DTYPE_I64, 1, S(3), V(-5, 2, 4));
  FAILS(tfl_tensor_clip(&r, t, NAN, 1.0), TFL_ERR_INVALID_ARGUMENT, "tfl_tensor_clip");
}

int main(void) {
  test_binary();
  test_binary_errors_and_dtypes();
  test_where();
  test_unary();
  test_activations_with_parameters();
  return finish("ops_elementwise");
}
