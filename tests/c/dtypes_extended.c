/* The dtypes appended in 0.1 (int8, int16, uint16, uint32, uint64) through the C ABI: buffers in and
 * out, casts that wrap or saturate, mixed-sign promotion, sums, randint. Expected values from NumPy 2.4. */
#include <stdint.h>

#include "test_util.h"

static void codes(void) {
  CHECK(TFL_DTYPE_I8 == 8 && TFL_DTYPE_I16 == 9 && TFL_DTYPE_U16 == 10 && TFL_DTYPE_U32 == 11 && TFL_DTYPE_U64 == 12);
}

static void buffers_and_casts(void) {
  const uint64_t big[2] = {UINT64_MAX, (uint64_t)1 << 63};
  uint64_t back[2] = {0, 0};
  int8_t small[2] = {0, 0};
  tfl_tensor *u = NULL, *c = NULL;
  tfl_dtype dt = TFL_DTYPE_F32;
  if (!OK(tfl_tensor_from_buffer(&u, big, sizeof big, S(2), 1, TFL_DTYPE_U64))) return;
  keep(u);
  OK(tfl_tensor_dtype(&dt, u));
  CHECK(dt == TFL_DTYPE_U64);
  OK(tfl_tensor_copy_to_buffer(back, sizeof back, u));
  CHECK(back[0] == UINT64_MAX && back[1] == ((uint64_t)1 << 63));
  /* np.array([2**64-1, 2**63], np.uint64).astype(np.int8) == [-1, 0] */
  if (OK(tfl_tensor_to_dtype(&c, u, TFL_DTYPE_I8))) {
    keep(c);
    OK(tfl_tensor_copy_to_buffer(small, sizeof small, c));
    CHECK(small[0] == -1 && small[1] == 0);
  }
  /* float -> int saturates, NaN -> 0 (the documented rule; NumPy leaves it undefined) */
  EXPECT(mk(TFL_DTYPE_I16, 1, S(3), V(1e9, -1e9, NAN)), TFL_DTYPE_I16, 1, S(3), V(32767, -32768, 0));
  EXPECT(mk(TFL_DTYPE_U16, 1, S(2), V(-5, 65535)), TFL_DTYPE_U16, 1, S(2), V(0, 65535));
}

static void arithmetic(void) {
  tfl_tensor* r = NULL;
  /* int8 + uint8 -> int16 (array API): 100 + 200 == 300 */
  if (OK(tfl_tensor_add(&r, mk(TFL_DTYPE_I8, 1, S(1), V(100)), mk(TFL_DTYPE_U8, 1, S(1), V(200)))))
    EXPECT(keep(r), TFL_DTYPE_I16, 1, S(1), V(300));
  /* uint32 + int32 -> int64 */
  if (OK(tfl_tensor_add(&r, mk(TFL_DTYPE_U32, 1, S(1), V(4294967295.0)), mk(TFL_DTYPE_I32, 1, S(1), V(1)))))
    EXPECT(keep(r), TFL_DTYPE_I64, 1, S(1), V(4294967296.0));
  /* uint64 with a signed integer has no promotion */
  FAILS(tfl_tensor_add(&r, mk(TFL_DTYPE_U64, 1, S(1), V(1)), mk(TFL_DTYPE_I64, 1, S(1), V(1))), TFL_ERR_DTYPE,
        "uint64");
  /* uint16 wraps: 65535 * 65535 == 1 mod 2^16 */
  if (OK(tfl_tensor_mul(&r, mk(TFL_DTYPE_U16, 1, S(1), V(65535)), mk(TFL_DTYPE_U16, 1, S(1), V(65535)))))
    EXPECT(keep(r), TFL_DTYPE_U16, 1, S(1), V(1));
  /* sum of int8 is int64: 127 * 3 == 381 */
  if (OK(tfl_tensor_sum(&r, mk(TFL_DTYPE_I8, 1, S(3), V(127, 127, 127))))) EXPECT(keep(r), TFL_DTYPE_I64, 0, S(1), V(381));
}

static void random_ints(void) {
  tfl_tensor* r = NULL;
  int8_t v[64];
  int i, ok = 1;
  if (OK(tfl_tensor_randint(&r, S(64), 1, -3, 3, TFL_DTYPE_I8))) {
    keep(r);
    OK(tfl_tensor_copy_to_buffer(v, sizeof v, r));
    for (i = 0; i < 64; ++i) ok &= v[i] >= -3 && v[i] < 3;
    CHECK(ok);
  }
  FAILS(tfl_tensor_randint(&r, S(2), 1, 0, 300, TFL_DTYPE_I8), TFL_ERR_INVALID_ARGUMENT, "int8");
}

int main(void) {
  codes();
  buffers_and_casts();
  arithmetic();
  random_ints();
  release_all();
  return finish("dtypes_extended");
}
