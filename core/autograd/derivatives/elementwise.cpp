// Backward formulas of elementwise ops. Each is written with differentiable ops, so that under
// create_graph the backward is itself recorded (higher-order gradients).
#include "core/autograd/derivatives/elementwise.h"

#include <cmath>
#include <limits>

#include "core/autograd/differentiable.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/grad_utils.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"

namespace tfl::autograd {

TFL_DIFFERENTIABLE(add);
TFL_DIFFERENTIABLE(sub);
TFL_DIFFERENTIABLE(mul);
TFL_DIFFERENTIABLE(div);
TFL_DIFFERENTIABLE(floor_divide);
TFL_DIFFERENTIABLE(remainder);
TFL_DIFFERENTIABLE(pow);
TFL_DIFFERENTIABLE(maximum);
TFL_DIFFERENTIABLE(minimum);
TFL_DIFFERENTIABLE(atan2);
TFL_DIFFERENTIABLE(where);
TFL_DIFFERENTIABLE(add_scalar);
TFL_DIFFERENTIABLE(sub_scalar);
TFL_DIFFERENTIABLE(mul_scalar);
TFL_DIFFERENTIABLE(div_scalar);
TFL_DIFFERENTIABLE(floor_divide_scalar);
TFL_DIFFERENTIABLE(remainder_scalar);
TFL_DIFFERENTIABLE(pow_scalar);
TFL_DIFFERENTIABLE(maximum_scalar);
TFL_DIFFERENTIABLE(minimum_scalar);
TFL_DIFFERENTIABLE(atan2_scalar);
TFL_DIFFERENTIABLE(neg);
TFL_DIFFERENTIABLE(abs);
TFL_DIFFERENTIABLE(sign);
TFL_DIFFERENTIABLE(square);
TFL_DIFFERENTIABLE(relu);
TFL_DIFFERENTIABLE(floor);
TFL_DIFFERENTIABLE(ceil);
TFL_DIFFERENTIABLE(round);
TFL_DIFFERENTIABLE(clip);
TFL_DIFFERENTIABLE(exp);
TFL_DIFFERENTIABLE(expm1);
TFL_DIFFERENTIABLE(log);
TFL_DIFFERENTIABLE(log1p);
TFL_DIFFERENTIABLE(sqrt);
TFL_DIFFERENTIABLE(rsqrt);
TFL_DIFFERENTIABLE(sin);
TFL_DIFFERENTIABLE(cos);
TFL_DIFFERENTIABLE(tan);
TFL_DIFFERENTIABLE(tanh);
TFL_DIFFERENTIABLE(sigmoid);
TFL_DIFFERENTIABLE(silu);
TFL_DIFFERENTIABLE(leaky_relu);
TFL_DIFFERENTIABLE(elu);
TFL_DIFFERENTIABLE(gelu);
TFL_DIFFERENTIABLE(softplus);

namespace {

using Grads = std::vector<Tensor>;
using Saved = std::vector<SavedTensor>;

// What the backward needs to know about one forward operand, captured at record time: gradients are
// computed only for operands that require grad, then reduced to the operand's shape and dtype.
struct Operand {
  Shape shape;
  DType dtype;
  bool needed;
};
Operand operand(const Tensor& t) { return {t.shape(), t.dtype(), requires_grad(t)}; }
Tensor grad_for(const Operand& o, const Tensor& g) {
  return o.needed && g.defined() ? grad_like(sum_to(g, o.shape), o.dtype) : Tensor();
}
SavedTensor save_if(bool cond, const Tensor& t) { return cond ? SavedTensor(t) : SavedTensor(); }

Tensor zero_scalar(const Tensor& like) { return zeros({}, like.dtype(), like.device()); }
// g where cond holds, 0 elsewhere.
Tensor keep_where(const Tensor& cond, const Tensor& g) { return where(cond, g, zero_scalar(g)); }
// g where this operand of maximum/minimum was selected, g/2 on a tie (PyTorch), 0 elsewhere.
Tensor selected_grad(const Tensor& g, const Tensor& won, const Tensor& tie) {
  return where(won, g, keep_where(tie, mul(g, 0.5)));
}

// Note [Saved outputs]
// Saving an op's own output as is would form a cycle (output -> grad_fn -> saved output) that leaks
// the graph whenever backward never runs (inference with parameters that require grad). As PyTorch
// does, the node keeps the output without its autograd state (a detached alias: same storage, same
// version counter) plus a weak reference to itself. A first-order backward uses the values as they
// are; under create_graph the output is reconnected to the running node, so that the recorded
// backward differentiates through it. Going through such a node a second time needs the first pass
// to have kept the graph (retain_graph), as in PyTorch.
struct OutputRef {
  std::weak_ptr<Node> node;
};
SavedTensor save_output(const Tensor& out) { return SavedTensor(detach(out)); }
Tensor unpack_output(const SavedTensor& s, const OutputRef& ref, const char* op) {
  Tensor y = s.unpack(op);
  if (!grad_enabled()) return y;
  std::shared_ptr<Node> node = ref.node.lock();
  if (!node) return y;
  Tensor connected = detach(y);
  auto m = std::make_shared<AutogradMeta>();
  m->grad_fn = std::move(node);
  m->output_nr = 0;
  m->requires_grad = true;
  connected.impl()->autograd_ = std::move(m);
  return connected;
}

// What record_unary keeps for the backward (bit flags).
constexpr unsigned kSaveNone = 0, kSaveInput = 1, kSaveOutput = 2;

// Records a one-input op whose gradient is f(g, x, y): g the output gradient, x the saved input and y
// the saved output (undefined when not saved). The result is converted to the input's dtype.
template <class F>
void record_unary(const char* name, const Tensor& a, const Tensor& out, unsigned save, F f) {
  const DType dt = a.dtype();
  auto ref = std::make_shared<OutputRef>();
  Saved saved{save_if(save & kSaveInput, a), (save & kSaveOutput) ? save_output(out) : SavedTensor()};
  record(name, {a}, {out}, std::move(saved), [name, dt, save, ref, f](const Grads& g, const Saved& s) {
    Tensor x = (save & kSaveInput) ? s[0].unpack(name) : Tensor();
    Tensor y = (save & kSaveOutput) ? unpack_output(s[1], *ref, name) : Tensor();
    return Grads{grad_like(f(g[0], x, y), dt)};
  });
  if (save & kSaveOutput) ref->node = grad_fn(out);
}

// Ops that are piecewise constant (sign, floor, ...): the gradient is zero wherever it exists.
void record_zero_grad(const char* name, const Tensor& a, const Tensor& out) {
  record_unary(name, a, out, kSaveNone, [](const Tensor& g, const Tensor&, const Tensor&) { return zeros_like(g); });
}

bool is_half(DType dt) { return dt == DType::F16 || dt == DType::BF16; }

}  // namespace

// --- binary, tensor-tensor ------------------------------------------------------------------------
void record_add(const Tensor& a, const Tensor& b, const Tensor& out) {
  Operand oa = operand(a), ob = operand(b);
  record("add", {a, b}, {out}, {}, [oa, ob](const Grads& g, const Saved&) {
    return Grads{grad_for(oa, g[0]), grad_for(ob, g[0])};
  });
}

void record_sub(const Tensor& a, const Tensor& b, const Tensor& out) {
  Operand oa = operand(a), ob = operand(b);
  record("sub", {a, b}, {out}, {}, [oa, ob](const Grads& g, const Saved&) {
    return Grads{grad_for(oa, g[0]), ob.needed ? grad_for(ob, neg(g[0])) : Tensor()};
  });
}

void record_mul(const Tensor& a, const Tensor& b, const Tensor& out) {
  Operand oa = operand(a), ob = operand(b);
  // a is needed only for b's gradient and vice versa.
  record("mul", {a, b}, {out}, {save_if(ob.needed, a), save_if(oa.needed, b)}, [oa, ob](const Grads& g, const Saved& s) {
    Tensor ga = oa.needed ? mul(g[0], s[1].unpack("mul")) : Tensor();
    Tensor gb = ob.needed ? mul(g[0], s[0].unpack("mul")) : Tensor();
    return Grads{grad_for(oa, ga), grad_for(ob, gb)};
  });
}

void record_div(const Tensor& a, const Tensor& b, const Tensor& out) {
  Operand oa = operand(a), ob = operand(b);
  record("div", {a, b}, {out}, {save_if(ob.needed, a), SavedTensor(b)}, [oa, ob](const Grads& g, const Saved& s) {
    const Tensor& b = s[1].unpack("div");
    Tensor ga = div(g[0], b);
    Tensor gb;
    // d(a/b)/db = -a / b^2, computed as -(g / b) * a / b to reuse ga.
    if (ob.needed) gb = neg(div(mul(ga, s[0].unpack("div")), b));
    return Grads{grad_for(oa, ga), grad_for(ob, gb)};
  });
}

void record_floor_divide(const Tensor& a, const Tensor& b, const Tensor& out) {
  Operand oa = operand(a), ob = operand(b);
  // Piecewise constant in both operands.
  record("floor_divide", {a, b}, {out}, {}, [oa, ob](const Grads& g, const Saved&) {
    Tensor z = zeros_like(g[0]);
    return Grads{grad_for(oa, z), grad_for(ob, z)};
  });
}

void record_remainder(const Tensor& a, const Tensor& b, const Tensor& out) {
  Operand oa = operand(a), ob = operand(b);
  // a - floor(a / b) * b: 1 for a, -floor(a / b) for b (floor's derivative is 0 almost everywhere).
  record("remainder", {a, b}, {out}, {save_if(ob.needed, a), save_if(ob.needed, b)},
         [oa, ob](const Grads& g, const Saved& s) {
           Tensor gb;
           if (ob.needed) gb = mul(g[0], neg(floor_divide(s[0].unpack("remainder"), s[1].unpack("remainder"))));
           return Grads{grad_for(oa, g[0]), grad_for(ob, gb)};
         });
}

void record_pow(const Tensor& a, const Tensor& b, const Tensor& out) {
  Operand oa = operand(a), ob = operand(b);
  auto ref = std::make_shared<OutputRef>();
  Saved saved{SavedTensor(a), SavedTensor(b), ob.needed ? save_output(out) : SavedTensor()};
  record("pow", {a, b}, {out}, std::move(saved), [oa, ob, ref](const Grads& g, const Saved& s) {
    const Tensor& x = s[0].unpack("pow");
    const Tensor& e = s[1].unpack("pow");
    Tensor ga, gb;
    // d(a^b)/da = b * a^(b-1), taken as 0 where b == 0 (a constant 1, even at a == 0), like PyTorch.
    if (oa.needed) ga = where(eq(e, 0.0), zero_scalar(g[0]), mul(g[0], mul(e, pow(x, sub(e, 1.0)))));
    // d(a^b)/db = a^b * log(a), taken as 0 where a == 0 and b >= 0 (PyTorch: the one-sided limit).
    if (ob.needed) {
      Tensor y = unpack_output(s[2], *ref, "pow");
      gb = where(logical_and(eq(x, 0.0), ge(e, 0.0)), zero_scalar(g[0]), mul(g[0], mul(y, log(x))));
    }
    return Grads{grad_for(oa, ga), grad_for(ob, gb)};
  });
  if (ob.needed) ref->node = grad_fn(out);
}

void record_maximum(const Tensor& a, const Tensor& b, const Tensor& out) {
  Operand oa = operand(a), ob = operand(b);
  record("maximum", {a, b}, {out}, {SavedTensor(a), SavedTensor(b)}, [oa, ob](const Grads& g, const Saved& s) {
    const Tensor& x = s[0].unpack("maximum");
    const Tensor& y = s[1].unpack("maximum");
    Tensor tie = eq(x, y);
    Tensor ga = oa.needed ? selected_grad(g[0], gt(x, y), tie) : Tensor();
    Tensor gb = ob.needed ? selected_grad(g[0], lt(x, y), tie) : Tensor();
    return Grads{grad_for(oa, ga), grad_for(ob, gb)};
  });
}

void record_minimum(const Tensor& a, const Tensor& b, const Tensor& out) {
  Operand oa = operand(a), ob = operand(b);
  record("minimum", {a, b}, {out}, {SavedTensor(a), SavedTensor(b)}, [oa, ob](const Grads& g, const Saved& s) {
    const Tensor& x = s[0].unpack("minimum");
    const Tensor& y = s[1].unpack("minimum");
    Tensor tie = eq(x, y);
    Tensor ga = oa.needed ? selected_grad(g[0], lt(x, y), tie) : Tensor();
    Tensor gb = ob.needed ? selected_grad(g[0], gt(x, y), tie) : Tensor();
    return Grads{grad_for(oa, ga), grad_for(ob, gb)};
  });
}

void record_atan2(const Tensor& a, const Tensor& b, const Tensor& out) {
  Operand oa = operand(a), ob = operand(b);
  record("atan2", {a, b}, {out}, {SavedTensor(a), SavedTensor(b)}, [oa, ob](const Grads& g, const Saved& s) {
    const Tensor& x = s[0].unpack("atan2");
    const Tensor& y = s[1].unpack("atan2");
    // d atan2(a, b) = (b da - a db) / (a^2 + b^2).
    Tensor denom = add(mul(x, x), mul(y, y));
    Tensor ga = oa.needed ? div(mul(g[0], y), denom) : Tensor();
    Tensor gb = ob.needed ? neg(div(mul(g[0], x), denom)) : Tensor();
    return Grads{grad_for(oa, ga), grad_for(ob, gb)};
  });
}

void record_where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  Operand oa = operand(a), ob = operand(b);
  // cond is a bool mask: it gets no gradient.
  record("where", {cond, a, b}, {out}, {SavedTensor(cond)}, [oa, ob](const Grads& g, const Saved& s) {
    const Tensor& c = s[0].unpack("where");
    Tensor ga = oa.needed ? where(c, g[0], zero_scalar(g[0])) : Tensor();
    Tensor gb = ob.needed ? where(c, zero_scalar(g[0]), g[0]) : Tensor();
    return Grads{Tensor(), grad_for(oa, ga), grad_for(ob, gb)};
  });
}

