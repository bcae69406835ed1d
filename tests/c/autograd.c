/* Plain C99 use of the autograd functions: requires_grad, backward, grad(), tapes, hooks, grad mode,
 * DOT export. Expected gradients are worked out by hand in the comments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tenflowers/tenflowers.h>

static int failures = 0, passes = 0;
#define CHECK(cond)                                                             \
  do {                                                                          \
    if (cond) {                                                                 \
      ++passes;                                                                 \
    } else {                                                                    \
      ++failures;                                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
    }                                                                           \
  } while (0)
#define OK(call) CHECK((call) == TFL_OK)

static tfl_tensor* vec(const float* values, int64_t n) {
  tfl_tensor* t = NULL;
  OK(tfl_tensor_from_buffer(&t, values, (size_t)n * sizeof(float), &n, 1, TFL_DTYPE_F32));
  return t;
}

static tfl_tensor* scalar(float value) {
  tfl_tensor* t = NULL;
  OK(tfl_tensor_from_buffer(&t, &value, sizeof value, NULL, 0, TFL_DTYPE_F32));
  return t;
}

/* 1 when t holds exactly the n values (all test values are small integers, exact in f32). */
static int equals(const tfl_tensor* t, const float* want, int64_t n) {
  float got[16];
  int64_t numel = -1;
  if (t == NULL || tfl_tensor_numel(&numel, t) != TFL_OK || numel != n || n > 16) return 0;
  if (tfl_tensor_copy_to_buffer(got, (size_t)n * sizeof(float), t) != TFL_OK) return 0;
  for (int64_t i = 0; i < n; ++i)
    if (got[i] != want[i]) {
      fprintf(stderr, "element %d: got %g, want %g\n", (int)i, got[i], want[i]);
      return 0;
    }
  return 1;
}

/* 1 when t's gradient holds exactly the n values. */
static int grad_equals(const tfl_tensor* t, const float* want, int64_t n) {
  tfl_tensor* g = NULL;
  int ok = tfl_tensor_grad(&g, t) == TFL_OK && equals(g, want, n);
  tfl_tensor_release(g);
  return ok;
}

/* Hooks. Each counts its calls through user_data. */
static tfl_status double_hook(tfl_tensor** replacement, const tfl_tensor* grad, void* user_data) {
  float values[16];
  int64_t n = 0;
  tfl_status st = tfl_tensor_numel(&n, grad);
  if (st != TFL_OK) return st;
  if (n > 16) return TFL_ERR_INVALID_ARGUMENT;
  st = tfl_tensor_copy_to_buffer(values, (size_t)n * sizeof(float), grad);
  if (st != TFL_OK) return st;
  for (int64_t i = 0; i < n; ++i) values[i] *= 2;
  ++*(int*)user_data;
  *replacement = vec(values, n);
  return TFL_OK;
}

static tfl_status observe_hook(tfl_tensor** replacement, const tfl_tensor* grad, void* user_data) {
  (void)replacement;
  (void)grad;
  ++*(int*)user_data;
  return TFL_OK;
}

static tfl_status failing_hook(tfl_tensor** replacement, const tfl_tensor* grad, void* user_data) {
  (void)grad;
  ++*(int*)user_data;
  /* A replacement set before failing is released by the library, not leaked. */
  *replacement = scalar(5.0f);
  return TFL_ERR_IO;
}

static tfl_status inner_failure_hook(tfl_tensor** replacement, const tfl_tensor* grad, void* user_data) {
  (void)replacement;
  (void)user_data;
  float small[1];
  /* Fails inside the hook: the backward's message quotes this failure. */
  return tfl_tensor_copy_to_buffer(small, 3, grad);
}

