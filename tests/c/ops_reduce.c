/* Plain C99 checks of the reduction C functions against naive loops in this file. */
#include "test_util.h"

/* x: 2x3 f64 */
static const double X[6] = {3.0, -1.0, 2.0, 0.5, 4.0, -2.0};

typedef tfl_status (*full_fn)(tfl_tensor**, const tfl_tensor*);
typedef tfl_status (*axes_fn)(tfl_tensor**, const tfl_tensor*, const int64_t*, size_t, bool);

static double fold(int op, const double* v, int n, int stride) {
  double acc = op == 1 ? 1 : op == 0 ? 0 : v[0];
  int i;
  for (i = 0; i < n; ++i) {
    double x = v[i * stride];
    switch (op) {
      case 0: acc += x; break;                         /* sum */
      case 1: acc *= x; break;                         /* prod */
      case 2: acc = x > acc ? x : acc; break;          /* max */
      case 3: acc = x < acc ? x : acc; break;          /* min */
    }
  }
  return acc;
}

static void test_basic_reductions(void) {
  const struct {
    const char* name;
    full_fn full;
    axes_fn axes;
    int op; /* 0 sum, 1 prod, 2 max, 3 min, 4 mean, 5 logsumexp */
  } cases[] = {{"sum", tfl_tensor_sum, tfl_tensor_sum_axes, 0},       {"prod", tfl_tensor_prod, tfl_tensor_prod_axes, 1},
               {"max", tfl_tensor_max, tfl_tensor_max_axes, 2},       {"min", tfl_tensor_min, tfl_tensor_min_axes, 3},
               {"mean", tfl_tensor_mean, tfl_tensor_mean_axes, 4},    {"logsumexp", tfl_tensor_logsumexp, tfl_tensor_logsumexp_axes, 5}};
  size_t c;
  int i, j;
  tfl_tensor* x = mk(TFL_DTYPE_F64, 2, S(2, 3), X);
  for (c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
    int op = cases[c].op;
    double all = 0, rows[2], cols[3];
    tfl_tensor* r = NULL;
    if (op <= 3) {
      all = fold(op, X, 6, 1);
      for (i = 0; i < 2; ++i) rows[i] = fold(op, X + 3 * i, 3, 1);
      for (j = 0; j < 3; ++j) cols[j] = fold(op, X + j, 2, 3);
    } else if (op == 4) {
      all = fold(0, X, 6, 1) / 6;
      for (i = 0; i < 2; ++i) rows[i] = fold(0, X + 3 * i, 3, 1) / 3;
      for (j = 0; j < 3; ++j) cols[j] = fold(0, X + j, 2, 3) / 2;
    } else {
      double e[6];
      for (i = 0; i < 6; ++i) e[i] = exp(X[i]);
      all = log(fold(0, e, 6, 1));
      for (i = 0; i < 2; ++i) rows[i] = log(fold(0, e + 3 * i, 3, 1));
      for (j = 0; j < 3; ++j) cols[j] = log(fold(0, e + j, 2, 3));
    }
    if (OK(cases[c].full(&r, x))) expect_(keep(r), TFL_DTYPE_F64, 0, NULL, &all, 1e-12, cases[c].name, __FILE__, __LINE__);
    if (OK(cases[c].axes(&r, x, S(1), 1, false)))
      expect_(keep(r), TFL_DTYPE_F64, 1, S(2), rows, 1e-12, cases[c].name, __FILE__, __LINE__);
    if (OK(cases[c].axes(&r, x, S(-2), 1, true)))
      expect_(keep(r), TFL_DTYPE_F64, 2, S(1, 3), cols, 1e-12, cases[c].name, __FILE__, __LINE__);
    /* an empty axis list reduces every axis */
    if (OK(cases[c].axes(&r, x, NULL, 0, false)))
      expect_(keep(r), TFL_DTYPE_F64, 0, NULL, &all, 1e-12, cases[c].name, __FILE__, __LINE__);
  }
  {
    tfl_tensor* r = NULL;
    tfl_tensor* ints = mk(TFL_DTYPE_I32, 1, S(3), V(1, 2, 3));
    FAILS(tfl_tensor_sum_axes(&r, x, S(2), 1, false), TFL_ERR_INDEX, "axis 2");
    FAILS(tfl_tensor_sum_axes(&r, x, S(0, 0), 2, false), TFL_ERR_INVALID_ARGUMENT, "duplicate");
    FAILS(tfl_tensor_sum_axes(&r, x, NULL, 1, false), TFL_ERR_INVALID_ARGUMENT, "'axes'");
    if (OK(tfl_tensor_sum(&r, ints))) EXPECT(keep(r), TFL_DTYPE_I64, 0, NULL, V(6));
    if (OK(tfl_tensor_mean(&r, ints))) EXPECT(keep(r), TFL_DTYPE_F32, 0, NULL, V(2));
  }
}