// --- binary, tensor-scalar ------------------------------------------------------------------------
void record_add_scalar(const Tensor& t, const Tensor& out) {
  record_unary("add_scalar", t, out, kSaveNone, [](const Tensor& g, const Tensor&, const Tensor&) { return g; });
}

void record_sub_scalar(const Tensor& t, bool scalar_first, const Tensor& out) {
  record_unary("sub_scalar", t, out, kSaveNone, [scalar_first](const Tensor& g, const Tensor&, const Tensor&) {
    return scalar_first ? neg(g) : g;
  });
}

void record_mul_scalar(const Tensor& t, double s, const Tensor& out) {
  record_unary("mul_scalar", t, out, kSaveNone, [s](const Tensor& g, const Tensor&, const Tensor&) { return mul(g, s); });
}

void record_div_scalar(const Tensor& t, double s, bool scalar_first, const Tensor& out) {
  // t / s: g / s. s / t: -s / t^2 (no saved output needed).
  record_unary("div_scalar", t, out, scalar_first ? kSaveInput : kSaveNone,
               [s, scalar_first](const Tensor& g, const Tensor& x, const Tensor&) {
                 return scalar_first ? div(mul(g, -s), mul(x, x)) : div(g, s);
               });
}

void record_floor_divide_scalar(const Tensor& t, const Tensor& out) { record_zero_grad("floor_divide_scalar", t, out); }

