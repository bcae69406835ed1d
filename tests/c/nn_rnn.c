/* Plain C99 use of the recurrent layers: RNN (tanh, relu), LSTM and GRU with hand-set one-unit
 * weights whose outputs are worked out here with math.h, option shapes, tfl_module_forward, backward
 * into the parameters, and error cases. */
#include "test_util.h"

static tfl_module* mods_[64];
static int nmods_ = 0;
static tfl_module* mkeep(tfl_module* m) {
  if (m != NULL && nmods_ < 64) mods_[nmods_++] = m;
  return m;
}
static void release_modules(void) {
  while (nmods_ > 0) tfl_module_release(mods_[--nmods_]);
}

/* Writes named parameters through a non-strict tfl_module_load_state_dict. */
static void set_params(tfl_module* m, const char* const* names, const tfl_tensor* const* values, size_t n) {
  size_t missing = 0, unexpected = 9;
  OK(tfl_module_load_state_dict(&missing, &unexpected, m, names, values, n, false));
  CHECK(unexpected == 0);
}

static double sigm(double x) { return 1.0 / (1.0 + exp(-x)); }

static const double kTol = 1e-12;

static void test_rnn_values(void) {
  /* One unit, tanh and relu: h_t = act(0.5 x_t + 0.1 + 0.2 - 0.3 h_(t-1)), x = (1, 2) (L 2, N 1). */
  const char* names[4] = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"};
  const tfl_tensor* vals[4];
  tfl_module *m = NULL, *r = NULL;
  tfl_tensor *out = NULL, *hn = NULL, *cn = (tfl_tensor*)1, *y = NULL;
  const tfl_tensor* in[2];
  double h1, h2, r1, r2;
  tfl_tensor* x = mk(TFL_DTYPE_F64, 3, S(2, 1, 1), V(1, 2));
  tfl_tensor* h0 = mk(TFL_DTYPE_F64, 3, S(1, 1, 1), V(0.4));
  vals[0] = mk(TFL_DTYPE_F64, 2, S(1, 1), V(0.5));
  vals[1] = mk(TFL_DTYPE_F64, 2, S(1, 1), V(-0.3));
  vals[2] = mk(TFL_DTYPE_F64, 1, S(1), V(0.1));
  vals[3] = mk(TFL_DTYPE_F64, 1, S(1), V(0.2));
  OK(tfl_nn_rnn_create(&m, 1, 1, 1, TFL_RNN_TANH, true, false, 0.0, false, TFL_DTYPE_F64));
  mkeep(m);
  set_params(m, names, vals, 4);
  h1 = tanh(0.5 * 1 + 0.3);
  h2 = tanh(0.5 * 2 + 0.3 - 0.3 * h1);
  OK(tfl_nn_rnn_forward(&out, &hn, &cn, m, x, NULL, NULL));
  keep(out);
  keep(hn);
  CHECK(cn == NULL); /* no cell state outside LSTM */
  EXPECT_NEAR(out, TFL_DTYPE_F64, 3, S(2, 1, 1), V(h1, h2), kTol);
  EXPECT_NEAR(hn, TFL_DTYPE_F64, 3, S(1, 1, 1), V(h2), kTol);
  /* With h0 = 0.4, through tfl_module_forward (output only). */
  h1 = tanh(0.5 * 1 + 0.3 - 0.3 * 0.4);
  h2 = tanh(0.5 * 2 + 0.3 - 0.3 * h1);
  in[0] = x;
  in[1] = h0;
  OK(tfl_module_forward(&y, m, in, 2));
  EXPECT_NEAR(keep(y), TFL_DTYPE_F64, 3, S(2, 1, 1), V(h1, h2), kTol);

  /* relu with x = (1, -3): r1 = relu(0.8) = 0.8, r2 = relu(-1.5 + 0.3 - 0.24) = 0. */
  OK(tfl_nn_rnn_create(&r, 1, 1, 1, TFL_RNN_RELU, true, false, 0.0, false, TFL_DTYPE_F64));
  mkeep(r);
  set_params(r, names, vals, 4);
  r1 = 0.8;
  r2 = 0.0;
  OK(tfl_nn_rnn_forward(&out, &hn, NULL, r, mk(TFL_DTYPE_F64, 3, S(2, 1, 1), V(1, -3)), NULL, NULL));
  EXPECT_NEAR(keep(out), TFL_DTYPE_F64, 3, S(2, 1, 1), V(r1, r2), kTol);
  EXPECT_NEAR(keep(hn), TFL_DTYPE_F64, 3, S(1, 1, 1), V(r2), kTol);
}

