/* Plain C99 use of the nn module functions: every layer constructor (output shapes and values worked
 * out by hand in the comments), forward, parameter / buffer / child listings, train/eval, zero_grad,
 * state dicts (arrays and a safetensors file), module hooks, and error cases. */
#define _POSIX_C_SOURCE 200809L /* mkstemp, close */
#include <unistd.h>

#include "test_util.h"

/* Modules are kept until the end, like tensors (keep / release_all). */
static tfl_module* mods_[256];
static int nmods_ = 0;
static tfl_module* mkeep(tfl_module* m) {
  if (m != NULL && nmods_ < 256) mods_[nmods_++] = m;
  return m;
}
static void release_modules(void) {
  while (nmods_ > 0) tfl_module_release(mods_[--nmods_]);
}

/* forward with one input; the result is kept. */
static tfl_tensor* fwd(tfl_module* m, const tfl_tensor* x) {
  tfl_tensor* y = NULL;
  const tfl_tensor* in[1];
  in[0] = x;
  OK(tfl_module_forward(&y, m, in, 1));
  return keep(y);
}

/* Checks the shape of t. */
static void expect_shape_(const tfl_tensor* t, size_t ndim, const int64_t* shape, const char* what, int line) {
  int64_t dims[16];
  size_t nd = 0, i;
  int bad = t == NULL || tfl_tensor_ndim(&nd, t) != TFL_OK || nd != ndim || tfl_tensor_shape(dims, 16, t) != TFL_OK;
  for (i = 0; !bad && i < ndim; ++i) bad = dims[i] != shape[i];
  if (bad) {
    ++failures;
    fprintf(stderr, "%s:%d: %s: wrong shape\n", __FILE__, line, what);
  } else {
    ++passes;
  }
}
#define EXPECT_SHAPE(t, ndim, shape) expect_shape_((t), (ndim), (shape), #t, __LINE__)

/* Writes a parameter or buffer through a one-entry non-strict tfl_module_load_state_dict. */
static void set_entry(tfl_module* m, const char* name, const tfl_tensor* value) {
  const char* names[1];
  const tfl_tensor* ts[1];
  size_t missing = 0, unexpected = 9;
  names[0] = name;
  ts[0] = value;
  OK(tfl_module_load_state_dict(&missing, &unexpected, m, names, ts, 1, false));
  CHECK(unexpected == 0);
}

/* The parameter with that name (kept). */
static tfl_tensor* param(const tfl_module* m, const char* name) {
  tfl_tensor* t = NULL;
  OK(tfl_module_parameter(&t, m, name));
  return keep(t);
}

static int64_t param_count(const tfl_module* m) {
  int64_t n = -1;
  OK(tfl_module_parameter_count(&n, m, false));
  return n;
}

/* 1 when the first n values of a and b agree within tol. */
static int same_values(const tfl_tensor* a, const tfl_tensor* b, int64_t n, double tol) {
  static double va[4096], vb[4096];
  int64_t i;
  values_of(a, va, n);
  values_of(b, vb, n);
  for (i = 0; i < n; ++i)
    if (!(fabs(va[i] - vb[i]) <= tol)) return 0;
  return 1;
}

