/* Plain C99 use of the instance-norm and transformer layer functions: values worked out by hand in
 * the comments, the causal and padding masks checked by perturbing inputs, post-norm rows checked to
 * be normalised, the causal mask helper, and error statuses. */
#include "test_util.h"

static tfl_module* mods_[32];
static int nmods_ = 0;
static tfl_module* mkeep(tfl_module* m) {
  if (m != NULL && nmods_ < 32) mods_[nmods_++] = m;
  return m;
}
static void release_modules(void) {
  while (nmods_ > 0) tfl_module_release(mods_[--nmods_]);
}

static tfl_tensor* fwd1(tfl_module* m, const tfl_tensor* x) {
  tfl_tensor* y = NULL;
  const tfl_tensor* in[1];
  in[0] = x;
  OK(tfl_module_forward(&y, m, in, 1));
  return keep(y);
}

static double max_diff_rows(const double* a, const double* b, int64_t row0, int64_t row1, int64_t width) {
  double m = 0;
  int64_t k;
  for (k = row0 * width; k < row1 * width; ++k)
    if (fabs(a[k] - b[k]) > m) m = fabs(a[k] - b[k]);
  return m;
}

static void test_instance_norm(void) {
  tfl_module *in1 = NULL, *in2 = NULL, *bad = NULL;
  tfl_tensor *rm = NULL, *rv = NULL;
  const double momentum = 0.5;
  /* (1, 2, 2) with eps 0: channel 0 (1, 3): mean 2, var 1 -> (-1, 1); channel 1 (2, 6): mean 4, var 4 -> (-1, 1). */
  OK(tfl_nn_instance_norm1d_create(&in1, 2, 0.0, NULL, false, false, TFL_DTYPE_F64));
  mkeep(in1);
  EXPECT_NEAR(fwd1(in1, mk(TFL_DTYPE_F64, 3, S(1, 2, 2), V(1, 3, 2, 6))), TFL_DTYPE_F64, 3, S(1, 2, 2), V(-1, 1, -1, 1),
              1e-12);
  /* Running statistics, momentum 0.5: input (1, 1, 2, 2) = 1..4: mean 2.5, unbiased var 5 / 3.
   * running_mean = 0.5 * 0 + 0.5 * 2.5 = 1.25; running_var = 0.5 * 1 + 0.5 * 5 / 3 = 4 / 3. */
  OK(tfl_nn_instance_norm2d_create(&in2, 1, 1e-5, &momentum, true, true, TFL_DTYPE_F64));
  mkeep(in2);
  fwd1(in2, mk(TFL_DTYPE_F64, 4, S(1, 1, 2, 2), V(1, 2, 3, 4)));
  OK(tfl_module_buffer(&rm, in2, "running_mean"));
  OK(tfl_module_buffer(&rv, in2, "running_var"));
  keep(rm);
  keep(rv);
  EXPECT_NEAR(rm, TFL_DTYPE_F64, 1, S(1), V(1.25), 1e-12);
  EXPECT_NEAR(rv, TFL_DTYPE_F64, 1, S(1), V(4.0 / 3.0), 1e-12);
  /* Eval: (x - 1.25) / sqrt(4/3 + 1e-5) with weight 1, bias 0; x = 1.25 + sqrt(4/3 + 1e-5) gives 1. */
  OK(tfl_module_eval(in2));
  EXPECT_NEAR(fwd1(in2, mk(TFL_DTYPE_F64, 3, S(1, 1, 2), V(1.25, 1.25 + sqrt(4.0 / 3.0 + 1e-5)))), TFL_DTYPE_F64, 3,
              S(1, 1, 2), V(0, 1), 1e-12);

  FAILS(tfl_nn_instance_norm1d_create(&bad, 0, 1e-5, NULL, false, false, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG,
        "num_features must be positive");
  CHECK(bad == NULL);
  FAILS(tfl_nn_instance_norm2d_create(&bad, 2, 1e-5, NULL, false, false, TFL_DTYPE_I32), TFL_ERR_DTYPE, "floating");
  {
    tfl_tensor* y = NULL;
    const tfl_tensor* in[1];
    in[0] = mk(TFL_DTYPE_F64, 2, S(2, 2), V(1, 2, 3, 4));
    FAILS(tfl_module_forward(&y, in2, in, 1), TFL_ERR_SHAPE, "got 2x2");
  }
}

static void test_transformer(void) {
  tfl_module *enc = NULL, *dec = NULL, *bad = NULL;
  tfl_tensor *y = NULL, *y2 = NULL, *mask = NULL;
  double x[12], a[12], b[12], mem[12];
  int64_t r, k;
  for (k = 0; k < 12; ++k) {
    x[k] = sin(0.7 * (double)k + 0.3);
    mem[k] = cos(0.4 * (double)k);
  }
  OK(tfl_random_seed(5));
  /* d_model 4, 2 heads, feed-forward 8, no dropout, batch first, post-norm, f64. */
  OK(tfl_nn_transformer_encoder_layer_create(&enc, 4, 2, 8, 0.0, TFL_TRANSFORMER_ACTIVATION_RELU, 1e-5, true, false,
                                             true, TFL_DTYPE_F64));
  mkeep(enc);
  /* Post-norm with norm2 = (ones, zeros): every output row has mean 0 and biased variance ~1. */
  OK(tfl_nn_transformer_encoder_layer_forward(&y, enc, mk(TFL_DTYPE_F64, 3, S(1, 3, 4), x), NULL, NULL, false));
  keep(y);
  values_of(y, a, 12);
  for (r = 0; r < 3; ++r) {
    double mu = 0, var = 0;
    for (k = 0; k < 4; ++k) mu += a[r * 4 + k] / 4;
    for (k = 0; k < 4; ++k) var += (a[r * 4 + k] - mu) * (a[r * 4 + k] - mu) / 4;
    CHECK(fabs(mu) < 1e-12);
    CHECK(fabs(var - 1.0) < 1e-4);
  }
  /* The same through tfl_module_forward with {src}. */
  EXPECT_NEAR(fwd1(enc, mk(TFL_DTYPE_F64, 3, S(1, 3, 4), x)), TFL_DTYPE_F64, 3, S(1, 3, 4), a, 1e-12);

  /* Causal: changing position 2 leaves positions 0 and 1 alone. */
  OK(tfl_nn_transformer_encoder_layer_forward(&y, enc, mk(TFL_DTYPE_F64, 3, S(1, 3, 4), x), NULL, NULL, true));
  keep(y);
  values_of(y, a, 12);
  {
    double x2[12];
    memcpy(x2, x, sizeof x);
    for (k = 8; k < 12; ++k) x2[k] += 1.0;
    OK(tfl_nn_transformer_encoder_layer_forward(&y2, enc, mk(TFL_DTYPE_F64, 3, S(1, 3, 4), x2), NULL, NULL, true));
    keep(y2);
    values_of(y2, b, 12);
    CHECK(max_diff_rows(a, b, 0, 2, 4) < 1e-12);
    CHECK(max_diff_rows(a, b, 2, 3, 4) > 1e-3);
    /* The generated causal mask gives the same as is_causal. */
    OK(tfl_nn_generate_square_subsequent_mask(&mask, 3, TFL_DTYPE_F64));
    keep(mask);
    {
      /* 0 on and below the diagonal, -inf above (expect_ compares differences, which -inf defeats). */
      double mv[9];
      values_of(mask, mv, 9);
      for (k = 0; k < 9; ++k) CHECK(k % 3 > k / 3 ? (isinf(mv[k]) && mv[k] < 0) : mv[k] == 0.0);
    }
    OK(tfl_nn_transformer_encoder_layer_forward(&y2, enc, mk(TFL_DTYPE_F64, 3, S(1, 3, 4), x), mask, NULL, false));
    EXPECT_NEAR(keep(y2), TFL_DTYPE_F64, 3, S(1, 3, 4), a, 1e-12);
    /* Padding key 2 (true = masked): rows 0 and 1 do not see a change of position 2. */
    OK(tfl_nn_transformer_encoder_layer_forward(&y, enc, mk(TFL_DTYPE_F64, 3, S(1, 3, 4), x), NULL,
                                                mk(TFL_DTYPE_BOOL, 2, S(1, 3), V(0, 0, 1)), false));
    values_of(keep(y), a, 12);
    OK(tfl_nn_transformer_encoder_layer_forward(&y2, enc, mk(TFL_DTYPE_F64, 3, S(1, 3, 4), x2), NULL,
                                                mk(TFL_DTYPE_BOOL, 2, S(1, 3), V(0, 0, 1)), false));
    values_of(keep(y2), b, 12);
    CHECK(max_diff_rows(a, b, 0, 2, 4) < 1e-12);
  }

  /* Decoder: pre-norm, (len, batch, E) layout; padded memory slot 1 does not matter. */
  OK(tfl_nn_transformer_decoder_layer_create(&dec, 4, 2, 8, 0.0, TFL_TRANSFORMER_ACTIVATION_GELU, 1e-5, false, true,
                                             true, TFL_DTYPE_F64));
  mkeep(dec);
  {
    double mem2[12];
    memcpy(mem2, mem, sizeof mem);
    for (k = 4; k < 8; ++k) mem2[k] -= 3.0;
    OK(tfl_nn_transformer_decoder_layer_forward(&y, dec, mk(TFL_DTYPE_F64, 3, S(2, 1, 4), x),
                                                mk(TFL_DTYPE_F64, 3, S(3, 1, 4), mem), NULL, NULL, NULL,
                                                mk(TFL_DTYPE_BOOL, 2, S(1, 3), V(0, 1, 0)), true, false));
    keep(y);
    values_of(y, a, 8);
    OK(tfl_nn_transformer_decoder_layer_forward(&y2, dec, mk(TFL_DTYPE_F64, 3, S(2, 1, 4), x),
                                                mk(TFL_DTYPE_F64, 3, S(3, 1, 4), mem2), NULL, NULL, NULL,
                                                mk(TFL_DTYPE_BOOL, 2, S(1, 3), V(0, 1, 0)), true, false));
    keep(y2);
    EXPECT_NEAR(y2, TFL_DTYPE_F64, 3, S(2, 1, 4), a, 1e-12);
  }

  /* Errors. */
  FAILS(tfl_nn_transformer_encoder_layer_create(&bad, 6, 4, 8, 0.1, TFL_TRANSFORMER_ACTIVATION_RELU, 1e-5, false,
                                                false, true, TFL_DTYPE_F32),
        TFL_ERR_LAYER_CONFIG, "d_model must be a positive multiple of nhead");
  FAILS(tfl_nn_transformer_decoder_layer_create(&bad, 4, 2, 0, 0.1, TFL_TRANSFORMER_ACTIVATION_RELU, 1e-5, false,
                                                false, true, TFL_DTYPE_F32),
        TFL_ERR_LAYER_CONFIG, "dim_feedforward must be positive");
  FAILS(tfl_nn_transformer_encoder_layer_create(&bad, 4, 2, 8, 1.0, TFL_TRANSFORMER_ACTIVATION_RELU, 1e-5, false,
                                                false, true, TFL_DTYPE_F32),
        TFL_ERR_LAYER_CONFIG, "dropout must be in [0, 1)");
  FAILS(tfl_nn_transformer_encoder_layer_create(&bad, 4, 2, 8, 0.1, (tfl_transformer_activation)7, 1e-5, false, false,
                                                true, TFL_DTYPE_F32),
        TFL_ERR_INVALID_ARGUMENT, "'activation'");
  CHECK(bad == NULL);
  FAILS(tfl_nn_transformer_encoder_layer_forward(&y, enc, mk(TFL_DTYPE_F64, 3, S(1, 3, 5), x), NULL, NULL, false),
        TFL_ERR_SHAPE, "got 1x3x5");
  FAILS(tfl_nn_transformer_encoder_layer_forward(&y, enc, mk(TFL_DTYPE_F64, 3, S(1, 3, 4), x),
                                                 mk(TFL_DTYPE_F64, 2, S(2, 2), V(0, 0, 0, 0)), NULL, false),
        TFL_ERR_SHAPE, "src_mask");
  FAILS(tfl_nn_transformer_encoder_layer_forward(&y, dec, mk(TFL_DTYPE_F64, 3, S(1, 3, 4), x), NULL, NULL, false),
        TFL_ERR_INVALID_ARGUMENT, "not a TransformerEncoderLayer");
  FAILS(tfl_nn_transformer_decoder_layer_forward(&y, enc, mk(TFL_DTYPE_F64, 3, S(1, 3, 4), x),
                                                 mk(TFL_DTYPE_F64, 3, S(1, 3, 4), x), NULL, NULL, NULL, NULL, false,
                                                 false),
        TFL_ERR_INVALID_ARGUMENT, "not a TransformerDecoderLayer");
  FAILS(tfl_nn_generate_square_subsequent_mask(&y, -1, TFL_DTYPE_F32), TFL_ERR_INVALID_ARGUMENT, "sz must be >= 0");
}

int main(void) {
  test_instance_norm();
  test_transformer();
  release_modules();
  return finish("nn_transformer");
}
