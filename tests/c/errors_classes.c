/* The training error classes (issue 9) provoked for real through the C API, one status each, plus the
 * numerical check mode and the data loader (the .npy reader and tfl_dataloader) they come with. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>

#include "test_util.h"

static int temp_path(char* path) {
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0) return 0;
  close(fd);
  return 1;
}

static int write_file(const char* path, const void* buf, size_t n) {
  FILE* f = fopen(path, "wb");
  int ok;
  if (f == NULL) return 0;
  ok = fwrite(buf, 1, n, f) == n;
  return fclose(f) == 0 && ok;
}

static void gradient(void) {
  tfl_tensor* x = mk(TFL_DTYPE_F64, 1, S(2), V(1, 2));
  tfl_tensor* y = NULL;
  tfl_tensor* s = NULL;
  FAILS(tfl_tensor_backward(x, NULL, false, false), TFL_ERR_GRADIENT, "does not require grad");
  OK(tfl_tensor_set_requires_grad(x, true));
  OK(tfl_tensor_exp(&y, x));
  keep(y);
  FAILS(tfl_tensor_backward(y, NULL, false, false), TFL_ERR_GRADIENT, "one-element output");
  OK(tfl_tensor_sum(&s, y));
  keep(s);
  OK(tfl_tensor_backward(s, NULL, false, false));
  FAILS(tfl_tensor_backward(s, NULL, false, false), TFL_ERR_GRADIENT, "retain_graph");
}

static void tensor_op(void) {
  tfl_tensor* e = NULL;
  tfl_tensor* r = NULL;
  OK(tfl_tensor_zeros(&e, S(0, 3), 2, TFL_DTYPE_F32));
  keep(e);
  FAILS(tfl_tensor_max(&r, e), TFL_ERR_TENSOR_OP, "no identity");
  CHECK(r == NULL);
}

static void layer_config(void) {
  tfl_module* m = NULL;
  FAILS(tfl_nn_linear_create(&m, -4, 2, true, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG, "in_features");
  FAILS(tfl_nn_dropout_create(&m, 2.0), TFL_ERR_LAYER_CONFIG, "[0, 1]");
  FAILS(tfl_nn_multi_head_attention_create(&m, 10, 3, true, false, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG, "num_heads");
  CHECK(m == NULL);
}

static void optimizer_and_serialization(void) {
  tfl_tensor* p = mk(TFL_DTYPE_F64, 1, S(2), V(1, 2));
  tfl_optimizer* adam = NULL;
  tfl_optimizer* sgd = NULL;
  char path[] = "/tmp/tfl_errors_classes_XXXXXX";
  OK(tfl_tensor_set_requires_grad(p, true));
  FAILS(tfl_optim_sgd_create(&sgd, (const tfl_tensor* const[]){p}, 1, -0.5, 0, 0, 0, false), TFL_ERR_OPTIMIZER,
        "lr must be >= 0");
  FAILS(tfl_optim_sgd_create(&sgd, (const tfl_tensor* const[]){p}, 1, 0.1, 0, 0, 0, true), TFL_ERR_OPTIMIZER, "nesterov");
  FAILS(tfl_optim_adam_create(&adam, (const tfl_tensor* const[]){p}, 1, 0.1, 1.0, 0.999, 1e-8, 0, false),
        TFL_ERR_OPTIMIZER, "beta1");
  if (!OK(tfl_optim_adam_create(&adam, (const tfl_tensor* const[]){p}, 1, 0.1, 0.9, 0.999, 1e-8, 0, false))) return;
  OK(tfl_tensor_set_grad(p, mk(TFL_DTYPE_F64, 1, S(2), V(1, 1))));
  OK(tfl_optimizer_step(adam));
  OK(tfl_optim_sgd_create(&sgd, (const tfl_tensor* const[]){p}, 1, 0.1, 0.9, 0, 0, false));
  if (temp_path(path)) {
    /* Adam's state does not fit an SGD with momentum: a mismatch, OptimizerError. */
    OK(tfl_optimizer_state_save(adam, path));
    FAILS(tfl_optimizer_state_load(sgd, path), TFL_ERR_OPTIMIZER, "key");
    /* Bytes that are not a safetensors file: SerializationError. */
    CHECK(write_file(path, "\x05\0\0\0\0\0\0\0{oops", 13));
    FAILS(tfl_optimizer_state_load(sgd, path), TFL_ERR_SERIALIZATION, "JSON");
    {
      tfl_safetensors* file = NULL;
      FAILS(tfl_safetensors_from_file(&file, path), TFL_ERR_SERIALIZATION, path);
      CHECK(file == NULL);
    }
    unlink(path);
    FAILS(tfl_optimizer_state_load(sgd, path), TFL_ERR_IO, path);
  }
  tfl_optimizer_release(adam);
  tfl_optimizer_release(sgd);
}

static void checkpoint(void) {
  tfl_module* a = NULL;
  tfl_module* b = NULL;
  const char* names[] = {"weight"};
  if (!OK(tfl_nn_linear_create(&a, 2, 3, false, TFL_DTYPE_F32))) return;
  OK(tfl_nn_linear_create(&b, 2, 4, false, TFL_DTYPE_F32));
  {
    tfl_tensor* w = NULL;
    OK(tfl_tensor_zeros(&w, S(3, 2), 2, TFL_DTYPE_F32));
    keep(w);
    FAILS(tfl_module_load_state_dict(NULL, NULL, b, names, (const tfl_tensor* const[]){w}, 1, true), TFL_ERR_CHECKPOINT,
          "'weight'");
    FAILS(tfl_module_load_state_dict(NULL, NULL, a, (const char* const[]){"bias"}, (const tfl_tensor* const[]){w}, 1,
                                     true),
          TFL_ERR_CHECKPOINT, "unexpected keys");
  }
  tfl_module_release(a);
  tfl_module_release(b);
}