static void test_leaf_state(void) {
  const float v[3] = {1, 2, 3};
  tfl_tensor* x = vec(v, 3);
  bool flag = true;
  tfl_tensor* g = (tfl_tensor*)&flag;
  OK(tfl_tensor_requires_grad(&flag, x));
  CHECK(!flag);
  OK(tfl_tensor_is_leaf(&flag, x));
  CHECK(flag);
  OK(tfl_tensor_set_requires_grad(x, true));
  OK(tfl_tensor_requires_grad(&flag, x));
  CHECK(flag);
  /* No gradient yet: TFL_OK with a NULL handle. */
  OK(tfl_tensor_grad(&g, x));
  CHECK(g == NULL);

  /* Only floating tensors can require grad; retain_grad needs requires_grad. */
  tfl_tensor* ints = NULL;
  const int64_t three = 3;
  OK(tfl_tensor_zeros(&ints, &three, 1, TFL_DTYPE_I32));
  CHECK(tfl_tensor_set_requires_grad(ints, true) == TFL_ERR_DTYPE);
  CHECK(strstr(tfl_last_error_message(), "tfl_tensor_set_requires_grad") != NULL);
  CHECK(strstr(tfl_last_error_message(), "int32") != NULL);
  CHECK(tfl_tensor_retain_grad(ints) == TFL_ERR_GRADIENT);

  /* set_grad: a gradient of the right shape is stored, a wrong shape refused, NULL clears. */
  const float gv[3] = {7, 8, 9};
  tfl_tensor* gt = vec(gv, 3);
  OK(tfl_tensor_set_grad(x, gt));
  CHECK(grad_equals(x, gv, 3));
  tfl_tensor* wrong = scalar(1);
  CHECK(tfl_tensor_set_grad(x, wrong) == TFL_ERR_SHAPE);
  OK(tfl_tensor_set_grad(x, NULL));
  OK(tfl_tensor_grad(&g, x));
  CHECK(g == NULL);

  /* detach: shares memory, cut from the graph. */
  tfl_tensor* d = NULL;
  OK(tfl_tensor_detach(&d, x));
  OK(tfl_tensor_requires_grad(&flag, d));
  CHECK(!flag);
  CHECK(equals(d, v, 3));
  float* dp = NULL;
  OK(tfl_tensor_data((void**)&dp, d));
  dp[0] = 10;
  const float changed[3] = {10, 2, 3};
  CHECK(equals(x, changed, 3));

  tfl_tensor_release(d);
  tfl_tensor_release(wrong);
  tfl_tensor_release(gt);
  tfl_tensor_release(ints);
  tfl_tensor_release(x);
}