static void test_logical_reductions(void) {
  tfl_tensor *b = mk(TFL_DTYPE_F32, 2, S(2, 2), V(1, 0, 1, 1)), *r = NULL;
  if (OK(tfl_tensor_all(&r, b))) EXPECT(keep(r), TFL_DTYPE_BOOL, 0, NULL, V(0));
  if (OK(tfl_tensor_any(&r, b))) EXPECT(keep(r), TFL_DTYPE_BOOL, 0, NULL, V(1));
  if (OK(tfl_tensor_all_axes(&r, b, S(1), 1, false))) EXPECT(keep(r), TFL_DTYPE_BOOL, 1, S(2), V(0, 1));
  if (OK(tfl_tensor_any_axes(&r, b, S(0), 1, true))) EXPECT(keep(r), TFL_DTYPE_BOOL, 2, S(1, 2), V(1, 1));
}

static void test_var_std(void) {
  tfl_tensor *x = mk(TFL_DTYPE_F64, 2, S(2, 3), X), *r = NULL;
  double mean = 0, ss = 0, rows_var[2];
  int i, j;
  for (i = 0; i < 6; ++i) mean += X[i] / 6;
  for (i = 0; i < 6; ++i) ss += (X[i] - mean) * (X[i] - mean);
  for (i = 0; i < 2; ++i) {
    double m = (X[3 * i] + X[3 * i + 1] + X[3 * i + 2]) / 3, s = 0;
    for (j = 0; j < 3; ++j) s += (X[3 * i + j] - m) * (X[3 * i + j] - m);
    rows_var[i] = s / 2; /* correction 1 */
  }
  if (OK(tfl_tensor_var(&r, x, 0))) EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 0, NULL, V(ss / 6), 1e-12);
  if (OK(tfl_tensor_std(&r, x, 1))) EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 0, NULL, V(sqrt(ss / 5)), 1e-12);
  if (OK(tfl_tensor_var_axes(&r, x, S(1), 1, 1, false))) EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 1, S(2), rows_var, 1e-12);
  if (OK(tfl_tensor_std_axes(&r, x, S(1), 1, 1, true)))
    EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 2, S(2, 1), V(sqrt(rows_var[0]), sqrt(rows_var[1])), 1e-12);
}

static void test_arg_and_scan(void) {
  /* X = [[3, -1, 2], [0.5, 4, -2]]: flat argmax 4, argmin 5; per row argmax [0, 1], per column argmin [1, 0, 1] */
  tfl_tensor *x = mk(TFL_DTYPE_F64, 2, S(2, 3), X), *r = NULL;
  if (OK(tfl_tensor_argmax(&r, x, false))) EXPECT(keep(r), TFL_DTYPE_I64, 0, NULL, V(4));
  if (OK(tfl_tensor_argmin(&r, x, true))) EXPECT(keep(r), TFL_DTYPE_I64, 2, S(1, 1), V(5));
  if (OK(tfl_tensor_argmax_axis(&r, x, 1, false))) EXPECT(keep(r), TFL_DTYPE_I64, 1, S(2), V(0, 1));
  if (OK(tfl_tensor_argmin_axis(&r, x, 0, true))) EXPECT(keep(r), TFL_DTYPE_I64, 2, S(1, 3), V(1, 0, 1));
  FAILS(tfl_tensor_argmax_axis(&r, x, 5, false), TFL_ERR_INDEX, "tfl_tensor_argmax_axis");
  /* running sums and products along each axis */
  if (OK(tfl_tensor_cumsum(&r, x, 1))) EXPECT(keep(r), TFL_DTYPE_F64, 2, S(2, 3), V(3, 2, 4, 0.5, 4.5, 2.5));
  if (OK(tfl_tensor_cumprod(&r, x, 0))) EXPECT(keep(r), TFL_DTYPE_F64, 2, S(2, 3), V(3, -1, 2, 1.5, -4, -4));
  if (OK(tfl_tensor_cumsum(&r, mk(TFL_DTYPE_I32, 1, S(3), V(1, 2, 3)), 0)))
    EXPECT(keep(r), TFL_DTYPE_I64, 1, S(3), V(1, 3, 6));
}

int main(void) {
  test_basic_reductions();
  test_logical_reductions();
  test_var_std();
  test_arg_and_scan();
  return finish("ops_reduce");
}
