/* The C training example: an MLP on the 8x8 handwritten digits, written only against the public header
 * <tenflowers/tenflowers.h>. It loads data/digits.csv, trains with SGD + momentum and a cosine learning
 * rate schedule, prints the loss as it goes and the test accuracy at the end, saves a checkpoint, loads
 * it into a fresh model and checks that model scores the same, and prints the memory profiler's findings.
 *   train_digits_c [data/digits.csv] [checkpoint.safetensors]
 * Every call is checked: CHECK prints the library's message and exits (a real program would unwind). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tenflowers/tenflowers.h>

#define CHECK(call)                                                                                  \
  do {                                                                                               \
    tfl_status s_ = (call);                                                                          \
    if (s_ != TFL_OK) {                                                                              \
      fprintf(stderr, "%s:%d: %s failed: %s: %s\n", __FILE__, __LINE__, #call, tfl_status_name(s_), \
              tfl_last_error_message());                                                            \
      exit(1);                                                                                       \
    }                                                                                                \
  } while (0)

enum { kFeatures = 64, kClasses = 10, kHidden = 128, kBatch = 32, kEpochs = 40 };

typedef struct {
  float* pixels; /* n x 64, scaled to [0, 1] */
  int64_t* labels;
  int64_t n;
} Digits;

static Digits load_digits(const char* path) {
  Digits d = {NULL, NULL, 0};
  size_t cap = 0;
  FILE* f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  for (;;) {
    int v[65], i, got = 0;
    for (i = 0; i < 65; ++i) got += fscanf(f, i == 0 ? "%d" : " ,%d", &v[i]);
    if (got != 65) break;
    if ((size_t)d.n == cap) {
      cap = cap ? cap * 2 : 256;
      d.pixels = realloc(d.pixels, cap * kFeatures * sizeof(float));
      d.labels = realloc(d.labels, cap * sizeof(int64_t));
      if (!d.pixels || !d.labels) exit(1);
    }
    for (i = 0; i < kFeatures; ++i) d.pixels[d.n * kFeatures + i] = (float)v[i] / 16.0f;
    d.labels[d.n++] = v[64];
  }
  fclose(f);
  if (d.n == 0) {
    fprintf(stderr, "no rows in %s\n", path);
    exit(1);
  }
  return d;
}

/* A fixed pseudo-random permutation (xorshift), so every run splits and shuffles the same way. */
static uint64_t rng_state = 2026;
static uint64_t next_random(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}
static void shuffle(int64_t* v, size_t n) {
  size_t i;
  for (i = n; i > 1; --i) {
    size_t j = (size_t)(next_random() % i);
    int64_t t = v[i - 1];
    v[i - 1] = v[j];
    v[j] = t;
  }
}

/* Rows idx[begin, end) as x (k x 64 f32) and y (k i64) tensors. */
static void make_batch(const Digits* d, const int64_t* idx, size_t begin, size_t end, tfl_tensor** x, tfl_tensor** y) {
  size_t k = end - begin, i;
  float* xs = malloc(k * kFeatures * sizeof(float));
  int64_t* ys = malloc(k * sizeof(int64_t));
  int64_t xshape[2] = {(int64_t)k, kFeatures}, yshape[1] = {(int64_t)k};
  if (!xs || !ys) exit(1);
  for (i = 0; i < k; ++i) {
    memcpy(xs + i * kFeatures, d->pixels + idx[begin + i] * kFeatures, kFeatures * sizeof(float));
    ys[i] = d->labels[idx[begin + i]];
  }
  CHECK(tfl_tensor_from_buffer(x, xs, k * kFeatures * sizeof(float), xshape, 2, TFL_DTYPE_F32));
  CHECK(tfl_tensor_from_buffer(y, ys, k * sizeof(int64_t), yshape, 1, TFL_DTYPE_I64));
  free(xs);
  free(ys);
}

static tfl_module* make_model(void) {
  tfl_module *model, *layer;
  CHECK(tfl_nn_sequential_create(&model));
  CHECK(tfl_nn_linear_create(&layer, kFeatures, kHidden, true, TFL_DTYPE_F32));
  CHECK(tfl_nn_sequential_append(model, layer));
  tfl_module_release(layer); /* the container holds its own reference */
  CHECK(tfl_nn_relu_create(&layer));
  CHECK(tfl_nn_sequential_append(model, layer));
  tfl_module_release(layer);
  CHECK(tfl_nn_linear_create(&layer, kHidden, kClasses, true, TFL_DTYPE_F32));
  CHECK(tfl_nn_sequential_append(model, layer));
  tfl_module_release(layer);
  return model;
}

