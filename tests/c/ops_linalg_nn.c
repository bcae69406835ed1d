/* Plain C99 checks of the matrix product, softmax, convolution and pooling C functions against
 * naive loops in this file. */
#include "test_util.h"

static void test_products(void) {
  tfl_tensor *a = mk(TFL_DTYPE_F64, 2, S(2, 3), V(1, 2, 3, 4, 5, 6)), *r = NULL;
  tfl_tensor* b = mk(TFL_DTYPE_F64, 2, S(3, 2), V(7, 8, 9, 10, 11, 12));
  tfl_tensor* v = mk(TFL_DTYPE_F64, 1, S(3), V(1, 0, -1));
  /* [[1*7+2*9+3*11, 1*8+2*10+3*12], [4*7+5*9+6*11, 4*8+5*10+6*12]] */
  if (OK(tfl_tensor_matmul(&r, a, b))) EXPECT(keep(r), TFL_DTYPE_F64, 2, S(2, 2), V(58, 64, 139, 154));
  if (OK(tfl_tensor_matmul(&r, a, v))) EXPECT(keep(r), TFL_DTYPE_F64, 1, S(2), V(-2, -2));
  FAILS(tfl_tensor_matmul(&r, a, a), TFL_ERR_SHAPE, "tfl_tensor_matmul");
  if (OK(tfl_tensor_dot(&r, v, v))) EXPECT(keep(r), TFL_DTYPE_F64, 0, NULL, V(2));
  if (OK(tfl_tensor_dot(&r, a, b))) EXPECT(keep(r), TFL_DTYPE_F64, 2, S(2, 2), V(58, 64, 139, 154));
  if (OK(tfl_tensor_outer(&r, v, mk(TFL_DTYPE_F64, 1, S(2), V(2, 3)))))
    EXPECT(keep(r), TFL_DTYPE_F64, 2, S(3, 2), V(2, 3, 0, 0, -2, -3));
  {
    /* f32 matmul runs on BLAS: compare with the naive product */
    double av[12], bv[20], e[15];
    int i, j, k;
    tfl_tensor *af, *bf;
    for (i = 0; i < 12; ++i) av[i] = (i % 5) - 2.5;
    for (i = 0; i < 20; ++i) bv[i] = (i % 7) * 0.5 - 1;
    for (i = 0; i < 3; ++i)
      for (j = 0; j < 5; ++j) {
        e[i * 5 + j] = 0;
        for (k = 0; k < 4; ++k) e[i * 5 + j] += av[i * 4 + k] * bv[k * 5 + j];
      }
    af = mk(TFL_DTYPE_F32, 2, S(3, 4), av);
    bf = mk(TFL_DTYPE_F32, 2, S(4, 5), bv);
    if (OK(tfl_tensor_matmul(&r, af, bf))) EXPECT_NEAR(keep(r), TFL_DTYPE_F32, 2, S(3, 5), e, 1e-5);
  }
}

static void test_softmax(void) {
  const double x[6] = {1, 2, 3, -1, 0, 1000};
  double e[6], le[6];
  int i, j;
  tfl_tensor *t = mk(TFL_DTYPE_F64, 2, S(2, 3), x), *r = NULL;
  for (i = 0; i < 2; ++i) {
    double m = x[3 * i], s = 0;
    for (j = 1; j < 3; ++j) m = x[3 * i + j] > m ? x[3 * i + j] : m;
    for (j = 0; j < 3; ++j) s += exp(x[3 * i + j] - m);
    for (j = 0; j < 3; ++j) {
      e[3 * i + j] = exp(x[3 * i + j] - m) / s;
      le[3 * i + j] = (x[3 * i + j] - m) - log(s);
    }
  }
  if (OK(tfl_tensor_softmax(&r, t, -1))) EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 2, S(2, 3), e, 1e-12);
  if (OK(tfl_tensor_log_softmax(&r, t, 1))) EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 2, S(2, 3), le, 1e-12);
  FAILS(tfl_tensor_softmax(&r, mk(TFL_DTYPE_I32, 1, S(2), V(1, 2)), 0), TFL_ERR_DTYPE, "tfl_tensor_softmax");
}

