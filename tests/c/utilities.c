/* Utilities through the C API: broadcast checks, dtype introspection, tensor bytes and their human
 * form, and the tensor summary (out-params and JSON), against values worked out by hand. */
#include <stdint.h>

#include "test_util.h"

static void broadcasting(void) {
  int64_t out[8] = {0};
  size_t nd = 99;
  bool b = false;
  OK(tfl_broadcast_shape(out, &nd, 8, S(2, 1, 4), 3, S(3, 1), 2));
  CHECK(nd == 3 && out[0] == 2 && out[1] == 3 && out[2] == 4);
  OK(tfl_broadcast_shape(out, &nd, 8, NULL, 0, S(5, 0), 2));
  CHECK(nd == 2 && out[0] == 5 && out[1] == 0);
  OK(tfl_broadcast_shape(NULL, &nd, 0, NULL, 0, NULL, 0));
  CHECK(nd == 0);
  FAILS(tfl_broadcast_shape(out, &nd, 8, S(2, 3), 2, S(2), 1), TFL_ERR_SHAPE, "2x3");
  FAILS(tfl_broadcast_shape(out, &nd, 1, S(2, 3), 2, S(3), 1), TFL_ERR_INVALID_ARGUMENT, "'capacity'");
  FAILS(tfl_broadcast_shape(out, &nd, 8, S(-2), 1, S(3), 1), TFL_ERR_SHAPE, "negative size -2");
  OK(tfl_is_broadcastable(&b, S(2, 3), 2, S(3), 1));
  CHECK(b);
  OK(tfl_is_broadcastable(&b, S(2, 3), 2, S(2), 1));
  CHECK(!b);
  OK(tfl_is_broadcastable(&b, S(0), 1, S(1), 1));
  CHECK(b);
  FAILS(tfl_is_broadcastable(&b, NULL, 1, S(1), 1), TFL_ERR_INVALID_ARGUMENT, "'a'");
}

