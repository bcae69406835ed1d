/* The C ABI side of the per-op overhead cases: the same line protocol as the C++ worker
 * (bench/README.md), every op through libtenflowers' public functions, result allocated and released. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tenflowers/tenflowers.h>

typedef int (*RunFn)(void);

static tfl_tensor *g_a, *g_b;
static RunFn g_run;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int run_add(void) {
  tfl_tensor* c = NULL;
  if (tfl_tensor_add(&c, g_a, g_b) != TFL_OK) return 1;
  tfl_tensor_release(c);
  return 0;
}
static int run_relu(void) {
  tfl_tensor* c = NULL;
  if (tfl_tensor_relu(&c, g_a) != TFL_OK) return 1;
  tfl_tensor_release(c);
  return 0;
}
static int run_matmul(void) {
  tfl_tensor* c = NULL;
  if (tfl_tensor_matmul(&c, g_a, g_b) != TFL_OK) return 1;
  tfl_tensor_release(c);
  return 0;
}
/* relu(a * b + a).sum(), then backward into a.grad and b.grad (accumulating, as torch's backward does). */
static int run_tiny_graph(void) {
  tfl_tensor *m = NULL, *s = NULL, *r = NULL, *t = NULL;
  int bad = tfl_tensor_mul(&m, g_a, g_b) != TFL_OK || tfl_tensor_add(&s, m, g_a) != TFL_OK ||
            tfl_tensor_relu(&r, s) != TFL_OK || tfl_tensor_sum(&t, r) != TFL_OK ||
            tfl_tensor_backward(t, NULL, false, false) != TFL_OK;
  tfl_tensor_release(m);
  tfl_tensor_release(s);
  tfl_tensor_release(r);
  tfl_tensor_release(t);
  return bad;
}

static void free_inputs(void) {
  tfl_tensor_release(g_a);
  tfl_tensor_release(g_b);
  g_a = g_b = NULL;
  g_run = NULL;
}

/* 0 and sets g_run for a known case; 1 for an unknown name; -1 on a library error. */
static int setup(const char* name) {
  int64_t shape[2] = {1, 1};
  size_t ndim = 1;
  int grad = strstr(name, "_ag") != NULL;
  free_inputs();
  if (!strncmp(name, "op_add1", 7)) {
    g_run = run_add;
  } else if (!strncmp(name, "op_relu100", 10)) {
    shape[0] = 100;
    g_run = run_relu;
  } else if (!strncmp(name, "op_matmul4", 10)) {
    shape[0] = shape[1] = 4;
    ndim = 2;
    g_run = run_matmul;
  } else if (!strcmp(name, "tiny_graph")) {
    shape[0] = 100;
    grad = 1;
    g_run = run_tiny_graph;
  } else {
    return 1;
  }
  if (tfl_tensor_randn(&g_a, shape, ndim, TFL_DTYPE_F32) != TFL_OK ||
      tfl_tensor_randn(&g_b, shape, ndim, TFL_DTYPE_F32) != TFL_OK)
    return -1;
  if (grad && (tfl_tensor_set_requires_grad(g_a, true) != TFL_OK || tfl_tensor_set_requires_grad(g_b, true) != TFL_OK))
    return -1;
  return 0;
}

static double time_runs(long n) {
  double t0 = now_s();
  long i;
  for (i = 0; i < n; ++i)
    if (g_run()) return -1;
  return now_s() - t0;
}

int main(int argc, char** argv) {
  int threads = 1, i;
  long inner = 1;
  char line[512];
  for (i = 1; i + 1 < argc; ++i)
    if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
  if (tfl_threads_set_count(threads) != TFL_OK) {
    fprintf(stderr, "%s\n", tfl_last_error_message());
    return 1;
  }
  printf("ready {\"lib\": \"tfl-capi\", \"threads\": %d, \"version\": \"%s\"}\n", threads, tfl_version());
  fflush(stdout);
  while (fgets(line, sizeof line, stdin)) {
    char verb[32] = "", name[128] = "";
    double target = 0.05;
    if (sscanf(line, "%31s %127s %lf", verb, name, &target) < 1) continue;
    if (!strcmp(verb, "setup")) {
      int rc = setup(name);
      if (rc == 1) {
        printf("skip not implemented by tfl-capi\n");
      } else if (rc < 0 || time_runs(1) < 0) {
        printf("error %s\n", tfl_last_error_message());
      } else {
        double once = time_runs(1);
        inner = once >= target ? 1 : (long)(target / (once > 1e-9 ? once : 1e-9));
        if (inner < 1) inner = 1;
        printf("ok %ld\n", inner);
      }
    } else if (!strcmp(verb, "sample")) {
      double t = g_run ? time_runs(inner) : -1;
      if (t < 0)
        printf("error %s\n", g_run ? tfl_last_error_message() : "no case set up");
      else
        printf("%.9e\n", t / (double)inner);
    } else if (!strcmp(verb, "teardown")) {
      free_inputs();
      printf("ok\n");
    } else if (!strcmp(verb, "quit")) {
      break;
    } else {
      printf("error unknown command %s\n", verb);
    }
    fflush(stdout);
  }
  free_inputs();
  return 0;
}