/* Naive NCHW convolution with zero padding (N = 1). */
static void conv_ref(const double* in, int C, int H, int W, const double* w, int O, int KH, int KW, const double* bias,
                     int sh, int sw, int ph, int pw, int dh, int dw, int groups, double* out, int OH, int OW) {
  int o, c, y, x, ky, kx, cpg = C / groups, opg = O / groups;
  for (o = 0; o < O; ++o)
    for (y = 0; y < OH; ++y)
      for (x = 0; x < OW; ++x) {
        double acc = bias ? bias[o] : 0;
        int g = o / opg;
        for (c = 0; c < cpg; ++c)
          for (ky = 0; ky < KH; ++ky)
            for (kx = 0; kx < KW; ++kx) {
              int iy = y * sh - ph + ky * dh, ix = x * sw - pw + kx * dw;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              acc += in[((g * cpg + c) * H + iy) * W + ix] * w[((o * cpg + c) * KH + ky) * KW + kx];
            }
        out[(o * OH + y) * OW + x] = acc;
      }
}

static void test_conv(void) {
  double in[2 * 5 * 5], w[4 * 2 * 3 * 3], wg[4 * 1 * 3 * 3], bias[4] = {0.5, -1, 2, 0}, e[4 * 5 * 5];
  int i;
  tfl_tensor *ti, *tw, *twg, *tb, *r = NULL;
  for (i = 0; i < 50; ++i) in[i] = ((i * 7) % 11) - 5;
  for (i = 0; i < 72; ++i) w[i] = ((i * 5) % 9) * 0.25 - 1;
  for (i = 0; i < 36; ++i) wg[i] = ((i * 3) % 7) * 0.5 - 1.5;
  ti = mk(TFL_DTYPE_F64, 4, S(1, 2, 5, 5), in);
  tw = mk(TFL_DTYPE_F64, 4, S(4, 2, 3, 3), w);
  twg = mk(TFL_DTYPE_F64, 4, S(4, 1, 3, 3), wg);
  tb = mk(TFL_DTYPE_F64, 1, S(4), bias);
  /* stride 2, padding 1: OH = (5 + 2 - 2 - 1) / 2 + 1 = 3 */
  conv_ref(in, 2, 5, 5, w, 4, 3, 3, bias, 2, 2, 1, 1, 1, 1, 1, e, 3, 3);
  if (OK(tfl_tensor_conv2d(&r, ti, tw, tb, 2, 2, 1, 1, 1, 1, 1)))
    EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 4, S(1, 4, 3, 3), e, 1e-12);
  /* no bias, dilation 2 and padding 2 on both axes: OH = (5 + 4 - 4 - 1) + 1 = 5; two groups */
  conv_ref(in, 2, 5, 5, wg, 4, 3, 3, NULL, 1, 1, 2, 2, 2, 2, 2, e, 5, 5);
  if (OK(tfl_tensor_conv2d(&r, ti, twg, NULL, 1, 1, 2, 2, 2, 2, 2)))
    EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 4, S(1, 4, 5, 5), e, 1e-12);
  FAILS(tfl_tensor_conv2d(&r, ti, twg, NULL, 1, 1, 0, 0, 1, 1, 1), TFL_ERR_SHAPE, "tfl_tensor_conv2d");
  {
    /* conv1d is conv2d with H = 1: input (1, 2, 5) from the first row of each channel */
    double in1[10], w1[4 * 2 * 3], e1[4 * 5];
    int c, k;
    for (c = 0; c < 2; ++c)
      for (k = 0; k < 5; ++k) in1[c * 5 + k] = in[c * 25 + k];
    for (i = 0; i < 24; ++i) w1[i] = w[i];
    conv_ref(in1, 2, 1, 5, w1, 4, 1, 3, bias, 1, 1, 0, 1, 1, 1, 1, e1, 1, 5);
    if (OK(tfl_tensor_conv1d(&r, mk(TFL_DTYPE_F64, 3, S(1, 2, 5), in1), mk(TFL_DTYPE_F64, 3, S(4, 2, 3), w1), tb, 1, 1,
                             1, 1)))
      EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 3, S(1, 4, 5), e1, 1e-12);
  }
}