void record_remainder_scalar(const Tensor& t, double s, bool scalar_first, const Tensor& out) {
  // t % s: 1. s % t: -floor(s / t).
  record_unary("remainder_scalar", t, out, scalar_first ? kSaveInput : kSaveNone,
               [s, scalar_first](const Tensor& g, const Tensor& x, const Tensor&) {
                 return scalar_first ? mul(g, neg(floor_divide(s, x))) : g;
               });
}

void record_pow_scalar(const Tensor& t, double s, bool scalar_first, const Tensor& out) {
  if (!scalar_first) {
    // t^s: s * t^(s-1); 0 for s == 0, like the tensor form.
    record_unary("pow_scalar", t, out, kSaveInput, [s](const Tensor& g, const Tensor& x, const Tensor&) {
      return s == 0.0 ? zeros_like(g) : mul(g, mul(pow(x, s - 1.0), s));
    });
    return;
  }
  // s^t: s^t * log(s); for s == 0, 0 where t >= 0 (PyTorch) and -inf * s^t elsewhere.
  const double log_s = s == 0.0 ? -std::numeric_limits<double>::infinity() : std::log(s);
  record_unary("pow_scalar", t, out, s == 0.0 ? kSaveInput | kSaveOutput : kSaveOutput,
               [s, log_s](const Tensor& g, const Tensor& x, const Tensor& y) {
                 Tensor gy = mul(mul(g, y), log_s);
                 return s == 0.0 ? where(ge(x, 0.0), zero_scalar(gy), gy) : gy;
               });
}