static void test_lstm_values(void) {
  /* One unit, no bias; gates i, f, g, o with W_ih = (0.1, 0.2, 0.3, 0.4), W_hh = (-0.1, 0.2, -0.3, 0.4);
   * x = (1, -1), h0 = 0.5, c0 = -0.5; unbatched input (L 2, I 1) and states (1, 1). */
  const char* names[2] = {"weight_ih_l0", "weight_hh_l0"};
  const double wi[4] = {0.1, 0.2, 0.3, 0.4}, wh[4] = {-0.1, 0.2, -0.3, 0.4}, xs[2] = {1, -1};
  const tfl_tensor* vals[2];
  tfl_module* m = NULL;
  tfl_tensor *out = NULL, *hn = NULL, *cn = NULL;
  double h = 0.5, c = -0.5, o[2];
  int t;
  vals[0] = mk(TFL_DTYPE_F64, 2, S(4, 1), wi);
  vals[1] = mk(TFL_DTYPE_F64, 2, S(4, 1), wh);
  OK(tfl_nn_lstm_create(&m, 1, 1, 1, false, false, 0.0, false, TFL_DTYPE_F64));
  mkeep(m);
  set_params(m, names, vals, 2);
  for (t = 0; t < 2; ++t) {
    double ig = sigm(wi[0] * xs[t] + wh[0] * h), fg = sigm(wi[1] * xs[t] + wh[1] * h);
    double gg = tanh(wi[2] * xs[t] + wh[2] * h), og = sigm(wi[3] * xs[t] + wh[3] * h);
    c = fg * c + ig * gg;
    h = og * tanh(c);
    o[t] = h;
  }
  OK(tfl_nn_rnn_forward(&out, &hn, &cn, m, mk(TFL_DTYPE_F64, 2, S(2, 1), xs), mk(TFL_DTYPE_F64, 2, S(1, 1), V(0.5)),
                        mk(TFL_DTYPE_F64, 2, S(1, 1), V(-0.5))));
  EXPECT_NEAR(keep(out), TFL_DTYPE_F64, 2, S(2, 1), o, kTol);
  EXPECT_NEAR(keep(hn), TFL_DTYPE_F64, 2, S(1, 1), V(h), kTol);
  EXPECT_NEAR(keep(cn), TFL_DTYPE_F64, 2, S(1, 1), V(c), kTol);
}

static void test_gru_values(void) {
  /* One unit with biases; gates r, z, n; x = (0.7, -0.2), h0 = 0. */
  const char* names[4] = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"};
  const double wi[3] = {0.3, -0.6, 0.9}, wh[3] = {0.5, 0.25, -0.75}, bi[3] = {0.1, 0.0, -0.1}, bh[3] = {-0.2, 0.3, 0.4};
  const double xs[2] = {0.7, -0.2};
  const tfl_tensor* vals[4];
  tfl_module* m = NULL;
  tfl_tensor *out = NULL, *hn = NULL;
  double h = 0, o[2];
  int t;
  vals[0] = mk(TFL_DTYPE_F64, 2, S(3, 1), wi);
  vals[1] = mk(TFL_DTYPE_F64, 2, S(3, 1), wh);
  vals[2] = mk(TFL_DTYPE_F64, 1, S(3), bi);
  vals[3] = mk(TFL_DTYPE_F64, 1, S(3), bh);
  OK(tfl_nn_gru_create(&m, 1, 1, 1, true, true, 0.0, false, TFL_DTYPE_F64));
  mkeep(m);
  set_params(m, names, vals, 4);
  for (t = 0; t < 2; ++t) {
    double r = sigm(wi[0] * xs[t] + bi[0] + wh[0] * h + bh[0]);
    double z = sigm(wi[1] * xs[t] + bi[1] + wh[1] * h + bh[1]);
    double n = tanh(wi[2] * xs[t] + bi[2] + r * (wh[2] * h + bh[2]));
    h = (1 - z) * n + z * h;
    o[t] = h;
  }
  /* batch_first: (N 1, L 2, I 1). */
  OK(tfl_nn_rnn_forward(&out, &hn, NULL, m, mk(TFL_DTYPE_F64, 3, S(1, 2, 1), xs), NULL, NULL));
  EXPECT_NEAR(keep(out), TFL_DTYPE_F64, 3, S(1, 2, 1), o, kTol);
  EXPECT_NEAR(keep(hn), TFL_DTYPE_F64, 3, S(1, 1, 1), V(h), kTol);
}

