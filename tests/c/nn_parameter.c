/* Plain C99 use of parameters and custom modules: tfl_parameter_create / tfl_tensor_is_parameter, a
 * module built from C (y = x * w + b through a forward callback) with registered parameters, a buffer
 * and a child, trained one SGD step (values worked out by hand in the comments), and error cases. */
#include "test_util.h"

typedef struct {
  tfl_module* self; /* borrowed: the module this callback computes */
  int calls;
} Ctx;

/* y = x * w + b, with w and b the module's own parameters. */
static tfl_status affine(tfl_tensor** out, const tfl_tensor* const* inputs, size_t n, void* user_data) {
  Ctx* ctx = (Ctx*)user_data;
  tfl_tensor *w = NULL, *b = NULL, *xw = NULL;
  tfl_status st;
  ++ctx->calls;
  if (n != 1) return TFL_ERR_INVALID_ARGUMENT;
  if ((st = tfl_module_parameter(&w, ctx->self, "w")) != TFL_OK) return st;
  if ((st = tfl_module_parameter(&b, ctx->self, "b")) != TFL_OK) {
    tfl_tensor_release(w);
    return st;
  }
  st = tfl_tensor_mul(&xw, inputs[0], w);
  if (st == TFL_OK) st = tfl_tensor_add(out, xw, b);
  tfl_tensor_release(xw);
  tfl_tensor_release(w);
  tfl_tensor_release(b);
  return st;
}

static tfl_status failing(tfl_tensor** out, const tfl_tensor* const* inputs, size_t n, void* user_data) {
  (void)out, (void)inputs, (void)n, (void)user_data;
  return TFL_ERR_SHAPE;
}

int main(void) {
  tfl_tensor *p = NULL, *w = NULL, *b = NULL, *y = NULL, *loss = NULL, *got = NULL, *lw = NULL;
  tfl_module *m = NULL, *lin = NULL, *holder = NULL, *bad = NULL;
  tfl_optimizer* opt = NULL;
  const tfl_tensor* in[1];
  const tfl_tensor* params[2];
  const char* type = NULL;
  bool is = true;
  size_t np = 0;
  Ctx ctx = {NULL, 0};

  /* A parameter is a marked leaf alias that requires grad; its source is not marked. */
  tfl_tensor* data = mk(TFL_DTYPE_F32, 1, S(2), V(1, 2));
  OK(tfl_tensor_is_parameter(&is, data));
  CHECK(!is);
  OK(tfl_parameter_create(&p, data, true));
  keep(p);
  OK(tfl_tensor_is_parameter(&is, p));
  CHECK(is);
  OK(tfl_tensor_requires_grad(&is, p));
  CHECK(is);
  EXPECT(p, TFL_DTYPE_F32, 1, S(2), V(1, 2));
  /* Layer weights are parameters. */
  OK(tfl_nn_linear_create(&lin, 2, 2, true, TFL_DTYPE_F32));
  OK(tfl_module_parameter(&lw, lin, "weight"));
  keep(lw);
  OK(tfl_tensor_is_parameter(&is, lw));
  CHECK(is);

  /* A custom module y = x * w + b, w = (2, 3), b = (1, -1). */
  OK(tfl_module_create_custom(&m, "Affine", affine, &ctx));
  ctx.self = m;
  OK(tfl_module_type_name(&type, m));
  CHECK(strcmp(type, "Affine") == 0);
  w = mk(TFL_DTYPE_F32, 1, S(2), V(2, 3));
  b = mk(TFL_DTYPE_F32, 1, S(2), V(1, -1));
  OK(tfl_module_register_parameter(m, "w", w, true));
  OK(tfl_module_register_parameter(m, "b", b, true));
  OK(tfl_tensor_is_parameter(&is, w)); /* registration marks the tensor itself */
  CHECK(is);
  OK(tfl_module_register_buffer(m, "count", mk(TFL_DTYPE_F32, 1, S(1), V(0))));
  OK(tfl_module_named_parameters_size(&np, m, true));
  CHECK(np == 2);
  in[0] = mk(TFL_DTYPE_F32, 1, S(2), V(1, 2));
  OK(tfl_module_forward(&y, m, in, 1));
  keep(y);
  EXPECT(y, TFL_DTYPE_F32, 1, S(2), V(3, 5)); /* (1*2 + 1, 2*3 - 1) */
  CHECK(ctx.calls == 1);
  /* One SGD step (lr 0.5) on sum(y): dw = x = (1, 2), db = (1, 1) -> w = (1.5, 2), b = (0.5, -1.5). */
  OK(tfl_tensor_sum(&loss, y));
  keep(loss);
  OK(tfl_tensor_backward(loss, NULL, false, false));
  params[0] = w;
  params[1] = b;
  OK(tfl_optim_sgd_create(&opt, params, 2, 0.5, 0.0, 0.0, 0.0, false));
  OK(tfl_optimizer_step(opt));
  tfl_optimizer_release(opt);
  EXPECT(w, TFL_DTYPE_F32, 1, S(2), V(1.5, 2));
  EXPECT(b, TFL_DTYPE_F32, 1, S(2), V(0.5, -1.5));
  /* As a child of a state-only custom module, its parameters are listed with their path. */
  OK(tfl_module_create_custom(&holder, "Holder", NULL, NULL));
  OK(tfl_module_register_child(holder, "affine", m));
  OK(tfl_module_parameter(&got, holder, "affine.w"));
  keep(got);
  EXPECT(got, TFL_DTYPE_F32, 1, S(2), V(1.5, 2));
  OK(tfl_module_named_parameters_size(&np, holder, true));
  CHECK(np == 2);
  FAILS(tfl_module_forward(&y, holder, in, 1), TFL_ERR_NOT_IMPLEMENTED, "no forward callback");
  /* Errors. */
  FAILS(tfl_module_register_child(m, "up", holder), TFL_ERR_INVALID_ARGUMENT, "contains m");
  FAILS(tfl_module_register_child(m, "me", m), TFL_ERR_INVALID_ARGUMENT, "is m itself");
  FAILS(tfl_module_register_parameter(m, "w", mk(TFL_DTYPE_F32, 1, S(1), V(0)), true), TFL_ERR_INVALID_ARGUMENT,
        "already registered");
  FAILS(tfl_module_register_parameter(m, "i", mk(TFL_DTYPE_I32, 1, S(1), V(0)), true), TFL_ERR_DTYPE, "floating");
  FAILS(tfl_module_register_buffer(m, "a.b", data), TFL_ERR_INVALID_ARGUMENT, "contain no '.'");
  FAILS(tfl_module_create_custom(&bad, "", NULL, NULL), TFL_ERR_INVALID_ARGUMENT, "type_name");
  FAILS(tfl_parameter_create(&p, mk(TFL_DTYPE_I32, 1, S(1), V(1)), true), TFL_ERR_DTYPE, "floating");
  OK(tfl_module_create_custom(&bad, "Bad", failing, NULL));
  FAILS(tfl_module_forward(&y, bad, in, 1), TFL_ERR_SHAPE, "Bad forward callback");
  tfl_module_release(bad);
  tfl_module_release(holder);
  tfl_module_release(m);
  tfl_module_release(lin);
  return finish("nn_parameter");
}
