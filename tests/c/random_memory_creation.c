/* Plain C99 checks of random sampling (reproducibility, ranges, moments), the memory counters, and the
 * remaining creation functions (empty, *_like, scalar, linspace, eye, clone, fill, copy). */
#include "test_util.h"

static int same_values(const tfl_tensor* a, const tfl_tensor* b, int64_t n) {
  double x[64], y[64];
  int64_t k;
  values_of(a, x, n);
  values_of(b, y, n);
  for (k = 0; k < n; ++k)
    if (x[k] != y[k]) return 0;
  return 1;
}

static void test_random(void) {
  tfl_tensor *a = NULL, *b = NULL, *r = NULL;
  uint64_t seed = 0, offset = 0;
  double v[4096];
  int k;
  /* seeding replays; a saved state replays too */
  CHECK(tfl_random_seed(42) == TFL_OK);
  if (OK(tfl_tensor_rand(&a, S(8), 1, TFL_DTYPE_F32))) keep(a);
  CHECK(tfl_random_seed(42) == TFL_OK);
  if (OK(tfl_tensor_rand(&b, S(8), 1, TFL_DTYPE_F32))) keep(b);
  CHECK(a && b && same_values(a, b, 8));
  if (OK(tfl_random_state(&seed, &offset))) CHECK(seed == 42 && offset > 0);
  if (OK(tfl_tensor_randn(&a, S(16), 1, TFL_DTYPE_F64))) keep(a);
  CHECK(tfl_random_set_state(seed, offset) == TFL_OK);
  if (OK(tfl_tensor_randn(&b, S(16), 1, TFL_DTYPE_F64))) keep(b);
  CHECK(a && b && same_values(a, b, 16));
  /* ranges and moments over 4096 draws */
  if (OK(tfl_tensor_uniform(&r, S(4096), 1, -2.0, 3.0, TFL_DTYPE_F64))) {
    double lo = 1e9, hi = -1e9, mean = 0;
    values_of(keep(r), v, 4096);
    for (k = 0; k < 4096; ++k) {
      lo = v[k] < lo ? v[k] : lo;
      hi = v[k] > hi ? v[k] : hi;
      mean += v[k] / 4096;
    }
    CHECK(lo >= -2.0 && hi < 3.0 && fabs(mean - 0.5) < 0.15); /* sd of the mean: 5 / sqrt(12 * 4096) = 0.023 */
  }
  if (OK(tfl_tensor_normal(&r, S(4096), 1, 10.0, 2.0, TFL_DTYPE_F32))) {
    double mean = 0, var = 0;
    values_of(keep(r), v, 4096);
    for (k = 0; k < 4096; ++k) mean += v[k] / 4096;
    for (k = 0; k < 4096; ++k) var += (v[k] - mean) * (v[k] - mean) / 4095;
    CHECK(fabs(mean - 10.0) < 0.2 && fabs(sqrt(var) - 2.0) < 0.2);
  }
  if (OK(tfl_tensor_randint(&r, S(64, 64), 2, -3, 4, TFL_DTYPE_I32))) {
    int seen[7] = {0}, bad = 0;
    values_of(keep(r), v, 4096);
    for (k = 0; k < 4096; ++k) {
      if (v[k] < -3 || v[k] > 3 || v[k] != floor(v[k])) bad = 1;
      else seen[(int)v[k] + 3] = 1;
    }
    CHECK(!bad);
    for (k = 0; k < 7; ++k) CHECK(seen[k]);
  }
  if (OK(tfl_tensor_bernoulli(&r, S(4096), 1, 0.25, TFL_DTYPE_BOOL))) {
    double ones = 0;
    values_of(keep(r), v, 4096);
    for (k = 0; k < 4096; ++k) ones += v[k];
    CHECK(fabs(ones / 4096 - 0.25) < 0.05);
  }
  /* probabilities 0 and 1 are certain */
  if (OK(tfl_tensor_bernoulli_probs(&r, mk(TFL_DTYPE_F32, 1, S(4), V(0, 1, 1, 0)), TFL_DTYPE_F32)))
    EXPECT(keep(r), TFL_DTYPE_F32, 1, S(4), V(0, 1, 1, 0));
  FAILS(tfl_tensor_bernoulli(&r, S(2), 1, 1.5, TFL_DTYPE_F32), TFL_ERR_INVALID_ARGUMENT, "tfl_tensor_bernoulli");
  FAILS(tfl_tensor_rand(&r, S(2), 1, TFL_DTYPE_I32), TFL_ERR_DTYPE, "tfl_tensor_rand");
  {
    tfl_tensor* like = mk(TFL_DTYPE_F64, 2, S(3, 5), V(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    double lo = 1, hi = 0;
    if (OK(tfl_tensor_rand_like(&r, like))) {
      EXPECT_NEAR(keep(r), TFL_DTYPE_F64, 2, S(3, 5), V(0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5), 1.0);
      values_of(r, v, 15);
      for (k = 0; k < 15; ++k) {
        lo = v[k] < lo ? v[k] : lo;
        hi = v[k] > hi ? v[k] : hi;
      }
      CHECK(lo >= 0 && hi < 1);
    }
    if (OK(tfl_tensor_randn_like(&r, like))) {
      tfl_dtype dt;
      CHECK(tfl_tensor_dtype(&dt, keep(r)) == TFL_OK && dt == TFL_DTYPE_F64);
    }
    if (OK(tfl_tensor_uniform_inplace(like, 5.0, 6.0))) {
      values_of(like, v, 15);
      for (k = 0; k < 15; ++k) CHECK(v[k] >= 5.0 && v[k] < 6.0);
    }
    if (OK(tfl_tensor_normal_inplace(like, 0.0, 0.0))) /* std 0: exactly the mean */
      EXPECT(like, TFL_DTYPE_F64, 2, S(3, 5), V(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  }
}

static void test_memory(void) {
  int64_t before = 0, after = 0, stats[10], allocs = 0;
  size_t events = 0;
  tfl_tensor* t = NULL;
  CHECK(tfl_memory_stat(&before, TFL_MEMORY_LIVE_BYTES) == TFL_OK);
  CHECK(tfl_memory_stat(&allocs, TFL_MEMORY_ALLOCATIONS) == TFL_OK);
  if (OK(tfl_tensor_zeros(&t, S(1000), 1, TFL_DTYPE_F64))) {
    CHECK(tfl_memory_stat(&after, TFL_MEMORY_LIVE_BYTES) == TFL_OK && after >= before + 8000);
    tfl_tensor_release(t);
  }
  CHECK(tfl_memory_stat(&after, TFL_MEMORY_LIVE_BYTES) == TFL_OK && after == before);
  /* the array form: counters by number, -1 beyond the known ones */
  if (OK(tfl_memory_stats(stats, 10))) {
    CHECK(stats[TFL_MEMORY_LIVE_BYTES] == after && stats[TFL_MEMORY_ALLOCATIONS] > allocs);
    CHECK(stats[TFL_MEMORY_PEAK_BYTES] >= before + 8000 && stats[8] == -1 && stats[9] == -1);
  }
  FAILS(tfl_memory_stat(&after, (tfl_memory_counter)99), TFL_ERR_INVALID_ARGUMENT, "'counter'");
  CHECK(tfl_memory_reset_peak() == TFL_OK);
  CHECK(tfl_memory_stat(&after, TFL_MEMORY_PEAK_BYTES) == TFL_OK && after == before);
  /* a limit makes big allocations fail with OUT_OF_MEMORY; 0 lifts it */
  CHECK(tfl_memory_set_limit(before + 4096) == TFL_OK);
  t = (tfl_tensor*)&failures;
  FAILS(tfl_tensor_zeros(&t, S(100000), 1, TFL_DTYPE_F64), TFL_ERR_OUT_OF_MEMORY, "tfl_tensor_zeros");
  CHECK(t == NULL);
  CHECK(tfl_memory_stat(&after, TFL_MEMORY_LIMIT_BYTES) == TFL_OK && after == before + 4096);
  CHECK(tfl_memory_set_limit(0) == TFL_OK);
  FAILS(tfl_memory_set_limit(-1), TFL_ERR_INVALID_ARGUMENT, "'bytes'");
  /* the event log: one alloc and one free per tensor while enabled */
  CHECK(tfl_memory_clear_events() == TFL_OK);
  CHECK(tfl_memory_set_event_log(true) == TFL_OK);
  if (OK(tfl_tensor_ones(&t, S(64), 1, TFL_DTYPE_F32))) tfl_tensor_release(t);
  CHECK(tfl_memory_set_event_log(false) == TFL_OK);
  CHECK(tfl_memory_event_count(&events) == TFL_OK && events == 2);
  CHECK(tfl_memory_clear_events() == TFL_OK);
  CHECK(tfl_memory_event_count(&events) == TFL_OK && events == 0);
  CHECK(tfl_memory_empty_cache() == TFL_OK);
  CHECK(tfl_memory_stat(&after, TFL_MEMORY_CACHED_BYTES) == TFL_OK && after == 0);
}

static void test_creation(void) {
  tfl_tensor *x = mk(TFL_DTYPE_I32, 2, S(2, 2), V(1, 2, 3, 4)), *r = NULL, *c = NULL;
  size_t nd = 9;
  if (OK(tfl_tensor_empty(&r, S(3, 0), 2, TFL_DTYPE_F16))) EXPECT(keep(r), TFL_DTYPE_F16, 2, S(3, 0), NULL);
  if (OK(tfl_tensor_empty_like(&r, x))) CHECK(tfl_tensor_ndim(&nd, keep(r)) == TFL_OK && nd == 2);
  if (OK(tfl_tensor_zeros_like(&r, x))) EXPECT(keep(r), TFL_DTYPE_I32, 2, S(2, 2), V(0, 0, 0, 0));
  if (OK(tfl_tensor_ones_like(&r, x))) EXPECT(keep(r), TFL_DTYPE_I32, 2, S(2, 2), V(1, 1, 1, 1));
  if (OK(tfl_tensor_full_like(&r, x, 7.9))) EXPECT(keep(r), TFL_DTYPE_I32, 2, S(2, 2), V(7, 7, 7, 7));
  if (OK(tfl_tensor_scalar(&r, -2.5, TFL_DTYPE_F64))) EXPECT(keep(r), TFL_DTYPE_F64, 0, NULL, V(-2.5));
  if (OK(tfl_tensor_linspace(&r, 0, 1, 5, true, TFL_DTYPE_F64)))
    EXPECT(keep(r), TFL_DTYPE_F64, 1, S(5), V(0, 0.25, 0.5, 0.75, 1));
  if (OK(tfl_tensor_linspace(&r, 0, 1, 4, false, TFL_DTYPE_F32)))
    EXPECT(keep(r), TFL_DTYPE_F32, 1, S(4), V(0, 0.25, 0.5, 0.75));
  if (OK(tfl_tensor_eye(&r, 2, 3, 1, TFL_DTYPE_U8))) EXPECT(keep(r), TFL_DTYPE_U8, 2, S(2, 3), V(0, 1, 0, 0, 0, 1));
  if (OK(tfl_tensor_eye(&r, 2, -1, 0, TFL_DTYPE_F32))) EXPECT(keep(r), TFL_DTYPE_F32, 2, S(2, 2), V(1, 0, 0, 1));
  FAILS(tfl_tensor_eye(&r, -1, 2, 0, TFL_DTYPE_F32), TFL_ERR_INVALID_ARGUMENT, "n must be >= 0");
  /* clone is independent; fill and copy write in place */
  if (OK(tfl_tensor_clone(&c, x))) {
    keep(c);
    CHECK(tfl_tensor_fill_inplace(x, 5) == TFL_OK);
    EXPECT(x, TFL_DTYPE_I32, 2, S(2, 2), V(5, 5, 5, 5));
    EXPECT(c, TFL_DTYPE_I32, 2, S(2, 2), V(1, 2, 3, 4));
    CHECK(tfl_tensor_copy_inplace(x, mk(TFL_DTYPE_F64, 1, S(2), V(-1.5, 9))) == TFL_OK);
    EXPECT(x, TFL_DTYPE_I32, 2, S(2, 2), V(-1, 9, -1, 9));
    FAILS(tfl_tensor_copy_inplace(x, mk(TFL_DTYPE_F64, 1, S(3), V(1, 2, 3))), TFL_ERR_SHAPE, "tfl_tensor_copy_inplace");
  }
}

int main(void) {
  test_random();
  test_memory();
  test_creation();
  return finish("random_memory_creation");
}