static void test_pooling(void) {
  /* one 4x4 plane: 0..15 with a twist so that maxima are not always at the corner */
  const double p[16] = {1, 5, 2, 0, 3, 4, 9, 8, 7, 6, 10, 11, 15, 12, 13, 14};
  tfl_tensor *t = mk(TFL_DTYPE_F64, 3, S(1, 4, 4), p), *r = NULL, *v = NULL, *i = NULL;
  if (OK(tfl_tensor_max_pool2d(&r, t, 2, 2, 0, 0, 0, 0, 1, 1)))
    EXPECT(keep(r), TFL_DTYPE_F64, 3, S(1, 2, 2), V(5, 9, 15, 14));
  if (OK(tfl_tensor_max_pool2d_with_indices(&v, &i, t, 2, 2, 2, 2, 0, 0, 1, 1))) {
    EXPECT(keep(v), TFL_DTYPE_F64, 3, S(1, 2, 2), V(5, 9, 15, 14));
    EXPECT(keep(i), TFL_DTYPE_I64, 3, S(1, 2, 2), V(1, 6, 12, 15));
  }
  /* 3x3 windows, stride 1, padding 1: a -inf border, so each output is the max of its neighbourhood */
  {
    double e[16];
    int y, x, dy, dx;
    for (y = 0; y < 4; ++y)
      for (x = 0; x < 4; ++x) {
        double m = -INFINITY, s = 0;
        for (dy = -1; dy <= 1; ++dy)
          for (dx = -1; dx <= 1; ++dx) {
            int yy = y + dy, xx = x + dx;
            if (yy < 0 || yy >= 4 || xx < 0 || xx >= 4) continue;
            m = p[yy * 4 + xx] > m ? p[yy * 4 + xx] : m;
            s += p[yy * 4 + xx];
          }
        e[y * 4 + x] = m;
        (void)s;
      }
    if (OK(tfl_tensor_max_pool2d(&r, t, 3, 3, 1, 1, 1, 1, 1, 1))) EXPECT(keep(r), TFL_DTYPE_F64, 3, S(1, 4, 4), e);
    /* avg with count_include_pad: the divisor is always 9 */
    for (y = 0; y < 4; ++y)
      for (x = 0; x < 4; ++x) {
        double s = 0;
        int n = 0;
        for (dy = -1; dy <= 1; ++dy)
          for (dx = -1; dx <= 1; ++dx) {
            int yy = y + dy, xx = x + dx;
            if (yy < 0 || yy >= 4 || xx < 0 || xx >= 4) continue;
            s += p[yy * 4 + xx];
            ++n;
          }
        e[y * 4 + x] = s / 9;
      }
    if (OK(tfl_tensor_avg_pool2d(&r, t, 3, 3, 1, 1, 1, 1, true)))
      EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 3, S(1, 4, 4), e, 1e-12);
  }
  if (OK(tfl_tensor_avg_pool2d(&r, t, 2, 2, 0, 0, 0, 0, false)))
    EXPECT(keep(r), TFL_DTYPE_F64, 3, S(1, 2, 2), V(13.0 / 4, 19.0 / 4, 40.0 / 4, 48.0 / 4));
  /* adaptive 4x4 -> 2x2 equals 2x2 average pooling; 4x4 -> 3x1: rows [0,2), [1,3), [2,4) over all columns */
  if (OK(tfl_tensor_adaptive_avg_pool2d(&r, t, 2, 2)))
    EXPECT(keep(r), TFL_DTYPE_F64, 3, S(1, 2, 2), V(13.0 / 4, 19.0 / 4, 40.0 / 4, 48.0 / 4));
  if (OK(tfl_tensor_adaptive_avg_pool2d(&r, t, 3, 1)))
    EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 3, S(1, 3, 1), V(32.0 / 8, 58.0 / 8, 88.0 / 8), 1e-12);
  FAILS(tfl_tensor_max_pool2d(&r, t, 0, 2, 0, 0, 0, 0, 1, 1), TFL_ERR_INVALID_ARGUMENT, "tfl_tensor_max_pool2d");
}

int main(void) {
  test_products();
  test_softmax();
  test_conv();
  test_pooling();
  return finish("ops_linalg_nn");
}