static void test_backward_on_leaves(void) {
  /* Backward from a leaf: d(sum(x * w))/dx = w for an explicit output gradient w; gradients accumulate. */
  const float v[3] = {1, 2, 3}, w[3] = {0.5f, -1, 4};
  tfl_tensor* x = vec(v, 3);
  tfl_tensor* wt = vec(w, 3);
  OK(tfl_tensor_set_requires_grad(x, true));
  OK(tfl_tensor_backward(x, wt, false, false));
  CHECK(grad_equals(x, w, 3));
  OK(tfl_tensor_backward(x, wt, false, false));
  const float w2[3] = {1, -2, 8};
  CHECK(grad_equals(x, w2, 3));

  /* An implicit gradient needs one element. */
  CHECK(tfl_tensor_backward(x, NULL, false, false) == TFL_ERR_GRADIENT);
  CHECK(strstr(tfl_last_error_message(), "implicit") != NULL);
  /* A tensor that does not require grad has nothing to run backward from. */
  CHECK(tfl_tensor_backward(wt, NULL, false, false) == TFL_ERR_GRADIENT);

  /* An implicit 1 for a 0-d tensor. */
  tfl_tensor* s = scalar(3);
  const float one[1] = {1};
  OK(tfl_tensor_set_requires_grad(s, true));
  OK(tfl_tensor_backward(s, NULL, false, false));
  CHECK(grad_equals(s, one, 1));

  /* tfl_autograd_grad returns gradients without touching .grad. */
  tfl_tensor* y = scalar(2);
  OK(tfl_tensor_set_requires_grad(y, true));
  const tfl_tensor* outputs[1] = {s};
  const tfl_tensor* inputs[2] = {s, y};
  tfl_tensor* grads[2] = {NULL, NULL};
  OK(tfl_autograd_grad(grads, 2, outputs, 1, inputs, 2, NULL, false, false, false));
  CHECK(equals(grads[0], one, 1));
  CHECK(grads[1] == NULL); /* s does not depend on y */
  CHECK(grad_equals(s, one, 1));
  tfl_tensor_release(grads[0]);
  OK(tfl_autograd_grad(grads, 2, outputs, 1, inputs, 2, NULL, false, false, true));
  const float zero[1] = {0};
  CHECK(equals(grads[1], zero, 1));
  tfl_tensor_release(grads[0]);
  tfl_tensor_release(grads[1]);
  /* Array errors: too small out array (entries untouched beyond), NULL element. */
  CHECK(tfl_autograd_grad(grads, 1, outputs, 1, inputs, 2, NULL, false, false, false) == TFL_ERR_INVALID_ARGUMENT);
  CHECK(strstr(tfl_last_error_message(), "'out_capacity'") != NULL);
  const tfl_tensor* holes[2] = {s, NULL};
  grads[0] = grads[1] = (tfl_tensor*)&failures;
  CHECK(tfl_autograd_grad(grads, 2, outputs, 1, holes, 2, NULL, false, false, false) == TFL_ERR_INVALID_ARGUMENT);
  CHECK(strstr(tfl_last_error_message(), "'inputs': element 1 is NULL") != NULL);
  CHECK(grads[0] == NULL && grads[1] == NULL);

  tfl_tensor_release(y);
  tfl_tensor_release(s);
  tfl_tensor_release(wt);
  tfl_tensor_release(x);
}

static void test_hooks(void) {
  const float v[2] = {1, 2}, g[2] = {3, -1};
  tfl_tensor* x = vec(v, 2);
  tfl_tensor* gt = vec(g, 2);
  int doubled = 0, observed = 0, failed = 0;
  int64_t h_double = 0, h_observe = 0, h_fail = 0;
  OK(tfl_tensor_set_requires_grad(x, true));
  /* A hook needs a tensor that requires grad. */
  CHECK(tfl_tensor_register_hook(&h_double, gt, double_hook, &doubled) == TFL_ERR_GRADIENT);

  /* The doubling hook replaces the gradient; the observer, registered after it, sees it run. */
  OK(tfl_tensor_register_hook(&h_double, x, double_hook, &doubled));
  OK(tfl_tensor_register_hook(&h_observe, x, observe_hook, &observed));
  CHECK(h_double != h_observe);
  OK(tfl_tensor_backward(x, gt, false, false));
  const float twice[2] = {6, -2};
  CHECK(grad_equals(x, twice, 2));
  CHECK(doubled == 1 && observed == 1);

  /* Removed, it no longer runs; removing it again is an error. */
  OK(tfl_hook_remove(h_double));
  OK(tfl_tensor_set_grad(x, NULL));
  OK(tfl_tensor_backward(x, gt, false, false));
  CHECK(grad_equals(x, g, 2));
  CHECK(doubled == 1 && observed == 2);
  CHECK(tfl_hook_remove(h_double) == TFL_ERR_INVALID_ARGUMENT);
  CHECK(strstr(tfl_last_error_message(), "'handle'") != NULL);

  /* A failing hook ends the backward pass with its status; the message names the hook and status. */
  OK(tfl_tensor_set_grad(x, NULL));
  OK(tfl_tensor_register_hook(&h_fail, x, failing_hook, &failed));
  CHECK(tfl_tensor_backward(x, gt, false, false) == TFL_ERR_IO);
  CHECK(failed == 1);
  CHECK(strstr(tfl_last_error_message(), "tfl_tensor_backward") != NULL);
  CHECK(strstr(tfl_last_error_message(), "hook") != NULL);
  CHECK(strstr(tfl_last_error_message(), "TFL_ERR_IO") != NULL);
  tfl_tensor* none = NULL;
  OK(tfl_tensor_grad(&none, x));
  CHECK(none == NULL); /* the failure came before accumulation */
  OK(tfl_hook_remove(h_fail));

  /* A hook returning the status of a failed call: the message quotes that call's message. */
  OK(tfl_tensor_register_hook(&h_fail, x, inner_failure_hook, NULL));
  CHECK(tfl_tensor_backward(x, gt, false, false) == TFL_ERR_INVALID_ARGUMENT);
  CHECK(strstr(tfl_last_error_message(), "tfl_tensor_copy_to_buffer") != NULL);
  CHECK(strstr(tfl_last_error_message(), "'nbytes'") != NULL);
  OK(tfl_hook_remove(h_fail));
  OK(tfl_hook_remove(h_observe));

  /* NULL callback. */
  CHECK(tfl_tensor_register_hook(&h_fail, x, NULL, NULL) == TFL_ERR_INVALID_ARGUMENT);
  CHECK(strstr(tfl_last_error_message(), "'fn'") != NULL);

  /* A hook left registered is freed with its tensor. */
  OK(tfl_tensor_register_hook(&h_double, x, double_hook, &doubled));
  tfl_tensor_release(gt);
  tfl_tensor_release(x);
  CHECK(tfl_hook_remove(h_double) == TFL_ERR_INVALID_ARGUMENT);
}

