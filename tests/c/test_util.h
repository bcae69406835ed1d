/* Helpers shared by the plain C test programs: checks, tensor construction from double literals,
 * value comparison against expectations computed in the test, and a pool that releases every tensor
 * at exit (so valgrind sees no leak). Plain C99; only the public header. */
#ifndef TFL_TESTS_C_TEST_UTIL_H
#define TFL_TESTS_C_TEST_UTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tenflowers/tenflowers.h>

static int failures = 0, passes = 0;
#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (cond) {                                                                      \
      ++passes;                                                                      \
    } else {                                                                         \
      ++failures;                                                                    \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
    }                                                                                \
  } while (0)

/* Literal arrays: V(1, 2, 3) doubles, S(2, 3) sizes. */
#define V(...) ((const double[]){__VA_ARGS__})
#define S(...) ((const int64_t[]){__VA_ARGS__})

#define POOL_MAX 4096
static tfl_tensor* pool_[POOL_MAX];
static int npool_ = 0;
/* Keeps t until release_all(); returns t. */
static inline tfl_tensor* keep(tfl_tensor* t) {
  if (t != NULL && npool_ < POOL_MAX) pool_[npool_++] = t;
  return t;
}
static inline void release_all(void) {
  while (npool_ > 0) tfl_tensor_release(pool_[--npool_]);
}

/* Checks that a call succeeded, printing the library's message when it did not. */
static inline int ok_(tfl_status st, const char* call, const char* file, int line) {
  if (st == TFL_OK) {
    ++passes;
    return 1;
  }
  ++failures;
  fprintf(stderr, "%s:%d: %s failed: %s: %s\n", file, line, call, tfl_status_name(st), tfl_last_error_message());
  return 0;
}
#define OK(call) ok_((call), #call, __FILE__, __LINE__)

/* Checks that a call failed with `code` and a message containing `needle`. */
static inline void fails_(tfl_status st, tfl_status code, const char* needle, const char* call, const char* file, int line) {
  if (st == code && strstr(tfl_last_error_message(), needle) != NULL) {
    ++passes;
  } else {
    ++failures;
    fprintf(stderr, "%s:%d: %s: expected %s with '%s', got %s: '%s'\n", file, line, call, tfl_status_name(code),
            needle, tfl_status_name(st), tfl_last_error_message());
  }
}
#define FAILS(call, code, needle) fails_((call), (code), (needle), #call, __FILE__, __LINE__)

/* A new tensor (kept in the pool) with the given values, built as f64 and cast to dtype. */
static inline tfl_tensor* mk(tfl_dtype dtype, size_t ndim, const int64_t* shape, const double* values) {
  int64_t n = 1;
  size_t i;
  tfl_tensor *t64 = NULL, *t = NULL;
  for (i = 0; i < ndim; ++i) n *= shape[i];
  if (!OK(tfl_tensor_from_buffer(&t64, values, (size_t)n * sizeof(double), shape, ndim, TFL_DTYPE_F64))) return NULL;
  if (dtype == TFL_DTYPE_F64) return keep(t64);
  OK(tfl_tensor_to_dtype(&t, t64, dtype));
  tfl_tensor_release(t64);
  return keep(t);
}

/* Compares dtype, shape and values (row-major) of t; NaN matches NaN, tol is absolute + relative. */
static inline void expect_(const tfl_tensor* t, tfl_dtype dtype, size_t ndim, const int64_t* shape, const double* values,
                    double tol, const char* what, const char* file, int line) {
  tfl_dtype dt;
  size_t nd = 0, i;
  int64_t dims[16] = {0}, n = 1, k;
  int bad = 0;
  if (t == NULL) {
    ++failures;
    fprintf(stderr, "%s:%d: %s: no tensor\n", file, line, what);
    return;
  }
  if (tfl_tensor_dtype(&dt, t) != TFL_OK || dt != dtype) {
    fprintf(stderr, "%s:%d: %s: dtype %d, expected %d\n", file, line, what, (int)dt, (int)dtype);
    bad = 1;
  }
  if (tfl_tensor_ndim(&nd, t) != TFL_OK || nd != ndim || tfl_tensor_shape(dims, 16, t) != TFL_OK) {
    fprintf(stderr, "%s:%d: %s: ndim %d, expected %d\n", file, line, what, (int)nd, (int)ndim);
    bad = 1;
  } else {
    for (i = 0; i < ndim; ++i)
      if (dims[i] != shape[i]) {
        fprintf(stderr, "%s:%d: %s: size %d of axis %d, expected %d\n", file, line, what, (int)dims[i], (int)i,
                (int)shape[i]);
        bad = 1;
      }
  }
  for (i = 0; i < ndim; ++i) n *= shape[i];
  for (k = 0; !bad && k < n; ++k) {
    double v = 0, e = values[k];
    if (tfl_tensor_item_at(&v, t, k) != TFL_OK) {
      bad = 1;
      break;
    }
    if (isnan(e) ? !isnan(v) : !(fabs(v - e) <= tol + tol * fabs(e))) {
      fprintf(stderr, "%s:%d: %s: element %d is %.9g, expected %.9g\n", file, line, what, (int)k, v, e);
      bad = 1;
    }
  }
  if (bad) ++failures; else ++passes;
}
#define EXPECT(t, dtype, ndim, shape, values) expect_((t), (dtype), (ndim), (shape), (values), 0.0, #t, __FILE__, __LINE__)
#define EXPECT_NEAR(t, dtype, ndim, shape, values, tol) \
  expect_((t), (dtype), (ndim), (shape), (values), (tol), #t, __FILE__, __LINE__)

/* Row-major values of t as doubles into a caller array of at least numel entries. */
static inline void values_of(const tfl_tensor* t, double* out, int64_t n) {
  int64_t k;
  for (k = 0; k < n; ++k)
    if (tfl_tensor_item_at(&out[k], t, k) != TFL_OK) out[k] = NAN;
}

static inline int finish(const char* name) {
  release_all();
  printf("%s: %d passed, %d failed\n", name, passes, failures);
  return failures == 0 ? 0 : 1;
}

#endif