static void numerical(void) {
  bool on = true;
  tfl_tensor* r = NULL;
  tfl_tensor* x = mk(TFL_DTYPE_F32, 1, S(2), V(-1, 4));
  OK(tfl_numerical_check_enabled(&on));
  CHECK(!on);
  OK(tfl_tensor_sqrt(&r, x)); /* off: NaN flows silently */
  keep(r);
  OK(tfl_numerical_check_set_enabled(true));
  OK(tfl_numerical_check_enabled(&on));
  CHECK(on);
  r = NULL;
  FAILS(tfl_tensor_sqrt(&r, x), TFL_ERR_NUMERICAL, "'sqrt'");
  CHECK(r == NULL);
  OK(tfl_numerical_check_set_enabled(false));
}

/* A hand-built .npy (version 1.0) of 5 little-endian int64 values, then loaders over it. */
static void data_loading(void) {
  char path[] = "/tmp/tfl_errors_classes_npy_XXXXXX";
  const char header[] = "{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }";
  unsigned char bytes[256];
  size_t n = 0, hl, pad, i;
  tfl_tensor* t = NULL;
  tfl_tensor* junk = NULL; /* out-parameter of the failing loads, so t stays loaded */
  tfl_tensor* x = mk(TFL_DTYPE_F32, 2, S(5, 2), V(0, 0, 1, 1, 2, 2, 3, 3, 4, 4));
  tfl_tensor* bad = mk(TFL_DTYPE_F32, 1, S(4), V(0, 1, 2, 3));
  tfl_dataloader* loader = NULL;
  int64_t len = 0;
  if (!temp_path(path)) return;
  memcpy(bytes, "\x93NUMPY\x01\x00", 8);
  hl = strlen(header);
  pad = (64 - (10 + hl + 1) % 64) % 64;
  bytes[8] = (unsigned char)((hl + pad + 1) & 0xff);
  bytes[9] = (unsigned char)((hl + pad + 1) >> 8);
  n = 10;
  memcpy(bytes + n, header, hl);
  n += hl;
  for (i = 0; i < pad; ++i) bytes[n++] = ' ';
  bytes[n++] = '\n';
  for (i = 0; i < 5; ++i) {
    int64_t v = (int64_t)(10 * i);
    memcpy(bytes + n, &v, 8);
    n += 8;
  }
  CHECK(write_file(path, bytes, n));
  if (OK(tfl_data_load_npy(&t, path))) {
    keep(t);
    EXPECT(t, TFL_DTYPE_I64, 1, S(5), V(0, 10, 20, 30, 40));
  }
  CHECK(write_file(path, bytes, n - 12)); /* truncated data */
  FAILS(tfl_data_load_npy(&junk, path), TFL_ERR_DATA_LOADING, "truncated");
  unlink(path);
  FAILS(tfl_data_load_npy(&junk, path), TFL_ERR_IO, path);

  FAILS(tfl_dataloader_create(&loader, (const tfl_tensor* const[]){x, bad}, 2, 2, false, 0, false), TFL_ERR_DATA_LOADING,
        "first dimension");
  FAILS(tfl_dataloader_create(&loader, (const tfl_tensor* const[]){x}, 1, 0, false, 0, false), TFL_ERR_DATA_LOADING,
        "batch_size");
  CHECK(loader == NULL);
  if (OK(tfl_dataloader_create(&loader, (const tfl_tensor* const[]){x, t}, 2, 2, true, 7, false))) {
    tfl_tensor* batch[2] = {NULL, NULL};
    size_t count = 0;
    int batches = 0;
    double sum = 0;
    OK(tfl_dataloader_len(&len, loader));
    CHECK(len == 3);
    for (;;) {
      int64_t rows = 0, k;
      if (!OK(tfl_dataloader_next(batch, &count, 2, loader)) || count == 0) break;
      CHECK(count == 2);
      ++batches;
      OK(tfl_tensor_numel(&rows, batch[1]));
      for (k = 0; k < rows; ++k) {
        double label = 0, feature = 0;
        OK(tfl_tensor_item_at(&label, batch[1], k));
        OK(tfl_tensor_item_at(&feature, batch[0], 2 * k));
        CHECK(feature * 10 == label); /* rows stay paired */
        sum += label;
      }
      tfl_tensor_release(batch[0]);
      tfl_tensor_release(batch[1]);
    }
    CHECK(batches == 3);
    CHECK(sum == 100);
    FAILS(tfl_dataloader_next(batch, &count, 1, loader), TFL_ERR_INVALID_ARGUMENT, "'capacity'");
    OK(tfl_dataloader_reset(loader));
    OK(tfl_dataloader_next(batch, &count, 2, loader));
    CHECK(count == 2);
    tfl_tensor_release(batch[0]);
    tfl_tensor_release(batch[1]);
    OK(tfl_dataloader_retain(loader));
    tfl_dataloader_release(loader);
    tfl_dataloader_release(loader);
  }
}

int main(void) {
  gradient();
  tensor_op();
  layer_config();
  optimizer_and_serialization();
  checkpoint();
  numerical();
  data_loading();
  release_all();
  return finish("errors_classes");
}
