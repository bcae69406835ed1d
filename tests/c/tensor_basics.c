/* Plain C99 use of the tensor functions: creation, inspection, copies, errors, external memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tenflowers/tenflowers.h>

static int failures = 0, passes = 0;
#define CHECK(cond)                                                   \
  do {                                                                \
    if (cond) {                                                       \
      ++passes;                                                       \
    } else {                                                          \
      ++failures;                                                     \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                 \
  } while (0)

static int deleter_calls = 0;
static void count_deleter(void* data, void* user_data) {
  (void)data;
  deleter_calls += *(int*)user_data;
}

int main(void) {
  const int64_t shape[2] = {2, 3};
  const float values[6] = {1, 2, 3, 4, 5, 6};
  tfl_tensor* t = NULL;
  CHECK(tfl_tensor_from_buffer(&t, values, sizeof values, shape, 2, TFL_DTYPE_F32) == TFL_OK);
  size_t ndim = 0;
  int64_t dims[4] = {0};
  int64_t numel = 0;
  tfl_dtype dt = TFL_DTYPE_BOOL;
  CHECK(tfl_tensor_ndim(&ndim, t) == TFL_OK && ndim == 2);
  CHECK(tfl_tensor_shape(dims, 4, t) == TFL_OK && dims[0] == 2 && dims[1] == 3);
  CHECK(tfl_tensor_numel(&numel, t) == TFL_OK && numel == 6);
  CHECK(tfl_tensor_dtype(&dt, t) == TFL_OK && dt == TFL_DTYPE_F32);
  double v = 0;
  CHECK(tfl_tensor_item_at(&v, t, 4) == TFL_OK && v == 5.0);
  CHECK(tfl_tensor_item_at(&v, t, 6) == TFL_ERR_INDEX);
  CHECK(strstr(tfl_last_error_message(), "index 6") != NULL);

  /* Casting to i32 truncates toward zero; copying out gives row-major bytes. */
  tfl_tensor* half = NULL;
  CHECK(tfl_tensor_full(&half, shape, 2, 2.75, TFL_DTYPE_F64) == TFL_OK);
  tfl_tensor* ints = NULL;
  CHECK(tfl_tensor_to_dtype(&ints, half, TFL_DTYPE_I32) == TFL_OK);
  int32_t out_ints[6] = {0};
  CHECK(tfl_tensor_copy_to_buffer(out_ints, sizeof out_ints, ints) == TFL_OK && out_ints[5] == 2);
  CHECK(tfl_tensor_copy_to_buffer(out_ints, 3, ints) == TFL_ERR_INVALID_ARGUMENT);
  CHECK(strstr(tfl_last_error_message(), "'nbytes'") != NULL);

  /* Errors: NULL out, bad dtype, negative size; *out is NULL after a failure. */
  tfl_tensor* bad = (tfl_tensor*)&failures;
  CHECK(tfl_tensor_zeros(NULL, shape, 2, TFL_DTYPE_F32) == TFL_ERR_INVALID_ARGUMENT);
  CHECK(strstr(tfl_last_error_message(), "'out'") != NULL);
  CHECK(tfl_tensor_zeros(&bad, shape, 2, (tfl_dtype)42) == TFL_ERR_INVALID_ARGUMENT && bad == NULL);
  CHECK(strstr(tfl_last_error_message(), "'dtype'") != NULL);
  const int64_t negative[1] = {-3};
  CHECK(tfl_tensor_ones(&bad, negative, 1, TFL_DTYPE_F32) == TFL_ERR_SHAPE && bad == NULL);
  CHECK(strcmp(tfl_status_name(TFL_ERR_SHAPE), "TFL_ERR_SHAPE") == 0);

  /* External memory: no copy, and the deleter runs exactly once, at the last release. */
  float* ext = (float*)malloc(4 * sizeof(float));
  ext[0] = 7;
  int one = 1;
  tfl_tensor* wrapped = NULL;
  const int64_t four[1] = {4};
  CHECK(tfl_tensor_from_external(&wrapped, ext, four, 1, NULL, TFL_DTYPE_F32, count_deleter, &one) == TFL_OK);
  void* data = NULL;
  CHECK(tfl_tensor_data(&data, wrapped) == TFL_OK && data == ext);
  CHECK(tfl_tensor_retain(wrapped) == TFL_OK);
  tfl_tensor_release(wrapped);
  CHECK(deleter_calls == 0);
  tfl_tensor_release(wrapped);
  CHECK(deleter_calls == 1);
  free(ext);
  /* ...and exactly once when creation fails. */
  CHECK(tfl_tensor_from_external(&wrapped, NULL, four, 1, NULL, (tfl_dtype)99, count_deleter, &one) ==
        TFL_ERR_INVALID_ARGUMENT);
  CHECK(deleter_calls == 2);

  const char* info = NULL;
  CHECK(tfl_library_build_info(&info) == TFL_OK && strstr(info, "blas_core") != NULL);
  CHECK(strcmp(tfl_version(), TFL_VERSION_STRING) == 0);
  CHECK(tfl_version_abi() == TFL_VERSION_MAJOR * 1000 + TFL_VERSION_MINOR);

  tfl_tensor_release(t);
  tfl_tensor_release(half);
  tfl_tensor_release(ints);
  tfl_tensor_release(NULL);
  printf("%d passed, %d failed\n", passes, failures);
  return failures == 0 ? 0 : 1;
}