void record_maximum_scalar(const Tensor& t, double s, const Tensor& out) {
  record_unary("maximum_scalar", t, out, kSaveInput, [s](const Tensor& g, const Tensor& x, const Tensor&) {
    return selected_grad(g, gt(x, s), eq(x, s));
  });
}

void record_minimum_scalar(const Tensor& t, double s, const Tensor& out) {
  record_unary("minimum_scalar", t, out, kSaveInput, [s](const Tensor& g, const Tensor& x, const Tensor&) {
    return selected_grad(g, lt(x, s), eq(x, s));
  });
}

void record_atan2_scalar(const Tensor& t, double s, const Tensor& out) {
  // d atan2(t, s)/dt = s / (t^2 + s^2).
  record_unary("atan2_scalar", t, out, kSaveInput, [s](const Tensor& g, const Tensor& x, const Tensor&) {
    return div(mul(g, s), add(mul(x, x), s * s));
  });
}

// --- unary ----------------------------------------------------------------------------------------
void record_neg(const Tensor& a, const Tensor& out) {
  record_unary("neg", a, out, kSaveNone, [](const Tensor& g, const Tensor&, const Tensor&) { return neg(g); });
}

void record_abs(const Tensor& a, const Tensor& out) {
  record_unary("abs", a, out, kSaveInput, [](const Tensor& g, const Tensor& x, const Tensor&) { return mul(g, sign(x)); });
}