static void test_grad_mode(void) {
  bool on = false;
  OK(tfl_grad_enabled(&on));
  CHECK(on); /* each thread starts with recording on */
  OK(tfl_grad_set_enabled(false));
  OK(tfl_grad_enabled(&on));
  CHECK(!on);
  /* A tape records even inside a no-grad scope, and restores the scope when it stops. */
  tfl_tape* tape = NULL;
  OK(tfl_tape_create(&tape, false));
  OK(tfl_grad_enabled(&on));
  CHECK(on);
  OK(tfl_tape_stop(tape));
  OK(tfl_grad_enabled(&on));
  CHECK(!on);
  tfl_tape_release(tape);
  OK(tfl_grad_set_enabled(true));
  OK(tfl_grad_enabled(&on));
  CHECK(on);
}

static void test_tape(void) {
  /* Watching makes a plain tensor a source; d(x)/d(x) = 1, unconnected sources give NULL or zeros. */
  const float v[2] = {1, 2}, w[2] = {5, 6};
  const float ones[2] = {1, 1}, zeros[2] = {0, 0};
  tfl_tensor* x = vec(v, 2);
  tfl_tensor* other = vec(w, 2);
  tfl_tensor* weights = vec(w, 2);
  tfl_tape* tape = NULL;
  bool flag = false;
  OK(tfl_tape_create(&tape, true));
  OK(tfl_tape_watch(tape, x));
  OK(tfl_tensor_requires_grad(&flag, x));
  CHECK(flag);
  OK(tfl_tape_stop(tape));
  CHECK(tfl_tape_watch(tape, other) == TFL_ERR_GRADIENT); /* stopped */
  const tfl_tensor* sources[2] = {x, other};
  tfl_tensor* grads[2] = {NULL, NULL};
  OK(tfl_tape_gradient(grads, 2, tape, x, sources, 2, false, weights));
  CHECK(equals(grads[0], w, 2));
  CHECK(grads[1] == NULL);
  tfl_tensor_release(grads[0]);
  /* Persistent: a second query works. */
  OK(tfl_tape_gradient(grads, 2, tape, x, sources, 2, true, weights));
  CHECK(equals(grads[0], w, 2));
  CHECK(equals(grads[1], zeros, 2));
  tfl_tensor_release(grads[0]);
  tfl_tensor_release(grads[1]);
  /* No output gradient for a 2-element target. */
  CHECK(tfl_tape_gradient(grads, 2, tape, x, sources, 2, false, NULL) == TFL_ERR_GRADIENT);
  CHECK(grads[0] == NULL && grads[1] == NULL);
  /* The tape holds a reference; the watched tensor stops requiring grad with the last release. */
  OK(tfl_tape_retain(tape));
  tfl_tape_release(tape);
  OK(tfl_tensor_requires_grad(&flag, x));
  CHECK(flag);
  tfl_tape_release(tape);
  OK(tfl_tensor_requires_grad(&flag, x));
  CHECK(!flag);

  /* Non-persistent: one query only. */
  OK(tfl_tape_create(&tape, false));
  OK(tfl_tape_watch(tape, x));
  OK(tfl_tape_gradient(grads, 1, tape, x, sources, 1, false, weights));
  CHECK(equals(grads[0], w, 2));
  tfl_tensor_release(grads[0]);
  CHECK(tfl_tape_gradient(grads, 1, tape, x, sources, 1, false, weights) == TFL_ERR_GRADIENT);
  CHECK(strstr(tfl_last_error_message(), "persistent") != NULL);
  tfl_tape_release(tape);

  /* Non-floating tensors cannot be watched; tapes stop in reverse order. */
  tfl_tensor* ints = NULL;
  const int64_t two = 2;
  tfl_tape* outer = NULL;
  OK(tfl_tensor_zeros(&ints, &two, 1, TFL_DTYPE_I64));
  OK(tfl_tape_create(&outer, false));
  OK(tfl_tape_create(&tape, false));
  CHECK(tfl_tape_watch(tape, ints) == TFL_ERR_DTYPE);
  CHECK(tfl_tape_stop(outer) == TFL_ERR_GRADIENT);
  CHECK(strstr(tfl_last_error_message(), "reverse order") != NULL);
  OK(tfl_tape_stop(tape));
  OK(tfl_tape_stop(outer));
  tfl_tape_release(tape);
  tfl_tape_release(outer);
  (void)ones;

  tfl_tensor_release(ints);
  tfl_tensor_release(weights);
  tfl_tensor_release(other);
  tfl_tensor_release(x);
}

