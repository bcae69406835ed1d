/* Cost of a 1-element tfl_tensor_add through the C ABI, allocation and release of the result
 * included: the fixed overhead every op pays (argument checks, dispatch, allocation, handle, refcount). */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <time.h>

#include <tenflowers/tenflowers.h>

static double now_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(void) {
  const int64_t one[1] = {1};
  const int iters = 200000, reps = 7;
  tfl_tensor *a = NULL, *b = NULL;
  /* Wall time, and this thread's CPU time, which leaves out time the thread was preempted (the
   * benchmark machine may be shared). */
  double best = 1e30, best_cpu = 1e30;
  int r, i;
  if (tfl_tensor_full(&a, one, 1, 1.5, TFL_DTYPE_F32) != TFL_OK || tfl_tensor_full(&b, one, 1, 2.0, TFL_DTYPE_F32) != TFL_OK) {
    fprintf(stderr, "setup failed: %s\n", tfl_last_error_message());
    return 1;
  }
  for (r = 0; r < reps; ++r) {
    double t0 = now_ns(CLOCK_MONOTONIC), c0 = now_ns(CLOCK_THREAD_CPUTIME_ID), per, per_cpu;
    for (i = 0; i < iters; ++i) {
      tfl_tensor* c = NULL;
      if (tfl_tensor_add(&c, a, b) != TFL_OK) {
        fprintf(stderr, "add failed: %s\n", tfl_last_error_message());
        return 1;
      }
      tfl_tensor_release(c);
    }
    per = (now_ns(CLOCK_MONOTONIC) - t0) / iters;
    per_cpu = (now_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / iters;
    if (per < best) best = per;
    if (per_cpu < best_cpu) best_cpu = per_cpu;
  }
  printf("capi_add_bench: tfl_tensor_add, 1 element f32, result allocated and released: %.1f ns/op wall, "
         "%.1f ns/op thread CPU (best of %d x %d)\n",
         best, best_cpu, reps, iters);
  tfl_tensor_release(a);
  tfl_tensor_release(b);
  return 0;
}