/* Fraction of rows idx[0, n) the model classifies correctly (eval mode, no graph recorded). */
static double accuracy(tfl_module* model, const Digits* d, const int64_t* idx, size_t n) {
  tfl_tensor *x, *y, *logits, *pred, *hit, *hits;
  double correct;
  CHECK(tfl_module_eval(model));
  CHECK(tfl_grad_set_enabled(false));
  make_batch(d, idx, 0, n, &x, &y);
  CHECK(tfl_module_forward(&logits, model, (const tfl_tensor* const[]){x}, 1));
  CHECK(tfl_tensor_argmax_axis(&pred, logits, 1, false));
  CHECK(tfl_tensor_eq(&hit, pred, y));
  CHECK(tfl_tensor_sum(&hits, hit));
  CHECK(tfl_tensor_item_at(&correct, hits, 0));
  CHECK(tfl_grad_set_enabled(true));
  CHECK(tfl_module_train(model, true));
  tfl_tensor_release(x);
  tfl_tensor_release(y);
  tfl_tensor_release(logits);
  tfl_tensor_release(pred);
  tfl_tensor_release(hit);
  tfl_tensor_release(hits);
  return correct / (double)n;
}

int main(int argc, char** argv) {
  const char* data_path = argc > 1 ? argv[1] : "data/digits.csv";
  const char* ckpt_path = argc > 2 ? argv[2] : "digits_mlp_c.safetensors";
  const char* info;
  Digits data = load_digits(data_path);
  int64_t* order = malloc((size_t)data.n * sizeof(int64_t));
  size_t n_train = (size_t)data.n * 4 / 5, n_test = (size_t)data.n - n_train, nparams, i, b;
  tfl_tensor** params;
  tfl_module *model, *reloaded;
  tfl_optimizer* sgd;
  tfl_scheduler* cosine;
  double acc, acc_reloaded;
  struct timespec t0, t1;
  int epoch;
  char findings[4096];
  size_t findings_len;

  CHECK(tfl_library_build_info(&info));
  printf("tenflowers %s\n%s\n", tfl_version(), info);
  for (i = 0; i < (size_t)data.n; ++i) order[i] = (int64_t)i;
  shuffle(order, (size_t)data.n);
  printf("digits: %lld samples, %zu train / %zu test, 64 features, 10 classes\n", (long long)data.n, n_train, n_test);

  CHECK(tfl_random_seed(0));
  model = make_model();
  CHECK(tfl_module_named_parameters_size(&nparams, model, true));
  params = calloc(nparams, sizeof(tfl_tensor*));
  for (i = 0; i < nparams; ++i) {
    size_t name_len;
    CHECK(tfl_module_named_parameter(&params[i], NULL, &name_len, 0, model, i, true));
  }
  CHECK(tfl_optim_sgd_create(&sgd, (const tfl_tensor* const*)params, nparams, 0.05, 0.9, 0.0, 0.0, false));
  CHECK(tfl_sched_cosine_create(&cosine, sgd, kEpochs, 0.001));
  CHECK(tfl_memory_profiler_start());

  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (epoch = 1; epoch <= kEpochs; ++epoch) {
    double loss_sum = 0, lr;
    int batches = 0;
    shuffle(order, n_train);
    for (b = 0; b < n_train; b += kBatch) {
      size_t end = b + kBatch < n_train ? b + kBatch : n_train;
      tfl_tensor *x, *y, *logits, *loss;
      double loss_value;
      make_batch(&data, order, b, end, &x, &y);
      CHECK(tfl_module_forward(&logits, model, (const tfl_tensor* const[]){x}, 1));
      CHECK(tfl_loss_cross_entropy(&loss, logits, y, TFL_REDUCTION_MEAN, -100, 0.0, NULL));
      CHECK(tfl_optimizer_zero_grad(sgd, true));
      CHECK(tfl_tensor_backward(loss, NULL, false, false));
      CHECK(tfl_optimizer_step(sgd));
      CHECK(tfl_tensor_item_at(&loss_value, loss, 0));
      loss_sum += loss_value;
      ++batches;
      tfl_tensor_release(x);
      tfl_tensor_release(y);
      tfl_tensor_release(logits);
      tfl_tensor_release(loss);
    }
    CHECK(tfl_optimizer_lr(&lr, sgd));
    CHECK(tfl_scheduler_step(cosine));
    if (epoch == 1 || epoch % 10 == 0) printf("epoch %2d  lr %.4f  train loss %.4f\n", epoch, lr, loss_sum / batches);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  CHECK(tfl_memory_profiler_stop());

  acc = accuracy(model, &data, order + n_train, n_test);
  printf("test accuracy %.2f%% after %d epochs in %.2f s\n", 100.0 * acc, kEpochs,
         (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));

  CHECK(tfl_module_state_dict_save(model, ckpt_path));
  reloaded = make_model();
  CHECK(tfl_module_state_dict_load(NULL, NULL, reloaded, ckpt_path, true));
  acc_reloaded = accuracy(reloaded, &data, order + n_train, n_test);
  printf("checkpoint written to %s; reloaded model: test accuracy %.2f%%\n", ckpt_path, 100.0 * acc_reloaded);

  CHECK(tfl_memory_profiler_findings(findings, &findings_len, sizeof findings));
  printf("memory profiler findings:\n%s\n", findings);

  tfl_scheduler_release(cosine);
  tfl_optimizer_release(sgd);
  for (i = 0; i < nparams; ++i) tfl_tensor_release(params[i]);
  free(params);
  tfl_module_release(model);
  tfl_module_release(reloaded);
  free(order);
  free(data.pixels);
  free(data.labels);
  return acc >= 0.95 && acc_reloaded == acc ? 0 : 1;
}