static void test_linear_and_sequential(void) {
  tfl_module *lin = NULL, *seq = NULL, *relu = NULL, *lin2 = NULL, *other = NULL, *child = NULL;
  const char* type = NULL;
  char text[256];
  size_t len = 0, n = 0;
  tfl_tensor *x, *y;
  OK(tfl_nn_linear_create(&lin, 3, 2, true, TFL_DTYPE_F32));
  mkeep(lin);
  OK(tfl_module_type_name(&type, lin));
  CHECK(type != NULL && strcmp(type, "Linear") == 0);
  CHECK(param_count(lin) == 8); /* 2 * 3 + 2 */
  OK(tfl_module_to_string(NULL, &len, 0, lin));
  CHECK(len == strlen("Linear(in_features=3, out_features=2, bias=true)"));
  OK(tfl_module_to_string(text, &len, sizeof text, lin));
  CHECK(strcmp(text, "Linear(in_features=3, out_features=2, bias=true)") == 0);
  FAILS(tfl_module_to_string(text, &len, 5, lin), TFL_ERR_INVALID_ARGUMENT, "'capacity'");

  /* W = [[1, 2, 3], [4, 5, 6]], b = [0.5, -1]; x = [[1, 0, -1], [2, 1, 0]]:
   * y = [[1 - 3 + 0.5, 4 - 6 - 1], [2 + 2 + 0.5, 8 + 5 - 1]] = [[-1.5, -3], [4.5, 12]]. */
  set_entry(lin, "weight", mk(TFL_DTYPE_F32, 2, S(2, 3), V(1, 2, 3, 4, 5, 6)));
  set_entry(lin, "bias", mk(TFL_DTYPE_F32, 1, S(2), V(0.5, -1)));
  x = mk(TFL_DTYPE_F32, 2, S(2, 3), V(1, 0, -1, 2, 1, 0));
  y = fwd(lin, x);
  EXPECT(y, TFL_DTYPE_F32, 2, S(2, 2), V(-1.5, -3, 4.5, 12));

  /* Sequential(lin, ReLU): relu(y). */
  OK(tfl_nn_sequential_create(&seq));
  mkeep(seq);
  OK(tfl_nn_relu_create(&relu));
  mkeep(relu);
  OK(tfl_nn_sequential_append(seq, lin));
  OK(tfl_nn_sequential_append(seq, relu));
  EXPECT(fwd(seq, x), TFL_DTYPE_F32, 2, S(2, 2), V(0, 0, 4.5, 12));
  OK(tfl_module_children_size(&n, seq));
  CHECK(n == 2);
  OK(tfl_module_named_child(&child, text, &len, sizeof text, seq, 1));
  mkeep(child);
  CHECK(strcmp(text, "1") == 0 && len == 1);
  OK(tfl_module_type_name(&type, child));
  CHECK(strcmp(type, "ReLU") == 0);
  OK(tfl_module_child(&child, seq, "0"));
  mkeep(child);
  OK(tfl_module_type_name(&type, child));
  CHECK(strcmp(type, "Linear") == 0);
  FAILS(tfl_module_child(&child, seq, "7"), TFL_ERR_INVALID_ARGUMENT, "7");
  CHECK(child == NULL);
  /* An empty Sequential returns its input. */
  OK(tfl_nn_sequential_create(&other));
  mkeep(other);
  EXPECT(fwd(other, x), TFL_DTYPE_F32, 2, S(2, 3), V(1, 0, -1, 2, 1, 0));

  /* Appending errors: not a Sequential, a module into itself, a cycle through a container. */
  FAILS(tfl_nn_sequential_append(lin, relu), TFL_ERR_INVALID_ARGUMENT, "not a Sequential");
  FAILS(tfl_nn_sequential_append(seq, seq), TFL_ERR_INVALID_ARGUMENT, "seq itself");
  OK(tfl_nn_sequential_append(other, seq));
  FAILS(tfl_nn_sequential_append(seq, other), TFL_ERR_INVALID_ARGUMENT, "contains seq");

  /* Linear errors. */
  FAILS(tfl_nn_linear_create(&lin2, 3, 2, true, TFL_DTYPE_I32), TFL_ERR_DTYPE, "floating");
  FAILS(tfl_nn_linear_create(&lin2, -1, 2, true, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG, "in_features");
  FAILS(tfl_nn_linear_create(&lin2, 3, 2, true, (tfl_dtype)42), TFL_ERR_INVALID_ARGUMENT, "'dtype'");
  CHECK(lin2 == NULL);
  {
    tfl_tensor* bad = mk(TFL_DTYPE_F32, 2, S(2, 4), V(0, 0, 0, 0, 0, 0, 0, 0));
    const tfl_tensor* two[2];
    two[0] = x;
    two[1] = x;
    FAILS(tfl_module_forward(&y, lin, (const tfl_tensor* const*)&bad, 1), TFL_ERR_SHAPE, "Linear");
    CHECK(y == NULL);
    FAILS(tfl_module_forward(&y, lin, two, 2), TFL_ERR_INVALID_ARGUMENT, "expects 1 input");
  }
  /* Without bias: one parameter. */
  OK(tfl_nn_linear_create(&lin2, 4, 5, false, TFL_DTYPE_F64));
  mkeep(lin2);
  CHECK(param_count(lin2) == 20);
  EXPECT_SHAPE(fwd(lin2, mk(TFL_DTYPE_F64, 3, S(2, 3, 4), V(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                             0, 0, 0, 0, 0))),
               3, S(2, 3, 5));
}

static void test_conv_and_pool(void) {
  tfl_module* m = NULL;
  tfl_tensor* x16 = mk(TFL_DTYPE_F32, 4, S(1, 1, 4, 4), V(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  tfl_tensor* r = NULL;

  /* Conv1d(1, 1, 3, no bias), w = [1, 2, 3], x = [1, 2, 3, 4]: [1 + 4 + 9, 2 + 6 + 12] = [14, 20]. */
  OK(tfl_nn_conv1d_create(&m, 1, 1, 3, 1, 0, 1, 1, false, TFL_DTYPE_F32));
  mkeep(m);
  set_entry(m, "weight", mk(TFL_DTYPE_F32, 3, S(1, 1, 3), V(1, 2, 3)));
  EXPECT(fwd(m, mk(TFL_DTYPE_F32, 3, S(1, 1, 4), V(1, 2, 3, 4))), TFL_DTYPE_F32, 3, S(1, 1, 2), V(14, 20));
  /* Conv1d(2, 4, 3, padding 1) on (1, 2, 5): length (5 + 2 - 2 - 1) / 1 + 1 = 5; 4*2*3 + 4 parameters. */
  OK(tfl_nn_conv1d_create(&m, 2, 4, 3, 1, 1, 1, 1, true, TFL_DTYPE_F32));
  mkeep(m);
  CHECK(param_count(m) == 28);
  OK(tfl_tensor_randn(&r, S(1, 2, 5), 3, TFL_DTYPE_F32));
  EXPECT_SHAPE(fwd(m, keep(r)), 3, S(1, 4, 5));
  FAILS(tfl_nn_conv1d_create(&m, 3, 4, 3, 1, 0, 1, 2, true, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG, "groups");

  /* Conv2d(3, 8, 3x3, stride 2, padding 1) on (2, 3, 7, 7): (7 + 2 - 2 - 1) / 2 + 1 = 4. */
  OK(tfl_nn_conv2d_create(&m, 3, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, true, TFL_DTYPE_F32));
  mkeep(m);
  CHECK(param_count(m) == 8 * 3 * 9 + 8);
  OK(tfl_tensor_randn(&r, S(2, 3, 7, 7), 4, TFL_DTYPE_F32));
  EXPECT_SHAPE(fwd(m, keep(r)), 4, S(2, 8, 4, 4));
  /* Kernel 3x2, dilation (1, 2) on (1, 3, 5, 6): height 5 - 2 = 3, width 6 - 2 * 1 - 1 + 1 = 4. */
  OK(tfl_nn_conv2d_create(&m, 3, 8, 3, 2, 1, 1, 0, 0, 1, 2, 1, false, TFL_DTYPE_F32));
  mkeep(m);
  OK(tfl_tensor_randn(&r, S(1, 3, 5, 6), 4, TFL_DTYPE_F32));
  EXPECT_SHAPE(fwd(m, keep(r)), 4, S(1, 8, 3, 4));
  FAILS(tfl_module_forward(&r, m, (const tfl_tensor* const[]){x16}, 1), TFL_ERR_SHAPE, "Conv2d");

  /* MaxPool2d(2) on 0..15 (4x4): window maxima [[5, 7], [13, 15]]. */
  OK(tfl_nn_max_pool2d_create(&m, 2, 2, 0, 0, 0, 0, 1, 1));
  mkeep(m);
  EXPECT(fwd(m, x16), TFL_DTYPE_F32, 4, S(1, 1, 2, 2), V(5, 7, 13, 15));
  CHECK(param_count(m) == 0);
  FAILS(tfl_nn_max_pool2d_create(&m, 0, 2, 0, 0, 0, 0, 1, 1), TFL_ERR_LAYER_CONFIG, "kernel_size");
  /* AvgPool2d(2): [[(0+1+4+5)/4, (2+3+6+7)/4], [(8+9+12+13)/4, (10+11+14+15)/4]]. */
  OK(tfl_nn_avg_pool2d_create(&m, 2, 2, 0, 0, 0, 0, true));
  mkeep(m);
  EXPECT(fwd(m, x16), TFL_DTYPE_F32, 4, S(1, 1, 2, 2), V(2.5, 4.5, 10.5, 12.5));
  /* AdaptiveAvgPool2d(1, 2): columns {0, 1} and {2, 3}: (0+1+4+5+8+9+12+13)/8 = 6.5, then 8.5. */
  OK(tfl_nn_adaptive_avg_pool2d_create(&m, 1, 2));
  mkeep(m);
  EXPECT(fwd(m, x16), TFL_DTYPE_F32, 4, S(1, 1, 1, 2), V(6.5, 8.5));
  FAILS(tfl_nn_adaptive_avg_pool2d_create(&m, 0, 2), TFL_ERR_LAYER_CONFIG, "output_size");
}

static void test_norms(void) {
  tfl_module *bn = NULL, *m = NULL;
  tfl_tensor *t = NULL, *r = NULL;
  size_t n = 0;
  bool training = false;
  const double momentum = 0.1;
  char name[64];
  size_t len = 0;

  /* BatchNorm1d(2), training, x = [[1, 10], [3, 30]]: batch mean [2, 20], biased variance [1, 100], so
   * every output is +-1 (up to eps). Running stats move 0.1 of the way: mean [0.2, 2]; unbiased
   * variance [2, 200]: running_var 0.9 * 1 + 0.1 * [2, 200] = [1.1, 20.9]. */
  OK(tfl_nn_batch_norm1d_create(&bn, 2, 1e-5, &momentum, true, true, TFL_DTYPE_F32));
  mkeep(bn);
  OK(tfl_module_is_training(&training, bn));
  CHECK(training);
  EXPECT_NEAR(fwd(bn, mk(TFL_DTYPE_F32, 2, S(2, 2), V(1, 10, 3, 30))), TFL_DTYPE_F32, 2, S(2, 2), V(-1, -1, 1, 1),
              1e-4);
  OK(tfl_module_named_buffers_size(&n, bn, true));
  CHECK(n == 3);
  OK(tfl_module_named_buffer(NULL, name, &len, sizeof name, bn, 2, true));
  CHECK(strcmp(name, "num_batches_tracked") == 0);
  OK(tfl_module_buffer(&t, bn, "running_mean"));
  EXPECT_NEAR(keep(t), TFL_DTYPE_F32, 1, S(2), V(0.2, 2), 1e-6);
  OK(tfl_module_buffer(&t, bn, "running_var"));
  EXPECT_NEAR(keep(t), TFL_DTYPE_F32, 1, S(2), V(1.1, 20.9), 1e-5);
  OK(tfl_module_buffer(&t, bn, "num_batches_tracked"));
  EXPECT(keep(t), TFL_DTYPE_I64, 0, NULL, V(1));
  /* Eval uses the running stats: (1 - 0.2) / sqrt(1.1 + 1e-5), (10 - 2) / sqrt(20.9 + 1e-5) (values
   * from Python's math module), and leaves them alone. */
  OK(tfl_module_eval(bn));
  OK(tfl_module_is_training(&training, bn));
  CHECK(!training);
  EXPECT_NEAR(fwd(bn, mk(TFL_DTYPE_F32, 2, S(1, 2), V(1, 10))), TFL_DTYPE_F32, 2, S(1, 2),
              V(0.762766604283425, 1.7499141383995327), 1e-5);
  OK(tfl_module_buffer(&t, bn, "num_batches_tracked"));
  EXPECT(keep(t), TFL_DTYPE_I64, 0, NULL, V(1));
  /* Training needs more than one value per channel. */
  OK(tfl_module_train(bn, true));
  FAILS(tfl_module_forward(&t, bn, (const tfl_tensor* const[]){mk(TFL_DTYPE_F32, 2, S(1, 2), V(1, 10))}, 1),
        TFL_ERR_INVALID_ARGUMENT, "more than 1 value");
  /* momentum NULL: the cumulative average, which after one batch is the batch mean. */
  OK(tfl_nn_batch_norm1d_create(&m, 2, 1e-5, NULL, true, true, TFL_DTYPE_F32));
  mkeep(m);
  (void)fwd(m, mk(TFL_DTYPE_F32, 2, S(2, 2), V(1, 10, 3, 30)));
  OK(tfl_module_buffer(&t, m, "running_mean"));
  EXPECT_NEAR(keep(t), TFL_DTYPE_F32, 1, S(2), V(2, 20), 1e-6);
  FAILS(tfl_nn_batch_norm1d_create(&m, 0, 1e-5, NULL, true, true, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG,
        "num_features");

  /* BatchNorm2d(3) on (2, 3, 4, 4): same shape; weight, bias and three buffers. */
  OK(tfl_nn_batch_norm2d_create(&m, 3, 1e-5, &momentum, true, true, TFL_DTYPE_F32));
  mkeep(m);
  OK(tfl_tensor_randn(&r, S(2, 3, 4, 4), 4, TFL_DTYPE_F32));
  EXPECT_SHAPE(fwd(m, keep(r)), 4, S(2, 3, 4, 4));
  OK(tfl_module_state_dict_size(&n, m));
  CHECK(n == 5);
  FAILS(tfl_module_forward(&t, m, (const tfl_tensor* const[]){mk(TFL_DTYPE_F32, 2, S(2, 3), V(0, 0, 0, 0, 0, 0))}, 1),
        TFL_ERR_SHAPE, "BatchNorm2d");

  /* LayerNorm([3]) on [[1, 2, 3], [2, 4, 6]]: rows (x - 2) / sqrt(2/3 + eps), (x - 4) / sqrt(8/3 + eps). */
  OK(tfl_nn_layer_norm_create(&m, S(3), 1, 1e-5, true, true, TFL_DTYPE_F32));
  mkeep(m);
  CHECK(param_count(m) == 6);
  EXPECT_NEAR(fwd(m, mk(TFL_DTYPE_F32, 2, S(2, 3), V(1, 2, 3, 2, 4, 6))), TFL_DTYPE_F32, 2, S(2, 3),
              V(-1.2247356859083902, 0, 1.2247356859083902, -1.2247425750014138, 0, 1.2247425750014138), 1e-5);
  FAILS(tfl_nn_layer_norm_create(&m, NULL, 0, 1e-5, true, true, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG,
        "normalized_shape");
  /* LayerNorm([2, 2]) without affine: no parameters, normalises the last two axes together. */
  OK(tfl_nn_layer_norm_create(&m, S(2, 2), 2, 0.0, false, false, TFL_DTYPE_F32));
  mkeep(m);
  CHECK(param_count(m) == 0);
  EXPECT_NEAR(fwd(m, mk(TFL_DTYPE_F32, 3, S(1, 2, 2), V(1, 1, 3, 3))), TFL_DTYPE_F32, 3, S(1, 2, 2), V(-1, -1, 1, 1),
              1e-6);

  /* RMSNorm([2]), eps NULL (machine epsilon) on [[3, 4]]: rms = sqrt(12.5), so [3, 4] / 3.5355339. */
  OK(tfl_nn_rms_norm_create(&m, S(2), 1, NULL, true, TFL_DTYPE_F32));
  mkeep(m);
  CHECK(param_count(m) == 2);
  EXPECT_NEAR(fwd(m, mk(TFL_DTYPE_F32, 2, S(1, 2), V(3, 4))), TFL_DTYPE_F32, 2, S(1, 2),
              V(0.848528137423857, 1.131370849898476), 1e-5);
  FAILS(tfl_nn_rms_norm_create(&m, S(2), 1, V(-1), true, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG, "eps");

  /* GroupNorm(2 groups, 4 channels) on (1, 4, 1) = [1, 3, 10, 20]: groups [1, 3] and [10, 20] each
   * normalise to [-1, 1]. */
  OK(tfl_nn_group_norm_create(&m, 2, 4, 1e-5, true, TFL_DTYPE_F32));
  mkeep(m);
  CHECK(param_count(m) == 8);
  EXPECT_NEAR(fwd(m, mk(TFL_DTYPE_F32, 3, S(1, 4, 1), V(1, 3, 10, 20))), TFL_DTYPE_F32, 3, S(1, 4, 1),
              V(-1, 1, -1, 1), 1e-4);
  FAILS(tfl_nn_group_norm_create(&m, 3, 4, 1e-5, true, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG, "num_channels");
}

static void test_dropout_embedding_flatten(void) {
  static double v[1000];
  tfl_module* m = NULL;
  tfl_tensor *ones = NULL, *y, *w;
  int zeros = 0, twos = 0, i;
  double row[3];

  /* Dropout(0.5) in training: each element is 0 or 1 / (1 - 0.5) = 2, about half zero (seeded); eval
   * is the identity. */
  OK(tfl_random_seed(7));
  OK(tfl_nn_dropout_create(&m, 0.5));
  mkeep(m);
  OK(tfl_tensor_ones(&ones, S(1000), 1, TFL_DTYPE_F32));
  keep(ones);
  y = fwd(m, ones);
  values_of(y, v, 1000);
  for (i = 0; i < 1000; ++i) {
    zeros += v[i] == 0.0;
    twos += v[i] == 2.0;
  }
  CHECK(zeros + twos == 1000);
  CHECK(zeros > 400 && zeros < 600);
  OK(tfl_module_eval(m));
  CHECK(same_values(fwd(m, ones), ones, 1000, 0.0));
  FAILS(tfl_nn_dropout_create(&m, 1.5), TFL_ERR_LAYER_CONFIG, "p must be in [0, 1]");
  /* p = 1 zeroes everything in training. */
  OK(tfl_nn_dropout_create(&m, 1.0));
  mkeep(m);
  EXPECT(fwd(m, mk(TFL_DTYPE_F32, 1, S(3), V(1, 2, 3))), TFL_DTYPE_F32, 1, S(3), V(0, 0, 0));

  /* Embedding(5, 3, padding_idx 1) on ids [[0, 1], [4, 1]]: rows of the weight; row 1 is zero. */
  OK(tfl_nn_embedding_create(&m, 5, 3, S(1), TFL_DTYPE_F32));
  mkeep(m);
  CHECK(param_count(m) == 15);
  y = fwd(m, mk(TFL_DTYPE_I64, 2, S(2, 2), V(0, 1, 4, 1)));
  EXPECT_SHAPE(y, 3, S(2, 2, 3));
  w = param(m, "weight");
  values_of(w, v, 15);
  for (i = 0; i < 3; ++i) row[i] = v[i];
  {
    double got[12];
    values_of(y, got, 12);
    CHECK(got[0] == row[0] && got[1] == row[1] && got[2] == row[2]);   /* id 0 */
    CHECK(got[3] == 0 && got[4] == 0 && got[5] == 0);                   /* padding id 1 */
    CHECK(got[6] == v[12] && got[7] == v[13] && got[8] == v[14]);       /* id 4 */
    CHECK(got[9] == 0 && got[10] == 0 && got[11] == 0);
  }
  FAILS(tfl_module_forward(&y, m, (const tfl_tensor* const[]){mk(TFL_DTYPE_I64, 1, S(1), V(5))}, 1), TFL_ERR_INDEX,
        "out of range");
  FAILS(tfl_nn_embedding_create(&m, 5, 3, S(5), TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG, "padding_idx");
  CHECK(m == NULL);
  OK(tfl_nn_embedding_create(&m, 2, 2, NULL, TFL_DTYPE_F64));
  mkeep(m);
  EXPECT_SHAPE(fwd(m, mk(TFL_DTYPE_I32, 1, S(3), V(0, 1, 0))), 2, S(3, 2));

  /* Flatten(1, -1): (2, 3, 4) -> (2, 12); Flatten(0, 1): -> (6, 4). */
  {
    tfl_tensor* x = NULL;
    OK(tfl_tensor_randn(&x, S(2, 3, 4), 3, TFL_DTYPE_F32));
    keep(x);
    OK(tfl_nn_flatten_create(&m, 1, -1));
    mkeep(m);
    EXPECT_SHAPE(fwd(m, x), 2, S(2, 12));
    CHECK(same_values(y = fwd(m, x), x, 24, 0.0));
    OK(tfl_nn_flatten_create(&m, 0, 1));
    mkeep(m);
    EXPECT_SHAPE(fwd(m, x), 2, S(6, 4));
  }
}

static void test_activations(void) {
  tfl_module* m = NULL;
  tfl_tensor* x = mk(TFL_DTYPE_F32, 1, S(3), V(-1, 0, 2));
  tfl_tensor* one = mk(TFL_DTYPE_F64, 1, S(2), V(0, 1));
  OK(tfl_nn_relu_create(&m));
  EXPECT(fwd(mkeep(m), x), TFL_DTYPE_F32, 1, S(3), V(0, 0, 2));
  OK(tfl_nn_leaky_relu_create(&m, 0.25));
  EXPECT(fwd(mkeep(m), x), TFL_DTYPE_F32, 1, S(3), V(-0.25, 0, 2));
  /* GELU(1) = Phi(1) = 0.841344746; tanh form 0.841191991 (Python's math module). */
  OK(tfl_nn_gelu_create(&m, false));
  EXPECT_NEAR(fwd(mkeep(m), one), TFL_DTYPE_F64, 1, S(2), V(0, 0.8413447460685429), 1e-12);
  OK(tfl_nn_gelu_create(&m, true));
  EXPECT_NEAR(fwd(mkeep(m), one), TFL_DTYPE_F64, 1, S(2), V(0, 0.8411919906082768), 1e-12);
  /* SiLU(1) = sigmoid(1) = 0.731058579, tanh(1) = 0.761594156. */
  OK(tfl_nn_silu_create(&m));
  EXPECT_NEAR(fwd(mkeep(m), one), TFL_DTYPE_F64, 1, S(2), V(0, 0.7310585786300049), 1e-12);
  OK(tfl_nn_tanh_create(&m));
  EXPECT_NEAR(fwd(mkeep(m), one), TFL_DTYPE_F64, 1, S(2), V(0, 0.7615941559557649), 1e-12);
  OK(tfl_nn_sigmoid_create(&m));
  EXPECT_NEAR(fwd(mkeep(m), one), TFL_DTYPE_F64, 1, S(2), V(0.5, 0.7310585786300049), 1e-12);
  /* Softmax over [0, ln 3] = [1, 3] / 4; over axis 0 of a (2, 1) column of zeros: [0.5, 0.5]. */
  OK(tfl_nn_softmax_create(&m, -1));
  EXPECT_NEAR(fwd(mkeep(m), mk(TFL_DTYPE_F64, 1, S(2), V(0, log(3.0)))), TFL_DTYPE_F64, 1, S(2), V(0.25, 0.75), 1e-12);
  OK(tfl_nn_softmax_create(&m, 0));
  EXPECT_NEAR(fwd(mkeep(m), mk(TFL_DTYPE_F64, 2, S(2, 1), V(0, 0))), TFL_DTYPE_F64, 2, S(2, 1), V(0.5, 0.5), 1e-12);
  OK(tfl_nn_softmax_create(&m, 3));
  mkeep(m);
  FAILS(tfl_module_forward(&x, m, (const tfl_tensor* const[]){one}, 1), TFL_ERR_INDEX, "axis");
}

/* Runs the backward pass from sum(y), which also frees y's graph. Needed after a forward through
 * attention: softmax saves its output for backward, and that reference cycle (output -> grad_fn ->
 * saved output) is only broken by a backward pass, so a never-differentiated graph leaks (a core
 * autograd issue, reported; the C API cannot break the cycle). */
static void drain(const tfl_tensor* y) {
  tfl_tensor* s = NULL;
  OK(tfl_tensor_sum(&s, y));
  OK(tfl_tensor_backward(s, NULL, false, false));
  tfl_tensor_release(s);
}

/* Output positions before `pos` must not change when the inputs at pos and later change (causality). */
static void check_causal(tfl_module* m, int64_t len, int64_t width) {
  static float buf[1024];
  tfl_tensor *x = NULL, *x2 = NULL, *y1, *y2;
  int64_t i, n = len * width;
  OK(tfl_tensor_randn(&x, S(1, len, width), 3, TFL_DTYPE_F32));
  keep(x);
  OK(tfl_tensor_copy_to_buffer(buf, (size_t)n * sizeof(float), x));
  for (i = (len - 1) * width; i < n; ++i) buf[i] += 3.0f;
  OK(tfl_tensor_from_buffer(&x2, buf, (size_t)n * sizeof(float), S(1, len, width), 3, TFL_DTYPE_F32));
  keep(x2);
  y1 = fwd(m, x);
  y2 = fwd(m, x2);
  CHECK(same_values(y1, y2, (len - 1) * width, 1e-6));
  CHECK(!same_values(y1, y2, n, 1e-6));
  drain(y1);
  drain(y2);
}

static void test_attention_and_mamba(void) {
  tfl_module *m = NULL, *c = NULL;
  tfl_tensor *q = NULL, *kv = NULL, *y = NULL;
  size_t n = 0;
  char name[32];
  size_t len = 0;

  /* MultiHeadAttention(8, 2): four 8x8 projections with biases = 4 * 72 parameters. */
  OK(tfl_nn_multi_head_attention_create(&m, 8, 2, true, false, TFL_DTYPE_F32));
  mkeep(m);
  CHECK(param_count(m) == 288);
  OK(tfl_module_children_size(&n, m));
  CHECK(n == 4);
  OK(tfl_module_named_child(&c, name, &len, sizeof name, m, 3));
  mkeep(c);
  CHECK(strcmp(name, "out_proj") == 0);
  OK(tfl_tensor_randn(&q, S(2, 3, 8), 3, TFL_DTYPE_F32));
  keep(q);
  OK(tfl_tensor_randn(&kv, S(2, 5, 8), 3, TFL_DTYPE_F32));
  keep(kv);
  y = fwd(m, kv); /* self-attention */
  EXPECT_SHAPE(y, 3, S(2, 5, 8));
  drain(y);
  {
    const tfl_tensor* qkv[3];
    qkv[0] = q;
    qkv[1] = kv;
    qkv[2] = kv;
    OK(tfl_module_forward(&y, m, qkv, 3));
    EXPECT_SHAPE(keep(y), 3, S(2, 3, 8));
    drain(y);
    FAILS(tfl_module_forward(&y, m, qkv, 2), TFL_ERR_INVALID_ARGUMENT, "MultiHeadAttention");
  }
  FAILS(tfl_nn_multi_head_attention_create(&m, 7, 2, true, false, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG,
        "multiple of num_heads");
  OK(tfl_nn_multi_head_attention_create(&m, 8, 2, false, true, TFL_DTYPE_F32));
  mkeep(m);
  CHECK(param_count(m) == 256);
  check_causal(m, 5, 8);

  /* Mamba(d_model 4, d_state 3, d_conv 2, expand 2, dt_rank ceil(4/16) = 1), d_inner 8: A_log 8x3, D 8,
   * in_proj 16x4, conv1d 8x1x2 + 8, x_proj (1 + 2*3)x8, dt_proj 8x1 + 8, out_proj 4x8 = 224. */
  OK(tfl_nn_mamba_create(&m, 4, 3, 2, 2, 0, TFL_DTYPE_F32));
  mkeep(m);
  CHECK(param_count(m) == 224);
  OK(tfl_module_named_parameters_size(&n, m, true));
  CHECK(n == 9);
  OK(tfl_module_named_parameters_size(&n, m, false));
  CHECK(n == 2); /* A_log and D */
  OK(tfl_module_named_parameter(NULL, name, &len, sizeof name, m, 3, true));
  CHECK(strcmp(name, "conv1d.weight") == 0);
  EXPECT_SHAPE(param(m, "x_proj.weight"), 2, S(7, 8));
  OK(tfl_tensor_randn(&y, S(2, 6, 4), 3, TFL_DTYPE_F32));
  EXPECT_SHAPE(fwd(m, keep(y)), 3, S(2, 6, 4));
  check_causal(m, 6, 4);
  FAILS(tfl_module_forward(&y, m, (const tfl_tensor* const[]){q}, 1), TFL_ERR_SHAPE, "Mamba");
  FAILS(tfl_nn_mamba_create(&m, 0, 3, 2, 2, 0, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG, "d_model");
}

static void test_listings_and_grads(void) {
  tfl_module *seq = NULL, *a = NULL, *b = NULL, *relu = NULL, *child = NULL;
  tfl_tensor *t = NULL, *x, *y, *s = NULL, *g = NULL;
  const char* want[4] = {"0.weight", "0.bias", "2.weight", "2.bias"};
  char name[16];
  size_t n = 0, len = 0, i;
  bool training = true;

  OK(tfl_nn_sequential_create(&seq));
  mkeep(seq);
  OK(tfl_nn_linear_create(&a, 3, 2, true, TFL_DTYPE_F32));
  OK(tfl_nn_relu_create(&relu));
  OK(tfl_nn_linear_create(&b, 2, 1, true, TFL_DTYPE_F32));
  OK(tfl_nn_sequential_append(seq, a));
  OK(tfl_nn_sequential_append(seq, relu));
  OK(tfl_nn_sequential_append(seq, b));
  /* The container keeps its children alive. */
  tfl_module_release(a);
  tfl_module_release(relu);
  tfl_module_release(b);
  tfl_module_release(NULL);

  CHECK(param_count(seq) == 11);
  OK(tfl_module_named_parameters_size(&n, seq, true));
  CHECK(n == 4);
  for (i = 0; i < 4; ++i) {
    t = NULL;
    OK(tfl_module_named_parameter(&t, name, &len, sizeof name, seq, i, true));
    keep(t);
    CHECK(strcmp(name, want[i]) == 0 && len == strlen(want[i]));
    CHECK(t != NULL);
  }
  /* The listed tensor is the module's own: the same values as by name. */
  CHECK(same_values(t, param(seq, "2.bias"), 1, 0.0));
  OK(tfl_module_named_parameters_size(&n, seq, false));
  CHECK(n == 0);
  OK(tfl_module_named_parameter(NULL, NULL, &len, 0, seq, 0, true));
  CHECK(len == 8);
  FAILS(tfl_module_named_parameter(&t, name, &len, 4, seq, 0, true), TFL_ERR_INVALID_ARGUMENT, "'name_capacity'");
  CHECK(t == NULL);
  FAILS(tfl_module_named_parameter(&t, name, &len, sizeof name, seq, 4, true), TFL_ERR_INDEX, "'index'");
  FAILS(tfl_module_named_child(&child, name, &len, sizeof name, seq, 3), TFL_ERR_INDEX, "'index'");
  FAILS(tfl_module_parameter(&t, seq, "1.weight"), TFL_ERR_INVALID_ARGUMENT, "no parameter named");
  FAILS(tfl_module_buffer(&t, seq, "running_mean"), TFL_ERR_INVALID_ARGUMENT, "running_mean");
  OK(tfl_module_state_dict_entry(NULL, name, &len, sizeof name, seq, 3));
  CHECK(strcmp(name, "2.bias") == 0);

  /* train / eval reach the children. */
  OK(tfl_module_eval(seq));
  OK(tfl_module_child(&child, seq, "2"));
  mkeep(child);
  OK(tfl_module_is_training(&training, child));
  CHECK(!training);
  OK(tfl_module_train(seq, true));
  OK(tfl_module_is_training(&training, child));
  CHECK(training);

  /* Parameters require grad; zero_grad clears (NULL) or zero-fills their gradients. */
  x = mk(TFL_DTYPE_F32, 2, S(4, 3), V(1, 2, 3, -1, 0, 1, 2, 2, 2, 0, 0, 1));
  y = fwd(seq, x);
  EXPECT_SHAPE(y, 2, S(4, 1));
  OK(tfl_tensor_sum(&s, y));
  keep(s);
  OK(tfl_tensor_backward(s, NULL, false, false));
  OK(tfl_tensor_grad(&g, param(seq, "2.bias")));
  EXPECT(keep(g), TFL_DTYPE_F32, 1, S(1), V(4)); /* d sum / d bias = batch size */
  OK(tfl_module_zero_grad(seq, false));
  OK(tfl_tensor_grad(&g, param(seq, "2.bias")));
  EXPECT(keep(g), TFL_DTYPE_F32, 1, S(1), V(0));
  OK(tfl_module_zero_grad(seq, true));
  OK(tfl_tensor_grad(&g, param(seq, "2.bias")));
  CHECK(g == NULL);
}

static void test_state_dicts(void) {
  tfl_module *m1 = NULL, *m2 = NULL, *lin = NULL, *bn = NULL, *extra = NULL;
  char path[] = "/tmp/tfl_nn_modules_XXXXXX";
  size_t missing = 9, unexpected = 9, n = 0, i, len = 0;
  char name[32];
  const double momentum = 0.5;
  int fd;
  tfl_tensor *t1 = NULL, *t2 = NULL;

  /* Two models of the same architecture (Linear(2, 2) then BatchNorm1d(2)) with different weights. */
  for (i = 0; i < 2; ++i) {
    tfl_module** m = i == 0 ? &m1 : &m2;
    OK(tfl_random_seed(100 + i));
    OK(tfl_nn_sequential_create(m));
    mkeep(*m);
    OK(tfl_nn_linear_create(&lin, 2, 2, true, TFL_DTYPE_F32));
    OK(tfl_nn_batch_norm1d_create(&bn, 2, 1e-5, &momentum, true, true, TFL_DTYPE_F32));
    OK(tfl_nn_sequential_append(*m, lin));
    OK(tfl_nn_sequential_append(*m, bn));
    tfl_module_release(lin);
    tfl_module_release(bn);
  }
  /* One training step moves m1's running statistics away from their initial values. */
  (void)fwd(m1, mk(TFL_DTYPE_F32, 2, S(3, 2), V(1, 2, 3, 5, -1, 0)));
  OK(tfl_module_state_dict_size(&n, m1));
  CHECK(n == 7); /* 0.weight 0.bias 1.weight 1.bias 1.running_mean 1.running_var 1.num_batches_tracked */
  OK(tfl_module_state_dict_entry(NULL, name, &len, sizeof name, m1, 4));
  CHECK(strcmp(name, "1.running_mean") == 0);
  CHECK(!same_values(param(m1, "0.weight"), param(m2, "0.weight"), 4, 0.0));

  fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd >= 0) close(fd);
  OK(tfl_module_state_dict_save(m1, path));
  OK(tfl_module_state_dict_load(&missing, &unexpected, m2, path, true));
  CHECK(missing == 0 && unexpected == 0);
  for (i = 0; i < n; ++i) {
    OK(tfl_module_state_dict_entry(&t1, name, &len, sizeof name, m1, i));
    OK(tfl_module_state_dict_entry(&t2, name, &len, sizeof name, m2, i));
    int64_t numel = 0;
    keep(t1);
    keep(t2);
    OK(tfl_tensor_numel(&numel, t1));
    CHECK(same_values(t1, t2, numel, 0.0));
  }
  /* The loaded model computes what the saved one does (eval: running statistics). */
  OK(tfl_module_eval(m1));
  OK(tfl_module_eval(m2));
  {
    tfl_tensor* x = mk(TFL_DTYPE_F32, 2, S(2, 2), V(0.5, -2, 4, 1));
    CHECK(same_values(fwd(m1, x), fwd(m2, x), 4, 0.0));
  }

  /* A model with one more layer: strict load fails naming the missing keys and changes nothing;
   * non-strict load counts them. */
  OK(tfl_nn_linear_create(&extra, 2, 2, true, TFL_DTYPE_F32));
  OK(tfl_nn_sequential_append(m2, extra));
  tfl_module_release(extra);
  FAILS(tfl_module_state_dict_load(&missing, &unexpected, m2, path, true), TFL_ERR_CHECKPOINT,
        "missing keys: '2.weight', '2.bias'");
  OK(tfl_module_state_dict_load(&missing, &unexpected, m2, path, false));
  CHECK(missing == 2 && unexpected == 0);
  OK(tfl_module_state_dict_load(NULL, NULL, m2, path, false));
  remove(path);
  FAILS(tfl_module_state_dict_load(NULL, NULL, m2, path, false), TFL_ERR_IO, path);
  FAILS(tfl_module_state_dict_save(m1, "/nonexistent-dir/x.safetensors"), TFL_ERR_IO, "nonexistent-dir");

  /* From arrays: unexpected names (strict fails, non-strict counts), wrong shape, wrong dtype. */
  {
    const char* names[2] = {"0.bias", "nothing"};
    const tfl_tensor* vals[2];
    vals[0] = mk(TFL_DTYPE_F32, 1, S(2), V(7, 8));
    vals[1] = vals[0];
    FAILS(tfl_module_load_state_dict(&missing, &unexpected, m1, names, vals, 2, true), TFL_ERR_CHECKPOINT,
          "unexpected keys: 'nothing'");
    CHECK(missing == 0 && unexpected == 0);
    OK(tfl_module_load_state_dict(&missing, &unexpected, m1, names, vals, 2, false));
    CHECK(missing == 6 && unexpected == 1);
    EXPECT(param(m1, "0.bias"), TFL_DTYPE_F32, 1, S(2), V(7, 8));
    vals[0] = mk(TFL_DTYPE_F32, 1, S(3), V(7, 8, 9));
    FAILS(tfl_module_load_state_dict(NULL, NULL, m1, names, vals, 1, false), TFL_ERR_CHECKPOINT, "0.bias");
    vals[0] = mk(TFL_DTYPE_F64, 1, S(2), V(7, 8));
    FAILS(tfl_module_load_state_dict(NULL, NULL, m1, names, vals, 1, false), TFL_ERR_CHECKPOINT, "0.bias");
    names[1] = NULL;
    FAILS(tfl_module_load_state_dict(NULL, NULL, m1, names, vals, 2, false), TFL_ERR_INVALID_ARGUMENT, "'names'");
  }
}

/* --- hooks ------------------------------------------------------------------------------------- */

/* What the hooks see and do: mode 0 observes, 1 replaces, 2 fails. */
typedef struct {
  int calls, mode;
  size_t n_in, n_out;
  int first_grad_null;
} hook_state;

static tfl_status pre_hook(tfl_tensor** replacements, const tfl_tensor* const* inputs, size_t ninputs, void* ud) {
  hook_state* s = (hook_state*)ud;
  ++s->calls;
  s->n_in = ninputs;
  if (s->mode == 2) return TFL_ERR_IO;
  if (s->mode == 1) return tfl_tensor_neg(&replacements[0], inputs[0]);
  return TFL_OK;
}

static tfl_status fwd_hook(tfl_tensor** replacement, const tfl_tensor* const* inputs, size_t ninputs,
                           const tfl_tensor* output, void* ud) {
  hook_state* s = (hook_state*)ud;
  (void)inputs;
  ++s->calls;
  s->n_in = ninputs;
  if (s->mode == 2) {
    /* A failing library call inside the hook: its message is quoted in the forward's. */
    tfl_tensor* bad = NULL;
    tfl_status st = tfl_tensor_reshape(&bad, output, S(7), 1);
    return st == TFL_OK ? TFL_ERR_INTERNAL : TFL_ERR_DTYPE;
  }
  if (s->mode == 1) return tfl_tensor_zeros_like(replacement, output);
  return TFL_OK;
}

static tfl_status bwd_hook(tfl_tensor** replacements, const tfl_tensor* const* grad_input, size_t ngrad_input,
                           const tfl_tensor* const* grad_output, size_t ngrad_output, void* ud) {
  hook_state* s = (hook_state*)ud;
  (void)grad_output;
  ++s->calls;
  s->n_in = ngrad_input;
  s->n_out = ngrad_output;
  s->first_grad_null = grad_input[0] == NULL;
  if (s->mode == 2) return TFL_ERR_INDEX;
  if (s->mode == 1) return tfl_tensor_mul_scalar(&replacements[0], grad_input[0], 10.0);
  return TFL_OK;
}

static void test_hooks(void) {
  tfl_module *relu = NULL, *seq = NULL, *lin = NULL, *tmp = NULL;
  hook_state pre = {0, 0, 0, 0, 0}, fw = {0, 0, 0, 0, 0}, bw = {0, 0, 0, 0, 0}, child = {0, 0, 0, 0, 0};
  int64_t hpre = 0, hfw = 0, hbw = 0, hchild = 0, htmp = 0;
  tfl_tensor *x = mk(TFL_DTYPE_F32, 1, S(2), V(-1, 2)), *y = NULL, *s = NULL, *g = NULL;

  OK(tfl_nn_relu_create(&relu));
  mkeep(relu);
  OK(tfl_tensor_set_requires_grad(x, true));

  /* Forward pre-hook: observes, then replaces the input by its negation: relu(-x) = [1, 0]. */
  OK(tfl_module_register_forward_pre_hook(&hpre, relu, pre_hook, &pre));
  EXPECT(fwd(relu, x), TFL_DTYPE_F32, 1, S(2), V(0, 2));
  CHECK(pre.calls == 1 && pre.n_in == 1);
  pre.mode = 1;
  EXPECT(fwd(relu, x), TFL_DTYPE_F32, 1, S(2), V(1, 0));
  pre.mode = 2;
  FAILS(tfl_module_forward(&y, relu, (const tfl_tensor* const[]){x}, 1), TFL_ERR_IO, "forward pre-hook");
  CHECK(y == NULL && pre.calls == 3);
  OK(tfl_hook_remove(hpre));
  EXPECT(fwd(relu, x), TFL_DTYPE_F32, 1, S(2), V(0, 2));
  CHECK(pre.calls == 3);
  FAILS(tfl_hook_remove(hpre), TFL_ERR_INVALID_ARGUMENT, "no hook");

  /* Forward hook: observes, replaces the output with zeros, fails with the status of a failed call
   * inside (whose message is quoted). */
  OK(tfl_module_register_forward_hook(&hfw, relu, fwd_hook, &fw));
  CHECK(hfw != hpre);
  EXPECT(fwd(relu, x), TFL_DTYPE_F32, 1, S(2), V(0, 2));
  CHECK(fw.calls == 1 && fw.n_in == 1);
  fw.mode = 1;
  EXPECT(fwd(relu, x), TFL_DTYPE_F32, 1, S(2), V(0, 0));
  fw.mode = 2;
  FAILS(tfl_module_forward(&y, relu, (const tfl_tensor* const[]){x}, 1), TFL_ERR_DTYPE, "forward hook");
  CHECK(strstr(tfl_last_error_message(), "tfl_tensor_reshape") != NULL); /* the inner failure, quoted */
  OK(tfl_hook_remove(hfw));

  /* Backward hook: sees one input gradient and one output gradient: d sum(relu(x)) / dx = [0, 1];
   * replacing it by 10 times itself scales x's gradient; a failing hook fails the backward pass. */
  OK(tfl_module_register_backward_hook(&hbw, relu, bwd_hook, &bw));
  y = fwd(relu, x);
  OK(tfl_tensor_sum(&s, y));
  keep(s);
  OK(tfl_tensor_backward(s, NULL, false, false));
  CHECK(bw.calls == 1 && bw.n_in == 1 && bw.n_out == 1 && !bw.first_grad_null);
  OK(tfl_tensor_grad(&g, x));
  EXPECT(keep(g), TFL_DTYPE_F32, 1, S(2), V(0, 1));
  OK(tfl_tensor_set_grad(x, NULL));
  bw.mode = 1;
  OK(tfl_tensor_sum(&s, fwd(relu, x)));
  keep(s);
  OK(tfl_tensor_backward(s, NULL, false, false));
  OK(tfl_tensor_grad(&g, x));
  EXPECT(keep(g), TFL_DTYPE_F32, 1, S(2), V(0, 10));
  bw.mode = 2;
  OK(tfl_tensor_sum(&s, fwd(relu, x)));
  keep(s);
  FAILS(tfl_tensor_backward(s, NULL, false, false), TFL_ERR_INDEX, "backward hook");
  OK(tfl_hook_remove(hbw));
  CHECK(bw.calls == 3);

  /* A hook on a child runs when its container runs. */
  OK(tfl_nn_sequential_create(&seq));
  mkeep(seq);
  OK(tfl_nn_linear_create(&lin, 2, 3, true, TFL_DTYPE_F32));
  mkeep(lin);
  OK(tfl_nn_sequential_append(seq, lin));
  OK(tfl_module_register_forward_hook(&hchild, lin, fwd_hook, &child));
  EXPECT_SHAPE(fwd(seq, x), 1, S(3));
  CHECK(child.calls == 1);

  /* Hooks go with their module: removing one of a destroyed module fails. */
  OK(tfl_nn_tanh_create(&tmp));
  OK(tfl_module_register_forward_hook(&htmp, tmp, fwd_hook, &child));
  tfl_module_release(tmp);
  FAILS(tfl_hook_remove(htmp), TFL_ERR_INVALID_ARGUMENT, "no hook");
  FAILS(tfl_module_register_forward_hook(&htmp, lin, NULL, NULL), TFL_ERR_INVALID_ARGUMENT, "'fn'");
  OK(tfl_hook_remove(hchild));
}

int main(void) {
  OK(tfl_random_seed(1));
  test_linear_and_sequential();
  test_conv_and_pool();
  test_norms();
  test_dropout_embedding_flatten();
  test_activations();
  test_attention_and_mamba();
  test_listings_and_grads();
  test_state_dicts();
  test_hooks();
  release_modules();
  return finish("nn_modules");
}