static void dtypes(void) {
  static const tfl_dtype all[13] = {TFL_DTYPE_F32, TFL_DTYPE_F64, TFL_DTYPE_F16, TFL_DTYPE_BF16, TFL_DTYPE_I32,
                                    TFL_DTYPE_I64, TFL_DTYPE_U8,  TFL_DTYPE_BOOL, TFL_DTYPE_I8,  TFL_DTYPE_I16,
                                    TFL_DTYPE_U16, TFL_DTYPE_U32, TFL_DTYPE_U64};
  static const size_t sizes[13] = {4, 8, 2, 2, 4, 8, 1, 1, 1, 2, 2, 4, 8};
  static const int floating[13] = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                   integer[13] = {0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1},
                   is_signed[13] = {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0};
  /* numpy.can_cast(from, to, "safe") (NumPy 2.4), rows = from, columns = to in the order of `all`; except
     i64/u64 -> f64, which NumPy calls safe but which rounds; bf16 by its 8-bit significand */
  static const int safe[13][13] = {
      {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0},
      {1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
      {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0}, {1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0},
      {1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1}, {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
  int i, j;
  size_t sz = 0;
  bool b = false;
  tfl_dtype r = TFL_DTYPE_BOOL;
  for (i = 0; i < 13; ++i) {
    OK(tfl_dtype_size(&sz, all[i]));
    CHECK(sz == sizes[i]);
    OK(tfl_dtype_is_floating_point(&b, all[i]));
    CHECK(b == (floating[i] != 0));
    OK(tfl_dtype_is_integer(&b, all[i]));
    CHECK(b == (integer[i] != 0));
    OK(tfl_dtype_is_signed(&b, all[i]));
    CHECK(b == (is_signed[i] != 0));
    for (j = 0; j < 13; ++j) {
      OK(tfl_dtype_can_cast(&b, all[i], all[j]));
      if (b != (safe[i][j] != 0)) {
        ++failures;
        fprintf(stderr, "can_cast %d -> %d: %d\n", i, j, (int)b);
      }
    }
  }
  OK(tfl_dtype_result_type(&r, TFL_DTYPE_U8, TFL_DTYPE_I32));
  CHECK(r == TFL_DTYPE_I32);
  OK(tfl_dtype_result_type(&r, TFL_DTYPE_F16, TFL_DTYPE_F32));
  CHECK(r == TFL_DTYPE_F32);
  OK(tfl_dtype_result_type(&r, TFL_DTYPE_BOOL, TFL_DTYPE_BOOL));
  CHECK(r == TFL_DTYPE_BOOL);
  /* mixed signs: the smallest signed type holding both (array API table); u64 with signed is undefined */
  OK(tfl_dtype_result_type(&r, TFL_DTYPE_I8, TFL_DTYPE_U8));
  CHECK(r == TFL_DTYPE_I16);
  OK(tfl_dtype_result_type(&r, TFL_DTYPE_U16, TFL_DTYPE_I16));
  CHECK(r == TFL_DTYPE_I32);
  OK(tfl_dtype_result_type(&r, TFL_DTYPE_U32, TFL_DTYPE_I32));
  CHECK(r == TFL_DTYPE_I64);
  OK(tfl_dtype_result_type(&r, TFL_DTYPE_U64, TFL_DTYPE_U8));
  CHECK(r == TFL_DTYPE_U64);
  FAILS(tfl_dtype_result_type(&r, TFL_DTYPE_U64, TFL_DTYPE_I8), TFL_ERR_DTYPE, "uint64");
  FAILS(tfl_dtype_size(&sz, (tfl_dtype)13), TFL_ERR_INVALID_ARGUMENT, "'dtype'");
  FAILS(tfl_dtype_result_type(&r, TFL_DTYPE_I32, TFL_DTYPE_F32), TFL_ERR_DTYPE, "result_type");
  FAILS(tfl_dtype_result_type(&r, TFL_DTYPE_F16, TFL_DTYPE_BF16), TFL_ERR_DTYPE, "result_type");
  FAILS(tfl_dtype_size(&sz, (tfl_dtype)42), TFL_ERR_INVALID_ARGUMENT, "'dtype'");
  FAILS(tfl_dtype_can_cast(&b, TFL_DTYPE_F32, (tfl_dtype)-1), TFL_ERR_INVALID_ARGUMENT, "'to'");
}

static void bytes_and_summary(void) {
  tfl_tensor* t = mk(TFL_DTYPE_F32, 2, S(2, 4), V(-1, 2, NAN, 4.5, INFINITY, 0.5, -INFINITY, NAN));
  int64_t nbytes = 0, nan_count = -1, inf_count = -1;
  double mn = 0, mx = 0, mean = 0, sd = 0;
  char buf[512];
  size_t len = 0;
  OK(tfl_tensor_nbytes(&nbytes, t));
  CHECK(nbytes == 32);
  OK(tfl_tensor_nbytes(&nbytes, mk(TFL_DTYPE_BF16, 1, S(0), V(0))));
  CHECK(nbytes == 0);
  /* finite elements -1, 2, 4.5, 0.5: mean 1.5, population variance 16.5 / 4 */
  OK(tfl_tensor_summary(&mn, &mx, &mean, &sd, &nan_count, &inf_count, t));
  CHECK(mn == -1 && mx == 4.5 && fabs(mean - 1.5) < 1e-12 && fabs(sd - sqrt(4.125)) < 1e-12);
  CHECK(nan_count == 2 && inf_count == 2);
  OK(tfl_tensor_summary(&mn, &mx, &mean, &sd, &nan_count, &inf_count, mk(TFL_DTYPE_I32, 1, S(0), V(0))));
  CHECK(isnan(mn) && isnan(mx) && isnan(mean) && isnan(sd) && nan_count == 0 && inf_count == 0);
  FAILS(tfl_tensor_summary(&mn, &mx, &mean, NULL, &nan_count, &inf_count, t), TFL_ERR_INVALID_ARGUMENT, "'out_std'");

  OK(tfl_format_bytes(NULL, &len, 0, 1536));
  CHECK(len == strlen("1.50 KiB (1536 bytes)"));
  OK(tfl_format_bytes(buf, &len, sizeof buf, 1536));
  CHECK(strcmp(buf, "1.50 KiB (1536 bytes)") == 0);
  OK(tfl_format_bytes(buf, &len, sizeof buf, 512));
  CHECK(strcmp(buf, "512 bytes") == 0);
  OK(tfl_format_bytes(buf, &len, sizeof buf, (int64_t)3 << 30));
  CHECK(strcmp(buf, "3.00 GiB (3221225472 bytes)") == 0);
  FAILS(tfl_format_bytes(buf, &len, 5, 1536), TFL_ERR_INVALID_ARGUMENT, "'capacity'");
  FAILS(tfl_format_bytes(NULL, &len, 4, 1), TFL_ERR_INVALID_ARGUMENT, "'out'");

  {
    const char* want =
        "{\"shape\": [1, 2], \"dtype\": \"float64\", \"device\": \"cpu\", \"numel\": 2, \"bytes\": 16, "
        "\"bytes_human\": \"16 bytes\", \"min\": 1, \"max\": 3, \"mean\": 2, \"std\": 1, \"nan_count\": 0, "
        "\"inf_count\": 0}";
    tfl_tensor* u = mk(TFL_DTYPE_F64, 2, S(1, 2), V(1, 3));
    OK(tfl_tensor_summary_json(NULL, &len, 0, u));
    CHECK(len == strlen(want));
    OK(tfl_tensor_summary_json(buf, &len, sizeof buf, u));
    CHECK(strcmp(buf, want) == 0);
    if (strcmp(buf, want) != 0) fprintf(stderr, "got %s\n", buf);
    FAILS(tfl_tensor_summary_json(buf, &len, 10, u), TFL_ERR_INVALID_ARGUMENT, "'capacity'");
    OK(tfl_tensor_summary_json(buf, &len, sizeof buf, t));
    CHECK(strstr(buf, "\"nan_count\": 2, \"inf_count\": 2") != NULL);
  }
}

int main(void) {
  broadcasting();
  dtypes();
  bytes_and_summary();
  return finish("utilities");
}