static void test_dot(void) {
  const float v[2] = {1, 2};
  tfl_tensor* x = vec(v, 2);
  size_t len = 0;
  OK(tfl_tensor_set_requires_grad(x, true));
  /* Size query, then a buffer of the right size; a too small buffer is refused. */
  OK(tfl_tensor_graph_dot(NULL, &len, 0, x));
  CHECK(len > 0);
  char* text = (char*)malloc(len + 1);
  CHECK(tfl_tensor_graph_dot(text, &len, len, x) == TFL_ERR_INVALID_ARGUMENT);
  CHECK(strstr(tfl_last_error_message(), "'capacity'") != NULL);
  OK(tfl_tensor_graph_dot(text, &len, len + 1, x));
  CHECK(strlen(text) == len);
  CHECK(strncmp(text, "digraph", 7) == 0);
  CHECK(strstr(text, "parameter") != NULL);
  CHECK(strstr(text, "2 float32") != NULL);
  free(text);
  tfl_tensor_release(x);
}

/* y = sum(x * x + w * x) for x = [1, 2, 3], w = [4, 5, 6]; dy/dx = 2x + w = [6, 9, 12]. */
typedef struct {
  tfl_tensor *x, *w, *xx, *wx, *c, *y;
} expression;

static expression build(void) {
  const float xv[3] = {1, 2, 3}, wv[3] = {4, 5, 6};
  expression e;
  e.x = vec(xv, 3);
  e.w = vec(wv, 3);
  e.xx = e.wx = e.c = e.y = NULL;
  OK(tfl_tensor_set_requires_grad(e.x, true));
  OK(tfl_tensor_mul(&e.xx, e.x, e.x));
  OK(tfl_tensor_mul(&e.wx, e.w, e.x));
  OK(tfl_tensor_add(&e.c, e.xx, e.wx));
  OK(tfl_tensor_sum(&e.y, e.c));
  return e;
}