void record_sign(const Tensor& a, const Tensor& out) { record_zero_grad("sign", a, out); }
void record_floor(const Tensor& a, const Tensor& out) { record_zero_grad("floor", a, out); }
void record_ceil(const Tensor& a, const Tensor& out) { record_zero_grad("ceil", a, out); }
void record_round(const Tensor& a, const Tensor& out) { record_zero_grad("round", a, out); }

void record_square(const Tensor& a, const Tensor& out) {
  record_unary("square", a, out, kSaveInput, [](const Tensor& g, const Tensor& x, const Tensor&) {
    return mul(g, mul(x, 2.0));
  });
}

void record_relu(const Tensor& a, const Tensor& out) {
  record_unary("relu", a, out, kSaveInput, [](const Tensor& g, const Tensor& x, const Tensor&) {
    return keep_where(gt(x, 0.0), g);
  });
}

void record_clip(const Tensor& a, std::optional<double> lo, std::optional<double> hi, const Tensor& out) {
  // The gradient passes where lo <= a <= hi (bounds included, like PyTorch's clamp) and is 0 where
  // a bound was applied.
  record_unary("clip", a, out, kSaveInput, [lo, hi](const Tensor& g, const Tensor& x, const Tensor&) {
    if (lo && hi) return keep_where(logical_and(ge(x, *lo), le(x, *hi)), g);
    if (lo) return keep_where(ge(x, *lo), g);
    if (hi) return keep_where(le(x, *hi), g);
    return g;
  });
}

void record_exp(const Tensor& a, const Tensor& out) {
  record_unary("exp", a, out, kSaveOutput, [](const Tensor& g, const Tensor&, const Tensor& y) { return mul(g, y); });
}

void record_expm1(const Tensor& a, const Tensor& out) {
  record_unary("expm1", a, out, kSaveOutput, [](const Tensor& g, const Tensor&, const Tensor& y) {
    return mul(g, add(y, 1.0));
  });
}

void record_log(const Tensor& a, const Tensor& out) {
  record_unary("log", a, out, kSaveInput, [](const Tensor& g, const Tensor& x, const Tensor&) { return div(g, x); });
}

void record_log1p(const Tensor& a, const Tensor& out) {
  record_unary("log1p", a, out, kSaveInput, [](const Tensor& g, const Tensor& x, const Tensor&) {
    return div(g, add(x, 1.0));
  });
}

void record_sqrt(const Tensor& a, const Tensor& out) {
  record_unary("sqrt", a, out, kSaveOutput, [](const Tensor& g, const Tensor&, const Tensor& y) {
    return div(g, mul(y, 2.0));
  });
}

void record_rsqrt(const Tensor& a, const Tensor& out) {
  // d x^(-1/2) = -1/2 x^(-3/2) = -1/2 y^3.
  record_unary("rsqrt", a, out, kSaveOutput, [](const Tensor& g, const Tensor&, const Tensor& y) {
    return mul(g, mul(mul(mul(y, y), y), -0.5));
  });
}

void record_sin(const Tensor& a, const Tensor& out) {
  record_unary("sin", a, out, kSaveInput, [](const Tensor& g, const Tensor& x, const Tensor&) { return mul(g, cos(x)); });
}

void record_cos(const Tensor& a, const Tensor& out) {
  record_unary("cos", a, out, kSaveInput, [](const Tensor& g, const Tensor& x, const Tensor&) {
    return mul(g, neg(sin(x)));
  });
}

