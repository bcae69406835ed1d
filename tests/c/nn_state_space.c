/* Plain C99 use of the state-space layer: a hand-set system (values worked out by hand in the
 * comments), the final state, the forward through tfl_module_forward, gradients reach every
 * parameter, and error cases. */
#include "test_util.h"

/* Copies literal values into the module's parameter `name`. */
static void set_param(tfl_module* m, const char* name, size_t ndim, const int64_t* shape, const double* v) {
  tfl_tensor* p = NULL;
  if (!OK(tfl_module_parameter(&p, m, name))) return;
  OK(tfl_tensor_copy_inplace(p, mk(TFL_DTYPE_F64, ndim, shape, v)));
  tfl_tensor_release(p);
}

int main(void) {
  tfl_module *m = NULL, *lin = NULL;
  tfl_tensor *y = NULL, *xf = NULL, *loss = NULL, *p = NULL, *g = NULL, *y1 = NULL;
  const tfl_tensor* in[2];
  tfl_tensor* u;
  int64_t n = 0;
  const char* names[4] = {"A", "B", "C", "D"};
  int i;

  OK(tfl_nn_state_space_create(&m, 2, 1, 1, true, TFL_DTYPE_F64));
  OK(tfl_module_parameter_count(&n, m, false));
  CHECK(n == 4 + 2 + 2 + 1);
  /* A = [[0.5, 0], [0, -0.25]], B = [1; 2], C = [1, 1], D = [3]; x0 = (1, 1), u = (1, 0, 0):
   * y0 = C x0 + D u0 = 5, x1 = (1.5, 1.75); y1 = 3.25, x2 = (0.75, -0.4375); y2 = 0.3125,
   * x3 = (0.375, 0.109375). */
  OK(tfl_grad_set_enabled(false)); /* writing into leaves that require grad */
  set_param(m, "A", 2, S(2, 2), V(0.5, 0, 0, -0.25));
  set_param(m, "B", 2, S(2, 1), V(1, 2));
  set_param(m, "C", 2, S(1, 2), V(1, 1));
  set_param(m, "D", 2, S(1, 1), V(3));
  OK(tfl_grad_set_enabled(true));
  u = mk(TFL_DTYPE_F64, 3, S(1, 3, 1), V(1, 0, 0));
  OK(tfl_nn_state_space_forward(&y, &xf, m, u, mk(TFL_DTYPE_F64, 2, S(1, 2), V(1, 1))));
  keep(y);
  keep(xf);
  EXPECT(y, TFL_DTYPE_F64, 3, S(1, 3, 1), V(5, 3.25, 0.3125));
  EXPECT(xf, TFL_DTYPE_F64, 2, S(1, 2), V(0.375, 0.109375));
  /* A NULL initial state means zeros: y = (3, 0 + 3*0 + C x1 = 1 + 2 = 3, C x2 = 0.5 - 0.5 = 0). */
  OK(tfl_nn_state_space_forward(&y, &xf, m, u, NULL));
  keep(y);
  keep(xf);
  EXPECT(y, TFL_DTYPE_F64, 3, S(1, 3, 1), V(3, 3, 0));
  EXPECT(xf, TFL_DTYPE_F64, 2, S(1, 2), V(0.25, 0.125));
  /* tfl_module_forward with {u, x0} gives the output. */
  in[0] = u;
  in[1] = mk(TFL_DTYPE_F64, 1, S(2), V(1, 1));
  OK(tfl_module_forward(&y1, m, in, 2));
  keep(y1);
  EXPECT(y1, TFL_DTYPE_F64, 3, S(1, 3, 1), V(5, 3.25, 0.3125));
  /* Gradients reach A, B, C and D. */
  OK(tfl_tensor_sum(&loss, y1));
  keep(loss);
  OK(tfl_tensor_backward(loss, NULL, false, false));
  for (i = 0; i < 4; ++i) {
    OK(tfl_module_parameter(&p, m, names[i]));
    keep(p);
    OK(tfl_tensor_grad(&g, p));
    CHECK(g != NULL);
    keep(g);
  }
  /* dL/dD = sum_t u_t = 1. */
  OK(tfl_module_parameter(&p, m, "D"));
  keep(p);
  OK(tfl_tensor_grad(&g, p));
  keep(g);
  EXPECT(g, TFL_DTYPE_F64, 2, S(1, 1), V(1));

  /* Errors. */
  tfl_module_release(m);
  m = NULL;
  FAILS(tfl_nn_state_space_create(&m, 0, 1, 1, true, TFL_DTYPE_F32), TFL_ERR_LAYER_CONFIG, "must be > 0");
  CHECK(m == NULL);
  FAILS(tfl_nn_state_space_create(&m, 2, 1, 1, true, TFL_DTYPE_I32), TFL_ERR_DTYPE, "floating");
  OK(tfl_nn_state_space_create(&m, 2, 1, 1, false, TFL_DTYPE_F32));
  FAILS(tfl_nn_state_space_forward(&y, &xf, m, mk(TFL_DTYPE_F32, 2, S(1, 3), V(1, 2, 3)), NULL), TFL_ERR_SHAPE,
        "expects input of shape (batch, seq, 1)");
  FAILS(tfl_nn_state_space_forward(&y, &xf, m, mk(TFL_DTYPE_F32, 3, S(1, 1, 1), V(1)), mk(TFL_DTYPE_F32, 1, S(3), V(1, 2, 3))),
        TFL_ERR_SHAPE, "initial state");
  FAILS(tfl_nn_state_space_forward(&y, &xf, m, mk(TFL_DTYPE_F64, 3, S(1, 1, 1), V(1)), NULL), TFL_ERR_DTYPE, "dtype");
  OK(tfl_nn_linear_create(&lin, 1, 1, true, TFL_DTYPE_F32));
  FAILS(tfl_nn_state_space_forward(&y, &xf, lin, u, NULL), TFL_ERR_INVALID_ARGUMENT, "must be a StateSpaceModel");
  tfl_module_release(lin);
  tfl_module_release(m);
  return finish("nn_state_space");
}