static void release_expression(expression* e) {
  tfl_tensor_release(e->y);
  tfl_tensor_release(e->c);
  tfl_tensor_release(e->wx);
  tfl_tensor_release(e->xx);
  tfl_tensor_release(e->w);
  tfl_tensor_release(e->x);
}

static void test_expression(void) {
  const float dx[3] = {6, 9, 12}, dx2[3] = {12, 18, 24}, ones[3] = {1, 1, 1};
  bool flag = true;
  expression e = build();
  OK(tfl_tensor_is_leaf(&flag, e.y));
  CHECK(!flag);
  OK(tfl_tensor_requires_grad(&flag, e.y));
  CHECK(flag);
  OK(tfl_tensor_requires_grad(&flag, e.w));
  CHECK(!flag);
  /* requires_grad of a computed tensor follows its inputs. */
  CHECK(tfl_tensor_set_requires_grad(e.y, false) == TFL_ERR_GRADIENT);
  CHECK(strstr(tfl_last_error_message(), "leaf") != NULL);

  /* The graph as DOT names each op. */
  size_t len = 0;
  OK(tfl_tensor_graph_dot(NULL, &len, 0, e.y));
  char* text = (char*)malloc(len + 1);
  OK(tfl_tensor_graph_dot(text, &len, len + 1, e.y));
  CHECK(strstr(text, "\"mul\\n3 float32") != NULL);
  CHECK(strstr(text, "\"add\\n3 float32") != NULL);
  CHECK(strstr(text, "\"sum\\nscalar float32") != NULL);
  CHECK(strstr(text, "parameter") != NULL);
  free(text);

  /* backward with retain_graph twice accumulates; a retained non-leaf gradient is kept. */
  OK(tfl_tensor_retain_grad(e.c));
  OK(tfl_tensor_backward(e.y, NULL, true, false));
  CHECK(grad_equals(e.x, dx, 3));
  CHECK(grad_equals(e.c, ones, 3));
  tfl_tensor* none = (tfl_tensor*)&flag;
  OK(tfl_tensor_grad(&none, e.w));
  CHECK(none == NULL);
  OK(tfl_tensor_backward(e.y, NULL, false, false));
  CHECK(grad_equals(e.x, dx2, 3));
  /* The graph is freed now: running it again is an error. */
  CHECK(tfl_tensor_backward(e.y, NULL, false, false) != TFL_OK);
  release_expression(&e);

  /* A hook doubling the gradient of x * x: dy/dx = 2 * 2x + w = [8, 13, 18]. */
  const float hooked[3] = {8, 13, 18};
  int calls = 0;
  int64_t h = 0;
  e = build();
  OK(tfl_tensor_register_hook(&h, e.xx, double_hook, &calls));
  OK(tfl_tensor_backward(e.y, NULL, true, false));
  CHECK(calls == 1);
  CHECK(grad_equals(e.x, hooked, 3));
  OK(tfl_hook_remove(h));
  OK(tfl_tensor_set_grad(e.x, NULL));
  OK(tfl_tensor_backward(e.y, NULL, true, false));
  CHECK(calls == 1);
  CHECK(grad_equals(e.x, dx, 3));
  /* A failing hook in the middle of the graph ends the pass with its status, leaking nothing. */
  int failed = 0;
  OK(tfl_tensor_set_grad(e.x, NULL));
  OK(tfl_tensor_register_hook(&h, e.wx, failing_hook, &failed));
  CHECK(tfl_tensor_backward(e.y, NULL, false, false) == TFL_ERR_IO);
  CHECK(failed == 1);
  CHECK(strstr(tfl_last_error_message(), "hook") != NULL);
  release_expression(&e);

  /* tfl_autograd_grad with create_graph: d/dx sum(x*x*x) = 3x^2 = [3, 12, 27], then its own
   * backward gives d/dx sum(3x^2) = 6x = [6, 12, 18]. .grad is untouched by the first call. */
  const float xv[3] = {1, 2, 3}, first[3] = {3, 12, 27}, second[3] = {6, 12, 18};
  tfl_tensor* x = vec(xv, 3);
  tfl_tensor *x2 = NULL, *x3 = NULL, *y = NULL, *gy = NULL;
  OK(tfl_tensor_set_requires_grad(x, true));
  OK(tfl_tensor_mul(&x2, x, x));
  OK(tfl_tensor_mul(&x3, x2, x));
  OK(tfl_tensor_sum(&y, x3));
  const tfl_tensor* outputs[1] = {y};
  const tfl_tensor* inputs[1] = {x};
  tfl_tensor* g[1] = {NULL};
  OK(tfl_autograd_grad(g, 1, outputs, 1, inputs, 1, NULL, false, true, false));
  CHECK(equals(g[0], first, 3));
  OK(tfl_tensor_grad(&none, x));
  CHECK(none == NULL);
  OK(tfl_tensor_requires_grad(&flag, g[0]));
  CHECK(flag);
  OK(tfl_tensor_sum(&gy, g[0]));
  OK(tfl_tensor_backward(gy, NULL, false, false));
  CHECK(grad_equals(x, second, 3));
  tfl_tensor_release(gy);
  tfl_tensor_release(g[0]);
  tfl_tensor_release(y);
  tfl_tensor_release(x3);
  tfl_tensor_release(x2);
  tfl_tensor_release(x);
}