void record_tan(const Tensor& a, const Tensor& out) {
  record_unary("tan", a, out, kSaveOutput, [](const Tensor& g, const Tensor&, const Tensor& y) {
    return mul(g, add(mul(y, y), 1.0));
  });
}

void record_tanh(const Tensor& a, const Tensor& out) {
  record_unary("tanh", a, out, kSaveOutput, [](const Tensor& g, const Tensor&, const Tensor& y) {
    return mul(g, sub(1.0, mul(y, y)));
  });
}

void record_sigmoid(const Tensor& a, const Tensor& out) {
  record_unary("sigmoid", a, out, kSaveOutput, [](const Tensor& g, const Tensor&, const Tensor& y) {
    return mul(g, mul(y, sub(1.0, y)));
  });
}

void record_silu(const Tensor& a, const Tensor& out) {
  // d x s(x) = s (1 + x (1 - s)).
  record_unary("silu", a, out, kSaveInput, [](const Tensor& g, const Tensor& x, const Tensor&) {
    Tensor s = sigmoid(x);
    return mul(g, mul(s, add(mul(x, sub(1.0, s)), 1.0)));
  });
}

void record_leaky_relu(const Tensor& a, double slope, const Tensor& out) {
  record_unary("leaky_relu", a, out, kSaveInput, [slope](const Tensor& g, const Tensor& x, const Tensor&) {
    return where(gt(x, 0.0), g, mul(g, slope));
  });
}

void record_elu(const Tensor& a, double alpha, const Tensor& out) {
  // x <= 0: d alpha (e^x - 1) = alpha e^x, recomputed from x so that only the input is kept.
  record_unary("elu", a, out, kSaveInput, [alpha](const Tensor& g, const Tensor& x, const Tensor&) {
    return where(gt(x, 0.0), g, mul(g, mul(exp(x), alpha)));
  });
}

void record_gelu(const Tensor& a, bool approximate, const Tensor& out) {
  record_unary("gelu", a, out, kSaveInput, [approximate](const Tensor& g, const Tensor& x, const Tensor&) {
    // f16/bf16 compute in f32: Phi below divides by x, which needs more range near 0 than f16 has.
    Tensor xc = is_half(x.dtype()) ? to_dtype(x, DType::F32) : x;
    Tensor d;
    if (approximate) {
      // x/2 (1 + t), t = tanh(k (x + c x^3)): (1 + t)/2 + x/2 (1 - t^2) k (1 + 3 c x^2).
      const double k = 0.7978845608028654, c = 0.044715;
      Tensor x2 = mul(xc, xc);
      Tensor t = tanh(mul(mul(xc, add(mul(x2, c), 1.0)), k));
      Tensor dt = mul(sub(1.0, mul(t, t)), mul(add(mul(x2, 3.0 * c), 1.0), k));
      d = add(mul(add(t, 1.0), 0.5), mul(mul(xc, 0.5), dt));
    } else {
      // x Phi(x): Phi(x) + x phi(x). There is no erf op, so Phi = gelu(x) / x, which keeps the
      // forward's relative accuracy; near 0 it is 1/2 + x phi(0) (exact to rounding for |x| < 1e-30,
      // and with the right derivative). The denominator is made safe first so that no branch, and no
      // second derivative, sees 0/0.
      const double inv_sqrt_2pi = 0.3989422804014327;
      Tensor small = lt(abs(xc), 1e-30);
      Tensor safe_x = where(small, ones({}, xc.dtype(), xc.device()), xc);
      Tensor cdf = where(small, add(mul(xc, inv_sqrt_2pi), 0.5), div(gelu(safe_x, false), safe_x));
      Tensor pdf = mul(exp(mul(mul(xc, xc), -0.5)), inv_sqrt_2pi);
      d = add(cdf, mul(xc, pdf));
    }
    return mul(g, d);
  });
}

void record_softplus(const Tensor& a, double beta, double threshold, const Tensor& out) {
  // sigmoid(beta x) (the beta cancels), and 1 in the linear region beta x > threshold.
  record_unary("softplus", a, out, kSaveInput, [beta, threshold](const Tensor& g, const Tensor& x, const Tensor&) {
    Tensor z = mul(x, beta);
    return where(gt(z, threshold), g, mul(g, sigmoid(z)));
  });
}

}  // namespace tfl::autograd