static void test_shapes_and_grads(void) {
  /* GRU input 3, hidden 2, 2 layers, batch_first, bidirectional: (N 2, L 4, 3) -> (2, 4, 4), h_n (4, 2, 2). */
  tfl_module *g = NULL, *l = NULL;
  tfl_tensor *out = NULL, *hn = NULL, *cn = NULL, *s = NULL, *w = NULL, *gw = NULL;
  size_t nparams = 0;
  double zeros24[24] = {0}, z16[16] = {0};
  int64_t dims[3];
  OK(tfl_nn_gru_create(&g, 3, 2, 2, true, true, 0.25, true, TFL_DTYPE_F32));
  mkeep(g);
  OK(tfl_module_named_parameters_size(&nparams, g, true));
  CHECK(nparams == 16);
  OK(tfl_module_eval(g));
  OK(tfl_nn_rnn_forward(&out, &hn, &cn, g, mk(TFL_DTYPE_F32, 3, S(2, 4, 3), zeros24), NULL, NULL));
  keep(out);
  keep(hn);
  CHECK(cn == NULL);
  OK(tfl_tensor_shape(dims, 3, out));
  CHECK(dims[0] == 2 && dims[1] == 4 && dims[2] == 4);
  OK(tfl_tensor_shape(dims, 3, hn));
  CHECK(dims[0] == 4 && dims[1] == 2 && dims[2] == 2);

  /* LSTM, 2 layers: the gradient of sum(c_n) reaches the first layer's input weights. */
  OK(tfl_nn_lstm_create(&l, 2, 2, 2, true, false, 0.0, false, TFL_DTYPE_F64));
  mkeep(l);
  OK(tfl_nn_rnn_forward(&out, &hn, &cn, l, mk(TFL_DTYPE_F64, 3, S(4, 2, 2), V(1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8)),
                        mk(TFL_DTYPE_F64, 3, S(2, 2, 2), z16), NULL));
  keep(out);
  keep(hn);
  keep(cn);
  OK(tfl_tensor_shape(dims, 3, cn));
  CHECK(dims[0] == 2 && dims[1] == 2 && dims[2] == 2);
  OK(tfl_tensor_sum(&s, cn));
  keep(s);
  OK(tfl_tensor_backward(s, NULL, false, false));
  OK(tfl_module_parameter(&w, l, "weight_ih_l0"));
  keep(w);
  OK(tfl_tensor_grad(&gw, w));
  CHECK(gw != NULL);
  keep(gw);
}

static void test_errors(void) {
  tfl_module *m = NULL, *lin = NULL, *g = NULL;
  tfl_tensor *out = NULL, *hn = NULL;
  double z[12] = {0};
  FAILS(tfl_nn_rnn_create(&m, 3, 0, 1, TFL_RNN_TANH, true, false, 0.0, false, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG,
        "hidden_size must be positive");
  FAILS(tfl_nn_lstm_create(&m, 3, 4, 0, true, false, 0.0, false, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG,
        "num_layers must be positive");
  FAILS(tfl_nn_gru_create(&m, 3, 4, 2, true, false, 1.0, false, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG,
        "dropout must be in [0, 1)");
  FAILS(tfl_nn_rnn_create(&m, 3, 4, 1, (tfl_rnn_nonlinearity)7, true, false, 0.0, false, TFL_DTYPE_F32),
        TFL_ERR_INVALID_ARGUMENT, "nonlinearity");
  FAILS(tfl_nn_gru_create(&m, 3, 4, 1, true, false, 0.0, false, TFL_DTYPE_I32), TFL_ERR_DTYPE, "floating");
  CHECK(m == NULL);

  OK(tfl_nn_linear_create(&lin, 3, 4, true, TFL_DTYPE_F32));
  mkeep(lin);
  FAILS(tfl_nn_rnn_forward(&out, &hn, NULL, lin, mk(TFL_DTYPE_F32, 3, S(2, 2, 3), z), NULL, NULL),
        TFL_ERR_INVALID_ARGUMENT, "must be an RNN, LSTM or GRU, got Linear");
  OK(tfl_nn_gru_create(&g, 3, 4, 1, true, false, 0.0, false, TFL_DTYPE_F32));
  mkeep(g);
  FAILS(tfl_nn_rnn_forward(&out, &hn, NULL, g, mk(TFL_DTYPE_F32, 3, S(2, 3, 2), z), NULL, NULL), TFL_ERR_SHAPE,
        "expects input of shape (seq, batch, 3)");
  FAILS(tfl_nn_rnn_forward(&out, &hn, NULL, g, mk(TFL_DTYPE_F32, 3, S(2, 2, 3), z), mk(TFL_DTYPE_F32, 3, S(1, 3, 4), z),
                           NULL),
        TFL_ERR_SHAPE, "expects h0 of shape 1x2x4");
  FAILS(tfl_nn_rnn_forward(&out, &hn, NULL, g, mk(TFL_DTYPE_F32, 3, S(2, 2, 3), z), NULL,
                           mk(TFL_DTYPE_F32, 3, S(1, 2, 4), z)),
        TFL_ERR_INVALID_ARGUMENT, "c0 is for LSTM only");
  FAILS(tfl_nn_rnn_forward(&out, &hn, NULL, g, mk(TFL_DTYPE_F64, 3, S(2, 2, 3), z), NULL, NULL), TFL_ERR_DTYPE,
        "does not match");
  CHECK(out == NULL && hn == NULL);
}

int main(void) {
  OK(tfl_random_seed(1));
  test_rnn_values();
  test_lstm_values();
  test_gru_values();
  test_shapes_and_grads();
  test_errors();
  release_modules();
  return finish("nn_rnn");
}