static void test_recording_switch(void) {
  /* With recording off, results do not require grad; a tape records anyway. */
  const float v[2] = {1, 2}, twice[2] = {2, 4};
  tfl_tensor* x = vec(v, 2);
  tfl_tensor *sq = NULL, *y = NULL;
  bool flag = true;
  OK(tfl_tensor_set_requires_grad(x, true));
  OK(tfl_grad_set_enabled(false));
  OK(tfl_tensor_mul(&sq, x, x));
  OK(tfl_tensor_requires_grad(&flag, sq));
  CHECK(!flag);
  tfl_tensor_release(sq);
  OK(tfl_grad_set_enabled(true));
  OK(tfl_tensor_mul(&sq, x, x));
  OK(tfl_tensor_requires_grad(&flag, sq));
  CHECK(flag);
  tfl_tensor_release(sq);
  OK(tfl_tensor_set_requires_grad(x, false));

  /* A persistent tape over y = sum(x * x) with x watched: dy/dx = 2x, asked twice. */
  tfl_tape* tape = NULL;
  OK(tfl_grad_set_enabled(false));
  OK(tfl_tape_create(&tape, true));
  OK(tfl_tape_watch(tape, x));
  OK(tfl_tensor_mul(&sq, x, x));
  OK(tfl_tensor_sum(&y, sq));
  OK(tfl_tape_stop(tape));
  OK(tfl_grad_enabled(&flag));
  CHECK(!flag);
  OK(tfl_grad_set_enabled(true));
  const tfl_tensor* sources[1] = {x};
  tfl_tensor* g[1] = {NULL};
  for (int round = 0; round < 2; ++round) {
    OK(tfl_tape_gradient(g, 1, tape, y, sources, 1, false, NULL));
    CHECK(equals(g[0], twice, 2));
    tfl_tensor_release(g[0]);
    g[0] = NULL;
  }
  tfl_tape_release(tape);
  tfl_tensor_release(y);
  tfl_tensor_release(sq);
  tfl_tensor_release(x);
}

int main(void) {
  test_leaf_state();
  test_backward_on_leaves();
  test_hooks();
  test_grad_mode();
  test_tape();
  test_dot();
  test_expression();
  test_recording_switch();
  printf("%d checks passed, %d failed\n", passes, failures);
  return failures == 0 ? 0 : 1;
}
